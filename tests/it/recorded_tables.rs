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

/// The files under `src/` whose text names `needle`.
fn files_naming(needle: &str) -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::read_to_string(&path).unwrap().contains(needle) {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_time_series_is_named_in_its_own_file_and_the_list_only() {
    // The pressure time series as the example: its row type and its table's
    // name (as a string) appear in its declaration and in the list of
    // tables (with the model's re-export of its row), nowhere else in the
    // code: columns, cells, schema, spills, --outputs and merge all follow.
    let mut files = files_naming("PressureSample");
    files.extend(files_naming("\"pressure_timeseries\""));
    files.sort();
    files.dedup();
    assert_eq!(
        files,
        ["model.rs", "model/series.rs", "model/series/pressure.rs"]
    );
}
