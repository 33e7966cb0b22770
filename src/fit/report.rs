//! Every family fitted to every line, and to each access mode's lines
//! pooled: what the table and the fragment are written from.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::estimate::{FamilyFit, fit_family};
use super::history::{LineHistory, access_name};
use super::interval::Cutoff;
use super::likelihood::{Family, LineIntervals, Observations};
use crate::scenario::Access;

/// Complete intervals a line (or pool) needs before it is fitted: one gives
/// no spread to estimate, and even the exponential's interval would rest on
/// a single gap.
pub const MIN_COMPLETE_INTERVALS: usize = 2;

/// What was fitted: one line, or every line of an access mode sharing the
/// parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// One line.
    Line {
        /// The lab's id.
        lab: String,
        /// The line's id.
        line: String,
    },
    /// The lines of `access` (`lab/line`), each contributing its own
    /// intervals and its own censored interval.
    Pool {
        /// The lines pooled.
        lines: Vec<String>,
    },
}

/// Why a family has no fit although the data are long enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoFit {
    /// Every complete interval is equal: the likelihood grows without bound
    /// as the spread shrinks.
    NoSpread,
    /// The maximum lies at the edge of the searched range.
    NoMaximum,
}

impl NoFit {
    /// In words, for the table and the fragment.
    pub fn reason(self) -> &'static str {
        match self {
            NoFit::NoSpread => "every interval is equal: no spread to estimate",
            NoFit::NoMaximum => "no maximum inside the searched range",
        }
    }
}

/// The fits of one line or pool.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFit {
    /// What was fitted.
    pub scope: Scope,
    /// Its access mode.
    pub access: Access,
    /// Releases counted before the censoring date.
    pub releases: usize,
    /// The first and last of them.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Complete intervals between them.
    pub complete_intervals: usize,
    /// Days from each line's last release to the censoring date.
    pub censored_days: Vec<f64>,
    /// Each family's fit, in [`Family::ALL`]'s order; empty when there are
    /// fewer than [`MIN_COMPLETE_INTERVALS`].
    pub families: Vec<(Family, Result<FamilyFit, NoFit>)>,
}

impl GroupFit {
    /// `lab/line`, or `pooled api`.
    pub fn name(&self) -> String {
        match &self.scope {
            Scope::Line { lab, line } => format!("{lab}/{line}"),
            Scope::Pool { .. } => format!("pooled {}", access_name(self.access)),
        }
    }

    /// Whether there were too few releases to fit.
    pub fn too_few(&self) -> bool {
        self.complete_intervals < MIN_COMPLETE_INTERVALS
    }

    /// The families that have a fit.
    pub fn fits(&self) -> impl Iterator<Item = &FamilyFit> {
        self.families
            .iter()
            .filter_map(|(_, fit)| fit.as_ref().ok())
    }

    /// The fit with the lowest AIC (the first family on a tie).
    pub fn best(&self) -> Option<&FamilyFit> {
        self.fits()
            .fold(None, |best: Option<&FamilyFit>, fit| match best {
                Some(b) if b.aic() <= fit.aic() => Some(b),
                _ => Some(fit),
            })
    }

    /// AIC above the best fit's.
    pub fn delta_aic(&self, fit: &FamilyFit) -> f64 {
        self.best().map_or(0.0, |best| fit.aic() - best.aic())
    }

    /// The fit of `family`, or the best when `None`.
    pub fn chosen(&self, family: Option<Family>) -> Option<&FamilyFit> {
        match family {
            None => self.best(),
            Some(family) => self.fits().find(|fit| fit.family == family),
        }
    }

    /// The fit of `family`, or why it has none (`None` when the group was
    /// too short to fit).
    pub fn outcome(&self, family: Family) -> Option<&Result<FamilyFit, NoFit>> {
        self.families
            .iter()
            .find(|(f, _)| *f == family)
            .map(|(_, r)| r)
    }
}

/// Fits every family to `lines` (one line, or a pool sharing `access`):
/// each line contributes its complete intervals and its censored one.
pub fn fit_group(scope: Scope, access: Access, lines: &[&LineHistory], cutoff: Cutoff) -> GroupFit {
    let with_releases: Vec<LineIntervals> = (lines.iter())
        .filter(|line| !line.dates.is_empty())
        .map(|line| line.intervals())
        .collect();
    let complete_intervals = with_releases.iter().map(|l| l.complete.len()).sum();
    let first = lines.iter().filter_map(|l| l.dates.first()).min().copied();
    let last = lines.iter().filter_map(|l| l.dates.last()).max().copied();
    let stream = stream_of(&scope, access);
    let families = match Observations::new(&with_releases) {
        Some(data) if complete_intervals >= MIN_COMPLETE_INTERVALS => (Family::ALL.iter())
            .map(|&family| {
                let fit = if family != Family::Exponential && data.without_spread() {
                    Err(NoFit::NoSpread)
                } else {
                    fit_family(family, &data, cutoff, stream).ok_or(NoFit::NoMaximum)
                };
                (family, fit)
            })
            .collect(),
        _ => Vec::new(),
    };
    GroupFit {
        scope,
        access,
        releases: lines.iter().map(|l| l.dates.len()).sum(),
        span: first.zip(last),
        complete_intervals,
        censored_days: with_releases.iter().filter_map(|l| l.censored).collect(),
        families,
    }
}

/// The random streams of a group's bootstrap, keyed by its name rather than
/// its place, so that adding a line to the data changes no other line's
/// intervals.
fn stream_of(scope: &Scope, access: Access) -> u64 {
    let name = match scope {
        Scope::Line { lab, line } => format!("line {lab}/{line}"),
        Scope::Pool { .. } => format!("pool {}", access_name(access)),
    };
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

/// Each line's fit, in the data's order.
pub fn fit_lines(histories: &[LineHistory], cutoff: Cutoff) -> Vec<GroupFit> {
    (histories.iter())
        .map(|history| {
            let scope = Scope::Line {
                lab: history.lab.clone(),
                line: history.line.clone(),
            };
            fit_group(scope, history.access, &[history], cutoff)
        })
        .collect()
}

/// One pooled fit per access mode present (API first): every line of that
/// mode with a release, sharing the parameters.
pub fn fit_pools(histories: &[LineHistory], cutoff: Cutoff) -> Vec<GroupFit> {
    [Access::Api, Access::OpenWeights]
        .into_iter()
        .filter_map(|access| {
            let lines: Vec<&LineHistory> = (histories.iter())
                .filter(|h| h.access == access && !h.dates.is_empty())
                .collect();
            if lines.is_empty() {
                return None;
            }
            let scope = Scope::Pool {
                lines: lines.iter().map(|l| l.key()).collect(),
            };
            Some(fit_group(scope, access, &lines, cutoff))
        })
        .collect()
}
