//! `backtest` and `replay`: load the scenario and the data, run, and write
//! the tables, each complete or not at all.

use std::path::{Path, PathBuf};

use super::{AppError, ScenarioSource};
use crate::observed::{self, ObservedError};

/// A `backtest` or `replay` request.
#[derive(Debug, Clone)]
pub struct ObservedRequest {
    /// The scenario.
    pub scenario: ScenarioSource,
    /// The release history.
    pub releases: PathBuf,
    /// The observed market shares (backtest).
    pub targets: PathBuf,
    /// Where to write the tables.
    pub out: PathBuf,
    /// Worker threads (`None`: every core).
    pub threads: Option<usize>,
}

/// What a command printed and wrote.
#[derive(Debug, Clone)]
pub struct ObservedReport {
    /// The tables as text.
    pub text: String,
    /// The files written.
    pub files: Vec<PathBuf>,
}

impl From<ObservedError> for AppError {
    fn from(err: ObservedError) -> Self {
        AppError::Request(err.to_string())
    }
}

/// Runs the backtest and writes `backtest.csv`.
pub fn backtest(request: &ObservedRequest) -> Result<ObservedReport, AppError> {
    let scenario = request.scenario.scenario()?;
    let releases = crate::fit::read_releases(&request.releases).map_err(ObservedError::from)?;
    let targets = observed::read_market_targets(&request.targets)?;
    let report = observed::backtest(&scenario, &releases, &targets, request.threads)?;
    let file = write(&request.out, "backtest.csv", |out| {
        observed::backtest::write_csv(&report, out)
    })?;
    Ok(ObservedReport {
        text: observed::backtest::render(&report, &scenario.file),
        files: vec![file],
    })
}

/// Runs the replay and writes `replay_releases.csv` and `replay_labs.csv`.
pub fn replay(request: &ObservedRequest) -> Result<ObservedReport, AppError> {
    let scenario = request.scenario.scenario()?;
    let releases = crate::fit::read_releases(&request.releases).map_err(ObservedError::from)?;
    let report = observed::replay(&scenario, &releases, request.threads)?;
    let files = vec![
        write(&request.out, "replay_releases.csv", |out| {
            observed::replay::write_releases_csv(&report, out)
        })?,
        write(&request.out, "replay_labs.csv", |out| {
            observed::replay::write_labs_csv(&report, out)
        })?,
    ];
    Ok(ObservedReport {
        text: observed::replay::render(&report, &scenario.file),
        files,
    })
}

/// Writes `name` in `dir` (made if need be) through a temporary file that
/// is renamed into place only when complete.
fn write(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut std::io::BufWriter<&mut tempfile::NamedTempFile>) -> csv::Result<()>,
) -> Result<PathBuf, AppError> {
    let refuse = |what: &str, err: &dyn std::fmt::Display| {
        AppError::Request(format!(
            "{}: cannot {what}: {err}",
            dir.join(name).display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|err| refuse("create its directory", &err))?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|err| refuse("write", &err))?;
    {
        let mut out = std::io::BufWriter::new(&mut file);
        fill(&mut out).map_err(|err| refuse("write", &err))?;
        std::io::Write::flush(&mut out).map_err(|err| refuse("write", &err))?;
    }
    let path = dir.join(name);
    file.persist(&path).map_err(|err| refuse("write", &err))?;
    Ok(path)
}
