//! --shard K/N and merge: shards merged are byte-identical to one run, and
//! shards that do not make up one run are refused.

use std::path::{Path, PathBuf};

use reviewsim::runner::CHUNK_UNITS;

use crate::common::{baseline_sweep, reviewsim, reviewsim_ok};

const SWEEP: &str = "[sweep]\nbaseline = 1\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [15, 30, 45]\n";

fn run(scenario: &str, out: &Path, extra: &[&str]) {
    // Enough units to cross chunk boundaries, split unevenly by 4.
    let replications = (CHUNK_UNITS / 2 + 41).to_string();
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        scenario,
        "--out",
        &out,
        "--replications",
        &replications,
        "--events",
        "--quiet",
    ];
    args.extend(extra);
    reviewsim_ok(&args);
}

fn shards(scenario: &str, dir: &Path, count: usize, extra: &[&str]) -> Vec<PathBuf> {
    (0..count)
        .map(|k| {
            let out = dir.join(format!("shard{k}"));
            let shard = format!("{k}/{count}");
            let mut args = vec!["--shard", shard.as_str()];
            args.extend(extra);
            run(scenario, &out, &args);
            out
        })
        .collect()
}

fn merge(dirs: &[PathBuf], out: &Path) -> std::process::Output {
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out".to_string(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    reviewsim(&args)
}

/// Runs the sweep whole and in four shards in `format`, merges the shards,
/// and checks that every file but the manifest is byte for byte the whole
/// run's; returns the whole run's directory.
fn four_shards_merged_equal_the_whole_run(scratch: &Path, format: &str) -> PathBuf {
    let scenario = baseline_sweep(scratch, SWEEP);
    let whole = scratch.join("whole");
    let options = ["--timeseries", "30", "--format", format];
    run(&scenario, &whole, &options);
    let mut parts = shards(&scenario, scratch, 4, &options);
    parts.reverse(); // merge puts them in shard order
    let merged = scratch.join("merged");
    let output = merge(&parts, &merged);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tables = [
        "lab_outcomes",
        "system_outcomes",
        "events",
        "timeseries",
        "queue_timeseries",
        "pressure_timeseries",
        "points",
        "summary",
        "compare",
    ];
    let files =
        (tables.iter().map(|t| format!("{t}.{format}"))).chain(["datapackage.json".to_string()]);
    for name in files {
        let expected = std::fs::read(whole.join(&name)).unwrap();
        let got = std::fs::read(merged.join(&name)).unwrap();
        assert!(expected.len() > 30, "{name} is nearly empty");
        assert!(expected == got, "{name} differs after merging");
    }
    // A shard holds its slice only, and no partial aggregates.
    assert!(!parts[3].join(format!("summary.{format}")).exists());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["shard"].is_null());
    assert_eq!(manifest["format"], format);
    assert_eq!(manifest["merged_from"].as_array().unwrap().len(), 4);
    for shard in &parts {
        std::fs::remove_dir_all(shard).unwrap();
    }
    std::fs::remove_dir_all(merged).unwrap();
    whole
}

#[test]
fn four_shards_merged_are_byte_identical_to_the_unsharded_run() {
    let scratch = tempfile::tempdir().unwrap();
    let whole = four_shards_merged_equal_the_whole_run(scratch.path(), "csv");
    let labs = std::fs::read_to_string(whole.join("system_outcomes.csv")).unwrap();
    assert_eq!(labs.lines().count(), 1 + 3 * (CHUNK_UNITS / 2 + 41));
}

/// Parquet shards are joined row group by row group into the file the whole
/// run writes: with more rows than a row group holds, the groups of the
/// shards' files are cut anew.
#[cfg(feature = "parquet")]
#[test]
fn four_parquet_shards_merged_are_byte_identical_to_the_unsharded_run() {
    let scratch = tempfile::tempdir().unwrap();
    let csv = scratch.path().join("csv");
    std::fs::create_dir(&csv).unwrap();
    let whole_csv = four_shards_merged_equal_the_whole_run(&csv, "csv");
    let rows = std::fs::read_to_string(whole_csv.join("timeseries.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    let groups = reviewsim::output::format::ROW_GROUP_ROWS;
    assert!(rows > groups, "{rows} rows fit one row group of {groups}");
    let parquet = scratch.path().join("parquet");
    std::fs::create_dir(&parquet).unwrap();
    four_shards_merged_equal_the_whole_run(&parquet, "parquet");
}

#[test]
fn aggregates_only_shards_merge_to_the_same_aggregates() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), SWEEP);
    let whole = scratch.path().join("whole");
    let only = ["--outputs", "summary,compare"];
    run(&scenario, &whole, &only);
    let parts = shards(&scenario, scratch.path(), 3, &only);
    let merged = scratch.path().join("merged");
    assert!(merge(&parts, &merged).status.success());
    for name in ["summary.csv", "compare.csv"] {
        assert!(
            std::fs::read(whole.join(name)).unwrap() == std::fs::read(merged.join(name)).unwrap()
        );
    }
    assert!(!merged.join("lab_outcomes.csv").exists());
}

fn assert_merge_refused(dirs: &[PathBuf], out: &Path, needle: &str) {
    let output = merge(dirs, out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "merge left {} behind", out.display());
}

#[test]
fn merge_refuses_missing_repeated_and_foreign_shards() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), SWEEP);
    let parts = shards(&scenario, scratch.path(), 3, &["--outputs", "summary"]);
    let out = scratch.path().join("merged");
    assert_merge_refused(&parts[..2], &out, "shard 2/3 missing");
    assert_merge_refused(
        &[parts[0].clone(), parts[1].clone(), parts[1].clone()],
        &out,
        "are both shard 1/3",
    );
    let other_seed = scratch.path().join("other");
    run(
        &scenario,
        &other_seed,
        &["--shard", "2/3", "--seed", "99", "--outputs", "summary"],
    );
    assert_merge_refused(
        &[parts[0].clone(), parts[1].clone(), other_seed],
        &out,
        "are not shards of the same run",
    );
    let unsharded = scratch.path().join("unsharded");
    run(&scenario, &unsharded, &["--outputs", "summary"]);
    assert_merge_refused(&[unsharded], &out, "not a shard");
    assert_merge_refused(&[scratch.path().join("nowhere")], &out, "cannot read");
}

#[test]
fn a_bad_shard_is_refused_before_anything_runs() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("x").display().to_string();
    for (shard, needle) in [
        ("4/4", "--shard 4/4: K must be from 0 to 3"),
        ("1-4", "expected K/N"),
        ("0/50", "use at most 10 shards"),
    ] {
        let output = reviewsim(&[
            "run",
            crate::common::BASELINE,
            "--out",
            &out,
            "--replications",
            "10",
            "--shard",
            shard,
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(stderr.contains(needle), "{stderr}");
        assert!(!scratch.path().join("x").exists());
    }
}

#[test]
fn merge_refuses_a_truncated_or_altered_shard_naming_the_file() {
    let scratch = tempfile::tempdir().unwrap();
    let scenario = baseline_sweep(scratch.path(), SWEEP);
    let parts = shards(&scenario, scratch.path(), 2, &[]);
    let out = scratch.path().join("merged");
    // Truncated: the last rows lost, as when a disk fills.
    let labs = parts[1].join("lab_outcomes.csv");
    let whole = std::fs::read(&labs).unwrap();
    std::fs::write(&labs, &whole[..whole.len() * 2 / 3]).unwrap();
    assert_merge_refused(&parts, &out, &format!("{}: has ", labs.display()));
    assert_merge_refused(&parts, &out, "the file was truncated or altered");
    std::fs::write(&labs, &whole).unwrap();
    assert!(merge(&parts, &out).status.success());
    std::fs::remove_dir_all(&out).unwrap();
    // Altered: same size, one digit changed.
    let summary = parts[0].join("summary_state.jsonl");
    let mut state = std::fs::read(&summary).unwrap();
    let digit = state.iter().position(|b| b.is_ascii_digit()).unwrap();
    state[digit] = if state[digit] == b'7' { b'8' } else { b'7' };
    std::fs::write(&summary, &state).unwrap();
    assert_merge_refused(&parts, &out, &format!("{}: has ", summary.display()));
    // Missing.
    std::fs::remove_file(parts[0].join("events.csv")).unwrap();
    assert_merge_refused(&parts, &out, "events.csv: cannot read");
}
