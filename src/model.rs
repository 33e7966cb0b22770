//! The policy model: labs whose lines make models ready on a cadence, a review
//! program that takes covered models through its tracks, and the release that
//! follows. It schedules and handles events on the [`crate::engine`] and
//! never does I/O: results come back as records.
//!
//! Each mechanism is its own module: [`World`] (in `world.rs`) owns the labs
//! and releases and routes events; `review.rs` owns tracks, queues and
//! windows; `outcomes.rs` turns tallies into per-lab and system records;
//! `log.rs` keeps the optional event log.

mod log;
mod outcomes;
mod review;
mod world;

pub use log::{EventKind, EventRecord, ModelRef, ReleaseHow};
pub use outcomes::{LabOutcome, SystemOutcome, TrackOutcome};
pub use world::{Event, World, WorldOutcomes};

/// Purposes of the random streams. Each (purpose, entity) pair is its own
/// stream, so drawing more from one never shifts another: changing the
/// review policy leaves every line's ready times untouched.
pub mod streams {
    /// Ready times of a line (entity: the line's global index).
    pub const CADENCE: u32 = 1;
    /// Review durations of a line's models on every track (entity: the
    /// line's global index). Drawn for every model, covered or not, so
    /// coverage changes do not shift them.
    pub const REVIEW: u32 = 2;
}
