//! Scenarios: read a TOML file, apply `--set` overrides, refuse unknown keys
//! and wrong types, then validate every value into a typed [`Scenario`]
//! before anything runs.
//!
//! ```
//! use reviewsim::scenario::Scenario;
//!
//! let text = r#"
//!     [simulation]
//!     name = "one lab"
//!     horizon_days = 365
//!
//!     [[labs]]
//!     id = "lab"
//!     participation = { signed = true }
//!     [[labs.lines]]
//!     id = "api"
//!     access = "api"
//!     cadence_days = { dist = "gamma", mean = 90, cv = 0.5 }
//! "#;
//! let scenario = Scenario::from_toml(text, "example.toml", &[]).unwrap();
//! assert_eq!(scenario.labs[0].lines[0].id, "api");
//! assert!(!scenario.review.is_active()); // no tracks: no review
//!
//! let bad = Scenario::from_toml(&text.replace("365", "-3"), "example.toml", &[]);
//! assert_eq!(
//!     bad.unwrap_err().to_string(),
//!     "example.toml: simulation.horizon_days = -3: must be a number of days > 0 and <= 36500"
//! );
//! ```

mod bounds;
pub mod calibrate;
mod choices;
mod day;
pub mod declare;
mod dist;
mod error;
mod extends;
mod numbers;
mod paths;
pub mod sections;
mod validate;

use std::ops::Deref;
use std::path::Path;

use chrono::NaiveDate;

pub use bounds::{
    MAX_COUNT, MAX_EXPOSURE_DAYS, MAX_LOGGED_EVENTS, MAX_MODELS, WorkBound, WorkLimits,
};
pub use choices::{
    Access, BeforeOperational, ClockStart, CycleStart, Discipline, Jurisdiction, MarketMode,
    OnExpiry, name_of,
};
pub use day::{Date, DayRef, parse_date as parse_date_text};
pub use dist::{Dist, DistParam, DistSpec};
pub use error::{Problem, ScenarioError, plain_message, short_number};
pub use paths::{Override, apply as apply_override, get as value_at_path, parse_value, render};
pub use sections::MAX_HORIZON_DAYS;
pub use sections::{
    Cadence, Capability, DAYS_PER_MONTH, Directive, Ecosystem, Escalation, ExportRestriction,
    Fitted, FittedRange, Hazard, Incidents, Lab, Line, Market, Participation, ParticipationSpec,
    Review, Segment, Settings, Signing, Simulation, Threshold, ThresholdSpec, Track,
};
pub use validate::{MAX_POPULATION, MIN_MEAN_CADENCE_DAYS, RESERVED_ID};

use crate::engine::SimTime;

/// A validated scenario: its settings as written, with defaults filled in
/// and every value checked, and what the model reads in its own terms
/// (times, rules, indices). It reads as its [`Settings`]:
/// `scenario.review.window_days`, `scenario.labs`.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it came from, as named in messages.
    pub file: String,
    /// Calendar date of day 0.
    pub start_date: NaiveDate,
    /// Length of a replication.
    pub horizon: SimTime,
    /// Every section, validated.
    pub settings: Settings,
}

impl Deref for Scenario {
    type Target = Settings;

    fn deref(&self) -> &Settings {
        &self.settings
    }
}

impl Scenario {
    /// Reads, overrides and validates a scenario file.
    pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        Scenario::from_toml(&read_file(path)?, &file, overrides)
    }

    /// The same from text; `file` names it in messages.
    pub fn from_toml(
        text: &str,
        file: &str,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioError> {
        let raw = raw_from_toml(text, file, overrides)?;
        validate::validate(raw, file)
    }

    /// Validates settings; `file` names them in messages.
    pub fn from_raw(raw: Settings, file: &str) -> Result<Scenario, ScenarioError> {
        validate::validate(raw, file)
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.simulation.name
    }

    /// Replications per point.
    pub fn replications(&self) -> u64 {
        self.simulation.replications
    }

    /// Master seed.
    pub fn seed(&self) -> u64 {
        self.simulation.seed
    }

    /// Whether replication r uses the same random streams at every point.
    pub fn common_random_numbers(&self) -> bool {
        self.simulation.common_random_numbers
    }

    /// The settings as resolved: file, then overrides, defaults filled in.
    pub fn resolved(&self) -> &Settings {
        &self.settings
    }

    /// The parameters that validation solves for rather than reads: the
    /// open-weights preference of a segment with an open-weights share
    /// target (see [`calibrate`]).
    pub fn solved_paths(&self) -> Vec<String> {
        (self.market.iter())
            .flat_map(|market| &market.segments)
            .filter(|segment| segment.open_weights_share_target.is_some())
            .map(|segment| format!("market.segments.{}.open_weights_preference", segment.id))
            .collect()
    }

    /// Total number of product lines.
    pub fn line_count(&self) -> usize {
        self.labs.iter().map(|lab| lab.lines.len()).sum()
    }
}

thread_local! {
    /// Scenario files read on this thread (see [`files_read`]).
    static FILES_READ: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Reads a scenario file's text: the one place a command reads its
/// scenario, which it does once, then derives every variant it runs
/// (replications, seed, sweep points, study designs, precision batches)
/// in memory. Fragments it `extends` are read as it is resolved.
pub fn read_file(path: &Path) -> Result<String, ScenarioError> {
    FILES_READ.with(|count| count.set(count.get() + 1));
    read_bounded(path)
}

/// The largest scenario file read, in bytes: a scenario is a few kilobytes;
/// anything near this is not one.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Reads a scenario (or a file it extends) whole, if it is a regular file
/// of at most [`MAX_FILE_BYTES`]: a device (`/dev/zero`) or a pipe is
/// refused before it is opened, rather than read without end or waited on.
pub(crate) fn read_bounded(path: &Path) -> Result<String, ScenarioError> {
    use std::io::Read;
    let file = path.display().to_string();
    let refuse = |source: std::io::Error| ScenarioError::Read {
        file: file.clone(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(refuse)?;
    if !metadata.is_file() {
        return Err(refuse(std::io::Error::other(
            "not a regular file (a scenario is a TOML file, not a directory, device or pipe)",
        )));
    }
    let mut text = String::new();
    let opened = std::fs::File::open(path).map_err(refuse)?;
    opened
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(refuse)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(std::io::Error::other(format!(
            "larger than {} MiB; a scenario is a few kilobytes of TOML",
            MAX_FILE_BYTES >> 20
        ))));
    }
    Ok(text)
}

/// How many scenario files [`read_file`] has read on this thread: a
/// test's way to see that a command reads its scenario once.
pub fn files_read() -> u64 {
    FILES_READ.with(std::cell::Cell::get)
}

/// Parses TOML, applies overrides, and deserializes into settings,
/// refusing unknown keys, wrong types and missing keys with the parameter
/// path.
pub fn raw_from_toml(
    text: &str,
    file: &str,
    overrides: &[Override],
) -> Result<Settings, ScenarioError> {
    raw_from_table(resolve_table(text, file)?, file, overrides)
}

/// Parses a scenario file's TOML into a table, following `extends`.
pub fn resolve_table(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    extends::resolve(parse_table(text, file)?, file, &mut vec![file.to_string()])
}

/// Parses a scenario file's TOML into a table (without following
/// `extends`).
pub fn parse_table(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse()
        .map_err(|e: toml::de::Error| ScenarioError::Syntax {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })
}

/// A wrong type's message with what the parameter's declaration allows in
/// place of the Rust type's range: a team count is a whole number >= 1,
/// not "from 0 to 4294967295".
fn with_declared_range(path: &str, message: String) -> String {
    const TYPE_RANGE: &str = "a whole number from 0 to 4294967295";
    let declarations = <Settings as declare::Section>::declarations();
    let allowed = declare::declaration_at(&declarations, path)
        .and_then(|declaration| declaration.meta.allowed.as_ref());
    match allowed {
        Some(allowed) if message.contains(TYPE_RANGE) => {
            message.replace(TYPE_RANGE, &format!("a whole number that {}", allowed.says))
        }
        _ => message,
    }
}

/// Applies overrides to a table and deserializes it, refusing unknown keys,
/// wrong types and missing keys with the parameter path.
pub fn raw_from_table(
    mut table: toml::Table,
    file: &str,
    overrides: &[Override],
) -> Result<Settings, ScenarioError> {
    for ov in overrides {
        paths::apply(&mut table, ov)?;
    }
    let declarations = <Settings as declare::Section>::declarations();
    if let Some((path, key)) = declare::missing_required(&table, &declarations, "") {
        let at = if path.is_empty() {
            key.to_string()
        } else {
            path
        };
        return Err(ScenarioError::Schema {
            file: file.to_string(),
            set_by: overrides
                .iter()
                .find(|ov| at.starts_with(&ov.path) || ov.path.starts_with(&at))
                .map(|ov| ov.arg.clone()),
            path: at,
            message: format!("missing field `{key}`"),
        });
    }
    let root = toml::Value::Table(table);
    serde_path_to_error::deserialize(root.clone()).map_err(|err| {
        let path = paths::display_path(&root, err.path());
        let set_by = overrides
            .iter()
            .find(|ov| path == ov.path || path.starts_with(&format!("{}.", ov.path)))
            .map(|ov| ov.arg.clone());
        let message = with_declared_range(&path, plain_message(err.into_inner().message()));
        ScenarioError::Schema {
            file: file.to_string(),
            path,
            message,
            set_by,
        }
    })
}
