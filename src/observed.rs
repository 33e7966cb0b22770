//! The model against what happened: a backtest of a scenario set up with
//! what was known at its start, run forward and compared with the releases
//! and market shares observed since, and a replay of observed releases
//! through a review program, as if it had been in force.
//!
//! Both read the project's data files (`data/releases.csv` through
//! [`crate::fit`], `data/market_targets.csv` here), run a scenario's
//! replications in memory, in parallel and in a deterministic order, and
//! return tables that the command line prints and writes.

pub mod backtest;
pub mod replay;
mod targets;

pub use backtest::{BacktestReport, ReleaseCheck, ShareCheck, backtest};
pub use replay::{LabTotal, ReleaseReplay, ReplayReport, replay};
pub use targets::{MarketTarget, read_market_targets};

use rayon::prelude::*;

use crate::model::Recording;
use crate::runner::{UnitResult, simulate_unit};
use crate::scenario::Scenario;

/// Everything that can stop a backtest or a replay.
#[derive(Debug, thiserror::Error)]
pub enum ObservedError {
    /// A data file cannot be read or is wrong.
    #[error("{0}")]
    Data(String),
    /// The release history cannot be read.
    #[error(transparent)]
    Releases(#[from] crate::fit::FitError),
    /// The scenario does not suit the comparison.
    #[error("{file}: {message}")]
    Scenario {
        /// The scenario file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The worker threads could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// How many were asked for.
        threads: usize,
        /// Why they did not start.
        message: String,
    },
}

/// Runs every replication of the scenario's single point with `recording`,
/// on `threads` workers (every core when `None`), and keeps what `keep`
/// takes of each, in replication order.
pub(crate) fn each_replication<T: Send>(
    scenario: &Scenario,
    recording: Recording,
    threads: Option<usize>,
    keep: impl Fn(UnitResult) -> T + Sync,
) -> Result<Vec<T>, ObservedError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    let pool = builder.build().map_err(|err| ObservedError::Threads {
        threads: threads.unwrap_or(0),
        message: err.to_string(),
    })?;
    Ok(pool.install(|| {
        (0..scenario.replications())
            .into_par_iter()
            .map(|replication| keep(simulate_unit(scenario, 0, replication, recording)))
            .collect()
    }))
}

/// The p-quantile of sorted values (linear between order statistics, as
/// numpy's and R's default); NaN for none.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Mean, 5th, 50th and 95th percentiles of values (sorted in place).
pub(crate) fn spread(values: &mut [f64]) -> [f64; 4] {
    values.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    [
        mean,
        quantile(values, 0.05),
        quantile(values, 0.5),
        quantile(values, 0.95),
    ]
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&values, 0.5), 3.0);
        assert_eq!(quantile(&values, 0.05), 1.2);
        assert_eq!(quantile(&values, 1.0), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
