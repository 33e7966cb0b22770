//! Adopter-days and the exposure-days of adopters: the integral of adopters
//! over time, exact with any market step and up to an off-grid horizon.

use reviewsim::model::market::DAYS_PER_YEAR;
use reviewsim::model::{AdoptionSample, Recording};
use reviewsim::runner::simulate_unit;
use reviewsim::scenario::Scenario;

const POPULATION: f64 = 1e6;
const P: f64 = 0.03;
const Q: f64 = 0.38;

/// One segment of a million (Bass p = 0.03, q = 0.38 a year) in a market
/// with weekly steps and `market` settings, with `segment` and `sections`
/// added, and `labs`.
fn world(horizon_days: f64, market: &str, segment: &str, sections: &str, labs: &str) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "adopter days"
        horizon_days = {horizon_days}
        {sections}
        [market]
        step_days = 7
        {market}
        [[market.segments]]
        id = "everyone"
        population = {POPULATION}
        bass_p_per_year = {P}
        bass_q_per_year = {Q}
        {segment}
        {labs}
        "#
    );
    Scenario::from_toml(&text, "adopter_days.toml", &[]).unwrap()
}

/// A lab with one API line, on the market from the start (an incumbent)
/// or from `released` on.
fn api_lab(id: &str, released: Option<f64>) -> String {
    let (incumbent, day) = match released {
        None => ("incumbent_released = 2026-01-01", 1000.0),
        Some(day) => ("", day),
    };
    format!(
        r#"
        [[labs]]
        id = "{id}"
        [[labs.lines]]
        id = "model"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [{day}] }}
        {incumbent}
        "#
    )
}

/// ∫₀^τ F dt in years, for the Bass fraction from F(0) = `start`: with
/// r = q/p and E = (1 − F)/(1 + rF), which decays as e^(−(p+q)t),
/// τ + ln((1 + rE(τ))/(1 + rE(0)))/q.
fn bass_integral(start: f64, years: f64) -> f64 {
    let r = Q / P;
    let e0 = (1.0 - start) / (1.0 + r * start);
    let e1 = e0 * (-(P + Q) * years).exp();
    years + ((1.0 + r * e1) / (1.0 + r * e0)).ln() / Q
}

/// The Bass fraction after τ years from `start`.
fn bass_fraction(start: f64, years: f64) -> f64 {
    let r = Q / P;
    let e = (1.0 - start) / (1.0 + r * start) * (-(P + Q) * years).exp();
    (1.0 - e) / (1.0 + r * e)
}

fn assert_close(what: &str, value: f64, expected: f64, relative: f64) {
    assert!(
        (value / expected - 1.0).abs() < relative,
        "{what}: {value}, expected {expected} (relative error {:e})",
        value / expected - 1.0
    );
}

#[test]
fn adopter_days_of_a_lone_model_are_the_bass_integral_with_weekly_steps() {
    // A fifth of the segment uses the one model on day 0; weekly steps,
    // and the horizon, day 100.3, three days past the last step.
    let horizon = 100.3;
    let scenario = world(
        horizon,
        "",
        "adopted_at_start = 0.2",
        "",
        &api_lab("a", None),
    );
    let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
    let outcome = &unit.labs[0].segments[0];
    let years = horizon / DAYS_PER_YEAR;
    let expected = POPULATION * DAYS_PER_YEAR * bass_integral(0.2, years);
    assert_close("adopter-days", outcome.adopter_days, expected, 1e-9);
    let adopters = POPULATION * bass_fraction(0.2, years);
    assert_close("adopters", outcome.adopters, adopters, 1e-12);
}

/// Adopters of the incumbent (lab a) and of a newcomer (lab b, released on
/// `released`) and their integrals, by a fine Runge-Kutta integration of
/// dF/dt = (p + qF)(1 − F) and, with A = MF and choice probabilities π,
/// da_i/dt = −s·a_i + π_i·(s·A + dA/dt); in days.
fn integrate(start: f64, switching: f64, released: f64, horizon: f64, newcomer: f64) -> [f64; 5] {
    let (p, q, s) = (
        P / DAYS_PER_YEAR,
        Q / DAYS_PER_YEAR,
        switching / DAYS_PER_YEAR,
    );
    let derivative = |y: &[f64; 5], shares: [f64; 2]| {
        let growth = POPULATION * (p + q * y[0]) * (1.0 - y[0]);
        let inflow = s * POPULATION * y[0] + growth;
        [
            growth / POPULATION,
            -s * y[1] + shares[0] * inflow,
            -s * y[2] + shares[1] * inflow,
            y[1],
            y[2],
        ]
    };
    let mut y = [start, POPULATION * start, 0.0, 0.0, 0.0];
    let h = 0.005;
    for (from, to, shares) in [
        (0.0, released, [1.0, 0.0]),
        (released, horizon, [1.0 - newcomer, newcomer]),
    ] {
        let steps = ((to - from) / h).round() as usize;
        let h = (to - from) / steps as f64;
        for _ in 0..steps {
            let at = |k: &[f64; 5], f: f64| std::array::from_fn(|i| y[i] + f * k[i]);
            let k1 = derivative(&y, shares);
            let k2 = derivative(&at(&k1, h / 2.0), shares);
            let k3 = derivative(&at(&k2, h / 2.0), shares);
            let k4 = derivative(&at(&k3, h), shares);
            y = std::array::from_fn(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]));
        }
    }
    y
}

#[test]
fn adopter_days_with_switching_between_two_labs_match_the_integrated_equations() {
    // The incumbent has everyone until a newcomer of lower reputation
    // arrives on day 10.3, mid-step; from then adopters re-choose at 2 a
    // year, so the newcomer's adopters lag its choice probability.
    let labs = api_lab("a", None) + &api_lab("b", Some(10.3));
    let segment = "adopted_at_start = 0.2\nswitching_per_year = 2\nreputation = { a = 0.5 }";
    let scenario = world(60.5, "", segment, "", &labs);
    let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
    let newcomer = 1.0 / (1.0 + 0.5f64.exp());
    let y = integrate(0.2, 2.0, 10.3, 60.5, newcomer);
    for (lab, (adopters, adopter_days)) in [(y[1], y[3]), (y[2], y[4])].into_iter().enumerate() {
        let outcome = &unit.labs[lab].segments[0];
        assert_close(
            &format!("lab {lab} adopters"),
            outcome.adopters,
            adopters,
            1e-9,
        );
        assert_close(
            &format!("lab {lab} adopter-days"),
            outcome.adopter_days,
            adopter_days,
            1e-9,
        );
    }
}

#[test]
fn exposure_days_of_a_hazardous_api_model_are_its_adopters_integral() {
    // A hazardous API model released on day 3.25 into an empty segment,
    // whose adopters weigh 2.5 each, plus 100 of its own; no incidents.
    // By the horizon, day 60.5 (between the weekly steps of days 56 and
    // 63), the segment has followed the Bass curve from zero for 57.25
    // days.
    let hazard = r#"
        [hazard]
        midpoint_capability = -1000
        scale_months = 1
        [incidents]
        rate_per_exposure_day = 0
        exposure_per_model = 100
        exposure_per_derivative = 0
        "#;
    let segment = "incident_exposure_weight = 2.5";
    let scenario = world(60.5, "", segment, hazard, &api_lab("a", Some(3.25)));
    let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
    assert_eq!(unit.labs[0].hazardous_releases, 1);
    let days = 60.5 - 3.25;
    let adopter_days = POPULATION * DAYS_PER_YEAR * bass_integral(0.0, days / DAYS_PER_YEAR);
    let outcome = &unit.labs[0].segments[0];
    assert_close("adopter-days", outcome.adopter_days, adopter_days, 1e-9);
    let exposure = unit.system.hazardous_exposure_days;
    assert_close(
        "exposure-days",
        exposure,
        2.5 * adopter_days + 100.0 * days,
        1e-9,
    );
}

#[test]
fn adopter_days_follow_adopters_stranded_by_an_export_restriction_to_the_next_release() {
    // Everyone in a foreign segment uses a U.S. lab's model until exports
    // stop on day 10.5; they wait with no model until a foreign lab
    // releases one on day 20.25, and then all use it. Mid-step both times.
    let labs = api_lab("us", None)
        + &api_lab("foreign", Some(20.25)).replace(
            "id = \"foreign\"",
            "id = \"foreign\"\njurisdiction = \"foreign\"",
        );
    let segment = "adopted_at_start = 1\nregion = \"foreign\"";
    let restriction = "[export_restriction]\nfrom = 10.5";
    let scenario = world(40.5, "", segment, restriction, &labs);
    let unit = simulate_unit(&scenario, 0, 0, Recording::NONE);
    let (us, foreign) = (&unit.labs[0].segments[0], &unit.labs[1].segments[0]);
    assert_close("U.S. lab", us.adopter_days, POPULATION * 10.5, 1e-12);
    let days = 40.5 - 20.25;
    assert_close(
        "foreign lab",
        foreign.adopter_days,
        POPULATION * days,
        1e-12,
    );
    assert_close("foreign adopters", foreign.adopters, POPULATION, 1e-12);
}

#[test]
fn stochastic_adopter_days_are_the_trapezoid_over_the_market_steps() {
    // Adopters jump at each step's draws; adopter-days take the mean of
    // the adopters at the two ends of each step, here sampled weekly.
    let segment = "adopted_at_start = 0.2\nswitching_per_year = 2\nreputation = { a = 0.5 }";
    let labs = api_lab("a", None) + &api_lab("b", None);
    let scenario = world(70.0, "mode = \"stochastic\"", segment, "", &labs);
    let recording = Recording {
        timeseries_every_days: Some(7),
        ..Recording::NONE
    };
    let unit = simulate_unit(&scenario, 0, 0, recording);
    for lab in 0..2 {
        let samples: Vec<f64> = (unit.recorded.rows::<AdoptionSample>().iter())
            .filter(|s| s.lab == lab)
            .map(|s| s.adopters)
            .collect();
        assert_eq!(samples.len(), 11);
        let trapezoid: f64 = samples.windows(2).map(|w| 7.0 * (w[0] + w[1]) / 2.0).sum();
        let adopter_days = unit.labs[lab as usize].segments[0].adopter_days;
        assert_close("adopter-days", adopter_days, trapezoid, 1e-12);
        assert!(
            samples.windows(2).any(|w| w[0] != w[1]),
            "nothing was drawn"
        );
    }
}
