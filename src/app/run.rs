//! `run`: validate the scenario and its sweep, run it (or one shard of it)
//! into its output directory, and write the manifest last.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use super::sinks::{AggregateOutput, RunSink, Writer};
use super::{AppError, RunReport, RunRequest, limits, outputs_for};
use crate::experiment::Experiment;
use crate::model::Recording;
use crate::output::{
    Aggregates, CompareWriter, CsvSink, Layout, Manifest, OutputDir, OutputError, OutputKind,
    Outputs, ShardInfo, StateLines, SummaryWriter, Tables, block_points, files, write_points,
};
use crate::runner::{self, RunConfig, RunError, Schedule};

/// Validates the scenario and its sweep, then runs it (or one shard) into
/// the output directory. Nothing is created before everything is valid; on
/// any failure, or when `request.stop` is set, the directory is left as it
/// was.
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
    let layout = Layout::new(
        &experiment.base,
        experiment.columns(),
        experiment.baseline(),
    );
    let schedule = schedule(&experiment, &outputs, &layout);
    let rounds = request
        .shard
        .map(|shard| shard.rounds(schedule.rounds()))
        .transpose()
        .map_err(AppError::Request)?;

    let mut out = OutputDir::create(&request.out, request.replace)?;
    let mut written: Vec<&'static str> = Vec::new();
    let mut sink = open_sinks(
        request,
        &experiment,
        &outputs,
        &layout,
        &mut out,
        &mut written,
    )?;
    let threads = request.threads.unwrap_or_else(rayon::current_num_threads);
    let config = RunConfig {
        threads: Some(threads),
        recording: recording(request, &outputs),
        rounds: rounds.clone(),
        block_points: Some(schedule.block_points),
        pair_with: schedule.pair_with,
        stop: request.stop.clone(),
        spill_dir: Some(request.out.clone()),
    };
    let work_units = runner::run(&experiment, &config, &mut sink, progress)?;
    sink.finish().map_err(RunError::from)?;

    if outputs.has(OutputKind::Points) {
        let values: Vec<Vec<String>> = experiment.points.iter().map(|p| p.values.clone()).collect();
        let writer = out.stage(files::POINTS)?;
        let writer = write_points(&experiment.columns(), &values, writer)
            .map_err(|source| csv_error(&request.out, files::POINTS, source))?;
        flush(writer)?;
        written.push(files::POINTS);
    }

    let base = &experiment.base;
    let mut manifest = Manifest::new(base, experiment.points.len() as u64);
    manifest.overrides = request.overrides.iter().map(|ov| ov.arg.clone()).collect();
    manifest.threads = threads;
    manifest.block_points = schedule.block_points;
    manifest.files = written.iter().map(|name| name.to_string()).collect();
    manifest.sweep = experiment.sweep.as_ref().map(|s| &s.raw);
    manifest.outputs = outputs
        .kinds()
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    manifest.shard = request.shard.zip(rounds).map(|(shard, range)| ShardInfo {
        index: shard.index,
        count: shard.count,
        rounds_from: range.start,
        rounds_to: range.end,
    });
    manifest.wall_time_seconds = started.elapsed().as_secs_f64();
    manifest.checksums = out.digests();
    let mut writer = out.stage(files::MANIFEST)?;
    serde_json::to_writer_pretty(&mut writer, &manifest)?;
    writer.write_all(b"\n").map_err(RunError::from)?;
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

/// The order of the run's work: blocks sized to keep the aggregates'
/// memory bounded, and pairs with the baseline when they are written.
fn schedule(experiment: &Experiment, outputs: &Outputs, layout: &Layout) -> Schedule {
    let points = experiment.points.len();
    let replications = experiment.replications();
    Schedule {
        points,
        block_points: block_points(points, replications, layout.slots()),
        replications,
        pair_with: experiment
            .baseline()
            .filter(|_| outputs.has(OutputKind::Compare)),
    }
}

/// What the units record besides their outcomes.
fn recording(request: &RunRequest, outputs: &Outputs) -> Recording {
    let series = [
        OutputKind::Timeseries,
        OutputKind::QueueTimeseries,
        OutputKind::PressureTimeseries,
    ]
    .iter()
    .any(|kind| outputs.has(*kind));
    Recording {
        events: outputs.has(OutputKind::Events),
        timeseries_every_days: series.then_some(request.timeseries_every_days.unwrap_or(7)),
    }
}

/// Stages the selected files and the sinks that write them as units come.
fn open_sinks<'e>(
    request: &RunRequest,
    experiment: &'e Experiment,
    outputs: &Outputs,
    layout: &Layout,
    out: &mut OutputDir,
    written: &mut Vec<&'static str>,
) -> Result<RunSink<'e>, AppError> {
    let base = &experiment.base;
    let columns = experiment.columns();
    let point_values: Vec<Vec<String>> =
        experiment.points.iter().map(|p| p.values.clone()).collect();
    let csv = if outputs.kinds().iter().any(|k| k.is_per_replication()) {
        let mut writer = |kind: OutputKind| -> Result<Writer, OutputError> {
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
        let sink = CsvSink::with_points(base, tables, &columns, point_values.clone())
            .map_err(|source| csv_error(&request.out, files::LAB_OUTCOMES, source))?;
        Some(sink)
    } else {
        None
    };
    let aggregates = if !outputs.needs_aggregates() {
        None
    } else if request.shard.is_some() {
        let writer: Writer = Box::new(out.stage(files::SUMMARY_STATE)?);
        written.push(files::SUMMARY_STATE);
        let lines = StateLines::new(writer, layout).map_err(RunError::from)?;
        Some(AggregateOutput::Shard(lines))
    } else {
        let mut stage = |name: &'static str| -> Result<Writer, OutputError> {
            written.push(name);
            Ok(Box::new(out.stage(name)?))
        };
        let summary = if outputs.has(OutputKind::Summary) {
            let writer = SummaryWriter::new(stage(files::SUMMARY)?, layout)
                .map_err(|source| csv_error(&request.out, files::SUMMARY, source))?;
            Some(writer)
        } else {
            None
        };
        let compare = if outputs.has(OutputKind::Compare) {
            let writer = CompareWriter::new(stage(files::COMPARE)?, layout)
                .map_err(|source| csv_error(&request.out, files::COMPARE, source))?;
            Some(writer)
        } else {
            None
        };
        Some(AggregateOutput::Rendered(Box::new((summary, compare))))
    }
    .map(|output| Aggregates::new(layout.clone(), point_values, output));
    Ok(RunSink { csv, aggregates })
}

fn flush<W: Write>(mut writer: W) -> Result<(), RunError> {
    writer.flush().map_err(RunError::from)
}

fn csv_error(dir: &Path, name: &str, source: csv::Error) -> OutputError {
    OutputError::File {
        file: dir.join(name).display().to_string(),
        source: source.into(),
    }
}
