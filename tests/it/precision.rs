//! `run --precision`: replications in batches until every named interval
//! is narrow enough, the same count with any number of threads.

use std::path::Path;

use crate::common::{BASELINE, baseline_sweep, csv_rows, reviewsim, reviewsim_ok};

fn run_to_precision(
    scenario: &str,
    out: &Path,
    threads: &str,
    extra: &[&str],
) -> serde_json::Value {
    let out_text = out.display().to_string();
    let mut args = vec![
        "run",
        scenario,
        "--out",
        &out_text,
        "--replications",
        "20",
        "--set",
        "simulation.horizon_days=365",
        "--outputs",
        "summary",
        "--threads",
        threads,
        "--quiet",
    ];
    args.extend(extra);
    reviewsim_ok(&args);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    manifest
}

#[test]
fn a_run_to_a_precision_stops_at_the_same_count_with_any_threads_and_meets_its_targets() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(
        scratch.path(),
        "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [0, 30]\n",
    );
    let targets = [
        "--precision",
        "share_all:meta=0.006",
        "--precision",
        "delay_days_mean=15%",
    ];
    let one = run_to_precision(&scenario, &scratch.path().join("one"), "1", &targets);
    let two = run_to_precision(&scenario, &scratch.path().join("two"), "2", &targets);
    let count = one["replications"].as_u64().unwrap();
    assert_eq!(two["replications"].as_u64(), Some(count));
    assert_eq!(one["precision"]["replications"].as_u64(), Some(count));
    assert_eq!(one["precision"]["met"], true);
    // Batches of 20, more than one needed, and a whole number of batches.
    assert!(count > 20 && count.is_multiple_of(20), "{count}");
    let summary_one = std::fs::read(scratch.path().join("one/summary.csv")).unwrap();
    let summary_two = std::fs::read(scratch.path().join("two/summary.csv")).unwrap();
    assert!(summary_one == summary_two);
    // Every point's interval meets each target in the summary written.
    let rows = csv_rows(&scratch.path().join("one/summary.csv"));
    let halfwidth = |r: &std::collections::HashMap<String, String>| {
        let low: f64 = r["ci95_low"].parse().unwrap();
        let high: f64 = r["ci95_high"].parse().unwrap();
        (high - low) / 2.0
    };
    let share: Vec<_> = (rows.iter())
        .filter(|r| r["lab"] == "meta" && r["metric"] == "share_all")
        .collect();
    assert_eq!(share.len(), 2);
    for row in share {
        assert_eq!(row["n"], count.to_string());
        assert!(halfwidth(row) <= 0.006 * (1.0 + 1e-8), "{row:?}");
    }
    let delays: Vec<_> = (rows.iter())
        .filter(|r| r["metric"] == "delay_days_mean" && !r["ci95_low"].is_empty())
        .collect();
    assert!(delays.len() >= 2);
    for row in delays {
        let mean: f64 = row["mean"].parse().unwrap();
        assert!(
            halfwidth(row) <= 0.15 * mean.abs() * (1.0 + 1e-8),
            "{row:?}"
        );
    }
    // One batch fewer would not have done: the count is the first that meets.
    let fewer = (count - 20).to_string();
    let less = scratch.path().join("less");
    reviewsim_ok(&[
        "run",
        &scenario,
        "--out",
        less.to_str().unwrap(),
        "--replications",
        &fewer,
        "--set",
        "simulation.horizon_days=365",
        "--outputs",
        "summary",
        "--quiet",
    ]);
    let rows = csv_rows(&less.join("summary.csv"));
    let missed = rows.iter().any(|r| {
        (r["lab"] == "meta" && r["metric"] == "share_all" && halfwidth(r) > 0.006)
            || (r["metric"] == "delay_days_mean"
                && !r["ci95_low"].is_empty()
                && halfwidth(r) > 0.15 * r["mean"].parse::<f64>().unwrap().abs())
    });
    assert!(missed, "{fewer} replications already met every target");
}

#[test]
fn a_precision_the_maximum_cannot_reach_says_so() {
    let scratch = tempfile::tempdir().unwrap();
    let manifest = run_to_precision(
        BASELINE,
        &scratch.path().join("out"),
        "2",
        &[
            "--precision",
            "share_all:meta=0.000001",
            "--max-replications",
            "50",
        ],
    );
    assert_eq!(manifest["replications"].as_u64(), Some(50));
    assert_eq!(manifest["precision"]["met"], false);
}

#[test]
fn precision_targets_that_name_nothing_or_cannot_agree_across_shards_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out").display().to_string();
    for (extra, needle) in [
        (
            vec!["--precision", "share:meta=0.01"],
            "share is not a metric",
        ),
        (
            vec!["--precision", "share_all:nobody=0.01"],
            "nobody is not a lab",
        ),
        (vec!["--precision", "share_all=0"], "must be a number > 0"),
        (
            vec!["--precision", "share_all=1%", "--shard", "0/2"],
            "--precision with --shard",
        ),
    ] {
        let mut args = vec!["run", BASELINE, "--out", &out, "--replications", "10"];
        args.extend(extra);
        let output = reviewsim(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
        assert!(!scratch.path().join("out").exists());
    }
}
