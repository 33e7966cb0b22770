//! `datapackage.json`: a Frictionless Data Package
//! (<https://specs.frictionlessdata.io/data-package/>) naming each file's
//! columns, types and meanings, so that readers need not guess.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use super::{Column, Schema};

/// Why a data package could not be described or written.
#[derive(Debug, thiserror::Error)]
pub enum DataPackageError {
    /// The file name ends neither in `.csv` nor in `.parquet`.
    #[error("{file}: cannot describe: the name must end in .csv or .parquet")]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// Two files map to one resource name (names are lowercased).
    #[error("{file}: resource name `{name}` is already taken by {other}")]
    DuplicateName {
        /// The resource name.
        name: String,
        /// The file that wanted it.
        file: String,
        /// The file that has it.
        other: String,
    },
    /// The destination refused the bytes.
    #[error("cannot write datapackage.json")]
    Io(#[from] std::io::Error),
}

/// The whole package, in the order the keys are written.
#[derive(Serialize)]
struct DataPackage<'a> {
    profile: &'static str,
    resources: Vec<Resource<'a>>,
}

/// One file, as a `tabular-data-resource`.
#[derive(Serialize)]
struct Resource<'a> {
    profile: &'static str,
    name: String,
    path: &'a str,
    format: &'static str,
    mediatype: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dialect: Option<Dialect>,
    schema: TableSchema<'a>,
}

/// How `CsvTableWriter` (through the csv crate) writes.
#[derive(Serialize)]
struct Dialect {
    delimiter: &'static str,
    #[serde(rename = "lineTerminator")]
    line_terminator: &'static str,
    #[serde(rename = "quoteChar")]
    quote_char: &'static str,
    #[serde(rename = "doubleQuote")]
    double_quote: bool,
    header: bool,
}

const CSV_DIALECT: Dialect = Dialect {
    delimiter: ",",
    line_terminator: "\n",
    quote_char: "\"",
    double_quote: true,
    header: true,
};

#[derive(Serialize)]
struct TableSchema<'a> {
    fields: &'a [Column],
    /// For CSV, the empty cell is null; Parquet has real nulls.
    #[serde(rename = "missingValues", skip_serializing_if = "Option::is_none")]
    missing_values: Option<[&'static str; 1]>,
}

/// The format of a file, from its name.
enum Format {
    Csv,
    Parquet,
}

impl Format {
    fn of(file: &str) -> Option<Format> {
        let (_, extension) = file.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// The resource name of a file: its name lowercased, every character that a
/// Frictionless name may not hold (outside `a-z 0-9 . _ -`) replaced by `_`.
/// The whole name, extension included, so that the CSV and Parquet copies of
/// one table can sit in one package.
fn resource_name(file: &str) -> String {
    file.chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .collect()
}

fn resource<'a>(file: &'a str, schema: &'a Schema) -> Result<Resource<'a>, DataPackageError> {
    let format = Format::of(file).ok_or_else(|| DataPackageError::UnknownFormat {
        file: file.to_owned(),
    })?;
    let (format, mediatype, encoding, dialect, missing_values) = match format {
        Format::Csv => (
            "csv",
            "text/csv",
            Some("utf-8"),
            Some(CSV_DIALECT),
            Some([""]),
        ),
        Format::Parquet => (
            "parquet",
            "application/vnd.apache.parquet",
            None,
            None,
            None,
        ),
    };
    Ok(Resource {
        profile: "tabular-data-resource",
        name: resource_name(file),
        path: file,
        format,
        mediatype,
        encoding,
        dialect,
        schema: TableSchema {
            fields: schema.columns(),
            missing_values,
        },
    })
}

/// The text of `datapackage.json` describing `resources`: (file name
/// relative to the package, schema) pairs, in the order given.
///
/// Keys come out in a fixed order (struct order, not a map's), two-space
/// indented with a final newline, so the text can be compared byte for byte.
/// The format is taken from the file name's extension.
pub fn datapackage_json(resources: &[(&str, &Schema)]) -> Result<String, DataPackageError> {
    let mut described = Vec::with_capacity(resources.len());
    let mut taken: HashMap<String, &str> = HashMap::with_capacity(resources.len());
    for &(file, schema) in resources {
        let resource = resource(file, schema)?;
        if let Some(other) = taken.insert(resource.name.clone(), file) {
            return Err(DataPackageError::DuplicateName {
                name: resource.name,
                file: file.to_owned(),
                other: other.to_owned(),
            });
        }
        described.push(resource);
    }
    let package = DataPackage {
        profile: "tabular-data-package",
        resources: described,
    };
    let mut text = serde_json::to_string_pretty(&package).map_err(std::io::Error::from)?;
    text.push('\n');
    Ok(text)
}

/// Writes [`datapackage_json`] of `resources` to `writer`.
pub fn write_datapackage<W: Write>(
    mut writer: W,
    resources: &[(&str, &Schema)],
) -> Result<(), DataPackageError> {
    writer.write_all(datapackage_json(resources)?.as_bytes())?;
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests;
