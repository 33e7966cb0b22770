//! Participation, pressure and escalation: the holdout question.

use std::collections::HashMap;

use reviewsim::engine::SimTime;
use reviewsim::model::{AdoptionSample, EventKind, EventRecord, Recording, ReleaseHow};
use reviewsim::runner::{UnitResult, simulate_unit};
use reviewsim::scenario::{Override, Scenario};

use crate::common::{lab_index, mean_and_se, reviewsim};

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");

fn scenario(file: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    Scenario::load(format!("{SCENARIOS}/{file}").as_ref(), &overrides).unwrap()
}

fn units(scenario: &Scenario, recording: Recording) -> Vec<UnitResult> {
    (0..scenario.replications())
        .map(|r| simulate_unit(scenario, 0, r, recording))
        .collect()
}

#[test]
fn a_larger_pressure_weight_makes_the_holdout_sign_earlier() {
    let weak = scenario("holdout_signs.toml", &["simulation.replications=300"]);
    let strong = scenario(
        "holdout_signs.toml",
        &[
            "simulation.replications=300",
            "labs.meta.participation.signing.pressure_weight=0.05",
        ],
    );
    let meta = lab_index(&weak, "meta");
    // A lab that never signs counts as signing at the horizon.
    let signed = |s: &Scenario| -> Vec<f64> {
        units(s, Recording::NONE)
            .iter()
            .map(|u| u.labs[meta].signed_day.unwrap_or(730.0))
            .collect()
    };
    let (weak, strong) = (signed(&weak), signed(&strong));
    let differences: Vec<f64> = weak.iter().zip(&strong).map(|(w, s)| w - s).collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(mean > 4.0 * se, "signed {mean} days earlier, se {se}");
}

#[test]
fn a_carve_out_leaves_the_open_weights_line_uncovered() {
    let carved = scenario(
        "baseline.toml",
        &[
            "simulation.replications=50",
            "labs.meta.participation.signed=true",
            "labs.meta.participation.carve_out=[open_weights]",
        ],
    );
    let meta = lab_index(&carved, "meta") as u32;
    let line_of = |id: &str| -> u32 {
        carved
            .labs
            .iter()
            .flat_map(|lab| &lab.lines)
            .position(|line| line.id == id)
            .unwrap() as u32
    };
    let (llama, muse) = (line_of("llama"), line_of("muse"));
    let mut reviewed_muse = 0;
    for unit in units(&carved, Recording::EVENTS) {
        for event in &unit.recorded.rows::<EventRecord>() {
            let (EventKind::Released(how), Some(who)) = (event.kind, event.model) else {
                continue;
            };
            if who.lab != meta {
                continue;
            }
            if who.line == llama {
                assert_eq!(
                    how,
                    ReleaseHow::Uncovered,
                    "a carved-out open-weights release was covered"
                );
            } else if who.line == muse && how == ReleaseHow::Reviewed {
                reviewed_muse += 1;
            }
        }
    }
    assert!(
        reviewed_muse > 50,
        "Meta's API line should still be reviewed ({reviewed_muse})"
    );
}

/// The foreign-lab world with Meta holding out under escalation whose
/// directive suspends API models in the U.S. region only.
fn regional_suspension() -> Scenario {
    scenario(
        "foreign_open_weights.toml",
        &[
            "simulation.replications=40",
            "labs.meta.participation.signed=false",
            "escalation.public_threshold=100",
            "escalation.directive_threshold=3",
            "escalation.directive.mandatory_review=false",
            "escalation.directive.suspend_api=true",
            "escalation.directive.suspend_regions=[us]",
            "escalation.directive.suspension_days=60",
            // Incident responses patch rather than suspend, so that only the
            // directive takes API models off the market.
            "incidents.patch_probability=1",
        ],
    )
}

#[test]
fn a_suspension_directive_removes_api_adopters_in_the_named_regions_only() {
    let scenario = regional_suspension();
    let meta = lab_index(&scenario, "meta") as u32;
    let segments = &scenario.market.as_ref().unwrap().segments;
    let recording = Recording {
        timeseries_every_days: Some(1),
        ..Recording::NONE
    };
    let mut checked_days = 0;
    for unit in units(&scenario, recording) {
        let Some(directive) = unit.labs[meta as usize].directive_day else {
            continue;
        };
        assert!(
            (unit.labs[meta as usize].suspended_days - 60.0f64.min(730.0 - directive)).abs() < 1e-9
        );
        for sample in unit
            .recorded
            .rows::<AdoptionSample>()
            .iter()
            .filter(|s| s.lab == meta)
        {
            let day = sample.time.as_days();
            if day <= directive || day >= directive + 60.0 {
                continue;
            }
            let segment = &segments[sample.segment as usize];
            if segment.id == "foreign" {
                assert!(
                    sample.adopters_api > 0.0,
                    "Meta's API models left the foreign region on day {day}"
                );
            } else {
                assert_eq!(
                    sample.adopters_api, 0.0,
                    "Meta kept API adopters in {} on day {day}",
                    segment.id
                );
            }
            // Enterprise is a U.S. segment that favours open weights.
            if segment.id == "enterprise" {
                assert!(
                    sample.adopters_open_weights > 0.0,
                    "Meta lost its open-weights adopters on day {day}"
                );
            }
            checked_days += 1;
        }
    }
    assert!(
        checked_days > 1000,
        "too few suspension days observed ({checked_days})"
    );
}

#[test]
fn after_a_mandatory_review_directive_covered_releases_wait_for_completed_reviews() {
    let scenario = scenario("holdout_escalation.toml", &["simulation.replications=60"]);
    let meta = lab_index(&scenario, "meta") as u32;
    let mut reviewed = 0;
    for unit in units(&scenario, Recording::EVENTS) {
        let Some(directive) = unit.labs[meta as usize].directive_day else {
            continue;
        };
        let directive = SimTime::from_days(directive);
        let mut completed: HashMap<(u32, u32), SimTime> = HashMap::new();
        for event in &unit.recorded.rows::<EventRecord>() {
            let Some(who) = event.model.filter(|who| who.lab == meta) else {
                continue;
            };
            match event.kind {
                EventKind::ReviewCompleted => {
                    completed.insert((who.line, who.number), event.time);
                }
                EventKind::Released(how) if event.time > directive => {
                    // Below the capability threshold a model stays uncovered;
                    // everything else waits for its completed review.
                    assert!(
                        matches!(how, ReleaseHow::Reviewed | ReleaseHow::Uncovered),
                        "released {how:?} after the directive"
                    );
                    if how == ReleaseHow::Reviewed {
                        assert!(completed[&(who.line, who.number)] <= event.time);
                        reviewed += 1;
                    }
                }
                _ => {}
            }
        }
    }
    assert!(reviewed > 20, "{reviewed}");
}

#[test]
fn tightening_us_review_shifts_share_to_the_uncovered_foreign_open_weights_lab() {
    let base = scenario(
        "foreign_open_weights.toml",
        &["simulation.replications=200"],
    );
    let tight = scenario(
        "foreign_open_weights.toml",
        &[
            "simulation.replications=200",
            "review.on_expiry=hold",
            "review.window_days=60",
            "review.tracks.capability.capacity=1",
            "review.tracks.threat.capacity=1",
            "review.tracks.measurement.capacity=1",
        ],
    );
    let foreign = lab_index(&base, "foreign");
    let share = |s: &Scenario| -> Vec<f64> {
        units(s, Recording::NONE)
            .iter()
            .map(|u| u.labs[foreign].share_all.unwrap())
            .collect()
    };
    let (base, tight) = (share(&base), share(&tight));
    let differences: Vec<f64> = tight.iter().zip(&base).map(|(t, b)| t - b).collect();
    let (mean, se) = mean_and_se(&differences);
    assert!(mean > 4.0 * se, "foreign share rose by {mean}, se {se}");
}

#[test]
fn the_new_scenarios_run_and_validate_explains_them() {
    let explained = [
        (
            "holdout_signs.toml",
            vec![
                "signs at a rate per day",
                "expedited window 20 days",
                "halves every 90 days",
            ],
        ),
        (
            "holdout_escalation.toml",
            vec![
                "public pressure at 3",
                "directive at 6",
                "API models suspended in us, foreign for 60 days",
                "after the first directive",
            ],
        ),
        (
            "foreign_open_weights.toml",
            vec![
                "foreign      Foreign open-weights lab",
                "segment foreign",
                "not covered",
            ],
        ),
    ];
    for (file, needles) in explained {
        let path = format!("{SCENARIOS}/{file}");
        let output = reviewsim(&["validate", &path]);
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        for needle in needles {
            assert!(
                stdout.contains(needle),
                "{file}: {needle:?} not in\n{stdout}"
            );
        }
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("run").display().to_string();
        let output = reviewsim(&["run", &path, "--out", &out, "--replications", "4", "-q"]);
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn extends_refuses_a_missing_base_and_a_cycle() {
    let scratch = tempfile::tempdir().unwrap();
    let a = scratch.path().join("a.toml");
    let b = scratch.path().join("b.toml");
    std::fs::write(&a, "extends = \"missing.toml\"\n").unwrap();
    let output = reviewsim(&["validate", &a.display().to_string()]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("missing.toml: cannot read the scenario file")
    );
    std::fs::write(&a, "extends = \"b.toml\"\n").unwrap();
    std::fs::write(&b, "extends = \"a.toml\"\n").unwrap();
    let output = reviewsim(&["validate", &a.display().to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("extends back to a file already extended"),
        "{stderr}"
    );
}
