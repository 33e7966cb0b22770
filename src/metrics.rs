//! The metrics that `summary.csv` and `compare.csv` aggregate, in one place:
//! each is a column name and how to read it from an outcome record. A new
//! outcome field is aggregated by adding one line here (a test checks that
//! every numeric column of `lab_outcomes.csv` and `system_outcomes.csv` is
//! listed).

use crate::model::{LabOutcome, LabSegmentOutcome, SystemOutcome, TrackOutcome};
use crate::scenario::Scenario;

/// A named reading of a record; `None` where the record leaves it undefined.
pub struct Metric<T> {
    /// The column name in the per-replication file and the `metric` value
    /// in the aggregates.
    pub name: &'static str,
    /// How to read it.
    pub value: fn(&T) -> Option<f64>,
}

/// Per-lab metrics, in `lab_outcomes.csv` column order.
pub const LAB: &[Metric<LabOutcome>] = &[
    Metric {
        name: "models_ready",
        value: |l| Some(l.models_ready as f64),
    },
    Metric {
        name: "releases",
        value: |l| Some(l.releases as f64),
    },
    Metric {
        name: "releases_covered",
        value: |l| Some(l.releases_covered as f64),
    },
    Metric {
        name: "reviews_completed_before_release",
        value: |l| Some(l.reviews_completed_before_release as f64),
    },
    Metric {
        name: "releases_on_window_expiry",
        value: |l| Some(l.releases_on_window_expiry as f64),
    },
    Metric {
        name: "reviews_past_window",
        value: |l| Some(l.reviews_past_window as f64),
    },
    Metric {
        name: "models_unreleased",
        value: |l| Some(l.models_unreleased as f64),
    },
    Metric {
        name: "delay_days_mean",
        value: |l| l.delay_days_mean,
    },
    Metric {
        name: "delay_days_max",
        value: |l| l.delay_days_max,
    },
    Metric {
        name: "queue_wait_days_mean",
        value: |l| l.queue_wait_days_mean,
    },
    Metric {
        name: "releases_at_frontier",
        value: |l| Some(l.releases_at_frontier as f64),
    },
    Metric {
        name: "capability_lead_days",
        value: |l| Some(l.capability_lead_days),
    },
    Metric {
        name: "hazardous_releases",
        value: |l| Some(l.hazardous_releases as f64),
    },
    Metric {
        name: "hazardous_unreviewed_releases",
        value: |l| Some(l.hazardous_unreviewed_releases as f64),
    },
    Metric {
        name: "hazards_detected",
        value: |l| Some(l.hazards_detected as f64),
    },
    Metric {
        name: "mitigations",
        value: |l| Some(l.mitigations as f64),
    },
    Metric {
        name: "blocked_releases",
        value: |l| Some(l.blocked_releases as f64),
    },
    Metric {
        name: "incidents",
        value: |l| Some(l.incidents as f64),
    },
    Metric {
        name: "derivatives",
        value: |l| Some(l.derivatives as f64),
    },
    Metric {
        name: "safeguards_stripped",
        value: |l| Some(l.safeguards_stripped as f64),
    },
    Metric {
        name: "suspensions",
        value: |l| Some(l.suspensions as f64),
    },
    Metric {
        name: "patches",
        value: |l| Some(l.patches as f64),
    },
    Metric {
        name: "signed_day",
        value: |l| l.signed_day,
    },
    Metric {
        name: "escalation_level_max",
        value: |l| Some(l.escalation_level_max as f64),
    },
    Metric {
        name: "directive_day",
        value: |l| l.directive_day,
    },
    Metric {
        name: "suspended_days",
        value: |l| Some(l.suspended_days),
    },
    Metric {
        name: "pressure_max",
        value: |l| Some(l.pressure_max),
    },
    Metric {
        name: "share_all",
        value: |l| l.share_all,
    },
];

/// Per-lab market metrics for each segment; the column is
/// `<name>_<segment id>`.
pub const SEGMENT: &[Metric<LabSegmentOutcome>] = &[
    Metric {
        name: "adopters",
        value: |s| Some(s.adopters),
    },
    Metric {
        name: "share",
        value: |s| s.share,
    },
    Metric {
        name: "share_peak",
        value: |s| s.share_peak,
    },
    Metric {
        name: "adopter_days",
        value: |s| Some(s.adopter_days),
    },
];

/// System metrics that are not per track, in `system_outcomes.csv` order.
pub const SYSTEM: &[Metric<SystemOutcome>] = &[
    Metric {
        name: "reviews_submitted",
        value: |s| Some(s.reviews_submitted as f64),
    },
    Metric {
        name: "reviews_completed",
        value: |s| Some(s.reviews_completed as f64),
    },
    Metric {
        name: "review_completion_days_mean",
        value: |s| s.review_completion_days_mean,
    },
    Metric {
        name: "incidents_open_weights",
        value: |s| Some(s.incidents_open_weights as f64),
    },
    Metric {
        name: "incidents_api",
        value: |s| Some(s.incidents_api as f64),
    },
    Metric {
        name: "hazardous_exposure_days",
        value: |s| Some(s.hazardous_exposure_days),
    },
    Metric {
        name: "first_directive_day",
        value: |s| s.first_directive_day,
    },
    Metric {
        name: "labs_participating_at_horizon",
        value: |s| Some(s.labs_participating_at_horizon as f64),
    },
];

/// Per-track system metrics; the column is `<name>_<track id>`.
pub const TRACK: &[Metric<TrackOutcome>] = &[
    Metric {
        name: "reviews_started",
        value: |t| Some(t.reviews_started as f64),
    },
    Metric {
        name: "reviews_completed",
        value: |t| Some(t.reviews_completed as f64),
    },
    Metric {
        name: "reviews_abandoned",
        value: |t| Some(t.reviews_abandoned as f64),
    },
    Metric {
        name: "utilisation",
        value: |t| t.utilisation,
    },
    Metric {
        name: "queue_length_mean",
        value: |t| t.queue_length_mean,
    },
    Metric {
        name: "queue_length_max",
        value: |t| Some(t.queue_length_max as f64),
    },
    Metric {
        name: "queue_wait_days_mean",
        value: |t| t.queue_wait_days_mean,
    },
];

/// Names of the per-lab metrics for a scenario's market segments, in
/// `lab_outcomes.csv` order.
pub fn lab_metric_names(scenario: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = LAB.iter().map(|m| m.name.to_string()).collect();
    for segment in scenario.market.iter().flat_map(|market| &market.segments) {
        names.extend(SEGMENT.iter().map(|m| format!("{}_{}", m.name, segment.id)));
    }
    names
}

/// Names of the system metrics for a scenario's tracks, in
/// `system_outcomes.csv` order.
pub fn system_metric_names(scenario: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = SYSTEM.iter().map(|m| m.name.to_string()).collect();
    for track in &scenario.review.tracks {
        names.extend(TRACK.iter().map(|m| format!("{}_{}", m.name, track.id)));
    }
    names
}

/// A column name that two of a scenario's ids generate alike, with the
/// parameter paths of the ids (a segment `peak_x` beside a segment `x`:
/// both give `share_peak_x`). `None` when every column name is unique.
pub fn duplicate_column(scenario: &Scenario) -> Option<(String, [String; 2])> {
    let mut named: Vec<(String, String)> = LAB
        .iter()
        .map(|m| (m.name.to_string(), "lab_outcomes.csv".to_string()))
        .collect();
    for segment in scenario.market.iter().flat_map(|market| &market.segments) {
        let source = format!("market.segments.{}", segment.id);
        named.extend(
            SEGMENT
                .iter()
                .map(|m| (format!("{}_{}", m.name, segment.id), source.clone())),
        );
    }
    let system = SYSTEM
        .iter()
        .map(|m| (m.name.to_string(), "system_outcomes.csv".to_string()));
    let mut system: Vec<(String, String)> = system.collect();
    for track in &scenario.review.tracks {
        let source = format!("review.tracks.{}", track.id);
        system.extend(
            TRACK
                .iter()
                .map(|m| (format!("{}_{}", m.name, track.id), source.clone())),
        );
    }
    for columns in [named, system] {
        let mut seen: std::collections::HashMap<&str, &str> = Default::default();
        for (name, source) in &columns {
            if let Some(first) = seen.insert(name, source) {
                return Some((name.clone(), [first.to_string(), source.clone()]));
            }
        }
    }
    None
}

/// A lab's metric values, in [`lab_metric_names`] order.
pub fn lab_values(lab: &LabOutcome, into: &mut Vec<Option<f64>>) {
    into.extend(LAB.iter().map(|m| (m.value)(lab)));
    for segment in &lab.segments {
        into.extend(SEGMENT.iter().map(|m| (m.value)(segment)));
    }
}

/// The system metric values, in [`system_metric_names`] order.
pub fn system_values(system: &SystemOutcome, into: &mut Vec<Option<f64>>) {
    into.extend(SYSTEM.iter().map(|m| (m.value)(system)));
    for track in &system.tracks {
        into.extend(TRACK.iter().map(|m| (m.value)(track)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{lab_columns, system_columns};

    #[test]
    fn every_column_of_the_per_replication_files_is_aggregated() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/baseline.toml"
        ))
        .unwrap();
        let scenario = Scenario::from_toml(&text, "baseline.toml", &[]).unwrap();
        // After point, replication, lab.
        assert_eq!(lab_columns(&scenario)[3..], lab_metric_names(&scenario));
        // After point, replication.
        assert_eq!(
            system_columns(&scenario)[2..],
            system_metric_names(&scenario)
        );
    }
}
