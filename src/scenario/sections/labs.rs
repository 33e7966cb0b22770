//! `[[labs]]` and `[[labs.lines]]`: the developers and their product lines.

use super::super::choices::{Access, CycleStart, Jurisdiction};
use super::super::day::DayRef;
use super::super::declare::{Allowed, Meta, Named};
use super::super::dist::{Dist, DistParam};
use super::review::Review;
use super::simulation::MAX_HORIZON_DAYS;
use crate::engine::{SimDuration, SimTime};

crate::declare! {
    /// `[[labs]]`: a developer of models.
    pub struct Lab {
        /// Short id used in parameter paths and outputs.
        id: String = String::new() => Meta::unit("id").required();
        /// Display name of the lab.
        name: Option<String> = None => Meta::unit("text");
        /// Where the lab is based.
        jurisdiction: Jurisdiction = Jurisdiction::Us => Meta::unit("us | foreign");
        /// Whether and from when the lab takes part in the program.
        participation: ParticipationSpec = ParticipationSpec::default() => Meta::nested();
        /// Negotiated window replacing review.window_days.
        expedited_window_days: Option<f64> = None => Meta::unit("days")
            .allowed(Allowed::days(MAX_HORIZON_DAYS))
            .cited("docs/calibration.md#review: competitors may negotiate expedited timelines (public reporting, June 2026)");
        /// The lab's product lines.
        lines: Vec<Line> = Vec::new() => Meta::nested();
    }
    derived {
        /// Whether and from when it takes part, as the model reads it.
        participation_rule: Participation,
    }
}

impl Named for Lab {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Lab {
    /// The display name, or the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// Access modes the lab's terms leave uncovered.
    pub fn carve_out(&self) -> &[Access] {
        &self.participation.carve_out
    }

    /// Whether the lab takes part in the program at `time` by its own terms
    /// (a lab that signs at a hazard rate starts outside).
    pub fn participates_at(&self, time: SimTime) -> bool {
        match self.participation_rule {
            Participation::Signed => true,
            Participation::Never | Participation::Signing(_) => false,
            Participation::From(from) => time >= from,
        }
    }

    /// The review window that applies to this lab.
    pub fn window(&self, review: &Review) -> SimDuration {
        self.expedited_window_days
            .map(SimDuration::from_days)
            .unwrap_or_else(|| review.window())
    }

    /// Whether the program's scope takes in this lab's lines of `access`,
    /// participation aside: covered access and jurisdiction, and not carved
    /// out by its terms, unless `mandatory` (a directive overrides
    /// carve-outs).
    pub fn in_scope(&self, access: Access, review: &Review, mandatory: bool) -> bool {
        review.covers(access, self.jurisdiction)
            && (mandatory || !self.participation.carve_out.contains(&access))
    }
}

/// Whether and from when a lab takes part.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Participation {
    /// For the whole run.
    Signed,
    /// Not at all.
    #[default]
    Never,
    /// From this time on.
    From(SimTime),
    /// At a hazard rate driven by peers and pressure.
    Signing(Signing),
}

crate::declare! {
    /// `labs.<id>.participation`: `signed = true` (from the start), `signed =
    /// false` (not at the start), `from` (joins on that day), or `signing`
    /// (signs at a rate); with optionally a carve-out.
    pub struct ParticipationSpec {
        /// true: takes part from the start; false: not at the start (it joins only by `from`, `signing` or a directive).
        signed: Option<bool> = None => Meta::unit("true/false")
            .cited("docs/calibration.md#review: OpenAI, Anthropic, Google DeepMind, xAI and Microsoft signed; Meta holds out and expects to sign soon");
        /// Takes part from this day on.
        from: Option<DayRef> = None => Meta::unit("day or date");
        /// Signs at a hazard rate driven by peers and pressure.
        signing: Option<Signing> = None => Meta::nested();
        /// Access modes the lab's terms leave uncovered.
        carve_out: Vec<Access> = Vec::new() => Meta::unit("list of api, open_weights")
            .cited("docs/calibration.md#review: competitors may negotiate carve-outs, and holdouts which models qualify (public reporting, June 2026)");
    }
}

crate::declare! {
    /// `labs.<id>.participation.signing`: the hazard rate of signing, per
    /// day, is `base_rate_per_day + peer_weight × (share of the other labs
    /// of the same jurisdiction participating) + pressure_weight × pressure`.
    #[derive(Copy)]
    pub struct Signing {
        /// Signing rate with no peers signed and no pressure.
        base_rate_per_day: f64 = 0.0 => Meta::unit("per day")
            .allowed(Allowed::non_negative())
            .plausible_log(0.0005, 0.005)
            .assumption("no public figure; Meta said it expects to sign soon");
        /// Signing rate added when every peer participates.
        peer_weight: f64 = 0.0 => Meta::unit("per day")
            .allowed(Allowed::non_negative())
            .plausible_log(0.001, 0.01)
            .assumption("after Meta's statement that it expects to sign soon");
        /// Signing rate added per unit of pressure.
        pressure_weight: f64 = 0.0 => Meta::unit("per day per pressure")
            .allowed(Allowed::non_negative())
            .plausible_log(0.001, 0.01)
            .assumption("no public figure");
    }
}

crate::declare! {
    /// `[[labs.lines]]`: a product line, a sequence of models with one
    /// access mode.
    pub struct Line {
        /// Short id used in parameter paths and outputs.
        id: String = String::new() => Meta::unit("id").required();
        /// Display name of the product line.
        name: Option<String> = None => Meta::unit("text");
        /// How the line's models reach users.
        access: Access = Access::Api => Meta::unit("api | open_weights").required();
        /// Days between one model being ready and the next (or dates).
        cadence_days: DistParam = DistParam::constant(0.0) => Meta::unit("days")
            .required()
            .fitted("data/releases.csv: maximum likelihood over the intervals between a line's flagship releases, the time since its last one right-censored (`reviewsim fit`, docs/calibration.md#release-cadence); a scenario's [fitted] table gives each line's 95% interval");
        /// Day the line's first model is ready; by default the time left in the cycle begun by the incumbent (the cadence given the days since incumbent_released), or uniform over one mean cadence without one.
        first_ready_days: Option<DistParam> = None => Meta::unit("days");
        /// Whether the next model's development starts at ready or at release.
        next_cycle_starts: CycleStart = CycleStart::Ready => Meta::unit("ready | release")
            .assumption("development of the next model overlaps review of the last");
        /// Months behind the frontier when a model is ready.
        capability_lag_months: DistParam = DistParam::constant(0.0) => Meta::unit("months")
            .cited("docs/calibration.md#capability: open-weights models lag the closed frontier by about 4 months (Epoch, 2026-05), 3.5 months with 90% CI 1.1-5.3 (Epoch, 2025-10); API lines near 0");
        /// Release of the line's model on the market at the start (date or day <= 0).
        incumbent_released: Option<DayRef> = None => Meta::unit("day or date (<= 0)");
    }
    derived {
        /// When its models are ready, as the model reads it.
        cadence: Cadence,
        /// When the first model is ready.
        first_ready: Dist,
        /// Day (<= 0) the incumbent was released.
        incumbent_released_day: Option<f64>,
    }
}

impl Named for Line {
    fn id(&self) -> &str {
        &self.id
    }
}

/// When a line's models are ready.
#[derive(Debug, Clone, PartialEq)]
pub enum Cadence {
    /// Days between one model and the next, drawn afresh each time.
    Every(DistParam),
    /// Fixed ready times (historical replays); none after the last.
    Scheduled(Vec<SimTime>),
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence::Scheduled(Vec::new())
    }
}
