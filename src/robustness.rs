//! Robustness of policy options across sampled worlds: for each option and
//! output, the distribution over worlds of the option's mean, its regret
//! against the best option in each world, and how much of the spread
//! across worlds is replication noise.
//!
//! The input is one value per (world, option): the mean over the world's
//! replications and its standard error. Regret in a world is how far the
//! option falls short of the best option there, in the output's unit
//! (never negative; 0 for the best). A world where some option's output is
//! undefined is left out of that output's rows, so that every option is
//! judged on the same worlds.
//!
//! ```
//! use reviewsim::robustness::{Direction, Objective, WorldValue, assess};
//!
//! let objective = Objective {
//!     lab: "all".into(),
//!     metric: "incidents".into(),
//!     direction: Direction::Minimize,
//! };
//! let value = |mean: f64| WorldValue { mean: Some(mean), se: Some(0.0) };
//! // Two worlds (rows) of two options (columns), world-major.
//! let values = [value(1.0), value(3.0), value(4.0), value(2.0)];
//! let rows = assess(&["a".to_string(), "b".to_string()], &objective, &values);
//! assert_eq!(rows[0].regret_max, Some(2.0)); // a: 0 in world 0, 2 in world 1
//! assert_eq!(rows[1].regret_mean, Some(1.0)); // b: 2 in world 0, 0 in world 1
//! assert_eq!(rows[0].best_share, Some(0.5));
//! ```

use serde::{Deserialize, Serialize};

/// Whether less or more of an output is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Less is better.
    Minimize,
    /// More is better.
    Maximize,
}

impl Direction {
    /// The name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Minimize => "minimize",
            Direction::Maximize => "maximize",
        }
    }
}

/// An output the options are judged by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    /// The lab, or `all` for a system metric.
    pub lab: String,
    /// The metric: a column of lab_outcomes or system_outcomes.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
}

impl Objective {
    /// `METRIC:LAB` (or `METRIC` for `all`) in `direction`.
    pub fn parse(selector: &str, direction: Direction) -> Objective {
        let (metric, lab) = selector.split_once(':').unwrap_or((selector, "all"));
        Objective {
            lab: lab.trim().to_string(),
            metric: metric.trim().to_string(),
            direction,
        }
    }

    /// `METRIC:LAB`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.metric, self.lab)
    }
}

/// A robustness study as its outputs need it: the options, in the order
/// they are run in each world, and the outputs they are judged by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Study {
    /// The options' names.
    pub options: Vec<String>,
    /// The outputs judged, minimized first, then maximized.
    pub objectives: Vec<Objective>,
    /// Further outputs kept in `summary` (`METRIC:LAB`, or `METRIC` for
    /// every lab and `all`), for `discover`.
    pub metrics: Vec<String>,
}

impl Study {
    /// The study of a `[sweep]` with method = "robustness".
    pub fn of(raw: &crate::experiment::RawSweep) -> Study {
        let objectives = |list: &Option<Vec<String>>, direction| {
            (list.iter().flatten())
                .map(move |s| Objective::parse(s, direction))
                .collect::<Vec<_>>()
        };
        let mut all = objectives(&raw.minimize, Direction::Minimize);
        all.extend(objectives(&raw.maximize, Direction::Maximize));
        Study {
            options: (raw.options.iter().flatten())
                .map(|o| o.name.trim().to_string())
                .collect(),
            objectives: all,
            metrics: raw.metrics.clone().unwrap_or_default(),
        }
    }

    /// Whether `summary` keeps this output: an objective, or one of
    /// `metrics`.
    pub fn summarizes(&self, lab: &str, metric: &str) -> bool {
        (self.objectives.iter()).any(|o| o.lab == lab && o.metric == metric)
            || self.metrics.iter().any(|s| match s.split_once(':') {
                Some((m, l)) => m.trim() == metric && l.trim() == lab,
                None => s.trim() == metric,
            })
    }
}

/// One option's output in one world.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorldValue {
    /// The mean over the world's replications (`None`: undefined).
    pub mean: Option<f64>,
    /// Its standard error.
    pub se: Option<f64>,
}

/// One option's robustness on one output.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessRow {
    /// The option's name.
    pub option: String,
    /// The lab, or `all`.
    pub lab: String,
    /// The metric.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
    /// Worlds where the output is defined for every option.
    pub worlds: usize,
    /// Mean over those worlds of the option's per-world mean.
    pub mean: Option<f64>,
    /// 5th, 50th and 95th percentiles over worlds (linear between order
    /// statistics).
    pub p5: Option<f64>,
    /// Median over worlds.
    pub p50: Option<f64>,
    /// 95th percentile over worlds.
    pub p95: Option<f64>,
    /// Standard deviation over worlds of the per-world means.
    pub sd_worlds: Option<f64>,
    /// Replication noise in one per-world mean: the root mean square of
    /// the worlds' standard errors.
    pub noise_sd: Option<f64>,
    /// The spread the worlds themselves cause: √(sd_worlds² − noise_sd²),
    /// 0 when the noise accounts for all of it.
    pub between_worlds_sd: Option<f64>,
    /// Mean regret over worlds.
    pub regret_mean: Option<f64>,
    /// 90th percentile of regret.
    pub regret_p90: Option<f64>,
    /// Largest regret.
    pub regret_max: Option<f64>,
    /// Share of worlds where the option is best (ties count for each).
    pub best_share: Option<f64>,
}

/// The rows of one output, one per option: `values` holds world `w`'s
/// value of option `o` at `w × options + o`.
pub fn assess(
    options: &[String],
    objective: &Objective,
    values: &[WorldValue],
) -> Vec<RobustnessRow> {
    let count = options.len();
    let worlds: Vec<&[WorldValue]> = (values.chunks_exact(count.max(1)))
        .filter(|world| world.iter().all(|v| v.mean.is_some_and(f64::is_finite)))
        .collect();
    let best: Vec<f64> = (worlds.iter())
        .map(|world| {
            let means = world.iter().filter_map(|v| v.mean);
            match objective.direction {
                Direction::Minimize => means.fold(f64::INFINITY, f64::min),
                Direction::Maximize => means.fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect();
    (0..count)
        .map(|o| {
            let means: Vec<f64> = worlds.iter().filter_map(|w| w[o].mean).collect();
            let regrets: Vec<f64> = (means.iter().zip(&best))
                .map(|(&mean, &best)| match objective.direction {
                    Direction::Minimize => mean - best,
                    Direction::Maximize => best - mean,
                })
                .collect();
            let noise = root_mean_square(worlds.iter().map(|w| w[o].se.unwrap_or(0.0)));
            let sd = sample_sd(&means);
            RobustnessRow {
                option: options[o].clone(),
                lab: objective.lab.clone(),
                metric: objective.metric.clone(),
                direction: objective.direction,
                worlds: worlds.len(),
                mean: mean(&means),
                p5: quantile(&means, 0.05),
                p50: quantile(&means, 0.5),
                p95: quantile(&means, 0.95),
                sd_worlds: sd,
                noise_sd: noise,
                between_worlds_sd: sd
                    .zip(noise)
                    .map(|(sd, noise)| (sd * sd - noise * noise).max(0.0).sqrt()),
                regret_mean: mean(&regrets),
                regret_p90: quantile(&regrets, 0.9),
                regret_max: regrets.iter().copied().reduce(f64::max),
                best_share: (!regrets.is_empty()).then(|| {
                    regrets.iter().filter(|&&r| r <= 0.0).count() as f64 / regrets.len() as f64
                }),
            }
        })
        .collect()
}

/// The mean (`None` of nothing).
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The sample standard deviation (n − 1; `None` below two values).
fn sample_sd(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    (values.len() >= 2).then(|| {
        let squares: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
        (squares / (values.len() - 1) as f64).sqrt()
    })
}

fn root_mean_square(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(sum, n), v| (sum + v * v, n + 1));
    (n > 0).then(|| (sum / n as f64).sqrt())
}

/// The `p` quantile, linear between order statistics (numpy's default, as
/// `summary.csv`'s quantiles).
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = p * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    let fraction = position - low as f64;
    Some(sorted[low] + fraction * (sorted[high] - sorted[low]))
}

/// The share of worlds in which each option meets every condition:
/// `holds[c][w × options + o]` says whether world `w`'s value of option
/// `o` meets condition `c` (`None`: undefined there, and the world is left
/// out). Returns, per option, the share per condition and the share
/// meeting all, over the worlds where every condition is defined for
/// every option, with their count.
pub fn satisficing(options: usize, holds: &[Vec<Option<bool>>]) -> (usize, Vec<(Vec<f64>, f64)>) {
    let points = holds.first().map_or(0, Vec::len);
    let worlds: Vec<usize> = (0..points / options.max(1))
        .filter(|&w| {
            (holds.iter()).all(|c| {
                c[w * options..(w + 1) * options]
                    .iter()
                    .all(Option::is_some)
            })
        })
        .collect();
    let n = worlds.len().max(1) as f64;
    let shares = (0..options)
        .map(|o| {
            let meets = |c: &Vec<Option<bool>>, w: usize| c[w * options + o] == Some(true);
            let each = (holds.iter())
                .map(|c| worlds.iter().filter(|&&w| meets(c, w)).count() as f64 / n)
                .collect();
            let all = (worlds.iter())
                .filter(|&&w| holds.iter().all(|c| meets(c, w)))
                .count() as f64
                / n;
            (each, all)
        })
        .collect();
    (worlds.len(), shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(mean: f64, se: f64) -> WorldValue {
        WorldValue {
            mean: Some(mean),
            se: Some(se),
        }
    }

    #[test]
    fn regret_is_measured_from_the_best_option_of_each_world() {
        let objective = Objective::parse("share_all:meta", Direction::Maximize);
        // Three worlds of three options.
        let values = [
            value(0.30, 0.0),
            value(0.20, 0.0),
            value(0.10, 0.0),
            value(0.10, 0.0),
            value(0.40, 0.0),
            value(0.40, 0.0),
            value(0.50, 0.0),
            value(0.50, 0.0),
            value(0.20, 0.0),
        ];
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let rows = assess(&names, &objective, &values);
        let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-12;
        // a's regrets 0, 0.3, 0; b's 0.1, 0, 0; c's 0.2, 0, 0.3.
        assert!(close(rows[0].regret_mean, 0.1));
        assert!(close(rows[0].regret_max, 0.3));
        assert!(close(rows[1].regret_max, 0.1));
        assert!(close(rows[2].regret_mean, 0.5 / 3.0));
        assert!(close(rows[1].best_share, 2.0 / 3.0));
        assert!(close(rows[2].best_share, 1.0 / 3.0));
        // Regret's 90th percentile of (0, 0.2, 0.3): 0.2 + 0.8 × 0.1.
        assert!(close(rows[2].regret_p90, 0.28));
        assert!(close(rows[0].mean, 0.3));
        assert!(close(rows[0].p50, 0.3));
        assert_eq!(rows[0].worlds, 3);
    }

    #[test]
    fn noise_is_separated_from_the_spread_across_worlds() {
        let objective = Objective::parse("incidents", Direction::Minimize);
        // Option b: means 1 and 3 (sd √2), standard errors 1 and 1.
        let values = [
            value(0.0, 0.0),
            value(1.0, 1.0),
            value(0.0, 0.0),
            value(3.0, 1.0),
        ];
        let names: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let rows = assess(&names, &objective, &values);
        assert_eq!(rows[1].sd_worlds, Some(2f64.sqrt()));
        assert_eq!(rows[1].noise_sd, Some(1.0));
        assert!((rows[1].between_worlds_sd.unwrap() - 1.0).abs() < 1e-12);
        // a varies not at all: no spread, no noise.
        assert_eq!(rows[0].between_worlds_sd, Some(0.0));
    }

    #[test]
    fn a_world_where_an_option_is_undefined_is_left_out_for_every_option() {
        let objective = Objective::parse("delay_days_mean:meta", Direction::Minimize);
        let undefined = WorldValue::default();
        let values = [value(5.0, 0.0), undefined, value(1.0, 0.0), value(2.0, 0.0)];
        let names: Vec<String> = ["a", "b"].map(String::from).to_vec();
        let rows = assess(&names, &objective, &values);
        assert_eq!(rows[0].worlds, 1);
        assert_eq!(rows[0].mean, Some(1.0));
        assert_eq!(rows[1].regret_max, Some(1.0));
    }

    #[test]
    fn satisficing_counts_the_worlds_meeting_every_condition() {
        // Two options, three worlds, two conditions; world 2 undefined for c1.
        let c0 = vec![
            Some(true),
            Some(false),
            Some(true),
            Some(true),
            Some(false),
            Some(true),
        ];
        let c1 = vec![
            Some(true),
            Some(true),
            Some(false),
            Some(true),
            None,
            Some(true),
        ];
        let (worlds, shares) = satisficing(2, &[c0, c1]);
        assert_eq!(worlds, 2);
        assert_eq!(shares[0], (vec![1.0, 0.5], 0.5));
        assert_eq!(shares[1], (vec![0.5, 1.0], 0.5));
    }
}
