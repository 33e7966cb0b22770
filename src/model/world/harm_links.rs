//! The world's links to [`Harm`](crate::model::harm::Harm): what a review found, mitigation, the
//! spread of derivatives and incidents, and labs' responses to incidents.

use super::World;
use crate::engine::{Context, SimDuration};
use crate::model::event::Event;
use crate::model::harm::{Finding, Response};
use crate::model::log::{EventKind, ReleaseHow};
use crate::scenario::CycleStart;

impl World<'_> {
    /// A review ended with the lab free to release: what it found decides
    /// whether the model is released now, after mitigation, or not at all.
    pub(super) fn conclude_review(
        &mut self,
        model: usize,
        how: ReleaseHow,
        context: &mut Context<'_, Event>,
    ) {
        let Some(review) = self.models[model].review else {
            return self.release(model, how, context);
        };
        let fractions = self.program.fractions_done(review);
        let finding = self.harm.review_finding(model, fractions, how);
        if finding == Finding::Nothing {
            return self.release(model, how, context);
        }
        let (now, who) = (context.now(), self.models[model].who);
        let tally = self.tallies.lab(who.lab as usize);
        tally.hazards_detected += 1;
        self.log
            .record(now, EventKind::HazardDetected, Some(who), None);
        match finding {
            Finding::Blocked => {
                self.tallies.lab(who.lab as usize).blocked_releases += 1;
                self.log
                    .record(now, EventKind::ReleaseBlocked, Some(who), None);
                let line = who.line as usize;
                self.lines
                    .next_cycle_at(line, CycleStart::Release, now, context);
            }
            Finding::Mitigate { days } => {
                self.tallies.lab(who.lab as usize).mitigations += 1;
                let delay = SimDuration::from_days(days);
                context.schedule_in(delay, Event::MitigationDone { model });
            }
            Finding::Nothing => {}
        }
    }

    pub(super) fn on_mitigation_done(&mut self, model: usize, context: &mut Context<'_, Event>) {
        if let Some((removed, how)) = self.harm.mitigation_done(model) {
            let who = self.models[model].who;
            let kind = EventKind::MitigationCompleted { removed };
            self.log.record(context.now(), kind, Some(who), None);
            self.release(model, how, context);
        }
    }

    pub(super) fn on_response(&mut self, model: usize, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let (now, who) = (context.now(), self.models[model].who);
        let tally = self.tallies.lab(who.lab as usize);
        match self.harm.respond(model) {
            Response::Nothing => {}
            Response::Patched => {
                tally.patches += 1;
                self.log.record(now, EventKind::Patched, Some(who), None);
            }
            Response::Suspended => {
                tally.suspensions += 1;
                self.log.record(now, EventKind::Suspended, Some(who), None);
                if let Some(market) = &mut self.market {
                    market.withdraw(model);
                }
                self.lead.withdraw(model, now);
            }
        }
    }

    pub(super) fn on_safeguards_stripped(
        &mut self,
        model: usize,
        context: &mut Context<'_, Event>,
    ) {
        self.advance_to_now(context);
        if self.harm.strip(model) {
            let who = self.models[model].who;
            self.tallies.lab(who.lab as usize).safeguards_stripped += 1;
            let kind = EventKind::SafeguardsStripped;
            self.log.record(context.now(), kind, Some(who), None);
        }
    }

    /// Derivatives and incidents over `days`: derivatives reach the market's
    /// ecosystem terms, incidents are counted and logged, API models' labs
    /// respond, and every incident adds pressure on its lab.
    pub(super) fn advance_harm(&mut self, days: f64, context: &mut Context<'_, Event>) {
        let now = context.now();
        let spread = self.harm.spread(days);
        for &(lab, count) in spread.derivatives {
            self.tallies.lab(lab as usize).derivatives += count;
        }
        if let Some(market) = &mut self.market {
            for &(line, total) in spread.lines {
                market.set_line_derivatives(line, total as f64);
            }
        }
        if !self.harm.may_harm(days) {
            return;
        }
        let exposure = self.harm.exposure_scratch();
        if let Some(market) = &self.market {
            market.add_exposure(exposure);
        }
        let incidents = self.harm.incidents(days);
        for incident in incidents {
            self.tallies.lab(incident.who.lab as usize).incidents += incident.count;
            if let Some(days) = incident.response_after {
                let model = incident.model;
                context.schedule_in(SimDuration::from_days(days), Event::Response { model });
            }
            for _ in 0..incident.count {
                self.log
                    .record(now, EventKind::Incident, Some(incident.who), None);
            }
        }
        if let Some(escalation) = &self.scenario.escalation {
            for incident in incidents {
                let pressure = escalation.pressure_per_incident * incident.count as f64;
                let lab = incident.who.lab as usize;
                self.politics.add_pressure(lab, pressure, context);
            }
        }
    }
}
