//! Which tables a run writes (`--outputs`), and their files.

use std::fmt;
use std::str::FromStr;

use super::table::Format;

/// One selectable output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputKind {
    /// `lab_outcomes.csv`
    LabOutcomes,
    /// `system_outcomes.csv`
    SystemOutcomes,
    /// `events.csv`
    Events,
    /// `timeseries.csv`
    Timeseries,
    /// `queue_timeseries.csv`
    QueueTimeseries,
    /// `pressure_timeseries.csv`
    PressureTimeseries,
    /// `points.csv`
    Points,
    /// `summary.csv`
    Summary,
    /// `compare.csv`
    Compare,
    /// `sensitivity.csv`
    Sensitivity,
}

impl OutputKind {
    /// Every kind, in the order files are written.
    pub const ALL: [OutputKind; 10] = [
        OutputKind::LabOutcomes,
        OutputKind::SystemOutcomes,
        OutputKind::Events,
        OutputKind::Timeseries,
        OutputKind::QueueTimeseries,
        OutputKind::PressureTimeseries,
        OutputKind::Points,
        OutputKind::Summary,
        OutputKind::Compare,
        OutputKind::Sensitivity,
    ];

    /// The name used in `--outputs`.
    pub fn name(self) -> &'static str {
        match self {
            OutputKind::LabOutcomes => "lab_outcomes",
            OutputKind::SystemOutcomes => "system_outcomes",
            OutputKind::Events => "events",
            OutputKind::Timeseries => "timeseries",
            OutputKind::QueueTimeseries => "queue_timeseries",
            OutputKind::PressureTimeseries => "pressure_timeseries",
            OutputKind::Points => "points",
            OutputKind::Summary => "summary",
            OutputKind::Compare => "compare",
            OutputKind::Sensitivity => "sensitivity",
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
            OutputKind::LabOutcomes
                | OutputKind::SystemOutcomes
                | OutputKind::Events
                | OutputKind::Timeseries
                | OutputKind::QueueTimeseries
                | OutputKind::PressureTimeseries
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

    /// The selected kinds, in canonical order.
    pub fn kinds(&self) -> &[OutputKind] {
        &self.0
    }

    /// Whether the aggregates are needed.
    pub fn needs_aggregates(&self) -> bool {
        self.has(OutputKind::Summary)
            || self.has(OutputKind::Compare)
            || self.has(OutputKind::Sensitivity)
    }
}

impl FromStr for Outputs {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let names: Vec<&str> = OutputKind::ALL.iter().map(|k| k.name()).collect();
        let mut kinds = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let kind = OutputKind::ALL
                .into_iter()
                .find(|k| k.name() == word)
                .ok_or_else(|| {
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
