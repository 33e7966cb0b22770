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

/// A writer whose bytes can be read once the sink that owns it is gone.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The event log and time series of a run, with the recorded tables
/// spilled to disk in `spill_dir` or kept in memory.
fn recorded_tables(spill_dir: Option<&Path>) -> Vec<Vec<u8>> {
    use reviewsim::model::Recording;
    use reviewsim::output::{Format, OutputKind, Swept, Tables, UnitTables, open, schema};
    use reviewsim::runner::{RunConfig, run};
    // Many incidents and daily samples: every table passes a batch.
    let scenario = crate::common::baseline_with(&[
        "incidents.rate_per_exposure_day=2e-6",
        "simulation.replications=6",
    ]);
    let kinds: Vec<OutputKind> = OutputKind::all()
        .filter(|kind| kind.is_per_replication())
        .collect();
    let writers: Vec<Shared> = kinds.iter().map(|_| Shared::default()).collect();
    let swept = Swept::default();
    let table = |kind: OutputKind, writer: &Shared| {
        Some(
            open(
                Format::Csv,
                Box::new(writer.clone()),
                &schema(kind, &scenario, &swept),
            )
            .unwrap(),
        )
    };
    let tables = Tables::open(|kind| {
        let index = kinds.iter().position(|k| *k == kind);
        Ok::<_, ()>(index.and_then(|i| table(kind, &writers[i])))
    })
    .unwrap();
    let mut sink = UnitTables::new(&scenario, &swept, tables);
    let config = RunConfig {
        threads: Some(2),
        recording: Recording {
            events: true,
            timeseries_every_days: Some(1),
        },
        spill_dir: spill_dir.map(Path::to_path_buf),
        ..RunConfig::default()
    };
    run(&vec![scenario.clone()], &config, &mut sink, &mut |_, _| {}).unwrap();
    sink.finish().unwrap();
    writers
        .iter()
        .map(|w| w.0.lock().unwrap().clone())
        .collect()
}

#[test]
fn spilling_the_event_log_and_time_series_to_disk_changes_no_byte() {
    let scratch = tempfile::tempdir().unwrap();
    let spilled = recorded_tables(Some(scratch.path()));
    let in_memory = recorded_tables(None);
    let events = String::from_utf8_lossy(&spilled[2]).lines().count();
    // More events per replication than a batch holds, so they spilled.
    assert!(
        events > 6 * reviewsim::model::SPILL_BATCH,
        "{events} events"
    );
    assert_eq!(spilled, in_memory);
    // The spill files have no name: nothing is left in the directory.
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
}
