//! A sweep checked against its scenario and expanded into every point's
//! values, refusing what cannot be swept and what is too large.

use std::collections::HashSet;

use toml::Value;

use super::design;
use super::spec::{self, Axis, FIXED_PATHS, Method, RawSweep};
use super::study;
use super::{ExperimentError, Limits, Sweep, assignment};
use crate::scenario::{Scenario, ScenarioError, apply_override, raw_from_table};

/// Checks the sweep against the scenario and lists every point's values.
pub(super) fn expand(
    raw: &RawSweep,
    base_table: &toml::Table,
    base: &Scenario,
    file: &str,
    limits: Limits,
) -> Result<(Sweep, Vec<Vec<Value>>), ExperimentError> {
    let refuse = |path: &str, message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path: path.to_string(),
        message,
    };
    study::check_fields(raw).map_err(|(path, message)| refuse(&path, message))?;
    if raw.method == Method::Arms {
        return super::arms::expand(raw, base, file, limits);
    }
    if raw.method == Method::Robustness {
        return super::worlds::expand(raw, base_table, base, file, limits);
    }
    let axes = axes(raw, base_table, base, file)?;
    let plan = (raw.method.is_sensitivity())
        .then(|| study::plan(raw, base))
        .transpose()
        .map_err(|(path, message)| refuse(&path, message))?;
    let values = match &plan {
        Some(plan) => study_values(raw, plan, &axes, base_table, file, limits)?,
        None => design_values(raw, &axes, base, file, limits)?,
    };
    let points = values.len() as u64;
    let work_units = points.saturating_mul(base.replications());
    if work_units > limits.max_work_units {
        return Err(ExperimentError::TooLarge {
            file: file.to_string(),
            what: format!(
                "{work_units} work units ({points} points x {} replications)",
                base.replications()
            ),
            limit: limits.max_work_units,
        });
    }
    if raw.baseline >= points && plan.is_none() {
        return Err(refuse(
            "sweep.baseline",
            format!(
                "{}: must be a point id from 0 to {} (points are numbered from 0 in points.csv)",
                raw.baseline,
                points.saturating_sub(1)
            ),
        ));
    }
    let sweep = Sweep {
        method: raw.method,
        paths: (raw.parameters.iter())
            .map(|p| p.path.trim().to_string())
            .chain(
                (raw.contrast.iter().filter(|_| plan.is_some())).map(|c| c.path.trim().to_string()),
            )
            .collect(),
        baseline: raw.baseline as usize,
        raw: raw.clone(),
        plan,
        labels: 0,
    };
    Ok((sweep, values))
}

/// The points of a sensitivity design, refusing a contrast that cannot
/// apply and a design beyond the limits.
fn study_values(
    raw: &RawSweep,
    plan: &crate::sensitivity::Plan,
    axes: &[Axis],
    base_table: &toml::Table,
    file: &str,
    limits: Limits,
) -> Result<Vec<Vec<Value>>, ExperimentError> {
    let refuse = |path: &str, message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path: path.to_string(),
        message,
    };
    let points = plan.point_count().unwrap_or(usize::MAX) as u64;
    if points > limits.max_points {
        return Err(ExperimentError::TooLarge {
            file: file.to_string(),
            what: format!("{points} design points"),
            limit: limits.max_points,
        });
    }
    if let Some(contrast) = &raw.contrast {
        let path = contrast.path.trim();
        if FIXED_PATHS.contains(&path) || path.ends_with(".id") {
            return Err(refuse(
                "sweep.contrast.path",
                format!("{path} cannot be contrasted: it is fixed across points"),
            ));
        }
        for end in [&contrast.from, &contrast.to] {
            probe(base_table, path, end, file)
                .map_err(|message| refuse("sweep.contrast", message))?;
        }
    }
    study::points(plan, axes, raw.contrast.as_ref()).map_err(|message| refuse("sweep", message))
}

/// Each swept parameter's axis, refusing paths that cannot be swept, that
/// name nothing, or that are swept twice.
pub(super) fn axes(
    raw: &RawSweep,
    base_table: &toml::Table,
    base: &Scenario,
    file: &str,
) -> Result<Vec<Axis>, ExperimentError> {
    let refuse = |path: String, message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path,
        message,
    };
    if raw.parameters.is_empty() {
        return Err(refuse(
            "sweep.parameters".into(),
            "a sweep needs at least one [[sweep.parameters]] entry with a path".into(),
        ));
    }
    let mut seen = HashSet::new();
    let mut axes = Vec::new();
    for (index, parameter) in raw.parameters.iter().enumerate() {
        let at = format!("sweep.parameters[{index}] ({})", parameter.path);
        let path = parameter.path.trim();
        if path.split('.').any(|name| name.trim().is_empty()) {
            return Err(refuse(
                at,
                "the path must be dotted names, such as review.tracks.threat.capacity".into(),
            ));
        }
        if FIXED_PATHS.contains(&path) {
            return Err(refuse(
                at,
                format!(
                    "{path} cannot be swept: every point shares the replications, seed and \
                     streams so that replication r is paired across points"
                ),
            ));
        }
        if path == "sweep" || path.starts_with("sweep.") || path.ends_with(".id") || path == "id" {
            return Err(refuse(
                at,
                "ids and the sweep itself cannot be swept".into(),
            ));
        }
        if !seen.insert(path.to_string()) {
            return Err(refuse(at, "this path is swept twice".into()));
        }
        let declared = raw.method.is_sensitivity() || raw.method == Method::Robustness;
        let axis = if declared && study::is_bare(parameter) {
            study::declared_axis(base, path)
        } else {
            spec::axis(parameter)
        }
        .map_err(|message| refuse(at.clone(), message))?;
        if raw.method == Method::Grid && matches!(axis, Axis::Interval { .. }) {
            return Err(refuse(
                at,
                "an interval (low, high) needs a sampled design: set method = \
                 \"latin_hypercube\" or \"random\" with samples, or give values or \
                 from/to/step for a grid"
                    .into(),
            ));
        }
        probe(base_table, path, &design::value_at(&axis, 0.0), file)
            .map_err(|message| refuse(at.clone(), message))?;
        axes.push(axis);
    }
    Ok(axes)
}

/// The values of every point, as the design method chooses them.
fn design_values(
    raw: &RawSweep,
    axes: &[Axis],
    base: &Scenario,
    file: &str,
    limits: Limits,
) -> Result<Vec<Vec<Value>>, ExperimentError> {
    let refuse = |message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path: "sweep.samples".into(),
        message,
    };
    let too_large = |what: String| ExperimentError::TooLarge {
        file: file.to_string(),
        what,
        limit: limits.max_points,
    };
    match raw.method {
        Method::Grid => {
            if raw.samples.is_some() {
                return Err(refuse(
                    "samples is for method = \"latin_hypercube\" or \"random\"; a grid takes \
                     every combination"
                        .into(),
                ));
            }
            let size = design::grid_size(axes).unwrap_or(u64::MAX);
            if size > limits.max_points {
                return Err(too_large(format!("{size} grid points")));
            }
            Ok(design::grid(axes))
        }
        Method::Sobol | Method::Morris => unreachable!("sensitivity designs come from their plan"),
        Method::Arms | Method::Robustness => unreachable!("expanded on their own"),
        Method::LatinHypercube | Method::Random => {
            let samples = match raw.samples {
                Some(n) if n >= 1 => n,
                other => {
                    return Err(refuse(format!(
                        "{}: method = \"{}\" needs samples >= 1, the number of points",
                        other.map_or("missing".to_string(), |n| n.to_string()),
                        raw.method.as_str()
                    )));
                }
            };
            if samples > limits.max_points {
                return Err(too_large(format!("{samples} samples")));
            }
            let mut rng = design::design_rng(base.seed());
            Ok(design::sampled(raw.method, axes, samples, &mut rng))
        }
    }
}

/// Writes one value at `path` and deserializes, so that an unknown or
/// misspelt path is reported against the sweep, not a point.
fn probe(base_table: &toml::Table, path: &str, value: &Value, file: &str) -> Result<(), String> {
    let mut table = base_table.clone();
    let ov = assignment(path, value);
    if let Err(ScenarioError::Override { message, .. }) = apply_override(&mut table, &ov) {
        return Err(message);
    }
    match raw_from_table(table, file, &[]) {
        Err(ScenarioError::Schema {
            path: at, message, ..
        }) if at == path || at.starts_with(&format!("{path}.")) || path.starts_with(&at) => {
            Err(format!("{at}: {message}"))
        }
        _ => Ok(()),
    }
}
