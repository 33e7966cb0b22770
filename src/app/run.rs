//! `run`: validate the scenario and its sweep, run it (or one shard of it)
//! into its output directory, and write the manifest last.

use std::ops::Range;
use std::time::Instant;

use toml::Value;

use super::ScenarioSource;
use super::compare::{Arm, SHOWN_POINTS, arms_sweep, file_arm, headline_metrics};
use super::precision::{Precision, PrecisionReport, replications_needed, slots_of};
use super::sensitivity::{SensitivityRequest, sensitivity_sweep};
use super::sinks::{AggregateOutput, RunSink, Writer};
use super::staging::Staging;
use super::{AppError, RunReport, RunRequest, limits, outputs_for};
use crate::experiment::{Experiment, Point};
use crate::model::Recording;
use crate::output::format::ColumnType;
use crate::output::{
    Aggregates, CompareTable, Layout, Manifest, OutputError, OutputKind, Outputs, RobustnessTable,
    SensitivityTable, ShardInfo, StateLines, SummaryTable, Swept, Tables, UnitTables, block_points,
    compare_schema, files, points_schema, robustness_schema, schema, sensitivity_schema,
    summary_schema, write_points,
};
use crate::runner::{self, RunConfig, RunError, Schedule};
use crate::scenario::value_at_path;

/// Validates the scenario and its sweep, then runs it (or one shard) into
/// the output directory. Nothing is created before everything is valid; on
/// any failure, or when `request.stop` is set, the directory is left as it
/// was.
pub fn run(
    request: &RunRequest,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<RunReport, AppError> {
    let started = Instant::now();
    let limits = run_limits(request);
    let experiment = request.scenario.experiment(limits)?;
    run_experiment(request, experiment, started, progress)
}

/// `sensitivity`: the scenario, read once, with the study `study` asks for
/// as its sweep, run like any sweep.
pub fn sensitivity(
    request: &RunRequest,
    study: &SensitivityRequest,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<RunReport, AppError> {
    let started = Instant::now();
    let limits = run_limits(request);
    // A [sweep] of its own is refused before its points are expanded
    // (thousands, for a study).
    let (experiment, has_sweep) = request.scenario.unswept(limits)?;
    if has_sweep {
        return Err(super::sensitivity::has_a_sweep(&experiment.base.file));
    }
    let sweep = sensitivity_sweep(&experiment, study)?;
    let experiment = experiment.with_sweep(&sweep, limits)?;
    run_experiment(request, experiment, started, progress)
}

/// `compare`: the scenario, read once, against `arms` and the scenario
/// `files` (each read once, as the values where it differs), each a point
/// of one sweep run on common random numbers, compared with the scenario as
/// written.
pub fn compare(
    request: &RunRequest,
    arms: &[Arm],
    files: &[std::path::PathBuf],
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<RunReport, AppError> {
    let started = Instant::now();
    let limits = run_limits(request);
    let experiment = request.scenario.experiment(limits)?;
    if experiment.sweep.is_some() {
        return Err(AppError::Request(format!(
            "{} has a [sweep]; compare makes its own of the arms: compare a copy without it",
            request.scenario.file.display()
        )));
    }
    let mut all = Vec::new();
    for file in files {
        let other = ScenarioSource {
            file: file.clone(),
            ..request.scenario.clone()
        };
        let arm = file_arm(&experiment.base, &other.scenario()?).map_err(AppError::Request)?;
        all.push(arm);
    }
    all.extend(arms.iter().cloned());
    if all.is_empty() {
        return Err(AppError::Request(
            "compare needs something to compare with: another scenario file, or --arm \
             NAME:PATH=VALUE"
                .into(),
        ));
    }
    let experiment = experiment.with_sweep(&arms_sweep(&all), limits)?;
    run_experiment(request, experiment, started, progress)
}

/// The limits of a request's run: none with `--allow-large`; the event
/// log's bounded when it is written.
fn run_limits(request: &RunRequest) -> crate::experiment::Limits {
    let logged =
        request.events || (request.outputs.as_ref()).is_some_and(|o| o.has(OutputKind::events()));
    limits(request.allow_large).logging(logged)
}

/// Runs a loaded experiment as `request` asks.
fn run_experiment(
    request: &RunRequest,
    experiment: Experiment,
    started: Instant,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<RunReport, AppError> {
    let limits = run_limits(request);
    let outputs = outputs_for(request, &experiment)?;
    let threads = request.threads.unwrap_or_else(rayon::current_num_threads);
    let (experiment, precision) = with_precision(request, experiment, limits, threads, progress)?;
    let swept = swept_of(&experiment);
    let layout = Layout::new(
        &experiment.base,
        &swept,
        experiment.baseline(),
        experiment.plan().cloned(),
    )
    .with_robustness(experiment.robustness());
    let schedule = schedule(&experiment, &outputs, &layout);
    let rounds = (request.shard)
        .map(|shard| shard.rounds(schedule.rounds()))
        .transpose()
        .map_err(AppError::Request)?;

    let mut staging = Staging::create(&request.out, request.replace, request.format)?;
    let mut sink = open_sinks(
        request,
        &experiment,
        &swept,
        &outputs,
        &layout,
        &mut staging,
    )?;
    let config = RunConfig {
        threads: Some(threads),
        recording: recording(request, &outputs),
        rounds: rounds.clone(),
        block_points: Some(schedule.block_points),
        pair_with: schedule.pair_with,
        stop: request.stop.clone(),
        spill_dir: Some(request.out.clone()),
    };
    let work_units = (runner::run(&experiment, &config, &mut sink, progress))
        .map_err(|e| results_error(request, e))?;
    let finished = sink.finish().map_err(|e| results_error(request, e))?;
    if outputs.has(OutputKind::Points) {
        let mut table = staging.table(OutputKind::Points, points_schema(&swept))?;
        write_points(&swept, experiment.points.len(), &mut table)
            .and_then(|()| table.finish())
            .map_err(|e| results_error(request, std::io::Error::other(e)))?;
    }
    staging.finish_files(|names, checksums| {
        let mut manifest = manifest(request, &experiment, &outputs, rounds);
        manifest.threads = threads;
        manifest.block_points = schedule.block_points;
        manifest.files = names;
        manifest.checksums = checksums;
        manifest.wall_time_seconds = started.elapsed().as_secs_f64();
        manifest.precision = precision
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok());
        manifest
    })?;
    request.stop.check()?;
    let files = staging.commit()?;
    Ok(RunReport {
        work_units,
        files,
        wall_time_seconds: started.elapsed().as_secs_f64(),
        threads,
        sensitivity: finished.sensitivity,
        robustness: finished.robustness,
        differences: finished.differences,
        estimates: finished.estimates,
        point_names: point_names(&experiment),
        precision,
    })
}

/// The experiment to run: as loaded, or, with `--precision`, with the
/// replications the targets need (and what finding them showed).
fn with_precision(
    request: &RunRequest,
    experiment: Experiment,
    limits: crate::experiment::Limits,
    threads: usize,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<(Experiment, Option<PrecisionReport>), AppError> {
    let Some(precision) = &request.precision else {
        return Ok((experiment, None));
    };
    let report = to_precision(request, &experiment, precision, threads, progress)?;
    let experiment = experiment.with_replications(report.replications, limits)?;
    Ok((experiment, Some(report)))
}

/// Runs batches of the experiment's replications until the precision is
/// reached; the count found, and the widest intervals left.
fn to_precision(
    request: &RunRequest,
    experiment: &Experiment,
    precision: &Precision,
    threads: usize,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<PrecisionReport, AppError> {
    if request.shard.is_some() {
        return Err(AppError::Request(
            "--precision with --shard: shards cannot agree on when to stop; run to the \
             precision once (or on a small slice of the sweep), then shard with \
             --replications set to the count its manifest gives"
                .into(),
        ));
    }
    let batch = experiment.replications();
    if batch < 2 {
        return Err(AppError::Request(format!(
            "--precision: the batch is the scenario's replications, {batch}; it needs at \
             least 2 for an interval (set --replications)"
        )));
    }
    let swept = swept_of(experiment);
    let layout = Layout::new(&experiment.base, &swept, None, None);
    for target in &precision.targets {
        slots_of(target, &layout).map_err(AppError::Request)?;
    }
    let most = precision.max_replications.max(batch);
    let pilot = experiment.with_replications(most, limits(request.allow_large))?;
    replications_needed(
        &pilot,
        &layout,
        precision,
        batch,
        threads,
        &request.stop,
        progress,
    )
}

/// Each point's name in what is printed (for a few points: none for a
/// larger sweep, whose points are in points.csv).
fn point_names(experiment: &Experiment) -> Vec<String> {
    let Some(sweep) = &experiment.sweep else {
        return vec![experiment.base.name().to_string()];
    };
    if experiment.points.len() > SHOWN_POINTS {
        return Vec::new();
    }
    if let Some(arms) = &sweep.raw.arms {
        let arms = arms.iter().map(|arm| arm.name.clone());
        return std::iter::once("baseline".to_string())
            .chain(arms)
            .collect();
    }
    (experiment.points.iter())
        .map(|point| {
            let values: Vec<String> = (sweep.paths.iter().zip(point.shown()))
                .map(|(path, value)| format!("{path}={value}"))
                .collect();
            format!("point {} ({})", point.id, values.join(", "))
        })
        .collect()
}

/// The manifest of a run, but for what only the end of the run knows.
fn manifest<'e>(
    request: &RunRequest,
    experiment: &'e Experiment,
    outputs: &Outputs,
    rounds: Option<Range<u64>>,
) -> Manifest<'e> {
    let mut manifest = Manifest::new(&experiment.base, experiment.points.len() as u64);
    manifest.command = request.command.clone();
    manifest.overrides = (request.scenario.overrides().into_iter())
        .map(|ov| ov.arg)
        .collect();
    manifest.sweep = experiment.sweep.as_ref().map(|s| &s.raw);
    manifest.format = request.format;
    manifest.outputs = (outputs.kinds().iter())
        .map(|k| k.name().to_string())
        .collect();
    manifest.shard = request.shard.zip(rounds).map(|(shard, range)| ShardInfo {
        index: shard.index,
        count: shard.count,
        rounds_from: range.start,
        rounds_to: range.end,
    });
    manifest
}

/// The swept columns of an experiment: each of its parameter's type where
/// the scenario gives it one (a number parameter swept over 10, 20 and 30
/// is still a number column), else the type its values share.
pub fn swept_of(experiment: &Experiment) -> Swept {
    let paths = experiment.columns();
    let resolved = toml::Table::try_from(experiment.base.resolved()).ok();
    let types: Vec<Option<ColumnType>> = (paths.iter())
        .map(|path| {
            let value = resolved.as_ref().and_then(|r| value_at_path(r, path))?;
            match value {
                Value::Integer(_) => Some(ColumnType::Integer),
                Value::Float(_) => Some(ColumnType::Number),
                Value::Boolean(_) => Some(ColumnType::Boolean),
                _ => None,
            }
        })
        .collect();
    let values: Vec<Vec<Value>> = (experiment.points.iter())
        .map(|p| p.values.clone())
        .collect();
    Swept::new(&paths, &types, &values)
}

/// The order of the run's work: blocks sized to keep the aggregates'
/// memory bounded, and pairs with the baseline when they are written.
fn schedule(experiment: &Experiment, outputs: &Outputs, layout: &Layout) -> Schedule {
    let points = experiment.points.len();
    let replications = experiment.replications();
    Schedule {
        points,
        block_points: block_points(points, replications, layout.slots(), layout.contrast()),
        replications,
        pair_with: (experiment.baseline()).filter(|_| outputs.has(OutputKind::Compare)),
    }
}

/// What the units record besides their outcomes.
fn recording(request: &RunRequest, outputs: &Outputs) -> Recording {
    let series = OutputKind::series().any(|kind| outputs.has(kind));
    Recording {
        events: outputs.has(OutputKind::events()),
        timeseries_every_days: series.then_some(request.timeseries_every_days.unwrap_or(7)),
    }
}

/// Stages the selected tables and the sinks that write them as units come.
/// A run's error; a failure to write the results names the output directory
/// (which file failed the sinks do not say; the cause, a full disk say, is
/// the same for all).
fn results_error(request: &RunRequest, error: impl Into<RunError>) -> AppError {
    match error.into() {
        RunError::Sink(source) => AppError::Output(OutputError::Results {
            dir: request.out.display().to_string(),
            source,
        }),
        other => other.into(),
    }
}

fn open_sinks<'e>(
    request: &RunRequest,
    experiment: &'e Experiment,
    swept: &'e Swept,
    outputs: &Outputs,
    layout: &Layout,
    staging: &mut Staging,
) -> Result<RunSink<'e>, AppError> {
    let base = &experiment.base;
    let tables = Tables::open(|kind: OutputKind| {
        (outputs.has(kind))
            .then(|| staging.table(kind, schema(kind, base, swept)))
            .transpose()
    })?;
    let tables = tables.any().then(|| UnitTables::new(base, swept, tables));
    let aggregates = if !outputs.needs_aggregates() {
        None
    } else if request.shard.is_some() {
        let writer: Writer = Box::new(staging.file(files::SUMMARY_STATE)?);
        let lines = StateLines::new(writer, layout).map_err(|e| results_error(request, e))?;
        Some(AggregateOutput::Shard(lines))
    } else {
        // The headline means and differences are kept to be shown, for a
        // few points.
        let shown = experiment.points.len() <= SHOWN_POINTS;
        let summary = (outputs.has(OutputKind::Summary))
            .then(|| staging.table(OutputKind::Summary, summary_schema(layout)))
            .transpose()?
            .map(|table| match shown {
                true => SummaryTable::new(table).keeping(&headline_metrics()),
                false => SummaryTable::new(table),
            });
        let compare = (outputs.has(OutputKind::Compare))
            .then(|| staging.table(OutputKind::Compare, compare_schema(layout)))
            .transpose()?
            .map(|table| match shown {
                true => CompareTable::new(table).keeping(&headline_metrics()),
                false => CompareTable::new(table),
            });
        let sensitivity = (outputs.has(OutputKind::Sensitivity))
            .then(|| staging.table(OutputKind::Sensitivity, sensitivity_schema()))
            .transpose()?
            .and_then(|table| SensitivityTable::new(table, layout))
            .map(Box::new);
        let robustness = (outputs.has(OutputKind::Robustness))
            .then(|| staging.table(OutputKind::Robustness, robustness_schema()))
            .transpose()?
            .and_then(|table| RobustnessTable::new(table, layout))
            .map(Box::new);
        Some(AggregateOutput::Tables {
            summary,
            compare,
            sensitivity,
            robustness,
        })
    };
    let point_values: Vec<Vec<String>> = experiment.points.iter().map(Point::shown).collect();
    let aggregates = aggregates.map(|output| Aggregates::new(layout.clone(), point_values, output));
    Ok(RunSink { tables, aggregates })
}
