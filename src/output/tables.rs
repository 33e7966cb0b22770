//! The CSV tables: stable column order, units in column names, ISO dates
//! beside day numbers, empty cells for undefined means.

use std::io::Write;

use chrono::{Days, NaiveDate};

use crate::engine::SimTime;
use crate::model::{EventRecord, LabOutcome, TrackOutcome};
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;

/// Columns of `lab_outcomes.csv` after `point`, `replication`, `lab`; then
/// come [`SEGMENT_METRICS`] for each market segment.
const LAB_METRICS: [&str; 28] = [
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
    "releases_at_frontier",
    "capability_lead_days",
    "hazardous_releases",
    "hazardous_unreviewed_releases",
    "hazards_detected",
    "mitigations",
    "blocked_releases",
    "incidents",
    "derivatives",
    "safeguards_stripped",
    "suspensions",
    "patches",
    "signed_day",
    "escalation_level_max",
    "directive_day",
    "suspended_days",
    "pressure_max",
    "share_all",
];

/// Per-segment columns of `lab_outcomes.csv`, each suffixed `_<segment id>`.
const SEGMENT_METRICS: [&str; 4] = ["adopters", "share", "share_peak", "adopter_days"];

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

/// Header of `lab_outcomes.csv` for a scenario's market segments.
pub fn lab_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = ["point", "replication", "lab"]
        .into_iter()
        .chain(LAB_METRICS)
        .map(String::from)
        .collect();
    for segment in scenario.market.iter().flat_map(|market| &market.segments) {
        columns.extend(
            SEGMENT_METRICS
                .iter()
                .map(|metric| format!("{metric}_{}", segment.id)),
        );
    }
    columns
}

/// Header of `system_outcomes.csv` for a scenario's tracks.
pub fn system_columns(scenario: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = [
        "point",
        "replication",
        "reviews_submitted",
        "reviews_completed",
        "review_completion_days_mean",
        "incidents_open_weights",
        "incidents_api",
        "hazardous_exposure_days",
        "first_directive_day",
        "labs_participating_at_horizon",
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

fn lab_row(lab: &LabOutcome) -> Vec<String> {
    let mut row = vec![
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
        lab.releases_at_frontier.to_string(),
        lab.capability_lead_days.to_string(),
        lab.hazardous_releases.to_string(),
        lab.hazardous_unreviewed_releases.to_string(),
        lab.hazards_detected.to_string(),
        lab.mitigations.to_string(),
        lab.blocked_releases.to_string(),
        lab.incidents.to_string(),
        lab.derivatives.to_string(),
        lab.safeguards_stripped.to_string(),
        lab.suspensions.to_string(),
        lab.patches.to_string(),
        optional(lab.signed_day),
        lab.escalation_level_max.to_string(),
        optional(lab.directive_day),
        lab.suspended_days.to_string(),
        lab.pressure_max.to_string(),
        optional(lab.share_all),
    ];
    for segment in &lab.segments {
        row.push(segment.adopters.to_string());
        row.push(optional(segment.share));
        row.push(optional(segment.share_peak));
        row.push(segment.adopter_days.to_string());
    }
    row
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
    line_ids: Vec<(&'s str, &'s str)>,
}

impl<'s, W: Write> CsvSink<'s, W> {
    /// Writes the headers and returns the sink.
    pub fn new(scenario: &'s Scenario, tables: Tables<W>) -> csv::Result<Self> {
        let mut labs = csv::Writer::from_writer(tables.labs);
        labs.write_record(lab_columns(scenario))?;
        let mut system = csv::Writer::from_writer(tables.system);
        system.write_record(system_columns(scenario))?;
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
            line_ids,
        })
    }

    /// Flushes every table.
    pub fn finish(self) -> std::io::Result<()> {
        let flush =
            |writer: csv::Writer<W>| writer.into_inner().map(drop).map_err(|e| e.into_error());
        for writer in [self.events, self.timeseries, self.queue_timeseries]
            .into_iter()
            .flatten()
        {
            flush(writer)?;
        }
        flush(self.labs)?;
        flush(self.system)
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
        let point = unit.point.to_string();
        let replication = unit.replication.to_string();
        for (lab, outcome) in self.scenario.labs.iter().zip(&unit.labs) {
            self.labs.write_field(&point)?;
            self.labs.write_field(&replication)?;
            self.labs.write_field(&lab.id)?;
            self.labs.write_record(lab_row(outcome))?;
        }
        let system = &unit.system;
        self.system.write_field(&point)?;
        self.system.write_field(&replication)?;
        self.system
            .write_field(system.reviews_submitted.to_string())?;
        self.system
            .write_field(system.reviews_completed.to_string())?;
        self.system
            .write_field(optional(system.review_completion_days_mean))?;
        self.system
            .write_field(system.incidents_open_weights.to_string())?;
        self.system.write_field(system.incidents_api.to_string())?;
        self.system
            .write_field(system.hazardous_exposure_days.to_string())?;
        self.system
            .write_field(optional(system.first_directive_day))?;
        self.system
            .write_field(system.labs_participating_at_horizon.to_string())?;
        for track in &system.tracks {
            for cell in track_row(track) {
                self.system.write_field(cell)?;
            }
        }
        self.system.write_record(None::<&[u8]>)?;
        let start = self.scenario.start_date;
        if let Some(writer) = &mut self.timeseries {
            let segments = &self
                .scenario
                .market
                .as_ref()
                .map(|m| m.segments.as_slice())
                .unwrap_or_default();
            for sample in &unit.adoption_series {
                writer.write_record([
                    point.as_str(),
                    replication.as_str(),
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
        }
        if let Some(writer) = &mut self.queue_timeseries {
            for sample in &unit.queue_series {
                writer.write_record([
                    point.as_str(),
                    replication.as_str(),
                    &sample.time.as_days().to_string(),
                    &date_of(start, sample.time).to_string(),
                    &self.scenario.review.tracks[sample.track as usize].id,
                    &sample.queue_length.to_string(),
                    &sample.busy_teams.to_string(),
                ])?;
            }
        }
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
