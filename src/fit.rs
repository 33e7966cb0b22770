//! `reviewsim fit`: release cadences fitted to release history by maximum
//! likelihood, for a scenario's `cadence_days`.
//!
//! A line's flagship releases t₁ < … < tₙ before the censoring date c give
//! n − 1 complete intervals and one still running at c: the next release
//! had not come by then, which says the interval is longer than c − tₙ. The
//! log-likelihood Σ log f(xᵢ) + log S(c − tₙ) counts both; leaving the
//! running interval out would bias the cadence short (the long gap a line
//! is in now is exactly what a slow line has). Three families are fitted
//! (exponential, gamma, log-normal, by the parameters scenarios write),
//! compared by AIC, with 95% profile-likelihood intervals whose cut-off a
//! seeded parametric bootstrap calibrates for the few releases a line has.
//! A pooled fit per access mode shares the parameters across lines.
//!
//! The flow: [`read_releases`] → [`histories`] → [`fit_lines`] and
//! [`fit_pools`] → [`FitReport`] → [`render_text`], [`write_table`],
//! [`render_fragment`]. [`run`] does all but the writing.
//!
//! ```
//! use reviewsim::fit::{Cutoff, Family, LineIntervals, Observations, fit_family};
//!
//! // Five releases, then 80 days without one.
//! let line = LineIntervals { complete: vec![95.0, 130.0, 88.0, 140.0], censored: Some(80.0) };
//! let data = Observations::new(&[line]).unwrap();
//! let fit = fit_family(Family::Exponential, &data, Cutoff::ChiSquared, 0).unwrap();
//! // The exponential's estimate: every day observed over the releases seen.
//! assert!((fit.estimates[0].value - (95.0 + 130.0 + 88.0 + 140.0 + 80.0) / 4.0).abs() < 1e-9);
//! assert!(fit.estimates[0].interval.contains(133.25));
//! ```

mod error;
mod estimate;
mod fragment;
mod history;
mod interval;
mod likelihood;
mod mle;
mod releases;
mod report;
mod table;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use error::{FitError, RowProblem};
pub use estimate::{Estimate, FamilyFit, aic, fit_family};
pub use fragment::render_fragment;
pub use history::{LineHistory, Selection, access_name, histories};
pub use interval::{Cutoff, Interval, chi_squared_95, simulate};
pub use likelihood::{Design, Family, LineIntervals, Observations};
pub use mle::{Maximum, maximise};
pub use releases::{COLUMNS, DatePrecision, Release, parse_releases, read_releases};
pub use report::{GroupFit, MIN_COMPLETE_INTERVALS, NoFit, Scope, fit_group, fit_lines, fit_pools};
pub use table::{TABLE_COLUMNS, render_text, write_table};

use crate::scenario::{Access, Scenario};

/// Bootstrap histories per fit by default: enough for the 95% point of the
/// likelihood-ratio statistic to vary by about ±0.2 between seeds.
pub const DEFAULT_REPLICATES: u64 = 999;

/// The bootstrap's master seed by default.
pub const DEFAULT_SEED: u64 = 1;

/// What `reviewsim fit` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct FitRequest {
    /// The release-history CSV.
    pub releases: PathBuf,
    /// The censoring date: releases from this day on are left out.
    pub as_of: NaiveDate,
    /// The scenario whose labs and lines the fragment lists.
    pub scenario: Option<PathBuf>,
    /// The family the fragment uses; the AIC-best when `None`.
    pub family: Option<Family>,
    /// Whether lines too short to fit take their access mode's pooled fit
    /// in the fragment.
    pub pool: bool,
    /// With `pool`, the complete intervals a line needs for the fragment to
    /// use its own fit rather than the pool's (at least
    /// [`MIN_COMPLETE_INTERVALS`]): a line's own fit from a handful of
    /// intervals is a point estimate with a spread too narrow to trust.
    pub min_own_intervals: usize,
    /// Which releases count.
    pub selection: Selection,
    /// How the intervals' cut-off is chosen.
    pub cutoff: Cutoff,
}

impl FitRequest {
    /// The command that makes this fit, for the fragment's first comment:
    /// every option that decides its content, and none that only says where
    /// to write.
    pub fn command(&self) -> String {
        let mut words = vec![
            "reviewsim fit".to_string(),
            quoted(&self.releases),
            format!("--as-of {}", self.as_of),
        ];
        if let Some(scenario) = &self.scenario {
            words.push(format!("--scenario {}", quoted(scenario)));
        }
        if let Some(family) = self.family {
            words.push(format!("--dist {}", family.name()));
        }
        if self.pool {
            words.push("--pool".into());
            if self.min_own_intervals > MIN_COMPLETE_INTERVALS {
                words.push(format!("--min-intervals {}", self.min_own_intervals));
            }
        }
        if self.selection == Selection::AllModels {
            words.push("--all-models".into());
        }
        match self.cutoff {
            Cutoff::ChiSquared => words.push("--bootstrap 0".into()),
            Cutoff::Bootstrap { replicates, seed } => {
                words.push(format!("--bootstrap {replicates} --seed {seed}"))
            }
        }
        words.join(" ")
    }
}

fn quoted(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The labs and lines of the scenario fitted for, in its order.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The scenario file, as named in messages.
    pub file: String,
    /// Each lab's id and its lines' ids and access modes.
    pub labs: Vec<(String, Vec<(String, Access)>)>,
}

/// Everything fitted, ready to be written.
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport {
    /// The request.
    pub request: FitRequest,
    /// Each line of the data, in the order lines first appear.
    pub lines: Vec<GroupFit>,
    /// One pooled fit per access mode.
    pub pools: Vec<GroupFit>,
    /// The scenario's labs and lines, when one was given.
    pub layout: Option<Layout>,
    /// Releases counted on or after the censoring date, left out.
    pub later: usize,
    /// Releases on a day that already had one, counted once.
    pub same_day: usize,
}

/// Reads the data (and the scenario), and fits every line and pool.
pub fn run(request: &FitRequest) -> Result<FitReport, FitError> {
    let file = request.releases.display().to_string();
    let releases = read_releases(&request.releases)?;
    let histories = histories(&releases, &file, request.as_of, request.selection)?;
    let layout = match &request.scenario {
        Some(path) => Some(layout(path, &histories, &file)?),
        None => None,
    };
    Ok(FitReport {
        request: request.clone(),
        lines: fit_lines(&histories, request.cutoff),
        pools: fit_pools(&histories, request.cutoff),
        layout,
        later: histories.iter().map(|h| h.later).sum(),
        same_day: histories.iter().map(|h| h.same_day).sum(),
    })
}

/// The scenario's labs and lines, refusing a line whose access mode the
/// data contradict.
fn layout(
    path: &std::path::Path,
    histories: &[LineHistory],
    data: &str,
) -> Result<Layout, FitError> {
    let scenario = Scenario::load(path, &[])?;
    let mut labs = Vec::new();
    for lab in &scenario.labs {
        let mut lines = Vec::new();
        for line in &lab.lines {
            let history = (histories.iter()).find(|h| h.lab == lab.id && h.line == line.id);
            if let Some(history) = history.filter(|h| h.access != line.access) {
                return Err(FitError::AccessMismatch {
                    scenario: scenario.file.clone(),
                    data: data.to_string(),
                    path: format!("labs.{}.lines.{}", lab.id, line.id),
                    scenario_access: access_name(line.access),
                    data_access: access_name(history.access),
                });
            }
            lines.push((line.id.clone(), line.access));
        }
        labs.push((lab.id.clone(), lines));
    }
    Ok(Layout {
        file: scenario.file.clone(),
        labs,
    })
}

/// `value` to `digits` significant digits, written as TOML and CSV read it
/// back: the shortest text for the rounded number, with `.0` on a whole
/// one so that it stays a float.
pub fn significant(value: f64, digits: usize) -> String {
    if !value.is_finite() || value == 0.0 {
        return if value == 0.0 {
            "0.0".into()
        } else {
            value.to_string()
        };
    }
    let rounded: f64 = format!("{value:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(value);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{rounded:.1}")
    } else {
        rounded.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_four_significant_digits_and_stay_floats() {
        assert_eq!(significant(96.5349, 4), "96.53");
        assert_eq!(significant(1234.56, 4), "1235.0");
        assert_eq!(significant(0.000123456, 4), "0.0001235");
        assert_eq!(significant(250.0, 4), "250.0");
        assert_eq!(significant(-1.23456, 3), "-1.23");
    }
}
