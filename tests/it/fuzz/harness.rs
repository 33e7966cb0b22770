//! The property every fuzz case is held to.
//!
//! An input is scenario text, `--set` arguments and what to record. It must
//! be refused with a clear message (see [`super::messages`]), or validate
//! and run to finite numbers (see [`super::outputs`]), without a panic.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use reviewsim::engine::{StreamRng, StreamSeed};
use reviewsim::experiment::{Experiment, ExperimentError, Limits, MAX_WORK_UNITS};
use reviewsim::model::Recording;
use reviewsim::scenario::{Override, ScenarioError, WorkLimits};

use super::messages::refused;
use super::outputs::{every_number_is_finite, run};

/// Master seed of every generator: case `i` of generator `g` draws from the
/// stream (SEED, g, i), so a case is reproducible from its number alone.
pub const SEED: u64 = 20_260_602;

/// The shipped scenarios.
pub const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");

/// Scenario variants in a default run; `REVIEWSIM_FUZZ_CASES` changes it,
/// and the other generators scale with it.
const DEFAULT_CASES: u64 = 10_000;

/// Points of an experiment that are run (the sweep's baseline too).
pub const POINTS_RUN: usize = 3;

/// How many scenario variants to make.
pub fn cases() -> u64 {
    match std::env::var("REVIEWSIM_FUZZ_CASES") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("REVIEWSIM_FUZZ_CASES={text}: expected a whole number")),
        Err(_) => DEFAULT_CASES,
    }
}

/// The case numbers to check: `0..count`, or only the one that
/// `REVIEWSIM_FUZZ_CASE` names.
pub fn case_numbers(count: u64) -> std::ops::Range<u64> {
    match std::env::var("REVIEWSIM_FUZZ_CASE") {
        Ok(text) => {
            let case: u64 = text
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("REVIEWSIM_FUZZ_CASE={text}: expected a case number"));
            case..case + 1
        }
        Err(_) => 0..count,
    }
}

/// The random stream of one case.
pub fn case_rng(generator: u64, case: u64) -> StreamRng {
    StreamSeed::new(SEED, generator, case).stream(0, 0)
}

/// The limits cases are validated under: tighter than the defaults (2,000
/// models and 100,000 logged events per replication instead of 100,000 and
/// 10 million, 200 points instead of 10,000) so that every case is cheap.
/// The property is unchanged: what validates under the limits runs, in time
/// and memory bounded by them.
pub fn limits(logged: bool) -> Limits {
    Limits {
        max_points: 200,
        max_work_units: MAX_WORK_UNITS,
        work: WorkLimits {
            max_models: 2_000.0,
            max_logged_events: 1e5,
            max_market_work: 2e7,
        },
        logged,
    }
}

/// One fuzz input.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file name given to the parser (`extends` is relative to it).
    pub file: String,
    /// The scenario text.
    pub text: String,
    /// `--set` arguments, as typed.
    pub overrides: Vec<String>,
    /// What the replications record.
    pub recording: Recording,
}

impl Input {
    /// Text from a file name, without overrides or recording.
    pub fn new(file: &str, text: String) -> Input {
        Input {
            file: file.to_string(),
            text,
            overrides: Vec::new(),
            recording: Recording::NONE,
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "file: {}", self.file)?;
        writeln!(
            f,
            "recording: events {}, timeseries every {:?} days",
            self.recording.events, self.recording.timeseries_every_days
        )?;
        for arg in &self.overrides {
            writeln!(f, "--set '{arg}'")?;
        }
        writeln!(f, "----- text -----")?;
        write!(f, "{}", self.text)?;
        if !self.text.ends_with('\n') {
            writeln!(f)?;
        }
        write!(f, "----- end -----")
    }
}

/// What a case did when it held the property.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Refused with this message.
    Refused(String),
    /// Validated; this many points ran.
    Ran(usize),
}

/// How a case broke the property.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `panic`, `bad message`, `accepted non-finite`, `not finite`,
    /// `aggregates refused`, `bad cell`.
    pub kind: &'static str,
    /// What happened.
    pub detail: String,
}

pub fn fail<T>(kind: &'static str, detail: String) -> Result<T, Failure> {
    Err(Failure { kind, detail })
}

/// Holds one input to the property, catching panics.
pub fn check(input: &Input) -> Result<Verdict, Failure> {
    match catch_unwind(AssertUnwindSafe(|| examine(input))) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(no message)".to_string());
            fail("panic", message)
        }
    }
}

fn examine(input: &Input) -> Result<Verdict, Failure> {
    let mut overrides = Vec::new();
    for arg in &input.overrides {
        match arg.parse::<Override>() {
            Ok(ov) => overrides.push(ov),
            Err(err) => return refused(&err.to_string(), "--set ", input),
        }
    }
    let limits = limits(input.recording.events);
    let experiment = match Experiment::from_toml(&input.text, &input.file, &overrides, limits) {
        Ok(experiment) => experiment,
        Err(err) => {
            // A `--set` that cannot be applied is named by its argument; a
            // problem in a file extended, by that file.
            let start = match &err {
                ExperimentError::Scenario(ScenarioError::Override { .. }) => "--set ",
                ExperimentError::Scenario(
                    ScenarioError::Read { file, .. } | ScenarioError::Syntax { file, .. },
                ) if input.text.contains("extends") => file,
                _ => &input.file,
            };
            return refused(&err.to_string(), start, input);
        }
    };
    for point in 0..experiment.points.len() {
        let scenario = experiment.point_scenario(point).or_else(|e| {
            fail(
                "accepted non-finite",
                format!("point {point} no longer validates: {e}"),
            )
        })?;
        every_number_is_finite(scenario.resolved())?;
    }
    // What `reviewsim validate` prints must not panic either.
    reviewsim::app::describe(&experiment);
    run(&experiment, input.recording)
}
