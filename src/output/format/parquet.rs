//! Parquet, streamed in row groups: one Parquet type per column type, all
//! optional, zstd-compressed, written with the parquet crate's own
//! low-level writer (no Arrow).

mod columns;
mod concat;
mod row_groups;

use std::io::Write;

use ::parquet::file::metadata::KeyValue;

pub use self::concat::{ConcatError, concat_parquet};
use self::row_groups::RowGroups;
use super::{Cell, FormatError, Schema, TableWriter};

/// Rows per row group. Large enough for good compression and fast scans,
/// small enough that one group of a wide table stays a few tens of
/// megabytes: a writer holds at most this many rows.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Key of the file's key-value metadata holding the table's Frictionless
/// Table Schema (JSON: `{"fields": [{"name", "type", "description"}]}`),
/// so that column descriptions travel with the file.
pub const TABLE_SCHEMA_KEY: &str = "table_schema";

/// Writes rows as Parquet, column types mapped to Parquet types:
///
/// | column type | Parquet physical (logical) type | read by Arrow as |
/// |-------------|---------------------------------|------------------|
/// | integer     | `INT64`                         | `Int64`          |
/// | number      | `DOUBLE`                        | `Float64`        |
/// | boolean     | `BOOLEAN`                       | `Boolean`        |
/// | date        | `INT32` (`DATE`)                | `Date32`         |
/// | string      | `BYTE_ARRAY` (`STRING`)         | `Utf8`           |
///
/// Every column is optional (nullable), so a column whose cells are all
/// null keeps its type. The types are all in the Parquet schema, so
/// readers (pyarrow, polars, R's arrow) need no Arrow schema in the
/// metadata to read them. Rows are buffered column by column and written
/// as a row group each time [`ROW_GROUP_ROWS`] have gathered, so memory
/// stays flat however many rows pass
/// ([`ParquetTableWriter::buffered_rows`] tells how many are held).
/// Non-finite numbers are refused, as in CSV, so both formats hold the
/// same values.
pub struct ParquetTableWriter<W: Write + Send> {
    schema: Schema,
    rows_written: u64,
    /// `None` once finished; the destination then waits in `finished`.
    groups: Option<RowGroups<W>>,
    row_groups_written: usize,
    finished: Option<W>,
}

impl<W: Write + Send> ParquetTableWriter<W> {
    /// Starts a file for `schema`. Nothing reaches `writer` but the magic
    /// bytes until the first row group is full or the table is finished.
    pub fn new(writer: W, schema: &Schema) -> Result<Self, FormatError> {
        let table_schema = serde_json::to_string(schema).map_err(std::io::Error::from)?;
        let columns = schema
            .columns()
            .iter()
            .map(|column| (column.name.as_str(), column.column_type));
        let metadata = vec![KeyValue::new(TABLE_SCHEMA_KEY.to_owned(), table_schema)];
        Ok(ParquetTableWriter {
            schema: schema.clone(),
            rows_written: 0,
            groups: Some(RowGroups::new(writer, columns, metadata)?),
            row_groups_written: 0,
            finished: None,
        })
    }

    /// The table's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Number of rows written, including those still buffered.
    pub fn rows_written(&self) -> u64 {
        self.rows_written
    }

    /// Rows held in memory, not yet in a written row group: always below
    /// [`ROW_GROUP_ROWS`] between calls.
    pub fn buffered_rows(&self) -> usize {
        self.groups.as_ref().map_or(0, RowGroups::buffered_rows)
    }

    /// Row groups written so far.
    pub fn row_groups_written(&self) -> usize {
        self.groups
            .as_ref()
            .map_or(self.row_groups_written, RowGroups::groups_written)
    }

    /// Finishes the file and returns the destination, flushed.
    pub fn into_inner(mut self) -> Result<W, FormatError> {
        self.finish()?;
        // `finish` succeeded, so the destination is there.
        self.finished.ok_or(FormatError::Finished)
    }
}

impl<W: Write + Send> TableWriter for ParquetTableWriter<W> {
    fn write_row(&mut self, row: &[Cell<'_>]) -> Result<(), FormatError> {
        let groups = self.groups.as_mut().ok_or(FormatError::Finished)?;
        self.schema
            .check_row(row)
            .map_err(|source| FormatError::Row {
                row: self.rows_written,
                source,
            })?;
        for (column, cell) in groups.columns_mut().iter_mut().zip(row) {
            column.append(cell);
        }
        self.rows_written += 1;
        groups.rows_added(1)?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), FormatError> {
        let Some(groups) = self.groups.take() else {
            return Ok(());
        };
        // Writes the last row group and the footer, and flushes.
        let (destination, row_groups) = groups.finish()?;
        self.row_groups_written = row_groups;
        self.finished = Some(destination);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
