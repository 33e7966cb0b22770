//! `validate`'s account of what a scenario would run.

use std::fmt::Write as _;

use crate::experiment::Experiment;
use crate::scenario::{Cadence, Participation};

/// A plain-text account of what a scenario would run.
pub fn describe(experiment: &Experiment) -> String {
    let scenario = &experiment.base;
    let mut text = String::new();
    let review = &scenario.review;
    let horizon_days = scenario.horizon.as_days();
    let end = crate::output::date_of(scenario.start_date, scenario.horizon);
    let _ = writeln!(text, "scenario  {} ({})", scenario.name, scenario.file);
    let _ = writeln!(
        text,
        "period    {} to {} ({horizon_days} days)",
        scenario.start_date, end
    );
    let _ = writeln!(
        text,
        "runs      {} point{} x {} replications = {} work units; seed {}; common random numbers {}",
        experiment.points.len(),
        if experiment.points.len() == 1 {
            ""
        } else {
            "s"
        },
        scenario.replications,
        experiment.work_units(),
        scenario.seed,
        if scenario.common_random_numbers {
            "on"
        } else {
            "off"
        }
    );
    if review.is_active() {
        let _ = writeln!(
            text,
            "review    window {} days, clock from {}, on expiry {}",
            review.window.as_days(),
            match review.clock_start {
                crate::scenario::ClockStart::Submission => "submission",
                crate::scenario::ClockStart::ReviewStart => "review start",
            },
            match review.on_expiry {
                crate::scenario::OnExpiry::Release => "release (voluntary)",
                crate::scenario::OnExpiry::Hold => "hold (mandatory preclearance)",
            }
        );
        let _ = writeln!(
            text,
            "          operational {} (day {}); covered models ready before then {}",
            crate::output::date_of(scenario.start_date, review.operational),
            review.operational.as_days(),
            match review.before_operational {
                crate::scenario::BeforeOperational::Release => "release unreviewed",
                crate::scenario::BeforeOperational::Wait => "wait for it",
            }
        );
        let access: Vec<&str> = review
            .covered_access
            .iter()
            .map(|a| access_name(*a))
            .collect();
        let places: Vec<&str> = review
            .covered_jurisdictions
            .iter()
            .map(|j| jurisdiction_name(*j))
            .collect();
        let _ = writeln!(
            text,
            "          covers {} lines of {} labs that participate",
            or_none(&access),
            or_none(&places)
        );
        let threshold = match review.threshold {
            crate::scenario::Threshold::All => "every model".to_string(),
            crate::scenario::Threshold::MinCapability(min) => {
                format!("models of capability >= {min} frontier-months")
            }
            crate::scenario::Threshold::WithinMonths(months) => {
                format!("models within {months} months of the frontier")
            }
        };
        let _ = writeln!(text, "          threshold: {threshold}");
        for track in &review.tracks {
            let _ = writeln!(
                text,
                "          track {:<12} {} team(s), {} days per review",
                track.id, track.capacity, track.duration_spec
            );
        }
    } else {
        let _ = writeln!(text, "review    none (window of 0 days or no tracks)");
    }
    let capability = &scenario.capability;
    let _ = writeln!(
        text,
        "frontier  {} frontier-months on day 0, +{} a month",
        capability.frontier_at_start, capability.rate_per_month
    );
    match &scenario.market {
        Some(market) => {
            let _ = writeln!(
                text,
                "market    step {} days, {} values; models leave a segment below {} of choice and adopters",
                market.step.as_days(),
                match market.mode {
                    crate::scenario::MarketMode::Expected => "expected",
                    crate::scenario::MarketMode::Stochastic => "random",
                },
                market.drop_share_below
            );
            for segment in &market.segments {
                let _ = writeln!(
                    text,
                    "          segment {:<12} {} potential adopters ({}), {}% adopted on day 0, Bass p {} q {} /yr, switching {} /yr",
                    segment.id,
                    segment.population,
                    jurisdiction_name(segment.region),
                    segment.adopted_at_start * 100.0,
                    segment.bass_p_per_year,
                    segment.bass_q_per_year,
                    segment.switching_per_year
                );
            }
        }
        None => {
            let _ = writeln!(text, "market    none");
        }
    }
    if let Some(escalation) = &scenario.escalation {
        let segment_names: Vec<&str> = escalation
            .public_penalty_segments
            .iter()
            .filter_map(|&s| scenario.market.as_ref().map(|m| m.segments[s].id.as_str()))
            .collect();
        let _ = writeln!(
            text,
            "pressure  +{} per release outside review that would have been covered, +{} per incident; halves every {} days",
            escalation.pressure_per_uncovered_release,
            escalation.pressure_per_incident,
            escalation.pressure_half_life_days
        );
        match escalation.public_threshold {
            Some(threshold) => {
                let _ = writeln!(
                    text,
                    "          public pressure at {threshold} (after {} days): utility -{} in {}",
                    escalation.reaction_delay.as_days(),
                    escalation.public_penalty,
                    or_none(&segment_names)
                );
            }
            None => {
                let _ = writeln!(text, "          no public pressure");
            }
        }
        match escalation.directive_threshold {
            Some(threshold) => {
                let mut actions = Vec::new();
                if escalation.mandatory_review {
                    actions.push("mandatory review (participation, hold)".to_string());
                }
                if escalation.suspend_api {
                    let regions: Vec<&str> = escalation
                        .suspend_regions
                        .iter()
                        .map(|r| jurisdiction_name(*r))
                        .collect();
                    actions.push(format!(
                        "API models suspended in {} for {} days",
                        regions.join(", "),
                        escalation.suspension.as_days()
                    ));
                }
                let _ = writeln!(
                    text,
                    "          directive at {threshold}: {}",
                    or_none(&actions.iter().map(String::as_str).collect::<Vec<_>>())
                );
            }
            None => {
                let _ = writeln!(text, "          no directive");
            }
        }
    }
    let export = &scenario.export_restriction;
    if export.from.is_some() || export.after_directive {
        let when = match export.from {
            Some(from) => format!("from {}", crate::output::date_of(scenario.start_date, from)),
            None => "after the first directive".to_string(),
        };
        let _ = writeln!(
            text,
            "export    U.S. API models unavailable in the foreign region {when}"
        );
    }
    let _ = writeln!(text, "labs");
    for lab in &scenario.labs {
        let participation = match lab.participation {
            Participation::Signed => "signed".to_string(),
            Participation::Never => "not participating".to_string(),
            Participation::From(time) => format!(
                "participates from {} (day {})",
                crate::output::date_of(scenario.start_date, time),
                time.as_days()
            ),
            Participation::Signing(signing) => format!(
                "signs at a rate per day of {} + {} x share of peers signed + {} x pressure",
                signing.base_rate_per_day, signing.peer_weight, signing.pressure_weight
            ),
        };
        let carve_out = if lab.carve_out.is_empty() {
            String::new()
        } else {
            let modes: Vec<&str> = lab.carve_out.iter().map(|a| access_name(*a)).collect();
            format!(", carve-out: {} uncovered", modes.join(", "))
        };
        let window = lab
            .expedited_window
            .map(|w| format!(", expedited window {} days", w.as_days()))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "  {:<12} {:<20} {:<8} {participation}{window}{carve_out}",
            lab.id,
            lab.name,
            jurisdiction_name(lab.jurisdiction)
        );
        for line in &lab.lines {
            let in_scope = review.is_active() && lab.in_scope(line.access, review, false);
            let coverage = match (in_scope, lab.participation) {
                (false, _) => "not covered",
                (true, Participation::Never) => "in scope, lab not participating",
                (true, Participation::From(_) | Participation::Signing(_)) => {
                    "covered once the lab participates"
                }
                (true, Participation::Signed)
                    if review.threshold != crate::scenario::Threshold::All =>
                {
                    "covered when past the threshold"
                }
                (true, Participation::Signed) => "covered",
            };
            let cadence = match &line.cadence {
                Cadence::Every(_) => format!("every {} days", line.cadence_spec),
                Cadence::Scheduled(times) => format!("{} scheduled ready dates", times.len()),
            };
            let lag = match &line.capability_lag {
                crate::scenario::Dist::Constant(0.0) => String::new(),
                _ => format!(
                    "; lag behind the frontier {} months",
                    line.capability_lag_spec
                ),
            };
            let _ = writeln!(
                text,
                "    {:<10} {:<12} {cadence}{lag}; next cycle from {}; {coverage}",
                line.id,
                access_name(line.access),
                match line.next_cycle_starts {
                    crate::scenario::CycleStart::Ready => "ready",
                    crate::scenario::CycleStart::Release => "release",
                },
            );
        }
    }
    if let Some(sweep) = &experiment.sweep {
        let _ = writeln!(
            text,
            "sweep     {} over {}; baseline point {}",
            sweep.method.as_str(),
            sweep.paths.join(", "),
            sweep.baseline
        );
        let shown = 10;
        for point in experiment.points.iter().take(shown) {
            let values: Vec<String> = sweep
                .paths
                .iter()
                .zip(&point.values)
                .map(|(path, value)| format!("{path}={value}"))
                .collect();
            let _ = writeln!(text, "  point {:<5} {}", point.id, values.join("  "));
        }
        if experiment.points.len() > shown {
            let _ = writeln!(
                text,
                "  ... {} more (all in points.csv)",
                experiment.points.len() - shown
            );
        }
    }
    text
}

fn access_name(access: crate::scenario::Access) -> &'static str {
    match access {
        crate::scenario::Access::Api => "api",
        crate::scenario::Access::OpenWeights => "open_weights",
    }
}

fn jurisdiction_name(jurisdiction: crate::scenario::Jurisdiction) -> &'static str {
    match jurisdiction {
        crate::scenario::Jurisdiction::Us => "us",
        crate::scenario::Jurisdiction::Foreign => "foreign",
    }
}

fn or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "no".to_string()
    } else {
        items.join(", ")
    }
}
