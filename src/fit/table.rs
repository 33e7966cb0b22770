//! The fits as an aligned table for the terminal and as a tidy CSV.

use std::io::Write;

use super::estimate::{Estimate, FamilyFit};
use super::history::{Selection, access_name};
use super::interval::Cutoff;
use super::likelihood::Family;
use super::report::{GroupFit, MIN_COMPLETE_INTERVALS, NoFit, Scope};
use super::{FitReport, significant};

/// The tidy table's columns, one row per group × family × parameter.
pub const TABLE_COLUMNS: [&str; 21] = [
    "scope",
    "lab",
    "line",
    "access",
    "lines",
    "releases",
    "first_release",
    "last_release",
    "complete_intervals",
    "censored_days",
    "family",
    "status",
    "parameter",
    "estimate",
    "low_95",
    "high_95",
    "cutoff",
    "log_likelihood",
    "aic",
    "delta_aic",
    "best",
];

/// What was counted and how the intervals were drawn, in two sentences.
fn preamble(report: &FitReport) -> String {
    let request = &report.request;
    let counted = match request.selection {
        Selection::Flagship => "flagship releases",
        Selection::AllModels => "every release (one per line and day)",
    };
    let cut = match request.cutoff {
        Cutoff::ChiSquared => "the chi-squared(1) cut-off 3.84".to_string(),
        Cutoff::Bootstrap { replicates, seed } => format!(
            "a likelihood-ratio cut-off calibrated by a parametric bootstrap \
             ({replicates} histories per fit, seed {seed})"
        ),
    };
    format!(
        "Cadences fitted to {}: {counted} before {}, where each line's interval since its last \
         release is right-censored.\n95% intervals by profile likelihood with {cut}.\n",
        request.releases.display(),
        request.as_of
    )
}

/// The aligned table printed by `reviewsim fit`.
pub fn render_text(report: &FitReport) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        [
            "line",
            "access",
            "releases",
            "intervals",
            "censored_days",
            "family",
            "estimates [95% interval]",
            "log_lik",
            "AIC",
            "dAIC",
            "",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for group in report.lines.iter().chain(&report.pools) {
        rows.extend(group_rows(group, report.request.as_of));
    }
    let mut text = preamble(report);
    text.push('\n');
    text.push_str(&aligned(&rows));
    if report.later > 0 {
        text.push_str(&format!(
            "\n{} release(s) on or after {} left out.\n",
            report.later, report.request.as_of
        ));
    }
    if report.same_day > 0 {
        text.push_str(&format!(
            "{} release(s) on a day their line already had one, counted once.\n",
            report.same_day
        ));
    }
    text
}

fn group_rows(group: &GroupFit, as_of: chrono::NaiveDate) -> Vec<Vec<String>> {
    let censored = match &group.scope {
        Scope::Line { .. } => group
            .censored_days
            .first()
            .map_or("-".into(), |d| format!("{d}")),
        Scope::Pool { lines } => format!(
            "({} line{})",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        ),
    };
    let head = vec![
        group.name(),
        access_name(group.access).to_string(),
        group.releases.to_string(),
        group.complete_intervals.to_string(),
        censored,
    ];
    if group.too_few() {
        let mut row = head;
        row.push(format!(
            "too few releases to fit (needs {} before {as_of})",
            MIN_COMPLETE_INTERVALS + 1
        ));
        return vec![row];
    }
    let blank = vec![String::new(); head.len()];
    (group.families.iter().enumerate())
        .map(|(i, (family, outcome))| {
            let mut row = if i == 0 { head.clone() } else { blank.clone() };
            row.push(family.name().to_string());
            match outcome {
                Ok(fit) => row.extend(fit_cells(group, fit)),
                Err(why) => row.push(why.reason().to_string()),
            }
            row
        })
        .collect()
}

fn fit_cells(group: &GroupFit, fit: &FamilyFit) -> Vec<String> {
    let estimates: Vec<String> = fit.estimates.iter().map(estimate_text).collect();
    let best = group.best().is_some_and(|b| b.family == fit.family);
    vec![
        estimates.join(", "),
        format!("{:.2}", fit.log_likelihood),
        format!("{:.2}", fit.aic()),
        format!("{:.2}", group.delta_aic(fit)),
        if best { "best".into() } else { String::new() },
    ]
}

fn estimate_text(estimate: &Estimate) -> String {
    let limit = |v: Option<f64>| v.map_or("no limit".to_string(), |v| significant(v, 4));
    format!(
        "{} {} [{}, {}]",
        estimate.parameter,
        significant(estimate.value, 4),
        limit(estimate.interval.low),
        limit(estimate.interval.high)
    )
}

/// Columns padded to their widest cell, two spaces apart, numbers as they
/// come (left-aligned: the cells mix text and numbers).
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            (rows.iter())
                .filter(|r| r.len() > c + 1)
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                let pad = widths[c].saturating_sub(cell.chars().count()) + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The tidy table: [`TABLE_COLUMNS`], one row per group, family and
/// parameter (one row per group too short to fit, one per family without a
/// fit). Numbers to 6 significant digits; `censored_days` of a pool is the
/// sum over its lines.
pub fn write_table<W: Write>(report: &FitReport, writer: W) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(TABLE_COLUMNS)?;
    for group in report.lines.iter().chain(&report.pools) {
        for row in table_rows(group) {
            out.write_record(&row)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn table_rows(group: &GroupFit) -> Vec<Vec<String>> {
    let number = |v: f64| significant(v, 6);
    let (scope, lab, line, lines) = match &group.scope {
        Scope::Line { lab, line } => ("line", lab.clone(), line.clone(), String::new()),
        Scope::Pool { lines } => ("pool", String::new(), String::new(), lines.join(" ")),
    };
    let (first, last) = group.span.map_or((String::new(), String::new()), |(a, b)| {
        (a.to_string(), b.to_string())
    });
    let censored: f64 = group.censored_days.iter().sum();
    let head = vec![
        scope.to_string(),
        lab,
        line,
        access_name(group.access).to_string(),
        lines,
        group.releases.to_string(),
        first,
        last,
        group.complete_intervals.to_string(),
        if group.censored_days.is_empty() {
            String::new()
        } else {
            number(censored)
        },
    ];
    let with = |tail: Vec<String>| [head.clone(), tail].concat();
    if group.too_few() {
        return vec![with(status_only(None, "too_few_releases"))];
    }
    let mut rows = Vec::new();
    for (family, outcome) in &group.families {
        match outcome {
            Err(why) => rows.push(with(status_only(Some(*family), no_fit_status(*why)))),
            Ok(fit) => {
                let best = group.best().is_some_and(|b| b.family == fit.family);
                for estimate in &fit.estimates {
                    let limit = |v: Option<f64>| v.map_or(String::new(), number);
                    rows.push(with(vec![
                        family.name().to_string(),
                        "fitted".to_string(),
                        estimate.parameter.to_string(),
                        number(estimate.value),
                        limit(estimate.interval.low),
                        limit(estimate.interval.high),
                        number(estimate.cutoff),
                        number(fit.log_likelihood),
                        number(fit.aic()),
                        number(group.delta_aic(fit)),
                        best.to_string(),
                    ]));
                }
            }
        }
    }
    rows
}

fn no_fit_status(why: NoFit) -> &'static str {
    match why {
        NoFit::NoSpread => "no_spread",
        NoFit::NoMaximum => "no_maximum",
    }
}

/// The cells after the group's for a row without estimates.
fn status_only(family: Option<Family>, status: &str) -> Vec<String> {
    let mut cells = vec![
        family.map_or(String::new(), |f| f.name().to_string()),
        status.to_string(),
    ];
    cells.resize(TABLE_COLUMNS.len() - 10, String::new());
    cells
}
