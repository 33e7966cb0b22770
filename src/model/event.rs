//! The model's events: what the engine queues and the world routes to the
//! component they concern. A component with events of its own has them
//! defined here, beside the world's event that wraps them.
//!
//! A leaf: it imports no other module of the model, so every component can
//! schedule events through it without reaching up to the world.

/// The model's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A line's next model is ready (index across all labs' lines).
    Ready { line: usize },
    /// The review program becomes operational.
    Operational,
    /// An event of the review program (see [`ReviewEvent`]).
    Review(ReviewEvent),
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
    /// The horizon: the continuous processes are brought up to it.
    Horizon,
}

/// The review program's own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewEvent {
    /// A track finishes a review task.
    TrackDone { task: usize },
    /// A review's window ends.
    WindowExpired { review: usize },
    /// A track's teams change, as its capacity schedule says.
    CapacityChange { track: usize, capacity: u32 },
}
