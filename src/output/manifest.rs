//! `manifest.json`: what was run, with what, and how long it took.

use serde::Serialize;

use crate::experiment::RawSweep;
use crate::scenario::{Scenario, Settings};

/// The manifest of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest<'s> {
    /// Crate name and version that produced the files.
    pub reviewsim_version: &'static str,
    /// The scenario file.
    pub scenario_file: &'s str,
    /// Its name.
    pub scenario_name: &'s str,
    /// Master seed.
    pub seed: u64,
    /// Whether replication r used the same streams at every point.
    pub common_random_numbers: bool,
    /// Points run.
    pub points: u64,
    /// Replications per point.
    pub replications: u64,
    /// Work units run (points × replications).
    pub work_units: u64,
    /// Labs, lines and tracks.
    pub labs: usize,
    /// Product lines.
    pub lines: usize,
    /// Review tracks.
    pub tracks: usize,
    /// The command line that ran, word by word (the program as
    /// `reviewsim`); empty when the run was not started from one.
    pub command: Vec<String>,
    /// `--set` overrides applied, in order.
    pub overrides: Vec<String>,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Points per block of work (see `reviewsim::runner::Schedule`): the
    /// rows come replication by replication within each block.
    pub block_points: usize,
    /// Files written, besides this one.
    pub files: Vec<String>,
    /// Seconds from start to the last row written.
    pub wall_time_seconds: f64,
    /// The scenario as run: file, then overrides, defaults filled in.
    pub resolved_scenario: &'s Settings,
    /// SHA-256 of `resolved_scenario` as compact JSON with sorted keys
    /// ([`scenario_digest`]): the same digest and seed, the same numbers.
    pub resolved_scenario_sha256: String,
    /// The sweep as run (after overrides), if any.
    pub sweep: Option<&'s RawSweep>,
    /// The tables' file format (`--format`).
    pub format: super::Format,
    /// The outputs selected (`--outputs`).
    pub outputs: Vec<String>,
    /// The slice of a sharded run, if this is one.
    pub shard: Option<ShardInfo>,
    /// A run to a precision (`--precision`): the targets, the batch, the
    /// replications they needed, whether they were met, and the widest
    /// intervals left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<serde_json::Value>,
    /// Size, lines and SHA-256 of every file written besides this one, so
    /// that `merge` (or anyone) can check them.
    pub checksums: std::collections::BTreeMap<String, super::FileDigest>,
}

/// Which slice of the rounds a shard ran (a round is one replication of a
/// block of points; with one block, a replication of every point).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ShardInfo {
    /// This shard's number, from 0.
    pub index: u64,
    /// How many shards there are.
    pub count: u64,
    /// First round run.
    pub rounds_from: u64,
    /// One past the last round run.
    pub rounds_to: u64,
}

impl<'s> Manifest<'s> {
    /// A manifest for `scenario` run as `points` points.
    pub fn new(scenario: &'s Scenario, points: u64) -> Self {
        Manifest {
            reviewsim_version: concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")),
            scenario_file: &scenario.file,
            scenario_name: scenario.name(),
            seed: scenario.seed(),
            common_random_numbers: scenario.common_random_numbers(),
            points,
            replications: scenario.replications(),
            work_units: points * scenario.replications(),
            labs: scenario.labs.len(),
            lines: scenario.line_count(),
            tracks: scenario.review.tracks.len(),
            command: Vec::new(),
            overrides: Vec::new(),
            threads: 0,
            block_points: 0,
            files: Vec::new(),
            wall_time_seconds: 0.0,
            resolved_scenario: scenario.resolved(),
            resolved_scenario_sha256: serde_json::to_value(scenario.resolved())
                .map(|v| scenario_digest(&v))
                .unwrap_or_default(),
            sweep: None,
            format: super::Format::Csv,
            outputs: Vec::new(),
            shard: None,
            precision: None,
            checksums: Default::default(),
        }
    }
}

/// The SHA-256 (hex) of a resolved scenario as compact JSON with its keys
/// sorted: the digest a manifest records, and a report recomputes for a
/// manifest without one.
pub fn scenario_digest(resolved: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let text = serde_json::to_string(resolved).unwrap_or_default();
    let hash = Sha256::digest(text.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
