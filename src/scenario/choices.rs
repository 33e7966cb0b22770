//! The choices a scenario names by word (`api`, `hold`, `release`, ...),
//! and their names in messages and listings.

use serde::{Deserialize, Serialize};

/// How the market is stepped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketMode {
    /// Expected values: fractional adopters, no randomness.
    #[default]
    Expected,
    /// Binomial adoption and switching, multinomial choice.
    Stochastic,
}

/// How a line's models reach users.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Served only through an API: can be gated, patched and suspended.
    #[default]
    Api,
    /// Weights published: cannot be recalled.
    OpenWeights,
}

/// Where a lab is based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// United States.
    #[default]
    Us,
    /// Anywhere else.
    Foreign,
}

/// When the review window's clock starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When the model is submitted (queueing counts against the window).
    #[default]
    Submission,
    /// When the first track begins work on it (queueing does not count).
    ReviewStart,
}

/// What happens when the window ends before the review does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnExpiry {
    /// Voluntary: the lab releases; unfinished review work stops.
    #[default]
    Release,
    /// Mandatory preclearance: the lab waits for the review to complete.
    Hold,
}

/// What covered models ready before the program is operational do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeforeOperational {
    /// Release unreviewed.
    #[default]
    Release,
    /// Wait and be submitted on the day the program becomes operational.
    Wait,
}

/// Whether a line's next cycle starts at ready or at release.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStart {
    /// Development of the next model starts when this one is ready, so a
    /// review does not slow the line's cadence.
    #[default]
    Ready,
    /// It starts when this one is released, so review delay pushes back every
    /// later model of the line.
    Release,
}

/// Order in which a track takes up waiting models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    /// First come, first served.
    #[default]
    Fifo,
}

/// The word a scenario uses for a choice, from its serde name.
pub fn name_of<T: Serialize>(choice: &T) -> String {
    match toml::Value::try_from(choice) {
        Ok(toml::Value::String(name)) => name,
        _ => String::new(),
    }
}

crate::plain_values!(
    MarketMode,
    Access,
    Jurisdiction,
    ClockStart,
    OnExpiry,
    BeforeOperational,
    CycleStart,
    Discipline,
    Vec<Access>,
    Vec<Jurisdiction>,
);

crate::leaf_values!(
    MarketMode,
    Access,
    Jurisdiction,
    ClockStart,
    OnExpiry,
    BeforeOperational,
    CycleStart,
    Discipline,
);

crate::always_present!(
    MarketMode,
    Access,
    Jurisdiction,
    ClockStart,
    OnExpiry,
    BeforeOperational,
    CycleStart,
    Discipline,
);
