//! Each line's history up to the censoring date: the releases that count,
//! in order, and the intervals they leave.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::error::{FitError, RowProblem};
use super::likelihood::LineIntervals;
use super::releases::Release;
use crate::scenario::Access;

/// The releases of one line that the fit counts, up to the censoring date.
#[derive(Clone, Debug, PartialEq)]
pub struct LineHistory {
    /// The lab's id.
    pub lab: String,
    /// The line's id.
    pub line: String,
    /// The line's access mode.
    pub access: Access,
    /// Dates of the releases counted, strictly before the censoring date,
    /// in order, one per day.
    pub dates: Vec<NaiveDate>,
    /// Releases counted on or after the censoring date, left out.
    pub later: usize,
    /// Releases on a day that already had one (with `--all-models`), counted
    /// once.
    pub same_day: usize,
    /// The censoring date.
    pub as_of: NaiveDate,
}

impl LineHistory {
    /// `lab/line`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.lab, self.line)
    }

    /// Days between consecutive releases.
    pub fn complete_days(&self) -> Vec<f64> {
        (self.dates.windows(2))
            .map(|pair| (pair[1] - pair[0]).num_days() as f64)
            .collect()
    }

    /// Days from the last release to the censoring date (`None` without a
    /// release).
    pub fn censored_days(&self) -> Option<f64> {
        let last = self.dates.last()?;
        Some((self.as_of - *last).num_days() as f64)
    }

    /// What the likelihood reads.
    pub fn intervals(&self) -> LineIntervals {
        LineIntervals {
            complete: self.complete_days(),
            censored: self.censored_days(),
        }
    }
}

/// Which releases count as a new model of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Rows with `flagship = yes`; two on one day of one line are refused
    /// (a zero interval: mark one `flagship = no`).
    Flagship,
    /// Every row; releases of one line on one day are one release (models
    /// launched together: a zero interval has no density).
    AllModels,
}

/// The history of every line in `releases`, in the order lines first
/// appear; `file` names the data in messages. Refuses a model listed twice
/// in a line, a line with two access modes, and (flagships) two releases of
/// a line on one day.
pub fn histories(
    releases: &[Release],
    file: &str,
    as_of: NaiveDate,
    selection: Selection,
) -> Result<Vec<LineHistory>, FitError> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut by_line: HashMap<(String, String), Vec<&Release>> = HashMap::new();
    for release in releases {
        let key = (release.lab.clone(), release.line.clone());
        if !by_line.contains_key(&key) {
            order.push(key.clone());
        }
        by_line.entry(key).or_default().push(release);
    }
    let mut problems = Vec::new();
    let lines = (order.iter())
        .map(|key| line_history(&by_line[key], as_of, selection, &mut problems))
        .collect();
    if problems.is_empty() {
        Ok(lines)
    } else {
        problems.sort_by_key(|p| p.row);
        Err(FitError::Rows {
            file: file.to_string(),
            problems,
        })
    }
}

fn line_history(
    rows: &[&Release],
    as_of: NaiveDate,
    selection: Selection,
    problems: &mut Vec<RowProblem>,
) -> LineHistory {
    let first = rows[0];
    check_rows(rows, problems);
    let mut counted: Vec<&Release> = (rows.iter().copied())
        .filter(|r| r.flagship || selection == Selection::AllModels)
        .collect();
    counted.sort_by_key(|r| (r.date, r.row));
    let (mut dates, mut same_day, mut later) = (Vec::<NaiveDate>::new(), 0, 0);
    for (i, release) in counted.iter().enumerate() {
        if release.date >= as_of {
            later += 1;
        } else if dates.last() != Some(&release.date) {
            dates.push(release.date);
        } else if selection == Selection::AllModels {
            same_day += 1;
        } else {
            let message = format!(
                "{}/{} has another flagship release that day (line {}): a zero interval has no \
                 likelihood; mark one flagship = no, or fit with --all-models",
                release.lab,
                release.line,
                counted[i - 1].row
            );
            problems.push(RowProblem::at(
                release,
                "date",
                &release.date.to_string(),
                message,
            ));
        }
    }
    LineHistory {
        lab: first.lab.clone(),
        line: first.line.clone(),
        access: first.access,
        dates,
        later,
        same_day,
        as_of,
    }
}

/// Refuses a model listed twice in a line and a line of two access modes.
fn check_rows(rows: &[&Release], problems: &mut Vec<RowProblem>) {
    let first = rows[0];
    let key = format!("{}/{}", first.lab, first.line);
    let mut models: HashMap<&str, u64> = HashMap::new();
    for row in rows {
        if let Some(earlier) = models.insert(&row.model, row.row) {
            let message =
                format!("{key} already lists this model on line {earlier}; list each model once");
            problems.push(RowProblem::at(row, "model", &row.model, message));
        }
        if row.access != first.access {
            let message = format!(
                "{key} is {} on line {}; a line has one access mode (make another line)",
                access_name(first.access),
                first.row
            );
            problems.push(RowProblem::at(
                row,
                "access",
                access_name(row.access),
                message,
            ));
        }
    }
}

/// The access mode as the data and scenarios write it.
pub fn access_name(access: Access) -> &'static str {
    match access {
        Access::Api => "api",
        Access::OpenWeights => "open_weights",
    }
}

#[cfg(test)]
mod tests {
    use super::super::releases::parse_releases;
    use super::*;

    const HEADER: &str = "lab,line,model,access,date,date_precision,flagship,status,source,note\n";

    fn parse(rows: &str) -> Result<Vec<Release>, FitError> {
        parse_releases(format!("{HEADER}{rows}").as_bytes(), "r.csv")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn intervals_are_days_between_releases_and_to_the_censoring_date() {
        let rows = parse(
            "m,l,B,api,2024-03-01,day,yes,released,x,\n\
             m,l,A,api,2024-01-01,day,yes,released,x,\n\
             m,l,A2,api,2024-02-01,day,no,released,x,\n\
             m,l,C,api,2024-07-15,month,yes,released,x,\n\
             m,l,D,api,2024-09-01,day,yes,released,x,later than as-of\n",
        )
        .unwrap();
        let lines = histories(&rows, "r.csv", day("2024-08-01"), Selection::Flagship).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].complete_days(), [60.0, 136.0]);
        assert_eq!(lines[0].censored_days(), Some(17.0));
        assert_eq!(lines[0].later, 1);
    }

    #[test]
    fn same_day_flagships_are_refused_naming_both_rows_but_merged_for_all_models() {
        let rows = parse(
            "m,l,A,api,2024-01-01,day,yes,released,x,\n\
             m,l,B,api,2024-01-01,day,yes,released,x,\n\
             m,l,C,api,2024-03-01,day,yes,released,x,\n",
        )
        .unwrap();
        let err = histories(&rows, "r.csv", day("2025-01-01"), Selection::Flagship).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("r.csv: line 3, date = \"2024-01-01\""),
            "{text}"
        );
        assert!(text.contains("(line 2)"), "{text}");
        let lines = histories(&rows, "r.csv", day("2025-01-01"), Selection::AllModels).unwrap();
        assert_eq!(lines[0].complete_days(), [60.0]);
        assert_eq!(lines[0].same_day, 1);
    }
}
