//! What a caller can get wrong when asking for a design or an analysis.
//!
//! Data that merely makes an index undefined (constant outputs, too few
//! usable rows) is not an error: the index comes back as `None`. These are
//! the mistakes in the request itself, each message naming the argument, the
//! value and what is allowed.

use thiserror::Error;

/// A request the sensitivity functions refuse.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SensitivityError {
    /// A design needs at least one parameter.
    #[error("parameters = 0: a design needs at least one parameter")]
    NoParameters,

    /// The Sobol' sequence has 256 dimensions and a Saltelli design uses two
    /// per parameter.
    #[error(
        "parameters = {parameters}: at most {max} in a Saltelli design \
         (two Sobol' dimensions per parameter, 256 in all)"
    )]
    TooManyParameters {
        /// Parameters asked for.
        parameters: usize,
        /// The most allowed.
        max: usize,
    },

    /// A group index per parameter, numbered 0..g with no group empty.
    #[error(
        "groups: group {missing} has no parameter; groups must be numbered \
         0..{count} with every number used"
    )]
    EmptyGroup {
        /// The first unused group number.
        missing: usize,
        /// How many groups the largest number implies.
        count: usize,
    },

    /// Base rows of a Saltelli design must be a power of two, so that they
    /// are a whole number of Sobol' nets.
    #[error(
        "base_rows = {base_rows}: must be a power of two, at least 2 (the nearest is {nearest})"
    )]
    BaseRowsNotPowerOfTwo {
        /// Base rows asked for.
        base_rows: usize,
        /// The allowed value nearest to it.
        nearest: usize,
    },

    /// The Sobol' sequence used is 2^16 points long.
    #[error("base_rows = {base_rows}: at most {max} (the length of the Sobol' sequence)")]
    TooManyBaseRows {
        /// Base rows asked for.
        base_rows: usize,
        /// The most allowed.
        max: usize,
    },

    /// A Morris design needs at least one trajectory.
    #[error("trajectories = 0: a Morris design needs at least one trajectory")]
    NoTrajectories,

    /// Morris levels must be even so that the step Δ = p / (2(p - 1)) joins
    /// each lower level to an upper one.
    #[error("levels = {levels}: must be even and at least 2 (4 is usual)")]
    LevelsNotEven {
        /// Levels asked for.
        levels: usize,
    },

    /// One output per design point, in the design's order.
    #[error("outputs: {got} values for a design of {expected} points")]
    OutputCount {
        /// Outputs given.
        got: usize,
        /// Points in the design.
        expected: usize,
    },

    /// A replications-needed target is a noise share strictly between 0 and 1.
    #[error("threshold = {threshold}: must be strictly between 0 and 1")]
    ThresholdOutOfRange {
        /// Threshold asked for.
        threshold: f64,
    },
}

/// Results of this module.
pub type Result<T> = std::result::Result<T, SensitivityError>;
