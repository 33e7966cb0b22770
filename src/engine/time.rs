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

/// `x` rounded to the nearest integer, ties away from zero (as
/// [`f64::round`]), when |x| < 2^62; `None` otherwise (and for NaN).
///
/// The same result as `x.round() as i64`, from integer conversions only:
/// without SSE4.1 `f64::round` is a library call, and it is on the path of
/// every sampled duration and every summarised value. `x - trunc(x)` is
/// exact (Sterbenz), so comparing it with ½ decides ties exactly.
pub fn nearest_integer(x: f64) -> Option<i64> {
    const LIMIT: f64 = 4_611_686_018_427_387_904.0; // 2^62
    if x.is_nan() || x.abs() >= LIMIT {
        return None;
    }
    let whole = x as i64; // towards zero
    let fraction = x - whole as f64;
    // Without branches: fractions are as often above ½ as below.
    Some(whole + i64::from(fraction >= 0.5) - i64::from(fraction <= -0.5))
}

/// Converts days to ticks, rounding to the nearest tick and saturating: NaN
/// and negative values give zero, values beyond the range give `u64::MAX`.
fn days_to_ticks(days: f64) -> u64 {
    let scaled = days * TICKS_PER_DAY as f64;
    if let Some(ticks) = nearest_integer(scaled) {
        return ticks.max(0) as u64;
    }
    let ticks = scaled.round();
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
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn nearest_integer_is_round(bits in any::<u64>(), small in -1e7f64..1e7) {
            for x in [f64::from_bits(bits), small, small.trunc() + 0.5, small.trunc() - 0.5] {
                let expected = (x.abs() < 4_611_686_018_427_387_904.0).then(|| x.round() as i64);
                prop_assert_eq!(nearest_integer(x), expected, "{}", x);
            }
        }
    }

    #[test]
    fn nearest_integer_decides_ties_and_near_ties_like_round() {
        for x in [
            0.5,
            -0.5,
            1.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4503599627370497.0,
            2f64.powi(62) - 1024.0,
            -0.0,
            5e-324,
        ] {
            assert_eq!(nearest_integer(x), Some(x.round() as i64), "{x}");
        }
        assert_eq!(nearest_integer(2f64.powi(62)), None);
        assert_eq!(nearest_integer(f64::NAN), None);
        assert_eq!(nearest_integer(f64::NEG_INFINITY), None);
    }

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
