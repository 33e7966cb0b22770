//! The world's links to [`Politics`](crate::model::politics::Politics): the government's reactions, the end
//! of suspensions and export restrictions, and what they mean for where the
//! market may offer each model.

use super::World;
use crate::engine::{Context, SimTime};
use crate::model::event::Event;
use crate::model::log::EventKind;
use crate::model::politics::Escalation;
use crate::scenario::Jurisdiction;

impl World<'_> {
    /// The government reacts to a lab's pressure; the market learns what
    /// that means.
    pub(super) fn on_escalate(&mut self, lab: usize, level: u8, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let now = context.now();
        match self.politics.escalate(lab, level, context) {
            Escalation::Nothing => {}
            Escalation::PublicPressure => {
                let kind = EventKind::PublicPressure { started: true };
                self.log.record_lab(now, kind, lab);
                let penalty = self
                    .scenario
                    .escalation
                    .as_ref()
                    .map_or(0.0, |e| e.public_penalty);
                self.set_public_penalty(lab, penalty);
            }
            Escalation::Directive {
                suspended,
                restrict_exports,
            } => {
                self.log.record_lab(now, EventKind::Directive, lab);
                if suspended {
                    self.log.record_lab(now, EventKind::SuspensionStarted, lab);
                    self.sync_availability(lab);
                }
                if restrict_exports {
                    self.restrict_exports(now);
                }
            }
        }
    }

    pub(super) fn on_suspension_ends(&mut self, lab: usize, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let now = context.now();
        if self.politics.end_suspension(lab, now) {
            self.log.record_lab(now, EventKind::SuspensionEnded, lab);
            self.sync_availability(lab);
        }
    }

    /// U.S. API models become unavailable in the foreign region.
    pub(super) fn restrict_exports(&mut self, now: SimTime) {
        if !self.politics.restrict_exports() {
            return;
        }
        self.log
            .record(now, EventKind::ExportRestricted, None, None);
        for lab in 0..self.scenario.labs.len() {
            if self.scenario.labs[lab].jurisdiction == Jurisdiction::Us {
                self.sync_availability(lab);
            }
        }
    }

    /// Sets a lab's public-pressure penalty in the segments it applies to.
    pub(super) fn set_public_penalty(&mut self, lab: usize, penalty: f64) {
        if let (Some(escalation), Some(market)) = (&self.scenario.escalation, &mut self.market) {
            for &segment in &escalation.penalty_segments {
                market.set_lab_penalty(lab, segment, penalty);
            }
        }
    }

    /// Whether a model is on offer in each segment now.
    pub(super) fn availability(&self, model: usize) -> Vec<bool> {
        let Some(market) = &self.scenario.market else {
            return Vec::new();
        };
        let lab = self.models[model].who.lab as usize;
        let on_market = self.harm.on_market(model);
        let open_weights = self.harm.open_weights(model);
        (market.segments.iter())
            .map(|s| on_market && (open_weights || self.politics.api_available(lab, s.region)))
            .collect()
    }

    /// Tells the market where each of a lab's models on the market may be
    /// offered now.
    pub(super) fn sync_availability(&mut self, lab: usize) {
        if self.market.is_none() {
            return;
        }
        for model in 0..self.models.len() {
            if self.models[model].who.lab as usize != lab || !self.harm.on_market(model) {
                continue;
            }
            let availability = self.availability(model);
            if let Some(market) = &mut self.market {
                for (segment, available) in availability.into_iter().enumerate() {
                    market.set_available(model, segment, available);
                }
            }
        }
    }
}
