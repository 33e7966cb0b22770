//! Robustness studies: every option in every sampled world on common random
//! numbers; `robustness.csv` is what the points' means give, the same with
//! any number of threads and any shard split; `reviewsim robustness`
//! reprints the run's ranking from `summary` and counts the worlds meeting
//! thresholds; `discover --option` looks at one option's worlds; bad
//! studies are refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::{baseline_sweep, csv_rows, reviewsim, reviewsim_ok};

/// Four options, two of them the same design under different names, over
/// eight worlds of three uncertainties.
pub const STUDY: &str = r#"
[sweep]
method = "robustness"
samples = 8
minimize = ["hazardous_unreviewed_releases:all", "delay_days_mean:openai"]
maximize = ["share_all:openai"]
metrics = ["incidents_open_weights"]

[[sweep.options]]
name = "as_written"
set = { "review.window_days" = 30 }

[[sweep.options]]
name = "same_again"
set = { "review.window_days" = 30 }

[[sweep.options]]
name = "hold"
set = { "review.on_expiry" = "hold" }

[[sweep.options]]
name = "none"
set = { "review.window_days" = 0 }

[[sweep.parameters]]
path = "hazard.midpoint_capability"
[[sweep.parameters]]
path = "review.threshold.within_months_of_frontier"
[[sweep.parameters]]
path = "review.tracks.threat.capacity"
"#;

const OPTIONS: usize = 4;
const WORLDS: usize = 8;

/// Runs the study into `out`; returns what it printed.
fn run(study: &str, out: &Path, extra: &[&str]) -> String {
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        study,
        "--out",
        &out,
        "--replications",
        "6",
        "--set",
        "simulation.horizon_days=365",
    ];
    args.extend(extra);
    String::from_utf8(reviewsim_ok(&args).stdout).unwrap()
}

fn file_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap() != "manifest.json")
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_study_is_byte_identical_with_any_threads_and_any_shard_split() {
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(scratch.path(), STUDY);
    let one = scratch.path().join("one");
    run(&study, &one, &["--threads", "1", "--quiet"]);
    let expected = file_bytes(&one);
    let names: Vec<&str> = expected.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "datapackage.json",
            "points.csv",
            "robustness.csv",
            "summary.csv"
        ]
    );
    let two = scratch.path().join("two");
    run(&study, &two, &["--threads", "2", "--quiet"]);
    assert!(file_bytes(&two) == expected, "threads changed the files");
    for count in [2usize, 3] {
        let shards: Vec<PathBuf> = (0..count)
            .map(|k| {
                let out = scratch.path().join(format!("shard{k}of{count}"));
                run(
                    &study,
                    &out,
                    &["--shard", &format!("{k}/{count}"), "--quiet"],
                );
                out
            })
            .collect();
        let merged = scratch.path().join(format!("merged{count}"));
        let mut args = vec!["merge".to_string()];
        args.extend(shards.iter().rev().map(|d| d.display().to_string()));
        args.extend([
            "--out".into(),
            merged.display().to_string(),
            "--quiet".into(),
        ]);
        reviewsim_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            file_bytes(&merged) == expected,
            "{count} shards merged differ from the whole run"
        );
    }
}

/// Each point's (world, option), from points.csv.
fn labels(dir: &Path) -> Vec<(usize, String)> {
    (csv_rows(&dir.join("points.csv")).iter())
        .map(|r| (r["world"].parse().unwrap(), r["option"].clone()))
        .collect()
}

/// Each point's mean of (lab, metric), from summary.csv.
fn means(dir: &Path, lab: &str, metric: &str) -> Vec<f64> {
    let summary = csv_rows(&dir.join("summary.csv"));
    let mut means = vec![f64::NAN; OPTIONS * WORLDS];
    for row in summary
        .iter()
        .filter(|r| r["lab"] == lab && r["metric"] == metric)
    {
        means[row["point"].parse::<usize>().unwrap()] = row["mean"].parse().unwrap();
    }
    means
}

#[test]
fn robustness_is_what_the_points_means_give_and_options_share_their_random_numbers() {
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(scratch.path(), STUDY);
    let out = scratch.path().join("out");
    let printed = run(&study, &out, &[]);
    // Points are world-major: world w, option o at w x 4 + o.
    let names = ["as_written", "same_again", "hold", "none"];
    for (point, (world, option)) in labels(&out).into_iter().enumerate() {
        assert_eq!(
            (world, option.as_str()),
            (point / OPTIONS, names[point % OPTIONS])
        );
    }
    // summary keeps the outputs judged and `metrics`, nothing else.
    let kept: std::collections::BTreeSet<(String, String)> = (csv_rows(&out.join("summary.csv"))
        .iter())
    .map(|r| (r["lab"].clone(), r["metric"].clone()))
    .collect();
    assert_eq!(kept.len(), 4, "{kept:?}");
    let delays = means(&out, "openai", "delay_days_mean");
    // The same design under two names, on the same random numbers: the
    // same mean in every world, to the last digit.
    for world in 0..WORLDS {
        assert_eq!(delays[world * OPTIONS], delays[world * OPTIONS + 1]);
    }
    // Recomputed here: the mean over worlds and the regret against the
    // best option of each world (less is better).
    let rows = csv_rows(&out.join("robustness.csv"));
    let row = |option: &str, metric: &str| -> HashMap<String, String> {
        (rows.iter())
            .find(|r| r["option"] == option && r["metric"] == metric)
            .unwrap()
            .clone()
    };
    for (o, name) in names.iter().enumerate() {
        let of = |w: usize| delays[w * OPTIONS + o];
        let best = |w: usize| {
            (0..OPTIONS)
                .map(|k| delays[w * OPTIONS + k])
                .fold(f64::INFINITY, f64::min)
        };
        let mean = (0..WORLDS).map(of).sum::<f64>() / WORLDS as f64;
        let regret_max = (0..WORLDS).map(|w| of(w) - best(w)).fold(0.0, f64::max);
        let got = row(name, "delay_days_mean");
        let close = |cell: &str, want: f64| {
            let got: f64 = got[cell].parse().unwrap();
            assert!(
                (got - want).abs() <= 1e-8 * want.abs().max(1.0),
                "{name} {cell}: {got} vs {want}"
            );
        };
        close("mean", mean);
        close("regret_max", regret_max);
        assert_eq!(got["worlds"], WORLDS.to_string());
        assert_eq!(got["direction"], "minimize");
    }
    // No review delays nobody: it is the best in every world.
    assert_eq!(row("none", "delay_days_mean")["best_share"], "1.0");
    assert_eq!(
        row("as_written", "share_all")["regret_mean"],
        row("same_again", "share_all")["regret_mean"]
    );
    // The command reprints, from summary, the table the run printed.
    let reprinted = reviewsim_ok(&["robustness", &out.display().to_string()]);
    let reprinted = String::from_utf8(reprinted.stdout).unwrap();
    assert!(reprinted.contains("delay_days_mean:openai (minimize; 8 worlds"));
    assert!(
        printed.contains(&reprinted),
        "run printed:\n{printed}\nrobustness printed:\n{reprinted}"
    );
}

#[test]
fn satisficing_counts_the_worlds_where_an_option_meets_every_threshold() {
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(scratch.path(), STUDY);
    let out = scratch.path().join("out");
    run(&study, &out, &["--quiet"]);
    let dir = out.display().to_string();
    let printed = reviewsim_ok(&[
        "robustness",
        &dir,
        "--satisfy",
        "hazardous_unreviewed_releases <= 1",
        "--satisfy",
        "incidents_open_weights < 0.5",
    ]);
    let printed = String::from_utf8(printed.stdout).unwrap();
    assert!(
        printed.contains("satisficing: share of the 8 worlds"),
        "{printed}"
    );
    let hazardous = means(&out, "all", "hazardous_unreviewed_releases");
    let incidents = means(&out, "all", "incidents_open_weights");
    let rows = csv_rows(&out.join("satisficing.csv"));
    assert_eq!(rows.len(), OPTIONS * 3);
    for (o, name) in ["as_written", "same_again", "hold", "none"]
        .iter()
        .enumerate()
    {
        let meets =
            |w: usize| hazardous[w * OPTIONS + o] <= 1.0 && incidents[w * OPTIONS + o] < 0.5;
        let share = (0..WORLDS).filter(|&w| meets(w)).count() as f64 / WORLDS as f64;
        let all = (rows.iter())
            .find(|r| r["option"] == *name && r["condition"].contains(" and "))
            .unwrap();
        assert_eq!(all["share"].parse::<f64>().unwrap(), share, "{name}");
        assert_eq!(all["worlds"], "8");
    }
    // A threshold on an output the study neither judges nor keeps.
    let refused = reviewsim(&["robustness", &dir, "--satisfy", "suspensions:meta > 0"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("summary has no `suspensions` for `meta`")
    );
}

#[test]
fn discover_with_an_option_looks_at_that_options_worlds_only() {
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(scratch.path(), STUDY);
    let out = scratch.path().join("out");
    run(&study, &out, &["--quiet"]);
    let dir = out.display().to_string();
    reviewsim_ok(&[
        "discover",
        &dir,
        "--option",
        "none",
        "--where",
        "hazardous_unreviewed_releases > 1",
    ]);
    let trajectory = csv_rows(&out.join("discover_trajectory.csv"));
    assert_eq!(trajectory[0]["worlds"], WORLDS.to_string());
    // Without --option, every point; the labels are not parameters.
    reviewsim_ok(&[
        "discover",
        &dir,
        "--where",
        "hazardous_unreviewed_releases > 1",
    ]);
    let trajectory = csv_rows(&out.join("discover_trajectory.csv"));
    assert_eq!(trajectory[0]["worlds"], (WORLDS * OPTIONS).to_string());
    let boxes = std::fs::read_to_string(out.join("discover_box.csv")).unwrap();
    assert!(!boxes.contains("world"), "{boxes}");
    let refused = reviewsim(&[
        "discover",
        &dir,
        "--option",
        "nope",
        "--where",
        "incidents > 0",
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("has the options as_written, same_again, hold, none")
    );
}

#[test]
fn a_sobol_sampler_draws_every_world_inside_the_ranges() {
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(
        scratch.path(),
        &STUDY.replace("samples = 8", "samples = 8\nsampler = \"sobol\""),
    );
    let out = scratch.path().join("out");
    run(&study, &out, &["--quiet"]);
    let points = csv_rows(&out.join("points.csv"));
    let midpoints: Vec<f64> = (points.iter().step_by(OPTIONS))
        .map(|r| r["hazard.midpoint_capability"].parse().unwrap())
        .collect();
    // The declared plausible range, 6 to 18, with eight distinct worlds.
    assert!(
        midpoints.iter().all(|m| (6.0..=18.0).contains(m)),
        "{midpoints:?}"
    );
    let mut distinct = midpoints.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert_eq!(distinct.len(), WORLDS);
    // Each world's values are the same for every option.
    for world in points.chunks(OPTIONS) {
        assert!(
            world
                .iter()
                .all(|r| r["hazard.midpoint_capability"] == world[0]["hazard.midpoint_capability"])
        );
    }
}

#[test]
fn bad_studies_are_refused_naming_the_field() {
    let cases = [
        (STUDY.replace("samples = 8", "samples = 1"), "sweep.samples", "samples >= 2"),
        (STUDY.replace("samples = 8", "samples = 8\nsampler = \"grid\""), "sweep.sampler", "\"latin_hypercube\", \"sobol\" or \"random\""),
        (STUDY.replace("minimize = [\"hazardous_unreviewed_releases:all\", \"delay_days_mean:openai\"]\nmaximize = [\"share_all:openai\"]", ""), "sweep.minimize", "name the outputs"),
        (STUDY.replace("\"delay_days_mean:openai\"]", "\"delay_days_mean\"]"), "sweep.minimize[1] (delay_days_mean)", "name the lab judged"),
        (STUDY.replace("\"share_all:openai\"", "\"share_all:nobody\""), "sweep.maximize[0] (share_all:nobody)", "not a lab"),
        (STUDY.replace("path = \"hazard.midpoint_capability\"", "path = \"review.window_days\""), "sweep.parameters[0] (review.window_days)", "a lever or an uncertainty"),
        (STUDY.replace("name = \"same_again\"", "name = \"hold\""), "sweep.options[2].name", "each option needs a name of its own"),
    ];
    for (text, path, message) in cases {
        let scratch = tempfile::tempdir().unwrap();
        let study = baseline_sweep(scratch.path(), &text);
        let out = scratch.path().join("out");
        let output = reviewsim(&["run", &study, "--out", &out.display().to_string()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{path}: accepted");
        assert!(
            stderr.contains(path) && stderr.contains(message),
            "{path}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "{path}: left {}", out.display());
    }
    // One option is no comparison.
    let one = STUDY
        .split("[[sweep.options]]")
        .take(2)
        .collect::<Vec<_>>()
        .join("[[sweep.options]]")
        + "[[sweep.parameters]]\npath = \"hazard.scale_months\"\n";
    let scratch = tempfile::tempdir().unwrap();
    let study = baseline_sweep(scratch.path(), &one);
    let output = reviewsim(&["validate", &study]);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("1 option(s): a robustness study compares at least two")
    );
}
