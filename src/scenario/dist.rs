//! Distributions of durations, as written in scenarios and as sampled.
//!
//! A scenario writes a distribution as a bare number (a constant) or as a
//! table tagged by `dist`:
//!
//! ```toml
//! cadence_days = { dist = "gamma", mean = 96, cv = 0.3 }
//! duration_days = { dist = "lognormal", median = 10, sigma = 0.5 }
//! first_ready_days = 45
//! ```
//!
//! Sampling uses `rand_distr`; nothing here hand-rolls a sampler.

use std::fmt;

use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Triangular, Uniform};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::day::DayRef;

mod residual;

pub use residual::Residual;

/// A distribution as written in a scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Always `value`.
    Constant { value: f64 },
    /// Uniform on [`low`, `high`).
    Uniform { low: f64, high: f64 },
    /// Exponential with the given mean.
    Exponential { mean: f64 },
    /// Gamma with the given mean and coefficient of variation (sd / mean).
    Gamma { mean: f64, cv: f64 },
    /// Log-normal, by `median` and `sigma` (the spread: the standard
    /// deviation of the logarithm), or by `mean` and `sd`.
    Lognormal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        median: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sigma: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd: Option<f64>,
    },
    /// Triangular on [`min`, `max`] with peak at `mode`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// An explicit list of dates or day numbers (scripted schedules, such as
    /// historical release dates). Only where a schedule makes sense.
    Dates { dates: Vec<DayRef> },
}

impl DistSpec {
    /// The names of the `dist` tags, for messages.
    pub const KINDS: &'static str =
        "constant, uniform, exponential, gamma, lognormal, triangular, dates";
}

/// A distribution parameter: a bare number or a tagged table, as written,
/// with its sampler built. A spec that is not valid samples 0; validation
/// refuses it (naming the field at fault) before anything runs.
#[derive(Clone, Debug)]
pub struct DistParam {
    spec: DistSpec,
    dist: Dist,
}

impl DistParam {
    /// The parameter of a spec.
    pub fn new(spec: DistSpec) -> Self {
        let dist = spec.to_dist().unwrap_or(Dist::Constant(0.0));
        DistParam { spec, dist }
    }

    /// Always `value`.
    pub fn constant(value: f64) -> Self {
        DistParam::new(DistSpec::Constant { value })
    }

    /// Gamma with a mean and a coefficient of variation.
    pub fn gamma(mean: f64, cv: f64) -> Self {
        DistParam::new(DistSpec::Gamma { mean, cv })
    }

    /// Uniform on [low, high).
    pub fn uniform(low: f64, high: f64) -> Self {
        DistParam::new(DistSpec::Uniform { low, high })
    }

    /// The distribution as written.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// The sampler.
    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// One draw, never negative.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.dist.sample(rng)
    }
}

impl PartialEq for DistParam {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Serialize for DistParam {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DistParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamVisitor;
        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a number or a table such as {{ dist = \"gamma\", mean = 90, cv = 0.5 }} \
                     (dist is one of: {})",
                    DistSpec::KINDS
                )
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant {
                    value: value as f64,
                })
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant {
                    value: value as f64,
                })
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<DistSpec, E> {
                Ok(DistSpec::Constant { value })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
                DistSpec::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_any(ParamVisitor)
            .map(DistParam::new)
    }
}

/// A validated distribution of non-negative values (days), ready to sample.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always the same value.
    Constant(f64),
    /// Uniform between two values.
    Uniform(Uniform<f64>),
    /// Exponential.
    Exponential(Exp<f64>),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Log-normal.
    LogNormal(LogNormal<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// The time left in a cycle already under way.
    Residual(Box<Residual>),
}

impl Default for Dist {
    fn default() -> Self {
        Dist::Constant(0.0)
    }
}

impl Dist {
    /// One draw, never negative.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let value = match self {
            Dist::Constant(value) => *value,
            Dist::Uniform(d) => d.sample(rng),
            Dist::Exponential(d) => d.sample(rng),
            Dist::Gamma(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Triangular(d) => d.sample(rng),
            Dist::Residual(d) => d.sample(rng),
        };
        value.max(0.0)
    }
}

/// Why a distribution's parameters were refused: the field at fault and
/// what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct DistProblem {
    /// The field, relative to the distribution (`cv`, `median`, ...), or
    /// empty for the distribution as a whole.
    pub field: &'static str,
    /// The offending value as written.
    pub value: String,
    /// What is allowed.
    pub allowed: String,
}

fn problem(
    field: &'static str,
    value: impl fmt::Display,
    allowed: impl Into<String>,
) -> DistProblem {
    DistProblem {
        field,
        value: value.to_string(),
        allowed: allowed.into(),
    }
}

fn non_negative(field: &'static str, value: f64) -> Result<f64, DistProblem> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(problem(field, value, "must be a finite number >= 0"))
    }
}

fn positive(field: &'static str, value: f64) -> Result<f64, DistProblem> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(problem(field, value, "must be a finite number > 0"))
    }
}

fn uniform(low: f64, high: f64) -> Result<Dist, DistProblem> {
    let low = non_negative("low", low)?;
    let high = non_negative("high", high)?;
    if high < low {
        return Err(problem(
            "high",
            high,
            format!("must be >= low ({})", n(low)),
        ));
    }
    if high == low {
        return Ok(Dist::Constant(low));
    }
    let uniform = Uniform::new(low, high).map_err(|e| problem("high", high, e.to_string()))?;
    Ok(Dist::Uniform(uniform))
}

/// A log-normal by median and sigma, or by mean and sd.
fn lognormal(
    median: Option<f64>,
    sigma: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
) -> Result<Dist, DistProblem> {
    let (mu, sigma) = match (median, sigma, mean, sd) {
        (Some(median), Some(sigma), None, None) => {
            let median = positive("median", median)?;
            (median.ln(), non_negative("sigma", sigma)?)
        }
        (None, None, Some(mean), Some(sd)) => {
            let mean = positive("mean", mean)?;
            let sd = non_negative("sd", sd)?;
            let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
            (mean.ln() - sigma2 / 2.0, sigma2.sqrt())
        }
        _ => {
            return Err(problem(
                "",
                "lognormal",
                "give either median and sigma, or mean and sd",
            ));
        }
    };
    let lognormal =
        LogNormal::new(mu, sigma).map_err(|e| problem("sigma", sigma, e.to_string()))?;
    Ok(Dist::LogNormal(lognormal))
}

fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistProblem> {
    let min = non_negative("min", min)?;
    let mode = non_negative("mode", mode)?;
    let max = non_negative("max", max)?;
    if !(min <= mode && mode <= max && min < max) {
        return Err(problem(
            "mode",
            mode,
            format!(
                "must satisfy min <= mode <= max with min < max (min {}, max {})",
                n(min),
                n(max)
            ),
        ));
    }
    let triangular =
        Triangular::new(min, max, mode).map_err(|e| problem("mode", mode, e.to_string()))?;
    Ok(Dist::Triangular(triangular))
}

impl DistSpec {
    /// Checks the parameters and builds the sampler. `Dates` is not a
    /// distribution of values and is refused here; callers that accept
    /// schedules handle it first.
    pub fn to_dist(&self) -> Result<Dist, DistProblem> {
        match *self {
            DistSpec::Constant { value } => Ok(Dist::Constant(non_negative("value", value)?)),
            DistSpec::Uniform { low, high } => uniform(low, high),
            DistSpec::Exponential { mean } => {
                let mean = positive("mean", mean)?;
                let exp = Exp::new(1.0 / mean).map_err(|e| problem("mean", mean, e.to_string()))?;
                Ok(Dist::Exponential(exp))
            }
            DistSpec::Gamma { mean, cv } => {
                let mean = positive("mean", mean)?;
                let cv = positive("cv", cv)?;
                let (shape, scale) = (1.0 / (cv * cv), mean * cv * cv);
                let gamma =
                    Gamma::new(shape, scale).map_err(|e| problem("cv", cv, e.to_string()))?;
                Ok(Dist::Gamma(gamma))
            }
            DistSpec::Lognormal {
                median,
                sigma,
                mean,
                sd,
            } => lognormal(median, sigma, mean, sd),
            DistSpec::Triangular { min, mode, max } => triangular(min, mode, max),
            DistSpec::Dates { .. } => Err(problem(
                "dist",
                "dates",
                "a list of dates is allowed only for a line's cadence_days",
            )),
        }
    }

    /// The mean of the distribution, where it is defined.
    pub fn mean(&self) -> Option<f64> {
        match *self {
            DistSpec::Constant { value } => Some(value),
            DistSpec::Uniform { low, high } => Some((low + high) / 2.0),
            DistSpec::Exponential { mean } | DistSpec::Gamma { mean, .. } => Some(mean),
            DistSpec::Lognormal {
                median: Some(median),
                sigma: Some(sigma),
                ..
            } => Some(median * (sigma * sigma / 2.0).exp()),
            DistSpec::Lognormal { mean, .. } => mean,
            DistSpec::Triangular { min, mode, max } => Some((min + mode + max) / 3.0),
            DistSpec::Dates { .. } => None,
        }
    }
}

impl DistSpec {
    /// One draw of the length-biased distribution (density x·f(x)/E[X]):
    /// the interval of a renewal process that covers a random moment. Its
    /// share U·X, with U uniform, is then the age of the current interval at
    /// that moment, the stationary age. Gamma(k, θ) becomes Gamma(k + 1, θ),
    /// the exponential Gamma(2, mean), a log-normal shifts μ by σ²; the
    /// uniform is sampled by inverting its CDF, the triangular by rejection.
    /// A spec that is not valid, or `Dates`, gives 0.
    pub fn sample_length_biased<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let dist = match self.to_dist() {
            Ok(dist) => dist,
            Err(_) => return 0.0,
        };
        let value = match (self, &dist) {
            (DistSpec::Constant { value }, _) => *value,
            (&DistSpec::Uniform { low, high }, _) => {
                let u: f64 = rng.random();
                (low * low + u * (high * high - low * low)).sqrt()
            }
            (&DistSpec::Exponential { mean }, _) => Gamma::new(2.0, mean)
                .map(|gamma| gamma.sample(rng))
                .unwrap_or(0.0),
            (&DistSpec::Gamma { mean, cv }, _) => Gamma::new(1.0 / (cv * cv) + 1.0, mean * cv * cv)
                .map(|gamma| gamma.sample(rng))
                .unwrap_or(0.0),
            (DistSpec::Lognormal { .. }, Dist::LogNormal(_)) => {
                let (mu, sigma) = self.lognormal_parameters().unwrap_or((0.0, 0.0));
                LogNormal::new(mu + sigma * sigma, sigma)
                    .map(|lognormal| lognormal.sample(rng))
                    .unwrap_or(0.0)
            }
            (&DistSpec::Triangular { max, .. }, Dist::Triangular(triangular)) => {
                // Accept x with probability x / max: at least the mean over
                // max (a third) of the draws are kept.
                loop {
                    let x = triangular.sample(rng);
                    let u: f64 = rng.random();
                    if u * max <= x {
                        break x;
                    }
                }
            }
            _ => dist.sample(rng),
        };
        value.max(0.0)
    }

    /// μ and σ of a log-normal, by either of its forms.
    pub(crate) fn lognormal_parameters(&self) -> Option<(f64, f64)> {
        match *self {
            DistSpec::Lognormal {
                median: Some(median),
                sigma: Some(sigma),
                ..
            } => Some((median.ln(), sigma)),
            DistSpec::Lognormal {
                mean: Some(mean),
                sd: Some(sd),
                ..
            } => {
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                Some((mean.ln() - sigma2 / 2.0, sigma2.sqrt()))
            }
            _ => None,
        }
    }
}

impl DistSpec {
    /// E[X²] / E[X]² = 1 + cv², where the mean is defined and positive: with
    /// the mean, what bounds how many draws fit in a span of time.
    pub fn second_moment_ratio(&self) -> Option<f64> {
        let mean = self.mean().filter(|m| *m > 0.0)?;
        let second_moment = match *self {
            DistSpec::Constant { value } => value * value,
            DistSpec::Uniform { low, high } => (low * low + low * high + high * high) / 3.0,
            DistSpec::Exponential { mean } => 2.0 * mean * mean,
            DistSpec::Gamma { mean, cv } => mean * mean * (1.0 + cv * cv),
            DistSpec::Lognormal {
                median: Some(_),
                sigma: Some(sigma),
                ..
            } => return Some((sigma * sigma).exp()),
            DistSpec::Lognormal {
                mean: Some(mean),
                sd: Some(sd),
                ..
            } => mean * mean + sd * sd,
            DistSpec::Lognormal { .. } | DistSpec::Dates { .. } => return None,
            DistSpec::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max + min * mode + min * max + mode * max) / 6.0
            }
        };
        Some(second_moment / (mean * mean))
    }
}

/// Parameters in messages: 1e-300, not three hundred digits.
fn n(value: f64) -> String {
    super::numbers::short_number(value)
}

impl fmt::Display for DistSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DistSpec::Constant { value } => write!(f, "{}", n(*value)),
            DistSpec::Uniform { low, high } => write!(f, "uniform({}, {})", n(*low), n(*high)),
            DistSpec::Exponential { mean } => write!(f, "exponential(mean {})", n(*mean)),
            DistSpec::Gamma { mean, cv } => write!(f, "gamma(mean {}, cv {})", n(*mean), n(*cv)),
            DistSpec::Lognormal {
                median: Some(median),
                sigma: Some(sigma),
                ..
            } => write!(f, "lognormal(median {}, sigma {})", n(*median), n(*sigma)),
            DistSpec::Lognormal { mean, sd, .. } => write!(
                f,
                "lognormal(mean {}, sd {})",
                n(mean.unwrap_or(f64::NAN)),
                n(sd.unwrap_or(f64::NAN))
            ),
            DistSpec::Triangular { min, mode, max } => {
                write!(f, "triangular({}, {}, {})", n(*min), n(*mode), n(*max))
            }
            DistSpec::Dates { dates } => write!(f, "{} scheduled dates", dates.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StreamSeed;

    /// Sample mean of `n` draws and its standard error.
    fn mean_and_se(dist: &Dist, n: usize) -> (f64, f64) {
        let mut rng = StreamSeed::new(7, 0, 0).stream(0, 0);
        let draws: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, (var / n as f64).sqrt())
    }

    #[test]
    fn sample_means_match_the_specified_means_within_four_standard_errors() {
        let specs = [
            DistSpec::Constant { value: 3.0 },
            DistSpec::Uniform {
                low: 2.0,
                high: 8.0,
            },
            DistSpec::Exponential { mean: 12.0 },
            DistSpec::Gamma {
                mean: 96.0,
                cv: 0.3,
            },
            DistSpec::Lognormal {
                median: Some(10.0),
                sigma: Some(0.5),
                mean: None,
                sd: None,
            },
            DistSpec::Lognormal {
                median: None,
                sigma: None,
                mean: Some(20.0),
                sd: Some(8.0),
            },
            DistSpec::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 9.0,
            },
        ];
        for spec in specs {
            let expected = spec.mean().unwrap();
            let (mean, se) = mean_and_se(&spec.to_dist().unwrap(), 40_000);
            assert!(
                (mean - expected).abs() <= 4.0 * se + 1e-12,
                "{spec}: sample mean {mean}, expected {expected}, se {se}"
            );
        }
    }

    #[test]
    fn second_moment_ratios_match_sampled_moments() {
        let specs = [
            DistSpec::Uniform {
                low: 2.0,
                high: 8.0,
            },
            DistSpec::Exponential { mean: 12.0 },
            DistSpec::Gamma {
                mean: 96.0,
                cv: 0.3,
            },
            DistSpec::Lognormal {
                median: Some(10.0),
                sigma: Some(0.5),
                mean: None,
                sd: None,
            },
            DistSpec::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 9.0,
            },
        ];
        for spec in specs {
            let dist = spec.to_dist().unwrap();
            let mut rng = StreamSeed::new(11, 0, 0).stream(0, 0);
            let n = 200_000;
            let draws: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let second = draws.iter().map(|x| x * x).sum::<f64>() / n as f64;
            let ratio = spec.second_moment_ratio().unwrap();
            // Within 2%: the sampled ratio's relative error is below 0.5% here.
            assert!(
                (second / (mean * mean) / ratio - 1.0).abs() < 0.02,
                "{spec}: {} vs {ratio}",
                second / (mean * mean)
            );
        }
    }

    #[test]
    fn gamma_by_mean_and_cv_has_that_spread() {
        let dist = DistSpec::Gamma {
            mean: 50.0,
            cv: 0.5,
        }
        .to_dist()
        .unwrap();
        let mut rng = StreamSeed::new(3, 0, 0).stream(0, 0);
        let n = 40_000;
        let draws: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let sd = (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        // The sample sd of a gamma with cv 0.5 has a relative standard error
        // of about 1.2%; 5% is a generous, still falsifiable bound.
        assert!((sd / 25.0 - 1.0).abs() < 0.05, "sd {sd}");
    }

    #[test]
    fn invalid_parameters_name_the_field() {
        let bad = DistSpec::Gamma {
            mean: 10.0,
            cv: -1.0,
        }
        .to_dist()
        .unwrap_err();
        assert_eq!(bad.field, "cv");
        let bad = DistSpec::Uniform {
            low: 5.0,
            high: 1.0,
        }
        .to_dist()
        .unwrap_err();
        assert_eq!(bad.field, "high");
        let bad = DistSpec::Constant { value: -2.0 }.to_dist().unwrap_err();
        assert_eq!((bad.field, bad.value.as_str()), ("value", "-2"));
    }
}
