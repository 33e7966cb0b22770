//! What the subcommands do, without the terminal: load and validate a
//! scenario and its sweep, run it (or one shard of it) into an output
//! directory, merge shards, describe it, list its parameters. The binary
//! parses arguments, calls these, and prints.

mod compare;
mod describe;
mod discover;
mod merge;
mod observed;
mod precision;
mod robustness;
mod run;
mod sensitivity;
mod sinks;
mod staging;

use std::path::PathBuf;

pub use compare::{
    Arm, HEADLINE, differences_text, headline_metrics, headline_text, level, percent, percent_ci,
    rounded,
};
pub use describe::describe;
pub use discover::{Condition, DiscoverReport, discover};
pub use merge::{MergeError, MergeReport, merge};
pub use observed::{ObservedReport, ObservedRequest, backtest, replay};
pub use precision::{
    DEFAULT_MAX_REPLICATIONS, Precision, PrecisionReport, Target, Widest, describe_rule, slots_of,
};
pub use robustness::{RobustnessReport, SATISFICING_FILE, robustness, robustness_text};
pub use run::{compare, run, sensitivity, swept_of};
pub use sensitivity::{
    DEFAULT_BASE_ROWS, DEFAULT_TRAJECTORIES, HEADLINE_METRICS, SensitivityRequest, ranked_text,
    sensitivity_sweep, three_significant,
};

use crate::experiment::{Experiment, ExperimentError, Limits};
use crate::output::{Format, OutputError, OutputKind, Outputs};
use crate::runner::RunError;
use crate::scenario::{Override, Scenario, ScenarioError};
use crate::shard::Shard;

/// Everything that can stop a subcommand.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The scenario or an override is wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The sweep is wrong or too large.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// Output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The manifest could not be serialized.
    #[error("cannot write manifest.json")]
    Manifest(#[from] serde_json::Error),
    /// A request that cannot be carried out as asked.
    #[error("{0}")]
    Request(String),
    /// Shards could not be merged.
    #[error(transparent)]
    Merge(#[from] MergeError),
}

impl AppError {
    /// The signal that stopped the run or merge, if one did.
    pub fn interrupted_by(&self) -> Option<usize> {
        match self {
            AppError::Run(err) => err.interrupted_by(),
            AppError::Merge(err) => err.interrupted_by(),
            _ => None,
        }
    }
}

/// The scenario a command runs: its file, read once, with the command
/// line's overrides and typed settings.
#[derive(Debug, Clone, Default)]
pub struct ScenarioSource {
    /// The scenario file.
    pub file: PathBuf,
    /// `--set` overrides, in order.
    pub overrides: Vec<Override>,
    /// Replications (`--replications`), over the file's.
    pub replications: Option<u64>,
    /// Master seed (`--seed`), over the file's.
    pub seed: Option<u64>,
}

impl ScenarioSource {
    /// The scenario `file` with no overrides.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        ScenarioSource {
            file: file.into(),
            ..ScenarioSource::default()
        }
    }

    /// Every override, in order: `--set`, then the typed settings.
    pub fn overrides(&self) -> Vec<Override> {
        let integer = |n: u64| toml::Value::Integer(n.min(i64::MAX as u64) as i64);
        let mut overrides = self.overrides.clone();
        if let Some(count) = self.replications {
            overrides.push(Override::typed("simulation.replications", integer(count)));
        }
        if let Some(seed) = self.seed {
            overrides.push(Override::typed("simulation.seed", integer(seed)));
        }
        overrides
    }

    /// Reads the file once and validates it with its sweep.
    pub fn experiment(&self, limits: Limits) -> Result<Experiment, ExperimentError> {
        Experiment::load(&self.file, &self.overrides(), limits)
    }

    /// Reads the file once without its sweep's points: the scenario
    /// alone, and whether it has a `[sweep]`.
    pub fn unswept(&self, limits: Limits) -> Result<(Experiment, bool), ExperimentError> {
        Experiment::load_unswept(&self.file, &self.overrides(), limits)
    }

    /// Reads the file once and validates it (without a sweep).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::load(&self.file, &self.overrides())
    }
}

/// A `run` request.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The command line that asked for the run (for the manifest; may be
    /// empty).
    pub command: Vec<String>,
    /// The scenario.
    pub scenario: ScenarioSource,
    /// The output directory.
    pub out: PathBuf,
    /// Worker threads (`None`: every core).
    pub threads: Option<usize>,
    /// Whether to write `events.csv` (added to `outputs`).
    pub events: bool,
    /// Sample time series every this many days (adds the time-series
    /// files to `outputs`).
    pub timeseries_every_days: Option<u32>,
    /// The files to write (`None`: the default for the experiment).
    pub outputs: Option<Outputs>,
    /// The tables' file format.
    pub format: Format,
    /// Run only this slice of the replications.
    pub shard: Option<Shard>,
    /// Lift the limits on points and work units.
    pub allow_large: bool,
    /// Replace the results of an earlier run in `out`.
    pub replace: bool,
    /// Set by a signal handler to stop the run; nothing is then written.
    pub stop: crate::runner::Stop,
    /// Run replications in batches until these targets are met.
    pub precision: Option<Precision>,
}

/// What a finished run wrote.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Work units run.
    pub work_units: u64,
    /// Files written, manifest last.
    pub files: Vec<PathBuf>,
    /// Seconds taken.
    pub wall_time_seconds: f64,
    /// Worker threads used.
    pub threads: usize,
    /// The sensitivity indices written, for a sensitivity design run whole.
    pub sensitivity: Vec<crate::output::IndexRow>,
    /// The robustness rows written, for a robustness study run whole.
    pub robustness: Vec<crate::robustness::RobustnessRow>,
    /// The headline differences from the baseline point, for a comparison
    /// of a few points run whole (`compare`, a small sweep).
    pub differences: Vec<crate::output::Difference>,
    /// The headline means of each point, for a run of a few points run
    /// whole.
    pub estimates: Vec<crate::output::Estimate>,
    /// Each point's name in what is printed: the scenario's name, an
    /// arm's, or a sweep point's values.
    pub point_names: Vec<String>,
    /// What a run to a precision found.
    pub precision: Option<PrecisionReport>,
}

/// Loads a scenario and its sweep, every point validated.
pub fn load_experiment(
    scenario: &ScenarioSource,
    allow_large: bool,
) -> Result<Experiment, ExperimentError> {
    scenario.experiment(limits(allow_large))
}

/// `validate`: the scenario and its sweep checked as `run` would check
/// them, with the event log's limit when the run would keep events.
pub fn validate(
    scenario: &ScenarioSource,
    allow_large: bool,
    events: bool,
) -> Result<Experiment, ExperimentError> {
    scenario.experiment(limits(allow_large).logging(events))
}

fn limits(allow_large: bool) -> Limits {
    if allow_large {
        Limits::none()
    } else {
        Limits::default()
    }
}

/// The outputs a request asks for, checked against the experiment.
fn outputs_for(request: &RunRequest, experiment: &Experiment) -> Result<Outputs, AppError> {
    let compare = experiment.baseline().is_some();
    let robustness = experiment.robustness().is_some();
    let mut outputs = request.outputs.clone().unwrap_or_else(|| {
        if robustness {
            return Outputs::robustness();
        }
        Outputs::default_for(
            experiment.sweep.is_some(),
            compare,
            experiment.plan().is_some(),
        )
    });
    if request.events {
        outputs = outputs.with(OutputKind::events());
    }
    if request.timeseries_every_days.is_some() {
        for kind in OutputKind::series() {
            outputs = outputs.with(kind);
        }
    }
    if outputs.has(OutputKind::Compare) && !compare {
        return Err(AppError::Request(format!(
            "--outputs {outputs}: compare needs a [sweep] with at least two points \
             ({} has {})",
            request.scenario.file.display(),
            experiment.points.len()
        )));
    }
    if outputs.has(OutputKind::Robustness) && !robustness {
        return Err(AppError::Request(format!(
            "--outputs {outputs}: robustness needs a [sweep] with method = \"robustness\"; \
             {} has none",
            request.scenario.file.display()
        )));
    }
    if outputs.has(OutputKind::Sensitivity) && experiment.plan().is_none() {
        return Err(AppError::Request(format!(
            "--outputs {outputs}: sensitivity needs a [sweep] with method = \"sobol\" or \"morris\" \
             (or the sensitivity command); {} has none",
            request.scenario.file.display()
        )));
    }
    Ok(outputs)
}
