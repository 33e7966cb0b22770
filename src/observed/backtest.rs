//! A backtest: a scenario set up with what was known at its start (cadences
//! fitted to earlier releases, a market calibrated to the shares then), run
//! forward, and compared with what happened after: per lab, the flagship
//! releases observed in the period against the simulated 90% prediction
//! interval; per segment, date and lab, the observed share against the
//! simulated one. A 90% interval should hold about nine observations in
//! ten; the report counts how many it holds, misses included.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{MarketTarget, ObservedError, each_replication, spread};
use crate::fit::Release;
use crate::model::{AdoptionSample, Recording};
use crate::output::date_of;
use crate::scenario::Scenario;

/// Observed releases of one lab against the simulated ones.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseCheck {
    /// The lab's id.
    pub lab: String,
    /// Flagship releases observed on the scenario's lines in the period.
    pub observed: u64,
    /// Flagship releases observed on the lab's lines that the scenario
    /// does not model (lines that began after the start).
    pub observed_elsewhere: u64,
    /// Simulated releases: mean, 5th, 50th and 95th percentiles.
    pub simulated: [f64; 4],
}

impl ReleaseCheck {
    /// Whether the observed count is inside the 90% prediction interval.
    pub fn inside(&self) -> bool {
        let observed = self.observed as f64;
        self.simulated[1] <= observed && observed <= self.simulated[3]
    }
}

/// An observed share against the simulated one.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareCheck {
    /// The segment's id.
    pub segment: String,
    /// The date of the figure.
    pub date: NaiveDate,
    /// A lab's id, or `open_weights`.
    pub subject: String,
    /// The observed share.
    pub observed: f64,
    /// `observed` or `estimate`, as the data file says.
    pub basis: String,
    /// Simulated share on that day: mean, 5th, 50th and 95th percentiles.
    pub simulated: [f64; 4],
}

impl ShareCheck {
    /// Whether the observed share is inside the 90% interval (to within
    /// 10⁻⁹, the rounding of shares that do not move).
    pub fn inside(&self) -> bool {
        self.simulated[1] - 1e-9 <= self.observed && self.observed <= self.simulated[3] + 1e-9
    }
}

/// What the backtest found.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestReport {
    /// The scenario's first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// Replications run.
    pub replications: u64,
    /// Per lab, in scenario order.
    pub releases: Vec<ReleaseCheck>,
    /// Per observed share after the start, by date, segment and subject.
    pub shares: Vec<ShareCheck>,
}

/// A share to read off each replication: segment index, day, and the lab's
/// index (None for the open-weights share).
struct Probe {
    segment: usize,
    day: u64,
    lab: Option<usize>,
}

/// Runs the backtest of `scenario` against the releases and market targets
/// observed.
pub fn backtest(
    scenario: &Scenario,
    releases: &[Release],
    targets: &[MarketTarget],
    threads: Option<usize>,
) -> Result<BacktestReport, ObservedError> {
    let start = scenario.start_date;
    let end = date_of(start, scenario.horizon);
    let (checks, probes) = share_checks(scenario, targets, start, end);
    let recording = Recording {
        timeseries_every_days: (!probes.is_empty()).then_some(1),
        ..Recording::NONE
    };
    let per_replication = each_replication(scenario, recording, threads, |unit| {
        let releases: Vec<f64> = unit.labs.iter().map(|lab| lab.releases as f64).collect();
        let samples = unit.recorded.rows::<AdoptionSample>();
        let shares: Vec<f64> = probes.iter().map(|probe| read(&samples, probe)).collect();
        (releases, shares)
    })?;
    let mut release_checks = Vec::new();
    for (index, lab) in scenario.labs.iter().enumerate() {
        let mut simulated: Vec<f64> = per_replication.iter().map(|(r, _)| r[index]).collect();
        let (observed, observed_elsewhere) =
            observed_releases(releases, scenario, index, start, end);
        release_checks.push(ReleaseCheck {
            lab: lab.id.clone(),
            observed,
            observed_elsewhere,
            simulated: spread(&mut simulated),
        });
    }
    let shares = (checks.into_iter().enumerate())
        .map(|(index, mut check)| {
            let mut values: Vec<f64> = (per_replication.iter())
                .map(|(_, s)| s[index])
                .filter(|v| v.is_finite())
                .collect();
            check.simulated = spread(&mut values);
            check
        })
        .collect();
    Ok(BacktestReport {
        start,
        end,
        replications: scenario.replications(),
        releases: release_checks,
        shares,
    })
}

/// Flagship releases of lab `index` dated in [start, end]: on the
/// scenario's lines, and on its other lines.
fn observed_releases(
    releases: &[Release],
    scenario: &Scenario,
    index: usize,
    start: NaiveDate,
    end: NaiveDate,
) -> (u64, u64) {
    let lab = &scenario.labs[index];
    let in_period = (releases.iter())
        .filter(|r| r.flagship && r.lab == lab.id && start <= r.date && r.date <= end);
    let (mut modelled, mut elsewhere) = (0, 0);
    for release in in_period {
        if lab.lines.iter().any(|line| line.id == release.line) {
            modelled += 1;
        } else {
            elsewhere += 1;
        }
    }
    (modelled, elsewhere)
}

/// The observed shares after the start and up to the end, for the
/// scenario's segments and labs (and the open-weights share), with the
/// probes that read them off a replication.
fn share_checks(
    scenario: &Scenario,
    targets: &[MarketTarget],
    start: NaiveDate,
    end: NaiveDate,
) -> (Vec<ShareCheck>, Vec<Probe>) {
    let Some(market) = &scenario.market else {
        return (Vec::new(), Vec::new());
    };
    let mut found: BTreeMap<(NaiveDate, usize, usize), (ShareCheck, Probe)> = BTreeMap::new();
    for target in targets.iter().filter(|t| start < t.as_of && t.as_of <= end) {
        let Some(segment) = market.segments.iter().position(|s| s.id == target.segment) else {
            continue;
        };
        let lab = scenario.labs.iter().position(|l| l.id == target.subject);
        if lab.is_none() && target.subject != "open_weights" {
            continue;
        }
        let day = (target.as_of - start).num_days().max(0) as u64;
        let order = lab.unwrap_or(usize::MAX);
        let check = ShareCheck {
            segment: target.segment.clone(),
            date: target.as_of,
            subject: target.subject.clone(),
            observed: target.share,
            basis: target.basis.clone(),
            simulated: [f64::NAN; 4],
        };
        found.insert(
            (target.as_of, segment, order),
            (check, Probe { segment, day, lab }),
        );
    }
    found.into_values().unzip()
}

/// A probe's share in one replication: the lab's share of the segment's
/// adopters on that day, or the open-weights share; NaN when the segment
/// has no adopters then.
fn read(samples: &[AdoptionSample], probe: &Probe) -> f64 {
    let samples = (samples.iter())
        .filter(|s| s.segment as usize == probe.segment && s.time.whole_days() == probe.day);
    let (mut part, mut total) = (0.0, 0.0);
    for sample in samples {
        total += sample.adopters;
        part += match probe.lab {
            Some(lab) if sample.lab as usize == lab => sample.adopters,
            Some(_) => 0.0,
            None => sample.adopters_open_weights,
        };
    }
    if total > 0.0 { part / total } else { f64::NAN }
}

/// The report as aligned text: releases, shares, and how many observations
/// the intervals hold.
pub fn render(report: &BacktestReport, file: &str) -> String {
    let mut text = format!(
        "backtest  {file}: {} to {}, {} replications\n\n",
        report.start, report.end, report.replications
    );
    text.push_str("flagship releases (data/releases.csv) against the simulated 90% interval\n");
    text.push_str(&format!(
        "  {:<10} {:>8} {:>10} {:>14}  {}\n",
        "lab", "observed", "simulated", "90% interval", "inside"
    ));
    for check in &report.releases {
        let elsewhere = if check.observed_elsewhere > 0 {
            format!(
                " (and {} on lines the scenario does not model)",
                check.observed_elsewhere
            )
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  {:<10} {:>8} {:>10.1} {:>14}  {}{elsewhere}\n",
            check.lab,
            check.observed,
            check.simulated[0],
            format!("[{}, {}]", check.simulated[1], check.simulated[3]),
            if check.inside() { "yes" } else { "NO" },
        ));
    }
    text.push_str("\nshares (data/market_targets.csv) against the simulated share on that day\n");
    text.push_str(&format!(
        "  {:<11} {:<10} {:<12} {:>8} {:>9} {:>10} {:>16}  {}\n",
        "segment", "date", "lab", "observed", "basis", "simulated", "90% interval", "inside"
    ));
    for check in &report.shares {
        text.push_str(&format!(
            "  {:<11} {:<10} {:<12} {:>8.3} {:>9} {:>10.3} {:>16}  {}\n",
            check.segment,
            check.date,
            check.subject,
            check.observed,
            check.basis,
            check.simulated[0],
            format!("[{:.3}, {:.3}]", check.simulated[1], check.simulated[3]),
            if check.inside() { "yes" } else { "NO" },
        ));
    }
    let inside = |n: usize, of: usize| format!("{n} of {of}");
    text.push_str(&format!(
        "\ninside the 90% interval: releases {}, shares {}\n",
        inside(
            report.releases.iter().filter(|c| c.inside()).count(),
            report.releases.len()
        ),
        inside(
            report.shares.iter().filter(|c| c.inside()).count(),
            report.shares.len()
        ),
    ));
    text
}

/// `backtest.csv`'s columns.
pub const COLUMNS: [&str; 12] = [
    "kind",
    "segment",
    "date",
    "subject",
    "observed",
    "observed_elsewhere",
    "basis",
    "simulated_mean",
    "simulated_p05",
    "simulated_p50",
    "simulated_p95",
    "inside",
];

/// The report as tidy CSV: one row per lab's releases and per share.
pub fn write_csv<W: std::io::Write>(report: &BacktestReport, out: W) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    let number = |v: f64| {
        if v.is_finite() {
            v.to_string()
        } else {
            String::new()
        }
    };
    for check in &report.releases {
        writer.write_record([
            "releases".to_string(),
            String::new(),
            report.end.to_string(),
            check.lab.clone(),
            check.observed.to_string(),
            check.observed_elsewhere.to_string(),
            "observed".to_string(),
            number(check.simulated[0]),
            number(check.simulated[1]),
            number(check.simulated[2]),
            number(check.simulated[3]),
            check.inside().to_string(),
        ])?;
    }
    for check in &report.shares {
        writer.write_record([
            "share".to_string(),
            check.segment.clone(),
            check.date.to_string(),
            check.subject.clone(),
            check.observed.to_string(),
            String::new(),
            check.basis.clone(),
            number(check.simulated[0]),
            number(check.simulated[1]),
            number(check.simulated[2]),
            number(check.simulated[3]),
            check.inside().to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
