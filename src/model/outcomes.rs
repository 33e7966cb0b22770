//! Per-lab and system outcomes of one replication.

use super::market::LabSegmentOutcome;
use super::review::TrackStats;

/// One lab's outcomes in one replication. Days are simulated days; a mean
/// over nothing is `None` (an empty CSV cell).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabOutcome {
    /// Models that became ready.
    pub models_ready: u64,
    /// Models released by the horizon.
    pub releases: u64,
    /// Released models that were covered by the program.
    pub releases_covered: u64,
    /// Releases whose review completed first.
    pub reviews_completed_before_release: u64,
    /// Releases made when the window ended, review unfinished.
    pub releases_on_window_expiry: u64,
    /// Reviews whose window ended before they completed (under `hold` the
    /// lab kept waiting).
    pub reviews_past_window: u64,
    /// Ready models not released by the horizon.
    pub models_unreleased: u64,
    /// Mean of release minus ready, over releases.
    pub delay_days_mean: Option<f64>,
    /// Largest release minus ready.
    pub delay_days_max: Option<f64>,
    /// Mean days from submission until a track started, over track starts.
    pub queue_wait_days_mean: Option<f64>,
    /// Releases that were the most capable model available when released.
    pub releases_at_frontier: u64,
    /// Days the lab held the most capable model on the market.
    pub capability_lead_days: f64,
    /// Released models that carried a hazard when released.
    pub hazardous_releases: u64,
    /// Of those, released without a completed review.
    pub hazardous_unreviewed_releases: u64,
    /// Hazards a review found.
    pub hazards_detected: u64,
    /// Detected hazards mitigated before release.
    pub mitigations: u64,
    /// Models not released because of a detected hazard.
    pub blocked_releases: u64,
    /// Incidents the lab's models caused.
    pub incidents: u64,
    /// Derivatives of the lab's open-weights models.
    pub derivatives: u64,
    /// Safeguards stripped from its open-weights models.
    pub safeguards_stripped: u64,
    /// Its API models suspended after incidents.
    pub suspensions: u64,
    /// Its API models patched after incidents.
    pub patches: u64,
    /// Day the lab signed up (0 when signed from the start; `None` if never).
    pub signed_day: Option<f64>,
    /// Highest escalation level reached: 0 none, 1 public pressure, 2 directive.
    pub escalation_level_max: u64,
    /// Day of the directive to the lab, if any.
    pub directive_day: Option<f64>,
    /// Days its API models were suspended by directive.
    pub suspended_days: f64,
    /// Highest pressure on the lab.
    pub pressure_max: f64,
    /// The lab's adopters over all adopters, across segments, at the horizon.
    pub share_all: Option<f64>,
    /// Market outcomes per segment, in scenario order (empty without a
    /// market).
    pub segments: Vec<LabSegmentOutcome>,
}

/// One track's outcomes in one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackOutcome {
    /// Reviews its teams started.
    pub reviews_started: u64,
    /// Reviews its teams finished.
    pub reviews_completed: u64,
    /// Reviews stopped or never started because a window expired.
    pub reviews_abandoned: u64,
    /// Busy team-time over capacity × operational time.
    pub utilisation: Option<f64>,
    /// Time-average number of models waiting, over operational time.
    pub queue_length_mean: Option<f64>,
    /// Most models waiting at once.
    pub queue_length_max: u64,
    /// Mean days from submission until this track started, over its starts.
    pub queue_wait_days_mean: Option<f64>,
}

impl From<TrackStats> for TrackOutcome {
    fn from(stats: TrackStats) -> Self {
        TrackOutcome {
            reviews_started: stats.started,
            reviews_completed: stats.completed,
            reviews_abandoned: stats.abandoned,
            utilisation: stats.utilisation,
            queue_length_mean: stats.queue_length_mean,
            queue_length_max: stats.queue_length_max,
            queue_wait_days_mean: stats.queue_wait_days_mean,
        }
    }
}

/// System-wide outcomes of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemOutcome {
    /// Models submitted for review.
    pub reviews_submitted: u64,
    /// Reviews in which every track finished.
    pub reviews_completed: u64,
    /// Mean days from submission to completion, over completed reviews.
    pub review_completion_days_mean: Option<f64>,
    /// Incidents from open-weights models (and their derivatives).
    pub incidents_open_weights: u64,
    /// Incidents from API models.
    pub incidents_api: u64,
    /// Exposure of hazardous models on the market, integrated over time.
    pub hazardous_exposure_days: f64,
    /// Day of the first directive to any lab.
    pub first_directive_day: Option<f64>,
    /// Labs participating at the horizon.
    pub labs_participating_at_horizon: u64,
    /// Per track, in scenario order.
    pub tracks: Vec<TrackOutcome>,
}
