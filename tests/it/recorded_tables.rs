//! The recorded tables (event log, time series) are declared once, and
//! everything about them follows from that declaration: their files'
//! columns and `docs/outputs.md`'s description of them.

use reviewsim::model::TABLES;
use reviewsim::output::{OutputKind, columns, recorded_tables_markdown};

use crate::common::baseline_with;

const OUTPUTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md");
const START: &str =
    "<!-- recorded tables: generated from the rows' declarations; do not edit by hand -->\n";
const END: &str = "<!-- end of the recorded tables -->";

#[test]
fn docs_outputs_md_describes_the_recorded_tables_as_declared() {
    let text = std::fs::read_to_string(OUTPUTS).unwrap();
    let start = text.find(START).expect("the start marker") + START.len();
    let end = text.find(END).expect("the end marker");
    let generated = recorded_tables_markdown();
    if std::env::var_os("REVIEWSIM_BLESS").is_some() {
        let written = format!("{}{generated}{}", &text[..start], &text[end..]);
        std::fs::write(OUTPUTS, written).unwrap();
        return;
    }
    assert!(
        text[start..end] == generated,
        "docs/outputs.md's recorded tables are stale: \
         REVIEWSIM_BLESS=1 cargo test --release --test it recorded_tables"
    );
}

#[test]
fn every_declared_field_is_a_column_of_its_file() {
    let scenario = baseline_with(&[]);
    let docs = recorded_tables_markdown();
    for (index, table) in TABLES.iter().enumerate() {
        let names: Vec<String> = columns(OutputKind::Recorded(index), &scenario)
            .into_iter()
            .map(|column| column.name)
            .collect();
        for field in table.fields() {
            assert!(names.contains(&field.name.to_string()), "{}", field.name);
            assert!(docs.contains(&format!("| `{}` |", field.name)));
        }
        assert_eq!(
            OutputKind::named(table.name()),
            Some(OutputKind::Recorded(index))
        );
    }
}
