//! What a scenario that validates must give: no NaN or infinity in the
//! scenario itself; a description (`reviewsim validate`); its first points (and the sweep's baseline) simulate
//! replication 0, every metric is a finite number or undefined, the
//! aggregates accept every value, and every numeric cell of every table
//! written is a finite number or empty.

use reviewsim::experiment::Experiment;
use reviewsim::metrics;
use reviewsim::model::Recording;
use reviewsim::output::{
    AggregateState, Aggregates, CsvSink, Tables, write_compare, write_summary,
};
use reviewsim::runner::{UnitResult, UnitSink, simulate_unit};
use reviewsim::scenario::RawScenario;
use reviewsim::stats::Accumulator;

use super::harness::{Failure, POINTS_RUN, Verdict, fail};

/// A scenario that validates holds no NaN or infinity: each is refused, not
/// read as some day or some count.
pub fn every_number_is_finite(resolved: &RawScenario) -> Result<(), Failure> {
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
pub fn run(experiment: &Experiment, recording: Recording) -> Result<Verdict, Failure> {
    let base = &experiment.base;
    let columns = experiment.columns();
    let values: Vec<Vec<String>> = if experiment.sweep.is_some() {
        experiment.points.iter().map(|p| p.values.clone()).collect()
    } else {
        Vec::new()
    };
    let baseline = experiment.baseline();
    let run = points_to_run(experiment);
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
    aggregate_cells_are_finite(&state, &columns)?;
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

/// The first points, and the sweep's baseline.
fn points_to_run(experiment: &Experiment) -> Vec<usize> {
    let mut run: Vec<usize> = (0..experiment.points.len().min(POINTS_RUN)).collect();
    if let Some(baseline) = experiment.baseline()
        && !run.contains(&baseline)
    {
        run.push(baseline);
    }
    run
}

/// `summary.csv` and `compare.csv` hold finite numbers or empty cells.
fn aggregate_cells_are_finite(state: &AggregateState, columns: &[String]) -> Result<(), Failure> {
    let summary = write_summary(state, Vec::new())
        .or_else(|e| fail("bad cell", format!("summary.csv: {e}")))?;
    cells_are_finite("summary.csv", &summary, columns)?;
    let compare = write_compare(state, Vec::new())
        .or_else(|e| fail("bad cell", format!("compare.csv: {e}")))?;
    cells_are_finite("compare.csv", &compare, columns)
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
