use super::*;
use crate::sensitivity::{Groups, MorrisDesign, MorrisOptions};

fn design(groups: &Groups, trajectories: usize) -> MorrisDesign {
    let options = MorrisOptions {
        trajectories,
        levels: 4,
        seed: 8,
    };
    MorrisDesign::generate(groups, options).unwrap()
}

fn outputs(design: &MorrisDesign, model: impl Fn(&[f64]) -> f64) -> Vec<Option<f64>> {
    design.points.iter().map(|x| Some(model(x))).collect()
}

fn linear(x: &[f64]) -> f64 {
    3.0 * x[0] - 2.0 * x[1] + 0.5 * x[2]
}

#[test]
fn a_linear_output_gives_its_coefficients_whichever_way_the_steps_go() {
    let groups = Groups::ungrouped(3).unwrap();
    let design = design(&groups, 30);
    let indices = morris_indices(
        &design.layout,
        &outputs(&design, linear),
        &Bootstrap::default(),
    )
    .unwrap();
    for (index, coefficient) in indices.groups.iter().zip([3.0, -2.0, 0.5]) {
        assert!((index.mu.unwrap() - coefficient).abs() < 1e-9);
        assert!((index.mu_star.unwrap().value - f64::abs(coefficient)).abs() < 1e-9);
        assert!(index.sigma.unwrap() < 1e-9);
    }
}

#[test]
fn a_group_moving_together_gets_the_sum_of_its_coefficients() {
    let groups = Groups::new(vec![0, 1, 0]).unwrap();
    let design = design(&groups, 30);
    let indices = morris_indices(
        &design.layout,
        &outputs(&design, linear),
        &Bootstrap::default(),
    )
    .unwrap();
    assert!((indices.groups[0].mu.unwrap() - 3.5).abs() < 1e-9);
    assert!((indices.groups[1].mu.unwrap() + 2.0).abs() < 1e-9);
}

#[test]
fn trajectories_with_a_missing_or_non_finite_output_are_dropped_whole_and_counted() {
    let groups = Groups::ungrouped(3).unwrap();
    let design = design(&groups, 10);
    let layout = &design.layout;
    let mut values = outputs(&design, linear);
    values[layout.point(2, 3)] = None;
    values[layout.point(5, 0)] = Some(f64::INFINITY);
    let indices = morris_indices(layout, &values, &Bootstrap::default()).unwrap();
    assert_eq!(
        (indices.trajectories_used, indices.trajectories_dropped),
        (8, 2)
    );
    assert!((indices.groups[0].mu.unwrap() - 3.0).abs() < 1e-9);
}

#[test]
fn one_usable_trajectory_gives_means_but_no_sigma_or_interval() {
    let groups = Groups::ungrouped(3).unwrap();
    let design = design(&groups, 2);
    let mut values = outputs(&design, linear);
    values[design.layout.point(0, 1)] = None;
    let indices = morris_indices(&design.layout, &values, &Bootstrap::default()).unwrap();
    let first = indices.groups[0];
    assert!(first.mu.is_some());
    assert_eq!(first.sigma, None);
    let mu_star = first.mu_star.unwrap();
    assert_eq!((mu_star.standard_error, mu_star.ci95), (None, None));
}

#[test]
fn no_usable_trajectory_gives_nothing() {
    let groups = Groups::ungrouped(2).unwrap();
    let design = design(&groups, 3);
    let nothing = vec![None; design.points.len()];
    let indices = morris_indices(&design.layout, &nothing, &Bootstrap::default()).unwrap();
    assert_eq!(indices.trajectories_used, 0);
    let empty = MorrisIndex {
        mu: None,
        mu_star: None,
        sigma: None,
    };
    assert_eq!(indices.groups, vec![empty; 2]);
}

#[test]
fn an_output_count_that_does_not_match_the_design_is_refused() {
    let groups = Groups::ungrouped(2).unwrap();
    let design = design(&groups, 3);
    assert_eq!(
        morris_indices(&design.layout, &[Some(1.0)], &Bootstrap::default()),
        Err(SensitivityError::OutputCount {
            got: 1,
            expected: 9
        })
    );
}

#[test]
fn the_same_seed_gives_the_same_interval_bit_for_bit() {
    let groups = Groups::ungrouped(3).unwrap();
    let design = design(&groups, 20);
    let values = outputs(&design, |x| x[0] * x[1] + x[2].powi(2));
    let bootstrap = Bootstrap {
        resamples: 300,
        seed: 2,
    };
    let once = morris_indices(&design.layout, &values, &bootstrap).unwrap();
    assert_eq!(
        once,
        morris_indices(&design.layout, &values, &bootstrap).unwrap()
    );
    let other = Bootstrap {
        seed: 3,
        ..bootstrap
    };
    let elsewhere = morris_indices(&design.layout, &values, &other).unwrap();
    assert_ne!(
        once.groups[0].mu_star.unwrap().ci95,
        elsewhere.groups[0].mu_star.unwrap().ci95
    );
}

#[test]
fn a_step_whose_difference_overflows_drops_its_trajectory() {
    let groups = Groups::ungrouped(2).unwrap();
    let design = design(&groups, 6);
    let values = outputs(&design, |x| if x[0] > 0.5 { f64::MAX } else { -f64::MAX });
    let indices = morris_indices(&design.layout, &values, &Bootstrap::default()).unwrap();
    assert_eq!(indices.trajectories_used, 0);
    assert_eq!(indices.groups[0].mu, None);
}
