//! Common random numbers: replication r draws the same streams at every
//! point, so a change of review policy moves no lab's ready times.

use std::collections::BTreeMap;

use crate::common::{baseline_sweep, csv_rows, reviewsim_ok};

#[test]
fn changing_the_review_window_leaves_every_models_ready_time_unchanged() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(
        scratch.path(),
        "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [0, 7, 30, 60]\n",
    );
    let out = scratch.path().join("crn");
    reviewsim_ok(&[
        "run",
        &scenario,
        "--out",
        &out.display().to_string(),
        "--replications",
        "40",
        "--events",
        "--quiet",
    ]);
    // point -> (replication, lab, line, model) -> ready time; and release times.
    type Key = (String, String, String, String);
    let mut ready: BTreeMap<String, BTreeMap<Key, String>> = BTreeMap::new();
    let mut released: BTreeMap<String, BTreeMap<Key, String>> = BTreeMap::new();
    for row in csv_rows(&out.join("events.csv")) {
        let key = (
            row["replication"].clone(),
            row["lab"].clone(),
            row["line"].clone(),
            row["model"].clone(),
        );
        let table = match row["kind"].as_str() {
            "ready" => &mut ready,
            "released" => &mut released,
            _ => continue,
        };
        assert!(
            table
                .entry(row["point"].clone())
                .or_default()
                .insert(key, row["time_days"].clone())
                .is_none()
        );
    }
    assert_eq!(ready.len(), 4);
    let first = &ready["0"];
    assert!(first.len() > 40 * 20, "only {} models", first.len());
    for (point, times) in &ready {
        assert_eq!(times, first, "ready times differ at point {point}");
    }
    // The window did change what happened after ready.
    assert_ne!(released["0"], released["2"]);
}
