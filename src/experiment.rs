//! Experiments: a scenario, optionally swept over parameter values, as a
//! numbered list of validated points.
//!
//! A scenario file may hold a `[sweep]`. `--set` overrides apply first (to
//! the scenario and to the sweep); then every point is the scenario with
//! that point's values written at the swept paths, validated like any
//! scenario before anything runs.
//!
//! ```
//! use reviewsim::experiment::{Experiment, Limits};
//!
//! let text = r#"
//!     [simulation]
//!     name = "capacity"
//!     horizon_days = 365
//!     replications = 10
//!     [[review.tracks]]
//!     id = "threat"
//!     duration_days = 10
//!     [[labs]]
//!     id = "lab"
//!     participation = { signed = true }
//!     [[labs.lines]]
//!     id = "api"
//!     access = "api"
//!     cadence_days = 60
//!
//!     [sweep]
//!     [[sweep.parameters]]
//!     path = "review.window_days"
//!     values = [0, 15, 30]
//!     [[sweep.parameters]]
//!     path = "review.tracks.threat.capacity"
//!     from = 1
//!     to = 2
//!     step = 1
//! "#;
//! let experiment = Experiment::from_toml(text, "sweep.toml", &[], Limits::default()).unwrap();
//! assert_eq!(experiment.points.len(), 6);
//! assert_eq!(experiment.columns(), ["review.window_days", "review.tracks.threat.capacity"]);
//! assert_eq!(experiment.points[1].values, ["0", "2"]);
//! assert_eq!(experiment.points[1].scenario.review.tracks[0].capacity, 2);
//! assert_eq!(experiment.work_units(), 60);
//! ```

mod design;
mod spec;

use std::collections::HashSet;
use std::path::Path;

use toml::Value;

pub use design::{design_rng, value_at};
pub use spec::{Axis, FIXED_PATHS, Method, RawParameter, RawSweep, render};

use crate::scenario::{
    Override, Scenario, ScenarioError, WorkLimits, apply_override, raw_from_table, resolve_table,
};

/// Default limit on work units (points × replications).
pub const MAX_WORK_UNITS: u64 = 10_000_000;
/// Default limit on points.
pub const MAX_POINTS: u64 = 10_000;

/// Guards against accidental explosions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most points accepted.
    pub max_points: u64,
    /// Most work units accepted.
    pub max_work_units: u64,
    /// The work of one replication.
    pub work: WorkLimits,
    /// Whether the event log will be kept (its size is bounded too).
    pub logged: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_points: MAX_POINTS,
            max_work_units: MAX_WORK_UNITS,
            work: WorkLimits::default(),
            logged: false,
        }
    }
}

impl Limits {
    /// No limits (`--allow-large`) but those of exact arithmetic.
    pub fn none() -> Self {
        Limits {
            max_points: u64::MAX,
            max_work_units: u64::MAX,
            work: WorkLimits::none(),
            logged: false,
        }
    }

    /// The same limits, for a run that keeps the event log.
    pub fn logging(self, logged: bool) -> Self {
        Limits { logged, ..self }
    }
}

/// Everything that stops an experiment from being set up.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The scenario, an override, or a point is wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The sweep is wrong.
    #[error("{file}: {path}: {message}")]
    Sweep {
        /// The file.
        file: String,
        /// Where in `[sweep]`.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// More work than the limits allow.
    #[error(
        "{file}: the sweep has {what}, more than the limit of {limit}; \
         reduce it, or pass --allow-large to run it anyway"
    )]
    TooLarge {
        /// The file.
        file: String,
        /// What is too large, with its size.
        what: String,
        /// The limit.
        limit: u64,
    },
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// How points were chosen.
    pub method: Method,
    /// The swept paths, in file order.
    pub paths: Vec<String>,
    /// The point compared with in `compare.csv`.
    pub baseline: usize,
    /// The sweep as written (after overrides), for the manifest.
    pub raw: RawSweep,
}

/// One point of an experiment.
#[derive(Debug, Clone)]
pub struct Point {
    /// Its number, from 0, in design order.
    pub id: usize,
    /// Its swept values, rendered, in [`Sweep::paths`] order.
    pub values: Vec<String>,
    /// The scenario at this point.
    pub scenario: Scenario,
}

/// A scenario and its points (one point without a sweep).
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The scenario with overrides, before any sweep value.
    pub base: Scenario,
    /// The sweep, if the file has one.
    pub sweep: Option<Sweep>,
    /// Every point, in order.
    pub points: Vec<Point>,
}

impl Experiment {
    /// Reads a scenario file with its sweep.
    pub fn load(
        path: &Path,
        overrides: &[Override],
        limits: Limits,
    ) -> Result<Experiment, ExperimentError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            file: file.clone(),
            source,
        })?;
        Experiment::from_toml(&text, &file, overrides, limits)
    }

    /// The same from text.
    pub fn from_toml(
        text: &str,
        file: &str,
        overrides: &[Override],
        limits: Limits,
    ) -> Result<Experiment, ExperimentError> {
        let mut table = resolve_table(text, file)?;
        let (sweep_overrides, scenario_overrides): (Vec<Override>, Vec<Override>) = overrides
            .iter()
            .cloned()
            .partition(|ov| ov.path == "sweep" || ov.path.starts_with("sweep."));
        let raw_sweep = match table.remove("sweep") {
            None if sweep_overrides.is_empty() => None,
            found => {
                let mut holder = toml::Table::new();
                holder.insert(
                    "sweep".into(),
                    found.unwrap_or(Value::Table(Default::default())),
                );
                for ov in &sweep_overrides {
                    apply_override(&mut holder, ov)?;
                }
                Some(parse_sweep(
                    holder.remove("sweep").unwrap_or(Value::Boolean(false)),
                    file,
                )?)
            }
        };
        let mut base_table = table;
        for ov in &scenario_overrides {
            apply_override(&mut base_table, ov)?;
        }
        let base_raw = raw_from_table(base_table.clone(), file, &[]).map_err(|err| {
            // Name the --set argument that wrote a refused value.
            match err {
                ScenarioError::Schema {
                    file,
                    path,
                    message,
                    ..
                } => {
                    let set_by = scenario_overrides
                        .iter()
                        .find(|ov| path == ov.path || path.starts_with(&format!("{}.", ov.path)))
                        .map(|ov| ov.arg.clone());
                    ScenarioError::Schema {
                        file,
                        path,
                        message,
                        set_by,
                    }
                }
                other => other,
            }
        })?;
        let base = Scenario::from_raw(base_raw, file)?;
        check_work(&base, file, limits)?;
        if let Some((column, [first, second])) = crate::metrics::duplicate_column(&base) {
            return Err(ScenarioError::Invalid {
                file: file.to_string(),
                problems: vec![crate::scenario::Problem {
                    path: second,
                    value: format!("the column {column}"),
                    allowed: format!(
                        "is also a column of {first}; ids must not make the same column name twice: rename one"
                    ),
                }],
            }
            .into());
        }
        let Some(raw_sweep) = raw_sweep else {
            let point = Point {
                id: 0,
                values: Vec::new(),
                scenario: base.clone(),
            };
            return Ok(Experiment {
                base,
                sweep: None,
                points: vec![point],
            });
        };
        let (sweep, assignments) = expand(&raw_sweep, &base_table, &base, file, limits)?;
        let points = assignments
            .into_iter()
            .enumerate()
            .map(|(id, values)| {
                let point = point(&base_table, &base, &sweep, id, values, file)?;
                let label = format!("{file} [sweep point {id}]");
                check_work(&point.scenario, &label, limits)?;
                Ok(point)
            })
            .collect::<Result<Vec<Point>, ExperimentError>>()?;
        Ok(Experiment {
            base,
            sweep: Some(sweep),
            points,
        })
    }

    /// The swept paths: the extra columns of the output files.
    pub fn columns(&self) -> Vec<String> {
        self.sweep
            .as_ref()
            .map(|s| s.paths.clone())
            .unwrap_or_default()
    }

    /// Replications per point.
    pub fn replications(&self) -> u64 {
        self.base.replications
    }

    /// Points × replications.
    pub fn work_units(&self) -> u64 {
        self.points.len() as u64 * self.base.replications
    }

    /// The scenarios of every point, in order.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.points.iter().map(|p| p.scenario.clone()).collect()
    }

    /// The baseline point of `compare.csv`, when there is more than one point.
    pub fn baseline(&self) -> Option<usize> {
        self.sweep
            .as_ref()
            .filter(|_| self.points.len() > 1)
            .map(|s| s.baseline)
    }
}

fn parse_sweep(value: Value, file: &str) -> Result<RawSweep, ExperimentError> {
    serde_path_to_error::deserialize(value.clone()).map_err(|err| {
        let mut path = "sweep".to_string();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Map { key } => path.push_str(&format!(".{key}")),
                Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                _ => {}
            }
        }
        ExperimentError::Sweep {
            file: file.to_string(),
            path,
            message: crate::scenario::plain_message(err.into_inner().message()),
        }
    })
}

/// Checks the sweep against the scenario and lists every point's values.
fn expand(
    raw: &RawSweep,
    base_table: &toml::Table,
    base: &Scenario,
    file: &str,
    limits: Limits,
) -> Result<(Sweep, Vec<Vec<Value>>), ExperimentError> {
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
        let axis = spec::axis(parameter).map_err(|message| refuse(at.clone(), message))?;
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
    let values = match raw.method {
        Method::Grid => {
            if raw.samples.is_some() {
                return Err(refuse(
                    "sweep.samples".into(),
                    "samples is for method = \"latin_hypercube\" or \"random\"; a grid takes \
                     every combination"
                        .into(),
                ));
            }
            let size = design::grid_size(&axes).unwrap_or(u64::MAX);
            if size > limits.max_points {
                return Err(ExperimentError::TooLarge {
                    file: file.to_string(),
                    what: format!("{size} grid points"),
                    limit: limits.max_points,
                });
            }
            design::grid(&axes)
        }
        Method::LatinHypercube | Method::Random => {
            let samples = match raw.samples {
                Some(n) if n >= 1 => n,
                other => {
                    return Err(refuse(
                        "sweep.samples".into(),
                        format!(
                            "{}: method = \"{}\" needs samples >= 1, the number of points",
                            other.map_or("missing".to_string(), |n| n.to_string()),
                            raw.method.as_str()
                        ),
                    ));
                }
            };
            if samples > limits.max_points {
                return Err(ExperimentError::TooLarge {
                    file: file.to_string(),
                    what: format!("{samples} samples"),
                    limit: limits.max_points,
                });
            }
            design::sampled(
                raw.method,
                &axes,
                samples,
                &mut design::design_rng(base.seed),
            )
        }
    };
    let points = values.len() as u64;
    let work_units = points.saturating_mul(base.replications);
    if work_units > limits.max_work_units {
        return Err(ExperimentError::TooLarge {
            file: file.to_string(),
            what: format!(
                "{work_units} work units ({points} points x {} replications)",
                base.replications
            ),
            limit: limits.max_work_units,
        });
    }
    if raw.baseline >= points {
        return Err(refuse(
            "sweep.baseline".into(),
            format!(
                "{}: must be a point id from 0 to {} (points are numbered from 0 in points.csv)",
                raw.baseline,
                points - 1
            ),
        ));
    }
    let sweep = Sweep {
        method: raw.method,
        paths: raw
            .parameters
            .iter()
            .map(|p| p.path.trim().to_string())
            .collect(),
        baseline: raw.baseline as usize,
        raw: raw.clone(),
    };
    Ok((sweep, values))
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

/// Refuses a scenario whose replications would be unbounded or inexact.
fn check_work(scenario: &Scenario, file: &str, limits: Limits) -> Result<(), ScenarioError> {
    let problems = scenario.check_work(limits.work, limits.logged);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems,
        })
    }
}

/// The ids that name the rows and columns of the outputs.
fn shape(scenario: &Scenario) -> Vec<Vec<&str>> {
    let mut shape = vec![
        scenario.labs.iter().map(|lab| lab.id.as_str()).collect(),
        scenario
            .review
            .tracks
            .iter()
            .map(|track| track.id.as_str())
            .collect(),
        scenario
            .market
            .iter()
            .flat_map(|market| market.segments.iter().map(|s| s.id.as_str()))
            .collect(),
    ];
    shape.extend(
        scenario
            .labs
            .iter()
            .map(|lab| lab.lines.iter().map(|line| line.id.as_str()).collect()),
    );
    shape
}

fn assignment(path: &str, value: &Value) -> Override {
    // The argument names the point in messages: 1e300, not its digits.
    let shown = match value {
        Value::Float(number) => crate::scenario::short_number(*number),
        other => render(other),
    };
    Override {
        path: path.to_string(),
        value: value.clone(),
        arg: format!("{path}={shown}"),
    }
}

/// Builds and validates one point.
fn point(
    base_table: &toml::Table,
    base: &Scenario,
    sweep: &Sweep,
    id: usize,
    values: Vec<Value>,
    file: &str,
) -> Result<Point, ExperimentError> {
    let assignments: Vec<Override> = sweep
        .paths
        .iter()
        .zip(&values)
        .map(|(path, value)| assignment(path, value))
        .collect();
    let label = format!(
        "{file} [sweep point {id}: {}]",
        assignments
            .iter()
            .map(|a| a.arg.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut table = base_table.clone();
    for ov in &assignments {
        apply_override(&mut table, ov).map_err(|err| ExperimentError::Sweep {
            file: label.clone(),
            path: ov.path.clone(),
            message: err.to_string(),
        })?;
    }
    let raw = raw_from_table(table, &label, &[])?;
    let mut scenario = Scenario::from_raw(raw, &label)?;
    if shape(&scenario) != shape(base) {
        return Err(ExperimentError::Sweep {
            file: label,
            path: sweep.paths.join(", "),
            message: "changes which labs, lines, segments or tracks the scenario has; a sweep \
                      varies values, and every point must write the same rows and columns"
                .into(),
        });
    }
    scenario.file = file.to_string();
    Ok(Point {
        id,
        values: values.iter().map(render).collect(),
        scenario,
    })
}
