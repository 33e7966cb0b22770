//! A market calibrated to observed shares: day 0's shares are the targets,
//! the solved constants keep the labs winning adopters in the targets'
//! proportions over a long run, and targets that cannot hold are refused.

use reviewsim::model::{AdoptionSample, Recording};
use reviewsim::runner::simulate_unit;
use reviewsim::scenario::Scenario;

use crate::common::mean_and_se;

/// Three labs, one with an API and an open-weights line, on a market of one
/// segment; `segment` adds to the segment, `horizon` sets the length.
fn three_labs(segment: &str, horizon: u32) -> String {
    format!(
        r#"
        [simulation]
        name = "calibration"
        horizon_days = {horizon}
        replications = 1
        [market]
        step_days = 7
        [[market.segments]]
        id = "everyone"
        population = 1e6
        adopted_at_start = 0.3
        bass_p_per_year = 0.03
        bass_q_per_year = 0.4
        switching_per_year = 0.5
        capability_weight = 0.4
        {segment}
        [[labs]]
        id = "a"
        [[labs.lines]]
        id = "a"
        access = "api"
        cadence_days = {{ dist = "gamma", mean = 90, cv = 0.5 }}
        capability_lag_months = {{ dist = "uniform", low = 0, high = 1 }}
        incumbent_released = -40
        [[labs]]
        id = "b"
        [[labs.lines]]
        id = "b"
        access = "api"
        cadence_days = {{ dist = "gamma", mean = 120, cv = 0.3 }}
        capability_lag_months = {{ dist = "uniform", low = 0, high = 2 }}
        incumbent_released = -100
        [[labs]]
        id = "c"
        [[labs.lines]]
        id = "api"
        access = "api"
        cadence_days = {{ dist = "lognormal", median = 140, sigma = 0.5 }}
        capability_lag_months = {{ dist = "uniform", low = 0, high = 1 }}
        incumbent_released = -20
        [[labs.lines]]
        id = "open"
        access = "open_weights"
        cadence_days = {{ dist = "gamma", mean = 130, cv = 0.5 }}
        capability_lag_months = {{ dist = "gamma", mean = 4, cv = 0.35 }}
        incumbent_released = -200
        "#
    )
}

const TARGETS: &str = r#"
    share_targets = { a = 0.5, b = 0.3, c = 0.2 }
    open_weights_share_target = 0.12
"#;

/// Per replication, the lab shares and the open-weights share at each
/// sample from `from_day` on.
fn shares_from(scenario: &Scenario, replication: u64, every: u32, from_day: f64) -> Vec<[f64; 4]> {
    let recording = Recording {
        timeseries_every_days: Some(every),
        ..Recording::NONE
    };
    let unit = simulate_unit(scenario, 0, replication, recording);
    let mut by_time: std::collections::BTreeMap<i64, [f64; 5]> = Default::default();
    for sample in unit
        .recorded
        .rows::<AdoptionSample>()
        .iter()
        .filter(|s| s.time.as_days() >= from_day)
    {
        let row = by_time.entry(sample.time.as_days() as i64).or_default();
        row[sample.lab as usize] += sample.adopters;
        row[3] += sample.adopters_open_weights;
        row[4] += sample.adopters;
    }
    by_time
        .values()
        .map(|row| {
            [
                row[0] / row[4],
                row[1] / row[4],
                row[2] / row[4],
                row[3] / row[4],
            ]
        })
        .collect()
}

#[test]
fn calibrated_shares_on_day_zero_are_the_targets() {
    let scenario = Scenario::from_toml(&three_labs(TARGETS, 30), "c.toml", &[]).unwrap();
    for replication in 0..5 {
        let day0 = shares_from(&scenario, replication, 1, 0.0)[0];
        for (share, target) in day0.iter().zip([0.5, 0.3, 0.2, 0.12]) {
            assert!((share - target).abs() < 1e-9, "{day0:?}");
        }
    }
}

#[test]
fn calibrated_constants_keep_the_target_shares_over_ten_years_of_releases() {
    // New adopters and switchers choose by the solved constants; with every
    // line releasing at its cadence, the expected shares stay at the
    // targets. Over years 2 to 10, averaged per replication, they agree
    // within the simulation's and the calibration sample's standard errors.
    let scenario = Scenario::from_toml(&three_labs(TARGETS, 3650), "c.toml", &[]).unwrap();
    let calibration = scenario.market.as_ref().unwrap().segments[0]
        .calibration
        .clone()
        .unwrap();
    let averages: Vec<[f64; 4]> = (0..200)
        .map(|replication| {
            let samples = shares_from(&scenario, replication, 30, 730.0);
            let mut mean = [0.0; 4];
            for sample in &samples {
                for (total, share) in mean.iter_mut().zip(sample) {
                    *total += share / samples.len() as f64;
                }
            }
            mean
        })
        .collect();
    for (index, target) in [0.5, 0.3, 0.2, 0.12].into_iter().enumerate() {
        let values: Vec<f64> = averages.iter().map(|a| a[index]).collect();
        let (mean, se) = mean_and_se(&values);
        let sample_se = calibration.achieved_se.get(index).copied().unwrap_or(0.0);
        let tolerance = 4.0 * (se * se + sample_se * sample_se).sqrt();
        println!("share {index}: {mean:.4} vs {target} (tolerance {tolerance:.4})");
        assert!(
            (mean - target).abs() < tolerance,
            "share {index}: {mean:.4} vs target {target} (tolerance {tolerance:.4}, se {se:.4}, sample se {sample_se:.4})"
        );
    }
}

#[test]
fn calibrated_constants_depend_on_the_parameters_not_on_the_seed() {
    let text = three_labs(TARGETS, 30);
    let constants = |seed: &str| {
        let overrides = [format!("simulation.seed={seed}").parse().unwrap()];
        let scenario = Scenario::from_toml(&text, "c.toml", &overrides).unwrap();
        scenario.market.as_ref().unwrap().segments[0]
            .reputation_by_lab
            .clone()
    };
    assert_eq!(constants("1"), constants("99"));
    let moved = Scenario::from_toml(
        &text,
        "c.toml",
        &["market.segments.everyone.capability_weight=0.8"
            .parse()
            .unwrap()],
    )
    .unwrap();
    let moved = &moved.market.as_ref().unwrap().segments[0].reputation_by_lab;
    assert_ne!(moved, &constants("1"));
}

#[test]
fn a_segment_without_targets_spreads_day_zero_by_choice_as_before() {
    let scenario = Scenario::from_toml(&three_labs("", 30), "c.toml", &[]).unwrap();
    let segment = &scenario.market.as_ref().unwrap().segments[0];
    assert!(segment.calibration.is_none());
    assert_eq!(segment.reputation_by_lab, vec![0.0; 3]);
}

fn refusal(segment: &str) -> String {
    let error = Scenario::from_toml(&three_labs(segment, 30), "c.toml", &[]).unwrap_err();
    error.to_string()
}

#[test]
fn targets_that_cannot_hold_are_refused_with_the_path_and_what_is_allowed() {
    let cases = [
        (
            "share_targets = { a = 0.5, b = 0.3, c = 0.3 }",
            "market.segments.everyone.share_targets",
            "must sum to 1",
        ),
        (
            "share_targets = { a = 0.5, b = 0.5 }",
            "market.segments.everyone.share_targets",
            "must sum to less than 1: c also on the market",
        ),
        (
            "share_targets = { a = 0.5, z = 0.3 }",
            "market.segments.everyone.share_targets.z",
            "names no lab (labs: a, b, c)",
        ),
        (
            "share_targets = { a = 0.5, b = 0.5, c = 0 }",
            "market.segments.everyone.share_targets.c",
            "must be a share >= 0.000001 and < 1",
        ),
        (
            "share_targets = { a = 0.5, b = 0.3, c = 0.2 }\nreputation = { a = 1 }",
            "market.segments.everyone.reputation.a",
            "is solved from share_targets",
        ),
        (
            "share_targets = { a = 0.5, b = 0.3, c = 0.2 }\nopen_weights_share_target = 0.1\nopen_weights_preference = 0.5",
            "market.segments.everyone.open_weights_preference",
            "is solved from open_weights_share_target",
        ),
        (
            "open_weights_share_target = 0.1",
            "market.segments.everyone.open_weights_share_target",
            "needs share_targets",
        ),
    ];
    for (segment, path, allowed) in cases {
        let message = refusal(segment);
        assert!(
            message.contains(path) && message.contains(allowed),
            "{segment}: {message}"
        );
    }
    // With a month of capability worth 100 in utility, lab c's open line,
    // months behind its API line, would need an open-weights utility far
    // beyond ±100 to carry nearly all of c's share.
    let text = three_labs(
        "share_targets = { a = 0.5, b = 0.3, c = 0.2 }\nopen_weights_share_target = 0.19999",
        30,
    )
    .replace("capability_weight = 0.4", "capability_weight = 100");
    let message = Scenario::from_toml(&text, "c.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("market.segments.everyone.share_targets")
            && message.contains("cannot be reached"),
        "{message}"
    );
}

#[test]
fn the_baselines_simulated_shares_on_its_start_date_are_its_declared_targets() {
    // Through the command line, as a user sees them: the time series on
    // day 0, in every segment, against share_targets and the open-weights
    // target.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    crate::common::reviewsim_ok(&[
        "run",
        crate::common::BASELINE,
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "20",
        "--timeseries",
        "1",
        "--set",
        "simulation.horizon_days=1",
        "--quiet",
    ]);
    let scenario = crate::common::baseline_with(&[]);
    let rows = crate::common::csv_rows(&out.join("timeseries.csv"));
    let day0: Vec<_> = rows
        .iter()
        .filter(|r| r["day"].parse::<f64>().unwrap() == 0.0)
        .collect();
    for segment in &scenario.market.as_ref().unwrap().segments {
        assert!(!segment.share_targets.is_empty(), "{}", segment.id);
        let in_segment: Vec<_> = day0.iter().filter(|r| r["segment"] == segment.id).collect();
        let total: f64 = in_segment
            .iter()
            .map(|r| r["adopters"].parse::<f64>().unwrap())
            .sum();
        for (lab, target) in &segment.share_targets {
            let shares: Vec<f64> = (in_segment.iter())
                .filter(|r| &r["lab"] == lab)
                .map(|r| r["share"].parse().unwrap())
                .collect();
            assert_eq!(shares.len(), 20);
            let (mean, _) = mean_and_se(&shares);
            assert!(
                (mean - target).abs() < 0.01,
                "{} {lab}: {mean} vs {target}",
                segment.id
            );
        }
        if let Some(target) = segment.open_weights_share_target {
            let open: f64 = (in_segment.iter())
                .map(|r| r["adopters_open_weights"].parse::<f64>().unwrap())
                .sum();
            assert!(
                (open / total - target).abs() < 0.01,
                "{}: {}",
                segment.id,
                open / total
            );
        }
    }
}

/// `data/market_targets.csv` as (segment, as_of, subject) → share.
fn shipped_targets() -> std::collections::HashMap<(String, String, String), f64> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/market_targets.csv");
    crate::common::csv_rows(path.as_ref())
        .into_iter()
        .map(|r| {
            let key = (
                r["segment"].clone(),
                r["as_of"].clone(),
                r["subject"].clone(),
            );
            (key, r["share"].parse().unwrap())
        })
        .collect()
}

#[test]
fn the_baselines_targets_are_the_rows_of_the_data_file_they_name() {
    let targets = shipped_targets();
    let scenario = crate::common::baseline_with(&[]);
    for segment in &scenario.market.as_ref().unwrap().segments {
        let source = segment.targets_source.as_deref().unwrap();
        let rest = source.strip_prefix("data/market_targets.csv: ").unwrap();
        let (name, as_of) = rest.split_once(", ").unwrap();
        assert_eq!(name, segment.id);
        let mut named = 0;
        for ((seg, date, subject), share) in &targets {
            if seg != name || date != as_of {
                continue;
            }
            named += 1;
            let declared = if subject == "open_weights" {
                segment.open_weights_share_target
            } else {
                segment.share_targets.get(subject).copied()
            };
            match declared {
                Some(declared) => assert!((declared - share).abs() < 1e-9, "{source}: {subject}"),
                // Only the open-weights figure may be left out (it solves
                // a preference that is otherwise an assumption).
                None => assert_eq!(subject, "open_weights", "{source}: {subject} left out"),
            }
        }
        assert!(named >= segment.share_targets.len(), "{source}");
    }
}

#[test]
fn every_incumbent_of_the_baseline_is_its_lines_last_flagship_before_the_start() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/releases.csv");
    let releases = crate::common::csv_rows(path.as_ref());
    let scenario = crate::common::baseline_with(&[]);
    for lab in &scenario.labs {
        for line in &lab.lines {
            let last = (releases.iter())
                .filter(|r| r["lab"] == lab.id && r["line"] == line.id && r["flagship"] == "yes")
                .map(|r| chrono::NaiveDate::parse_from_str(&r["date"], "%Y-%m-%d").unwrap())
                .filter(|date| *date < scenario.start_date)
                .max()
                .unwrap();
            let day = (last - scenario.start_date).num_days() as f64;
            assert_eq!(
                line.incumbent_released_day,
                Some(day),
                "{}/{}",
                lab.id,
                line.id
            );
        }
    }
}
