//! `[escalation]` and `[export_restriction]`: what the government does when
//! voluntary cooperation fails.

use super::super::choices::Jurisdiction;
use super::super::day::DayRef;
use super::super::declare::{Allowed, Meta};
use super::simulation::MAX_HORIZON_DAYS;
use crate::engine::{SimDuration, SimTime};

/// The values of a pressure added by one event.
fn pressure_step() -> Allowed {
    Allowed::between(0.0, 1e6, "must be a pressure from 0 to 1e6")
}

/// A threshold of pressure.
fn threshold() -> Allowed {
    Allowed::above(0.0, f64::MAX, "must be a pressure > 0")
}

crate::declare! {
    /// `[escalation]`: pressure on labs, and what the government does.
    /// Absent means no pressure and no escalation.
    pub struct Escalation {
        /// Pressure added per release that would have been covered had the lab participated.
        pressure_per_uncovered_release: f64 = 1.0 => Meta::unit("pressure")
            .allowed(pressure_step())
            .plausible(0.5, 2.0)
            .assumption("a unit of pressure: thresholds are counted in such releases");
        /// Pressure added per incident attributed to the lab.
        pressure_per_incident: f64 = 1.0 => Meta::unit("pressure")
            .allowed(pressure_step())
            .plausible(0.5, 2.0)
            .assumption("an incident weighs as much as a release outside review");
        /// Time for pressure to halve.
        pressure_half_life_days: f64 = 90.0 => Meta::unit("days")
            .allowed(Allowed::above(0.0, f64::MAX, "must be a number of days > 0"))
            .plausible(30.0, 180.0)
            .assumption("public attention fades over months");
        /// Time from a threshold crossed to the government acting (if pressure is still over it then).
        reaction_delay_days: f64 = 14.0 => Meta::unit("days")
            .allowed(Allowed::days(MAX_HORIZON_DAYS))
            .plausible(7.0, 30.0)
            .assumption("two weeks for an agency to act");
        /// Pressure at which public pressure starts; absent: never.
        public_threshold: Option<f64> = None => Meta::unit("pressure")
            .allowed(threshold())
            .plausible(2.0, 5.0)
            .assumption("no public figure");
        /// Utility lost in the named segments while public pressure lasts.
        public_penalty: f64 = 0.5 => Meta::unit("utility")
            .allowed(Allowed::utility())
            .plausible(0.2, 1.0)
            .assumption("no public figure on the reputational cost of public pressure");
        /// Segments where the penalty applies.
        public_penalty_segments: Vec<String> = vec!["enterprise".to_string(), "government".to_string()]
            => Meta::unit("list of segment ids")
                .cited("docs/calibration.md#incidents-and-escalation: federal clearance as a credibility advantage with enterprise and government buyers");
        /// Pressure at which a directive is issued; absent: never.
        directive_threshold: Option<f64> = None => Meta::unit("pressure")
            .allowed(threshold())
            .plausible(4.0, 10.0)
            .assumption("\"voluntary\" is backed by export controls, supply-chain designations and formal directives; when they are used is not public");
        /// What a directive does.
        directive: Directive = Directive::default() => Meta::nested();
    }
    derived {
        /// The segments of the penalty, by index.
        penalty_segments: Vec<usize>,
    }
}

impl Escalation {
    /// Delay between crossing a threshold and acting.
    pub fn reaction_delay(&self) -> SimDuration {
        SimDuration::from_days(self.reaction_delay_days)
    }
}

crate::declare! {
    /// `escalation.directive`: what a directive does.
    pub struct Directive {
        /// The directive forces participation and hold: review becomes mandatory.
        mandatory_review: bool = true => Meta::unit("true/false");
        /// The directive suspends the lab's API models.
        suspend_api: bool = false => Meta::unit("true/false")
            .cited("docs/calibration.md#incidents-and-escalation: the 2026-06-12 export-control directive forced a lab to suspend two models worldwide");
        /// Regions of the suspension.
        suspend_regions: Vec<Jurisdiction> = vec![Jurisdiction::Us, Jurisdiction::Foreign]
            => Meta::unit("list of us, foreign");
        /// Length of the suspension.
        suspension_days: f64 = 90.0 => Meta::unit("days")
            .allowed(Allowed::days(MAX_HORIZON_DAYS))
            .plausible(30.0, 180.0)
            .assumption("a quarter");
    }
}

impl Directive {
    /// How long a suspension lasts.
    pub fn suspension(&self) -> SimDuration {
        SimDuration::from_days(self.suspension_days)
    }
}

crate::declare! {
    /// `[export_restriction]`: U.S. API models become unavailable in the
    /// foreign region. Absent means never.
    pub struct ExportRestriction {
        /// U.S. API models unavailable abroad from this day (number or date).
        from: Option<DayRef> = None => Meta::unit("day or date")
            .cited("docs/calibration.md#incidents-and-escalation: the 2026-06-12 directive restricted access for foreign nationals");
        /// U.S. API models unavailable abroad after the first directive.
        after_directive: bool = false => Meta::unit("true/false");
    }
    derived {
        /// When, as simulated time.
        from_at: Option<SimTime>,
    }
}
