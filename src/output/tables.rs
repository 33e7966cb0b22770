//! The CSV tables: stable column order, units in column names, ISO dates
//! beside day numbers, empty cells for undefined means.

use std::io::Write;

use chrono::{Days, NaiveDate};

use crate::engine::SimTime;
use crate::metrics;
use crate::model::{AdoptionSample, EventRecord, PressureSample, QueueSample};
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;

/// Columns of `timeseries.csv`.
pub const TIMESERIES_COLUMNS: [&str; 10] = [
    "point",
    "replication",
    "day",
    "date",
    "segment",
    "lab",
    "adopters",
    "adopters_api",
    "adopters_open_weights",
    "share",
];

/// Columns of `pressure_timeseries.csv`.
pub const PRESSURE_TIMESERIES_COLUMNS: [&str; 8] = [
    "point",
    "replication",
    "day",
    "date",
    "lab",
    "pressure",
    "escalation_level",
    "participating",
];

/// Columns of `queue_timeseries.csv`.
pub const QUEUE_TIMESERIES_COLUMNS: [&str; 7] = [
    "point",
    "replication",
    "day",
    "date",
    "track",
    "queue_length",
    "busy_teams",
];

/// Columns of `events.csv`.
pub const EVENT_COLUMNS: [&str; 10] = [
    "point",
    "replication",
    "time_days",
    "date",
    "kind",
    "lab",
    "line",
    "model",
    "track",
    "detail",
];

/// Header of `lab_outcomes.csv`: the work unit and lab, then the metrics
/// of [`metrics::lab_metric_names`].
pub fn lab_columns(scenario: &Scenario) -> Vec<String> {
    ["point", "replication", "lab"]
        .into_iter()
        .map(String::from)
        .chain(metrics::lab_metric_names(scenario))
        .collect()
}

/// Header of `system_outcomes.csv`: the work unit, then the metrics of
/// [`metrics::system_metric_names`].
pub fn system_columns(scenario: &Scenario) -> Vec<String> {
    ["point", "replication"]
        .into_iter()
        .map(String::from)
        .chain(metrics::system_metric_names(scenario))
        .collect()
}

/// Formats an optional number; `None` is an empty cell. Rust prints the
/// shortest text that reads back as the same `f64`, on every platform, and a
/// whole number without a decimal point, so counts read as integers.
fn optional(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Calendar date of a simulated time.
pub fn date_of(start: NaiveDate, time: SimTime) -> NaiveDate {
    start
        .checked_add_days(Days::new(time.whole_days()))
        .unwrap_or(NaiveDate::MAX)
}

/// The destinations of a run's tables; the optional ones are written only
/// when present.
pub struct Tables<W> {
    /// `lab_outcomes.csv`.
    pub labs: W,
    /// `system_outcomes.csv`.
    pub system: W,
    /// `events.csv`.
    pub events: Option<W>,
    /// `timeseries.csv`.
    pub timeseries: Option<W>,
    /// `queue_timeseries.csv`.
    pub queue_timeseries: Option<W>,
    /// `pressure_timeseries.csv`.
    pub pressure_timeseries: Option<W>,
}

fn with_header<W: Write, const N: usize>(
    writer: Option<W>,
    header: [&str; N],
) -> csv::Result<Option<csv::Writer<W>>> {
    writer
        .map(|writer| {
            let mut writer = csv::Writer::from_writer(writer);
            writer.write_record(header)?;
            Ok(writer)
        })
        .transpose()
}

/// Writes unit results as CSV rows to any writers.
pub struct CsvSink<'s, W: Write> {
    scenario: &'s Scenario,
    labs: csv::Writer<W>,
    system: csv::Writer<W>,
    events: Option<csv::Writer<W>>,
    timeseries: Option<csv::Writer<W>>,
    queue_timeseries: Option<csv::Writer<W>>,
    pressure_timeseries: Option<csv::Writer<W>>,
    line_ids: Vec<(&'s str, &'s str)>,
    /// Swept values of each point, written after `point` in the lab and
    /// system tables.
    point_values: Vec<Vec<String>>,
    /// Scratch: one row's metric values.
    values: Vec<Option<f64>>,
}

impl<'s, W: Write> CsvSink<'s, W> {
    /// Writes the headers and returns the sink.
    pub fn new(scenario: &'s Scenario, tables: Tables<W>) -> csv::Result<Self> {
        CsvSink::with_points(scenario, tables, &[], Vec::new())
    }

    /// The same for a sweep: `point_columns` (the swept paths) follow
    /// `point` in the lab and system tables, with `point_values[point]` in
    /// each row.
    pub fn with_points(
        scenario: &'s Scenario,
        tables: Tables<W>,
        point_columns: &[String],
        point_values: Vec<Vec<String>>,
    ) -> csv::Result<Self> {
        let with_points = |mut columns: Vec<String>| {
            columns.splice(1..1, point_columns.iter().cloned());
            columns
        };
        let mut labs = csv::Writer::from_writer(tables.labs);
        labs.write_record(with_points(lab_columns(scenario)))?;
        let mut system = csv::Writer::from_writer(tables.system);
        system.write_record(with_points(system_columns(scenario)))?;
        let line_ids = scenario
            .labs
            .iter()
            .flat_map(|lab| {
                lab.lines
                    .iter()
                    .map(move |line| (lab.id.as_str(), line.id.as_str()))
            })
            .collect();
        Ok(CsvSink {
            scenario,
            labs,
            system,
            events: with_header(tables.events, EVENT_COLUMNS)?,
            timeseries: with_header(tables.timeseries, TIMESERIES_COLUMNS)?,
            queue_timeseries: with_header(tables.queue_timeseries, QUEUE_TIMESERIES_COLUMNS)?,
            pressure_timeseries: with_header(
                tables.pressure_timeseries,
                PRESSURE_TIMESERIES_COLUMNS,
            )?,
            line_ids,
            point_values,
            values: Vec::new(),
        })
    }

    /// Flushes every table.
    pub fn finish(self) -> std::io::Result<()> {
        let flush = |writer: csv::Writer<W>| -> std::io::Result<()> {
            writer.into_inner().map_err(|e| e.into_error())?.flush()
        };
        for writer in [
            self.events,
            self.timeseries,
            self.queue_timeseries,
            self.pressure_timeseries,
        ]
        .into_iter()
        .flatten()
        {
            flush(writer)?;
        }
        flush(self.labs)?;
        flush(self.system)
    }

    fn adoption_rows(
        &mut self,
        point: &str,
        replication: &str,
        samples: &[AdoptionSample],
    ) -> std::io::Result<()> {
        let start = self.scenario.start_date;
        let segments = self
            .scenario
            .market
            .as_ref()
            .map(|m| m.segments.as_slice())
            .unwrap_or_default();
        let Some(writer) = &mut self.timeseries else {
            return Ok(());
        };
        for sample in samples {
            writer.write_record([
                point,
                replication,
                &sample.time.as_days().to_string(),
                &date_of(start, sample.time).to_string(),
                &segments[sample.segment as usize].id,
                &self.scenario.labs[sample.lab as usize].id,
                &sample.adopters.to_string(),
                &sample.adopters_api.to_string(),
                &sample.adopters_open_weights.to_string(),
                &optional(sample.share),
            ])?;
        }
        Ok(())
    }

    fn pressure_rows(
        &mut self,
        point: &str,
        replication: &str,
        samples: &[PressureSample],
    ) -> std::io::Result<()> {
        let start = self.scenario.start_date;
        let Some(writer) = &mut self.pressure_timeseries else {
            return Ok(());
        };
        for sample in samples {
            writer.write_record([
                point,
                replication,
                &sample.time.as_days().to_string(),
                &date_of(start, sample.time).to_string(),
                &self.scenario.labs[sample.lab as usize].id,
                &sample.pressure.to_string(),
                &sample.escalation_level.to_string(),
                if sample.participating {
                    "true"
                } else {
                    "false"
                },
            ])?;
        }
        Ok(())
    }

    fn queue_rows(
        &mut self,
        point: &str,
        replication: &str,
        samples: &[QueueSample],
    ) -> std::io::Result<()> {
        let start = self.scenario.start_date;
        let Some(writer) = &mut self.queue_timeseries else {
            return Ok(());
        };
        for sample in samples {
            writer.write_record([
                point,
                replication,
                &sample.time.as_days().to_string(),
                &date_of(start, sample.time).to_string(),
                &self.scenario.review.tracks[sample.track as usize].id,
                &sample.queue_length.to_string(),
                &sample.busy_teams.to_string(),
            ])?;
        }
        Ok(())
    }

    fn event_rows(&mut self, unit: &UnitResult, events: &[EventRecord]) -> std::io::Result<()> {
        for event in events {
            let row = self.event_row(unit, event);
            if let Some(writer) = &mut self.events {
                writer.write_record(row)?;
            }
        }
        Ok(())
    }

    fn event_row(&self, unit: &UnitResult, event: &EventRecord) -> [String; 10] {
        let (lab, line, model) = match event.model {
            Some(who) => {
                let (lab, line) = self.line_ids[who.line as usize];
                (lab.to_string(), line.to_string(), who.number.to_string())
            }
            None => (
                event
                    .lab
                    .map(|lab| self.scenario.labs[lab as usize].id.clone())
                    .unwrap_or_default(),
                String::new(),
                String::new(),
            ),
        };
        let track = event
            .track
            .map(|t| self.scenario.review.tracks[t as usize].id.clone())
            .unwrap_or_default();
        [
            unit.point.to_string(),
            unit.replication.to_string(),
            event.time.as_days().to_string(),
            date_of(self.scenario.start_date, event.time).to_string(),
            event.kind.as_str().to_string(),
            lab,
            line,
            model,
            track,
            event.kind.detail().to_string(),
        ]
    }
}

impl<W: Write> UnitSink for CsvSink<'_, W> {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        if unit.pairing_only {
            return Ok(());
        }
        let point = unit.point.to_string();
        let replication = unit.replication.to_string();
        let swept: &[String] = self.point_values.get(unit.point).map_or(&[], Vec::as_slice);
        for (lab, outcome) in self.scenario.labs.iter().zip(&unit.labs) {
            self.labs.write_field(&point)?;
            for value in swept {
                self.labs.write_field(value)?;
            }
            self.labs.write_field(&replication)?;
            self.labs.write_field(&lab.id)?;
            self.values.clear();
            metrics::lab_values(outcome, &mut self.values);
            for &value in &self.values {
                self.labs.write_field(optional(value))?;
            }
            self.labs.write_record(None::<&[u8]>)?;
        }
        let system = &unit.system;
        self.system.write_field(&point)?;
        for value in swept {
            self.system.write_field(value)?;
        }
        self.system.write_field(&replication)?;
        self.values.clear();
        metrics::system_values(system, &mut self.values);
        for &value in &self.values {
            self.system.write_field(optional(value))?;
        }
        self.system.write_record(None::<&[u8]>)?;
        let spilled = &unit.spilled;
        if self.timeseries.is_some() {
            if let Some(records) = &spilled.adoption {
                records.for_each_batch(|batch| self.adoption_rows(&point, &replication, batch))?;
            }
            self.adoption_rows(&point, &replication, &unit.adoption_series)?;
        }
        if self.pressure_timeseries.is_some() {
            if let Some(records) = &spilled.pressure {
                records.for_each_batch(|batch| self.pressure_rows(&point, &replication, batch))?;
            }
            self.pressure_rows(&point, &replication, &unit.pressure_series)?;
        }
        if self.queue_timeseries.is_some() {
            if let Some(records) = &spilled.queue {
                records.for_each_batch(|batch| self.queue_rows(&point, &replication, batch))?;
            }
            self.queue_rows(&point, &replication, &unit.queue_series)?;
        }
        if self.events.is_some() {
            if let Some(records) = &spilled.events {
                records.for_each_batch(|batch| self.event_rows(unit, batch))?;
            }
            self.event_rows(unit, &unit.events)?;
        }
        Ok(())
    }
}
