use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::*;
use crate::sensitivity::Interval;
use crate::stats::Accumulator;

fn point(replications: u64, mean: f64, variance: f64) -> PointReplications {
    PointReplications {
        replications,
        mean,
        variance,
    }
}

#[test]
fn known_within_and_between_variances_are_recovered_exactly() {
    // Means -1, 0, 1 have sample variance 1; within variances 1, 2, 3 over
    // 4, 4, 2 replications give noise variances 0.25, 0.5, 1.5.
    let points = [point(4, -1.0, 1.0), point(4, 0.0, 2.0), point(2, 1.0, 3.0)];
    let noise = replication_noise(&points).unwrap();
    assert_eq!(noise.variance_of_means, 1.0);
    assert_eq!(noise.noise_variance, 0.75);
    assert_eq!(noise.within_variance, 2.0);
    assert_eq!(noise.between_variance, 0.25);
    assert_eq!(noise.noise_share, Some(0.75));
    // 2 / (0.5 * 0.25) = 16.
    assert_eq!(noise.replications_needed(0.5), Ok(Some(16)));
}

#[test]
fn simulated_replications_recover_the_within_and_between_variances() {
    // 4,000 points whose true values have variance 1, each run 5 times
    // with noise of variance 4: noise of a mean 0.8, of the means 1.8.
    let (points, replications) = (4000, 5);
    let (between, within) = (1.0, 4.0);
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let truth = Normal::new(0.0, f64::sqrt(between)).unwrap();
    let noise = Normal::new(0.0, f64::sqrt(within)).unwrap();
    let runs: Vec<PointReplications> = (0..points)
        .map(|_| {
            let value = truth.sample(&mut rng);
            let mut accumulator = Accumulator::default();
            for _ in 0..replications {
                accumulator.add(value + noise.sample(&mut rng)).unwrap();
            }
            PointReplications::from_summary(&accumulator.summary()).unwrap()
        })
        .collect();
    let estimated = replication_noise(&runs).unwrap();
    let m = points as f64;
    let n = replications as f64;
    // Standard errors of the two variance estimates (normal data): a sample
    // variance over k - 1 degrees of freedom has variance 2 σ⁴ / (k - 1).
    let within_se = f64::sqrt(2.0 * within * within / (n - 1.0) / m);
    let means_variance = between + within / n;
    let means_se = means_variance * f64::sqrt(2.0 / (m - 1.0));
    let between_se = f64::hypot(means_se, within_se / n);
    assert!((estimated.within_variance - within).abs() < 4.0 * within_se);
    assert!((estimated.between_variance - between).abs() < 4.0 * between_se);
    let share = within / n / means_variance;
    let share_se = share * f64::hypot(within_se / within, means_se / means_variance);
    assert!((estimated.noise_share.unwrap() - share).abs() < 4.0 * share_se);
}

#[test]
fn the_replications_needed_bring_the_noise_share_below_the_threshold() {
    let noise = replication_noise(&[
        point(10, 0.0, 5.0),
        point(10, 2.0, 5.0),
        point(10, 4.0, 5.0),
    ])
    .unwrap();
    let threshold = 0.05;
    let needed = noise.replications_needed(threshold).unwrap().unwrap();
    let noise_then = noise.within_variance / needed as f64;
    assert!(noise_then / (noise.between_variance + noise_then) < threshold);
    let one_fewer = noise.within_variance / (needed - 1) as f64;
    assert!(one_fewer > threshold * noise.between_variance);
}

#[test]
fn when_noise_explains_all_the_variance_no_replication_count_is_given() {
    let noise = replication_noise(&[point(2, 0.0, 8.0), point(2, 1.0, 8.0)]).unwrap();
    assert!(noise.between_variance < 0.0);
    assert_eq!(noise.noise_share, Some(1.0));
    assert_eq!(noise.replications_needed(0.1), Ok(None));
}

#[test]
fn thresholds_outside_zero_to_one_are_refused() {
    let noise = replication_noise(&[point(4, 0.0, 1.0), point(4, 3.0, 1.0)]).unwrap();
    for threshold in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            noise.replications_needed(threshold),
            Err(SensitivityError::ThresholdOutOfRange { .. })
        ));
    }
}

#[test]
fn points_without_two_replications_are_skipped_and_two_usable_points_are_needed() {
    let points = [
        point(1, 5.0, 0.0),
        point(3, 1.0, f64::NAN),
        point(3, 0.0, 1.0),
    ];
    assert_eq!(replication_noise(&points), None);
    let more = [points[0], points[2], point(3, 1.0, 1.0)];
    let noise = replication_noise(&more).unwrap();
    assert_eq!((noise.points_used, noise.points_skipped), (2, 1));
    let same = [point(3, 1.0, 0.0), point(3, 1.0, 0.0)];
    assert_eq!(replication_noise(&same).unwrap().noise_share, None);
}

#[test]
fn an_index_whose_interval_reaches_the_floor_is_noise_dominated() {
    let estimate = |low, high| Estimate {
        value: (low + high) / 2.0,
        standard_error: Some((high - low) / 4.0),
        ci95: Some(Interval { low, high }),
    };
    assert!(is_noise_dominated(&estimate(0.05, 0.30), 0.1));
    assert!(!is_noise_dominated(&estimate(0.15, 0.30), 0.1));
    let bare = Estimate {
        value: 0.9,
        standard_error: None,
        ci95: None,
    };
    assert!(is_noise_dominated(&bare, 0.1));
}

#[test]
fn the_morris_floor_is_the_mean_absolute_difference_of_two_noises_over_delta() {
    let noise = replication_noise(&[point(4, 0.0, 4.0), point(4, 1.0, 4.0)]).unwrap();
    // Noise variance of a mean 1; a difference of two has sd sqrt(2), whose
    // mean absolute value is sqrt(2) sqrt(2 / π) = 2 / sqrt(π).
    let delta = 2.0 / 3.0;
    let expected = 2.0 / PI.sqrt() / delta;
    assert!((noise.morris_floor(delta) - expected).abs() < 1e-12);
}
