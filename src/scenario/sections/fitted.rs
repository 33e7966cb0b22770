//! `[fitted]`: parameters estimated from data, with their intervals.
//!
//! `reviewsim fit` writes a scenario fragment whose cadences are maximum
//! likelihood estimates, and beside them, for each estimated parameter, its
//! 95% interval and how it was made:
//!
//! ```toml
//! [fitted."labs.meta.lines.llama.cadence_days.mean"]
//! low = 85.2
//! high = 210.4
//! source = "data/releases.csv: 7 flagship releases ...; gamma by maximum likelihood"
//! ```
//!
//! The interval is the parameter's plausible range: `reviewsim params` shows
//! it with the source, and sensitivity analysis explores it as it explores
//! the plausible range of an assumption. An entry whose path names no
//! number of the scenario (the cadence was replaced by another family, say)
//! describes nothing and is left unused; `validate` says so.

use serde::{Deserialize, Serialize};

/// The interval of one fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedRange {
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
    /// The data, the method and the interval's kind.
    pub source: String,
}

/// `[fitted]`: intervals by parameter path.
pub type Fitted = std::collections::BTreeMap<String, FittedRange>;

crate::plain_values!(Fitted);
crate::leaf_values!(Fitted);
crate::always_present!(Fitted);
