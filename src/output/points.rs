//! `points.csv`: each point's id and swept values.

use std::io::Write;

/// Writes `points.csv`: `point`, then one column per swept path.
pub fn write_points<W: Write>(
    columns: &[String],
    values: &[Vec<String>],
    writer: W,
) -> csv::Result<W> {
    let mut csv = csv::Writer::from_writer(writer);
    let mut header = vec!["point".to_string()];
    header.extend(columns.iter().cloned());
    csv.write_record(&header)?;
    if values.is_empty() {
        csv.write_record(["0"])?;
    }
    for (point, row) in values.iter().enumerate() {
        csv.write_field(point.to_string())?;
        csv.write_record(row)?;
    }
    csv.into_inner().map_err(|e| e.into_error().into())
}
