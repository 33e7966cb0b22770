//! Quantiles from integer counts, exact while a metric takes few distinct
//! values, within 0.8% beyond.
//!
//! The state is a function of the multiset of values only, never of their
//! order: while the values (in fixed point) have at most
//! [`EXACT_DISTINCT_LIMIT`] distinct values, it is the exact count of each;
//! past that, the count of each log-linear bucket. A bucket is named by the
//! position of the value's leading bit and the next 6 bits, so buckets are
//! 1/64 to 1/128 of their values wide (relative error at most 1/128 for the
//! bucket's midpoint) and there are at most 64 per power of two: memory is
//! bounded whatever the number of values. Bucket ids are computed on
//! integers, the same on every machine.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fixed::SCALE;

/// Distinct values kept exactly before switching to buckets.
pub const EXACT_DISTINCT_LIMIT: usize = 1024;

/// Mantissa bits kept in a bucket id.
const MANTISSA_BITS: u32 = 6;

/// Counts of values (fixed point) or of buckets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantiles {
    /// Fixed-point value → count.
    Exact(#[serde(with = "pairs")] BTreeMap<i128, u64>),
    /// Bucket id → count.
    Buckets(#[serde(with = "pairs")] BTreeMap<i128, u64>),
}

impl Default for Quantiles {
    fn default() -> Self {
        Quantiles::Exact(BTreeMap::new())
    }
}

/// The bucket of a fixed-point value; ordered like the values.
fn bucket_of(fixed: i128) -> i128 {
    let magnitude = fixed.unsigned_abs();
    let id = if magnitude < (1 << MANTISSA_BITS) {
        magnitude as i128
    } else {
        let top = 127 - magnitude.leading_zeros(); // >= MANTISSA_BITS
        let shift = top - MANTISSA_BITS;
        let mantissa = (magnitude >> shift) & ((1 << MANTISSA_BITS) - 1);
        (i128::from(shift + 1) << MANTISSA_BITS) + mantissa as i128
    };
    if fixed < 0 { -id } else { id }
}

/// The midpoint of a bucket, as a fixed-point value (may be fractional).
fn bucket_midpoint(id: i128) -> f64 {
    let magnitude = id.unsigned_abs();
    let value = if magnitude < (1 << MANTISSA_BITS) {
        magnitude as f64
    } else {
        let shift = (magnitude >> MANTISSA_BITS) as u32 - 1;
        let mantissa = magnitude & ((1 << MANTISSA_BITS) - 1);
        let low = ((1u128 << MANTISSA_BITS) + mantissa) as f64 * 2f64.powi(shift as i32);
        let width = 2f64.powi(shift as i32);
        low + width / 2.0
    };
    if id < 0 { -value } else { value }
}

impl Quantiles {
    /// Adds `count` copies of a fixed-point value.
    pub fn add(&mut self, fixed: i128, count: u64) {
        match self {
            Quantiles::Exact(counts) => {
                *counts.entry(fixed).or_default() += count;
                if counts.len() > EXACT_DISTINCT_LIMIT {
                    self.switch_to_buckets();
                }
            }
            Quantiles::Buckets(counts) => *counts.entry(bucket_of(fixed)).or_default() += count,
        }
    }

    fn switch_to_buckets(&mut self) {
        if let Quantiles::Exact(counts) = self {
            let mut buckets = BTreeMap::new();
            for (&value, &count) in counts.iter() {
                *buckets.entry(bucket_of(value)).or_default() += count;
            }
            *self = Quantiles::Buckets(buckets);
        }
    }

    /// Adds another's counts.
    pub fn merge(&mut self, other: &Quantiles) {
        match other {
            Quantiles::Exact(counts) => {
                for (&value, &count) in counts {
                    self.add(value, count);
                }
            }
            Quantiles::Buckets(counts) => {
                self.switch_to_buckets();
                if let Quantiles::Buckets(mine) = self {
                    for (&id, &count) in counts {
                        *mine.entry(id).or_default() += count;
                    }
                }
            }
        }
    }

    /// Whether the quantiles are exact.
    pub fn is_exact(&self) -> bool {
        matches!(self, Quantiles::Exact(_))
    }

    /// The `p` quantile by linear interpolation between order statistics
    /// (the default of numpy, pandas and R's type 7); in bucket mode the
    /// order statistics are their buckets' midpoints.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        type ValueOf = fn(i128) -> f64;
        let (counts, value_of): (&BTreeMap<i128, u64>, ValueOf) = match self {
            Quantiles::Exact(counts) => (counts, |fixed| fixed as f64),
            Quantiles::Buckets(counts) => (counts, bucket_midpoint),
        };
        let n: u64 = counts.values().sum();
        if n == 0 {
            return None;
        }
        let position = (n - 1) as f64 * p;
        let below = position.floor() as u64;
        let above = position.ceil() as u64;
        let order_stat = |rank: u64| {
            let mut seen = 0;
            for (&key, &count) in counts {
                seen += count;
                if rank < seen {
                    return value_of(key);
                }
            }
            value_of(*counts.keys().next_back().expect("not empty"))
        };
        let low = order_stat(below);
        let high = order_stat(above);
        let fixed = low + (position - below as f64) * (high - low);
        Some(fixed / SCALE)
    }
}

/// A map as a list of ["key", count] pairs: JSON keys must be strings, and
/// JSON readers often stop at 2^53, so keys are written as decimal text.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(map: &BTreeMap<i128, u64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter().map(|(key, count)| (key.to_string(), count)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<i128, u64>, D::Error> {
        Vec::<(String, u64)>::deserialize(d)?
            .into_iter()
            .map(|(key, count)| Ok((key.parse().map_err(D::Error::custom)?, count)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixed::quantize;
    use super::*;

    fn of(values: &[f64]) -> Quantiles {
        let mut q = Quantiles::default();
        for &v in values {
            q.add(quantize(v).unwrap(), 1);
        }
        q
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let q = of(&[1.0, 2.0, 3.0, 4.0, 10.0]);
        assert_eq!(q.quantile(0.5), Some(3.0));
        // numpy.quantile([1, 2, 3, 4, 10], 0.95) = 8.8
        assert!((q.quantile(0.95).unwrap() - 8.8).abs() < 1e-9);
        assert!((q.quantile(0.05).unwrap() - 1.2).abs() < 1e-9);
        assert_eq!(Quantiles::default().quantile(0.5), None);
    }

    #[test]
    fn buckets_are_ordered_like_values() {
        let mut previous = i128::MIN;
        for fixed in (-5000..5000)
            .map(|i: i128| i.pow(3) * 97)
            .chain([i128::from(i64::MAX) * 1000, 1i128 << 100])
        {
            let bucket = bucket_of(fixed);
            assert!(bucket >= previous, "{fixed}");
            previous = bucket;
        }
    }

    #[test]
    fn a_bucket_midpoint_is_within_its_relative_accuracy() {
        for value in [0.001, 0.37, 1.0, 29.5, 730.0, 123_456.7, -42.0] {
            let fixed = quantize(value).unwrap();
            let midpoint = bucket_midpoint(bucket_of(fixed));
            let error = (midpoint - fixed as f64).abs() / (fixed as f64).abs();
            assert!(error <= 1.0 / 128.0, "{value}: {error}");
        }
    }

    #[test]
    fn many_distinct_values_switch_to_buckets_whatever_the_order() {
        let values: Vec<f64> = (0..3000).map(|i| (i as f64 * 0.731).sin() * 50.0).collect();
        let forward = of(&values);
        let mut reversed_values = values.clone();
        reversed_values.reverse();
        let reversed = of(&reversed_values);
        assert!(!forward.is_exact());
        assert_eq!(forward, reversed);
        let (mut left, right) = (of(&values[..1500]), of(&values[1500..]));
        left.merge(&right);
        assert_eq!(left, forward);
        let median = forward.quantile(0.5).unwrap();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let exact = (sorted[1499] + sorted[1500]) / 2.0;
        assert!(
            (median - exact).abs() <= exact.abs() / 64.0 + 1e-6,
            "{median} {exact}"
        );
    }

    #[test]
    fn exact_shards_that_together_exceed_the_limit_merge_to_buckets() {
        let values: Vec<f64> = (0..1500).map(|i| i as f64 / 7.0).collect();
        let (mut left, right) = (of(&values[..800]), of(&values[800..]));
        assert!(left.is_exact() && right.is_exact());
        left.merge(&right);
        assert_eq!(left, of(&values));
    }
}
