//! `[sweep]` as written, and its validation into typed axes.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use toml::Value;

use crate::scenario::short_number;

/// `[sweep]`
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// How points are chosen.
    #[serde(default)]
    pub method: Method,
    /// Points drawn by `latin_hypercube` and `random`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// The point that `compare.csv` compares every other point with.
    #[serde(default)]
    pub baseline: u64,
    /// The swept parameters, in the order that numbers the points.
    #[serde(default)]
    pub parameters: Vec<RawParameter>,
    /// `sobol`: add second-order indices (the 2k + 2 design).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_order: Option<bool>,
    /// `morris`: the trajectories, r.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectories: Option<u64>,
    /// `morris`: the grid's levels, p (even; default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<u64>,
    /// `sobol` and `morris`: the outputs analysed, each `METRIC` (for every
    /// lab and `all`) or `METRIC:LAB`; default every metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<String>>,
    /// `sobol` and `morris`: analyse how much an output changes when one
    /// more parameter goes from one value to another (what a 30-day window
    /// costs), rather than its level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<RawContrast>,
    /// `arms`: the named alternatives to the scenario as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arms: Option<Vec<RawArm>>,
    /// `robustness`: the policy options, each a name and the values it sets
    /// (as `arms`), every one run in every world.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<RawArm>>,
    /// `robustness`: how the `samples` worlds are drawn from the
    /// uncertainties' ranges: `latin_hypercube` (the default), `sobol` (a
    /// scrambled Sobol' sequence) or `random`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler: Option<Method>,
    /// `robustness`: outputs (`METRIC:LAB`, or `METRIC` for `all`) where
    /// less is better, in the order `robustness.csv` gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimize: Option<Vec<String>>,
    /// `robustness`: outputs where more is better, after those minimized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximize: Option<Vec<String>>,
}

/// `[[sweep.arms]]`: one alternative, named, as the values it sets.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArm {
    /// Its name, in what is printed.
    pub name: String,
    /// Dotted parameter paths and their values, as `--set` takes them:
    /// `set = { "labs.meta.participation.signed" = true }`.
    pub set: toml::Table,
}

/// `[sweep.contrast]`: every design point is run at `from` and at `to`, and
/// the indices are of the difference, to minus from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContrast {
    /// The dotted parameter path.
    pub path: String,
    /// The value compared with.
    pub from: Value,
    /// The value whose effect is analysed.
    pub to: Value,
}

/// `[[sweep.parameters]]`: a path and one of `values`, `from`/`to`/`step`,
/// or `low`/`high` (with `log` and `integer`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    /// The dotted parameter path, as for `--set`.
    pub path: String,
    /// An explicit list of values, of any type the parameter takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    /// First value of a range (a number or a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Value>,
    /// Last value of a range (included when a whole number of steps away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Value>,
    /// Step of a range (days for dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Value>,
    /// Lower end of an interval, for sampled designs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper end of an interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Sample the interval uniformly on a log scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<bool>,
    /// Sample whole numbers low..=high.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
    /// `sobol` and `morris`: parameters with the same group move together
    /// and get one index, under the group's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl RawParameter {
    /// A parameter written as its path alone: in a study, its declared
    /// plausible range.
    pub fn bare(path: &str) -> RawParameter {
        RawParameter {
            path: path.to_string(),
            values: None,
            from: None,
            to: None,
            step: None,
            low: None,
            high: None,
            log: None,
            integer: None,
            group: None,
        }
    }
}

/// How points are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every combination of every parameter's values (full factorial).
    #[default]
    Grid,
    /// `samples` points; each parameter's range cut into `samples` equal
    /// bins, each bin used exactly once.
    LatinHypercube,
    /// `samples` points drawn independently and uniformly.
    Random,
    /// Sobol' indices: a Saltelli design of N = `samples` base rows (a
    /// power of two), N (k + 2) points.
    Sobol,
    /// Morris elementary effects: `trajectories` trajectories of k + 1
    /// points on a grid of `levels` levels.
    Morris,
    /// Named alternatives (`[[sweep.arms]]`): point 0 is the scenario as
    /// written, then one point per arm, each the scenario with the arm's
    /// settings (what `reviewsim compare` runs).
    Arms,
    /// Policy options against uncertainties: `samples` worlds drawn from
    /// the uncertainties' ranges (`[[sweep.parameters]]`, by default every
    /// assumption's plausible range), and every option
    /// (`[[sweep.options]]`) run in every world on common random numbers;
    /// `robustness.csv` says how each option fares across the worlds.
    Robustness,
}

impl Method {
    /// The name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::LatinHypercube => "latin_hypercube",
            Method::Random => "random",
            Method::Sobol => "sobol",
            Method::Morris => "morris",
            Method::Arms => "arms",
            Method::Robustness => "robustness",
        }
    }

    /// Whether the method is a sensitivity analysis (writes
    /// `sensitivity.csv`).
    pub fn is_sensitivity(self) -> bool {
        matches!(self, Method::Sobol | Method::Morris)
    }
}

/// The values one parameter takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Axis {
    /// A list (written, or expanded from a range).
    Values(Vec<Value>),
    /// An interval sampled by a design.
    Interval {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
        /// Uniform on the log scale.
        log: bool,
        /// Whole numbers low..=high, each equally likely.
        integer: bool,
    },
}

/// Whole numbers beyond this (2^53) are not all exact as `f64`.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Longest list a range may expand to.
pub const MAX_RANGE_VALUES: u64 = 1_000_000;

/// Parameters a sweep may not vary: every point shares one replication
/// count, seed and stream policy, so that replication r is paired across
/// points.
pub const FIXED_PATHS: [&str; 3] = [
    "simulation.replications",
    "simulation.seed",
    "simulation.common_random_numbers",
];

/// Turns a parameter into its axis, or says what is wrong.
pub fn axis(raw: &RawParameter) -> Result<Axis, String> {
    let has_values = raw.values.is_some();
    let has_range = raw.from.is_some() || raw.to.is_some() || raw.step.is_some();
    let has_interval = raw.low.is_some() || raw.high.is_some();
    let forms = [has_values, has_range, has_interval]
        .iter()
        .filter(|x| **x)
        .count();
    if forms != 1 {
        return Err(
            "give exactly one of: values = [...]; from, to and step (a range); \
             low and high (an interval, for sampled designs)"
                .into(),
        );
    }
    if !has_interval && (raw.log.is_some() || raw.integer.is_some()) {
        return Err("log and integer apply to intervals (low, high) only".into());
    }
    if let Some(values) = &raw.values {
        if values.is_empty() {
            return Err("values = []: give at least one value".into());
        }
        return Ok(Axis::Values(values.clone()));
    }
    if has_range {
        return range(raw).map(Axis::Values);
    }
    let (Some(low), Some(high)) = (raw.low, raw.high) else {
        return Err("an interval needs both low and high".into());
    };
    let (log, integer) = (raw.log.unwrap_or(false), raw.integer.unwrap_or(false));
    // In messages: 1e-300, not three hundred digits.
    let (low_text, high_text) = (short_number(low), short_number(high));
    if !(low.is_finite() && high.is_finite() && low < high && (high - low).is_finite()) {
        return Err(format!(
            "low = {low_text}, high = {high_text}: must be finite numbers with low < high \
             (and high - low finite)"
        ));
    }
    if integer && !(low.abs() <= MAX_EXACT_INTEGER && high.abs() <= MAX_EXACT_INTEGER) {
        return Err(format!(
            "low = {low_text}, high = {high_text}: an integer interval's ends must be between \
             -2^53 and 2^53 (9007199254740992), where every whole number is exact"
        ));
    }
    if log && low <= 0.0 {
        return Err(format!(
            "low = {low_text}: a log-scale interval needs low > 0"
        ));
    }
    if integer && (low.fract() != 0.0 || high.fract() != 0.0) {
        return Err(format!(
            "low = {low_text}, high = {high_text}: an integer interval needs whole-number ends"
        ));
    }
    Ok(Axis::Interval {
        low,
        high,
        log,
        integer,
    })
}

fn range(raw: &RawParameter) -> Result<Vec<Value>, String> {
    let (Some(from), Some(to)) = (&raw.from, &raw.to) else {
        return Err("a range needs from and to (and step)".into());
    };
    let Some(step) = &raw.step else {
        return Err(format!(
            "a step is required with from = {} and to = {}, such as step = 1",
            shown(from),
            shown(to)
        ));
    };
    if let (Some(from), Some(to)) = (as_date(from), as_date(to)) {
        let Value::Integer(step) = step else {
            return Err(format!(
                "step = {}: a range of dates needs a whole number of days",
                shown(step)
            ));
        };
        return date_range(from, to, *step);
    }
    match (from, to, step) {
        (Value::Integer(from), Value::Integer(to), Value::Integer(step)) => {
            if *step <= 0 {
                return Err(format!("step = {step}: must be > 0"));
            }
            if to < from {
                return Err(format!("from = {from}, to = {to}: to must be >= from"));
            }
            // In 128 bits: `to - from` may not fit in 64.
            let count = (i128::from(*to) - i128::from(*from)) / i128::from(*step) + 1;
            check_count(u64::try_from(count).unwrap_or(u64::MAX))?;
            Ok((0..count as i64)
                .map(|i| Value::Integer(from + i * step))
                .collect())
        }
        _ => {
            let number = |name: &str, v: &Value| match v {
                Value::Integer(i) => Ok(*i as f64),
                Value::Float(f) if f.is_finite() => Ok(*f),
                other => Err(format!(
                    "{name} = {other}: must be a number (or from and to both dates)"
                )),
            };
            let (from, to, step) = (
                number("from", from)?,
                number("to", to)?,
                number("step", step)?,
            );
            let (from_text, to_text, step_text) =
                (short_number(from), short_number(to), short_number(step));
            if step <= 0.0 {
                return Err(format!("step = {step_text}: must be > 0"));
            }
            if to < from {
                return Err(format!(
                    "from = {from_text}, to = {to_text}: to must be >= from"
                ));
            }
            // Tolerate rounding in (to - from) / step, so that 0 to 1 by 0.1
            // includes 1.
            let steps = ((to - from) / step * (1.0 + 1e-12) + 1e-9).floor();
            if steps.is_nan() || steps >= MAX_RANGE_VALUES as f64 {
                return Err(format!(
                    "from = {from_text}, to = {to_text}, step = {step_text}: the range has more than \
                     {MAX_RANGE_VALUES} values, the limit; use a larger step"
                ));
            }
            let count = steps as u64 + 1;
            check_count(count)?;
            Ok((0..count)
                .map(|i| Value::Float(tidy(from + i as f64 * step)))
                .collect())
        }
    }
}

/// A value in a message: a number short (1e300, not its digits).
fn shown(value: &Value) -> String {
    match value {
        Value::Float(number) => short_number(*number),
        other => other.to_string(),
    }
}

/// A date written as a TOML date (which reaches here as a datetime or, after
/// serde, as its text).
fn as_date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Datetime(d) => crate::scenario::parse_date_text(&d.to_string()),
        Value::String(text) => crate::scenario::parse_date_text(text),
        _ => None,
    }
}

fn date_range(from: NaiveDate, to: NaiveDate, step: i64) -> Result<Vec<Value>, String> {
    if step <= 0 {
        return Err(format!("step = {step}: must be > 0 days"));
    }
    if to < from {
        return Err(format!(
            "from = {from}, to = {to}: to must not be before from"
        ));
    }
    let count = ((to - from).num_days() / step) as u64 + 1;
    check_count(count)?;
    (0..count)
        .map(|i| {
            let date = from
                .checked_add_days(Days::new(i * step as u64))
                .ok_or_else(|| "the range runs past the calendar".to_string())?;
            date.to_string()
                .parse::<toml::value::Datetime>()
                .map(Value::Datetime)
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn check_count(count: u64) -> Result<(), String> {
    if count > MAX_RANGE_VALUES {
        return Err(format!(
            "the range has {count} values, more than the limit of {MAX_RANGE_VALUES}"
        ));
    }
    Ok(())
}

/// Rounds away the binary noise of `from + i * step` (0.30000000000000004)
/// to 12 significant digits.
pub fn tidy(value: f64) -> f64 {
    format!("{value:.11e}").parse().unwrap_or(value)
}
