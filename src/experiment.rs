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
//! assert_eq!(experiment.points[1].shown(), ["0", "2"]);
//! assert_eq!(experiment.point_scenario(1).unwrap().review.tracks[0].capacity, 2);
//! assert_eq!(experiment.work_units(), 60);
//! ```

mod arms;
mod design;
mod expand;
mod spec;
mod study;
mod worlds;

use std::path::Path;

use toml::Value;

pub use crate::scenario::render;
pub use design::{design_rng, value_at};
pub use spec::{Axis, FIXED_PATHS, Method, RawArm, RawContrast, RawParameter, RawSweep};
pub use study::DEFAULT_LEVELS;
pub use worlds::LABELS as ROBUSTNESS_LABELS;

use expand::expand;

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
    /// The study of a `sobol` or `morris` sweep.
    pub plan: Option<crate::sensitivity::Plan>,
    /// How many of the first `paths` only label the points (a robustness
    /// study's `world` and `option`): written in the outputs, never set in
    /// a scenario.
    pub labels: usize,
}

/// One point of an experiment: its values, not its scenario, which is built
/// when needed ([`Experiment::point_scenario`]), so that a sweep of many
/// points holds a few hundred bytes per point.
#[derive(Debug, Clone)]
pub struct Point {
    /// Its number, from 0, in design order.
    pub id: usize,
    /// Its swept values, typed, in [`Sweep::paths`] order.
    pub values: Vec<Value>,
}

impl Point {
    /// Its swept values as written in `points.csv` and messages.
    pub fn shown(&self) -> Vec<String> {
        self.values.iter().map(render).collect()
    }
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
    /// The scenario file's table with overrides, to build points from.
    base_table: toml::Table,
    /// The file, as named in messages.
    file: String,
}

impl Experiment {
    /// Reads a scenario file with its sweep.
    pub fn load(
        path: &Path,
        overrides: &[Override],
        limits: Limits,
    ) -> Result<Experiment, ExperimentError> {
        let file = path.display().to_string();
        let text = crate::scenario::read_file(path)?;
        Experiment::from_toml(&text, &file, overrides, limits)
    }

    /// The same from text.
    pub fn from_toml(
        text: &str,
        file: &str,
        overrides: &[Override],
        limits: Limits,
    ) -> Result<Experiment, ExperimentError> {
        Experiment::build(text, file, overrides, limits, true).map(|(experiment, _)| experiment)
    }

    /// Reads a scenario file without its sweep's points (thousands, in a
    /// study): the experiment of the scenario alone, and whether the file
    /// (or an override) has a `[sweep]`, for a command that makes its own.
    pub fn load_unswept(
        path: &Path,
        overrides: &[Override],
        limits: Limits,
    ) -> Result<(Experiment, bool), ExperimentError> {
        let file = path.display().to_string();
        let text = crate::scenario::read_file(path)?;
        Experiment::build(&text, &file, overrides, limits, false)
    }

    fn build(
        text: &str,
        file: &str,
        overrides: &[Override],
        limits: Limits,
        with_sweep: bool,
    ) -> Result<(Experiment, bool), ExperimentError> {
        let mut table = resolve_table(text, file)?;
        let (sweep_overrides, scenario_overrides): (Vec<Override>, Vec<Override>) = overrides
            .iter()
            .cloned()
            .partition(|ov| ov.path == "sweep" || ov.path.starts_with("sweep."));
        let raw_sweep = take_sweep(&mut table, &sweep_overrides, file)?;
        let mut base_table = table;
        for ov in &scenario_overrides {
            apply_override(&mut base_table, ov)?;
        }
        let base = base_scenario(&base_table, &scenario_overrides, file, limits)?;
        let mut experiment = Experiment {
            base,
            sweep: None,
            points: vec![Point {
                id: 0,
                values: Vec::new(),
            }],
            base_table,
            file: file.to_string(),
        };
        let has_sweep = raw_sweep.is_some();
        if let Some(raw_sweep) = raw_sweep.filter(|_| with_sweep) {
            experiment.add_sweep(&raw_sweep, limits)?;
        }
        Ok((experiment, has_sweep))
    }

    /// The same experiment with `raw` as its sweep (one it has not got):
    /// the study a command builds in memory, as `sensitivity` does, every
    /// point validated now.
    pub fn with_sweep(mut self, raw: &RawSweep, limits: Limits) -> Result<Self, ExperimentError> {
        if self.sweep.is_some() {
            return Err(ExperimentError::Sweep {
                file: self.file.clone(),
                path: "sweep".into(),
                message: "the scenario has a [sweep] already".into(),
            });
        }
        self.add_sweep(raw, limits)?;
        Ok(self)
    }

    /// The same experiment with `count` replications per point, as a run to
    /// a precision needs: the points stay as they are (their values do not
    /// depend on it), and only the size is checked again.
    pub fn with_replications(&self, count: u64, limits: Limits) -> Result<Self, ExperimentError> {
        let value = Value::Integer(count.min(i64::MAX as u64) as i64);
        let set = Override::typed("simulation.replications", value);
        let mut table = self.base_table.clone();
        apply_override(&mut table, &set)?;
        let base = base_scenario(&table, std::slice::from_ref(&set), &self.file, limits)?;
        let work_units = (self.points.len() as u64).saturating_mul(base.replications());
        if self.sweep.is_some() && work_units > limits.max_work_units {
            return Err(ExperimentError::TooLarge {
                file: self.file.clone(),
                what: format!(
                    "{work_units} work units ({} points x {count} replications)",
                    self.points.len()
                ),
                limit: limits.max_work_units,
            });
        }
        Ok(Experiment {
            base,
            base_table: table,
            ..self.clone()
        })
    }

    /// Expands the sweep into points, each validated now, before anything
    /// runs, and dropped: the run builds each again when it needs it.
    fn add_sweep(&mut self, raw: &RawSweep, limits: Limits) -> Result<(), ExperimentError> {
        let (sweep, assignments) = expand(raw, &self.base_table, &self.base, &self.file, limits)?;
        self.sweep = Some(sweep);
        self.points = (assignments.into_iter().enumerate())
            .map(|(id, values)| Point { id, values })
            .collect();
        // Every point checked in parallel; the first error in point order
        // is the one told, as a loop would tell it.
        use rayon::prelude::*;
        let checked: Vec<Result<(), ExperimentError>> = (0..self.points.len())
            .into_par_iter()
            .map(|id| {
                let scenario = self.point_scenario(id)?;
                let label = format!("{} [sweep point {id}]", self.file);
                check_work(&scenario, &label, limits).map_err(ExperimentError::from)
            })
            .collect();
        checked.into_iter().collect()
    }

    /// The scenario of point `id`, validated.
    pub fn point_scenario(&self, id: usize) -> Result<Scenario, ExperimentError> {
        match &self.sweep {
            None => Ok(self.base.clone()),
            Some(sweep) => point(
                &self.base_table,
                &self.base,
                sweep,
                id,
                &self.points[id].values,
                &self.file,
            ),
        }
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
        self.base.replications()
    }

    /// The study, for a sensitivity sweep.
    pub fn plan(&self) -> Option<&crate::sensitivity::Plan> {
        self.sweep.as_ref().and_then(|s| s.plan.as_ref())
    }

    /// The robustness study, for a `robustness` sweep.
    pub fn robustness(&self) -> Option<crate::robustness::Study> {
        (self.sweep.as_ref())
            .filter(|s| s.method == Method::Robustness)
            .map(|s| crate::robustness::Study::of(&s.raw))
    }

    /// Points × replications.
    pub fn work_units(&self) -> u64 {
        self.points.len() as u64 * self.base.replications()
    }

    /// The baseline point of `compare.csv`, when there is more than one point
    /// (and the sweep is not a sensitivity design, whose points are not
    /// alternatives to a baseline).
    pub fn baseline(&self) -> Option<usize> {
        self.sweep
            .as_ref()
            .filter(|s| self.points.len() > 1 && s.plan.is_none())
            .filter(|s| s.method != Method::Robustness)
            .map(|s| s.baseline)
    }
}

/// Takes `[sweep]` out of the scenario's table, with the `--set` overrides
/// of `sweep.*` applied.
fn take_sweep(
    table: &mut toml::Table,
    overrides: &[Override],
    file: &str,
) -> Result<Option<RawSweep>, ExperimentError> {
    let found = table.remove("sweep");
    if found.is_none() && overrides.is_empty() {
        return Ok(None);
    }
    let mut holder = toml::Table::new();
    holder.insert(
        "sweep".into(),
        found.unwrap_or(Value::Table(Default::default())),
    );
    for ov in overrides {
        apply_override(&mut holder, ov)?;
    }
    let sweep = holder.remove("sweep").unwrap_or(Value::Boolean(false));
    parse_sweep(sweep, file).map(Some)
}

/// The scenario before any sweep value, validated, bounded, and with
/// column names that no two ids make alike.
fn base_scenario(
    table: &toml::Table,
    overrides: &[Override],
    file: &str,
    limits: Limits,
) -> Result<Scenario, ExperimentError> {
    let raw = raw_from_table(table.clone(), file, &[]).map_err(|err| match err {
        // Name the --set argument that wrote a refused value.
        ScenarioError::Schema {
            file,
            path,
            message,
            ..
        } => {
            let set_by = overrides
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
    })?;
    let base = Scenario::from_raw(raw, file)?;
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
    Ok(base)
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

impl crate::runner::PointSource for Experiment {
    fn count(&self) -> usize {
        self.points.len()
    }

    fn replications(&self) -> u64 {
        self.base.replications()
    }

    fn scenario(&self, point: usize) -> Result<Scenario, String> {
        self.point_scenario(point).map_err(|err| err.to_string())
    }
}

/// Builds and validates one point's scenario.
fn point(
    base_table: &toml::Table,
    base: &Scenario,
    sweep: &Sweep,
    id: usize,
    values: &[Value],
    file: &str,
) -> Result<Scenario, ExperimentError> {
    let assignments: Vec<Override> = (sweep.paths.iter().zip(values))
        .skip(sweep.labels)
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
    Ok(scenario)
}
