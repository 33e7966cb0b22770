//! `run --precision METRIC[:LAB]=HALFWIDTH[%]`: replications in fixed
//! batches until the 95% confidence interval of every named metric, at
//! every point, is at most as wide as asked.
//!
//! The scenario's `replications` is the batch. After each batch the
//! intervals of replications 0..n are checked; the first n that meets
//! every target (or `--max-replications`) is the count the run then uses
//! for all its outputs. The statistics are exact integer sums, so the
//! count depends only on the scenario and seed, never on the threads.
//! The batches' replications are the first n of the final run (the same
//! streams): the run repeats them to write its files, so a run to a
//! precision costs at most twice the work of the count it finds.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;

use super::AppError;
use crate::experiment::Experiment;
use crate::metrics;
use crate::model::Recording;
use crate::output::{ALL_LABS, Layout};
use crate::runner::{self, RunConfig, Stop, UnitResult, UnitSink};
use crate::stats::Accumulator;

/// One target: a metric (of one lab, of `all`, or of every lab) and the
/// widest half-width allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The metric.
    pub metric: String,
    /// A lab id, `all`, or `None` for every lab (or `all` for a system
    /// metric).
    pub lab: Option<String>,
    /// The half-width allowed: in the metric's unit, or a percentage of the
    /// mean's magnitude when `relative`.
    pub halfwidth: f64,
    /// Whether `halfwidth` is a percentage.
    pub relative: bool,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{text}`: write METRIC[:LAB]=HALFWIDTH or METRIC[:LAB]=PERCENT%, \
                 such as share_all:meta=0.005 or delay_days_mean=5%"
            )
        };
        let (name, width) = text.split_once('=').ok_or_else(usage)?;
        let (metric, lab) = match name.trim().split_once(':') {
            Some((metric, lab)) => (metric.trim(), Some(lab.trim().to_string())),
            None => (name.trim(), None),
        };
        let width = width.trim();
        let (number, relative) = match width.strip_suffix('%') {
            Some(number) => (number.trim(), true),
            None => (width, false),
        };
        let halfwidth: f64 = number.parse().map_err(|_| usage())?;
        if metric.is_empty() || lab.as_deref() == Some("") {
            return Err(usage());
        }
        if !(halfwidth.is_finite() && halfwidth > 0.0) {
            return Err(format!(
                "`{text}`: the half-width must be a number > 0 (relative ones in %)"
            ));
        }
        Ok(Target {
            metric: metric.to_string(),
            lab,
            halfwidth,
            relative,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.metric)?;
        if let Some(lab) = &self.lab {
            write!(f, ":{lab}")?;
        }
        write!(
            f,
            "={}{}",
            self.halfwidth,
            if self.relative { "%" } else { "" }
        )
    }
}

/// The rule of a run to a precision.
#[derive(Debug, Clone, PartialEq)]
pub struct Precision {
    /// Every target must be met.
    pub targets: Vec<Target>,
    /// Stop here even when a target is not met.
    pub max_replications: u64,
}

/// Default `--max-replications`.
pub const DEFAULT_MAX_REPLICATIONS: u64 = 100_000;

/// What a run to a precision found, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionReport {
    /// The targets, as given.
    pub targets: Vec<String>,
    /// Replications per batch (the scenario's `replications`).
    pub batch: u64,
    /// The most allowed.
    pub max_replications: u64,
    /// Replications the run used.
    pub replications: u64,
    /// Whether every target was met (false: the maximum stopped it).
    pub met: bool,
    /// Per target, the widest half-width left at any point and lab.
    pub widest: Vec<Widest>,
}

/// The widest interval of one target.
#[derive(Debug, Clone, Serialize)]
pub struct Widest {
    /// The target.
    pub target: String,
    /// Its widest half-width, in the metric's unit (`None` when the metric
    /// has no interval yet somewhere: fewer than two values).
    pub halfwidth: Option<f64>,
    /// The target in the metric's unit at that point (the percentage of
    /// its mean, for relative targets).
    pub allowed: Option<f64>,
    /// Where: the point.
    pub point: usize,
    /// Where: the lab (or `all`).
    pub lab: String,
}

/// The slots of the layout a target names, or why it names none.
pub fn slots_of(target: &Target, layout: &Layout) -> Result<Vec<usize>, String> {
    let per_lab = layout.lab_metrics.len();
    let lab_metric = layout.lab_metrics.iter().position(|m| *m == target.metric);
    let system_metric = layout
        .system_metrics
        .iter()
        .position(|m| *m == target.metric);
    let system_slot = |index: usize| layout.labs.len() * per_lab + index;
    match (lab_metric, system_metric, target.lab.as_deref()) {
        (None, None, _) => Err(format!(
            "--precision {target}: {} is not a metric of this scenario; metrics are the \
             columns of lab_outcomes and system_outcomes",
            target.metric
        )),
        (_, Some(index), None | Some(ALL_LABS)) => Ok(vec![system_slot(index)]),
        (Some(_), None, Some(ALL_LABS)) => Err(format!(
            "--precision {target}: {} is a per-lab metric; name a lab or none (every lab)",
            target.metric
        )),
        (Some(index), _, None) => Ok((0..layout.labs.len())
            .map(|lab| lab * per_lab + index)
            .collect()),
        (Some(index), _, Some(lab)) => match layout.labs.iter().position(|l| l == lab) {
            Some(at) => Ok(vec![at * per_lab + index]),
            None => Err(format!(
                "--precision {target}: {lab} is not a lab of this scenario ({})",
                layout.labs.join(", ")
            )),
        },
        (None, Some(_), Some(lab)) => Err(format!(
            "--precision {target}: {} is a system metric; write {}:all or leave :{lab} out",
            target.metric, target.metric
        )),
    }
}

/// The rule in words, for `validate`, after checking every target against
/// the experiment's metrics and labs.
pub fn describe_rule(experiment: &Experiment, precision: &Precision) -> Result<String, AppError> {
    let swept = super::swept_of(experiment);
    let layout = Layout::new(&experiment.base, &swept, None, None);
    let mut parts = Vec::new();
    for target in &precision.targets {
        slots_of(target, &layout).map_err(AppError::Request)?;
        let whose = match target.lab.as_deref() {
            Some(lab) => lab.to_string(),
            None if layout.lab_metrics.contains(&target.metric) => "every lab".to_string(),
            None => ALL_LABS.to_string(),
        };
        let width = if target.relative {
            format!("{}% of its mean", target.halfwidth)
        } else {
            target.halfwidth.to_string()
        };
        parts.push(format!("{} ({whose}) <= {width}", target.metric));
    }
    Ok(format!(
        "precision batches of {} replications until the 95% interval's half-width of {} \
         at every point; at most {} replications (the run's manifest says how many it took)\n",
        experiment.replications(),
        parts.join(" and "),
        precision.max_replications
    ))
}

/// The named slots' accumulators of every point, fed unit by unit.
struct Tally {
    slots: Vec<usize>,
    accumulators: Vec<Vec<Accumulator>>,
    values: Vec<Option<f64>>,
}

impl UnitSink for Tally {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        self.values.clear();
        for lab in &unit.labs {
            metrics::lab_values(lab, &mut self.values);
        }
        metrics::system_values(&unit.system, &mut self.values);
        let point = &mut self.accumulators[unit.point];
        for (accumulator, &slot) in point.iter_mut().zip(&self.slots) {
            if let Some(value) = self.values[slot] {
                accumulator.add(value).map_err(std::io::Error::other)?;
            }
        }
        Ok(())
    }
}

/// Runs `experiment` (whose `replications` is the maximum) batch by
/// batch until every target is met; returns the count and what was left.
pub fn replications_needed(
    experiment: &Experiment,
    layout: &Layout,
    precision: &Precision,
    batch: u64,
    threads: usize,
    stop: &Stop,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<PrecisionReport, AppError> {
    let mut targets = Vec::new();
    let mut slots = Vec::new();
    for target in &precision.targets {
        let named = slots_of(target, layout).map_err(AppError::Request)?;
        targets.push((target, slots.len()..slots.len() + named.len()));
        slots.extend(named);
    }
    let points = experiment.points.len();
    let mut tally = Tally {
        accumulators: vec![vec![Accumulator::default(); slots.len()]; points],
        slots: slots.clone(),
        values: Vec::new(),
    };
    let max = precision.max_replications;
    let mut done = 0;
    loop {
        let next = (done + batch).min(max);
        let config = RunConfig {
            threads: Some(threads),
            recording: Recording::NONE,
            rounds: Some(done..next),
            block_points: None,
            pair_with: None,
            stop: stop.clone(),
            spill_dir: None,
        };
        let total = points as u64 * max;
        let offset = points as u64 * done;
        let mut shifted = |units: u64, _: u64| progress(offset + units, total);
        runner::run(experiment, &config, &mut tally, &mut shifted)?;
        done = next;
        let widest = widest(&tally, &targets, layout);
        let met = widest.iter().all(|w| w.met);
        if met || done >= max {
            return Ok(PrecisionReport {
                targets: precision.targets.iter().map(ToString::to_string).collect(),
                batch,
                max_replications: max,
                replications: done,
                met,
                widest: widest.into_iter().map(|w| w.widest).collect(),
            });
        }
    }
}

struct Check {
    widest: Widest,
    met: bool,
}

/// Per target, the point and lab whose interval is furthest from the
/// target (a missing interval first), and whether all meet it.
fn widest(tally: &Tally, targets: &[(&Target, Range<usize>)], layout: &Layout) -> Vec<Check> {
    targets
        .iter()
        .map(|(target, range)| {
            let mut worst: Option<(f64, Widest)> = None;
            let mut met = true;
            for (point, accumulators) in tally.accumulators.iter().enumerate() {
                for index in range.clone() {
                    let summary = accumulators[index].summary();
                    if summary.n == 0 {
                        // Never defined here (no directive ever issued):
                        // nothing to estimate.
                        continue;
                    }
                    let halfwidth = summary.ci95.map(|(low, high)| (high - low) / 2.0);
                    let allowed = match (target.relative, summary.mean) {
                        (false, _) => Some(target.halfwidth),
                        (true, Some(mean)) => Some(target.halfwidth / 100.0 * mean.abs()),
                        (true, None) => None,
                    };
                    let ok = matches!((halfwidth, allowed), (Some(h), Some(a)) if h <= a);
                    met &= ok;
                    // How far over the target: the larger, the worse.
                    let excess = match (halfwidth, allowed) {
                        (Some(h), Some(a)) if a > 0.0 => h / a,
                        (Some(0.0), Some(_)) => 0.0,
                        _ => f64::INFINITY,
                    };
                    if worst.as_ref().is_none_or(|(e, _)| excess > *e) {
                        let (lab, _) = layout.slot_name(tally.slots[index]);
                        worst = Some((
                            excess,
                            Widest {
                                target: target.to_string(),
                                halfwidth,
                                allowed,
                                point,
                                lab: lab.to_string(),
                            },
                        ));
                    }
                }
            }
            let widest = worst.map(|(_, w)| w).unwrap_or(Widest {
                target: target.to_string(),
                halfwidth: None,
                allowed: None,
                point: 0,
                lab: String::new(),
            });
            Check { widest, met }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_absolute_and_relative_widths_with_an_optional_lab() {
        let target: Target = "share_all:meta=0.005".parse().unwrap();
        assert_eq!(target.lab.as_deref(), Some("meta"));
        assert!(!target.relative);
        let target: Target = " delay_days_mean = 5% ".parse().unwrap();
        assert_eq!(target.metric, "delay_days_mean");
        assert_eq!(target.lab, None);
        assert!(target.relative && target.halfwidth == 5.0);
        assert_eq!(target.to_string(), "delay_days_mean=5%");
        for bad in [
            "share_all",
            "share_all=0",
            "share_all=-1",
            "=1",
            "x:=1",
            "x=abc%",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }
}
