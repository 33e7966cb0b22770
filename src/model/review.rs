//! The review program: tracks with parallel teams and FIFO queues, fork-join
//! over tracks, and the window.
//!
//! A submitted model gets one task per track, all queued at once. A track
//! starts a task whenever one of its teams is free. The review is complete
//! when every task is complete. The window's clock starts at submission or
//! when the first task starts, as the policy says. When the window ends before
//! the review:
//!
//! - `on_expiry = "release"`: the lab releases, and the review stops. Tasks
//!   still queued leave their queues unstarted; tasks in progress stop and
//!   free their teams at once. What was done is kept as each task's fraction
//!   of work done (elapsed / planned duration).
//! - `on_expiry = "hold"` (or a lab under a mandatory-review directive):
//!   nothing is stopped; the lab waits for the review
//!   to complete.

use std::cell::Cell;
use std::collections::VecDeque;

use super::event::{Event, ReviewEvent};
use super::log::{EventKind, EventLog, ModelRef, ReleaseHow};
use super::spare::Kept;
use crate::engine::{Context, SimDuration, SimTime};
use crate::scenario::{BeforeOperational, ClockStart, Review as Policy, Scenario};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TaskStatus {
    Queued,
    Running,
    Completed,
    Abandoned,
}

/// One model's review on one track.
#[derive(Debug)]
struct Task {
    review: usize,
    track: u32,
    duration: SimDuration,
    status: TaskStatus,
    started: Option<SimTime>,
    /// Share of the planned work done: 1 when completed, elapsed / planned
    /// when stopped by the window, 0 when never started.
    fraction_done: f64,
}

/// One model's review across all tracks.
#[derive(Debug)]
struct ReviewState {
    /// The world's index of the model.
    model: usize,
    who: ModelRef,
    submitted: SimTime,
    window: SimDuration,
    deadline: Option<SimTime>,
    /// Its tasks, one per track: made together, so side by side in the
    /// program's list.
    tasks: std::ops::Range<usize>,
    remaining: u32,
    completed: Option<SimTime>,
    expired: bool,
    /// The lab waits for completion when the window expires.
    hold: bool,
}

/// A track's teams, queue and time-weighted statistics.
#[derive(Debug)]
struct TrackState {
    capacity: u32,
    busy: u32,
    queue: VecDeque<usize>,
    started: u64,
    completed: u64,
    abandoned: u64,
    /// Integral of busy teams over time, in team-ticks.
    busy_area: u128,
    /// Integral of queue length over time, in task-ticks.
    queue_area: u128,
    queue_max: usize,
    /// Days models waited for a team on this track, and how many started.
    wait_days_total: f64,
    /// Integral of teams over the program's operational time, in team-ticks
    /// (the capacity may change on a schedule).
    capacity_area: u128,
    /// When the program starts reviewing.
    operational: SimTime,
    last_change: SimTime,
}

impl TrackState {
    /// Accumulates the time-weighted areas up to `now`; call before any
    /// change to `busy`, the queue or the capacity.
    fn advance(&mut self, now: SimTime) {
        let elapsed = u128::from(now.since(self.last_change).ticks());
        self.busy_area += elapsed * u128::from(self.busy);
        self.queue_area += elapsed * self.queue.len() as u128;
        let operating = now.since(self.last_change.max(self.operational)).ticks();
        self.capacity_area += u128::from(operating) * u128::from(self.capacity);
        self.last_change = self.last_change.max(now);
    }
}

/// What happens to a model when it is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Released at once, for this reason.
    Release(ReleaseHow),
    /// Covered, ready before the program is operational: waits for it.
    Await,
    /// Submitted to every track.
    Submit,
}

/// The program's rule for a model ready at `now`: an uncovered model is
/// released; a covered one too when the program reviews nothing (no tracks
/// or a window of zero, its lab's own included); before the program is
/// operational it is released or waits, as the policy says; otherwise it is
/// submitted.
pub(crate) fn route(covered: bool, policy: &Policy, window: SimDuration, now: SimTime) -> Route {
    if !covered {
        Route::Release(ReleaseHow::Uncovered)
    } else if !policy.is_active() || window.is_zero() {
        Route::Release(ReleaseHow::NoReview)
    } else if now < policy.operational_at {
        match policy.before_operational {
            BeforeOperational::Release => Route::Release(ReleaseHow::BeforeOperational),
            BeforeOperational::Wait => Route::Await,
        }
    } else {
        Route::Submit
    }
}

/// A model's terms of review.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Submission {
    /// The world's index of the model.
    pub model: usize,
    pub who: ModelRef,
    /// Its lab's window.
    pub window: SimDuration,
    /// Whether the lab waits for completion when the window expires.
    pub hold: bool,
}

/// What a review event means for the model's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Every track finished: the lab may release.
    Completed { model: usize },
    /// The window ended first; `release` when the policy lets the lab go.
    Expired { model: usize, release: bool },
}

/// Per-track statistics for one replication.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrackStats {
    pub started: u64,
    pub completed: u64,
    pub abandoned: u64,
    pub utilisation: Option<f64>,
    pub queue_length_mean: Option<f64>,
    pub queue_length_max: u64,
    pub queue_wait_days_mean: Option<f64>,
}

/// The program's state in one replication.
#[derive(Debug)]
pub(crate) struct ReviewProgram {
    clock_start: ClockStart,

    operational: SimTime,
    tracks: Vec<TrackState>,
    tasks: Kept<Task>,
    reviews: Kept<ReviewState>,
    /// Per lab: total days models waited between submission and a track
    /// starting, and the number of track starts.
    lab_waits: Vec<(f64, u64)>,
    /// Each track's capacity changes, as (time, track, capacity).
    schedule: Vec<(SimTime, usize, u32)>,
    completion_days_total: f64,
    completions: u64,
}

impl ReviewProgram {
    /// The program of a scenario, with no review yet.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let (policy, lab_count) = (&scenario.review, scenario.labs.len());
        ReviewProgram {
            clock_start: policy.clock_start,

            operational: policy.operational_at,
            tracks: policy
                .tracks
                .iter()
                .map(|track| TrackState {
                    capacity: track.capacity,
                    busy: 0,
                    queue: VecDeque::new(),
                    started: 0,
                    completed: 0,
                    abandoned: 0,
                    busy_area: 0,
                    queue_area: 0,
                    queue_max: 0,
                    wait_days_total: 0.0,
                    capacity_area: 0,
                    operational: policy.operational_at,
                    last_change: SimTime::ZERO,
                })
                .collect(),
            tasks: Kept::new(&TASKS),
            reviews: Kept::new(&REVIEWS),
            lab_waits: vec![(0.0, 0); lab_count],
            schedule: (policy.tracks.iter().enumerate())
                .flat_map(|(track, spec)| {
                    spec.capacity_schedule.iter().map(move |step| {
                        let day = step.from.days_since(scenario.start_date);
                        (SimTime::from_days(day), track, step.capacity)
                    })
                })
                .collect(),
            completion_days_total: 0.0,
            completions: 0,
        }
    }

    /// Submits a model to every track; `durations` holds its review time on
    /// each track, in track order. Returns the review's index.
    pub(crate) fn submit(
        &mut self,
        submission: Submission,
        durations: &[SimDuration],
        context: &mut Context<'_, Event>,
        log: &mut EventLog<'_>,
    ) -> usize {
        let Submission {
            model,
            who,
            window,
            hold,
        } = submission;
        let now = context.now();
        let review = self.reviews.len();
        log.record(now, EventKind::Submitted, Some(who), None);
        let tasks = self.tasks.len()..self.tasks.len() + durations.len();
        for (track, &duration) in durations.iter().enumerate() {
            let task = self.tasks.len();
            self.tasks.push(Task {
                review,
                track: track as u32,
                duration,
                status: TaskStatus::Queued,
                started: None,
                fraction_done: 0.0,
            });
            let state = &mut self.tracks[track];
            state.advance(now);
            state.queue.push_back(task);
        }
        self.reviews.push(ReviewState {
            model,
            who,
            submitted: now,
            window,
            deadline: None,
            remaining: tasks.len() as u32,
            tasks,
            completed: None,
            expired: false,
            hold,
        });
        if self.clock_start == ClockStart::Submission {
            self.start_clock(review, context);
        }
        for track in 0..self.tracks.len() {
            self.dispatch(track, context, log);
            // Counted after a free team has taken the model: a model that
            // never waits never stands in the queue.
            let state = &mut self.tracks[track];
            state.queue_max = state.queue_max.max(state.queue.len());
        }
        review
    }

    fn start_clock(&mut self, review: usize, context: &mut Context<'_, Event>) {
        let state = &mut self.reviews[review];
        let deadline = context.now() + state.window;
        state.deadline = Some(deadline);
        context.schedule_at(
            deadline,
            Event::Review(ReviewEvent::WindowExpired { review }),
        );
    }

    /// Starts queued tasks while the track has free teams.
    fn dispatch(&mut self, track: usize, context: &mut Context<'_, Event>, log: &mut EventLog) {
        let now = context.now();
        loop {
            let state = &mut self.tracks[track];
            if state.busy >= state.capacity {
                break;
            }
            state.advance(now);
            let Some(task_index) = state.queue.pop_front() else {
                break;
            };
            state.busy += 1;
            state.started += 1;
            let task = &mut self.tasks[task_index];
            task.status = TaskStatus::Running;
            task.started = Some(now);
            let review = &self.reviews[task.review];
            let wait = now.since(review.submitted).as_days();
            state.wait_days_total += wait;
            let waits = &mut self.lab_waits[review.who.lab as usize];
            waits.0 += wait;
            waits.1 += 1;
            log.record(
                now,
                EventKind::TrackStarted,
                Some(review.who),
                Some(track as u32),
            );
            let event = ReviewEvent::TrackDone { task: task_index };
            context.schedule_in(task.duration, Event::Review(event));
            let review_index = task.review;
            if self.clock_start == ClockStart::ReviewStart && review.deadline.is_none() {
                self.start_clock(review_index, context);
            }
        }
    }

    /// Handles one of the program's events; returns what it means for the
    /// model's release, if anything.
    pub(crate) fn handle(
        &mut self,
        event: ReviewEvent,
        context: &mut Context<'_, Event>,
        log: &mut EventLog<'_>,
    ) -> Option<Verdict> {
        match event {
            ReviewEvent::TrackDone { task } => self.on_track_done(task, context, log),
            ReviewEvent::WindowExpired { review } => self.on_window_expired(review, context, log),
            ReviewEvent::CapacityChange { track, capacity } => {
                let state = &mut self.tracks[track];
                state.advance(context.now());
                state.capacity = capacity;
                self.dispatch(track, context, log);
                None
            }
        }
    }

    /// The program's own events at the start of a replication: each change
    /// of a track's capacity.
    pub(crate) fn initial_events(&self) -> Vec<(SimTime, Event)> {
        (self.schedule.iter())
            .map(|&(time, track, capacity)| {
                let event = ReviewEvent::CapacityChange { track, capacity };
                (time, Event::Review(event))
            })
            .collect()
    }

    /// A track finished a task (ignored if the task was stopped meanwhile).
    fn on_track_done(
        &mut self,
        task_index: usize,
        context: &mut Context<'_, Event>,
        log: &mut EventLog<'_>,
    ) -> Option<Verdict> {
        let now = context.now();
        let task = &mut self.tasks[task_index];
        if task.status != TaskStatus::Running {
            return None;
        }
        task.status = TaskStatus::Completed;
        task.fraction_done = 1.0;
        let track = task.track as usize;
        let review_index = task.review;
        let state = &mut self.tracks[track];
        state.advance(now);
        state.busy -= 1;
        state.completed += 1;
        let review = &mut self.reviews[review_index];
        log.record(
            now,
            EventKind::TrackCompleted,
            Some(review.who),
            Some(track as u32),
        );
        review.remaining -= 1;
        let verdict = if review.remaining == 0 {
            review.completed = Some(now);
            self.completion_days_total += now.since(review.submitted).as_days();
            self.completions += 1;
            log.record(now, EventKind::ReviewCompleted, Some(review.who), None);
            Some(Verdict::Completed {
                model: review.model,
            })
        } else {
            None
        };
        self.dispatch(track, context, log);
        verdict
    }

    /// A review's window ended (ignored if the review completed first).
    fn on_window_expired(
        &mut self,
        review_index: usize,
        context: &mut Context<'_, Event>,
        log: &mut EventLog<'_>,
    ) -> Option<Verdict> {
        let now = context.now();
        let review = &mut self.reviews[review_index];
        if review.completed.is_some() || review.expired {
            return None;
        }
        review.expired = true;
        let who = review.who;
        let model = review.model;
        log.record(now, EventKind::WindowExpired, Some(who), None);
        if review.hold {
            return Some(Verdict::Expired {
                model,
                release: false,
            });
        }
        for task_index in review.tasks.clone() {
            let task = &mut self.tasks[task_index];
            let track = task.track as usize;
            let state = &mut self.tracks[track];
            match task.status {
                TaskStatus::Queued => {
                    state.advance(now);
                    state.queue.retain(|&queued| queued != task_index);
                }
                TaskStatus::Running => {
                    state.advance(now);
                    state.busy -= 1;
                    let started = task.started.unwrap_or(now);
                    task.fraction_done = if task.duration.is_zero() {
                        1.0
                    } else {
                        now.since(started).ticks() as f64 / task.duration.ticks() as f64
                    };
                }
                TaskStatus::Completed | TaskStatus::Abandoned => continue,
            }
            task.status = TaskStatus::Abandoned;
            state.abandoned += 1;
            log.record(
                now,
                EventKind::TrackAbandoned,
                Some(who),
                Some(track as u32),
            );
            self.dispatch(track, context, log);
        }
        Some(Verdict::Expired {
            model,
            release: true,
        })
    }

    /// Share of planned work done on each track for a model's review, in
    /// track order.
    pub(crate) fn fractions_done(&self, review_index: usize) -> impl Iterator<Item = f64> + '_ {
        let tasks = self.reviews[review_index].tasks.clone();
        self.tasks[tasks].iter().map(|task| task.fraction_done)
    }

    /// Per track: models waiting and teams at work now.
    pub(crate) fn queue_snapshot(&self) -> Vec<(u64, u64)> {
        self.tracks
            .iter()
            .map(|state| (state.queue.len() as u64, u64::from(state.busy)))
            .collect()
    }

    /// Per lab: mean days between submission and a track starting, over all
    /// track starts.
    pub(crate) fn mean_queue_wait_days(&self, lab: usize) -> Option<f64> {
        let (total, count) = self.lab_waits[lab];
        (count > 0).then(|| total / count as f64)
    }

    /// Reviews submitted and completed, and mean days from submission to
    /// completion.
    pub(crate) fn totals(&self) -> (u64, u64, Option<f64>) {
        let mean =
            (self.completions > 0).then(|| self.completion_days_total / self.completions as f64);
        (self.reviews.len() as u64, self.completions, mean)
    }

    /// Track statistics over the program's operational time up to `horizon`.
    pub(crate) fn track_stats(&mut self, horizon: SimTime) -> Vec<TrackStats> {
        let observed = horizon.since(self.operational).ticks();
        self.tracks
            .iter_mut()
            .map(|state| {
                state.advance(horizon);
                let per_tick = |area: u128| (observed > 0).then(|| area as f64 / observed as f64);
                TrackStats {
                    started: state.started,
                    completed: state.completed,
                    abandoned: state.abandoned,
                    // Over the mean number of teams (the capacity, unless
                    // it changed on a schedule).
                    utilisation: per_tick(state.busy_area)
                        .zip(per_tick(state.capacity_area))
                        .map(|(busy, teams)| busy / teams),
                    queue_length_mean: per_tick(state.queue_area),
                    queue_length_max: state.queue_max as u64,
                    queue_wait_days_mean: (state.started > 0)
                        .then(|| state.wait_days_total / state.started as f64),
                }
            })
            .collect()
    }
}

thread_local! {
    static TASKS: Cell<Vec<Task>> = const { Cell::new(Vec::new()) };
    static REVIEWS: Cell<Vec<ReviewState>> = const { Cell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use crate::model::Recording;
    use crate::runner::simulate_unit;
    use crate::scenario::Scenario;

    /// One track of one team, reviews of 10 days, three models ready on
    /// days 60, 60.5 and 61; the lab holds for its reviews.
    fn three_models(schedule: &str) -> Scenario {
        let text = format!(
            r#"
            [simulation]
            name = "hiring"
            horizon_days = 100
            [review]
            on_expiry = "hold"
            [[review.tracks]]
            id = "only"
            capacity = 1
            duration_days = 10
            {schedule}
            [[labs]]
            id = "lab"
            participation = {{ signed = true }}
            [[labs.lines]]
            id = "line"
            access = "api"
            cadence_days = {{ dist = "dates", dates = [60, 60.5, 61] }}
            "#
        );
        Scenario::from_toml(&text, "hiring.toml", &[]).unwrap()
    }

    #[test]
    fn hiring_on_a_schedule_starts_waiting_reviews_and_counts_the_teams_in_utilisation() {
        // One team: the second and third models queue (10 and 19.5 days).
        let unit = simulate_unit(&three_models(""), 0, 0, Recording::NONE);
        let track = &unit.system.tracks[0];
        assert_eq!(track.queue_length_max, 2);
        assert_eq!(
            unit.labs[0].queue_wait_days_mean,
            Some((0.0 + 9.5 + 19.0) / 3.0)
        );
        assert_eq!(track.utilisation, Some(30.0 / 100.0));
        // Three teams from day 50: nobody waits, and the same 30 team-days
        // of work are over 50 x 1 + 50 x 3 = 200 team-days of capacity.
        let hired = three_models("capacity_schedule = [{ from = 50, capacity = 3 }]");
        let unit = simulate_unit(&hired, 0, 0, Recording::NONE);
        let track = &unit.system.tracks[0];
        assert_eq!(track.queue_length_max, 0);
        assert_eq!(unit.labs[0].queue_wait_days_mean, Some(0.0));
        assert_eq!(track.utilisation, Some(30.0 / 200.0));
        // Hired on day 62, by date: the queued models start then.
        let late = three_models("capacity_schedule = [{ from = 2026-08-03, capacity = 3 }]");
        let unit = simulate_unit(&late, 0, 0, Recording::NONE);
        assert_eq!(
            unit.labs[0].queue_wait_days_mean,
            Some((0.0 + 1.5 + 1.0) / 3.0)
        );
    }
}
