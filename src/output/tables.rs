//! The CSV tables: stable column order, units in column names, ISO dates
//! beside day numbers, empty cells for undefined means.

use std::io::Write;

use chrono::{Days, NaiveDate};

use crate::engine::SimTime;
use crate::model::{EventRecord, LabOutcome, TrackOutcome};
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;

/// Columns of `lab_outcomes.csv` after `point`, `replication`, `lab`.
const LAB_METRICS: [&str; 10] = [
    "models_ready",
    "releases",
    "releases_covered",
    "reviews_completed_before_release",
    "releases_on_window_expiry",
    "reviews_past_window",
    "models_unreleased",
    "delay_days_mean",
    "delay_days_max",
    "queue_wait_days_mean",
];

/// Per-track columns of `system_outcomes.csv`, each suffixed `_<track id>`.
const TRACK_METRICS: [&str; 6] = [
    "reviews_started",
    "reviews_completed",
    "reviews_abandoned",
    "utilisation",
    "queue_length_mean",
    "queue_length_max",
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

/// Header of `lab_outcomes.csv`.
pub fn lab_columns() -> Vec<String> {
    ["point", "replication", "lab"]
        .into_iter()
        .chain(LAB_METRICS)
        .map(String::from)
        .collect()
}

/// Header of `system_outcomes.csv` for a scenario's tracks.
pub fn system_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = [
        "point",
        "replication",
        "reviews_submitted",
        "reviews_completed",
        "review_completion_days_mean",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for track in &scenario.review.tracks {
        columns.extend(
            TRACK_METRICS
                .iter()
                .map(|metric| format!("{metric}_{}", track.id)),
        );
    }
    columns
}

/// Formats an optional number; `None` is an empty cell. Rust prints the
/// shortest text that reads back as the same `f64`, on every platform.
fn optional(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn lab_row(lab: &LabOutcome) -> [String; 10] {
    [
        lab.models_ready.to_string(),
        lab.releases.to_string(),
        lab.releases_covered.to_string(),
        lab.reviews_completed_before_release.to_string(),
        lab.releases_on_window_expiry.to_string(),
        lab.reviews_past_window.to_string(),
        lab.models_unreleased.to_string(),
        optional(lab.delay_days_mean),
        optional(lab.delay_days_max),
        optional(lab.queue_wait_days_mean),
    ]
}

fn track_row(track: &TrackOutcome) -> [String; 6] {
    [
        track.reviews_started.to_string(),
        track.reviews_completed.to_string(),
        track.reviews_abandoned.to_string(),
        optional(track.utilisation),
        optional(track.queue_length_mean),
        track.queue_length_max.to_string(),
    ]
}

/// Calendar date of a simulated time.
pub fn date_of(start: NaiveDate, time: SimTime) -> NaiveDate {
    start
        .checked_add_days(Days::new(time.whole_days()))
        .unwrap_or(NaiveDate::MAX)
}

/// Writes unit results as CSV rows to any writers.
pub struct CsvSink<'s, W: Write> {
    scenario: &'s Scenario,
    labs: csv::Writer<W>,
    system: csv::Writer<W>,
    events: Option<csv::Writer<W>>,
    line_ids: Vec<(&'s str, &'s str)>,
    /// Swept values of each point, written after `point` in the lab and
    /// system tables.
    point_values: Vec<Vec<String>>,
}

impl<'s, W: Write> CsvSink<'s, W> {
    /// Writes the headers and returns the sink.
    pub fn new(scenario: &'s Scenario, labs: W, system: W, events: Option<W>) -> csv::Result<Self> {
        CsvSink::with_points(scenario, labs, system, events, &[], Vec::new())
    }

    /// The same for a sweep: `point_columns` (the swept paths) follow
    /// `point` in the lab and system tables, with `point_values[point]` in
    /// each row.
    pub fn with_points(
        scenario: &'s Scenario,
        labs: W,
        system: W,
        events: Option<W>,
        point_columns: &[String],
        point_values: Vec<Vec<String>>,
    ) -> csv::Result<Self> {
        let with_points = |mut columns: Vec<String>| {
            columns.splice(1..1, point_columns.iter().cloned());
            columns
        };
        let mut labs = csv::Writer::from_writer(labs);
        labs.write_record(with_points(lab_columns()))?;
        let mut system = csv::Writer::from_writer(system);
        system.write_record(with_points(system_columns(scenario)))?;
        let events = match events {
            Some(writer) => {
                let mut writer = csv::Writer::from_writer(writer);
                writer.write_record(EVENT_COLUMNS)?;
                Some(writer)
            }
            None => None,
        };
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
            events,
            line_ids,
            point_values,
        })
    }

    /// Flushes and returns the writers.
    pub fn finish(self) -> std::io::Result<(W, W, Option<W>)> {
        let into = |writer: csv::Writer<W>| writer.into_inner().map_err(|e| e.into_error());
        let events = self.events.map(into).transpose()?;
        Ok((into(self.labs)?, into(self.system)?, events))
    }

    fn event_row(&self, unit: &UnitResult, event: &EventRecord) -> [String; 10] {
        let (lab, line, model) = match event.model {
            Some(who) => {
                let (lab, line) = self.line_ids[who.line as usize];
                (lab.to_string(), line.to_string(), who.number.to_string())
            }
            None => Default::default(),
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
            self.labs.write_record(lab_row(outcome))?;
        }
        let system = &unit.system;
        self.system.write_field(&point)?;
        for value in swept {
            self.system.write_field(value)?;
        }
        self.system.write_field(&replication)?;
        self.system
            .write_field(system.reviews_submitted.to_string())?;
        self.system
            .write_field(system.reviews_completed.to_string())?;
        self.system
            .write_field(optional(system.review_completion_days_mean))?;
        for track in &system.tracks {
            for cell in track_row(track) {
                self.system.write_field(cell)?;
            }
        }
        self.system.write_record(None::<&[u8]>)?;
        if self.events.is_some() {
            let rows: Vec<[String; 10]> = unit
                .events
                .iter()
                .map(|e| self.event_row(unit, e))
                .collect();
            if let Some(writer) = &mut self.events {
                for row in rows {
                    writer.write_record(row)?;
                }
            }
        }
        Ok(())
    }
}
