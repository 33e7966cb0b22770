//! The report's sections in page order, each from the files it needs:
//! provenance (the manifest), the headline table (`summary`), the
//! differences between arms (`compare`), then the figures.

use std::collections::BTreeMap;

use serde_json::Value;

use super::page::{Page, escape};
use super::tables::{number, whole};
use super::{Output, ReportError, charts};
use crate::app::{HEADLINE, level, percent, percent_ci, rounded};
use crate::output::{Difference, Estimate};

pub use super::figures::{delays, sensitivity, shares};

/// What the charts call each headline metric, and its unit on an axis, in
/// the order the charts come.
pub const TITLES: [(&str, &str, &str); 9] = [
    ("delay_days_mean", "Delay per release", "days"),
    ("share_all", "Market share at the horizon", "%"),
    (
        "hazardous_unreviewed_releases",
        "Hazardous releases that reached the public unreviewed",
        "releases",
    ),
    ("incidents", "Incidents", "incidents"),
    (
        "capability_lead_days",
        "Days holding the capability lead",
        "days",
    ),
    ("releases", "Releases", "releases"),
    ("reviews_completed", "Reviews completed", "reviews"),
    (
        "incidents_open_weights",
        "Incidents from open-weights models",
        "incidents",
    ),
    ("incidents_api", "Incidents from API models", "incidents"),
];

/// Titles of metrics that are not headline metrics but are named in
/// charts (a robustness study judges them).
const MORE_TITLES: [(&str, &str, &str); 2] = [
    (
        "hazardous_unreviewed_open_weights",
        "Hazardous open-weights releases that reached the public unreviewed",
        "releases",
    ),
    ("hazardous_releases", "Hazardous releases", "releases"),
];

/// A metric's title and unit for a chart.
pub fn title_of(metric: &str) -> (&str, &str) {
    (TITLES.iter().chain(&MORE_TITLES))
        .find(|(m, ..)| *m == metric)
        .map_or((metric, ""), |(_, title, unit)| (*title, *unit))
}

/// Runs of at most this many points show every point's headline table;
/// larger ones show the first point's.
const HEADLINE_POINTS: usize = 5;
/// Compares and sweeps of at most this many points show their differences.
pub const DIFFERENCE_POINTS: usize = 16;

/// Each point's name: the scenario's for one point, the arms' for a
/// compare, else `point K (path=value, ...)` from points.csv.
pub fn point_names(output: &Output) -> Result<Vec<String>, ReportError> {
    let points = output.points();
    let sweep = &output.manifest["sweep"];
    if let Some(arms) = sweep["arms"].as_array() {
        let arms = arms
            .iter()
            .map(|arm| arm["name"].as_str().unwrap_or("arm").to_string());
        return Ok(std::iter::once("baseline".to_string())
            .chain(arms)
            .collect());
    }
    if points == 1 {
        let name = output.manifest["scenario_name"].as_str().unwrap_or("run");
        return Ok(vec![name.to_string()]);
    }
    let mut names: Vec<String> = (0..points).map(|p| format!("point {p}")).collect();
    let Some(table) = output
        .table("points")
        .filter(|_| points <= DIFFERENCE_POINTS)
    else {
        return Ok(names);
    };
    let columns = table.columns()?;
    let swept: Vec<&str> = columns.iter().skip(1).map(String::as_str).collect();
    if swept.is_empty() {
        return Ok(names);
    }
    let wanted: Vec<&str> = std::iter::once("point")
        .chain(swept.iter().copied())
        .collect();
    table.rows(&wanted, |cells| {
        if let Some(name) = whole(cells[0]).and_then(|p| names.get_mut(p as usize)) {
            let values: Vec<String> = (swept.iter().zip(&cells[1..]))
                .map(|(path, value)| format!("{path}={}", plain(value.unwrap_or(""))))
                .collect();
            *name = format!("{name} ({})", values.join(", "));
        }
        true
    })?;
    Ok(names)
}

/// One line under the title: what ran, in brief (the provenance section
/// at the end has the rest).
pub fn summary_line(output: &Output, page: &mut Page) {
    let m = &output.manifest;
    let text = |v: &Value| {
        v.as_str()
            .map(String::from)
            .unwrap_or_else(|| v.to_string())
    };
    page.raw(&format!(
        "<p class=\"lede\">{} · {} point(s) × {} replications · seed {} · {} · \
         <a href=\"#provenance\">provenance</a></p>\n",
        escape(&text(&m["scenario_file"])),
        m["points"],
        m["replications"],
        m["seed"],
        escape(&text(&m["reviewsim_version"]))
    ));
}

/// A swept value as the terminal shows it: `30`, not `30.0`.
fn plain(value: &str) -> &str {
    match value.strip_suffix(".0") {
        Some(whole) if whole.parse::<i64>().is_ok() => whole,
        _ => value,
    }
}

/// The run's provenance: what ran, with which seed, from which scenario.
pub fn provenance(output: &Output, page: &mut Page) {
    let m = &output.manifest;
    let text = |v: &Value| {
        v.as_str()
            .map(String::from)
            .unwrap_or_else(|| v.to_string())
    };
    let simulation = &m["resolved_scenario"]["simulation"];
    let mut facts: Vec<Vec<String>> = vec![
        vec![
            "Scenario".into(),
            format!(
                "{} ({})",
                text(&m["scenario_name"]),
                text(&m["scenario_file"])
            ),
        ],
        vec!["Command".into(), command_line(m)],
        vec!["Overrides".into(), list(&m["overrides"])],
        vec!["reviewsim".into(), text(&m["reviewsim_version"])],
        vec!["Seed".into(), text(&m["seed"])],
        vec![
            "Runs".into(),
            format!(
                "{} point(s) × {} replications = {} replications, on common random numbers: {}",
                m["points"], m["replications"], m["work_units"], m["common_random_numbers"]
            ),
        ],
        vec![
            "Simulated period".into(),
            format!(
                "{} days from {}",
                simulation["horizon_days"].as_f64().unwrap_or(0.0),
                text(&simulation["start_date"])
            ),
        ],
        vec![
            "Scenario digest".into(),
            format!("SHA-256 {}", scenario_digest(m)),
        ],
    ];
    if let Some(shards) = m["merged_from"].as_array() {
        facts.push(vec![
            "Merged from".into(),
            format!("{} shards", shards.len()),
        ]);
    }
    facts.push(vec![
        "Wall time".into(),
        format!(
            "{:.1} s on {} thread(s)",
            m["wall_time_seconds"].as_f64().unwrap_or(0.0),
            m["threads"]
        ),
    ]);
    page.section("Provenance");
    page.raw(
        "<p class=\"lede\">What ran: the digest is of the resolved scenario (every \
              default, extends and override applied), so two runs with the same digest and \
              seed give the same numbers.</p>\n",
    );
    page.table("facts", &[], &facts);
}

/// The command that ran, as a shell would take it.
fn command_line(manifest: &Value) -> String {
    match manifest["command"].as_array() {
        Some(words) => (words.iter())
            .map(|w| shell_word(w.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(" "),
        None => "not recorded (a run by an earlier reviewsim)".into(),
    }
}

fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn list(value: &Value) -> String {
    match value.as_array() {
        Some(items) if !items.is_empty() => (items.iter())
            .map(|i| {
                i.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => "none".into(),
    }
}

/// The manifest's digest of the resolved scenario, or the same digest
/// computed from it for a run that did not record one.
fn scenario_digest(manifest: &Value) -> String {
    match manifest["resolved_scenario_sha256"].as_str() {
        Some(digest) => digest.to_string(),
        None => crate::output::scenario_digest(&manifest["resolved_scenario"]),
    }
}

/// The headline table: per lab and for the system, each headline metric's
/// mean with its 95% interval, per point.
pub fn headline(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    // A robustness study's points are worlds: its own section sums them up.
    if output.table(super::robustness::TABLE).is_some() {
        return Ok(());
    }
    let Some(table) = output.table("summary") else {
        if output.table("sensitivity").is_none() {
            page.section("Headline");
            page.note(
                "This run wrote no summary table (see --outputs), so there is no headline table.",
            );
        }
        return Ok(());
    };
    let shown = if output.points() <= HEADLINE_POINTS {
        output.points()
    } else {
        1
    };
    let wanted = [
        "point",
        "lab",
        "metric",
        "n",
        "mean",
        "ci95_low",
        "ci95_high",
    ];
    let mut estimates: Vec<Estimate> = Vec::new();
    table.rows(&wanted, |c| {
        let point = whole(c[0]).unwrap_or(u64::MAX) as usize;
        let metric = c[2].unwrap_or_default();
        if point < shown && HEADLINE.iter().any(|(m, _)| *m == metric) {
            estimates.push(Estimate {
                point,
                lab: c[1].unwrap_or_default().to_string(),
                metric: metric.to_string(),
                n: whole(c[3]).unwrap_or(0),
                mean: number(c[4]),
                ci95: number(c[5]).zip(number(c[6])),
            });
        }
        true
    })?;
    page.section("Headline");
    page.raw(
        "<p class=\"lede\">Means per replication, each ± the half-width of its 95% \
              confidence interval, rounded to the digits the interval supports. Shares are \
              each lab's adopters over all adopters at the horizon, in percent.</p>\n",
    );
    if shown < output.points() {
        page.note(&format!(
            "The first of {} points; summary.csv holds every point.",
            output.points()
        ));
    }
    for point in 0..shown {
        let mine: Vec<&Estimate> = estimates.iter().filter(|e| e.point == point).collect();
        let n = mine.iter().map(|e| e.n).max().unwrap_or(0);
        page.heading(&format!("{} ({n} replications)", name_of(output, point)));
        let cells: Vec<(&str, &str, String)> = (mine.iter())
            .map(|e| {
                let shown = level(percent(&e.metric, e.mean), percent_ci(&e.metric, e.ci95));
                (e.lab.as_str(), e.metric.as_str(), shown)
            })
            .collect();
        grids(output, page, &cells);
    }
    Ok(())
}

/// A point's name.
fn name_of(output: &Output, point: usize) -> &str {
    output.point_names.get(point).map_or("", String::as_str)
}

/// Cells (lab, metric, text) as two tables: labs, then the system.
fn grids(output: &Output, page: &mut Page, cells: &[(&str, &str, String)]) {
    for system in [false, true] {
        let keep = |lab: &str| (lab == "all") == system;
        let columns: Vec<(&str, &str)> = (HEADLINE.iter())
            .filter(|(metric, _)| cells.iter().any(|c| keep(c.0) && c.1 == *metric))
            .copied()
            .collect();
        let mut labs: Vec<&str> = Vec::new();
        for cell in cells.iter().filter(|c| keep(c.0)) {
            if !labs.contains(&cell.0) {
                labs.push(cell.0);
            }
        }
        if columns.is_empty() || labs.is_empty() {
            continue;
        }
        let header: Vec<String> = std::iter::once(if system { "system" } else { "lab" })
            .chain(columns.iter().map(|(_, words)| *words))
            .map(String::from)
            .collect();
        let rows: Vec<Vec<String>> = (labs.iter())
            .map(|lab| {
                std::iter::once(output.lab_name(lab).to_string())
                    .chain(columns.iter().map(|(metric, _)| {
                        (cells.iter().find(|c| c.0 == *lab && c.1 == *metric))
                            .map_or(String::new(), |c| c.2.clone())
                    }))
                    .collect()
            })
            .collect();
        page.table("headline", &header, &rows);
    }
}

/// The differences of each arm (or point) from the baseline, as tables and
/// as bars with their intervals, one chart per headline metric.
pub fn comparison(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = output.table("compare") else {
        return Ok(());
    };
    let differences = read_differences(&table)?;
    let baseline = output.manifest["sweep"]["baseline"].as_u64().unwrap_or(0) as usize;
    let base_name = name_of(output, baseline).to_string();
    page.section("Differences from the baseline");
    page.raw(&format!(
        "<p class=\"lede\">Each point minus <b>{}</b>, replication by replication on common \
         random numbers: the mean paired difference ± the half-width of its 95% interval.</p>\n",
        escape(&base_name)
    ));
    if output.points() > DIFFERENCE_POINTS {
        page.note(&format!(
            "The first {DIFFERENCE_POINTS} of {} points; compare.csv holds every point.",
            output.points()
        ));
    }
    let mut points: Vec<usize> = differences.iter().map(|d| d.point).collect();
    points.dedup();
    for &point in &points {
        let mine: Vec<&Difference> = differences.iter().filter(|d| d.point == point).collect();
        let pairs = mine.iter().map(|d| d.pairs).max().unwrap_or(0);
        page.heading(&format!(
            "{} minus {base_name} ({pairs} pairs)",
            name_of(output, point)
        ));
        let cells: Vec<(&str, &str, String)> = (mine.iter())
            .map(|d| {
                let shown = rounded(percent(&d.metric, d.mean), percent_ci(&d.metric, d.ci95));
                (d.lab.as_str(), d.metric.as_str(), shown)
            })
            .collect();
        grids(output, page, &cells);
    }
    difference_charts(output, page, &differences, &points, &base_name)
}

fn read_differences(table: &super::tables::TableFile) -> Result<Vec<Difference>, ReportError> {
    let wanted = [
        "point",
        "lab",
        "metric",
        "n_pairs",
        "baseline_mean",
        "difference_mean",
        "difference_ci95_low",
        "difference_ci95_high",
    ];
    let mut differences = Vec::new();
    table.rows(&wanted, |c| {
        let point = whole(c[0]).unwrap_or(u64::MAX) as usize;
        let metric = c[2].unwrap_or_default();
        if point <= DIFFERENCE_POINTS && HEADLINE.iter().any(|(m, _)| *m == metric) {
            differences.push(Difference {
                point,
                lab: c[1].unwrap_or_default().to_string(),
                metric: metric.to_string(),
                pairs: whole(c[3]).unwrap_or(0),
                baseline_mean: number(c[4]),
                mean: number(c[5]),
                ci95: number(c[6]).zip(number(c[7])),
            });
        }
        true
    })?;
    Ok(differences)
}

/// One chart per headline metric: a bar per lab (and arm) with its
/// interval.
fn difference_charts(
    output: &Output,
    page: &mut Page,
    differences: &[Difference],
    points: &[usize],
    base_name: &str,
) -> Result<(), ReportError> {
    for (metric, ..) in TITLES {
        let mut by_lab: BTreeMap<(usize, usize), charts::Row> = BTreeMap::new();
        for d in differences.iter().filter(|d| d.metric == metric) {
            let Some(mean) = percent(metric, d.mean) else {
                continue;
            };
            let index = output.lab_index(&d.lab);
            let label = match points.len() {
                1 => output.lab_name(&d.lab).to_string(),
                _ => format!("{} · {}", output.lab_name(&d.lab), name_of(output, d.point)),
            };
            let row = charts::Row {
                label,
                colour: index.map_or(charts::SYSTEM, charts::colour),
                shape: charts::Shape::Bar {
                    value: mean,
                    ci95: percent_ci(metric, d.ci95),
                    dot: None,
                },
            };
            by_lab.insert((index.unwrap_or(usize::MAX), d.point), row);
        }
        if by_lab.is_empty() {
            continue;
        }
        let rows: Vec<charts::Row> = by_lab.into_values().collect();
        let (title, unit) = title_of(metric);
        let unit = if unit == "%" {
            "percentage points"
        } else {
            unit
        };
        let svg = charts::row_chart(&rows, &format!("difference from {base_name}, {unit}"))
            .map_err(ReportError::Chart)?;
        page.chart(
            &format!("{title}: difference from {base_name}"),
            &svg,
            "Bars: the mean paired difference; whiskers: its 95% interval. A bar whose \
             whiskers cross zero is a difference the replications cannot tell from none.",
        );
    }
    Ok(())
}

/// The files of the run, linked.
pub fn files(output: &Output, page: &mut Page) {
    let Some(files) = output.manifest["files"].as_array() else {
        return;
    };
    page.section("Files");
    let mut html = String::from("<p>");
    for file in files.iter().filter_map(Value::as_str) {
        html.push_str(&format!(
            "<a href=\"{0}\"><code>{0}</code></a> ",
            escape(file)
        ));
    }
    html.push_str(
        "<a href=\"manifest.json\"><code>manifest.json</code></a></p>\n<p class=\"lede\">\
         docs/outputs.md in the reviewsim repository says what every column means.</p>\n",
    );
    page.raw(&html);
}
