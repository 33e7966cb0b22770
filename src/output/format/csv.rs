//! CSV with one spelling per column type, so that readers infer the
//! declared types whatever the values.

use std::io::Write;

use super::{Cell, FormatError, Schema, TableWriter};

/// Writes a header row, then one record per row:
///
/// | type    | written as                                                  |
/// |---------|-------------------------------------------------------------|
/// | null    | an empty cell (so an empty string reads back as null too)   |
/// | integer | decimal digits: `-3`                                        |
/// | number  | the shortest text that reads back as the same `f64`, always with a `.0` or an exponent: `30.0`, `0.1`, `1e21`, `1e-7` |
/// | boolean | `true`, `false`                                             |
/// | date    | ISO 8601, `2025-01-31` (a sign and more digits outside years 0 to 9999) |
/// | string  | as is, quoted only when it holds a comma, quote or newline  |
///
/// Non-finite numbers never reach the file: [`Schema::check_row`] refuses
/// them, so `NaN` and `inf` never appear.
///
/// Cells are formatted into buffers owned by the writer (stack buffers for
/// numbers, one reused `Vec` for dates), so the steady state allocates
/// nothing per cell or row.
pub struct CsvTableWriter<W: Write> {
    schema: Schema,
    csv: ::csv::Writer<W>,
    integer_text: itoa::Buffer,
    number_text: ryu::Buffer,
    date_text: Vec<u8>,
    rows_written: u64,
    finished: bool,
}

impl<W: Write> CsvTableWriter<W> {
    /// Writes the header row and returns the writer.
    pub fn new(writer: W, schema: &Schema) -> Result<Self, FormatError> {
        let mut csv = ::csv::Writer::from_writer(writer);
        csv.write_record(schema.columns().iter().map(|column| column.name.as_bytes()))?;
        Ok(CsvTableWriter {
            schema: schema.clone(),
            csv,
            integer_text: itoa::Buffer::new(),
            number_text: ryu::Buffer::new(),
            date_text: Vec::with_capacity(16),
            rows_written: 0,
            finished: false,
        })
    }

    /// The table's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Number of rows written, not counting the header.
    pub fn rows_written(&self) -> u64 {
        self.rows_written
    }

    /// Finishes the table and returns the destination, flushed.
    pub fn into_inner(mut self) -> Result<W, FormatError> {
        self.finish()?;
        self.csv
            .into_inner()
            .map_err(|error| FormatError::Io(error.into_error()))
    }

    fn write_cell(&mut self, cell: Cell<'_>) -> Result<(), FormatError> {
        match cell {
            Cell::Null => self.csv.write_field(b"")?,
            Cell::Integer(value) => self.csv.write_field(self.integer_text.format(value))?,
            // `format`, not `format_finite`: `check_row` has refused
            // non-finite numbers, and `format` stays defined if one slips by.
            Cell::Number(value) => self.csv.write_field(self.number_text.format(value))?,
            Cell::Boolean(value) => self.csv.write_field(if value { "true" } else { "false" })?,
            Cell::Date(value) => {
                self.date_text.clear();
                write!(self.date_text, "{value}")?;
                self.csv.write_field(&self.date_text)?;
            }
            Cell::String(value) => self.csv.write_field(value)?,
        }
        Ok(())
    }
}

impl<W: Write> TableWriter for CsvTableWriter<W> {
    fn write_row(&mut self, row: &[Cell<'_>]) -> Result<(), FormatError> {
        if self.finished {
            return Err(FormatError::Finished);
        }
        self.schema
            .check_row(row)
            .map_err(|source| FormatError::Row {
                row: self.rows_written,
                source,
            })?;
        for &cell in row {
            self.write_cell(cell)?;
        }
        // An empty record ends the one built field by field.
        self.csv.write_record(None::<&[u8]>)?;
        self.rows_written += 1;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), FormatError> {
        self.finished = true;
        self.csv.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
