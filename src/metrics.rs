//! The metrics that `summary.csv` and `compare.csv` aggregate, in one place:
//! each is a column name and how to read it from an outcome record. A new
//! outcome field is aggregated by adding one line here (a test checks that
//! every numeric column of `lab_outcomes.csv` and `system_outcomes.csv` is
//! listed).

use crate::model::{LabOutcome, SystemOutcome, TrackOutcome};
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
];

/// Names of the per-lab metrics.
pub fn lab_metric_names() -> Vec<String> {
    LAB.iter().map(|m| m.name.to_string()).collect()
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

/// A lab's metric values, in [`LAB`] order.
pub fn lab_values(lab: &LabOutcome, into: &mut Vec<Option<f64>>) {
    into.extend(LAB.iter().map(|m| (m.value)(lab)));
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
        assert_eq!(lab_columns()[3..], lab_metric_names());
        // After point, replication.
        assert_eq!(
            system_columns(&scenario)[2..],
            system_metric_names(&scenario)
        );
    }
}
