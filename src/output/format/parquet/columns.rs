//! The Parquet type of each column type, and one buffer of values per
//! column, written to and read from the parquet crate's typed column
//! writers and readers.

use std::sync::Arc;

use ::parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use ::parquet::column::reader::ColumnReader;
use ::parquet::column::writer::ColumnWriter;
use ::parquet::data_type::ByteArray;
use ::parquet::errors::ParquetError;
use ::parquet::schema::types::{Type, TypePtr};
use chrono::NaiveDate;

use super::super::{Cell, ColumnType};

/// The physical and logical Parquet types of a column type. Every column
/// is optional, so a column whose cells are all null keeps its type.
fn parquet_type(column_type: ColumnType) -> (PhysicalType, Option<LogicalType>) {
    match column_type {
        ColumnType::Integer => (PhysicalType::INT64, None),
        ColumnType::Number => (PhysicalType::DOUBLE, None),
        ColumnType::Boolean => (PhysicalType::BOOLEAN, None),
        ColumnType::Date => (PhysicalType::INT32, Some(LogicalType::Date)),
        ColumnType::String => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
    }
}

/// The column type a Parquet column holds, if it is one this module writes:
/// optional, and of the types of [`parquet_type`].
pub(super) fn column_type_of(field: &Type) -> Option<ColumnType> {
    let info = field.get_basic_info();
    if !field.is_primitive() || !info.has_repetition() || info.repetition() != Repetition::OPTIONAL
    {
        return None;
    }
    let found = (field.get_physical_type(), info.logical_type_ref());
    [
        ColumnType::Integer,
        ColumnType::Number,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::String,
    ]
    .into_iter()
    .find(|&column_type| {
        let (physical, logical) = parquet_type(column_type);
        found == (physical, logical.as_ref())
    })
}

/// The Parquet schema of a table: one optional column per column, in
/// order. The converted types (`DATE`, `UTF8`) that older readers look for
/// follow from the logical types.
pub(super) fn parquet_schema<'a>(
    columns: impl IntoIterator<Item = (&'a str, ColumnType)>,
) -> Result<TypePtr, ParquetError> {
    let fields = columns
        .into_iter()
        .map(|(name, column_type)| {
            let (physical, logical) = parquet_type(column_type);
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    ))
}

/// Days from 1970-01-01, Parquet's `DATE`. Every `NaiveDate` (±262,143
/// years) is within `i32` of it.
fn days_since_epoch(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date");
    i32::try_from(date.signed_duration_since(epoch).num_days())
        .expect("a NaiveDate is within 2^31 days of 1970")
}

/// The non-null values of a column not yet written.
enum Values {
    Integer(Vec<i64>),
    Number(Vec<f64>),
    Boolean(Vec<bool>),
    /// Days from 1970-01-01.
    Date(Vec<i32>),
    /// The strings' bytes end to end, and where each ends: one allocation
    /// per row group, not one per string.
    String {
        bytes: Vec<u8>,
        ends: Vec<usize>,
    },
}

/// The rows of one column not yet written: a definition level per row
/// (1 for a value, 0 for a null, as Parquet stores an optional column)
/// and the values of the rows that have one.
pub(super) struct ColumnBuffer {
    levels: Vec<i16>,
    values: Values,
}

impl ColumnBuffer {
    pub(super) fn new(column_type: ColumnType) -> ColumnBuffer {
        let values = match column_type {
            ColumnType::Integer => Values::Integer(Vec::new()),
            ColumnType::Number => Values::Number(Vec::new()),
            ColumnType::Boolean => Values::Boolean(Vec::new()),
            ColumnType::Date => Values::Date(Vec::new()),
            ColumnType::String => Values::String {
                bytes: Vec::new(),
                ends: Vec::new(),
            },
        };
        ColumnBuffer {
            levels: Vec::new(),
            values,
        }
    }

    /// Appends a cell already checked against this column's type.
    pub(super) fn append(&mut self, cell: &Cell<'_>) {
        match (&mut self.values, *cell) {
            (_, Cell::Null) => {
                self.levels.push(0);
                return;
            }
            (Values::Integer(values), Cell::Integer(value)) => values.push(value),
            (Values::Number(values), Cell::Number(value)) => values.push(value),
            (Values::Boolean(values), Cell::Boolean(value)) => values.push(value),
            (Values::Date(values), Cell::Date(value)) => values.push(days_since_epoch(value)),
            (Values::String { bytes, ends }, Cell::String(value)) => {
                bytes.extend_from_slice(value.as_bytes());
                ends.push(bytes.len());
            }
            (_, cell) => unreachable!(
                "a {:?} cell reached a column of another type: rows are checked before buffering",
                cell.column_type()
            ),
        }
        self.levels.push(1);
    }

    /// Writes the buffered rows as the next part of `writer`'s column
    /// chunk; the buffer starts again empty.
    pub(super) fn write_to(&mut self, writer: &mut ColumnWriter<'_>) -> Result<(), ParquetError> {
        let levels = Some(self.levels.as_slice());
        match (&mut self.values, writer) {
            (Values::Integer(values), ColumnWriter::Int64ColumnWriter(writer)) => {
                writer.write_batch(values, levels, None)?;
                values.clear();
            }
            (Values::Number(values), ColumnWriter::DoubleColumnWriter(writer)) => {
                writer.write_batch(values, levels, None)?;
                values.clear();
            }
            (Values::Boolean(values), ColumnWriter::BoolColumnWriter(writer)) => {
                writer.write_batch(values, levels, None)?;
                values.clear();
            }
            (Values::Date(values), ColumnWriter::Int32ColumnWriter(writer)) => {
                writer.write_batch(values, levels, None)?;
                values.clear();
            }
            (Values::String { bytes, ends }, ColumnWriter::ByteArrayColumnWriter(writer)) => {
                // Slices of one buffer share it: no copy per string.
                let all = ByteArray::from(std::mem::take(bytes));
                let mut start = 0;
                let values: Vec<ByteArray> = ends
                    .drain(..)
                    .map(|end| {
                        let value = all.slice(start, end - start);
                        start = end;
                        value
                    })
                    .collect();
                writer.write_batch(&values, levels, None)?;
            }
            _ => return Err(mismatch()),
        }
        self.levels.clear();
        Ok(())
    }

    /// Appends up to `rows` rows read from `reader`, a column of this
    /// buffer's type, and returns how many it read: fewer only at the end
    /// of the column chunk.
    pub(super) fn read_from(
        &mut self,
        reader: &mut ColumnReader,
        rows: usize,
    ) -> Result<usize, ParquetError> {
        let levels = Some(&mut self.levels);
        let (read, _, _) = match (&mut self.values, reader) {
            (Values::Integer(values), ColumnReader::Int64ColumnReader(reader)) => {
                reader.read_records(rows, levels, None, values)?
            }
            (Values::Number(values), ColumnReader::DoubleColumnReader(reader)) => {
                reader.read_records(rows, levels, None, values)?
            }
            (Values::Boolean(values), ColumnReader::BoolColumnReader(reader)) => {
                reader.read_records(rows, levels, None, values)?
            }
            (Values::Date(values), ColumnReader::Int32ColumnReader(reader)) => {
                reader.read_records(rows, levels, None, values)?
            }
            (Values::String { bytes, ends }, ColumnReader::ByteArrayColumnReader(reader)) => {
                let mut values = Vec::new();
                let counts = reader.read_records(rows, levels, None, &mut values)?;
                for value in &values {
                    bytes.extend_from_slice(value.data());
                    ends.push(bytes.len());
                }
                counts
            }
            _ => return Err(mismatch()),
        };
        Ok(read)
    }
}

/// A buffer met a column of another physical type: a bug, since both are
/// made from the same column types.
fn mismatch() -> ParquetError {
    ParquetError::General("a column's buffer and its Parquet column differ in type".to_owned())
}
