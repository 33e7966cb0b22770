//! Integration tests, one module per behaviour.

mod adopter_days;
mod aggregates;
mod calibration;
mod cli;
mod common;
mod common_random_numbers;
mod data;
mod deploy;
mod determinism;
mod fit;
mod fuzz;
mod golden;
mod hazards;
mod horizon;
mod market;
mod observed;
mod output_dir;
mod params;
mod politics;
mod precision;
mod review_policy;
mod scenario_errors;
mod sensitivity;
mod sharding;
mod sources;
mod sweeps;
