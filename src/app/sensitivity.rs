//! `sensitivity`: a scenario's assumptions as a `sobol` or `morris` sweep,
//! run like any sweep (so it shards and merges), and the top-ranked
//! parameters of each headline output.

use super::AppError;
use crate::experiment::{Experiment, Method, RawContrast, RawParameter, RawSweep};
use crate::output::IndexRow;
use crate::params::{Param, list};
use crate::scenario::declare::Source;

/// What to analyse, as the command line asks.
#[derive(Debug, Clone, Default)]
pub struct SensitivityRequest {
    /// `sobol` or `morris`.
    pub method: Option<Method>,
    /// Sobol' base rows N, or Morris trajectories r.
    pub samples: Option<u64>,
    /// Morris grid levels.
    pub levels: Option<u64>,
    /// Sobol' second-order indices.
    pub second_order: bool,
    /// Parameter paths or patterns (`*` stands for one name); empty: every
    /// assumption with a plausible range.
    pub parameters: Vec<String>,
    /// Groups: a name and the patterns of its parameters.
    pub groups: Vec<(String, Vec<String>)>,
    /// `METRIC` or `METRIC:LAB` (empty: every metric).
    pub metrics: Vec<String>,
    /// Analyse the change from one value of a parameter to another.
    pub contrast: Option<RawContrast>,
}

/// Sobol' base rows when not given.
pub const DEFAULT_BASE_ROWS: u64 = 64;
/// Morris trajectories when not given.
pub const DEFAULT_TRAJECTORIES: u64 = 20;

/// Whether a dotted pattern (`*` for one name) matches a path.
pub fn matches(pattern: &str, path: &str) -> bool {
    let (mut pattern, mut path) = (pattern.trim().split('.'), path.split('.'));
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(name)) if p == "*" || p == name => {}
            _ => return false,
        }
    }
}

/// The refusal of a scenario that has a `[sweep]` of its own.
pub fn has_a_sweep(file: &str) -> AppError {
    AppError::Request(format!(
        "{file} has a [sweep]; the sensitivity command makes its own: run a copy \
         without it, or write the study as [sweep] method = \"sobol\" or \"morris\" \
         and use `reviewsim run`"
    ))
}

/// The sweep that turns the scenario into the study asked for: the
/// parameters chosen from the scenario's declarations, each over its
/// plausible range.
pub fn sensitivity_sweep(
    experiment: &Experiment,
    request: &SensitivityRequest,
) -> Result<RawSweep, AppError> {
    let file = &experiment.base.file;
    if experiment.sweep.is_some() {
        return Err(has_a_sweep(file));
    }
    // A parameter that the market's calibration solves for has no effect
    // of its own: it is not one to vary.
    let solved = experiment.base.solved_paths();
    let params: Vec<Param> = (list(experiment.base.resolved()).into_iter())
        .filter(|p| !solved.contains(&p.path))
        .collect();
    let mut chosen = choose(&params, &request.parameters, file)?;
    if let Some(contrast) = &request.contrast {
        // The parameter contrasted is not also varied.
        chosen.retain(|p| p.path != contrast.path);
    }
    let mut parameters: Vec<RawParameter> = Vec::new();
    for param in &chosen {
        let group = (request.groups.iter())
            .find(|(_, patterns)| patterns.iter().any(|p| matches(p, &param.path)))
            .map(|(name, _)| name.clone());
        parameters.push(RawParameter {
            group,
            ..RawParameter::bare(&param.path)
        });
    }
    for (name, patterns) in &request.groups {
        if !parameters.iter().any(|p| p.group.as_ref() == Some(name)) {
            return Err(AppError::Request(format!(
                "--group {name}={}: matches none of the parameters analysed",
                patterns.join(",")
            )));
        }
    }
    let method = request.method.unwrap_or(Method::Sobol);
    let sweep = RawSweep {
        method,
        samples: (method == Method::Sobol).then(|| request.samples.unwrap_or(DEFAULT_BASE_ROWS)),
        baseline: 0,
        parameters,
        second_order: (method == Method::Sobol && request.second_order).then_some(true),
        trajectories: (method == Method::Morris)
            .then(|| request.samples.unwrap_or(DEFAULT_TRAJECTORIES)),
        levels: if method == Method::Morris {
            request.levels
        } else {
            None
        },
        metrics: (!request.metrics.is_empty()).then(|| request.metrics.clone()),
        contrast: request.contrast.clone(),
        arms: None,
        ..RawSweep::default()
    };
    Ok(sweep)
}

/// The parameters to analyse: those the patterns name, or every
/// assumption with a plausible range.
fn choose<'p>(
    params: &'p [Param],
    patterns: &[String],
    file: &str,
) -> Result<Vec<&'p Param>, AppError> {
    if patterns.is_empty() {
        let chosen: Vec<&Param> = (params.iter())
            .filter(|p| matches!(p.entry.source, Source::Assumption(_) | Source::Fitted(_)))
            .filter(|p| p.entry.plausible.is_some())
            .collect();
        if chosen.is_empty() {
            return Err(AppError::Request(format!(
                "{file}: no parameter is an assumption with a plausible range; name the \
                 parameters with --parameters"
            )));
        }
        return Ok(chosen);
    }
    let mut chosen: Vec<&Param> = Vec::new();
    for pattern in patterns {
        let found: Vec<&Param> = params
            .iter()
            .filter(|p| matches(pattern, &p.path))
            .collect();
        if found.is_empty() {
            return Err(AppError::Request(format!(
                "--parameters {pattern}: names no parameter of {file} \
                 (`reviewsim params {file}` lists them; * stands for one name)"
            )));
        }
        for param in found {
            if !chosen.iter().any(|c| c.path == param.path) {
                chosen.push(param);
            }
        }
    }
    Ok(chosen)
}

/// The headline outputs a study prints when none are named: what a lab's
/// share, its delay and its hazardous unreviewed releases depend on, and
/// the incidents of open-weights models.
pub const HEADLINE_METRICS: [&str; 4] = [
    "share_all",
    "delay_days_mean",
    "hazardous_unreviewed_releases",
    "incidents_open_weights",
];

/// The top `top` parameters of each headline output (by ST for Sobol',
/// μ* for Morris), as text.
pub fn ranked_text(rows: &[IndexRow], metrics: &[String], top: usize) -> String {
    use std::fmt::Write;
    let wanted = |row: &IndexRow| {
        if metrics.is_empty() {
            HEADLINE_METRICS.contains(&row.metric.as_str())
        } else {
            metrics.iter().any(|m| match m.split_once(':') {
                Some((metric, lab)) => metric == row.metric && lab == row.lab,
                None => *m == row.metric,
            })
        }
    };
    let mut text = String::new();
    let mut outputs: Vec<(&str, &str)> = Vec::new();
    for row in rows.iter().filter(|r| wanted(r)) {
        if !outputs.contains(&(row.lab.as_str(), row.metric.as_str())) {
            outputs.push((&row.lab, &row.metric));
        }
    }
    for (lab, metric) in outputs {
        let mut ranked: Vec<&IndexRow> = (rows.iter())
            .filter(|r| r.lab == lab && r.metric == metric)
            .filter(|r| matches!(r.index, "ST" | "mu_star") && r.rank.is_some())
            .collect();
        ranked.sort_by_key(|r| r.rank);
        let Some(first) = ranked.first() else {
            // Every index undefined: say so, and on how many rows.
            if let Some(any) = rows.iter().find(|r| r.lab == lab && r.metric == metric) {
                let _ = writeln!(
                    text,
                    "{lab} {metric}: indices undefined: the output does not vary over the {} \
                     of {} rows where it is defined",
                    any.rows_used, any.rows_total
                );
            }
            continue;
        };
        text.push_str(&heading(lab, metric, first));
        let shown: Vec<&&IndexRow> = (ranked.iter().take(top))
            .filter(|r| r.value != Some(0.0))
            .collect();
        if shown.is_empty() {
            let _ = writeln!(text, "  no parameter moves it");
        }
        for row in shown {
            let interval = row
                .ci95
                .map(|(low, high)| {
                    format!(" [{}, {}]", three_significant(low), three_significant(high))
                })
                .unwrap_or_default();
            let flag = if row.noise_dominated == Some(true) {
                "  (within noise)"
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "  {}. {:<52} {}{interval}{flag}",
                row.rank.unwrap_or(0),
                row.parameter,
                three_significant(row.value.unwrap_or(f64::NAN))
            );
        }
    }
    text
}

/// The heading of one output's ranking: what it is, the noise, and the
/// rows its indices rest on, with a warning when rows were left out.
fn heading(lab: &str, metric: &str, first: &IndexRow) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    let noise = first
        .noise_share
        .map(|s| format!(", noise {:.0}%", 100.0 * s))
        .unwrap_or_default();
    let change = first
        .contrast
        .as_ref()
        .map(|c| format!(", change when {c}"))
        .unwrap_or_default();
    let rows = match first.index {
        "ST" => "base rows",
        _ => "trajectories",
    };
    let _ = writeln!(
        text,
        "{lab} {metric}{change} ({}{noise}, {} of {} {rows}):",
        first.index, first.rows_used, first.rows_total
    );
    if first.rows_used < first.rows_total {
        let _ = writeln!(
            text,
            "  warning: {} of {} {rows} left out: the metric is undefined in part of \
                 the ranges, and the indices describe the rest",
            first.rows_total - first.rows_used,
            first.rows_total
        );
    }
    text
}

/// A number in three significant digits.
pub fn three_significant(value: f64) -> String {
    if value == 0.0 {
        "0".to_string()
    } else if (0.001..1e5).contains(&value.abs()) {
        let digits = (2 - value.abs().log10().floor() as i32).max(0) as usize;
        format!("{value:.digits$}")
    } else {
        format!("{value:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_stands_for_one_name() {
        assert!(matches(
            "market.segments.*.capability_weight",
            "market.segments.consumer.capability_weight"
        ));
        assert!(matches("hazard.*", "hazard.scale_months"));
        assert!(!matches("hazard.*", "hazard.scale_months.mean"));
        assert!(!matches("hazard", "hazard.scale_months"));
        assert!(matches("hazard.scale_months", "hazard.scale_months"));
    }

    fn st(parameter: &str, value: f64, rank: usize, used: u64) -> IndexRow {
        IndexRow {
            method: "sobol",
            lab: "microsoft".into(),
            metric: "queue_wait_days_mean".into(),
            contrast: None,
            parameter: parameter.into(),
            index: "ST",
            value: Some(value),
            se: None,
            ci95: Some((value - 0.1, value + 0.1)),
            rank: Some(rank),
            noise_dominated: Some(false),
            noise_share: None,
            replications_needed: None,
            rows_used: used,
            rows_total: 64,
        }
    }

    #[test]
    fn the_ranking_warns_when_rows_were_left_out() {
        let rows = [
            st("review.threshold.within_months_of_frontier", 0.9, 1, 52),
            st("hazard.scale_months", 0.1, 2, 52),
        ];
        let text = ranked_text(&rows, &["queue_wait_days_mean".into()], 5);
        assert!(text.contains("52 of 64 base rows"), "{text}");
        assert!(
            text.contains("warning: 12 of 64 base rows left out"),
            "{text}"
        );
        let all = [st("hazard.scale_months", 0.1, 1, 64)];
        let text = ranked_text(&all, &["queue_wait_days_mean".into()], 5);
        assert!(
            text.contains("64 of 64 base rows") && !text.contains("warning"),
            "{text}"
        );
    }

    #[test]
    fn numbers_are_shown_with_three_significant_digits() {
        assert_eq!(three_significant(0.41234), "0.412");
        assert_eq!(three_significant(12.345), "12.3");
        assert_eq!(three_significant(0.0), "0");
        assert_eq!(three_significant(-0.0123), "-0.0123");
        assert_eq!(three_significant(1.5e-7), "1.50e-7");
    }
}
