//! Settings to a validated [`Scenario`]: every declared range checked, every
//! combination that cannot hold refused, every problem reported with its
//! path, value and what is allowed, and the values the model reads in its
//! own terms (times, rules, indices) worked out.

use std::collections::HashSet;
use std::fmt::Display;

use chrono::NaiveDate;

use super::Scenario;
use super::declare::{Reading, Section};
use super::dist::{Dist, DistParam, DistProblem, DistSpec};
use super::error::{Problem, ScenarioError};
use super::sections::{
    Cadence, Escalation, ExportRestriction, Lab, Line, Market, Participation, Review, Settings,
    Threshold,
};
use crate::engine::SimTime;

/// Largest population of a market segment: adopters stay exact integers
/// in stochastic mode, and adopter-days inside the statistics' range.
pub const MAX_POPULATION: f64 = 1e12;
/// Shortest mean cadence accepted, in days: a line cannot flood the run with
/// models.
pub const MIN_MEAN_CADENCE_DAYS: f64 = 1.0;
/// The id no entry may take.
pub const RESERVED_ID: &str = "all";

/// Collects problems so that one run of validation reports all of them.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn refuse(&mut self, path: impl Into<String>, value: impl Display, allowed: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            value: super::error::shown(value.to_string()),
            allowed: allowed.into(),
        });
    }

    /// A short id usable in parameter paths and output cells, unique among
    /// its siblings. Ids that become part of column names (`Column`) start
    /// with a letter and have no `-`, which R's `read.csv` would turn into a
    /// dot. `all` is reserved: it labels the system rows of `summary.csv`
    /// and would give two `share_all` columns.
    fn id(&mut self, path: &str, id: &str, seen: &mut HashSet<String>, kind: IdKind) {
        let valid = match kind {
            IdKind::Value => {
                !id.is_empty()
                    && id.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    })
            }
            IdKind::Column => {
                id.starts_with(|c: char| c.is_ascii_lowercase())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }
        };
        if !valid {
            let allowed = match kind {
                IdKind::Value => {
                    "must be non-empty and use only a-z, 0-9, _ and - (it appears in parameter paths and output files)"
                }
                IdKind::Column => {
                    "must start with a letter and use only a-z, 0-9 and _ (it appears in parameter paths and column names)"
                }
            };
            self.refuse(format!("{path}.id"), format!("\"{id}\""), allowed);
        } else if id == RESERVED_ID {
            self.refuse(
                format!("{path}.id"),
                format!("\"{id}\""),
                "is reserved (it labels the system-wide rows of summary.csv and the share_all column); choose another id",
            );
        } else if !seen.insert(id.to_string()) {
            self.refuse(
                format!("{path}.id"),
                format!("\"{id}\""),
                "is used twice; ids must be unique",
            );
        }
    }

    /// A moment given as a day number or a date, as simulated time.
    fn moment(&mut self, path: &str, day: super::DayRef, start: NaiveDate) -> SimTime {
        let days = day.days_since(start);
        if !days.is_finite() {
            self.refuse(path, day, "must be a day number or a date");
        }
        SimTime::from_days(days)
    }

    /// Checks every declared parameter of a section and its nested
    /// sections against its declaration: allowed ranges, and distributions
    /// that can be sampled.
    fn declared(&mut self, section: &dyn Section, path: &str) {
        for param in section.declared() {
            let at = join(path, param.key);
            let number = |value: f64, check: &mut Checker| {
                if let Some(allowed) = &param.meta.allowed
                    && !allowed.admits(value)
                {
                    check.refuse(&at, value, allowed.says.clone());
                }
            };
            match param.reading {
                Reading::Number(value) | Reading::Maybe(Some(value)) => number(value, self),
                // A schedule of dates is checked where it is allowed.
                Reading::Dist(dist) | Reading::MaybeDist(Some(dist))
                    if !matches!(dist.spec(), DistSpec::Dates { .. })
                        || param.key != "cadence_days" =>
                {
                    self.dist(&at, dist)
                }
                Reading::Section(child) | Reading::MaybeSection(Some(child)) => {
                    self.declared(child, &at)
                }
                Reading::Sections(list) => {
                    for (index, (id, child)) in list.into_iter().enumerate() {
                        self.declared(child, &element_path(&at, id, index));
                    }
                }
                _ => {}
            }
        }
    }

    /// Records why a distribution cannot be sampled, if it cannot.
    fn dist(&mut self, path: &str, param: &DistParam) {
        if let Err(DistProblem {
            field,
            value,
            allowed,
        }) = param.spec().to_dist()
        {
            let at = if field.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{field}")
            };
            self.refuse(at, value, allowed);
        }
    }
}

/// Where an id ends up in the outputs.
#[derive(Clone, Copy)]
enum IdKind {
    /// In cells only (labs, lines).
    Value,
    /// In column names too (segments, tracks).
    Column,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
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

/// Checks everything and builds the scenario.
pub fn validate(mut settings: Settings, file: &str) -> Result<Scenario, ScenarioError> {
    let mut check = Checker {
        problems: Vec::new(),
    };
    check.declared(&settings, "");
    let start_date = settings.simulation.start_date.0;
    if settings.simulation.name.trim().is_empty() {
        check.refuse("simulation.name", "\"\"", "must not be empty");
    }
    review(&mut check, &mut settings.review, start_date);
    if settings.labs.is_empty() {
        check.refuse("labs", "[]", "a scenario needs at least one [[labs]] entry");
    }
    let mut lab_ids = HashSet::new();
    let horizon = settings.simulation.horizon();
    for (index, lab) in settings.labs.iter_mut().enumerate() {
        self::lab(&mut check, lab, index, start_date, &mut lab_ids);
        if let (Participation::From(from), Some(day)) =
            (lab.participation_rule, lab.participation.from)
            && from > horizon
        {
            check.refuse(
                format!(
                    "{}.participation.from",
                    element_path("labs", &lab.id, index)
                ),
                day,
                format!(
                    "must be a day within the run (day {} or before): a lab that joins after \
                     the horizon never takes part in it; write participation = {{ signed = \
                     false }} for that",
                    super::error::short_number(horizon.as_days())
                ),
            );
        }
    }
    let lab_ids: Vec<String> = settings.labs.iter().map(|lab| lab.id.clone()).collect();
    if let Some(market) = &mut settings.market {
        self::market(&mut check, market, &lab_ids);
    }
    let segment_ids: Vec<String> = (settings.market.iter())
        .flat_map(|market| market.segments.iter().map(|s| s.id.clone()))
        .collect();
    if let Some(escalation) = &mut settings.escalation {
        self::escalation(&mut check, escalation, &segment_ids);
    }
    export_restriction(&mut check, &mut settings.export_restriction, start_date);
    fitted(&mut check, &settings.fitted);
    if check.problems.is_empty() {
        calibrate_market(&mut check, &mut settings);
    }
    if !check.problems.is_empty() {
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            problems: check.problems,
        });
    }
    Ok(Scenario {
        file: file.to_string(),
        start_date,
        horizon: settings.simulation.horizon(),
        settings,
    })
}

fn review(check: &mut Checker, review: &mut Review, start_date: NaiveDate) {
    let mut track_ids = HashSet::new();
    for (index, track) in review.tracks.iter().enumerate() {
        let path = element_path("review.tracks", &track.id, index);
        check.id(&path, &track.id, &mut track_ids, IdKind::Column);
    }
    review.capability_rule = match review
        .threshold
        .as_ref()
        .map(|t| (t.min_capability, t.within_months_of_frontier))
    {
        None | Some((None, None)) => Threshold::All,
        Some((Some(min), None)) => Threshold::MinCapability(min),
        Some((None, Some(months))) => Threshold::WithinMonths(months),
        Some((Some(min), Some(months))) => {
            check.refuse(
                "review.threshold",
                format!(
                    "{{ min_capability = {}, within_months_of_frontier = {} }}",
                    super::error::short_number(min),
                    super::error::short_number(months)
                ),
                "give either min_capability or within_months_of_frontier, not both",
            );
            Threshold::All
        }
    };
    review.operational_at = check.moment("review.operational", review.operational, start_date);
}

fn lab(
    check: &mut Checker,
    lab: &mut Lab,
    index: usize,
    start_date: NaiveDate,
    ids: &mut HashSet<String>,
) {
    let path = element_path("labs", &lab.id, index);
    check.id(&path, &lab.id, ids, IdKind::Value);
    lab.participation_rule = participation(check, lab, &path, start_date);
    if lab.lines.is_empty() {
        check.refuse(
            format!("{path}.lines"),
            "[]",
            "a lab needs at least one [[labs.lines]] entry",
        );
    }
    let mut line_ids = HashSet::new();
    let lines_path = format!("{path}.lines");
    for (line_index, line) in lab.lines.iter_mut().enumerate() {
        self::line(
            check,
            line,
            &lines_path,
            line_index,
            start_date,
            &mut line_ids,
        );
    }
}

/// The lab's terms of participation, as a rule.
fn participation(
    check: &mut Checker,
    lab: &Lab,
    path: &str,
    start_date: NaiveDate,
) -> Participation {
    let spec = &lab.participation;
    match (spec.signed, spec.from, spec.signing) {
        (signed, from, Some(_)) if signed == Some(true) || from.is_some() => {
            check.refuse(
                format!("{path}.participation.signing"),
                "a signing rate",
                "a lab that signs at a rate starts outside: drop `signed = true` and `from`",
            );
            Participation::Never
        }
        (_, _, Some(signing)) => Participation::Signing(signing),
        (Some(true), None, None) => Participation::Signed,
        (Some(false) | None, None, None) => Participation::Never,
        // Not signed at the start, joining on `from`.
        (None | Some(false), Some(from), None) => Participation::From(check.moment(
            &format!("{path}.participation.from"),
            from,
            start_date,
        )),
        (Some(true), Some(from), None) => {
            check.refuse(
                format!("{path}.participation"),
                format!("{{ signed = true, from = {from} }}"),
                "signed = true means from the start; give `from` with signed = false (or alone) for a lab that joins later",
            );
            Participation::Never
        }
    }
}

fn line(
    check: &mut Checker,
    line: &mut Line,
    array: &str,
    index: usize,
    start_date: NaiveDate,
    ids: &mut HashSet<String>,
) {
    let path = element_path(array, &line.id, index);
    check.id(&path, &line.id, ids, IdKind::Value);
    let cadence_path = format!("{path}.cadence_days");
    line.cadence = match line.cadence_days.spec() {
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
            Cadence::Every(line.cadence_days.clone())
        }
    };
    line.incumbent_released_day = line.incumbent_released.map(|day| {
        let days = day.days_since(start_date);
        if !(days.is_finite() && days <= 0.0) {
            check.refuse(
                format!("{path}.incumbent_released"),
                day,
                "must be on or before simulation.start_date (day <= 0)",
            );
        }
        days
    });
    line.first_ready = match (&line.first_ready_days, line.incumbent_released_day) {
        (Some(param), _) => param.dist().clone(),
        (None, Some(day)) => super::dist::Residual::new(line.cadence_days.spec(), -day)
            .map(|residual| Dist::Residual(Box::new(residual)))
            .unwrap_or_else(|| default_first_ready(line.cadence_days.spec())),
        (None, None) => default_first_ready(line.cadence_days.spec()),
    };
}

/// Without a stated first ready day or an incumbent to count from, a line is
/// taken to be at a uniformly random point of its cycle: the first model is
/// ready uniformly within one mean cadence. (With an incumbent, the first
/// model is ready after the time left in the cycle that began with it:
/// [`super::dist::Residual`].)
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

fn market(check: &mut Checker, market: &mut Market, lab_ids: &[String]) {
    if market.segments.is_empty() {
        check.refuse(
            "market.segments",
            "[]",
            "a market needs at least one segment (omit [market] for none)",
        );
    }
    let mut ids = HashSet::new();
    for (index, segment) in market.segments.iter_mut().enumerate() {
        let path = element_path("market.segments", &segment.id, index);
        check.id(&path, &segment.id, &mut ids, IdKind::Column);
        let mut reputation = vec![0.0; lab_ids.len()];
        for (lab, &offset) in &segment.reputation {
            match lab_ids.iter().position(|id| id == lab) {
                Some(index) if offset.is_finite() && offset.abs() <= 100.0 => {
                    reputation[index] = offset
                }
                Some(_) => check.refuse(
                    format!("{path}.reputation.{lab}"),
                    offset,
                    "must be a utility between -100 and 100",
                ),
                None => check.refuse(
                    format!("{path}.reputation.{lab}"),
                    offset,
                    format!("names no lab (labs: {})", lab_ids.join(", ")),
                ),
            }
        }
        segment.reputation_by_lab = reputation;
        segment.open_weights_utility = segment.open_weights_preference;
    }
}

/// Solves the constants of every segment with share targets (see
/// [`super::calibrate`]).
fn calibrate_market(check: &mut Checker, settings: &mut Settings) {
    let Some(market) = &mut settings.market else {
        return;
    };
    let targeted = |s: &super::sections::Segment| {
        !s.share_targets.is_empty() || s.open_weights_share_target.is_some()
    };
    if !market.segments.iter().any(targeted) {
        return;
    }
    let calibrator = super::calibrate::Calibrator::new(
        &settings.labs,
        &settings.capability,
        &settings.ecosystem,
    );
    for (index, segment) in market.segments.iter_mut().enumerate() {
        if !targeted(segment) {
            continue;
        }
        let path = element_path("market.segments", &segment.id, index);
        match calibrator.segment(segment) {
            Ok(found) => {
                segment.reputation_by_lab = found.constants.clone();
                segment.open_weights_utility = found.open_weights_utility;
                segment.calibration = Some(found);
            }
            Err(refusals) => {
                for refusal in refusals {
                    check.refuse(
                        format!("{path}.{}", refusal.field),
                        refusal.value,
                        refusal.allowed,
                    );
                }
            }
        }
    }
}

fn escalation(check: &mut Checker, escalation: &mut Escalation, segment_ids: &[String]) {
    let mut indices = Vec::new();
    for id in &escalation.public_penalty_segments {
        match segment_ids.iter().position(|segment| segment == id) {
            Some(index) => indices.push(index),
            None => check.refuse(
                "escalation.public_penalty_segments",
                format!("\"{id}\""),
                format!(
                    "names no market segment (segments: {})",
                    segment_ids.join(", ")
                ),
            ),
        }
    }
    escalation.penalty_segments = indices;
}

/// Each interval of `[fitted]` is a finite range with its source.
fn fitted(check: &mut Checker, fitted: &super::sections::Fitted) {
    for (path, range) in fitted {
        let at = format!("fitted.\"{path}\"");
        if !(range.low.is_finite() && range.high.is_finite() && range.low <= range.high) {
            check.refuse(
                &at,
                format!("{{ low = {}, high = {} }}", range.low, range.high),
                "must be an interval of finite numbers with low <= high",
            );
        }
        if range.source.trim().is_empty() {
            check.refuse(
                format!("{at}.source"),
                "\"\"",
                "must say what data and method the interval comes from",
            );
        }
    }
}

fn export_restriction(check: &mut Checker, export: &mut ExportRestriction, start: NaiveDate) {
    export.from_at = export
        .from
        .map(|from| check.moment("export_restriction.from", from, start));
}
