//! How a replication starts: the incumbents on the market with their
//! adopters and derivatives, and the first events.

use super::{World, bounded_capability};
use crate::engine::SimTime;
use crate::model::event::Event;
use crate::model::log::ModelRef;
use crate::model::world::ModelState;
use crate::scenario::{Access, Participation};

impl World<'_> {
    /// Puts each line's incumbent (its last release before the start) on
    /// the market, and gives the market its adopters on day 0.
    pub(super) fn place_incumbents(&mut self) {
        for line in 0..self.lines.len() {
            let Some(day) = self.lines.spec(line).incumbent_released_day else {
                continue;
            };
            let lag = self.lines.incumbent_lag(line);
            let capability =
                bounded_capability(self.scenario.capability.frontier_at_day(day) - lag);
            let (model, _) = self.add_model(line, 0, capability, SimTime::ZERO);
            self.models[model].released = Some(SimTime::ZERO);
            self.harm.put_on_market(model);
            self.offer(model, false, SimTime::ZERO);
            let (derivatives, line_total) = self.harm.place_incumbent(model, day);
            if self.harm.open_weights(model) {
                self.tallies.lab(self.lines.lab(line)).derivatives += derivatives;
                if let Some(market) = &mut self.market {
                    market.set_line_derivatives(line, line_total as f64);
                }
            }
        }
        if let Some(market) = &mut self.market {
            market.seed_adopters();
        }
    }

    /// A model of `line` numbered `number`, with its hazard drawn.
    pub(super) fn add_model(
        &mut self,
        line: usize,
        number: u32,
        capability: f64,
        ready: SimTime,
    ) -> (usize, ModelRef) {
        let who = ModelRef {
            lab: self.lines.lab(line) as u32,
            line: line as u32,
            number,
        };
        let open_weights = self.lines.spec(line).access == Access::OpenWeights;
        let hazard_rng = self.lines.hazard_rng(line);
        self.harm.add(who, open_weights, capability, hazard_rng);
        self.models.push(ModelState {
            who,
            ready,
            capability,
            covered: false,
            in_scope: false,
            released: None,
            track_durations: 0..0,
            review: None,
        });
        (self.models.len() - 1, who)
    }

    /// The events that start a replication: an export restriction set for a
    /// day, the first market step, the program becoming operational, each
    /// line's first model, and the horizon, where the continuous processes
    /// are brought up to date whether or not a market step falls on it
    /// (whatever else happens at the horizon then advances them by
    /// nothing).
    pub fn initial_events(&mut self) -> Vec<(SimTime, Event)> {
        let scenario = self.scenario;
        let mut events = Vec::with_capacity(self.lines.len() + 4);
        events.push((scenario.horizon, Event::Horizon));
        if let Some(from) = scenario.export_restriction.from_at {
            events.push((from, Event::ExportRestriction));
        }
        let has_politics = scenario.escalation.is_some()
            || (scenario.labs.iter())
                .any(|l| matches!(l.participation_rule, Participation::Signing(_)));
        // Open-weights models need daily steps only for their derivatives.
        let has_open_weights = scenario.ecosystem.derivatives_per_day_initial > 0.0
            && (0..self.lines.len())
                .any(|line| self.lines.spec(line).access == Access::OpenWeights);
        if self.market.is_some()
            || self.sampler.active()
            || scenario.hazard.is_some()
            || has_open_weights
            || has_politics
        {
            events.push((SimTime::ZERO, Event::Tick));
        }
        if scenario.review.is_active() {
            events.push((scenario.review.operational_at, Event::Operational));
            events.extend(self.program.initial_events());
        }
        for (time, line) in self.lines.first_ready() {
            events.push((time, Event::Ready { line }));
        }
        events
    }
}
