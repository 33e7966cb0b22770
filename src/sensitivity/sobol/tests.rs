use super::*;
use crate::sensitivity::{Groups, SaltelliDesign, SaltelliOptions};

fn design(parameters: usize, base_rows: usize, second_order: bool) -> SaltelliDesign {
    let groups = Groups::ungrouped(parameters).unwrap();
    let options = SaltelliOptions {
        base_rows,
        second_order,
        seed: 5,
    };
    SaltelliDesign::generate(&groups, options).unwrap()
}

fn outputs(design: &SaltelliDesign, model: impl Fn(&[f64]) -> f64) -> Vec<Option<f64>> {
    design.points.iter().map(|x| Some(model(x))).collect()
}

/// y = x0 + 4 x1 x2: parameters 1 and 2 interact.
fn with_interaction(x: &[f64]) -> f64 {
    x[0] + 4.0 * x[1] * x[2]
}

#[test]
fn an_output_count_that_does_not_match_the_design_is_refused() {
    let design = design(2, 8, false);
    let short = vec![Some(1.0); design.points.len() - 1];
    assert_eq!(
        sobol_indices(&design.layout, &short, &Bootstrap::default()),
        Err(SensitivityError::OutputCount {
            got: 31,
            expected: 32
        })
    );
}

#[test]
fn constant_outputs_give_no_index_rather_than_nan() {
    let design = design(3, 16, true);
    let indices = sobol_indices(
        &design.layout,
        &outputs(&design, |_| 0.1),
        &Bootstrap::default(),
    )
    .unwrap();
    assert_eq!(indices.variance, None);
    assert!(indices.first_order.iter().all(Option::is_none));
    assert!(indices.total_order.iter().all(Option::is_none));
    assert_eq!(indices.second_order.len(), 3);
    assert!(
        indices
            .second_order
            .iter()
            .all(|pair| pair.estimate.is_none())
    );
}

#[test]
fn rows_with_a_missing_or_non_finite_output_are_dropped_whole_and_counted() {
    let design = design(3, 16, false);
    let layout = design.layout;
    let mut values = outputs(&design, with_interaction);
    values[layout.ab(3, 1)] = None;
    values[layout.b(7)] = Some(f64::NAN);
    values[layout.a(7)] = None; // the same row twice counts once
    let indices = sobol_indices(&layout, &values, &Bootstrap::default()).unwrap();
    assert_eq!((indices.base_rows_used, indices.base_rows_dropped), (14, 2));
    assert!(indices.first_order.iter().all(Option::is_some));
}

#[test]
fn with_every_row_missing_nothing_is_estimated() {
    let design = design(2, 4, false);
    let nothing = vec![None; design.points.len()];
    let indices = sobol_indices(&design.layout, &nothing, &Bootstrap::default()).unwrap();
    assert_eq!((indices.base_rows_used, indices.base_rows_dropped), (0, 4));
    assert!(indices.first_order.iter().all(Option::is_none));
}

#[test]
fn the_same_seed_gives_the_same_intervals_bit_for_bit_and_another_seed_others() {
    let design = design(3, 64, true);
    let values = outputs(&design, with_interaction);
    let bootstrap = Bootstrap {
        resamples: 200,
        seed: 9,
    };
    let once = sobol_indices(&design.layout, &values, &bootstrap).unwrap();
    let again = sobol_indices(&design.layout, &values, &bootstrap).unwrap();
    assert_eq!(once, again);
    let other = Bootstrap {
        seed: 10,
        ..bootstrap
    };
    let elsewhere = sobol_indices(&design.layout, &values, &other).unwrap();
    assert_eq!(
        once.first_order[0].unwrap().value,
        elsewhere.first_order[0].unwrap().value
    );
    assert_ne!(
        once.first_order[0].unwrap().ci95,
        elsewhere.first_order[0].unwrap().ci95
    );
}

#[test]
fn no_resamples_give_values_without_intervals() {
    let design = design(3, 16, false);
    let bootstrap = Bootstrap {
        resamples: 0,
        seed: 0,
    };
    let indices = sobol_indices(
        &design.layout,
        &outputs(&design, with_interaction),
        &bootstrap,
    )
    .unwrap();
    let first = indices.first_order[0].unwrap();
    assert_eq!((first.standard_error, first.ci95), (None, None));
}

#[test]
fn a_large_offset_on_the_output_changes_no_index() {
    // Centring is part of the estimator; without it the first-order
    // estimator would gain offset * mean(f(AB) - f(A)) / V.
    let design = design(3, 256, true);
    let plain = outputs(&design, with_interaction);
    let offset = outputs(&design, |x| with_interaction(x) + 1.0e6);
    let bootstrap = Bootstrap {
        resamples: 100,
        seed: 1,
    };
    let plain = sobol_indices(&design.layout, &plain, &bootstrap).unwrap();
    let offset = sobol_indices(&design.layout, &offset, &bootstrap).unwrap();
    let values = |indices: &SobolIndices| -> Vec<f64> {
        let singles = indices.first_order.iter().chain(&indices.total_order);
        let pairs = indices.second_order.iter().map(|pair| &pair.estimate);
        singles
            .chain(pairs)
            .map(|estimate| estimate.unwrap().value)
            .collect()
    };
    for (without, with) in values(&plain).into_iter().zip(values(&offset)) {
        // Adding 1e6 rounds each output at about 1e-10 of its size; that
        // is all that may change.
        assert!((without - with).abs() < 1e-8, "{without} vs {with}");
    }
}

#[test]
fn groups_get_one_index_each_and_pairs_come_in_order() {
    let groups = Groups::new(vec![0, 1, 1]).unwrap();
    let options = SaltelliOptions {
        base_rows: 512,
        second_order: true,
        seed: 3,
    };
    let design = SaltelliDesign::generate(&groups, options).unwrap();
    // Grouping 1 and 2 takes their interaction inside the group: the
    // output is additive in the groups, so S1 = ST per group.
    let values = outputs(&design, with_interaction);
    let indices = sobol_indices(&design.layout, &values, &Bootstrap::default()).unwrap();
    assert_eq!(indices.first_order.len(), 2);
    let pairs: Vec<(usize, usize)> = indices
        .second_order
        .iter()
        .map(|pair| (pair.first, pair.second))
        .collect();
    assert_eq!(pairs, vec![(0, 1)]);
    // Var(x0) = 1/12; Var(4 x1 x2) = 16 (1/9 - 1/16) = 7/9.
    let total = 1.0 / 12.0 + 7.0 / 9.0;
    for (group, share) in [(0, 1.0 / 12.0 / total), (1, 7.0 / 9.0 / total)] {
        for estimate in [indices.first_order[group], indices.total_order[group]] {
            let estimate = estimate.unwrap();
            assert!(
                estimate.ci95.unwrap().contains(share),
                "group {group}: {estimate:?} vs {share}"
            );
        }
    }
}

#[test]
fn outputs_too_large_to_square_give_no_index_rather_than_infinity() {
    let design = design(2, 16, false);
    let values = outputs(&design, |x| 1.0e300 * x[0]);
    let indices = sobol_indices(&design.layout, &values, &Bootstrap::default()).unwrap();
    assert_eq!(indices.variance, None);
    assert!(indices.first_order.iter().all(Option::is_none));
}
