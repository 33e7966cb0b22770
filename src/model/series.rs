//! Time-series samples, taken every K days when asked for, and the
//! recorders that keep them and the event log in batches.

use super::log::EventRecord;
use crate::engine::SimTime;

/// Records kept in memory before a full batch is handed to the spill.
pub const SPILL_BATCH: usize = 2048;

/// Where a recorder sends its full batches, in order. The runner writes them
/// to disk, so a replication's memory does not grow with its event log or
/// time series; the model itself does no I/O, it only hands batches over.
pub trait Spill<T> {
    /// Takes the next full batch.
    fn spill(&mut self, batch: &[T]);
}

/// The spills of one replication, one per recorded table (none: everything
/// stays in memory, as for a test or a single replication).
#[derive(Default)]
pub struct Spills<'a> {
    /// The event log.
    pub events: Option<&'a mut dyn Spill<EventRecord>>,
    /// Adoption samples.
    pub adoption: Option<&'a mut dyn Spill<AdoptionSample>>,
    /// Queue samples.
    pub queue: Option<&'a mut dyn Spill<QueueSample>>,
    /// Pressure samples.
    pub pressure: Option<&'a mut dyn Spill<PressureSample>>,
}

/// Collects records of one kind when enabled (one branch when not); full
/// batches go to the spill, if there is one, and the rest stays in memory.
pub(crate) struct Recorder<'a, T> {
    enabled: bool,
    buffer: Vec<T>,
    spill: Option<&'a mut dyn Spill<T>>,
}

impl<'a, T> Recorder<'a, T> {
    pub(crate) fn new(enabled: bool, spill: Option<&'a mut dyn Spill<T>>) -> Self {
        Recorder {
            enabled,
            buffer: Vec::new(),
            spill,
        }
    }

    pub(crate) fn push(&mut self, record: T) {
        if !self.enabled {
            return;
        }
        self.buffer.push(record);
        if self.buffer.len() >= SPILL_BATCH
            && let Some(spill) = &mut self.spill
        {
            spill.spill(&self.buffer);
            self.buffer.clear();
        }
    }

    /// The records not spilled, in order.
    pub(crate) fn into_records(self) -> Vec<T> {
        self.buffer
    }
}

impl<T> Default for Recorder<'_, T> {
    fn default() -> Self {
        Recorder::new(false, None)
    }
}

/// One lab's adopters in one segment at a sample time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdoptionSample {
    /// When.
    pub time: SimTime,
    /// Segment index.
    pub segment: u32,
    /// Lab index.
    pub lab: u32,
    /// The lab's adopters in the segment (all its models).
    pub adopters: f64,
    /// Of those, on its API models.
    pub adopters_api: f64,
    /// Of those, on its open-weights models.
    pub adopters_open_weights: f64,
    /// The lab's adopters over the segment's adopters.
    pub share: Option<f64>,
}

/// One track's queue at a sample time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSample {
    /// When.
    pub time: SimTime,
    /// Track index.
    pub track: u32,
    /// Models waiting for a team.
    pub queue_length: u64,
    /// Teams at work.
    pub busy_teams: u64,
}

/// One lab's political state at a sample time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PressureSample {
    /// When.
    pub time: SimTime,
    /// Lab index.
    pub lab: u32,
    /// Pressure on the lab, after decay.
    pub pressure: f64,
    /// Escalation in force: 0 none, 1 public pressure, 2 directive.
    pub escalation_level: u64,
    /// Whether the lab takes part in the program.
    pub participating: bool,
}

/// What a replication records besides its outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Recording {
    /// Keep the event log.
    pub events: bool,
    /// Sample adoption and queues every this many days.
    pub timeseries_every_days: Option<u32>,
}

impl Recording {
    /// Outcomes only.
    pub const NONE: Recording = Recording {
        events: false,
        timeseries_every_days: None,
    };

    /// Outcomes and the event log.
    pub const EVENTS: Recording = Recording {
        events: true,
        timeseries_every_days: None,
    };
}
