//! Time-series samples, taken every K days when asked for.

use crate::engine::SimTime;

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
