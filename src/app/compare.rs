//! `compare`: the scenario as written against named alternatives (arms),
//! each a point of one `method = "arms"` sweep run on common random
//! numbers, so that every difference is paired; the headline differences
//! printed with their intervals, rounded to what the intervals support.

use std::fmt::Write;

use crate::experiment::{Method, RawArm, RawSweep};
use crate::output::{Difference, Estimate};
use crate::scenario::Override;

/// Sweeps of at most this many points keep their headline differences to
/// be shown.
pub const SHOWN_POINTS: usize = 16;

/// The headline metrics: per lab, then for the system (`all`), with the
/// words and units a table shows them under.
pub const HEADLINE: [(&str, &str); 9] = [
    ("releases", "releases"),
    ("delay_days_mean", "delay, days"),
    ("share_all", "share at horizon, %"),
    ("capability_lead_days", "lead, days"),
    ("hazardous_unreviewed_releases", "hazardous unreviewed"),
    ("incidents", "incidents"),
    ("reviews_completed", "reviews completed"),
    ("incidents_open_weights", "open-weights incidents"),
    ("incidents_api", "API incidents"),
];

/// The headline metrics' names.
pub fn headline_metrics() -> Vec<&'static str> {
    HEADLINE.iter().map(|(metric, _)| *metric).collect()
}

/// One alternative to the scenario as written: a name and its overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    /// Its name.
    pub name: String,
    /// What it sets.
    pub overrides: Vec<Override>,
}

impl std::str::FromStr for Arm {
    type Err = String;

    /// `NAME:PATH=VALUE[,PATH=VALUE...]`; a value may be a list in brackets,
    /// whose commas do not separate.
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{text}`: write NAME:PATH=VALUE[,PATH=VALUE...], such as \
                 signed:labs.meta.participation.signed=true"
            )
        };
        let (name, sets) = text.split_once(':').ok_or_else(usage)?;
        let mut overrides = Vec::new();
        for set in split_top_level(sets) {
            let set: Override = set.trim().parse().map_err(|err| format!("{err}"))?;
            overrides.push(set);
        }
        if name.trim().is_empty() || overrides.is_empty() {
            return Err(usage());
        }
        Ok(Arm {
            name: name.trim().to_string(),
            overrides,
        })
    }
}

/// `text` split at the commas outside brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (at, c) in text.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// The sweep of the arms: point 0 the scenario as written, then each arm.
pub fn arms_sweep(arms: &[Arm]) -> RawSweep {
    RawSweep {
        method: Method::Arms,
        samples: None,
        baseline: 0,
        parameters: Vec::new(),
        second_order: None,
        trajectories: None,
        levels: None,
        metrics: None,
        contrast: None,
        arms: Some(
            (arms.iter())
                .map(|arm| RawArm {
                    name: arm.name.clone(),
                    set: (arm.overrides.iter())
                        .map(|set| (set.path.clone(), set.value.clone()))
                        .collect(),
                })
                .collect(),
        ),
        ..RawSweep::default()
    }
}

/// A mean and its 95% interval as `+1.23 ± 0.45`, to the decimal places
/// that the interval's half-width supports (its first two significant
/// digits); `n/a` when undefined.
pub fn rounded(mean: Option<f64>, ci95: Option<(f64, f64)>) -> String {
    shown(mean, ci95, true)
}

/// A level and its interval the same way, without the sign: `12.3 ± 2.0`.
pub fn level(mean: Option<f64>, ci95: Option<(f64, f64)>) -> String {
    shown(mean, ci95, false)
}

fn shown(mean: Option<f64>, ci95: Option<(f64, f64)>, signed: bool) -> String {
    let Some(mean) = mean else {
        return "n/a".into();
    };
    let sign = if signed && mean >= 0.0 { "+" } else { "" };
    let halfwidth = ci95.map_or(0.0, |(low, high)| (high - low) / 2.0);
    if !(halfwidth > 0.0 && halfwidth.is_finite()) {
        // No spread: every replication (or pair) gave the same value.
        return format!("{sign}{} (exact)", short(mean));
    }
    let decimals = (1 - halfwidth.log10().floor() as i32).clamp(0, 9) as usize;
    format!("{sign}{mean:.decimals$} ± {halfwidth:.decimals$}")
}

/// A number without trailing digits of rounding noise.
fn short(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// The headline differences of every point from the baseline, one table per
/// point: labs as rows, metrics as columns; then the system's.
pub fn differences_text(differences: &[Difference], names: &[String]) -> String {
    let baseline = names.first().map_or("baseline", String::as_str);
    per_point(
        differences.iter().map(|d| {
            let shown = rounded(percent(&d.metric, d.mean), percent_ci(&d.metric, d.ci95));
            (d.point, &d.lab, &d.metric, shown, d.pairs)
        }),
        |point, pairs| {
            let name = names.get(point).map_or("", String::as_str);
            format!(
                "{name} minus {baseline}: mean paired difference ± half-width of its 95% \
                 interval ({pairs} paired replications)"
            )
        },
    )
}

/// The headline means of every point, one table per point as for the
/// differences.
pub fn headline_text(estimates: &[Estimate], names: &[String]) -> String {
    per_point(
        estimates.iter().map(|e| {
            let shown = level(percent(&e.metric, e.mean), percent_ci(&e.metric, e.ci95));
            (e.point, &e.lab, &e.metric, shown, e.n)
        }),
        |point, n| {
            let name = names.get(point).map_or("", String::as_str);
            format!(
                "{name}: mean per replication ± half-width of its 95% interval ({n} replications)"
            )
        },
    )
}

/// A titled pair of tables (labs, then the system) for each point of
/// `shown`: (point, lab, metric, the value shown, replications), in point
/// order. `title` names a point given its most replications.
fn per_point<'a>(
    shown: impl Iterator<Item = (usize, &'a String, &'a String, String, u64)>,
    title: impl Fn(usize, u64) -> String,
) -> String {
    let mut points: Vec<(usize, u64, Vec<Cell<'a>>)> = Vec::new();
    for (point, lab, metric, text, n) in shown {
        if points.last().is_none_or(|(last, ..)| *last != point) {
            points.push((point, 0, Vec::new()));
        }
        if let Some((_, most, cells)) = points.last_mut() {
            *most = (*most).max(n);
            cells.push(Cell { lab, metric, text });
        }
    }
    let mut text = String::new();
    for (point, most, cells) in points {
        let _ = writeln!(text, "{}", title(point, most));
        text.push_str(&table(&cells, |lab| lab != "all", "lab"));
        text.push_str(&table(&cells, |lab| lab == "all", "system"));
        text.push('\n');
    }
    text
}

/// A share as a percentage, other metrics as they are.
pub fn percent(metric: &str, value: Option<f64>) -> Option<f64> {
    value.map(|v| if metric == "share_all" { 100.0 * v } else { v })
}

/// A share's interval in percent, other metrics' as they are.
pub fn percent_ci(metric: &str, ci95: Option<(f64, f64)>) -> Option<(f64, f64)> {
    ci95.map(|(low, high)| match metric {
        "share_all" => (100.0 * low, 100.0 * high),
        _ => (low, high),
    })
}

/// One cell of a headline table: a lab's (or the system's) metric, shown.
struct Cell<'a> {
    lab: &'a str,
    metric: &'a str,
    text: String,
}

/// The cells whose lab `wanted` keeps, as an aligned table: labs as rows,
/// the headline metrics as columns.
fn table(cells: &[Cell], wanted: impl Fn(&str) -> bool, first: &str) -> String {
    let mut labs: Vec<&str> = Vec::new();
    for cell in cells.iter().filter(|c| wanted(c.lab)) {
        if !labs.contains(&cell.lab) {
            labs.push(cell.lab);
        }
    }
    let columns: Vec<(&str, &str)> = (HEADLINE.iter())
        .filter(|(metric, _)| cells.iter().any(|c| wanted(c.lab) && c.metric == *metric))
        .copied()
        .collect();
    if labs.is_empty() || columns.is_empty() {
        return String::new();
    }
    let mut grid = vec![
        std::iter::once(first.to_string())
            .chain(columns.iter().map(|(_, words)| words.to_string()))
            .collect::<Vec<_>>(),
    ];
    for lab in &labs {
        let mut line = vec![lab.to_string()];
        for (metric, _) in &columns {
            let found = cells.iter().find(|c| c.lab == *lab && c.metric == *metric);
            line.push(found.map_or(String::new(), |c| c.text.clone()));
        }
        grid.push(line);
    }
    aligned(&grid)
}

/// Rows of cells as text, each column as wide as its widest cell.
fn aligned(grid: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..grid[0].len())
        .map(|c| {
            grid.iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in grid {
        let cells: Vec<String> = (row.iter().zip(&widths))
            .enumerate()
            .map(|(c, (cell, width))| match c {
                0 => format!("{cell:<width$}"),
                _ => format!("{cell:>width$}"),
            })
            .collect();
        text.push_str("  ");
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// Another scenario file as an arm of `base`: the values where its resolved
/// settings differ from the base's, named by the file's stem. Both must
/// have the same labs, lines, tracks and segments and set the same
/// parameters (a value one leaves to be absent cannot be set by the other),
/// so that the arm is the base with values changed and pairs with it.
pub fn file_arm(
    base: &crate::scenario::Scenario,
    other: &crate::scenario::Scenario,
) -> Result<Arm, String> {
    let leaves = |scenario: &crate::scenario::Scenario| {
        let mut table = toml::Table::try_from(scenario.resolved()).unwrap_or_default();
        // The fitted intervals are ranges for studies, not what a run reads.
        table.remove("fitted");
        let mut leaves = std::collections::BTreeMap::new();
        flatten(&toml::Value::Table(table), "", &mut leaves);
        leaves
    };
    let (ours, theirs) = (leaves(base), leaves(other));
    let name = std::path::Path::new(&other.file)
        .file_stem()
        .map_or_else(|| other.file.clone(), |s| s.to_string_lossy().into_owned());
    let same = "files compared must set the same parameters and have the same labs, \
                lines, tracks and segments, so that one is the other with values changed";
    if let Some(path) = ours.keys().find(|p| !theirs.contains_key(*p)) {
        return Err(format!(
            "{}: {path}: {} sets it and {} does not; {same}",
            other.file, base.file, other.file
        ));
    }
    if let Some(path) = theirs.keys().find(|p| !ours.contains_key(*p)) {
        return Err(format!(
            "{}: {path}: it sets it and {} does not; {same}",
            other.file, base.file
        ));
    }
    let overrides: Vec<Override> = (theirs.iter())
        .filter(|(path, value)| ours.get(*path) != Some(*value))
        .map(|(path, value)| Override::typed(path, value.clone()))
        .collect();
    if overrides.is_empty() {
        return Err(format!(
            "{}: the same scenario as {}, value for value: nothing to compare",
            other.file, base.file
        ));
    }
    Ok(Arm { name, overrides })
}

/// Every leaf of `value` under its parameter path: tables by key, lists of
/// named tables by each entry's id, other lists whole.
fn flatten(
    value: &toml::Value,
    path: &str,
    leaves: &mut std::collections::BTreeMap<String, toml::Value>,
) {
    let join = |key: &str| match path {
        "" => key.to_string(),
        _ => format!("{path}.{key}"),
    };
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                flatten(inner, &join(key), leaves);
            }
        }
        toml::Value::Array(items) if !items.is_empty() && items.iter().all(named) => {
            for item in items {
                let id = item
                    .get("id")
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default();
                flatten(item, &join(id), leaves);
            }
        }
        leaf => {
            leaves.insert(path.to_string(), leaf.clone());
        }
    }
}

/// Whether a list entry is a named table (addressed by its id in paths).
fn named(item: &toml::Value) -> bool {
    item.get("id").and_then(toml::Value::as_str).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_is_rounded_to_the_first_two_digits_of_its_half_width() {
        assert_eq!(
            rounded(Some(-0.0123456), Some((-0.03, 0.006))),
            "-0.012 ± 0.018"
        );
        assert_eq!(rounded(Some(12.345), Some((10.0, 14.0))), "+12.3 ± 2.0");
        assert_eq!(rounded(Some(1234.5), Some((1000.0, 1469.0))), "+1234 ± 234");
        assert_eq!(rounded(Some(0.0), Some((0.0, 0.0))), "+0 (exact)");
        assert_eq!(rounded(None, None), "n/a");
    }

    #[test]
    fn an_arm_reads_its_name_and_settings_with_lists_whole() {
        let arm: Arm = "carve:labs.meta.participation.signed=true,labs.meta.participation.carve_out=[open_weights, api]"
            .parse()
            .unwrap();
        assert_eq!(arm.name, "carve");
        assert_eq!(arm.overrides.len(), 2);
        assert_eq!(arm.overrides[1].path, "labs.meta.participation.carve_out");
        assert!("nameless".parse::<Arm>().is_err());
        assert!(":review.window_days=15".parse::<Arm>().is_err());
    }
}
