//! Exact simulation time: integer ticks of one second.
//!
//! One tick is one second, so a day is 86,400 ticks and a `u64` spans far more
//! than any horizon. Sampled durations in (fractional) days are rounded to the
//! nearest tick once, when they enter the simulation; from then on all
//! arithmetic and ordering is on integers, so the order of events never
//! depends on floating-point rounding.

use std::fmt;
use std::ops::{Add, Sub};

/// Ticks in one simulated day (one tick is one second).
pub const TICKS_PER_DAY: u64 = 86_400;

/// A point in simulated time, in ticks since the scenario's start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

/// A non-negative span of simulated time, in ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

/// Converts days to ticks, rounding to the nearest tick and saturating: NaN
/// and negative values give zero, values beyond the range give `u64::MAX`.
fn days_to_ticks(days: f64) -> u64 {
    let ticks = (days * TICKS_PER_DAY as f64).round();
    if ticks.is_nan() || ticks <= 0.0 {
        0
    } else if ticks >= u64::MAX as f64 {
        u64::MAX
    } else {
        ticks as u64
    }
}

impl SimTime {
    /// The scenario's start.
    pub const ZERO: SimTime = SimTime(0);
    /// A time after every other; used for "never".
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// A time from a raw tick count.
    pub const fn from_ticks(ticks: u64) -> Self {
        SimTime(ticks)
    }

    /// A time from days since the start, rounded to the nearest tick.
    pub fn from_days(days: f64) -> Self {
        SimTime(days_to_ticks(days))
    }

    /// Raw tick count.
    pub const fn ticks(self) -> u64 {
        self.0
    }

    /// Days since the start.
    pub fn as_days(self) -> f64 {
        self.0 as f64 / TICKS_PER_DAY as f64
    }

    /// Whole days since the start (the calendar day this time falls on).
    pub const fn whole_days(self) -> u64 {
        self.0 / TICKS_PER_DAY
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration from a raw tick count.
    pub const fn from_ticks(ticks: u64) -> Self {
        SimDuration(ticks)
    }

    /// A duration from days, rounded to the nearest tick (negative gives zero).
    pub fn from_days(days: f64) -> Self {
        SimDuration(days_to_ticks(days))
    }

    /// Raw tick count.
    pub const fn ticks(self) -> u64 {
        self.0
    }

    /// Length in days.
    pub fn as_days(self) -> f64 {
        self.0 as f64 / TICKS_PER_DAY as f64
    }

    /// True for a zero-length span.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::NEVER`] rather than wrapping.
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    /// Saturates at zero.
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.since(rhs)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "day {}", self.as_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_86400_ticks_and_round_trips() {
        assert_eq!(SimTime::from_days(1.0).ticks(), 86_400);
        assert_eq!(SimTime::from_days(2.5).as_days(), 2.5);
        assert_eq!(SimDuration::from_days(30.0).as_days(), 30.0);
    }

    #[test]
    fn fractional_days_round_to_the_nearest_second() {
        assert_eq!(SimDuration::from_days(1.4 / 86_400.0).ticks(), 1);
        assert_eq!(SimDuration::from_days(1.6 / 86_400.0).ticks(), 2);
    }

    #[test]
    fn negative_and_nan_days_become_zero_and_huge_values_saturate() {
        assert_eq!(SimDuration::from_days(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_days(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimTime::from_days(1e300), SimTime::NEVER);
        assert_eq!(SimTime::NEVER + SimDuration::from_days(1.0), SimTime::NEVER);
    }

    #[test]
    fn subtraction_saturates_at_zero() {
        let early = SimTime::from_days(1.0);
        let late = SimTime::from_days(3.0);
        assert_eq!((late - early).as_days(), 2.0);
        assert_eq!(early - late, SimDuration::ZERO);
    }
}
