//! The tables of an output directory as the report reads them: row by row,
//! the columns it asks for by name, from CSV or Parquet alike.

use std::path::{Path, PathBuf};

use super::ReportError;
use crate::app::three_significant;
use crate::output::Format;

/// One table of an output directory.
pub struct TableFile {
    path: PathBuf,
    format: Format,
}

impl TableFile {
    /// The table `name` of `dir` in `format`, if the run wrote it.
    pub fn find(dir: &Path, name: &str, format: Format) -> Option<TableFile> {
        let path = dir.join(format!("{name}.{}", format.extension()));
        path.is_file().then_some(TableFile { path, format })
    }

    /// The CSV table `name` of `dir`, whatever the run's format: a
    /// robustness study and `discover` write theirs as CSV only.
    pub fn csv(dir: &Path, name: &str) -> Option<TableFile> {
        TableFile::find(dir, name, Format::Csv)
    }

    /// Calls `visit` with each row's cells in the columns `wanted` (`None`
    /// for an empty cell), in file order, until it returns `false`.
    pub fn rows(
        &self,
        wanted: &[&str],
        visit: impl FnMut(&[Option<&str>]) -> bool,
    ) -> Result<(), ReportError> {
        match self.format {
            Format::Csv => self.csv_rows(wanted, visit),
            Format::Parquet => self.parquet_rows(wanted, visit),
        }
    }

    /// The table's column names.
    pub fn columns(&self) -> Result<Vec<String>, ReportError> {
        match self.format {
            Format::Csv => {
                let mut reader = csv::Reader::from_path(&self.path).map_err(|e| self.error(e))?;
                let header = reader.headers().map_err(|e| self.error(e))?;
                Ok(header.iter().map(String::from).collect())
            }
            Format::Parquet => self.parquet_columns(),
        }
    }

    #[cfg(feature = "parquet")]
    fn parquet_columns(&self) -> Result<Vec<String>, ReportError> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let file = std::fs::File::open(&self.path).map_err(|e| self.error(e))?;
        let reader = SerializedFileReader::new(file).map_err(|e| self.error(e))?;
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        Ok((schema.columns().iter())
            .map(|c| c.name().to_string())
            .collect())
    }

    #[cfg(not(feature = "parquet"))]
    fn parquet_columns(&self) -> Result<Vec<String>, ReportError> {
        Err(self.error("is Parquet, and this reviewsim was built without the `parquet` feature"))
    }

    fn error(&self, why: impl std::fmt::Display) -> ReportError {
        ReportError::Table {
            path: self.path.clone(),
            why: why.to_string(),
        }
    }

    /// Where each wanted column is among `header`.
    fn positions<'h>(
        &self,
        header: impl Iterator<Item = &'h str> + Clone,
        wanted: &[&str],
    ) -> Result<Vec<usize>, ReportError> {
        (wanted.iter())
            .map(|name| {
                (header.clone().position(|h| h == *name))
                    .ok_or_else(|| self.error(format!("has no column `{name}`")))
            })
            .collect()
    }

    fn csv_rows(
        &self,
        wanted: &[&str],
        mut visit: impl FnMut(&[Option<&str>]) -> bool,
    ) -> Result<(), ReportError> {
        let mut reader = csv::Reader::from_path(&self.path).map_err(|e| self.error(e))?;
        let header = reader.headers().map_err(|e| self.error(e))?.clone();
        let at = self.positions(header.iter(), wanted)?;
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(|e| self.error(e))? {
            let cells: Vec<Option<&str>> = (at.iter())
                .map(|&i| record.get(i).filter(|c| !c.is_empty()))
                .collect();
            if !visit(&cells) {
                break;
            }
        }
        Ok(())
    }

    #[cfg(feature = "parquet")]
    fn parquet_rows(
        &self,
        wanted: &[&str],
        mut visit: impl FnMut(&[Option<&str>]) -> bool,
    ) -> Result<(), ReportError> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let names = self.parquet_columns()?;
        let file = std::fs::File::open(&self.path).map_err(|e| self.error(e))?;
        let reader = SerializedFileReader::new(file).map_err(|e| self.error(e))?;
        let at = self.positions(names.iter().map(String::as_str), wanted)?;
        let rows = reader.get_row_iter(None).map_err(|e| self.error(e))?;
        let mut texts: Vec<Option<String>> = vec![None; at.len()];
        for row in rows {
            let row = row.map_err(|e| self.error(e))?;
            let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
            for (text, &i) in texts.iter_mut().zip(&at) {
                *text = fields.get(i).and_then(|field| field_text(field));
            }
            let cells: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
            if !visit(&cells) {
                break;
            }
        }
        Ok(())
    }

    #[cfg(not(feature = "parquet"))]
    fn parquet_rows(
        &self,
        _: &[&str],
        _: impl FnMut(&[Option<&str>]) -> bool,
    ) -> Result<(), ReportError> {
        Err(self.error("is Parquet, and this reviewsim was built without the `parquet` feature"))
    }
}

/// A Parquet cell as the CSV of the same table would hold it.
#[cfg(feature = "parquet")]
fn field_text(field: &parquet::record::Field) -> Option<String> {
    use parquet::record::Field;
    Some(match field {
        Field::Null => return None,
        Field::Bool(b) => b.to_string(),
        Field::Int(v) => v.to_string(),
        Field::Long(v) => v.to_string(),
        Field::UInt(v) => v.to_string(),
        Field::ULong(v) => v.to_string(),
        Field::Float(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Str(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A cell as a number, if it is one.
pub fn number(cell: Option<&str>) -> Option<f64> {
    cell.and_then(|c| c.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// A cell as a whole number, if it is one.
pub fn whole(cell: Option<&str>) -> Option<u64> {
    cell.and_then(|c| c.parse::<u64>().ok())
}

/// A number as the tables of a study show it, in the page and on the
/// terminal alike: three significant digits, `n/a` when undefined.
pub fn significant(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".into(), three_significant)
}

/// A share (0 to 1) as a percentage with three significant digits:
/// `12.5%`, `n/a` when undefined.
pub fn share_percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "n/a".into(),
        |s| format!("{}%", three_significant(100.0 * s)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_shares_keep_three_significant_digits() {
        assert_eq!(significant(Some(12.345)), "12.3");
        assert_eq!(significant(Some(0.0)), "0");
        assert_eq!(significant(None), "n/a");
        assert_eq!(share_percent(Some(0.125)), "12.5%");
        assert_eq!(share_percent(Some(1.0)), "100%");
        assert_eq!(share_percent(Some(0.0)), "0%");
        assert_eq!(share_percent(None), "n/a");
    }
}
