//! Merging shard outputs: the rows of several Parquet files of one schema,
//! in order, in one file.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use ::parquet::arrow::ARROW_SCHEMA_META_KEY;
use ::parquet::arrow::ArrowWriter;
use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::KeyValue;
use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, Fields, SchemaRef};
use arrow_select::concat::concat_batches;

use super::{ROW_GROUP_ROWS, writer_properties};

/// Rows decoded at a time. Memory holds at most one row group of the
/// output (and, briefly, its copy as one batch), however large the files.
const BATCH_ROWS: usize = 8_192;

/// Why files could not be concatenated.
#[derive(Debug, thiserror::Error)]
pub enum ConcatError {
    /// The list of files is empty, so there is no schema to write.
    #[error("no Parquet files to concatenate")]
    NoInputs,
    /// A file could not be opened.
    #[error("{file}: cannot open")]
    Open {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not readable Parquet.
    #[error("{file}: cannot read as Parquet")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: ParquetError,
    },
    /// A file's rows could not be decoded.
    #[error("{file}: cannot decode rows")]
    Decode {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: ArrowError,
    },
    /// A file's columns differ from the first file's in name, order, type
    /// or nullability.
    #[error("{file}: columns differ from those of {first}: expected [{expected}], found [{found}]")]
    SchemaMismatch {
        /// The file.
        file: String,
        /// The first file, whose columns are expected.
        first: String,
        /// The first file's columns.
        expected: String,
        /// This file's columns.
        found: String,
    },
    /// The output could not be written.
    #[error("cannot write the concatenated Parquet file")]
    Write(#[source] ParquetError),
}

/// `name: Type` for each field, `not null` where the field is not nullable.
fn describe(fields: &Fields) -> String {
    fields
        .iter()
        .map(|field| {
            let null = if field.is_nullable() { "" } else { " not null" };
            format!("{}: {}{null}", field.name(), field.data_type())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, ConcatError> {
    let file = path.display().to_string();
    let handle = File::open(path).map_err(|source| ConcatError::Open {
        file: file.clone(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(handle)
        .map_err(|source| ConcatError::Read { file, source })
}

/// Refuses `path` unless its columns are `expected`, those of `first`.
fn check_fields(
    path: &Path,
    builder: &ParquetRecordBatchReaderBuilder<File>,
    first: &Path,
    expected: &Fields,
) -> Result<(), ConcatError> {
    let found = builder.schema().fields();
    if found == expected {
        return Ok(());
    }
    Err(ConcatError::SchemaMismatch {
        file: path.display().to_string(),
        first: first.display().to_string(),
        expected: describe(expected),
        found: describe(found),
    })
}

/// The first file's key-value metadata (such as the table schema), less
/// the Arrow schema, which the writer encodes afresh.
fn carried_metadata(builder: &ParquetRecordBatchReaderBuilder<File>) -> Vec<KeyValue> {
    builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|pairs| {
            pairs
                .iter()
                .filter(|pair| pair.key != ARROW_SCHEMA_META_KEY)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

fn copy_rows<W: Write + Send>(
    path: &Path,
    builder: ParquetRecordBatchReaderBuilder<File>,
    groups: &mut Regroup,
    writer: &mut ArrowWriter<W>,
) -> Result<(), ConcatError> {
    let file = || path.display().to_string();
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|source| ConcatError::Read {
            file: file(),
            source,
        })?;
    for batch in reader {
        let batch = batch.map_err(|source| ConcatError::Decode {
            file: file(),
            source,
        })?;
        groups.push(batch, writer)?;
    }
    Ok(())
}

/// Rows gathered into row groups of [`ROW_GROUP_ROWS`] (the last one
/// shorter), each handed to the writer as one batch and closed, as
/// `ParquetTableWriter` does: the file comes out byte for byte as if it had
/// been written in one go.
struct Regroup {
    schema: SchemaRef,
    pending: Vec<RecordBatch>,
    rows: usize,
}

impl Regroup {
    fn new(schema: SchemaRef) -> Self {
        Regroup {
            schema,
            pending: Vec::new(),
            rows: 0,
        }
    }

    fn push<W: Write + Send>(
        &mut self,
        mut batch: RecordBatch,
        writer: &mut ArrowWriter<W>,
    ) -> Result<(), ConcatError> {
        loop {
            let room = ROW_GROUP_ROWS - self.rows;
            let rows = batch.num_rows();
            if rows < room {
                self.rows += rows;
                self.pending.push(batch);
                return Ok(());
            }
            self.pending.push(batch.slice(0, room));
            self.rows += room;
            self.write_group(writer)?;
            batch = batch.slice(room, rows - room);
        }
    }

    /// Writes the gathered rows, if any, as one row group.
    fn write_group<W: Write + Send>(
        &mut self,
        writer: &mut ArrowWriter<W>,
    ) -> Result<(), ConcatError> {
        if self.rows == 0 {
            return Ok(());
        }
        let batch = concat_batches(&self.schema, &self.pending)
            .map_err(|error| ConcatError::Write(error.into()))?;
        writer.write(&batch).map_err(ConcatError::Write)?;
        writer.flush().map_err(ConcatError::Write)?;
        self.pending.clear();
        self.rows = 0;
        Ok(())
    }
}

/// Writes the rows of `inputs`, file after file and in each file's order,
/// to `output` as one Parquet file, and returns `output`, flushed.
///
/// Every file must have the first file's columns: same names, order, Arrow
/// types and nullability (descriptions are not compared; the first file's
/// key-value metadata is carried over). All files are checked before a
/// row is written, so a mismatch leaves `output` untouched. Rows stream
/// through in batches and are regrouped into row groups of
/// [`ROW_GROUP_ROWS`](super::ROW_GROUP_ROWS), compressed as
/// `ParquetTableWriter` does, so the result is laid out like a file written
/// in one go.
pub fn concat_parquet<P: AsRef<Path>, W: Write + Send>(
    inputs: &[P],
    output: W,
) -> Result<W, ConcatError> {
    let first = inputs.first().ok_or(ConcatError::NoInputs)?.as_ref();
    let first_builder = open(first)?;
    let fields = first_builder.schema().fields().clone();
    for input in &inputs[1..] {
        check_fields(input.as_ref(), &open(input.as_ref())?, first, &fields)?;
    }

    // The schema without the first file's metadata map, which would
    // otherwise be encoded twice (in it and in the key-value pairs).
    let schema = Arc::new(arrow_schema::Schema::new(fields.clone()));
    let properties = writer_properties(carried_metadata(&first_builder));
    let mut writer = ArrowWriter::try_new(output, Arc::clone(&schema), Some(properties))
        .map_err(ConcatError::Write)?;
    let mut groups = Regroup::new(Arc::clone(&schema));
    copy_rows(first, first_builder, &mut groups, &mut writer)?;
    for input in &inputs[1..] {
        let builder = open(input.as_ref())?;
        // Checked again: the file may have changed since the first pass.
        check_fields(input.as_ref(), &builder, first, &fields)?;
        copy_rows(input.as_ref(), builder, &mut groups, &mut writer)?;
    }
    groups.write_group(&mut writer)?;
    let mut output = writer.into_inner().map_err(ConcatError::Write)?;
    output
        .flush()
        .map_err(|error| ConcatError::Write(error.into()))?;
    Ok(output)
}
