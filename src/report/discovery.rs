//! The report's section on scenario discovery: what `discover` wrote
//! (`discover_trajectory.csv`, `discover_box.csv`, CSV whatever the run's
//! format) as the trade-off of density against coverage along PRIM's
//! trajectory, and the limits of the chosen box.

use super::page::Page;
use super::tables::{TableFile, number, share_percent, whole};
use super::{Output, ReportError, charts};

/// The trajectory's table name in an output directory.
pub const TRAJECTORY: &str = "discover_trajectory";
/// The chosen box's table name.
pub const BOX: &str = "discover_box";
/// The section's heading.
pub const HEADING: &str = "Where the condition holds (scenario discovery)";
/// The trade-off chart's title.
pub const CHART: &str = "Scenario discovery: density against coverage of each box";

/// One box of the trajectory.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    step: u64,
    phase: String,
    coverage: f64,
    density: f64,
    mass: f64,
    worlds: u64,
    cases: u64,
    restricted: usize,
    chosen: bool,
}

/// One restricted parameter of the chosen box.
#[derive(Debug, Clone, PartialEq)]
struct Limit {
    parameter: String,
    lower: Option<f64>,
    upper: Option<f64>,
    qp_lower: Option<f64>,
    qp_upper: Option<f64>,
}

fn read_trajectory(table: &TableFile) -> Result<Vec<Step>, ReportError> {
    let wanted = [
        "step",
        "phase",
        "coverage",
        "density",
        "mass",
        "worlds",
        "cases",
        "restricted",
        "chosen",
    ];
    let mut steps = Vec::new();
    table.rows(&wanted, |c| {
        if let (Some(step), Some(coverage), Some(density)) =
            (whole(c[0]), number(c[2]), number(c[3]))
        {
            steps.push(Step {
                step,
                phase: c[1].unwrap_or_default().to_string(),
                coverage,
                density,
                mass: number(c[4]).unwrap_or(f64::NAN),
                worlds: whole(c[5]).unwrap_or(0),
                cases: whole(c[6]).unwrap_or(0),
                restricted: whole(c[7]).unwrap_or(0) as usize,
                chosen: c[8] == Some("true"),
            });
        }
        true
    })?;
    Ok(steps)
}

fn read_box(table: &TableFile) -> Result<Vec<Limit>, ReportError> {
    let wanted = ["parameter", "lower", "upper", "qp_lower", "qp_upper"];
    let mut limits = Vec::new();
    table.rows(&wanted, |c| {
        limits.push(Limit {
            parameter: c[0].unwrap_or_default().to_string(),
            lower: number(c[1]),
            upper: number(c[2]),
            qp_lower: number(c[3]),
            qp_upper: number(c[4]),
        });
        true
    })?;
    Ok(limits)
}

/// What `discover` was asked (from `discover.json`), as HTML: the
/// condition, and which option's worlds it looked at.
fn asked(output: &Output) -> (String, String) {
    let json: Option<serde_json::Value> = std::fs::read_to_string(output.dir.join("discover.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let field = |name: &str| {
        (json.as_ref())
            .and_then(|j| j[name].as_str())
            .map(|s| super::page::escape(s).to_string())
    };
    let condition = field("condition").map_or_else(
        || "the condition given to it".to_string(),
        |c| format!("<code>{c}</code>"),
    );
    let option = field("option").map_or_else(String::new, |o| {
        format!(" where the policy option was <code>{o}</code>")
    });
    (condition, option)
}

/// The trade-off of PRIM's trajectory and the chosen box's limits, when
/// `discover` ran on this output.
pub fn section(output: &Output, page: &mut Page) -> Result<(), ReportError> {
    let Some(table) = TableFile::csv(&output.dir, TRAJECTORY) else {
        return Ok(());
    };
    let steps = read_trajectory(&table)?;
    page.section(HEADING);
    page.raw(&format!(
        "<p class=\"lede\">PRIM (<code>reviewsim discover</code>) looked among the points \
         of this run{}, each a world of the swept parameters, for a box of parameter ranges \
         where {} holds: from the box of all the worlds, it peeled \
         away a slice of one parameter's range at a time, then pasted back what raised the \
         density, and chose the densest box once the limits that are not significant were \
         dropped.</p>\n",
        asked(output).1,
        asked(output).0,
    ));
    let Some(first) = steps.first() else {
        page.note("discover_trajectory.csv has no rows: there is no trajectory to show.");
        return Ok(());
    };
    let total_cases = first.cases;
    let chosen = steps.iter().position(|s| s.chosen);
    let boxes: Vec<charts::Boxed> = (steps.iter())
        .map(|s| charts::Boxed {
            coverage: s.coverage,
            density: s.density,
            restricted: s.restricted,
        })
        .collect();
    let label = chosen.map_or(String::new(), |i| {
        format!("chosen box (step {})", steps[i].step)
    });
    let svg = charts::tradeoff_chart(&boxes, chosen, &label).map_err(ReportError::Chart)?;
    page.chart(
        CHART,
        &svg,
        &format!(
            "Each dot is a box of the trajectory ({} boxes), from the box of all the worlds \
             (coverage 100%) inwards, coloured by how many parameters it restricts. Coverage: \
             the share of all the worlds where the condition holds ({total_cases}) that are \
             inside the box. Density: the share of the worlds inside the box where the \
             condition holds. A box up and to the right is better on both; peeling buys \
             density with coverage. The ringed dot is the box chosen.",
            steps.len()
        ),
    );
    if let Some(i) = chosen {
        chosen_box(output, page, &steps[i], total_cases)?;
    }
    Ok(())
}

/// The chosen box: the step it comes from, and its limits as a table.
fn chosen_box(
    output: &Output,
    page: &mut Page,
    step: &Step,
    total_cases: u64,
) -> Result<(), ReportError> {
    let limits = match TableFile::csv(&output.dir, BOX) {
        Some(table) => Some(read_box(&table)?),
        None => None,
    };
    let restricted = limits.as_ref().map_or(step.restricted, Vec::len);
    page.heading(&format!(
        "The chosen box: {restricted} parameter(s) restricted"
    ));
    page.raw(&format!(
        "<p class=\"lede\">It comes from step {} of the trajectory ({}), the ringed dot, \
         which restricts {} parameter(s): {} worlds inside, {} of them where the condition \
         holds, for a density of {} and a coverage of {} ({} of {total_cases}); {} of all the \
         worlds.</p>\n",
        step.step,
        step.phase,
        step.restricted,
        step.worlds,
        step.cases,
        share_percent(Some(step.density)),
        share_percent(Some(step.coverage)),
        step.cases,
        share_percent(Some(step.mass)),
    ));
    let Some(limits) = limits else {
        page.note("discover_box.csv is missing: the box's limits cannot be shown.");
        return Ok(());
    };
    if limits.len() < step.restricted {
        page.note(&format!(
            "Pruning removed {} of that step's {} limits, whose quasi-p-values were not \
             significant. The box keeps the other {}: it holds at least as many worlds as the \
             ringed dot, and its coverage and density may differ from those above (discover prints \
             them).",
            step.restricted - limits.len(),
            step.restricted,
            limits.len()
        ));
    }
    if limits.is_empty() {
        page.note(
            "No parameter restricted: the condition does not depend on the swept parameters, \
             as far as these points tell.",
        );
        return Ok(());
    }
    limits_table(page, &limits);
    Ok(())
}

/// The limits, as `discover` prints them: a side the box does not limit
/// shows the worlds' extreme in parentheses and no quasi-p-value.
fn limits_table(page: &mut Page, limits: &[Limit]) {
    let value = |v: Option<f64>, limited: bool| match (v, limited) {
        (Some(v), true) => format!("{v}"),
        (Some(v), false) => format!("({v})"),
        (None, _) => "n/a".to_string(),
    };
    let qp = |p: Option<f64>| p.map_or("not limited".to_string(), |p| format!("{p:.2e}"));
    let rows: Vec<Vec<String>> = (limits.iter())
        .map(|l| {
            vec![
                l.parameter.clone(),
                value(l.lower, l.qp_lower.is_some()),
                value(l.upper, l.qp_upper.is_some()),
                qp(l.qp_lower),
                qp(l.qp_upper),
            ]
        })
        .collect();
    let header = [
        "parameter",
        "from",
        "to",
        "quasi-p of the lower limit",
        "quasi-p of the upper limit",
    ]
    .map(String::from);
    page.table("box", &header, &rows);
    page.raw(
        "<p class=\"lede\">A limit's quasi-p-value is the binomial chance that the box's \
         worlds would hold the condition at least as often as they do if they held it only as \
         often as the box without that limit: the smaller, the more the limit matters. A value \
         in parentheses is the extreme of the worlds: the box does not limit that side.</p>\n",
    );
}
