//! The command line as a user meets it.

use crate::common::{BASELINE, reviewsim, reviewsim_ok};

#[test]
fn run_writes_the_documented_files_and_columns() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("run");
    let output = reviewsim(&[
        "run",
        BASELINE,
        "--out",
        &out.display().to_string(),
        "--replications",
        "20",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "datapackage.json",
            "lab_outcomes.csv",
            "manifest.json",
            "summary.csv",
            "system_outcomes.csv"
        ]
    );

    let labs = std::fs::read_to_string(out.join("lab_outcomes.csv")).unwrap();
    assert_eq!(
        labs.lines().next().unwrap(),
        "point,replication,lab,models_ready,releases,releases_covered,\
         reviews_completed_before_release,releases_on_window_expiry,reviews_past_window,\
         models_unreleased,delay_days_mean,delay_days_max,queue_wait_days_mean,\
         releases_at_frontier,capability_lead_days,hazardous_releases,\
         hazardous_unreviewed_releases,hazards_detected,mitigations,blocked_releases,\
         incidents,derivatives,safeguards_stripped,suspensions,patches,\
         signed_day,escalation_level_max,directive_day,suspended_days,pressure_max,share_all,\
         adopters_consumer,share_consumer,share_peak_consumer,adopter_days_consumer,\
         adopters_enterprise,share_enterprise,share_peak_enterprise,adopter_days_enterprise,\
         adopters_government,share_government,share_peak_government,adopter_days_government"
    );
    assert_eq!(labs.lines().count(), 1 + 20 * 6);
    system_outcomes_have_the_documented_columns(&out);
}

/// `system_outcomes.csv` of a run of 20 replications: the system metrics,
/// then every track's, and a row per replication.
fn system_outcomes_have_the_documented_columns(out: &std::path::Path) {
    let system = std::fs::read_to_string(out.join("system_outcomes.csv")).unwrap();
    let header: Vec<&str> = system.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &header[..12],
        [
            "point",
            "replication",
            "reviews_submitted",
            "reviews_completed",
            "review_completion_days_mean",
            "hazardous_unreviewed_releases",
            "hazardous_unreviewed_open_weights",
            "incidents_open_weights",
            "incidents_api",
            "hazardous_exposure_days",
            "first_directive_day",
            "labs_participating_at_horizon"
        ]
    );
    for track in ["capability", "threat", "measurement"] {
        for metric in [
            "reviews_started",
            "reviews_completed",
            "reviews_abandoned",
            "utilisation",
            "queue_length_mean",
            "queue_length_max",
            "queue_wait_days_mean",
        ] {
            let column = format!("{metric}_{track}");
            assert!(header.contains(&column.as_str()), "missing {column}");
        }
    }
    assert_eq!(system.lines().count(), 1 + 20);
}

#[test]
fn events_csv_has_iso_dates_beside_day_numbers() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("events");
    let output = reviewsim(&[
        "run",
        BASELINE,
        "--out",
        &out.display().to_string(),
        "--replications",
        "2",
        "--events",
        "--quiet",
    ]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty(), "--quiet printed to stdout");
    let mut reader = csv::Reader::from_path(out.join("events.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "point",
            "replication",
            "time_days",
            "date",
            "kind",
            "lab",
            "line",
            "model",
            "track",
            "detail"
        ]
    );
    let start = chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let days: f64 = record[2].parse().unwrap();
        let date = chrono::NaiveDate::parse_from_str(&record[3], "%Y-%m-%d").unwrap();
        assert_eq!((date - start).num_days(), days.floor() as i64);
        rows += 1;
    }
    assert!(rows > 100, "only {rows} events");
}

#[test]
fn validate_lists_labs_lines_and_work_units() {
    let output = reviewsim(&["validate", BASELINE, "--set", "simulation.replications=7"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("7 replications = 7 work units"), "{stdout}");
    for needle in [
        "openai",
        "meta",
        "llama",
        "open_weights",
        "not participating",
        "track threat",
    ] {
        assert!(stdout.contains(needle), "{needle} missing from\n{stdout}");
    }
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["validate", "--help"],
        &["params", "--help"],
        &["merge", "--help"],
        &["fit", "--help"],
    ] {
        let output = reviewsim(args);
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage"));
    }
}

/// Where stderr is a pipe or a log file, as in every Slurm and Kubernetes
/// job, progress comes as plain lines: one per interval while the run goes,
/// and a last one when it is done.
#[test]
fn a_run_into_a_pipe_prints_progress_lines() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("run");
    let out = out.display().to_string();
    let base = ["run", BASELINE, "--out", &out, "--replace"];
    // A run of a second or so, with a line every 50 ms.
    let mut args = base.to_vec();
    args.extend(["--replications", "2400", "--outputs", "summary"]);
    args.extend(["--progress-every", "0.05"]);
    let output = crate::common::reviewsim_ok(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 3, "{stderr}");
    assert!(
        lines.iter().all(|l| l.starts_with("progress: ")),
        "{stderr}"
    );
    assert!(
        lines.iter().all(|l| l.contains("/2,400 work units (")),
        "{stderr}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("progress: 2,400/2,400 work units (100.0%), ") && last.contains("done in"),
        "{last}"
    );
    // By default the lines come every 10 s: a short run prints the last one.
    let mut args = base.to_vec();
    args.extend(["--replications", "20"]);
    let output = crate::common::reviewsim_ok(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("progress: 20/20 work units (100.0%)"),
        "{stderr}"
    );
    // --quiet and --progress none print nothing.
    for quiet in ["--quiet", "--progress=none"] {
        let mut args = base.to_vec();
        args.extend(["--replications", "20", quiet]);
        let output = crate::common::reviewsim_ok(&args);
        assert!(output.stderr.is_empty(), "{quiet}");
    }
}

#[test]
fn validate_prints_each_capacity_schedule_with_its_days() {
    let schedule = "review.tracks.threat.capacity_schedule=[{from=2027-01-01, capacity=4}, {from=400, capacity=5}]";
    let out = reviewsim_ok(&["validate", BASELINE, "--set", schedule]);
    let printed = String::from_utf8(out.stdout).unwrap();
    let threat = printed
        .lines()
        .find(|l| l.contains("track threat"))
        .unwrap();
    // 2027-01-01 is day 213 of a run from 2026-06-02.
    assert!(
        threat.contains("2 team(s) from the start, 4 from 2027-01-01 (day 213), 5 from day 400"),
        "{threat}"
    );
    let capability = printed
        .lines()
        .find(|l| l.contains("track capability"))
        .unwrap();
    assert!(capability.contains("2 team(s), "), "{capability}");
}
