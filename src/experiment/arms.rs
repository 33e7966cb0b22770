//! `method = "arms"`: named alternatives to the scenario as written, each
//! a point. The swept paths are every path an arm sets; an arm that does
//! not set one keeps the scenario's value there, so every point is the
//! scenario with a few values changed, paired with the others on common
//! random numbers like any sweep's points.

use std::collections::HashSet;

use toml::Value;

use super::spec::{FIXED_PATHS, RawArm, RawSweep};
use super::{ExperimentError, Limits, Sweep};
use crate::scenario::{Scenario, value_at_path};

/// The arms' paths and every point's values at them: point 0 the
/// scenario's own, then one point per arm.
pub(super) fn expand(
    raw: &RawSweep,
    base: &Scenario,
    file: &str,
    limits: Limits,
) -> Result<(Sweep, Vec<Vec<Value>>), ExperimentError> {
    let refuse = |path: String, message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path,
        message,
    };
    if !raw.parameters.is_empty() {
        return Err(refuse(
            "sweep.parameters".into(),
            "method = \"arms\" takes [[sweep.arms]] (a name and the values it sets), \
             not parameters"
                .into(),
        ));
    }
    let arms = raw.arms.as_deref().unwrap_or_default();
    if arms.is_empty() {
        return Err(refuse(
            "sweep.arms".into(),
            "give at least one arm: [[sweep.arms]] name = \"signed\" \
             set = { \"labs.meta.participation.signed\" = true }"
                .into(),
        ));
    }
    let paths = paths(arms, "arms", &refuse)?;
    let resolved = toml::Table::try_from(base.resolved()).unwrap_or_default();
    let mut own = Vec::new();
    for path in &paths {
        let Some(value) = value_at_path(&resolved, path) else {
            return Err(refuse(
                format!("sweep.arms ({path})"),
                "the scenario does not set it, so the scenario as written has no value \
                 to compare with: set it in the scenario"
                    .into(),
            ));
        };
        own.push(value.clone());
    }
    let mut values = vec![own.clone()];
    for arm in arms {
        let point = (paths.iter().zip(&own))
            .map(|(path, own)| arm.set.get(path).cloned().unwrap_or_else(|| own.clone()))
            .collect();
        values.push(point);
    }
    let points = values.len() as u64;
    let work_units = points.saturating_mul(base.replications());
    if points > limits.max_points || work_units > limits.max_work_units {
        return Err(ExperimentError::TooLarge {
            file: file.to_string(),
            what: format!("{work_units} work units ({points} arms)"),
            limit: limits.max_work_units.min(limits.max_points),
        });
    }
    if raw.baseline >= points {
        return Err(refuse(
            "sweep.baseline".into(),
            format!(
                "{}: must be 0 (the scenario as written) or an arm's point, up to {}",
                raw.baseline,
                points - 1
            ),
        ));
    }
    let sweep = Sweep {
        method: raw.method,
        paths,
        baseline: raw.baseline as usize,
        raw: raw.clone(),
        plan: None,
        labels: 0,
    };
    Ok((sweep, values))
}

/// Every path the arms (or a robustness study's options, `field`) set, in
/// the order they first appear, each checked; their names checked too.
pub(super) fn paths(
    arms: &[RawArm],
    field: &str,
    refuse: &impl Fn(String, String) -> ExperimentError,
) -> Result<Vec<String>, ExperimentError> {
    let mut names = HashSet::new();
    let mut paths: Vec<String> = Vec::new();
    let noun = field.trim_end_matches('s');
    for (index, arm) in arms.iter().enumerate() {
        let at = |what: &str| format!("sweep.{field}[{index}].{what}");
        let name = arm.name.trim();
        if name.is_empty() || name == "baseline" || !names.insert(name.to_string()) {
            return Err(refuse(
                at("name"),
                format!(
                    "`{name}`: each {noun} needs a name of its own, not empty and not \
                     `baseline` (the scenario as written)"
                ),
            ));
        }
        if arm.set.is_empty() {
            return Err(refuse(at("set"), "set at least one value".into()));
        }
        for path in arm.set.keys() {
            let path = path.trim();
            if path.split('.').any(|name| name.trim().is_empty()) {
                return Err(refuse(
                    at("set"),
                    format!("`{path}`: the path must be dotted names, such as review.window_days"),
                ));
            }
            if FIXED_PATHS.contains(&path) || path.ends_with(".id") {
                return Err(refuse(
                    at("set"),
                    format!(
                        "`{path}`: every {noun} runs the same replications, seed and ids, \
                         so that they pair; it cannot change"
                    ),
                ));
            }
            if !paths.iter().any(|p| p == path) {
                paths.push(path.to_string());
            }
        }
    }
    Ok(paths)
}
