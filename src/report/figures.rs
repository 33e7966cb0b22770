//! The report's figures from the per-replication tables: shares over time
//! (the time series), delays per lab (`lab_outcomes`), and the
//! sensitivity ranking (`sensitivity`). Each reads at most a bounded
//! number of replications, so that a report of any run takes bounded
//! memory; the caption says when it read fewer than the run has.

use std::collections::BTreeMap;

use super::page::Page;
use super::sections::title_of;
use super::tables::{number, whole};
use super::{Output, ReportError, charts};
use crate::app::{HEADLINE_METRICS, three_significant};

/// Points whose figures are drawn (the first ones).
const FIGURE_POINTS: usize = 4;
/// Replications per point the fan charts read.
const FAN_REPLICATIONS: u64 = 2_000;
/// Replications per point the delay figure reads.
const DELAY_REPLICATIONS: u64 = 20_000;
/// Parameters shown per sensitivity chart.
const TOP_PARAMETERS: usize = 12;
/// Sensitivity outputs shown, at most (the four headline metrics of six
/// labs and the system fit).
const SENSITIVITY_OUTPUTS: usize = 32;

/// Type-7 quantile (numpy's, pandas' and R's default) of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let at = p * (sorted.len() - 1) as f64;
    let (below, fraction) = (at.floor() as usize, at - at.floor());
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + fraction * (sorted[above] - sorted[below])
}

/// The 5th, 25th, 50th, 75th and 95th percentiles of `values`.
fn five(values: &mut [f64]) -> [f64; 5] {
    values.sort_by(f64::total_cmp);
    [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| quantile(values, p))
}

fn caption_of_sample(output: &Output, read: u64, had: u64) -> String {
    let points = output.points();
    let mut text = match read < had {
        true => format!(" Drawn from the first {read} of the {had} replications of each point."),
        false => format!(" From {had} replications."),
    };
    if points > FIGURE_POINTS {
        text.push_str(&format!(" The first {FIGURE_POINTS} of {points} points."));
    }
    text
}

/// Fan charts of each lab's share of every segment over time.
pub fn shares(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = output.table("timeseries") else {
        return Ok(());
    };
    let shown = output.points().min(FIGURE_POINTS);
    let segment_of = |id: &str| output.segments.iter().position(|(s, _)| s == id);
    // (point, segment, lab, day) → the shares of the replications read.
    let mut values: BTreeMap<(usize, usize, usize, u64), Vec<f64>> = BTreeMap::new();
    let wanted = ["point", "replication", "day", "segment", "lab", "share"];
    table.rows(&wanted, |c| {
        let (point, replication) = (whole(c[0]).unwrap_or(u64::MAX), whole(c[1]).unwrap_or(0));
        if (point as usize) < shown && replication < FAN_REPLICATIONS {
            let segment = segment_of(c[3].unwrap_or_default());
            let lab = output.lab_index(c[4].unwrap_or_default());
            if let (Some(s), Some(l), Some(day), Some(share)) =
                (segment, lab, whole(c[2]), number(c[5]))
            {
                values
                    .entry((point as usize, s, l, day))
                    .or_default()
                    .push(100.0 * share);
            }
        }
        true
    })?;
    page.section("Market shares over time");
    let replications = output.manifest["replications"].as_u64().unwrap_or(0);
    let start = output.manifest["resolved_scenario"]["simulation"]["start_date"]
        .as_str()
        .unwrap_or("the start")
        .to_string();
    for point in 0..shown {
        for (s, (_, segment)) in output.segments.iter().enumerate() {
            let fans = fans_of(output, &mut values, point, s);
            if fans.is_empty() {
                continue;
            }
            let svg = charts::fan_chart(
                &fans,
                &format!("days since {start}"),
                "share of the segment's adopters, %",
            )
            .map_err(ReportError::Chart)?;
            let title = match output.points() {
                1 => format!("Market share over time: {segment}"),
                _ => format!(
                    "Market share over time: {segment} ({})",
                    output.point_names[point]
                ),
            };
            let caption = format!(
                "Lines: the median over replications; dark bands: the middle 50% (25th to 75th \
                 percentile); light bands: the middle 90% (5th to 95th).{}",
                caption_of_sample(output, replications.min(FAN_REPLICATIONS), replications)
            );
            page.chart(&title, &svg, &caption);
        }
    }
    Ok(())
}

/// The fans of one point and segment, one per lab with values.
fn fans_of(
    output: &Output,
    values: &mut BTreeMap<(usize, usize, usize, u64), Vec<f64>>,
    point: usize,
    segment: usize,
) -> Vec<charts::Fan> {
    let mut fans = Vec::new();
    for (l, (_, name)) in output.labs.iter().enumerate() {
        let days: Vec<(f64, [f64; 5])> = (values
            .range_mut((point, segment, l, 0)..=(point, segment, l, u64::MAX)))
        .map(|((.., day), shares)| (*day as f64, five(shares)))
        .collect();
        if !days.is_empty() {
            fans.push(charts::Fan {
                name: name.clone(),
                colour: charts::colour(l),
                days,
            });
        }
    }
    fans
}

/// The spread over replications of each lab's mean delay per release.
pub fn delays(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = output.table("lab_outcomes") else {
        return Ok(());
    };
    let shown = output.points().min(FIGURE_POINTS);
    let mut values: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    table.rows(&["point", "replication", "lab", "delay_days_mean"], |c| {
        let (point, replication) = (whole(c[0]).unwrap_or(u64::MAX), whole(c[1]).unwrap_or(0));
        let lab = output.lab_index(c[2].unwrap_or_default());
        if let (true, Some(lab), Some(delay)) = (
            (point as usize) < shown && replication < DELAY_REPLICATIONS,
            lab,
            number(c[3]),
        ) {
            values.entry((lab, point as usize)).or_default().push(delay);
        }
        true
    })?;
    let rows: Vec<charts::Row> = (values.iter_mut())
        .map(|((lab, point), delays)| charts::Row {
            label: match shown {
                1 => output.labs[*lab].1.clone(),
                _ => format!("{} · {}", output.labs[*lab].1, output.point_names[*point]),
            },
            colour: charts::colour(*lab),
            shape: charts::Shape::Spread {
                mean: delays.iter().sum::<f64>() / delays.len() as f64,
                q: five(delays),
            },
        })
        .collect();
    page.section("Release delays");
    if rows.is_empty() {
        page.note("No lab released a model in the replications read: there is no delay to show.");
        return Ok(());
    }
    let svg = charts::row_chart(
        &rows,
        "days from a model being ready to its release (a replication's mean)",
    )
    .map_err(ReportError::Chart)?;
    let replications = output.manifest["replications"].as_u64().unwrap_or(0);
    let caption = format!(
        "Each replication's mean delay over the lab's releases. Whiskers: 5th to 95th \
         percentile; box: 25th to 75th; bar: median; dot: mean. Replications in which a lab \
         released nothing have no delay and are left out.{}",
        caption_of_sample(output, replications.min(DELAY_REPLICATIONS), replications)
    );
    page.chart("Delay per release, by lab", &svg, &caption);
    Ok(())
}

/// One ranked parameter of a sensitivity output.
struct Ranked {
    parameter: String,
    rank: usize,
    value: f64,
    ci95: Option<(f64, f64)>,
    /// S1 beside ST, σ beside μ*.
    second: Option<WithInterval>,
    /// Base rows or trajectories used, of those the design has (when the
    /// study says).
    rows: Option<(u64, u64)>,
}

/// A sensitivity output: the lab, the metric, the change analysed.
type OutputKey = (String, String, String);

/// Each output's ranked parameters, in the file's order.
type Ranking = Vec<(OutputKey, Vec<Ranked>)>;

/// An index with its interval.
type WithInterval = (f64, Option<(f64, f64)>);

/// The parameters that move each headline output most, with intervals.
pub fn sensitivity(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = output.table("sensitivity") else {
        return Ok(());
    };
    let wanted_metrics: Vec<String> = (output.manifest["sweep"]["metrics"].as_array())
        .map(|m| {
            m.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let wanted = |lab: &str, metric: &str| match wanted_metrics.is_empty() {
        true => HEADLINE_METRICS.contains(&metric),
        false => wanted_metrics.iter().any(|m| match m.split_once(':') {
            Some((m, l)) => m == metric && l == lab,
            None => m == metric,
        }),
    };
    let (mut ranked, method) = read_ranking(&table, &wanted)?;
    // Metric by metric, each lab's in the scenario's order, then the system's.
    let metric_rank = |metric: &str| {
        let named = wanted_metrics
            .iter()
            .position(|m| m.split(':').next() == Some(metric));
        named.or_else(|| HEADLINE_METRICS.iter().position(|m| *m == metric))
    };
    ranked.sort_by_key(|((lab, metric, _), _)| {
        (
            metric_rank(metric),
            output.lab_index(lab).unwrap_or(usize::MAX),
        )
    });
    page.section("What the outputs depend on");
    let (main, second) = match method.as_str() {
        "morris" => ("μ*", "σ"),
        _ => ("ST", "S1"),
    };
    page.raw(&format!(
        "<p class=\"lede\">The parameters that move each output most over their plausible \
         ranges ({method}): bars are {main} with its bootstrap 95% interval, dots {second}. \
         sensitivity.csv holds every output, parameter and index.</p>\n"
    ));
    let shown: Vec<&(OutputKey, Vec<Ranked>)> = (ranked.iter())
        .filter(|(_, params)| params.iter().any(|p| p.value != 0.0))
        .take(SENSITIVITY_OUTPUTS)
        .collect();
    if shown.len() < ranked.len() {
        page.note(&format!(
            "{} of {} outputs shown: those no parameter moves, and any past the first \
             {SENSITIVITY_OUTPUTS}, are in sensitivity.csv.",
            shown.len(),
            ranked.len()
        ));
    }
    for ((lab, metric, change), params) in shown {
        ranking_figure(output, page, (lab, metric, change), params, (main, second))?;
    }
    Ok(())
}

/// Reads the ranked indices of the wanted outputs, and the method.
fn read_ranking(
    table: &super::tables::TableFile,
    wanted: &dyn Fn(&str, &str) -> bool,
) -> Result<(Ranking, String), ReportError> {
    let mut columns = [
        "method",
        "lab",
        "metric",
        "contrast",
        "parameter",
        "index",
        "value",
        "ci95_low",
        "ci95_high",
        "rank",
    ]
    .to_vec();
    // Studies by an earlier reviewsim do not say how many rows they used.
    if table.columns()?.iter().any(|c| c == "rows_used") {
        columns.extend(["rows_used", "rows_total"]);
    }
    let mut method = String::new();
    let mut ranked: Vec<(OutputKey, Vec<Ranked>)> = Vec::new();
    let mut seconds: BTreeMap<(OutputKey, String), WithInterval> = BTreeMap::new();
    table.rows(&columns, |c| {
        let (lab, metric) = (c[1].unwrap_or_default(), c[2].unwrap_or_default());
        if !wanted(lab, metric) {
            return true;
        }
        method = c[0].unwrap_or_default().to_string();
        let key = (
            lab.to_string(),
            metric.to_string(),
            c[3].unwrap_or_default().to_string(),
        );
        let parameter = c[4].unwrap_or_default().to_string();
        let (value, ci95) = (number(c[6]), number(c[7]).zip(number(c[8])));
        match (c[5].unwrap_or_default(), value, whole(c[9])) {
            ("ST" | "mu_star", Some(value), Some(rank)) => {
                let entry = Ranked {
                    parameter,
                    rank: rank as usize,
                    value,
                    ci95,
                    second: None,
                    rows: c
                        .get(10)
                        .copied()
                        .and_then(whole)
                        .zip(c.get(11).copied().and_then(whole)),
                };
                match ranked.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, params)) => params.push(entry),
                    None => ranked.push((key, vec![entry])),
                }
            }
            ("S1" | "sigma", Some(value), _) => {
                seconds.insert((key, parameter), (value, ci95));
            }
            _ => {}
        }
        true
    })?;
    for (key, params) in ranked.iter_mut() {
        params.sort_by_key(|p| p.rank);
        params.truncate(TOP_PARAMETERS);
        for p in params.iter_mut() {
            p.second = seconds.get(&(key.clone(), p.parameter.clone())).copied();
        }
    }
    Ok((ranked, method))
}

/// One output's ranking: a table of the numbers, then the chart.
fn ranking_figure(
    output: &Output,
    page: &mut Page,
    (lab, metric, change): (&str, &str, &str),
    params: &[Ranked],
    (main, second): (&str, &str),
) -> Result<(), ReportError> {
    let (what, unit) = title_of(metric);
    // Indices are of the metric as written: a share as a fraction.
    let unit = if unit == "%" { "share (0 to 1)" } else { unit };
    let change = match change {
        "" => String::new(),
        change => format!(", change when {change}"),
    };
    let title = format!(
        "What moves {}: {}{change}",
        output.lab_name(lab),
        what.to_lowercase()
    );
    let shown = |value: f64, ci95: Option<(f64, f64)>| match ci95 {
        Some((low, high)) => format!(
            "{} [{}, {}]",
            three_significant(value),
            three_significant(low),
            three_significant(high)
        ),
        None => three_significant(value),
    };
    let rows: Vec<Vec<String>> = (params.iter())
        .map(|p| {
            vec![
                format!("{}. {}", p.rank, p.parameter),
                shown(p.value, p.ci95),
                p.second.map_or(String::new(), |(v, ci)| shown(v, ci)),
            ]
        })
        .collect();
    let bars: Vec<charts::Row> = (params.iter())
        .map(|p| charts::Row {
            label: p.parameter.clone(),
            colour: output.lab_index(lab).map_or(charts::SYSTEM, charts::colour),
            shape: charts::Shape::Bar {
                value: p.value,
                ci95: p.ci95,
                dot: p.second.map(|s| s.0),
            },
        })
        .collect();
    let axis = match main {
        "ST" => "total-order Sobol' index ST (share of the output's variance)".to_string(),
        _ => format!("mean absolute elementary effect μ*, {unit}"),
    };
    let svg = charts::row_chart(&bars, &axis).map_err(ReportError::Chart)?;
    let unit_rows = if main == "ST" {
        "base rows"
    } else {
        "trajectories"
    };
    let counted = params.first().and_then(|p| p.rows);
    let mut caption = format!("Bars: {main} with its 95% interval; dots: {second}.");
    if let Some((used, total)) = counted {
        caption.push_str(&format!(" On {used} of {total} {unit_rows}."));
    }
    page.chart(&title, &svg, &caption);
    if let Some((used, total)) = counted.filter(|(used, total)| used < total) {
        page.note(&format!(
            "{} of {total} {unit_rows} were left out: the output is undefined in part of the \
             ranges, and these indices describe the rest, not the whole ranges.",
            total - used
        ));
    }
    let header = ["parameter (rank)", main, second].map(String::from);
    page.table("ranking", &header, &rows);
    Ok(())
}
