//! Writes one typed table as CSV (and as Parquet, with the default `parquet`
//! feature) beside its `datapackage.json`:
//!
//! ```text
//! cargo run --release --example table_formats -- OUT_DIR [ROWS]
//! ```
//!
//! Picks writers at run time behind `Box<dyn TableWriter>`, as the
//! simulator's outputs will, and links every format the build offers: its
//! size, with and without the feature, is what the formats cost a binary.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use reviewsim::output::format::{
    Cell, Column, CsvTableWriter, Schema, TableWriter, write_datapackage,
};

fn schema() -> Result<Schema, Box<dyn Error>> {
    Ok(Schema::new(vec![
        Column::integer("replication", "Replication index, from 0"),
        Column::number("delay_days", "Mean release delay, in days"),
        Column::boolean("signed", "Whether the lab signed the agreement"),
        Column::date("date", "Calendar date of the release"),
        Column::string("lab", "Lab id"),
        Column::number("share", "Market share; empty when undefined"),
    ])?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: table_formats OUT_DIR [ROWS]")?);
    let rows: u64 = match args.next() {
        Some(text) => text.to_str().ok_or("ROWS must be a number")?.parse()?,
        None => 1_000,
    };
    std::fs::create_dir_all(&dir)?;
    let schema = schema()?;
    let create = |name: &str| File::create(dir.join(name)).map(BufWriter::new);

    let mut writers: Vec<(&str, Box<dyn TableWriter>)> = vec![(
        "table.csv",
        Box::new(CsvTableWriter::new(create("table.csv")?, &schema)?),
    )];
    #[cfg(feature = "parquet")]
    writers.push((
        "table.parquet",
        Box::new(reviewsim::output::format::ParquetTableWriter::new(
            create("table.parquet")?,
            &schema,
        )?),
    ));

    let start = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("no such date")?;
    let labs = ["alpha", "beta", "gamma"];
    for index in 0..rows {
        let date = start
            .checked_add_days(Days::new(index % 3_650))
            .ok_or("date out of range")?;
        let share = (index % 3 != 0).then_some(1.0 / index as f64);
        let row = [
            Cell::Integer(i64::try_from(index)?),
            Cell::Number(index as f64 / 8.0),
            Cell::Boolean(index % 2 == 0),
            Cell::Date(date),
            Cell::String(labs[(index % 3) as usize]),
            Cell::from(share),
        ];
        for (_, writer) in &mut writers {
            writer.write_row(&row)?;
        }
    }
    for (_, writer) in &mut writers {
        writer.finish()?;
    }
    let resources: Vec<(&str, &Schema)> =
        writers.iter().map(|&(name, _)| (name, &schema)).collect();
    write_datapackage(create("datapackage.json")?, &resources)?;
    Ok(())
}
