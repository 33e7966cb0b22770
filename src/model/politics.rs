//! Participation and escalation: who takes part, when a holdout signs, and
//! what the government does when voluntary cooperation fails.
//!
//! Pressure on a lab rises by set amounts with each release that would have
//! been covered had the lab participated and with each incident attributed
//! to it, and halves every `pressure_half_life_days`. When it crosses a
//! threshold, the government reacts `reaction_delay_days` later if pressure
//! is still over the threshold then: first public pressure (a reputation
//! penalty in some segments, lifted when pressure falls back below the
//! threshold), then a directive (mandatory review, and/or suspension of the
//! lab's API models in some regions for a period). A lab that signs at a
//! hazard rate signs when the integrated rate passes an Exp(1) threshold
//! drawn at the start.

use rand::RngExt;
use rand_distr::Exp1;

use super::log::EventKind;
use super::world::{Event, World};
use crate::engine::{Context, SimTime};
use crate::scenario::{Access, Jurisdiction, Participation};

/// One lab's political state.
#[derive(Debug, Clone)]
pub(crate) struct LabPolitics {
    /// Participates now through signing or a directive (besides its terms).
    pub participating: bool,
    /// When it signed (by its terms or at its signing rate).
    pub signed_day: Option<f64>,
    /// A directive made review mandatory.
    pub mandatory: bool,
    pressure: f64,
    pressure_time: SimTime,
    pub pressure_max: f64,
    pub level_max: u64,
    pub public_active: bool,
    pending: [bool; 2],
    pub directive_day: Option<f64>,
    pub suspended_until: Option<SimTime>,
    suspended_since: SimTime,
    pub suspended_days: f64,
    signing_threshold: f64,
    signing_accumulated: f64,
}

impl LabPolitics {
    pub(crate) fn new(participation: Participation, rng: &mut crate::engine::StreamRng) -> Self {
        let signed_day = match participation {
            Participation::Signed => Some(0.0),
            _ => None,
        };
        LabPolitics {
            participating: false,
            signed_day,
            mandatory: false,
            pressure: 0.0,
            pressure_time: SimTime::ZERO,
            pressure_max: 0.0,
            level_max: 0,
            public_active: false,
            pending: [false; 2],
            directive_day: None,
            suspended_until: None,
            suspended_since: SimTime::ZERO,
            suspended_days: 0.0,
            signing_threshold: rng.sample(Exp1),
            signing_accumulated: 0.0,
        }
    }
}

impl World<'_> {
    /// Whether a lab takes part in the program at `now`: by its terms, by
    /// signing, or by directive.
    pub(super) fn participates(&self, lab: usize, now: SimTime) -> bool {
        self.scenario.labs[lab].participates_at(now) || self.politics[lab].participating
    }

    /// Whether a line of `access` at `lab` falls in the program's scope,
    /// participation aside: covered access and jurisdiction, and not carved
    /// out (a directive overrides carve-outs).
    pub(super) fn in_scope(&self, lab: usize, access: Access) -> bool {
        let spec = &self.scenario.labs[lab];
        self.scenario.review.covers(access, spec.jurisdiction)
            && (self.politics[lab].mandatory || !spec.carve_out.contains(&access))
    }

    /// Pressure on a lab at `now`, after decay.
    pub(super) fn pressure_at(&self, lab: usize, now: SimTime) -> f64 {
        let Some(escalation) = &self.scenario.escalation else {
            return 0.0;
        };
        let politics = &self.politics[lab];
        let days = now.since(politics.pressure_time).as_days();
        politics.pressure * 0.5f64.powf(days / escalation.pressure_half_life_days)
    }

    /// Adds pressure on a lab, and schedules the government's reaction to
    /// any threshold it crosses. Only labs of a covered jurisdiction face
    /// escalation.
    pub(super) fn add_pressure(
        &mut self,
        lab: usize,
        amount: f64,
        context: &mut Context<'_, Event>,
    ) {
        let Some(escalation) = &self.scenario.escalation else {
            return;
        };
        if amount <= 0.0
            || !self
                .scenario
                .review
                .covered_jurisdictions
                .contains(&self.scenario.labs[lab].jurisdiction)
        {
            return;
        }
        let now = context.now();
        let pressure = self.pressure_at(lab, now) + amount;
        let politics = &mut self.politics[lab];
        politics.pressure = pressure;
        politics.pressure_time = now;
        politics.pressure_max = politics.pressure_max.max(pressure);
        let thresholds = [escalation.public_threshold, escalation.directive_threshold];
        for (level, threshold) in thresholds.into_iter().enumerate() {
            let reached = match level {
                0 => politics.public_active,
                _ => politics.directive_day.is_some(),
            };
            if let Some(threshold) = threshold
                && pressure >= threshold
                && !reached
                && !politics.pending[level]
            {
                politics.pending[level] = true;
                context.schedule_in(
                    escalation.reaction_delay,
                    Event::Escalate {
                        lab,
                        level: level as u8 + 1,
                    },
                );
            }
        }
    }

    /// The government reacts to a threshold crossed a reaction delay ago,
    /// if pressure is still over it.
    pub(super) fn on_escalate(&mut self, lab: usize, level: u8, context: &mut Context<'_, Event>) {
        let Some(escalation) = &self.scenario.escalation else {
            return;
        };
        self.advance_to_now(context);
        let now = context.now();
        self.politics[lab].pending[usize::from(level - 1)] = false;
        let pressure = self.pressure_at(lab, now);
        let threshold = if level == 1 {
            escalation.public_threshold
        } else {
            escalation.directive_threshold
        };
        if !threshold.is_some_and(|t| pressure >= t) {
            return;
        }
        let politics = &mut self.politics[lab];
        politics.level_max = politics.level_max.max(u64::from(level));
        if level == 1 {
            if !politics.public_active {
                politics.public_active = true;
                self.log
                    .record_lab(now, EventKind::PublicPressure { started: true }, lab);
                self.set_public_penalty(lab, escalation.public_penalty);
            }
            return;
        }
        if politics.directive_day.is_some() {
            return;
        }
        politics.directive_day = Some(now.as_days());
        self.log.record_lab(now, EventKind::Directive, lab);
        if escalation.mandatory_review {
            politics.mandatory = true;
            politics.participating = true;
        }
        if escalation.suspend_api {
            politics.suspended_until = Some(now + escalation.suspension);
            politics.suspended_since = now;
            self.log.record_lab(now, EventKind::SuspensionStarted, lab);
            context.schedule_in(escalation.suspension, Event::SuspensionEnds { lab });
            self.sync_lab_availability(lab);
        }
        if self.first_directive.is_none() {
            self.first_directive = Some(now);
            if self.scenario.export_restriction.after_directive {
                self.restrict_exports(now);
            }
        }
    }

    /// A directive's suspension ends: the lab's API models return to those
    /// markets, with no adopters; they must win them back.
    pub(super) fn on_suspension_ends(&mut self, lab: usize, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let now = context.now();
        let politics = &mut self.politics[lab];
        if politics.suspended_until.take().is_none() {
            return;
        }
        politics.suspended_days += now.since(politics.suspended_since).as_days();
        self.log.record_lab(now, EventKind::SuspensionEnded, lab);
        self.sync_lab_availability(lab);
    }

    /// U.S. API models become unavailable in the foreign region.
    pub(super) fn restrict_exports(&mut self, now: SimTime) {
        if self.export_restricted {
            return;
        }
        self.export_restricted = true;
        self.log
            .record(now, EventKind::ExportRestricted, None, None);
        for lab in 0..self.scenario.labs.len() {
            if self.scenario.labs[lab].jurisdiction == Jurisdiction::Us {
                self.sync_lab_availability(lab);
            }
        }
    }

    fn set_public_penalty(&mut self, lab: usize, penalty: f64) {
        let (Some(escalation), Some(market)) = (&self.scenario.escalation, &mut self.market) else {
            return;
        };
        for &segment in &escalation.public_penalty_segments {
            market.set_lab_penalty(lab, segment, penalty);
        }
    }

    /// Whether a model is on offer in a segment now.
    pub(super) fn available_in(&self, model: usize, segment: usize) -> bool {
        let state = &self.models[model];
        if !state.harm.on_market {
            return false;
        }
        if state.harm.open_weights {
            return true;
        }
        let Some(market) = &self.scenario.market else {
            return true;
        };
        let region = market.segments[segment].region;
        let lab = state.who.lab as usize;
        let suspended = self.politics[lab].suspended_until.is_some()
            && self
                .scenario
                .escalation
                .as_ref()
                .is_some_and(|e| e.suspend_regions.contains(&region));
        let restricted = self.export_restricted
            && self.scenario.labs[lab].jurisdiction == Jurisdiction::Us
            && region == Jurisdiction::Foreign;
        !suspended && !restricted
    }

    /// Availability of a model in every segment.
    pub(super) fn availability(&self, model: usize) -> Vec<bool> {
        let segments = self
            .scenario
            .market
            .as_ref()
            .map_or(0, |m| m.segments.len());
        (0..segments)
            .map(|segment| self.available_in(model, segment))
            .collect()
    }

    fn sync_lab_availability(&mut self, lab: usize) {
        if self.market.is_none() {
            return;
        }
        let models: Vec<usize> = (0..self.models.len())
            .filter(|&m| self.models[m].who.lab as usize == lab && self.models[m].harm.on_market)
            .collect();
        for model in models {
            let availability = self.availability(model);
            if let Some(market) = &mut self.market {
                for (segment, available) in availability.into_iter().enumerate() {
                    market.set_available(model, segment, available);
                }
            }
        }
    }

    /// Signing at a hazard rate, and the end of public pressure once
    /// pressure falls back, over the `days` to `now`.
    pub(super) fn politics_step(&mut self, days: f64, now: SimTime) {
        let labs = &self.scenario.labs;
        for lab in 0..labs.len() {
            if let Participation::Signing(signing) = labs[lab].participation
                && !self.politics[lab].participating
                && days > 0.0
            {
                let peers: Vec<usize> = (0..labs.len())
                    .filter(|&other| {
                        other != lab && labs[other].jurisdiction == labs[lab].jurisdiction
                    })
                    .collect();
                let peers_in = peers
                    .iter()
                    .filter(|&&other| self.participates(other, now))
                    .count();
                let peer_share = if peers.is_empty() {
                    0.0
                } else {
                    peers_in as f64 / peers.len() as f64
                };
                let rate = signing.base_rate_per_day
                    + signing.peer_weight * peer_share
                    + signing.pressure_weight * self.pressure_at(lab, now);
                let politics = &mut self.politics[lab];
                politics.signing_accumulated += rate * days;
                if politics.signing_accumulated >= politics.signing_threshold {
                    politics.participating = true;
                    politics.signed_day = Some(now.as_days());
                    self.log.record_lab(now, EventKind::Signed, lab);
                }
            }
            if self.politics[lab].public_active
                && let Some(escalation) = &self.scenario.escalation
                && !escalation
                    .public_threshold
                    .is_some_and(|t| self.pressure_at(lab, now) >= t)
            {
                self.politics[lab].public_active = false;
                self.log
                    .record_lab(now, EventKind::PublicPressure { started: false }, lab);
                self.set_public_penalty(lab, 0.0);
            }
        }
    }

    /// Closes open suspensions at the horizon.
    pub(super) fn finish_politics(&mut self, horizon: SimTime) {
        for politics in &mut self.politics {
            if politics.suspended_until.is_some() {
                politics.suspended_days += horizon.since(politics.suspended_since).as_days();
            }
        }
    }
}
