//! Streaming aggregates of every metric per (point, lab or `all`): the
//! state behind `summary.csv` and `compare.csv`.
//!
//! The state is integer counts and fixed-point sums (see [`crate::stats`]),
//! so it does not depend on the order of the units, and the states of shards
//! add up to exactly the state of the whole run. Memory does not grow with
//! the number of replications.

use serde::{Deserialize, Serialize};

use crate::metrics;
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;
use crate::stats::{Accumulator, OutOfRange, PairAccumulator};

/// The row label of system metrics in the aggregates.
pub const ALL_LABS: &str = "all";

/// Version of the state file's layout.
const STATE_FORMAT: u32 = 2;

/// Everything `summary.csv` and `compare.csv` are rendered from; written by
/// a shard as `summary_state.json` and added up by `merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateState {
    /// Layout version.
    pub format: u32,
    /// Swept paths.
    pub point_columns: Vec<String>,
    /// Swept values per point.
    pub point_values: Vec<Vec<String>>,
    /// Lab ids, in scenario order.
    pub labs: Vec<String>,
    /// Per-lab metric names.
    pub lab_metrics: Vec<String>,
    /// System metric names.
    pub system_metrics: Vec<String>,
    /// The point compared with, if there is a comparison.
    pub baseline: Option<usize>,
    /// Per point, per lab per lab metric, then per system metric.
    pub summary: Vec<Accumulator>,
    /// The same layout, pairs of each point with the baseline (the
    /// baseline's own entries stay empty).
    pub pairs: Vec<PairAccumulator>,
}

/// Why two states cannot be added.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// They describe different experiments.
    #[error("the aggregates have different {0}")]
    Mismatch(&'static str),
    /// A sum overflowed.
    #[error(transparent)]
    Range(#[from] OutOfRange),
}

impl AggregateState {
    /// An empty state for these points.
    pub fn new(
        scenario: &Scenario,
        point_columns: Vec<String>,
        point_values: Vec<Vec<String>>,
        baseline: Option<usize>,
    ) -> Self {
        let labs: Vec<String> = scenario.labs.iter().map(|lab| lab.id.clone()).collect();
        let lab_metrics = metrics::lab_metric_names(scenario);
        let system_metrics = metrics::system_metric_names(scenario);
        let slots = labs.len() * lab_metrics.len() + system_metrics.len();
        let entries = slots * point_values.len().max(1);
        AggregateState {
            format: STATE_FORMAT,
            point_columns,
            point_values,
            labs,
            lab_metrics,
            system_metrics,
            baseline,
            summary: vec![Accumulator::default(); entries],
            pairs: if baseline.is_some() {
                vec![PairAccumulator::default(); entries]
            } else {
                Vec::new()
            },
        }
    }

    /// Metric slots per point.
    pub fn slots(&self) -> usize {
        self.labs.len() * self.lab_metrics.len() + self.system_metrics.len()
    }

    /// Number of points.
    pub fn points(&self) -> usize {
        self.point_values.len().max(1)
    }

    /// The (lab or `all`, metric) of a slot.
    pub fn slot_name(&self, slot: usize) -> (&str, &str) {
        let per_lab = self.lab_metrics.len();
        if slot < self.labs.len() * per_lab {
            (
                &self.labs[slot / per_lab],
                &self.lab_metrics[slot % per_lab],
            )
        } else {
            (
                ALL_LABS,
                &self.system_metrics[slot - self.labs.len() * per_lab],
            )
        }
    }

    /// Adds another state of the same experiment.
    pub fn merge(&mut self, other: &AggregateState) -> Result<(), MergeError> {
        let same = |a: bool, what| {
            if a {
                Ok(())
            } else {
                Err(MergeError::Mismatch(what))
            }
        };
        same(self.format == other.format, "layout versions")?;
        same(
            self.point_columns == other.point_columns,
            "swept parameters",
        )?;
        same(self.point_values == other.point_values, "points")?;
        same(self.labs == other.labs, "labs")?;
        same(
            self.lab_metrics == other.lab_metrics && self.system_metrics == other.system_metrics,
            "metrics",
        )?;
        same(self.baseline == other.baseline, "baseline points")?;
        same(
            self.summary.len() == other.summary.len() && self.pairs.len() == other.pairs.len(),
            "sizes",
        )?;
        for (mine, theirs) in self.summary.iter_mut().zip(&other.summary) {
            mine.merge(theirs)?;
        }
        for (mine, theirs) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.merge(theirs)?;
        }
        Ok(())
    }
}

/// A sink that folds every unit into an [`AggregateState`]. Units must
/// arrive replication by replication (as the runner delivers them), so the
/// pairs of one replication are complete when the next begins.
#[derive(Debug)]
pub struct Aggregates {
    state: AggregateState,
    pending: Vec<Option<Vec<Option<f64>>>>,
    pending_replication: Option<u64>,
}

impl Aggregates {
    /// An empty sink.
    pub fn new(state: AggregateState) -> Self {
        let points = state.points();
        Aggregates {
            state,
            pending: vec![None; points],
            pending_replication: None,
        }
    }

    /// Completes the last replication's pairs and returns the state.
    pub fn finish(mut self) -> std::io::Result<AggregateState> {
        self.flush_pairs()?;
        Ok(self.state)
    }

    fn flush_pairs(&mut self) -> std::io::Result<()> {
        let Some(baseline) = self.state.baseline else {
            return Ok(());
        };
        let slots = self.state.slots();
        if let Some(reference) = self.pending[baseline].take() {
            for (point, values) in self.pending.iter().enumerate() {
                let Some(values) = values else { continue };
                for (slot, (x, y)) in values.iter().zip(&reference).enumerate() {
                    if let (Some(x), Some(y)) = (x, y) {
                        self.state.pairs[point * slots + slot]
                            .add(*x, *y)
                            .map_err(|err| out_of_range(&self.state, point, slot, err))?;
                    }
                }
            }
        }
        self.pending.iter_mut().for_each(|p| *p = None);
        Ok(())
    }
}

fn out_of_range(
    state: &AggregateState,
    point: usize,
    slot: usize,
    err: OutOfRange,
) -> std::io::Error {
    let (lab, metric) = state.slot_name(slot);
    std::io::Error::other(format!("point {point}, {lab} {metric}: {err}"))
}

impl UnitSink for Aggregates {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        let mut values = Vec::with_capacity(self.state.slots());
        for lab in &unit.labs {
            metrics::lab_values(lab, &mut values);
        }
        metrics::system_values(&unit.system, &mut values);
        let slots = self.state.slots();
        for (slot, value) in values.iter().enumerate() {
            if let Some(value) = value {
                self.state.summary[unit.point * slots + slot]
                    .add(*value)
                    .map_err(|err| out_of_range(&self.state, unit.point, slot, err))?;
            }
        }
        if self.state.baseline.is_some() {
            if self.pending_replication != Some(unit.replication) {
                self.flush_pairs()?;
                self.pending_replication = Some(unit.replication);
            }
            self.pending[unit.point] = Some(values);
        }
        Ok(())
    }
}
