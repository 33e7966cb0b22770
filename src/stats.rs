//! Streaming statistics whose result does not depend on the order in which
//! values arrive, so that shards merged give exactly what one run gives.
//!
//! Every value is first rounded to a multiple of 2^-20 (see [`fixed`]); from
//! then on everything is integer arithmetic: counts are `u64`, sums `i128`
//! and sums of squares 256-bit, quantile sketches integer counts per exact value or per
//! log-linear bucket. Integer addition is associative and commutative, so
//! adding values one by one, or adding the states of shards, gives the same
//! state bit for bit, and the same rendered numbers.
//!
//! ```
//! use reviewsim::stats::Accumulator;
//!
//! let mut whole = Accumulator::default();
//! let (mut left, mut right) = (Accumulator::default(), Accumulator::default());
//! for (i, value) in [3.0, 1.5, 4.0, 1.0, 5.5].into_iter().enumerate() {
//!     whole.add(value).unwrap();
//!     if i % 2 == 0 { left.add(value).unwrap() } else { right.add(value).unwrap() }
//! }
//! right.merge(&left).unwrap();
//! assert_eq!(whole, right);
//! let summary = whole.summary();
//! assert_eq!(summary.n, 5);
//! assert_eq!(summary.mean, Some(3.0));
//! assert_eq!(summary.q50, Some(3.0));
//! ```

pub mod fixed;
mod quantiles;
mod student;

use serde::{Deserialize, Serialize};

pub use fixed::{Moments, OutOfRange};
pub use quantiles::{EXACT_DISTINCT_LIMIT, Quantiles};
pub use student::t_quantile_975;

/// Moments and quantiles of one metric.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accumulator {
    /// Count, sum and sum of squares.
    pub moments: Moments,
    /// The distribution, for quantiles.
    pub quantiles: Quantiles,
}

/// What `summary.csv` shows for one metric. `None` where a statistic needs
/// more values than there are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Values seen.
    pub n: u64,
    /// Their mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1 in the denominator).
    pub sd: Option<f64>,
    /// Standard error of the mean, sd / sqrt(n).
    pub se: Option<f64>,
    /// 95% confidence interval of the mean (Student t with n - 1 df).
    pub ci95: Option<(f64, f64)>,
    /// 5% quantile.
    pub q05: Option<f64>,
    /// Median.
    pub q50: Option<f64>,
    /// 95% quantile.
    pub q95: Option<f64>,
}

impl Accumulator {
    /// Adds one value.
    pub fn add(&mut self, value: f64) -> Result<(), OutOfRange> {
        let fixed = fixed::quantize(value)?;
        self.add_fixed(fixed)
    }

    /// Adds one value already in fixed point.
    pub fn add_fixed(&mut self, fixed: i128) -> Result<(), OutOfRange> {
        self.moments.add_fixed(fixed)?;
        self.quantiles.add(fixed, 1);
        Ok(())
    }

    /// Adds another accumulator's values.
    pub fn merge(&mut self, other: &Accumulator) -> Result<(), OutOfRange> {
        self.moments.merge(&other.moments)?;
        self.quantiles.merge(&other.quantiles);
        Ok(())
    }

    /// The statistics.
    pub fn summary(&self) -> Summary {
        let moments = &self.moments;
        let n = moments.n;
        let sd = moments.sd();
        let se = sd.map(|sd| sd / (n as f64).sqrt());
        let mean = moments.mean();
        let ci95 = match (mean, se) {
            (Some(mean), Some(se)) => {
                let half = t_quantile_975(n - 1) * se;
                Some((mean - half, mean + half))
            }
            _ => None,
        };
        Summary {
            n,
            mean,
            sd,
            se,
            ci95,
            q05: self.quantiles.quantile(0.05),
            q50: self.quantiles.quantile(0.50),
            q95: self.quantiles.quantile(0.95),
        }
    }
}

/// Paired values (x at a point, y at the baseline, same replication).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairAccumulator {
    /// The point's values.
    pub point: Moments,
    /// The baseline's values.
    pub baseline: Moments,
    /// Differences, point minus baseline.
    pub difference: Moments,
}

/// What `compare.csv` shows for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Pairs with both values defined.
    pub n: u64,
    /// Mean at the point.
    pub point_mean: Option<f64>,
    /// Mean at the baseline.
    pub baseline_mean: Option<f64>,
    /// Mean paired difference.
    pub difference_mean: Option<f64>,
    /// Its 95% confidence interval (Student t, n - 1 df).
    pub difference_ci95: Option<(f64, f64)>,
    /// Width of that interval.
    pub paired_width: Option<f64>,
    /// Width of the 95% interval of the difference of means had the two
    /// samples been independent (Student t, 2n - 2 df).
    pub unpaired_width: Option<f64>,
}

impl PairAccumulator {
    /// Adds one pair.
    pub fn add(&mut self, point: f64, baseline: f64) -> Result<(), OutOfRange> {
        let (x, y) = (fixed::quantize(point)?, fixed::quantize(baseline)?);
        self.point.add_fixed(x)?;
        self.baseline.add_fixed(y)?;
        self.difference.add_fixed(x - y)
    }

    /// Adds another accumulator's pairs.
    pub fn merge(&mut self, other: &PairAccumulator) -> Result<(), OutOfRange> {
        self.point.merge(&other.point)?;
        self.baseline.merge(&other.baseline)?;
        self.difference.merge(&other.difference)
    }

    /// The statistics.
    pub fn comparison(&self) -> Comparison {
        let n = self.difference.n;
        let paired_half = self
            .difference
            .sd()
            .map(|sd| t_quantile_975(n - 1) * sd / (n as f64).sqrt());
        let unpaired_half = match (self.point.sd(), self.baseline.sd()) {
            (Some(a), Some(b)) => {
                Some(t_quantile_975(2 * n - 2) * ((a * a + b * b) / n as f64).sqrt())
            }
            _ => None,
        };
        let difference_mean = self.difference.mean();
        Comparison {
            n,
            point_mean: self.point.mean(),
            baseline_mean: self.baseline.mean(),
            difference_mean,
            difference_ci95: difference_mean
                .zip(paired_half)
                .map(|(mean, half)| (mean - half, mean + half)),
            paired_width: paired_half.map(|half| 2.0 * half),
            unpaired_width: unpaired_half.map(|half| 2.0 * half),
        }
    }
}
