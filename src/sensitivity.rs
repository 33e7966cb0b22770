//! Global sensitivity analysis: which assumptions decide the answer.
//!
//! The math only, over plain data, with no I/O. A study runs in three
//! steps:
//!
//! 1. **Design.** Generate points in the unit hypercube [0, 1)^k, one
//!    coordinate per parameter: a [`SaltelliDesign`] for Sobol' indices, a
//!    [`MorrisDesign`] for cheaper screening. Map each coordinate to its
//!    parameter's plausible range and run every point as a scenario
//!    variant, R replications each.
//! 2. **Indices.** From one output per point (the mean over replications,
//!    `None` where the metric is undefined), in the design's order:
//!    [`sobol_indices`] gives first-, total- and second-order indices,
//!    [`morris_indices`] gives μ, μ* and σ; each with bootstrap standard
//!    errors and 95% intervals.
//! 3. **Noise.** From each point's replications (count, mean, variance),
//!    [`replication_noise`] tells how much of the variance between point
//!    means is replication noise, how many replications would make it
//!    small, and the floor below which an index is [`is_noise_dominated`].
//!
//! Parameters can be grouped ([`Groups`]): a group moves as one and gets
//! one index. Everything is deterministic from the seeds given.

mod bootstrap;
mod error;
mod groups;
mod morris;
mod saltelli;
mod sobol;
mod trajectories;

pub use bootstrap::{Bootstrap, DEFAULT_RESAMPLES, Estimate, Interval};
pub use error::{Result, SensitivityError};
pub use groups::Groups;
pub use morris::{MorrisIndex, MorrisIndices, morris_indices};
pub use saltelli::{
    MAX_BASE_ROWS, MAX_SALTELLI_PARAMETERS, SaltelliDesign, SaltelliLayout, SaltelliOptions,
};
pub use sobol::{PairIndex, SobolIndices, sobol_indices};
pub use trajectories::{Direction, MorrisDesign, MorrisLayout, MorrisOptions, MorrisStep};
