//! Quasi-p-values (Bryant and Lempert 2010), as EMA Workbench computes
//! them: for each limit of a box that is not the whole space's, the
//! one-sided binomial probability of finding at least the box's cases
//! among its worlds if each held the condition with the density of the
//! box with that one limit removed.
//!
//! Small means the limit matters: without it the box would be much less
//! dense. A box chosen from a trajectory has been picked for its density,
//! so these are not p-values in the strict sense (hence "quasi").

use statrs::function::beta::beta_reg;

use super::box_limits::{Bounds, Counts};
use super::points::Points;

/// One limit of a box on one side of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The limit (inclusive).
    pub value: f64,
    /// Its quasi-p-value.
    pub quasi_p: f64,
}

/// The limits of a box on one parameter it restricts.
#[derive(Debug, Clone, PartialEq)]
pub struct Restriction {
    /// The parameter's column.
    pub parameter: usize,
    /// The lower limit, if above the smallest value of the worlds.
    pub lower: Option<Limit>,
    /// The upper limit, if below the largest value of the worlds.
    pub upper: Option<Limit>,
}

impl Restriction {
    /// The larger quasi-p-value of its limits: the restriction is only as
    /// sure as its least sure side.
    pub fn quasi_p(&self) -> f64 {
        [self.lower, self.upper]
            .into_iter()
            .flatten()
            .map(|limit| limit.quasi_p)
            .fold(0.0, f64::max)
    }
}

/// P(X ≥ k) for X binomial with `n` trials of probability `p`: scipy's
/// `binomtest(k, n, p, alternative="greater").pvalue`.
pub fn binomial_upper_tail(k: usize, n: usize, p: f64) -> f64 {
    debug_assert!(k <= n && (0.0..=1.0).contains(&p));
    if k == 0 || p >= 1.0 {
        1.0
    } else if p <= 0.0 {
        0.0
    } else {
        // P(X ≥ k) = I_p(k, n - k + 1), the regularized incomplete beta.
        beta_reg(k as f64, (n - k + 1) as f64, p)
    }
}

/// The restrictions of the box `limits` holding `counts`, each limit with
/// its quasi-p-value, in column order.
///
/// One pass over the worlds: a world outside the box that breaks exactly
/// one limit is inside the box without that limit, so the box without
/// limit `l` holds the box's worlds plus those that break `l` alone.
pub(crate) fn restrictions(
    points: &Points,
    init: &[Bounds],
    limits: &[Bounds],
    counts: Counts,
) -> Vec<Restriction> {
    // The limits that are not the whole space's: (parameter, is the lower).
    let sides: Vec<(usize, bool)> = (limits.iter().zip(init).enumerate())
        .flat_map(|(j, (bounds, whole))| {
            let lower = (bounds.lower != whole.lower).then_some((j, true));
            let upper = (bounds.upper != whole.upper).then_some((j, false));
            lower.into_iter().chain(upper)
        })
        .collect();
    let mut beyond_one = vec![
        Counts {
            worlds: 0,
            cases: 0
        };
        sides.len()
    ];
    for (world, &holds) in points.condition().iter().enumerate() {
        let mut broken = sides.iter().enumerate().filter(|&(_, &(j, lower))| {
            let value = points.column(j)[world];
            if lower {
                value < limits[j].lower
            } else {
                value > limits[j].upper
            }
        });
        if let (Some((only, _)), None) = (broken.next(), broken.next()) {
            beyond_one[only].worlds += 1;
            beyond_one[only].cases += usize::from(holds);
        }
    }
    let mut found: Vec<Restriction> = Vec::new();
    for (&(j, lower), extra) in sides.iter().zip(beyond_one) {
        let without = Counts {
            worlds: counts.worlds + extra.worlds,
            cases: counts.cases + extra.cases,
        };
        let limit = Limit {
            value: if lower {
                limits[j].lower
            } else {
                limits[j].upper
            },
            quasi_p: binomial_upper_tail(counts.cases, counts.worlds, without.mean()),
        };
        match found.last_mut() {
            Some(last) if last.parameter == j => last.upper = Some(limit),
            _ if lower => found.push(Restriction {
                parameter: j,
                lower: Some(limit),
                upper: None,
            }),
            _ => found.push(Restriction {
                parameter: j,
                lower: None,
                upper: Some(limit),
            }),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upper_tail_is_the_sum_of_the_binomial_terms() {
        // P(X ≥ 8), X ~ B(10, 1/2) = (45 + 10 + 1) / 1024.
        let tail = binomial_upper_tail(8, 10, 0.5);
        assert!((tail / (56.0 / 1024.0) - 1.0).abs() < 1e-12, "{tail}");
        // P(X ≥ 3), X ~ B(3, 0.2) = 0.008.
        assert!((binomial_upper_tail(3, 3, 0.2) / 0.008 - 1.0).abs() < 1e-12);
        // P(X ≥ 1), X ~ B(4, 0.3) = 1 - 0.7^4.
        let tail = binomial_upper_tail(1, 4, 0.3);
        assert!(
            (tail / (1.0 - 0.7f64.powi(4)) - 1.0).abs() < 1e-12,
            "{tail}"
        );
        assert_eq!(binomial_upper_tail(0, 5, 0.4), 1.0);
        assert_eq!(binomial_upper_tail(2, 5, 0.0), 0.0);
        assert_eq!(binomial_upper_tail(5, 5, 1.0), 1.0);
    }

    #[test]
    fn the_upper_tail_matches_scipy() {
        // scipy 1.17.1: stats.binomtest(k, n, p, alternative="greater").pvalue
        let cases = [
            (45, 50, 0.5, 2.104926011270436e-09_f64),
            (60, 100, 0.5, 0.028443966820490444),
            (90, 100, 0.12, 6.546208992180159e-71),
            (30, 200, 0.15, 0.5302659404529761),
        ];
        for (k, n, p, scipy) in cases {
            let tail = binomial_upper_tail(k, n, p);
            assert!(
                (tail / scipy - 1.0).abs() < 1e-9,
                "k {k} n {n} p {p}: {tail} vs {scipy}"
            );
        }
    }
}
