//! Merging shard outputs: the rows of several Parquet files of one schema,
//! in order, in one file.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use ::parquet::basic::ConvertedType;
use ::parquet::column::reader::ColumnReader;
use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::reader::{FileReader, SerializedFileReader};
use ::parquet::schema::types::Type;

use super::columns::column_type_of;
use super::row_groups::RowGroups;
use crate::output::format::ColumnType;

/// Key of the Arrow schema that files written by Arrow writers (reviewsim
/// before it wrote Parquet without Arrow) carry; not carried into a merged
/// file, whose columns it would describe in Arrow's words only.
const ARROW_SCHEMA_KEY: &str = "ARROW:schema";

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
        source: ParquetError,
    },
    /// A file has a column of a type that reviewsim does not write.
    #[error(
        "{file}: column `{column}` is {found}, not an optional integer, number, boolean, \
         date or string column as reviewsim writes"
    )]
    UnsupportedColumn {
        /// The file.
        file: String,
        /// The column's name.
        column: String,
        /// Its Parquet repetition, physical and converted types.
        found: String,
    },
    /// A file's columns differ from the first file's in name, order or
    /// type.
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

/// An input file, open, and its columns.
struct Input {
    file: String,
    reader: SerializedFileReader<File>,
    columns: Vec<(String, ColumnType)>,
}

/// `OPTIONAL INT32 (DATE)`: how a column the module does not write is told.
fn describe_parquet(field: &Type) -> String {
    if !field.is_primitive() {
        return "a group".to_owned();
    }
    let info = field.get_basic_info();
    let repetition = if info.has_repetition() {
        format!("{} ", info.repetition())
    } else {
        String::new()
    };
    let converted = match info.converted_type() {
        ConvertedType::NONE => String::new(),
        converted => format!(" ({converted})"),
    };
    format!("{repetition}{}{converted}", field.get_physical_type())
}

/// `name: type` for each column.
fn describe(columns: &[(String, ColumnType)]) -> String {
    columns
        .iter()
        .map(|(name, column_type)| format!("{name}: {column_type}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn open(path: &Path) -> Result<Input, ConcatError> {
    let file = path.display().to_string();
    let handle = File::open(path).map_err(|source| ConcatError::Open {
        file: file.clone(),
        source,
    })?;
    let reader = SerializedFileReader::new(handle).map_err(|source| ConcatError::Read {
        file: file.clone(),
        source,
    })?;
    let fields = reader.metadata().file_metadata().schema().get_fields();
    let columns = fields
        .iter()
        .map(|field| match column_type_of(field) {
            Some(column_type) => Ok((field.name().to_owned(), column_type)),
            None => Err(ConcatError::UnsupportedColumn {
                file: file.clone(),
                column: field.name().to_owned(),
                found: describe_parquet(field),
            }),
        })
        .collect::<Result<_, _>>()?;
    Ok(Input {
        file,
        reader,
        columns,
    })
}

/// Refuses `input` unless its columns are those of `first`.
fn check_columns(input: &Input, first: &Input) -> Result<(), ConcatError> {
    if input.columns == first.columns {
        return Ok(());
    }
    Err(ConcatError::SchemaMismatch {
        file: input.file.clone(),
        first: first.file.clone(),
        expected: describe(&first.columns),
        found: describe(&input.columns),
    })
}

/// The first file's key-value metadata (such as the table schema), less
/// an Arrow schema.
fn carried_metadata(first: &Input) -> Vec<KeyValue> {
    first
        .reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|pairs| {
            pairs
                .iter()
                .filter(|pair| pair.key != ARROW_SCHEMA_KEY)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Reads every row of `input`, row group by row group, into `groups`,
/// never more at a time than the room left in the group being gathered.
fn copy_rows<W: Write + Send>(input: &Input, groups: &mut RowGroups<W>) -> Result<(), ConcatError> {
    let read = |source| ConcatError::Read {
        file: input.file.clone(),
        source,
    };
    let decode = |source| ConcatError::Decode {
        file: input.file.clone(),
        source,
    };
    for index in 0..input.reader.num_row_groups() {
        let group = input.reader.get_row_group(index).map_err(read)?;
        let mut readers = (0..input.columns.len())
            .map(|column| group.get_column_reader(column))
            .collect::<Result<Vec<ColumnReader>, _>>()
            .map_err(read)?;
        loop {
            let room = groups.room();
            let counts = groups
                .columns_mut()
                .iter_mut()
                .zip(&mut readers)
                .map(|(buffer, reader)| buffer.read_from(reader, room))
                .collect::<Result<Vec<usize>, _>>()
                .map_err(decode)?;
            let rows = counts.first().copied().unwrap_or(0);
            if counts.iter().any(|&count| count != rows) {
                return Err(decode(ParquetError::General(format!(
                    "the columns of row group {index} hold different numbers of rows: {counts:?}"
                ))));
            }
            if rows == 0 {
                break;
            }
            groups.rows_added(rows).map_err(ConcatError::Write)?;
        }
    }
    Ok(())
}

/// Writes the rows of `inputs`, file after file and in each file's order,
/// to `output` as one Parquet file, and returns `output`, flushed.
///
/// Every file must have the first file's columns: same names, order and
/// types (descriptions are not compared; the first file's key-value
/// metadata is carried over), each an optional column of a type
/// `ParquetTableWriter` writes. All files are checked before a row is
/// written, so a mismatch leaves `output` untouched. Rows are decoded
/// column by column, at most a row group at a time, and regrouped into row
/// groups of [`ROW_GROUP_ROWS`](super::ROW_GROUP_ROWS), compressed as
/// `ParquetTableWriter` does, so the result is the file that writer makes
/// of the same rows, byte for byte.
pub fn concat_parquet<P: AsRef<Path>, W: Write + Send>(
    inputs: &[P],
    output: W,
) -> Result<W, ConcatError> {
    let first = open(inputs.first().ok_or(ConcatError::NoInputs)?.as_ref())?;
    for input in &inputs[1..] {
        check_columns(&open(input.as_ref())?, &first)?;
    }

    let columns = first
        .columns
        .iter()
        .map(|(name, column_type)| (name.as_str(), *column_type));
    let mut groups =
        RowGroups::new(output, columns, carried_metadata(&first)).map_err(ConcatError::Write)?;
    copy_rows(&first, &mut groups)?;
    for input in &inputs[1..] {
        let input = open(input.as_ref())?;
        // Checked again: the file may have changed since the first pass.
        check_columns(&input, &first)?;
        copy_rows(&input, &mut groups)?;
    }
    let (output, _) = groups.finish().map_err(ConcatError::Write)?;
    Ok(output)
}
