//! Engine and model costs.
//!
//! - `hold`: the classic hold model on the pending-event set. With `n` events
//!   pending, each step pops the earliest and schedules one at now + Exp(1)
//!   days, so the set stays at `n`. The engine's `EventQueue` (keyed by time
//!   and insertion sequence) runs beside a bare `BinaryHeap` of (time,
//!   payload) doing the same, in the same group, so their ratio is the cost of
//!   the deterministic tie order.
//! - `mmc`: the review queue as M/M/4 at utilisation 0.9
//!   (`benches/peer/mmc.toml`: Poisson arrivals, exponential reviews, 100
//!   years, about 3,650 customers): one reviewsim replication beside a
//!   minimal bare event loop written here (a `BinaryHeap` of arrival and
//!   departure times, a FIFO queue, four servers) simulating the same queue
//!   with the same generator. Throughput is in customers. The SimPy peer is
//!   `benches/peer/compare.py`, outside `cargo bench`.
//! - `replication`: one replication of the baseline (market, hazards,
//!   derivatives, incidents), with the event log, with time series every
//!   7 days recorded, with them also written as the three time-series CSV
//!   tables (formatted, counted and hashed for the manifest as in a run,
//!   into memory instead of files), and of the review-only world
//!   (`benches/peer/review_only.toml`).
//! - `market_step`: one daily market step of the baseline's segments.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use rand::RngExt;
use rand_distr::Exp1;
use reviewsim::engine::{EventQueue, SimDuration, SimTime, StreamRng, StreamSeed};
use reviewsim::model::Recording;
use reviewsim::output::{Format, OutputKind, Swept, Tables, Tally, UnitTables};
use reviewsim::runner::{UnitSink, simulate_unit};
use reviewsim::scenario::Scenario;

/// Hold steps timed per iteration.
const STEPS: u64 = 1_000;

fn exp_ticks(rng: &mut StreamRng) -> u64 {
    let days: f64 = rng.sample(Exp1);
    SimDuration::from_days(days).ticks()
}

fn filled_queue(pending: usize, rng: &mut StreamRng) -> EventQueue<u64> {
    let mut queue = EventQueue::with_capacity(pending + 1);
    for payload in 0..pending as u64 {
        queue.push(SimTime::from_ticks(exp_ticks(rng)), payload);
    }
    queue
}

fn filled_heap(pending: usize, rng: &mut StreamRng) -> BinaryHeap<Reverse<(u64, u64)>> {
    let mut heap = BinaryHeap::with_capacity(pending + 1);
    for payload in 0..pending as u64 {
        heap.push(Reverse((exp_ticks(rng), payload)));
    }
    heap
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold");
    group.throughput(Throughput::Elements(STEPS));
    for pending in [100usize, 10_000, 1_000_000] {
        if pending >= 1_000_000 {
            group.sample_size(20);
        }
        group.bench_with_input(
            BenchmarkId::new("event_queue", pending),
            &pending,
            |b, &pending| {
                let mut rng = StreamSeed::new(1, 0, 0).stream(0, 0);
                let mut queue = filled_queue(pending, &mut rng);
                b.iter(|| {
                    for _ in 0..STEPS {
                        let (now, payload) = queue.pop().expect("the set never empties");
                        let next = SimTime::from_ticks(now.ticks() + exp_ticks(&mut rng));
                        queue.push(next, black_box(payload));
                    }
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("binary_heap", pending),
            &pending,
            |b, &pending| {
                let mut rng = StreamSeed::new(1, 0, 0).stream(0, 0);
                let mut heap = filled_heap(pending, &mut rng);
                b.iter(|| {
                    for _ in 0..STEPS {
                        let Reverse((now, payload)) = heap.pop().expect("the set never empties");
                        heap.push(Reverse((now + exp_ticks(&mut rng), black_box(payload))));
                    }
                });
            },
        );
    }
    group.finish();
}

/// Customers of one M/M/4 replication: arrivals Exp(mean 10 days), the
/// first one too; services Exp(mean 36 days); FIFO; 36,500 days. Returns
/// the customers whose service started (as reviewsim counts reviews
/// started).
fn bare_mmc(rng: &mut StreamRng) -> u64 {
    const SERVERS: u32 = 4;
    let horizon = SimDuration::from_days(36_500.0).ticks();
    let draw = |rng: &mut StreamRng, mean: f64| {
        let days: f64 = rng.sample(Exp1);
        SimDuration::from_days(days * mean).ticks()
    };
    // (time, 0 = arrival | 1 = departure)
    let mut events: BinaryHeap<Reverse<(u64, u8)>> = BinaryHeap::with_capacity(16);
    let mut waiting: std::collections::VecDeque<u64> = std::collections::VecDeque::new();
    let (mut busy, mut started) = (0u32, 0u64);
    events.push(Reverse((draw(rng, 10.0), 0)));
    while let Some(Reverse((now, kind))) = events.pop() {
        if now > horizon {
            break;
        }
        if kind == 0 {
            events.push(Reverse((now + draw(rng, 10.0), 0)));
            if busy < SERVERS {
                busy += 1;
                started += 1;
                events.push(Reverse((now + draw(rng, 36.0), 1)));
            } else {
                waiting.push_back(now);
            }
        } else if waiting.pop_front().is_some() {
            started += 1;
            events.push(Reverse((now + draw(rng, 36.0), 1)));
        } else {
            busy -= 1;
        }
    }
    started
}

/// A scenario shipped with the crate, by its path from the crate's root.
fn scenario(path: &str) -> Scenario {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    Scenario::load(full.as_ref(), &[]).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// Times one replication of `scenario` recording `recording`, a new
/// replication (new streams) each iteration.
fn bench_replications(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    scenario: &Scenario,
    recording: Recording,
) {
    let mut replication = 0u64;
    group.bench_function(name, |b| {
        b.iter_batched(
            || {
                replication += 1;
                replication
            },
            |r| simulate_unit(scenario, 0, r, recording),
            BatchSize::SmallInput,
        );
    });
}

fn mmc(c: &mut Criterion) {
    let mmc = scenario("benches/peer/mmc.toml");
    // About λ T = 3,650 customers a replication.
    let customers = black_box(bare_mmc(&mut StreamSeed::new(1, 0, 0).stream(0, 0)));
    let mut group = c.benchmark_group("mmc");
    group.throughput(Throughput::Elements(customers));
    bench_replications(&mut group, "reviewsim", &mmc, Recording::NONE);
    let mut seed = 0u64;
    group.bench_function("bare_loop", |b| {
        b.iter_batched(
            || {
                seed += 1;
                StreamSeed::new(seed, 0, 0).stream(0, 0)
            },
            |mut rng| bare_mmc(&mut rng),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn replication(c: &mut Criterion) {
    let baseline = scenario("scenarios/baseline.toml");
    let review_only = scenario("benches/peer/review_only.toml");
    let series = Recording {
        events: false,
        timeseries_every_days: Some(7),
    };
    let mut group = c.benchmark_group("replication");
    group.throughput(Throughput::Elements(1));
    bench_replications(&mut group, "review_only", &review_only, Recording::NONE);
    bench_replications(&mut group, "baseline_with_timeseries", &baseline, series);
    bench_written_series(&mut group, &baseline, series);
    bench_replications(&mut group, "baseline", &baseline, Recording::NONE);
    bench_replications(
        &mut group,
        "baseline_with_events",
        &baseline,
        Recording::EVENTS,
    );
    group.finish();
}

/// Counts and hashes what is written, as a run's output files do, and keeps
/// nothing.
struct Tallied(Tally);

impl std::io::Write for Tallied {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One replication of `scenario` recording `series`, with its time series
/// written as CSV rows to tallied sinks.
fn bench_written_series(
    group: &mut BenchmarkGroup<'_, WallTime>,
    scenario: &Scenario,
    series: Recording,
) {
    let swept = Swept::new(&[], &[], &[]);
    let table = |kind| {
        let schema = reviewsim::output::schema(kind, scenario, &swept);
        let sink = Box::new(Tallied(Tally::default()));
        Some(reviewsim::output::open(Format::Csv, sink, &schema).expect("a CSV table"))
    };
    let tables = Tables::open(|kind: OutputKind| {
        let series = kind.table().is_some_and(|table| table.is_series());
        Ok::<_, ()>(series.then(|| table(kind)).flatten())
    })
    .expect("tables opened");
    let mut writer = UnitTables::new(scenario, &swept, tables);
    let mut replication = 0u64;
    group.bench_function("baseline_writing_timeseries", |b| {
        b.iter_batched(
            || {
                replication += 1;
                replication
            },
            |r| {
                let unit = simulate_unit(scenario, 0, r, series);
                writer.accept(&unit).expect("rows written");
            },
            BatchSize::SmallInput,
        );
    });
}

/// One market step (one day) of the baseline's three segments with `models`
/// models on offer, as in a run two years in.
fn market_step(c: &mut Criterion) {
    use reviewsim::model::market::{Market, Offer};
    let scenario = scenario("scenarios/baseline.toml");
    let spec = scenario.market.as_ref().expect("the baseline has a market");
    let labs = scenario.labs.len();
    let mut group = c.benchmark_group("market_step");
    group.throughput(Throughput::Elements(1));
    for models in [10usize, 40] {
        let mut market = Market::new(spec, labs, models, StreamSeed::new(1, 0, 0).stream(0, 0));
        for model in 0..models {
            market.add(
                Offer {
                    model,
                    line: model,
                    lab: model % labs,
                    capability: model as f64 / 4.0,
                    open_weights: model % 3 == 0,
                    reviewed: model % 2 == 0,
                },
                &[true; 3],
            );
        }
        market.seed_adopters();
        let mut day = 0u64;
        group.bench_with_input(
            BenchmarkId::new("baseline_segments", models),
            &models,
            |b, _| {
                b.iter(|| {
                    day += 1;
                    market.step(SimTime::from_ticks(day * reviewsim::engine::TICKS_PER_DAY));
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, hold, mmc, replication, market_step);
criterion_main!(benches);
