//! Sweeps: points in a stable order, swept values as columns, designs that
//! do what they promise, and clear refusals.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use reviewsim::experiment::{Experiment, Limits};
use reviewsim::scenario::Override;

use crate::common::{baseline_sweep, csv_rows, reviewsim, reviewsim_ok};

const THREE_PARAMETER_GRID: &str = r#"
[sweep]
method = "grid"
[[sweep.parameters]]
path = "review.window_days"
values = [15, 30]
[[sweep.parameters]]
path = "review.tracks.threat.capacity"
from = 1
to = 2
step = 1
[[sweep.parameters]]
path = "review.on_expiry"
values = ["release", "hold"]
"#;

/// The columns swept by [`THREE_PARAMETER_GRID`].
const GRID_SWEPT: [&str; 3] = [
    "review.window_days",
    "review.tracks.threat.capacity",
    "review.on_expiry",
];

#[test]
fn a_three_parameter_grid_writes_points_swept_columns_and_summary_rows_for_every_point() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), THREE_PARAMETER_GRID);
    let out = scratch.path().join("grid");
    reviewsim_ok(&[
        "run",
        &scenario,
        "--out",
        &out.display().to_string(),
        "--replications",
        "20",
        "--quiet",
    ]);
    let point_values = grid_points(&out);
    grid_outcomes_carry_their_points_values(&out, &point_values);
    grid_summary_has_every_metric_at_every_point(&out, &point_values);
}

/// Checks the grid's `points.csv`, and returns each point's swept values.
fn grid_points(out: &Path) -> HashMap<String, Vec<String>> {
    let points = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert_eq!(
        points,
        "point,review.window_days,review.tracks.threat.capacity,review.on_expiry\n\
         0,15.0,1,release\n1,15.0,1,hold\n2,15.0,2,release\n3,15.0,2,hold\n\
         4,30.0,1,release\n5,30.0,1,hold\n6,30.0,2,release\n7,30.0,2,hold\n"
    );
    csv_rows(&out.join("points.csv"))
        .into_iter()
        .map(|row| {
            let values = GRID_SWEPT.iter().map(|c| row[*c].clone()).collect();
            (row["point"].clone(), values)
        })
        .collect()
}

/// Every outcome row of the grid's 8 points × 20 replications, with its
/// point's swept values after `point`.
fn grid_outcomes_carry_their_points_values(
    out: &Path,
    point_values: &HashMap<String, Vec<String>>,
) {
    for file in ["lab_outcomes.csv", "system_outcomes.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        assert_eq!(header[0], "point");
        assert_eq!(header[1..4], GRID_SWEPT, "{file}");
        assert_eq!(header[4], "replication", "{file}");
        let rows = csv_rows(&out.join(file));
        let per_point = if file == "lab_outcomes.csv" {
            20 * 6
        } else {
            20
        };
        assert_eq!(rows.len(), 8 * per_point, "{file}");
        for row in &rows {
            let values: Vec<String> = GRID_SWEPT.iter().map(|c| row[*c].clone()).collect();
            assert_eq!(values, point_values[&row["point"]], "{file}");
        }
    }
}

/// Every metric of the grid's summary at every point, with the point's
/// swept values; hold waits for every review.
fn grid_summary_has_every_metric_at_every_point(
    out: &Path,
    point_values: &HashMap<String, Vec<String>>,
) {
    let summary = csv_rows(&out.join("summary.csv"));
    // 6 labs × (28 lab metrics + 3 segments × 4 market metrics), then 10
    // system metrics and 3 tracks × 7 track metrics under lab `all`.
    let metrics_per_point = 6 * (28 + 3 * 4) + 10 + 3 * 7;
    assert_eq!(summary.len(), 8 * metrics_per_point);
    for point in 0..8 {
        let rows: Vec<_> = summary
            .iter()
            .filter(|r| r["point"] == point.to_string())
            .collect();
        assert_eq!(rows.len(), metrics_per_point, "point {point}");
        assert!(rows.iter().all(|r| {
            GRID_SWEPT.iter().map(|c| r[*c].clone()).collect::<Vec<_>>()
                == point_values[&point.to_string()]
        }));
        let releases = rows
            .iter()
            .find(|r| r["lab"] == "openai" && r["metric"] == "releases")
            .unwrap();
        assert_eq!(releases["n"], "20");
        assert!(releases["mean"].parse::<f64>().unwrap() > 0.0);
    }
    assert!(
        summary
            .iter()
            .any(|r| r["lab"] == "all" && r["metric"] == "utilisation_threat")
    );
    // Hold waits for every review: no release on window expiry at odd points.
    for row in summary
        .iter()
        .filter(|r| r["metric"] == "releases_on_window_expiry" && r["review.on_expiry"] == "hold")
    {
        assert_eq!(row["mean"], "0.0", "{row:?}");
    }
}

fn experiment(sweep: &str) -> Result<Experiment, String> {
    experiment_with(sweep, &[])
}

fn experiment_with(sweep: &str, overrides: &[&str]) -> Result<Experiment, String> {
    let text = crate::common::baseline_text();
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    Experiment::from_toml(
        &format!("{text}\n{sweep}"),
        "sweep.toml",
        &overrides,
        Limits::default(),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn a_latin_hypercube_of_n_samples_hits_each_of_the_n_equal_bins_of_every_parameter_once() {
    for (samples, seed) in [(1, 1), (7, 2), (50, 3), (200, 4)] {
        let seed = format!("simulation.seed={seed}");
        let experiment = experiment_with(
            &format!(
                r#"
            [sweep]
            method = "latin_hypercube"
            samples = {samples}
            [[sweep.parameters]]
            path = "review.window_days"
            low = 5
            high = 45
            [[sweep.parameters]]
            path = "labs.anthropic.lines.claude.cadence_days.mean"
            low = 30
            high = 300
            log = true
            [[sweep.parameters]]
            path = "review.tracks.threat.duration_days.median"
            low = 2
            high = 20
            "#
            ),
            &[&seed],
        )
        .unwrap();
        assert_eq!(experiment.points.len(), samples);
        let bins = |values: Vec<f64>, low: f64, high: f64, log: bool| -> BTreeSet<usize> {
            values
                .into_iter()
                .map(|v| {
                    assert!(v >= low && v < high, "{v} outside [{low}, {high})");
                    let u = if log {
                        (v.ln() - low.ln()) / (high.ln() - low.ln())
                    } else {
                        (v - low) / (high - low)
                    };
                    (u * samples as f64) as usize
                })
                .collect()
        };
        let column = |i: usize| -> Vec<f64> {
            experiment
                .points
                .iter()
                .map(|p| p.shown()[i].parse().unwrap())
                .collect()
        };
        let every_bin: BTreeSet<usize> = (0..samples).collect();
        assert_eq!(bins(column(0), 5.0, 45.0, false), every_bin);
        assert_eq!(bins(column(1), 30.0, 300.0, true), every_bin);
        assert_eq!(bins(column(2), 2.0, 20.0, false), every_bin);
        // The values reach the scenarios.
        let first = &experiment.points[0];
        let window: f64 = first.shown()[0].parse().unwrap();
        // Time is integer ticks: the window is the value to the tick.
        let scenario = experiment.point_scenario(0).unwrap();
        assert!((scenario.review.window().as_days() - window).abs() < 1e-5);
    }
}

#[test]
fn a_sampled_design_is_the_same_for_the_same_seed_and_differs_for_another() {
    let sweep = r#"
        [sweep]
        method = "random"
        samples = 5
        [[sweep.parameters]]
        path = "review.window_days"
        low = 0
        high = 30
    "#;
    let values = |overrides: &[&str]| -> Vec<String> {
        experiment_with(sweep, overrides)
            .unwrap()
            .points
            .iter()
            .map(|p| p.shown()[0].clone())
            .collect()
    };
    assert_eq!(values(&[]), values(&[]));
    assert_ne!(values(&[]), values(&["simulation.seed=5"]));
}

#[test]
fn swept_values_keep_their_types() {
    let typed = experiment(
        r#"
        [sweep]
        method = "latin_hypercube"
        samples = 12
        [[sweep.parameters]]
        path = "review.tracks.threat.capacity"
        low = 1
        high = 4
        integer = true
        [[sweep.parameters]]
        path = "review.on_expiry"
        values = ["release", "hold"]
        [[sweep.parameters]]
        path = "labs.meta.participation.from"
        values = [2026-09-01, 2027-01-01]
        "#,
    )
    .unwrap();
    let capacities: BTreeSet<u32> = typed
        .points
        .iter()
        .map(|p| {
            let capacity = typed.point_scenario(p.id).unwrap().review.tracks[1].capacity;
            assert_eq!(p.shown()[0].parse::<u32>().unwrap(), capacity);
            capacity
        })
        .collect();
    assert_eq!(capacities, (1..=4).collect());
    let policies: BTreeSet<String> = typed.points.iter().map(|p| p.shown()[1].clone()).collect();
    assert_eq!(policies, BTreeSet::from(["hold".into(), "release".into()]));
    assert!(
        typed
            .points
            .iter()
            .all(|p| ["2026-09-01", "2027-01-01"].contains(&p.shown()[2].as_str()))
    );

    let dates = experiment(
        r#"
        [sweep]
        [[sweep.parameters]]
        path = "labs.meta.participation.from"
        from = 2026-09-01
        to = 2026-12-01
        step = 30
        [[sweep.parameters]]
        path = "review.window_days"
        from = 0
        to = 1
        step = 0.25
        "#,
    )
    .unwrap();
    let first: Vec<String> = dates
        .points
        .iter()
        .step_by(5)
        .map(|p| p.shown()[0].clone())
        .collect();
    assert_eq!(
        first,
        ["2026-09-01", "2026-10-01", "2026-10-31", "2026-11-30"]
    );
    let windows: Vec<String> = dates.points[..5]
        .iter()
        .map(|p| p.shown()[1].clone())
        .collect();
    assert_eq!(windows, ["0", "0.25", "0.5", "0.75", "1"]);
}

#[test]
fn set_overrides_apply_before_the_sweep_and_can_change_it() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), THREE_PARAMETER_GRID);
    let output = reviewsim_ok(&[
        "validate",
        &scenario,
        "--set",
        "labs.meta.participation.signed=true",
        "--set",
        "sweep.baseline=5",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("8 points x 1000 replications = 8000 work units"),
        "{stdout}"
    );
    assert!(stdout.contains("baseline point 5"), "{stdout}");
    assert!(!stdout.contains("not participating"), "{stdout}");
}

/// Runs `validate` and `run` and checks both refuse with every needle in a
/// single error line, exit code 1 and no output directory.
fn assert_refused(sweep: &str, extra: &[&str], needles: &[&str]) {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), sweep);
    let out = scratch.path().join("out").display().to_string();
    for command in ["validate", "run"] {
        let mut args = vec![command, scenario.as_str()];
        if command == "run" {
            args.extend(["--out", out.as_str()]);
        }
        args.extend(extra);
        let output = reviewsim(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
        }
    }
    assert!(!scratch.path().join("out").exists());
}

#[test]
fn an_unknown_swept_path_is_refused_naming_the_parameter() {
    assert_refused(
        "[sweep]\n[[sweep.parameters]]\npath = \"review.windw_days\"\nvalues = [1, 2]\n",
        &[],
        &[
            "sweep.toml: sweep.parameters[0] (review.windw_days)",
            "unknown field `windw_days`",
        ],
    );
    assert_refused(
        "[sweep]\n[[sweep.parameters]]\npath = \"labs.nobody.participation.signed\"\nvalues = [true]\n",
        &[],
        &[
            "sweep.parameters[0]",
            "labs has no entry with id `nobody`",
            "meta",
        ],
    );
}

#[test]
fn a_point_with_an_invalid_value_is_refused_naming_the_point_and_path() {
    assert_refused(
        "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [10, -5]\n",
        &[],
        &[
            "[sweep point 1: review.window_days=-5]",
            "review.window_days = -5: must be a number of days >= 0",
        ],
    );
}

#[test]
fn malformed_sweeps_are_refused_with_what_is_allowed() {
    let cases: [(&str, &str); 7] = [
        (
            "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nlow = 0\nhigh = 30\n",
            "an interval (low, high) needs a sampled design",
        ),
        (
            "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nfrom = 0\nto = 30\n",
            "a step is required with from = 0 and to = 30",
        ),
        (
            "[sweep]\nmethod = \"latin_hypercube\"\n[[sweep.parameters]]\npath = \"review.window_days\"\nlow = 0\nhigh = 30\n",
            "needs samples >= 1",
        ),
        (
            "[sweep]\nbaseline = 9\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [1, 2]\n",
            "sweep.baseline: 9: must be a point id from 0 to 1",
        ),
        (
            "[sweep]\n[[sweep.parameters]]\npath = \"simulation.seed\"\nvalues = [1, 2]\n",
            "simulation.seed cannot be swept",
        ),
        (
            "[sweep]\nmethod = \"fast\"\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [1]\n",
            "sweep.method: unknown variant `fast`",
        ),
        (
            "[sweep]\n",
            "a sweep needs at least one [[sweep.parameters]] entry",
        ),
    ];
    for (sweep, needle) in cases {
        assert_refused(sweep, &[], &[needle]);
    }
}

#[test]
fn ranges_whose_step_count_overflows_are_refused_not_a_panic() {
    let cases = [
        (
            "from = 0\nto = 30\nstep = 1e-300\n",
            "the range has more than 1000000 values",
        ),
        (
            "from = -9223372036854775807\nto = 9223372036854775807\nstep = 1\n",
            "more than the limit of 1000000",
        ),
        ("low = -1e308\nhigh = 1e308\n", "high - low finite"),
    ];
    for (range, needle) in cases {
        let sweep = format!(
            "[sweep]\nmethod = \"random\"\nsamples = 2\n[[sweep.parameters]]\n\
             path = \"review.window_days\"\n{range}"
        );
        let sweep = if range.starts_with("low") {
            sweep
        } else {
            sweep.replace("method = \"random\"\nsamples = 2\n", "")
        };
        assert_refused(&sweep, &[], &[needle]);
    }
}

#[test]
fn an_accidental_explosion_is_refused_unless_asked_for() {
    let sweep = "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\n\
                 from = 0\nto = 99\nstep = 1\n";
    assert_refused(
        sweep,
        &["--set", "simulation.replications=200000"],
        &[
            "20000000 work units (100 points x 200000 replications)",
            "more than the limit of 10000000",
            "--allow-large",
        ],
    );
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), sweep);
    reviewsim_ok(&[
        "validate",
        &scenario,
        "--set",
        "simulation.replications=200000",
        "--allow-large",
    ]);
}

#[test]
fn a_sweep_larger_than_a_block_runs_block_by_block_with_exact_pairs_and_mergeable_shards() {
    // 300 points of 3 replications: two blocks (256 + 44 points); the
    // baseline, point 2, lies in the first.
    let scratch = tempfile::tempdir().unwrap();
    let sweep = "[sweep]\nmethod = \"random\"\nsamples = 300\nbaseline = 2\n\
                 [[sweep.parameters]]\npath = \"review.window_days\"\nlow = 0\nhigh = 60\n";
    let scenario = baseline_sweep(scratch.path(), sweep);
    let whole = scratch.path().join("whole");
    run_three_replications(&scenario, &whole, &[]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(whole.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["block_points"], 256);
    let rows = csv_rows(&whole.join("system_outcomes.csv"));
    rows_come_block_by_block(&rows);
    pairs_across_blocks_are_the_rows_differences(&whole, &rows);
    let summary = csv_rows(&whole.join("summary.csv"));
    let points: BTreeSet<usize> = summary
        .iter()
        .map(|r| r["point"].parse().unwrap())
        .collect();
    assert_eq!(points, (0..300).collect());
    four_shards_merge_to_the_same_bytes(scratch.path(), &scenario, &whole);
}

/// Runs `scenario` with 3 replications into `out`, with `extra` arguments.
fn run_three_replications(scenario: &str, out: &Path, extra: &[&str]) {
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        scenario,
        "--out",
        &out,
        "--replications",
        "3",
        "--quiet",
    ];
    args.extend(extra);
    reviewsim_ok(&args);
}

/// Rows of the 300-point sweep: block by block (256 + 44 points),
/// replication by replication within a block.
fn rows_come_block_by_block(rows: &[HashMap<String, String>]) {
    let order: Vec<(usize, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["point"].parse().unwrap(),
                r["replication"].parse().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(usize, u64)> = [0..256usize, 256..300]
        .into_iter()
        .flat_map(|block| (0..3u64).flat_map(move |r| block.clone().map(move |p| (p, r))))
        .collect();
    assert_eq!(order, expected);
}

/// Pairs of a point in the second block with the baseline (point 2) in the
/// first are the paired differences of the rows.
fn pairs_across_blocks_are_the_rows_differences(whole: &Path, rows: &[HashMap<String, String>]) {
    let value = |point: usize, replication: u64| -> f64 {
        rows.iter()
            .find(|r| {
                r["point"] == point.to_string() && r["replication"] == replication.to_string()
            })
            .unwrap()["reviews_completed"]
            .parse()
            .unwrap()
    };
    let compare = csv_rows(&whole.join("compare.csv"));
    for point in [3usize, 299] {
        let mean: f64 = (0..3).map(|r| value(point, r) - value(2, r)).sum::<f64>() / 3.0;
        let row = compare
            .iter()
            .find(|r| r["point"] == point.to_string() && r["metric"] == "reviews_completed")
            .unwrap();
        let reported: f64 = row["difference_mean"].parse().unwrap();
        assert!(
            (reported - mean).abs() < 1e-6,
            "point {point}: {reported} vs {mean}"
        );
    }
}

/// Four shards of `scenario`, merged, are the same bytes as the whole run;
/// shard boundaries fall inside blocks.
fn four_shards_merge_to_the_same_bytes(scratch: &Path, scenario: &str, whole: &Path) {
    let shard_dirs: Vec<String> = (0..4)
        .map(|k| {
            let dir = scratch.join(format!("shard{k}"));
            run_three_replications(scenario, &dir, &["--shard", &format!("{k}/4")]);
            dir.display().to_string()
        })
        .collect();
    let merged = scratch.join("merged").display().to_string();
    let mut args = vec!["merge"];
    args.extend(shard_dirs.iter().map(String::as_str));
    args.extend(["--out", &merged, "--quiet"]);
    reviewsim_ok(&args);
    for name in [
        "lab_outcomes.csv",
        "system_outcomes.csv",
        "points.csv",
        "summary.csv",
        "compare.csv",
    ] {
        assert_eq!(
            std::fs::read(whole.join(name)).unwrap(),
            std::fs::read(scratch.join("merged").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn an_empty_swept_path_is_refused_against_the_sweep_not_each_point() {
    // An empty name once reached every point as an unknown field ``.
    for path in ["", " ", "review..window_days", "review.window_days."] {
        let text = crate::common::baseline_text();
        let text =
            format!("{text}\n[sweep]\n[[sweep.parameters]]\npath = \"{path}\"\nvalues = [1]\n");
        let err = Experiment::from_toml(&text, "sweep.toml", &[], Limits::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "sweep.toml: sweep.parameters[0] ({path}): the path must be dotted names, \
                 such as review.tracks.threat.capacity"
            )
        );
    }
}
