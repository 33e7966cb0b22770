//! Raw structs to a typed [`Scenario`]: every range and combination checked,
//! every problem reported with its path, value and what is allowed.

use std::collections::HashSet;
use std::fmt::Display;

use chrono::NaiveDate;

use super::dist::{Dist, DistParam, DistProblem, DistSpec};
use super::error::{Problem, ScenarioError};
use super::raw::{
    RawEcosystem, RawHazard, RawIncidents, RawLab, RawLine, RawMarket, RawReview, RawScenario,
    RawTrack,
};
use super::raw::{RawEscalation, RawExportRestriction};
use super::{
    Cadence, Capability, Ecosystem, Escalation, ExportRestriction, Hazard, Incidents, Lab, Line,
    Market, Participation, Review, Scenario, Segment, Signing, Threshold, Track,
};
use crate::engine::{SimDuration, SimTime};

/// Longest horizon accepted, in days (a century).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;
/// Largest population of a market segment: adopters stay exact integers
/// in stochastic mode, and adopter-days inside the statistics' range.
pub const MAX_POPULATION: f64 = 1e12;
/// Shortest mean cadence accepted, in days: a line cannot flood the run with
/// models.
pub const MIN_MEAN_CADENCE_DAYS: f64 = 1.0;

/// The id no entry may take.
pub const RESERVED_ID: &str = "all";

/// Where an id ends up in the outputs.
#[derive(Clone, Copy)]
enum IdKind {
    /// In cells only (labs, lines).
    Value,
    /// In column names too (segments, tracks).
    Column,
}

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

    /// A short id usable in parameter paths and output cells, unique among
    /// its siblings. Ids that become part of column names (`Name::Column`)
    /// start with a letter and have no `-`, which R's `read.csv` would turn
    /// into a dot. `all` is reserved: it labels the system rows of
    /// `summary.csv` and would give two `share_all` columns.
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

    /// A probability in [0, 1].
    fn probability(&mut self, path: &str, value: f64) -> f64 {
        if !(0.0..=1.0).contains(&value) {
            self.refuse(path, value, "must be a probability from 0 to 1");
        }
        value
    }

    /// A finite number >= 0.
    fn non_negative(&mut self, path: &str, value: f64) -> f64 {
        if !(value.is_finite() && value >= 0.0) {
            self.refuse(path, value, "must be a finite number >= 0");
        }
        value
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

    let capability = &raw.capability;
    if !(-1e9..=1e9).contains(&capability.frontier_at_start) {
        check.refuse(
            "capability.frontier_at_start",
            capability.frontier_at_start,
            "must be a number of frontier-months between -1e9 and 1e9",
        );
    }
    if !(0.0..=1e6).contains(&capability.frontier_rate_per_month) {
        check.refuse(
            "capability.frontier_rate_per_month",
            capability.frontier_rate_per_month,
            "must be a rate from 0 to 1e6 frontier-months per month",
        );
    }
    let capability = Capability {
        frontier_at_start: capability.frontier_at_start,
        rate_per_month: capability.frontier_rate_per_month,
    };
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

    let lab_ids: Vec<&str> = raw.labs.iter().map(|lab| lab.id.as_str()).collect();
    let market = raw
        .market
        .as_ref()
        .map(|market| self::market(&mut check, market, &lab_ids));

    let hazard = raw
        .hazard
        .as_ref()
        .map(|hazard| self::hazard(&mut check, hazard));
    let ecosystem = ecosystem(&mut check, &raw.ecosystem);
    let incidents = incidents(&mut check, &raw.incidents);
    let segment_ids: Vec<&str> = raw
        .market
        .iter()
        .flat_map(|market| market.segments.iter().map(|s| s.id.as_str()))
        .collect();
    let escalation = raw
        .escalation
        .as_ref()
        .map(|escalation| self::escalation(&mut check, escalation, &segment_ids));
    let export_restriction = raw
        .export_restriction
        .as_ref()
        .map(|export| export_restriction(&mut check, export, start_date))
        .unwrap_or_default();

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
        capability,
        review,
        market,
        hazard,
        ecosystem,
        incidents,
        escalation,
        export_restriction,
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
    let threshold = match raw
        .threshold
        .as_ref()
        .map(|t| (t.min_capability, t.within_months_of_frontier))
    {
        None | Some((None, None)) => Threshold::All,
        Some((Some(min), None)) => {
            if !min.is_finite() {
                check.refuse(
                    "review.threshold.min_capability",
                    min,
                    "must be a finite number of frontier-months",
                );
            }
            Threshold::MinCapability(min)
        }
        Some((None, Some(months))) => Threshold::WithinMonths(
            check.non_negative("review.threshold.within_months_of_frontier", months),
        ),
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
    let operational = raw.operational.days_since(start_date);
    if !operational.is_finite() {
        check.refuse(
            "review.operational",
            raw.operational,
            "must be a day number or a date",
        );
    }
    Review {
        threshold,
        window: SimDuration::from_days(window_days),
        clock_start: raw.clock_start,
        on_expiry: raw.on_expiry,
        operational: SimTime::from_days(operational),
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
    check.id(&path, &raw.id, ids, IdKind::Column);
    if raw.capacity == 0 {
        check.refuse(
            format!("{path}.capacity"),
            0,
            "must be >= 1 (a track with no teams would never finish; remove the track instead)",
        );
    }
    let duration = check.dist(&format!("{path}.duration_days"), &raw.duration_days);
    // Checked whether or not the duration is: every problem is listed.
    let detection_probability = check.probability(
        &format!("{path}.detection_probability"),
        raw.detection_probability,
    );
    Some(Track {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        capacity: raw.capacity,
        duration: duration?,
        duration_spec: raw.duration_days.0.clone(),
        discipline: raw.discipline,
        detection_probability,
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
    check.id(&path, &raw.id, ids, IdKind::Value);
    let signing = raw.participation.signing.as_ref().map(|signing| {
        for (name, value) in [
            ("base_rate_per_day", signing.base_rate_per_day),
            ("peer_weight", signing.peer_weight),
            ("pressure_weight", signing.pressure_weight),
        ] {
            check.non_negative(&format!("{path}.participation.signing.{name}"), value);
        }
        Signing {
            base_rate_per_day: signing.base_rate_per_day,
            peer_weight: signing.peer_weight,
            pressure_weight: signing.pressure_weight,
        }
    });
    let participation = match (raw.participation.signed, raw.participation.from) {
        _ if signing.is_some()
            && (raw.participation.signed == Some(true) || raw.participation.from.is_some()) =>
        {
            check.refuse(
                format!("{path}.participation.signing"),
                "a signing rate",
                "a lab that signs at a rate starts outside: drop `signed = true` and `from`",
            );
            Participation::Never
        }
        _ if let Some(signing) = signing => Participation::Signing(signing),
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
        carve_out: raw.participation.carve_out.clone(),
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
    check.id(&path, &raw.id, ids, IdKind::Value);
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
            Some(Cadence::Scheduled(
                days.into_iter().map(SimTime::from_days).collect(),
            ))
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
            check
                .dist(&cadence_path, &raw.cadence_days)
                .map(Cadence::Every)
        }
    };
    // Every field is checked before a refused one drops the line, so that
    // every problem is listed at once.
    let capability_lag = check.dist(
        &format!("{path}.capability_lag_months"),
        &raw.capability_lag_months,
    );
    let incumbent_released_day = raw.incumbent_released.map(|day| {
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
    let first_ready = match &raw.first_ready_days {
        Some(param) => check.dist(&format!("{path}.first_ready_days"), param),
        None => Some(default_first_ready(&raw.cadence_days.0)),
    };
    let (Some(cadence), Some(capability_lag), Some(first_ready)) =
        (cadence, capability_lag, first_ready)
    else {
        return None;
    };
    Some(Line {
        id: raw.id.clone(),
        name: raw.name.clone().unwrap_or_else(|| raw.id.clone()),
        access: raw.access,
        cadence,
        cadence_spec: raw.cadence_days.0.clone(),
        first_ready,
        next_cycle_starts: raw.next_cycle_starts,
        capability_lag,
        capability_lag_spec: raw.capability_lag_months.0.clone(),
        incumbent_released_day,
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

fn market(check: &mut Checker, raw: &RawMarket, lab_ids: &[&str]) -> Market {
    let step_days = raw.step_days;
    if !(1.0 / 24.0..=365.0).contains(&step_days) {
        check.refuse(
            "market.step_days",
            step_days,
            "must be a number of days from 1/24 (an hour) to 365",
        );
    }
    if !(raw.drop_share_below.is_finite() && (0.0..0.5).contains(&raw.drop_share_below)) {
        check.refuse(
            "market.drop_share_below",
            raw.drop_share_below,
            "must be >= 0 and < 0.5",
        );
    }
    if raw.segments.is_empty() {
        check.refuse(
            "market.segments",
            "[]",
            "a market needs at least one segment (omit [market] for none)",
        );
    }
    let mut ids = HashSet::new();
    let segments = raw
        .segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            let path = element_path("market.segments", &segment.id, index);
            check.id(&path, &segment.id, &mut ids, IdKind::Column);
            if !(segment.population > 0.0 && segment.population <= MAX_POPULATION) {
                check.refuse(
                    format!("{path}.population"),
                    segment.population,
                    "must be a number of adopters > 0 and <= 1e12 (counts stay exact)",
                );
            }
            if !(segment.incident_exposure_weight.is_finite()
                && segment.incident_exposure_weight >= 0.0)
            {
                check.refuse(
                    format!("{path}.incident_exposure_weight"),
                    segment.incident_exposure_weight,
                    "must be a number >= 0",
                );
            }
            if !(0.0..=1.0).contains(&segment.adopted_at_start) {
                check.refuse(
                    format!("{path}.adopted_at_start"),
                    segment.adopted_at_start,
                    "must be a fraction from 0 to 1",
                );
            }
            for (name, value) in [
                ("bass_p_per_year", segment.bass_p_per_year),
                ("bass_q_per_year", segment.bass_q_per_year),
                ("switching_per_year", segment.switching_per_year),
            ] {
                if !(0.0..=1e4).contains(&value) {
                    check.refuse(
                        format!("{path}.{name}"),
                        value,
                        "must be a rate per year >= 0 and <= 10000",
                    );
                }
            }
            for (name, value) in [
                ("capability_weight", segment.capability_weight),
                ("open_weights_preference", segment.open_weights_preference),
                ("reviewed_premium", segment.reviewed_premium),
                ("ecosystem_weight", segment.ecosystem_weight),
            ] {
                if !(value.is_finite() && value.abs() <= 100.0) {
                    check.refuse(
                        format!("{path}.{name}"),
                        value,
                        "must be a utility between -100 and 100",
                    );
                }
            }
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
            Segment {
                id: segment.id.clone(),
                name: segment.name.clone().unwrap_or_else(|| segment.id.clone()),
                population: segment.population,
                region: segment.region,
                adopted_at_start: segment.adopted_at_start,
                bass_p_per_year: segment.bass_p_per_year,
                bass_q_per_year: segment.bass_q_per_year,
                switching_per_year: segment.switching_per_year,
                capability_weight: segment.capability_weight,
                open_weights_preference: segment.open_weights_preference,
                reviewed_premium: segment.reviewed_premium,
                ecosystem_weight: segment.ecosystem_weight,
                incident_exposure_weight: segment.incident_exposure_weight,
                reputation,
            }
        })
        .collect();
    Market {
        step: SimDuration::from_days(step_days),
        mode: raw.mode,
        drop_share_below: raw.drop_share_below,
        segments,
    }
}

fn hazard(check: &mut Checker, raw: &RawHazard) -> Hazard {
    if !raw.midpoint_capability.is_finite() {
        check.refuse(
            "hazard.midpoint_capability",
            raw.midpoint_capability,
            "must be a finite number of frontier-months",
        );
    }
    if !(raw.scale_months.is_finite() && raw.scale_months > 0.0) {
        check.refuse(
            "hazard.scale_months",
            raw.scale_months,
            "must be a number of frontier-months > 0",
        );
    }
    let preparedness_factor =
        check.probability("hazard.preparedness_factor", raw.preparedness_factor);
    Hazard {
        midpoint_capability: raw.midpoint_capability,
        scale_months: raw.scale_months,
        block_probability: check.probability("hazard.block_probability", raw.block_probability),
        mitigation_days: check
            .dist("hazard.mitigation_days", &raw.mitigation_days)
            .unwrap_or(Dist::Constant(0.0)),
        mitigation_success: check.probability("hazard.mitigation_success", raw.mitigation_success),
        preparedness_factor,
    }
}

fn ecosystem(check: &mut Checker, raw: &RawEcosystem) -> Ecosystem {
    if !(raw.derivatives_half_life_days.is_finite() && raw.derivatives_half_life_days > 0.0) {
        check.refuse(
            "ecosystem.derivatives_half_life_days",
            raw.derivatives_half_life_days,
            "must be a number of days > 0",
        );
    }
    Ecosystem {
        derivatives_per_day_initial: check.non_negative(
            "ecosystem.derivatives_per_day_initial",
            raw.derivatives_per_day_initial,
        ),
        derivatives_half_life_days: raw.derivatives_half_life_days,
        strip_probability: check.probability("ecosystem.strip_probability", raw.strip_probability),
        strip_delay_days: check
            .dist("ecosystem.strip_delay_days", &raw.strip_delay_days)
            .unwrap_or(Dist::Constant(0.0)),
    }
}

fn incidents(check: &mut Checker, raw: &RawIncidents) -> Incidents {
    Incidents {
        rate_per_exposure_day: check
            .non_negative("incidents.rate_per_exposure_day", raw.rate_per_exposure_day),
        exposure_per_model: check
            .non_negative("incidents.exposure_per_model", raw.exposure_per_model),
        exposure_per_derivative: check.non_negative(
            "incidents.exposure_per_derivative",
            raw.exposure_per_derivative,
        ),
        response_delay_days: check
            .dist("incidents.response_delay_days", &raw.response_delay_days)
            .unwrap_or(Dist::Constant(0.0)),
        patch_probability: check.probability("incidents.patch_probability", raw.patch_probability),
    }
}

fn escalation(check: &mut Checker, raw: &RawEscalation, segment_ids: &[&str]) -> Escalation {
    for (name, value) in [
        (
            "escalation.pressure_per_uncovered_release",
            raw.pressure_per_uncovered_release,
        ),
        (
            "escalation.pressure_per_incident",
            raw.pressure_per_incident,
        ),
    ] {
        if !(0.0..=1e6).contains(&value) {
            check.refuse(name, value, "must be a pressure from 0 to 1e6");
        }
    }
    if !(raw.pressure_half_life_days.is_finite() && raw.pressure_half_life_days > 0.0) {
        check.refuse(
            "escalation.pressure_half_life_days",
            raw.pressure_half_life_days,
            "must be a number of days > 0",
        );
    }
    let reaction_delay = check.days(
        "escalation.reaction_delay_days",
        raw.reaction_delay_days,
        MAX_HORIZON_DAYS,
    );
    for (name, threshold) in [
        ("escalation.public_threshold", raw.public_threshold),
        ("escalation.directive_threshold", raw.directive_threshold),
    ] {
        if let Some(value) = threshold
            && !(value.is_finite() && value > 0.0)
        {
            check.refuse(name, value, "must be a pressure > 0");
        }
    }
    if !(raw.public_penalty.is_finite() && raw.public_penalty.abs() <= 100.0) {
        check.refuse(
            "escalation.public_penalty",
            raw.public_penalty,
            "must be a utility between -100 and 100",
        );
    }
    let public_penalty_segments = raw
        .public_penalty_segments
        .iter()
        .filter_map(|id| {
            let found = segment_ids.iter().position(|segment| segment == id);
            if found.is_none() {
                check.refuse(
                    "escalation.public_penalty_segments",
                    format!("\"{id}\""),
                    format!(
                        "names no market segment (segments: {})",
                        segment_ids.join(", ")
                    ),
                );
            }
            found
        })
        .collect();
    let suspension = check.days(
        "escalation.directive.suspension_days",
        raw.directive.suspension_days,
        MAX_HORIZON_DAYS,
    );
    Escalation {
        pressure_per_uncovered_release: raw.pressure_per_uncovered_release,
        pressure_per_incident: raw.pressure_per_incident,
        pressure_half_life_days: raw.pressure_half_life_days,
        reaction_delay: SimDuration::from_days(reaction_delay),
        public_threshold: raw.public_threshold,
        public_penalty: raw.public_penalty,
        public_penalty_segments,
        directive_threshold: raw.directive_threshold,
        mandatory_review: raw.directive.mandatory_review,
        suspend_api: raw.directive.suspend_api,
        suspend_regions: raw.directive.suspend_regions.clone(),
        suspension: SimDuration::from_days(suspension),
    }
}

fn export_restriction(
    check: &mut Checker,
    raw: &RawExportRestriction,
    start_date: NaiveDate,
) -> ExportRestriction {
    let from = raw.from.map(|from| {
        let day = from.days_since(start_date);
        if !day.is_finite() {
            check.refuse(
                "export_restriction.from",
                from,
                "must be a day number or a date",
            );
        }
        SimTime::from_days(day)
    });
    ExportRestriction {
        from,
        after_directive: raw.after_directive,
    }
}
