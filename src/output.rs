//! Writers: tidy CSV tables and the JSON manifest, over any `io::Write`, and
//! an output directory whose files appear complete or not at all.

mod aggregates;
mod compare;
mod dir;
pub mod format;
mod manifest;
mod points;
mod selection;
mod summary;
mod tables;

pub use aggregates::{
    ALL_LABS, Aggregates, Layout, MAX_BLOCK_POINTS, MergeError, PointAggregate, PointConsumer,
    STATE_FORMAT, StateLines, block_points,
};
pub use compare::{COMPARE_STATISTICS, CompareWriter};
pub use dir::{FileDigest, OutputDir, OutputError, Tally};
pub use manifest::{Manifest, ShardInfo};
pub use points::write_points;
pub use selection::{OutputKind, Outputs};
pub use summary::{SUMMARY_STATISTICS, SummaryWriter, cell};
pub use tables::{
    CsvSink, EVENT_COLUMNS, PRESSURE_TIMESERIES_COLUMNS, QUEUE_TIMESERIES_COLUMNS,
    TIMESERIES_COLUMNS, Tables, date_of, lab_columns, system_columns,
};

/// File names inside the output directory.
pub mod files {
    /// One row per point × replication × lab.
    pub const LAB_OUTCOMES: &str = "lab_outcomes.csv";
    /// One row per point × replication.
    pub const SYSTEM_OUTCOMES: &str = "system_outcomes.csv";
    /// One row per logged event (with `--events`).
    pub const EVENTS: &str = "events.csv";
    /// Adopters and shares per segment and lab every K days (with
    /// `--timeseries K`).
    pub const TIMESERIES: &str = "timeseries.csv";
    /// Queue length per track every K days (with `--timeseries K`).
    pub const QUEUE_TIMESERIES: &str = "queue_timeseries.csv";
    /// Pressure and escalation per lab every K days (with `--timeseries K`).
    pub const PRESSURE_TIMESERIES: &str = "pressure_timeseries.csv";
    /// Each point's id and swept values.
    pub const POINTS: &str = "points.csv";
    /// Aggregates per point, lab and metric.
    pub const SUMMARY: &str = "summary.csv";
    /// Paired comparisons with the baseline point.
    pub const COMPARE: &str = "compare.csv";
    /// A shard's aggregate state, for `merge`: a layout line, then one
    /// line per point.
    pub const SUMMARY_STATE: &str = "summary_state.jsonl";
    /// Resolved scenario, version, seed, counts, wall time.
    pub const MANIFEST: &str = "manifest.json";

    /// Every file a run or a merge may write: a directory holding any of
    /// them holds a run's results.
    pub const ALL: [&str; 11] = [
        LAB_OUTCOMES,
        SYSTEM_OUTCOMES,
        EVENTS,
        TIMESERIES,
        QUEUE_TIMESERIES,
        PRESSURE_TIMESERIES,
        POINTS,
        SUMMARY,
        COMPARE,
        SUMMARY_STATE,
        MANIFEST,
    ];

    /// Whether `name` is one of [`ALL`].
    pub fn is_output(name: &str) -> bool {
        ALL.contains(&name)
    }
}
