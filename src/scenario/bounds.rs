//! What one replication can cost, bounded from the scenario's parameters
//! before anything runs.
//!
//! A scenario can validate value by value and still ask for unbounded work:
//! a cadence with a mean of 90 days and a coefficient of variation of 10^4
//! makes almost every gap a fraction of a second, so a line makes about 10^8
//! models in a replication. The bounds here are upper bounds on expected
//! counts, computed from the parameters alone:
//!
//! - **Models** of a line with cadence X over a horizon t: by Lorden's
//!   inequality a renewal process makes at most t/E[X] + E[X²]/E[X]² models
//!   on average, plus the first and the incumbent.
//! - **Derivatives**: each open-weights model brings at most λ₀·h/ln 2.
//! - **Exposure** at any moment is at most the segments' populations times
//!   their exposure weights (each adopter uses one model), plus the fixed
//!   exposure of every model and the derivatives' exposure; **exposure-days**
//!   and **incidents** follow over the horizon.
//! - **Logged events** (with `--events`): a bounded number per model and
//!   per incident.
//! - **Market work**: every market step visits, in every segment, each
//!   model in the segment's choice set. Steps are horizon / `step_days` plus
//!   a few per model (the market is brought up to date before a release or
//!   a suspension changes it). A model stays in a choice set only while its
//!   choice probability or its share of adopters is at least
//!   `drop_share_below` (d): at most 1/d models each, so a set holds at most
//!   min(models, 2/d + 2). A stochastic step, which draws, counts 8 times.
//!
//! Work limits ([`WorkLimits`]) can be lifted (`--allow-large`); the numeric
//! limits cannot, because beyond them counts are no longer exact in `f64`
//! and statistics leave their range.

use super::Scenario;
use super::error::Problem;
use crate::scenario::{Access, Cadence, MarketMode};

/// Expected models per replication accepted by default (all lines).
pub const MAX_MODELS: f64 = 100_000.0;
/// Expected logged events per replication accepted by default (`--events`).
pub const MAX_LOGGED_EVENTS: f64 = 10_000_000.0;
/// Expected derivatives, or incidents, per replication: counts stay exact
/// and far inside the Poisson sampler's range. Not liftable.
pub const MAX_COUNT: f64 = 1e12;
/// Exposure-days per replication: far inside the statistics' range (2^63).
/// Not liftable.
pub const MAX_EXPOSURE_DAYS: f64 = 1e18;
/// Market work per replication accepted by default: model-steps (a model
/// in a segment's choice set, visited at one step). A replication at the
/// limit takes well under a minute of one core (the bound is about twice
/// the work, as choice sets fill up over the run).
pub const MAX_MARKET_WORK: f64 = 5e9;
/// What a model-step costs in stochastic mode, in model-steps of expected
/// mode: binomial draws instead of a product (measured: 8 times slower).
const STOCHASTIC_STEP_COST: f64 = 8.0;
/// Market steps per model besides the regular ones, at most: the market is
/// brought up to date before each change to what is on offer.
const MARKET_STEPS_PER_MODEL: f64 = 4.0;

/// Limits on the work of one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkLimits {
    /// Most expected models.
    pub max_models: f64,
    /// Most expected logged events, when the event log is kept.
    pub max_logged_events: f64,
    /// Most market model-steps.
    pub max_market_work: f64,
}

impl Default for WorkLimits {
    fn default() -> Self {
        WorkLimits {
            max_models: MAX_MODELS,
            max_logged_events: MAX_LOGGED_EVENTS,
            max_market_work: MAX_MARKET_WORK,
        }
    }
}

impl WorkLimits {
    /// No work limits (`--allow-large`); the numeric limits still hold.
    pub fn none() -> Self {
        WorkLimits {
            max_models: f64::INFINITY,
            max_logged_events: f64::INFINITY,
            max_market_work: f64::INFINITY,
        }
    }
}

/// How a refusal of too much work says it can be lifted.
const LIFT: &str = "or pass --allow-large to run it anyway";

/// Upper bounds on the expected work and counts of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkBound {
    /// Models made, incumbents included.
    pub models: f64,
    /// The line that makes the most: its cadence's path, as written, and
    /// its bound.
    pub busiest_line: Option<(String, String, f64)>,
    /// Derivatives of open-weights models.
    pub derivatives: f64,
    /// Exposure at any one moment.
    pub exposure: f64,
    /// Exposure integrated over the horizon.
    pub exposure_days: f64,
    /// Incidents.
    pub incidents: f64,
    /// Events in the log, when it is kept.
    pub logged_events: f64,
    /// Market steps.
    pub market_steps: f64,
    /// Models in one segment's choice set, at most.
    pub market_members: f64,
    /// Model-steps of the market: steps × segments × members (× 8 in
    /// stochastic mode, whose steps draw).
    pub market_work: f64,
}

impl Scenario {
    /// Upper bounds on what one replication of this scenario costs.
    pub fn work_bound(&self) -> WorkBound {
        let horizon = self.horizon.as_days();
        let (models, open_models, busiest_line) = self.models_bound();
        let ecosystem = &self.ecosystem;
        let per_model = ecosystem.derivatives_per_day_initial
            * ecosystem.derivatives_half_life_days
            / std::f64::consts::LN_2;
        let derivatives = open_models * per_model;
        let incidents_spec = &self.incidents;
        let adopters_exposure: f64 = self
            .market
            .iter()
            .flat_map(|market| &market.segments)
            .map(|segment| segment.population * segment.incident_exposure_weight)
            .sum();
        let (exposure, exposure_days, incidents) = if self.hazard.is_some() {
            let exposure = adopters_exposure
                + models * incidents_spec.exposure_per_model
                + incidents_spec.exposure_per_derivative * derivatives;
            let exposure_days = exposure * horizon;
            (
                exposure,
                exposure_days,
                incidents_spec.rate_per_exposure_day * exposure_days,
            )
        } else {
            (0.0, 0.0, 0.0)
        };
        let tracks = self.review.tracks.len() as f64;
        let logged_events =
            models * (12.0 + 2.0 * tracks) + 3.0 * incidents + 10.0 * self.labs.len() as f64;
        let (market_steps, market_members, market_work) = self.market_bound(models);
        WorkBound {
            models,
            busiest_line,
            derivatives,
            exposure,
            exposure_days,
            incidents,
            logged_events,
            market_steps,
            market_members,
            market_work,
        }
    }

    /// Models all lines can make (by Lorden's bound on renewals), those of
    /// open-weights lines, and the busiest line: its path, its cadence and
    /// its models.
    fn models_bound(&self) -> (f64, f64, Option<(String, String, f64)>) {
        let horizon = self.horizon.as_days();
        let mut models = 0.0;
        let mut open_models = 0.0;
        let mut busiest_line: Option<(String, String, f64)> = None;
        for lab in &self.labs {
            for line in &lab.lines {
                let made = match &line.cadence {
                    Cadence::Scheduled(times) => times.len() as f64,
                    Cadence::Every(_) => {
                        let mean = line.cadence_days.spec().mean().unwrap_or(f64::NAN);
                        let ratio = line
                            .cadence_days
                            .spec()
                            .second_moment_ratio()
                            .unwrap_or(f64::INFINITY);
                        1.0 + horizon / mean + ratio
                    }
                };
                let made = made + f64::from(line.incumbent_released_day.is_some());
                let made = if made.is_nan() { f64::INFINITY } else { made };
                models += made;
                if line.access == Access::OpenWeights {
                    open_models += made;
                }
                if busiest_line
                    .as_ref()
                    .is_none_or(|(_, _, most)| made > *most)
                {
                    busiest_line = Some((
                        format!("labs.{}.lines.{}.cadence_days", lab.id, line.id),
                        line.cadence_days.spec().to_string(),
                        made,
                    ));
                }
            }
        }
        (models, open_models, busiest_line)
    }

    /// The market's steps, largest choice set and model-steps.
    fn market_bound(&self, models: f64) -> (f64, f64, f64) {
        let horizon = self.horizon.as_days();
        match &self.market {
            Some(market) => {
                let steps = horizon / market.step_days + MARKET_STEPS_PER_MODEL * models;
                let d = market.drop_share_below;
                let members = if d > 0.0 {
                    models.min(2.0 / d + 2.0)
                } else {
                    models
                };
                let cost = match market.mode {
                    MarketMode::Stochastic => STOCHASTIC_STEP_COST,
                    MarketMode::Expected => 1.0,
                };
                let work = steps * market.segments.len() as f64 * members * cost;
                (steps, members, work)
            }
            None => (0.0, 0.0, 0.0),
        }
    }

    /// Refuses what one replication could not do in bounded time and
    /// memory, or could not count exactly: one problem per bound exceeded,
    /// naming the parameter that drives it.
    pub fn check_work(&self, limits: WorkLimits, logged: bool) -> Vec<Problem> {
        let bound = self.work_bound();
        let problems: Vec<Problem> = [
            self.models_problem(&bound, limits),
            self.market_problem(&bound, limits),
        ]
        .into_iter()
        .flatten()
        .take(1)
        .chain(self.harm_problem(&bound))
        .collect();
        match problems.is_empty() && logged {
            true => self.log_problem(&bound, limits).into_iter().collect(),
            false => problems,
        }
    }

    /// Too many models from one line.
    fn models_problem(&self, bound: &WorkBound, limits: WorkLimits) -> Option<Problem> {
        if exceeds(bound.models, limits.max_models)
            && let Some((path, written, made)) = &bound.busiest_line
        {
            return Some(Problem {
                path: path.clone(),
                value: written.clone(),
                allowed: format!(
                    "one replication could make about {} models ({} from this line: \
                     horizon / mean + 1 + (1 + cv²), by Lorden's bound), more than the limit \
                     of {} per replication; raise the mean or lower the spread, {LIFT}",
                    rounded(bound.models),
                    rounded(*made),
                    rounded(limits.max_models)
                ),
            });
        }
        None
    }

    /// Too much work for the market.
    fn market_problem(&self, bound: &WorkBound, limits: WorkLimits) -> Option<Problem> {
        if let Some(market) = &self.market
            && exceeds(bound.market_work, limits.max_market_work)
        {
            return Some(Problem {
                path: "market.step_days".into(),
                value: super::numbers::short_number(market.step_days),
                allowed: format!(
                    "one replication could take about {} model-steps of the market ({} steps \
                     x {} segments x up to {} models in a segment's choice set, with \
                     drop_share_below = {}{}), more than the limit of {} per replication; \
                     lengthen the step, raise drop_share_below or make fewer models, {LIFT}",
                    rounded(bound.market_work),
                    rounded(bound.market_steps),
                    market.segments.len(),
                    rounded(bound.market_members),
                    super::numbers::short_number(market.drop_share_below),
                    if market.mode == MarketMode::Stochastic {
                        ", x 8 for stochastic steps"
                    } else {
                        ""
                    },
                    rounded(limits.max_market_work)
                ),
            });
        }
        None
    }

    /// Counts of derivatives or incidents, or exposure, past exact range.
    fn harm_problem(&self, bound: &WorkBound) -> Option<Problem> {
        if exceeds(bound.derivatives, MAX_COUNT) {
            return Some(Problem {
                path: "ecosystem.derivatives_per_day_initial".into(),
                value: super::numbers::short_number(self.ecosystem.derivatives_per_day_initial),
                allowed: format!(
                    "with derivatives_half_life_days = {} and up to {} open-weights models, \
                     one replication could see {} derivatives, more than the limit of {} \
                     (counts must stay exact)",
                    super::numbers::short_number(self.ecosystem.derivatives_half_life_days),
                    rounded(
                        bound.derivatives / self.derivatives_per_model().max(f64::MIN_POSITIVE)
                    ),
                    rounded(bound.derivatives),
                    rounded(MAX_COUNT)
                ),
            });
        } else if exceeds(bound.exposure_days, MAX_EXPOSURE_DAYS) {
            let (path, value) = self.largest_exposure_source();
            return Some(Problem {
                path,
                value,
                allowed: format!(
                    "hazardous exposure could reach {} exposure-days in one replication, more \
                     than the limit of {} (the range of exact statistics); lower it",
                    rounded(bound.exposure_days),
                    rounded(MAX_EXPOSURE_DAYS)
                ),
            });
        } else if exceeds(bound.incidents, MAX_COUNT) {
            return Some(Problem {
                path: "incidents.rate_per_exposure_day".into(),
                value: super::numbers::short_number(self.incidents.rate_per_exposure_day),
                allowed: format!(
                    "with up to {} exposure-days, one replication could see {} incidents, more \
                     than the limit of {} (counts must stay exact)",
                    rounded(bound.exposure_days),
                    rounded(bound.incidents),
                    rounded(MAX_COUNT)
                ),
            });
        }
        None
    }

    /// An event log too long to keep.
    fn log_problem(&self, bound: &WorkBound, limits: WorkLimits) -> Option<Problem> {
        if exceeds(bound.logged_events, limits.max_logged_events) {
            return Some(Problem {
                path: "--events".into(),
                value: "on".into(),
                allowed: format!(
                    "one replication could log about {} events ({} models, {} incidents), more \
                     than the limit of {} per replication; run without --events, {LIFT}",
                    rounded(bound.logged_events),
                    rounded(bound.models),
                    rounded(bound.incidents),
                    rounded(limits.max_logged_events)
                ),
            });
        }
        None
    }

    fn derivatives_per_model(&self) -> f64 {
        self.ecosystem.derivatives_per_day_initial * self.ecosystem.derivatives_half_life_days
            / std::f64::consts::LN_2
    }

    /// The parameter behind most of the exposure bound, and its value.
    fn largest_exposure_source(&self) -> (String, String) {
        let bound = self.work_bound();
        let mut sources: Vec<(f64, String, String)> = vec![
            (
                bound.models * self.incidents.exposure_per_model,
                "incidents.exposure_per_model".into(),
                super::numbers::short_number(self.incidents.exposure_per_model),
            ),
            (
                bound.derivatives * self.incidents.exposure_per_derivative,
                "incidents.exposure_per_derivative".into(),
                super::numbers::short_number(self.incidents.exposure_per_derivative),
            ),
        ];
        for segment in self.market.iter().flat_map(|m| &m.segments) {
            sources.push((
                segment.population * segment.incident_exposure_weight,
                format!("market.segments.{}.incident_exposure_weight", segment.id),
                super::numbers::short_number(segment.incident_exposure_weight),
            ));
        }
        sources
            .into_iter()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, path, value)| (path, value))
            .unwrap_or_default()
    }
}

/// Whether a bound passes its limit (an undefined bound does).
fn exceeds(bound: f64, limit: f64) -> bool {
    bound.is_nan() || bound > limit
}

/// A bound as a readable number: whole below ten million, else three
/// significant digits with an exponent (`2.69e31`).
fn rounded(value: f64) -> String {
    if !value.is_finite() {
        "unboundedly many".to_string()
    } else if value < 1e7 {
        format!("{}", value.round())
    } else {
        super::numbers::short_number(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline(overrides: &[&str]) -> Scenario {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
        let overrides: Vec<super::super::Override> =
            overrides.iter().map(|o| o.parse().unwrap()).collect();
        Scenario::load(path.as_ref(), &overrides).unwrap()
    }

    #[test]
    fn the_baseline_is_far_inside_every_limit() {
        let scenario = baseline(&[]);
        let bound = scenario.work_bound();
        assert!(bound.models < 200.0, "{bound:?}");
        assert!(scenario.check_work(WorkLimits::default(), true).is_empty());
    }

    #[test]
    fn a_cadence_with_a_huge_spread_is_refused_naming_the_line() {
        let scenario = baseline(&[
            "labs.meta.lines.llama.cadence_days={ dist = \"gamma\", mean = 129, cv = 1e4 }",
        ]);
        let problems = scenario.check_work(WorkLimits::default(), false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "labs.meta.lines.llama.cadence_days");
        assert!(problems[0].allowed.contains("--allow-large"));
        // Lifted, it is accepted: the user asked for it.
        assert!(scenario.check_work(WorkLimits::none(), false).is_empty());
    }

    #[test]
    fn a_market_of_hourly_steps_over_thousands_of_models_is_refused() {
        // Twenty years of hourly steps, a model a day from two lines, and
        // no model ever leaving a choice set: about 10^10 model-steps,
        // hours of work for one replication.
        let heavy = [
            "simulation.horizon_days=7300",
            "market.step_days=0.041666666666666664",
            "market.drop_share_below=0",
            "labs.openai.lines.gpt.cadence_days=1",
            "labs.meta.lines.llama.cadence_days=1",
        ];
        let scenario = baseline(&heavy);
        let problems = scenario.check_work(WorkLimits::default(), false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "market.step_days");
        assert!(problems[0].allowed.contains("model-steps"), "{problems:?}");
        assert!(scenario.check_work(WorkLimits::none(), false).is_empty());
        // With the default drop_share_below, choice sets stay small: the
        // same world is accepted.
        let scenario = baseline(&heavy[..2]);
        assert!(scenario.check_work(WorkLimits::default(), false).is_empty());
        let bound = baseline(&[]).work_bound();
        assert!(bound.market_work < 1e7, "{bound:?}");
        // Stochastic steps draw, and cost more: ten years of it is refused
        // where expected values are accepted.
        let ten_years = [&heavy[1..], &["simulation.horizon_days=3650"]].concat();
        let scenario = baseline(&ten_years);
        assert!(scenario.check_work(WorkLimits::default(), false).is_empty());
        let scenario = baseline(&[&ten_years[..], &["market.mode=stochastic"]].concat());
        let problems = scenario.check_work(WorkLimits::default(), false);
        assert!(
            problems[0].allowed.contains("x 8 for stochastic"),
            "{problems:?}"
        );
    }

    #[test]
    fn counts_beyond_exact_arithmetic_are_refused_even_when_lifted() {
        // Derivatives out of all measure would also swamp the calibrated
        // market's choice; here only the count is at issue.
        let scenario = baseline(&[
            "ecosystem.derivatives_per_day_initial=1e300",
            "market.segments.consumer.ecosystem_weight=0",
            "market.segments.enterprise.ecosystem_weight=0",
        ]);
        let problems = scenario.check_work(WorkLimits::none(), false);
        assert_eq!(problems[0].path, "ecosystem.derivatives_per_day_initial");
        let scenario = baseline(&["incidents.rate_per_exposure_day=1e20"]);
        let problems = scenario.check_work(WorkLimits::none(), false);
        assert_eq!(problems[0].path, "incidents.rate_per_exposure_day");
    }

    #[test]
    fn the_model_bound_holds_for_a_poisson_line() {
        // Exponential gaps of 10 days over 100: 10 models expected, and
        // the bound 1 + 10 + 2 above it.
        let scenario = baseline(&[]);
        let bound = scenario.work_bound();
        assert!(bound.models.is_finite());
        let text = r#"
            [simulation]
            name = "poisson"
            horizon_days = 100
            [[labs]]
            id = "lab"
            [[labs.lines]]
            id = "line"
            access = "api"
            cadence_days = { dist = "exponential", mean = 10 }
        "#;
        let scenario = Scenario::from_toml(text, "p.toml", &[]).unwrap();
        assert_eq!(scenario.work_bound().models, 13.0);
    }
}
