//! The three families of cadence and their log-likelihood under right
//! censoring.
//!
//! Every parameter of every family is positive, so each is optimised as its
//! logarithm: the optimiser then works on the whole real line and never
//! proposes a negative mean. The parameters are those a scenario writes
//! (`mean`; `mean`, `cv`; `median`, `sigma`), so that a fit is a
//! `cadence_days` as it stands.

use std::f64::consts::{LN_2, PI, SQRT_2};

use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_ur, ln_gamma};

/// A family of distributions of the days between two releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Exponential, by its `mean`: releases as a Poisson process.
    Exponential,
    /// Gamma, by `mean` and `cv` (sd / mean), as the scenarios write it.
    Gamma,
    /// Log-normal, by `median` and `sigma` (sd of the logarithm).
    Lognormal,
}

/// Where each parameter may go, in its natural unit: a scale (mean or
/// median, days) and a spread (cv or sigma). Wide enough for any cadence a
/// line could have (a thousandth of a day to 27,000 years), narrow enough
/// that the gamma's shape (1 / cv²) stays below 10⁸, where the incomplete
/// gamma function still converges in a few thousand terms.
const SCALE_RANGE: (f64, f64) = (1e-3, 1e7);
const SPREAD_RANGE: (f64, f64) = (1e-4, 1e2);

impl Family {
    /// Every family, in the order reports list them.
    pub const ALL: [Family; 3] = [Family::Exponential, Family::Gamma, Family::Lognormal];

    /// The family's name, as a scenario's `dist` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Gamma => "gamma",
            Family::Lognormal => "lognormal",
        }
    }

    /// The family named `name` (as `dist` writes it).
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|family| family.name() == name)
    }

    /// The parameters, as a scenario's `cadence_days` names them.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Family::Exponential => &["mean"],
            Family::Gamma => &["mean", "cv"],
            Family::Lognormal => &["median", "sigma"],
        }
    }

    /// The range of each parameter's logarithm that the fitter searches.
    pub(super) fn log_bounds(self, parameter: usize) -> (f64, f64) {
        let (low, high) = if parameter == 0 {
            SCALE_RANGE
        } else {
            SPREAD_RANGE
        };
        (low.ln(), high.ln())
    }

    /// The log-likelihood of `params` (natural units, in the order of
    /// [`Family::parameters`]): Σ log f(complete) + Σ log S(censored).
    /// Finite for every parameter inside the searched bounds and every
    /// positive observation, however far in a tail.
    pub fn log_likelihood(self, params: &[f64], data: &Observations) -> f64 {
        match self {
            Family::Exponential => exponential(params[0], data),
            Family::Gamma => gamma(params[0], params[1], data),
            Family::Lognormal => lognormal(params[0].ln(), params[1], data),
        }
    }
}

/// The intervals of one line: complete ones between releases and, unless
/// the history ends with a release, the one still running at the censoring
/// date (days).
#[derive(Clone, Debug, PartialEq)]
pub struct LineIntervals {
    /// Days between consecutive releases.
    pub complete: Vec<f64>,
    /// Days from the last release to the censoring date.
    pub censored: Option<f64>,
}

/// How a line's history was observed, as the parametric bootstrap repeats
/// it: over a window of days from its first release (censored), or for a
/// number of intervals (uncensored).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Design {
    /// Releases observed for this many days after the first.
    Window(f64),
    /// This many complete intervals observed.
    Intervals(usize),
}

/// What a line, or a pool of lines sharing parameters, gives the
/// likelihood: the complete intervals and the censored ones (at most one
/// per line), in days, and how each line was observed.
#[derive(Clone, Debug, PartialEq)]
pub struct Observations {
    complete: Vec<f64>,
    censored: Vec<f64>,
    designs: Vec<Design>,
    sum_complete: f64,
    sum_censored: f64,
    mean_ln: f64,
    squares_ln: f64,
}

impl Observations {
    /// The observations of these lines, or `None` if an interval is not a
    /// finite number of days above zero (a zero interval has no density
    /// under gamma or log-normal).
    pub fn new(lines: &[LineIntervals]) -> Option<Observations> {
        let valid = |x: &f64| x.is_finite() && *x > 0.0;
        let complete: Vec<f64> = lines.iter().flat_map(|l| l.complete.clone()).collect();
        let censored: Vec<f64> = lines.iter().filter_map(|l| l.censored).collect();
        if !(complete.iter().all(valid) && censored.iter().all(valid)) {
            return None;
        }
        let designs = (lines.iter())
            .map(|l| match l.censored {
                Some(c) => Design::Window(l.complete.iter().sum::<f64>() + c),
                None => Design::Intervals(l.complete.len()),
            })
            .collect();
        let n = complete.len().max(1) as f64;
        let mean_ln = complete.iter().map(|x| x.ln()).sum::<f64>() / n;
        // Centred, so that the log-normal's sum of squares keeps its digits
        // when the intervals hardly differ.
        let squares_ln = complete.iter().map(|x| (x.ln() - mean_ln).powi(2)).sum();
        let (sum_complete, sum_censored) = (complete.iter().sum(), censored.iter().sum());
        Some(Observations {
            complete,
            censored,
            designs,
            sum_complete,
            sum_censored,
            mean_ln,
            squares_ln,
        })
    }

    /// How each line was observed.
    pub fn designs(&self) -> &[Design] {
        &self.designs
    }

    /// The complete intervals, in days.
    pub fn complete(&self) -> &[f64] {
        &self.complete
    }

    /// The censored intervals, in days.
    pub fn censored(&self) -> &[f64] {
        &self.censored
    }

    /// Mean of the logarithms of the complete intervals.
    pub(super) fn mean_ln(&self) -> f64 {
        self.mean_ln
    }

    /// Population standard deviation of the logarithms of the complete
    /// intervals.
    pub(super) fn sd_ln(&self) -> f64 {
        (self.squares_ln / self.complete.len().max(1) as f64).sqrt()
    }

    /// Whether the data leave the spread of a gamma or log-normal without a
    /// finite maximum: every complete interval equal, and no censored
    /// interval longer (which a spread of zero could not explain). The
    /// likelihood then grows without bound as the spread shrinks.
    pub fn without_spread(&self) -> bool {
        let Some(&first) = self.complete.first() else {
            return false;
        };
        self.complete.iter().all(|&x| x == first) && self.censored.iter().all(|&c| c <= first)
    }
}

fn exponential(mean: f64, data: &Observations) -> f64 {
    -(data.complete.len() as f64) * mean.ln() - (data.sum_complete + data.sum_censored) / mean
}

fn gamma(mean: f64, cv: f64, data: &Observations) -> f64 {
    let shape = 1.0 / (cv * cv);
    let scale = mean * cv * cv;
    let ln_norm = shape * scale.ln() + ln_gamma(shape);
    let n = data.complete.len() as f64;
    let density = (shape - 1.0) * n * data.mean_ln - data.sum_complete / scale - n * ln_norm;
    let survival: f64 = (data.censored.iter())
        .map(|&c| ln_gamma_upper(shape, c / scale))
        .sum();
    density + survival
}

fn lognormal(mu: f64, sigma: f64, data: &Observations) -> f64 {
    let n = data.complete.len() as f64;
    let squares = data.squares_ln + n * (data.mean_ln - mu).powi(2);
    let density =
        -n * (data.mean_ln + sigma.ln() + 0.5 * (2.0 * PI).ln()) - squares / (2.0 * sigma * sigma);
    let survival: f64 = (data.censored.iter())
        .map(|&c| ln_normal_upper((c.ln() - mu) / sigma))
        .sum();
    density + survival
}

/// Below this a tail probability is computed in log space: statrs returns
/// it as a plain `f64`, which loses digits among subnormal numbers (below
/// 2.2e-308) and becomes 0 (a log-likelihood of −∞) beyond.
const TAIL_IN_LOG_SPACE: f64 = 1e-280;

/// ln Q(a, x), the log of the regularized upper incomplete gamma function.
///
/// statrs's `gamma_ur` in the body; in the far upper tail, where its value
/// underflows, the same quantity as the log of its prefactor
/// xᵃ e⁻ˣ / Γ(a) plus the log of Legendre's continued fraction (evaluated
/// by the modified Lentz method), which statrs sums internally but does not
/// expose in log space.
pub(super) fn ln_gamma_upper(a: f64, x: f64) -> f64 {
    let q = gamma_ur(a, x);
    if q > TAIL_IN_LOG_SPACE {
        return q.ln();
    }
    a * x.ln() - x - ln_gamma(a) + ln_legendre_fraction(a, x)
}

/// ln of 1 / (x + 1 − a − 1·(1 − a) / (x + 3 − a − 2·(2 − a) / (x + 5 − a − …))),
/// which converges quickly where it is used (x well above a: the far tail).
fn ln_legendre_fraction(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..10_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        d = if d.abs() < TINY { TINY } else { d };
        c = b + an / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h.ln()
}

/// ln P(Z > z) for a standard normal Z: statrs's `erfc` in the body; in the
/// far upper tail, where it underflows, the asymptotic series of Mills'
/// ratio, φ(z)/z · (1 − 1/z² + 3/z⁴ − 15/z⁶), exact to 1e-10 there
/// (z > 35).
pub(super) fn ln_normal_upper(z: f64) -> f64 {
    let p = 0.5 * erfc(z / SQRT_2);
    if p > TAIL_IN_LOG_SPACE {
        return p.ln();
    }
    let z2 = z * z;
    let series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2);
    -0.5 * z2 - z.ln() - 0.5 * (LN_2 + PI.ln()) + series.ln()
}

/// One line's observations, for tests.
#[cfg(test)]
pub(super) fn one_line(complete: &[f64], censored: Option<f64>) -> Observations {
    let line = LineIntervals {
        complete: complete.to_vec(),
        censored,
    };
    Observations::new(&[line]).expect("positive intervals")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(complete: &[f64], censored: &[f64]) -> Observations {
        one_line(complete, censored.first().copied())
    }

    #[test]
    fn the_gamma_with_cv_one_is_the_exponential() {
        let d = data(&[30.0, 95.0, 160.0], &[40.0]);
        let g = Family::Gamma.log_likelihood(&[100.0, 1.0], &d);
        let e = Family::Exponential.log_likelihood(&[100.0], &d);
        assert!((g - e).abs() < 1e-10, "{g} vs {e}");
    }

    #[test]
    fn the_lognormal_density_is_the_textbook_one() {
        let (median, sigma, x) = (90.0_f64, 0.4_f64, 120.0_f64);
        let z = (x.ln() - median.ln()) / sigma;
        let expected = -x.ln() - sigma.ln() - 0.5 * (2.0 * PI).ln() - z * z / 2.0;
        let got = Family::Lognormal.log_likelihood(&[median, sigma], &data(&[x], &[]));
        assert!((got - expected).abs() < 1e-12);
    }

    #[test]
    fn tails_stay_finite_and_continuous_where_statrs_underflows() {
        // Either side of the switch to log space the two forms agree.
        for (a, x) in [(1.0, 640.0), (4.0, 660.0), (25.0, 700.0), (0.3, 630.0)] {
            let direct = gamma_ur(a, x).ln();
            let fraction = a * x.ln() - x - ln_gamma(a) + ln_legendre_fraction(a, x);
            assert!((direct - fraction).abs() < 1e-9, "a {a} x {x}");
        }
        // Exponential tail: Q(1, x) = e^-x exactly.
        assert!((ln_gamma_upper(1.0, 5000.0) + 5000.0).abs() < 1e-9);
        assert!(ln_gamma_upper(400.0, 1e5).is_finite());
        for z in [30.0, 37.0, 50.0, 1e3] {
            let value = ln_normal_upper(z);
            assert!(value.is_finite() && value < -0.5 * z * z + 1.0, "z {z}");
        }
        let (below, above) = (ln_normal_upper(37.4), ln_normal_upper(37.6));
        assert!(below > above && below - above < 7.6);
        assert!((ln_normal_upper(20.0) - (0.5 * erfc(20.0 / SQRT_2)).ln()).abs() < 1e-12);
    }

    #[test]
    fn a_far_censored_interval_gives_a_finite_likelihood() {
        let d = data(&[90.0, 100.0, 110.0], &[1e6]);
        for family in Family::ALL {
            let params: &[f64] = match family {
                Family::Exponential => &[100.0],
                _ => &[100.0, 0.1],
            };
            assert!(family.log_likelihood(params, &d).is_finite(), "{family:?}");
        }
    }

    #[test]
    fn equal_intervals_have_no_spread_unless_a_censored_one_is_longer() {
        assert!(data(&[90.0, 90.0], &[30.0]).without_spread());
        assert!(!data(&[90.0, 90.0], &[120.0]).without_spread());
        assert!(!data(&[90.0, 91.0], &[30.0]).without_spread());
        let zero = LineIntervals {
            complete: vec![0.0, 90.0],
            censored: None,
        };
        assert!(Observations::new(&[zero]).is_none());
    }
}
