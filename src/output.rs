//! Writers: tidy CSV tables and the JSON manifest, over any `io::Write`, and
//! an output directory whose files appear complete or not at all.

mod aggregates;
mod compare;
mod dir;
pub mod format;
mod kinds;
mod manifest;
mod points;
mod robustness;
mod sensitivity;
mod summary;
mod table;
mod tables;

pub use aggregates::{
    ALL_LABS, Aggregates, Layout, MAX_BLOCK_POINTS, MergeError, PointAggregate, PointConsumer,
    STATE_FORMAT, StateLines, block_points,
};
pub use compare::{COMPARE_STATISTICS, CompareTable, Difference, compare_schema};
pub use dir::{
    FileDigest, OutputDir, OutputError, TalliedFile, Tally, write_all_whole, write_whole,
};
pub use kinds::{OutputKind, Outputs};
pub use manifest::{Manifest, ShardInfo, scenario_digest};
pub use points::{points_schema, write_points};
pub use robustness::{RobustnessTable, robustness_schema, write_row as write_robustness_row};
pub use sensitivity::{IndexRow, NOISE_TARGET, SensitivityTable, sensitivity_schema};
pub use summary::{Estimate, SUMMARY_STATISTICS, SummaryTable, cell, rounded, summary_schema};
pub use table::{Format, Swept, SweptValue, Table, open};
pub use tables::{Tables, UnitTables, columns, date_of, recorded_tables_markdown, schema};

/// Files inside the output directory besides the tables (whose names are
/// [`OutputKind::file`]).
pub mod files {
    use super::{Format, OutputKind};

    /// A shard's aggregate state, for `merge`: a layout line, then one
    /// line per point.
    pub const SUMMARY_STATE: &str = "summary_state.jsonl";
    /// The tables' columns and types, as a Frictionless Data Package.
    pub const DATAPACKAGE: &str = "datapackage.json";
    /// Resolved scenario, version, seed, counts, wall time, checksums.
    pub const MANIFEST: &str = "manifest.json";

    /// Whether `name` is a file that a run or a merge writes: a directory
    /// holding one holds a run's results.
    pub fn is_output(name: &str) -> bool {
        [SUMMARY_STATE, DATAPACKAGE, MANIFEST].contains(&name)
            || OutputKind::all().any(|kind| {
                [Format::Csv, Format::Parquet]
                    .iter()
                    .any(|f| kind.file(*f) == name)
            })
    }
}
