//! Work units in parallel, results in a fixed order.
//!
//! A work unit is one (point, replication). Units are ordered replication
//! first: replication 0 at every point, then replication 1 at every point,
//! and so on, so that the units of one replication, which are paired across
//! points, arrive together, and a contiguous range of replications (a shard)
//! is a contiguous range of units. Units are simulated on a rayon pool in
//! chunks; each chunk's results are handed to the sink in unit order before
//! the next chunk starts, so the output is the same whatever the number of
//! threads, and memory holds one chunk at a time.

pub mod spill;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use spill::{SpillFile, SpilledTables};

use crate::engine::StreamSeed;
use crate::model::{
    AdoptionSample, EventRecord, LabOutcome, PressureSample, QueueSample, Recording, Spills,
    SystemOutcome, World,
};
use crate::scenario::Scenario;

/// Units simulated between two hand-overs to the sink.
pub const CHUNK_UNITS: usize = 512;

/// The same, per worker thread (at least 16 in all), when units record
/// event logs or time series: each unit in flight holds up to a batch of
/// each recorded table in memory and spills the rest to disk.
pub const RECORDING_CHUNK_UNITS_PER_THREAD: usize = 4;

/// Everything one work unit produced.
#[derive(Debug)]
pub struct UnitResult {
    /// Point index.
    pub point: usize,
    /// Replication index.
    pub replication: u64,
    /// Per lab, in scenario order.
    pub labs: Vec<LabOutcome>,
    /// System-wide.
    pub system: SystemOutcome,
    /// Event log (empty unless asked for).
    pub events: Vec<EventRecord>,
    /// Adoption samples (empty unless asked for).
    pub adoption_series: Vec<AdoptionSample>,
    /// Queue samples (empty unless asked for).
    pub queue_series: Vec<QueueSample>,
    /// Pressure samples (empty unless asked for).
    pub pressure_series: Vec<PressureSample>,
    /// What the recorded tables spilled to disk, which comes before what
    /// they kept in memory.
    pub spilled: SpilledTables,
}

/// The random streams of a work unit: with common random numbers (the
/// default) replication r draws the same streams at every point.
pub fn unit_seed(scenario: &Scenario, point: usize, replication: u64) -> StreamSeed {
    let point_key = if scenario.common_random_numbers {
        0
    } else {
        point as u64
    };
    StreamSeed::new(scenario.seed, point_key, replication)
}

/// Simulates one work unit.
pub fn simulate_unit(
    scenario: &Scenario,
    point: usize,
    replication: u64,
    recording: Recording,
) -> UnitResult {
    let outcomes = World::simulate(scenario, unit_seed(scenario, point, replication), recording);
    UnitResult {
        point,
        replication,
        labs: outcomes.labs,
        system: outcomes.system,
        events: outcomes.events,
        adoption_series: outcomes.adoption_series,
        queue_series: outcomes.queue_series,
        pressure_series: outcomes.pressure_series,
        spilled: SpilledTables::default(),
    }
}

/// Simulates one work unit, spilling its recorded tables to unnamed files
/// in `dir` as their batches fill.
pub fn simulate_unit_spilling(
    scenario: &Scenario,
    point: usize,
    replication: u64,
    recording: Recording,
    dir: &Path,
) -> std::io::Result<UnitResult> {
    let mut events = SpillFile::new(dir);
    let mut adoption = SpillFile::new(dir);
    let mut queue = SpillFile::new(dir);
    let mut pressure = SpillFile::new(dir);
    let outcomes = World::simulate_with_spills(
        scenario,
        unit_seed(scenario, point, replication),
        recording,
        Spills {
            events: Some(&mut events),
            adoption: Some(&mut adoption),
            queue: Some(&mut queue),
            pressure: Some(&mut pressure),
        },
    );
    Ok(UnitResult {
        point,
        replication,
        labs: outcomes.labs,
        system: outcomes.system,
        events: outcomes.events,
        adoption_series: outcomes.adoption_series,
        queue_series: outcomes.queue_series,
        pressure_series: outcomes.pressure_series,
        spilled: SpilledTables {
            events: events.finish()?,
            adoption: adoption.finish()?,
            queue: queue.finish()?,
            pressure: pressure.finish()?,
        },
    })
}

/// Receives unit results in order.
pub trait UnitSink {
    /// Takes one unit's results.
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()>;
}

/// Asks a run (or a merge) to stop between work units: set to the number of
/// the signal that asked (SIGINT, SIGTERM), from a signal handler or
/// another thread.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicUsize>);

impl Stop {
    /// A flag nobody has set.
    pub fn new() -> Self {
        Stop::default()
    }

    /// The flag itself, for a signal handler to set.
    pub fn flag(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.0)
    }

    /// Asks the run to stop, naming the signal.
    pub fn request(&self, signal: usize) {
        self.0.store(signal, Ordering::Relaxed);
    }

    /// The signal that asked the run to stop, if one did.
    pub fn requested(&self) -> Option<usize> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            signal => Some(signal),
        }
    }

    /// `Err(Interrupted)` once a stop was asked for.
    pub fn check(&self) -> Result<(), RunError> {
        match self.requested() {
            Some(signal) => Err(RunError::Interrupted { signal }),
            None => Ok(()),
        }
    }
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// What to record besides outcomes.
    pub recording: Recording,
    /// The replications to run (a shard's slice); `None` runs them all.
    pub replications: Option<std::ops::Range<u64>>,
    /// Checked between work units.
    pub stop: Stop,
    /// Where recorded tables spill (the output directory); `None` keeps
    /// them in memory.
    pub spill_dir: Option<PathBuf>,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("cannot start the worker threads")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    /// The sink failed to take results.
    #[error("cannot write results")]
    Sink(#[from] std::io::Error),
    /// A signal asked the run to stop.
    #[error("interrupted by signal {signal}")]
    Interrupted {
        /// The signal's number (2 for SIGINT, 15 for SIGTERM).
        signal: usize,
    },
}

impl RunError {
    /// The signal that stopped the run, if one did.
    pub fn interrupted_by(&self) -> Option<usize> {
        match self {
            RunError::Interrupted { signal } => Some(*signal),
            _ => None,
        }
    }
}

/// Runs every replication of every point (or the replications of
/// `config.replications`), handing results to `sink` in (replication, point)
/// order and reporting (done, total) to `progress` after each chunk. Every
/// point must have the same number of replications. The sink writes one
/// chunk while the pool simulates the next.
pub fn run(
    points: &[Scenario],
    config: &RunConfig,
    sink: &mut (dyn UnitSink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = config.threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build()?;
    let all = 0..points.first().map_or(0, |p| p.replications);
    let replications = config.replications.clone().unwrap_or(all);
    let point_count = points.len() as u64;
    let total = (replications.end - replications.start) * point_count;
    // Units are numbered, not listed, so memory does not grow with them.
    let unit = |index: u64| -> (usize, u64) {
        (
            (index % point_count) as usize,
            replications.start + index / point_count,
        )
    };
    let recording = config.recording.events || config.recording.timeseries_every_days.is_some();
    let simulate = |chunk: std::ops::Range<u64>| -> Result<Vec<UnitResult>, RunError> {
        chunk
            .into_par_iter()
            .map(|index| {
                config.stop.check()?;
                let (point, replication) = unit(index);
                let scenario = &points[point];
                match &config.spill_dir {
                    Some(dir) if recording => Ok(simulate_unit_spilling(
                        scenario,
                        point,
                        replication,
                        config.recording,
                        dir,
                    )?),
                    _ => Ok(simulate_unit(
                        scenario,
                        point,
                        replication,
                        config.recording,
                    )),
                }
            })
            .collect()
    };
    let mut deliver = |results: Vec<UnitResult>, done: &mut u64| -> std::io::Result<()> {
        for result in &results {
            sink.accept(result)?;
        }
        *done += results.len() as u64;
        progress(*done, total);
        Ok(())
    };
    pool.install(|| {
        let mut done = 0;
        let mut ready: Option<Vec<UnitResult>> = None;
        let chunk_units = if recording {
            (RECORDING_CHUNK_UNITS_PER_THREAD * pool.current_num_threads()).max(16)
        } else {
            CHUNK_UNITS
        } as u64;
        for start in (0..total).step_by(chunk_units as usize) {
            let chunk = start..(start + chunk_units).min(total);
            let previous = ready.take();
            let (written, results) = rayon::join(
                || previous.map_or(Ok(()), |results| deliver(results, &mut done)),
                || simulate(chunk),
            );
            written?;
            ready = Some(results?);
        }
        if let Some(results) = ready {
            deliver(results, &mut done)?;
        }
        config.stop.check()?;
        Ok(total)
    })
}
