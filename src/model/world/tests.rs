//! Exact checks of the world: windows, holds, clocks and work fractions.

use super::*;
use crate::model::{EventRecord, LabOutcome};

/// One lab, one track with one team and reviews of exactly 20 days, and
/// two models ready on days 0 and 1, so the second queues behind the
/// first for 19 days. The window is the default, 30 days.
fn two_models(review: &str) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "two models"
        horizon_days = 100
        [review]
        {review}
        [[review.tracks]]
        id = "only"
        capacity = 1
        duration_days = 20
        [[labs]]
        id = "lab"
        participation = {{ signed = true }}
        [[labs.lines]]
        id = "line"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [0, 1] }}
        "#
    );
    Scenario::from_toml(&text, "two.toml", &[]).unwrap()
}

fn run(scenario: &Scenario) -> (World<'_>, Vec<(f64, EventKind, u32)>) {
    let mut world = World::new(
        scenario,
        StreamSeed::new(1, 0, 0),
        Recording {
            events: true,
            ..Recording::default()
        },
    );
    let initial = world.initial_events();
    let mut simulation = Simulation::new(world);
    for (time, event) in initial {
        simulation.schedule_at(time, event);
    }
    simulation.run_until(scenario.horizon);
    let mut world = simulation.into_model();
    let records = std::mem::replace(&mut world.log, EventLog::new(false, None))
        .into_rows()
        .decode::<EventRecord>();
    let events = records
        .iter()
        .filter_map(|e| e.model.map(|who| (e.time.as_days(), e.kind, who.number)))
        .collect();
    (world, events)
}

fn released(events: &[(f64, EventKind, u32)], number: u32) -> (f64, ReleaseHow) {
    events
        .iter()
        .find_map(|&(day, kind, n)| match kind {
            EventKind::Released(how) if n == number => Some((day, how)),
            _ => None,
        })
        .unwrap()
}

#[test]
fn under_release_the_window_from_submission_cuts_the_queued_review_short() {
    let scenario = two_models("on_expiry = \"release\"");
    let (world, events) = run(&scenario);
    assert_eq!(released(&events, 1), (20.0, ReleaseHow::Reviewed));
    // Submitted on day 1, started on day 20, window ends on day 31.
    assert_eq!(released(&events, 2), (31.0, ReleaseHow::WindowExpired));
    assert_eq!(world.program.fractions_done(0).collect::<Vec<_>>(), [1.0]);
    assert_eq!(
        world.program.fractions_done(1).collect::<Vec<_>>(),
        [11.0 / 20.0]
    );
    let outcome = &world.finish(scenario.horizon).labs[0];
    assert_eq!(outcome.releases_on_window_expiry, 1);
    assert_eq!(outcome.reviews_completed_before_release, 1);
    assert_eq!(outcome.delay_days_max, Some(30.0));
    assert_eq!(outcome.queue_wait_days_mean, Some(9.5));
}

#[test]
fn each_track_reports_the_wait_for_its_own_teams() {
    // A second track with two teams: nobody waits there, while on the
    // one-team track the second model waits 19 days.
    let mut scenario = two_models("on_expiry = \"hold\"");
    let mut wide = scenario.review.tracks[0].clone();
    wide.id = "wide".into();
    wide.capacity = 2;
    scenario.settings.review.tracks.push(wide);
    let (world, _) = run(&scenario);
    let system = world.finish(scenario.horizon).system;
    assert_eq!(system.tracks[0].queue_wait_days_mean, Some(9.5));
    assert_eq!(system.tracks[1].queue_wait_days_mean, Some(0.0));
}

#[test]
fn under_hold_the_lab_waits_for_the_review_past_the_window() {
    let scenario = two_models("on_expiry = \"hold\"");
    let (world, events) = run(&scenario);
    assert_eq!(released(&events, 2), (40.0, ReleaseHow::Reviewed));
    assert!(events.contains(&(31.0, EventKind::WindowExpired, 2)));
    let outcome = &world.finish(scenario.horizon).labs[0];
    assert_eq!(outcome.reviews_past_window, 1);
    assert_eq!(outcome.releases_on_window_expiry, 0);
    assert_eq!(outcome.delay_days_max, Some(39.0));
}

#[test]
fn with_the_clock_from_review_start_the_queued_model_gets_its_full_window() {
    let scenario = two_models("clock_start = \"review_start\"");
    let (world, events) = run(&scenario);
    // Started on day 20: window to day 50, review done on day 40.
    assert_eq!(released(&events, 2), (40.0, ReleaseHow::Reviewed));
    assert_eq!(
        world.finish(scenario.horizon).labs[0].reviews_past_window,
        0
    );
}

#[test]
fn a_review_stopped_by_the_window_frees_its_team_for_the_next_model() {
    let scenario = two_models("window_days = 10");
    let (world, events) = run(&scenario);
    // Model 1 stops on day 10 (half done); model 2 starts then and stops
    // at its own deadline, day 11.
    assert_eq!(released(&events, 1), (10.0, ReleaseHow::WindowExpired));
    assert!(events.contains(&(10.0, EventKind::TrackStarted, 2)));
    assert_eq!(released(&events, 2), (11.0, ReleaseHow::WindowExpired));
    assert_eq!(world.program.fractions_done(0).collect::<Vec<_>>(), [0.5]);
    assert_eq!(world.program.fractions_done(1).collect::<Vec<_>>(), [0.05]);
    let system = world.finish(scenario.horizon).system;
    assert_eq!(system.tracks[0].reviews_abandoned, 2);
    assert_eq!(system.tracks[0].reviews_completed, 0);
    // Busy from day 0 to day 11 out of 100.
    assert!((system.tracks[0].utilisation.unwrap() - 0.11).abs() < 1e-12);
}

/// Capability and hazard draw of every model a replication made, by
/// (line, number).
fn draws(overrides: &[&str], replication: u64) -> Vec<((u32, u32), f64, f64)> {
    use crate::scenario::Override;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    let scenario = Scenario::load(path.as_ref(), &overrides).unwrap();
    let mut world = World::new(
        &scenario,
        StreamSeed::new(scenario.seed(), 0, replication),
        Recording::NONE,
    );
    let initial = world.initial_events();
    let mut simulation = Simulation::new(world);
    for (time, event) in initial {
        simulation.schedule_at(time, event);
    }
    simulation.run_until(scenario.horizon);
    let world = simulation.into_model();
    let mut draws: Vec<_> = world
        .models
        .iter()
        .enumerate()
        .map(|(index, m)| {
            (
                (m.who.line, m.who.number),
                m.capability,
                world.harm.hazard_draw(index).unwrap(),
            )
        })
        .collect();
    draws.sort_by_key(|d| d.0);
    draws
}

#[test]
fn review_policy_does_not_change_any_model_capability_or_hazard_draw() {
    for replication in 0..10 {
        let open = draws(&["review.window_days=0"], replication);
        let strict = draws(
            &[
                "review.on_expiry=hold",
                "labs.meta.participation.signed=true",
            ],
            replication,
        );
        assert!(open.len() > 40);
        // Lines whose cadence starts at ready make the same models; the
        // stricter policy may leave the last few unreleased, never
        // different.
        assert_eq!(open, strict);
    }
}

/// Mean, variance, and the standard errors of both, of a sample.
fn moments(values: &[f64]) -> (f64, f64, f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let central = |k: i32| values.iter().map(|v| (v - mean).powi(k)).sum::<f64>() / n;
    let (variance, fourth) = (central(2), central(4));
    // Var(s²) ≈ (m₄ − m₂²)/n for large n.
    let variance_se = ((fourth - variance * variance) / n).max(0.0).sqrt();
    (mean, variance, (variance / n).sqrt(), variance_se)
}

/// Two samples, paired by replication, agree in mean (the mean of the
/// differences is within `z` of its standard errors of zero) and in
/// variance (within `z` standard errors taken as if the samples were
/// independent: pairing correlates them positively, so this errs towards
/// agreeing; the means carry the sharp test).
fn assert_same_distribution(what: &str, a: &[f64], b: &[f64], z: f64) {
    let differences: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let (difference, _, difference_se, _) = moments(&differences);
    assert!(
        difference.abs() <= z * difference_se.max(1e-12),
        "{what}: means differ by {difference}, standard error {difference_se}"
    );
    let (_, var_a, _, var_se_a) = moments(a);
    let (_, var_b, _, var_se_b) = moments(b);
    let var_se = var_se_a.hypot(var_se_b);
    assert!(
        (var_a - var_b).abs() <= z * var_se.max(1e-12),
        "{what}: variances {var_a} and {var_b}, standard error {var_se}"
    );
}

#[test]
fn pooled_derivatives_leave_the_outcomes_unchanged_in_distribution() {
    // The derivatives of models that never harm are drawn per line, not
    // per model: the same Poisson process in distribution. The baseline,
    // with incidents made frequent enough to count, is run both ways with
    // the same seeds: releases and hazards come from the same streams, the
    // derivatives from different ones (the pools have their own), so the
    // differences between paired replications are the derivatives' noise
    // and what it moves, and have mean zero if the two agree.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    let overrides = ["incidents.rate_per_exposure_day=1e-7".parse().unwrap()];
    let scenario = Scenario::load(path.as_ref(), &overrides).unwrap();
    let replications = 1_500;
    let run = |pooling: bool| -> Vec<WorldOutcomes> {
        crate::model::harm::POOLING.with(|cell| cell.set(pooling));
        let outcomes = (0..replications)
            .map(|r| World::simulate(&scenario, StreamSeed::new(11, 0, r), Recording::NONE))
            .collect();
        crate::model::harm::POOLING.with(|cell| cell.set(true));
        outcomes
    };
    let (pooled, apart) = (run(true), run(false));
    // 33 comparisons of means and variances at 4.5 standard errors: a
    // false alarm has probability about 33 × 7e-6 under equal
    // distributions.
    let z = 4.5;
    let mut open_weights_labs = 0;
    for (lab, spec) in scenario.labs.iter().enumerate() {
        let of = |runs: &[WorldOutcomes], metric: fn(&LabOutcome) -> f64| -> Vec<f64> {
            runs.iter().map(|o| metric(&o.labs[lab])).collect()
        };
        let derivatives = |o: &LabOutcome| o.derivatives as f64;
        let share = |o: &LabOutcome| o.share_all.unwrap_or(0.0);
        let incidents = |o: &LabOutcome| o.incidents as f64;
        if of(&pooled, derivatives).iter().any(|&d| d > 0.0) {
            open_weights_labs += 1;
        }
        for (name, metric) in [
            ("derivatives", derivatives as fn(&LabOutcome) -> f64),
            ("share", share),
            ("incidents", incidents),
        ] {
            let what = format!("{} {name}", spec.id);
            assert_same_distribution(&what, &of(&pooled, metric), &of(&apart, metric), z);
        }
    }
    assert!(open_weights_labs >= 2, "{open_weights_labs}");
    let incidents = |runs: &[WorldOutcomes]| -> Vec<f64> {
        runs.iter()
            .map(|o| o.system.incidents_open_weights as f64)
            .collect()
    };
    let total: f64 = incidents(&pooled).iter().sum();
    assert!(total > 100.0, "open-weights incidents {total}");
    assert_same_distribution("incidents", &incidents(&pooled), &incidents(&apart), z);
}
