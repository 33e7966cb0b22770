//! Replication noise: how much of what the indices see is the simulator's
//! own randomness.
//!
//! Every design point is run for R replications and the indices are
//! computed from the point means. A point mean is the model's expected
//! output there plus noise of variance (within-point variance) / R. Over the
//! points of a design, then,
//!
//! ```text
//! var(point means) ≈ between + mean(within / n)
//! ```
//!
//! where *between* is the variance the parameters cause, the part the
//! indices are meant to share out. The noise share,
//! mean(within / n) / var(point means), says how much of the variance the
//! indices divide is noise.
//!
//! The simulator runs replication r of every point on the same random
//! streams (common random numbers). That correlates the noise of different
//! points, usually positively, so differences between points carry less
//! noise than these formulas assume: the noise share and the floors below
//! err on the side of calling an index noisy.

use std::f64::consts::PI;

use super::bootstrap::Estimate;
use super::error::{Result, SensitivityError};
use crate::stats::Summary;

/// One design point's replications of one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointReplications {
    /// n, the replications with the output defined.
    pub replications: u64,
    /// Their mean.
    pub mean: f64,
    /// Their sample variance (n - 1 in the denominator).
    pub variance: f64,
}

impl PointReplications {
    /// From a metric's summary (`None` when it has no standard deviation,
    /// i.e. fewer than two values).
    pub fn from_summary(summary: &Summary) -> Option<PointReplications> {
        Some(PointReplications {
            replications: summary.n,
            mean: summary.mean?,
            variance: summary.sd?.powi(2),
        })
    }

    /// Whether the point can say anything about noise: two replications or
    /// more, finite mean and variance.
    fn is_usable(&self) -> bool {
        self.replications >= 2
            && self.mean.is_finite()
            && self.variance.is_finite()
            && self.variance >= 0.0
    }
}

/// How noisy the point means of one output are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplicationNoise {
    /// Points with at least two replications and finite statistics.
    pub points_used: usize,
    /// Points left out.
    pub points_skipped: usize,
    /// Sample variance (n - 1) of the point means.
    pub variance_of_means: f64,
    /// mean(within / n): the noise variance of a point mean, averaged over
    /// the points.
    pub noise_variance: f64,
    /// mean(within): the variance of a single replication, averaged.
    pub within_variance: f64,
    /// variance_of_means - noise_variance: the variance the parameters
    /// cause, as estimated. Zero or less when noise explains it all.
    pub between_variance: f64,
    /// noise_variance / variance_of_means, capped to [0, 1] (`None` when
    /// both are zero).
    pub noise_share: Option<f64>,
}

/// The noise of one output over the points of a design, or `None` with
/// fewer than two usable points (or outputs so large their variances
/// overflow).
///
/// ```
/// use reviewsim::sensitivity::{replication_noise, PointReplications};
///
/// let point = |mean| PointReplications { replications: 8, mean, variance: 2.0 };
/// let noise = replication_noise(&[point(1.0), point(2.0), point(3.0)]).unwrap();
/// assert_eq!(noise.variance_of_means, 1.0);
/// assert_eq!(noise.noise_variance, 0.25); // 2 / 8
/// assert_eq!(noise.noise_share, Some(0.25));
/// // Between is 0.75: noise / between <= 10% needs 2 / (0.1 * 0.75) = 26.7 runs.
/// assert_eq!(noise.replications_needed(0.1)?, Some(27));
/// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
/// ```
pub fn replication_noise(points: &[PointReplications]) -> Option<ReplicationNoise> {
    let usable: Vec<&PointReplications> = points.iter().filter(|point| point.is_usable()).collect();
    if usable.len() < 2 {
        return None;
    }
    let count = usable.len() as f64;
    let average = |of: &dyn Fn(&PointReplications) -> f64| {
        usable.iter().map(|point| of(point)).sum::<f64>() / count
    };
    let grand_mean = average(&|point| point.mean);
    let variance_of_means = usable
        .iter()
        .map(|point| (point.mean - grand_mean).powi(2))
        .sum::<f64>()
        / (count - 1.0);
    let noise_variance = average(&|point| point.variance / point.replications as f64);
    if !(variance_of_means.is_finite() && noise_variance.is_finite()) {
        return None;
    }
    let noise_share = if variance_of_means > 0.0 {
        Some((noise_variance / variance_of_means).clamp(0.0, 1.0))
    } else if noise_variance > 0.0 {
        Some(1.0)
    } else {
        None
    };
    Some(ReplicationNoise {
        points_used: usable.len(),
        points_skipped: points.len() - usable.len(),
        variance_of_means,
        noise_variance,
        within_variance: average(&|point| point.variance),
        between_variance: variance_of_means - noise_variance,
        noise_share,
    })
}

impl ReplicationNoise {
    /// Replications per point that make the noise variance of a point mean
    /// at most `threshold` times the between variance:
    ///
    /// ```text
    /// R = ceil(within_variance / (threshold · between_variance)), at least 1
    /// ```
    ///
    /// The noise share is then at most threshold / (1 + threshold), below
    /// the threshold. `None` when the between variance is zero or less:
    /// the data show no effect of the parameters to measure against.
    pub fn replications_needed(&self, threshold: f64) -> Result<Option<u64>> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(SensitivityError::ThresholdOutOfRange { threshold });
        }
        if self.between_variance <= 0.0 {
            return Ok(None);
        }
        let needed = (self.within_variance / (threshold * self.between_variance)).ceil();
        // `as` saturates: an absurd need reads as u64::MAX, not as a wrap.
        Ok(Some((needed as u64).max(1)))
    }

    /// The level a Sobol' index can reach from noise alone: the noise
    /// share. Noise adds its variance to every f(A) - f(AB_i) difference,
    /// so the total-order estimator of a group with no effect at all
    /// expects noise / (between + noise), which is this share; first-order
    /// indices expect no such floor, but an index smaller than the noise
    /// share explains less than the noise does. `None` where the share is.
    pub fn sobol_floor(&self) -> Option<f64> {
        self.noise_share
    }

    /// The μ* a Morris group with no effect reaches from noise alone, for
    /// steps of length `delta`. An elementary effect of such a group is the
    /// difference of two independent noises over Δ, of variance
    /// 2 noise_variance / Δ²; the mean absolute value of a centred normal of
    /// that variance is 2 sqrt(noise_variance) / (Δ sqrt(π)).
    pub fn morris_floor(&self, delta: f64) -> f64 {
        2.0 * self.noise_variance.sqrt() / (delta * PI.sqrt())
    }
}

/// Whether an index cannot be told apart from replication noise: its 95%
/// interval reaches down to the noise floor (from
/// [`ReplicationNoise::sobol_floor`] or [`ReplicationNoise::morris_floor`]),
/// or it has no interval to show otherwise. Such an index may still be
/// real, but more replications (or base rows) are needed to say so.
pub fn is_noise_dominated(estimate: &Estimate, floor: f64) -> bool {
    match estimate.ci95 {
        Some(interval) => interval.low <= floor,
        None => true,
    }
}

#[cfg(test)]
mod tests;
