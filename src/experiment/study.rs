//! Sensitivity designs as sweeps: `method = "sobol"` and `method =
//! "morris"` turn the swept parameters into a [`Plan`], and the plan's
//! design, mapped onto each parameter's range, into points.
//!
//! A parameter given as a bare path takes its declared plausible range (on
//! a log scale when the declaration says so; whole numbers when the
//! scenario's value is one), so that `[[sweep.parameters]] path = "hazard.
//! scale_months"` is enough.

use toml::Value;

use super::design::value_at;
use super::spec::{Axis, Method, RawContrast, RawParameter, RawSweep};
use crate::metrics;
use crate::scenario::{Scenario, render, value_at_path};
use crate::sensitivity::{Contrast, DesignKind, MAX_BASE_ROWS, MAX_SALTELLI_PARAMETERS, Plan};

/// Morris levels when the sweep does not say.
pub const DEFAULT_LEVELS: u64 = 4;

/// Whether a parameter is written as a bare path, to take its declared
/// plausible range.
pub fn is_bare(raw: &RawParameter) -> bool {
    raw.values.is_none()
        && raw.from.is_none()
        && raw.to.is_none()
        && raw.step.is_none()
        && raw.low.is_none()
        && raw.high.is_none()
        && raw.log.is_none()
        && raw.integer.is_none()
}

/// The axis of a bare path: its declared plausible range.
pub fn declared_axis(base: &Scenario, path: &str) -> Result<Axis, String> {
    let params = crate::params::list(base.resolved());
    let Some(param) = params.iter().find(|p| p.path == path) else {
        return Err(format!(
            "{path} is not a parameter of this scenario (reviewsim params SCENARIO lists them)"
        ));
    };
    let Some((low, high)) = param.entry.plausible else {
        return Err(format!(
            "{path} has no declared plausible range; give one with low and high \
             (or values)"
        ));
    };
    let resolved = toml::Table::try_from(base.resolved()).ok();
    let integer = matches!(
        resolved.as_ref().and_then(|r| value_at_path(r, path)),
        Some(Value::Integer(_))
    );
    Ok(Axis::Interval {
        low,
        high,
        log: param.entry.log_scale,
        integer,
    })
}

/// Refuses fields of another method: `samples` of a Morris design,
/// `trajectories` of a grid.
pub fn check_fields(raw: &RawSweep) -> Result<(), Refusal> {
    let method = raw.method;
    let only = |field: &str, set: bool, allowed: bool, for_what: &str| {
        if set && !allowed {
            Err((
                format!("sweep.{field}"),
                format!("is for method = {for_what}, not \"{}\"", method.as_str()),
            ))
        } else {
            Ok(())
        }
    };
    only(
        "second_order",
        raw.second_order.is_some(),
        method == Method::Sobol,
        "\"sobol\"",
    )?;
    only(
        "trajectories",
        raw.trajectories.is_some(),
        method == Method::Morris,
        "\"morris\"",
    )?;
    only(
        "levels",
        raw.levels.is_some(),
        method == Method::Morris,
        "\"morris\"",
    )?;
    only(
        "metrics",
        raw.metrics.is_some(),
        method.is_sensitivity() || method == Method::Robustness,
        "\"sobol\", \"morris\" or \"robustness\"",
    )?;
    only(
        "contrast",
        raw.contrast.is_some(),
        method.is_sensitivity(),
        "\"sobol\" or \"morris\"",
    )?;
    only(
        "samples",
        raw.samples.is_some(),
        !matches!(method, Method::Morris | Method::Arms),
        "\"latin_hypercube\", \"random\" or \"sobol\"",
    )?;
    only(
        "arms",
        raw.arms.is_some(),
        method == Method::Arms,
        "\"arms\"",
    )?;
    let robustness = method == Method::Robustness;
    for (field, set) in [
        ("options", raw.options.is_some()),
        ("sampler", raw.sampler.is_some()),
        ("minimize", raw.minimize.is_some()),
        ("maximize", raw.maximize.is_some()),
    ] {
        only(field, set, robustness, "\"robustness\"")?;
    }
    if let Some(index) = (raw.parameters.iter()).position(|p| p.group.is_some())
        && !method.is_sensitivity()
    {
        return Err((
            format!("sweep.parameters[{index}].group"),
            "groups are for method = \"sobol\" or \"morris\"".into(),
        ));
    }
    Ok(())
}

/// What a check of the study refuses: the path in `[sweep]`, and why.
type Refusal = (String, String);

fn refuse<T>(path: &str, message: String) -> Result<T, Refusal> {
    Err((path.to_string(), message))
}

/// The study a sensitivity sweep asks for, checked.
pub fn plan(raw: &RawSweep, base: &Scenario) -> Result<Plan, Refusal> {
    let method = design_kind(raw)?;
    let parameters: Vec<String> = (raw.parameters.iter())
        .map(|p| p.path.trim().to_string())
        .collect();
    if method.name() == "sobol" && parameters.len() > MAX_SALTELLI_PARAMETERS {
        return refuse(
            "sweep.parameters",
            format!(
                "{} parameters: a Saltelli design takes at most {MAX_SALTELLI_PARAMETERS}; \
                 group some (group = \"...\")",
                parameters.len()
            ),
        );
    }
    let (group_names, group_of) = groups(raw, &parameters)?;
    let metrics = raw.metrics.clone().unwrap_or_default();
    check_metrics(&metrics, base)?;
    Ok(Plan {
        method,
        contrast: contrast(raw, &parameters)?,
        parameters,
        group_names,
        group_of,
        seed: base.seed(),
        metrics,
    })
}

/// The design and its size.
fn design_kind(raw: &RawSweep) -> Result<DesignKind, Refusal> {
    Ok(match raw.method {
        Method::Sobol => {
            let base_rows = match raw.samples {
                Some(n) if n >= 2 && n.is_power_of_two() && n <= MAX_BASE_ROWS as u64 => n as usize,
                other => {
                    return refuse(
                        "sweep.samples",
                        format!(
                            "{}: method = \"sobol\" needs samples = N, the base rows of the \
                             Saltelli design: a power of two from 2 to {MAX_BASE_ROWS} \
                             (such as 64, 256 or 1024)",
                            other.map_or("missing".to_string(), |n| n.to_string())
                        ),
                    );
                }
            };
            DesignKind::Sobol {
                base_rows,
                second_order: raw.second_order.unwrap_or(false),
            }
        }
        Method::Morris => {
            let trajectories = match raw.trajectories {
                Some(r) if (2..=1_000_000).contains(&r) => r as usize,
                other => {
                    return refuse(
                        "sweep.trajectories",
                        format!(
                            "{}: method = \"morris\" needs trajectories = r, from 2 (for σ \
                             and intervals) to 1000000; 10 to 50 is usual",
                            other.map_or("missing".to_string(), |n| n.to_string())
                        ),
                    );
                }
            };
            let levels = raw.levels.unwrap_or(DEFAULT_LEVELS);
            if !(2..=1000).contains(&levels) || !levels.is_multiple_of(2) {
                return refuse(
                    "sweep.levels",
                    format!("{levels}: the grid's levels must be even, from 2 to 1000; 4 is usual"),
                );
            }
            DesignKind::Morris {
                trajectories,
                levels: levels as usize,
            }
        }
        _ => unreachable!("plans are made for sensitivity methods only"),
    })
}

/// Each parameter's group: its own (named by its path) unless it names one.
fn groups(raw: &RawSweep, parameters: &[String]) -> Result<(Vec<String>, Vec<usize>), Refusal> {
    let mut group_names: Vec<String> = Vec::new();
    let mut group_of = Vec::new();
    for (index, parameter) in raw.parameters.iter().enumerate() {
        let name = match &parameter.group {
            Some(group) if group.trim().is_empty() => {
                return refuse(
                    &format!("sweep.parameters[{index}].group"),
                    "a group needs a name".into(),
                );
            }
            Some(group) => group.trim().to_string(),
            None => parameters[index].clone(),
        };
        let at = match group_names.iter().position(|n| *n == name) {
            Some(at) if parameter.group.is_some() => at,
            Some(_) => {
                return refuse(
                    &format!("sweep.parameters[{index}]"),
                    format!("{name} is also the name of a group; rename the group"),
                );
            }
            None => {
                group_names.push(name);
                group_names.len() - 1
            }
        };
        group_of.push(at);
    }
    Ok((group_names, group_of))
}

/// The change the study is of, if any.
fn contrast(raw: &RawSweep, parameters: &[String]) -> Result<Option<Contrast>, Refusal> {
    Ok(match &raw.contrast {
        None => None,
        Some(contrast) => {
            let path = contrast.path.trim();
            if parameters.iter().any(|p| p == path) {
                return refuse(
                    "sweep.contrast.path",
                    format!("{path} is also a swept parameter; a contrast changes one more"),
                );
            }
            if contrast.from == contrast.to {
                return refuse(
                    "sweep.contrast",
                    format!(
                        "from and to are both {}: a contrast compares two values",
                        render(&contrast.from)
                    ),
                );
            }
            Some(Contrast {
                path: path.to_string(),
                from: render(&contrast.from),
                to: render(&contrast.to),
            })
        }
    })
}

/// Refuses a metric selector that names no metric or lab of the scenario.
fn check_metrics(selectors: &[String], base: &Scenario) -> Result<(), Refusal> {
    check_outputs("metrics", selectors, base)
}

/// Refuses a selector of `sweep.FIELD` that names no metric or lab of the
/// scenario.
pub(super) fn check_outputs(
    field: &str,
    selectors: &[String],
    base: &Scenario,
) -> Result<(), Refusal> {
    let lab_metrics = metrics::lab_metric_names(base);
    let system_metrics = metrics::system_metric_names(base);
    for (index, selector) in selectors.iter().enumerate() {
        let (metric, lab) = match selector.split_once(':') {
            Some((metric, lab)) => (metric, Some(lab)),
            None => (selector.as_str(), None),
        };
        let is_lab_metric = lab_metrics.iter().any(|m| m == metric);
        let is_system_metric = system_metrics.iter().any(|m| m == metric);
        let problem = match lab {
            _ if !is_lab_metric && !is_system_metric => Some(format!(
                "{metric} is not a metric of this scenario; metrics are the columns of \
                 lab_outcomes and system_outcomes, such as share_all, delay_days_mean, incidents"
            )),
            Some("all") if !is_system_metric => Some(format!(
                "{metric} is a per-lab metric; name a lab, or leave :all out"
            )),
            Some(lab) if lab != "all" && !base.labs.iter().any(|l| l.id == lab) => Some(format!(
                "{lab} is not a lab of this scenario ({})",
                base.labs
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(lab) if lab != "all" && !is_lab_metric => Some(format!(
                "{metric} is a system metric; write {metric} or {metric}:all, not :{lab}"
            )),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err((format!("sweep.{field}[{index}] ({selector})"), problem));
        }
    }
    Ok(())
}

/// Every point's values: the design's coordinates mapped onto each
/// parameter's axis; with a contrast, each design point twice, with the
/// contrast's `from` and then its `to` in a last column.
pub fn points(
    plan: &Plan,
    axes: &[Axis],
    contrast: Option<&RawContrast>,
) -> Result<Vec<Vec<Value>>, String> {
    let design = plan.design().map_err(|err| err.to_string())?;
    let mut points = Vec::with_capacity(design.points().len() * plan.runs_per_design_point());
    for point in design.points() {
        let values: Vec<Value> = (axes.iter().zip(point))
            .map(|(axis, &u)| value_at(axis, u))
            .collect();
        match contrast {
            None => points.push(values),
            Some(contrast) => {
                for end in [&contrast.from, &contrast.to] {
                    let mut values = values.clone();
                    values.push(end.clone());
                    points.push(values);
                }
            }
        }
    }
    Ok(points)
}
