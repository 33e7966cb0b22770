//! The policy model: labs whose lines make models ready on a cadence, a review
//! program that takes covered models through its tracks, and the release that
//! follows. It schedules and handles events on the [`crate::engine`] and
//! never does I/O: results come back as records.
//!
//! Each mechanism is a component with its own module, which owns its state
//! and offers a few operations: `lines.rs` makes models ready, `review.rs`
//! owns tracks, queues and windows, `harm.rs` hazards, derivatives and
//! incidents, `politics.rs` participation, pressure and escalation,
//! `market.rs` adoption, `lead.rs` the capability lead. [`World`] (in
//! `world.rs`) keeps the models, routes each [`Event`] to the component it
//! concerns, and links the components in one place. `outcomes.rs` counts
//! outcomes and holds the records; `log.rs` and `series.rs` keep the
//! optional event log and time series, each a table whose row is declared
//! once (`record.rs`); `series::TABLES` lists them.
//!
//! Imports run downward only. `world.rs` is at the top; `outcomes.rs` and
//! `series.rs` read the components' state; a component imports no other
//! component, only the leaves below them all, which import no component:
//! `event.rs` (the world's [`Event`] and the components' own events it
//! wraps), `log.rs`, `record.rs`, `spare.rs` (lists kept per thread) and
//! [`streams`]. `tests/it/structure.rs` fails on a cycle.
//!
//! Adding a mechanism: a module with its state and operations, its events
//! (if it schedules its own) in `event.rs`, one arm in the world's routing,
//! and the links it needs, in the world.

mod event;
mod harm;
mod lead;
mod lines;
mod log;
pub mod market;
mod outcomes;
mod politics;
pub mod record;
mod review;
mod series;
mod spare;
mod world;

pub use event::Event;
pub use log::{EventKind, EventRecord, ModelRef, ReleaseHow};
pub use market::LabSegmentOutcome;
pub use outcomes::{LabOutcome, SystemOutcome, TrackOutcome, WorldOutcomes};
pub use record::{Recording, Row, Rows, SPILL_BATCH, Spill, Spills};
pub use series::{AdoptionSample, PressureSample, QueueSample, Recorded, RecordedTable, TABLES};
pub use world::{Records, World};

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
    /// Derivatives of a line's models that never harm, drawn together
    /// (entity: the line's global index).
    pub const DERIVATIVES: u32 = 8;
}
