//! The release-history CSV, read and checked row by row.

use std::io::Read;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::error::{FitError, RowProblem};
use crate::scenario::Access;

/// The columns of the release history, in the order the header must give.
pub const COLUMNS: [&str; 10] = [
    "lab",
    "line",
    "model",
    "access",
    "date",
    "date_precision",
    "flagship",
    "status",
    "source",
    "note",
];

/// How precisely a release's date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatePrecision {
    /// To the day.
    Day,
    /// To the month: the date is written as the 15th.
    Month,
}

/// One row of the release history.
#[derive(Clone, Debug, PartialEq)]
pub struct Release {
    /// The lab's scenario id.
    pub lab: String,
    /// The line's scenario id.
    pub line: String,
    /// The model's name.
    pub model: String,
    /// How the model reached users.
    pub access: Access,
    /// When it was released (the 15th for a month).
    pub date: NaiveDate,
    /// How precisely `date` is known.
    pub date_precision: DatePrecision,
    /// Whether it counts as a new model of the line.
    pub flagship: bool,
    /// Free text (released, announced, ...).
    pub status: String,
    /// Where the date comes from (never empty).
    pub source: String,
    /// Free text.
    pub note: String,
    /// Its line in the file (the header is line 1), for messages.
    pub row: u64,
}

/// Reads and checks a release-history CSV file.
pub fn read_releases(path: &Path) -> Result<Vec<Release>, FitError> {
    let file = path.display().to_string();
    let reader = std::fs::File::open(path).map_err(|source| FitError::Read {
        file: file.clone(),
        source,
    })?;
    parse_releases(reader, &file)
}

/// Reads and checks release-history CSV text; `file` names it in messages.
/// Every bad value is reported, not only the first. Spaces around a value
/// are ignored.
pub fn parse_releases<R: Read>(reader: R, file: &str) -> Result<Vec<Release>, FitError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
    check_header(file, &header)?;
    let (mut releases, mut problems) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let row = record.position().map_or(0, |p| p.line());
        let cells: Vec<&str> = record.iter().collect();
        match parse_row(&cells, row) {
            Ok(release) => releases.push(release),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        return Err(FitError::Rows {
            file: file.to_string(),
            problems,
        });
    }
    if releases.is_empty() {
        return Err(FitError::Empty {
            file: file.to_string(),
        });
    }
    Ok(releases)
}

fn csv_error(file: &str, error: &csv::Error) -> FitError {
    FitError::Csv {
        file: file.to_string(),
        line: error.position().map(|p| p.line()),
        message: match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "{len} fields where the header has {expected_len}: every row needs the {} columns ({})",
                COLUMNS.len(),
                COLUMNS.join(",")
            ),
            _ => error.to_string(),
        },
    }
}

fn check_header(file: &str, header: &csv::StringRecord) -> Result<(), FitError> {
    if header.iter().eq(COLUMNS) {
        return Ok(());
    }
    let found: Vec<&str> = header.iter().collect();
    let message = match COLUMNS.iter().find(|c| !found.contains(c)) {
        Some(missing) => format!("no column `{missing}`"),
        None => match found.iter().find(|c| !COLUMNS.contains(c)) {
            Some(unknown) => format!("unknown column `{unknown}`"),
            None => "the columns are out of order".to_string(),
        },
    };
    Err(FitError::Header {
        file: file.to_string(),
        found: found.join(","),
        message,
    })
}

/// One row, or every problem it has.
/// Collects the problems of one row.
struct RowCheck {
    row: u64,
    problems: Vec<RowProblem>,
}

impl RowCheck {
    fn refuse(&mut self, column: &'static str, value: &str, allowed: &str) {
        self.problems.push(RowProblem {
            row: self.row,
            column,
            value: value.to_string(),
            allowed: allowed.to_string(),
        });
    }

    /// A scenario id, as the scenario's own check allows one.
    fn id(&mut self, column: &'static str, id: &str) {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c);
        if id.is_empty() || !id.chars().all(allowed) {
            let message = "must be a scenario id: non-empty, only a-z, 0-9, _ and -";
            self.refuse(column, id, message);
        }
    }

    fn non_empty(&mut self, column: &'static str, value: &str, allowed: &str) {
        if value.is_empty() {
            self.refuse(column, value, allowed);
        }
    }

    /// One of the `words`, as the value it stands for.
    fn one_of<T: Copy>(
        &mut self,
        column: &'static str,
        value: &str,
        words: &[(&str, T)],
    ) -> Option<T> {
        let found = words
            .iter()
            .find(|(word, _)| *word == value)
            .map(|(_, v)| *v);
        if found.is_none() {
            let names: Vec<&str> = words.iter().map(|(word, _)| *word).collect();
            self.refuse(column, value, &format!("must be {}", names.join(" or ")));
        }
        found
    }

    /// A date; the 15th when only its month is known.
    fn date(&mut self, value: &str, precision: Option<DatePrecision>) -> Option<NaiveDate> {
        let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") else {
            self.refuse("date", value, "must be a date written YYYY-MM-DD");
            return None;
        };
        if precision == Some(DatePrecision::Month) && date.day() != 15 {
            let message = "must be the 15th of the month when date_precision is month";
            self.refuse("date", value, message);
        }
        Some(date)
    }
}

/// One row, or every problem it has.
fn parse_row(cells: &[&str], row: u64) -> Result<Release, Vec<RowProblem>> {
    let mut check = RowCheck {
        row,
        problems: Vec::new(),
    };
    // The reader refuses rows whose length differs from the header's.
    let [
        lab,
        line,
        model,
        access,
        date,
        precision,
        flagship,
        status,
        source,
        note,
    ] = cells
    else {
        check.refuse(
            "lab",
            &cells.join(","),
            "a row needs the header's 10 columns",
        );
        return Err(check.problems);
    };
    check.id("lab", lab);
    check.id("line", line);
    check.non_empty("model", model, "must name the model");
    let access = check.one_of(
        "access",
        access,
        &[("api", Access::Api), ("open_weights", Access::OpenWeights)],
    );
    let date_precision = check.one_of(
        "date_precision",
        precision,
        &[("day", DatePrecision::Day), ("month", DatePrecision::Month)],
    );
    let date = check.date(date, date_precision);
    let flagship = check.one_of("flagship", flagship, &[("yes", true), ("no", false)]);
    check.non_empty("source", source, "must say where the date comes from");
    match (access, date, date_precision, flagship) {
        (Some(access), Some(date), Some(date_precision), Some(flagship))
            if check.problems.is_empty() =>
        {
            Ok(Release {
                lab: lab.to_string(),
                line: line.to_string(),
                model: model.to_string(),
                access,
                date,
                date_precision,
                flagship,
                status: status.to_string(),
                source: source.to_string(),
                note: note.to_string(),
                row,
            })
        }
        _ => Err(check.problems),
    }
}
