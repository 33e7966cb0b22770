//! The world of one replication: the components, and the links between
//! them, in one place.
//!
//! Each mechanism is a component that owns its state: [`Lines`] make models
//! ready, the [`ReviewProgram`] reviews them, [`Harm`] follows their hazards
//! and ecosystems, [`Politics`] follows participation and escalation, the
//! [`Market`] adopts them, the [`CapabilityLead`] tracks the most capable.
//! The world keeps the models, routes each event to the component it
//! concerns, and applies what components decide to the others: a release
//! reaches the market, the lead and harm; an incident raises pressure; a
//! directive changes what the market may offer. Outcomes are counted in one
//! place, the [`Tallies`].

use super::event::Event;
use super::harm::Harm;
use super::lead::CapabilityLead;
use super::lines::Lines;
use super::log::{EventKind, EventLog, ModelRef, ReleaseHow};
use super::market::{Market, Offer};
use super::outcomes::{Books, Tallies, WorldOutcomes};
use super::politics::{Change, Politics};
use super::record::{Recording, Spills};
use super::review::{ReviewProgram, Route, Submission, Verdict, route};
use super::series::{RecordedTable, Sampler, View};
use super::spare::Kept;
use super::streams;
use crate::engine::{Context, Model, SimDuration, SimTime, Simulation, StreamSeed};
use crate::scenario::{CycleStart, OnExpiry, Scenario};

/// A model that has been ready (or was on the market at the start).
struct ModelState {
    who: ModelRef,
    ready: SimTime,
    capability: f64,
    covered: bool,
    /// Would have been covered had its lab participated.
    in_scope: bool,
    released: Option<SimTime>,
    /// Review time on each track, drawn when ready: where they are in the
    /// world's `durations`; consumed at submission.
    track_durations: std::ops::Range<usize>,
    /// Its review, once submitted.
    review: Option<usize>,
}

/// Everything one replication tracks.
pub struct World<'s> {
    scenario: &'s Scenario,
    lines: Lines<'s>,
    models: Kept<ModelState>,
    /// Every model's review time on each track, in one list.
    durations: Kept<SimDuration>,
    awaiting_program: Vec<usize>,
    program: ReviewProgram,
    market: Option<Market<'s>>,
    lead: CapabilityLead,
    harm: Harm<'s>,
    politics: Politics<'s>,
    tallies: Tallies,
    log: EventLog<'s>,
    sampler: Sampler<'s>,
    /// When the continuous processes were last brought up to date.
    last_advance: SimTime,
}

/// What a replication records, and where full batches of it go. A bare
/// [`Recording`] converts to one that spills nothing: the outcomes then
/// hold every record.
#[derive(Default)]
pub struct Records<'s> {
    /// What to record.
    pub recording: Recording,
    /// Where full batches of the event log and time series are handed as
    /// they fill.
    pub spills: Spills<'s>,
}

impl From<Recording> for Records<'_> {
    fn from(recording: Recording) -> Self {
        Records {
            recording,
            spills: Spills::default(),
        }
    }
}

impl<'s> World<'s> {
    /// A world at time zero with every stream derived from `seed`, and the
    /// lines' incumbent models on the market.
    pub fn new(scenario: &'s Scenario, seed: StreamSeed, records: impl Into<Records<'s>>) -> Self {
        let Records {
            recording,
            mut spills,
        } = records.into();
        let lines = Lines::new(scenario, &seed);
        let lab_count = scenario.labs.len();
        let market = scenario.market.as_ref().map(|spec| {
            Market::new(
                spec,
                lab_count,
                lines.len(),
                seed.stream(streams::MARKET, 0),
            )
        });
        let mut world = World {
            harm: Harm::new(scenario, seed, lines.len()),
            politics: Politics::new(scenario, &seed),
            lines,
            scenario,
            models: Kept::new(&MODELS),
            durations: Kept::new(&DURATIONS),
            awaiting_program: Vec::new(),
            program: ReviewProgram::new(scenario),
            market,
            lead: CapabilityLead::new(lab_count),
            tallies: Tallies::new(lab_count),
            log: EventLog::new(
                recording.events,
                spills.take(RecordedTable::index_of::<super::log::EventRecord>()),
            ),
            sampler: Sampler::new(recording, &mut spills),
            last_advance: SimTime::ZERO,
        };
        world.place_incumbents();
        world
    }

    /// Runs one replication to the scenario's horizon. With spills, the
    /// outcomes hold only the records that were not spilled.
    pub fn simulate(
        scenario: &'s Scenario,
        seed: StreamSeed,
        records: impl Into<Records<'s>>,
    ) -> WorldOutcomes {
        let mut world = World::new(scenario, seed, records);
        let initial = world.initial_events();
        let mut simulation = Simulation::new(world);
        // Nothing after the horizon is handled: do not queue it.
        simulation.discard_after(scenario.horizon);
        for (time, event) in initial {
            simulation.schedule_at(time, event);
        }
        simulation.run_until(scenario.horizon);
        simulation.into_model().finish(scenario.horizon)
    }

    /// A line's next model is ready: covered or not, reviewed or released.
    fn on_ready(&mut self, line: usize, context: &mut Context<'_, Event>) {
        let now = context.now();
        let first = self.durations.len();
        let made = self.lines.make(line, &mut self.durations);
        let drawn = first..self.durations.len();
        let (lab, spec) = (self.lines.lab(line), self.lines.spec(line));
        let frontier = self.scenario.capability.frontier_at(now);
        let capability = bounded_capability(frontier - made.capability_lag);
        let review = &self.scenario.review;
        let in_scope = self.politics.in_scope(lab, spec.access)
            && review.capability_rule.admits(capability, frontier);
        let covered = in_scope && self.politics.participates(lab, now);
        let (model, who) = self.add_model(line, made.number, capability, now);
        let state = &mut self.models[model];
        state.covered = covered;
        state.in_scope = in_scope && !covered;
        state.track_durations = drawn;
        self.tallies.lab(lab).models_ready += 1;
        self.log.record(now, EventKind::Ready, Some(who), None);
        self.lines
            .next_cycle_at(line, CycleStart::Ready, now, context);
        match route(covered, review, self.lab_window(lab), now) {
            Route::Release(how) => self.release(model, how, context),
            Route::Await => {
                self.awaiting_program.push(model);
                self.log
                    .record(now, EventKind::AwaitingProgram, Some(who), None);
            }
            Route::Submit => self.submit(model, context),
        }
    }

    fn submit(&mut self, model: usize, context: &mut Context<'_, Event>) {
        let state = &mut self.models[model];
        let durations = std::mem::replace(&mut state.track_durations, 0..0);
        let who = state.who;
        let lab = who.lab as usize;
        let window = self.lab_window(lab);
        let hold = self.scenario.review.on_expiry == OnExpiry::Hold || self.politics.mandatory(lab);
        let submission = Submission {
            model,
            who,
            window,
            hold,
        };
        let review = self.program.submit(
            submission,
            &self.durations[durations],
            context,
            &mut self.log,
        );
        self.models[model].review = Some(review);
    }

    fn on_operational(&mut self, context: &mut Context<'_, Event>) {
        self.log
            .record(context.now(), EventKind::Operational, None, None);
        for model in std::mem::take(&mut self.awaiting_program) {
            self.submit(model, context);
        }
    }

    fn on_verdict(&mut self, verdict: Option<Verdict>, context: &mut Context<'_, Event>) {
        match verdict {
            Some(Verdict::Completed { model }) if self.models[model].released.is_none() => {
                self.conclude_review(model, ReleaseHow::Reviewed, context);
            }
            Some(Verdict::Expired { model, release }) => {
                let lab = self.models[model].who.lab as usize;
                self.tallies.lab(lab).reviews_past_window += 1;
                if release {
                    self.conclude_review(model, ReleaseHow::WindowExpired, context);
                }
            }
            Some(Verdict::Completed { .. }) | None => {}
        }
    }

    /// A model reaches the public: counted, offered to the market, its
    /// ecosystem started; a release outside review adds pressure; and a line
    /// whose cycle starts at release begins its next model.
    fn release(&mut self, model: usize, how: ReleaseHow, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        let now = context.now();
        let state = &mut self.models[model];
        state.released = Some(now);
        let (who, covered) = (state.who, state.covered);
        let lab = who.lab as usize;
        let delay = now.since(state.ready).as_days();
        self.tallies.released(lab, how, covered, delay);
        self.log
            .record(now, EventKind::Released(how), Some(who), None);
        self.harm.put_on_market(model);
        if self.offer(model, how == ReleaseHow::Reviewed, now) {
            self.tallies.lab(lab).releases_at_frontier += 1;
        }
        let released = self.harm.release(model);
        if released.hazardous {
            let open_weights = self.harm.open_weights(model);
            let tally = self.tallies.lab(lab);
            tally.hazardous_releases += 1;
            if how != ReleaseHow::Reviewed {
                tally.hazardous_unreviewed_releases += 1;
                self.tallies.hazardous_unreviewed_open_weights += u64::from(open_weights);
            }
        }
        if let Some(days) = released.strip_after {
            let delay = SimDuration::from_days(days);
            context.schedule_in(delay, Event::SafeguardsStripped { model });
        }
        if self.models[model].in_scope
            && let Some(escalation) = &self.scenario.escalation
        {
            let pressure = escalation.pressure_per_uncovered_release;
            self.politics.add_pressure(lab, pressure, context);
        }
        let line = who.line as usize;
        self.lines
            .next_cycle_at(line, CycleStart::Release, now, context);
    }

    /// A released model reaches the market and the capability lead. Returns
    /// whether it is the most capable model available.
    fn offer(&mut self, model: usize, reviewed: bool, now: SimTime) -> bool {
        let availability = self.availability(model);
        let state = &self.models[model];
        let lab = state.who.lab as usize;
        if let Some(market) = &mut self.market {
            let offer = Offer {
                model,
                line: state.who.line as usize,
                lab,
                capability: state.capability,
                open_weights: self.harm.open_weights(model),
                reviewed,
            };
            market.add(offer, &availability);
        }
        self.lead.release(model, lab, state.capability, now)
    }

    /// Brings the continuous processes (adoption, derivatives, exposure and
    /// incidents, signing, pressure) up to now with the rates that held
    /// since the last advance. Called at every market step, before anything
    /// that changes those rates (a release, a suspension, a patch, ...), so
    /// a change made between two steps counts only from the moment it was
    /// made, and at the horizon, so every outcome integrates up to it. A
    /// second call at the same time advances by nothing and changes
    /// nothing.
    fn advance_to_now(&mut self, context: &mut Context<'_, Event>) {
        let now = context.now();
        if let Some(market) = &mut self.market {
            market.step(now);
        }
        let days = now.since(self.last_advance).as_days();
        self.last_advance = now;
        self.advance_harm(days, context);
        self.politics.step(days, now);
        for index in 0..self.politics.changes().len() {
            match self.politics.changes()[index] {
                Change::Signed { lab } => self.log.record_lab(now, EventKind::Signed, lab),
                Change::PublicPressureEnded { lab } => {
                    let kind = EventKind::PublicPressure { started: false };
                    self.log.record_lab(now, kind, lab);
                    self.set_public_penalty(lab, 0.0);
                }
            }
        }
    }

    fn on_tick(&mut self, context: &mut Context<'_, Event>) {
        self.advance_to_now(context);
        if let Some(day) = self.sampler.due(context.now()) {
            self.sampler.sample(&View {
                day,
                now: context.now(),
                market: self.market.as_ref(),
                program: &self.program,
                politics: &self.politics,
                lab_count: self.scenario.labs.len(),
            });
        }
        let step = match &self.market {
            Some(market) => market.step_length(),
            None => SimDuration::from_days(1.0),
        };
        context.schedule_in(step, Event::Tick);
    }

    /// The review window of a lab: its expedited terms, or the program's.
    fn lab_window(&self, lab: usize) -> SimDuration {
        self.scenario.labs[lab].window(&self.scenario.review)
    }

    /// Closes the books at the horizon.
    pub fn finish(mut self, horizon: SimTime) -> WorldOutcomes {
        self.politics.finish(horizon);
        let lab_count = self.scenario.labs.len();
        let mut unreleased = vec![0u64; lab_count];
        for model in self.models.iter().filter(|m| m.who.number > 0) {
            if model.released.is_none() {
                unreleased[model.who.lab as usize] += 1;
            }
        }
        let segments = match &mut self.market {
            Some(market) => market.finish(horizon, lab_count),
            None => vec![Vec::new(); lab_count],
        };
        let recorded = self.sampler.into_recorded(self.log.into_rows());
        Books {
            scenario: self.scenario,
            horizon,
            tallies: self.tallies,
            unreleased,
            segments,
            lead_days: self.lead.finish(horizon),
            program: self.program,
            politics: &self.politics,
            harm: self.harm.totals(),
        }
        .close(recorded)
    }
}

thread_local! {
    /// The per-model lists, kept for the next replication on the thread.
    static MODELS: std::cell::Cell<Vec<ModelState>> = const { std::cell::Cell::new(Vec::new()) };
    static DURATIONS: std::cell::Cell<Vec<SimDuration>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Capabilities beyond ±10^12 frontier-months are taken as ±10^12: a lag
/// drawn from a very wide distribution may be infinite, and an infinite
/// capability would make choice utilities undefined. Nothing within a
/// trillion months of the frontier is affected.
fn bounded_capability(capability: f64) -> f64 {
    capability.clamp(-MAX_CAPABILITY, MAX_CAPABILITY)
}

/// See [`bounded_capability`].
const MAX_CAPABILITY: f64 = 1e12;

impl Model for World<'_> {
    type Event = Event;

    fn handle(&mut self, event: Event, context: &mut Context<'_, Event>) {
        match event {
            Event::Ready { line } => self.on_ready(line, context),
            Event::Operational => self.on_operational(context),
            Event::Review(event) => {
                let verdict = self.program.handle(event, context, &mut self.log);
                self.on_verdict(verdict, context);
            }
            Event::Tick => self.on_tick(context),
            Event::MitigationDone { model } => self.on_mitigation_done(model, context),
            Event::SafeguardsStripped { model } => self.on_safeguards_stripped(model, context),
            Event::Response { model } => self.on_response(model, context),
            Event::Escalate { lab, level } => self.on_escalate(lab, level, context),
            Event::SuspensionEnds { lab } => self.on_suspension_ends(lab, context),
            Event::ExportRestriction => {
                self.advance_to_now(context);
                self.restrict_exports(context.now());
            }
            Event::Horizon => self.advance_to_now(context),
        }
    }
}

mod harm_links;
mod politics_links;
mod start;
#[cfg(test)]
mod tests;
