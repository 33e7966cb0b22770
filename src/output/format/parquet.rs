//! Parquet, streamed in row groups: one Arrow type per column type, all
//! nullable, zstd-compressed.

mod columns;
mod concat;

use std::io::Write;
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::{Compression, ZstdLevel};
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::properties::WriterProperties;
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use self::columns::{ColumnBuffer, to_arrow_schema};
pub use self::concat::{ConcatError, concat_parquet};
use super::{Cell, FormatError, Schema, TableWriter};

/// Rows per row group. Large enough for good compression and fast scans,
/// small enough that one group of a wide table stays a few tens of
/// megabytes: a writer holds at most this many rows.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Key of the file's key-value metadata holding the table's Frictionless
/// Table Schema (JSON: `{"fields": [{"name", "type", "description"}]}`),
/// so that column descriptions travel with the file.
pub const TABLE_SCHEMA_KEY: &str = "table_schema";

/// The writer properties shared by the table writer and `concat_parquet`,
/// so that a merged file is written like a single one.
fn writer_properties(key_value_metadata: Vec<KeyValue>) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(key_value_metadata))
        .build()
}

/// Writes rows as Parquet, column types mapped to Arrow types:
///
/// | column type | Arrow type | Parquet physical (logical) type |
/// |-------------|------------|---------------------------------|
/// | integer     | `Int64`    | `INT64`                         |
/// | number      | `Float64`  | `DOUBLE`                        |
/// | boolean     | `Boolean`  | `BOOLEAN`                       |
/// | date        | `Date32`   | `INT32` (`DATE`)                |
/// | string      | `Utf8`     | `BYTE_ARRAY` (`STRING`)         |
///
/// Every column is nullable, so a column whose cells are all null keeps its
/// type. Rows are buffered in Arrow builders and written as a row group each
/// time [`ROW_GROUP_ROWS`] have gathered, so memory stays flat however many
/// rows pass ([`ParquetTableWriter::buffered_rows`] tells how many are
/// held). Non-finite numbers are refused, as in CSV, so both formats hold
/// the same values.
pub struct ParquetTableWriter<W: Write + Send> {
    schema: Schema,
    arrow_schema: SchemaRef,
    columns: Vec<ColumnBuffer>,
    buffered_rows: usize,
    rows_written: u64,
    row_groups_written: usize,
    /// `None` once finished; the destination then waits in `finished`.
    writer: Option<ArrowWriter<W>>,
    finished: Option<W>,
}

impl<W: Write + Send> ParquetTableWriter<W> {
    /// Starts a file for `schema`. Nothing reaches `writer` but the magic
    /// bytes until the first row group is full or the table is finished.
    pub fn new(writer: W, schema: &Schema) -> Result<Self, FormatError> {
        let arrow_schema = Arc::new(to_arrow_schema(schema));
        let table_schema = serde_json::to_string(schema).map_err(std::io::Error::from)?;
        let properties = writer_properties(vec![KeyValue::new(
            TABLE_SCHEMA_KEY.to_owned(),
            table_schema,
        )]);
        let writer = ArrowWriter::try_new(writer, Arc::clone(&arrow_schema), Some(properties))?;
        Ok(ParquetTableWriter {
            schema: schema.clone(),
            arrow_schema,
            columns: schema
                .columns()
                .iter()
                .map(|column| ColumnBuffer::new(column.column_type))
                .collect(),
            buffered_rows: 0,
            rows_written: 0,
            row_groups_written: 0,
            writer: Some(writer),
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
        let in_arrow_writer = self
            .writer
            .as_ref()
            .map_or(0, ArrowWriter::in_progress_rows);
        self.buffered_rows + in_arrow_writer
    }

    /// Row groups written so far.
    pub fn row_groups_written(&self) -> usize {
        self.row_groups_written
    }

    /// Finishes the file and returns the destination, flushed.
    pub fn into_inner(mut self) -> Result<W, FormatError> {
        self.finish()?;
        // `finish` succeeded, so the destination is there.
        self.finished.ok_or(FormatError::Finished)
    }

    /// Writes the buffered rows, if any, as one row group.
    fn write_row_group(&mut self) -> Result<(), FormatError> {
        if self.buffered_rows == 0 {
            return Ok(());
        }
        let writer = self.writer.as_mut().ok_or(FormatError::Finished)?;
        let arrays = self.columns.iter_mut().map(ColumnBuffer::finish).collect();
        let batch = RecordBatch::try_new(Arc::clone(&self.arrow_schema), arrays)?;
        writer.write(&batch)?;
        // The batch is at most one group, so `write` has not split it; flush
        // closes the group here rather than when the next batch arrives.
        writer.flush()?;
        self.buffered_rows = 0;
        self.row_groups_written += 1;
        Ok(())
    }
}

impl<W: Write + Send> TableWriter for ParquetTableWriter<W> {
    fn write_row(&mut self, row: &[Cell<'_>]) -> Result<(), FormatError> {
        if self.writer.is_none() {
            return Err(FormatError::Finished);
        }
        self.schema
            .check_row(row)
            .map_err(|source| FormatError::Row {
                row: self.rows_written,
                source,
            })?;
        for (column, cell) in self.columns.iter_mut().zip(row) {
            column.append(cell);
        }
        self.buffered_rows += 1;
        self.rows_written += 1;
        if self.buffered_rows == ROW_GROUP_ROWS {
            self.write_row_group()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), FormatError> {
        if self.writer.is_none() {
            return Ok(());
        }
        self.write_row_group()?;
        if let Some(writer) = self.writer.take() {
            // Writes the footer and flushes the destination.
            let mut destination = writer.into_inner()?;
            destination.flush()?;
            self.finished = Some(destination);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
