//! The discrete-event core. It knows nothing about AI policy: it offers exact
//! time ([`SimTime`], [`SimDuration`]), an event queue with a deterministic
//! tie order ([`EventQueue`]), a run loop ([`Simulation`]) over anything that
//! implements [`Model`], and reproducible random streams ([`StreamSeed`]).

mod queue;
mod rng;
mod sim;
mod time;

pub use queue::EventQueue;
pub use rng::{StreamRng, StreamSeed};
pub use sim::{Context, Model, Simulation};
pub use time::{SimDuration, SimTime, TICKS_PER_DAY, nearest_integer};
