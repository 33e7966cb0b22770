//! Raw structs to a typed [`Scenario`]: every range and combination checked,
//! every problem reported with its path, value and what is allowed.

use std::collections::HashSet;
use std::fmt::Display;

use chrono::NaiveDate;

use super::dist::{Dist, DistParam, DistProblem, DistSpec};
use super::error::{Problem, ScenarioError};
use super::raw::{RawLab, RawLine, RawReview, RawScenario, RawTrack};
use super::{Cadence, Lab, Line, Participation, Review, Scenario, Track};
use crate::engine::{SimDuration, SimTime};

/// Longest horizon accepted, in days (a century).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;
/// Shortest mean cadence accepted, in days: a line cannot flood the run with
/// models.
pub const MIN_MEAN_CADENCE_DAYS: f64 = 1.0;

/// Collects problems so that one run of validation reports all of them.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn refuse(&mut self, path: impl Into<String>, value: impl Display, allowed: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        });
    }

    /// A finite number of days in [0, max].
    fn days(&mut self, path: &str, value: f64, max: f64) -> f64 {
        if !(value.is_finite() && value >= 0.0 && value <= max) {
            self.refuse(
                path,
                value,
                format!("must be a number of days >= 0 and <= {max}"),
            );
        }
        value
    }

    /// A short id usable in parameter paths and column names, unique among
    /// its siblings.
    fn id(&mut self, path: &str, id: &str, seen: &mut HashSet<String>) {
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid {
            self.refuse(
                format!("{path}.id"),
                format!("\"{id}\""),
                "must be non-empty and use only a-z, 0-9, _ and - (it appears in parameter paths and column names)",
            );
        } else if !seen.insert(id.to_string()) {
            self.refuse(
                format!("{path}.id"),
                format!("\"{id}\""),
                "is used twice; ids must be unique",
            );
        }
    }

    /// Builds a distribution, or records why it cannot be built.
    fn dist(&mut self, path: &str, param: &DistParam) -> Option<Dist> {
        match param.0.to_dist() {
            Ok(dist) => Some(dist),
            Err(DistProblem {
                field,
                value,
                allowed,
            }) => {
                let at = if field.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}.{field}")
                };
                self.refuse(at, value, allowed);
                None
            }
        }
    }
}

/// Checks everything and builds the typed scenario.
pub fn validate(raw: RawScenario, file: &str) -> Result<Scenario, ScenarioError> {
    let mut check = Checker {
        problems: Vec::new(),
    };
    let sim = &raw.simulation;
    let start_date = sim.start_date.0;
    let horizon_days = sim.horizon_days;
    if !(horizon_days.is_finite() && horizon_days > 0.0 && horizon_days <= MAX_HORIZON_DAYS) {
        check.refuse(
            "simulation.horizon_days",
            horizon_days,
            format!("must be a number of days > 0 and <= {MAX_HORIZON_DAYS}"),
        );
    }
    if sim.replications == 0 {
        check.refuse("simulation.replications", 0, "must be >= 1");
    }
    if sim.name.trim().is_empty() {
        check.refuse("simulation.name", "\"\"", "must not be empty");
    }

    let review = review(&mut check, &raw.review, start_date);
    if raw.labs.is_empty() {
        check.refuse("labs", "[]", "a scenario needs at least one [[labs]] entry");
    }
    let mut lab_ids = HashSet::new();
    let labs: Vec<Lab> = raw
        .labs
        .iter()
        .enumerate()
        .map(|(index, raw_lab)| lab(&mut check, raw_lab, index, start_date, &mut lab_ids))
        .collect();

    if !check.problems.is_empty() {
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems: check.problems,
        });
    }
    Ok(Scenario {
        file: file.to_string(),
        name: sim.name.clone(),
        start_date,
        horizon: SimTime::from_days(horizon_days),
        replications: sim.replications,
        seed: sim.seed,
        common_random_numbers: sim.common_random_numbers,
        review,
        labs,
        resolved: raw,
    })
}

/// How an element of a named array is called in paths: by id when it has a
/// usable one, else by position.
fn element_path(array: &str, id: &str, index: usize) -> String {
    if id.is_empty() || id.contains('.') {
        format!("{array}[{index}]")
    } else {
        format!("{array}.{id}")
    }
}

fn review(check: &mut Checker, raw: &RawReview, start_date: NaiveDate) -> Review {
    let window_days = check.days("review.window_days", raw.window_days, MAX_HORIZON_DAYS);
    let mut track_ids = HashSet::new();
    let tracks = raw
        .tracks
        .iter()
        .enumerate()
        .filter_map(|(index, raw_track)| track(check, raw_track, index, &mut track_ids))
        .collect();
    Review {
        window: SimDuration::from_days(window_days),
        clock_start: raw.clock_start,
        on_expiry: raw.on_expiry,
        operational: SimTime::from_days(raw.operational.days_since(start_date)),
        before_operational: raw.before_operational,
        covered_access: raw.covered_access.clone(),
        covered_jurisdictions: raw.covered_jurisdictions.clone(),
        tracks,
    }
}

fn track(
    check: &mut Checker,
    raw: &RawTrack,
    index: usize,
    ids: &mut HashSet<String>,
) -> Option<Track> {
    let path = element_path("review.tracks", &raw.id, index);
    check.id(&path, &raw.id, ids);
    if raw.capacity == 0 {
        check.refuse(
            format!("{path}.capacity"),
            0,
            "must be >= 1 (a track with no teams would never finish; remove the track instead)",
        );
    }
    let duration = check.dist(&format!("{path}.duration_days"), &raw.duration_days)?;
    Some(Track {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        capacity: raw.capacity,
        duration,
        duration_spec: raw.duration_days.0.clone(),
        discipline: raw.discipline,
    })
}

fn lab(
    check: &mut Checker,
    raw: &RawLab,
    index: usize,
    start_date: NaiveDate,
    ids: &mut HashSet<String>,
) -> Lab {
    let path = element_path("labs", &raw.id, index);
    check.id(&path, &raw.id, ids);
    let participation = match (raw.participation.signed, raw.participation.from) {
        (Some(true), None) => Participation::Signed,
        (Some(false), None) | (None, None) => Participation::Never,
        // Not signed at the start, joining on `from`.
        (None | Some(false), Some(from)) => {
            let day = from.days_since(start_date);
            if !day.is_finite() {
                check.refuse(
                    format!("{path}.participation.from"),
                    from,
                    "must be a day number or a date",
                );
            }
            Participation::From(SimTime::from_days(day))
        }
        (Some(true), Some(from)) => {
            check.refuse(
                format!("{path}.participation"),
                format!("{{ signed = true, from = {from} }}"),
                "signed = true means from the start; give `from` with signed = false (or alone) for a lab that joins later",
            );
            Participation::Never
        }
    };
    let expedited_window = raw.expedited_window_days.map(|days| {
        SimDuration::from_days(check.days(
            &format!("{path}.expedited_window_days"),
            days,
            MAX_HORIZON_DAYS,
        ))
    });
    if raw.lines.is_empty() {
        check.refuse(
            format!("{path}.lines"),
            "[]",
            "a lab needs at least one [[labs.lines]] entry",
        );
    }
    let mut line_ids = HashSet::new();
    let lines = raw
        .lines
        .iter()
        .enumerate()
        .filter_map(|(line_index, raw_line)| {
            line(
                check,
                raw_line,
                &format!("{path}.lines"),
                line_index,
                start_date,
                &mut line_ids,
            )
        })
        .collect();
    Lab {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        jurisdiction: raw.jurisdiction,
        participation,
        expedited_window,
        lines,
    }
}

fn line(
    check: &mut Checker,
    raw: &RawLine,
    array: &str,
    index: usize,
    start_date: NaiveDate,
    ids: &mut HashSet<String>,
) -> Option<Line> {
    let path = element_path(array, &raw.id, index);
    check.id(&path, &raw.id, ids);
    let cadence_path = format!("{path}.cadence_days");
    let cadence = match &raw.cadence_days.0 {
        DistSpec::Dates { dates } => {
            let days: Vec<f64> = dates.iter().map(|d| d.days_since(start_date)).collect();
            for (i, (day, written)) in days.iter().zip(dates).enumerate() {
                if !(day.is_finite() && *day >= 0.0) {
                    check.refuse(
                        format!("{cadence_path}.dates[{i}]"),
                        written,
                        "must be on or after simulation.start_date",
                    );
                } else if i > 0 && *day < days[i - 1] {
                    check.refuse(
                        format!("{cadence_path}.dates[{i}]"),
                        written,
                        "dates must be in chronological order",
                    );
                }
            }
            if dates.is_empty() {
                check.refuse(&cadence_path, "[]", "a schedule needs at least one date");
            }
            Cadence::Scheduled(days.into_iter().map(SimTime::from_days).collect())
        }
        spec => {
            let mean = spec.mean().unwrap_or(f64::INFINITY);
            if mean < MIN_MEAN_CADENCE_DAYS {
                check.refuse(
                    &cadence_path,
                    spec,
                    format!("the mean cadence must be at least {MIN_MEAN_CADENCE_DAYS} day"),
                );
            }
            Cadence::Every(check.dist(&cadence_path, &raw.cadence_days)?)
        }
    };
    let first_ready = match &raw.first_ready_days {
        Some(param) => check.dist(&format!("{path}.first_ready_days"), param)?,
        None => default_first_ready(&raw.cadence_days.0),
    };
    Some(Line {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        access: raw.access,
        cadence,
        cadence_spec: raw.cadence_days.0.clone(),
        first_ready,
        next_cycle_starts: raw.next_cycle_starts,
    })
}

/// Without a stated first ready day, a line is taken to be at a uniformly
/// random point of its cycle: the first model is ready uniformly within one
/// mean cadence.
fn default_first_ready(cadence: &DistSpec) -> Dist {
    let mean = cadence.mean().filter(|m| m.is_finite() && *m > 0.0);
    match mean {
        Some(mean) => DistSpec::Uniform {
            low: 0.0,
            high: mean,
        }
        .to_dist()
        .unwrap_or(Dist::Constant(0.0)),
        None => Dist::Constant(0.0),
    }
}
