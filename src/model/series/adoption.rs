//! `timeseries`: each lab's adopters and share in each segment.

use super::{Sampled, View};
use crate::engine::SimTime;
use crate::model::record::{Ids, Recorder, Role};

crate::declare_row! {
    /// One lab's adopters in one segment at a sample time.
    pub struct AdoptionSample in "timeseries", "one row per sample × segment × lab" {
        /// The sample's day (the values are the world's at the first
        /// market step on or after it).
        pub time: SimTime => "day", Role::Day { date: "sample day as a date" },
            "sample day, in whole days from the start";
        /// Segment index.
        pub segment: u32 => "segment", Role::Id(Ids::Segment), "segment id";
        /// Lab index.
        pub lab: u32 => "lab", Role::Id(Ids::Lab), "lab id";
        /// The lab's adopters in the segment (all its models).
        pub adopters: f64 => "adopters", Role::Number, "the lab's adopters in the segment";
        /// Of those, on its API models.
        pub adopters_api: f64 => "adopters_api", Role::Number, "of those, on its API models";
        /// Of those, on its open-weights models.
        pub adopters_open_weights: f64 => "adopters_open_weights", Role::Number,
            "of those, on its open-weights models";
        /// The lab's adopters over the segment's adopters.
        pub share: Option<f64> => "share", Role::Number,
            "the lab's share of the segment's adopters";
    }
}

impl Sampled for AdoptionSample {
    fn sample(view: &View<'_, '_>, rows: &mut Recorder<'_>) {
        let Some(market) = view.market else {
            return;
        };
        for (segment, labs) in market.snapshot(view.lab_count).into_iter().enumerate() {
            for (lab, adopters) in labs.into_iter().enumerate() {
                rows.push(AdoptionSample {
                    time: view.day,
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
}
