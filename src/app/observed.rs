//! `backtest` and `replay`: load the scenario and the data, run, and write
//! the tables, each complete or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{AppError, ScenarioSource};
use crate::observed::{self, ObservedError};
use crate::output::format::FormatError;
use crate::output::{OutputDir, OutputError};

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
    let files = write(
        &request.out,
        vec![(
            "backtest.csv",
            Box::new(|out| observed::backtest::write_csv(&report, out)),
        )],
    )?;
    Ok(ObservedReport {
        text: observed::backtest::render(&report, &scenario.file),
        files,
    })
}

/// Runs the replay and writes `replay_releases.csv` and `replay_labs.csv`.
pub fn replay(request: &ObservedRequest) -> Result<ObservedReport, AppError> {
    let scenario = request.scenario.scenario()?;
    let releases = crate::fit::read_releases(&request.releases).map_err(ObservedError::from)?;
    let report = observed::replay(&scenario, &releases, request.threads)?;
    let files = write(
        &request.out,
        vec![
            (
                "replay_releases.csv",
                Box::new(|out| observed::replay::write_releases_csv(&report, out)),
            ),
            (
                "replay_labs.csv",
                Box::new(|out| observed::replay::write_labs_csv(&report, out)),
            ),
        ],
    )?;
    Ok(ObservedReport {
        text: observed::replay::render(&report, &scenario.file),
        files,
    })
}

/// Writes a table: fills the writer it is given.
type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> csv::Result<()> + 'a>;

/// Writes `tables` into `dir`, made if need be: each under a temporary name,
/// all renamed into place together once complete, replacing files of the
/// same names; the directory's other files are left alone. If any fails,
/// none is written, and a directory made for them is removed again.
fn write(dir: &Path, tables: Vec<(&str, Fill<'_>)>) -> Result<Vec<PathBuf>, AppError> {
    let mut out = OutputDir::beside(dir)?;
    for (name, fill) in tables {
        let mut file = out.stage(name)?;
        fill(&mut file)
            .map_err(|e| FormatError::from(e).into_io())
            .and_then(|()| file.flush())
            .map_err(|source| OutputError::File {
                file: dir.join(name).display().to_string(),
                source,
            })?;
    }
    Ok(out.commit()?)
}
