//! Fixed-point moments: exact, order-independent sums.
//!
//! A value v is stored as the integer q = round(v · 2^20), so the resolution
//! is 2^-20 ≈ 9.5e-7, and values must satisfy |v| < 2^63 ≈ 9.2e18: every
//! metric is far inside (validation bounds exposure-days, adopter-days,
//! derivatives and incidents well below it). q is an `i128` (|q| < 2^83), and
//! its square is kept as round(q² / 2^20), the square at the same resolution,
//! summed in 256 bits. Sums of q are `i128`: they cannot overflow before 2^44
//! values of the largest size; an overflow is reported, never wrapped.

use ethnum::U256;
use serde::{Deserialize, Serialize};

/// Bits after the binary point.
pub const FRACTION_BITS: u32 = 20;
/// Values must be smaller than this in absolute value.
pub const MAX_ABS_VALUE: f64 = 9_223_372_036_854_775_808.0; // 2^63
/// 2^20: one unit of the fixed-point representation is 1 / SCALE.
pub const SCALE: f64 = 1_048_576.0;

/// A value, or a sum, outside what the fixed-point accumulators hold.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum OutOfRange {
    /// The value is not finite or too large.
    #[error("{0} is outside the range of summary statistics (finite, |value| < 2^63)")]
    Value(f64),
    /// A sum overflowed (more than 2^44 values of the largest size).
    #[error("a sum of summary statistics overflowed")]
    Sum,
}

/// `v` in fixed point.
pub fn quantize(value: f64) -> Result<i128, OutOfRange> {
    if !(value.is_finite() && value.abs() < MAX_ABS_VALUE) {
        return Err(OutOfRange::Value(value));
    }
    // Scaling by a power of two is exact; rounding is to nearest, ties away
    // from zero, the same on every platform.
    let scaled = value * SCALE;
    Ok(match crate::engine::nearest_integer(scaled) {
        Some(fixed) => i128::from(fixed),
        None => scaled.round() as i128,
    })
}

/// A fixed-point number as `f64`.
pub fn to_f64(fixed: i128) -> f64 {
    fixed as f64 / SCALE
}

/// Count, sum and sum of squares, in fixed point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Values added.
    pub n: u64,
    /// Sum of q.
    #[serde(with = "as_text")]
    pub sum: i128,
    /// Sum of round(q² / 2^20).
    #[serde(with = "wide_as_text")]
    pub sum_squares: U256,
}

impl Moments {
    /// Adds one fixed-point value.
    pub fn add_fixed(&mut self, q: i128) -> Result<(), OutOfRange> {
        // |q| < 2^83, so q² < 2^166 fits in 256 bits; round half up to the
        // resolution.
        let half = 1u32 << (FRACTION_BITS - 1);
        let magnitude = q.unsigned_abs();
        let square = if magnitude < 1 << 63 {
            // q² < 2^126: the same square in 128 bits, much cheaper.
            U256::from((magnitude * magnitude + u128::from(half)) >> FRACTION_BITS)
        } else {
            let magnitude = U256::from(magnitude);
            (magnitude * magnitude + U256::from(half)) >> FRACTION_BITS
        };
        self.n += 1;
        self.sum = self.sum.checked_add(q).ok_or(OutOfRange::Sum)?;
        self.sum_squares = self
            .sum_squares
            .checked_add(square)
            .ok_or(OutOfRange::Sum)?;
        Ok(())
    }

    /// Adds another's values.
    pub fn merge(&mut self, other: &Moments) -> Result<(), OutOfRange> {
        self.n += other.n;
        self.sum = self.sum.checked_add(other.sum).ok_or(OutOfRange::Sum)?;
        self.sum_squares = self
            .sum_squares
            .checked_add(other.sum_squares)
            .ok_or(OutOfRange::Sum)?;
        Ok(())
    }

    /// The mean, if any value was added.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / SCALE / self.n as f64)
    }

    /// The sample standard deviation, if at least two values were added.
    pub fn sd(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let sum = self.sum as f64 / SCALE;
        let sum_squares = self.sum_squares.as_f64() / SCALE;
        let variance = ((sum_squares - sum * (sum / n)) / (n - 1.0)).max(0.0);
        Some(variance.sqrt())
    }
}

/// `i128` as a decimal string in JSON (JSON readers often stop at 2^53).
mod as_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &i128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i128, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// A 256-bit sum as a decimal string in JSON.
mod wide_as_text {
    use ethnum::U256;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
        let text = String::deserialize(deserializer)?;
        U256::from_str_radix(&text, 10).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squares_are_the_same_on_both_sides_of_the_128_bit_shortcut() {
        for q in [
            (1i128 << 63) - 1,
            1 << 63,
            -(1i128 << 63) + 1,
            -(1 << 63),
            (1 << 82) + 12345,
            3,
        ] {
            let mut moments = Moments::default();
            moments.add_fixed(q).unwrap();
            let magnitude = U256::from(q.unsigned_abs());
            let wide = (magnitude * magnitude + U256::from(1u32 << 19)) >> 20;
            assert_eq!(moments.sum_squares, wide, "{q}");
        }
    }

    #[test]
    fn integers_and_binary_fractions_are_exact() {
        for value in [0.0, 1.0, -7.0, 0.5, 0.25, 36_500.0, -0.125] {
            assert_eq!(to_f64(quantize(value).unwrap()), value);
        }
    }

    #[test]
    fn other_values_are_within_the_resolution() {
        for value in [0.1, 1.0 / 3.0, 29.99999, 1234.5678] {
            let back = to_f64(quantize(value).unwrap());
            assert!((back - value).abs() <= 0.5 / SCALE, "{value} -> {back}");
        }
    }

    #[test]
    fn values_out_of_range_are_refused() {
        for value in [f64::NAN, f64::INFINITY, 9.3e18, -9.3e18] {
            assert!(quantize(value).is_err(), "{value}");
        }
    }

    #[test]
    fn values_up_to_the_limit_have_exact_moments() {
        // Exposure-days of a long run: far beyond the old 2^43 limit.
        let values = [1.87e13, 9.0e18, -4.5e18, 3.0];
        let mut moments = Moments::default();
        for v in values {
            moments.add_fixed(quantize(v).unwrap()).unwrap();
        }
        let mean = values.iter().sum::<f64>() / 4.0;
        assert!((moments.mean().unwrap() / mean - 1.0).abs() < 1e-12);
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
        assert!((moments.sd().unwrap() / variance.sqrt() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn mean_and_sd_match_the_textbook_formulas() {
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut moments = Moments::default();
        for v in values {
            moments.add_fixed(quantize(v).unwrap()).unwrap();
        }
        assert_eq!(moments.mean(), Some(5.0));
        let sd = moments.sd().unwrap();
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12, "{sd}");
    }

    #[test]
    fn the_state_round_trips_through_json() {
        let mut moments = Moments::default();
        for v in [1e9, 2e9 - 1.0, 0.3] {
            moments.add_fixed(quantize(v).unwrap()).unwrap();
        }
        let text = serde_json::to_string(&moments).unwrap();
        assert_eq!(serde_json::from_str::<Moments>(&text).unwrap(), moments);
    }
}
