//! The world of one replication: labs, lines, models and their release.

use super::harm::{Harm, HarmTotals};
use super::lead::CapabilityLead;
use super::log::{EventKind, EventLog, EventRecord, ModelRef, ReleaseHow};
use super::market::{Market, Offer};
use super::outcomes::{LabOutcome, SystemOutcome};
use super::politics::LabPolitics;
use super::review::{ReviewProgram, Submission, Verdict};
use super::series::{AdoptionSample, PressureSample, QueueSample, Recorder, Recording, Spills};
use super::streams;
use crate::engine::{Context, Model, SimDuration, SimTime, Simulation, StreamRng, StreamSeed};
use crate::scenario::{Access, BeforeOperational, Cadence, CycleStart, Line, Scenario};

/// The model's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A line's next model is ready (index across all labs' lines).
    Ready { line: usize },
    /// The review program becomes operational.
    Operational,
    /// A track finishes a review task.
    TrackDone { task: usize },
    /// A review's window ends.
    WindowExpired { review: usize },
    /// A market step, derivatives and incidents, and a time-series sample
    /// when one is due.
    Tick,
    /// Mitigation of a detected hazard ends.
    MitigationDone { model: usize },
    /// A derivative strips an open-weights model's safeguards.
    SafeguardsStripped { model: usize },
    /// The lab responds to an incident with an API model.
    Response { model: usize },
    /// The government reacts to a lab's pressure (1: public, 2: directive).
    Escalate { lab: usize, level: u8 },
    /// A directive's suspension of a lab's API models ends.
    SuspensionEnds { lab: usize },
    /// U.S. API models become unavailable in the foreign region.
    ExportRestriction,
}

/// A line's state: its random streams and how many models it has made.
pub(super) struct LineState<'s> {
    pub(super) lab: usize,
    pub(super) spec: &'s Line,
    pub(super) hazard_rng: StreamRng,
    cadence_rng: StreamRng,
    review_rng: StreamRng,
    capability_rng: StreamRng,
    made: u32,
}

/// A model that has been ready (or was on the market at the start).
pub(super) struct ModelState {
    pub(super) who: ModelRef,
    ready: SimTime,
    pub(super) capability: f64,
    covered: bool,
    /// Would have been covered had its lab participated.
    in_scope: bool,
    released: Option<SimTime>,
    /// Review time on each track, drawn when ready; consumed at submission.
    track_durations: Vec<SimDuration>,
    /// Its review, once submitted.
    pub(super) review: Option<usize>,
    /// Hazard and ecosystem state.
    pub(super) harm: Harm,
}

/// Everything one replication tracks.
pub struct World<'s> {
    pub(super) scenario: &'s Scenario,
    pub(super) seed: StreamSeed,
    pub(super) lines: Vec<LineState<'s>>,
    pub(super) models: Vec<ModelState>,
    awaiting_program: Vec<usize>,
    pub(super) program: ReviewProgram,
    pub(super) market: Option<Market<'s>>,
    pub(super) lead: CapabilityLead,
    /// Each lab's outcomes, counted as the run goes; derived fields are
    /// filled in at the horizon.
    pub(super) tallies: Vec<LabOutcome>,
    /// Each lab's total delay, for the mean at the horizon.
    delay_days_total: Vec<f64>,
    pub(super) log: EventLog<'s>,
    /// Released models that can still spread (open weights) or harm.
    pub(super) live: Vec<usize>,
    /// Derivatives per line.
    pub(super) line_derivatives: Vec<u64>,
    /// Scratch: lines whose derivatives changed this step.
    pub(super) changed_lines: Vec<usize>,
    /// Scratch: exposure per model.
    pub(super) exposure: Vec<f64>,
    pub(super) totals: HarmTotals,
    pub(super) politics: Vec<LabPolitics>,
    /// Scratch: (lab, incidents) of the current step, for pressure.
    pub(super) pressure_from_incidents: Vec<(usize, u64)>,
    pub(super) export_restricted: bool,
    pub(super) first_directive: Option<SimTime>,
    /// When the continuous processes were last brought up to date.
    last_advance: SimTime,
    recording: Recording,
    next_sample: Option<SimTime>,
    adoption_series: Recorder<'s, AdoptionSample>,
    queue_series: Recorder<'s, QueueSample>,
    pressure_series: Recorder<'s, PressureSample>,
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldOutcomes {
    /// Per lab, in scenario order.
    pub labs: Vec<LabOutcome>,
    /// System-wide.
    pub system: SystemOutcome,
    /// The event log (empty unless asked for).
    pub events: Vec<EventRecord>,
    /// Adoption samples (empty unless asked for).
    pub adoption_series: Vec<AdoptionSample>,
    /// Queue samples (empty unless asked for).
    pub queue_series: Vec<QueueSample>,
    /// Pressure samples (empty unless asked for).
    pub pressure_series: Vec<PressureSample>,
}

impl<'s> World<'s> {
    /// A world at time zero with every stream derived from `seed`, and the
    /// lines' incumbent models on the market.
    pub fn new(scenario: &'s Scenario, seed: StreamSeed, recording: Recording) -> Self {
        World::with_spills(scenario, seed, recording, Spills::default())
    }

    /// The same, with full batches of the event log and time series handed
    /// to `spills` as they fill.
    pub fn with_spills(
        scenario: &'s Scenario,
        seed: StreamSeed,
        recording: Recording,
        spills: Spills<'s>,
    ) -> Self {
        let mut lines = Vec::with_capacity(scenario.line_count());
        for (lab_index, lab) in scenario.labs.iter().enumerate() {
            for spec in &lab.lines {
                let entity = lines.len() as u32;
                lines.push(LineState {
                    lab: lab_index,
                    spec,
                    cadence_rng: seed.stream(streams::CADENCE, entity),
                    review_rng: seed.stream(streams::REVIEW, entity),
                    capability_rng: seed.stream(streams::CAPABILITY, entity),
                    hazard_rng: seed.stream(streams::HAZARD, entity),
                    made: 0,
                });
            }
        }
        let lab_count = scenario.labs.len();
        let market = scenario.market.as_ref().map(|spec| {
            Market::new(
                spec,
                lab_count,
                lines.len(),
                seed.stream(streams::MARKET, 0),
            )
        });
        let line_count = lines.len();
        let politics = scenario
            .labs
            .iter()
            .enumerate()
            .map(|(index, lab)| {
                LabPolitics::new(
                    lab.participation,
                    &mut seed.stream(streams::POLITICS, index as u32),
                )
            })
            .collect();
        let series = recording.timeseries_every_days.is_some();
        let mut world = World {
            politics,
            export_restricted: false,
            pressure_from_incidents: Vec::new(),
            first_directive: None,
            scenario,
            seed,
            lines,
            live: Vec::new(),
            line_derivatives: vec![0; line_count],
            changed_lines: Vec::new(),
            exposure: Vec::new(),
            totals: HarmTotals::default(),
            last_advance: SimTime::ZERO,
            models: Vec::new(),
            awaiting_program: Vec::new(),
            program: ReviewProgram::new(&scenario.review, lab_count),
            market,
            lead: CapabilityLead::new(lab_count),
            tallies: vec![LabOutcome::default(); lab_count],
            delay_days_total: vec![0.0; lab_count],
            log: EventLog::new(recording.events, spills.events),
            recording,
            next_sample: recording.timeseries_every_days.map(|_| SimTime::ZERO),
            adoption_series: Recorder::new(series, spills.adoption),
            queue_series: Recorder::new(series, spills.queue),
            pressure_series: Recorder::new(series, spills.pressure),
        };
        world.place_incumbents();
        world
    }

    /// Puts each line's incumbent (its last release before the start) on
    /// the market, and gives the market its adopters on day 0.
    fn place_incumbents(&mut self) {
        let capability = self.scenario.capability;
        for line in 0..self.lines.len() {
            let state = &mut self.lines[line];
            let Some(day) = state.spec.incumbent_released_day else {
                continue;
            };
            let lag = state.spec.capability_lag.sample(&mut state.capability_rng);
            let model = self.models.len();
            let who = ModelRef {
                lab: state.lab as u32,
                line: line as u32,
                number: 0,
            };
            let model_capability = bounded_capability(capability.frontier_at_day(day) - lag);
            let mut harm = self.draw_hazard(line, model_capability);
            harm.on_market = true;
            harm.rng = Some(super::harm::model_stream(&self.seed, who.line, 0));
            let live = harm.open_weights || harm.hazardous;
            self.models.push(ModelState {
                who,
                ready: SimTime::ZERO,
                capability: model_capability,
                covered: false,
                in_scope: false,
                released: Some(SimTime::ZERO),
                track_durations: Vec::new(),
                review: None,
                harm,
            });
            self.offer(model, false, SimTime::ZERO);
            self.seed_incumbent_ecosystem(model, day);
            if live {
                self.live.push(model);
            }
        }
        if let Some(market) = &mut self.market {
            market.seed_adopters();
        }
    }

    /// Runs one replication to the scenario's horizon.
    pub fn simulate(
        scenario: &'s Scenario,
        seed: StreamSeed,
        recording: Recording,
    ) -> WorldOutcomes {
        World::simulate_with_spills(scenario, seed, recording, Spills::default())
    }

    /// The same, with full batches of the recorded tables handed to
    /// `spills`; the outcomes then hold only what was not spilled.
    pub fn simulate_with_spills(
        scenario: &'s Scenario,
        seed: StreamSeed,
        recording: Recording,
        spills: Spills<'s>,
    ) -> WorldOutcomes {
        let mut world = World::with_spills(scenario, seed, recording, spills);
        let initial = world.initial_events();
        let mut simulation = Simulation::new(world);
        for (time, event) in initial {
            simulation.schedule_at(time, event);
        }
        simulation.run_until(scenario.horizon);
        simulation.into_model().finish(scenario.horizon)
    }

    /// The events that start a replication: the first market tick, the
    /// program becoming operational, and each line's first model.
    pub fn initial_events(&mut self) -> Vec<(SimTime, Event)> {
        let mut events = Vec::with_capacity(self.lines.len() + 2);
        if let Some(from) = self.scenario.export_restriction.from {
            events.push((from, Event::ExportRestriction));
        }
        let has_politics = self.scenario.escalation.is_some()
            || self.scenario.labs.iter().any(|lab| {
                matches!(
                    lab.participation,
                    crate::scenario::Participation::Signing(_)
                )
            });
        let has_open_weights = self
            .lines
            .iter()
            .any(|line| line.spec.access == Access::OpenWeights);
        if self.market.is_some()
            || self.next_sample.is_some()
            || self.scenario.hazard.is_some()
            || has_open_weights
            || has_politics
        {
            events.push((SimTime::ZERO, Event::Tick));
        }
        let review = &self.scenario.review;
        if review.is_active() {
            events.push((review.operational, Event::Operational));
        }
        for (index, line) in self.lines.iter_mut().enumerate() {
            let first = match &line.spec.cadence {
                Cadence::Every(_) => Some(SimTime::from_days(
                    line.spec.first_ready.sample(&mut line.cadence_rng),
                )),
                Cadence::Scheduled(times) => times.first().copied(),
            };
            if let Some(time) = first {
                events.push((time, Event::Ready { line: index }));
            }
        }
        events
    }

    /// Schedules the line's next model, counting from `from`.
    pub(super) fn schedule_next(
        &mut self,
        line: usize,
        from: SimTime,
        context: &mut Context<'_, Event>,
    ) {
        let state = &mut self.lines[line];
        match &state.spec.cadence {
            Cadence::Every(dist) => {
                let days = dist.sample(&mut state.cadence_rng);
                // At least one tick, so a line can never make two models at
                // the same instant.
                let gap = SimDuration::from_days(days).max(SimDuration::from_ticks(1));
                context.schedule_at(from + gap, Event::Ready { line });
            }
            Cadence::Scheduled(times) => {
                if let Some(&time) = times.get(state.made as usize) {
                    context.schedule_at(time.max(from), Event::Ready { line });
                }
            }
        }
    }

    fn on_ready(&mut self, line: usize, context: &mut Context<'_, Event>) {
        let now = context.now();
        let tracks = &self.scenario.review.tracks;
        let state = &mut self.lines[line];
        state.made += 1;
        let lab_index = state.lab;
        let who = ModelRef {
            lab: lab_index as u32,
            line: line as u32,
            number: state.made,
        };
        let track_durations = tracks
            .iter()
            .map(|track| SimDuration::from_days(track.duration.sample(&mut state.review_rng)))
            .collect();
        let spec = state.spec;
        let frontier = self.scenario.capability.frontier_at(now);
        let capability =
            bounded_capability(frontier - spec.capability_lag.sample(&mut state.capability_rng));
        let review = &self.scenario.review;
        let in_scope =
            self.in_scope(lab_index, spec.access) && review.threshold.admits(capability, frontier);
        let covered = in_scope && self.participates(lab_index, now);
        let model = self.models.len();
        let harm = self.draw_hazard(line, capability);
        self.models.push(ModelState {
            who,
            ready: now,
            capability,
            covered,
            in_scope: in_scope && !covered,
            released: None,
            track_durations,
            review: None,
            harm,
        });
        self.tallies[lab_index].models_ready += 1;
        self.log.record(now, EventKind::Ready, Some(who), None);
        if spec.next_cycle_starts == CycleStart::Ready {
            self.schedule_next(line, now, context);
        }

        if !covered {
            self.release(model, ReleaseHow::Uncovered, context);
        } else if !review.is_active() || self.lab_window(lab_index).is_zero() {
            self.release(model, ReleaseHow::NoReview, context);
        } else if now < review.operational {
            match review.before_operational {
                BeforeOperational::Release => {
                    self.release(model, ReleaseHow::BeforeOperational, context)
                }
                BeforeOperational::Wait => {
                    self.awaiting_program.push(model);
                    self.log
                        .record(now, EventKind::AwaitingProgram, Some(who), None);
                }
            }
        } else {
            self.submit(model, context);
        }
    }

    fn submit(&mut self, model: usize, context: &mut Context<'_, Event>) {
        let state = &mut self.models[model];
        let durations = std::mem::take(&mut state.track_durations);
        let who = state.who;
        let lab = who.lab as usize;
        let window = self.lab_window(lab);
        let hold = self.scenario.review.on_expiry == crate::scenario::OnExpiry::Hold
            || self.politics[lab].mandatory;
        let review = self.program.submit(
            Submission {
                model,
                who,
                window,
                hold,
            },
            &durations,
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
                self.tallies[lab].reviews_past_window += 1;
                if release {
                    self.conclude_review(model, ReleaseHow::WindowExpired, context);
                }
            }
            Some(Verdict::Completed { .. }) | None => {}
        }
    }

    pub(super) fn release(
        &mut self,
        model: usize,
        how: ReleaseHow,
        context: &mut Context<'_, Event>,
    ) {
        self.advance_to_now(context);
        let now = context.now();
        let state = &mut self.models[model];
        state.released = Some(now);
        let who = state.who;
        let tally = &mut self.tallies[who.lab as usize];
        tally.releases += 1;
        match how {
            ReleaseHow::Reviewed => tally.reviews_completed_before_release += 1,
            ReleaseHow::WindowExpired => tally.releases_on_window_expiry += 1,
            _ => {}
        }
        if state.covered {
            tally.releases_covered += 1;
        }
        let delay = now.since(state.ready).as_days();
        tally.delay_days_max = Some(tally.delay_days_max.map_or(delay, |max| max.max(delay)));
        self.delay_days_total[who.lab as usize] += delay;
        self.log
            .record(now, EventKind::Released(how), Some(who), None);
        self.models[model].harm.on_market = true;
        if self.offer(model, how == ReleaseHow::Reviewed, now) {
            self.tallies[who.lab as usize].releases_at_frontier += 1;
        }
        self.start_harm(model, how, context);
        if self.models[model].in_scope
            && let Some(escalation) = &self.scenario.escalation
        {
            self.add_pressure(
                who.lab as usize,
                escalation.pressure_per_uncovered_release,
                context,
            );
        }
        let line = who.line as usize;
        if self.lines[line].spec.next_cycle_starts == CycleStart::Release {
            self.schedule_next(line, now, context);
        }
    }

    /// A released model reaches the market: adopters may choose it, and it
    /// may take the capability lead. Returns whether it is the most capable
    /// model available.
    fn offer(&mut self, model: usize, reviewed: bool, now: SimTime) -> bool {
        let state = &self.models[model];
        let lab = state.who.lab as usize;
        let line = self.lines[state.who.line as usize].spec;
        let availability = self.availability(model);
        let state = &self.models[model];
        if let Some(market) = &mut self.market {
            market.add(
                Offer {
                    model,
                    line: state.who.line as usize,
                    lab,
                    capability: state.capability,
                    open_weights: line.access == Access::OpenWeights,
                    reviewed,
                },
                &availability,
            );
        }
        self.lead.release(model, lab, state.capability, now)
    }

    /// Brings the continuous processes (adoption, derivatives, exposure and
    /// incidents, signing) up to now with the rates that held since the last
    /// advance. Called at every market step and before anything that changes
    /// those rates (a release, a suspension, a patch, ...), so a change made
    /// between two steps counts only from the moment it was made.
    pub(super) fn advance_to_now(&mut self, context: &mut Context<'_, Event>) {
        let now = context.now();
        if let Some(market) = &mut self.market {
            market.step(now);
        }
        let days = now.since(self.last_advance).as_days();
        self.last_advance = now;
        self.harm_step(days, context);
        self.politics_step(days, now);
    }

    fn on_tick(&mut self, context: &mut Context<'_, Event>) {
        let now = context.now();
        self.advance_to_now(context);
        if let Some(due) = self.next_sample
            && now >= due
        {
            self.sample(now);
            let every = self.recording.timeseries_every_days.unwrap_or(1);
            self.next_sample = Some(due + SimDuration::from_days(f64::from(every)));
        }
        let step = match &self.market {
            Some(market) => market.step_length(),
            None => SimDuration::from_days(1.0),
        };
        context.schedule_in(step, Event::Tick);
    }

    fn sample(&mut self, now: SimTime) {
        for lab in 0..self.politics.len() {
            let politics = &self.politics[lab];
            let escalation_level = if politics.directive_day.is_some() {
                2
            } else {
                u64::from(politics.public_active)
            };
            self.pressure_series.push(PressureSample {
                time: now,
                lab: lab as u32,
                pressure: self.pressure_at(lab, now),
                escalation_level,
                participating: self.participates(lab, now),
            });
        }
        if let Some(market) = &self.market {
            for (segment, labs) in market.snapshot(self.tallies.len()).into_iter().enumerate() {
                for (lab, adopters) in labs.into_iter().enumerate() {
                    self.adoption_series.push(AdoptionSample {
                        time: now,
                        segment: segment as u32,
                        lab: lab as u32,
                        adopters: adopters.api + adopters.open_weights,
                        adopters_api: adopters.api,
                        adopters_open_weights: adopters.open_weights,
                        share: adopters.share,
                    });
                }
            }
        }
        for (track, (queue_length, busy_teams)) in
            self.program.queue_snapshot().into_iter().enumerate()
        {
            self.queue_series.push(QueueSample {
                time: now,
                track: track as u32,
                queue_length,
                busy_teams,
            });
        }
    }

    /// The review window of a lab: its expedited terms, or the program's.
    fn lab_window(&self, lab: usize) -> SimDuration {
        self.scenario.labs[lab].window(&self.scenario.review)
    }

    /// Closes the books at the horizon.
    pub fn finish(mut self, horizon: SimTime) -> WorldOutcomes {
        self.finish_politics(horizon);
        let mut unreleased = vec![0u64; self.tallies.len()];
        for model in self.models.iter().filter(|m| m.who.number > 0) {
            if model.released.is_none() {
                unreleased[model.who.lab as usize] += 1;
            }
        }
        let lab_count = self.tallies.len();
        let mut segments = match &mut self.market {
            Some(market) => market.finish(horizon, lab_count),
            None => vec![Vec::new(); lab_count],
        };
        let participating_at_horizon = (0..lab_count)
            .filter(|&lab| self.participates(lab, horizon))
            .count() as u64;
        let lead_days = self.lead.finish(horizon);
        let adopters_of =
            |lab: &[super::LabSegmentOutcome]| lab.iter().map(|s| s.adopters).sum::<f64>();
        let all_adopters: f64 = segments.iter().map(|lab| adopters_of(lab)).sum();
        let labs =
            self.tallies
                .iter()
                .enumerate()
                .map(|(lab, tally)| {
                    let mut outcome = tally.clone();
                    outcome.models_unreleased = unreleased[lab];
                    outcome.delay_days_mean = (outcome.releases > 0)
                        .then(|| self.delay_days_total[lab] / outcome.releases as f64);
                    outcome.queue_wait_days_mean = self.program.mean_queue_wait_days(lab);
                    outcome.capability_lead_days = lead_days[lab];
                    let politics = &self.politics[lab];
                    outcome.signed_day = politics.signed_day.or_else(|| {
                        match self.scenario.labs[lab].participation {
                            crate::scenario::Participation::From(from) if from <= horizon => {
                                Some(from.as_days())
                            }
                            _ => None,
                        }
                    });
                    outcome.escalation_level_max = politics.level_max;
                    outcome.directive_day = politics.directive_day;
                    outcome.suspended_days = politics.suspended_days;
                    outcome.pressure_max = politics.pressure_max;
                    outcome.share_all =
                        (all_adopters > 0.0).then(|| adopters_of(&segments[lab]) / all_adopters);
                    outcome.segments = std::mem::take(&mut segments[lab]);
                    outcome
                })
                .collect();
        let (reviews_submitted, reviews_completed, review_completion_days_mean) =
            self.program.totals();
        let system = SystemOutcome {
            reviews_submitted,
            reviews_completed,
            review_completion_days_mean,
            incidents_open_weights: self.totals.incidents_open_weights,
            incidents_api: self.totals.incidents_api,
            hazardous_exposure_days: self.totals.hazardous_exposure_days,
            first_directive_day: self.first_directive.map(SimTime::as_days),
            labs_participating_at_horizon: participating_at_horizon,
            tracks: self
                .program
                .track_stats(horizon)
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        WorldOutcomes {
            labs,
            system,
            events: self.log.into_records(),
            adoption_series: self.adoption_series.into_records(),
            queue_series: self.queue_series.into_records(),
            pressure_series: self.pressure_series.into_records(),
        }
    }
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
            Event::TrackDone { task } => {
                let verdict = self.program.on_track_done(task, context, &mut self.log);
                self.on_verdict(verdict, context);
            }
            Event::WindowExpired { review } => {
                let verdict = self
                    .program
                    .on_window_expired(review, context, &mut self.log);
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One lab, one track with one team and reviews of exactly 20 days, and
    /// two models ready on days 0 and 1, so the second queues behind the
    /// first for 19 days. The window is the default, 30 days.
    fn two_models(review: &str) -> Scenario {
        let text = format!(
            r#"
            [simulation]
            name = "two models"
            horizon_days = 100
            [review]
            {review}
            [[review.tracks]]
            id = "only"
            capacity = 1
            duration_days = 20
            [[labs]]
            id = "lab"
            participation = {{ signed = true }}
            [[labs.lines]]
            id = "line"
            access = "api"
            cadence_days = {{ dist = "dates", dates = [0, 1] }}
            "#
        );
        Scenario::from_toml(&text, "two.toml", &[]).unwrap()
    }

    fn run(scenario: &Scenario) -> (World<'_>, Vec<(f64, EventKind, u32)>) {
        let mut world = World::new(
            scenario,
            StreamSeed::new(1, 0, 0),
            Recording {
                events: true,
                ..Recording::default()
            },
        );
        let initial = world.initial_events();
        let mut simulation = Simulation::new(world);
        for (time, event) in initial {
            simulation.schedule_at(time, event);
        }
        simulation.run_until(scenario.horizon);
        let mut world = simulation.into_model();
        let records = std::mem::take(&mut world.log).into_records();
        let events = records
            .iter()
            .filter_map(|e| e.model.map(|who| (e.time.as_days(), e.kind, who.number)))
            .collect();
        (world, events)
    }

    fn released(events: &[(f64, EventKind, u32)], number: u32) -> (f64, ReleaseHow) {
        events
            .iter()
            .find_map(|&(day, kind, n)| match kind {
                EventKind::Released(how) if n == number => Some((day, how)),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn under_release_the_window_from_submission_cuts_the_queued_review_short() {
        let scenario = two_models("on_expiry = \"release\"");
        let (world, events) = run(&scenario);
        assert_eq!(released(&events, 1), (20.0, ReleaseHow::Reviewed));
        // Submitted on day 1, started on day 20, window ends on day 31.
        assert_eq!(released(&events, 2), (31.0, ReleaseHow::WindowExpired));
        assert_eq!(world.program.fractions_done(0), [1.0]);
        assert_eq!(world.program.fractions_done(1), [11.0 / 20.0]);
        let outcome = &world.finish(scenario.horizon).labs[0];
        assert_eq!(outcome.releases_on_window_expiry, 1);
        assert_eq!(outcome.reviews_completed_before_release, 1);
        assert_eq!(outcome.delay_days_max, Some(30.0));
        assert_eq!(outcome.queue_wait_days_mean, Some(9.5));
    }

    #[test]
    fn each_track_reports_the_wait_for_its_own_teams() {
        // A second track with two teams: nobody waits there, while on the
        // one-team track the second model waits 19 days.
        let mut scenario = two_models("on_expiry = \"hold\"");
        let mut wide = scenario.review.tracks[0].clone();
        wide.id = "wide".into();
        wide.capacity = 2;
        scenario.review.tracks.push(wide);
        let (world, _) = run(&scenario);
        let system = world.finish(scenario.horizon).system;
        assert_eq!(system.tracks[0].queue_wait_days_mean, Some(9.5));
        assert_eq!(system.tracks[1].queue_wait_days_mean, Some(0.0));
    }

    #[test]
    fn under_hold_the_lab_waits_for_the_review_past_the_window() {
        let scenario = two_models("on_expiry = \"hold\"");
        let (world, events) = run(&scenario);
        assert_eq!(released(&events, 2), (40.0, ReleaseHow::Reviewed));
        assert!(events.contains(&(31.0, EventKind::WindowExpired, 2)));
        let outcome = &world.finish(scenario.horizon).labs[0];
        assert_eq!(outcome.reviews_past_window, 1);
        assert_eq!(outcome.releases_on_window_expiry, 0);
        assert_eq!(outcome.delay_days_max, Some(39.0));
    }

    #[test]
    fn with_the_clock_from_review_start_the_queued_model_gets_its_full_window() {
        let scenario = two_models("clock_start = \"review_start\"");
        let (world, events) = run(&scenario);
        // Started on day 20: window to day 50, review done on day 40.
        assert_eq!(released(&events, 2), (40.0, ReleaseHow::Reviewed));
        assert_eq!(
            world.finish(scenario.horizon).labs[0].reviews_past_window,
            0
        );
    }

    #[test]
    fn a_review_stopped_by_the_window_frees_its_team_for_the_next_model() {
        let scenario = two_models("window_days = 10");
        let (world, events) = run(&scenario);
        // Model 1 stops on day 10 (half done); model 2 starts then and stops
        // at its own deadline, day 11.
        assert_eq!(released(&events, 1), (10.0, ReleaseHow::WindowExpired));
        assert!(events.contains(&(10.0, EventKind::TrackStarted, 2)));
        assert_eq!(released(&events, 2), (11.0, ReleaseHow::WindowExpired));
        assert_eq!(world.program.fractions_done(0), [0.5]);
        assert_eq!(world.program.fractions_done(1), [0.05]);
        let system = world.finish(scenario.horizon).system;
        assert_eq!(system.tracks[0].reviews_abandoned, 2);
        assert_eq!(system.tracks[0].reviews_completed, 0);
        // Busy from day 0 to day 11 out of 100.
        assert!((system.tracks[0].utilisation.unwrap() - 0.11).abs() < 1e-12);
    }
}
