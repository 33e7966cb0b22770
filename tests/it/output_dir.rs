//! One directory holds one run, and an interrupted run leaves it as it was:
//! Ctrl-C and SIGTERM (what Slurm and Kubernetes send on pre-emption) stop
//! the run cleanly; after SIGKILL, the next run removes the debris.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::common::{BASELINE, reviewsim, reviewsim_ok};

/// Every file in `dir` with its SHA-256, hidden files included.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let digest: String = Sha256::digest(std::fs::read(&path).unwrap())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                digest,
            )
        })
        .collect();
    files.sort();
    files
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(name, _)| name).collect()
}

/// A run long enough to interrupt: a million replications with daily time
/// series.
fn long_run(out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_reviewsim"))
        .args(["run", BASELINE, "--out"])
        .arg(out)
        .args(["--replications", "1000000", "--timeseries", "1", "--quiet"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A run of four replications into `out`.
fn small_run(out: &Path, extra: &[&str]) {
    let out = out.display().to_string();
    let mut args = vec![
        "run",
        BASELINE,
        "--out",
        &out,
        "--replications",
        "4",
        "--quiet",
    ];
    args.extend(extra);
    reviewsim_ok(&args);
}

/// Waits until the run has started writing (its partial files exist).
fn wait_for_partial_files(out: &Path) {
    let started = Instant::now();
    while !out.join(".lab_outcomes.csv.partial").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let some rows reach the disk.
    std::thread::sleep(Duration::from_millis(300));
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_second_run_into_a_directory_is_refused_unless_it_replaces_the_first_whole() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("again");
    let out_arg = out.display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", BASELINE, "--out", &out_arg, "--quiet"];
        args.extend(extra);
        reviewsim(&args)
    };
    assert!(run(&["--replications", "5", "--events"]).status.success());
    let before = snapshot(&out);
    let refused = run(&["--replications", "3"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("holds the results of an earlier run"),
        "{stderr}"
    );
    assert!(
        stderr.contains("events.csv") && stderr.contains("--replace"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before);
    // Replaced, with fewer outputs: nothing of the first run is left.
    assert!(run(&["--replications", "3", "--replace"]).status.success());
    assert_eq!(
        names(&out),
        [
            "datapackage.json",
            "lab_outcomes.csv",
            "manifest.json",
            "summary.csv",
            "system_outcomes.csv"
        ]
    );
    let labs = std::fs::read_to_string(out.join("lab_outcomes.csv")).unwrap();
    assert_eq!(labs.lines().count(), 1 + 3 * 6);
}

#[test]
fn sigint_stops_a_run_and_removes_the_directory_it_created() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("fresh");
    let child = long_run(&out, &[]);
    wait_for_partial_files(&out);
    signal(&child, "INT");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("stopped by SIGINT"), "{stderr}");
    assert!(!out.exists(), "left {:?}", names(&out));
}

#[test]
fn sigterm_stops_a_run_and_leaves_an_earlier_run_untouched() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("kept");
    small_run(&out, &["--events"]);
    let before = snapshot(&out);
    let child = long_run(&out, &["--replace"]);
    wait_for_partial_files(&out);
    signal(&child, "TERM");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn after_sigkill_the_next_run_leaves_no_partial_file() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("killed");
    let out_arg = out.display().to_string();
    let mut child = long_run(&out, &[]);
    wait_for_partial_files(&out);
    signal(&child, "KILL");
    child.wait().unwrap();
    assert!(names(&out).iter().any(|n| n.ends_with(".partial")));
    // The next run into the directory, whatever it writes, cleans up.
    reviewsim_ok(&[
        "run",
        BASELINE,
        "--out",
        &out_arg,
        "--replications",
        "2",
        "--outputs",
        "summary",
        "--quiet",
    ]);
    assert_eq!(
        names(&out),
        ["datapackage.json", "manifest.json", "summary.csv"]
    );
}

/// `reviewsim` with `args`, its files limited to `kib` KiB (`ulimit -f`).
fn limited(kib: u32, args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .args(["-c", &format!("ulimit -f {kib} && exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_reviewsim"))
        .args(args)
        .output()
        .unwrap()
}

/// Asserts that `output` failed with exit code 1 and a message starting
/// with `start`; returns the message.
fn failed_with(output: &std::process::Output, start: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(start),
        "expected {start:?}, got {stderr}"
    );
    stderr
}

/// Asserts that `output` failed as [`failed_with`] says, past the file
/// size limit, and left no `out`; returns the message.
fn failed_past_the_limit(output: &std::process::Output, start: &str, out: &Path) -> String {
    let stderr = failed_with(output, start);
    assert!(stderr.contains("os error 27"), "{stderr}");
    assert!(!out.exists(), "left {:?}", names(out));
    stderr
}

/// A write that fails (here past the file size limit, `ulimit -f`, as a
/// full disk or a cluster's job limits make it fail) stops the run with an
/// error naming the directory, and leaves nothing behind; the limit's
/// signal, SIGXFSZ, does not kill the process mid-write.
#[test]
fn a_write_past_the_file_size_limit_fails_cleanly_naming_the_directory() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("limited");
    let out_arg = out.display().to_string();
    let output = limited(
        200,
        &[
            "run",
            BASELINE,
            "--out",
            &out_arg,
            "--replications",
            "200",
            "--events",
            "--quiet",
        ],
    );
    failed_past_the_limit(
        &output,
        &format!("error: {}: cannot write the results: ", out.display()),
        &out,
    );
}

/// A merge that cannot write its merged file names that file, not the
/// shard it was copying from, and leaves nothing behind.
#[test]
fn a_merge_past_the_file_size_limit_names_the_merged_file() {
    let scratch = tempfile::tempdir().unwrap();
    let formats: &[&str] = if cfg!(feature = "parquet") {
        &["csv", "parquet"]
    } else {
        &["csv"]
    };
    let sweep = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/window_sweep.toml");
    for &format in formats {
        let shards: Vec<String> = (0..2)
            .map(|k| {
                let dir = scratch.path().join(format!("{format}-{k}"));
                let dir = dir.display().to_string();
                let shard = format!("{k}/2");
                reviewsim_ok(&[
                    "run",
                    sweep,
                    "--out",
                    &dir,
                    "--replications",
                    "40",
                    "--shard",
                    &shard,
                    "--format",
                    format,
                    "--quiet",
                ]);
                dir
            })
            .collect();
        let out = scratch.path().join(format!("{format}-merged"));
        let out_arg = out.display().to_string();
        let output = limited(
            5,
            &[
                "merge", &shards[0], &shards[1], "--out", &out_arg, "--quiet",
            ],
        );
        let merged = out.join(format!("lab_outcomes.{format}"));
        failed_past_the_limit(
            &output,
            &format!("error: {}: cannot write: ", merged.display()),
            &out,
        );
    }
}

/// `backtest`, `replay` and `fit` that cannot write their tables name the
/// file, write none of them, and remove the directory they made.
#[test]
fn backtest_replay_and_fit_past_the_file_size_limit_leave_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let (backtest, replay) = (
        format!("{root}/scenarios/backtest.toml"),
        format!("{root}/scenarios/replay.toml"),
    );
    let (releases, targets) = (
        format!("{root}/data/releases.csv"),
        format!("{root}/data/market_targets.csv"),
    );
    let out = scratch.path().join("observed");
    let out_arg = out.display().to_string();
    let commands: [(&[&str], &str); 2] = [
        (
            &[
                "backtest",
                &backtest,
                "--targets",
                &targets,
                "--replications",
                "20",
            ],
            "backtest.csv",
        ),
        (&["replay", &replay], "replay_releases.csv"),
    ];
    for (command, first) in commands {
        let mut args = command.to_vec();
        args.extend(["--releases", &releases, "--out", &out_arg, "--quiet"]);
        let output = limited(1, &args);
        let expected = format!("error: {}: cannot write: ", out.join(first).display());
        let stderr = failed_past_the_limit(&output, &expected, &out);
        assert!(stderr.trim_end().ends_with("(os error 27)"), "{stderr}");
    }
    let table = scratch.path().join("fits.csv");
    let table_arg = table.display().to_string();
    let output = limited(
        1,
        &[
            "fit",
            &releases,
            "--as-of",
            "2026-06-02",
            "--table",
            &table_arg,
        ],
    );
    let stderr = failed_with(
        &output,
        &format!("error: {}: cannot write the table: ", table.display()),
    );
    assert!(stderr.trim_end().ends_with("(os error 27)"), "{stderr}");
    assert_eq!(names(scratch.path()), Vec::<String>::new());
    // A fragment that cannot be written: the table is not written either.
    let fragment = scratch.path().join("no such directory/fits.toml");
    let fragment_arg = fragment.display().to_string();
    let output = reviewsim(&[
        "fit",
        &releases,
        "--as-of",
        "2026-06-02",
        "--table",
        &table_arg,
        "--fragment",
        &fragment_arg,
    ]);
    failed_with(
        &output,
        &format!("error: {}: cannot write the fragment: ", fragment.display()),
    );
    assert_eq!(names(scratch.path()), Vec::<String>::new());
}

/// A replay written into a run's directory adds its tables beside the
/// run's files, which stay as they were.
#[test]
fn a_replay_beside_a_run_leaves_the_run_untouched() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("run");
    let out_arg = out.display().to_string();
    small_run(&out, &[]);
    let before = snapshot(&out);
    let root = env!("CARGO_MANIFEST_DIR");
    reviewsim_ok(&[
        "replay",
        &format!("{root}/scenarios/replay.toml"),
        "--releases",
        &format!("{root}/data/releases.csv"),
        "--out",
        &out_arg,
        "--quiet",
    ]);
    let after = snapshot(&out);
    let added: Vec<&str> = (after.iter())
        .filter(|file| !before.contains(file))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(added, ["replay_labs.csv", "replay_releases.csv"]);
    assert!(before.iter().all(|file| after.contains(file)));
}
