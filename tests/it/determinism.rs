//! Same scenario and seed: byte-identical CSV, whatever the thread count.

use std::path::Path;

use reviewsim::runner::CHUNK_UNITS;

use crate::common::{BASELINE, reviewsim};

fn run_into(dir: &Path, extra: &[&str]) {
    let out = dir.display().to_string();
    // More replications than one chunk, so chunk boundaries are crossed.
    let replications = (CHUNK_UNITS * 2 + 37).to_string();
    let mut args = vec![
        "run",
        BASELINE,
        "--out",
        &out,
        "--replications",
        &replications,
        "--events",
        "--quiet",
    ];
    args.extend(extra);
    let output = reviewsim(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

const CSV_FILES: [&str; 3] = ["lab_outcomes.csv", "system_outcomes.csv", "events.csv"];

#[test]
fn one_and_two_threads_write_byte_identical_csv() {
    let scratch = tempfile::tempdir().unwrap();
    let (one, two) = (scratch.path().join("one"), scratch.path().join("two"));
    run_into(&one, &["--threads", "1"]);
    run_into(&two, &["--threads", "2"]);
    for name in CSV_FILES {
        let (a, b) = (read(&one, name), read(&two, name));
        assert!(a.len() > 1000, "{name} is nearly empty");
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn another_seed_gives_other_results() {
    let scratch = tempfile::tempdir().unwrap();
    let (first, second) = (scratch.path().join("a"), scratch.path().join("b"));
    run_into(&first, &["--seed", "1"]);
    run_into(&second, &["--seed", "2"]);
    assert_ne!(
        read(&first, "lab_outcomes.csv"),
        read(&second, "lab_outcomes.csv")
    );
}

#[test]
fn the_manifest_records_the_resolved_scenario_and_counts() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("m");
    run_into(&dir, &["--set", "review.window_days=15", "--seed", "9"]);
    let manifest: serde_json::Value = serde_json::from_slice(&read(&dir, "manifest.json")).unwrap();
    assert_eq!(manifest["seed"], 9);
    assert_eq!(manifest["work_units"], (CHUNK_UNITS * 2 + 37) as u64);
    assert_eq!(manifest["resolved_scenario"]["review"]["window_days"], 15.0);
    assert_eq!(manifest["resolved_scenario"]["simulation"]["seed"], 9);
    assert_eq!(manifest["overrides"][0], "review.window_days=15");
    assert_eq!(manifest["labs"], 6);
    assert!(manifest["wall_time_seconds"].as_f64().unwrap() > 0.0);
}
