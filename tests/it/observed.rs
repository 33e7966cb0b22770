//! The model against what happened: the backtest and the replay, checked on
//! worlds whose answers are known, and their shipped scenarios bound to the
//! data and to the baseline.

use std::path::Path;

use reviewsim::fit::read_releases;
use reviewsim::observed::{MarketTarget, backtest, replay};
use reviewsim::scenario::{Cadence, Scenario};

use crate::common::{BASELINE, baseline_with, csv_rows, reviewsim, reviewsim_ok};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A world of two API labs releasing on fixed days, one review track of one
/// team taking exactly `review_days`, a 30-day window from submission.
fn scheduled_world(dates: &[&str], review_days: f64, market: &str) -> Scenario {
    let text = format!(
        r#"
        [simulation]
        name = "scheduled"
        start_date = 2025-01-01
        horizon_days = 200
        replications = 4
        [review]
        window_days = 30
        [[review.tracks]]
        id = "only"
        capacity = 1
        duration_days = {review_days}
        {market}
        [[labs]]
        id = "a"
        participation = {{ signed = true }}
        [[labs.lines]]
        id = "a"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [{}] }}
        incumbent_released = 2024-12-01
        [[labs]]
        id = "b"
        participation = {{ signed = true }}
        [[labs.lines]]
        id = "b"
        access = "api"
        cadence_days = {{ dist = "dates", dates = [{}] }}
        incumbent_released = 2024-11-01
        "#,
        dates[0], dates[1]
    );
    Scenario::from_toml(&text, "scheduled.toml", &[]).unwrap()
}

#[test]
fn a_replay_of_two_releases_on_one_day_queues_the_second_behind_the_first() {
    // One team, ten days a review: the first waits 0 days and is released
    // on day 10 of its review, the second waits 10 and comes out on day 20.
    let scenario = scheduled_world(&["2025-02-01", "2025-02-01"], 10.0, "");
    let report = replay(&scenario, &[], Some(2)).unwrap();
    let [first, second] = &report.releases[..] else {
        panic!("{report:?}");
    };
    assert_eq!((first.queue_days, first.review_days), (0.0, 10.0));
    assert_eq!(first.delay, [10.0; 4]);
    assert_eq!(first.counterfactual.to_string(), "2025-02-11");
    assert_eq!((second.queue_days, second.review_days), (10.0, 10.0));
    assert_eq!(second.delay, [20.0; 4]);
    assert_eq!(second.counterfactual.to_string(), "2025-02-21");
    for release in [first, second] {
        assert_eq!((release.reviewed, release.window_expired), (1.0, 0.0));
    }
    assert_eq!(report.labs[0].delay_days_total, 10.0);
    assert_eq!(report.labs[1].delay_days_total, 20.0);
}

#[test]
fn a_replayed_review_longer_than_the_window_releases_on_its_expiry() {
    let scenario = scheduled_world(&["2025-02-01", "2025-03-15"], 45.0, "");
    let report = replay(&scenario, &[], None).unwrap();
    for release in &report.releases {
        assert_eq!(release.delay, [30.0; 4], "{release:?}");
        assert_eq!((release.reviewed, release.window_expired), (0.0, 1.0));
    }
}

#[test]
fn a_replay_needs_lines_of_dates() {
    let message = reviewsim(&[
        "replay",
        BASELINE,
        "--replications",
        "2",
        "--out",
        "/nonexistent/x",
    ]);
    let stderr = String::from_utf8_lossy(&message.stderr);
    assert!(!message.status.success());
    assert!(
        stderr.contains("labs.openai.lines.gpt.cadence_days is not a schedule of dates"),
        "{stderr}"
    );
}

#[test]
fn a_backtest_of_a_world_that_goes_as_observed_holds_every_observation() {
    // Releases on fixed days, observed on the same days; a market of one
    // segment calibrated to 70/30 with no switching and no new adopters,
    // observed at 70/30 later: every observation falls in its interval.
    let market = r#"
        [market]
        [[market.segments]]
        id = "everyone"
        population = 1e6
        adopted_at_start = 0.5
        bass_p_per_year = 0
        bass_q_per_year = 0
        capability_weight = 0.2
        share_targets = { a = 0.7, b = 0.3 }
    "#;
    let scenario = scheduled_world(&["2025-02-01", "2025-03-15"], 5.0, market);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("releases.csv");
    std::fs::write(
        &data,
        "lab,line,model,access,date,date_precision,flagship,status,source,note\n\
         a,a,A1,api,2025-02-01,day,yes,verified,https://example.org/a,\n\
         b,b,B1,api,2025-03-15,day,yes,verified,https://example.org/b,\n\
         b,b,B0,api,2024-11-01,day,yes,verified,https://example.org/b0,before the start\n",
    )
    .unwrap();
    let releases = read_releases(&data).unwrap();
    let target = |subject: &str, share: f64| MarketTarget {
        segment: "everyone".into(),
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(),
        subject: subject.into(),
        share,
        basis: "observed".into(),
    };
    let report = backtest(
        &scenario,
        &releases,
        &[target("a", 0.7), target("b", 0.3)],
        None,
    )
    .unwrap();
    for check in &report.releases {
        assert_eq!(
            (check.observed, check.simulated[1], check.simulated[3]),
            (1, 1.0, 1.0)
        );
        assert!(check.inside());
    }
    assert_eq!(report.shares.len(), 2);
    for check in &report.shares {
        assert!(
            (check.simulated[0] - check.observed).abs() < 1e-9,
            "{check:?}"
        );
        assert!(check.inside());
    }
    // Observed otherwise, it is a miss, and said so.
    let report = backtest(&scenario, &releases, &[target("a", 0.9)], None).unwrap();
    assert!(!report.shares[0].inside());
}

/// The lines' flagship dates in [from, to) of data/releases.csv.
fn flagships(lab: &str, line: &str, from: &str, to: &str) -> Vec<String> {
    let rows = csv_rows(Path::new(ROOT).join("data/releases.csv").as_path());
    rows.iter()
        .filter(|r| r["lab"] == lab && r["line"] == line && r["flagship"] == "yes")
        .map(|r| r["date"].clone())
        .filter(|d| from <= d.as_str() && d.as_str() < to)
        .collect()
}

#[test]
fn the_replay_replays_every_flagship_of_its_year_and_the_baselines_program() {
    let path = Path::new(ROOT).join("scenarios/replay.toml");
    let replay = Scenario::load(&path, &[]).unwrap();
    let baseline = baseline_with(&[]);
    let end = "2026-06-02";
    for lab in &baseline.labs {
        for line in &lab.lines {
            let observed = flagships(&lab.id, &line.id, "2025-06-02", end);
            let replayed = (replay.labs.iter())
                .find(|l| l.id == lab.id)
                .and_then(|l| l.lines.iter().find(|x| x.id == line.id));
            let Some(replayed) = replayed else {
                assert!(
                    observed.is_empty(),
                    "{}/{} released {observed:?}",
                    lab.id,
                    line.id
                );
                continue;
            };
            let Cadence::Scheduled(times) = &replayed.cadence else {
                panic!("{}/{}", lab.id, line.id);
            };
            let dates: Vec<String> = (times.iter())
                .map(|t| reviewsim::output::date_of(replay.start_date, *t).to_string())
                .collect();
            assert_eq!(dates, observed, "{}/{}", lab.id, line.id);
            assert_eq!(replayed.capability_lag_months, line.capability_lag_months);
            assert_eq!(
                (replay.labs.iter().find(|l| l.id == lab.id).unwrap()).participation,
                lab.participation
            );
        }
    }
    let (mut a, mut b) = (replay.review.clone(), baseline.review.clone());
    a.operational = b.operational;
    (a.operational_at, b.operational_at) = (Default::default(), Default::default());
    assert_eq!(a, b, "the replay's program is the baseline's");
    assert_eq!(replay.hazard, baseline.hazard);
    assert_eq!(replay.review.operational_at.as_days(), 0.0);
}

#[test]
fn the_backtest_runs_the_baselines_market_from_what_was_known_on_its_start() {
    let path = Path::new(ROOT).join("scenarios/backtest.toml");
    let backtest = Scenario::load(&path, &[]).unwrap();
    let baseline = baseline_with(&[]);
    assert!(!backtest.review.is_active());
    let (a, b) = (
        backtest.market.as_ref().unwrap(),
        baseline.market.as_ref().unwrap(),
    );
    for (x, y) in a.segments.iter().zip(&b.segments) {
        assert_eq!(x.id, y.id);
        for (what, one, other) in [
            ("population", x.population, y.population),
            ("bass_p", x.bass_p_per_year, y.bass_p_per_year),
            ("bass_q", x.bass_q_per_year, y.bass_q_per_year),
            ("switching", x.switching_per_year, y.switching_per_year),
            ("capability", x.capability_weight, y.capability_weight),
            ("reviewed", x.reviewed_premium, y.reviewed_premium),
            ("ecosystem", x.ecosystem_weight, y.ecosystem_weight),
        ] {
            assert_eq!(one, other, "{} {what}", x.id);
        }
    }
    // Incumbents: each line's last flagship before the start; and no line
    // that had not released by then.
    let start = backtest.start_date.to_string();
    for lab in &backtest.labs {
        for line in &lab.lines {
            let before = flagships(&lab.id, &line.id, "2000-01-01", &start);
            let last =
                chrono::NaiveDate::parse_from_str(before.last().unwrap(), "%Y-%m-%d").unwrap();
            let day = (last - backtest.start_date).num_days() as f64;
            assert_eq!(
                line.incumbent_released_day,
                Some(day),
                "{}/{}",
                lab.id,
                line.id
            );
        }
    }
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("scenarios/fitted/cadences_2024-07-01.toml"))
            .unwrap();
    assert!(text.contains("--as-of 2024-07-01"));
}

#[test]
fn the_shipped_backtest_and_replay_run_with_one_command_each() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backtest");
    let output = reviewsim_ok(&[
        "backtest",
        &format!("{ROOT}/scenarios/backtest.toml"),
        "--releases",
        &format!("{ROOT}/data/releases.csv"),
        "--targets",
        &format!("{ROOT}/data/market_targets.csv"),
        "--replications",
        "40",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("inside the 90% interval: releases"),
        "{stdout}"
    );
    let rows = csv_rows(&out.join("backtest.csv"));
    assert_eq!(rows.iter().filter(|r| r["kind"] == "releases").count(), 6);
    assert!(rows.iter().filter(|r| r["kind"] == "share").count() >= 30);
    let out = dir.path().join("replay");
    let output = reviewsim_ok(&[
        "replay",
        &format!("{ROOT}/scenarios/replay.toml"),
        "--releases",
        &format!("{ROOT}/data/releases.csv"),
        "--replications",
        "40",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("anthropic/claude: Claude Opus 4.5"),
        "{stdout}"
    );
    let rows = csv_rows(&out.join("replay_releases.csv"));
    assert_eq!(rows.len(), 20);
    let muse = rows.iter().find(|r| r["model"] == "Muse Spark").unwrap();
    assert_eq!(muse["share_unreviewed"], "1", "Meta holds out: {muse:?}");
    assert_eq!(csv_rows(&out.join("replay_labs.csv")).len(), 5);
}
