//! Bad input: one clear message naming the file, the path and the value; a
//! non-zero exit; no output directory left behind.

use std::path::Path;

use crate::common::{BASELINE, reviewsim};

/// Writes the baseline with one edit into `dir` and returns its path.
fn edited_baseline(dir: &Path, from: &str, to: &str) -> String {
    let text = crate::common::baseline_text();
    assert!(
        text.contains(from),
        "the baseline no longer contains {from:?}"
    );
    let path = dir.join("edited.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.display().to_string()
}

/// Runs `validate` and `run` on the scenario with `extra` arguments and
/// checks that both fail with a message containing each of `expected`, and
/// that `run` created no output directory.
fn assert_refused(scenario: &str, extra: &[&str], expected: &[&str]) {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    let out_arg = out.display().to_string();
    let mut validate = vec!["validate", scenario];
    validate.extend(extra);
    let mut run = vec!["run", scenario, "--out", &out_arg, "--replications", "3"];
    run.extend(extra);
    for args in [validate, run] {
        let output = reviewsim(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        for needle in expected {
            assert!(
                stderr.contains(needle),
                "{args:?}: {needle:?} not in {stderr:?}"
            );
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{stderr}"
        );
    }
    assert!(!out.exists(), "run left {} behind", out.display());
}

#[test]
fn an_unknown_key_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(
        dir.path(),
        "window_days = 30 ",
        "colour = \"blue\"\nwindow_days = 30 ",
    );
    assert_refused(
        &file,
        &[],
        &[
            "edited.toml",
            "review.colour",
            "unknown field `colour`",
            "window_days",
        ],
    );
}

#[test]
fn an_unknown_key_inside_a_named_entry_is_refused_with_the_entry_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(
        dir.path(),
        "low = 0, high = 1 }     # [estimate] API lines sit near the frontier\nincumbent_released = 2026-05-28",
        "low = 0, high = 1, shape = 2 }\nincumbent_released = 2026-05-28",
    );
    assert_refused(
        &file,
        &[],
        &[
            "labs.anthropic.lines.claude.capability_lag_months",
            "unknown field `shape`",
        ],
    );
}

#[test]
fn a_wrong_type_is_refused_with_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(dir.path(), "window_days = 30 ", "window_days = \"thirty\" ");
    assert_refused(
        &file,
        &[],
        &[
            "edited.toml",
            "review.window_days",
            "\"thirty\"",
            "expected a number",
        ],
    );
    // Whole numbers are asked for in words, not Rust's type names.
    assert_refused(
        BASELINE,
        &["--set", "review.tracks.threat.capacity=1.5"],
        &[
            "review.tracks.threat.capacity: wrong type: the number `1.5`, expected a whole number",
            "(set by --set review.tracks.threat.capacity=1.5)",
        ],
    );
}

#[test]
fn a_negative_window_is_refused_with_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(dir.path(), "window_days = 30 ", "window_days = -3 ");
    assert_refused(
        &file,
        &[],
        &["edited.toml: review.window_days = -3: must be a number of days >= 0"],
    );
}

#[test]
fn a_negative_review_duration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(dir.path(), "median = 10,", "median = -10,");
    assert_refused(
        &file,
        &[],
        &["review.tracks.capability.duration_days.median = -10: must be a finite number > 0"],
    );
}

#[test]
fn a_negative_duration_given_by_set_is_refused() {
    assert_refused(
        BASELINE,
        &["--set", "labs.anthropic.lines.claude.cadence_days.mean=-90"],
        &["labs.anthropic.lines.claude.cadence_days.mean = -90"],
    );
}

#[test]
fn a_set_naming_a_missing_lab_is_refused_with_the_known_ids() {
    assert_refused(
        BASELINE,
        &["--set", "labs.nobody.participation.signed=true"],
        &[
            "--set labs.nobody.participation.signed=true",
            "no entry with id `nobody`",
            "meta",
        ],
    );
}

#[test]
fn a_set_with_a_misspelt_key_names_the_set_argument() {
    assert_refused(
        BASELINE,
        &["--set", "review.windw_days=15"],
        &[
            "review.windw_days",
            "unknown field `windw_days`",
            "(set by --set review.windw_days=15)",
        ],
    );
}

#[test]
fn a_set_without_a_value_is_refused() {
    assert_refused(
        BASELINE,
        &["--set", "review.window_days"],
        &["expected PATH=VALUE"],
    );
}

#[test]
fn every_out_of_range_value_is_listed_at_once() {
    let output = reviewsim(&[
        "validate",
        BASELINE,
        "--set",
        "review.tracks.threat.capacity=0",
        "--set",
        "simulation.horizon_days=0",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("review.tracks.threat.capacity = 0: must be >= 1"),
        "{stderr}"
    );
    assert!(stderr.contains("simulation.horizon_days = 0"), "{stderr}");
}

#[test]
fn a_syntax_error_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = edited_baseline(dir.path(), "[review]", "[review");
    assert_refused(&file, &[], &["edited.toml", "line"]);
}

#[test]
fn a_missing_file_is_refused() {
    assert_refused(
        "no/such/scenario.toml",
        &[],
        &["no/such/scenario.toml: cannot read the scenario file"],
    );
}

#[test]
fn an_unwritable_output_directory_is_refused_without_a_panic() {
    let scratch = tempfile::tempdir().unwrap();
    let blocker = scratch.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = blocker.join("out").display().to_string();
    let output = reviewsim(&["run", BASELINE, "--out", &out, "--replications", "2"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("cannot use as the output directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The file itself as the directory: said so, not as "File exists".
    let out = blocker.display().to_string();
    let output = reviewsim(&["run", BASELINE, "--out", &out, "--replications", "2"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected =
        format!("error: {out}: cannot use as the output directory: exists and is not a directory");
    assert_eq!(stderr.trim_end(), expected);
}

#[test]
fn ids_that_would_collide_in_the_outputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A lab called `all` would mix with the system rows of summary.csv.
    let file = edited_baseline(
        dir.path(),
        "[[labs]]\nid = \"meta\"",
        "[[labs]]\nid = \"all\"\n[[labs.lines]]\nid = \"x\"\naccess = \"api\"\ncadence_days = 100\n\n[[labs]]\nid = \"meta\"",
    );
    assert_refused(&file, &[], &["labs.all.id = \"all\"", "is reserved"]);
    // A segment called `all` would give two share_all columns.
    let file = edited_baseline(dir.path(), "id = \"consumer\"", "id = \"all\"");
    assert_refused(
        &file,
        &[],
        &["market.segments.all.id = \"all\"", "is reserved"],
    );
    // A segment `peak_enterprise` beside `enterprise`: two share_peak_enterprise.
    let file = edited_baseline(dir.path(), "id = \"consumer\"", "id = \"peak_enterprise\"");
    assert_refused(
        &file,
        &[],
        &[
            "the column share_peak_enterprise",
            "market.segments.peak_enterprise",
            "market.segments.enterprise",
            "rename one",
        ],
    );
    // A dash in a track id would become part of column names.
    let file = edited_baseline(dir.path(), "id = \"threat\"", "id = \"threat-model\"");
    assert_refused(
        &file,
        &[],
        &[
            "review.tracks.threat-model.id",
            "must start with a letter and use only a-z, 0-9 and _",
        ],
    );
}

#[test]
fn a_sweep_that_changes_which_labs_or_segments_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::common::baseline_text();
    let file = dir.path().join("shape.toml");
    std::fs::write(
        &file,
        format!(
            "{text}\n[sweep]\n[[sweep.parameters]]\npath = \"market\"\n\
             values = [{{ segments = [{{ id = \"solo\", population = 10, bass_p_per_year = 0.1, bass_q_per_year = 0.1 }}] }}]\n"
        ),
    )
    .unwrap();
    assert_refused(
        &file.display().to_string(),
        &[],
        &[
            "sweep point 0",
            "changes which labs, lines, segments or tracks",
        ],
    );
}

#[test]
fn unbounded_or_inexact_work_is_refused_before_anything_runs() {
    // A cadence whose spread makes a line produce ~10^8 models.
    assert_refused(
        BASELINE,
        &[
            "--set",
            "labs.meta.lines.llama.cadence_days={ dist = \"gamma\", mean = 129, cv = 1e4 }",
        ],
        &[
            "labs.meta.lines.llama.cadence_days = gamma(mean 129, cv 10000)",
            "more than the limit of 100000 per replication",
            "--allow-large",
        ],
    );
    // A Poisson mean beyond exact counting: refused, never counted as 0.
    assert_refused(
        BASELINE,
        &["--set", "incidents.rate_per_exposure_day=1e20"],
        &[
            "incidents.rate_per_exposure_day = 1e20",
            "incidents, more than the limit of 1e12",
        ],
    );
    assert_refused(
        BASELINE,
        // (Ecosystems out of all measure would also swamp the calibrated
        // market; the weights are zeroed so the count is what is refused.)
        &[
            "--set",
            "ecosystem.derivatives_per_day_initial=1e300",
            "--set",
            "market.segments.consumer.ecosystem_weight=0",
            "--set",
            "market.segments.enterprise.ecosystem_weight=0",
        ],
        &[
            "ecosystem.derivatives_per_day_initial = 1e300",
            "derivatives, more than the limit",
        ],
    );
    // Even with --allow-large: counts beyond exact arithmetic cannot run.
    assert_refused(
        BASELINE,
        &[
            "--set",
            "incidents.rate_per_exposure_day=1e20",
            "--allow-large",
        ],
        &["incidents.rate_per_exposure_day = 1e20"],
    );
}

#[test]
fn a_large_event_log_is_refused_unless_asked_for() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("events").display().to_string();
    let args = [
        "run",
        BASELINE,
        "--set",
        "incidents.rate_per_exposure_day=1e-4",
        "--replications",
        "1",
        "--events",
        "--out",
        &out,
    ];
    let output = reviewsim(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--events = on: one replication could log about"),
        "{stderr}"
    );
    // Without the event log the same scenario is fine.
    let without: Vec<&str> = args.iter().copied().filter(|a| *a != "--events").collect();
    let output = reviewsim(&without);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_set_value_nested_thousands_of_brackets_deep_is_refused_without_overflowing_the_stack() {
    // Such a value was once read with one recursive call per bracket: this
    // took seconds, then overflowed the stack and aborted.
    let depth = 30_000;
    let arg = format!(
        "review.window_days={}1{}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_refused(
        BASELINE,
        &["--set", &arg],
        &[
            "baseline.toml: review.window_days: wrong type",
            "expected a number",
        ],
    );
}

#[test]
fn a_parameter_path_thousands_of_names_deep_is_refused_without_overflowing_the_stack() {
    // Such a path once made tables nested as deep, which overflowed the
    // stack when they were copied or dropped.
    let path = vec!["a"; 30_000].join(".");
    assert_refused(
        BASELINE,
        &["--set", &format!("{path}=1")],
        &["the path has 30000 dotted names; a parameter path has at most 16"],
    );
    let dir = tempfile::tempdir().unwrap();
    let sweep = format!("[sweep]\n[[sweep.parameters]]\npath = \"{path}\"\nvalues = [1]\n");
    let file = crate::common::baseline_sweep(dir.path(), &sweep);
    assert_refused(
        &file,
        &[],
        &[
            "sweep.toml: sweep.parameters[0]",
            "the path has 30000 dotted names",
        ],
    );
}

#[test]
fn a_review_program_starting_on_no_day_at_all_is_refused() {
    // NaN was once taken as day 0 and infinity as never, silently.
    for day in ["nan", "inf", "-inf"] {
        assert_refused(
            BASELINE,
            &["--set", &format!("review.operational={day}")],
            &["review.operational = ", "must be a day number or a date"],
        );
    }
}

#[test]
fn numbers_in_refusals_are_written_short_never_digit_by_digit() {
    // 1e-300 and 1e300 were once written out in full, three hundred digits.
    assert_refused(
        BASELINE,
        &[
            "--set",
            "labs.anthropic.lines.claude.cadence_days.mean=1e-300",
        ],
        &[
            "labs.anthropic.lines.claude.cadence_days = gamma(mean 1e-300, cv 0.3412): the mean cadence",
        ],
    );
    assert_refused(
        BASELINE,
        &["--set", "labs.openai.name=1e300"],
        &["labs.openai.name: wrong type: the number `1e300`, expected text in quotes"],
    );
    assert_refused(
        BASELINE,
        &[
            "--set",
            "ecosystem.derivatives_half_life_days=1.7976931348623157e308",
        ],
        &["with derivatives_half_life_days = 1.8e308 and up to"],
    );
    assert_refused(
        BASELINE,
        &[
            "--set",
            "labs.meta.participation={ signed = true, from = 1e300 }",
        ],
        &["labs.meta.participation = { signed = true, from = 1e300 }"],
    );
    let dir = tempfile::tempdir().unwrap();
    let sweep =
        "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nfrom = 1.5\nto = 1e300\n";
    let file = crate::common::baseline_sweep(dir.path(), sweep);
    assert_refused(
        &file,
        &[],
        &["a step is required with from = 1.5 and to = 1e300"],
    );
    let sweep = "[sweep]\n[[sweep.parameters]]\npath = \"review.window_days\"\nvalues = [1e300]\n";
    let file = crate::common::baseline_sweep(dir.path(), sweep);
    assert_refused(
        &file,
        &[],
        &["[sweep point 0: review.window_days=1e300]: review.window_days = 1e300: must be"],
    );
}

#[test]
fn a_wrong_type_is_named_in_the_users_words_not_the_deserializers() {
    // These once read "sequence", "map", "unit variant, expected string
    // only" and "expected variant identifier".
    for (set, expected) in [
        (
            "review.window_days=[1]",
            "review.window_days: wrong type: a list, expected a number",
        ),
        (
            "review.window_days={ a = 1 }",
            "review.window_days: wrong type: a table, expected a number",
        ),
        (
            "review.on_expiry=3",
            "review.on_expiry: wrong type: expected a name in quotes",
        ),
        (
            "labs.openai.lines.gpt.cadence_days={ dist = 3 }",
            "wrong type: the number `3`, expected the name of a distribution in quotes (constant, uniform,",
        ),
    ] {
        assert_refused(BASELINE, &["--set", set], &[expected]);
    }
}

#[test]
fn every_bad_value_of_a_line_or_a_track_is_listed_at_once() {
    // A refused distribution once stopped the checks of the rest of its
    // line or track.
    assert_refused(
        BASELINE,
        &[
            "--set",
            "labs.anthropic.lines.claude.cadence_days.cv=-1",
            "--set",
            "labs.openai.lines.gpt.capability_lag_months.high=-1",
            "--set",
            "labs.openai.lines.gpt.first_ready_days={ dist = \"uniform\", low = -5, high = 1 }",
            "--set",
            "review.tracks.threat.duration_days.median=-1",
            "--set",
            "review.tracks.threat.detection_probability=2",
        ],
        &[
            "labs.anthropic.lines.claude.cadence_days.cv = -1",
            "labs.openai.lines.gpt.capability_lag_months.high = -1",
            "labs.openai.lines.gpt.first_ready_days.low = -5",
            "review.tracks.threat.duration_days.median = -1",
            "review.tracks.threat.detection_probability = 2",
        ],
    );
}
