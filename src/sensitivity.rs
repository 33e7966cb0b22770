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
//!
//! ```
//! use reviewsim::sensitivity::{
//!     is_noise_dominated, replication_noise, sobol_indices, Bootstrap, Groups,
//!     PointReplications, SaltelliDesign, SaltelliOptions,
//! };
//!
//! // Two parameters; the model's output is 2 x0 + x1 plus noise.
//! let groups = Groups::ungrouped(2)?;
//! let options = SaltelliOptions { base_rows: 512, second_order: false, seed: 7 };
//! let design = SaltelliDesign::generate(&groups, options)?;
//!
//! // Pretend each point ran 20 replications with variance 0.01 about the model.
//! let runs: Vec<PointReplications> = design
//!     .points
//!     .iter()
//!     .map(|x| PointReplications { replications: 20, mean: 2.0 * x[0] + x[1], variance: 0.01 })
//!     .collect();
//! let means: Vec<Option<f64>> = runs.iter().map(|run| Some(run.mean)).collect();
//!
//! let indices = sobol_indices(&design.layout, &means, &Bootstrap::default())?;
//! let noise = replication_noise(&runs).unwrap();
//! let floor = noise.sobol_floor().unwrap();
//! let x0 = indices.total_order[0].unwrap();
//! assert!(x0.ci95.unwrap().contains(0.8));
//! assert!(!is_noise_dominated(&x0, floor));
//! # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
//! ```

mod bootstrap;
mod error;
mod groups;
mod morris;
mod noise;
mod plan;
mod saltelli;
mod sobol;
mod trajectories;

#[cfg(test)]
mod validation;

pub use bootstrap::{Bootstrap, DEFAULT_RESAMPLES, Estimate, Interval};
pub use error::{Result, SensitivityError};
pub use groups::Groups;
pub use morris::{MorrisIndex, MorrisIndices, morris_indices};
pub use noise::{PointReplications, ReplicationNoise, is_noise_dominated, replication_noise};
pub use plan::{Contrast, Design, DesignKind, Plan};
pub use saltelli::{
    MAX_BASE_ROWS, MAX_SALTELLI_PARAMETERS, SaltelliDesign, SaltelliLayout, SaltelliOptions,
};
pub use sobol::{PairIndex, SobolIndices, sobol_indices};
pub use trajectories::{Direction, MorrisDesign, MorrisLayout, MorrisOptions, MorrisStep};
