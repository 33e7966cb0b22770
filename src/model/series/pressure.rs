//! `pressure_timeseries`: each lab's pressure, escalation and participation.

use super::{Sampled, View};
use crate::engine::SimTime;
use crate::model::record::{Ids, Recorder, Role};

crate::declare_row! {
    /// One lab's political state at a sample time.
    pub struct PressureSample in "pressure_timeseries", "one row per sample × lab" {
        /// The sample's day (the values are the world's at the first
        /// market step on or after it).
        pub time: SimTime => "day", Role::Day { date: "sample day as a date" },
            "sample day, in whole days from the start";
        /// Lab index.
        pub lab: u32 => "lab", Role::Id(Ids::Lab), "lab id";
        /// Pressure on the lab, after decay.
        pub pressure: f64 => "pressure", Role::Number, "pressure on the lab, after decay";
        /// Escalation in force: 0 none, 1 public pressure, 2 directive.
        pub escalation_level: u64 => "escalation_level", Role::Integer,
            "escalation in force: 0 none, 1 public pressure, 2 directive";
        /// Whether the lab takes part in the program.
        pub participating: bool => "participating", Role::Boolean, "whether the lab takes part";
    }
}

impl Sampled for PressureSample {
    fn sample(view: &View<'_, '_>, rows: &mut Recorder<'_>) {
        for lab in 0..view.lab_count {
            rows.push(PressureSample {
                time: view.day,
                lab: lab as u32,
                pressure: view.politics.pressure_at(lab, view.now),
                escalation_level: view.politics.level(lab),
                participating: view.politics.participates(lab, view.now),
            });
        }
    }
}
