//! The scenario file as written: serde structs that mirror the TOML, with
//! defaults filled in and unknown keys refused. Nothing here checks ranges;
//! [`super::validate`] turns these into a typed [`super::Scenario`].

use serde::{Deserialize, Serialize};

use super::day::{Date, DayRef};
use super::dist::DistParam;

/// A whole scenario file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Run settings.
    pub simulation: RawSimulation,
    /// How the capability frontier moves.
    #[serde(default)]
    pub capability: RawCapability,
    /// The review program. Absent means no review.
    #[serde(default)]
    pub review: RawReview,
    /// Market segments and adoption. Absent means no market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<RawMarket>,
    /// Hazards, detection and mitigation. Absent means no hazards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard: Option<RawHazard>,
    /// The open-weights ecosystem of derivatives.
    #[serde(default)]
    pub ecosystem: RawEcosystem,
    /// Incidents caused by hazardous models, and the response to them.
    #[serde(default)]
    pub incidents: RawIncidents,
    /// Pressure and escalation. Absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<RawEscalation>,
    /// Export restriction on U.S. API models abroad. Absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_restriction: Option<RawExportRestriction>,
    /// The labs.
    #[serde(default)]
    pub labs: Vec<RawLab>,
}

/// `[capability]`: the frontier, in frontier-months (the frontier moves one
/// unit per month at the default rate).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapability {
    /// Frontier capability on day 0.
    #[serde(default)]
    pub frontier_at_start: f64,
    /// Frontier-months gained per month.
    #[serde(default = "default_frontier_rate")]
    pub frontier_rate_per_month: f64,
}

impl Default for RawCapability {
    fn default() -> Self {
        RawCapability {
            frontier_at_start: 0.0,
            frontier_rate_per_month: default_frontier_rate(),
        }
    }
}

/// `review.threshold`: which models are capable enough to be covered.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThreshold {
    /// Covered when capability >= this (frontier-months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_capability: Option<f64>,
    /// Covered when capability >= frontier - this many months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_months_of_frontier: Option<f64>,
}

/// `[market]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    /// Days between market steps.
    #[serde(default = "default_market_step")]
    pub step_days: f64,
    /// Expected values, or binomial and multinomial draws.
    #[serde(default)]
    pub mode: MarketMode,
    /// A model leaves a segment's choice set once both its choice
    /// probability and its share of adopters fall below this.
    #[serde(default = "default_drop_share")]
    pub drop_share_below: f64,
    /// The segments; absent means the three default segments.
    #[serde(default = "default_segments")]
    pub segments: Vec<RawSegment>,
}

/// `[[market.segments]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    /// Short id used in paths and column names.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Potential adopters (people or organisations).
    pub population: f64,
    /// Region the segment is in.
    #[serde(default)]
    pub region: Jurisdiction,
    /// Fraction of the population that has adopted some model on day 0.
    #[serde(default)]
    pub adopted_at_start: f64,
    /// Bass innovation coefficient, per year.
    pub bass_p_per_year: f64,
    /// Bass imitation coefficient, per year.
    pub bass_q_per_year: f64,
    /// Rate at which an adopter re-chooses, per year.
    #[serde(default)]
    pub switching_per_year: f64,
    /// Logit utility per frontier-month of capability.
    #[serde(default)]
    pub capability_weight: f64,
    /// Logit utility of open weights.
    #[serde(default)]
    pub open_weights_preference: f64,
    /// Logit utility of a model released after a completed federal review.
    #[serde(default)]
    pub reviewed_premium: f64,
    /// Logit utility per unit of ln(1 + derivatives of the model's line).
    #[serde(default)]
    pub ecosystem_weight: f64,
    /// Weight of the segment's adopters in a hazardous model's exposure.
    #[serde(default = "default_exposure_weight")]
    pub incident_exposure_weight: f64,
    /// Logit utility offset per lab id.
    #[serde(default)]
    pub reputation: std::collections::BTreeMap<String, f64>,
}

/// `[hazard]`: which models are hazardous, and what a review does about it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHazard {
    /// Capability (frontier-months) at which half of all models are
    /// hazardous.
    pub midpoint_capability: f64,
    /// Scale of the logistic, in frontier-months.
    pub scale_months: f64,
    /// Probability that a detected hazard leads the lab not to release.
    #[serde(default)]
    pub block_probability: f64,
    /// Days of mitigation after a detected hazard, before release.
    #[serde(default = "default_mitigation_days")]
    pub mitigation_days: DistParam,
    /// Probability that mitigation removes the hazard.
    #[serde(default = "default_mitigation_success")]
    pub mitigation_success: f64,
    /// Factor on the incident rate of a model whose hazard was detected
    /// (defenders prepared).
    #[serde(default = "default_preparedness")]
    pub preparedness_factor: f64,
}

/// `[ecosystem]`: derivatives of open-weights releases.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEcosystem {
    /// Derivatives a day just after an open-weights release.
    #[serde(default = "default_derivatives_per_day")]
    pub derivatives_per_day_initial: f64,
    /// Days for the arrival rate to halve.
    #[serde(default = "default_derivatives_half_life")]
    pub derivatives_half_life_days: f64,
    /// Probability that some derivative strips the safeguards that
    /// mitigation added.
    #[serde(default = "default_strip_probability")]
    pub strip_probability: f64,
    /// Days after release until the safeguards are stripped.
    #[serde(default = "default_strip_delay")]
    pub strip_delay_days: DistParam,
}

impl Default for RawEcosystem {
    fn default() -> Self {
        RawEcosystem {
            derivatives_per_day_initial: default_derivatives_per_day(),
            derivatives_half_life_days: default_derivatives_half_life(),
            strip_probability: default_strip_probability(),
            strip_delay_days: default_strip_delay(),
        }
    }
}

/// `[incidents]`: harm from hazardous models on the market, and the response.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIncidents {
    /// Incidents per day per unit of exposure.
    #[serde(default = "default_incident_rate")]
    pub rate_per_exposure_day: f64,
    /// Exposure of a released hazardous model besides its adopters and
    /// derivatives (for worlds without a market).
    #[serde(default)]
    pub exposure_per_model: f64,
    /// Exposure each derivative of an open-weights model adds.
    #[serde(default = "default_derivative_exposure")]
    pub exposure_per_derivative: f64,
    /// Days from an incident to the lab's response (API models only).
    #[serde(default = "default_response_delay")]
    pub response_delay_days: DistParam,
    /// Probability that the response patches the model (hazard removed)
    /// rather than suspending it (withdrawn from the market).
    #[serde(default = "default_patch_probability")]
    pub patch_probability: f64,
}

impl Default for RawIncidents {
    fn default() -> Self {
        RawIncidents {
            rate_per_exposure_day: default_incident_rate(),
            exposure_per_model: 0.0,
            exposure_per_derivative: default_derivative_exposure(),
            response_delay_days: default_response_delay(),
            patch_probability: default_patch_probability(),
        }
    }
}

/// How the market is stepped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketMode {
    /// Expected values: fractional adopters, no randomness.
    #[default]
    Expected,
    /// Binomial adoption and switching, multinomial choice.
    Stochastic,
}

/// `[simulation]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    /// A short name for the scenario.
    pub name: String,
    /// Calendar date of day 0.
    #[serde(default = "default_start_date")]
    pub start_date: Date,
    /// Length of each replication in days.
    pub horizon_days: f64,
    /// Replications per point.
    #[serde(default = "default_replications")]
    pub replications: u64,
    /// Master seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Whether replication r uses the same random streams at every point.
    #[serde(default = "default_true")]
    pub common_random_numbers: bool,
}

/// `[review]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    /// Days the government may take before release; 0 means no review.
    #[serde(default = "default_window_days")]
    pub window_days: f64,
    /// When the window's clock starts.
    #[serde(default)]
    pub clock_start: ClockStart,
    /// What the lab does when the window ends before the review.
    #[serde(default)]
    pub on_expiry: OnExpiry,
    /// When the program starts reviewing (day number or date).
    #[serde(default = "default_operational")]
    pub operational: DayRef,
    /// What covered models ready before then do.
    #[serde(default)]
    pub before_operational: BeforeOperational,
    /// Access modes the program covers.
    #[serde(default = "default_covered_access")]
    pub covered_access: Vec<Access>,
    /// Jurisdictions the program covers.
    #[serde(default = "default_covered_jurisdictions")]
    pub covered_jurisdictions: Vec<Jurisdiction>,
    /// Which models are capable enough to be covered; absent covers all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<RawThreshold>,
    /// The review tracks (fork-join: every covered model goes to all).
    #[serde(default)]
    pub tracks: Vec<RawTrack>,
}

impl Default for RawReview {
    fn default() -> Self {
        RawReview {
            window_days: default_window_days(),
            clock_start: ClockStart::default(),
            on_expiry: OnExpiry::default(),
            operational: default_operational(),
            before_operational: BeforeOperational::default(),
            covered_access: default_covered_access(),
            covered_jurisdictions: default_covered_jurisdictions(),
            threshold: None,
            tracks: Vec::new(),
        }
    }
}

/// `[[review.tracks]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrack {
    /// Short id used in parameter paths and column names.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Reviews this track can run in parallel (teams).
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Days one team takes to review one model.
    pub duration_days: DistParam,
    /// Order in which waiting models are taken up.
    #[serde(default)]
    pub discipline: Discipline,
    /// Probability that a completed review on this track finds a hazard.
    #[serde(default = "default_detection")]
    pub detection_probability: f64,
}

/// `[[labs]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLab {
    /// Short id used in parameter paths and outputs.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where the lab is based.
    #[serde(default)]
    pub jurisdiction: Jurisdiction,
    /// Whether and from when the lab takes part in the program.
    #[serde(default)]
    pub participation: RawParticipation,
    /// A review window negotiated for this lab, replacing `review.window_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expedited_window_days: Option<f64>,
    /// The lab's product lines.
    #[serde(default)]
    pub lines: Vec<RawLine>,
}

/// `labs.<id>.participation`: `signed = true` (from the start), `signed =
/// false` (never), or `from` (joins on that day; `signed = false` may stand
/// beside it, describing the start).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParticipation {
    /// Participates for the whole run (`true`) or never (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<bool>,
    /// Participates from this day number or date on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DayRef>,
    /// Signs at a hazard rate driven by peers and pressure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<RawSigning>,
    /// Access modes the lab's terms leave uncovered (a carve-out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carve_out: Vec<Access>,
}

/// `labs.<id>.participation.signing`: the hazard rate of signing, per day,
/// is `base_rate_per_day + peer_weight × (share of the other labs of the
/// same jurisdiction participating) + pressure_weight × pressure`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigning {
    /// Signing rate per day with no peers and no pressure.
    #[serde(default)]
    pub base_rate_per_day: f64,
    /// Added rate per day when every peer participates.
    #[serde(default)]
    pub peer_weight: f64,
    /// Added rate per day per unit of pressure.
    #[serde(default)]
    pub pressure_weight: f64,
}

/// `[escalation]`: pressure on labs, and what the government does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    /// Pressure added by each release that would have been covered had the
    /// lab participated.
    #[serde(default = "default_pressure_step")]
    pub pressure_per_uncovered_release: f64,
    /// Pressure added by each incident attributed to the lab.
    #[serde(default = "default_pressure_step")]
    pub pressure_per_incident: f64,
    /// Days for pressure to halve.
    #[serde(default = "default_pressure_half_life")]
    pub pressure_half_life_days: f64,
    /// Days between pressure crossing a threshold and the government acting
    /// (if pressure is still over it then).
    #[serde(default = "default_reaction_delay")]
    pub reaction_delay_days: f64,
    /// Pressure at which public pressure starts; absent means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_threshold: Option<f64>,
    /// Logit utility penalty on the lab's models while public pressure
    /// lasts, in the segments named.
    #[serde(default = "default_public_penalty")]
    pub public_penalty: f64,
    /// Segment ids where the penalty applies.
    #[serde(default = "default_penalty_segments")]
    pub public_penalty_segments: Vec<String>,
    /// Pressure at which a directive is issued; absent means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directive_threshold: Option<f64>,
    /// What a directive does.
    #[serde(default)]
    pub directive: RawDirective,
}

/// `escalation.directive`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDirective {
    /// The lab must participate, and its reviews hold until complete.
    #[serde(default = "default_true")]
    pub mandatory_review: bool,
    /// The lab's API models are suspended in the regions named.
    #[serde(default)]
    pub suspend_api: bool,
    /// Regions of the suspension.
    #[serde(default = "default_regions")]
    pub suspend_regions: Vec<Jurisdiction>,
    /// Days the suspension lasts.
    #[serde(default = "default_suspension_days")]
    pub suspension_days: f64,
}

impl Default for RawDirective {
    fn default() -> Self {
        RawDirective {
            mandatory_review: true,
            suspend_api: false,
            suspend_regions: default_regions(),
            suspension_days: default_suspension_days(),
        }
    }
}

/// `[export_restriction]`: U.S. API models become unavailable in the
/// foreign region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExportRestriction {
    /// From this day number or date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DayRef>,
    /// From the first directive to any lab.
    #[serde(default)]
    pub after_directive: bool,
}

/// `[[labs.lines]]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    /// Short id used in parameter paths and outputs.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// How the line's models reach users.
    pub access: Access,
    /// Days between one model being ready and the next, or a list of dates.
    pub cadence_days: DistParam,
    /// Day the first model is ready; defaults to a uniform draw over one
    /// mean cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_ready_days: Option<DistParam>,
    /// Whether the next development cycle starts when a model is ready or
    /// when it is released.
    #[serde(default)]
    pub next_cycle_starts: CycleStart,
    /// Months behind the frontier when a model is ready.
    #[serde(default = "default_lag")]
    pub capability_lag_months: DistParam,
    /// Release date (or day, <= 0) of the line's model on the market at the
    /// start; absent means the line has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incumbent_released: Option<DayRef>,
}

/// How a line's models reach users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Served only through an API: can be gated, patched and suspended.
    Api,
    /// Weights published: cannot be recalled.
    OpenWeights,
}

/// Where a lab is based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// United States.
    #[default]
    Us,
    /// Anywhere else.
    Foreign,
}

/// When the review window's clock starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When the model is submitted (queueing counts against the window).
    #[default]
    Submission,
    /// When the first track begins work on it (queueing does not count).
    ReviewStart,
}

/// What happens when the window ends before the review does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnExpiry {
    /// Voluntary: the lab releases; unfinished review work stops.
    #[default]
    Release,
    /// Mandatory preclearance: the lab waits for the review to complete.
    Hold,
}

/// What covered models ready before the program is operational do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeforeOperational {
    /// Release unreviewed.
    #[default]
    Release,
    /// Wait and be submitted on the day the program becomes operational.
    Wait,
}

/// Whether a line's next cycle starts at ready or at release.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStart {
    /// Development of the next model starts when this one is ready, so a
    /// review does not slow the line's cadence.
    #[default]
    Ready,
    /// It starts when this one is released, so review delay pushes back every
    /// later model of the line.
    Release,
}

/// Order in which a track takes up waiting models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// First come, first served.
    #[default]
    Fifo,
}

fn default_start_date() -> Date {
    Date(chrono::NaiveDate::from_ymd_opt(2026, 6, 2).expect("a valid constant date"))
}
fn default_replications() -> u64 {
    100
}
fn default_seed() -> u64 {
    1
}
fn default_true() -> bool {
    true
}
fn default_window_days() -> f64 {
    30.0
}
fn default_operational() -> DayRef {
    DayRef::Day(0.0)
}
fn default_covered_access() -> Vec<Access> {
    vec![Access::Api, Access::OpenWeights]
}
fn default_covered_jurisdictions() -> Vec<Jurisdiction> {
    vec![Jurisdiction::Us]
}
fn default_capacity() -> u32 {
    1
}

fn default_frontier_rate() -> f64 {
    1.0
}
fn default_market_step() -> f64 {
    1.0
}
fn default_drop_share() -> f64 {
    1e-4
}
fn default_lag() -> DistParam {
    DistParam(super::dist::DistSpec::Constant { value: 0.0 })
}

/// The default segments: developers and consumers, enterprise, and
/// government and sensitive sectors, in the United States. Sources and
/// reasoning are in MODEL.md.
pub fn default_segments() -> Vec<RawSegment> {
    let segment =
        |id: &str, name: &str, population: f64, adopted: f64, p: f64, q: f64| RawSegment {
            id: id.to_string(),
            name: Some(name.to_string()),
            population,
            region: Jurisdiction::Us,
            adopted_at_start: adopted,
            bass_p_per_year: p,
            bass_q_per_year: q,
            switching_per_year: 0.0,
            capability_weight: 0.0,
            open_weights_preference: 0.0,
            reviewed_premium: 0.0,
            ecosystem_weight: 0.0,
            incident_exposure_weight: 1.0,
            reputation: Default::default(),
        };
    vec![
        RawSegment {
            switching_per_year: 1.0,
            capability_weight: 0.5,
            open_weights_preference: -0.5,
            ecosystem_weight: 0.1,
            ..segment(
                "consumer",
                "Developers and consumers",
                200e6,
                0.5,
                0.02,
                1.5,
            )
        },
        RawSegment {
            switching_per_year: 0.3,
            capability_weight: 0.4,
            open_weights_preference: 0.3,
            reviewed_premium: 0.3,
            ecosystem_weight: 0.1,
            ..segment("enterprise", "Enterprise", 6e6, 0.18, 0.03, 0.5)
        },
        RawSegment {
            switching_per_year: 0.1,
            capability_weight: 0.3,
            open_weights_preference: -0.3,
            reviewed_premium: 1.0,
            ..segment(
                "government",
                "Government and sensitive sectors",
                90e3,
                0.1,
                0.01,
                0.3,
            )
        },
    ]
}

fn default_mitigation_days() -> DistParam {
    DistParam(super::dist::DistSpec::Gamma {
        mean: 14.0,
        cv: 0.5,
    })
}
fn default_mitigation_success() -> f64 {
    0.8
}
fn default_preparedness() -> f64 {
    0.5
}
fn default_derivatives_per_day() -> f64 {
    50.0
}
fn default_derivatives_half_life() -> f64 {
    60.0
}
fn default_strip_probability() -> f64 {
    0.9
}
fn default_strip_delay() -> DistParam {
    DistParam(super::dist::DistSpec::Uniform {
        low: 1.0,
        high: 7.0,
    })
}
fn default_incident_rate() -> f64 {
    1e-9
}
fn default_derivative_exposure() -> f64 {
    1000.0
}
fn default_response_delay() -> DistParam {
    DistParam(super::dist::DistSpec::Gamma { mean: 5.0, cv: 0.5 })
}
fn default_patch_probability() -> f64 {
    0.5
}
fn default_exposure_weight() -> f64 {
    1.0
}
fn default_detection() -> f64 {
    0.5
}
fn default_pressure_step() -> f64 {
    1.0
}
fn default_pressure_half_life() -> f64 {
    90.0
}
fn default_reaction_delay() -> f64 {
    14.0
}
fn default_public_penalty() -> f64 {
    0.5
}
fn default_penalty_segments() -> Vec<String> {
    vec!["enterprise".to_string(), "government".to_string()]
}
fn default_regions() -> Vec<Jurisdiction> {
    vec![Jurisdiction::Us, Jurisdiction::Foreign]
}
fn default_suspension_days() -> f64 {
    90.0
}
