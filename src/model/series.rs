//! The recorded tables, and the time series taken every K days when asked
//! for.
//!
//! [`TABLES`] lists every recorded table: the event log, then each time
//! series. A time series is one file in `series/` that declares its row with
//! [`crate::declare_row!`] and says how a sample is taken from the world
//! ([`Sampled`]); adding one is that file and one entry in [`TABLES`].

mod adoption;
mod pressure;
mod queue;

pub use adoption::AdoptionSample;
pub use pressure::PressureSample;
pub use queue::QueueSample;

use super::log::EventRecord;
use super::market::Market;
use super::politics::Politics;
use super::record::{Field, Recorder, Recording, Row, Rows, Spills, Value};
use super::review::ReviewProgram;
use crate::engine::{SimDuration, SimTime};

/// Every recorded table, in the order their files are written.
pub static TABLES: [RecordedTable; 4] = [
    RecordedTable::logged::<EventRecord>(),
    RecordedTable::sampled::<AdoptionSample>(),
    RecordedTable::sampled::<QueueSample>(),
    RecordedTable::sampled::<PressureSample>(),
];

/// One recorded table: its row's declaration, seen without its type.
pub struct RecordedTable {
    name: &'static str,
    row: &'static str,
    fields: &'static [Field],
    size: usize,
    values: fn(&[u8], &mut Vec<Value>),
    sample: Option<fn(&View<'_, '_>, &mut Recorder<'_>)>,
}

/// What a time series is sampled from: the world at a sample time.
pub(crate) struct View<'w, 's> {
    /// The day the sample is due: a whole number of days, written as its
    /// time.
    pub day: SimTime,
    /// The time the world is at: the first market step on or after `day`.
    pub now: SimTime,
    /// The market, if the scenario has one.
    pub market: Option<&'w Market<'s>>,
    /// The review program.
    pub program: &'w ReviewProgram,
    /// Participation, pressure and escalation.
    pub politics: &'w Politics<'s>,
    /// Labs in the scenario.
    pub lab_count: usize,
}

/// A time series' row: how one sample of the world is taken.
pub(crate) trait Sampled: Row {
    /// Pushes the rows of one sample of `view`.
    fn sample(view: &View<'_, '_>, rows: &mut Recorder<'_>);
}

fn values_of<T: Row>(bytes: &[u8], out: &mut Vec<Value>) {
    T::decode(bytes).values(out);
}

fn sample_of<T: Sampled>(view: &View<'_, '_>, rows: &mut Recorder<'_>) {
    T::sample(view, rows);
}

impl RecordedTable {
    /// The event log's table: kept when the run keeps events.
    const fn logged<T: Row>() -> RecordedTable {
        RecordedTable {
            name: T::NAME,
            row: T::ROW,
            fields: T::FIELDS,
            size: T::SIZE,
            values: values_of::<T>,
            sample: None,
        }
    }

    /// A time series: sampled every K days when the run keeps time series.
    const fn sampled<T: Sampled>() -> RecordedTable {
        RecordedTable {
            sample: Some(sample_of::<T>),
            ..RecordedTable::logged::<T>()
        }
    }

    /// The table's name, and its file's.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What one row is: "one row per event".
    pub fn row(&self) -> &'static str {
        self.row
    }

    /// Its fields, in column order.
    pub fn fields(&self) -> &'static [Field] {
        self.fields
    }

    /// Bytes per row.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether it is a time series (else the event log).
    pub fn is_series(&self) -> bool {
        self.sample.is_some()
    }

    /// Appends the values of the row in `bytes` (`size()` of them).
    pub fn values(&self, bytes: &[u8], out: &mut Vec<Value>) {
        (self.values)(bytes, out);
    }

    /// The number of the table whose rows are `T`.
    pub fn index_of<T: Row>() -> usize {
        (TABLES.iter())
            .position(|table| table.name == T::NAME)
            .unwrap_or(usize::MAX)
    }
}

impl Recording {
    /// Whether it keeps `table`.
    pub fn keeps(&self, table: &RecordedTable) -> bool {
        if table.is_series() {
            self.timeseries_every_days.is_some()
        } else {
            self.events
        }
    }
}

/// The rows a replication kept in memory, one entry per table of
/// [`TABLES`] (what was not spilled).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorded(pub(crate) Vec<Rows>);

impl Recorded {
    /// The rows of table `index` of [`TABLES`], in their layout.
    pub fn table(&self, index: usize) -> Option<&Rows> {
        self.0.get(index)
    }

    /// The rows of the table of `T`, decoded.
    pub fn rows<T: Row>(&self) -> Vec<T> {
        self.table(RecordedTable::index_of::<T>())
            .map(Rows::decode)
            .unwrap_or_default()
    }
}

/// Takes the time-series samples every K days, when asked for.
pub(crate) struct Sampler<'s> {
    every: Option<u32>,
    next: Option<SimTime>,
    /// A recorder per table of [`TABLES`] (the event log's stays off: the
    /// log keeps it).
    tables: Vec<Recorder<'s>>,
}

impl<'s> Sampler<'s> {
    /// Samples every `recording.timeseries_every_days` from day 0, if set;
    /// full batches go to the spills.
    pub(crate) fn new(recording: Recording, spills: &mut Spills<'s>) -> Self {
        let on = recording.timeseries_every_days.is_some();
        let tables = (TABLES.iter().enumerate())
            .map(|(index, table)| {
                let spill = if table.is_series() {
                    spills.take(index)
                } else {
                    None
                };
                Recorder::new(on && table.is_series(), table.size, spill)
            })
            .collect();
        Sampler {
            every: recording.timeseries_every_days,
            next: recording.timeseries_every_days.map(|_| SimTime::ZERO),
            tables,
        }
    }

    /// Whether samples are taken at all.
    pub(crate) fn active(&self) -> bool {
        self.next.is_some()
    }

    /// The day of the sample due at `now`, if one is.
    pub(crate) fn due(&self, now: SimTime) -> Option<SimTime> {
        self.next.filter(|due| now >= *due)
    }

    /// Takes the sample of `view.day`.
    pub(crate) fn sample(&mut self, view: &View<'_, '_>) {
        let due = view.day;
        for (table, rows) in TABLES.iter().zip(&mut self.tables) {
            if let Some(sample) = table.sample {
                sample(view, rows);
            }
        }
        let every = self.every.unwrap_or(1);
        self.next = Some(due + SimDuration::from_days(f64::from(every)));
    }

    /// The samples not spilled, with `log` (the event log's rows) in its
    /// place.
    pub(crate) fn into_recorded(self, log: Rows) -> Recorded {
        let mut log = Some(log);
        Recorded(
            (TABLES.iter().zip(self.tables))
                .map(|(table, rows)| match table.is_series() {
                    true => rows.into_rows(),
                    false => log.take().unwrap_or_default(),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log::{EventKind, ModelRef, ReleaseHow};

    fn round_trip<T: Row + PartialEq + std::fmt::Debug>(rows: &[T]) {
        let mut bytes = Vec::new();
        for row in rows {
            row.encode(&mut bytes);
        }
        assert_eq!(bytes.len(), rows.len() * T::SIZE);
        let back: Vec<T> = bytes.chunks_exact(T::SIZE).map(T::decode).collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn every_row_round_trips_through_its_layout() {
        let who = ModelRef {
            lab: 2,
            line: 5,
            number: 17,
        };
        round_trip(&[
            EventRecord {
                time: SimTime::from_days(12.5),
                kind: EventKind::Released(ReleaseHow::WindowExpired),
                model: Some(who),
                lab: Some(2),
                track: None,
            },
            EventRecord {
                time: SimTime::ZERO,
                kind: EventKind::PublicPressure { started: false },
                model: None,
                lab: Some(0),
                track: Some(1),
            },
        ]);
        round_trip(&[AdoptionSample {
            time: SimTime::from_days(7.0),
            segment: 1,
            lab: 3,
            adopters: 12.25,
            adopters_api: 10.0,
            adopters_open_weights: 2.25,
            share: None,
        }]);
        round_trip(&[QueueSample {
            time: SimTime::from_days(3.0),
            track: 2,
            queue_length: 4,
            busy_teams: 1,
        }]);
        round_trip(&[PressureSample {
            time: SimTime::from_days(1.0),
            lab: 0,
            pressure: 2.5,
            escalation_level: 2,
            participating: true,
        }]);
    }

    #[test]
    fn every_table_has_a_distinct_name_and_one_value_per_field() {
        let mut names: Vec<&str> = TABLES.iter().map(RecordedTable::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLES.len());
        for table in &TABLES {
            let mut values = Vec::new();
            table.values(&vec![0u8; table.size()], &mut values);
            assert_eq!(values.len(), table.fields().len(), "{}", table.name());
        }
        assert_eq!(
            TABLES[RecordedTable::index_of::<EventRecord>()].name(),
            "events"
        );
        assert!(!TABLES[RecordedTable::index_of::<EventRecord>()].is_series());
    }
}
