//! Typed columns gathered into row groups and written with the parquet
//! crate's file writer: what the table writer and `concat_parquet` share,
//! so that a merged file is laid out byte for byte like a single one.

use std::io::Write;
use std::sync::Arc;

use ::parquet::basic::{Compression, ZstdLevel};
use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;

use super::ROW_GROUP_ROWS;
use super::columns::{ColumnBuffer, parquet_schema};
use crate::output::format::ColumnType;

/// Rows buffered column by column, written as a row group each time
/// [`ROW_GROUP_ROWS`] have gathered (and the rest at the end).
pub(super) struct RowGroups<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: Vec<ColumnBuffer>,
    buffered_rows: usize,
    groups_written: usize,
}

impl<W: Write + Send> RowGroups<W> {
    /// Starts a file of `columns` (name and type, in order), zstd-compressed,
    /// with `key_value_metadata` in its footer. Only the magic bytes are
    /// written before the first row group.
    pub(super) fn new<'a>(
        output: W,
        columns: impl IntoIterator<Item = (&'a str, ColumnType)> + Clone,
        key_value_metadata: Vec<KeyValue>,
    ) -> Result<Self, ParquetError> {
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_key_value_metadata(Some(key_value_metadata))
            .build();
        let schema = parquet_schema(columns.clone())?;
        Ok(RowGroups {
            writer: SerializedFileWriter::new(output, schema, Arc::new(properties))?,
            columns: columns
                .into_iter()
                .map(|(_, column_type)| ColumnBuffer::new(column_type))
                .collect(),
            buffered_rows: 0,
            groups_written: 0,
        })
    }

    /// The buffers, one per column, to append rows to; then say how many
    /// with [`RowGroups::rows_added`].
    pub(super) fn columns_mut(&mut self) -> &mut [ColumnBuffer] {
        &mut self.columns
    }

    /// Rows that can still join the row group being gathered.
    pub(super) fn room(&self) -> usize {
        ROW_GROUP_ROWS - self.buffered_rows
    }

    /// Rows held, not yet in a written row group: below [`ROW_GROUP_ROWS`]
    /// between calls.
    pub(super) fn buffered_rows(&self) -> usize {
        self.buffered_rows
    }

    /// Row groups written so far.
    pub(super) fn groups_written(&self) -> usize {
        self.groups_written
    }

    /// Counts `rows` more rows appended to every column (at most
    /// [`RowGroups::room`]), and writes the group if it is full.
    pub(super) fn rows_added(&mut self, rows: usize) -> Result<(), ParquetError> {
        debug_assert!(rows <= self.room(), "{rows} rows overflow the row group");
        self.buffered_rows += rows;
        if self.buffered_rows >= ROW_GROUP_ROWS {
            self.write_group()?;
        }
        Ok(())
    }

    /// Writes the buffered rows, if any, as one row group.
    fn write_group(&mut self) -> Result<(), ParquetError> {
        if self.buffered_rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        for column in &mut self.columns {
            let mut writer = group
                .next_column()?
                .ok_or_else(|| ParquetError::General("fewer columns than buffers".to_owned()))?;
            column.write_to(writer.untyped())?;
            writer.close()?;
        }
        group.close()?;
        self.buffered_rows = 0;
        self.groups_written += 1;
        Ok(())
    }

    /// Writes the rows still buffered and the footer, and returns the
    /// destination, flushed, and the number of row groups in the file.
    pub(super) fn finish(mut self) -> Result<(W, usize), ParquetError> {
        self.write_group()?;
        let mut output = self.writer.into_inner()?;
        output.flush()?;
        Ok((output, self.groups_written))
    }
}
