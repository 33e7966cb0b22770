//! Time-series samples, taken every K days when asked for.

use super::log::EventRecord;
use super::market::Market;
use super::politics::Politics;
use super::record::{Recorder, Spill};
use super::review::ReviewProgram;
use crate::engine::{SimDuration, SimTime};

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

/// Takes the time-series samples every K days, when asked for.
pub(crate) struct Sampler<'s> {
    every: Option<u32>,
    next: Option<SimTime>,
    adoption: Recorder<'s, AdoptionSample>,
    queue: Recorder<'s, QueueSample>,
    pressure: Recorder<'s, PressureSample>,
}

impl<'s> Sampler<'s> {
    /// Samples every `recording.timeseries_every_days` from day 0, if set;
    /// full batches go to the spills.
    pub(crate) fn new(
        recording: Recording,
        adoption: Option<&'s mut dyn Spill<AdoptionSample>>,
        queue: Option<&'s mut dyn Spill<QueueSample>>,
        pressure: Option<&'s mut dyn Spill<PressureSample>>,
    ) -> Self {
        let on = recording.timeseries_every_days.is_some();
        Sampler {
            every: recording.timeseries_every_days,
            next: recording.timeseries_every_days.map(|_| SimTime::ZERO),
            adoption: Recorder::new(on, adoption),
            queue: Recorder::new(on, queue),
            pressure: Recorder::new(on, pressure),
        }
    }

    /// Whether samples are taken at all.
    pub(crate) fn active(&self) -> bool {
        self.next.is_some()
    }

    /// Samples the world at `now` if a sample is due.
    pub(crate) fn sample(
        &mut self,
        now: SimTime,
        market: Option<&Market<'_>>,
        program: &ReviewProgram,
        politics: &Politics<'_>,
        lab_count: usize,
    ) {
        let Some(due) = self.next.filter(|due| now >= *due) else {
            return;
        };
        for lab in 0..lab_count {
            self.pressure.push(PressureSample {
                time: now,
                lab: lab as u32,
                pressure: politics.pressure_at(lab, now),
                escalation_level: politics.level(lab),
                participating: politics.participates(lab, now),
            });
        }
        if let Some(market) = market {
            for (segment, labs) in market.snapshot(lab_count).into_iter().enumerate() {
                for (lab, adopters) in labs.into_iter().enumerate() {
                    self.adoption.push(AdoptionSample {
                        time: now,
                        segment: segment as u32,
                        lab: lab as u32,
                        adopters: adopters.api + adopters.open_weights,
                        adopters_api: adopters.api,
                        adopters_open_weights: adopters.open_weights,
                        share: adopters.share,
                    });
                }
            }
        }
        for (track, (queue_length, busy_teams)) in program.queue_snapshot().into_iter().enumerate()
        {
            self.queue.push(QueueSample {
                time: now,
                track: track as u32,
                queue_length,
                busy_teams,
            });
        }
        let every = self.every.unwrap_or(1);
        self.next = Some(due + SimDuration::from_days(f64::from(every)));
    }

    /// The samples not spilled: adoption, queue, pressure.
    pub(crate) fn into_samples(
        self,
    ) -> (Vec<AdoptionSample>, Vec<QueueSample>, Vec<PressureSample>) {
        (
            self.adoption.into_records(),
            self.queue.into_records(),
            self.pressure.into_records(),
        )
    }
}
