//! Hazards, detection, the open-weights ecosystem, incidents and the
//! response: why open weights and API models differ.

use reviewsim::model::{EventKind, EventRecord, Recording};
use reviewsim::runner::{UnitResult, simulate_unit};
use reviewsim::scenario::Scenario;

use crate::common::{baseline_with, lab_index, mean_and_se, replications};

/// Sum of a lab metric over labs, per replication.
fn per_replication(
    units: &[UnitResult],
    metric: impl Fn(&reviewsim::model::LabOutcome) -> f64,
) -> Vec<f64> {
    units
        .iter()
        .map(|unit| unit.labs.iter().map(&metric).sum())
        .collect()
}

/// Paired differences a − b and their mean and standard error.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64) {
    let differences: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    mean_and_se(&differences)
}

#[test]
fn completed_reviews_detect_hazards_at_the_configured_rate() {
    // Every model hazardous; reviews always complete (hold); three tracks
    // detecting independently with 0.5, 0.6 and 0.3.
    let scenario = baseline_with(&[
        "simulation.replications=300",
        "hazard.midpoint_capability=-1000",
        "review.on_expiry=hold",
    ]);
    let units = replications(&scenario, false);
    let detected: u64 = units
        .iter()
        .flat_map(|u| &u.labs)
        .map(|lab| lab.hazards_detected)
        .sum();
    let reviewed: u64 = units.iter().map(|u| u.system.reviews_completed).sum();
    let expected = 1.0 - 0.5 * 0.4 * 0.7;
    let rate = detected as f64 / reviewed as f64;
    let se = (expected * (1.0 - expected) / reviewed as f64).sqrt();
    assert!(reviewed > 5_000, "{reviewed}");
    assert!(
        (rate - expected).abs() < 4.0 * se,
        "rate {rate}, expected {expected}, se {se}"
    );

    // One track at 0.6 alone.
    let one_track = Scenario::from_toml(
        &crate::common::baseline_text()
            .replace("detection_probability = 0.5", "detection_probability = 0")
            .replace("detection_probability = 0.3", "detection_probability = 0"),
        "baseline.toml",
        &[
            "simulation.replications=300".parse().unwrap(),
            "hazard.midpoint_capability=-1000".parse().unwrap(),
            "review.on_expiry=hold".parse().unwrap(),
        ],
    )
    .unwrap();
    let units = replications(&one_track, false);
    let detected: u64 = units
        .iter()
        .flat_map(|u| &u.labs)
        .map(|lab| lab.hazards_detected)
        .sum();
    let reviewed: u64 = units.iter().map(|u| u.system.reviews_completed).sum();
    let rate = detected as f64 / reviewed as f64;
    let se = (0.6 * 0.4 / reviewed as f64).sqrt();
    assert!((rate - 0.6).abs() < 4.0 * se, "rate {rate}, se {se}");
}

#[test]
fn halving_the_window_under_release_lowers_detection() {
    let base = [
        "simulation.replications=300",
        "hazard.midpoint_capability=-1000",
        "review.on_expiry=release",
        "review.tracks.capability.capacity=1",
        "review.tracks.threat.capacity=1",
        "review.tracks.measurement.capacity=1",
    ];
    let full = baseline_with(&[&base[..], &["review.window_days=30"]].concat());
    let half = baseline_with(&[&base[..], &["review.window_days=15"]].concat());
    let detections =
        |s: &Scenario| per_replication(&replications(s, false), |lab| lab.hazards_detected as f64);
    let (mean, se) = paired(&detections(&full), &detections(&half));
    assert!(mean > 4.0 * se, "detections lost: {mean}, se {se}");
}

#[test]
fn preparedness_lowers_incidents() {
    let unprepared = baseline_with(&[
        "simulation.replications=300",
        "hazard.preparedness_factor=1",
    ]);
    let prepared = baseline_with(&[
        "simulation.replications=300",
        "hazard.preparedness_factor=0.2",
    ]);
    let incidents =
        |s: &Scenario| per_replication(&replications(s, false), |lab| lab.incidents as f64);
    let (mean, se) = paired(&incidents(&unprepared), &incidents(&prepared));
    assert!(mean > 4.0 * se, "incidents avoided: {mean}, se {se}");
}

#[test]
fn mitigation_extends_the_wait_by_its_days() {
    let scenario = baseline_with(&[
        "simulation.replications=100",
        "hazard.midpoint_capability=-1000",
        "hazard.mitigation_days=5",
        "review.tracks.capability.capacity=1",
        "review.tracks.threat.capacity=1",
        "review.tracks.measurement.capacity=1",
    ]);
    let one_tick = 1.0 / 86_400.0;
    let mut beyond_window = 0;
    for unit in replications(&scenario, false) {
        for lab in &unit.labs {
            let max = lab.delay_days_max.unwrap_or(0.0);
            assert!(max <= 35.0 + one_tick, "{max}");
            beyond_window += u64::from(max > 30.0 + one_tick);
        }
    }
    assert!(beyond_window > 0);
}

/// Two labs, each with one model released on day 0: an API model and an
/// open-weights model, both hazardous, unreviewed, with incidents frequent
/// enough that both cause some within days.
fn api_and_open_weights(horizon_days: u32) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "api and open weights"
        horizon_days = {horizon_days}
        [hazard]
        midpoint_capability = -1000
        scale_months = 1
        [incidents]
        rate_per_exposure_day = 2e-6
        exposure_per_derivative = 0
        response_delay_days = 3
        patch_probability = 0
        [market]
        [[market.segments]]
        id = "everyone"
        population = 1e6
        adopted_at_start = 0
        bass_p_per_year = 3
        bass_q_per_year = 0
        [[labs]]
        id = "api"
        [[labs.lines]]
        id = "model"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [0] }}
        [[labs]]
        id = "open"
        [[labs.lines]]
        id = "model"
        access = "open_weights"
        cadence_days = {{ dist = "dates", dates = [0] }}
        "#
    );
    Scenario::from_toml(&text, "two.toml", &[]).unwrap()
}

#[test]
fn an_api_model_stops_causing_incidents_after_suspension_while_open_weights_continue() {
    let scenario = api_and_open_weights(120);
    let mut checked = 0;
    for replication in 0..20 {
        let unit = simulate_unit(&scenario, 0, replication, Recording::EVENTS);
        let events = unit.recorded.rows::<EventRecord>();
        let suspended = events
            .iter()
            .find(|e| e.kind == EventKind::Suspended)
            .map(|e| e.time)
            .expect("the API model is suspended after its first incident");
        let first_api_incident = events
            .iter()
            .find(|e| e.kind == EventKind::Incident && e.model.unwrap().lab == 0)
            .unwrap()
            .time;
        // The response comes exactly 3 days after the first incident.
        assert_eq!((suspended - first_api_incident).as_days(), 3.0);
        let after = |lab: u32| {
            events
                .iter()
                .filter(|e| {
                    e.kind == EventKind::Incident
                        && e.model.unwrap().lab == lab
                        && e.time > suspended
                })
                .count()
        };
        assert_eq!(
            after(0),
            0,
            "the suspended API model kept causing incidents"
        );
        assert!(
            after(1) > 0,
            "the open-weights model stopped causing incidents"
        );
        assert!(
            events
                .iter()
                .all(|e| !(e.kind == EventKind::Suspended && e.model.unwrap().lab == 1))
        );
        assert_eq!(unit.labs[0].suspensions, 1);
        // With the API model gone, every adopter uses the open weights.
        assert!((unit.labs[1].segments[0].share.unwrap() - 1.0).abs() < 1e-12);
        checked += 1;
    }
    assert_eq!(checked, 20);

    // The derivatives keep growing: replication r at 60 and at 120 days.
    let shorter = api_and_open_weights(60);
    let mut grew = 0;
    for replication in 0..20 {
        let early = simulate_unit(&shorter, 0, replication, Recording::NONE).labs[1].derivatives;
        let late = simulate_unit(&scenario, 0, replication, Recording::NONE).labs[1].derivatives;
        assert!(late >= early);
        grew += u64::from(late > early);
    }
    assert_eq!(grew, 20);
}

#[test]
fn derivative_counts_match_the_integral_of_the_rate() {
    // One open-weights release on day 0; 50 a day, halving every 60 days.
    for days in [7u32, 30] {
        let text = format!(
            r#"
            [simulation]
            name = "derivatives"
            horizon_days = {days}
            [[labs]]
            id = "open"
            [[labs.lines]]
            id = "model"
            access = "open_weights"
            cadence_days = {{ dist = "dates", dates = [0] }}
            "#
        );
        let scenario = Scenario::from_toml(&text, "derivatives.toml", &[]).unwrap();
        let n = 400;
        let counts: Vec<f64> = (0..n)
            .map(|r| simulate_unit(&scenario, 0, r, Recording::NONE).labs[0].derivatives as f64)
            .collect();
        let expected = scenario.ecosystem.expected_derivatives(f64::from(days));
        let closed_form =
            50.0 * 60.0 / std::f64::consts::LN_2 * (1.0 - 0.5f64.powf(f64::from(days) / 60.0));
        assert!((expected - closed_form).abs() < 1e-9);
        let mean = counts.iter().sum::<f64>() / n as f64;
        // A Poisson count's variance equals its mean.
        let se = (expected / n as f64).sqrt();
        assert!(
            (mean - expected).abs() < 4.0 * se,
            "day {days}: mean {mean}, expected {expected}, se {se}"
        );
        let (_, sample_se) = mean_and_se(&counts);
        assert!(
            (sample_se / se - 1.0).abs() < 0.2,
            "dispersion {sample_se} vs Poisson {se}"
        );
    }
}

#[test]
fn a_lines_derivatives_are_the_sum_of_its_releases_poisson_processes() {
    // Three open-weights releases of one line, on days 0, 20 and 45: the
    // line's derivatives by day 90 (drawn together, as one pool) are
    // Poisson with the sum of the three releases' expected counts.
    let text = r#"
        [simulation]
        name = "pooled derivatives"
        horizon_days = 90
        [[labs]]
        id = "open"
        [[labs.lines]]
        id = "model"
        access = "open_weights"
        cadence_days = { dist = "dates", dates = [0, 20, 45] }
        "#;
    let scenario = Scenario::from_toml(text, "pooled.toml", &[]).unwrap();
    let n = 400;
    let units: Vec<UnitResult> = (0..n)
        .map(|r| simulate_unit(&scenario, 0, r, Recording::NONE))
        .collect();
    assert!(units.iter().all(|u| u.labs[0].releases == 3));
    let counts: Vec<f64> = units.iter().map(|u| u.labs[0].derivatives as f64).collect();
    let expected: f64 = [90.0, 70.0, 45.0]
        .iter()
        .map(|&age| scenario.ecosystem.expected_derivatives(age))
        .sum();
    let (mean, sample_se) = mean_and_se(&counts);
    let se = (expected / n as f64).sqrt();
    assert!(
        (mean - expected).abs() < 4.0 * se,
        "mean {mean}, expected {expected}, se {se}"
    );
    // The standard error of a sample standard deviation is about 1/sqrt(2n)
    // of it: 3.5% here.
    assert!(
        (sample_se / se - 1.0).abs() < 0.15,
        "dispersion {sample_se} vs Poisson {se}"
    );
}

#[test]
fn stripped_safeguards_bring_the_hazard_back_on_open_weights() {
    let scenario = baseline_with(&[
        "simulation.replications=200",
        "hazard.midpoint_capability=-1000",
        "hazard.mitigation_success=1",
        "hazard.block_probability=0",
        "labs.meta.participation.signed=true",
    ]);
    let meta = lab_index(&scenario, "meta");
    let units = replications(&scenario, false);
    let stripped: u64 = units.iter().map(|u| u.labs[meta].safeguards_stripped).sum();
    let mitigated: u64 = units.iter().map(|u| u.labs[meta].mitigations).sum();
    assert!(mitigated > 100);
    assert!(stripped > 0);
    // API-only labs have nothing to strip.
    let anthropic = lab_index(&scenario, "anthropic");
    assert!(
        units
            .iter()
            .all(|u| u.labs[anthropic].safeguards_stripped == 0)
    );
}

#[test]
fn covering_open_weights_and_meta_lowers_hazards_and_incidents_at_a_cost_in_delay() {
    let holdout = baseline_with(&["simulation.replications=400"]);
    let participating = baseline_with(&[
        "simulation.replications=400",
        "labs.meta.participation.signed=true",
    ]);
    assert!(
        holdout.review.covered_access.len() == 2,
        "the baseline covers open weights"
    );
    let meta = lab_index(&holdout, "meta");
    let (out, inside) = (
        replications(&holdout, false),
        replications(&participating, false),
    );

    let unreviewed = |units: &[UnitResult]| {
        per_replication(units, |lab| lab.hazardous_unreviewed_releases as f64)
    };
    let (mean, se) = paired(&unreviewed(&out), &unreviewed(&inside));
    assert!(
        mean > 4.0 * se,
        "hazardous unreviewed releases avoided: {mean}, se {se}"
    );

    let incidents = |units: &[UnitResult]| per_replication(units, |lab| lab.incidents as f64);
    let (mean, se) = paired(&incidents(&out), &incidents(&inside));
    assert!(mean > 4.0 * se, "incidents avoided: {mean}, se {se}");

    let delay = |units: &[UnitResult]| -> Vec<f64> {
        units
            .iter()
            .map(|u| u.labs[meta].delay_days_mean.unwrap_or(0.0))
            .collect()
    };
    let (mean, se) = paired(&delay(&inside), &delay(&out));
    assert!(mean > 4.0 * se, "Meta's added delay: {mean} days, se {se}");
}

/// One hazardous open-weights model released on `day` (60 days before the
/// horizon at most), with a fixed exposure of 100 and no market, incidents
/// or derivative exposure: what it accumulates by day 60 depends only on
/// the time since its release.
fn released_on(day: f64) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "step boundaries"
        horizon_days = 60
        [hazard]
        midpoint_capability = -1000
        scale_months = 1
        [incidents]
        rate_per_exposure_day = 0
        exposure_per_model = 100
        exposure_per_derivative = 0
        [[labs]]
        id = "open"
        [[labs.lines]]
        id = "model"
        access = "open_weights"
        cadence_days = {{ dist = "dates", dates = [{day}] }}
        "#
    );
    Scenario::from_toml(&text, "boundaries.toml", &[]).unwrap()
}

#[test]
fn a_release_between_or_on_market_steps_counts_only_the_time_since_release() {
    // Released on a daily step (day 50) or half-way through one (day 50.5):
    // by day 60 the model has been out 10 or 9.5 days, not 11 or 10.5.
    for (day, age) in [(50.0, 10.0), (50.5, 9.5)] {
        let scenario = released_on(day);
        let n = 2_000;
        let units: Vec<UnitResult> = (0..n)
            .map(|r| simulate_unit(&scenario, 0, r, Recording::NONE))
            .collect();
        // Exposure is deterministic: 100 for each day on the market.
        for unit in &units {
            assert_eq!(
                unit.system.hazardous_exposure_days,
                100.0 * age,
                "day {day}"
            );
        }
        // Derivatives are Poisson with mean Λ(a) = λ₀h/ln 2 · (1 − 2^(−a/h)).
        let expected = 50.0 * 60.0 / std::f64::consts::LN_2 * (1.0 - 0.5f64.powf(age / 60.0));
        let counts: Vec<f64> = units.iter().map(|u| u.labs[0].derivatives as f64).collect();
        let mean = counts.iter().sum::<f64>() / n as f64;
        let se = (expected / n as f64).sqrt();
        assert!(
            (mean - expected).abs() < 4.0 * se,
            "released on day {day}: mean {mean}, Λ({age}) = {expected}, se {se}"
        );
    }
}
