//! `validate`'s account of what a scenario would run: the period and work,
//! the review policy, the frontier and market, escalation, each lab and line
//! with its coverage, and the first points of the sweep.

mod market;

use std::fmt::Write as _;

use crate::experiment::Experiment;
use crate::output::date_of;
use crate::scenario::{
    BeforeOperational, Cadence, Dist, OnExpiry, Participation, Scenario, Threshold, name_of,
};

/// A plain-text account of what a scenario would run.
pub fn describe(experiment: &Experiment) -> String {
    let scenario = &experiment.base;
    let mut text = String::new();
    runs(&mut text, experiment);
    review(&mut text, scenario);
    frontier_and_market(&mut text, scenario);
    market::calibration(&mut text, scenario);
    market::fitted(&mut text, scenario);
    escalation(&mut text, scenario);
    labs(&mut text, scenario);
    sweep(&mut text, experiment);
    text
}

/// Lines of text, written without a fallible writer.
macro_rules! line {
    ($text:expr, $($arg:tt)*) => {
        let _ = writeln!($text, $($arg)*);
    };
}

fn runs(text: &mut String, experiment: &Experiment) {
    let scenario = &experiment.base;
    let end = date_of(scenario.start_date, scenario.horizon);
    line!(text, "scenario  {} ({})", scenario.name(), scenario.file);
    line!(
        text,
        "period    {} to {end} ({} days)",
        scenario.start_date,
        scenario.horizon.as_days()
    );
    let points = experiment.points.len();
    line!(
        text,
        "runs      {points} point{} x {} replications = {} work units; seed {}; common random numbers {}",
        if points == 1 { "" } else { "s" },
        scenario.replications(),
        experiment.work_units(),
        scenario.seed(),
        if scenario.common_random_numbers() {
            "on"
        } else {
            "off"
        }
    );
}

fn review(text: &mut String, scenario: &Scenario) {
    let review = &scenario.review;
    if !review.is_active() {
        line!(text, "review    none (window of 0 days or no tracks)");
        return;
    }
    line!(
        text,
        "review    window {} days, clock from {}, on expiry {}",
        review.window_days,
        name_of(&review.clock_start).replace('_', " "),
        match review.on_expiry {
            OnExpiry::Release => "release (voluntary)",
            OnExpiry::Hold => "hold (mandatory preclearance)",
        }
    );
    line!(
        text,
        "          operational {} (day {}); covered models ready before then {}",
        date_of(scenario.start_date, review.operational_at),
        review.operational_at.as_days(),
        match review.before_operational {
            BeforeOperational::Release => "release unreviewed",
            BeforeOperational::Wait => "wait for it",
        }
    );
    line!(
        text,
        "          covers {} lines of {} labs that participate",
        names(&review.covered_access),
        names(&review.covered_jurisdictions)
    );
    let threshold = match review.capability_rule {
        Threshold::All => "every model".to_string(),
        Threshold::MinCapability(min) => format!("models of capability >= {min} frontier-months"),
        Threshold::WithinMonths(months) => format!("models within {months} months of the frontier"),
    };
    line!(text, "          threshold: {threshold}");
    for track in &review.tracks {
        line!(
            text,
            "          track {:<12} {}, {} days per review",
            track.id,
            teams(track, scenario.start_date),
            track.duration_days.spec()
        );
    }
}

/// A track's teams over time: `2 team(s)`, or with a schedule
/// `1 team(s) from the start, 2 from 2027-01-01 (day 213), ...`.
fn teams(track: &crate::scenario::Track, start: chrono::NaiveDate) -> String {
    let mut text = format!("{} team(s)", track.capacity);
    if track.capacity_schedule.is_empty() {
        return text;
    }
    text.push_str(" from the start");
    let mut steps: Vec<(f64, String, u32)> = (track.capacity_schedule.iter())
        .map(|step| {
            (
                step.from.days_since(start),
                step.from.to_string(),
                step.capacity,
            )
        })
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (day, written, capacity) in steps {
        let when = match written.parse::<f64>() {
            Ok(_) => format!("day {written}"),
            Err(_) => format!("{written} (day {day})"),
        };
        text.push_str(&format!(", {capacity} from {when}"));
    }
    text
}

fn frontier_and_market(text: &mut String, scenario: &Scenario) {
    let capability = &scenario.capability;
    line!(
        text,
        "frontier  {} frontier-months on day 0, +{} a month",
        capability.frontier_at_start,
        capability.frontier_rate_per_month
    );
    let Some(market) = &scenario.market else {
        line!(text, "market    none");
        return;
    };
    line!(
        text,
        "market    step {} days, {} values; models leave a segment below {} of choice and adopters",
        market.step_days,
        name_of(&market.mode),
        market.drop_share_below
    );
    for segment in &market.segments {
        line!(
            text,
            "          segment {:<12} {} potential adopters ({}), {}% adopted on day 0, Bass p {} q {} /yr, switching {} /yr",
            segment.id,
            segment.population,
            name_of(&segment.region),
            segment.adopted_at_start * 100.0,
            segment.bass_p_per_year,
            segment.bass_q_per_year,
            segment.switching_per_year
        );
    }
}

fn escalation(text: &mut String, scenario: &Scenario) {
    if let Some(escalation) = &scenario.escalation {
        line!(
            text,
            "pressure  +{} per release outside review that would have been covered, +{} per incident; halves every {} days",
            escalation.pressure_per_uncovered_release,
            escalation.pressure_per_incident,
            escalation.pressure_half_life_days
        );
        match escalation.public_threshold {
            Some(threshold) => {
                line!(
                    text,
                    "          public pressure at {threshold} (after {} days): utility -{} in {}",
                    escalation.reaction_delay_days,
                    escalation.public_penalty,
                    or_none(&escalation.public_penalty_segments)
                );
            }
            None => {
                line!(text, "          no public pressure");
            }
        }
        let directive = &escalation.directive;
        let mut actions = Vec::new();
        if directive.mandatory_review {
            actions.push("mandatory review (participation, hold)".to_string());
        }
        if directive.suspend_api {
            actions.push(format!(
                "API models suspended in {} for {} days",
                names(&directive.suspend_regions),
                directive.suspension_days
            ));
        }
        match escalation.directive_threshold {
            Some(threshold) => {
                line!(
                    text,
                    "          directive at {threshold}: {}",
                    or_none(&actions)
                );
            }
            None => {
                line!(text, "          no directive");
            }
        }
    }
    let export = &scenario.export_restriction;
    if export.from_at.is_some() || export.after_directive {
        let when = match export.from_at {
            Some(from) => format!("from {}", date_of(scenario.start_date, from)),
            None => "after the first directive".to_string(),
        };
        line!(
            text,
            "export    U.S. API models unavailable in the foreign region {when}"
        );
    }
}

fn labs(text: &mut String, scenario: &Scenario) {
    let review = &scenario.review;
    line!(text, "labs");
    for lab in &scenario.labs {
        let participation = match lab.participation_rule {
            Participation::Signed => "signed".to_string(),
            Participation::Never => "not participating".to_string(),
            Participation::From(time) => format!(
                "participates from {} (day {})",
                date_of(scenario.start_date, time),
                time.as_days()
            ),
            Participation::Signing(signing) => format!(
                "signs at a rate per day of {} + {} x share of peers signed + {} x pressure",
                signing.base_rate_per_day, signing.peer_weight, signing.pressure_weight
            ),
        };
        let carve_out = if lab.carve_out().is_empty() {
            String::new()
        } else {
            format!(", carve-out: {} uncovered", names(lab.carve_out()))
        };
        let window = lab
            .expedited_window_days
            .map(|days| format!(", expedited window {days} days"))
            .unwrap_or_default();
        line!(
            text,
            "  {:<12} {:<20} {:<8} {participation}{window}{carve_out}",
            lab.id,
            lab.display_name(),
            name_of(&lab.jurisdiction)
        );
        for line in &lab.lines {
            // The model's own scope rule, with the lab's terms.
            let in_scope = review.is_active() && lab.in_scope(line.access, review, false);
            let coverage = match (in_scope, lab.participation_rule) {
                (false, _) => "not covered",
                (true, Participation::Never) => "in scope, lab not participating",
                (true, Participation::From(_) | Participation::Signing(_)) => {
                    "covered once the lab participates"
                }
                (true, Participation::Signed) if review.capability_rule != Threshold::All => {
                    "covered when past the threshold"
                }
                (true, Participation::Signed) => "covered",
            };
            let cadence = match &line.cadence {
                Cadence::Every(dist) => format!("every {} days", dist.spec()),
                Cadence::Scheduled(times) => format!("{} scheduled ready dates", times.len()),
            };
            let lag = match line.capability_lag_months.dist() {
                Dist::Constant(value) if *value == 0.0 => String::new(),
                _ => format!(
                    "; lag behind the frontier {} months",
                    line.capability_lag_months.spec()
                ),
            };
            line!(
                text,
                "    {:<10} {:<12} {cadence}{lag}; next cycle from {}; {coverage}",
                line.id,
                name_of(&line.access),
                name_of(&line.next_cycle_starts),
            );
            if let Dist::Residual(residual) = &line.first_ready {
                line!(
                    text,
                    "               first model after the time left in the cycle begun {} days before \
                     the start (its cadence runs that long with probability {:.2})",
                    residual.elapsed(),
                    residual.survival()
                );
            }
        }
    }
}

/// A robustness study: its options, what judges them, and the range each
/// uncertainty takes over the worlds drawn.
fn robustness(text: &mut String, experiment: &Experiment, sweep: &crate::experiment::Sweep) {
    let options = sweep.raw.options.as_deref().unwrap_or_default();
    let worlds = experiment.points.len() / options.len().max(1);
    let sampler = (sweep.raw.sampler).unwrap_or(crate::experiment::Method::LatinHypercube);
    line!(
        text,
        "study     robustness: {worlds} worlds ({}) x {} options = {} points, {} replications each",
        sampler.as_str(),
        options.len(),
        experiment.points.len(),
        experiment.replications()
    );
    for option in options {
        let set: Vec<String> = (option.set.iter())
            .map(|(path, value)| format!("{path}={}", crate::experiment::render(value)))
            .collect();
        line!(text, "  option  {}: {}", option.name, set.join(", "));
    }
    if let Some(study) = experiment.robustness() {
        for objective in &study.objectives {
            line!(
                text,
                "  judged  {} {}",
                objective.direction.as_str(),
                objective.name()
            );
        }
    }
    let first = sweep.labels;
    let uncertain = sweep.paths.len() - first - option_paths(options).len();
    line!(text, "  {uncertain} uncertainties, over the worlds drawn:");
    for (index, path) in sweep.paths.iter().enumerate().skip(first).take(uncertain) {
        let values = experiment.points.iter().filter_map(|p| {
            p.values[index]
                .as_float()
                .or_else(|| p.values[index].as_integer().map(|i| i as f64))
        });
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
        if low <= high {
            line!(text, "    {path:<56} {} to {}", short(low), short(high));
        } else {
            line!(text, "    {path}");
        }
    }
}

/// Every path the options set, once.
fn option_paths(options: &[crate::experiment::RawArm]) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    for path in options.iter().flat_map(|o| o.set.keys()) {
        if !paths.contains(&path.as_str()) {
            paths.push(path);
        }
    }
    paths
}

/// Four significant digits, without trailing zeros: 0.2752, 11.15, 5052.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    match text.contains('.') {
        true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => text,
    }
}

fn sweep(text: &mut String, experiment: &Experiment) {
    let Some(sweep) = &experiment.sweep else {
        return;
    };
    if sweep.method == crate::experiment::Method::Robustness {
        return robustness(text, experiment, sweep);
    }
    match &sweep.plan {
        None => {
            line!(
                text,
                "sweep     {} over {}; baseline point {}",
                sweep.method.as_str(),
                sweep.paths.join(", "),
                sweep.baseline
            );
        }
        Some(plan) => study(text, plan, experiment),
    }
    let shown = 10;
    let arms = sweep.raw.arms.iter().flatten().map(|arm| arm.name.as_str());
    let names: Vec<&str> = std::iter::once("baseline").chain(arms).collect();
    for point in experiment.points.iter().take(shown) {
        let values: Vec<String> = (sweep.paths.iter().zip(point.shown()))
            .map(|(path, value)| format!("{path}={value}"))
            .collect();
        let name = match sweep.method {
            crate::experiment::Method::Arms => format!("{}: ", names[point.id]),
            _ => String::new(),
        };
        line!(text, "  point {:<5} {name}{}", point.id, values.join("  "));
    }
    if experiment.points.len() > shown {
        line!(
            text,
            "  ... {} more (all in points.csv)",
            experiment.points.len() - shown
        );
    }
}

/// A sensitivity design: its size, groups and outputs.
fn study(text: &mut String, plan: &crate::sensitivity::Plan, experiment: &Experiment) {
    use crate::sensitivity::DesignKind;
    let groups = plan.group_names.len();
    let design = match plan.method {
        DesignKind::Sobol {
            base_rows,
            second_order,
        } => format!(
            "Sobol' indices (S1, ST{}) from a Saltelli design of N = {base_rows} base rows",
            if second_order { ", S2" } else { "" }
        ),
        DesignKind::Morris {
            trajectories,
            levels,
        } => format!(
            "Morris elementary effects (mu, mu_star, sigma) along {trajectories} trajectories \
             on {levels} levels"
        ),
    };
    line!(text, "sweep     {design}:");
    line!(
        text,
        "          {} points x {} replications, over {} parameters in {groups} groups",
        experiment.points.len(),
        experiment.replications(),
        plan.parameters.len()
    );
    for (group, name) in plan.group_names.iter().enumerate() {
        let members: Vec<&str> = (plan.parameters.iter().zip(&plan.group_of))
            .filter(|(_, g)| **g == group)
            .map(|(p, _)| p.as_str())
            .collect();
        if members != [name.as_str()] {
            line!(text, "          group {name}: {}", members.join(", "));
        }
    }
    if let Some(contrast) = &plan.contrast {
        line!(
            text,
            "          of the change when {} (each design point run at both)",
            contrast.label()
        );
    }
    line!(
        text,
        "          indices for {} (sensitivity.csv)",
        if plan.metrics.is_empty() {
            "every metric".to_string()
        } else {
            plan.metrics.join(", ")
        }
    );
}

/// Choices' names, joined.
fn names<T: serde::Serialize>(choices: &[T]) -> String {
    let names: Vec<String> = choices.iter().map(name_of).collect();
    or_none(&names)
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "no".to_string()
    } else {
        items.join(", ")
    }
}
