//! One value of a row, borrowed so that writing a row allocates nothing.

use chrono::NaiveDate;

use super::ColumnType;

/// One cell of a row: a null or a value of one [`ColumnType`].
///
/// Text is borrowed (`&'a str`) and every other variant is `Copy`, so a row
/// is built on the stack (`[Cell; N]`) or in a `Vec` reused from row to row,
/// and writing it allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// No value: an empty CSV cell, a Parquet null. Fits a column of any
    /// type.
    Null,
    /// A value of an [`ColumnType::Integer`] column.
    Integer(i64),
    /// A value of a [`ColumnType::Number`] column; must be finite.
    Number(f64),
    /// A value of a [`ColumnType::Boolean`] column.
    Boolean(bool),
    /// A value of a [`ColumnType::Date`] column.
    Date(NaiveDate),
    /// A value of a [`ColumnType::String`] column.
    String(&'a str),
}

impl Cell<'_> {
    /// The type of the value, or `None` for [`Cell::Null`].
    pub fn column_type(&self) -> Option<ColumnType> {
        match self {
            Cell::Null => None,
            Cell::Integer(_) => Some(ColumnType::Integer),
            Cell::Number(_) => Some(ColumnType::Number),
            Cell::Boolean(_) => Some(ColumnType::Boolean),
            Cell::Date(_) => Some(ColumnType::Date),
            Cell::String(_) => Some(ColumnType::String),
        }
    }
}

impl From<i64> for Cell<'_> {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}

impl From<i32> for Cell<'_> {
    fn from(value: i32) -> Self {
        Cell::Integer(value.into())
    }
}

impl From<u32> for Cell<'_> {
    fn from(value: u32) -> Self {
        Cell::Integer(value.into())
    }
}

impl From<f64> for Cell<'_> {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<bool> for Cell<'_> {
    fn from(value: bool) -> Self {
        Cell::Boolean(value)
    }
}

impl From<NaiveDate> for Cell<'_> {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(value: &'a str) -> Self {
        Cell::String(value)
    }
}

/// `None` is [`Cell::Null`]: how an undefined metric (`Option<f64>`) is
/// written.
impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_metric_becomes_a_null_cell() {
        assert_eq!(Cell::from(None::<f64>), Cell::Null);
        assert_eq!(Cell::from(Some(2.5)), Cell::Number(2.5));
        assert_eq!(Cell::from(Some("a")), Cell::String("a"));
    }

    #[test]
    fn a_null_cell_has_no_type() {
        assert_eq!(Cell::Null.column_type(), None);
        assert_eq!(Cell::from(3_u32).column_type(), Some(ColumnType::Integer));
    }
}
