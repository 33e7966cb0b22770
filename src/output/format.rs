//! Typed tables: every column declares one type, and every writer honours it.
//!
//! Results of different scenarios are concatenated downstream (pandas,
//! polars, R). That only works if a column reads back with the same type
//! whatever the run: a number column whose values happen to be whole must
//! still read as floats, and a column that is empty in one run must not turn
//! into text. So a table is described once by a [`Schema`] of typed
//! [`Column`]s, rows are handed over as slices of [`Cell`]s, and each writer
//! checks the cells against the schema and writes each type one fixed way:
//!
//! - [`CsvTableWriter`]: numbers always with a `.0` or an exponent, empty
//!   cells for nulls, ISO dates;
//! - `ParquetTableWriter` (feature `parquet`): one Parquet type per column
//!   type, in the Parquet schema itself, streamed in row groups of 65,536 rows (`ROW_GROUP_ROWS`); `concat_parquet`
//!   merges shard files;
//! - [`write_datapackage`]: a Frictionless Data Package (`datapackage.json`)
//!   naming each file's columns and types, so readers need no guessing.
//!
//! Both writers implement [`TableWriter`], the one interface the simulator's
//! outputs need. Rows stream through: a writer keeps at most one row group
//! (Parquet) or one record (CSV) in memory, however many rows pass.
//!
//! ```
//! use reviewsim::output::format::{Cell, Column, CsvTableWriter, Schema, TableWriter};
//!
//! let schema = Schema::new(vec![
//!     Column::integer("replication", "Replication index, from 0"),
//!     Column::number("delay_days", "Mean release delay, in days"),
//!     Column::string("lab", "Lab id"),
//! ])?;
//! let mut writer = CsvTableWriter::new(Vec::new(), &schema)?;
//! writer.write_row(&[Cell::Integer(0), Cell::Number(30.0), Cell::String("a")])?;
//! // An undefined mean is a null cell, not a NaN.
//! writer.write_row(&[Cell::Integer(1), Cell::from(None::<f64>), Cell::String("a")])?;
//! let text = writer.into_inner()?;
//! assert_eq!(text, b"replication,delay_days,lab\n0,30.0,a\n1,,a\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cell;
mod csv;
mod datapackage;
mod error;
mod schema;

#[cfg(feature = "parquet")]
mod parquet;

pub use self::cell::Cell;
pub use self::csv::CsvTableWriter;
pub use self::datapackage::{DataPackageError, datapackage_json, write_datapackage};
pub use self::error::FormatError;
pub use self::schema::{Column, ColumnType, RowError, Schema, SchemaError};

#[cfg(feature = "parquet")]
pub use self::parquet::{
    ConcatError, ParquetTableWriter, ROW_GROUP_ROWS, TABLE_SCHEMA_KEY, concat_parquet,
};

/// A destination for the rows of one table, whatever the file format.
///
/// The trait is object safe, so the place that picks a format per file can
/// hand back a `Box<dyn TableWriter>`. Each implementation also has an
/// `into_inner` to get its destination back.
pub trait TableWriter {
    /// Checks `row` against the schema and writes it; a refused row leaves
    /// the table as it was.
    ///
    /// `row` holds one cell per column, in schema order. A cell must be
    /// [`Cell::Null`] or of its column's type, and a number must be finite.
    fn write_row(&mut self, row: &[Cell<'_>]) -> Result<(), FormatError>;

    /// Writes whatever is still buffered (and the footer, for formats that
    /// have one) and flushes the destination. Calling it again does nothing;
    /// a row written after it is refused with [`FormatError::Finished`].
    ///
    /// A table dropped without `finish` may be incomplete: a Parquet file
    /// lacks its footer and cannot be read. So is a table after an I/O
    /// error: discard it.
    fn finish(&mut self) -> Result<(), FormatError>;
}
