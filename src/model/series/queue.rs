//! `queue_timeseries`: each review track's queue and teams at work.

use super::{Sampled, View};
use crate::engine::SimTime;
use crate::model::record::{Ids, Recorder, Role};

crate::declare_row! {
    /// One track's queue at a sample time.
    pub struct QueueSample in "queue_timeseries", "one row per sample × track" {
        /// The sample's day (the values are the world's at the first
        /// market step on or after it).
        pub time: SimTime => "day", Role::Day { date: "sample day as a date" },
            "sample day, in whole days from the start";
        /// Track index.
        pub track: u32 => "track", Role::Id(Ids::Track), "track id";
        /// Models waiting for a team.
        pub queue_length: u64 => "queue_length", Role::Integer, "models waiting for a team";
        /// Teams at work.
        pub busy_teams: u64 => "busy_teams", Role::Integer, "teams at work";
    }
}

impl Sampled for QueueSample {
    fn sample(view: &View<'_, '_>, rows: &mut Recorder<'_>) {
        let queues = view.program.queue_snapshot();
        for (track, (queue_length, busy_teams)) in queues.into_iter().enumerate() {
            rows.push(QueueSample {
                time: view.day,
                track: track as u32,
                queue_length,
                busy_teams,
            });
        }
    }
}
