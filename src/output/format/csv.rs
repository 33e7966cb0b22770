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
/// Rows are formatted straight into one buffer owned by the writer
/// (numbers through stack buffers, dates digit by digit), which goes to the
/// destination whenever it holds 64 KiB: the steady state
/// allocates nothing per cell or row and copies each byte once; the text is
/// the csv crate's (tested against it).
pub struct CsvTableWriter<W: Write> {
    schema: Schema,
    out: W,
    /// Text not yet handed to `out`: whole rows.
    line: Vec<u8>,
    integer_text: itoa::Buffer,
    number_text: ryu::Buffer,
    fast_number_text: zmij::Buffer,
    rows_written: u64,
    finished: bool,
}

/// Below this magnitude zmij spells every finite number exactly as ryu
/// does, in less time; from 10^16 on it writes `1e+16` where ryu writes
/// `1e16`, so ryu keeps those (tested on both sides).
const ZMIJ_SPELLS_LIKE_RYU_BELOW: f64 = 1e16;

/// Text is handed to the destination in pieces of about this size.
const BUFFER: usize = 1 << 16;

impl<W: Write> CsvTableWriter<W> {
    /// A writer that has written the header row.
    pub fn new(writer: W, schema: &Schema) -> Result<Self, FormatError> {
        let mut line = Vec::with_capacity(BUFFER + 1024);
        let names = schema.columns().iter().map(|column| column.name.as_bytes());
        let count = schema.columns().len();
        for (index, name) in names.enumerate() {
            if index > 0 {
                line.push(b',');
            }
            push_text(&mut line, name, count == 1);
        }
        line.push(b'\n');
        Ok(CsvTableWriter {
            schema: schema.clone(),
            out: writer,
            line,
            integer_text: itoa::Buffer::new(),
            number_text: ryu::Buffer::new(),
            fast_number_text: zmij::Buffer::new(),
            rows_written: 0,
            finished: false,
        })
    }

    /// The table's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.rows_written
    }

    /// Finishes the table and returns the writer.
    pub fn into_inner(mut self) -> Result<W, FormatError> {
        self.finish()?;
        Ok(self.out)
    }

    fn push_cell(&mut self, cell: Cell<'_>, alone: bool) {
        let line = &mut self.line;
        match cell {
            Cell::Null => {
                if alone {
                    line.extend_from_slice(b"\"\"");
                }
            }
            Cell::Integer(value) => {
                line.extend_from_slice(self.integer_text.format(value).as_bytes())
            }
            Cell::Number(value) => {
                let text = if value.abs() < ZMIJ_SPELLS_LIKE_RYU_BELOW {
                    self.fast_number_text.format_finite(value)
                } else {
                    self.number_text.format(value)
                };
                line.extend_from_slice(text.as_bytes())
            }
            Cell::Boolean(value) => line.extend_from_slice(if value { b"true" } else { b"false" }),
            Cell::Date(value) => push_date(line, value),
            Cell::String(value) => push_text(line, value.as_bytes(), alone),
        }
    }
}

/// Text as the csv crate writes it by default: quoted only when it holds a
/// comma, a quote or a line break (quotes doubled), or when it is the empty
/// only field of its row.
fn push_text(line: &mut Vec<u8>, text: &[u8], alone: bool) {
    let quote = (text.is_empty() && alone)
        || text
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !quote {
        line.extend_from_slice(text);
        return;
    }
    line.push(b'"');
    for &byte in text {
        if byte == b'"' {
            line.push(b'"');
        }
        line.push(byte);
    }
    line.push(b'"');
}

/// A date as chrono shows it: `2025-01-31`, and with a sign and more digits
/// outside years 0 to 9999.
fn push_date(line: &mut Vec<u8>, date: chrono::NaiveDate) {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        let _ = write!(line, "{date}");
        return;
    }
    let digits = |line: &mut Vec<u8>, value: u32, width: u32| {
        for place in (0..width).rev() {
            line.push(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    };
    digits(line, year as u32, 4);
    line.push(b'-');
    digits(line, date.month(), 2);
    line.push(b'-');
    digits(line, date.day(), 2);
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
        let alone = row.len() == 1;
        for (index, &cell) in row.iter().enumerate() {
            if index > 0 {
                self.line.push(b',');
            }
            self.push_cell(cell, alone);
        }
        self.line.push(b'\n');
        self.rows_written += 1;
        if self.line.len() >= BUFFER {
            self.out.write_all(&self.line)?;
            self.line.clear();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), FormatError> {
        self.finished = true;
        self.out.write_all(&self.line)?;
        self.line.clear();
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
