//! The declared shape of a table: ordered, typed, described columns.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use super::Cell;

/// The type of every value in a column, named as in the Frictionless Table
/// Schema so that `datapackage.json` can say it verbatim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// A whole number (`i64`): counts, indices, days.
    Integer,
    /// A finite floating-point number (`f64`): always written so that it
    /// reads back as a float, even when whole.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, written `YYYY-MM-DD`.
    Date,
    /// Text.
    String,
}

impl ColumnType {
    /// The Frictionless name: `integer`, `number`, `boolean`, `date` or
    /// `string`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::String => "string",
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One column: its name (with the unit, as in `delay_days`), its type and
/// what it means. Serialises as a Frictionless field descriptor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Column {
    /// Header text.
    pub name: String,
    /// The type of every non-null value.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// What the column means, for people reading `datapackage.json`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl Column {
    /// A column of any type.
    pub fn new(
        name: impl Into<String>,
        column_type: ColumnType,
        description: impl Into<String>,
    ) -> Column {
        Column {
            name: name.into(),
            column_type,
            description: description.into(),
        }
    }

    /// An [`ColumnType::Integer`] column.
    pub fn integer(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::Integer, description)
    }

    /// A [`ColumnType::Number`] column.
    pub fn number(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::Number, description)
    }

    /// A [`ColumnType::Boolean`] column.
    pub fn boolean(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::Boolean, description)
    }

    /// A [`ColumnType::Date`] column.
    pub fn date(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::Date, description)
    }

    /// A [`ColumnType::String`] column.
    pub fn string(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::String, description)
    }
}

/// Why a list of columns is not a schema.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SchemaError {
    /// A table needs at least one column: Parquet cannot hold rows without
    /// one, and an empty CSV header reads back as no table at all.
    #[error("a table needs at least one column")]
    NoColumns,
    /// Column {index} has an empty name.
    #[error("column {index} has an empty name")]
    EmptyName {
        /// Position of the column, from 0.
        index: usize,
    },
    /// Two columns share a name; readers would rename or drop one.
    #[error("column `{name}` is declared twice")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
}

/// Ordered columns of a table. Serialises as a Frictionless Table Schema
/// (`{"fields": [...]}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schema {
    #[serde(rename = "fields")]
    columns: Vec<Column>,
}

impl Schema {
    /// Checks that there is at least one column and that names are
    /// non-empty and distinct.
    pub fn new(columns: Vec<Column>) -> Result<Schema, SchemaError> {
        if columns.is_empty() {
            return Err(SchemaError::NoColumns);
        }
        let mut seen = HashSet::with_capacity(columns.len());
        for (index, column) in columns.iter().enumerate() {
            if column.name.is_empty() {
                return Err(SchemaError::EmptyName { index });
            }
            if !seen.insert(column.name.as_str()) {
                return Err(SchemaError::DuplicateName {
                    name: column.name.clone(),
                });
            }
        }
        Ok(Schema { columns })
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Never true: a schema has at least one column.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Checks that `row` has one cell per column, that each cell is null or
    /// of its column's type, and that numbers are finite.
    ///
    /// Non-finite numbers are refused rather than written: CSV readers
    /// disagree on how to spell them, and in this simulator NaN or infinity
    /// means a bug or an undefined statistic, which is a null.
    pub fn check_row(&self, row: &[Cell<'_>]) -> Result<(), RowError> {
        if row.len() != self.columns.len() {
            return Err(RowError::Width {
                expected: self.columns.len(),
                found: row.len(),
            });
        }
        for (column, cell) in self.columns.iter().zip(row) {
            let Some(found) = cell.column_type() else {
                continue;
            };
            if found != column.column_type {
                return Err(RowError::Type {
                    column: column.name.clone(),
                    expected: column.column_type,
                    found,
                });
            }
            if let Cell::Number(value) = *cell
                && !value.is_finite()
            {
                return Err(RowError::NonFinite {
                    column: column.name.clone(),
                    value,
                });
            }
        }
        Ok(())
    }
}

/// Why a row does not fit its table's schema.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RowError {
    /// The row has too few or too many cells.
    #[error("the row has {found} cells but the table has {expected} columns")]
    Width {
        /// Number of columns.
        expected: usize,
        /// Number of cells given.
        found: usize,
    },
    /// A cell's type is not its column's.
    #[error("column `{column}` holds {expected} values, not {found}")]
    Type {
        /// The column.
        column: String,
        /// Its declared type.
        expected: ColumnType,
        /// The cell's type.
        found: ColumnType,
    },
    /// A number is NaN or infinite.
    #[error("column `{column}`: {value} is not a finite number (write a null cell instead)")]
    NonFinite {
        /// The column.
        column: String,
        /// The value.
        value: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_columns() -> Schema {
        Schema::new(vec![
            Column::integer("replication", ""),
            Column::number("delay_days", ""),
        ])
        .unwrap()
    }

    #[test]
    fn a_schema_refuses_no_columns_empty_names_and_repeated_names() {
        assert_eq!(Schema::new(vec![]), Err(SchemaError::NoColumns));
        assert_eq!(
            Schema::new(vec![Column::integer("a", ""), Column::integer("", "")]),
            Err(SchemaError::EmptyName { index: 1 })
        );
        assert_eq!(
            Schema::new(vec![Column::integer("a", ""), Column::number("a", "")]),
            Err(SchemaError::DuplicateName { name: "a".into() })
        );
    }

    #[test]
    fn a_row_of_nulls_fits_any_schema_of_its_width() {
        assert_eq!(two_columns().check_row(&[Cell::Null, Cell::Null]), Ok(()));
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused() {
        assert_eq!(
            two_columns().check_row(&[Cell::Integer(1)]),
            Err(RowError::Width {
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn an_integer_cell_in_a_number_column_is_refused() {
        let error = two_columns()
            .check_row(&[Cell::Integer(1), Cell::Integer(30)])
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "column `delay_days` holds number values, not integer"
        );
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let error = two_columns()
                .check_row(&[Cell::Integer(1), Cell::Number(value)])
                .unwrap_err();
            assert!(
                matches!(error, RowError::NonFinite { ref column, .. } if column == "delay_days"),
                "{error}"
            );
        }
    }

    #[test]
    fn column_types_serialise_as_their_frictionless_names() {
        let types = [
            ColumnType::Integer,
            ColumnType::Number,
            ColumnType::Boolean,
            ColumnType::Date,
            ColumnType::String,
        ];
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        assert_eq!(names, ["integer", "number", "boolean", "date", "string"]);
        for t in types {
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{t}\""));
        }
    }
}
