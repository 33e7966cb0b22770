//! Work units in parallel, results in a fixed order.
//!
//! A work unit is one (point, replication). Units are ordered by a
//! [`Schedule`]: in rounds over blocks of points, which for most runs is
//! replication first (replication 0 at every point, then replication 1 at
//! every point, and so on), so that the units of one replication, which are
//! paired across points, arrive together, and a contiguous range of rounds
//! (a shard) is a contiguous range of units. Units are simulated on a rayon
//! pool in chunks; each chunk's results are handed to the sink in unit order
//! before the next chunk starts, so the output is the same whatever the
//! number of threads, and memory holds one chunk at a time. Points'
//! scenarios are built when a chunk needs them.

mod schedule;
pub mod spill;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

pub use schedule::{Schedule, UnitPlan};
use spill::{SpillFiles, SpilledTables};

use crate::engine::StreamSeed;
use crate::model::{Recording, Records, World, WorldOutcomes};
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
    /// What the replication gave; the unit reads as them (`unit.labs`).
    pub outcomes: WorldOutcomes,
    /// What the recorded tables spilled to disk, which comes before what
    /// they kept in memory.
    pub spilled: SpilledTables,
    /// Simulated only to pair a block's points with the baseline: not to be
    /// written or summarised (see [`Schedule`]).
    pub pairing_only: bool,
}

impl std::ops::Deref for UnitResult {
    type Target = WorldOutcomes;

    fn deref(&self) -> &WorldOutcomes {
        &self.outcomes
    }
}

/// The random streams of a work unit: with common random numbers (the
/// default) replication r draws the same streams at every point.
pub fn unit_seed(scenario: &Scenario, point: usize, replication: u64) -> StreamSeed {
    let point_key = if scenario.common_random_numbers() {
        0
    } else {
        point as u64
    };
    StreamSeed::new(scenario.seed(), point_key, replication)
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
        outcomes,
        spilled: SpilledTables::default(),
        pairing_only: false,
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
    let mut files = SpillFiles::new(dir);
    let outcomes = World::simulate(
        scenario,
        unit_seed(scenario, point, replication),
        Records {
            recording,
            spills: files.spills(),
        },
    );
    Ok(UnitResult {
        point,
        replication,
        outcomes,
        spilled: files.finish()?,
        pairing_only: false,
    })
}

/// Receives unit results in order.
pub trait UnitSink {
    /// Takes one unit's results.
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()>;

    /// Every unit of the points `points` that this run has has been
    /// accepted: their aggregates are complete.
    fn block_done(&mut self, points: Range<usize>) -> std::io::Result<()> {
        let _ = points;
        Ok(())
    }
}

/// The scenarios of a run's points, built when needed, so that a large
/// sweep never holds every point's scenario at once.
pub trait PointSource: Sync {
    /// Number of points.
    fn count(&self) -> usize;
    /// Replications of every point.
    fn replications(&self) -> u64;
    /// The scenario of point `point` (points were validated before the run,
    /// so this fails only if something changed underneath).
    fn scenario(&self, point: usize) -> Result<Scenario, String>;
}

impl PointSource for Vec<Scenario> {
    fn count(&self) -> usize {
        self.len()
    }

    fn replications(&self) -> u64 {
        self.first().map_or(0, |s| s.replications())
    }

    fn scenario(&self, point: usize) -> Result<Scenario, String> {
        self.get(point)
            .cloned()
            .ok_or_else(|| format!("no point {point}"))
    }
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
    /// The rounds to run (a shard's slice); `None` runs them all.
    pub rounds: Option<Range<u64>>,
    /// Points per block (see [`Schedule`]); `None` puts every point in one
    /// block.
    pub block_points: Option<usize>,
    /// The point every other is paired with, when pairs are computed.
    pub pair_with: Option<usize>,
    /// Checked between work units.
    pub stop: Stop,
    /// Where recorded tables spill (the output directory); `None` keeps
    /// them in memory.
    pub spill_dir: Option<PathBuf>,
}

impl RunConfig {
    /// The schedule of a run of `points`.
    pub fn schedule(&self, points: &dyn PointSource) -> Schedule {
        let count = points.count();
        Schedule {
            points: count,
            block_points: self.block_points.unwrap_or(count).max(1),
            replications: points.replications(),
            pair_with: self.pair_with.filter(|_| count > 1),
        }
    }
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
    /// A point's scenario could not be built.
    #[error("point {point}: {message}")]
    Point {
        /// The point.
        point: usize,
        /// Why.
        message: String,
    },
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

/// Runs the units of `config.rounds` (every round by default) of the points
/// of `points`, handing results to `sink` in schedule order, telling it when
/// a block's units are all delivered, and reporting (done, total) work units
/// to `progress` as units complete (and (total, total) at the end). The sink writes one chunk while the pool
/// simulates the next. Returns the number of work units run (those run only
/// for pairs excluded).
pub fn run(
    points: &dyn PointSource,
    config: &RunConfig,
    sink: &mut (dyn UnitSink + Send),
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<u64, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = config.threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build()?;
    let schedule = config.schedule(points);
    let rounds = config.rounds.clone().unwrap_or(0..schedule.rounds());
    let total: u64 = rounds
        .clone()
        .map(|round| schedule.block(schedule.round(round).0).len() as u64)
        .sum();
    let recording = config.recording.events || config.recording.timeseries_every_days.is_some();
    let chunk_units = if recording {
        (RECORDING_CHUNK_UNITS_PER_THREAD * pool.current_num_threads()).max(16)
    } else {
        CHUNK_UNITS
    };
    let mut plans = schedule.units(rounds);
    let mut scenarios = Scenarios::new(points, config.pair_with);
    let progress = Progress {
        simulated: AtomicU64::new(0),
        total,
        report: Mutex::new((0, progress)),
    };
    let mut delivery = Delivery {
        sink,
        schedule,
        done: 0,
        block: None,
    };
    pool.install(|| {
        let mut ready: Option<Vec<UnitResult>> = None;
        loop {
            let chunk: Vec<UnitPlan> = plans.by_ref().take(chunk_units).collect();
            if chunk.is_empty() {
                break;
            }
            scenarios.prepare(&chunk)?;
            let previous = ready.take();
            // The last chunk's results are written on a thread of their own
            // while the pool simulates this one: formatting and writing
            // the tables never hold up the simulating threads.
            let (written, results) = std::thread::scope(|scope| {
                let writer = previous.map(|results| {
                    let delivery = &mut delivery;
                    scope.spawn(move || delivery.deliver(results))
                });
                let results = simulate_chunk(&chunk, &scenarios, config, recording, &progress);
                let written = match writer.map(|writer| writer.join()) {
                    None => Ok(()),
                    Some(Ok(written)) => written,
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                };
                (written, results)
            });
            written?;
            ready = Some(results?);
        }
        if let Some(results) = ready {
            delivery.deliver(results)?;
        }
        delivery.finish()?;
        config.stop.check()?;
        progress.done(delivery.done);
        Ok(total)
    })
}

/// Simulates a chunk of units on the pool.
fn simulate_chunk(
    chunk: &[UnitPlan],
    scenarios: &Scenarios<'_>,
    config: &RunConfig,
    recording: bool,
    progress: &Progress<'_>,
) -> Result<Vec<UnitResult>, RunError> {
    chunk
        .par_iter()
        .map(|plan| {
            config.stop.check()?;
            let scenario = scenarios.get(plan.point);
            let mut result = match &config.spill_dir {
                Some(dir) if recording => simulate_unit_spilling(
                    scenario,
                    plan.point,
                    plan.replication,
                    config.recording,
                    dir,
                )?,
                _ => simulate_unit(scenario, plan.point, plan.replication, config.recording),
            };
            result.pairing_only = plan.pairing_only;
            if !plan.pairing_only {
                progress.simulated();
            }
            Ok(result)
        })
        .collect()
}

/// The scenarios of the points a chunk needs, built from the source as
/// chunks move on: at most the points of two chunks are held at once.
struct Scenarios<'p> {
    source: &'p dyn PointSource,
    keep: Option<usize>,
    built: BTreeMap<usize, Scenario>,
}

impl<'p> Scenarios<'p> {
    fn new(source: &'p dyn PointSource, keep: Option<usize>) -> Self {
        Scenarios {
            source,
            keep,
            built: BTreeMap::new(),
        }
    }

    /// Builds the scenarios of `chunk`'s points and drops the others (but
    /// the baseline's, which every block may need).
    fn prepare(&mut self, chunk: &[UnitPlan]) -> Result<(), RunError> {
        let needed: BTreeSet<usize> = chunk.iter().map(|plan| plan.point).collect();
        let keep = self.keep;
        self.built
            .retain(|point, _| needed.contains(point) || Some(*point) == keep);
        // Built in parallel (a robustness study's chunk is hundreds of
        // points), and the first error in point order is the one told.
        let missing: Vec<usize> = (needed.iter().copied())
            .filter(|point| !self.built.contains_key(point))
            .collect();
        let source = self.source;
        let built: Vec<Result<Scenario, String>> = missing
            .par_iter()
            .map(|&point| source.scenario(point))
            .collect();
        for (point, scenario) in missing.into_iter().zip(built) {
            let scenario = scenario.map_err(|message| RunError::Point { point, message })?;
            self.built.insert(point, scenario);
        }
        Ok(())
    }

    fn get(&self, point: usize) -> &Scenario {
        &self.built[&point]
    }
}

/// Work units done, told as they complete: the workers count the units they
/// simulate, and whichever finds the report free tells it, so that a bar
/// moves unit by unit rather than a chunk at a time.
struct Progress<'p> {
    simulated: AtomicU64,
    total: u64,
    /// The last count told (counts only grow), and whom to tell.
    report: Mutex<(u64, &'p mut Report<'p>)>,
}

/// What a run tells its progress to: (done, total) work units.
type Report<'p> = dyn FnMut(u64, u64) + Send + 'p;

impl Progress<'_> {
    /// One more unit simulated.
    fn simulated(&self) {
        let done = self.simulated.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut report) = self.report.try_lock() {
            let (told, tell) = &mut *report;
            let done = done.max(*told).min(self.total);
            if done > *told {
                *told = done;
                tell(done, self.total);
            }
        }
    }

    /// Every unit is delivered: `done` of them.
    fn done(&self, done: u64) {
        let mut report = self.report.lock().unwrap_or_else(PoisonError::into_inner);
        let (told, tell) = &mut *report;
        if *told != done {
            *told = done;
            tell(done, self.total);
        }
    }
}

/// Hands results to the sink in order, with block boundaries.
struct Delivery<'s> {
    sink: &'s mut (dyn UnitSink + Send),
    schedule: Schedule,
    done: u64,
    block: Option<usize>,
}

impl Delivery<'_> {
    fn deliver(&mut self, results: Vec<UnitResult>) -> std::io::Result<()> {
        for result in &results {
            if !result.pairing_only {
                let block = result.point / self.schedule.block_points.max(1);
                if let Some(previous) = self.block.filter(|b| *b != block) {
                    self.sink.block_done(self.schedule.block(previous))?;
                }
                self.block = Some(block);
                self.done += 1;
            }
            self.sink.accept(result)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(block) = self.block.take() {
            self.sink.block_done(self.schedule.block(block))?;
        }
        Ok(())
    }
}
