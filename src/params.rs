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
        "takes part from the start (true) or never",
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
