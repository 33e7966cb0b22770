//! `reviewsim compare`: the scenario as written against named arms, on
//! common random numbers. Its differences are exactly a sweep's of the same
//! points, and what it prints is what it wrote, rounded.

use crate::common::{BASELINE, csv_rows, reviewsim, reviewsim_ok};

const SIGNED: &str = "signed:labs.meta.participation.signed=true";

#[test]
fn compare_writes_what_a_sweep_of_the_same_two_points_writes() {
    let dir = tempfile::tempdir().unwrap();
    let compared = dir.path().join("compare").display().to_string();
    let swept = dir.path().join("sweep").display().to_string();
    let common = ["--replications", "60", "--quiet"];
    let mut args = vec!["compare", BASELINE, "--arm", SIGNED, "--out", &compared];
    args.extend(common);
    reviewsim_ok(&args);
    let sweep =
        "sweep.parameters=[{path=\"labs.meta.participation.signed\", values=[false, true]}]";
    let mut args = vec!["run", BASELINE, "--set", sweep, "--out", &swept];
    args.extend(common);
    reviewsim_ok(&args);
    for file in [
        "compare.csv",
        "summary.csv",
        "lab_outcomes.csv",
        "points.csv",
    ] {
        let a = std::fs::read(dir.path().join("compare").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("sweep").join(file)).unwrap();
        assert!(a == b, "{file} differs between compare and the sweep");
    }
}

#[test]
fn compare_prints_each_headline_difference_rounded_to_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let hold = "hold15:review.on_expiry=hold,review.window_days=15";
    let args = [
        "compare",
        BASELINE,
        "--arm",
        SIGNED,
        "--arm",
        hold,
        "--replications",
        "40",
        "--out",
        &out,
        "--progress",
        "none",
    ];
    let printed = String::from_utf8(reviewsim_ok(&args).stdout).unwrap();
    assert!(printed.contains("signed minus baseline"), "{printed}");
    assert!(printed.contains("hold15 minus baseline"), "{printed}");
    // Meta's delay when it signs, as compare.csv has it, rounded.
    let rows = csv_rows(&dir.path().join("compare.csv"));
    let row = rows
        .iter()
        .find(|r| r["point"] == "1" && r["lab"] == "meta" && r["metric"] == "delay_days_mean")
        .unwrap();
    let number = |column: &str| row[column].parse::<f64>().ok();
    let shown = reviewsim::app::rounded(
        number("difference_mean"),
        number("difference_ci95_low").zip(number("difference_ci95_high")),
    );
    // After the baseline's means, each arm's differences.
    let signed = &printed[printed.find("signed minus baseline").unwrap()..];
    let meta = signed
        .lines()
        .find(|line| line.trim_start().starts_with("meta"))
        .unwrap();
    assert!(meta.contains(&shown), "{shown} not in {meta}");
    // Signing delays Meta's releases: the interval is above zero.
    assert!(number("difference_ci95_low").unwrap() > 0.0);
}

#[test]
fn validate_names_the_arms_of_a_compare_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("arms.toml");
    let text = format!(
        "extends = \"{BASELINE}\"\n[sweep]\nmethod = \"arms\"\n[[sweep.arms]]\nname = \"hold\"\n\
         set = {{ \"review.on_expiry\" = \"hold\" }}\n"
    );
    std::fs::write(&scenario, text).unwrap();
    let output = reviewsim_ok(&["validate", &scenario.display().to_string()]);
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("point 0     baseline: review.on_expiry=release"),
        "{printed}"
    );
    assert!(
        printed.contains("point 1     hold: review.on_expiry=hold"),
        "{printed}"
    );
}

#[test]
fn arms_that_cannot_pair_are_refused_naming_what_is_wrong() {
    let cases = [
        ("baseline:review.window_days=15", "sweep.arms[0].name"),
        (
            "seeded:simulation.seed=3",
            "every arm runs the same replications",
        ),
        (
            "lab:labs.meta.id=other",
            "every arm runs the same replications",
        ),
        (
            "late:labs.meta.participation.from=2026-09-01",
            "the scenario does not set it",
        ),
        ("wide:review.window_days=-5", "review.window_days"),
    ];
    for (arm, expected) in cases {
        let output = reviewsim(&["compare", BASELINE, "--arm", arm, "--replications", "2"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{arm}: {stderr}");
        assert!(stderr.contains(expected), "{arm}: {stderr}");
    }
    let output = reviewsim(&["compare", BASELINE, "--arm", "nameless"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_run_prints_its_headline_means_as_summary_csv_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "run",
        BASELINE,
        "--replications",
        "30",
        "--out",
        &out,
        "--progress",
        "none",
    ];
    let printed = String::from_utf8(reviewsim_ok(&args).stdout).unwrap();
    assert!(printed.contains("mean per replication"), "{printed}");
    let rows = csv_rows(&dir.path().join("summary.csv"));
    for (lab, metric, scale) in [
        ("openai", "releases", 1.0),
        ("meta", "hazardous_unreviewed_releases", 1.0),
        ("google", "share_all", 100.0),
    ] {
        let row = rows
            .iter()
            .find(|r| r["lab"] == lab && r["metric"] == metric)
            .unwrap();
        let number = |column: &str| row[column].parse::<f64>().ok().map(|v| scale * v);
        let shown =
            reviewsim::app::level(number("mean"), number("ci95_low").zip(number("ci95_high")));
        let line = printed
            .lines()
            .find(|line| line.trim_start().starts_with(lab))
            .unwrap();
        assert!(line.contains(&shown), "{metric}: {shown} not in {line}");
    }
    // --quiet prints nothing at all.
    let quiet = [
        "run",
        BASELINE,
        "--replications",
        "3",
        "--out",
        &out,
        "--replace",
        "--quiet",
    ];
    assert!(reviewsim_ok(&quiet).stdout.is_empty());
}

#[test]
fn another_scenario_file_is_an_arm_of_the_values_where_it_differs() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("window15.toml");
    std::fs::write(
        &other,
        format!("extends = \"{BASELINE}\"\n[review]\nwindow_days = 15\n"),
    )
    .unwrap();
    let by_file = dir.path().join("file").display().to_string();
    let by_arm = dir.path().join("arm").display().to_string();
    let other = other.display().to_string();
    let common = ["--replications", "30", "--quiet"];
    let mut args = vec!["compare", BASELINE, &other, "--out", &by_file];
    args.extend(common);
    reviewsim_ok(&args);
    let mut args = vec![
        "compare",
        BASELINE,
        "--arm",
        "window15:review.window_days=15",
        "--out",
        &by_arm,
    ];
    args.extend(common);
    reviewsim_ok(&args);
    for file in ["compare.csv", "summary.csv", "points.csv"] {
        let a = std::fs::read(dir.path().join("file").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("arm").join(file)).unwrap();
        assert!(a == b, "{file} differs between the file and the arm");
    }
    // A file that adds a section cannot be the baseline with values changed.
    let signs = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/holdout_signs.toml");
    let output = reviewsim(&["compare", BASELINE, signs, "--replications", "2"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("files compared must set the same parameters"),
        "{stderr}"
    );
    // Nothing to compare with.
    let output = reviewsim(&["compare", BASELINE, "--replications", "2"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs something to compare"));
}

#[test]
fn a_compare_in_shards_merges_into_the_whole_and_runs_to_a_precision() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let compare = |extra: &[&str]| {
        let mut args = vec!["compare", BASELINE, "--arm", SIGNED, "--replications", "40"];
        args.extend(extra);
        args.push("--quiet");
        reviewsim_ok(&args);
    };
    compare(&["--out", &path("whole")]);
    compare(&["--shard", "0/2", "--out", &path("s0")]);
    compare(&["--shard", "1/2", "--out", &path("s1")]);
    reviewsim_ok(&[
        "merge",
        &path("s0"),
        &path("s1"),
        "--out",
        &path("merged"),
        "--quiet",
    ]);
    for file in [
        "compare.csv",
        "summary.csv",
        "points.csv",
        "lab_outcomes.csv",
    ] {
        let whole = std::fs::read(dir.path().join("whole").join(file)).unwrap();
        let merged = std::fs::read(dir.path().join("merged").join(file)).unwrap();
        assert!(
            whole == merged,
            "{file}: the merged shards differ from the whole"
        );
    }
    compare(&[
        "--precision",
        "delay_days_mean:meta=1",
        "--out",
        &path("precise"),
    ]);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("precise").join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["precision"]["met"], true, "{manifest}");
}

/// A capacity schedule is a policy option like any other: hiring two more
/// threat teams from 2026-09-01, against one team throughout, cuts the
/// threat track's queue wait by more than its paired interval's width, and
/// the schedule is recorded as the arm's value.
#[test]
fn a_capacity_schedule_is_an_arm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let hire = "hire:review.tracks.threat.capacity_schedule=[{from=2026-09-01, capacity=3}]";
    let args = [
        "compare",
        BASELINE,
        "--set",
        "review.tracks.threat.capacity=1",
        "--arm",
        hire,
        "--replications",
        "60",
        "--quiet",
        "--out",
        &out,
    ];
    reviewsim_ok(&args);
    let points = csv_rows(&dir.path().join("points.csv"));
    let column = "review.tracks.threat.capacity_schedule";
    assert_eq!(points[0][column], "[]");
    assert_eq!(points[1][column], "[{ capacity = 3, from = 2026-09-01 }]");
    let rows = csv_rows(&dir.path().join("compare.csv"));
    let wait = (rows.iter())
        .find(|r| r["lab"] == "all" && r["metric"] == "queue_wait_days_mean_threat")
        .unwrap();
    let value = |c: &str| wait[c].parse::<f64>().unwrap();
    assert!(value("baseline_mean") > 1.0, "one team queues: {wait:?}");
    assert!(
        value("difference_ci95_high") < 0.0,
        "hiring shortens the wait: {wait:?}"
    );
}
