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

mod day;
mod dist;
mod error;
mod paths;
pub mod raw;
mod validate;

use std::path::Path;

use chrono::NaiveDate;

pub use day::{Date, DayRef, parse_date as parse_date_text};
pub use dist::{Dist, DistParam, DistSpec};
pub use error::{Problem, ScenarioError};
pub use paths::{Override, apply as apply_override, parse_value};
pub use raw::{
    Access, BeforeOperational, ClockStart, CycleStart, Discipline, Jurisdiction, OnExpiry,
    RawScenario,
};

use crate::engine::{SimDuration, SimTime};

/// A validated scenario: every value checked, every distribution built.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it came from, as named in messages.
    pub file: String,
    /// Its name.
    pub name: String,
    /// Calendar date of day 0.
    pub start_date: NaiveDate,
    /// Length of a replication.
    pub horizon: SimTime,
    /// Replications per point.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Whether replication r uses the same random streams at every point.
    pub common_random_numbers: bool,
    /// The review program.
    pub review: Review,
    /// The labs, in file order.
    pub labs: Vec<Lab>,
    /// The scenario as resolved: file, then overrides, defaults filled in.
    pub resolved: RawScenario,
}

/// The review program.
#[derive(Debug, Clone)]
pub struct Review {
    /// The window a lab without expedited terms gets.
    pub window: SimDuration,
    /// When the window's clock starts.
    pub clock_start: ClockStart,
    /// What happens when the window ends before the review.
    pub on_expiry: OnExpiry,
    /// When the program starts reviewing.
    pub operational: SimTime,
    /// What covered models ready before then do.
    pub before_operational: BeforeOperational,
    /// Access modes covered.
    pub covered_access: Vec<Access>,
    /// Jurisdictions covered.
    pub covered_jurisdictions: Vec<Jurisdiction>,
    /// The tracks every covered model goes through.
    pub tracks: Vec<Track>,
}

impl Review {
    /// A program with no tracks or a zero window reviews nothing.
    pub fn is_active(&self) -> bool {
        !self.window.is_zero() && !self.tracks.is_empty()
    }

    /// Whether a line of this access mode at a lab of this jurisdiction falls
    /// in the program's scope (participation aside).
    pub fn covers(&self, access: Access, jurisdiction: Jurisdiction) -> bool {
        self.covered_access.contains(&access) && self.covered_jurisdictions.contains(&jurisdiction)
    }
}

/// One review track (a team type, such as threat modelling).
#[derive(Debug, Clone)]
pub struct Track {
    /// Short id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Reviews it can run in parallel.
    pub capacity: u32,
    /// Days one review takes.
    pub duration: Dist,
    /// The same, as written.
    pub duration_spec: DistSpec,
    /// Queue discipline.
    pub discipline: Discipline,
}

/// A developer of models.
#[derive(Debug, Clone)]
pub struct Lab {
    /// Short id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where it is based.
    pub jurisdiction: Jurisdiction,
    /// Whether and from when it takes part.
    pub participation: Participation,
    /// Its own window, replacing the program's.
    pub expedited_window: Option<SimDuration>,
    /// Its product lines.
    pub lines: Vec<Line>,
}

impl Lab {
    /// Whether the lab takes part in the program at `time`.
    pub fn participates_at(&self, time: SimTime) -> bool {
        match self.participation {
            Participation::Signed => true,
            Participation::Never => false,
            Participation::From(from) => time >= from,
        }
    }

    /// The review window that applies to this lab.
    pub fn window(&self, review: &Review) -> SimDuration {
        self.expedited_window.unwrap_or(review.window)
    }
}

/// Whether and from when a lab takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participation {
    /// For the whole run.
    Signed,
    /// Not at all.
    Never,
    /// From this time on.
    From(SimTime),
}

/// A product line: a sequence of models with one access mode.
#[derive(Debug, Clone)]
pub struct Line {
    /// Short id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How its models reach users.
    pub access: Access,
    /// When its models are ready.
    pub cadence: Cadence,
    /// The cadence as written.
    pub cadence_spec: DistSpec,
    /// When the first model is ready (ignored for scheduled lines).
    pub first_ready: Dist,
    /// Whether the next cycle starts at ready or at release.
    pub next_cycle_starts: CycleStart,
}

/// When a line's models are ready.
#[derive(Debug, Clone)]
pub enum Cadence {
    /// Days between one model and the next, drawn afresh each time.
    Every(Dist),
    /// Fixed ready times (historical replays); none after the last.
    Scheduled(Vec<SimTime>),
}

impl Scenario {
    /// Reads, overrides and validates a scenario file.
    pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Scenario::from_toml(&text, &file, overrides)
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

    /// Validates raw structs; `file` names them in messages.
    pub fn from_raw(raw: RawScenario, file: &str) -> Result<Scenario, ScenarioError> {
        validate::validate(raw, file)
    }

    /// Number of (point, replication) work units.
    pub fn work_units(&self) -> u64 {
        self.replications
    }

    /// Total number of product lines.
    pub fn line_count(&self) -> usize {
        self.labs.iter().map(|lab| lab.lines.len()).sum()
    }
}

/// Parses TOML, applies overrides, and deserializes into raw structs,
/// refusing unknown keys and wrong types with the parameter path.
pub fn raw_from_toml(
    text: &str,
    file: &str,
    overrides: &[Override],
) -> Result<RawScenario, ScenarioError> {
    raw_from_table(parse_table(text, file)?, file, overrides)
}

/// Parses a scenario file's TOML into a table.
pub fn parse_table(text: &str, file: &str) -> Result<toml::Table, ScenarioError> {
    text.parse()
        .map_err(|e: toml::de::Error| ScenarioError::Syntax {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })
}

/// Applies overrides to a parsed table and deserializes it into raw
/// structs, as [`raw_from_toml`] does.
pub fn raw_from_table(
    mut table: toml::Table,
    file: &str,
    overrides: &[Override],
) -> Result<RawScenario, ScenarioError> {
    for ov in overrides {
        paths::apply(&mut table, ov)?;
    }
    let root = toml::Value::Table(table);
    serde_path_to_error::deserialize(root.clone()).map_err(|err| {
        let path = paths::display_path(&root, err.path());
        let set_by = overrides
            .iter()
            .find(|ov| path == ov.path || path.starts_with(&format!("{}.", ov.path)))
            .map(|ov| ov.arg.clone());
        ScenarioError::Schema {
            file: file.to_string(),
            path,
            message: err.into_inner().message().to_string(),
            set_by,
        }
    })
}
