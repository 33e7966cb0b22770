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
//!
//! [`Politics`] owns every lab's political state and schedules its own
//! events (the government's reactions, the end of a suspension); what its
//! decisions mean for the market is applied by the world.

use rand::RngExt;
use rand_distr::Exp1;

use super::event::Event;
use super::streams;
use crate::engine::{Context, SimTime, StreamRng, StreamSeed};
use crate::scenario::{Access, Jurisdiction, Participation, Scenario};

/// One lab's political state.
#[derive(Debug, Clone)]
pub(crate) struct LabPolitics {
    /// Participates now through signing or a directive (besides its terms).
    participating: bool,
    /// When it signed (by its terms or at its signing rate).
    pub signed_day: Option<f64>,
    /// A directive made review mandatory.
    mandatory: bool,
    pressure: f64,
    pressure_time: SimTime,
    pub pressure_max: f64,
    pub level_max: u64,
    pub public_active: bool,
    pending: [bool; 2],
    pub directive_day: Option<f64>,
    suspended_until: Option<SimTime>,
    suspended_since: SimTime,
    pub suspended_days: f64,
    signing_threshold: f64,
    signing_accumulated: f64,
}

impl LabPolitics {
    fn new(participation: Participation, rng: &mut StreamRng) -> Self {
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

/// What the government did when it reacted to a lab's pressure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escalation {
    /// Nothing: pressure fell back, or the step was taken already.
    Nothing,
    /// Public pressure started: the lab's reputation suffers.
    PublicPressure,
    /// A directive: review is mandatory if the policy says so; the lab's API
    /// models are `suspended` in some regions; and, if it is the first
    /// directive and the policy says so, exports are to be restricted.
    Directive {
        suspended: bool,
        restrict_exports: bool,
    },
}

/// A change a step of politics brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// The lab signed up at its signing rate.
    Signed { lab: usize },
    /// Pressure fell below the public threshold: the penalty is lifted.
    PublicPressureEnded { lab: usize },
}

/// Every lab's political state in one replication.
pub(crate) struct Politics<'s> {
    scenario: &'s Scenario,
    labs: Vec<LabPolitics>,
    export_restricted: bool,
    first_directive: Option<SimTime>,
    changes: Vec<Change>,
}

impl<'s> Politics<'s> {
    /// Each lab's state, its signing threshold drawn from its stream.
    pub(crate) fn new(scenario: &'s Scenario, seed: &StreamSeed) -> Self {
        let labs = scenario
            .labs
            .iter()
            .enumerate()
            .map(|(index, lab)| {
                LabPolitics::new(
                    lab.participation_rule,
                    &mut seed.stream(streams::POLITICS, index as u32),
                )
            })
            .collect();
        Politics {
            scenario,
            labs,
            export_restricted: false,
            first_directive: None,
            changes: Vec::new(),
        }
    }

    /// A lab's state.
    pub(crate) fn lab(&self, lab: usize) -> &LabPolitics {
        &self.labs[lab]
    }

    /// Whether a lab takes part in the program at `now`: by its terms, by
    /// signing, or by directive.
    pub(crate) fn participates(&self, lab: usize, now: SimTime) -> bool {
        self.scenario.labs[lab].participates_at(now) || self.labs[lab].participating
    }

    /// Whether a line of `access` at `lab` falls in the program's scope,
    /// participation aside: covered access and jurisdiction, and not carved
    /// out (a directive overrides carve-outs).
    pub(crate) fn in_scope(&self, lab: usize, access: Access) -> bool {
        let mandatory = self.labs[lab].mandatory;
        self.scenario.labs[lab].in_scope(access, &self.scenario.review, mandatory)
    }

    /// Whether a directive made the lab's review mandatory.
    pub(crate) fn mandatory(&self, lab: usize) -> bool {
        self.labs[lab].mandatory
    }

    /// The escalation in force: 0 none, 1 public pressure, 2 directive.
    pub(crate) fn level(&self, lab: usize) -> u64 {
        let politics = &self.labs[lab];
        if politics.directive_day.is_some() {
            2
        } else {
            u64::from(politics.public_active)
        }
    }

    /// The first directive to any lab.
    pub(crate) fn first_directive(&self) -> Option<SimTime> {
        self.first_directive
    }

    /// Pressure on a lab at `now`, after decay.
    pub(crate) fn pressure_at(&self, lab: usize, now: SimTime) -> f64 {
        let Some(escalation) = &self.scenario.escalation else {
            return 0.0;
        };
        let politics = &self.labs[lab];
        let days = now.since(politics.pressure_time).as_days();
        politics.pressure * 0.5f64.powf(days / escalation.pressure_half_life_days)
    }

    /// Whether a lab's API models may be offered in a region now: not under
    /// a directive's suspension there, nor restricted from export.
    pub(crate) fn api_available(&self, lab: usize, region: Jurisdiction) -> bool {
        let suspended = self.labs[lab].suspended_until.is_some()
            && self
                .scenario
                .escalation
                .as_ref()
                .is_some_and(|e| e.directive.suspend_regions.contains(&region));
        let restricted = self.export_restricted
            && self.scenario.labs[lab].jurisdiction == Jurisdiction::Us
            && region == Jurisdiction::Foreign;
        !suspended && !restricted
    }

    /// Adds pressure on a lab, and schedules the government's reaction to
    /// any threshold it crosses. Only labs of a covered jurisdiction face
    /// escalation.
    pub(crate) fn add_pressure(
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
        let politics = &mut self.labs[lab];
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
                    escalation.reaction_delay(),
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
    pub(crate) fn escalate(
        &mut self,
        lab: usize,
        level: u8,
        context: &mut Context<'_, Event>,
    ) -> Escalation {
        let Some(escalation) = &self.scenario.escalation else {
            return Escalation::Nothing;
        };
        let now = context.now();
        self.labs[lab].pending[usize::from(level - 1)] = false;
        let pressure = self.pressure_at(lab, now);
        let threshold = if level == 1 {
            escalation.public_threshold
        } else {
            escalation.directive_threshold
        };
        if !threshold.is_some_and(|t| pressure >= t) {
            return Escalation::Nothing;
        }
        let politics = &mut self.labs[lab];
        politics.level_max = politics.level_max.max(u64::from(level));
        if level == 1 {
            if politics.public_active {
                return Escalation::Nothing;
            }
            politics.public_active = true;
            return Escalation::PublicPressure;
        }
        if politics.directive_day.is_some() {
            return Escalation::Nothing;
        }
        politics.directive_day = Some(now.as_days());
        if escalation.directive.mandatory_review {
            politics.mandatory = true;
            politics.participating = true;
        }
        if escalation.directive.suspend_api {
            politics.suspended_until = Some(now + escalation.directive.suspension());
            politics.suspended_since = now;
            context.schedule_in(
                escalation.directive.suspension(),
                Event::SuspensionEnds { lab },
            );
        }
        let first = self.first_directive.is_none();
        if first {
            self.first_directive = Some(now);
        }
        Escalation::Directive {
            suspended: escalation.directive.suspend_api,
            restrict_exports: first && self.scenario.export_restriction.after_directive,
        }
    }

    /// A directive's suspension ends. Returns whether one was in force.
    pub(crate) fn end_suspension(&mut self, lab: usize, now: SimTime) -> bool {
        let politics = &mut self.labs[lab];
        if politics.suspended_until.take().is_none() {
            return false;
        }
        politics.suspended_days += now.since(politics.suspended_since).as_days();
        true
    }

    /// U.S. API models become unavailable in the foreign region. Returns
    /// whether that is new.
    pub(crate) fn restrict_exports(&mut self) -> bool {
        !std::mem::replace(&mut self.export_restricted, true)
    }

    /// What the last [`Politics::step`] changed, in lab order.
    pub(crate) fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Signing at a hazard rate, and the end of public pressure once
    /// pressure falls back, over the `days` to `now`; see
    /// [`Politics::changes`].
    pub(crate) fn step(&mut self, days: f64, now: SimTime) {
        self.changes.clear();
        let labs = &self.scenario.labs;
        for lab in 0..labs.len() {
            if let Participation::Signing(signing) = labs[lab].participation_rule
                && !self.labs[lab].participating
                && days > 0.0
            {
                let jurisdiction = labs[lab].jurisdiction;
                let (mut peers, mut peers_in) = (0usize, 0usize);
                for other in (0..labs.len()).filter(|&o| o != lab) {
                    if labs[other].jurisdiction == jurisdiction {
                        peers += 1;
                        peers_in += usize::from(self.participates(other, now));
                    }
                }
                let peer_share = if peers == 0 {
                    0.0
                } else {
                    peers_in as f64 / peers as f64
                };
                let rate = signing.base_rate_per_day
                    + signing.peer_weight * peer_share
                    + signing.pressure_weight * self.pressure_at(lab, now);
                let politics = &mut self.labs[lab];
                politics.signing_accumulated += rate * days;
                if politics.signing_accumulated >= politics.signing_threshold {
                    politics.participating = true;
                    politics.signed_day = Some(now.as_days());
                    self.changes.push(Change::Signed { lab });
                }
            }
            if self.labs[lab].public_active
                && let Some(escalation) = &self.scenario.escalation
                && !escalation
                    .public_threshold
                    .is_some_and(|t| self.pressure_at(lab, now) >= t)
            {
                self.labs[lab].public_active = false;
                self.changes.push(Change::PublicPressureEnded { lab });
            }
        }
    }

    /// Closes open suspensions at the horizon.
    pub(crate) fn finish(&mut self, horizon: SimTime) {
        for politics in &mut self.labs {
            if politics.suspended_until.is_some() {
                politics.suspended_days += horizon.since(politics.suspended_since).as_days();
            }
        }
    }
}
