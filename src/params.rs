//! `reviewsim params`: every parameter path of a scenario with its value,
//! unit and meaning — the menu for `--set` and sweeps.
//!
//! Paths are those of `--set`: elements of arrays of named tables by id.
//! Units and meanings come from one table keyed by generic path (ids
//! replaced by `*`); a test checks that every leaf of the baseline scenario
//! has an entry, so that a new parameter cannot go undocumented.

use toml::Value;

use crate::experiment::render;
use crate::scenario::RawScenario;

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Path for `--set` and sweeps.
    pub path: String,
    /// Generic path (ids as `*`).
    pub generic: String,
    /// The value in the resolved scenario.
    pub value: String,
    /// Unit or kind of value (empty when undocumented).
    pub unit: &'static str,
    /// One-line meaning (empty when undocumented).
    pub meaning: &'static str,
}

/// (generic path, unit, meaning).
const DOCS: &[(&str, &str, &str)] = &[
    ("simulation.name", "text", "short name of the scenario"),
    ("simulation.start_date", "date", "calendar date of day 0"),
    (
        "simulation.horizon_days",
        "days",
        "length of each replication",
    ),
    ("simulation.replications", "count", "replications per point"),
    (
        "simulation.seed",
        "integer",
        "master seed of every random stream",
    ),
    (
        "simulation.common_random_numbers",
        "true/false",
        "replication r draws the same random streams at every point",
    ),
    (
        "review.window_days",
        "days",
        "days the government may take before release; 0: no review",
    ),
    (
        "review.clock_start",
        "submission | review_start",
        "when the window's clock starts",
    ),
    (
        "review.on_expiry",
        "release | hold",
        "at the window's end: release (voluntary) or wait for the review (mandatory)",
    ),
    (
        "review.operational",
        "day or date",
        "when the program starts reviewing",
    ),
    (
        "review.before_operational",
        "release | wait",
        "covered models ready before then: release unreviewed, or wait",
    ),
    (
        "review.covered_access",
        "list of api, open_weights",
        "access modes the program covers",
    ),
    (
        "review.covered_jurisdictions",
        "list of us, foreign",
        "jurisdictions the program covers",
    ),
    ("review.tracks.*.name", "text", "display name of the track"),
    (
        "review.tracks.*.capacity",
        "teams",
        "reviews the track runs in parallel",
    ),
    (
        "review.tracks.*.duration_days",
        "days",
        "time one team takes to review one model",
    ),
    (
        "review.tracks.*.discipline",
        "fifo",
        "order in which waiting models are taken up",
    ),
    ("labs.*.name", "text", "display name of the lab"),
    (
        "labs.*.jurisdiction",
        "us | foreign",
        "where the lab is based",
    ),
    (
        "labs.*.participation.signed",
        "true/false",
        "true: takes part from the start; false: not at the start (it joins only by `from`, `signing` or a directive)",
    ),
    (
        "labs.*.participation.from",
        "day or date",
        "takes part from this day on",
    ),
    (
        "labs.*.expedited_window_days",
        "days",
        "negotiated window replacing review.window_days",
    ),
    (
        "labs.*.lines.*.name",
        "text",
        "display name of the product line",
    ),
    (
        "labs.*.lines.*.access",
        "api | open_weights",
        "how the line's models reach users",
    ),
    (
        "labs.*.lines.*.cadence_days",
        "days",
        "days between one model being ready and the next (or dates)",
    ),
    (
        "labs.*.lines.*.first_ready_days",
        "days",
        "day the line's first model is ready",
    ),
    (
        "labs.*.lines.*.next_cycle_starts",
        "ready | release",
        "whether the next model's development starts at ready or at release",
    ),
    (
        "capability.frontier_at_start",
        "frontier-months",
        "frontier capability on day 0",
    ),
    (
        "capability.frontier_rate_per_month",
        "frontier-months per month",
        "how fast the frontier moves",
    ),
    (
        "review.threshold.min_capability",
        "frontier-months",
        "covered models have at least this capability",
    ),
    (
        "review.threshold.within_months_of_frontier",
        "months",
        "covered models are within this many months of the frontier",
    ),
    (
        "review.tracks.*.detection_probability",
        "probability",
        "chance a finished track finds a hazard the model has",
    ),
    (
        "labs.*.participation.signing.base_rate_per_day",
        "per day",
        "signing rate with no peers signed and no pressure",
    ),
    (
        "labs.*.participation.signing.peer_weight",
        "per day",
        "signing rate added when every peer participates",
    ),
    (
        "labs.*.participation.signing.pressure_weight",
        "per day per pressure",
        "signing rate added per unit of pressure",
    ),
    (
        "labs.*.participation.carve_out",
        "list of api, open_weights",
        "access modes the lab's terms leave uncovered",
    ),
    (
        "labs.*.lines.*.capability_lag_months",
        "months",
        "months behind the frontier when a model is ready",
    ),
    (
        "labs.*.lines.*.incumbent_released",
        "day or date (<= 0)",
        "release of the line's model on the market at the start",
    ),
    ("market.step_days", "days", "time between market steps"),
    (
        "market.mode",
        "expected | stochastic",
        "expected values, or binomial and multinomial draws",
    ),
    (
        "market.drop_share_below",
        "fraction",
        "choice and adopter share below which a model leaves a segment",
    ),
    (
        "market.segments.*.name",
        "text",
        "display name of the segment",
    ),
    (
        "market.segments.*.population",
        "adopters",
        "potential adopters",
    ),
    (
        "market.segments.*.region",
        "us | foreign",
        "region of the segment",
    ),
    (
        "market.segments.*.adopted_at_start",
        "fraction",
        "share of the population using some model on day 0",
    ),
    (
        "market.segments.*.bass_p_per_year",
        "per year",
        "Bass innovation coefficient",
    ),
    (
        "market.segments.*.bass_q_per_year",
        "per year",
        "Bass imitation coefficient",
    ),
    (
        "market.segments.*.switching_per_year",
        "per year",
        "rate at which an adopter re-chooses",
    ),
    (
        "market.segments.*.capability_weight",
        "utility per frontier-month",
        "logit weight on capability",
    ),
    (
        "market.segments.*.open_weights_preference",
        "utility",
        "logit utility of open weights",
    ),
    (
        "market.segments.*.reviewed_premium",
        "utility",
        "logit utility of a completed federal review",
    ),
    (
        "market.segments.*.ecosystem_weight",
        "utility per ln(1 + derivatives)",
        "logit weight on the line's derivatives",
    ),
    (
        "market.segments.*.incident_exposure_weight",
        "exposure per adopter",
        "weight of the segment's adopters in exposure",
    ),
    (
        "market.segments.*.reputation.*",
        "utility",
        "logit utility offset of a lab",
    ),
    (
        "hazard.midpoint_capability",
        "frontier-months",
        "capability at which half of models are hazardous",
    ),
    (
        "hazard.scale_months",
        "frontier-months",
        "scale of the logistic hazard curve",
    ),
    (
        "hazard.block_probability",
        "probability",
        "chance a found hazard stops the release",
    ),
    (
        "hazard.mitigation_days",
        "days",
        "mitigation after a found hazard, before release",
    ),
    (
        "hazard.mitigation_success",
        "probability",
        "chance mitigation removes the hazard",
    ),
    (
        "hazard.preparedness_factor",
        "factor",
        "incident rate of a model whose hazard was found",
    ),
    (
        "ecosystem.derivatives_per_day_initial",
        "derivatives per day",
        "arrival rate just after an open-weights release",
    ),
    (
        "ecosystem.derivatives_half_life_days",
        "days",
        "time for the arrival rate to halve",
    ),
    (
        "ecosystem.strip_probability",
        "probability",
        "chance a derivative strips mitigation's safeguards",
    ),
    (
        "ecosystem.strip_delay_days",
        "days",
        "time from release to the stripping",
    ),
    (
        "incidents.rate_per_exposure_day",
        "incidents per exposure-day",
        "incident rate per unit of exposure",
    ),
    (
        "incidents.exposure_per_model",
        "exposure",
        "exposure of any released hazardous model",
    ),
    (
        "incidents.exposure_per_derivative",
        "exposure per derivative",
        "exposure each derivative adds",
    ),
    (
        "incidents.response_delay_days",
        "days",
        "from an incident to the lab's response (API models)",
    ),
    (
        "incidents.patch_probability",
        "probability",
        "chance the response patches rather than suspends",
    ),
    (
        "escalation.pressure_per_uncovered_release",
        "pressure",
        "added per release that would have been covered",
    ),
    (
        "escalation.pressure_per_incident",
        "pressure",
        "added per incident",
    ),
    (
        "escalation.pressure_half_life_days",
        "days",
        "time for pressure to halve",
    ),
    (
        "escalation.reaction_delay_days",
        "days",
        "from a threshold crossed to the government acting",
    ),
    (
        "escalation.public_threshold",
        "pressure",
        "pressure at which public pressure starts",
    ),
    (
        "escalation.public_penalty",
        "utility",
        "utility lost while public pressure lasts",
    ),
    (
        "escalation.public_penalty_segments",
        "list of segment ids",
        "segments where the penalty applies",
    ),
    (
        "escalation.directive_threshold",
        "pressure",
        "pressure at which a directive is issued",
    ),
    (
        "escalation.directive.mandatory_review",
        "true/false",
        "the directive forces participation and hold",
    ),
    (
        "escalation.directive.suspend_api",
        "true/false",
        "the directive suspends the lab's API models",
    ),
    (
        "escalation.directive.suspend_regions",
        "list of us, foreign",
        "regions of the suspension",
    ),
    (
        "escalation.directive.suspension_days",
        "days",
        "length of the suspension",
    ),
    (
        "export_restriction.from",
        "day or date",
        "U.S. API models unavailable abroad from this day",
    ),
    (
        "export_restriction.after_directive",
        "true/false",
        "U.S. API models unavailable abroad after the first directive",
    ),
];

/// Fields of a distribution table, documented once for every distribution
/// parameter (the unit is the parameter's own).
const DIST_FIELDS: &[(&str, &str)] = &[
    (
        "dist",
        "distribution: constant, uniform, exponential, gamma, lognormal, triangular, dates",
    ),
    ("value", "the constant value"),
    ("low", "lower end (uniform)"),
    ("high", "upper end (uniform)"),
    ("mean", "mean"),
    ("cv", "coefficient of variation, sd / mean (gamma)"),
    ("median", "median (lognormal)"),
    ("sigma", "sd of the logarithm (lognormal)"),
    ("sd", "standard deviation (lognormal)"),
    ("min", "minimum (triangular)"),
    ("mode", "most likely value (triangular)"),
    ("max", "maximum (triangular)"),
    ("dates", "fixed schedule of dates or day numbers"),
];

/// The unit and meaning of a generic path.
pub fn documentation(generic: &str) -> Option<(&'static str, &'static str)> {
    if let Some((_, unit, meaning)) = DOCS.iter().find(|(path, _, _)| *path == generic) {
        return Some((unit, meaning));
    }
    let (parent, field) = generic.rsplit_once('.')?;
    // Entries of a map keyed by id (reputation per lab) share one entry.
    if let Some((_, unit, meaning)) = DOCS
        .iter()
        .find(|(path, _, _)| *path == format!("{parent}.*"))
    {
        return Some((unit, meaning));
    }
    let (unit, _) = DOCS
        .iter()
        .find(|(path, _, _)| *path == parent)
        .map(|(_, u, m)| (*u, *m))?;
    let (_, meaning) = DIST_FIELDS.iter().find(|(name, _)| *name == field)?;
    let unit = if matches!(field, "dist" | "cv" | "sigma") {
        ""
    } else {
        unit
    };
    Some((unit, meaning))
}

/// Every leaf parameter of a resolved scenario, in file order.
pub fn list(raw: &RawScenario) -> Vec<Param> {
    let mut params = Vec::new();
    if let Ok(Value::Table(table)) = Value::try_from(raw) {
        walk(&Value::Table(table), "", "", &mut params);
    }
    params
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(value: &Value, path: &str, generic: &str, out: &mut Vec<Param>) {
    match value {
        Value::Table(table) => {
            for (key, child) in table {
                if key == "id" && !path.is_empty() {
                    continue; // ids name entries in paths; they are not parameters
                }
                walk(child, &join(path, key), &join(generic, key), out);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.get("id").is_some()) => {
            for item in items {
                let id = item.get("id").and_then(Value::as_str).unwrap_or("?");
                walk(item, &join(path, id), &join(generic, "*"), out);
            }
        }
        leaf => {
            let (unit, meaning) = documentation(generic).unwrap_or(("", ""));
            out.push(Param {
                path: path.to_string(),
                generic: generic.to_string(),
                value: render(leaf),
                unit,
                meaning,
            });
        }
    }
}

/// The listing as aligned text: path, value, unit, meaning.
pub fn render_table(params: &[Param]) -> String {
    let width = |f: fn(&Param) -> usize| params.iter().map(f).max().unwrap_or(0);
    let path_width = width(|p| p.path.len());
    let value_width = width(|p| p.value.len()).min(24);
    let unit_width = width(|p| p.unit.len()).min(28);
    let mut text = String::new();
    for p in params {
        let line = format!(
            "{:<path_width$}  {:<value_width$}  {:<unit_width$}  {}",
            p.path, p.value, p.unit, p.meaning
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
