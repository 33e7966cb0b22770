//! 95% intervals: profile likelihood, with the likelihood-ratio cut-off
//! taken from χ²₁ or calibrated by a seeded parametric bootstrap.
//!
//! The interval of a parameter ψ is every value whose profile
//! log-likelihood lies within `cutoff / 2` of the maximum. With χ²₁'s 95%
//! point (3.84) as the cut-off, the interval covers ψ in 95% of histories
//! only asymptotically; with the 8 to 20 releases a line has, the
//! likelihood-ratio statistic runs larger than χ²₁ and the interval too
//! narrow. The bootstrap measures the statistic's 95% point for data like
//! these: it simulates histories from the fitted parameters, observed the
//! way the real ones were (each line from its first release to the
//! censoring date), refits each, and takes the 95% quantile of
//! 2 (ℓ̂ − ℓ_p(ψ̂)).

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::brent::BrentRoot;
use rand::Rng;
use rayon::prelude::*;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::likelihood::{Design, Family, LineIntervals, Observations};
use super::mle::{Maximum, Precision, maximise_from, profile};
use crate::engine::StreamSeed;
use crate::scenario::DistSpec;

/// How the likelihood-ratio cut-off of the intervals is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cutoff {
    /// χ²₁'s 95% point, 3.84: exact only for many releases.
    ChiSquared,
    /// The 95% quantile of the statistic over `replicates` parametric
    /// bootstrap histories drawn from streams of `seed` (never below χ²₁'s).
    Bootstrap {
        /// Simulated histories per fit.
        replicates: u64,
        /// Master seed of their random streams.
        seed: u64,
    },
}

/// The 95% point of χ²₁.
pub fn chi_squared_95() -> f64 {
    ChiSquared::new(1.0).map_or(3.841_458_820_694_124, |chi| chi.inverse_cdf(0.95))
}

/// A 95% interval in natural units; a limit is `None` when the profile
/// likelihood stays above the cut-off up to the edge of the searched range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower limit.
    pub low: Option<f64>,
    /// Upper limit.
    pub high: Option<f64>,
}

impl Interval {
    /// Whether `value` lies inside (an open side covers everything).
    pub fn contains(&self, value: f64) -> bool {
        self.low.is_none_or(|low| low <= value) && self.high.is_none_or(|high| value <= high)
    }
}

/// The profile-likelihood interval of parameter `index` of `fit` with
/// cut-off `cutoff`.
pub(super) fn profile_interval(
    family: Family,
    data: &Observations,
    fit: &Maximum,
    index: usize,
    cutoff: f64,
) -> Interval {
    let logs: Vec<f64> = fit.params.iter().map(|p| p.ln()).collect();
    let target = fit.log_likelihood - cutoff / 2.0;
    let excess = |t: f64| profile(family, data, index, t, &logs, Precision::Fine) - target;
    let limit = |direction: f64| limit(family.log_bounds(index), logs[index], direction, &excess);
    Interval {
        low: limit(-1.0).map(f64::exp),
        high: limit(1.0).map(f64::exp),
    }
}

/// Where `excess` crosses zero going from `start` (where it is positive)
/// in `direction`: bracketed by doubling steps, then found by Brent's
/// method. `None` if no crossing lies within `bounds`.
fn limit(
    bounds: (f64, f64),
    start: f64,
    direction: f64,
    excess: &dyn Fn(f64) -> f64,
) -> Option<f64> {
    let edge = if direction < 0.0 { bounds.0 } else { bounds.1 };
    let (mut inside, mut step) = (start, 0.1);
    loop {
        let outside = start + direction * step;
        let outside = if (outside - edge) * direction > 0.0 {
            edge
        } else {
            outside
        };
        if excess(outside) < 0.0 {
            return root(excess, inside, outside);
        }
        if outside == edge {
            return None;
        }
        inside = outside;
        step *= 2.0;
    }
}

/// The function whose root Brent's method finds.
struct Excess<'a>(&'a dyn Fn(f64) -> f64);

impl CostFunction for Excess<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, t: &f64) -> Result<f64, Error> {
        Ok((self.0)(*t))
    }
}

fn root(excess: &dyn Fn(f64) -> f64, inside: f64, outside: f64) -> Option<f64> {
    let solver = BrentRoot::new(inside.min(outside), inside.max(outside), 1e-9);
    let result = Executor::new(Excess(excess), solver)
        .configure(|state| state.max_iters(200))
        .timer(false)
        .run()
        .ok()?;
    result.state().get_best_param().copied()
}

/// The cut-off of each parameter's interval for a fit of these data.
/// `stream` tells the random streams of this fit from every other's (the
/// same data and seed give the same cut-offs, on any number of threads).
pub(super) fn cutoffs(
    family: Family,
    data: &Observations,
    fit: &Maximum,
    method: Cutoff,
    stream: u64,
) -> Vec<f64> {
    let chi = chi_squared_95();
    let k = family.parameters().len();
    let Cutoff::Bootstrap { replicates, seed } = method else {
        return vec![chi; k];
    };
    let streams = StreamSeed::new(seed, stream, family as u64);
    let statistics: Vec<Vec<f64>> = (0..replicates)
        .into_par_iter()
        .filter_map(|r| {
            let mut rng = streams.stream((r >> 32) as u32, r as u32);
            replicate_statistics(family, data.designs(), &fit.params, &mut rng)
        })
        .collect();
    (0..k)
        .map(|index| {
            let mut values: Vec<f64> = statistics.iter().map(|s| s[index]).collect();
            quantile_95(&mut values).map_or(chi, |q| q.max(chi))
        })
        .collect()
}

/// The (m + 1)·0.95-th smallest of m values; `None` when too few (under
/// 19) to have one.
fn quantile_95(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() + 1) as f64 * 0.95).floor() as usize;
    (rank >= 1 && rank <= values.len()).then(|| values[rank - 1])
}

/// One bootstrap history drawn from `params` and observed as `designs`
/// say, refitted: the likelihood-ratio statistic of each parameter at its
/// true value. `None` when the history cannot be fitted (too few
/// intervals, or none of any spread), which leaves it out.
fn replicate_statistics<R: Rng + ?Sized>(
    family: Family,
    designs: &[Design],
    params: &[f64],
    rng: &mut R,
) -> Option<Vec<f64>> {
    let data = simulate(family, params, designs, rng)?;
    if data.complete().len() < 2 {
        return None;
    }
    let truth: Vec<f64> = params.iter().map(|p| p.ln()).collect();
    let refit = maximise_from(family, &data, Some(&truth))?;
    let logs: Vec<f64> = refit.params.iter().map(|p| p.ln()).collect();
    let statistics = (0..params.len())
        .map(|index| {
            let at_truth = profile(family, &data, index, truth[index], &logs, Precision::Coarse);
            (2.0 * (refit.log_likelihood - at_truth)).max(0.0)
        })
        .collect();
    Some(statistics)
}

/// A history of every line drawn from the family with `params`: a renewal
/// process from each line's first release, observed as its design says.
/// `None` if a draw is zero days (a gamma of tiny shape can round to 0).
pub fn simulate<R: Rng + ?Sized>(
    family: Family,
    params: &[f64],
    designs: &[Design],
    rng: &mut R,
) -> Option<Observations> {
    let spec = match family {
        Family::Exponential => DistSpec::Exponential { mean: params[0] },
        Family::Gamma => DistSpec::Gamma {
            mean: params[0],
            cv: params[1],
        },
        Family::Lognormal => DistSpec::Lognormal {
            median: Some(params[0]),
            sigma: Some(params[1]),
            mean: None,
            sd: None,
        },
    };
    let dist = spec.to_dist().ok()?;
    let lines: Vec<LineIntervals> = (designs.iter())
        .map(|design| match *design {
            Design::Intervals(n) => LineIntervals {
                complete: (0..n).map(|_| dist.sample(rng)).collect(),
                censored: None,
            },
            Design::Window(days) => {
                let (mut complete, mut elapsed) = (Vec::new(), 0.0);
                loop {
                    let next = dist.sample(rng);
                    if elapsed + next >= days {
                        break LineIntervals {
                            complete,
                            censored: Some(days - elapsed),
                        };
                    }
                    complete.push(next);
                    elapsed += next;
                }
            }
        })
        .collect();
    Observations::new(&lines)
}

#[cfg(test)]
mod tests {
    use super::super::likelihood::one_line;
    use super::super::mle::maximise;
    use super::*;

    #[test]
    fn chi_squared_95_is_3_84() {
        assert!((chi_squared_95() - 3.841_458_820_694_124).abs() < 1e-6);
    }

    #[test]
    fn the_exponential_interval_solves_the_likelihood_ratio_equation() {
        let data = one_line(&[40.0, 120.0, 75.0, 200.0, 95.0], Some(60.0));
        let fit = maximise(Family::Exponential, &data).unwrap();
        let interval = profile_interval(Family::Exponential, &data, &fit, 0, 3.84);
        for limit in [interval.low.unwrap(), interval.high.unwrap()] {
            let drop = fit.log_likelihood - Family::Exponential.log_likelihood(&[limit], &data);
            assert!((2.0 * drop - 3.84).abs() < 1e-6, "{limit}: {drop}");
        }
        assert!(interval.contains(fit.params[0]));
    }

    #[test]
    fn the_bootstrap_is_reproducible_and_never_below_chi_squared() {
        let data = one_line(&[80.0, 120.0, 95.0, 140.0, 70.0, 110.0], Some(50.0));
        let fit = maximise(Family::Gamma, &data).unwrap();
        let method = Cutoff::Bootstrap {
            replicates: 99,
            seed: 7,
        };
        let first = cutoffs(Family::Gamma, &data, &fit, method, 3);
        assert_eq!(first, cutoffs(Family::Gamma, &data, &fit, method, 3));
        assert_ne!(first, cutoffs(Family::Gamma, &data, &fit, method, 4));
        assert!(first.iter().all(|&c| c >= chi_squared_95()));
    }

    #[test]
    fn a_window_is_observed_up_to_its_last_day() {
        let mut rng = StreamSeed::new(1, 2, 3).stream(0, 0);
        let designs = [Design::Window(1000.0), Design::Intervals(4)];
        let data = simulate(Family::Gamma, &[100.0, 0.5], &designs, &mut rng).unwrap();
        assert_eq!(data.censored().len(), 1);
        let total: f64 = data.complete().iter().sum::<f64>() + data.censored()[0];
        // The window's intervals and the four of the second line.
        let last_four: f64 = data.complete().iter().rev().take(4).sum();
        assert!((total - last_four - 1000.0).abs() < 1e-9);
    }
}
