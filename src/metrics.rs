//! The metrics that `summary.csv` and `compare.csv` aggregate, in one place:
//! each is a column name and how to read it from an outcome record. A new
//! outcome field is aggregated by adding one line here (a test checks that
//! every numeric column of `lab_outcomes.csv` and `system_outcomes.csv` is
//! listed).

use crate::model::{LabOutcome, LabSegmentOutcome, SystemOutcome, TrackOutcome};
use crate::scenario::Scenario;

/// What a metric's values are: whole counts, or numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole count (an integer column).
    Count,
    /// A number (a float column, even when whole).
    Number,
}

/// A named reading of a record; `None` where the record leaves it undefined.
pub struct Metric<T> {
    /// The column name in the per-replication file and the `metric` value
    /// in the aggregates.
    pub name: &'static str,
    /// Whether it counts or measures.
    pub kind: Kind,
    /// What it is, for the data package.
    pub about: &'static str,
    /// How to read it.
    pub value: fn(&T) -> Option<f64>,
}

/// Per-lab metrics, in `lab_outcomes.csv` column order.
pub const LAB: &[Metric<LabOutcome>] = &[
    Metric {
        name: "models_ready",
        kind: Kind::Count,
        about: "models that became ready by the horizon",
        value: |l| Some(l.models_ready as f64),
    },
    Metric {
        name: "releases",
        kind: Kind::Count,
        about: "models released by the horizon",
        value: |l| Some(l.releases as f64),
    },
    Metric {
        name: "releases_covered",
        kind: Kind::Count,
        about: "released models that the program covered",
        value: |l| Some(l.releases_covered as f64),
    },
    Metric {
        name: "reviews_completed_before_release",
        kind: Kind::Count,
        about: "releases whose review finished first",
        value: |l| Some(l.reviews_completed_before_release as f64),
    },
    Metric {
        name: "releases_on_window_expiry",
        kind: Kind::Count,
        about: "releases made when the window ended with the review unfinished",
        value: |l| Some(l.releases_on_window_expiry as f64),
    },
    Metric {
        name: "reviews_past_window",
        kind: Kind::Count,
        about: "reviews whose window ended before they finished",
        value: |l| Some(l.reviews_past_window as f64),
    },
    Metric {
        name: "models_unreleased",
        kind: Kind::Count,
        about: "ready models still unreleased at the horizon",
        value: |l| Some(l.models_unreleased as f64),
    },
    Metric {
        name: "delay_days_mean",
        kind: Kind::Number,
        about: "mean days from ready to release, over releases",
        value: |l| l.delay_days_mean,
    },
    Metric {
        name: "delay_days_max",
        kind: Kind::Number,
        about: "most days from ready to release",
        value: |l| l.delay_days_max,
    },
    Metric {
        name: "queue_wait_days_mean",
        kind: Kind::Number,
        about: "mean days from submission until a track started, over track starts",
        value: |l| l.queue_wait_days_mean,
    },
    Metric {
        name: "releases_at_frontier",
        kind: Kind::Count,
        about: "releases at least as capable as every model on the market",
        value: |l| Some(l.releases_at_frontier as f64),
    },
    Metric {
        name: "capability_lead_days",
        kind: Kind::Number,
        about: "days the lab held the most capable model on the market",
        value: |l| Some(l.capability_lead_days),
    },
    Metric {
        name: "hazardous_releases",
        kind: Kind::Count,
        about: "models released while carrying a hazard",
        value: |l| Some(l.hazardous_releases as f64),
    },
    Metric {
        name: "hazardous_unreviewed_releases",
        kind: Kind::Count,
        about: "hazardous models released without a completed review",
        value: |l| Some(l.hazardous_unreviewed_releases as f64),
    },
    Metric {
        name: "hazards_detected",
        kind: Kind::Count,
        about: "hazards a review found",
        value: |l| Some(l.hazards_detected as f64),
    },
    Metric {
        name: "mitigations",
        kind: Kind::Count,
        about: "found hazards mitigated before release",
        value: |l| Some(l.mitigations as f64),
    },
    Metric {
        name: "blocked_releases",
        kind: Kind::Count,
        about: "models not released because of a found hazard",
        value: |l| Some(l.blocked_releases as f64),
    },
    Metric {
        name: "incidents",
        kind: Kind::Count,
        about: "incidents the lab's models caused",
        value: |l| Some(l.incidents as f64),
    },
    Metric {
        name: "derivatives",
        kind: Kind::Count,
        about: "derivatives of the lab's open-weights models",
        value: |l| Some(l.derivatives as f64),
    },
    Metric {
        name: "safeguards_stripped",
        kind: Kind::Count,
        about: "open-weights models whose safeguards a derivative stripped",
        value: |l| Some(l.safeguards_stripped as f64),
    },
    Metric {
        name: "suspensions",
        kind: Kind::Count,
        about: "API models suspended after incidents",
        value: |l| Some(l.suspensions as f64),
    },
    Metric {
        name: "patches",
        kind: Kind::Count,
        about: "API models patched after incidents",
        value: |l| Some(l.patches as f64),
    },
    Metric {
        name: "signed_day",
        kind: Kind::Number,
        about: "day the lab signed up (0 when signed from the start; empty if never)",
        value: |l| l.signed_day,
    },
    Metric {
        name: "escalation_level_max",
        kind: Kind::Count,
        about: "highest escalation: 0 none, 1 public pressure, 2 directive",
        value: |l| Some(l.escalation_level_max as f64),
    },
    Metric {
        name: "directive_day",
        kind: Kind::Number,
        about: "day of the directive to the lab (empty if none)",
        value: |l| l.directive_day,
    },
    Metric {
        name: "suspended_days",
        kind: Kind::Number,
        about: "days its API models were suspended by directive",
        value: |l| Some(l.suspended_days),
    },
    Metric {
        name: "pressure_max",
        kind: Kind::Number,
        about: "highest pressure on the lab",
        value: |l| Some(l.pressure_max),
    },
    Metric {
        name: "share_all",
        kind: Kind::Number,
        about: "the lab's adopters over all adopters at the horizon",
        value: |l| l.share_all,
    },
];

/// Per-lab market metrics for each segment; the column is
/// `<name>_<segment id>`.
pub const SEGMENT: &[Metric<LabSegmentOutcome>] = &[
    Metric {
        name: "adopters",
        kind: Kind::Number,
        about: "the lab's adopters in the segment at the horizon",
        value: |s| Some(s.adopters),
    },
    Metric {
        name: "share",
        kind: Kind::Number,
        about: "the lab's share of the segment's adopters at the horizon",
        value: |s| s.share,
    },
    Metric {
        name: "share_peak",
        kind: Kind::Number,
        about: "the highest such share at any market step",
        value: |s| s.share_peak,
    },
    Metric {
        name: "adopter_days",
        kind: Kind::Number,
        about: "the lab's adopters in the segment integrated over time, in adopter-days",
        value: |s| Some(s.adopter_days),
    },
];

/// System metrics that are not per track, in `system_outcomes.csv` order.
pub const SYSTEM: &[Metric<SystemOutcome>] = &[
    Metric {
        name: "reviews_submitted",
        kind: Kind::Count,
        about: "models submitted for review",
        value: |s| Some(s.reviews_submitted as f64),
    },
    Metric {
        name: "reviews_completed",
        kind: Kind::Count,
        about: "reviews in which every track finished",
        value: |s| Some(s.reviews_completed as f64),
    },
    Metric {
        name: "review_completion_days_mean",
        kind: Kind::Number,
        about: "mean days from submission to the last track finishing",
        value: |s| s.review_completion_days_mean,
    },
    Metric {
        name: "hazardous_unreviewed_releases",
        kind: Kind::Count,
        about: "hazardous models released without a completed review, every lab's \
                (the sum of lab_outcomes' hazardous_unreviewed_releases)",
        value: |s| Some(s.hazardous_unreviewed_releases as f64),
    },
    Metric {
        name: "hazardous_unreviewed_open_weights",
        kind: Kind::Count,
        about: "of those, the open-weights models (whose safeguards derivatives can strip)",
        value: |s| Some(s.hazardous_unreviewed_open_weights as f64),
    },
    Metric {
        name: "incidents_open_weights",
        kind: Kind::Count,
        about: "incidents from open-weights models",
        value: |s| Some(s.incidents_open_weights as f64),
    },
    Metric {
        name: "incidents_api",
        kind: Kind::Count,
        about: "incidents from API models",
        value: |s| Some(s.incidents_api as f64),
    },
    Metric {
        name: "hazardous_exposure_days",
        kind: Kind::Number,
        about: "adopter-days of hazardous models: each day, the adopters of every \
                hazardous model (weighted by their segment's incident_exposure_weight) \
                plus its derivatives' and its own exposure; the incidents expected are \
                this times incidents.rate_per_exposure_day (and the preparedness factor \
                for hazards a review found)",
        value: |s| Some(s.hazardous_exposure_days),
    },
    Metric {
        name: "first_directive_day",
        kind: Kind::Number,
        about: "day of the first directive to any lab (empty if none)",
        value: |s| s.first_directive_day,
    },
    Metric {
        name: "labs_participating_at_horizon",
        kind: Kind::Count,
        about: "labs in the program at the end",
        value: |s| Some(s.labs_participating_at_horizon as f64),
    },
];

/// Per-track system metrics; the column is `<name>_<track id>`.
pub const TRACK: &[Metric<TrackOutcome>] = &[
    Metric {
        name: "reviews_started",
        kind: Kind::Count,
        about: "reviews the track's teams began",
        value: |t| Some(t.reviews_started as f64),
    },
    Metric {
        name: "reviews_completed",
        kind: Kind::Count,
        about: "reviews the track's teams finished",
        value: |t| Some(t.reviews_completed as f64),
    },
    Metric {
        name: "reviews_abandoned",
        kind: Kind::Count,
        about: "reviews stopped or never started because a window expired",
        value: |t| Some(t.reviews_abandoned as f64),
    },
    Metric {
        name: "utilisation",
        kind: Kind::Number,
        about: "busy team-days over team-days of operational time",
        value: |t| t.utilisation,
    },
    Metric {
        name: "queue_length_mean",
        kind: Kind::Number,
        about: "models waiting for a team, time-averaged",
        value: |t| t.queue_length_mean,
    },
    Metric {
        name: "queue_length_max",
        kind: Kind::Count,
        about: "most models waiting at once",
        value: |t| Some(t.queue_length_max as f64),
    },
    Metric {
        name: "queue_wait_days_mean",
        kind: Kind::Number,
        about: "mean days from submission until a track started, over track starts",
        value: |t| t.queue_wait_days_mean,
    },
];

/// Name, kind and meaning of each per-lab metric, in `lab_outcomes` order.
pub fn lab_metric_columns(scenario: &Scenario) -> Vec<(String, Kind, String)> {
    let mut columns: Vec<(String, Kind, String)> = LAB
        .iter()
        .map(|m| (m.name.to_string(), m.kind, m.about.to_string()))
        .collect();
    for segment in scenario.market.iter().flat_map(|market| &market.segments) {
        columns.extend(SEGMENT.iter().map(|m| {
            let about = format!("{} ({})", m.about, segment.display_name());
            (format!("{}_{}", m.name, segment.id), m.kind, about)
        }));
    }
    columns
}

/// Name, kind and meaning of each system metric, in `system_outcomes` order.
pub fn system_metric_columns(scenario: &Scenario) -> Vec<(String, Kind, String)> {
    let mut columns: Vec<(String, Kind, String)> = SYSTEM
        .iter()
        .map(|m| (m.name.to_string(), m.kind, m.about.to_string()))
        .collect();
    for track in &scenario.review.tracks {
        columns.extend(TRACK.iter().map(|m| {
            let about = format!("{} ({})", m.about, track.display_name());
            (format!("{}_{}", m.name, track.id), m.kind, about)
        }));
    }
    columns
}

/// The kind of each per-lab metric, in `lab_outcomes` order.
pub fn lab_metric_kinds(scenario: &Scenario) -> Vec<Kind> {
    lab_metric_columns(scenario)
        .into_iter()
        .map(|c| c.1)
        .collect()
}

/// The kind of each system metric, in `system_outcomes` order.
pub fn system_metric_kinds(scenario: &Scenario) -> Vec<Kind> {
    system_metric_columns(scenario)
        .into_iter()
        .map(|c| c.1)
        .collect()
}

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
    use crate::output::{OutputKind, columns};

    #[test]
    fn every_column_of_the_per_replication_files_is_aggregated() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
        let scenario = Scenario::load(path.as_ref(), &[]).unwrap();
        let names = |kind| -> Vec<String> {
            columns(kind, &scenario)
                .into_iter()
                .map(|c| c.name)
                .collect()
        };
        // After lab.
        assert_eq!(
            names(OutputKind::LabOutcomes)[1..],
            lab_metric_names(&scenario)
        );
        assert_eq!(
            names(OutputKind::SystemOutcomes),
            system_metric_names(&scenario)
        );
    }
}
