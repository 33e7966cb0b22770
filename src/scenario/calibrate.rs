//! A market calibrated to observed shares: each segment's per-lab constants
//! (alternative-specific constants, as in discrete-choice practice) solved
//! at validation so that the labs win adopters in the observed proportions.
//!
//! A segment with `share_targets` names, for some or all labs, the share of
//! the segment's adopters they have on day 0 (observed figures, renormalised
//! over the scenario's labs), and optionally `open_weights_share_target`,
//! the share of open-weights models. Two things follow:
//!
//! 1. **The constants.** A lab's constant δ enters every one of its models'
//!    utilities. The constants, and the segment's open-weights utility when
//!    an open-weights target is given, are solved so that the *steady-state
//!    choice shares* equal the targets: the shares new adopters and
//!    switchers choose in when every line on the market on day 0 is at a
//!    random point of its release cycle (its current model aged by the
//!    stationary age of its cadence, its earlier models still on offer,
//!    lags drawn from the line's distribution). Solving against the
//!    incumbents of day 0 instead would give a lab whose model happens to
//!    be old a constant large enough to make its next model sweep the
//!    market.
//! 2. **The installed base.** Day 0's adopters are spread over the
//!    incumbents in the same proportions, so the simulated shares on day 0
//!    are the targets.
//!
//! The expectation over cycles and lags is taken over a fixed sample of
//! [`DRAWS`] draws from a stream of its own, so the constants are a
//! function of the scenario's parameters only (not of its seed), and every
//! point of a sweep is calibrated from the same draws.

mod draws;
mod solve;

use super::choices::Access;
use super::sections::{Capability, Ecosystem, Lab, Segment};

pub use solve::MAX_UTILITY;

/// Draws of the market's state over which shares are averaged.
pub const DRAWS: usize = 512;

/// Earlier models of a line counted beside its current one, at most: in a
/// segment, those whose weight is below e^−[`NEGLIGIBLE`] of the line's
/// best are left out, as the market drops models nobody chooses.
pub const EARLIER_MODELS: usize = 24;

/// Log weight below a line's best model at which an earlier model no
/// longer counts (e^−12 ≈ 6·10⁻⁶).
pub const NEGLIGIBLE: f64 = 12.0;

/// Largest gap between the sum of targets that name every lab on the market
/// and 1 that is taken as rounding (the targets are then rescaled).
pub const SUM_TOLERANCE: f64 = 0.005;

/// What the calibration of one segment found: the targets, the constants
/// solved, and the shares they give.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SegmentCalibration {
    /// Target share per lab (by lab index), where one is given.
    pub targets: Vec<Option<f64>>,
    /// The open-weights target, if given.
    pub open_weights_target: Option<f64>,
    /// Steady-state choice share per lab with the constants solved.
    pub achieved: Vec<f64>,
    /// The standard error of each of those shares as an estimate of the
    /// expectation, from the sample's finite size.
    pub achieved_se: Vec<f64>,
    /// Steady-state open-weights share.
    pub achieved_open_weights: f64,
    /// Share of new adopters each lab wins on day 0, with the incumbents as
    /// they are (old models lose ground until their successors arrive).
    pub day0_choice: Vec<f64>,
    /// Share of day 0's adopters on each line's incumbent (by line index
    /// across labs; 0 for a line without one).
    pub day0_line_shares: Vec<f64>,
    /// The constant per lab (the targeted labs' solved, the others' as
    /// written in `reputation`).
    pub constants: Vec<f64>,
    /// The open-weights utility (solved when targeted).
    pub open_weights_utility: f64,
}

/// Calibrations recently solved, by what they were solved from.
static SOLVED: std::sync::Mutex<Vec<(String, SegmentCalibration)>> =
    std::sync::Mutex::new(Vec::new());

/// A line as the calibration sees it.
pub(crate) struct LineView<'a> {
    pub lab: usize,
    pub open_weights: bool,
    pub incumbent_day: Option<f64>,
    pub line: &'a super::sections::Line,
}

/// Why a segment cannot be calibrated: the path at fault, the value and
/// what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// Path relative to the segment (`share_targets.meta`).
    pub field: String,
    /// The value as shown.
    pub value: String,
    /// What is allowed.
    pub allowed: String,
}

fn refusal(field: impl Into<String>, value: impl ToString, allowed: impl Into<String>) -> Refusal {
    Refusal {
        field: field.into(),
        value: value.to_string(),
        allowed: allowed.into(),
    }
}

/// The draws every segment of a scenario is calibrated over.
pub(crate) struct Calibrator<'a> {
    lines: Vec<LineView<'a>>,
    lab_ids: Vec<&'a str>,
    sample: draws::Sample,
}

impl<'a> Calibrator<'a> {
    /// The sample of line states for the scenario's labs.
    pub(crate) fn new(labs: &'a [Lab], capability: &Capability, ecosystem: &Ecosystem) -> Self {
        let lines: Vec<LineView<'a>> = (labs.iter().enumerate())
            .flat_map(|(lab, spec)| {
                spec.lines.iter().map(move |line| LineView {
                    lab,
                    open_weights: line.access == Access::OpenWeights,
                    incumbent_day: line.incumbent_released_day,
                    line,
                })
            })
            .collect();
        let sample = draws::Sample::cached(&lines, capability, ecosystem);
        Calibrator {
            lab_ids: labs.iter().map(|lab| lab.id.as_str()).collect(),
            lines,
            sample,
        }
    }

    /// Calibrates one segment, whose `reputation_by_lab` holds the
    /// constants written for it.
    pub(crate) fn segment(&self, segment: &Segment) -> Result<SegmentCalibration, Vec<Refusal>> {
        let problem = self.check(segment)?;
        // The same lines and the same segment give the same calibration:
        // the points of a contrast, or a point validated twice, solve once.
        let key = format!(
            "{} {:?} {} {} {:?} {:?} {:?} {}",
            self.sample.key(),
            problem.targets,
            segment.capability_weight,
            segment.ecosystem_weight,
            problem.open_weights,
            segment.reputation_by_lab,
            segment.open_weights_preference,
            problem.every_lab_targeted
        );
        let solved = SOLVED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, found)) = solved.iter().find(|(k, _)| *k == key) {
            return Ok(found.clone());
        }
        drop(solved);
        let weights = self.sample.log_weights(segment);
        let solution = solve::solve(&weights, &self.lines, &problem, segment)
            .map_err(|message| vec![refusal("share_targets", self.shown(segment), message)])?;
        let found = self.result(segment, &problem, &weights, solution);
        let mut solved = SOLVED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if solved.len() >= 16 {
            solved.remove(0);
        }
        solved.push((key, found.clone()));
        Ok(found)
    }

    /// The targets as written, for messages.
    fn shown(&self, segment: &Segment) -> String {
        let shares: Vec<String> = (segment.share_targets.iter())
            .map(|(lab, share)| format!("{lab} = {share}"))
            .collect();
        format!("{{ {} }}", shares.join(", "))
    }

    /// Checks the targets against the labs on the market on day 0 and
    /// returns them by lab index, rescaled when they name every lab and
    /// sum to 1 but for rounding.
    fn check(&self, segment: &Segment) -> Result<solve::Problem, Vec<Refusal>> {
        let labs = self.lab_ids.len();
        let on_market: Vec<bool> = (0..labs)
            .map(|lab| {
                (self.lines.iter()).any(|line| line.lab == lab && line.incumbent_day.is_some())
            })
            .collect();
        let mut refusals = Vec::new();
        let mut targets = vec![None; labs];
        for (id, &share) in &segment.share_targets {
            let field = format!("share_targets.{id}");
            let Some(lab) = self.lab_ids.iter().position(|lab| lab == id) else {
                let allowed = format!("names no lab (labs: {})", self.lab_ids.join(", "));
                refusals.push(refusal(field, share, allowed));
                continue;
            };
            if !(share.is_finite() && (1e-6..1.0).contains(&share)) {
                refusals.push(refusal(field, share, "must be a share >= 0.000001 and < 1"));
            } else if !on_market[lab] {
                refusals.push(refusal(
                    field,
                    share,
                    "names a lab with no model on the market on day 0 (none of its lines has \
                     incumbent_released), whose share there can only be 0",
                ));
            } else if segment.reputation.contains_key(id.as_str()) {
                refusals.push(refusal(
                    format!("reputation.{id}"),
                    segment.reputation[id.as_str()],
                    "is solved from share_targets; give the lab a target or a reputation, not both",
                ));
            } else {
                targets[lab] = Some(share);
            }
        }
        let open = self.check_open(segment, &mut refusals);
        if !refusals.is_empty() {
            return Err(refusals);
        }
        let untargeted: Vec<&str> = (0..labs)
            .filter(|&lab| on_market[lab] && targets[lab].is_none())
            .map(|lab| self.lab_ids[lab])
            .collect();
        let sum: f64 = targets.iter().flatten().sum();
        if untargeted.is_empty() {
            if (sum - 1.0).abs() > SUM_TOLERANCE {
                return Err(vec![refusal(
                    "share_targets",
                    format!("{} (sum {sum:.4})", self.shown(segment)),
                    "must sum to 1: they name every lab on the market on day 0",
                )]);
            }
            for share in targets.iter_mut().flatten() {
                *share /= sum;
            }
        } else if sum >= 1.0 - 1e-6 {
            return Err(vec![refusal(
                "share_targets",
                format!("{} (sum {sum:.4})", self.shown(segment)),
                format!(
                    "must sum to less than 1: {} also on the market on day 0 without a target",
                    untargeted.join(", ")
                ),
            )]);
        }
        Ok(solve::Problem {
            targets,
            open_weights: open,
            every_lab_targeted: untargeted.is_empty(),
        })
    }

    /// Checks the open-weights target, if any.
    fn check_open(&self, segment: &Segment, refusals: &mut Vec<Refusal>) -> Option<f64> {
        let share = segment.open_weights_share_target?;
        let field = "open_weights_share_target";
        let incumbents = || self.lines.iter().filter(|l| l.incumbent_day.is_some());
        if !(share.is_finite() && (1e-6..1.0).contains(&share)) {
            refusals.push(refusal(field, share, "must be a share >= 0.000001 and < 1"));
        } else if segment.share_targets.is_empty() {
            refusals.push(refusal(
                field,
                share,
                "needs share_targets: the labs' constants are solved with the open-weights utility",
            ));
        } else if !incumbents().any(|l| l.open_weights) || !incumbents().any(|l| !l.open_weights) {
            refusals.push(refusal(
                field,
                share,
                "needs open-weights and API models on the market on day 0 (lines with incumbent_released)",
            ));
        } else if segment.open_weights_preference != 0.0 {
            refusals.push(refusal(
                "open_weights_preference",
                segment.open_weights_preference,
                "is solved from open_weights_share_target; leave it out when the target is given",
            ));
        } else {
            return Some(share);
        }
        None
    }

    fn result(
        &self,
        segment: &Segment,
        problem: &solve::Problem,
        weights: &draws::LogWeights,
        solution: solve::Solution,
    ) -> SegmentCalibration {
        let labs = self.lab_ids.len();
        let shares = solve::Shares::at(weights, &self.lines, labs, &solution.utilities);
        let mut day0_line_shares = vec![0.0; self.lines.len()];
        let total: f64 = (shares.by_line.iter().zip(&self.lines))
            .filter(|(_, line)| line.incumbent_day.is_some())
            .map(|(share, _)| share)
            .sum();
        for (index, line) in self.lines.iter().enumerate() {
            if line.incumbent_day.is_some() && total > 0.0 {
                day0_line_shares[index] = shares.by_line[index] / total;
            }
        }
        let day0 = self.sample.day0_log_weights(segment);
        let day0_choice = solve::Shares::at(&day0, &self.lines, labs, &solution.utilities).by_lab;
        SegmentCalibration {
            targets: problem.targets.clone(),
            open_weights_target: problem.open_weights,
            achieved: shares.by_lab,
            achieved_se: shares.by_lab_se,
            achieved_open_weights: shares.open_weights,
            day0_choice,
            day0_line_shares,
            constants: solution.constants,
            open_weights_utility: solution.open_weights_utility,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StreamSeed;
    use crate::scenario::Scenario;

    const SCENARIO: &str = r#"
        [simulation]
        name = "noise"
        horizon_days = 30
        [market]
        [[market.segments]]
        id = "everyone"
        population = 1e6
        bass_p_per_year = 0.03
        bass_q_per_year = 0.4
        capability_weight = 0.4
        share_targets = { a = 0.6, b = 0.3, c = 0.1 }
        open_weights_share_target = 0.05
        [[labs]]
        id = "a"
        [[labs.lines]]
        id = "a"
        access = "api"
        cadence_days = { dist = "gamma", mean = 90, cv = 0.5 }
        capability_lag_months = { dist = "uniform", low = 0, high = 1 }
        incumbent_released = -40
        [[labs]]
        id = "b"
        [[labs.lines]]
        id = "b"
        access = "api"
        cadence_days = { dist = "lognormal", median = 110, sigma = 0.4 }
        incumbent_released = -100
        [[labs]]
        id = "c"
        [[labs.lines]]
        id = "api"
        access = "api"
        cadence_days = { dist = "uniform", low = 60, high = 200 }
        incumbent_released = -20
        [[labs.lines]]
        id = "open"
        access = "open_weights"
        cadence_days = { dist = "triangular", min = 50, mode = 100, max = 300 }
        capability_lag_months = { dist = "gamma", mean = 4, cv = 0.35 }
        incumbent_released = -200
    "#;

    #[test]
    fn the_reported_standard_error_bounds_the_samples_own_noise() {
        // Twenty samples from other streams, at the constants solved on the
        // calibration's own: the shares vary by less than the standard
        // error the calibration reports (stratified ages make it an upper
        // bound), and centre on the targets.
        let scenario = Scenario::from_toml(SCENARIO, "noise.toml", &[]).unwrap();
        let segment = &scenario.market.as_ref().unwrap().segments[0];
        let found = segment.calibration.clone().unwrap();
        let calibrator = Calibrator::new(&scenario.labs, &scenario.capability, &scenario.ecosystem);
        let utilities: Vec<f64> = (calibrator.lines.iter())
            .map(|l| {
                found.constants[l.lab]
                    + if l.open_weights {
                        found.open_weights_utility
                    } else {
                        0.0
                    }
            })
            .collect();
        let samples: Vec<Vec<f64>> = (0..20)
            .map(|master| {
                let seed = StreamSeed::new(master, 7, 7);
                let lines = &calibrator.lines;
                let sample = draws::Sample::draw_from(
                    seed,
                    lines,
                    &scenario.capability,
                    &scenario.ecosystem,
                );
                solve::Shares::at(&sample.log_weights(segment), lines, 3, &utilities).by_lab
            })
            .collect();
        for (lab, target) in [0.6, 0.3, 0.1].into_iter().enumerate() {
            let shares: Vec<f64> = samples.iter().map(|s| s[lab]).collect();
            let mean = shares.iter().sum::<f64>() / 20.0;
            let sd = (shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 19.0).sqrt();
            let se = found.achieved_se[lab];
            assert!(
                sd < 1.5 * se,
                "lab {lab}: sd {sd} over samples, reported {se}"
            );
            assert!(
                (mean - target).abs() < 4.0 * se,
                "lab {lab}: {mean} vs {target}"
            );
        }
    }
}
