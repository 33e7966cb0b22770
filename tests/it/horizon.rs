//! Continuous processes (derivatives, exposure, incidents, signing) run to
//! the horizon exactly, whether or not a market step falls on it.

use reviewsim::model::{LabOutcome, Recording, SystemOutcome};
use reviewsim::runner::simulate_unit;
use reviewsim::scenario::Scenario;

use crate::common::mean_and_se;

/// A market of one segment stepping every `step_days`, whose adopters
/// weigh nothing in exposure, or no market at all (`None`: daily steps).
fn market(step_days: Option<f64>) -> String {
    step_days.map_or_else(String::new, |step| {
        format!(
            r#"
            [market]
            step_days = {step}
            [[market.segments]]
            id = "everyone"
            population = 1e6
            bass_p_per_year = 0.03
            bass_q_per_year = 0.38
            incident_exposure_weight = 0
            "#
        )
    })
}

/// One open-weights model released on `day`, with `sections` (hazard,
/// incidents, market) added.
fn open_weights_release(day: f64, horizon_days: f64, sections: &str) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "horizon"
        horizon_days = {horizon_days}
        {sections}
        [[labs]]
        id = "open"
        [[labs.lines]]
        id = "model"
        access = "open_weights"
        cadence_days = {{ dist = "dates", dates = [{day}] }}
        "#
    );
    Scenario::from_toml(&text, "horizon.toml", &[]).unwrap()
}

/// A hazardous model for sure (capability 0 is far past the midpoint),
/// with a constant exposure and incidents at `rate` per exposure-day.
fn hazardous(exposure: f64, rate: f64) -> String {
    format!(
        r#"
        [hazard]
        midpoint_capability = -1000
        scale_months = 1
        [incidents]
        rate_per_exposure_day = {rate}
        exposure_per_model = {exposure}
        exposure_per_derivative = 0
        "#
    )
}

fn outcomes(scenario: &Scenario, n: u64) -> Vec<(LabOutcome, SystemOutcome)> {
    (0..n)
        .map(|r| {
            let unit = simulate_unit(scenario, 0, r, Recording::NONE);
            (unit.labs[0].clone(), unit.system.clone())
        })
        .collect()
}

/// Checks that the mean derivative count of `scenario`'s one release at
/// `age` days by the horizon is Λ(age) = λ₀h/ln 2 · (1 − 2^(−age/h)),
/// within four Poisson standard errors, sqrt(Λ/n).
fn assert_derivatives_reach(scenario: &Scenario, age: f64) {
    let n = 2_000;
    let counts: Vec<f64> = outcomes(scenario, n)
        .iter()
        .map(|(lab, _)| lab.derivatives as f64)
        .collect();
    let expected = 50.0 * 60.0 / std::f64::consts::LN_2 * (1.0 - 0.5f64.powf(age / 60.0));
    let (mean, _) = mean_and_se(&counts);
    let se = (expected / n as f64).sqrt();
    let z = (mean - expected) / se;
    assert!(
        z.abs() < 4.0,
        "mean {mean}, Λ({age}) = {expected}, se {se}, z {z}"
    );
}

#[test]
fn derivatives_count_up_to_a_horizon_between_weekly_market_steps() {
    // Steps on days 49 and 56; released on day 50.5, out 9.5 days by day 60.
    let scenario = open_weights_release(50.5, 60.0, &market(Some(7.0)));
    assert_derivatives_reach(&scenario, 9.5);
}

#[test]
fn derivatives_count_up_to_a_horizon_between_daily_steps() {
    // Steps every day without a market; the horizon half-way through one.
    let scenario = open_weights_release(0.0, 60.5, "");
    assert_derivatives_reach(&scenario, 60.5);
}

#[test]
fn hazardous_exposure_days_integrate_a_constant_exposure_up_to_the_horizon() {
    // Released on day 3.25; the horizon, 60.5, falls between steps (days
    // 60 and 61 without a market, 56 and 63 with weekly steps).
    for step_days in [None, Some(7.0)] {
        let sections = hazardous(100.0, 0.0) + &market(step_days);
        let scenario = open_weights_release(3.25, 60.5, &sections);
        for (_, system) in outcomes(&scenario, 5) {
            let exposure = system.hazardous_exposure_days;
            let expected = 100.0 * (60.5 - 3.25);
            assert!(
                (exposure / expected - 1.0).abs() < 1e-9,
                "steps {step_days:?}: {exposure} exposure-days, expected {expected}"
            );
        }
    }
}

#[test]
fn incidents_average_their_rate_times_exposure_times_time_up_to_the_horizon() {
    // κ·E = 5e-7 × 1e6 = 0.5 incidents a day for 60.25 days (day 0.25 to
    // the horizon, 60.5, past the last weekly step on day 56): Poisson
    // with mean 30.125.
    let sections = hazardous(1e6, 5e-7) + &market(Some(7.0));
    let scenario = open_weights_release(0.25, 60.5, &sections);
    let n = 1_000;
    let counts: Vec<f64> = outcomes(&scenario, n)
        .iter()
        .map(|(lab, _)| lab.incidents as f64)
        .collect();
    let expected = 0.5 * (60.5 - 0.25);
    let (mean, sample_se) = mean_and_se(&counts);
    let se = (expected / n as f64).sqrt();
    let z = (mean - expected) / se;
    assert!(
        z.abs() < 4.0,
        "mean {mean}, expected {expected}, se {se}, z {z}"
    );
    // The sample standard deviation has a standard error near 1/sqrt(2n),
    // 2.2% of it.
    assert!(
        (sample_se / se - 1.0).abs() < 0.1,
        "dispersion {sample_se} vs Poisson {se}"
    );
}

#[test]
fn a_lab_signs_at_its_rate_up_to_the_horizon() {
    // Signing at 0.01 a day, checked at monthly steps (days 0 and 30) and
    // at the horizon, day 59.9: signed by then with probability
    // 1 − e^(−0.599).
    let text = format!(
        r#"
        [simulation]
        name = "signing"
        horizon_days = 59.9
        {}
        [[labs]]
        id = "holdout"
        participation = {{ signing = {{ base_rate_per_day = 0.01 }} }}
        [[labs.lines]]
        id = "model"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [1000] }}
        "#,
        market(Some(30.0))
    );
    let scenario = Scenario::from_toml(&text, "signing.toml", &[]).unwrap();
    let n = 2_000;
    let units = outcomes(&scenario, n);
    let signed = units.iter().filter(|(lab, _)| lab.signed_day.is_some());
    let share = signed.count() as f64 / n as f64;
    let expected = 1.0 - (-0.599f64).exp();
    let se = (expected * (1.0 - expected) / n as f64).sqrt();
    let z = (share - expected) / se;
    assert!(
        z.abs() < 4.0,
        "signed {share}, expected {expected}, se {se}, z {z}"
    );
    for (lab, system) in &units {
        assert_eq!(
            system.labs_participating_at_horizon,
            u64::from(lab.signed_day.is_some())
        );
        assert!(lab.signed_day.is_none_or(|day| [30.0, 59.9].contains(&day)));
    }
}
