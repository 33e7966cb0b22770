//! Maximum likelihood: the estimate, and the profile likelihood of one
//! parameter, with argmin's Nelder–Mead (two parameters) and Brent (one).
//!
//! Everything here works on the logarithms of the parameters (see
//! [`Family::log_bounds`]); outside the bounds the cost is +∞, which both
//! solvers treat as worse than any point inside.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::brent::BrentOpt;
use argmin::solver::neldermead::NelderMead;

use super::likelihood::{Family, Observations};

/// How closely the solvers pin a maximum down. The reported fit and its
/// intervals are `Fine`; the bootstrap's refits need only the
/// likelihood-ratio statistic to a few decimals, and take a tenth of the
/// evaluations when `Coarse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Precision {
    Fine,
    Coarse,
}

impl Precision {
    /// Nelder–Mead stops when the costs of its vertices differ by less.
    fn simplex_sd(self) -> f64 {
        match self {
            Precision::Fine => 1e-11,
            Precision::Coarse => 1e-8,
        }
    }

    /// Brent's relative and absolute tolerance on a log-parameter.
    fn brent(self) -> (f64, f64) {
        match self {
            Precision::Fine => (1.5e-8, 1e-10),
            Precision::Coarse => (1e-5, 1e-6),
        }
    }
}

/// A maximum of the likelihood, in natural units.
#[derive(Clone, Debug, PartialEq)]
pub struct Maximum {
    /// The estimates, in the order of [`Family::parameters`].
    pub params: Vec<f64>,
    /// The log-likelihood there.
    pub log_likelihood: f64,
}

/// Minus the log-likelihood of log-parameters, +∞ outside the bounds.
struct NegLogLikelihood<'a> {
    family: Family,
    data: &'a Observations,
}

impl NegLogLikelihood<'_> {
    fn at(&self, log_params: &[f64]) -> f64 {
        let inside = log_params.iter().enumerate().all(|(i, &t)| {
            let (low, high) = self.family.log_bounds(i);
            (low..=high).contains(&t)
        });
        if !inside {
            return f64::INFINITY;
        }
        let mut params = [0.0; 2];
        for (param, t) in params.iter_mut().zip(log_params) {
            *param = t.exp();
        }
        let value = -self
            .family
            .log_likelihood(&params[..log_params.len()], self.data);
        // A NaN would stall the simplex; it cannot arise inside the bounds,
        // but a wrong number must never be taken for a good one.
        if value.is_nan() { f64::INFINITY } else { value }
    }
}

impl CostFunction for NegLogLikelihood<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, log_params: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.at(log_params))
    }
}

/// The same with one log-parameter held fixed: a function of the other.
struct Conditional<'a> {
    inner: NegLogLikelihood<'a>,
    fixed: usize,
    value: f64,
}

impl CostFunction for Conditional<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, free: &f64) -> Result<f64, Error> {
        let mut log_params = [self.value, *free];
        if self.fixed == 1 {
            log_params.swap(0, 1);
        }
        Ok(self.inner.at(&log_params))
    }
}

/// Where the search starts: the closed forms for complete data, which
/// censoring moves only a little. `None` when the family has no finite
/// maximum for these data.
fn start(family: Family, data: &Observations) -> Option<Vec<f64>> {
    let n = data.complete().len() as f64;
    let mean = data.complete().iter().sum::<f64>() / n;
    let spread = data.sd_ln().max(0.05);
    match family {
        Family::Exponential => None,
        Family::Gamma => Some(vec![mean.ln(), spread.ln()]),
        Family::Lognormal => Some(vec![data.mean_ln(), spread.ln()]),
    }
}

/// The maximum-likelihood estimate, or `None` when there is none: no
/// complete interval, or (gamma, log-normal) no spread in the data, or a
/// maximum on the edge of the searched range.
pub fn maximise(family: Family, data: &Observations) -> Option<Maximum> {
    maximise_from(family, data, None)
}

/// [`maximise`] starting from `guess` (log-parameters) when given: the
/// bootstrap starts from the parameters that generated its data, and
/// needs the maximum less precisely ([`Precision::Coarse`]).
pub(super) fn maximise_from(
    family: Family,
    data: &Observations,
    guess: Option<&[f64]>,
) -> Option<Maximum> {
    let n = data.complete().len();
    if n == 0 {
        return None;
    }
    if family == Family::Exponential {
        // Closed form: total exposure over the number of events.
        let mean = data.complete().iter().chain(data.censored()).sum::<f64>() / n as f64;
        let (low, high) = family.log_bounds(0);
        return (low..=high).contains(&mean.ln()).then(|| Maximum {
            params: vec![mean],
            log_likelihood: family.log_likelihood(&[mean], data),
        });
    }
    if data.without_spread() {
        return None;
    }
    let (best, cost) = match guess {
        // The bootstrap's refits start next to their maximum.
        Some(guess) => simplex(family, data, guess.to_vec(), Precision::Coarse)?,
        None => {
            // Twice: a simplex can stall on a ridge, and a restart from
            // where it stopped costs little and moves on if it did.
            let start = start(family, data)?;
            let (best, cost) = simplex(family, data, start, Precision::Fine)?;
            match simplex(family, data, best.clone(), Precision::Fine) {
                Some((again, lower)) if lower <= cost => (again, lower),
                _ => (best, cost),
            }
        }
    };
    let on_edge = best.iter().enumerate().any(|(i, &t)| {
        let (low, high) = family.log_bounds(i);
        t - low < 1e-3 || high - t < 1e-3
    });
    (!on_edge && cost.is_finite()).then(|| Maximum {
        params: best.iter().map(|t| t.exp()).collect(),
        log_likelihood: -cost,
    })
}

/// One Nelder–Mead run from `from` (log-parameters); the best point and its
/// cost.
fn simplex(
    family: Family,
    data: &Observations,
    from: Vec<f64>,
    precision: Precision,
) -> Option<(Vec<f64>, f64)> {
    let mut vertices = vec![from.clone()];
    for i in 0..from.len() {
        let mut vertex = from.clone();
        vertex[i] += 0.2;
        vertices.push(vertex);
    }
    let solver = NelderMead::new(vertices)
        .with_sd_tolerance(precision.simplex_sd())
        .ok()?;
    let result = Executor::new(NegLogLikelihood { family, data }, solver)
        .configure(|state| state.max_iters(2_000))
        .timer(false)
        .run()
        .ok()?;
    let state = result.state();
    Some((state.get_best_param()?.clone(), state.get_best_cost()))
}

/// The profile log-likelihood of parameter `index` at log-value `value`:
/// the log-likelihood maximised over the other parameter (Brent's method
/// within `around` ± 6, a factor of 400 either way, inside the bounds).
pub(super) fn profile(
    family: Family,
    data: &Observations,
    index: usize,
    value: f64,
    around: &[f64],
    precision: Precision,
) -> f64 {
    let inner = NegLogLikelihood { family, data };
    if family.parameters().len() == 1 {
        return -inner.at(&[value]);
    }
    let other = 1 - index;
    let (low, high) = family.log_bounds(other);
    let centre = around[other];
    let (from, to) = ((centre - 6.0).max(low), (centre + 6.0).min(high));
    let problem = Conditional {
        inner,
        fixed: index,
        value,
    };
    let (relative, absolute) = precision.brent();
    let solver = BrentOpt::new(from, to).set_tolerance(relative, absolute);
    Executor::new(problem, solver)
        .configure(|state| state.max_iters(200))
        .timer(false)
        .run()
        .map_or(f64::NEG_INFINITY, |result| -result.state().get_best_cost())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(complete: &[f64], censored: &[f64]) -> Observations {
        super::super::likelihood::one_line(complete, censored.first().copied())
    }

    #[test]
    fn the_lognormal_without_censoring_is_the_mean_and_sd_of_the_logs() {
        let x = [62.0, 95.0, 101.0, 140.0, 77.0, 180.0];
        let fit = maximise(Family::Lognormal, &data(&x, &[])).unwrap();
        let logs: Vec<f64> = x.iter().map(|v: &f64| v.ln()).collect();
        let mean = logs.iter().sum::<f64>() / 6.0;
        let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / 6.0).sqrt();
        assert!((fit.params[0] - mean.exp()).abs() < 1e-4 * mean.exp());
        assert!((fit.params[1] - sd).abs() < 1e-4 * sd);
    }

    #[test]
    fn the_profile_at_the_estimate_is_the_maximum() {
        let d = data(&[62.0, 95.0, 101.0, 140.0, 77.0], &[150.0]);
        for family in [Family::Gamma, Family::Lognormal] {
            let fit = maximise(family, &d).unwrap();
            let logs: Vec<f64> = fit.params.iter().map(|p| p.ln()).collect();
            for index in 0..2 {
                let at = profile(family, &d, index, logs[index], &logs, Precision::Fine);
                assert!((at - fit.log_likelihood).abs() < 1e-7, "{family:?} {index}");
                let off = profile(family, &d, index, logs[index] + 0.1, &logs, Precision::Fine);
                assert!(off < fit.log_likelihood);
            }
        }
    }

    #[test]
    fn equal_intervals_have_no_gamma_or_lognormal_maximum() {
        let d = data(&[90.0, 90.0, 90.0], &[10.0]);
        assert!(maximise(Family::Gamma, &d).is_none());
        assert!(maximise(Family::Lognormal, &d).is_none());
        assert!(maximise(Family::Exponential, &d).is_some());
    }
}
