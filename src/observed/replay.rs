//! A replay: observed releases, each ready on the day it was in fact
//! released (a `dates` cadence), run through a review program as if it had
//! been in force. Per release: when it would have come out instead, how
//! long it waited for a team and how long its review took, and how the
//! review ended; per lab, the totals.

use chrono::NaiveDate;

use super::{ObservedError, each_replication, spread};
use crate::fit::Release;
use crate::model::Recording;
use crate::model::{EventKind, EventRecord, ReleaseHow};
use crate::output::date_of;
use crate::scenario::{Cadence, Scenario};

/// One observed release, replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReleaseReplay {
    /// The lab's id.
    pub lab: String,
    /// The line's id.
    pub line: String,
    /// The model's name in the release history.
    pub model: String,
    /// When it was released in fact (and is ready in the replay).
    pub observed: NaiveDate,
    /// Its release date in the replay at the median delay.
    pub counterfactual: NaiveDate,
    /// Days from ready to release: mean, 5th, 50th, 95th percentiles
    /// (replications that released it).
    pub delay: [f64; 4],
    /// Mean days from ready until a team started on it (queue, and the
    /// program not yet operational), over replications that reviewed it.
    pub queue_days: f64,
    /// Mean days from the first team's start to the review's end (complete
    /// or cut by the window).
    pub review_days: f64,
    /// Mean days from the review's end to release (mitigation).
    pub mitigation_days: f64,
    /// Shares of replications: released after a completed review, on the
    /// window's expiry, unreviewed (not covered or no review), blocked,
    /// not released by the horizon.
    pub reviewed: f64,
    /// See `reviewed`.
    pub window_expired: f64,
    /// See `reviewed`.
    pub unreviewed: f64,
    /// See `reviewed`.
    pub blocked: f64,
    /// See `reviewed`.
    pub unreleased: f64,
}

/// One lab's releases, replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct LabTotal {
    /// The lab's id.
    pub lab: String,
    /// Observed releases replayed.
    pub releases: usize,
    /// Mean over replications of the days of delay summed over its releases.
    pub delay_days_total: f64,
    /// Mean delay per release.
    pub delay_days_mean: f64,
    /// Mean number of its releases reviewed to completion.
    pub reviewed: f64,
    /// Mean number released when the window expired.
    pub window_expired: f64,
    /// Mean number not released by the horizon (blocked or still waiting).
    pub unreleased: f64,
}

/// What the replay found.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayReport {
    /// Replications run.
    pub replications: u64,
    /// Per release, by lab, line and date.
    pub releases: Vec<ReleaseReplay>,
    /// Per lab, in scenario order.
    pub labs: Vec<LabTotal>,
}

/// What happened to one model in one replication.
#[derive(Clone, Copy, Default)]
struct Fate {
    ready: Option<f64>,
    first_start: Option<f64>,
    review_end: Option<f64>,
    released: Option<(f64, ReleaseHow)>,
    blocked: bool,
}

/// The scheduled models of a scenario: (line index, lab index, date).
fn scheduled(scenario: &Scenario) -> Result<Vec<(usize, usize, NaiveDate)>, ObservedError> {
    let mut models = Vec::new();
    let mut line_index = 0;
    for (lab_index, lab) in scenario.labs.iter().enumerate() {
        for line in &lab.lines {
            let Cadence::Scheduled(times) = &line.cadence else {
                return Err(ObservedError::Scenario {
                    file: scenario.file.clone(),
                    message: format!(
                        "labs.{}.lines.{}.cadence_days is not a schedule of dates; a replay \
                         replays observed releases (cadence_days = {{ dist = \"dates\", ... }})",
                        lab.id, line.id
                    ),
                });
            };
            for &time in times {
                models.push((line_index, lab_index, date_of(scenario.start_date, time)));
            }
            line_index += 1;
        }
    }
    Ok(models)
}

/// Replays the scenario's scheduled releases; their names come from
/// `releases` (the flagship of that lab, line and date).
pub fn replay(
    scenario: &Scenario,
    releases: &[Release],
    threads: Option<usize>,
) -> Result<ReplayReport, ObservedError> {
    let models = scheduled(scenario)?;
    let lines = scenario.line_count();
    // Model n of a line (from 1) is its n-th date: where it is in `models`.
    let mut first_of_line = vec![0; lines + 1];
    for &(line, ..) in &models {
        first_of_line[line + 1] += 1;
    }
    for line in 0..lines {
        first_of_line[line + 1] += first_of_line[line];
    }
    let fates = each_replication(scenario, Recording::EVENTS, threads, |unit| {
        let mut fates = vec![Fate::default(); models.len()];
        for event in unit.recorded.rows::<EventRecord>() {
            let Some(model) = event.model.filter(|m| m.number > 0) else {
                continue;
            };
            let index = first_of_line[model.line as usize] + model.number as usize - 1;
            let Some(fate) = fates.get_mut(index) else {
                continue;
            };
            let day = event.time.as_days();
            match event.kind {
                EventKind::Ready => fate.ready = Some(day),
                EventKind::TrackStarted => {
                    fate.first_start.get_or_insert(day);
                }
                EventKind::ReviewCompleted | EventKind::WindowExpired => {
                    fate.review_end.get_or_insert(day);
                }
                EventKind::Released(how) => fate.released = Some((day, how)),
                EventKind::ReleaseBlocked => fate.blocked = true,
                _ => {}
            }
        }
        fates
    })?;
    let replays: Vec<ReleaseReplay> = (models.iter().enumerate())
        .map(|(index, &(_, lab, date))| {
            let of_model: Vec<Fate> = fates.iter().map(|f| f[index]).collect();
            release_replay(scenario, releases, lab, &models[index], date, &of_model)
        })
        .collect();
    let labs = lab_totals(scenario, &models, &fates);
    Ok(ReplayReport {
        replications: scenario.replications(),
        releases: replays,
        labs,
    })
}

fn release_replay(
    scenario: &Scenario,
    releases: &[Release],
    lab: usize,
    &(line, _, _): &(usize, usize, NaiveDate),
    date: NaiveDate,
    fates: &[Fate],
) -> ReleaseReplay {
    let lab_spec = &scenario.labs[lab];
    let line_spec = (scenario.labs.iter().flat_map(|l| &l.lines))
        .nth(line)
        .map_or("", |l| l.id.as_str());
    let model = (releases.iter())
        .find(|r| r.flagship && r.lab == lab_spec.id && r.line == line_spec && r.date == date)
        .map_or_else(|| format!("{line_spec} of {date}"), |r| r.model.clone());
    let n = fates.len().max(1) as f64;
    let share = |pick: &dyn Fn(&Fate) -> bool| fates.iter().filter(|f| pick(f)).count() as f64 / n;
    let mean_of = |values: Vec<f64>| {
        if values.is_empty() {
            f64::NAN
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    let mut delays: Vec<f64> = (fates.iter())
        .filter_map(|f| Some(f.released?.0 - f.ready?))
        .collect();
    let delay = spread(&mut delays);
    let median_days = if delay[2].is_finite() {
        delay[2].round() as i64
    } else {
        0
    };
    ReleaseReplay {
        lab: lab_spec.id.clone(),
        line: line_spec.to_string(),
        model,
        observed: date,
        counterfactual: date + chrono::Days::new(median_days.max(0) as u64),
        delay,
        queue_days: mean_of(
            (fates.iter())
                .filter_map(|f| Some(f.first_start? - f.ready?))
                .collect(),
        ),
        review_days: mean_of(
            (fates.iter())
                .filter_map(|f| Some(f.review_end? - f.first_start?))
                .collect(),
        ),
        mitigation_days: mean_of(
            (fates.iter())
                .filter_map(|f| Some(f.released?.0 - f.review_end?))
                .collect(),
        ),
        reviewed: share(&|f| matches!(f.released, Some((_, ReleaseHow::Reviewed)))),
        window_expired: share(&|f| matches!(f.released, Some((_, ReleaseHow::WindowExpired)))),
        unreviewed: share(&|f| {
            matches!(
                f.released,
                Some((
                    _,
                    ReleaseHow::Uncovered | ReleaseHow::NoReview | ReleaseHow::BeforeOperational
                ))
            )
        }),
        blocked: share(&|f| f.blocked),
        unreleased: share(&|f| f.released.is_none() && !f.blocked),
    }
}

fn lab_totals(
    scenario: &Scenario,
    models: &[(usize, usize, NaiveDate)],
    fates: &[Vec<Fate>],
) -> Vec<LabTotal> {
    let n = fates.len().max(1) as f64;
    (scenario.labs.iter().enumerate())
        .map(|(lab, spec)| {
            let mine: Vec<usize> = (0..models.len()).filter(|&i| models[i].1 == lab).collect();
            let (mut delay, mut released, mut reviewed, mut expired, mut unreleased) =
                (0.0, 0.0, 0.0, 0.0, 0.0);
            for replication in fates {
                for &index in &mine {
                    let fate = replication[index];
                    match (fate.released, fate.ready) {
                        (Some((day, how)), Some(ready)) => {
                            delay += day - ready;
                            released += 1.0;
                            reviewed += f64::from(u8::from(how == ReleaseHow::Reviewed));
                            expired += f64::from(u8::from(how == ReleaseHow::WindowExpired));
                        }
                        _ => unreleased += 1.0,
                    }
                }
            }
            LabTotal {
                lab: spec.id.clone(),
                releases: mine.len(),
                delay_days_total: delay / n,
                delay_days_mean: if released > 0.0 {
                    delay / released
                } else {
                    f64::NAN
                },
                reviewed: reviewed / n,
                window_expired: expired / n,
                unreleased: unreleased / n,
            }
        })
        .collect()
}

/// The report as aligned text.
pub fn render(report: &ReplayReport, file: &str) -> String {
    let mut text = format!(
        "replay  {file}: {} observed releases, {} replications\n\n",
        report.releases.len(),
        report.replications
    );
    text.push_str(&format!(
        "  {:<34} {:<10} {:<10} {:>7} {:>13} {:>6} {:>7} {:>6}  {}\n",
        "model",
        "observed",
        "replayed",
        "delay",
        "(5-95%)",
        "queue",
        "review",
        "after",
        "how (share of replications)"
    ));
    for r in &report.releases {
        let how = [
            ("reviewed", r.reviewed),
            ("window expired", r.window_expired),
            ("unreviewed", r.unreviewed),
            ("blocked", r.blocked),
            ("not released", r.unreleased),
        ]
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .map(|(what, share)| format!("{what} {:.0}%", share * 100.0))
        .collect::<Vec<_>>()
        .join(", ");
        let days = |v: f64| {
            if v.is_finite() {
                format!("{v:.1}")
            } else {
                "-".into()
            }
        };
        text.push_str(&format!(
            "  {:<34} {:<10} {:<10} {:>7} {:>13} {:>6} {:>7} {:>6}  {how}\n",
            format!("{}/{}: {}", r.lab, r.line, r.model),
            r.observed,
            r.counterfactual,
            days(r.delay[0]),
            format!("{:.0}-{:.0}", r.delay[1], r.delay[3]),
            days(r.queue_days),
            days(r.review_days),
            days(r.mitigation_days),
        ));
    }
    text.push_str(&format!(
        "\n  {:<10} {:>8} {:>18} {:>11} {:>9} {:>14} {:>13}\n",
        "lab",
        "releases",
        "delay days (sum)",
        "mean delay",
        "reviewed",
        "window expired",
        "not released"
    ));
    for lab in &report.labs {
        text.push_str(&format!(
            "  {:<10} {:>8} {:>18.1} {:>11} {:>9.2} {:>14.2} {:>13.2}\n",
            lab.lab,
            lab.releases,
            lab.delay_days_total,
            if lab.delay_days_mean.is_finite() {
                format!("{:.1}", lab.delay_days_mean)
            } else {
                "-".into()
            },
            lab.reviewed,
            lab.window_expired,
            lab.unreleased
        ));
    }
    text
}

/// `replay_releases.csv`'s columns.
pub const RELEASE_COLUMNS: [&str; 17] = [
    "lab",
    "line",
    "model",
    "observed_date",
    "replayed_date",
    "delay_days_mean",
    "delay_days_p05",
    "delay_days_p50",
    "delay_days_p95",
    "queue_days_mean",
    "review_days_mean",
    "mitigation_days_mean",
    "share_reviewed",
    "share_window_expired",
    "share_unreviewed",
    "share_blocked",
    "share_unreleased",
];

/// `replay_labs.csv`'s columns.
pub const LAB_COLUMNS: [&str; 7] = [
    "lab",
    "releases",
    "delay_days_total",
    "delay_days_mean",
    "reviewed",
    "window_expired",
    "unreleased",
];

fn number(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        String::new()
    }
}

/// Per release, as tidy CSV.
pub fn write_releases_csv<W: std::io::Write>(report: &ReplayReport, out: W) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(RELEASE_COLUMNS)?;
    for r in &report.releases {
        let mut row = vec![
            r.lab.clone(),
            r.line.clone(),
            r.model.clone(),
            r.observed.to_string(),
            r.counterfactual.to_string(),
        ];
        row.extend(r.delay.iter().map(|v| number(*v)));
        row.extend(
            [
                r.queue_days,
                r.review_days,
                r.mitigation_days,
                r.reviewed,
                r.window_expired,
                r.unreviewed,
                r.blocked,
                r.unreleased,
            ]
            .iter()
            .map(|v| number(*v)),
        );
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}

/// Per lab, as tidy CSV.
pub fn write_labs_csv<W: std::io::Write>(report: &ReplayReport, out: W) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(LAB_COLUMNS)?;
    for lab in &report.labs {
        writer.write_record([
            lab.lab.clone(),
            lab.releases.to_string(),
            number(lab.delay_days_total),
            number(lab.delay_days_mean),
            number(lab.reviewed),
            number(lab.window_expired),
            number(lab.unreleased),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
