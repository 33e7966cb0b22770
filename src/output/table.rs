//! What every output table shares: the file format, a typed writer for it,
//! and the swept columns that follow `point` in every table of a sweep.

use std::io::Write;

use chrono::NaiveDate;
use toml::Value;

use super::format::{Cell, Column, ColumnType, CsvTableWriter, FormatError, Schema, TableWriter};

/// The file format of the tables.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// CSV with a header row, read by anything.
    #[default]
    Csv,
    /// Parquet with zstd: a third of the size, typed, and faster to read.
    Parquet,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// Whether this build can write the format.
    pub fn available(self) -> bool {
        match self {
            Format::Csv => true,
            Format::Parquet => cfg!(feature = "parquet"),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "csv" => Ok(Format::Csv),
            "parquet" if cfg!(feature = "parquet") => Ok(Format::Parquet),
            "parquet" => Err(
                "parquet: this reviewsim was built without the `parquet` feature; rebuild with \
                 the default features, or use csv"
                    .into(),
            ),
            other => Err(format!("`{other}` is not a format; choose csv or parquet")),
        }
    }
}

/// A table being written, in some format.
pub type Table = Box<dyn TableWriter + Send>;

/// A writer for `schema` in `format` over `writer`.
pub fn open(
    format: Format,
    writer: Box<dyn Write + Send>,
    schema: &Schema,
) -> Result<Table, FormatError> {
    match format {
        Format::Csv => Ok(Box::new(CsvTableWriter::new(writer, schema)?)),
        #[cfg(feature = "parquet")]
        Format::Parquet => Ok(Box::new(super::format::ParquetTableWriter::new(
            writer, schema,
        )?)),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => Err(FormatError::Io(std::io::Error::other(
            "this reviewsim was built without the `parquet` feature",
        ))),
    }
}

/// One swept value, held in its column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum SweptValue {
    Integer(i64),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    Text(String),
}

impl SweptValue {
    /// A value rendered as text (as in `points` and the aggregate state),
    /// read back in its column's type.
    pub fn from_text(text: &str, kind: ColumnType) -> Self {
        let parsed = match kind {
            ColumnType::Integer => text.parse().ok().map(SweptValue::Integer),
            ColumnType::Number => text.parse().ok().map(SweptValue::Number),
            ColumnType::Boolean => text.parse().ok().map(SweptValue::Boolean),
            ColumnType::Date => crate::scenario::parse_date_text(text).map(SweptValue::Date),
            ColumnType::String => None,
        };
        parsed.unwrap_or_else(|| SweptValue::Text(text.to_string()))
    }

    /// The value as a cell.
    pub fn cell(&self) -> Cell<'_> {
        match self {
            SweptValue::Integer(v) => Cell::Integer(*v),
            SweptValue::Number(v) => Cell::Number(*v),
            SweptValue::Boolean(v) => Cell::Boolean(*v),
            SweptValue::Date(v) => Cell::Date(*v),
            SweptValue::Text(v) => Cell::String(v),
        }
    }
}

/// The swept columns of a sweep (none without one): their names and types,
/// and each point's values, so that every table carries them after
/// `point` and no join is needed.
#[derive(Debug, Clone, Default)]
pub struct Swept {
    columns: Vec<Column>,
    values: Vec<Vec<SweptValue>>,
}

impl Swept {
    /// The swept columns of `paths`, each of `types` (the parameter's
    /// declared type, when it has one), with each point's values.
    pub fn new(paths: &[String], types: &[Option<ColumnType>], points: &[Vec<Value>]) -> Self {
        let columns: Vec<Column> = paths
            .iter()
            .enumerate()
            .map(|(index, path)| {
                let column = points.iter().map(|values| &values[index]);
                let kind = types
                    .get(index)
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| type_of(column));
                Column::new(path.clone(), kind, format!("swept parameter {path}"))
            })
            .collect();
        let values = points
            .iter()
            .map(|values| {
                (values.iter().zip(&columns))
                    .map(|(value, column)| swept_value(value, column.column_type))
                    .collect()
            })
            .collect();
        Swept { columns, values }
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The columns' types.
    pub fn types(&self) -> Vec<ColumnType> {
        self.columns.iter().map(|c| c.column_type).collect()
    }

    /// Swept columns named `paths`, of `types`, with each point's values as
    /// rendered text (as `merge` reads them back).
    pub fn from_text(paths: &[String], types: &[ColumnType], points: &[Vec<String>]) -> Self {
        let columns: Vec<Column> = (paths.iter().zip(types))
            .map(|(path, kind)| Column::new(path.clone(), *kind, format!("swept parameter {path}")))
            .collect();
        let values = points
            .iter()
            .map(|values| {
                (values.iter().zip(types))
                    .map(|(text, kind)| SweptValue::from_text(text, *kind))
                    .collect()
            })
            .collect();
        Swept { columns, values }
    }

    /// A point's cells, in column order.
    pub fn cells(&self, point: usize) -> impl Iterator<Item = Cell<'_>> {
        self.values
            .get(point)
            .into_iter()
            .flatten()
            .map(SweptValue::cell)
    }

    /// A schema of `before`, the swept columns, then `after`.
    pub fn schema(&self, before: Vec<Column>, after: Vec<Column>) -> Schema {
        let columns: Vec<Column> = before
            .into_iter()
            .chain(self.columns.iter().cloned())
            .chain(after)
            .collect();
        // Names are distinct by construction: swept paths have dots.
        Schema::new(columns).unwrap_or_else(|_| unreachable_schema())
    }
}

/// Column names built here never repeat; a schema that could not be built
/// would be a bug, so fall back to one column rather than panic.
fn unreachable_schema() -> Schema {
    Schema::new(vec![Column::integer("point", "the point")]).unwrap_or_else(|_| unreachable!())
}

/// The type of a column of values without a declared type: integer if all
/// are, number if all are numbers, and so on; text otherwise.
fn type_of<'a>(values: impl Iterator<Item = &'a Value> + Clone) -> ColumnType {
    let all = |test: fn(&Value) -> bool| values.clone().all(test);
    if all(|v| v.is_integer()) {
        ColumnType::Integer
    } else if all(|v| v.is_integer() || v.is_float()) {
        ColumnType::Number
    } else if all(|v| v.is_bool()) {
        ColumnType::Boolean
    } else if all(|v| as_date(v).is_some()) {
        ColumnType::Date
    } else {
        ColumnType::String
    }
}

fn as_date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Datetime(d) => crate::scenario::parse_date_text(&d.to_string()),
        _ => None,
    }
}

fn swept_value(value: &Value, kind: ColumnType) -> SweptValue {
    match (kind, value) {
        (ColumnType::Integer, Value::Integer(v)) => SweptValue::Integer(*v),
        (ColumnType::Number, Value::Integer(v)) => SweptValue::Number(*v as f64),
        (ColumnType::Number, Value::Float(v)) => SweptValue::Number(*v),
        (ColumnType::Boolean, Value::Boolean(v)) => SweptValue::Boolean(*v),
        (ColumnType::Date, value) if as_date(value).is_some() => {
            SweptValue::Date(as_date(value).unwrap_or_default())
        }
        (_, value) => SweptValue::Text(crate::scenario::render(value)),
    }
}

/// `point` and `replication`, the columns every per-replication table
/// starts with (the swept columns between them).
pub fn unit_columns() -> (Vec<Column>, Vec<Column>) {
    (
        vec![Column::integer("point", "sweep point, from 0 (points.csv)")],
        vec![Column::integer(
            "replication",
            "replication, from 0: the same streams at every point",
        )],
    )
}
