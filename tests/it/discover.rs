//! `reviewsim discover`: PRIM over the points of a finished sweep or study
//! finds the parameter a condition depends on, and only that one; a
//! condition no parameter explains restricts nothing; bad conditions and
//! outputs without points are refused.

use crate::common::{BASELINE, csv_rows, reviewsim, reviewsim_ok};

/// The window at ten values by the hazard scale at three, 30 points.
pub const GRID: &str = "sweep.parameters=[{path=\"review.window_days\", values=[0,5,10,15,20,25,30,35,40,45]}, {path=\"hazard.scale_months\", values=[6.0,9.0,12.0]}]";

fn discovered(dir: &str, condition: &str) -> String {
    let out = reviewsim_ok(&["discover", dir, "--where", condition]);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_window_is_found_to_decide_a_long_delay_and_the_hazard_scale_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "run",
        BASELINE,
        "--set",
        GRID,
        "--replications",
        "20",
        "--quiet",
    ];
    reviewsim_ok(&[&args[..], &["--out", &out]].concat());
    // OpenAI's mean delay per release, point by point: which points exceed
    // 12 days, as the summary has it.
    let summary = csv_rows(&dir.path().join("summary.csv"));
    let long: Vec<usize> = (summary.iter())
        .filter(|r| r["lab"] == "openai" && r["metric"] == "delay_days_mean")
        .filter(|r| r["mean"].parse::<f64>().unwrap() > 12.0)
        .map(|r| r["point"].parse().unwrap())
        .collect();
    // Points are window-major: 0, 5 days (points 0-5) are short, the rest long.
    assert_eq!(
        long,
        (6..30).collect::<Vec<_>>(),
        "the premise: 10 days and more wait over 12"
    );
    let printed = discovered(&out, "delay_days_mean:openai > 12");
    assert!(
        printed.starts_with("when review.window_days ≥ 7.5, delay_days_mean:openai > 12 holds in 100% of worlds (24 of 24)"),
        "{printed}"
    );
    assert!(!printed.contains("hazard.scale_months"), "{printed}");
    let boxed = csv_rows(&dir.path().join("discover_box.csv"));
    assert_eq!(boxed.len(), 1);
    assert_eq!(boxed[0]["parameter"], "review.window_days");
    assert_eq!(boxed[0]["lower"], "7.5");
    assert!(boxed[0]["qp_lower"].parse::<f64>().unwrap() < 0.01);
    let trajectory = csv_rows(&dir.path().join("discover_trajectory.csv"));
    assert!(
        trajectory.len() >= 2 && trajectory.iter().filter(|r| r["chosen"] == "true").count() == 1
    );
}

#[test]
fn in_a_study_the_coverage_threshold_is_found_to_decide_the_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "sensitivity",
        BASELINE,
        "--samples",
        "32",
        "--replications",
        "4",
        "--parameters",
        "review.threshold.*",
        "--parameters",
        "hazard.*",
        "--outputs",
        "points,summary,sensitivity",
        "--quiet",
        "--out",
        &out,
    ];
    reviewsim_ok(&args);
    let printed = discovered(&out, "reviews_completed > 26");
    let first = printed.lines().next().unwrap();
    assert!(
        first.starts_with("when review.threshold.within_months_of_frontier ≥ "),
        "{printed}"
    );
    assert!(
        !printed.contains("hazard."),
        "no hazard parameter decides the reviews: {printed}"
    );
    // A condition the points cannot tell apart restricts nothing.
    let printed = discovered(&out, "models_ready:openai > 1000");
    assert!(printed.contains("no parameter restricted"), "{printed}");
}

#[test]
fn bad_conditions_and_outputs_without_points_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    reviewsim_ok(&[
        "run",
        BASELINE,
        "--replications",
        "2",
        "--quiet",
        "--out",
        &out,
    ]);
    let refused = reviewsim(&["discover", &out, "--where", "delay_days_mean:openai > 1"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no points table"), "{stderr}");
    let refused = reviewsim(&["discover", &out, "--where", "delay_days_mean ~ 1"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("OP one of > >= < <="), "{stderr}");
    assert!(!dir.path().join("discover_box.csv").exists());
}
