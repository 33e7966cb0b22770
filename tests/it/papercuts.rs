//! Small things a new user met, each kept from coming back.

use std::time::{Duration, Instant};

use crate::common::{BASELINE, reviewsim};

/// Runs the binary and fails if it has not finished within `limit`.
fn finishes_within(args: &[&str], limit: Duration) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reviewsim"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_device_a_pipe_or_a_huge_file_is_refused_at_once_not_read_without_end() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let extends_zero = dir.path().join("extends.toml");
    std::fs::write(&extends_zero, "extends = \"/dev/zero\"\n").unwrap();
    let huge = dir.path().join("huge.toml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(reviewsim::scenario::MAX_FILE_BYTES + 1)
        .unwrap();
    let cases = [
        ("/dev/zero".to_string(), "not a regular file"),
        (fifo.display().to_string(), "not a regular file"),
        (extends_zero.display().to_string(), "not a regular file"),
        (huge.display().to_string(), "larger than 16 MiB"),
    ];
    for (scenario, expected) in cases {
        let output = finishes_within(&["validate", &scenario], Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{scenario}: {stderr}");
        assert!(stderr.contains(expected), "{scenario}: {stderr}");
    }
    // A scenario is still read as before.
    assert!(reviewsim(&["validate", BASELINE]).status.success());
}

#[test]
fn validate_takes_run_s_options_and_checks_the_event_log_as_run_does() {
    let busy = "incidents.rate_per_exposure_day=1e-4";
    // What run --events refuses, validate --events refuses too.
    let output = reviewsim(&["validate", BASELINE, "--set", busy, "--events"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--events = on: one replication could log about"),
        "{stderr}"
    );
    assert!(
        reviewsim(&["validate", BASELINE, "--set", busy])
            .status
            .success()
    );
    // --quiet prints nothing; --threads, --replications, --seed and
    // --timeseries are taken as run takes them.
    let args = [
        "validate",
        BASELINE,
        "--quiet",
        "--threads",
        "2",
        "--replications",
        "7",
        "--seed",
        "3",
        "--timeseries",
        "7",
    ];
    let output = reviewsim(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    let output = reviewsim(&["validate", BASELINE, "--replications", "7"]);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("7 replications = 7 work units"),
        "{printed}"
    );
}

/// The one error line of `validate` with `--set`.
fn refusal(set: &str) -> String {
    let output = reviewsim(&["validate", BASELINE, "--set", set]);
    assert_eq!(output.status.code(), Some(1), "{set}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_wrong_type_says_what_the_parameter_allows_in_the_scenario_s_words() {
    // A team count is a whole number >= 1, not "from 0 to 4294967295".
    let capacity = refusal("review.tracks.threat.capacity=1.5");
    assert!(
        capacity.contains("expected a whole number that must be >= 1"),
        "{capacity}"
    );
    assert!(!capacity.contains("4294967295"), "{capacity}");
    // Participation is a table, shown by example, not a Rust struct's name.
    let participation = refusal("labs.meta.participation=signed");
    assert!(
        participation.contains("{ signed = true }"),
        "{participation}"
    );
    assert!(!participation.contains("struct"), "{participation}");
}

#[test]
fn joining_the_program_after_the_horizon_is_refused() {
    let late = refusal("labs.meta.participation.from=2030-01-01");
    assert!(
        late.contains("labs.meta.participation.from = 2030-01-01"),
        "{late}"
    );
    assert!(late.contains("must be a day within the run"), "{late}");
    let within = [
        "validate",
        BASELINE,
        "--set",
        "labs.meta.participation.from=2027-01-01",
    ];
    assert!(reviewsim(&within).status.success());
}

#[test]
fn make_figures_shows_progress_while_its_runs_take_minutes() {
    let script = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/plots/make_figures.sh"
    ))
    .unwrap();
    let runs: Vec<&str> = script
        .lines()
        .filter(|line| line.contains("\"$reviewsim\" run "))
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for line in runs {
        assert!(
            line.contains("\"${progress[@]}\"") && !line.contains("--quiet"),
            "{line}"
        );
    }
    assert!(script.contains("progress=(--progress plain --progress-every 10)"));
}

#[test]
fn the_outputs_page_gives_each_day_column_the_type_the_files_have() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "run",
        BASELINE,
        "--replications",
        "2",
        "--out",
        &out,
        "--quiet",
    ];
    assert!(reviewsim(&args).status.success());
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("datapackage.json")).unwrap())
            .unwrap();
    let labs = (package["resources"].as_array().unwrap().iter())
        .find(|r| r["name"] == "lab_outcomes.csv")
        .unwrap();
    let field = (labs["schema"]["fields"].as_array().unwrap().iter())
        .find(|f| f["name"] == "signed_day")
        .unwrap();
    assert_eq!(field["type"], "number");
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md")).unwrap();
    let integers = page.split("- `integer` columns").nth(1).unwrap();
    let integers = &integers[..integers.find("\n- ").unwrap()];
    assert!(!integers.contains("signed_day"), "{integers}");
}

#[test]
fn hazardous_exposure_days_says_what_it_counts_and_how_it_makes_incidents() {
    let scenario = crate::common::baseline_with(&[]);
    let about = reviewsim::metrics::system_metric_columns(&scenario)
        .into_iter()
        .find(|(name, ..)| name == "hazardous_exposure_days")
        .map(|(.., about)| about)
        .unwrap();
    assert!(
        about.starts_with("adopter-days of hazardous models"),
        "{about}"
    );
    assert!(about.contains("incidents.rate_per_exposure_day"), "{about}");
}

/// Takes units and keeps nothing.
struct Discard;

impl reviewsim::runner::UnitSink for Discard {
    fn accept(&mut self, _: &reviewsim::runner::UnitResult) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn progress_moves_unit_by_unit_not_a_chunk_at_a_time() {
    use reviewsim::runner::{CHUNK_UNITS, RunConfig, run};
    let units = CHUNK_UNITS as u64 + 88;
    for threads in [1, 2] {
        let replications = format!("simulation.replications={units}");
        let scenario = crate::common::baseline_with(&[replications.as_str()]);
        let config = RunConfig {
            threads: Some(threads),
            ..RunConfig::default()
        };
        let mut told: Vec<(u64, u64)> = Vec::new();
        let mut progress = |done, total| told.push((done, total));
        run(&vec![scenario], &config, &mut Discard, &mut progress).unwrap();
        // Counts only grow, from the first unit to the last, and the total
        // is known from the start.
        assert!(
            told.windows(2).all(|w| w[0].0 < w[1].0),
            "{threads}: {told:?}"
        );
        assert!(told.iter().all(|&(_, total)| total == units));
        assert_eq!(told.last(), Some(&(units, units)));
        assert!(
            told[0].0 <= 2 * threads as u64,
            "{threads}: first {:?}",
            told[0]
        );
        // Not two jumps of a chunk: many steps before the first chunk ends.
        let within_first_chunk = told.iter().filter(|(done, _)| *done < CHUNK_UNITS as u64);
        assert!(
            within_first_chunk.count() > 50,
            "{threads}: {} reports",
            told.len()
        );
    }
}

#[test]
fn a_time_series_day_is_a_whole_number_whatever_the_market_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "run",
        BASELINE,
        "--set",
        "market.step_days=0.3",
        "--replications",
        "1",
        "--timeseries",
        "2",
        "--out",
        &out,
        "--quiet",
    ];
    let output = reviewsim(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for table in ["timeseries", "queue_timeseries", "pressure_timeseries"] {
        let rows = crate::common::csv_rows(&dir.path().join(format!("{table}.csv")));
        let mut days: Vec<u64> = rows.iter().map(|r| r["day"].parse().unwrap()).collect();
        days.dedup();
        // Every other day from day 0, as whole numbers, up to the last day
        // with a market step on or after it within the run (day 730, the
        // horizon, has none: the last step is at 729.9).
        let expected: Vec<u64> = (0..730).step_by(2).collect();
        assert_eq!(days, expected, "{table}");
    }
}
