//! Adopters integrated over a step, exactly: the Bass curve's mean over the
//! step, and the mean of the share of an adopter's choice that survives
//! switching.
//!
//! Within a step of length Δ the choice probabilities π_i are constant, the
//! segment's adopters A(t) = M·F(t) follow the Bass curve exactly, and a
//! model's adopters follow da_i/dt = −s·a_i + π_i·(s·A + A′), whose solution
//! a_i(t) = π_i·A(t) + (a_i(0) − π_i·A(0))·e^{−st} is, at Δ, the
//! expected-value step a_i(Δ) = a_i(0)·(1 − L) + π_i·(N + L·A(0)) with
//! L = 1 − e^{−sΔ}. Its integral is therefore
//!
//!   ∫₀^Δ a_i dt = Δ·[a_i(0)·ψ + π_i·(Ā − A(0)·ψ)],
//!
//! where ψ = (1 − e^{−sΔ})/(sΔ) (the [`Decay`] of sΔ) and Ā is the mean of
//! A over the step, A(0) + M·[`mean_bass_gain`].

/// A decay at a constant rate over a step, z = rate × the step's length,
/// with one exponential.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Decay {
    /// e^{−z}: the share left after the step.
    pub left: f64,
    /// 1 − e^{−z}, accurate for tiny z.
    pub lost: f64,
    /// (1 − e^{−z})/z: the share left, averaged over the step.
    pub mean: f64,
}

impl Decay {
    pub(super) fn over(z: f64) -> Decay {
        if z == 0.0 {
            return Decay {
                left: 1.0,
                lost: 0.0,
                mean: 1.0,
            };
        }
        let (left, lost) = if z < 0.5 {
            // 1 − e^{−z} would cancel: take it from `exp_m1`, and e^{−z}
            // from it, which above 0.6 loses nothing.
            let lost = -(-z).exp_m1();
            (1.0 - lost, lost)
        } else {
            let left = (-z).exp();
            (left, 1.0 - left)
        };
        Decay {
            left,
            lost,
            mean: lost / z,
        }
    }
}

/// The mean over a step of `years` of F(t) − F(0), for the Bass fraction
/// F(t) from `fraction` to `next`, with `decay` = e^{−(p+q)Δ} and
/// `decay_mean` = (1 − `decay`)/((p + q)Δ) (see [`Decay`], kept per step
/// length).
///
/// With G = p + qF, the Bass equation gives d ln G/dt = q(1 − F), so
/// ∫(1 − F) dt = ln(G(Δ)/G(0))/q, and G(Δ)/G(0) = 1/(1 + x) with
/// x = −qΔ(1 − F(0))·φ, φ = `decay_mean`. Written as
/// (1 − F(0))·(1 − φ·ln(1 + x)/x), this holds for every p, q ≥ 0: for
/// q = 0 (x = 0), F grows as 1 − (1 − F(0))e^{−pt}; for p = 0 it is the
/// logistic's ∫F dt = Δ + ln(F(0) + (1 − F(0))e^{−qΔ})/q. ln(1 + x)/x is
/// taken by [`log_ratio`] down to x = −1/2 and beyond as the log of a sum
/// of positive terms, so no step length or coefficient loses it. When
/// innovation is negligible
/// ([`imitation_only`](super::imitation_only)) p is taken as 0, as the step
/// does. The result is kept within [0, next − fraction], where a monotone F
/// must put it.
pub(super) fn mean_bass_gain(
    fraction: f64,
    next: f64,
    (p, q): (f64, f64),
    years: f64,
    decay: f64,
    decay_mean: f64,
) -> f64 {
    let gain = next - fraction;
    if gain.is_nan() || gain <= 0.0 {
        return 0.0;
    }
    let p = if super::imitation_only(p, q) { 0.0 } else { p };
    let x = -q * years * (1.0 - fraction) * decay_mean;
    let log_ratio = if x > -0.5 {
        log_ratio(x)
    } else {
        // 1 + x = (p + qF(0) + q(1 − F(0))e^{−(p+q)Δ})/(p + q): no cancellation.
        let rest = (p + q * fraction + q * (1.0 - fraction) * decay) / (p + q);
        rest.ln() / x
    };
    let mean = (1.0 - fraction) * (1.0 - decay_mean * log_ratio);
    // `max` first: a NaN (which no valid input gives) becomes 0.
    mean.max(0.0).min(gain)
}

/// ln(1 + x)/x for x in (−1/2, 0]. Near 0, where a step of days puts it,
/// by the series Σ (−x)^n/(n + 1), whose terms left out are below 2^−56/9
/// of it: no logarithm to compute on the hot path. Further out, `ln_1p`.
fn log_ratio(x: f64) -> f64 {
    if x > -1.0 / 128.0 {
        let x2 = x * x;
        (1.0 - x * 0.5)
            + x2 * (1.0 / 3.0 - x * 0.25)
            + x2 * x2 * ((0.2 - x * (1.0 / 6.0)) + x2 * (1.0 / 7.0 - x * 0.125))
    } else {
        x.ln_1p() / x
    }
}

#[cfg(test)]
mod tests {
    use super::super::{bass_advance, bass_closed_form};
    use super::*;

    /// The mean gain of one step as the step computes it.
    fn step_gain(fraction: f64, (p, q): (f64, f64), years: f64) -> f64 {
        let next = bass_advance(fraction, p, q, years);
        let decay = Decay::over((p + q) * years);
        mean_bass_gain(fraction, next, (p, q), years, decay.left, decay.mean)
    }

    /// ∫₀^t F from F(0) = 0, in years, from the closed form
    /// t + ln((1 + r e^{−(p+q)t})/(1 + r))/q, r = q/p.
    fn closed_form_integral(p: f64, q: f64, years: f64) -> f64 {
        let r = q / p;
        years + ((1.0 + r * (-(p + q) * years).exp()) / (1.0 + r)).ln() / q
    }

    #[test]
    fn steps_of_any_length_integrate_the_bass_curve_exactly() {
        let (p, q) = (0.03, 0.38);
        let total = 2.0;
        for steps in [1, 3, 104, 730] {
            let years = total / f64::from(steps);
            let (mut fraction, mut integral) = (0.0, 0.0);
            for _ in 0..steps {
                integral += (fraction + step_gain(fraction, (p, q), years)) * years;
                fraction = bass_advance(fraction, p, q, years);
            }
            let exact = closed_form_integral(p, q, total);
            assert!(
                (integral / exact - 1.0).abs() < 1e-12,
                "{steps} steps: {integral} vs {exact}"
            );
            assert!((fraction - bass_closed_form(p, q, total)).abs() < 1e-12);
        }
    }

    #[test]
    fn pure_imitation_and_pure_innovation_integrate_their_closed_forms() {
        // Logistic: ∫F = Δ + ln(F0 + (1 − F0)e^{−qΔ})/q.
        let (f0, q, years): (f64, f64, f64) = (0.1, 1.5, 0.7);
        let exact = years + (f0 + (1.0 - f0) * (-q * years).exp()).ln() / q;
        let mean = f0 + step_gain(f0, (0.0, q), years);
        assert!((mean * years / exact - 1.0).abs() < 1e-13, "{mean}");
        // Innovation alone: F = 1 − (1 − F0)e^{−pt}.
        let p = 0.4;
        let exact = years - (1.0 - f0) * (1.0 - (-p * years).exp()) / p;
        let mean = f0 + step_gain(f0, (p, 0.0), years);
        assert!((mean * years / exact - 1.0).abs() < 1e-13, "{mean}");
    }

    #[test]
    fn extreme_coefficients_and_steps_give_a_mean_within_the_step() {
        for (fraction, p, q, years) in [
            (0.0, 0.0, 0.0, 1.0),
            (0.3, 0.0, 0.0, 1.0),
            (0.0, 0.0, 1e4, 1.0),
            (0.1, 0.0, 1e4, 1.0),
            (1e-20, 0.0, 1e4, 1.0),
            (1e-300, 0.0, 1e4, 1.0),
            (0.0, 5e-324, 1e4, 1.0 / 365.25),
            (0.3, 5e-324, 1e4, 1.0 / 365.25),
            (0.0, 1e-8, 1e4, 1.0),
            (0.0, 1e-300, 1e-290, 1.0),
            (0.5, 1e4, 1e4, 1.0),
            (0.0, 1e4, 0.0, 1.0),
            (0.0, 1e-300, 0.0, 1.0 / 8766.0),
            (0.999_999, 0.02, 0.4, 1.0 / 8766.0),
            (1.0, 0.02, 0.4, 1.0),
        ] {
            let next = bass_advance(fraction, p, q, years);
            let gain = step_gain(fraction, (p, q), years);
            assert!(
                gain.is_finite() && (0.0..=next - fraction).contains(&gain),
                "{fraction} {p} {q} {years}: {gain} of {}",
                next - fraction
            );
        }
        // A year of q = 10^4 from a trace: adoption is complete almost at
        // once, after ln(1/F0)/q years.
        let gain = step_gain(1e-20, (0.0, 1e4), 1.0);
        let expected = 1.0 - (1e20f64).ln() / 1e4;
        assert!((gain / expected - 1.0).abs() < 1e-12, "{gain}");
    }

    #[test]
    fn the_series_of_the_log_ratio_meets_ln_1p_where_it_takes_over() {
        assert_eq!(log_ratio(0.0), 1.0);
        for i in 1..=1000 {
            let x = -f64::from(i) / 1000.0 / 128.0;
            let exact = x.ln_1p() / x;
            assert!(
                (log_ratio(x) / exact - 1.0).abs() < 1e-15,
                "{x}: {:e}",
                log_ratio(x) / exact - 1.0
            );
        }
        let edge = -1.0 / 128.0 - 1e-12;
        assert!((log_ratio(edge) / log_ratio(-1.0 / 128.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_decay_is_one_at_zero_and_accurate_near_it_and_far() {
        let none = Decay {
            left: 1.0,
            lost: 0.0,
            mean: 1.0,
        };
        assert_eq!(Decay::over(0.0), none);
        let tiniest = Decay::over(5e-324);
        assert_eq!(
            (tiniest.left, tiniest.lost, tiniest.mean),
            (1.0, 5e-324, 1.0)
        );
        let small = Decay::over(1e-9);
        assert!((small.mean - (1.0 - 0.5e-9)).abs() < 1e-18);
        assert!((small.lost / (1e-9 - 0.5e-18) - 1.0).abs() < 1e-15);
        assert_eq!(small.left, 1.0 - 1e-9);
        for z in [0.1, 0.4999, 0.5, 3.0, 700.0] {
            let decay = Decay::over(z);
            let left = (-z).exp();
            assert!((decay.left / left - 1.0).abs() < 1e-15, "{z}");
            assert!((decay.mean / ((1.0 - left) / z) - 1.0).abs() < 1e-15, "{z}");
        }
        assert!((Decay::over(2e4).mean - 0.5e-4).abs() < 1e-20);
        assert_eq!(Decay::over(2e4).left, 0.0);
    }
}
