//! Shared helpers: the baseline, the binary, and paired statistics.

use std::process::{Command, Output};

use reviewsim::model::Recording;
use reviewsim::runner::{UnitResult, simulate_unit};
use reviewsim::scenario::{Override, Scenario};

/// The baseline scenario shipped with the crate.
pub const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");

/// The baseline's text, its `extends` made absolute so that a copy of it
/// written anywhere reads the same fitted fragment.
pub fn baseline_text() -> String {
    let text = std::fs::read_to_string(BASELINE).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
    text.replacen("extends = \"", &format!("extends = \"{dir}"), 1)
}

/// The baseline with overrides applied.
pub fn baseline_with(overrides: &[&str]) -> Scenario {
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    Scenario::load(BASELINE.as_ref(), &overrides).unwrap()
}

/// Every replication of a scenario's single point.
pub fn replications(scenario: &Scenario, log_events: bool) -> Vec<UnitResult> {
    (0..scenario.replications())
        .map(|r| {
            let recording = if log_events {
                Recording::EVENTS
            } else {
                Recording::NONE
            };
            simulate_unit(scenario, 0, r, recording)
        })
        .collect()
}

/// The binary under test.
pub fn reviewsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reviewsim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Mean and standard error of a sample.
pub fn mean_and_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

/// Index of a lab by id.
pub fn lab_index(scenario: &Scenario, id: &str) -> usize {
    scenario.labs.iter().position(|lab| lab.id == id).unwrap()
}

/// Writes the baseline followed by `sweep` (a `[sweep]` section) into `dir`
/// and returns the file's path.
pub fn baseline_sweep(dir: &std::path::Path, sweep: &str) -> String {
    let text = baseline_text();
    let path = dir.join("sweep.toml");
    std::fs::write(&path, format!("{text}\n{sweep}\n")).unwrap();
    path.display().to_string()
}

/// Runs the binary and insists that it succeeded.
pub fn reviewsim_ok(args: &[&str]) -> Output {
    let output = reviewsim(args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The rows of a CSV file as maps from column to cell.
pub fn csv_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|record| {
            headers
                .iter()
                .cloned()
                .zip(record.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}
