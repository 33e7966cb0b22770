//! What the subcommands do, without the terminal: load and validate a
//! scenario and its sweep, run it (or one shard of it) into an output
//! directory, merge shards, describe it, list its parameters. The binary
//! parses arguments, calls these, and prints.

mod merge;
mod sinks;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use merge::{MergeError, MergeReport, merge};

use crate::experiment::{Experiment, ExperimentError, Limits};
use crate::model::Recording;
use crate::output::{
    AggregateState, Aggregates, CsvSink, Manifest, OutputDir, OutputError, OutputKind, Outputs,
    ShardInfo, Tables, files, write_compare, write_points, write_summary,
};
use crate::runner::{self, RunConfig, RunError};
use crate::scenario::{Cadence, Override, Participation, Scenario, ScenarioError};
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

/// A `run` request.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Overrides, in order.
    pub overrides: Vec<Override>,
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
    /// Run only this slice of the replications.
    pub shard: Option<Shard>,
    /// Lift the limits on points and work units.
    pub allow_large: bool,
    /// Replace the results of an earlier run in `out`.
    pub replace: bool,
    /// Set by a signal handler to stop the run; nothing is then written.
    pub stop: crate::runner::Stop,
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
}

/// Loads and validates a scenario with overrides.
pub fn load(scenario: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    Scenario::load(scenario, overrides)
}

/// Loads a scenario and its sweep, every point validated.
pub fn load_experiment(
    scenario: &Path,
    overrides: &[Override],
    allow_large: bool,
) -> Result<Experiment, ExperimentError> {
    Experiment::load(scenario, overrides, limits(allow_large))
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
    let mut outputs = request
        .outputs
        .clone()
        .unwrap_or_else(|| Outputs::default_for(experiment.sweep.is_some(), compare));
    if request.events {
        outputs = outputs.with(OutputKind::Events);
    }
    if request.timeseries_every_days.is_some() {
        outputs = outputs
            .with(OutputKind::Timeseries)
            .with(OutputKind::QueueTimeseries)
            .with(OutputKind::PressureTimeseries);
    }
    if outputs.has(OutputKind::Compare) && !compare {
        return Err(AppError::Request(format!(
            "--outputs {outputs}: compare needs a [sweep] with at least two points \
             ({} has {})",
            request.scenario.display(),
            experiment.points.len()
        )));
    }
    Ok(outputs)
}

/// Validates the scenario and its sweep, then runs it (or one shard) into
/// the output directory. Nothing is created before everything is valid; on
/// any failure the directory is left as it was.
pub fn run(
    request: &RunRequest,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<RunReport, AppError> {
    let started = Instant::now();
    let logged = request.events
        || request
            .outputs
            .as_ref()
            .is_some_and(|o| o.has(OutputKind::Events));
    let experiment = Experiment::load(
        &request.scenario,
        &request.overrides,
        limits(request.allow_large).logging(logged),
    )?;
    let outputs = outputs_for(request, &experiment)?;
    let replications = request
        .shard
        .map(|shard| shard.replications(experiment.replications()))
        .transpose()
        .map_err(AppError::Request)?;
    let scenarios = experiment.scenarios();
    let base = &experiment.base;
    let columns = experiment.columns();
    let point_values: Vec<Vec<String>> =
        experiment.points.iter().map(|p| p.values.clone()).collect();

    let mut out = OutputDir::create(&request.out, request.replace)?;
    let mut written: Vec<&'static str> = Vec::new();
    let csv = if outputs.kinds().iter().any(|k| k.is_per_replication()) {
        let mut writer = |kind: OutputKind| -> Result<sinks::Writer, OutputError> {
            if outputs.has(kind) {
                written.push(kind.file());
                Ok(Box::new(out.stage(kind.file())?))
            } else {
                Ok(Box::new(std::io::sink()))
            }
        };
        let mut optional = |kind: OutputKind| outputs.has(kind).then(|| writer(kind)).transpose();
        let tables = Tables {
            events: optional(OutputKind::Events)?,
            timeseries: optional(OutputKind::Timeseries)?,
            queue_timeseries: optional(OutputKind::QueueTimeseries)?,
            pressure_timeseries: optional(OutputKind::PressureTimeseries)?,
            labs: writer(OutputKind::LabOutcomes)?,
            system: writer(OutputKind::SystemOutcomes)?,
        };
        let sink = CsvSink::with_points(base, tables, &columns, point_values.clone()).map_err(
            |source| OutputError::File {
                file: out_path(&request.out, files::LAB_OUTCOMES),
                source: source.into(),
            },
        )?;
        Some(sink)
    } else {
        None
    };
    let aggregates = outputs.needs_aggregates().then(|| {
        Aggregates::new(AggregateState::new(
            base,
            columns.clone(),
            point_values.clone(),
            experiment.baseline(),
        ))
    });
    let mut sink = sinks::RunSink { csv, aggregates };
    let threads = request.threads.unwrap_or_else(rayon::current_num_threads);
    let series = [
        OutputKind::Timeseries,
        OutputKind::QueueTimeseries,
        OutputKind::PressureTimeseries,
    ]
    .iter()
    .any(|kind| outputs.has(*kind));
    let config = RunConfig {
        threads: Some(threads),
        recording: Recording {
            events: outputs.has(OutputKind::Events),
            timeseries_every_days: series.then_some(request.timeseries_every_days.unwrap_or(7)),
        },
        replications: replications.clone(),
        stop: request.stop.clone(),
        spill_dir: Some(request.out.clone()),
    };
    let work_units = runner::run(&scenarios, &config, &mut sink, progress)?;
    let state = sink.finish().map_err(RunError::from)?;

    let write_error = |name: &str| {
        let file = out_path(&request.out, name);
        move |source: csv::Error| OutputError::File {
            file,
            source: source.into(),
        }
    };
    if outputs.has(OutputKind::Points) {
        let writer = out.stage(files::POINTS)?;
        flush(write_points(&columns, &point_values, writer).map_err(write_error(files::POINTS))?)?;
        written.push(files::POINTS);
    }
    if let Some(state) = &state {
        if request.shard.is_some() {
            let mut writer = out.stage(files::SUMMARY_STATE)?;
            serde_json::to_writer(&mut writer, state)?;
            flush(writer)?;
            written.push(files::SUMMARY_STATE);
        } else {
            if outputs.has(OutputKind::Summary) {
                let writer = out.stage(files::SUMMARY)?;
                flush(write_summary(state, writer).map_err(write_error(files::SUMMARY))?)?;
                written.push(files::SUMMARY);
            }
            if outputs.has(OutputKind::Compare) {
                let writer = out.stage(files::COMPARE)?;
                flush(write_compare(state, writer).map_err(write_error(files::COMPARE))?)?;
                written.push(files::COMPARE);
            }
        }
    }

    let mut manifest = Manifest::new(base, experiment.points.len() as u64);
    manifest.overrides = request.overrides.iter().map(|ov| ov.arg.clone()).collect();
    manifest.threads = threads;
    manifest.files = written.iter().map(|name| name.to_string()).collect();
    manifest.sweep = experiment.sweep.as_ref().map(|s| &s.raw);
    manifest.outputs = outputs
        .kinds()
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    manifest.shard = request
        .shard
        .zip(replications)
        .map(|(shard, range)| ShardInfo {
            index: shard.index,
            count: shard.count,
            replications_from: range.start,
            replications_to: range.end,
        });
    manifest.wall_time_seconds = started.elapsed().as_secs_f64();
    manifest.checksums = out.digests();
    let mut writer = out.stage(files::MANIFEST)?;
    serde_json::to_writer_pretty(&mut writer, &manifest)?;
    std::io::Write::write_all(&mut writer, b"\n").map_err(RunError::from)?;
    flush(writer)?;
    request.stop.check()?;
    let files = out.commit()?;
    Ok(RunReport {
        work_units,
        files,
        wall_time_seconds: started.elapsed().as_secs_f64(),
        threads,
    })
}

fn flush<W: std::io::Write>(mut writer: W) -> Result<(), RunError> {
    writer.flush().map_err(RunError::from)
}

fn out_path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// A plain-text account of what a scenario would run.
pub fn describe(experiment: &Experiment) -> String {
    let scenario = &experiment.base;
    let mut text = String::new();
    let review = &scenario.review;
    let horizon_days = scenario.horizon.as_days();
    let end = crate::output::date_of(scenario.start_date, scenario.horizon);
    let _ = writeln!(text, "scenario  {} ({})", scenario.name, scenario.file);
    let _ = writeln!(
        text,
        "period    {} to {} ({horizon_days} days)",
        scenario.start_date, end
    );
    let _ = writeln!(
        text,
        "runs      {} point{} x {} replications = {} work units; seed {}; common random numbers {}",
        experiment.points.len(),
        if experiment.points.len() == 1 {
            ""
        } else {
            "s"
        },
        scenario.replications,
        experiment.work_units(),
        scenario.seed,
        if scenario.common_random_numbers {
            "on"
        } else {
            "off"
        }
    );
    if review.is_active() {
        let _ = writeln!(
            text,
            "review    window {} days, clock from {}, on expiry {}",
            review.window.as_days(),
            match review.clock_start {
                crate::scenario::ClockStart::Submission => "submission",
                crate::scenario::ClockStart::ReviewStart => "review start",
            },
            match review.on_expiry {
                crate::scenario::OnExpiry::Release => "release (voluntary)",
                crate::scenario::OnExpiry::Hold => "hold (mandatory preclearance)",
            }
        );
        let _ = writeln!(
            text,
            "          operational {} (day {}); covered models ready before then {}",
            crate::output::date_of(scenario.start_date, review.operational),
            review.operational.as_days(),
            match review.before_operational {
                crate::scenario::BeforeOperational::Release => "release unreviewed",
                crate::scenario::BeforeOperational::Wait => "wait for it",
            }
        );
        let access: Vec<&str> = review
            .covered_access
            .iter()
            .map(|a| access_name(*a))
            .collect();
        let places: Vec<&str> = review
            .covered_jurisdictions
            .iter()
            .map(|j| jurisdiction_name(*j))
            .collect();
        let _ = writeln!(
            text,
            "          covers {} lines of {} labs that participate",
            or_none(&access),
            or_none(&places)
        );
        let threshold = match review.threshold {
            crate::scenario::Threshold::All => "every model".to_string(),
            crate::scenario::Threshold::MinCapability(min) => {
                format!("models of capability >= {min} frontier-months")
            }
            crate::scenario::Threshold::WithinMonths(months) => {
                format!("models within {months} months of the frontier")
            }
        };
        let _ = writeln!(text, "          threshold: {threshold}");
        for track in &review.tracks {
            let _ = writeln!(
                text,
                "          track {:<12} {} team(s), {} days per review",
                track.id, track.capacity, track.duration_spec
            );
        }
    } else {
        let _ = writeln!(text, "review    none (window of 0 days or no tracks)");
    }
    let capability = &scenario.capability;
    let _ = writeln!(
        text,
        "frontier  {} frontier-months on day 0, +{} a month",
        capability.frontier_at_start, capability.rate_per_month
    );
    match &scenario.market {
        Some(market) => {
            let _ = writeln!(
                text,
                "market    step {} days, {} values; models leave a segment below {} of choice and adopters",
                market.step.as_days(),
                match market.mode {
                    crate::scenario::MarketMode::Expected => "expected",
                    crate::scenario::MarketMode::Stochastic => "random",
                },
                market.drop_share_below
            );
            for segment in &market.segments {
                let _ = writeln!(
                    text,
                    "          segment {:<12} {} potential adopters ({}), {}% adopted on day 0, Bass p {} q {} /yr, switching {} /yr",
                    segment.id,
                    segment.population,
                    jurisdiction_name(segment.region),
                    segment.adopted_at_start * 100.0,
                    segment.bass_p_per_year,
                    segment.bass_q_per_year,
                    segment.switching_per_year
                );
            }
        }
        None => {
            let _ = writeln!(text, "market    none");
        }
    }
    if let Some(escalation) = &scenario.escalation {
        let segment_names: Vec<&str> = escalation
            .public_penalty_segments
            .iter()
            .filter_map(|&s| scenario.market.as_ref().map(|m| m.segments[s].id.as_str()))
            .collect();
        let _ = writeln!(
            text,
            "pressure  +{} per release outside review that would have been covered, +{} per incident; halves every {} days",
            escalation.pressure_per_uncovered_release,
            escalation.pressure_per_incident,
            escalation.pressure_half_life_days
        );
        match escalation.public_threshold {
            Some(threshold) => {
                let _ = writeln!(
                    text,
                    "          public pressure at {threshold} (after {} days): utility -{} in {}",
                    escalation.reaction_delay.as_days(),
                    escalation.public_penalty,
                    or_none(&segment_names)
                );
            }
            None => {
                let _ = writeln!(text, "          no public pressure");
            }
        }
        match escalation.directive_threshold {
            Some(threshold) => {
                let mut actions = Vec::new();
                if escalation.mandatory_review {
                    actions.push("mandatory review (participation, hold)".to_string());
                }
                if escalation.suspend_api {
                    let regions: Vec<&str> = escalation
                        .suspend_regions
                        .iter()
                        .map(|r| jurisdiction_name(*r))
                        .collect();
                    actions.push(format!(
                        "API models suspended in {} for {} days",
                        regions.join(", "),
                        escalation.suspension.as_days()
                    ));
                }
                let _ = writeln!(
                    text,
                    "          directive at {threshold}: {}",
                    or_none(&actions.iter().map(String::as_str).collect::<Vec<_>>())
                );
            }
            None => {
                let _ = writeln!(text, "          no directive");
            }
        }
    }
    let export = &scenario.export_restriction;
    if export.from.is_some() || export.after_directive {
        let when = match export.from {
            Some(from) => format!("from {}", crate::output::date_of(scenario.start_date, from)),
            None => "after the first directive".to_string(),
        };
        let _ = writeln!(
            text,
            "export    U.S. API models unavailable in the foreign region {when}"
        );
    }
    let _ = writeln!(text, "labs");
    for lab in &scenario.labs {
        let participation = match lab.participation {
            Participation::Signed => "signed".to_string(),
            Participation::Never => "not participating".to_string(),
            Participation::From(time) => format!(
                "participates from {} (day {})",
                crate::output::date_of(scenario.start_date, time),
                time.as_days()
            ),
            Participation::Signing(signing) => format!(
                "signs at a rate per day of {} + {} x share of peers signed + {} x pressure",
                signing.base_rate_per_day, signing.peer_weight, signing.pressure_weight
            ),
        };
        let carve_out = if lab.carve_out.is_empty() {
            String::new()
        } else {
            let modes: Vec<&str> = lab.carve_out.iter().map(|a| access_name(*a)).collect();
            format!(", carve-out: {} uncovered", modes.join(", "))
        };
        let window = lab
            .expedited_window
            .map(|w| format!(", expedited window {} days", w.as_days()))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "  {:<12} {:<20} {:<8} {participation}{window}{carve_out}",
            lab.id,
            lab.name,
            jurisdiction_name(lab.jurisdiction)
        );
        for line in &lab.lines {
            let in_scope = review.is_active()
                && review.covers(line.access, lab.jurisdiction)
                && !lab.carve_out.contains(&line.access);
            let coverage = match (in_scope, lab.participation) {
                (false, _) => "not covered",
                (true, Participation::Never) => "in scope, lab not participating",
                (true, Participation::From(_) | Participation::Signing(_)) => {
                    "covered once the lab participates"
                }
                (true, Participation::Signed)
                    if review.threshold != crate::scenario::Threshold::All =>
                {
                    "covered when past the threshold"
                }
                (true, Participation::Signed) => "covered",
            };
            let cadence = match &line.cadence {
                Cadence::Every(_) => format!("every {} days", line.cadence_spec),
                Cadence::Scheduled(times) => format!("{} scheduled ready dates", times.len()),
            };
            let lag = match &line.capability_lag {
                crate::scenario::Dist::Constant(0.0) => String::new(),
                _ => format!(
                    "; lag behind the frontier {} months",
                    line.capability_lag_spec
                ),
            };
            let _ = writeln!(
                text,
                "    {:<10} {:<12} {cadence}{lag}; next cycle from {}; {coverage}",
                line.id,
                access_name(line.access),
                match line.next_cycle_starts {
                    crate::scenario::CycleStart::Ready => "ready",
                    crate::scenario::CycleStart::Release => "release",
                },
            );
        }
    }
    if let Some(sweep) = &experiment.sweep {
        let _ = writeln!(
            text,
            "sweep     {} over {}; baseline point {}",
            sweep.method.as_str(),
            sweep.paths.join(", "),
            sweep.baseline
        );
        let shown = 10;
        for point in experiment.points.iter().take(shown) {
            let values: Vec<String> = sweep
                .paths
                .iter()
                .zip(&point.values)
                .map(|(path, value)| format!("{path}={value}"))
                .collect();
            let _ = writeln!(text, "  point {:<5} {}", point.id, values.join("  "));
        }
        if experiment.points.len() > shown {
            let _ = writeln!(
                text,
                "  ... {} more (all in points.csv)",
                experiment.points.len() - shown
            );
        }
    }
    text
}

fn access_name(access: crate::scenario::Access) -> &'static str {
    match access {
        crate::scenario::Access::Api => "api",
        crate::scenario::Access::OpenWeights => "open_weights",
    }
}

fn jurisdiction_name(jurisdiction: crate::scenario::Jurisdiction) -> &'static str {
    match jurisdiction {
        crate::scenario::Jurisdiction::Us => "us",
        crate::scenario::Jurisdiction::Foreign => "foreign",
    }
}

fn or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "no".to_string()
    } else {
        items.join(", ")
    }
}
