//! Sensitivity designs as sweeps and the `sensitivity` command: indices
//! that find the parameter that matters, byte-identical across threads and
//! shards, and clear refusals.

use std::path::Path;

use crate::common::{BASELINE, csv_rows, reviewsim, reviewsim_ok};

/// One lab, one track whose reviews take 20 days, a window from 0 to 40
/// days: the window decides the delay; the detection probability, with no
/// hazardous model near, decides nothing.
const WINDOW_STUDY: &str = r#"
[simulation]
name = "window_study"
horizon_days = 730
replications = 8
[review]
window_days = 30
[[review.tracks]]
id = "threat"
duration_days = 20
capacity = 4
[[labs]]
id = "lab"
participation = { signed = true }
[[labs.lines]]
id = "api"
access = "api"
cadence_days = 60

[sweep]
method = "sobol"
samples = 64
metrics = ["delay_days_mean:lab"]
[[sweep.parameters]]
path = "review.window_days"
low = 0
high = 40
[[sweep.parameters]]
path = "review.tracks.threat.detection_probability"
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn index(rows: &[std::collections::HashMap<String, String>], parameter: &str, index: &str) -> f64 {
    let row = rows
        .iter()
        .find(|r| r["parameter"] == parameter && r["index"] == index)
        .unwrap_or_else(|| panic!("no {index} row for {parameter}"));
    row["value"].parse().unwrap()
}

#[test]
fn sobol_indices_find_the_parameter_that_decides_the_output() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = write(scratch.path(), "study.toml", WINDOW_STUDY);
    let out = scratch.path().join("out");
    reviewsim_ok(&["run", &scenario, "--out", out.to_str().unwrap(), "--quiet"]);
    let rows = csv_rows(&out.join("sensitivity.csv"));
    // 2 parameters x (S1, ST), one output.
    assert_eq!(rows.len(), 4, "{rows:?}");
    let window_st = index(&rows, "review.window_days", "ST");
    let scale_st = index(&rows, "review.tracks.threat.detection_probability", "ST");
    let window_s1 = index(&rows, "review.window_days", "S1");
    assert!(window_st > 0.9, "{window_st}");
    assert!(window_s1 > 0.8, "{window_s1}");
    assert!(scale_st.abs() < 0.02, "{scale_st}");
    let window = rows
        .iter()
        .find(|r| r["parameter"] == "review.window_days" && r["index"] == "ST")
        .unwrap();
    assert_eq!(window["rank"], "1");
    assert_eq!(window["noise_dominated"], "false");
    // 64 x (2 + 2) points, each in points.csv with its values.
    assert_eq!(csv_rows(&out.join("points.csv")).len(), 256);
}

#[test]
fn a_morris_screen_ranks_the_window_first() {
    let scratch = tempfile::tempdir().unwrap();
    let text = WINDOW_STUDY
        .replace("method = \"sobol\"", "method = \"morris\"")
        .replace("samples = 64", "trajectories = 20");
    let scenario = write(scratch.path(), "study.toml", &text);
    let out = scratch.path().join("out");
    reviewsim_ok(&["run", &scenario, "--out", out.to_str().unwrap(), "--quiet"]);
    let rows = csv_rows(&out.join("sensitivity.csv"));
    assert_eq!(rows.len(), 6, "{rows:?}"); // 2 x (mu, mu_star, sigma)
    let window = index(&rows, "review.window_days", "mu_star");
    let scale = index(
        &rows,
        "review.tracks.threat.detection_probability",
        "mu_star",
    );
    // Δ = 2/3 of a 40-day range moves a delay capped by the 20-day review
    // by days; the hazard's scale moves it by nothing.
    assert!(window > 3.0, "{window}");
    assert!(scale < 0.5, "{scale}");
}

fn run_study(scenario: &str, out: &Path, extra: &[&str]) {
    let out = out.display().to_string();
    let mut args = vec!["run", scenario, "--out", &out, "--quiet"];
    args.extend(extra);
    reviewsim_ok(&args);
}

#[test]
fn four_shards_merged_and_one_thread_give_the_same_sensitivity_csv() {
    let scratch = tempfile::tempdir().unwrap();
    for method in ["sobol", "morris", "contrast"] {
        let text = WINDOW_STUDY
            .replace("samples = 64", "samples = 8\nsecond_order = true")
            .replace("metrics = [\"delay_days_mean:lab\"]\n", "");
        let text = match method {
            "morris" => text
                .replace("method = \"sobol\"", "method = \"morris\"")
                .replace("samples = 8\nsecond_order = true", "trajectories = 6"),
            // Pairs of points (window 0 and 30) in blocks and shards.
            "contrast" => text
                .replace(
                    "second_order = true",
                    "contrast = { path = \"review.tracks.threat.capacity\", from = 1, to = 2 }",
                )
                .replace("cadence_days = 60", "cadence_days = 5"),
            _ => text,
        };
        let dir = scratch.path().join(method);
        std::fs::create_dir_all(&dir).unwrap();
        let scenario = write(&dir, "study.toml", &text);
        let whole = dir.join("whole");
        run_study(&scenario, &whole, &["--replications", "7"]);
        let single = dir.join("single");
        run_study(
            &scenario,
            &single,
            &["--replications", "7", "--threads", "1"],
        );
        let mut shards = Vec::new();
        for k in 0..4 {
            let shard = dir.join(format!("shard{k}"));
            let which = format!("{k}/4");
            run_study(
                &scenario,
                &shard,
                &["--replications", "7", "--shard", &which],
            );
            shards.push(shard.display().to_string());
        }
        let merged = dir.join("merged");
        let mut args = vec!["merge"];
        args.extend(shards.iter().map(String::as_str));
        let merged_text = merged.display().to_string();
        args.extend(["--out", &merged_text, "--quiet"]);
        reviewsim_ok(&args);
        let expected = std::fs::read(whole.join("sensitivity.csv")).unwrap();
        assert!(expected.len() > 1000, "{method}: {} bytes", expected.len());
        for other in [&merged, &single] {
            let got = std::fs::read(other.join("sensitivity.csv")).unwrap();
            assert!(got == expected, "{method}: {} differs", other.display());
        }
    }
}

#[test]
fn the_sensitivity_command_varies_every_assumption_with_a_plausible_range() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let output = reviewsim_ok(&[
        "sensitivity",
        BASELINE,
        "--method",
        "morris",
        "--samples",
        "2",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_days=120",
        "--group",
        "capability_weight=market.segments.*.capability_weight",
        "--metrics",
        "share_all:meta",
        "--out",
        out.to_str().unwrap(),
        "--progress",
        "none",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("meta share_all (mu_star"), "{stdout}");
    let params = reviewsim_ok(&["params", BASELINE, "--format", "csv"]);
    // Assumptions and fitted parameters with a range (not those the
    // market's calibration solves, which have none).
    let assumptions = csv_rows_of(&params.stdout)
        .iter()
        .filter(|r| matches!(r["source"].as_str(), "assumption" | "fitted"))
        .filter(|r| !r["plausible_low"].is_empty())
        .count();
    assert!(assumptions >= 15, "{assumptions}");
    let points = csv_rows(&out.join("points.csv"));
    // Every assumption is a swept column; the three capability weights
    // move as one group, so a trajectory has (assumptions - 2) + 1 points.
    assert_eq!(points[0].len(), 1 + assumptions, "{:?}", points[0].keys());
    assert_eq!(points.len(), 2 * (assumptions - 2 + 1));
    let rows = csv_rows(&out.join("sensitivity.csv"));
    assert_eq!(rows.len(), 3 * (assumptions - 2));
    assert!(rows.iter().any(|r| r["parameter"] == "capability_weight"));
    assert!(
        rows.iter()
            .all(|r| r["lab"] == "meta" && r["metric"] == "share_all")
    );
}

fn csv_rows_of(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn refused(scenario: &str, needle: &str) {
    let output = reviewsim(&["validate", scenario]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{scenario} validated");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
}

#[test]
fn sensitivity_sweeps_that_cannot_run_are_refused_naming_what_is_wrong() {
    let scratch = tempfile::tempdir().unwrap();
    let cases = [
        (
            "samples = 64",
            "samples = 60",
            "sweep.samples: 60: method = \"sobol\" needs",
        ),
        ("samples = 64", "", "sweep.samples: missing"),
        (
            "method = \"sobol\"\nsamples = 64",
            "method = \"morris\"",
            "sweep.trajectories: missing",
        ),
        (
            "method = \"sobol\"\nsamples = 64",
            "method = \"morris\"\ntrajectories = 4\nlevels = 3",
            "sweep.levels: 3",
        ),
        (
            "samples = 64",
            "samples = 64\ntrajectories = 4",
            "sweep.trajectories: is for method = \"morris\"",
        ),
        (
            "delay_days_mean:lab",
            "delay_days_mean:nobody",
            "nobody is not a lab of this scenario",
        ),
        (
            "delay_days_mean:lab",
            "delay",
            "delay is not a metric of this scenario",
        ),
        (
            "path = \"review.tracks.threat.detection_probability\"",
            "path = \"simulation.horizon_days\"",
            "simulation.horizon_days has no declared plausible range",
        ),
        (
            "samples = 64",
            "samples = 4096",
            "16384 design points, more than the limit",
        ),
    ];
    for (index, (from, to, needle)) in cases.iter().enumerate() {
        assert!(WINDOW_STUDY.contains(from), "{from}");
        let text = WINDOW_STUDY.replacen(from, to, 1);
        let scenario = write(scratch.path(), &format!("case{index}.toml"), &text);
        refused(&scenario, needle);
    }
}

#[test]
fn a_contrast_ranks_what_the_change_depends_on_not_the_level() {
    let scratch = tempfile::tempdir().unwrap();
    // From no window to 30 days, the delay grows by the review's length up
    // to 30 days: the change depends on the duration, not on the window
    // (which is not varied) nor on detection.
    let text = WINDOW_STUDY
        .replace(
            "path = \"review.window_days\"\nlow = 0\nhigh = 40",
            "path = \"review.tracks.threat.duration_days\"\nlow = 1\nhigh = 30",
        )
        .replace(
            "metrics = [\"delay_days_mean:lab\"]",
            "metrics = [\"delay_days_mean:lab\"]\ncontrast = { path = \"review.window_days\", from = 0, to = 30 }",
        );
    let scenario = write(scratch.path(), "study.toml", &text);
    let out = scratch.path().join("out");
    reviewsim_ok(&["run", &scenario, "--out", out.to_str().unwrap(), "--quiet"]);
    let rows = csv_rows(&out.join("sensitivity.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows.iter()
            .all(|r| r["contrast"] == "review.window_days: 0 -> 30")
    );
    let duration = index(&rows, "review.tracks.threat.duration_days", "ST");
    let detection = index(&rows, "review.tracks.threat.detection_probability", "ST");
    assert!(duration > 0.9, "{duration}");
    assert!(detection.abs() < 0.02, "{detection}");
    // Both ends of every design point are run: 64 x 4 x 2 points.
    let points = csv_rows(&out.join("points.csv"));
    assert_eq!(points.len(), 512);
    assert_eq!(points[0]["review.window_days"].parse::<f64>(), Ok(0.0));
    assert_eq!(points[1]["review.window_days"].parse::<f64>(), Ok(30.0));
}

#[test]
fn the_shipped_studies_validate_and_run_at_a_small_size() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/studies");
    let scratch = tempfile::tempdir().unwrap();
    let mut studies = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.display().to_string();
        reviewsim_ok(&["validate", &file]);
        let out = scratch.path().join(path.file_stem().unwrap());
        reviewsim_ok(&[
            "run",
            &file,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--set",
            "sweep.samples=4",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_days=200",
        ]);
        let analysis = match out.join("robustness.csv").exists() {
            true => "robustness.csv",
            false => "sensitivity.csv",
        };
        assert!(!csv_rows(&out.join(analysis)).is_empty());
        studies += 1;
    }
    assert!(studies >= 1);
}

/// Microsoft's queue wait is undefined where its models are too far behind
/// the frontier to be covered (a short coverage threshold): the study says
/// on how many base rows its indices rest, and warns.
#[test]
fn a_study_says_how_many_rows_its_indices_rest_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "sensitivity",
        BASELINE,
        "--samples",
        "32",
        "--replications",
        "2",
        "--metrics",
        "queue_wait_days_mean:microsoft,reviews_completed",
        "--parameters",
        "review.threshold.*",
        "--parameters",
        "hazard.scale_months",
        "--out",
        &out,
        "--progress",
        "none",
    ];
    let printed = String::from_utf8(reviewsim_ok(&args).stdout).unwrap();
    let rows = csv_rows(&dir.path().join("sensitivity.csv"));
    let used = |lab: &str| {
        let row = rows.iter().find(|r| r["lab"] == lab).unwrap();
        let n = |c: &str| row[c].parse::<u64>().unwrap();
        (n("rows_used"), n("rows_total"))
    };
    let (microsoft, total) = used("microsoft");
    assert_eq!(total, 32);
    assert!(microsoft > 0 && microsoft < 32, "{microsoft} of {total}");
    assert_eq!(
        used("all"),
        (32, 32),
        "reviews completed are always defined"
    );
    assert!(printed.contains(&format!("{microsoft} of 32")), "{printed}");
    assert!(printed.contains("32 of 32 base rows"), "{printed}");
}

/// A scenario with a `[sweep]` of its own is refused before its points are
/// expanded (the shipped study has 9,216), and nothing is written.
#[test]
fn sensitivity_refuses_a_scenario_with_a_sweep_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let study = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/studies/window_cost.toml"
    );
    let refused = crate::common::reviewsim(&["sensitivity", study, "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has a [sweep]; the sensitivity command makes its own"),
        "{stderr}"
    );
    assert!(!out.exists());
}
