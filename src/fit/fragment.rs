//! The scenario fragment: every lab and line with its fitted
//! `cadence_days`, for a scenario to use with `extends`, and a `[fitted]`
//! table of the 95% interval of each fitted parameter.
//!
//! A scenario that extends the fragment is merged over it, and lists of
//! labs and lines merge by id with new ids appended: the fragment therefore
//! lists the scenario's labs and lines in the scenario's own order (random
//! streams are keyed by a line's place). Nothing in it depends on when it
//! was written, so the same data and options give the same bytes.

use toml::Value;

use super::estimate::FamilyFit;
use super::history::{Selection, access_name};
use super::interval::Cutoff;
use super::report::{GroupFit, Scope};
use super::{FitReport, significant};
use crate::scenario::Access;

/// Significant digits of the numbers written.
const DIGITS: usize = 4;

/// One line of the fragment: what it says of the line's cadence.
enum Entry<'a> {
    /// The line's own fit.
    Own(&'a GroupFit, &'a FamilyFit),
    /// The pooled fit of its access mode (`--pool`), the line's own history
    /// being too short (or absent).
    Pooled(Option<&'a GroupFit>, &'a GroupFit, &'a FamilyFit),
    /// Nothing fitted: the scenario's cadence stands.
    Unfitted(Option<&'a GroupFit>, String),
}

/// The fragment's text.
pub fn render_fragment(report: &FitReport) -> String {
    let mut text = header(report);
    let mut fitted = String::new();
    for (lab, lines) in labs(report) {
        text.push_str(&format!("\n[[labs]]\nid = {}\n", quote(&lab)));
        for (line, access) in lines {
            let entry = entry(report, &lab, &line, access);
            text.push_str(&format!("\n[[labs.lines]]\nid = {}\n", quote(&line)));
            text.push_str(&line_body(report, &entry));
            fitted.push_str(&fitted_tables(report, &lab, &line, &entry));
        }
    }
    text.push_str(&fitted);
    text
}

/// The labs and lines to list: the scenario's, or every line of the data.
fn labs(report: &FitReport) -> Vec<(String, Vec<(String, Access)>)> {
    if let Some(layout) = &report.layout {
        return layout.labs.clone();
    }
    let mut labs: Vec<(String, Vec<(String, Access)>)> = Vec::new();
    for group in &report.lines {
        let Scope::Line { lab, line } = &group.scope else {
            continue;
        };
        match labs.iter_mut().find(|(id, _)| id == lab) {
            Some((_, lines)) => lines.push((line.clone(), group.access)),
            None => labs.push((lab.clone(), vec![(line.clone(), group.access)])),
        }
    }
    labs
}

fn entry<'a>(report: &'a FitReport, lab: &str, line: &str, access: Access) -> Entry<'a> {
    let family = report.request.family;
    let own = (report.lines.iter())
        .find(|g| matches!(&g.scope, Scope::Line { lab: l, line: n } if l == lab && n == line));
    let enough = |g: &GroupFit| {
        !report.request.pool || g.complete_intervals >= report.request.min_own_intervals
    };
    if let Some((group, fit)) = own
        .filter(|g| enough(g))
        .and_then(|g| Some((g, g.chosen(family)?)))
    {
        return Entry::Own(group, fit);
    }
    let pool = (report.pools.iter()).find(|g| g.access == access);
    let pooled = pool.and_then(|p| Some((p, p.chosen(family)?)));
    if let Some((pool, fit)) = pooled.filter(|_| report.request.pool) {
        return Entry::Pooled(own, pool, fit);
    }
    let why = match (own, family) {
        (None, _) => format!("no release of this line in {}", data_name(report)),
        (Some(group), _) if group.too_few() => format!(
            "too few releases to fit ({} before {})",
            releases(report, group.releases),
            report.request.as_of
        ),
        (Some(_), Some(family)) => format!("{} has no fit for these data", family.name()),
        (Some(_), None) => "no family has a fit for these data".to_string(),
    };
    Entry::Unfitted(own, why)
}

fn header(report: &FitReport) -> String {
    let request = &report.request;
    let interval = match request.cutoff {
        Cutoff::ChiSquared => "the chi-squared(1) cut-off".to_string(),
        Cutoff::Bootstrap { replicates, seed } => format!(
            "a likelihood-ratio cut-off calibrated by a parametric bootstrap ({replicates} \
             histories, seed {seed})"
        ),
    };
    let choice = match request.family {
        Some(family) => format!("{} (--dist)", family.name()),
        None => "the family with the lowest AIC".to_string(),
    };
    let mut text = format!(
        "# Release cadences fitted by maximum likelihood to {data}, as of {as_of}.\n\
         # Made by: {command}\n\
         # Each line: {choice}; the interval since the line's last release is right-censored\n\
         # at {as_of}. [fitted] gives the 95% profile-likelihood interval of each parameter,\n\
         # with {interval}.\n\
         # A scenario uses it with extends = \"<this file>\"; labs and lines are listed in the\n\
         # order the scenario needs (streams are keyed by a line's place), and a line without\n\
         # a cadence here keeps the scenario's own.\n",
        data = data_name(report),
        as_of = request.as_of,
        command = request.command(),
    );
    if let Some(layout) = &report.layout {
        text.push_str(&format!("# Labs and lines of {}.\n", layout.file));
    }
    text
}

fn data_name(report: &FitReport) -> String {
    report.request.releases.display().to_string()
}

/// The comments and `cadence_days` of one line.
fn line_body(report: &FitReport, entry: &Entry) -> String {
    match entry {
        Entry::Own(group, fit) => {
            format!("{}{}", group_comment(report, group), cadence(fit))
        }
        Entry::Pooled(own, pool, fit) => {
            let (own, why) = match own {
                Some(group) => (group_comment(report, group), "too short to fit alone"),
                None => (String::new(), "no release of this line in the data"),
            };
            format!(
                "{own}# {why}: the pooled fit of every {} line\n{}{}",
                access_name(pool.access),
                group_comment(report, pool),
                cadence(fit)
            )
        }
        Entry::Unfitted(own, why) => {
            let own = own.map_or(String::new(), |g| group_comment(report, g));
            format!("{own}# {why}: the scenario's cadence_days stands\n")
        }
    }
}

/// `# n releases first..last, k intervals, censored d days; AIC ...`.
fn group_comment(report: &FitReport, group: &GroupFit) -> String {
    let span = span(group);
    let censored = match &group.scope {
        Scope::Line { .. } => group.censored_days.first().map_or(String::new(), |d| {
            format!(", censored {d} days at {}", report.request.as_of)
        }),
        Scope::Pool { lines } => format!(" over {} lines ({})", lines.len(), lines.join(", ")),
    };
    let mut text = format!(
        "# {}: {}{span}, {} intervals{censored}\n",
        group.name(),
        releases(report, group.releases),
        group.complete_intervals
    );
    if !group.families.is_empty() {
        let aics: Vec<String> = (group.families.iter())
            .map(|(family, outcome)| match outcome {
                Ok(fit) => {
                    let best = group.best().is_some_and(|b| b.family == *family);
                    let mark = if best { " (best)" } else { "" };
                    format!("{} {:.2}{mark}", family.name(), fit.aic())
                }
                Err(why) => format!("{} none ({})", family.name(), why.reason()),
            })
            .collect();
        text.push_str(&format!("# AIC: {}\n", aics.join(", ")));
    }
    text
}

fn cadence(fit: &FamilyFit) -> String {
    let params: Vec<String> = (fit.estimates.iter())
        .map(|e| format!("{} = {}", e.parameter, significant(e.value, DIGITS)))
        .collect();
    format!(
        "cadence_days = {{ dist = {}, {} }}\n",
        quote(fit.family.name()),
        params.join(", ")
    )
}

/// `[fitted."labs.<lab>.lines.<line>.cadence_days.<parameter>"]` for each
/// parameter of the line's cadence whose interval is closed.
fn fitted_tables(report: &FitReport, lab: &str, line: &str, entry: &Entry) -> String {
    let (group, fit, pooled) = match entry {
        Entry::Own(group, fit) => (*group, *fit, false),
        Entry::Pooled(_, pool, fit) => (*pool, *fit, true),
        Entry::Unfitted(..) => return String::new(),
    };
    let mut text = String::new();
    for estimate in &fit.estimates {
        let path = format!(
            "labs.{lab}.lines.{line}.cadence_days.{}",
            estimate.parameter
        );
        let (Some(low), Some(high)) = (estimate.interval.low, estimate.interval.high) else {
            text.push_str(&format!(
                "\n# {path}: the 95% interval has no {} limit in the searched range\n",
                if estimate.interval.low.is_none() {
                    "lower"
                } else {
                    "upper"
                }
            ));
            continue;
        };
        text.push_str(&format!(
            "\n[fitted.{}]\nlow = {}\nhigh = {}\nsource = {}\n",
            quote(&path),
            significant(low, DIGITS),
            significant(high, DIGITS),
            quote(&source(report, group, fit, estimate.cutoff, pooled))
        ));
    }
    text
}

/// Where a fitted parameter's interval comes from, in one sentence.
fn source(
    report: &FitReport,
    group: &GroupFit,
    fit: &FamilyFit,
    cutoff: f64,
    pooled: bool,
) -> String {
    let request = &report.request;
    let what = match &group.scope {
        Scope::Pool { lines } => format!(
            "every {} line pooled ({}): {}, {} intervals, {} censored at {}",
            access_name(group.access),
            lines.join(", "),
            releases(report, group.releases),
            group.complete_intervals,
            lines.len(),
            request.as_of
        ),
        Scope::Line { .. } => format!(
            "{}{}, censored {} days at {}",
            releases(report, group.releases),
            span(group),
            group.censored_days.first().copied().unwrap_or(0.0),
            request.as_of
        ),
    };
    let cut = match request.cutoff {
        Cutoff::ChiSquared => "chi-squared(1) cut-off".to_string(),
        Cutoff::Bootstrap { replicates, seed } => format!(
            "cut-off {} by parametric bootstrap ({replicates} histories, seed {seed})",
            significant(cutoff, 3)
        ),
    };
    let pooled = if pooled {
        " (pooled: the line alone has too few releases)"
    } else {
        ""
    };
    format!(
        "{}: {what}; {} by maximum likelihood{pooled}; 95% profile-likelihood interval, {cut}",
        data_name(report),
        fit.family.name()
    )
}

/// `7 flagship releases`, `1 release`.
fn releases(report: &FitReport, count: usize) -> String {
    let kind = match report.request.selection {
        Selection::Flagship => "flagship ",
        Selection::AllModels => "",
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {kind}release{plural}")
}

/// ` 2023-02-24..2025-04-05`, ` on 2025-08-05`, or nothing.
fn span(group: &GroupFit) -> String {
    match group.span {
        Some((first, last)) if first == last => format!(" on {first}"),
        Some((first, last)) => format!(" {first}..{last}"),
        None => String::new(),
    }
}

/// A TOML string, quoted and escaped.
fn quote(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}
