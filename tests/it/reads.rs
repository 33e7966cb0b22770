//! Every subcommand reads its scenario file once, then derives what it
//! runs (replications, seed, sweep points, a study's design, a precision
//! run's batches) in memory. The command lines run in this process and
//! this thread, where `scenario::files_read` counts the reads.

use reviewsim::scenario::files_read;

use crate::common::BASELINE;

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

/// The scenario files a command line reads, and what it printed.
fn reads(args: &[&str]) -> (u64, String) {
    let before = files_read();
    let mut printed = Vec::new();
    let line = std::iter::once("reviewsim").chain(args.iter().copied());
    reviewsim::cli::execute(line, &mut printed)
        .unwrap_or_else(|err| panic!("reviewsim {}: {err:#}", args.join(" ")));
    (files_read() - before, String::from_utf8(printed).unwrap())
}

#[test]
fn run_validate_and_params_read_the_scenario_once() {
    let out = tempfile::tempdir().unwrap();
    let run_out = out.path().join("run").display().to_string();
    let sweep = format!("{SCENARIOS}/window_sweep.toml");
    let sweep_out = out.path().join("sweep").display().to_string();
    let cases: [Vec<&str>; 5] = [
        vec![
            "run",
            BASELINE,
            "--out",
            &run_out,
            "--replications",
            "3",
            "--seed",
            "7",
            "--quiet",
        ],
        vec![
            "run",
            &sweep,
            "--out",
            &sweep_out,
            "--replications",
            "2",
            "--quiet",
        ],
        vec!["validate", &sweep, "--set", "review.window_days=15"],
        vec!["validate", BASELINE, "--precision", "share_all:meta=0.01"],
        vec!["params", BASELINE, "--format", "csv"],
    ];
    for args in cases {
        let (count, _) = reads(&args);
        assert_eq!(
            count,
            1,
            "reviewsim {} read its scenario {count} times",
            args.join(" ")
        );
    }
}

#[test]
fn a_run_to_a_precision_reads_the_scenario_once_for_all_its_batches() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    let args = [
        "run",
        BASELINE,
        "--out",
        &dir,
        "--replace",
        "--replications",
        "4",
        "--precision",
        "releases:openai=50%",
        "--max-replications",
        "16",
        "--quiet",
    ];
    let (count, _) = reads(&args);
    assert_eq!(count, 1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    // The replications found were run, with the seed of the file.
    assert!(manifest["work_units"].as_u64().unwrap() >= 4);
    assert_eq!(manifest["overrides"][0], "simulation.replications=4");
}

#[test]
fn sensitivity_builds_its_study_from_the_one_read() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    let args = [
        "sensitivity",
        BASELINE,
        "--method",
        "morris",
        "--samples",
        "2",
        "--parameters",
        "review.tracks.threat.capacity,hazard.midpoint_capability",
        "--replications",
        "2",
        "--out",
        &dir,
        "--quiet",
    ];
    let (count, _) = reads(&args);
    assert_eq!(count, 1);
    assert!(out.path().join("sensitivity.csv").exists());
}

#[test]
fn backtest_replay_and_fit_read_the_scenario_once() {
    let out = tempfile::tempdir().unwrap();
    let backtest = format!("{SCENARIOS}/backtest.toml");
    let replay = format!("{SCENARIOS}/replay.toml");
    let releases = format!("{DATA}/releases.csv");
    let targets = format!("{DATA}/market_targets.csv");
    let backtest_out = out.path().join("b").display().to_string();
    let replay_out = out.path().join("r").display().to_string();
    let cases: [Vec<&str>; 3] = [
        vec![
            "backtest",
            &backtest,
            "--releases",
            &releases,
            "--targets",
            &targets,
            "--replications",
            "2",
            "--out",
            &backtest_out,
            "--quiet",
        ],
        vec![
            "replay",
            &replay,
            "--releases",
            &releases,
            "--replications",
            "2",
            "--out",
            &replay_out,
            "--quiet",
        ],
        vec![
            "fit",
            &releases,
            "--as-of",
            "2026-06-02",
            "--scenario",
            BASELINE,
            "--bootstrap",
            "0",
        ],
    ];
    for args in cases {
        let (count, _) = reads(&args);
        assert_eq!(
            count,
            1,
            "reviewsim {} read its scenario {count} times",
            args.join(" ")
        );
    }
}
