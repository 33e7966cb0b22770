//! The world of one replication: labs, lines, models and their release.

use super::log::{EventKind, EventLog, EventRecord, ModelRef, ReleaseHow};
use super::outcomes::{LabOutcome, LabTally, SystemOutcome};
use super::review::{ReviewProgram, Verdict};
use super::streams;
use crate::engine::{Context, Model, SimDuration, SimTime, Simulation, StreamRng, StreamSeed};
use crate::scenario::{BeforeOperational, Cadence, CycleStart, Line, Scenario};

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
}

/// A line's state: its random streams and how many models it has made.
struct LineState<'s> {
    lab: usize,
    spec: &'s Line,
    cadence_rng: StreamRng,
    review_rng: StreamRng,
    made: u32,
}

/// A model that has been ready.
struct ModelState {
    who: ModelRef,
    ready: SimTime,
    covered: bool,
    released: Option<SimTime>,
    /// Review time on each track, drawn when ready; consumed at submission.
    track_durations: Vec<SimDuration>,
}

/// Everything one replication tracks.
pub struct World<'s> {
    scenario: &'s Scenario,
    lines: Vec<LineState<'s>>,
    models: Vec<ModelState>,
    awaiting_program: Vec<usize>,
    program: ReviewProgram,
    tallies: Vec<LabTally>,
    log: EventLog,
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
}

impl<'s> World<'s> {
    /// A world at time zero with every stream derived from `seed`.
    pub fn new(scenario: &'s Scenario, seed: StreamSeed, log_events: bool) -> Self {
        let mut lines = Vec::with_capacity(scenario.line_count());
        for (lab_index, lab) in scenario.labs.iter().enumerate() {
            for spec in &lab.lines {
                let entity = lines.len() as u32;
                lines.push(LineState {
                    lab: lab_index,
                    spec,
                    cadence_rng: seed.stream(streams::CADENCE, entity),
                    review_rng: seed.stream(streams::REVIEW, entity),
                    made: 0,
                });
            }
        }
        World {
            scenario,
            lines,
            models: Vec::new(),
            awaiting_program: Vec::new(),
            program: ReviewProgram::new(&scenario.review, scenario.labs.len()),
            tallies: vec![LabTally::default(); scenario.labs.len()],
            log: EventLog::new(log_events),
        }
    }

    /// Runs one replication to the scenario's horizon.
    pub fn simulate(scenario: &'s Scenario, seed: StreamSeed, log_events: bool) -> WorldOutcomes {
        let mut world = World::new(scenario, seed, log_events);
        let initial = world.initial_events();
        let mut simulation = Simulation::new(world);
        for (time, event) in initial {
            simulation.schedule_at(time, event);
        }
        simulation.run_until(scenario.horizon);
        simulation.into_model().finish(scenario.horizon)
    }

    /// The events that start a replication: each line's first model, and the
    /// program becoming operational.
    pub fn initial_events(&mut self) -> Vec<(SimTime, Event)> {
        let mut events = Vec::with_capacity(self.lines.len() + 1);
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
    fn schedule_next(&mut self, line: usize, from: SimTime, context: &mut Context<'_, Event>) {
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
        let lab = &self.scenario.labs[lab_index];
        let review = &self.scenario.review;
        let covered = review.covers(spec.access, lab.jurisdiction) && lab.participates_at(now);
        let model = self.models.len();
        self.models.push(ModelState {
            who,
            ready: now,
            covered,
            released: None,
            track_durations,
        });
        self.tallies[lab_index].models_ready += 1;
        self.log.record(now, EventKind::Ready, Some(who), None);
        if spec.next_cycle_starts == CycleStart::Ready {
            self.schedule_next(line, now, context);
        }

        if !covered {
            self.release(model, ReleaseHow::Uncovered, context);
        } else if !review.is_active() || lab.window(review).is_zero() {
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
        let lab = &self.scenario.labs[state.who.lab as usize];
        let window = lab.window(&self.scenario.review);
        self.program
            .submit(model, state.who, window, &durations, context, &mut self.log);
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
                let lab = self.models[model].who.lab as usize;
                self.tallies[lab].reviews_completed_before_release += 1;
                self.release(model, ReleaseHow::Reviewed, context);
            }
            Some(Verdict::Expired { model, release }) => {
                let lab = self.models[model].who.lab as usize;
                self.tallies[lab].reviews_past_window += 1;
                if release {
                    self.tallies[lab].releases_on_window_expiry += 1;
                    self.release(model, ReleaseHow::WindowExpired, context);
                }
            }
            Some(Verdict::Completed { .. }) | None => {}
        }
    }

    fn release(&mut self, model: usize, how: ReleaseHow, context: &mut Context<'_, Event>) {
        let now = context.now();
        let state = &mut self.models[model];
        state.released = Some(now);
        let who = state.who;
        let tally = &mut self.tallies[who.lab as usize];
        tally.releases += 1;
        if state.covered {
            tally.releases_covered += 1;
        }
        tally.record_delay(now.since(state.ready).as_days());
        self.log
            .record(now, EventKind::Released(how), Some(who), None);
        let line = who.line as usize;
        if self.lines[line].spec.next_cycle_starts == CycleStart::Release {
            self.schedule_next(line, now, context);
        }
    }

    /// Closes the books at the horizon.
    pub fn finish(mut self, horizon: SimTime) -> WorldOutcomes {
        let mut unreleased = vec![0u64; self.tallies.len()];
        for model in &self.models {
            if model.released.is_none() {
                unreleased[model.who.lab as usize] += 1;
            }
        }
        let labs = self
            .tallies
            .iter()
            .enumerate()
            .map(|(lab, tally)| {
                tally.finish(unreleased[lab], self.program.mean_queue_wait_days(lab))
            })
            .collect();
        let (reviews_submitted, reviews_completed, review_completion_days_mean) =
            self.program.totals();
        let system = SystemOutcome {
            reviews_submitted,
            reviews_completed,
            review_completion_days_mean,
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
        }
    }
}

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
        let mut world = World::new(scenario, StreamSeed::new(1, 0, 0), true);
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
