//! Writers: tidy CSV tables and the JSON manifest, over any `io::Write`, and
//! an output directory whose files appear complete or not at all.

mod dir;
mod manifest;
mod tables;

pub use dir::{OutputDir, OutputError};
pub use manifest::Manifest;
pub use tables::{
    CsvSink, EVENT_COLUMNS, QUEUE_TIMESERIES_COLUMNS, TIMESERIES_COLUMNS, Tables, date_of,
    lab_columns, system_columns,
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
    /// Resolved scenario, version, seed, counts, wall time.
    pub const MANIFEST: &str = "manifest.json";
}
