//! The sinks of one run: the per-replication tables and the streaming
//! aggregates.

use std::io::Write;
use std::ops::Range;

use crate::output::{
    Aggregates, CompareTable, Difference, Estimate, IndexRow, Layout, PointAggregate,
    PointConsumer, RobustnessTable, SensitivityTable, StateLines, SummaryTable, UnitTables,
};
use crate::robustness::RobustnessRow;
use crate::runner::{UnitResult, UnitSink};

/// A file being written.
pub type Writer = Box<dyn Write + Send>;

/// Where complete points' aggregates go: a shard's state lines, or the
/// summary and compare tables of a whole run.
pub enum AggregateOutput {
    /// `summary_state.jsonl`, for `merge`.
    Shard(StateLines<Writer>),
    /// `summary`, `compare` and `sensitivity`, as selected.
    Tables {
        /// `summary`.
        summary: Option<SummaryTable>,
        /// `compare`.
        compare: Option<CompareTable>,
        /// `sensitivity` (boxed: it holds every point's means).
        sensitivity: Option<Box<SensitivityTable>>,
        /// `robustness` (boxed: it holds every point's means).
        robustness: Option<Box<RobustnessTable>>,
    },
}

impl PointConsumer for AggregateOutput {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        match self {
            AggregateOutput::Shard(lines) => lines.point_done(layout, point),
            AggregateOutput::Tables {
                summary,
                compare,
                sensitivity,
                robustness,
            } => {
                summary.point_done(layout, point)?;
                compare.point_done(layout, point)?;
                sensitivity.point_done(layout, point)?;
                robustness.point_done(layout, point)
            }
        }
    }
}

/// What the aggregate tables of a run hold to be shown: the sensitivity
/// indices, and the headline differences from the baseline.
#[derive(Debug, Default)]
pub struct Finished {
    /// The sensitivity indices written.
    pub sensitivity: Vec<IndexRow>,
    /// The headline means kept.
    pub estimates: Vec<Estimate>,
    /// The differences kept.
    pub differences: Vec<Difference>,
    /// The robustness rows written.
    pub robustness: Vec<RobustnessRow>,
}

impl AggregateOutput {
    /// Finishes the files; returns what they hold to be shown.
    pub fn finish(self) -> std::io::Result<Finished> {
        match self {
            AggregateOutput::Shard(lines) => lines.finish()?.flush().map(|()| Finished::default()),
            AggregateOutput::Tables {
                summary,
                compare,
                sensitivity,
                robustness,
            } => finish_tables(summary, compare, sensitivity, robustness),
        }
    }
}

/// Finishes the aggregate tables of a run or a merge; returns what they
/// hold to be shown.
pub fn finish_tables(
    summary: Option<SummaryTable>,
    compare: Option<CompareTable>,
    sensitivity: Option<Box<SensitivityTable>>,
    robustness: Option<Box<RobustnessTable>>,
) -> std::io::Result<Finished> {
    let (compare, differences) = compare.map(CompareTable::into_parts).unzip();
    let (summary, estimates) = summary.map(SummaryTable::into_parts).unzip();
    let tables = summary.into_iter().chain(compare);
    for mut table in tables {
        table.finish().map_err(std::io::Error::other)?;
    }
    Ok(Finished {
        sensitivity: match sensitivity {
            Some(sensitivity) => (*sensitivity).finish()?,
            None => Vec::new(),
        },
        differences: differences.unwrap_or_default(),
        estimates: estimates.unwrap_or_default(),
        robustness: match robustness {
            Some(robustness) => (*robustness).finish()?,
            None => Vec::new(),
        },
    })
}

/// Hands each unit to the per-replication tables and the aggregates.
pub struct RunSink<'s> {
    /// The per-replication tables, if any is selected.
    pub tables: Option<UnitTables<'s>>,
    /// The aggregates, if summary or compare is selected.
    pub aggregates: Option<Aggregates<AggregateOutput>>,
}

impl RunSink<'_> {
    /// Finishes every file; returns the sensitivity indices written.
    pub fn finish(self) -> std::io::Result<Finished> {
        if let Some(tables) = self.tables {
            tables.finish()?;
        }
        match self.aggregates {
            Some(aggregates) => aggregates.finish().finish(),
            None => Ok(Finished::default()),
        }
    }
}

impl UnitSink for RunSink<'_> {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        if let Some(tables) = &mut self.tables {
            tables.accept(unit)?;
        }
        if let Some(aggregates) = &mut self.aggregates {
            aggregates.accept(unit)?;
        }
        Ok(())
    }

    fn block_done(&mut self, points: Range<usize>) -> std::io::Result<()> {
        if let Some(aggregates) = &mut self.aggregates {
            aggregates.block_done(points)?;
        }
        Ok(())
    }
}
