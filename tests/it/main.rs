//! Integration tests, one module per behaviour.

mod cli;
mod common;
mod determinism;
mod hazards;
mod market;
mod politics;
mod review_policy;
mod scenario_errors;
