//! `robustness`: the ranked table of a finished robustness study, read
//! back from its `summary`, and the share of worlds in which each option
//! meets thresholds given on the command line (satisficing).

use std::path::{Path, PathBuf};

use super::AppError;
use super::discover::Condition;
use crate::experiment::{Method, RawSweep};
use crate::report::Output;
use crate::report::tables::{number, share_percent, significant, whole};
use crate::robustness::{RobustnessRow, Study, WorldValue, assess, satisficing};

/// What `robustness` found and wrote.
#[derive(Debug)]
pub struct RobustnessReport {
    /// The ranked table, and the satisficing table when asked for.
    pub text: String,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// The file of the satisficing shares.
pub const SATISFICING_FILE: &str = "satisficing.csv";

/// Ranks the options of the robustness study in `dir` and, with
/// `conditions`, writes `satisficing.csv` there: per option, the share of
/// worlds meeting each condition and all of them.
pub fn robustness(dir: &Path, conditions: &[Condition]) -> Result<RobustnessReport, AppError> {
    let output = Output::open(dir).map_err(|e| AppError::Request(e.to_string()))?;
    let study = study_of(&output)?;
    let mut wanted: Vec<(String, String)> = (study.objectives.iter())
        .map(|o| (o.lab.clone(), o.metric.clone()))
        .collect();
    wanted.extend(conditions.iter().map(|c| (c.lab.clone(), c.metric.clone())));
    let values = point_values(&output, &wanted)?;
    let mut rows = Vec::new();
    for (objective, values) in study.objectives.iter().zip(&values) {
        rows.extend(assess(&study.options, objective, values));
    }
    let mut text = robustness_text(&rows);
    let mut files = Vec::new();
    if !conditions.is_empty() {
        let holds: Vec<Vec<Option<bool>>> = (conditions.iter())
            .zip(&values[study.objectives.len()..])
            .map(|(c, values)| values.iter().map(|v| v.mean.map(|m| c.holds(m))).collect())
            .collect();
        let (worlds, shares) = satisficing(study.options.len(), &holds);
        text.push_str(&satisficing_text(&study, conditions, worlds, &shares));
        let path = dir.join(SATISFICING_FILE);
        let bytes = satisficing_csv(&study, conditions, worlds, &shares)?;
        crate::output::write_whole(&path, &bytes)
            .map_err(|e| AppError::Request(format!("{}: cannot write: {e}", path.display())))?;
        files.push(path);
    }
    Ok(RobustnessReport { text, files })
}

/// The study recorded in the run's manifest.
fn study_of(output: &Output) -> Result<Study, AppError> {
    let sweep: Option<RawSweep> = serde_json::from_value(output.manifest["sweep"].clone()).ok();
    match sweep {
        Some(raw) if raw.method == Method::Robustness => Ok(Study::of(&raw)),
        _ => Err(AppError::Request(format!(
            "{}: not a robustness study: run a scenario whose [sweep] has method = \
             \"robustness\" (scenarios/studies/review_designs.toml is one)",
            output.dir.display()
        ))),
    }
}

/// Each wanted (lab, metric)'s value at every point, from `summary`.
fn point_values(
    output: &Output,
    wanted: &[(String, String)],
) -> Result<Vec<Vec<WorldValue>>, AppError> {
    let table = output.table("summary").ok_or_else(|| {
        AppError::Request(format!(
            "{}: no summary table: the study's summary holds the means robustness needs \
             (run it with its default --outputs)",
            output.dir.display()
        ))
    })?;
    let mut values = vec![vec![WorldValue::default(); output.points()]; wanted.len()];
    let mut seen = vec![false; wanted.len()];
    table
        .rows(&["point", "lab", "metric", "mean", "se"], |c| {
            for (k, (lab, metric)) in wanted.iter().enumerate() {
                if c[1] == Some(lab.as_str()) && c[2] == Some(metric.as_str()) {
                    seen[k] = true;
                    if let Some(slot) = whole(c[0]).and_then(|p| values[k].get_mut(p as usize)) {
                        *slot = WorldValue {
                            mean: number(c[3]),
                            se: number(c[4]),
                        };
                    }
                }
            }
            true
        })
        .map_err(|e| AppError::Request(e.to_string()))?;
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(AppError::Request(format!(
            "{}: summary has no `{}` for `{}`: a condition may name an output the study \
             judges (minimize, maximize) or keeps (metrics)",
            output.dir.display(),
            wanted[k].1,
            wanted[k].0
        )));
    }
    Ok(values)
}

/// The options ranked by mean regret, one block per output judged.
pub fn robustness_text(rows: &[RobustnessRow]) -> String {
    let mut text = String::new();
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start];
        let end = start
            + (rows[start..].iter())
                .take_while(|r| r.lab == first.lab && r.metric == first.metric)
                .count();
        let mut block: Vec<&RobustnessRow> = rows[start..end].iter().collect();
        // Least mean regret first, undefined last, ties in the study's
        // order (as the report ranks them).
        block.sort_by(|a, b| match (a.regret_mean, b.regret_mean) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        text.push_str(&format!(
            "{}:{} ({}; {} worlds; regret is the shortfall from the best option of each world)\n",
            first.metric,
            first.lab,
            first.direction.as_str(),
            first.worlds
        ));
        let width = block
            .iter()
            .map(|r| r.option.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        text.push_str(&format!(
            "  rank  {:<width$}  {:>9} {:>9} {:>9} {:>9}   {:>11} {:>9} {:>9}  {:>6}  {:>9} {:>9}\n",
            "option", "mean", "p5", "p50", "p95", "regret mean", "p90", "max", "best", "sd worlds", "noise"
        ));
        for (rank, row) in block.iter().enumerate() {
            text.push_str(&format!(
                "  {:<4}  {:<width$}  {:>9} {:>9} {:>9} {:>9}   {:>11} {:>9} {:>9}  {:>6}  {:>9} {:>9}\n",
                rank + 1,
                row.option,
                significant(row.mean),
                significant(row.p5),
                significant(row.p50),
                significant(row.p95),
                significant(row.regret_mean),
                significant(row.regret_p90),
                significant(row.regret_max),
                share_percent(row.best_share),
                significant(row.sd_worlds),
                significant(row.noise_sd),
            ));
        }
        start = end;
    }
    text
}

fn satisficing_text(
    study: &Study,
    conditions: &[Condition],
    worlds: usize,
    shares: &[(Vec<f64>, f64)],
) -> String {
    let names: Vec<&str> = conditions.iter().map(|c| c.text.as_str()).collect();
    let mut text = format!(
        "satisficing: share of the {worlds} worlds in which each option meets {}\n",
        names.join(" and ")
    );
    let mut order: Vec<usize> = (0..study.options.len()).collect();
    order.sort_by(|&a, &b| shares[b].1.total_cmp(&shares[a].1));
    let width = study
        .options
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    for o in order {
        let each: Vec<String> = (names.iter().zip(&shares[o].0))
            .map(|(name, share)| format!("{name}: {}", share_percent(Some(*share))))
            .collect();
        text.push_str(&format!(
            "  {:<width$}  all: {:>6}   {}\n",
            study.options[o],
            share_percent(Some(shares[o].1)),
            each.join("   ")
        ));
    }
    text
}

/// `option,condition,worlds,share`: a row per option and condition, then
/// one for all of them together.
fn satisficing_csv(
    study: &Study,
    conditions: &[Condition],
    worlds: usize,
    shares: &[(Vec<f64>, f64)],
) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Request(format!("satisficing.csv: {e}"));
    writer
        .write_record(["option", "condition", "worlds", "share"])
        .map_err(failed)?;
    let all: Vec<&str> = conditions.iter().map(|c| c.text.as_str()).collect();
    let all = all.join(" and ");
    for (option, (each, together)) in study.options.iter().zip(shares) {
        let rows = (conditions
            .iter()
            .map(|c| c.text.as_str())
            .zip(each.iter().copied()))
        .chain((conditions.len() > 1).then_some((all.as_str(), *together)));
        for (condition, share) in rows {
            let share = crate::output::rounded(share).to_string();
            writer
                .write_record([option.as_str(), condition, &worlds.to_string(), &share])
                .map_err(failed)?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Request(format!("satisficing.csv: {e}")))
}
