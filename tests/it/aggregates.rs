//! summary.csv and compare.csv agree with statistics computed by hand from
//! the per-replication rows, and pairing narrows the intervals.

use std::collections::HashMap;
use std::path::Path;

use crate::common::{baseline_sweep, csv_rows, reviewsim, reviewsim_ok};

/// Values of one column of lab_outcomes.csv for (point, lab), in replication order.
fn column(rows: &[HashMap<String, String>], point: &str, lab: &str, metric: &str) -> Vec<f64> {
    rows.iter()
        .filter(|r| r["point"] == point && r["lab"] == lab)
        .map(|r| r[metric].parse().unwrap())
        .collect()
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// numpy's default (linear) quantile.
fn quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn find<'r>(
    rows: &'r [HashMap<String, String>],
    point: &str,
    lab: &str,
    metric: &str,
) -> &'r HashMap<String, String> {
    rows.iter()
        .find(|r| r["point"] == point && r["lab"] == lab && r["metric"] == metric)
        .unwrap()
}

fn close(cell: &str, expected: f64) {
    let value: f64 = cell.parse().unwrap();
    assert!(
        (value - expected).abs() <= 1e-7 * expected.abs().max(1.0),
        "{value} != {expected}"
    );
}

fn run_window_sweep(dir: &Path, replications: &str) -> std::path::PathBuf {
    let scenario = baseline_sweep(
        dir,
        "[sweep]\nbaseline = 1\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [15, 30]\n",
    );
    let out = dir.join("window");
    reviewsim_ok(&[
        "run",
        &scenario,
        "--out",
        &out.display().to_string(),
        "--replications",
        replications,
        "--quiet",
    ]);
    out
}

#[test]
fn summary_statistics_match_those_computed_from_the_rows() {
    let scratch = tempfile::tempdir().unwrap();
    let out = run_window_sweep(scratch.path(), "300");
    let labs = csv_rows(&out.join("lab_outcomes.csv"));
    let summary = csv_rows(&out.join("summary.csv"));
    for (lab, metric) in [
        ("openai", "releases"),
        ("anthropic", "delay_days_max"),
        ("meta", "models_ready"),
    ] {
        let values = column(&labs, "0", lab, metric);
        let (mean, sd) = mean_sd(&values);
        let row = find(&summary, "0", lab, metric);
        assert_eq!(row["n"], "300");
        close(&row["mean"], mean);
        close(&row["sd"], sd);
        close(&row["se"], sd / 300f64.sqrt());
        // t(0.975, 299) = 1.96792967
        close(&row["ci95_low"], mean - 1.967_929_669 * sd / 300f64.sqrt());
        for (column, p) in [("q05", 0.05), ("q50", 0.5), ("q95", 0.95)] {
            close(&row[column], quantile(&values, p));
        }
    }
    // A mean over nothing is not counted: Meta releases without review.
    let row = find(&summary, "0", "meta", "queue_wait_days_mean");
    assert_eq!(row["n"], "0");
    assert_eq!(row["mean"], "");
}

#[test]
fn paired_differences_match_the_rows_and_are_narrower_than_unpaired_ones() {
    let scratch = tempfile::tempdir().unwrap();
    let out = run_window_sweep(scratch.path(), "300");
    let labs = csv_rows(&out.join("lab_outcomes.csv"));
    let compare = csv_rows(&out.join("compare.csv"));
    assert!(
        compare
            .iter()
            .all(|r| r["point"] == "0" && r["baseline_point"] == "1")
    );
    let mut narrower = 0;
    for lab in ["openai", "anthropic", "google", "xai", "microsoft"] {
        let x = column(&labs, "0", lab, "delay_days_mean");
        let y = column(&labs, "1", lab, "delay_days_mean");
        let d: Vec<f64> = x.iter().zip(&y).map(|(a, b)| a - b).collect();
        let (mean, sd) = mean_sd(&d);
        let row = find(&compare, "0", lab, "delay_days_mean");
        assert_eq!(row["n_pairs"], "300");
        close(&row["difference_mean"], mean);
        close(
            &row["ci95_width_paired"],
            2.0 * 1.967_929_669 * sd / 300f64.sqrt(),
        );
        let ratio: f64 = row["width_ratio"].parse().unwrap();
        assert!(ratio > 0.0 && ratio < 1.0, "{lab}: ratio {ratio}");
        if ratio < 0.8 {
            narrower += 1;
        }
        // A shorter window cuts delay: the paired interval lies below zero.
        assert!(
            row["difference_ci95_high"].parse::<f64>().unwrap() < 0.0,
            "{row:?}"
        );
    }
    assert!(narrower >= 4, "{narrower}");
}

#[test]
fn aggregates_only_writes_the_summary_and_the_manifest() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("only");
    reviewsim_ok(&[
        "run",
        crate::common::BASELINE,
        "--out",
        &out.display().to_string(),
        "--replications",
        "50",
        "--outputs",
        "summary",
        "--quiet",
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["datapackage.json", "manifest.json", "summary.csv"]);
}

#[test]
fn compare_without_a_sweep_and_unknown_outputs_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("x").display().to_string();
    for (outputs, needle) in [
        (
            "compare",
            "compare needs a [sweep] with at least two points",
        ),
        (
            "summary,plots",
            "`plots` is not an output; choose from lab_outcomes",
        ),
    ] {
        let output = reviewsim(&[
            "run",
            crate::common::BASELINE,
            "--out",
            &out,
            "--outputs",
            outputs,
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains(needle), "{stderr}");
        assert!(!scratch.path().join("x").exists());
    }
}

#[test]
fn exposure_days_of_a_forty_year_run_are_aggregated_exactly() {
    // 1.9e13 exposure-days: beyond the 2^43 that fixed point once held.
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("long");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/foreign_open_weights.toml"
    );
    reviewsim_ok(&[
        "run",
        scenario,
        "--set",
        "simulation.horizon_days=14600",
        "--replications",
        "3",
        "--out",
        &out.display().to_string(),
        "--quiet",
    ]);
    let values: Vec<f64> = csv_rows(&out.join("system_outcomes.csv"))
        .iter()
        .map(|row| row["hazardous_exposure_days"].parse().unwrap())
        .collect();
    assert!(values.iter().all(|v| *v > 8.8e12), "{values:?}");
    let summary = csv_rows(&out.join("summary.csv"));
    let row = summary
        .iter()
        .find(|r| r["metric"] == "hazardous_exposure_days")
        .unwrap();
    let mean = values.iter().sum::<f64>() / 3.0;
    let reported: f64 = row["mean"].parse().unwrap();
    assert!((reported / mean - 1.0).abs() < 1e-9, "{reported} vs {mean}");
}
