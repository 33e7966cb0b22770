//! The report's section on a robustness study (`robustness`, CSV or
//! Parquet as the run's tables): per output, the options ranked by their
//! mean regret, and the spread over the worlds of each option's mean.

use std::cmp::Ordering;

use super::page::Page;
use super::sections::title_of;
use super::tables::{TableFile, number, share_percent, significant, whole};
use super::{Output, ReportError, charts};

/// The table's name in an output directory.
pub const TABLE: &str = "robustness";

/// The section's heading.
pub const HEADING: &str = "Robustness of the options";

/// The columns read, in this order.
const COLUMNS: [&str; 14] = [
    "option",
    "metric",
    "lab",
    "direction",
    "worlds",
    "mean",
    "p5",
    "p50",
    "p95",
    "noise_sd",
    "regret_mean",
    "regret_p90",
    "regret_max",
    "best_share",
];

/// One option's numbers for one output.
#[derive(Debug, Clone, PartialEq)]
struct OptionRow {
    name: String,
    /// Its position in the study's order (for its colour).
    index: usize,
    worlds: Option<u64>,
    mean: Option<f64>,
    /// The 5th, 50th and 95th percentiles over the worlds.
    q: [Option<f64>; 3],
    noise_sd: Option<f64>,
    /// Mean, 90th percentile and maximum of the regret.
    regret: [Option<f64>; 3],
    best_share: Option<f64>,
}

/// One output of the study: its metric, lab and direction, and each
/// option's numbers in the study's order.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    metric: String,
    lab: String,
    direction: String,
    options: Vec<OptionRow>,
}

/// The outputs of the table in its order.
fn read(table: &TableFile) -> Result<Vec<Outcome>, ReportError> {
    let mut outputs: Vec<Outcome> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    table.rows(&COLUMNS, |c| {
        let text = |i: usize| c[i].unwrap_or_default().to_string();
        let name = text(0);
        let index = names.iter().position(|n| *n == name).unwrap_or_else(|| {
            names.push(name.clone());
            names.len() - 1
        });
        let option = OptionRow {
            name,
            index,
            worlds: whole(c[4]),
            mean: number(c[5]),
            q: [number(c[6]), number(c[7]), number(c[8])],
            noise_sd: number(c[9]),
            regret: [number(c[10]), number(c[11]), number(c[12])],
            best_share: number(c[13]),
        };
        let (metric, lab) = (text(1), text(2));
        match (outputs.iter_mut()).find(|o| o.metric == metric && o.lab == lab) {
            Some(outcome) => outcome.options.push(option),
            None => outputs.push(Outcome {
                metric,
                lab,
                direction: text(3),
                options: vec![option],
            }),
        }
        true
    })?;
    Ok(outputs)
}

/// The options by mean regret, least first; an option whose regret is
/// undefined comes after the others, and ties (and an output with no
/// direction, which has no regret) keep the study's order.
fn ranked(outcome: &Outcome) -> Vec<&OptionRow> {
    let mut options: Vec<&OptionRow> = outcome.options.iter().collect();
    options.sort_by(|a, b| match (a.regret[0], b.regret[0]) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    options
}

/// Per output of a robustness study: a table of the options ranked by
/// mean regret, and a chart of each option's spread over the worlds.
pub fn section(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = output.table(TABLE) else {
        return Ok(());
    };
    let outcomes = read(&table)?;
    page.section(HEADING);
    page.raw(
        "<p class=\"lede\">Each option was run in each of many sampled worlds (combinations \
         of the uncertain parameters), with replications in each. For each output: the \
         distribution over the worlds of each option's mean over its replications; its \
         <b>regret</b>, how far it falls short of the best option in the same world, in the \
         output's unit (0 where it is the best; lower is better); and the share of the worlds \
         in which it is the best. Options are ranked by mean regret.</p>\n",
    );
    if outcomes.is_empty() {
        page.note("robustness.csv has no rows: the study wrote no output to show.");
    }
    for outcome in &outcomes {
        figure(output, page, outcome)?;
    }
    satisficing(output, page)
}

/// One output: its heading, its table and its chart.
fn figure(output: &Output, page: &mut Page, outcome: &Outcome) -> Result<(), ReportError> {
    let (what, unit) = title_of(&outcome.metric);
    let unit = if unit == "%" { "share (0 to 1)" } else { unit };
    let name = format!("{what}: {}", output.lab_name(&outcome.lab));
    let worlds = outcome.options.iter().filter_map(|o| o.worlds).max();
    let worlds_text = worlds.map_or("worlds".to_string(), |n| format!("{n} worlds"));
    let direction = match outcome.direction.as_str() {
        "minimize" => "lower is better",
        "maximize" => "higher is better",
        _ => "named by a condition only, no regret",
    };
    page.heading(&format!("{name} ({direction}; {worlds_text})"));
    let options = ranked(outcome);
    table(page, outcome, &options);
    let rows: Vec<charts::Row> = (options.iter())
        .filter_map(|o| {
            let [Some(p5), Some(p50), Some(p95)] = o.q else {
                return None;
            };
            Some(charts::Row {
                label: o.name.clone(),
                colour: charts::colour(o.index),
                shape: charts::Shape::Range {
                    q: [p5, p50, p95],
                    mean: o.mean.unwrap_or(p50),
                },
            })
        })
        .collect();
    if rows.is_empty() {
        page.note("No option has a spread over the worlds to draw: the output is undefined.");
        return Ok(());
    }
    let axis = match unit {
        "" => "an option's mean over replications in one world".to_string(),
        unit => format!("{unit}: an option's mean over replications in one world"),
    };
    let svg = charts::row_chart(&rows, &axis).map_err(ReportError::Chart)?;
    let noise = (options.iter().filter_map(|o| o.noise_sd)).fold(None, |most: Option<f64>, n| {
        Some(most.map_or(n, |m| m.max(n)))
    });
    let order = match outcome.direction.as_str() {
        "none" => "the study's order",
        _ => "the table's order, least mean regret first",
    };
    let mut caption = format!(
        "The distribution over {worlds_text} of each option's mean over its replications: \
         whiskers from the 5th to the 95th percentile, bar: median, dot: mean. Options in \
         {order}."
    );
    if let Some(noise) = noise {
        caption.push_str(&format!(
            " Replication noise in one world's mean (root mean square standard error): at most \
             {}.",
            significant(Some(noise))
        ));
    }
    page.chart(
        &format!("{name}: each option over the worlds"),
        &svg,
        &caption,
    );
    Ok(())
}

/// The table of one output's options, in ranked order.
fn table(page: &mut Page, outcome: &Outcome, options: &[&OptionRow]) {
    let regret = outcome.direction != "none"
        && (options.iter()).any(|o| o.regret[0].is_some() || o.best_share.is_some());
    let mut header: Vec<String> = ["option", "mean", "5th – 95th percentile"]
        .map(String::from)
        .to_vec();
    if regret {
        header.extend(
            [
                "mean regret",
                "regret, 90th percentile",
                "largest regret",
                "best in",
            ]
            .map(String::from),
        );
    }
    let rows: Vec<Vec<String>> = (options.iter())
        .map(|o| {
            let mut row = vec![
                o.name.clone(),
                significant(o.mean),
                format!("{} – {}", significant(o.q[0]), significant(o.q[2])),
            ];
            if regret {
                row.extend(o.regret.map(significant));
                row.push(share_percent(o.best_share));
            }
            row
        })
        .collect();
    page.table("robustness", &header, &rows);
}

/// The shares of worlds in which each option meets the thresholds given to
/// `reviewsim robustness --satisfy` (`satisficing.csv`), if it was run.
fn satisficing(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = TableFile::csv(&output.dir, "satisficing") else {
        return Ok(());
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut worlds = None;
    table.rows(&["option", "condition", "worlds", "share"], |c| {
        worlds = worlds.or(whole(c[2]));
        rows.push(vec![
            c[0].unwrap_or_default().to_string(),
            c[1].unwrap_or_default().to_string(),
            share_percent(number(c[3])),
        ]);
        true
    })?;
    let worlds = worlds.map_or("the worlds".to_string(), |n| format!("the {n} worlds"));
    page.heading(&format!(
        "Satisficing: the share of {worlds} meeting each threshold"
    ));
    let header = ["option", "condition", "share of worlds"].map(String::from);
    page.table("satisficing", &header, &rows);
    page.raw(
        "<p class=\"lede\">From <code>reviewsim robustness --satisfy</code>: in what share \
         of the worlds each option's mean meets each threshold, and (joined by <i>and</i>) \
         every one of them.</p>\n",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(name: &str, index: usize, regret: Option<f64>) -> OptionRow {
        OptionRow {
            name: name.into(),
            index,
            worlds: Some(10),
            mean: Some(1.0),
            q: [Some(0.0), Some(1.0), Some(2.0)],
            noise_sd: None,
            regret: [regret, None, None],
            best_share: None,
        }
    }

    fn names(outcome: &Outcome) -> Vec<&str> {
        ranked(outcome).iter().map(|o| o.name.as_str()).collect()
    }

    #[test]
    fn options_rank_by_mean_regret_with_ties_and_undefined_last_in_study_order() {
        let outcome = Outcome {
            metric: "incidents".into(),
            lab: "all".into(),
            direction: "minimize".into(),
            options: vec![
                option("a", 0, Some(2.0)),
                option("b", 1, None),
                option("c", 2, Some(0.5)),
                option("d", 3, Some(2.0)),
                option("e", 4, Some(0.0)),
            ],
        };
        assert_eq!(names(&outcome), ["e", "c", "a", "d", "b"]);
        let none = Outcome {
            direction: "none".into(),
            options: vec![option("z", 0, None), option("y", 1, None)],
            ..outcome
        };
        assert_eq!(names(&none), ["z", "y"]);
    }
}
