//! What can be wrong with a scenario, said so that the user can fix it.

use std::fmt;

/// One refused value: where it is, what it was, what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted parameter path, with ids for arrays of named tables
    /// (`labs.meta.lines.llama.cadence_days.cv`).
    pub path: String,
    /// The value as written.
    pub value: String,
    /// What is allowed instead.
    pub allowed: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.path, self.value, self.allowed)
    }
}

/// Everything that stops a scenario from running.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario file")]
    Read {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's account, with line and column.
        message: String,
    },
    /// A `--set PATH=VALUE` that cannot be applied.
    #[error("--set {arg}: {message}")]
    Override {
        /// The argument as given.
        arg: String,
        /// Why it cannot be applied.
        message: String,
    },
    /// A key or a value of the wrong shape: unknown key, wrong type, missing
    /// key.
    #[error("{file}: {path}: {message}{}", set_by.as_ref().map(|arg| format!(" (set by --set {arg})")).unwrap_or_default())]
    Schema {
        /// The file.
        file: String,
        /// Dotted parameter path.
        path: String,
        /// What is wrong and what is expected.
        message: String,
        /// The `--set` argument that wrote this value, if one did.
        set_by: Option<String>,
    },
    /// Values of the right shape but out of range, or combinations that
    /// cannot hold. Every problem found is listed.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        /// The file.
        file: String,
        /// Each refused value.
        problems: Vec<Problem>,
    },
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("{file}: {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}
