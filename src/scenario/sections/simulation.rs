//! `[simulation]` and `[capability]`: the run, and how the frontier moves.

use super::super::day::Date;
use super::super::declare::{Allowed, Meta};
use crate::engine::SimTime;

/// Longest horizon accepted, in days (a century).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;

crate::declare! {
    /// `[simulation]`: the run.
    pub struct Simulation {
        /// Short name of the scenario.
        name: String = String::new() => Meta::unit("text").required();
        /// Calendar date of day 0.
        start_date: Date = Date(chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap_or_default())
            => Meta::unit("date")
                .cited("docs/calibration.md#review: the executive order setting up the review was signed on 2026-06-02");
        /// Length of each replication.
        horizon_days: f64 = 0.0 => Meta::unit("days")
            .required()
            .allowed(Allowed {
                min_included: false,
                ..Allowed::between(0.0, MAX_HORIZON_DAYS, format!(
                    "must be a number of days > 0 and <= {MAX_HORIZON_DAYS}"))
            });
        /// Replications per point.
        replications: u64 = 100 => Meta::unit("count")
            .allowed(Allowed::between(1.0, f64::MAX, "must be >= 1"));
        /// Master seed of every random stream.
        seed: u64 = 1 => Meta::unit("integer");
        /// Replication r draws the same random streams at every point.
        common_random_numbers: bool = true => Meta::unit("true/false");
    }
}

impl Simulation {
    /// The horizon as simulated time.
    pub fn horizon(&self) -> SimTime {
        SimTime::from_days(self.horizon_days)
    }
}

/// Days in a month: capability is measured in frontier-months.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

crate::declare! {
    /// `[capability]`: the frontier, in frontier-months (the frontier moves
    /// one unit per month at the default rate).
    pub struct Capability {
        /// Frontier capability on day 0.
        frontier_at_start: f64 = 0.0 => Meta::unit("frontier-months").allowed(Allowed::between(
            -1e9,
            1e9,
            "must be a number of frontier-months between -1e9 and 1e9",
        ));
        /// Frontier-months gained per month: how fast the frontier moves.
        frontier_rate_per_month: f64 = 1.0 => Meta::unit("frontier-months per month")
            .allowed(Allowed::between(
                0.0,
                1e6,
                "must be a rate from 0 to 1e6 frontier-months per month",
            ))
            .cited("docs/calibration.md#capability: the unit's definition; METR's task length doubling about every 7 months is one way to read a frontier-month");
    }
}

impl Capability {
    /// The frontier on a (possibly negative) day.
    pub fn frontier_at_day(&self, day: f64) -> f64 {
        self.frontier_at_start + self.frontier_rate_per_month * day / DAYS_PER_MONTH
    }

    /// The frontier at a simulated time.
    pub fn frontier_at(&self, time: SimTime) -> f64 {
        self.frontier_at_day(time.as_days())
    }
}
