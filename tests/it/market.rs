//! Capability, coverage by capability, and adoption: checked against closed
//! forms, and in the baseline with paired replications.

use reviewsim::model::market::{bass_closed_form, logit_shares};
use reviewsim::model::{AdoptionSample, Recording};
use reviewsim::runner::{UnitResult, simulate_unit};
use reviewsim::scenario::Scenario;

use crate::common::{BASELINE, baseline_with, lab_index, mean_and_se, replications, reviewsim};

/// A market of one segment with the given settings, and labs given as TOML.
fn market_world(market: &str, segment: &str, labs: &str) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "market test"
        horizon_days = 730
        replications = 1
        [market]
        {market}
        [[market.segments]]
        id = "everyone"
        population = 1e6
        bass_p_per_year = 0.03
        bass_q_per_year = 0.38
        {segment}
        {labs}
        "#
    );
    Scenario::from_toml(&text, "market.toml", &[]).unwrap()
}

/// A lab with one API line whose only model is ready on `day`.
fn lab_released_on(id: &str, day: u32) -> String {
    format!(
        r#"
        [[labs]]
        id = "{id}"
        [[labs.lines]]
        id = "model"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [{day}] }}
        "#
    )
}

fn sampled(unit: &UnitResult, lab: u32) -> Vec<(f64, f64, Option<f64>)> {
    (unit.recorded.rows::<AdoptionSample>().iter())
        .filter(|s| s.lab == lab)
        .map(|s| (s.time.as_days(), s.adopters, s.share))
        .collect()
}

#[test]
fn adoption_follows_the_closed_form_bass_curve_at_any_step_size() {
    for step in [1, 7] {
        let scenario = market_world(&format!("step_days = {step}"), "", &lab_released_on("a", 0));
        let recording = Recording {
            timeseries_every_days: Some(7 * 13),
            ..Recording::NONE
        };
        let unit = simulate_unit(&scenario, 0, 0, recording);
        let samples = sampled(&unit, 0);
        assert_eq!(samples.len(), 9);
        for (day, adopters, _) in samples {
            let expected = bass_closed_form(0.03, 0.38, day / 365.25);
            // Each step solves the Bass equation exactly over its length, so
            // the step size adds no error: what remains is rounding (about
            // 1e-16 per step, over at most 730 steps).
            assert!(
                (adopters / 1e6 - expected).abs() < 1e-12,
                "step {step}, day {day}: {adopters} vs {expected}"
            );
        }
    }
}

#[test]
fn stochastic_adoption_averages_to_the_closed_form() {
    let scenario = market_world(
        "mode = \"stochastic\"",
        "",
        &lab_released_on("a", 0).replace("[[labs]]", "[[labs]]\n"),
    );
    let mut scenario = scenario;
    scenario.settings.simulation.replications = 400;
    let recording = Recording {
        timeseries_every_days: Some(365),
        ..Recording::NONE
    };
    let at_one_year: Vec<f64> = (0..scenario.replications())
        .map(|r| sampled(&simulate_unit(&scenario, 0, r, recording), 0)[1].1)
        .collect();
    let (mean, se) = mean_and_se(&at_one_year);
    let expected = 1e6 * bass_closed_form(0.03, 0.38, 365.0 / 365.25);
    assert!(se > 0.0, "stochastic mode drew nothing");
    assert!(
        (mean - expected).abs() < 4.0 * se,
        "mean {mean}, expected {expected}, se {se}"
    );
}

#[test]
fn logit_shares_of_two_models_equal_the_closed_form_and_sum_to_one() {
    let labs = lab_released_on("a", 0) + &lab_released_on("b", 0);
    let scenario = market_world("", "reputation = { a = 0.7 }", &labs);
    let recording = Recording {
        timeseries_every_days: Some(100),
        ..Recording::NONE
    };
    let unit = simulate_unit(&scenario, 0, 0, recording);
    let expected = logit_shares(&[0.7, 0.0]);
    assert!((expected[0] - 1.0 / (1.0 + (-0.7f64).exp())).abs() < 1e-15);
    let (a, b) = (sampled(&unit, 0), sampled(&unit, 1));
    for ((day, _, share_a), (_, _, share_b)) in a.iter().zip(&b).skip(1) {
        let (share_a, share_b) = (share_a.unwrap(), share_b.unwrap());
        assert!(
            (share_a - expected[0]).abs() < 1e-12,
            "day {day}: {share_a}"
        );
        assert!((share_a + share_b - 1.0).abs() < 1e-12);
    }
}

/// Shares at the horizon of two identical models released `days_apart`.
fn first_and_late_shares(switching_per_year: f64, days_apart: u32) -> (f64, f64) {
    let labs = lab_released_on("first", 0) + &lab_released_on("late", days_apart);
    let scenario = market_world(
        "",
        &format!("switching_per_year = {switching_per_year}"),
        &labs,
    );
    let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
    let share = |lab: usize| unit.labs[lab].segments[0].share.unwrap();
    (share(0), share(1))
}

#[test]
fn a_later_identical_model_ends_with_less_share_when_switching_is_slow() {
    let (first, late) = first_and_late_shares(0.05, 60);
    assert!(first - late > 0.05, "first {first}, late {late}");
    // A longer head start is worth more.
    let (first_longer, late_longer) = first_and_late_shares(0.05, 180);
    assert!(first_longer - late_longer > first - late);
}

#[test]
fn a_later_identical_model_catches_up_when_switching_is_fast() {
    // At 50 re-choices a year the head start decays as exp(-50 t): after
    // 670 days it is below 1e-30 of its size.
    let (first, late) = first_and_late_shares(50.0, 60);
    assert!((first - late).abs() < 1e-9, "first {first}, late {late}");
}

/// Signed labs' combined share of all adopters over the holdout's, per
/// replication.
fn signed_over_holdout(units: &[UnitResult], holdout: usize) -> Vec<f64> {
    units
        .iter()
        .map(|unit| {
            let signed: f64 = unit
                .labs
                .iter()
                .enumerate()
                .filter(|(lab, _)| *lab != holdout)
                .map(|(_, outcome)| outcome.share_all.unwrap())
                .sum();
            signed / unit.labs[holdout].share_all.unwrap()
        })
        .collect()
}

#[test]
fn a_thirty_day_window_lowers_the_signed_labs_share_relative_to_the_holdout() {
    let open = baseline_with(&["simulation.replications=200", "review.window_days=0"]);
    let reviewed = baseline_with(&["simulation.replications=200", "review.window_days=30"]);
    let meta = lab_index(&open, "meta");
    let before = signed_over_holdout(&replications(&open, false), meta);
    let after = signed_over_holdout(&replications(&reviewed, false), meta);
    let differences: Vec<f64> = before.iter().zip(&after).map(|(b, a)| b - a).collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(
        mean > 4.0 * se,
        "signed/holdout share fell by {mean}, se {se}"
    );
}

#[test]
fn a_larger_reviewed_premium_in_enterprise_raises_the_signed_labs_enterprise_share() {
    let low = baseline_with(&[
        "simulation.replications=200",
        "market.segments.enterprise.reviewed_premium=0.3",
    ]);
    let high = baseline_with(&[
        "simulation.replications=200",
        "market.segments.enterprise.reviewed_premium=1.0",
    ]);
    let meta = lab_index(&low, "meta");
    let enterprise = low
        .market
        .as_ref()
        .unwrap()
        .segments
        .iter()
        .position(|s| s.id == "enterprise")
        .unwrap();
    let signed_share = |units: Vec<UnitResult>| -> Vec<f64> {
        units
            .iter()
            .map(|unit| {
                unit.labs
                    .iter()
                    .enumerate()
                    .filter(|(lab, _)| *lab != meta)
                    .map(|(_, outcome)| outcome.segments[enterprise].share.unwrap())
                    .sum()
            })
            .collect()
    };
    let (low, high) = (
        signed_share(replications(&low, false)),
        signed_share(replications(&high, false)),
    );
    let differences: Vec<f64> = high.iter().zip(&low).map(|(h, l)| h - l).collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(mean > 4.0 * se, "enterprise share rose by {mean}, se {se}");
}

#[test]
fn the_capability_lead_is_always_held_by_someone_when_incumbents_exist() {
    let scenario = baseline_with(&["simulation.replications=50"]);
    for unit in replications(&scenario, false) {
        let held: f64 = unit.labs.iter().map(|lab| lab.capability_lead_days).sum();
        assert!((held - 730.0).abs() < 1e-6, "lead held for {held} days");
        for lab in &unit.labs {
            assert!(lab.releases_at_frontier <= lab.releases);
        }
    }
}

#[test]
fn models_below_the_capability_threshold_skip_review() {
    let lagging = [
        "simulation.replications=30",
        "labs.microsoft.lines.phi.capability_lag_months=8",
    ];
    let scenario = baseline_with(&lagging);
    let microsoft = lab_index(&scenario, "microsoft");
    for unit in replications(&scenario, false) {
        let lab = &unit.labs[microsoft];
        assert!(lab.releases > 0);
        assert_eq!(lab.releases_covered, 0);
        assert_eq!(lab.delay_days_max, Some(0.0));
    }
    let wider = baseline_with(&[
        lagging[0],
        lagging[1],
        "review.threshold.within_months_of_frontier=10",
    ]);
    for unit in replications(&wider, false) {
        let lab = &unit.labs[microsoft];
        assert_eq!(lab.releases_covered, lab.releases);
    }
    let absolute = baseline_with(&[
        "simulation.replications=30",
        "review.threshold={ min_capability = 1000 }",
    ]);
    for unit in replications(&absolute, false) {
        assert!(unit.labs.iter().all(|lab| lab.releases_covered == 0));
    }
}

#[test]
fn timeseries_every_seven_days_is_well_formed() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("series");
    let output = reviewsim(&[
        "run",
        BASELINE,
        "--out",
        &out.display().to_string(),
        "--replications",
        "3",
        "--timeseries",
        "7",
        "-q",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    adoption_series_is_well_formed(&out);
    queue_series_is_well_formed(&out);
    pressure_series_is_well_formed(&out);
}

/// `timeseries.csv` of the baseline, 3 replications sampled every 7 days:
/// its columns, and every row's day, segment, adopters and share.
fn adoption_series_is_well_formed(out: &std::path::Path) {
    let mut reader = csv::Reader::from_path(out.join("timeseries.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "point",
            "replication",
            "day",
            "date",
            "segment",
            "lab",
            "adopters",
            "adopters_api",
            "adopters_open_weights",
            "share"
        ]
    );
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let day: f64 = record[2].parse().unwrap();
        assert_eq!(day % 7.0, 0.0);
        assert!(["consumer", "enterprise", "government"].contains(&&record[4]));
        let share: f64 = record[9].parse().unwrap();
        let (all, api, open): (f64, f64, f64) = (
            record[6].parse().unwrap(),
            record[7].parse().unwrap(),
            record[8].parse().unwrap(),
        );
        assert!((api + open - all).abs() <= 1e-9 * all.max(1.0));
        assert!((0.0..=1.0).contains(&share));
        rows += 1;
    }
    // Days 0, 7, ..., 728: 105 samples × 3 segments × 6 labs × 3 replications.
    assert_eq!(rows, 105 * 3 * 6 * 3);
}

/// `queue_timeseries.csv`: its columns, and a row per sample, track and
/// replication.
fn queue_series_is_well_formed(out: &std::path::Path) {
    let mut queues = csv::Reader::from_path(out.join("queue_timeseries.csv")).unwrap();
    assert_eq!(
        queues.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "point",
            "replication",
            "day",
            "date",
            "track",
            "queue_length",
            "busy_teams"
        ]
    );
    assert_eq!(queues.records().count(), 105 * 3 * 3);
}

/// `pressure_timeseries.csv`: its columns, a row per sample, lab and
/// replication, and who participates.
fn pressure_series_is_well_formed(out: &std::path::Path) {
    let mut pressure = csv::Reader::from_path(out.join("pressure_timeseries.csv")).unwrap();
    assert_eq!(
        pressure.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "point",
            "replication",
            "day",
            "date",
            "lab",
            "pressure",
            "escalation_level",
            "participating"
        ]
    );
    let rows: Vec<csv::StringRecord> = pressure.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 105 * 6 * 3);
    // In the baseline Meta holds out and the others have signed.
    for row in &rows {
        let expected = if &row[4] == "meta" { "false" } else { "true" };
        assert_eq!(&row[7], expected, "{row:?}");
    }
}

#[test]
fn a_release_between_or_on_market_steps_wins_adopters_only_from_its_release() {
    // Everyone has adopted (no Bass growth); adopters re-choose at s a year
    // between two models of equal utility, so the newcomer's adopters grow
    // as M/2 · (1 − e^(−s·a)) after a days on the market, exactly, at the
    // daily steps too.
    let switching_per_year = 3.0;
    for (day, age) in [(50.0, 10.0), (50.5, 9.5)] {
        let labs = format!(
            r#"
            [[labs]]
            id = "incumbent"
            [[labs.lines]]
            id = "model"
            access = "api"
            cadence_days = {{ dist = "dates", dates = [1000] }}
            incumbent_released = 2026-01-01
            [[labs]]
            id = "newcomer"
            [[labs.lines]]
            id = "model"
            access = "api"
            cadence_days = {{ dist = "dates", dates = [{day}] }}
            "#
        );
        let mut scenario = market_world(
            "",
            &format!("adopted_at_start = 1\nswitching_per_year = {switching_per_year}"),
            &labs,
        );
        scenario.horizon = reviewsim::engine::SimTime::from_days(60.0);
        let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
        let adopters = unit.labs[1].segments[0].adopters;
        let years = age / reviewsim::model::market::DAYS_PER_YEAR;
        let expected = 1e6 / 2.0 * (1.0 - (-switching_per_year * years).exp());
        assert!(
            (adopters / expected - 1.0).abs() < 1e-9,
            "released on day {day}: {adopters} adopters, expected {expected}"
        );
    }
}
