//! What can be wrong with a fit's input, said so that the user can fix it.

use super::releases::Release;
use crate::scenario::ScenarioError;

/// One refused value of the release history: where, what, what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct RowProblem {
    /// The line of the file (the header is line 1).
    pub row: u64,
    /// The column.
    pub column: &'static str,
    /// The value as written.
    pub value: String,
    /// What is allowed instead, or why it cannot stand.
    pub allowed: String,
}

impl RowProblem {
    /// A problem with `column` of `release`.
    pub(super) fn at(
        release: &Release,
        column: &'static str,
        value: &str,
        allowed: String,
    ) -> RowProblem {
        RowProblem {
            row: release.row,
            column,
            value: value.to_string(),
            allowed,
        }
    }
}

/// Everything that stops a fit.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The release history could not be read.
    #[error("{file}: cannot read the release history")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not CSV, or a row of the wrong length.
    #[error("{file}{}: {message}", line.map(|l| format!(": line {l}")).unwrap_or_default())]
    Csv {
        /// The file.
        file: String,
        /// The line, where known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The header is not the one expected.
    #[error(
        "{file}: line 1: {message}; the header must be `{}` (found `{found}`)",
        super::releases::COLUMNS.join(",")
    )]
    Header {
        /// The file.
        file: String,
        /// The header as found.
        found: String,
        /// What is wrong with it.
        message: String,
    },
    /// Values refused: every one found.
    #[error("{}", render_rows(file, problems))]
    Rows {
        /// The file.
        file: String,
        /// Each refused value.
        problems: Vec<RowProblem>,
    },
    /// A header and nothing else.
    #[error("{file}: no releases (a header and no rows)")]
    Empty {
        /// The file.
        file: String,
    },
    /// The scenario to fit for could not be loaded.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A line of the scenario has another access mode in the data.
    #[error(
        "{scenario}: {path}.access is {scenario_access} but {data} gives {data_access}: \
         the fit of one would stand for the other; fix the data or the scenario"
    )]
    AccessMismatch {
        /// The scenario file.
        scenario: String,
        /// The data file.
        data: String,
        /// The line's path, `labs.<lab>.lines.<line>`.
        path: String,
        /// The scenario's access mode.
        scenario_access: &'static str,
        /// The data's.
        data_access: &'static str,
    },
}

fn render_rows(file: &str, problems: &[RowProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            format!(
                "{file}: line {}, {} = \"{}\": {}",
                p.row, p.column, p.value, p.allowed
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
