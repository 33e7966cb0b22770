//! The estimators against functions whose indices are known in closed form:
//! Ishigami's and Sobol's G. Each analytic index must lie in the 95%
//! interval the bootstrap gives its estimate, so the tolerance is the
//! estimator's own uncertainty, not a guess.

use std::f64::consts::PI;

use super::*;

/// Ishigami's a and b, the usual values.
const ISHIGAMI_A: f64 = 7.0;
const ISHIGAMI_B: f64 = 0.1;

/// sin x1 + a sin² x2 + b x3⁴ sin x1, inputs uniform on [-π, π].
fn ishigami(unit: &[f64]) -> f64 {
    let x: Vec<f64> = unit.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + ISHIGAMI_A * x[1].sin().powi(2) + ISHIGAMI_B * x[2].powi(4) * x[0].sin()
}

/// Ishigami's S1, ST and S13 (the only non-zero S2) from its variance
/// components. With E[sin² x] = 1/2, E[x⁴] = π⁴/5, E[x⁸] = π⁸/9:
///
/// - V1 = Var((1 + b x3⁴) sin x1 | x1) = (1 + b π⁴/5)² / 2
///   = 1/2 + b π⁴/5 + b² π⁸/50;
/// - V2 = a² Var(sin² x2) = a² (3/8 - 1/4) = a²/8;
/// - V13 = Var(b x3⁴) E[sin² x1] = b² (π⁸/9 - π⁸/25) / 2 = 8 b² π⁸/225;
/// - V3 = V12 = V23 = V123 = 0.
fn ishigami_indices() -> ([f64; 3], [f64; 3], f64) {
    let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
    let v1 = 0.5 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 50.0;
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
    let v = v1 + v2 + v13;
    (
        [v1 / v, v2 / v, 0.0],
        [(v1 + v13) / v, v2 / v, v13 / v],
        v13 / v,
    )
}

/// Sobol's G-function coefficients: smaller is more important.
const G_COEFFICIENTS: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

/// Π (|4 x_i - 2| + a_i) / (1 + a_i), inputs uniform on [0, 1].
fn g_function(x: &[f64]) -> f64 {
    x.iter()
        .zip(G_COEFFICIENTS)
        .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
        .product()
}

/// G's S1 and ST: V_i = 1 / (3 (1 + a_i)²), V = Π (1 + V_i) - 1,
/// S1_i = V_i / V, ST_i = V_i Π_{j≠i} (1 + V_j) / V.
fn g_indices() -> (Vec<f64>, Vec<f64>) {
    let partial: Vec<f64> = G_COEFFICIENTS
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a).powi(2)))
        .collect();
    let whole: f64 = partial.iter().map(|v| 1.0 + v).product();
    let v = whole - 1.0;
    let first = partial.iter().map(|vi| vi / v).collect();
    let total = partial
        .iter()
        .map(|vi| vi * whole / (1.0 + vi) / v)
        .collect();
    (first, total)
}

/// The Sobol' indices of a model over a fresh Saltelli design.
fn estimate(parameters: usize, second_order: bool, model: fn(&[f64]) -> f64) -> SobolIndices {
    let groups = Groups::ungrouped(parameters).unwrap();
    let options = SaltelliOptions {
        base_rows: 4096,
        second_order,
        seed: 2024,
    };
    let design = SaltelliDesign::generate(&groups, options).unwrap();
    let outputs: Vec<Option<f64>> = design.points.iter().map(|x| Some(model(x))).collect();
    let bootstrap = Bootstrap {
        resamples: DEFAULT_RESAMPLES,
        seed: 2025,
    };
    sobol_indices(&design.layout, &outputs, &bootstrap).unwrap()
}

/// Every (name, estimate, truth) whose truth lies outside the interval.
fn misses<'a>(
    checks: impl IntoIterator<Item = (String, &'a Option<Estimate>, f64)>,
) -> Vec<String> {
    checks
        .into_iter()
        .filter_map(|(name, estimate, truth)| {
            let estimate = estimate.expect("outputs vary, so every index is defined");
            let interval = estimate.ci95.expect("1,000 resamples give an interval");
            (!interval.contains(truth)).then(|| format!("{name}: {truth} not in {interval:?}"))
        })
        .collect()
}

#[test]
fn ishigami_analytic_indices_lie_in_their_bootstrap_intervals() {
    let (first, total, s13) = ishigami_indices();
    // The derivation, checked against the values in the literature.
    let literature = ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]);
    for (derived, quoted) in first
        .iter()
        .chain(&total)
        .zip(literature.0.iter().chain(&literature.1))
    {
        assert!((derived - quoted).abs() < 5e-5, "{derived} vs {quoted}");
    }
    let indices = estimate(3, true, ishigami);
    let mut checks = Vec::new();
    for i in 0..3 {
        checks.push((format!("S1[{i}]"), &indices.first_order[i], first[i]));
        checks.push((format!("ST[{i}]"), &indices.total_order[i], total[i]));
    }
    for pair in &indices.second_order {
        let truth = if (pair.first, pair.second) == (0, 2) {
            s13
        } else {
            0.0
        };
        checks.push((
            format!("S2[{},{}]", pair.first, pair.second),
            &pair.estimate,
            truth,
        ));
    }
    let misses = misses(checks);
    assert!(misses.is_empty(), "{misses:#?}");
}

#[test]
fn g_function_analytic_indices_lie_in_their_bootstrap_intervals() {
    let (first, total) = g_indices();
    let indices = estimate(8, false, g_function);
    let mut checks = Vec::new();
    for i in 0..8 {
        checks.push((format!("S1[{i}]"), &indices.first_order[i], first[i]));
        checks.push((format!("ST[{i}]"), &indices.total_order[i], total[i]));
    }
    let misses = misses(checks);
    assert!(misses.is_empty(), "{misses:#?}");
}

#[test]
fn morris_mu_star_ranks_the_g_function_parameters_by_their_coefficients() {
    let groups = Groups::ungrouped(8).unwrap();
    let options = MorrisOptions {
        trajectories: 50,
        levels: 4,
        seed: 2024,
    };
    let design = MorrisDesign::generate(&groups, options).unwrap();
    let outputs: Vec<Option<f64>> = design.points.iter().map(|x| Some(g_function(x))).collect();
    let indices = morris_indices(&design.layout, &outputs, &Bootstrap::default()).unwrap();
    let mu_star: Vec<f64> = indices
        .groups
        .iter()
        .map(|group| group.mu_star.unwrap().value)
        .collect();
    // Strictly decreasing over a = 0, 1, 4.5, 9; the four a = 99 below
    // all of them, in any order among themselves.
    for i in 0..3 {
        assert!(mu_star[i] > mu_star[i + 1], "{mu_star:?}");
    }
    assert!(
        mu_star[4..].iter().all(|&tied| tied < mu_star[3]),
        "{mu_star:?}"
    );
}
