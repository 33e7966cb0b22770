//! Which tables a run writes (`--outputs`), and their files.

use std::fmt;
use std::str::FromStr;

use super::table::Format;
use crate::model::{EventRecord, RecordedTable, Row, TABLES};

/// One selectable output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputKind {
    /// `lab_outcomes.csv`
    LabOutcomes,
    /// `system_outcomes.csv`
    SystemOutcomes,
    /// A recorded table, by its number in [`TABLES`]: `events.csv` and the
    /// time series.
    Recorded(usize),
    /// `points.csv`
    Points,
    /// `summary.csv`
    Summary,
    /// `compare.csv`
    Compare,
    /// `sensitivity.csv`
    Sensitivity,
    /// `robustness.csv`
    Robustness,
}

impl OutputKind {
    /// Every kind, in the order files are written.
    pub fn all() -> impl Iterator<Item = OutputKind> {
        let recorded = (0..TABLES.len()).map(OutputKind::Recorded);
        [OutputKind::LabOutcomes, OutputKind::SystemOutcomes]
            .into_iter()
            .chain(recorded)
            .chain([
                OutputKind::Points,
                OutputKind::Summary,
                OutputKind::Compare,
                OutputKind::Sensitivity,
                OutputKind::Robustness,
            ])
    }

    /// The recorded table of rows `T`.
    pub fn recorded<T: Row>() -> OutputKind {
        OutputKind::Recorded(RecordedTable::index_of::<T>())
    }

    /// The event log, `events.csv`.
    pub fn events() -> OutputKind {
        OutputKind::recorded::<EventRecord>()
    }

    /// Every time series.
    pub fn series() -> impl Iterator<Item = OutputKind> {
        (TABLES.iter().enumerate())
            .filter(|(_, table)| table.is_series())
            .map(|(index, _)| OutputKind::Recorded(index))
    }

    /// The kind named `name` in `--outputs`.
    pub fn named(name: &str) -> Option<OutputKind> {
        OutputKind::all().find(|kind| kind.name() == name)
    }

    /// The name used in `--outputs`.
    pub fn name(self) -> &'static str {
        match self {
            OutputKind::LabOutcomes => "lab_outcomes",
            OutputKind::SystemOutcomes => "system_outcomes",
            OutputKind::Recorded(index) => TABLES.get(index).map_or("", RecordedTable::name),
            OutputKind::Points => "points",
            OutputKind::Summary => "summary",
            OutputKind::Compare => "compare",
            OutputKind::Sensitivity => "sensitivity",
            OutputKind::Robustness => "robustness",
        }
    }

    /// The recorded table it writes, if it is one.
    pub fn table(self) -> Option<&'static RecordedTable> {
        match self {
            OutputKind::Recorded(index) => TABLES.get(index),
            _ => None,
        }
    }

    /// The file it writes in `format`: `lab_outcomes.csv`,
    /// `summary.parquet`.
    pub fn file(self, format: Format) -> String {
        format!("{}.{}", self.name(), format.extension())
    }

    /// Whether the file has one row per work unit (or per event), so that
    /// shards' files are concatenated by `merge`.
    pub fn is_per_replication(self) -> bool {
        matches!(
            self,
            OutputKind::LabOutcomes | OutputKind::SystemOutcomes | OutputKind::Recorded(_)
        )
    }
}

/// A set of output files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs(Vec<OutputKind>);

impl Outputs {
    /// The default: everything but events; points only for a sweep, compare
    /// only when there is a baseline to compare with. A sensitivity design
    /// (thousands of points: its summary of every metric at every point runs
    /// to gigabytes) writes its points and indices, and the summary and
    /// per-replication tables only when asked.
    pub fn default_for(sweep: bool, compare: bool, sensitivity: bool) -> Self {
        if sensitivity {
            return Outputs::from_kinds([OutputKind::Points, OutputKind::Sensitivity]);
        }
        let mut kinds = vec![
            OutputKind::LabOutcomes,
            OutputKind::SystemOutcomes,
            OutputKind::Summary,
        ];
        if sweep {
            kinds.push(OutputKind::Points);
        }
        if compare {
            kinds.push(OutputKind::Compare);
        }
        Outputs::from_kinds(kinds)
    }

    /// A set from kinds, in canonical order without repeats.
    pub fn from_kinds(kinds: impl IntoIterator<Item = OutputKind>) -> Self {
        let mut kinds: Vec<OutputKind> = kinds.into_iter().collect();
        kinds.sort();
        kinds.dedup();
        Outputs(kinds)
    }

    /// Whether a kind is selected.
    pub fn has(&self, kind: OutputKind) -> bool {
        self.0.contains(&kind)
    }

    /// Adds a kind.
    pub fn with(mut self, kind: OutputKind) -> Self {
        self.0.push(kind);
        Outputs::from_kinds(self.0)
    }

    /// The default of a robustness study (thousands of points): its
    /// points, the summary of the outputs it judges, and their robustness.
    pub fn robustness() -> Self {
        Outputs::from_kinds([
            OutputKind::Points,
            OutputKind::Summary,
            OutputKind::Robustness,
        ])
    }

    /// The selected kinds, in canonical order.
    pub fn kinds(&self) -> &[OutputKind] {
        &self.0
    }

    /// Whether the aggregates are needed.
    pub fn needs_aggregates(&self) -> bool {
        self.has(OutputKind::Summary)
            || self.has(OutputKind::Compare)
            || self.has(OutputKind::Sensitivity)
            || self.has(OutputKind::Robustness)
    }
}

impl FromStr for Outputs {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let names: Vec<&str> = OutputKind::all().map(|k| k.name()).collect();
        let mut kinds = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let kind = OutputKind::named(word).ok_or_else(|| {
                format!(
                    "`{word}` is not an output; choose from {}",
                    names.join(", ")
                )
            })?;
            kinds.push(kind);
        }
        if kinds.is_empty() {
            return Err(format!("name at least one output of {}", names.join(", ")));
        }
        Ok(Outputs::from_kinds(kinds))
    }
}

impl fmt::Display for Outputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|k| k.name()).collect();
        f.write_str(&names.join(","))
    }
}
