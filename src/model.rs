//! The policy model: labs whose lines make models ready on a cadence, a review
//! program that takes covered models through its tracks, and the release that
//! follows. It schedules and handles events on the [`crate::engine`] and
//! never does I/O: results come back as records.
//!
//! Each mechanism is its own module: [`World`] (in `world.rs`) owns the labs
//! and releases and routes events; `review.rs` owns tracks, queues and
//! windows; `market.rs` owns adoption; `lead.rs` tracks the capability
//! lead; `outcomes.rs` turns tallies into per-lab and system records;
//! `log.rs` and `series.rs` keep the optional event log and time series.

mod harm;
mod lead;
mod log;
pub mod market;
mod outcomes;
mod politics;
mod review;
mod series;
mod world;

pub use log::{EventKind, EventRecord, ModelRef, ReleaseHow};
pub use market::LabSegmentOutcome;
pub use outcomes::{LabOutcome, SystemOutcome, TrackOutcome};
pub use series::{
    AdoptionSample, PressureSample, QueueSample, Recording, SPILL_BATCH, Spill, Spills,
};
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
    /// Capability lag of a line's models, incumbent first (entity: the
    /// line's global index).
    pub const CAPABILITY: u32 = 3;
    /// Adoption and switching draws in stochastic market mode (entity 0).
    pub const MARKET: u32 = 4;
    /// Hazard, detection, mitigation and stripping draws of a line's models,
    /// made when each is ready (entity: the line's global index).
    pub const HAZARD: u32 = 5;
    /// Derivatives, incidents and responses of one released model (entity:
    /// line index << 20 | model number).
    pub const HARM: u32 = 6;
    /// A lab's signing threshold (entity: the lab's index).
    pub const POLITICS: u32 = 7;
}
