//! What a scenario that validates must give: no NaN or infinity in the
//! scenario itself; a description (`reviewsim validate`); its first points (and the sweep's baseline) simulate
//! replication 0, every metric is a finite number or undefined, the
//! aggregates accept every value, and every numeric cell of every table
//! written is a finite number or empty.

use std::sync::{Arc, Mutex};

use reviewsim::experiment::Experiment;
use reviewsim::metrics;
use reviewsim::model::Recording;
use reviewsim::output::{
    Aggregates, CompareTable, Format, Layout, OutputKind, SummaryTable, Swept, Table, Tables,
    UnitTables, compare_schema, open, schema, summary_schema,
};
use reviewsim::runner::{UnitResult, UnitSink, simulate_unit};
use reviewsim::scenario::{Scenario, Settings};
use reviewsim::stats::Accumulator;

use super::harness::{Failure, POINTS_RUN, Verdict, fail};

/// A scenario that validates holds no NaN or infinity: each is refused, not
/// read as some day or some count.
pub fn every_number_is_finite(resolved: &Settings) -> Result<(), Failure> {
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

/// A table's bytes, readable once the table that writes them is gone.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

/// A CSV table of `kind` writing into `buffer`.
fn table(kind: OutputKind, scenario: &Scenario, swept: &Swept, buffer: &Buffer) -> Table {
    open(
        Format::Csv,
        Box::new(buffer.clone()),
        &schema(kind, scenario, swept),
    )
    .unwrap()
}

/// The tables written, in the order of their buffers: every per-unit
/// table, then the summary and the comparison.
fn names() -> Vec<String> {
    (OutputKind::all())
        .filter(|kind| kind.is_per_replication())
        .chain([OutputKind::Summary, OutputKind::Compare])
        .map(|kind| kind.file(Format::Csv))
        .collect()
}

/// The summary and comparison, aggregated over the points.
type Aggregated = Aggregates<(SummaryTable, CompareTable)>;

/// Runs the first points (and the baseline) at replication 0 through the
/// aggregates and the tables, as CSV.
pub fn run(experiment: &Experiment, recording: Recording) -> Result<Verdict, Failure> {
    let base = &experiment.base;
    let columns = experiment.columns();
    let swept = reviewsim::app::swept_of(experiment);
    let run = points_to_run(experiment);
    let names = names();
    let buffers: Vec<Buffer> = names.iter().map(|_| Buffer::default()).collect();
    let mut aggregates = aggregates(experiment, &swept, &buffers);
    let tables = unit_tables(base, &swept, recording, &buffers);
    let mut sink = UnitTables::new(base, &swept, tables);
    for &point in &run {
        run_point(experiment, point, recording, &mut aggregates, &mut sink)?;
    }
    finish(experiment, aggregates, sink)?;
    for (name, buffer) in names.iter().zip(&buffers) {
        cells_are_finite(name, &buffer.bytes(), &columns)?;
    }
    Ok(Verdict::Ran(run.len()))
}

/// The aggregates of every point, writing the summary and the comparison
/// into the last two `buffers`.
fn aggregates(experiment: &Experiment, swept: &Swept, buffers: &[Buffer]) -> Aggregated {
    let [.., summary, compare] = buffers else {
        unreachable!("the summary and comparison buffers come last")
    };
    let values: Vec<Vec<String>> = experiment.points.iter().map(|p| p.shown()).collect();
    let layout = Layout::new(
        &experiment.base,
        swept,
        experiment.baseline(),
        experiment.plan().cloned(),
    );
    let aggregate_tables = (
        SummaryTable::new(
            open(
                Format::Csv,
                Box::new(summary.clone()),
                &summary_schema(&layout),
            )
            .unwrap(),
        ),
        CompareTable::new(
            open(
                Format::Csv,
                Box::new(compare.clone()),
                &compare_schema(&layout),
            )
            .unwrap(),
        ),
    );
    Aggregates::new(layout, values, aggregate_tables)
}

/// The per-unit tables `recording` asks for, writing into the first
/// `buffers`, one per per-unit table in order.
fn unit_tables(base: &Scenario, swept: &Swept, recording: Recording, buffers: &[Buffer]) -> Tables {
    let kinds: Vec<OutputKind> = (OutputKind::all())
        .filter(|kind| kind.is_per_replication())
        .collect();
    let written = |kind: OutputKind| match kind.table() {
        Some(table) => recording.keeps(table),
        None => true,
    };
    Tables::open(|kind| {
        let index = kinds.iter().position(|k| *k == kind);
        let buffer = index.filter(|_| written(kind)).map(|i| &buffers[i]);
        Ok::<_, ()>(buffer.map(|buffer| table(kind, base, swept, buffer)))
    })
    .unwrap_or_default()
}

/// Simulates replication 0 of `point`: its metrics finite, accepted by the
/// aggregates and written to the tables.
fn run_point(
    experiment: &Experiment,
    point: usize,
    recording: Recording,
    aggregates: &mut Aggregated,
    sink: &mut UnitTables,
) -> Result<(), Failure> {
    let scenario = experiment.point_scenario(point).or_else(|e| {
        fail(
            "bad cell",
            format!("point {point} no longer validates: {e}"),
        )
    })?;
    let unit = simulate_unit(&scenario, point, 0, recording);
    metrics_are_finite(&scenario, &unit)?;
    aggregates
        .accept(&unit)
        .or_else(|e| fail("aggregates refused", format!("point {point}: {e}")))?;
    sink.accept(&unit)
        .or_else(|e| fail("bad cell", format!("point {point}: {e}")))?;
    Ok(())
}

/// Closes the aggregates' block of every point and flushes every table.
fn finish(
    experiment: &Experiment,
    mut aggregates: Aggregated,
    sink: UnitTables,
) -> Result<(), Failure> {
    aggregates
        .block_done(0..experiment.points.len())
        .or_else(|e| fail("aggregates refused", e.to_string()))?;
    let (summary_table, compare_table) = aggregates.finish();
    for mut table in [summary_table.into_table(), compare_table.into_table()] {
        table
            .finish()
            .or_else(|e| fail("bad cell", format!("flushing the aggregates: {e}")))?;
    }
    sink.finish()
        .or_else(|e| fail("bad cell", format!("flushing the tables: {e}")))?;
    Ok(())
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

/// Every metric of a unit is a finite number or undefined, and an
/// accumulator takes it.
fn metrics_are_finite(scenario: &Scenario, unit: &UnitResult) -> Result<(), Failure> {
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
