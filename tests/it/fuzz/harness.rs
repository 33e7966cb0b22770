//! The property every fuzz case is held to, and what a failure reports.
//!
//! An input is scenario text, `--set` arguments and what to record. It must
//! be refused with a message that starts with the file (or the `--set`
//! argument), or it must validate and run: its first points (and the sweep's
//! baseline) simulate replication 0 without panicking, every metric is a
//! finite number or undefined, the aggregates accept every value, and every
//! numeric cell of every table written is a finite number or empty.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use reviewsim::engine::{StreamRng, StreamSeed};
use reviewsim::experiment::{Experiment, ExperimentError, Limits, MAX_WORK_UNITS};
use reviewsim::metrics;
use reviewsim::model::Recording;
use reviewsim::output::{
    AggregateState, Aggregates, CsvSink, Tables, write_compare, write_summary,
};
use reviewsim::runner::{UnitResult, UnitSink, simulate_unit};
use reviewsim::scenario::{Override, RawScenario, ScenarioError, WorkLimits};
use reviewsim::stats::Accumulator;

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

fn fail<T>(kind: &'static str, detail: String) -> Result<T, Failure> {
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
    for point in &experiment.points {
        every_number_is_finite(&point.scenario.resolved)?;
    }
    run(&experiment, input.recording)
}

/// The deserializer's words for types, which messages translate.
const JARGON: [&str; 9] = [
    "unit variant",
    "variant identifier",
    "custom name",
    "type: map",
    "type: sequence",
    "struct Raw",
    "expected u64",
    "expected f64",
    "expected usize",
];

/// A refusal starts with the file (or the `--set` argument), says what is
/// allowed in the user's words, and writes numbers short: a digit run longer than any in the
/// input (or than 20) is a number printed in full, such as 1e-300 as three
/// hundred digits.
fn refused(message: &str, start: &str, input: &Input) -> Result<Verdict, Failure> {
    if !message.starts_with(start) || message.trim_end().ends_with(':') {
        return fail(
            "bad message",
            format!("a refusal should start with `{start}` and say what is allowed: {message}"),
        );
    }
    let jargon = JARGON.iter().find(|word| {
        message.contains(*word)
            && !input.text.contains(*word)
            && !input.overrides.iter().any(|arg| arg.contains(*word))
    });
    if let Some(word) = jargon {
        return fail(
            "bad message",
            format!("a refusal speaks Rust (`{word}`), not the user's words: {message}"),
        );
    }
    let written = input
        .overrides
        .iter()
        .map(|arg| longest_digit_run(arg))
        .chain([longest_digit_run(&input.text), 20])
        .max()
        .unwrap_or(20);
    if longest_digit_run(message) > written {
        return fail(
            "bad message",
            format!("a refusal prints a number digit by digit: {message}"),
        );
    }
    Ok(Verdict::Refused(message.to_string()))
}

fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// A scenario that validates holds no NaN or infinity: each is refused, not
/// read as some day or some count.
fn every_number_is_finite(resolved: &RawScenario) -> Result<(), Failure> {
    let root = toml::Value::try_from(resolved).or_else(|e| {
        fail(
            "accepted non-finite",
            format!("cannot walk the scenario: {e}"),
        )
    })?;
    let mut stack = vec![(String::new(), &root)];
    while let Some((path, value)) = stack.pop() {
        match value {
            toml::Value::Float(number) if !number.is_finite() => {
                return fail(
                    "accepted non-finite",
                    format!("{path} = {number} validated"),
                );
            }
            toml::Value::Table(table) => stack.extend(table.iter().map(|(key, child)| {
                (
                    if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    },
                    child,
                )
            })),
            toml::Value::Array(items) => stack.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, child)| (format!("{path}[{index}]"), child)),
            ),
            _ => {}
        }
    }
    Ok(())
}

/// Runs the first points (and the baseline) at replication 0 through the
/// aggregates and the CSV tables.
fn run(experiment: &Experiment, recording: Recording) -> Result<Verdict, Failure> {
    let base = &experiment.base;
    let columns = experiment.columns();
    let values: Vec<Vec<String>> = if experiment.sweep.is_some() {
        experiment.points.iter().map(|p| p.values.clone()).collect()
    } else {
        Vec::new()
    };
    let baseline = experiment.baseline();
    let mut run: Vec<usize> = (0..experiment.points.len().min(POINTS_RUN)).collect();
    if let Some(baseline) = baseline
        && !run.contains(&baseline)
    {
        run.push(baseline);
    }
    let mut aggregates = Aggregates::new(AggregateState::new(
        base,
        columns.clone(),
        values.clone(),
        baseline,
    ));
    let mut buffers: [Vec<u8>; 6] = Default::default();
    let [labs, system, events, timeseries, queue, pressure] = &mut buffers;
    let series = recording.timeseries_every_days.is_some();
    let tables = Tables {
        labs,
        system,
        events: recording.events.then_some(events),
        timeseries: series.then_some(timeseries),
        queue_timeseries: series.then_some(queue),
        pressure_timeseries: series.then_some(pressure),
    };
    let mut sink = CsvSink::with_points(base, tables, &columns, values)
        .or_else(|e| fail("bad cell", format!("a CSV header: {e}")))?;
    for &point in &run {
        let unit = simulate_unit(&experiment.points[point].scenario, point, 0, recording);
        metrics_are_finite(experiment, &unit)?;
        aggregates
            .accept(&unit)
            .or_else(|e| fail("aggregates refused", format!("point {point}: {e}")))?;
        sink.accept(&unit)
            .or_else(|e| fail("bad cell", format!("point {point}: {e}")))?;
    }
    let state = aggregates
        .finish()
        .or_else(|e| fail("aggregates refused", e.to_string()))?;
    let summary = write_summary(&state, Vec::new())
        .or_else(|e| fail("bad cell", format!("summary.csv: {e}")))?;
    cells_are_finite("summary.csv", &summary, &columns)?;
    let compare = write_compare(&state, Vec::new())
        .or_else(|e| fail("bad cell", format!("compare.csv: {e}")))?;
    cells_are_finite("compare.csv", &compare, &columns)?;
    sink.finish()
        .or_else(|e| fail("bad cell", format!("flushing the tables: {e}")))?;
    let names = [
        "lab_outcomes.csv",
        "system_outcomes.csv",
        "events.csv",
        "timeseries.csv",
        "queue_timeseries.csv",
        "pressure_timeseries.csv",
    ];
    for (name, bytes) in names.iter().zip(&buffers) {
        cells_are_finite(name, bytes, &columns)?;
    }
    Ok(Verdict::Ran(run.len()))
}

/// Every metric of a unit is a finite number or undefined, and an
/// accumulator takes it.
fn metrics_are_finite(experiment: &Experiment, unit: &UnitResult) -> Result<(), Failure> {
    let scenario = &experiment.points[unit.point].scenario;
    let lab_names = metrics::lab_metric_names(scenario);
    let system_names = metrics::system_metric_names(scenario);
    let mut named = Vec::new();
    for (lab, outcome) in scenario.labs.iter().zip(&unit.labs) {
        let mut values = Vec::new();
        metrics::lab_values(outcome, &mut values);
        named.extend(
            lab_names
                .iter()
                .zip(values)
                .map(|(name, value)| (format!("{} {name}", lab.id), value)),
        );
    }
    let mut values = Vec::new();
    metrics::system_values(&unit.system, &mut values);
    named.extend(
        system_names
            .iter()
            .zip(values)
            .map(|(name, value)| (format!("all {name}"), value)),
    );
    for (name, value) in named {
        let Some(value) = value else { continue };
        if !value.is_finite() {
            return fail(
                "not finite",
                format!("point {}: {name} = {value}", unit.point),
            );
        }
        Accumulator::default().add(value).or_else(|e| {
            fail(
                "aggregates refused",
                format!("point {}: {name} = {value}: {e}", unit.point),
            )
        })?;
    }
    Ok(())
}

/// Columns whose cells are text, not numbers.
const TEXT_COLUMNS: [&str; 9] = [
    "lab",
    "line",
    "track",
    "segment",
    "kind",
    "detail",
    "date",
    "participating",
    "metric",
];

/// Every cell of a numeric column is empty or a finite number.
fn cells_are_finite(file: &str, csv_bytes: &[u8], swept: &[String]) -> Result<(), Failure> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers = reader
        .headers()
        .or_else(|e| fail("bad cell", format!("{file}: {e}")))?
        .clone();
    for (row, record) in reader.records().enumerate() {
        let record = record.or_else(|e| fail("bad cell", format!("{file}: {e}")))?;
        for (column, cell) in headers.iter().zip(record.iter()) {
            if cell.is_empty()
                || TEXT_COLUMNS.contains(&column)
                || swept.iter().any(|s| s == column)
            {
                continue;
            }
            if !cell.parse::<f64>().is_ok_and(f64::is_finite) {
                return fail(
                    "bad cell",
                    format!("{file} row {row}, column {column}: `{cell}`"),
                );
            }
        }
    }
    Ok(())
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

/// Cases checked by one generator, how many ran, and the slowest.
#[derive(Debug)]
pub struct Tally {
    /// The generator's name.
    generator: &'static str,
    /// Print each case number before checking it (`REVIEWSIM_FUZZ_TRACE`),
    /// so that the last one printed names a case that aborts or hangs.
    trace: bool,
    /// Print each case's input before checking it (`REVIEWSIM_FUZZ_CASE`).
    show: bool,
    /// Cases checked.
    pub cases: u64,
    /// Cases that validated and ran.
    pub ran: u64,
    /// The slowest case: its time, number and input.
    pub slowest: Option<(Duration, u64, Input)>,
    /// Failures found, with case number and input; one per kind and detail.
    pub failures: Vec<(u64, Input, Failure)>,
}

/// Most distinct failures collected before a generator stops.
const MAX_FAILURES: usize = 8;

impl Tally {
    /// An empty tally for a generator.
    pub fn new(generator: &'static str) -> Tally {
        Tally {
            generator,
            trace: std::env::var_os("REVIEWSIM_FUZZ_TRACE").is_some(),
            show: std::env::var_os("REVIEWSIM_FUZZ_CASE").is_some(),
            cases: 0,
            ran: 0,
            slowest: None,
            failures: Vec::new(),
        }
    }

    /// Checks one case and records what it did. False once enough
    /// failures are collected.
    pub fn check(&mut self, case: u64, input: Input) -> bool {
        if self.show {
            eprintln!("fuzz {} case {case}:\n{input}", self.generator);
        } else if self.trace {
            eprintln!("fuzz {} case {case}", self.generator);
        }
        let started = Instant::now();
        let result = check(&input);
        let took = started.elapsed();
        self.cases += 1;
        match result {
            Ok(Verdict::Ran(_)) => self.ran += 1,
            Ok(Verdict::Refused(_)) => {}
            Err(failure) => {
                let seen = self.failures.iter().any(|(_, _, f)| {
                    f.kind == failure.kind && first_line(&f.detail) == first_line(&failure.detail)
                });
                if !seen {
                    self.failures.push((case, input.clone(), failure));
                }
            }
        }
        if self
            .slowest
            .as_ref()
            .is_none_or(|(most, _, _)| took > *most)
        {
            self.slowest = Some((took, case, input));
        }
        self.failures.len() < MAX_FAILURES
    }

    /// Prints the counts and the slowest case; panics with every failure,
    /// each with its input in full and a minimised copy.
    pub fn finish(self) {
        let generator = self.generator;
        eprintln!(
            "fuzz {generator}: {} cases, {} ran, {} refused",
            self.cases,
            self.ran,
            self.cases - self.ran
        );
        if let Some((took, case, input)) = &self.slowest {
            eprintln!("fuzz {generator}: slowest case {case} took {took:?}:\n{input}");
        }
        if self.failures.is_empty() {
            return;
        }
        let mut report = String::new();
        for (case, input, failure) in &self.failures {
            let minimal = minimise(input, failure);
            report.push_str(&format!(
                "\n=== {generator} case {case} (seed {SEED}): {}: {}\n{input}\n--- minimised ---\n{minimal}\n",
                failure.kind, failure.detail
            ));
        }
        panic!("{} fuzz failures:{report}", self.failures.len());
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// A smaller input that fails the same way: overrides dropped one at a
/// time, then lines of text dropped in shrinking chunks.
pub fn minimise(input: &Input, failure: &Failure) -> Input {
    let same = |candidate: &Input| matches!(check(candidate), Err(f) if f.kind == failure.kind);
    let mut best = input.clone();
    let mut index = 0;
    while index < best.overrides.len() {
        let mut candidate = best.clone();
        candidate.overrides.remove(index);
        if same(&candidate) {
            best = candidate;
        } else {
            index += 1;
        }
    }
    let mut lines: Vec<String> = best.text.lines().map(str::to_string).collect();
    let mut chunk = lines.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < lines.len() {
            let end = (start + chunk).min(lines.len());
            let mut candidate = best.clone();
            let kept: Vec<String> = lines[..start]
                .iter()
                .chain(&lines[end..])
                .cloned()
                .collect();
            candidate.text = kept.join("\n");
            if same(&candidate) {
                best = candidate;
                lines = kept;
            } else {
                start = end;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    best
}
