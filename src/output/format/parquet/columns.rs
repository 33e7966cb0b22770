//! One Arrow builder per column, and the Arrow schema of a table.

use arrow_array::ArrayRef;
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::types::Date32Type;
use arrow_schema::{DataType, Field};
use std::sync::Arc;

use super::super::{Cell, ColumnType, Schema};

/// The Arrow type of a column type.
fn data_type(column_type: ColumnType) -> DataType {
    match column_type {
        ColumnType::Integer => DataType::Int64,
        ColumnType::Number => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::String => DataType::Utf8,
    }
}

/// The Arrow schema of a table: one nullable field per column, in order.
pub(super) fn to_arrow_schema(schema: &Schema) -> arrow_schema::Schema {
    arrow_schema::Schema::new(
        schema
            .columns()
            .iter()
            .map(|column| Field::new(&column.name, data_type(column.column_type), true))
            .collect::<Vec<_>>(),
    )
}

/// The rows of one column not yet written.
pub(super) enum ColumnBuffer {
    Integer(Int64Builder),
    Number(Float64Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder),
    String(StringBuilder),
}

impl ColumnBuffer {
    pub(super) fn new(column_type: ColumnType) -> ColumnBuffer {
        match column_type {
            ColumnType::Integer => ColumnBuffer::Integer(Int64Builder::new()),
            ColumnType::Number => ColumnBuffer::Number(Float64Builder::new()),
            ColumnType::Boolean => ColumnBuffer::Boolean(BooleanBuilder::new()),
            ColumnType::Date => ColumnBuffer::Date(Date32Builder::new()),
            ColumnType::String => ColumnBuffer::String(StringBuilder::new()),
        }
    }

    /// Appends a cell already checked against this column's type.
    pub(super) fn append(&mut self, cell: &Cell<'_>) {
        match (self, *cell) {
            (ColumnBuffer::Integer(b), Cell::Null) => b.append_null(),
            (ColumnBuffer::Number(b), Cell::Null) => b.append_null(),
            (ColumnBuffer::Boolean(b), Cell::Null) => b.append_null(),
            (ColumnBuffer::Date(b), Cell::Null) => b.append_null(),
            (ColumnBuffer::String(b), Cell::Null) => b.append_null(),
            (ColumnBuffer::Integer(b), Cell::Integer(value)) => b.append_value(value),
            (ColumnBuffer::Number(b), Cell::Number(value)) => b.append_value(value),
            (ColumnBuffer::Boolean(b), Cell::Boolean(value)) => b.append_value(value),
            (ColumnBuffer::Date(b), Cell::Date(value)) => {
                b.append_value(Date32Type::from_naive_date(value));
            }
            (ColumnBuffer::String(b), Cell::String(value)) => b.append_value(value),
            (_, cell) => unreachable!(
                "a {:?} cell reached a column of another type: rows are checked before buffering",
                cell.column_type()
            ),
        }
    }

    /// The buffered values as an array; the builder starts again empty.
    pub(super) fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuffer::Integer(b) => Arc::new(b.finish()),
            ColumnBuffer::Number(b) => Arc::new(b.finish()),
            ColumnBuffer::Boolean(b) => Arc::new(b.finish()),
            ColumnBuffer::Date(b) => Arc::new(b.finish()),
            ColumnBuffer::String(b) => Arc::new(b.finish()),
        }
    }
}
