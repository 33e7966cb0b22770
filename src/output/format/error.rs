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
    /// The CSV writer failed other than on I/O.
    #[error("cannot write the CSV table")]
    Csv(::csv::Error),
    /// The Parquet writer failed other than on I/O.
    #[cfg(feature = "parquet")]
    #[error("cannot write the Parquet table")]
    Parquet(::parquet::errors::ParquetError),
}

impl FormatError {
    /// As an I/O error: the destination's own (a full disk, say) as it
    /// came, anything else wrapped.
    pub fn into_io(self) -> std::io::Error {
        match self {
            FormatError::Io(error) => error,
            other => std::io::Error::other(other),
        }
    }
}

/// A CSV writer's failure to write is the destination's I/O error.
impl From<::csv::Error> for FormatError {
    fn from(error: ::csv::Error) -> Self {
        if !error.is_io_error() {
            return FormatError::Csv(error);
        }
        match error.into_kind() {
            ::csv::ErrorKind::Io(error) => FormatError::Io(error),
            other => FormatError::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

/// A Parquet writer's failure to write is the destination's I/O error,
/// which the writer carries as an external error.
#[cfg(feature = "parquet")]
impl From<::parquet::errors::ParquetError> for FormatError {
    fn from(error: ::parquet::errors::ParquetError) -> Self {
        match error {
            ::parquet::errors::ParquetError::External(source) => {
                match source.downcast::<std::io::Error>() {
                    Ok(error) => FormatError::Io(*error),
                    Err(source) => {
                        FormatError::Parquet(::parquet::errors::ParquetError::External(source))
                    }
                }
            }
            other => FormatError::Parquet(other),
        }
    }
}
