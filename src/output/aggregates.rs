//! Streaming aggregates of every metric per (point, lab or `all`): what
//! `summary.csv` and `compare.csv` are rendered from.
//!
//! The state is integer counts and fixed-point sums (see [`crate::stats`]),
//! so it does not depend on the order of the units, and the states of shards
//! add up to exactly the state of the whole run. Memory does not grow with
//! the number of replications, nor with the number of points: only the
//! points of the block being run are open (see [`crate::runner::Schedule`]);
//! when a block is done, each of its points is handed, complete, to a
//! [`PointConsumer`] (the summary and compare writers, or a shard's state
//! file) and dropped.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::format::ColumnType;
use super::table::Swept;
use crate::metrics;
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;
use crate::sensitivity::Plan;
use crate::stats::{Accumulator, EXACT_DISTINCT_LIMIT, OutOfRange, PairAccumulator};

/// The row label of system metrics in the aggregates.
pub const ALL_LABS: &str = "all";

/// Version of the state file's layout.
pub const STATE_FORMAT: u32 = 5;

/// What every point's aggregates are laid out by: the first line of a
/// shard's state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Layout version.
    pub format: u32,
    /// Swept paths.
    pub point_columns: Vec<String>,
    /// Their column types.
    pub point_types: Vec<ColumnType>,
    /// Lab ids, in scenario order.
    pub labs: Vec<String>,
    /// Per-lab metric names.
    pub lab_metrics: Vec<String>,
    /// System metric names.
    pub system_metrics: Vec<String>,
    /// The point compared with, if there is a comparison.
    pub baseline: Option<usize>,
    /// The sensitivity study the points are the design of, if any.
    pub sensitivity: Option<Plan>,
    /// The robustness study the points are the worlds and options of, if
    /// any: `summary` keeps only the outputs it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robustness: Option<crate::robustness::Study>,
}

impl Layout {
    /// The layout of a scenario's metrics.
    pub fn new(
        scenario: &Scenario,
        swept: &Swept,
        baseline: Option<usize>,
        sensitivity: Option<Plan>,
    ) -> Self {
        Layout {
            format: STATE_FORMAT,
            point_columns: swept.columns().iter().map(|c| c.name.clone()).collect(),
            point_types: swept.types(),
            labs: scenario.labs.iter().map(|lab| lab.id.clone()).collect(),
            lab_metrics: metrics::lab_metric_names(scenario),
            system_metrics: metrics::system_metric_names(scenario),
            baseline,
            sensitivity,
            robustness: None,
        }
    }

    /// The same layout for the points of a robustness study.
    pub fn with_robustness(self, robustness: Option<crate::robustness::Study>) -> Self {
        Layout { robustness, ..self }
    }

    /// Whether `summary` has rows for a slot: every slot, but in a
    /// robustness study (thousands of points) only those it names.
    pub fn summarizes(&self, slot: usize) -> bool {
        let (lab, metric) = self.slot_name(slot);
        (self.robustness.as_ref()).is_none_or(|study| study.summarizes(lab, metric))
    }

    /// The point whose values each replication of `point` is paired with:
    /// the baseline of a comparison, or, in a study of a change (a
    /// contrast), the point before an odd point (its `from` end).
    pub fn paired_with(&self, point: usize) -> Option<usize> {
        if self.contrast() {
            return (point % 2 == 1).then(|| point - 1);
        }
        self.baseline.filter(|&b| b != point)
    }

    /// Whether points come in (from, to) pairs of a contrast.
    pub fn contrast(&self) -> bool {
        (self.sensitivity.as_ref()).is_some_and(|plan| plan.contrast.is_some())
    }

    /// Metric slots per point: per lab per lab metric, then system metrics.
    pub fn slots(&self) -> usize {
        self.labs.len() * self.lab_metrics.len() + self.system_metrics.len()
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
}

/// One point's aggregates: a line of a shard's state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointAggregate {
    /// The point.
    pub point: usize,
    /// Its swept values, rendered.
    pub values: Vec<String>,
    /// Per slot (see [`Layout::slots`]).
    pub summary: Vec<Accumulator>,
    /// Per slot, pairs with the baseline (empty for the baseline itself and
    /// without a comparison).
    pub pairs: Vec<PairAccumulator>,
}

/// Why two aggregates cannot be added.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// They describe different points or layouts.
    #[error("the aggregates have different {0}")]
    Mismatch(&'static str),
    /// A sum overflowed.
    #[error(transparent)]
    Range(#[from] OutOfRange),
}

impl PointAggregate {
    fn empty(layout: &Layout, point: usize, values: Vec<String>) -> Self {
        let slots = layout.slots();
        let paired = layout.paired_with(point).is_some();
        PointAggregate {
            point,
            values,
            summary: vec![Accumulator::default(); slots],
            pairs: if paired {
                vec![PairAccumulator::default(); slots]
            } else {
                Vec::new()
            },
        }
    }

    /// Adds another shard's aggregates of the same point.
    pub fn merge(&mut self, other: &PointAggregate) -> Result<(), MergeError> {
        if self.point != other.point || self.values != other.values {
            return Err(MergeError::Mismatch("points"));
        }
        if self.summary.len() != other.summary.len() || self.pairs.len() != other.pairs.len() {
            return Err(MergeError::Mismatch("sizes"));
        }
        for (mine, theirs) in self.summary.iter_mut().zip(&other.summary) {
            mine.merge(theirs)?;
        }
        for (mine, theirs) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.merge(theirs)?;
        }
        Ok(())
    }
}

/// Takes points' complete aggregates, in point order.
pub trait PointConsumer {
    /// One point's aggregates.
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()>;
}

/// Memory the open points of a block may take, in bytes.
const BLOCK_MEMORY: usize = 64 << 20;
/// Most points in a block, so that a block's scenarios stay small too.
pub const MAX_BLOCK_POINTS: usize = 256;

/// Points per block for a run of `points` points and `replications`
/// replications with `slots` metrics per point: as many as keep the open
/// aggregates within [`BLOCK_MEMORY`], up to [`MAX_BLOCK_POINTS`] (all points
/// when they fit), and an even number when points come in pairs (a
/// contrast), so that a pair is never split. It depends only on the
/// experiment, never on the outputs chosen or on sharding, so the rows come
/// in the same order in every run of the same experiment.
pub fn block_points(points: usize, replications: u64, slots: usize, pairs: bool) -> usize {
    let block = block_points_of(points, replications, slots);
    if pairs && block < points && block % 2 == 1 {
        (block - 1).max(2)
    } else {
        block
    }
}

fn block_points_of(points: usize, replications: u64, slots: usize) -> usize {
    // An accumulator's moments, and its quantile sketch: one map entry per
    // distinct value (at most about a thousand); pairs add three moments.
    let distinct = (replications as usize).min(EXACT_DISTINCT_LIMIT);
    let per_slot = 96 + 3 * 64 + distinct * 40;
    let per_point = (slots * per_slot).max(1);
    let fits = (BLOCK_MEMORY / per_point).clamp(1, MAX_BLOCK_POINTS);
    if points <= fits { points.max(1) } else { fits }
}

/// A sink that folds units into per-point aggregates and hands each point to
/// a consumer when its block is done. Units must arrive as the runner
/// delivers them: round by round, each round in point order.
pub struct Aggregates<C> {
    layout: Layout,
    point_values: Vec<Vec<String>>,
    open: BTreeMap<usize, PointAggregate>,
    /// Values of the current replication, per open point, until the round
    /// ends and they are paired with the baseline's.
    round: BTreeMap<usize, Vec<Option<f64>>>,
    round_replication: Option<u64>,
    /// The baseline's values, and the replication they are of.
    reference: Option<(u64, Vec<Option<f64>>)>,
    consumer: C,
}

impl<C: PointConsumer> Aggregates<C> {
    /// An empty sink; `point_values` are the swept values of every point.
    pub fn new(layout: Layout, point_values: Vec<Vec<String>>, consumer: C) -> Self {
        Aggregates {
            layout,
            point_values,
            open: BTreeMap::new(),
            round: BTreeMap::new(),
            round_replication: None,
            reference: None,
            consumer,
        }
    }

    /// The consumer, once every block is done.
    pub fn finish(self) -> C {
        self.consumer
    }

    fn values_of(&self, unit: &UnitResult) -> Vec<Option<f64>> {
        let mut values = Vec::with_capacity(self.layout.slots());
        for lab in &unit.labs {
            metrics::lab_values(lab, &mut values);
        }
        metrics::system_values(&unit.system, &mut values);
        values
    }

    /// Pairs the round's values with the baseline's (or, in a contrast,
    /// with the `from` point's) of the same replication, and starts afresh.
    fn close_round(&mut self) -> std::io::Result<()> {
        let round = std::mem::take(&mut self.round);
        if round.is_empty() {
            return Ok(());
        }
        let contrast = self.layout.contrast();
        let baseline = match &self.reference {
            Some((replication, values)) if self.round_replication == Some(*replication) => {
                Some(values)
            }
            _ => None,
        };
        for (point, values) in &round {
            let reference = match self.layout.paired_with(*point) {
                Some(from) if contrast => round.get(&from),
                Some(_) => baseline,
                None => None,
            };
            let (Some(reference), Some(aggregate)) = (reference, self.open.get_mut(point)) else {
                continue;
            };
            let point = *point;
            for (slot, (x, y)) in values.iter().zip(reference.iter()).enumerate() {
                if let (Some(x), Some(y), Some(pair)) = (x, y, aggregate.pairs.get_mut(slot)) {
                    pair.add(*x, *y)
                        .map_err(|err| out_of_range(&self.layout, point, slot, err))?;
                }
            }
        }
        Ok(())
    }
}

fn out_of_range(layout: &Layout, point: usize, slot: usize, err: OutOfRange) -> std::io::Error {
    let (lab, metric) = layout.slot_name(slot);
    std::io::Error::other(format!("point {point}, {lab} {metric}: {err}"))
}

impl<C: PointConsumer> UnitSink for Aggregates<C> {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        if self.round_replication != Some(unit.replication) {
            self.close_round()?;
            self.round_replication = Some(unit.replication);
        }
        let values = self.values_of(unit);
        let baseline = self.layout.baseline;
        if baseline == Some(unit.point) {
            self.reference = Some((unit.replication, values.clone()));
        }
        if unit.pairing_only {
            return Ok(());
        }
        let layout = &self.layout;
        let point_values = &self.point_values;
        let aggregate = self.open.entry(unit.point).or_insert_with(|| {
            let values = point_values.get(unit.point).cloned().unwrap_or_default();
            PointAggregate::empty(layout, unit.point, values)
        });
        for (slot, value) in values.iter().enumerate() {
            if let Some(value) = value {
                aggregate.summary[slot]
                    .add(*value)
                    .map_err(|err| out_of_range(layout, unit.point, slot, err))?;
            }
        }
        if self.layout.contrast() || baseline.is_some_and(|b| b != unit.point) {
            self.round.insert(unit.point, values);
        }
        Ok(())
    }

    fn block_done(&mut self, points: Range<usize>) -> std::io::Result<()> {
        self.close_round()?;
        self.round_replication = None;
        for point in points {
            let aggregate = self.open.remove(&point).unwrap_or_else(|| {
                let values = self.point_values.get(point).cloned().unwrap_or_default();
                PointAggregate::empty(&self.layout, point, values)
            });
            self.consumer.point_done(&self.layout, &aggregate)?;
        }
        Ok(())
    }
}

/// Writes points' aggregates as JSON lines, after a first line with the
/// layout: a shard's `summary_state.jsonl`, which `merge` adds up.
pub struct StateLines<W: std::io::Write> {
    writer: W,
}

impl<W: std::io::Write> StateLines<W> {
    /// Writes the layout line.
    pub fn new(mut writer: W, layout: &Layout) -> std::io::Result<Self> {
        serde_json::to_writer(&mut writer, layout)?;
        writer.write_all(b"\n")?;
        Ok(StateLines { writer })
    }

    /// The writer, flushed.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.writer.flush()?;
        Ok(self.writer)
    }
}

impl<W: std::io::Write> PointConsumer for StateLines<W> {
    fn point_done(&mut self, _: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.writer, point)?;
        self.writer.write_all(b"\n")
    }
}

/// Hands every point to several consumers.
impl<A: PointConsumer, B: PointConsumer> PointConsumer for (A, B) {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        self.0.point_done(layout, point)?;
        self.1.point_done(layout, point)
    }
}

/// Hands every point to a boxed consumer.
impl<A: PointConsumer + ?Sized> PointConsumer for Box<A> {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        (**self).point_done(layout, point)
    }
}

/// Hands every point to a consumer, if there is one.
impl<A: PointConsumer> PointConsumer for Option<A> {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        match self {
            Some(consumer) => consumer.point_done(layout, point),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_runs_have_one_block_and_large_ones_bounded_blocks() {
        // The baseline's 269 slots: a few points of a thousand replications
        // fit; ten thousand points of two do not.
        assert_eq!(block_points(5, 1000, 269, false), 5);
        assert_eq!(block_points(1, 1_000_000, 269, false), 1);
        let large = block_points(10_000, 2, 269, false);
        assert!((100..=MAX_BLOCK_POINTS).contains(&large), "{large}");
        let many_replications = block_points(50, 1000, 269, false);
        assert!((1..50).contains(&many_replications), "{many_replications}");
        // Pairs of a contrast are never split between blocks.
        for points in [50, 4000, 20_000] {
            let block = block_points(points, 1000, 269, true);
            assert!(
                block == points || block.is_multiple_of(2),
                "{points}: {block}"
            );
        }
    }
}
