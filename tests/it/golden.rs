//! Golden outputs: the SHA-256 of every file that every scenario in
//! `scenarios/` writes with a few replications, the event log and time
//! series. A change that moves any number fails here; a change that moves
//! numbers on purpose updates `tests/golden/outputs.sha256` in the same
//! commit (`REVIEWSIM_BLESS=1 cargo test --release golden`) and says why.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::common::reviewsim_ok;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/outputs.sha256");
const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");

/// Files whose content depends on the run, not the results: the manifest
/// (wall time, threads, paths).
const VOLATILE: [&str; 1] = ["manifest.json"];

fn digests() -> BTreeMap<String, String> {
    let scratch = tempfile::tempdir().unwrap();
    let mut scenarios: Vec<_> = std::fs::read_dir(SCENARIOS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenarios.sort();
    let mut digests = BTreeMap::new();
    for scenario in scenarios {
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let out = scratch.path().join(&name);
        reviewsim_ok(&[
            "run",
            &scenario.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--replications",
            "3",
            "--events",
            "--timeseries",
            "7",
            "--quiet",
        ]);
        for (file, digest) in directory_digests(&out) {
            digests.insert(format!("{name}/{file}"), digest);
        }
    }
    digests
}

fn directory_digests(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|name| !VOLATILE.contains(&name.as_str()))
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            let digest: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (name, digest)
        })
        .collect()
}

#[test]
fn every_scenario_writes_its_golden_outputs() {
    let got = digests();
    let rendered: String = got
        .iter()
        .map(|(file, digest)| format!("{digest}  {file}\n"))
        .collect();
    if std::env::var_os("REVIEWSIM_BLESS").is_some() {
        std::fs::write(GOLDEN, &rendered).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(GOLDEN).expect(
        "tests/golden/outputs.sha256 exists; create it with REVIEWSIM_BLESS=1 cargo test --release golden",
    );
    let changed: Vec<String> = expected
        .lines()
        .zip(rendered.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  expected {a}\n  got      {b}"))
        .collect();
    assert!(
        expected == rendered,
        "outputs differ from the goldens ({} of {} lines differ; {} expected, {} got):\n{}\n\
         If the change is on purpose, run REVIEWSIM_BLESS=1 cargo test --release golden \
         and say why in the commit.",
        changed.len(),
        got.len(),
        expected.lines().count(),
        rendered.lines().count(),
        changed.join("\n")
    );
}
