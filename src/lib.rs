//! # reviewsim
//!
//! A discrete-event simulator of government pre-release review of frontier
//! AI models: what a review window run by a body of limited capacity does to
//! release timing for labs that ship open weights and labs that serve models
//! through an API.
//!
//! The flow runs one way: a scenario file is read into raw structs, validated
//! into a [`scenario::Scenario`], expanded into work units (point ×
//! replication), each simulated by the [`model`] on the [`engine`], and the
//! resulting records are handed in a fixed order to the [`output`] writers.
//!
//! ```
//! use reviewsim::scenario::Scenario;
//! use reviewsim::model::Recording;
//! use reviewsim::runner::simulate_unit;
//!
//! let text = r#"
//!     [simulation]
//!     name = "one reviewed lab"
//!     horizon_days = 365
//!
//!     [review]
//!     window_days = 30
//!     [[review.tracks]]
//!     id = "threat"
//!     capacity = 1
//!     duration_days = { dist = "lognormal", median = 10, sigma = 0.5 }
//!
//!     [[labs]]
//!     id = "lab"
//!     participation = { signed = true }
//!     [[labs.lines]]
//!     id = "api"
//!     access = "api"
//!     cadence_days = 60
//! "#;
//! let scenario = Scenario::from_toml(text, "example.toml", &[]).unwrap();
//! let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
//! let lab = &unit.labs[0];
//! assert!(lab.releases >= 5);
//! assert!(lab.delay_days_max.unwrap() <= 30.0); // the window bounds the wait
//! ```

// The crate by its own name, so that `declare!` expands the same inside it
// and in documentation examples.
extern crate self as reviewsim;

pub mod app;
pub mod cli;
pub mod discover;
pub mod engine;
pub mod experiment;
pub mod fit;
pub mod metrics;
pub mod model;
pub mod observed;
pub mod output;
pub mod params;
pub mod progress;
pub mod report;
pub mod robustness;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod shard;
pub mod stats;
