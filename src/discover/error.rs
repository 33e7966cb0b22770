//! What a caller can get wrong when asking PRIM for a box: the points and
//! the options, each message naming the argument, the value and what is
//! allowed.

use thiserror::Error;

/// A request [`discover`](super::discover) refuses.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DiscoverError {
    /// PRIM needs at least one world to look at.
    #[error("worlds = 0: PRIM needs at least one world")]
    NoWorlds,

    /// PRIM needs at least one parameter to restrict.
    #[error("parameters = 0: PRIM needs at least one parameter")]
    NoParameters,

    /// One name per column of values.
    #[error("names: {names} name(s) for {columns} column(s) of values; give one name per column")]
    NamesAndColumns {
        /// Names given.
        names: usize,
        /// Columns given.
        columns: usize,
    },

    /// Two columns with one name could not be told apart in a box.
    #[error("names: {name:?} is given twice; each parameter needs its own name")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },

    /// Every column, and the condition, has one value per world.
    #[error("{what}: {len} value(s) for {worlds} world(s); give one value per world")]
    Length {
        /// The column's name, or `condition`.
        what: String,
        /// Values given.
        len: usize,
        /// Worlds (the length of the first column).
        worlds: usize,
    },

    /// A box limit is a number: NaN and infinities have no place in one.
    #[error("{name}: world {world} has value {value}; PRIM needs finite numbers")]
    NotFinite {
        /// The parameter.
        name: String,
        /// The world, from 0.
        world: usize,
        /// The value found.
        value: f64,
    },

    /// A fraction out of its range.
    #[error("{option} = {value}: must be {allowed}")]
    Option {
        /// The option's name (`peel_alpha`, `paste_alpha`, `mass_min`, ...).
        option: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed, in words.
        allowed: &'static str,
    },

    /// A box picked by its step must be on the trajectory.
    #[error("step = {step}: the peeling trajectory has steps 0 to {last}")]
    NoSuchStep {
        /// The step asked for.
        step: usize,
        /// The last step of the trajectory.
        last: usize,
    },
}

/// The result of a PRIM request.
pub type Result<T> = std::result::Result<T, DiscoverError>;
