//! Bootstrap intervals: how far an index could move had the design drawn
//! other rows.
//!
//! The units resampled are the design's independent pieces: base rows of a
//! Saltelli design, trajectories of a Morris design. Each resample draws as
//! many units as were used, with replacement, and recomputes the whole
//! estimator on them (centring and variance included). The 95% interval is
//! the 2.5% and 97.5% percentiles of the recomputed values (linear
//! interpolation between order statistics, NumPy's default), and the
//! standard error their standard deviation.
//!
//! Draws come from one ChaCha8 stream seeded from [`Bootstrap::seed`] and
//! are consumed in a fixed order, and every sum runs in a fixed order, so
//! the same outputs and seed give the same intervals bit for bit.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Resamples when none are named: enough for the 2.5% and 97.5%
/// percentiles to rest on 25 values each.
pub const DEFAULT_RESAMPLES: usize = 1000;

/// How to bootstrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    /// Resamples drawn; 0 gives estimates without standard errors or
    /// intervals.
    pub resamples: usize,
    /// Seeds the resampling stream.
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: DEFAULT_RESAMPLES,
            seed: 0,
        }
    }
}

/// A closed interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies in the interval, ends included.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }

    /// `high - low`.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// An index with its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The index computed from all usable units.
    pub value: f64,
    /// Standard deviation of the bootstrap values (`None` with fewer than
    /// two defined ones).
    pub standard_error: Option<f64>,
    /// 95% percentile interval of the bootstrap values (`None` likewise).
    pub ci95: Option<Interval>,
}

/// For each of `bootstrap.resamples` resamples of `units` units, the
/// statistic of the resampled unit numbers (units may repeat). Nothing when
/// there are no units.
pub(crate) fn replicate<T>(
    units: usize,
    bootstrap: &Bootstrap,
    mut statistic: impl FnMut(&[usize]) -> T,
) -> Vec<T> {
    if units == 0 {
        return Vec::new();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(bootstrap.seed);
    let mut chosen = vec![0; units];
    (0..bootstrap.resamples)
        .map(|_| {
            for slot in chosen.iter_mut() {
                *slot = rng.random_range(0..units);
            }
            statistic(&chosen)
        })
        .collect()
}

/// The estimate of `value` given its bootstrap values. Undefined bootstrap
/// values (a resample whose outputs were all equal, say) are left out.
pub(crate) fn estimate(
    value: f64,
    bootstrap_values: impl IntoIterator<Item = Option<f64>>,
) -> Estimate {
    let mut values: Vec<f64> = bootstrap_values
        .into_iter()
        .flatten()
        .filter(|value| value.is_finite())
        .collect();
    if values.len() < 2 {
        return Estimate {
            value,
            standard_error: None,
            ci95: None,
        };
    }
    values.sort_by(f64::total_cmp);
    Estimate {
        value,
        standard_error: Some(standard_deviation(&values)),
        ci95: Some(Interval {
            low: percentile(&values, 0.025),
            high: percentile(&values, 0.975),
        }),
    }
}

/// Sample standard deviation (n - 1), of at least two values.
fn standard_deviation(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let squares: f64 = values.iter().map(|value| (value - mean).powi(2)).sum();
    (squares / (n - 1.0)).sqrt()
}

/// The `share` quantile of sorted values, interpolating linearly between
/// the order statistics at (n - 1) share.
fn percentile(sorted: &[f64], share: f64) -> f64 {
    let position = (sorted.len() - 1) as f64 * share;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    sorted[below] + fraction * (sorted[above] - sorted[below])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let sorted: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 0.025), 0.25);
        assert_eq!(percentile(&sorted, 0.975), 9.75);
        assert_eq!(percentile(&sorted, 1.0), 10.0);
        assert_eq!(percentile(&[3.0, 5.0], 0.5), 4.0);
    }

    #[test]
    fn estimates_leave_out_undefined_bootstrap_values() {
        let estimate = estimate(1.0, [Some(1.0), None, Some(3.0), Some(f64::NAN)]);
        assert_eq!(estimate.standard_error, Some(2.0_f64.sqrt()));
        let interval = estimate.ci95.unwrap();
        assert!((interval.low - 1.05).abs() < 1e-12);
        assert!((interval.high - 2.95).abs() < 1e-12);
    }

    #[test]
    fn fewer_than_two_bootstrap_values_give_no_interval() {
        let lonely = estimate(0.5, [Some(0.4), None]);
        assert_eq!((lonely.standard_error, lonely.ci95), (None, None));
        assert_eq!(lonely.value, 0.5);
    }

    #[test]
    fn resampling_is_reproducible_and_draws_every_unit_in_range() {
        let bootstrap = Bootstrap {
            resamples: 50,
            seed: 4,
        };
        let draws = replicate(7, &bootstrap, <[usize]>::to_vec);
        assert_eq!(draws, replicate(7, &bootstrap, <[usize]>::to_vec));
        assert_eq!(draws.len(), 50);
        assert!(draws.iter().flatten().all(|&unit| unit < 7));
        let other = Bootstrap {
            seed: 5,
            ..bootstrap
        };
        assert_ne!(draws, replicate(7, &other, <[usize]>::to_vec));
        assert!(replicate(0, &bootstrap, <[usize]>::to_vec).is_empty());
    }
}
