//! The sinks of one run: per-replication CSV files and streaming aggregates.

use std::io::Write;
use std::ops::Range;

use crate::output::{
    Aggregates, CompareWriter, CsvSink, Layout, PointAggregate, PointConsumer, StateLines,
    SummaryWriter,
};
use crate::runner::{UnitResult, UnitSink};

/// A file being written, or `io::sink()` for a table not selected.
pub type Writer = Box<dyn Write + Send>;

/// The summary and compare files of a whole run, as selected.
pub type Rendered = (Option<SummaryWriter<Writer>>, Option<CompareWriter<Writer>>);

/// Where complete points' aggregates go: a shard's state lines, or the
/// summary and compare files of a whole run.
pub enum AggregateOutput {
    /// `summary_state.jsonl`, for `merge`.
    Shard(StateLines<Writer>),
    /// `summary.csv` and `compare.csv`, as selected.
    Rendered(Box<Rendered>),
}

impl PointConsumer for AggregateOutput {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        match self {
            AggregateOutput::Shard(lines) => lines.point_done(layout, point),
            AggregateOutput::Rendered(writers) => writers.point_done(layout, point),
        }
    }
}

impl AggregateOutput {
    /// Flushes the files.
    pub fn finish(self) -> std::io::Result<()> {
        match self {
            AggregateOutput::Shard(lines) => lines.finish()?.flush(),
            AggregateOutput::Rendered(writers) => {
                let (summary, compare) = *writers;
                if let Some(summary) = summary {
                    summary.finish()?.flush()?;
                }
                if let Some(compare) = compare {
                    compare.finish()?.flush()?;
                }
                Ok(())
            }
        }
    }
}

/// Hands each unit to the CSV tables and the aggregates.
pub struct RunSink<'s> {
    /// The per-replication tables, if any is selected.
    pub csv: Option<CsvSink<'s, Writer>>,
    /// The aggregates, if summary or compare is selected.
    pub aggregates: Option<Aggregates<AggregateOutput>>,
}

impl RunSink<'_> {
    /// Flushes every file.
    pub fn finish(self) -> std::io::Result<()> {
        if let Some(csv) = self.csv {
            csv.finish()?;
        }
        if let Some(aggregates) = self.aggregates {
            aggregates.finish().finish()?;
        }
        Ok(())
    }
}

impl UnitSink for RunSink<'_> {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        if let Some(csv) = &mut self.csv {
            csv.accept(unit)?;
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
