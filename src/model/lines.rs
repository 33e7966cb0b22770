//! Product lines: each line's random streams, how many models it has made,
//! and when the next is ready.

use super::event::Event;
use super::streams;
use crate::engine::{Context, SimDuration, SimTime, StreamRng, StreamSeed};
use crate::scenario::{Cadence, CycleStart, Line, Scenario};

/// One line's state.
struct LineState<'s> {
    lab: usize,
    spec: &'s Line,
    cadence_rng: StreamRng,
    review_rng: StreamRng,
    capability_rng: StreamRng,
    hazard_rng: StreamRng,
    made: u32,
}

/// A model a line has just made ready: its number and its draws.
pub(crate) struct NewModel {
    /// Its number within the line, from 1.
    pub number: u32,
    /// Review time on each track, in track order.
    /// Months behind the frontier.
    pub capability_lag: f64,
}

/// Every line of every lab, in file order (a line's index is its position
/// across all labs).
pub(crate) struct Lines<'s> {
    lines: Vec<LineState<'s>>,
    scenario: &'s Scenario,
}

impl<'s> Lines<'s> {
    /// Each line with its streams derived from `seed`.
    pub(crate) fn new(scenario: &'s Scenario, seed: &StreamSeed) -> Self {
        let mut lines = Vec::with_capacity(scenario.line_count());
        for (lab, spec) in scenario
            .labs
            .iter()
            .enumerate()
            .flat_map(|(lab, l)| l.lines.iter().map(move |spec| (lab, spec)))
        {
            let entity = lines.len() as u32;
            lines.push(LineState {
                lab,
                spec,
                cadence_rng: seed.stream(streams::CADENCE, entity),
                review_rng: seed.stream(streams::REVIEW, entity),
                capability_rng: seed.stream(streams::CAPABILITY, entity),
                hazard_rng: seed.stream(streams::HAZARD, entity),
                made: 0,
            });
        }
        Lines { lines, scenario }
    }

    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// The lab a line belongs to.
    pub(crate) fn lab(&self, line: usize) -> usize {
        self.lines[line].lab
    }

    /// A line as written.
    pub(crate) fn spec(&self, line: usize) -> &'s Line {
        self.lines[line].spec
    }

    /// The line's hazard stream: every model's hazard draws, made when it
    /// is ready.
    pub(crate) fn hazard_rng(&mut self, line: usize) -> &mut StreamRng {
        &mut self.lines[line].hazard_rng
    }

    /// The capability lag of the line's incumbent (its first draw).
    pub(crate) fn incumbent_lag(&mut self, line: usize) -> f64 {
        let state = &mut self.lines[line];
        state
            .spec
            .capability_lag_months
            .sample(&mut state.capability_rng)
    }

    /// When each line's first model is ready, in line order.
    pub(crate) fn first_ready(&mut self) -> Vec<(SimTime, usize)> {
        let mut first = Vec::with_capacity(self.lines.len());
        for (index, line) in self.lines.iter_mut().enumerate() {
            let time = match &line.spec.cadence {
                Cadence::Every(_) => Some(SimTime::from_days(
                    line.spec.first_ready.sample(&mut line.cadence_rng),
                )),
                Cadence::Scheduled(times) => times.first().copied(),
            };
            if let Some(time) = time {
                first.push((time, index));
            }
        }
        first
    }

    /// The line makes its next model ready: its review durations and
    /// capability lag are drawn.
    pub(crate) fn make(&mut self, line: usize, durations: &mut Vec<SimDuration>) -> NewModel {
        let tracks = &self.scenario.review.tracks;
        let state = &mut self.lines[line];
        state.made += 1;
        durations.extend(tracks.iter().map(|track| {
            SimDuration::from_days(track.duration_days.sample(&mut state.review_rng))
        }));
        NewModel {
            number: state.made,
            capability_lag: state
                .spec
                .capability_lag_months
                .sample(&mut state.capability_rng),
        }
    }

    /// Schedules the line's next model, counting from `from`.
    pub(crate) fn schedule_next(
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

    /// Schedules the next model if the line's cycle starts at `starts`.
    pub(crate) fn next_cycle_at(
        &mut self,
        line: usize,
        starts: CycleStart,
        now: SimTime,
        context: &mut Context<'_, Event>,
    ) {
        if self.lines[line].spec.next_cycle_starts == starts {
            self.schedule_next(line, now, context);
        }
    }
}
