//! Integration tests, one module per behaviour.

mod aggregates;
mod cli;
mod common;
mod common_random_numbers;
mod determinism;
mod params;
mod review_policy;
mod scenario_errors;
mod sharding;
mod sweeps;
