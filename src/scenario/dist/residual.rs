//! The time left in a cycle already under way: a cadence conditioned on
//! having run `elapsed` days without a new model, X − s given X > s.
//!
//! A line whose incumbent came out `s` days before the start has its next
//! model ready after this residual time, not after a guess: a line that
//! has just released waits most of a cycle, one that is overdue (its
//! cadence says a model was likely by now) gets one soon, as far as its
//! cadence's tail says (a gamma's hazard levels off, a log-normal's falls).
//!
//! Sampling is exact: by rejection while the condition is likely (S(s) ≥
//! 0.2: at most five draws on average), otherwise by inverting the
//! survival function, ln S(x) = ln S(s) + ln U, with Newton's method kept
//! inside a bracket. Survival functions come from `statrs` (the regularized
//! upper incomplete gamma, erfc). Where S(s) underflows (s hundreds of
//! scales into the tail), the residual is exponential with the hazard's
//! limit: 1/θ for a gamma, z/(σ s) for a log-normal (z = (ln s − μ)/σ).
//! Distributions with a bounded support give 0 beyond it: ready at once.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp};
use statrs::function::{erf, gamma};

use super::{Dist, DistSpec};

/// When the condition holds with at least this probability, rejection.
const REJECT_ABOVE: f64 = 0.2;

/// A family's survival function, as the residual needs it.
#[derive(Clone, Debug, PartialEq)]
enum Family {
    Gamma {
        shape: f64,
        scale: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// Every other family samples by rejection or closed forms.
    Other,
}

/// A cadence given that `elapsed` days have passed since its last model.
#[derive(Clone, Debug, PartialEq)]
pub struct Residual {
    spec: DistSpec,
    base: Dist,
    family: Family,
    elapsed: f64,
    /// ln S(elapsed).
    log_survival: f64,
}

impl Residual {
    /// The residual of a valid cadence; `None` for a schedule or an
    /// invalid spec.
    pub fn new(spec: &DistSpec, elapsed: f64) -> Option<Residual> {
        let base = spec.to_dist().ok()?;
        let family = match *spec {
            DistSpec::Gamma { mean, cv } => Family::Gamma {
                shape: 1.0 / (cv * cv),
                scale: mean * cv * cv,
            },
            DistSpec::Lognormal { .. } => {
                let (mu, sigma) = spec.lognormal_parameters()?;
                Family::LogNormal { mu, sigma }
            }
            _ => Family::Other,
        };
        let elapsed = if elapsed.is_finite() {
            elapsed.max(0.0)
        } else {
            0.0
        };
        let mut residual = Residual {
            spec: spec.clone(),
            base,
            family,
            elapsed,
            log_survival: 0.0,
        };
        residual.log_survival = residual.log_survival_at(elapsed);
        Some(residual)
    }

    /// Days already run.
    pub fn elapsed(&self) -> f64 {
        self.elapsed
    }

    /// The probability that the cadence had not yet ended by `elapsed`.
    pub fn survival(&self) -> f64 {
        self.log_survival.exp()
    }

    /// The cadence as written.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// One draw of the time left.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let s = self.elapsed;
        match self.spec {
            DistSpec::Exponential { .. } => return self.base.sample(rng),
            DistSpec::Constant { value } => return (value - s).max(0.0),
            DistSpec::Uniform { low, high } => {
                if s >= high {
                    return 0.0;
                }
                let from = low.max(s);
                return from + rng.random::<f64>() * (high - from) - s;
            }
            DistSpec::Triangular { min, mode, max } => {
                if s >= max {
                    return 0.0;
                }
                let from = triangular_cdf(s, min, mode, max);
                let u = from + rng.random::<f64>() * (1.0 - from);
                return (triangular_quantile(u, min, mode, max) - s).max(0.0);
            }
            _ => {}
        }
        if self.log_survival >= REJECT_ABOVE.ln() {
            loop {
                let x = self.base.sample(rng);
                if x > s {
                    return x - s;
                }
            }
        }
        if self.log_survival < -700.0 {
            return self.tail(rng);
        }
        let u = rng.random::<f64>().max(f64::MIN_POSITIVE);
        self.invert(self.log_survival + u.ln()) - s
    }

    /// Far in the tail: exponential with the hazard's limit.
    fn tail<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mean = match self.family {
            Family::Gamma { scale, .. } => scale,
            Family::LogNormal { mu, sigma } => {
                let z = (self.elapsed.ln() - mu) / sigma;
                sigma * self.elapsed / z.max(1.0)
            }
            Family::Other => return 0.0,
        };
        Exp::new(1.0 / mean).map_or(0.0, |exp| exp.sample(rng))
    }

    /// ln S(x).
    fn log_survival_at(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match self.family {
            Family::Gamma { shape, scale } => {
                gamma::checked_gamma_ur(shape, x / scale).map_or(f64::NEG_INFINITY, f64::ln)
            }
            Family::LogNormal { mu, sigma: 0.0 } => {
                if x.ln() < mu {
                    0.0
                } else {
                    f64::NEG_INFINITY
                }
            }
            Family::LogNormal { mu, sigma } => {
                (0.5 * erf::erfc((x.ln() - mu) / (sigma * std::f64::consts::SQRT_2))).ln()
            }
            Family::Other => match self.spec {
                DistSpec::Exponential { mean } => -x / mean,
                DistSpec::Constant { value } => {
                    if x < value {
                        0.0
                    } else {
                        f64::NEG_INFINITY
                    }
                }
                DistSpec::Uniform { low, high } if high > low => {
                    (((high - x) / (high - low)).clamp(0.0, 1.0)).ln()
                }
                DistSpec::Uniform { low, .. } => {
                    if x < low {
                        0.0
                    } else {
                        f64::NEG_INFINITY
                    }
                }
                DistSpec::Triangular { min, mode, max } => {
                    (1.0 - triangular_cdf(x, min, mode, max)).ln()
                }
                _ => 0.0,
            },
        }
    }

    /// ln f(x), the density.
    fn log_density_at(&self, x: f64) -> f64 {
        match self.family {
            Family::Gamma { shape, scale } => {
                (shape - 1.0) * x.ln() - x / scale - gamma::ln_gamma(shape) - shape * scale.ln()
            }
            Family::LogNormal { mu, sigma } => {
                let z = (x.ln() - mu) / sigma;
                -(x * sigma * (2.0 * std::f64::consts::PI).sqrt()).ln() - z * z / 2.0
            }
            Family::Other => f64::NEG_INFINITY,
        }
    }

    /// The x > elapsed with ln S(x) = target (< ln S(elapsed)): Newton's
    /// method on ln S, whose slope is minus the hazard, inside a bracket
    /// that bisection keeps when a step would leave it.
    fn invert(&self, target: f64) -> f64 {
        let mut low = self.elapsed;
        let mut step = self.spec.mean().unwrap_or(1.0).max(1e-9);
        let mut high = low + step;
        while self.log_survival_at(high) > target {
            low = high;
            step *= 2.0;
            high += step;
            if !high.is_finite() {
                return low;
            }
        }
        let mut x = (low + high) / 2.0;
        for _ in 0..200 {
            let value = self.log_survival_at(x) - target;
            if value > 0.0 {
                low = x;
            } else {
                high = x;
            }
            let hazard = (self.log_density_at(x) - self.log_survival_at(x)).exp();
            let newton = x + value / hazard;
            let next = if newton.is_finite() && newton > low && newton < high {
                newton
            } else {
                (low + high) / 2.0
            };
            if (next - x).abs() <= 1e-12 * x.max(1.0) || high - low <= 1e-12 * high {
                return next;
            }
            x = next;
        }
        x
    }
}

fn triangular_cdf(x: f64, min: f64, mode: f64, max: f64) -> f64 {
    if x <= min {
        0.0
    } else if x <= mode {
        (x - min).powi(2) / ((max - min) * (mode - min))
    } else if x < max {
        1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
    } else {
        1.0
    }
}

fn triangular_quantile(u: f64, min: f64, mode: f64, max: f64) -> f64 {
    let split = (mode - min) / (max - min);
    if u <= split {
        min + (u * (max - min) * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StreamSeed;

    /// Mean and standard error of X − s over draws of X kept when above s.
    fn brute_force(spec: &DistSpec, s: f64, n: usize) -> (f64, f64) {
        let dist = spec.to_dist().unwrap();
        let mut rng = StreamSeed::new(1, 2, 3).stream(0, 0);
        let kept: Vec<f64> = std::iter::repeat_with(|| dist.sample(&mut rng))
            .filter(|x| *x > s)
            .map(|x| x - s)
            .take(n)
            .collect();
        let mean = kept.iter().sum::<f64>() / n as f64;
        let var = kept.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, (var / n as f64).sqrt())
    }

    fn lognormal(median: f64, sigma: f64) -> DistSpec {
        DistSpec::Lognormal {
            median: Some(median),
            sigma: Some(sigma),
            mean: None,
            sd: None,
        }
    }

    #[test]
    fn residual_draws_match_conditioned_draws_within_five_standard_errors() {
        let specs = [
            DistSpec::Gamma {
                mean: 100.0,
                cv: 0.5,
            },
            DistSpec::Gamma {
                mean: 100.0,
                cv: 1.5,
            },
            lognormal(90.0, 0.6),
            DistSpec::Uniform {
                low: 20.0,
                high: 200.0,
            },
            DistSpec::Triangular {
                min: 10.0,
                mode: 60.0,
                max: 300.0,
            },
            DistSpec::Exponential { mean: 80.0 },
        ];
        for spec in &specs {
            // Likely conditions (rejection) and unlikely ones (inversion).
            for s in [0.0, 50.0, 180.0, 240.0] {
                let residual = Residual::new(spec, s).unwrap();
                if residual.survival() < 1e-4 {
                    continue;
                }
                let n = 20_000;
                let (expected, se_brute) = brute_force(spec, s, n);
                let mut rng = StreamSeed::new(9, 9, 9).stream(1, 1);
                let draws: Vec<f64> = (0..n).map(|_| residual.sample(&mut rng)).collect();
                let mean = draws.iter().sum::<f64>() / n as f64;
                let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
                let se = ((var / n as f64) + se_brute * se_brute).sqrt();
                assert!(
                    (mean - expected).abs() < 5.0 * se,
                    "{spec} at {s}: {mean} vs {expected} (se {se})"
                );
                assert!(draws.iter().all(|x| *x >= 0.0 && x.is_finite()));
            }
        }
    }

    #[test]
    fn an_overdue_gamma_line_waits_about_one_scale_and_a_lognormal_one_longer() {
        // Far beyond the mean, a gamma's hazard approaches 1/θ (θ = 25
        // here); a log-normal's keeps falling, so its residual grows.
        let gamma = Residual::new(
            &DistSpec::Gamma {
                mean: 100.0,
                cv: 0.5,
            },
            5000.0,
        )
        .unwrap();
        let lognormal = Residual::new(&lognormal(90.0, 0.6), 5000.0).unwrap();
        let mut rng = StreamSeed::new(4, 4, 4).stream(0, 0);
        let mut mean = |r: &Residual| (0..4000).map(|_| r.sample(&mut rng)).sum::<f64>() / 4000.0;
        let gamma_mean = mean(&gamma);
        assert!((gamma_mean - 25.0).abs() < 3.0, "{gamma_mean}");
        let lognormal_mean = mean(&lognormal);
        assert!(lognormal_mean > 300.0, "{lognormal_mean}");
    }

    #[test]
    fn bounded_cadences_past_their_end_are_ready_at_once() {
        let mut rng = StreamSeed::new(1, 1, 1).stream(0, 0);
        for spec in [
            DistSpec::Uniform {
                low: 20.0,
                high: 200.0,
            },
            DistSpec::Triangular {
                min: 10.0,
                mode: 60.0,
                max: 300.0,
            },
            DistSpec::Constant { value: 90.0 },
        ] {
            assert_eq!(Residual::new(&spec, 400.0).unwrap().sample(&mut rng), 0.0);
        }
    }
}
