//! Per-lab and system outcomes of one replication.

use super::harm::HarmTotals;
use super::log::ReleaseHow;
use super::market::LabSegmentOutcome;
use super::politics::Politics;
use super::review::{ReviewProgram, TrackStats};
use super::series::Recorded;
use crate::engine::SimTime;
use crate::scenario::{Participation, Scenario};

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
    /// Hazardous models released without a completed review, every lab's.
    pub hazardous_unreviewed_releases: u64,
    /// Of those, the open-weights models.
    pub hazardous_unreviewed_open_weights: u64,
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

/// Each lab's outcomes, counted as the run goes; derived fields (means,
/// shares, political history) are filled in at the horizon.
pub(crate) struct Tallies {
    labs: Vec<LabOutcome>,
    /// Hazardous open-weights models released without a completed review,
    /// every lab's together.
    pub(crate) hazardous_unreviewed_open_weights: u64,
    /// Each lab's total delay, for the mean at the horizon.
    delay_days_total: Vec<f64>,
}

impl Tallies {
    pub(crate) fn new(labs: usize) -> Self {
        Tallies {
            labs: vec![LabOutcome::default(); labs],
            hazardous_unreviewed_open_weights: 0,
            delay_days_total: vec![0.0; labs],
        }
    }

    /// A lab's counts.
    pub(crate) fn lab(&mut self, lab: usize) -> &mut LabOutcome {
        &mut self.labs[lab]
    }

    /// A model of `lab` released `how`, `delay_days` after it was ready.
    pub(crate) fn released(&mut self, lab: usize, how: ReleaseHow, covered: bool, delay_days: f64) {
        let tally = &mut self.labs[lab];
        tally.releases += 1;
        match how {
            ReleaseHow::Reviewed => tally.reviews_completed_before_release += 1,
            ReleaseHow::WindowExpired => tally.releases_on_window_expiry += 1,
            _ => {}
        }
        if covered {
            tally.releases_covered += 1;
        }
        tally.delay_days_max = Some(
            tally
                .delay_days_max
                .map_or(delay_days, |max| max.max(delay_days)),
        );
        self.delay_days_total[lab] += delay_days;
    }

    /// The counts, with the mean delay filled in.
    pub(crate) fn finish(self) -> Vec<LabOutcome> {
        self.labs
            .into_iter()
            .zip(self.delay_days_total)
            .map(|(mut outcome, total)| {
                outcome.delay_days_mean =
                    (outcome.releases > 0).then(|| total / outcome.releases as f64);
                outcome
            })
            .collect()
    }
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldOutcomes {
    /// Per lab, in scenario order.
    pub labs: Vec<LabOutcome>,
    /// System-wide.
    pub system: SystemOutcome,
    /// The rows of the event log and time series (empty unless asked
    /// for; what was not spilled): `recorded.rows::<EventRecord>()`.
    pub recorded: Recorded,
}

/// What the components hold at the horizon, to be closed into outcomes.
pub(crate) struct Books<'w, 's> {
    pub scenario: &'s Scenario,
    pub horizon: SimTime,
    pub tallies: Tallies,
    /// Ready models not released, per lab.
    pub unreleased: Vec<u64>,
    /// Market outcomes per lab, per segment.
    pub segments: Vec<Vec<LabSegmentOutcome>>,
    /// Days each lab held the capability lead.
    pub lead_days: Vec<f64>,
    pub program: ReviewProgram,
    pub politics: &'w Politics<'s>,
    pub harm: &'w HarmTotals,
}

impl Books<'_, '_> {
    /// The outcomes of the replication, with what it recorded.
    pub(crate) fn close(mut self, recorded: Recorded) -> WorldOutcomes {
        let system = self.system();
        let adopters_of = |lab: &[LabSegmentOutcome]| lab.iter().map(|s| s.adopters).sum::<f64>();
        let all_adopters: f64 = self.segments.iter().map(|lab| adopters_of(lab)).sum();
        let mut labs = std::mem::replace(&mut self.tallies, Tallies::new(0)).finish();
        for (lab, outcome) in labs.iter_mut().enumerate() {
            let politics = self.politics.lab(lab);
            outcome.models_unreleased = self.unreleased[lab];
            outcome.queue_wait_days_mean = self.program.mean_queue_wait_days(lab);
            outcome.capability_lead_days = self.lead_days[lab];
            outcome.signed_day =
                politics
                    .signed_day
                    .or_else(|| match self.scenario.labs[lab].participation_rule {
                        Participation::From(from) if from <= self.horizon => Some(from.as_days()),
                        _ => None,
                    });
            outcome.escalation_level_max = politics.level_max;
            outcome.directive_day = politics.directive_day;
            outcome.suspended_days = politics.suspended_days;
            outcome.pressure_max = politics.pressure_max;
            outcome.share_all =
                (all_adopters > 0.0).then(|| adopters_of(&self.segments[lab]) / all_adopters);
            outcome.segments = std::mem::take(&mut self.segments[lab]);
        }
        WorldOutcomes {
            labs,
            system,
            recorded,
        }
    }

    fn system(&mut self) -> SystemOutcome {
        let horizon = self.horizon;
        let (reviews_submitted, reviews_completed, review_completion_days_mean) =
            self.program.totals();
        SystemOutcome {
            reviews_submitted,
            reviews_completed,
            review_completion_days_mean,
            hazardous_unreviewed_releases: (self.tallies.labs.iter())
                .map(|lab| lab.hazardous_unreviewed_releases)
                .sum(),
            hazardous_unreviewed_open_weights: self.tallies.hazardous_unreviewed_open_weights,
            incidents_open_weights: self.harm.incidents_open_weights,
            incidents_api: self.harm.incidents_api,
            hazardous_exposure_days: self.harm.hazardous_exposure_days,
            first_directive_day: self.politics.first_directive().map(SimTime::as_days),
            labs_participating_at_horizon: (0..self.scenario.labs.len())
                .filter(|&lab| self.politics.participates(lab, horizon))
                .count() as u64,
            tracks: (self.program.track_stats(horizon).into_iter())
                .map(Into::into)
                .collect(),
        }
    }
}
