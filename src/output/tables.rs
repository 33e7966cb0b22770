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
use crate::model::TABLES;
use crate::model::record::{Field, Ids, Role, Value};
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
        OutputKind::Recorded(_) => kind
            .table()
            .map(|table| recorded_columns(table.fields()))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The columns of a recorded table's fields, as each field's role writes
/// them: a time as its days and its date, an index as the id it names.
fn recorded_columns(fields: &[Field]) -> Vec<Column> {
    let mut columns = Vec::new();
    for field in fields {
        let (name, about) = (field.name, field.about);
        match field.role {
            Role::Time { date } => {
                columns.push(Column::number(name, about));
                columns.push(Column::date("date", date));
            }
            Role::Day { date } => {
                columns.push(Column::integer(name, about));
                columns.push(Column::date("date", date));
            }
            Role::Id(_) | Role::Text => columns.push(Column::string(name, about)),
            Role::Number => columns.push(Column::number(name, about)),
            Role::Integer => columns.push(Column::integer(name, about)),
            Role::Boolean => columns.push(Column::boolean(name, about)),
        }
    }
    columns
}

/// The recorded tables' columns as Markdown, for `docs/outputs.md`: made
/// from the rows' declarations, like the files themselves.
pub fn recorded_tables_markdown() -> String {
    let mut text = String::new();
    for table in &TABLES {
        let option = if table.is_series() {
            "--timeseries K"
        } else {
            "--events"
        };
        text.push_str(&format!(
            "**`{}.csv`** (with `{option}`): {}.\n\n| column | type | meaning |\n|---|---|---|\n\
             | `point`, `replication` | integer | work unit (after `point`, a sweep's swept values) |\n",
            table.name(),
            table.row()
        ));
        for column in recorded_columns(table.fields()) {
            text.push_str(&format!(
                "| `{}` | {} | {} |\n",
                column.name,
                column.column_type.name(),
                column.description
            ));
        }
        text.push('\n');
    }
    text
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
    /// The recorded tables, by their number in [`TABLES`].
    pub recorded: Vec<Option<Table>>,
}

impl Tables {
    /// Every table `open` gives for the per-replication kinds.
    pub fn open<E>(
        mut open: impl FnMut(OutputKind) -> Result<Option<Table>, E>,
    ) -> Result<Self, E> {
        Ok(Tables {
            labs: open(OutputKind::LabOutcomes)?,
            system: open(OutputKind::SystemOutcomes)?,
            recorded: (0..TABLES.len())
                .map(|index| open(OutputKind::Recorded(index)))
                .collect::<Result<_, E>>()?,
        })
    }

    /// Whether any table is written.
    pub fn any(&self) -> bool {
        self.labs.is_some() || self.system.is_some() || self.recorded.iter().any(Option::is_some)
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut Table> {
        [&mut self.labs, &mut self.system]
            .into_iter()
            .chain(self.recorded.iter_mut())
            .flatten()
    }
}

/// Writes unit results as rows of the per-replication tables.
pub struct UnitTables<'s> {
    scenario: &'s Scenario,
    swept: &'s Swept,
    tables: Tables,
    ids: RowIds<'s>,
    /// Scratch: one row's metric values.
    values: Vec<Option<f64>>,
    /// Scratch: one recorded row's values.
    fields: Vec<Value>,
    /// Scratch: the row being written, reused from row to row.
    row: Vec<Cell<'s>>,
}

/// The ids a recorded row's indices name.
struct RowIds<'s> {
    labs: Vec<&'s str>,
    lines: Vec<&'s str>,
    segments: Vec<&'s str>,
    tracks: Vec<&'s str>,
}

impl<'s> RowIds<'s> {
    fn new(scenario: &'s Scenario) -> Self {
        RowIds {
            labs: scenario.labs.iter().map(|lab| lab.id.as_str()).collect(),
            lines: (scenario.labs.iter())
                .flat_map(|lab| lab.lines.iter().map(|line| line.id.as_str()))
                .collect(),
            segments: (scenario.market.iter())
                .flat_map(|market| market.segments.iter().map(|s| s.id.as_str()))
                .collect(),
            tracks: (scenario.review.tracks.iter())
                .map(|track| track.id.as_str())
                .collect(),
        }
    }

    /// The id an index names (empty for none).
    fn of(&self, ids: Ids, index: Option<u32>) -> &'s str {
        let list = match ids {
            Ids::Lab => &self.labs,
            Ids::Line => &self.lines,
            Ids::Segment => &self.segments,
            Ids::Track => &self.tracks,
        };
        index
            .and_then(|i| list.get(i as usize))
            .copied()
            .unwrap_or_default()
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
        UnitTables {
            scenario,
            swept,
            tables,
            ids: RowIds::new(scenario),
            values: Vec::new(),
            fields: Vec::new(),
            row: Vec::new(),
        }
    }

    /// Finishes every table (footers, flushes).
    pub fn finish(mut self) -> std::io::Result<()> {
        for table in self.tables.all_mut() {
            table.finish().map_err(FormatError::into_io)?;
        }
        Ok(())
    }

    fn outcome_rows(&mut self, unit: &UnitResult) -> std::io::Result<()> {
        let scenario = self.scenario;
        let lab_kinds = metrics::lab_metric_kinds(scenario);
        if let Some(table) = &mut self.tables.labs {
            for (lab, outcome) in scenario.labs.iter().zip(&unit.labs) {
                self.values.clear();
                metrics::lab_values(outcome, &mut self.values);
                let mut cells = vec![Cell::String(&lab.id)];
                cells
                    .extend((self.values.iter().zip(&lab_kinds)).map(|(v, k)| metric_cell(*v, *k)));
                write(&mut self.row, self.swept, table, unit, &cells)?;
            }
        }
        if let Some(table) = &mut self.tables.system {
            self.values.clear();
            metrics::system_values(&unit.system, &mut self.values);
            let kinds = metrics::system_metric_kinds(scenario);
            let cells: Vec<Cell> = (self.values.iter().zip(&kinds))
                .map(|(v, k)| metric_cell(*v, *k))
                .collect();
            write(&mut self.row, self.swept, table, unit, &cells)?;
        }
        Ok(())
    }

    /// Writes the rows in `bytes` of recorded table `index`.
    fn recorded_rows(
        &mut self,
        index: usize,
        unit: &UnitResult,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        let Some(Some(table)) = self.tables.recorded.get_mut(index) else {
            return Ok(());
        };
        let recorded = &TABLES[index];
        let mut dates = Dates::from(self.scenario.start_date);
        let mut cells = Vec::with_capacity(recorded.fields().len() + 1);
        for row in bytes.chunks_exact(recorded.size()) {
            self.fields.clear();
            recorded.values(row, &mut self.fields);
            cells.clear();
            for (field, value) in recorded.fields().iter().zip(&self.fields) {
                match *value {
                    Value::Time(time) => {
                        cells.push(match field.role {
                            Role::Day { .. } => Cell::Integer(time.whole_days() as i64),
                            _ => Cell::Number(time.as_days()),
                        });
                        cells.push(Cell::Date(dates.of(time)));
                    }
                    Value::Id(ids, index) => cells.push(text(self.ids.of(ids, index))),
                    Value::Number(number) => cells.push(Cell::from(number)),
                    Value::Integer(count) => {
                        cells.push(count.map_or(Cell::Null, |c| Cell::Integer(c as i64)))
                    }
                    Value::Boolean(flag) => cells.push(Cell::Boolean(flag)),
                    Value::Text(name) => cells.push(text(name)),
                }
            }
            write(&mut self.row, self.swept, table, unit, &cells)?;
        }
        Ok(())
    }
}

/// Writes a row to `table`: `point`, the swept values, `replication`, then
/// `cells`, through one reused row.
fn write<'s>(
    row: &mut Vec<Cell<'s>>,
    swept: &'s Swept,
    table: &mut Table,
    unit: &UnitResult,
    cells: &[Cell<'s>],
) -> std::io::Result<()> {
    row.clear();
    row.push(Cell::Integer(unit.point as i64));
    row.extend(swept.cells(unit.point));
    row.push(Cell::Integer(unit.replication as i64));
    row.extend_from_slice(cells);
    table.write_row(row).map_err(FormatError::into_io)
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
        for index in 0..TABLES.len() {
            if !matches!(self.tables.recorded.get(index), Some(Some(_))) {
                continue;
            }
            // What was spilled comes before what was kept in memory.
            if let Some(spilled) = unit.spilled.table(index) {
                spilled.for_each_batch(|bytes| self.recorded_rows(index, unit, bytes))?;
            }
            if let Some(rows) = unit.recorded.table(index) {
                self.recorded_rows(index, unit, rows.bytes())?;
            }
        }
        Ok(())
    }
}
