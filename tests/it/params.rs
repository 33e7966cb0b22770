//! `reviewsim params`: every parameter documented, every path usable.

use reviewsim::params::{documentation, list};
use reviewsim::scenario::{Override, Scenario};

use crate::common::{BASELINE, baseline_with, reviewsim_ok};

/// A scenario that uses every optional parameter and distribution form.
const EVERY_FORM: &str = r#"
[simulation]
name = "every form"
horizon_days = 365
[review]
[[review.tracks]]
id = "threat"
name = "Threat"
duration_days = { dist = "triangular", min = 2, mode = 5, max = 20 }
[[review.tracks]]
id = "bio"
duration_days = { dist = "lognormal", mean = 10, sd = 3 }
[[labs]]
id = "lab"
name = "Lab"
participation = { signed = false, from = 2026-09-01 }
expedited_window_days = 15
[[labs.lines]]
id = "a"
name = "A"
access = "api"
cadence_days = { dist = "exponential", mean = 60 }
first_ready_days = { dist = "uniform", low = 0, high = 30 }
[[labs.lines]]
id = "b"
access = "open_weights"
cadence_days = { dist = "dates", dates = [2026-07-01, 120] }
first_ready_days = 3
"#;

#[test]
fn every_parameter_of_the_baseline_and_of_every_form_is_documented() {
    let every_form = Scenario::from_toml(EVERY_FORM, "every.toml", &[]).unwrap();
    let scenario_file = |name: &str| {
        let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        Scenario::load(path.as_ref(), &[]).unwrap()
    };
    let politics = [
        "holdout_signs.toml",
        "holdout_escalation.toml",
        "foreign_open_weights.toml",
    ]
    .map(scenario_file);
    for scenario in [baseline_with(&[]), every_form].into_iter().chain(politics) {
        let params = list(&scenario.resolved);
        assert!(params.len() > 20, "{}", params.len());
        for param in &params {
            assert!(
                !param.meaning.is_empty(),
                "{} ({}) has no entry in the parameter table",
                param.path,
                param.generic
            );
        }
    }
    assert!(documentation("labs.*.lines.*.cadence_days.cv").is_some());
    assert!(documentation("review.no_such_thing").is_none());
}

#[test]
fn every_listed_path_can_be_set_to_its_listed_value() {
    let scenario = baseline_with(&[]);
    let overrides: Vec<Override> = list(&scenario.resolved)
        .iter()
        .map(|p| format!("{}={}", p.path, p.value).parse().unwrap())
        .collect();
    let again = Scenario::load(BASELINE.as_ref(), &overrides).unwrap();
    assert_eq!(
        serde_json::to_value(&again.resolved).unwrap(),
        serde_json::to_value(&scenario.resolved).unwrap()
    );
}

#[test]
fn params_prints_paths_values_units_and_meanings() {
    let output = reviewsim_ok(&[
        "params",
        BASELINE,
        "--set",
        "review.tracks.threat.capacity=3",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("review.tracks.threat.capacity "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[1..4], ["3", "teams", "reviews"], "{line}");
    assert!(
        stdout.contains("labs.meta.lines.llama.cadence_days.mean"),
        "{stdout}"
    );
    assert!(!stdout.contains(".id "), "{stdout}");
}
