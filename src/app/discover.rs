//! `discover`: where in a sweep's parameter space a condition on an output
//! holds, found by PRIM ([`crate::discover`]) over the points of a finished
//! run: each point's swept numbers (`points`) and its mean of the metric
//! (`summary`).

use std::path::{Path, PathBuf};

use super::AppError;
use crate::discover::{Discovery, Options, Points, discover as prim};
use crate::report::Output;
use crate::report::tables::{number, whole};

/// `METRIC[:LAB] OP X`: a point's mean of the metric (of the lab, or of
/// `all`) compared with a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The metric, a column of lab_outcomes or system_outcomes.
    pub metric: String,
    /// The lab, or `all` for a system metric.
    pub lab: String,
    /// `>`, `>=`, `<` or `<=`.
    pub op: &'static str,
    /// The number compared with.
    pub threshold: f64,
    /// The condition as written.
    pub text: String,
}

impl std::str::FromStr for Condition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{text}`: write METRIC[:LAB] OP NUMBER with OP one of > >= < <=, such as \
                 'hazardous_unreviewed_releases:meta > 1'"
            )
        };
        let (at, op) = [">=", "<=", ">", "<"]
            .iter()
            .find_map(|op| text.find(op).map(|at| (at, *op)))
            .ok_or_else(usage)?;
        let (left, right) = (text[..at].trim(), text[at + op.len()..].trim());
        let threshold: f64 = right.parse().map_err(|_| usage())?;
        let (metric, lab) = left.split_once(':').unwrap_or((left, "all"));
        if metric.is_empty() || lab.is_empty() || !threshold.is_finite() {
            return Err(usage());
        }
        Ok(Condition {
            metric: metric.trim().to_string(),
            lab: lab.trim().to_string(),
            op,
            threshold,
            text: text.trim().to_string(),
        })
    }
}

impl Condition {
    /// Whether `value` meets it.
    pub fn holds(&self, value: f64) -> bool {
        match self.op {
            ">" => value > self.threshold,
            ">=" => value >= self.threshold,
            "<" => value < self.threshold,
            _ => value <= self.threshold,
        }
    }
}

/// What `discover` found and wrote.
#[derive(Debug)]
pub struct DiscoverReport {
    /// The box in words, its limits, and the trajectory's length.
    pub text: String,
    /// The files written.
    pub files: Vec<PathBuf>,
}

/// Finds with PRIM where `condition` holds among the points of the run in
/// `dir` (in a robustness study, with `option`, among that option's
/// worlds), and writes `discover_trajectory.csv` and `discover_box.csv`
/// there.
pub fn discover(
    dir: &Path,
    condition: &Condition,
    option: Option<&str>,
) -> Result<DiscoverReport, AppError> {
    let output = Output::open(dir).map_err(|e| AppError::Request(e.to_string()))?;
    let (names, rows) = swept_numbers(&output)?;
    let chosen = option_points(&output, option)?;
    let means = point_means(&output, condition)?;
    let (mut kept, mut holds, mut undefined) = (Vec::new(), Vec::new(), 0usize);
    for (point, row) in rows.into_iter().enumerate() {
        if chosen.as_ref().is_some_and(|chosen| !chosen[point]) {
            continue;
        }
        match means.get(point).copied().flatten() {
            Some(mean) => {
                holds.push(condition.holds(mean));
                kept.push(row);
            }
            None => undefined += 1,
        }
    }
    let points = Points::from_rows(&names, &kept, &holds)
        .map_err(|e| AppError::Request(format!("{}: {e}", dir.display())))?;
    let found = prim(&points, &Options::default())
        .map_err(|e| AppError::Request(format!("{}: {e}", dir.display())))?;
    let files = write(dir, &found, condition, option)?;
    let mut text = format!("{}\n", found.describe_as(&condition.text));
    if undefined > 0 {
        text.push_str(&format!(
            "({undefined} of {} points left out: {} is undefined there)\n",
            undefined + kept.len(),
            condition.metric
        ));
    }
    text.push_str(&limits_text(&found));
    Ok(DiscoverReport { text, files })
}

/// The swept columns that hold numbers, and each point's values of them.
fn swept_numbers(output: &Output) -> Result<(Vec<String>, Vec<Vec<f64>>), AppError> {
    let missing = |what: &str| {
        AppError::Request(format!(
            "{}: {what}: discover needs the points of a sweep or study with their `points` \
             and `summary` tables (for a study: --outputs points,summary,sensitivity)",
            output.dir.display()
        ))
    };
    let table = output
        .table("points")
        .ok_or_else(|| missing("no points table"))?;
    let read = |e: crate::report::ReportError| AppError::Request(e.to_string());
    let columns = table.columns().map_err(read)?;
    // A robustness study's `world` and `option` label its points.
    let labels = robustness_labels(output);
    let swept: Vec<&str> = (columns.iter().skip(1).map(String::as_str))
        .filter(|c| !labels.contains(c))
        .collect();
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    let wanted: Vec<&str> = std::iter::once("point")
        .chain(swept.iter().copied())
        .collect();
    table
        .rows(&wanted, |cells| {
            values.push(cells[1..].iter().map(|c| number(*c)).collect());
            true
        })
        .map_err(read)?;
    // A parameter is kept when every point has a number for it.
    let numeric: Vec<usize> = (0..swept.len())
        .filter(|&j| values.iter().all(|row| row[j].is_some()))
        .collect();
    if numeric.is_empty() {
        return Err(missing("no swept parameter holds numbers"));
    }
    let names = numeric.iter().map(|&j| swept[j].to_string()).collect();
    let rows = (values.iter())
        .map(|row| {
            numeric
                .iter()
                .map(|&j| row[j].unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    Ok((names, rows))
}

/// The columns that label a robustness study's points (none for another
/// run).
fn robustness_labels(output: &Output) -> &'static [&'static str] {
    match output.manifest["sweep"]["method"].as_str() {
        Some("robustness") => &crate::experiment::ROBUSTNESS_LABELS,
        _ => &[],
    }
}

/// With `option`, which points are that option's (in a robustness study).
fn option_points(output: &Output, option: Option<&str>) -> Result<Option<Vec<bool>>, AppError> {
    let Some(option) = option else {
        return Ok(None);
    };
    let options: Vec<String> = (output.manifest["sweep"]["options"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|o| o["name"].as_str().map(str::to_string))
        .collect();
    if robustness_labels(output).is_empty() || !options.iter().any(|o| o == option) {
        return Err(AppError::Request(format!(
            "--option {option}: {} {}",
            output.dir.display(),
            match options.is_empty() {
                true => "is not a robustness study, whose options --option chooses among".into(),
                false => format!("has the options {}", options.join(", ")),
            }
        )));
    }
    let table = output
        .table("points")
        .ok_or_else(|| AppError::Request(format!("{}: no points table", output.dir.display())))?;
    let mut chosen = Vec::new();
    table
        .rows(&["option"], |c| {
            chosen.push(c[0] == Some(option));
            true
        })
        .map_err(|e| AppError::Request(e.to_string()))?;
    Ok(Some(chosen))
}

/// Each point's mean of the condition's metric (`None` where undefined).
fn point_means(output: &Output, condition: &Condition) -> Result<Vec<Option<f64>>, AppError> {
    let table = output.table("summary").ok_or_else(|| {
        AppError::Request(format!(
            "{}: no summary table: run with --outputs points,summary (and the rest)",
            output.dir.display()
        ))
    })?;
    let mut means = vec![None; output.points()];
    let mut seen = false;
    table
        .rows(&["point", "lab", "metric", "mean"], |c| {
            if c[1] == Some(condition.lab.as_str()) && c[2] == Some(condition.metric.as_str()) {
                seen = true;
                if let Some(slot) = whole(c[0]).and_then(|p| means.get_mut(p as usize)) {
                    *slot = number(c[3]);
                }
            }
            true
        })
        .map_err(|e| AppError::Request(e.to_string()))?;
    if !seen {
        return Err(AppError::Request(format!(
            "{}: summary.csv has no metric `{}` for `{}`: name a column of lab_outcomes with a \
             lab id, or of system_outcomes with `all` (docs/outputs.md lists them)",
            output.dir.display(),
            condition.metric,
            condition.lab
        )));
    }
    Ok(means)
}

/// The chosen box's limits, one line per restricted parameter.
fn limits_text(found: &Discovery) -> String {
    let rows = found.chosen_box_rows();
    if rows.is_empty() {
        return "no parameter restricted: the condition does not depend on the swept \
                parameters, as far as these points tell\n"
            .into();
    }
    let mut text = String::from("the box (a side with no quasi-p is not limited):\n");
    for row in rows {
        let side = |value: f64, qp: Option<f64>| match qp {
            Some(qp) => format!("{value} (quasi-p {qp:.2e})"),
            None => format!("({value})"),
        };
        text.push_str(&format!(
            "  {}: from {} to {}\n",
            row.parameter,
            side(row.lower, row.qp_lower),
            side(row.upper, row.qp_upper)
        ));
    }
    text
}

/// The file that says what `discover` looked for, for the report.
pub const CONDITION_FILE: &str = "discover.json";

/// Writes the trajectory, the chosen box and `discover.json` (the
/// condition as given, and the option) beside the run's tables, together:
/// all three or none, so that they never mix two searches.
fn write(
    dir: &Path,
    found: &Discovery,
    condition: &Condition,
    option: Option<&str>,
) -> Result<Vec<PathBuf>, AppError> {
    let failed = |path: &Path, e: &dyn std::fmt::Display| {
        AppError::Request(format!("{}: cannot write: {e}", path.display()))
    };
    let (trajectory, chosen) = (
        dir.join("discover_trajectory.csv"),
        dir.join("discover_box.csv"),
    );
    let mut trajectory_bytes = Vec::new();
    (found.write_trajectory_csv(&mut trajectory_bytes)).map_err(|e| failed(&trajectory, &e))?;
    let mut box_bytes = Vec::new();
    (found.write_box_csv(&mut box_bytes)).map_err(|e| failed(&chosen, &e))?;
    let json = serde_json::json!({ "condition": condition.text, "option": option });
    let condition_file = dir.join(CONDITION_FILE);
    let condition_text = format!("{json:#}\n");
    let files = [
        (trajectory.as_path(), trajectory_bytes.as_slice()),
        (chosen.as_path(), box_bytes.as_slice()),
        (condition_file.as_path(), condition_text.as_bytes()),
    ];
    crate::output::write_all_whole(&files).map_err(|(index, e)| failed(files[index].0, &e))?;
    Ok(files.iter().map(|(path, _)| path.to_path_buf()).collect())
}
