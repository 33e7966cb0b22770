//! The review program's policy levers, with fixed seeds and tolerances from
//! the standard error.

use std::collections::HashMap;

use reviewsim::engine::SimTime;
use reviewsim::model::{EventKind, EventRecord, ModelRef, ReleaseHow};
use reviewsim::runner::UnitResult;

use crate::common::{baseline_with, lab_index, mean_and_se, replications};

/// A replication's mean queue wait: the mean over labs that waited at all.
fn mean_queue_wait(unit: &UnitResult) -> f64 {
    let waits: Vec<f64> = unit
        .labs
        .iter()
        .filter_map(|lab| lab.queue_wait_days_mean)
        .collect();
    waits.iter().sum::<f64>() / waits.len().max(1) as f64
}

#[test]
fn more_capacity_on_a_track_lowers_mean_queue_wait() {
    let tight = baseline_with(&[
        "simulation.replications=400",
        "review.tracks.threat.capacity=1",
    ]);
    let ample = baseline_with(&[
        "simulation.replications=400",
        "review.tracks.threat.capacity=3",
    ]);
    let (tight, ample) = (replications(&tight, false), replications(&ample, false));
    // Common random numbers: replication r has the same models and review
    // durations under both, so the paired difference is precise.
    let differences: Vec<f64> = tight
        .iter()
        .zip(&ample)
        .map(|(t, a)| mean_queue_wait(t) - mean_queue_wait(a))
        .collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(
        mean > 0.0 && mean > 4.0 * se,
        "difference {mean} days, se {se}"
    );

    let threat = |unit: &UnitResult| unit.system.tracks[1].queue_length_mean.unwrap();
    let queue: Vec<f64> = tight
        .iter()
        .zip(&ample)
        .map(|(t, a)| threat(t) - threat(a))
        .collect();
    let (mean, se) = mean_and_se(&queue);
    assert!(
        mean > 4.0 * se,
        "threat queue length difference {mean}, se {se}"
    );
}

#[test]
fn a_zero_window_means_no_review_and_no_delay() {
    let scenario = baseline_with(&["simulation.replications=200", "review.window_days=0"]);
    for unit in replications(&scenario, false) {
        assert_eq!(unit.system.reviews_submitted, 0);
        for lab in &unit.labs {
            assert!(lab.releases > 0);
            assert_eq!(lab.delay_days_max, Some(0.0));
            assert_eq!(lab.reviews_completed_before_release, 0);
        }
    }
}

/// Per model: when it was ready, when its review completed, when it was
/// released and how.
#[derive(Default, Debug)]
struct ModelTimes {
    ready: Option<SimTime>,
    submitted: Option<SimTime>,
    first_track_start: Option<SimTime>,
    review_completed: Option<SimTime>,
    released: Option<(SimTime, ReleaseHow)>,
}

fn model_times(unit: &UnitResult) -> HashMap<(u32, u32), ModelTimes> {
    let mut models: HashMap<(u32, u32), ModelTimes> = HashMap::new();
    for event in &unit.recorded.rows::<EventRecord>() {
        let Some(ModelRef { line, number, .. }) = event.model else {
            continue;
        };
        let times = models.entry((line, number)).or_default();
        match event.kind {
            EventKind::Ready => times.ready = Some(event.time),
            EventKind::Submitted => times.submitted = Some(event.time),
            EventKind::TrackStarted => {
                times.first_track_start.get_or_insert(event.time);
            }
            EventKind::ReviewCompleted => times.review_completed = Some(event.time),
            EventKind::Released(how) => times.released = Some((event.time, how)),
            _ => {}
        }
    }
    models
}

#[test]
fn under_hold_no_covered_model_is_released_before_its_review_completes() {
    // One team per track makes queues long enough that windows expire.
    let scenario = baseline_with(&[
        "simulation.replications=200",
        "review.on_expiry=hold",
        "review.tracks.capability.capacity=1",
        "review.tracks.threat.capacity=1",
        "review.tracks.measurement.capacity=1",
    ]);
    let mut past_window = 0;
    let mut reviewed = 0;
    for unit in replications(&scenario, true) {
        past_window += unit
            .labs
            .iter()
            .map(|lab| lab.reviews_past_window)
            .sum::<u64>();
        for (model, times) in model_times(&unit) {
            if times.submitted.is_none() {
                continue;
            }
            if let Some((released, how)) = times.released {
                let completed = times
                    .review_completed
                    .unwrap_or_else(|| panic!("{model:?} released unreviewed: {times:?}"));
                assert!(released >= completed, "{model:?}: {times:?}");
                assert_eq!(how, ReleaseHow::Reviewed);
                reviewed += 1;
            }
        }
        assert!(
            unit.labs
                .iter()
                .all(|lab| lab.releases_on_window_expiry == 0)
        );
    }
    assert!(
        past_window > 0,
        "no review outlasted its window: the test shows nothing"
    );
    assert!(reviewed > 1000);
}

#[test]
fn under_release_no_covered_model_waits_longer_than_its_window() {
    // The window bounds the review; mitigating a hazard the review found
    // comes after it (see hazards::mitigation_extends_the_wait_by_its_days).
    let scenario = baseline_with(&[
        "hazard.mitigation_days=0",
        "simulation.replications=200",
        "review.on_expiry=release",
        "review.tracks.capability.capacity=1",
        "review.tracks.threat.capacity=1",
        "review.tracks.measurement.capacity=1",
        "labs.openai.expedited_window_days=10",
    ]);
    let openai = lab_index(&scenario, "openai");
    let one_tick = 1.0 / 86_400.0;
    let mut expired = 0;
    for unit in replications(&scenario, false) {
        for (index, lab) in unit.labs.iter().enumerate() {
            let window = if index == openai { 10.0 } else { 30.0 };
            if let Some(max) = lab.delay_days_max {
                assert!(max <= window + one_tick, "lab {index} waited {max} days");
            }
            expired += lab.releases_on_window_expiry;
        }
    }
    assert!(
        expired > 100,
        "windows rarely expired ({expired}): the test shows little"
    );
}

#[test]
fn with_the_clock_from_review_start_queueing_does_not_count_against_the_window() {
    let scenario = baseline_with(&[
        "hazard.mitigation_days=0",
        "simulation.replications=100",
        "review.clock_start=review_start",
        "review.tracks.capability.capacity=1",
        "review.tracks.threat.capacity=1",
        "review.tracks.measurement.capacity=1",
    ]);
    let window = 30.0;
    let mut beyond_window = 0;
    for unit in replications(&scenario, true) {
        for times in model_times(&unit).values() {
            let (Some(ready), Some(start), Some((released, _))) =
                (times.ready, times.first_track_start, times.released)
            else {
                continue;
            };
            assert!((released - start).as_days() <= window + 1e-5, "{times:?}");
            if (released - ready).as_days() > window {
                beyond_window += 1;
            }
        }
    }
    assert!(
        beyond_window > 0,
        "no model queued past its window: the test shows nothing"
    );
}

#[test]
fn before_the_program_is_operational_covered_models_can_be_made_to_wait() {
    let scenario = baseline_with(&[
        "simulation.replications=100",
        "review.before_operational=wait",
    ]);
    let operational = scenario.review.operational_at;
    let mut waited = 0;
    for unit in replications(&scenario, true) {
        for times in model_times(&unit).values() {
            if let Some((released, how)) = times.released {
                assert_ne!(how, ReleaseHow::BeforeOperational);
                if times.submitted.is_some() && times.ready.unwrap() < operational {
                    assert!(released >= operational);
                    waited += 1;
                }
            }
        }
    }
    assert!(waited > 50, "{waited}");
}

#[test]
fn a_holdout_lab_is_released_without_delay() {
    let scenario = baseline_with(&["simulation.replications=100"]);
    let meta = lab_index(&scenario, "meta");
    for unit in replications(&scenario, false) {
        let lab = &unit.labs[meta];
        assert_eq!(lab.releases_covered, 0);
        assert_eq!(lab.delay_days_max.unwrap_or(0.0), 0.0);
    }
}

#[test]
fn a_lab_that_joins_later_is_reviewed_only_after_it_joins() {
    let scenario = baseline_with(&[
        "simulation.replications=100",
        "labs.meta.participation.from=365",
    ]);
    let meta = lab_index(&scenario, "meta") as u32;
    let joined = SimTime::from_days(365.0);
    let mut reviewed = 0;
    for unit in replications(&scenario, true) {
        for event in &unit.recorded.rows::<EventRecord>() {
            if let (EventKind::Submitted, Some(who)) = (event.kind, event.model)
                && who.lab == meta
            {
                assert!(event.time >= joined);
                reviewed += 1;
            }
        }
    }
    assert!(reviewed > 100, "{reviewed}");
}

#[test]
fn when_the_next_cycle_starts_at_release_review_delay_slows_the_line() {
    let from_ready = baseline_with(&["simulation.replications=300", "review.on_expiry=hold"]);
    let from_release = baseline_with(&[
        "simulation.replications=300",
        "review.on_expiry=hold",
        "labs.anthropic.lines.claude.next_cycle_starts=release",
    ]);
    let anthropic = lab_index(&from_ready, "anthropic");
    let ready = |units: &[UnitResult]| -> Vec<f64> {
        units
            .iter()
            .map(|u| u.labs[anthropic].models_ready as f64)
            .collect()
    };
    let (a, b) = (
        ready(&replications(&from_ready, false)),
        ready(&replications(&from_release, false)),
    );
    let differences: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(mean > 4.0 * se, "models lost: {mean}, se {se}");
}

/// P(no model ever waits) for Poisson arrivals at `rate` a day over
/// `horizon` days, one team and reviews of exactly `duration` days: nobody
/// waits exactly when every gap between arrivals is at least `duration`.
/// Given n arrivals, uniform on [0, T], that has probability
/// (1 − (n − 1)·D/T)^n (zero when negative).
fn probability_nobody_waits(rate: f64, horizon: f64, duration: f64) -> f64 {
    let mean = rate * horizon;
    let mut poisson = (-mean).exp(); // P(N = 0)
    let mut total = 0.0;
    for n in 0..200 {
        if n > 0 {
            poisson *= mean / n as f64;
        }
        let spaced = if n <= 1 {
            1.0
        } else {
            (1.0 - (n as f64 - 1.0) * duration / horizon)
                .max(0.0)
                .powi(n)
        };
        total += poisson * spaced;
    }
    total
}

#[test]
fn the_longest_queue_counts_only_models_that_waited() {
    // Poisson arrivals (exponential gaps, the first from day 0), one team,
    // reviews of 5 days, and a lab that holds for the review.
    let text = r#"
        [simulation]
        name = "queue max"
        horizon_days = 100
        replications = 4000
        [review]
        on_expiry = "hold"
        window_days = 365
        [[review.tracks]]
        id = "only"
        capacity = 1
        duration_days = 5
        [[labs]]
        id = "lab"
        participation = { signed = true }
        [[labs.lines]]
        id = "line"
        access = "api"
        cadence_days = { dist = "exponential", mean = 20 }
        first_ready_days = { dist = "exponential", mean = 20 }
    "#;
    let scenario = reviewsim::scenario::Scenario::from_toml(text, "queue.toml", &[]).unwrap();
    let units = replications(&scenario, false);
    let nobody_waited: Vec<f64> = units
        .iter()
        .map(|u| f64::from(u.system.tracks[0].queue_length_max == 0))
        .collect();
    let (share, _) = mean_and_se(&nobody_waited);
    let expected = probability_nobody_waits(1.0 / 20.0, 100.0, 5.0);
    let se = (expected * (1.0 - expected) / units.len() as f64).sqrt();
    assert!(
        (share - expected).abs() < 4.0 * se,
        "share of replications where nobody waited {share}, expected {expected} (se {se})"
    );
    // And a model that never waits leaves the time-average queue at zero.
    for unit in &units {
        let track = &unit.system.tracks[0];
        if track.queue_length_max == 0 {
            assert_eq!(track.queue_length_mean, Some(0.0));
        }
    }
}
