//! The per-replication tables: one row per (unit, lab), per unit, per event
//! or per sample; typed columns in a stable order, units in column names,
//! ISO dates beside day numbers, the swept values after `point`, empty
//! cells (nulls) for undefined means.

use chrono::{Days, NaiveDate};

use super::format::{Cell, Column, FormatError, Schema};
use super::kinds::OutputKind;
use super::table::{Swept, Table, unit_columns};
use crate::engine::SimTime;
use crate::metrics::{self, Kind};
use crate::model::{AdoptionSample, EventRecord, PressureSample, QueueSample};
use crate::runner::{UnitResult, UnitSink};
use crate::scenario::Scenario;

/// Calendar date of a simulated time.
pub fn date_of(start: NaiveDate, time: SimTime) -> NaiveDate {
    start
        .checked_add_days(Days::new(time.whole_days()))
        .unwrap_or(NaiveDate::MAX)
}

/// A metric's column: an integer for counts, a number otherwise.
fn metric_column(name: String, kind: Kind, about: &str) -> Column {
    match kind {
        Kind::Count => Column::integer(name, about),
        Kind::Number => Column::number(name, about),
    }
}

/// The columns of a per-replication table after `point`, the swept values
/// and `replication`.
pub fn columns(kind: OutputKind, scenario: &Scenario) -> Vec<Column> {
    let day = || {
        vec![
            Column::number("day", "sample time, in days from the start"),
            Column::date("date", "sample time as a date"),
        ]
    };
    match kind {
        OutputKind::LabOutcomes => {
            let mut columns = vec![Column::string("lab", "lab id")];
            columns.extend(
                metrics::lab_metric_columns(scenario)
                    .into_iter()
                    .map(|(name, kind, about)| metric_column(name, kind, &about)),
            );
            columns
        }
        OutputKind::SystemOutcomes => metrics::system_metric_columns(scenario)
            .into_iter()
            .map(|(name, kind, about)| metric_column(name, kind, &about))
            .collect(),
        OutputKind::Events => vec![
            Column::number("time_days", "when, in days from the start"),
            Column::date("date", "when, as a date"),
            Column::string("kind", "what happened"),
            Column::string("lab", "lab id"),
            Column::string("line", "line id (events of one model)"),
            Column::integer("model", "the model's number in its line (0: the incumbent)"),
            Column::string("track", "track id (track events)"),
            Column::string(
                "detail",
                "how released, whether mitigation removed the hazard, ...",
            ),
        ],
        OutputKind::Timeseries => [
            day(),
            vec![
                Column::string("segment", "segment id"),
                Column::string("lab", "lab id"),
                Column::number("adopters", "the lab's adopters in the segment"),
                Column::number("adopters_api", "of those, on its API models"),
                Column::number(
                    "adopters_open_weights",
                    "of those, on its open-weights models",
                ),
                Column::number("share", "the lab's share of the segment's adopters"),
            ],
        ]
        .concat(),
        OutputKind::QueueTimeseries => [
            day(),
            vec![
                Column::string("track", "track id"),
                Column::integer("queue_length", "models waiting for a team"),
                Column::integer("busy_teams", "teams at work"),
            ],
        ]
        .concat(),
        OutputKind::PressureTimeseries => [
            day(),
            vec![
                Column::string("lab", "lab id"),
                Column::number("pressure", "pressure on the lab, after decay"),
                Column::integer(
                    "escalation_level",
                    "escalation in force: 0 none, 1 public pressure, 2 directive",
                ),
                Column::boolean("participating", "whether the lab takes part"),
            ],
        ]
        .concat(),
        _ => Vec::new(),
    }
}

/// The full schema of a per-replication table: `point`, the swept values,
/// `replication`, then its own columns.
pub fn schema(kind: OutputKind, scenario: &Scenario, swept: &Swept) -> Schema {
    let (point, replication) = unit_columns();
    let after: Vec<Column> = replication
        .into_iter()
        .chain(columns(kind, scenario))
        .collect();
    swept.schema(point, after)
}

/// The destinations of a run's per-replication tables; each is written
/// only when present.
#[derive(Default)]
pub struct Tables {
    /// `lab_outcomes`.
    pub labs: Option<Table>,
    /// `system_outcomes`.
    pub system: Option<Table>,
    /// `events`.
    pub events: Option<Table>,
    /// `timeseries`.
    pub timeseries: Option<Table>,
    /// `queue_timeseries`.
    pub queue_timeseries: Option<Table>,
    /// `pressure_timeseries`.
    pub pressure_timeseries: Option<Table>,
}

/// Writes unit results as rows of the per-replication tables.
pub struct UnitTables<'s> {
    scenario: &'s Scenario,
    swept: &'s Swept,
    tables: Tables,
    line_ids: Vec<(&'s str, &'s str)>,
    /// Scratch: one row's metric values.
    values: Vec<Option<f64>>,
    /// Scratch: the row being written, reused from row to row.
    row: Vec<Cell<'s>>,
}

fn io(error: FormatError) -> std::io::Error {
    match error {
        FormatError::Io(error) => error,
        other => std::io::Error::other(other),
    }
}

/// A metric value as a cell of its column.
fn metric_cell(value: Option<f64>, kind: Kind) -> Cell<'static> {
    match (value, kind) {
        (None, _) => Cell::Null,
        (Some(v), Kind::Count) => Cell::Integer(v as i64),
        (Some(v), Kind::Number) => Cell::Number(v),
    }
}

impl<'s> UnitTables<'s> {
    /// The tables of a run of `scenario`'s points with `swept` values.
    pub fn new(scenario: &'s Scenario, swept: &'s Swept, tables: Tables) -> Self {
        let line_ids = scenario
            .labs
            .iter()
            .flat_map(|lab| {
                lab.lines
                    .iter()
                    .map(move |line| (lab.id.as_str(), line.id.as_str()))
            })
            .collect();
        UnitTables {
            scenario,
            swept,
            tables,
            line_ids,
            values: Vec::new(),
            row: Vec::new(),
        }
    }

    /// Finishes every table (footers, flushes).
    pub fn finish(mut self) -> std::io::Result<()> {
        for table in self.all_mut().into_iter().flatten() {
            table.finish().map_err(io)?;
        }
        Ok(())
    }

    fn all_mut(&mut self) -> [&mut Option<Table>; 6] {
        let t = &mut self.tables;
        [
            &mut t.labs,
            &mut t.system,
            &mut t.events,
            &mut t.timeseries,
            &mut t.queue_timeseries,
            &mut t.pressure_timeseries,
        ]
    }

    fn outcome_rows(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        let scenario = self.scenario;
        let lab_kinds = metrics::lab_metric_kinds(scenario);
        if self.tables.labs.is_some() {
            for (lab, outcome) in scenario.labs.iter().zip(&unit.labs) {
                self.values.clear();
                metrics::lab_values(outcome, &mut self.values);
                let mut cells = vec![Cell::String(&lab.id)];
                cells
                    .extend((self.values.iter().zip(&lab_kinds)).map(|(v, k)| metric_cell(*v, *k)));
                self.write(|t| &mut t.labs, unit, &cells)?;
            }
        }
        if self.tables.system.is_some() {
            self.values.clear();
            metrics::system_values(&unit.system, &mut self.values);
            let kinds = metrics::system_metric_kinds(scenario);
            let cells: Vec<Cell> = (self.values.iter().zip(&kinds))
                .map(|(v, k)| metric_cell(*v, *k))
                .collect();
            self.write(|t| &mut t.system, unit, &cells)?;
        }
        Ok(())
    }

    fn adoption_rows(
        &mut self,
        unit: &UnitResult,
        samples: &[AdoptionSample],
    ) -> std::io::Result<()> {
        let scenario = self.scenario;
        let mut dates = Dates::from(scenario.start_date);
        let segments = (scenario.market.as_ref())
            .map(|m| m.segments.as_slice())
            .unwrap_or_default();
        for sample in samples {
            let cells = [
                Cell::Number(sample.time.as_days()),
                Cell::Date(dates.of(sample.time)),
                Cell::String(&segments[sample.segment as usize].id),
                Cell::String(&scenario.labs[sample.lab as usize].id),
                Cell::Number(sample.adopters),
                Cell::Number(sample.adopters_api),
                Cell::Number(sample.adopters_open_weights),
                Cell::from(sample.share),
            ];
            self.write(|t| &mut t.timeseries, unit, &cells)?;
        }
        Ok(())
    }

    fn pressure_rows(
        &mut self,
        unit: &UnitResult,
        samples: &[PressureSample],
    ) -> std::io::Result<()> {
        let scenario = self.scenario;
        let mut dates = Dates::from(scenario.start_date);
        for sample in samples {
            let cells = [
                Cell::Number(sample.time.as_days()),
                Cell::Date(dates.of(sample.time)),
                Cell::String(&scenario.labs[sample.lab as usize].id),
                Cell::Number(sample.pressure),
                Cell::Integer(sample.escalation_level as i64),
                Cell::Boolean(sample.participating),
            ];
            self.write(|t| &mut t.pressure_timeseries, unit, &cells)?;
        }
        Ok(())
    }

    fn queue_rows(&mut self, unit: &UnitResult, samples: &[QueueSample]) -> std::io::Result<()> {
        let scenario = self.scenario;
        let mut dates = Dates::from(scenario.start_date);
        for sample in samples {
            let cells = [
                Cell::Number(sample.time.as_days()),
                Cell::Date(dates.of(sample.time)),
                Cell::String(&scenario.review.tracks[sample.track as usize].id),
                Cell::Integer(sample.queue_length as i64),
                Cell::Integer(sample.busy_teams as i64),
            ];
            self.write(|t| &mut t.queue_timeseries, unit, &cells)?;
        }
        Ok(())
    }

    fn event_rows(&mut self, unit: &UnitResult, events: &[EventRecord]) -> std::io::Result<()> {
        let scenario = self.scenario;
        let mut dates = Dates::from(scenario.start_date);
        for event in events {
            let (lab, line, model) = match event.model {
                Some(who) => {
                    let (lab, line) = self.line_ids[who.line as usize];
                    (lab, line, Cell::Integer(i64::from(who.number)))
                }
                None => (
                    event
                        .lab
                        .map_or("", |lab| scenario.labs[lab as usize].id.as_str()),
                    "",
                    Cell::Null,
                ),
            };
            let track = event
                .track
                .map_or("", |t| scenario.review.tracks[t as usize].id.as_str());
            let cells = [
                Cell::Number(event.time.as_days()),
                Cell::Date(dates.of(event.time)),
                Cell::String(event.kind.as_str()),
                text(lab),
                text(line),
                model,
                text(track),
                text(event.kind.detail()),
            ];
            self.write(|t| &mut t.events, unit, &cells)?;
        }
        Ok(())
    }

    /// Writes a row to the table `pick` chooses, if it is written: `point`,
    /// the swept values, `replication`, then `cells`, through one reused
    /// row.
    fn write(
        &mut self,
        pick: fn(&mut Tables) -> &mut Option<Table>,
        unit: &UnitResult,
        cells: &[Cell<'s>],
    ) -> std::io::Result<()> {
        let Some(table) = pick(&mut self.tables) else {
            return Ok(());
        };
        let row = &mut self.row;
        row.clear();
        row.push(Cell::Integer(unit.point as i64));
        row.extend(self.swept.cells(unit.point));
        row.push(Cell::Integer(unit.replication as i64));
        row.extend_from_slice(cells);
        table.write_row(row).map_err(io)
    }
}

/// Calendar dates of simulated times, the last one kept: rows come in runs
/// of the same day.
struct Dates {
    start: NaiveDate,
    last: Option<(u64, NaiveDate)>,
}

impl From<NaiveDate> for Dates {
    fn from(start: NaiveDate) -> Self {
        Dates { start, last: None }
    }
}

impl Dates {
    fn of(&mut self, time: SimTime) -> NaiveDate {
        let day = time.whole_days();
        match self.last {
            Some((last, date)) if last == day => date,
            _ => {
                let date = date_of(self.start, time);
                self.last = Some((day, date));
                date
            }
        }
    }
}

/// Text, or a null for none.
fn text(value: &str) -> Cell<'_> {
    if value.is_empty() {
        Cell::Null
    } else {
        Cell::String(value)
    }
}

impl UnitSink for UnitTables<'_> {
    fn accept(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        if unit.pairing_only {
            return Ok(());
        }
        self.outcome_rows(unit)?;
        let spilled = &unit.spilled;
        if self.tables.timeseries.is_some() {
            if let Some(records) = &spilled.adoption {
                records.for_each_batch(|batch| self.adoption_rows(unit, batch))?;
            }
            self.adoption_rows(unit, &unit.adoption_series)?;
        }
        if self.tables.pressure_timeseries.is_some() {
            if let Some(records) = &spilled.pressure {
                records.for_each_batch(|batch| self.pressure_rows(unit, batch))?;
            }
            self.pressure_rows(unit, &unit.pressure_series)?;
        }
        if self.tables.queue_timeseries.is_some() {
            if let Some(records) = &spilled.queue {
                records.for_each_batch(|batch| self.queue_rows(unit, batch))?;
            }
            self.queue_rows(unit, &unit.queue_series)?;
        }
        if self.tables.events.is_some() {
            if let Some(records) = &spilled.events {
                records.for_each_batch(|batch| self.event_rows(unit, batch))?;
            }
            self.event_rows(unit, &unit.events)?;
        }
        Ok(())
    }
}
