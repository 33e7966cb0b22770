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
mod day;
mod dist;
mod error;
mod extends;
mod paths;
pub mod raw;
mod validate;

use std::path::Path;

use chrono::NaiveDate;

pub use bounds::{
    MAX_COUNT, MAX_EXPOSURE_DAYS, MAX_LOGGED_EVENTS, MAX_MODELS, WorkBound, WorkLimits,
};
pub use day::{Date, DayRef, parse_date as parse_date_text};
pub use dist::{Dist, DistParam, DistSpec};
pub use error::{Problem, ScenarioError, plain_message, short_number};
pub use paths::{Override, apply as apply_override, parse_value};
pub use raw::{
    Access, BeforeOperational, ClockStart, CycleStart, Discipline, Jurisdiction, MarketMode,
    OnExpiry, RawScenario,
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
    /// How the capability frontier moves.
    pub capability: Capability,
    /// The review program.
    pub review: Review,
    /// Market segments and adoption, if modelled.
    pub market: Option<Market>,
    /// Hazards, if modelled.
    pub hazard: Option<Hazard>,
    /// Derivatives of open-weights releases.
    pub ecosystem: Ecosystem,
    /// Incidents and the response to them.
    pub incidents: Incidents,
    /// Pressure and escalation, if modelled.
    pub escalation: Option<Escalation>,
    /// When U.S. API models become unavailable abroad.
    pub export_restriction: ExportRestriction,
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
    /// Which models are capable enough to be covered.
    pub threshold: Threshold,
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

/// Days in a month: capability is measured in frontier-months.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The capability frontier: the best capability achievable, in
/// frontier-months, rising linearly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capability {
    /// Frontier on day 0.
    pub frontier_at_start: f64,
    /// Frontier-months gained per month.
    pub rate_per_month: f64,
}

impl Capability {
    /// The frontier on a (possibly negative) day.
    pub fn frontier_at_day(&self, day: f64) -> f64 {
        self.frontier_at_start + self.rate_per_month * day / DAYS_PER_MONTH
    }

    /// The frontier at a simulated time.
    pub fn frontier_at(&self, time: SimTime) -> f64 {
        self.frontier_at_day(time.as_days())
    }
}

/// Which models are capable enough to be covered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// Every model.
    All,
    /// Capability at or above this, in frontier-months.
    MinCapability(f64),
    /// Capability within this many months of the frontier.
    WithinMonths(f64),
}

impl Threshold {
    /// Whether a model of `capability` passes when the frontier is at
    /// `frontier`.
    pub fn admits(&self, capability: f64, frontier: f64) -> bool {
        match *self {
            Threshold::All => true,
            Threshold::MinCapability(min) => capability >= min,
            Threshold::WithinMonths(months) => capability >= frontier - months,
        }
    }
}

/// The market: segments of potential adopters choosing among released models.
#[derive(Debug, Clone)]
pub struct Market {
    /// Time between market steps.
    pub step: SimDuration,
    /// Expected values or random draws.
    pub mode: MarketMode,
    /// Threshold below which a model leaves a segment's choice set.
    pub drop_share_below: f64,
    /// The segments.
    pub segments: Vec<Segment>,
}

/// A market segment.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Short id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Potential adopters.
    pub population: f64,
    /// Region.
    pub region: Jurisdiction,
    /// Fraction adopted on day 0.
    pub adopted_at_start: f64,
    /// Bass innovation coefficient, per year.
    pub bass_p_per_year: f64,
    /// Bass imitation coefficient, per year.
    pub bass_q_per_year: f64,
    /// Re-choice rate, per year.
    pub switching_per_year: f64,
    /// Logit utility per frontier-month.
    pub capability_weight: f64,
    /// Logit utility of open weights.
    pub open_weights_preference: f64,
    /// Logit utility of a completed federal review.
    pub reviewed_premium: f64,
    /// Logit utility per unit of ln(1 + the line's derivatives).
    pub ecosystem_weight: f64,
    /// Weight of the segment's adopters in exposure.
    pub incident_exposure_weight: f64,
    /// Logit utility offset per lab, by lab index.
    pub reputation: Vec<f64>,
}

/// Which models are hazardous, and what follows a detected hazard.
#[derive(Debug, Clone)]
pub struct Hazard {
    /// Capability at which half of all models are hazardous.
    pub midpoint_capability: f64,
    /// Scale of the logistic, in frontier-months.
    pub scale_months: f64,
    /// Probability that a detected hazard blocks the release.
    pub block_probability: f64,
    /// Days of mitigation after a detected hazard.
    pub mitigation_days: Dist,
    /// Probability that mitigation removes the hazard.
    pub mitigation_success: f64,
    /// Factor on the incident rate of a detected hazard.
    pub preparedness_factor: f64,
}

impl Hazard {
    /// Probability that a model of `capability` is hazardous: a logistic
    /// curve in capability.
    pub fn probability(&self, capability: f64) -> f64 {
        1.0 / (1.0 + (-(capability - self.midpoint_capability) / self.scale_months).exp())
    }
}

/// Derivatives of open-weights releases.
#[derive(Debug, Clone)]
pub struct Ecosystem {
    /// Derivatives a day just after release.
    pub derivatives_per_day_initial: f64,
    /// Days for the arrival rate to halve.
    pub derivatives_half_life_days: f64,
    /// Probability that mitigation's safeguards are stripped.
    pub strip_probability: f64,
    /// Days after release until they are.
    pub strip_delay_days: Dist,
}

impl Ecosystem {
    /// Expected derivatives of a release by `age_days`: the integral of
    /// λ₀·2^(−a/h) from 0 to the age, λ₀·h/ln 2·(1 − 2^(−age/h)).
    pub fn expected_derivatives(&self, age_days: f64) -> f64 {
        let half_life = self.derivatives_half_life_days;
        self.derivatives_per_day_initial * half_life / std::f64::consts::LN_2
            * (1.0 - (-age_days / half_life * std::f64::consts::LN_2).exp())
    }
}

/// Incidents caused by hazardous models, and the response.
#[derive(Debug, Clone)]
pub struct Incidents {
    /// Incidents per day per unit of exposure.
    pub rate_per_exposure_day: f64,
    /// Exposure of any released hazardous model.
    pub exposure_per_model: f64,
    /// Exposure per derivative.
    pub exposure_per_derivative: f64,
    /// Days from an incident to the response.
    pub response_delay_days: Dist,
    /// Probability that the response patches rather than suspends.
    pub patch_probability: f64,
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
    /// Probability that a completed review on this track finds a hazard.
    pub detection_probability: f64,
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
    /// Access modes its terms leave uncovered.
    pub carve_out: Vec<Access>,
    /// Its product lines.
    pub lines: Vec<Line>,
}

impl Lab {
    /// Whether the lab takes part in the program at `time` by its own terms
    /// (a lab that signs at a hazard rate starts outside).
    pub fn participates_at(&self, time: SimTime) -> bool {
        match self.participation {
            Participation::Signed => true,
            Participation::Never | Participation::Signing(_) => false,
            Participation::From(from) => time >= from,
        }
    }

    /// The review window that applies to this lab.
    pub fn window(&self, review: &Review) -> SimDuration {
        self.expedited_window.unwrap_or(review.window)
    }
}

/// Whether and from when a lab takes part.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Participation {
    /// For the whole run.
    Signed,
    /// Not at all.
    Never,
    /// From this time on.
    From(SimTime),
    /// At a hazard rate driven by peers and pressure.
    Signing(Signing),
}

/// The signing hazard: per day, `base + peer_weight × share of peers
/// participating + pressure_weight × pressure`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signing {
    /// Rate per day with no peers and no pressure.
    pub base_rate_per_day: f64,
    /// Added rate when every peer participates.
    pub peer_weight: f64,
    /// Added rate per unit of pressure.
    pub pressure_weight: f64,
}

/// Pressure on labs and the escalation ladder.
#[derive(Debug, Clone)]
pub struct Escalation {
    /// Pressure per release that would have been covered.
    pub pressure_per_uncovered_release: f64,
    /// Pressure per incident.
    pub pressure_per_incident: f64,
    /// Days for pressure to halve.
    pub pressure_half_life_days: f64,
    /// Delay between crossing a threshold and acting.
    pub reaction_delay: SimDuration,
    /// Threshold of public pressure.
    pub public_threshold: Option<f64>,
    /// Utility penalty while public pressure lasts.
    pub public_penalty: f64,
    /// Segment indices where it applies.
    pub public_penalty_segments: Vec<usize>,
    /// Threshold of a directive.
    pub directive_threshold: Option<f64>,
    /// The directive makes review mandatory (participation, `hold`).
    pub mandatory_review: bool,
    /// The directive suspends the lab's API models...
    pub suspend_api: bool,
    /// ...in these regions...
    pub suspend_regions: Vec<Jurisdiction>,
    /// ...for this long.
    pub suspension: SimDuration,
}

/// When U.S. API models become unavailable in the foreign region.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExportRestriction {
    /// From this time.
    pub from: Option<SimTime>,
    /// From the first directive.
    pub after_directive: bool,
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
    /// Months behind the frontier when a model is ready.
    pub capability_lag: Dist,
    /// The same, as written.
    pub capability_lag_spec: DistSpec,
    /// Day (<= 0) the line's model on the market at the start was released.
    pub incumbent_released_day: Option<f64>,
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

/// Applies overrides to a table and deserializes it, refusing unknown keys
/// and wrong types with the parameter path.
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
            message: crate::scenario::plain_message(err.into_inner().message()),
            set_by,
        }
    })
}
