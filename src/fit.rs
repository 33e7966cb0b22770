//! `reviewsim fit`: release cadences fitted to release history by maximum
//! likelihood, for a scenario's `cadence_days`.
//!
//! A line's flagship releases t₁ < … < tₙ before the censoring date c give
//! n − 1 complete intervals and one still running at c: the next release
//! had not come by then, which says the interval is longer than c − tₙ. The
//! log-likelihood Σ log f(xᵢ) + log S(c − tₙ) counts both; leaving the
//! running interval out would bias the cadence short (the long gap a line
//! is in now is exactly what a slow line has). Three families are fitted
//! (exponential, gamma, log-normal, by the parameters scenarios write),
//! compared by AIC, with 95% profile-likelihood intervals whose cut-off a
//! seeded parametric bootstrap calibrates for the few releases a line has.
//!
//! ```
//! use reviewsim::fit::{Cutoff, Family, LineIntervals, Observations, fit_family};
//!
//! // Five releases, then 80 days without one.
//! let line = LineIntervals { complete: vec![95.0, 130.0, 88.0, 140.0], censored: Some(80.0) };
//! let data = Observations::new(&[line]).unwrap();
//! let fit = fit_family(Family::Exponential, &data, Cutoff::ChiSquared, 0).unwrap();
//! // The exponential's estimate: every day observed over the releases seen.
//! assert!((fit.estimates[0].value - (95.0 + 130.0 + 88.0 + 140.0 + 80.0) / 4.0).abs() < 1e-9);
//! assert!(fit.estimates[0].interval.contains(133.25));
//! ```

mod error;
mod estimate;
mod history;
mod interval;
mod likelihood;
mod mle;
mod releases;

pub use error::{FitError, RowProblem};
pub use estimate::{Estimate, FamilyFit, aic, fit_family};
pub use history::{LineHistory, Selection, access_name, histories};
pub use interval::{Cutoff, Interval, chi_squared_95, simulate};
pub use likelihood::{Design, Family, LineIntervals, Observations};
pub use mle::{Maximum, maximise};
pub use releases::{COLUMNS, DatePrecision, Release, parse_releases, read_releases};
