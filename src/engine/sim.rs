//! The run loop.

use super::queue::EventQueue;
use super::time::{SimDuration, SimTime};

/// Something that reacts to events: it owns its state and schedules further
/// events through the [`Context`] it is handed.
pub trait Model {
    /// The events this model schedules and handles: small values, copied
    /// in and out of the queue.
    type Event: Copy;

    /// Handles one event at `context.now()`.
    fn handle(&mut self, event: Self::Event, context: &mut Context<'_, Self::Event>);
}

/// What a model sees while handling an event: the clock, and a way to
/// schedule more events.
pub struct Context<'a, E> {
    now: SimTime,
    queue: &'a mut EventQueue<E>,
    /// Events after this are never handled (see
    /// [`Simulation::discard_after`]).
    last: Option<SimTime>,
}

impl<E: Copy> Context<'_, E> {
    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`. A time in the past is moved to now, so
    /// the clock never runs backwards.
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        self.push(time.max(self.now), event);
    }

    /// Schedules `event` after `delay`.
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.push(self.now + delay, event);
    }

    fn push(&mut self, time: SimTime, event: E) {
        if self.last.is_none_or(|last| time <= last) {
            self.queue.push(time, event);
        }
    }
}

/// A model, its pending events and its clock.
///
/// ```
/// use reviewsim::engine::{Context, Model, SimDuration, SimTime, Simulation};
///
/// /// Counts ticks of a daily clock.
/// struct Daily { ticks: u32 }
/// impl Model for Daily {
///     type Event = ();
///     fn handle(&mut self, _: (), context: &mut Context<'_, ()>) {
///         self.ticks += 1;
///         context.schedule_in(SimDuration::from_days(1.0), ());
///     }
/// }
///
/// let mut sim = Simulation::new(Daily { ticks: 0 });
/// sim.schedule_at(SimTime::ZERO, ());
/// sim.run_until(SimTime::from_days(9.5));
/// assert_eq!(sim.model().ticks, 10); // days 0, 1, ..., 9
/// assert_eq!(sim.now(), SimTime::from_days(9.5));
/// ```
pub struct Simulation<M: Model> {
    model: M,
    queue: EventQueue<M::Event>,
    now: SimTime,
    last: Option<SimTime>,
}

impl<M: Model> Simulation<M> {
    /// A simulation at time zero with no pending events.
    pub fn new(model: M) -> Self {
        Simulation {
            model,
            queue: EventQueue::with_capacity(64),
            now: SimTime::ZERO,
            last: None,
        }
    }

    /// Ends the simulation's time at `last`: events scheduled after it are
    /// dropped instead of queued, since no run will handle them. Events at
    /// or before it keep their order (time, then insertion), so a model
    /// whose last run is `run_until(last)` behaves exactly as without this,
    /// with a queue that holds only what can still happen: a timer set far
    /// beyond the end (a review window of a hundred years) costs nothing.
    ///
    /// ```
    /// use reviewsim::engine::{Context, Model, SimDuration, SimTime, Simulation};
    ///
    /// /// Every event schedules one a day later and one a year later.
    /// struct Timers { handled: u32 }
    /// impl Model for Timers {
    ///     type Event = ();
    ///     fn handle(&mut self, _: (), context: &mut Context<'_, ()>) {
    ///         self.handled += 1;
    ///         context.schedule_in(SimDuration::from_days(1.0), ());
    ///         context.schedule_in(SimDuration::from_days(365.0), ());
    ///     }
    /// }
    ///
    /// let mut kept = Simulation::new(Timers { handled: 0 });
    /// let mut discarded = Simulation::new(Timers { handled: 0 });
    /// discarded.discard_after(SimTime::from_days(30.0));
    /// for sim in [&mut kept, &mut discarded] {
    ///     sim.schedule_at(SimTime::ZERO, ());
    ///     sim.run_until(SimTime::from_days(30.0));
    /// }
    /// assert_eq!(kept.model().handled, discarded.model().handled);
    /// assert_eq!(kept.pending(), 32); // a yearly timer per event, and tomorrow's
    /// assert_eq!(discarded.pending(), 0);
    /// ```
    pub fn discard_after(&mut self, last: SimTime) {
        self.last = Some(last);
    }

    /// Schedules an event from outside the model (initial conditions).
    pub fn schedule_at(&mut self, time: SimTime, event: M::Event) {
        let time = time.max(self.now);
        if self.last.is_none_or(|last| time <= last) {
            self.queue.push(time, event);
        }
    }

    /// Handles every event due at or before `horizon`, in (time, insertion)
    /// order, then leaves the clock at `horizon`. Later events stay queued.
    pub fn run_until(&mut self, horizon: SimTime) {
        while let Some(time) = self.queue.peek_time() {
            if time > horizon {
                break;
            }
            let Some((time, event)) = self.queue.pop() else {
                break;
            };
            self.now = time;
            let mut context = Context {
                now: time,
                queue: &mut self.queue,
                last: self.last,
            };
            self.model.handle(event, &mut context);
        }
        self.now = self.now.max(horizon);
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of events still pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably.
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// Consumes the simulation and returns the model.
    pub fn into_model(self) -> M {
        self.model
    }
}
