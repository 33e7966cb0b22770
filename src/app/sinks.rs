//! The sinks of one run: per-replication CSV files and streaming aggregates.

use std::io::Write;

use crate::output::{AggregateState, Aggregates, CsvSink};
use crate::runner::{UnitResult, UnitSink};

/// A file being written, or `io::sink()` for a table not selected.
pub type Writer = Box<dyn Write + Send>;

/// Hands each unit to the CSV tables and the aggregates.
pub struct RunSink<'s> {
    /// The per-replication tables, if any is selected.
    pub csv: Option<CsvSink<'s, Writer>>,
    /// The aggregates, if summary or compare is selected.
    pub aggregates: Option<Aggregates>,
}

impl RunSink<'_> {
    /// Flushes the tables and returns the aggregate state.
    pub fn finish(self) -> std::io::Result<Option<AggregateState>> {
        if let Some(csv) = self.csv {
            csv.finish()?;
        }
        self.aggregates.map(Aggregates::finish).transpose()
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
}
