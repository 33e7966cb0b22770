//! `[review]` and `[[review.tracks]]`: the review program.

use super::super::choices::{
    Access, BeforeOperational, ClockStart, Discipline, Jurisdiction, OnExpiry,
};
use super::super::day::DayRef;
use super::super::declare::{Allowed, Meta, Named};
use super::super::dist::DistParam;
use super::simulation::MAX_HORIZON_DAYS;
use crate::engine::{SimDuration, SimTime};

crate::declare! {
    /// `[review]`: the review program. Absent means no review.
    pub struct Review {
        /// Days the government may take before release; 0: no review.
        window_days: f64 = 30.0 => Meta::unit("days")
            .allowed(Allowed::days(MAX_HORIZON_DAYS))
            .plausible(0.0, 45.0)
            .cited("docs/calibration.md#review: \"up to 30 days\" to evaluate before release (executive order, 2026-06-02)");
        /// When the window's clock starts: at submission, or when review begins (queueing does not count).
        clock_start: ClockStart = ClockStart::Submission => Meta::unit("submission | review_start");
        /// At the window's end: release (voluntary) or wait for the review (mandatory preclearance).
        on_expiry: OnExpiry = OnExpiry::Release => Meta::unit("release | hold")
            .cited("docs/calibration.md#review: the framework is voluntary, with no mandatory licensing or preclearance");
        /// When the program starts reviewing (day number or date).
        operational: DayRef = DayRef::Day(0.0) => Meta::unit("day or date")
            .cited("docs/calibration.md#review: reported as fully operational by the end of July 2026 (unverified; the order's 60-day deadline for classified benchmarking is 2026-08-01)");
        /// Covered models ready before the program is operational: release unreviewed, or wait.
        before_operational: BeforeOperational = BeforeOperational::Release => Meta::unit("release | wait");
        /// Access modes the program covers.
        covered_access: Vec<Access> = vec![Access::Api, Access::OpenWeights] => Meta::unit("list of api, open_weights")
            .cited("docs/calibration.md#review: the order covers any release of a covered model, including to trusted partners");
        /// Jurisdictions the program covers.
        covered_jurisdictions: Vec<Jurisdiction> = vec![Jurisdiction::Us] => Meta::unit("list of us, foreign")
            .cited("docs/calibration.md#review: a U.S. framework; agreements so far are with U.S. labs");
        /// Which models are capable enough to be covered; absent covers every model.
        threshold: Option<ThresholdSpec> = None => Meta::nested();
        /// The review tracks (fork-join: every covered model goes to all).
        tracks: Vec<Track> = Vec::new() => Meta::nested();
    }
    derived {
        /// When the program starts reviewing.
        operational_at: SimTime,
        /// Which models are capable enough to be covered.
        capability_rule: Threshold,
    }
}

impl Review {
    /// The window a lab without expedited terms gets.
    pub fn window(&self) -> SimDuration {
        SimDuration::from_days(self.window_days)
    }

    /// A program with no tracks or a zero window reviews nothing.
    pub fn is_active(&self) -> bool {
        !self.window().is_zero() && !self.tracks.is_empty()
    }

    /// Whether a line of this access mode at a lab of this jurisdiction falls
    /// in the program's scope (participation aside).
    pub fn covers(&self, access: Access, jurisdiction: Jurisdiction) -> bool {
        self.covered_access.contains(&access) && self.covered_jurisdictions.contains(&jurisdiction)
    }
}

crate::declare! {
    /// `review.threshold`: which models are capable enough to be covered;
    /// give one of the two.
    pub struct ThresholdSpec {
        /// Covered models have at least this capability.
        min_capability: Option<f64> = None => Meta::unit("frontier-months")
            .allowed(Allowed::finite("must be a finite number of frontier-months"));
        /// Covered models are within this many months of the frontier.
        within_months_of_frontier: Option<f64> = None => Meta::unit("months")
            .allowed(Allowed::non_negative())
            .plausible(3.0, 12.0)
            .assumption("a \"covered frontier model\" is near the frontier, which takes in open-weights flagships (about 4 months behind) but not small models");
    }
}

/// Which models are capable enough to be covered.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Threshold {
    /// Every model.
    #[default]
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

crate::declare! {
    /// `[[review.tracks]]`: one review track (a team type, such as threat
    /// modelling).
    pub struct Track {
        /// Short id used in parameter paths and column names.
        id: String = String::new() => Meta::unit("id").required();
        /// Display name of the track.
        name: Option<String> = None => Meta::unit("text");
        /// Reviews the track runs in parallel (teams).
        capacity: u32 = 1 => Meta::unit("teams")
            .allowed(Allowed::between(
                1.0,
                f64::from(u32::MAX),
                "must be >= 1 (a track with no teams would never finish; remove the track instead)",
            ))
            .plausible(1.0, 4.0)
            .cited("docs/calibration.md#review [estimate]: 40+ evaluations completed in about 21 months is about 2 a month, i.e. 1-3 reviews in parallel; outside analysts stress limited staff and compute");
        /// Time one team takes to review one model.
        duration_days: DistParam = DistParam::constant(0.0) => Meta::unit("days")
            .required()
            .cited("docs/calibration.md#review [estimate]: pre-release access windows of 6-21 days for outside evaluators give a median near 10 days");
        /// Order in which waiting models are taken up.
        discipline: Discipline = Discipline::Fifo => Meta::unit("fifo");
        /// Chance a finished track finds a hazard the model has.
        detection_probability: f64 = 0.5 => Meta::unit("probability")
            .allowed(Allowed::probability())
            .plausible(0.2, 0.9)
            .assumption("no public figure on how often pre-release evaluations find what they look for");
        /// Changes to the track's teams: from each day (a number or a date), this many teams. What if the review body hires (or loses staff)? Reviews under way when teams are cut finish; days before the start apply from the start.
        capacity_schedule: Vec<CapacityStep> = Vec::new() => Meta::nested();
    }
}

crate::declare! {
    /// `review.tracks.<id>.capacity_schedule`: from a day on, a number of
    /// teams.
    pub struct CapacityStep {
        /// The day (number or date) from which the track has `capacity` teams.
        from: DayRef = DayRef::Day(0.0) => Meta::unit("day or date").required();
        /// Teams from that day on.
        capacity: u32 = 1 => Meta::unit("teams")
            .required()
            .allowed(Allowed::between(1.0, f64::from(u32::MAX), "must be >= 1 (teams from that day on)"));
    }
}

impl Named for CapacityStep {}

impl Named for Track {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Track {
    /// The display name, or the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}
