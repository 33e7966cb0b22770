//! `method = "robustness"`: policy options against uncertainties. The
//! study draws `samples` worlds from the uncertainties' ranges and runs
//! every option in every world: point `w × options + o` is world `w` with
//! option `o`'s settings. Every point shares the replications' random
//! streams, so options are compared on common random numbers within a
//! world.
//!
//! The points' first two columns, `world` and `option`, label them; then
//! come the uncertainties, then every path an option sets (an option that
//! does not set one keeps the scenario's value there, as an arm does).

use toml::Value;

use super::design::{self, value_at};
use super::spec::{Axis, Method, RawParameter, RawSweep};
use super::{ExperimentError, Limits, Sweep, study};
use crate::scenario::declare::Source;
use crate::scenario::{Scenario, value_at_path};

/// The columns that label a robustness study's points.
pub const LABELS: [&str; 2] = ["world", "option"];

/// The study's paths and every point's values.
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
    let options = raw.options.as_deref().unwrap_or_default();
    if options.len() < 2 {
        return Err(refuse(
            "sweep.options",
            format!(
                "{} option(s): a robustness study compares at least two, each \
                 [[sweep.options]] name = \"hold_30\" set = {{ \"review.window_days\" = 30 }}",
                options.len()
            ),
        ));
    }
    let option_paths =
        super::arms::paths(options, "options", &|path, message| refuse(&path, message))?;
    check_objectives(raw, base).map_err(|(path, message)| refuse(&path, message))?;
    let uncertain = uncertainties(raw, base, &option_paths, file)?;
    let axes = super::expand::axes(&uncertain, base_table, base, file)?;
    let worlds = worlds(raw, &axes, base, file, limits, options.len())?;
    let own = own_values(base, &option_paths, file)?;
    let mut values = Vec::with_capacity(worlds.len() * options.len());
    for (w, world) in worlds.iter().enumerate() {
        for option in options {
            let mut point = vec![
                Value::Integer(w as i64),
                Value::String(option.name.trim().to_string()),
            ];
            point.extend(world.iter().cloned());
            point.extend(
                (option_paths.iter().zip(&own)).map(|(path, own)| {
                    option.set.get(path).cloned().unwrap_or_else(|| own.clone())
                }),
            );
            values.push(point);
        }
    }
    let paths = (LABELS.iter().map(|l| l.to_string()))
        .chain(
            uncertain
                .parameters
                .iter()
                .map(|p| p.path.trim().to_string()),
        )
        .chain(option_paths)
        .collect();
    let sweep = Sweep {
        method: Method::Robustness,
        paths,
        baseline: 0,
        raw: raw.clone(),
        plan: None,
        labels: LABELS.len(),
    };
    Ok((sweep, values))
}

/// Refuses a study with no objective, or one that names no metric.
fn check_objectives(raw: &RawSweep, base: &Scenario) -> Result<(), (String, String)> {
    let minimize = raw.minimize.as_deref().unwrap_or_default();
    let maximize = raw.maximize.as_deref().unwrap_or_default();
    if minimize.is_empty() && maximize.is_empty() {
        return Err((
            "sweep.minimize".into(),
            "name the outputs the options are judged by: minimize = \
             [\"hazardous_unreviewed_releases:all\"] and/or maximize = [\"share_all:meta\"]"
                .into(),
        ));
    }
    study::check_outputs("minimize", minimize, base)?;
    study::check_outputs("maximize", maximize, base)?;
    study::check_outputs("metrics", raw.metrics.as_deref().unwrap_or_default(), base)?;
    let system = crate::metrics::system_metric_names(base);
    for (field, list) in [("minimize", minimize), ("maximize", maximize)] {
        if let Some((index, bare)) = (list.iter().enumerate())
            .find(|(_, s)| !s.contains(':') && !system.iter().any(|m| m == s.trim()))
        {
            return Err((
                format!("sweep.{field}[{index}] ({bare})"),
                format!("{bare} is a per-lab metric: name the lab judged, such as {bare}:meta"),
            ));
        }
    }
    if let Some(both) = minimize.iter().find(|m| maximize.contains(m)) {
        return Err((
            "sweep.maximize".into(),
            format!("{both} is also minimized; name each output once"),
        ));
    }
    Ok(())
}

/// The uncertainties as written, or, when none is, every assumption and
/// fitted parameter with a plausible range that no option sets and the
/// market's calibration does not solve for.
fn uncertainties(
    raw: &RawSweep,
    base: &Scenario,
    option_paths: &[String],
    file: &str,
) -> Result<RawSweep, ExperimentError> {
    let mut uncertain = RawSweep {
        method: Method::Robustness,
        parameters: raw.parameters.clone(),
        ..RawSweep::default()
    };
    if let Some((index, p)) = (raw.parameters.iter().enumerate())
        .find(|(_, p)| option_paths.iter().any(|o| o == p.path.trim()))
    {
        return Err(ExperimentError::Sweep {
            file: file.to_string(),
            path: format!("sweep.parameters[{index}] ({})", p.path),
            message: "an option sets it: a path is a lever or an uncertainty, not both".into(),
        });
    }
    if uncertain.parameters.is_empty() {
        let solved = base.solved_paths();
        uncertain.parameters = (crate::params::list(base.resolved()).into_iter())
            .filter(|p| matches!(p.entry.source, Source::Assumption(_) | Source::Fitted(_)))
            .filter(|p| p.entry.plausible.is_some() && !solved.contains(&p.path))
            .filter(|p| !option_paths.contains(&p.path))
            .map(|p| RawParameter::bare(&p.path))
            .collect();
    }
    Ok(uncertain)
}

/// The `samples` worlds, drawn as `sampler` says from the design's own
/// stream (or, for `sobol`, a Sobol' sequence scrambled by the seed).
fn worlds(
    raw: &RawSweep,
    axes: &[Axis],
    base: &Scenario,
    file: &str,
    limits: Limits,
    options: usize,
) -> Result<Vec<Vec<Value>>, ExperimentError> {
    let refuse = |path: &str, message: String| ExperimentError::Sweep {
        file: file.to_string(),
        path: path.to_string(),
        message,
    };
    let samples = match raw.samples {
        Some(n) if n >= 2 => n,
        other => {
            return Err(refuse(
                "sweep.samples",
                format!(
                    "{}: a robustness study needs samples >= 2, the number of worlds",
                    other.map_or("missing".to_string(), |n| n.to_string())
                ),
            ));
        }
    };
    let points = samples.saturating_mul(options as u64);
    let work_units = points.saturating_mul(base.replications());
    if points > limits.max_points || work_units > limits.max_work_units {
        return Err(ExperimentError::TooLarge {
            file: file.to_string(),
            what: format!(
                "{points} points ({samples} worlds x {options} options), {work_units} work units"
            ),
            limit: if points > limits.max_points {
                limits.max_points
            } else {
                limits.max_work_units
            },
        });
    }
    match raw.sampler.unwrap_or(Method::LatinHypercube) {
        method @ (Method::LatinHypercube | Method::Random) => {
            let mut rng = design::design_rng(base.seed());
            Ok(design::sampled(method, axes, samples, &mut rng))
        }
        Method::Sobol => {
            sobol(axes, samples, base.seed()).map_err(|message| refuse("sweep.parameters", message))
        }
        other => Err(refuse(
            "sweep.sampler",
            format!(
                "\"{}\": the worlds are drawn by \"latin_hypercube\", \"sobol\" or \"random\"",
                other.as_str()
            ),
        )),
    }
}

/// Rows 1..=samples of an Owen-scrambled Sobol' sequence (row 0, a corner
/// of the cube before scrambling, is skipped as is usual).
fn sobol(axes: &[Axis], samples: u64, seed: u64) -> Result<Vec<Vec<Value>>, String> {
    let dimensions = sobol_burley::NUM_DIMENSIONS as usize;
    if axes.len() > dimensions {
        return Err(format!(
            "{} uncertainties: the Sobol' sampler draws at most {dimensions}; use \
             sampler = \"latin_hypercube\"",
            axes.len()
        ));
    }
    if samples >= u64::from(u32::MAX) {
        return Err(format!(
            "{samples} worlds: the Sobol' sampler draws fewer than 2^32"
        ));
    }
    let key = (seed as u32) ^ ((seed >> 32) as u32);
    Ok((1..=samples as u32)
        .map(|row| {
            (axes.iter().enumerate())
                .map(|(d, axis)| {
                    value_at(axis, f64::from(sobol_burley::sample(row, d as u32, key)))
                })
                .collect()
        })
        .collect())
}

/// The scenario's own value at each option path, for the options that do
/// not set it.
fn own_values(
    base: &Scenario,
    paths: &[String],
    file: &str,
) -> Result<Vec<Value>, ExperimentError> {
    let resolved = toml::Table::try_from(base.resolved()).unwrap_or_default();
    paths
        .iter()
        .map(|path| {
            value_at_path(&resolved, path)
                .cloned()
                .ok_or_else(|| ExperimentError::Sweep {
                    file: file.to_string(),
                    path: format!("sweep.options ({path})"),
                    message:
                        "the scenario does not set it, so the options that leave it alone have \
                          no value there: set it in the scenario"
                            .into(),
                })
        })
        .collect()
}
