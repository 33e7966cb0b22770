//! Why a table could not be written.

use super::RowError;

/// Why a row or a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A row does not fit the schema; nothing of it was written.
    #[error("row {row}: {source}")]
    Row {
        /// Index of the refused row among the rows written so far, from 0.
        row: u64,
        /// What is wrong with it.
        #[source]
        source: RowError,
    },
    /// A row was written after [`TableWriter::finish`](super::TableWriter::finish).
    #[error("the table is already finished")]
    Finished,
    /// The destination refused the bytes.
    #[error("cannot write the table")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (only on I/O: every cell is valid CSV).
    #[error("cannot write the CSV table")]
    Csv(#[from] ::csv::Error),
    /// The Parquet writer failed.
    #[cfg(feature = "parquet")]
    #[error("cannot write the Parquet table")]
    Parquet(#[from] ::parquet::errors::ParquetError),
}
