//! Scenario discovery with PRIM: where in the space of uncertain
//! parameters a condition holds.
//!
//! Friedman and Fisher's Patient Rule Induction Method, as EMA Workbench
//! (`ema_workbench.analysis.prim`, version 2.5.3) implements it for
//! scenario discovery, over plain data with no I/O:
//!
//! 1. **Points.** One value per parameter and world, and whether the
//!    condition holds in that world ([`Points`]). Parameters are numbers,
//!    and a box restricts each to an interval. Whole numbers are numbers
//!    too, peeled as EMA peels a float column (EMA's peel of an integer
//!    column, which rounds its limits, is not reproduced); categorical
//!    parameters, which EMA peels one category at a time, are not
//!    supported.
//! 2. **Peeling.** From the box of all worlds, each step removes the worlds
//!    beyond the `peel_alpha` quantile on one side of one parameter,
//!    whichever candidate scores best by the [`Objective`] (by default
//!    EMA's `LENIENT1`: the gain in density per world removed), while the
//!    score is positive and at least `mass_min` of the worlds stay in.
//! 3. **Pasting.** Then each step widens one limit of a restricted parameter
//!    by a `paste_alpha` quantile of the worlds beyond it, while that raises
//!    the density.
//! 4. **Quasi-p-values.** Every box on the trajectory gives, for each of its
//!    limits, the one-sided binomial probability of its cases given the
//!    density of the box without that limit ([`binomial_upper_tail`]).
//! 5. **The box.** Each box of the trajectory is pruned: its least
//!    significant limit is removed until every limit left has a quasi-p
//!    of at most `significance` (0.05) divided by the number of boxes on
//!    the trajectory, as an analyst drops restrictions in EMA Workbench.
//!    The [`Choice`] rule then picks one pruned box, by default the
//!    densest. A condition that no parameter explains prunes every box to
//!    the box of all worlds, with no restricted parameter.
//!
//! The trajectory and the chosen box are written as CSV
//! ([`Discovery::write_trajectory_csv`], [`Discovery::write_box_csv`]) and
//! said in words ([`Discovery::describe`]).
//!
//! ```
//! use reviewsim::discover::{discover, Options, Points};
//!
//! // 21 × 21 worlds on [0, 1]²; the condition holds where x < 0.3.
//! let names = vec!["x".to_string(), "z".to_string()];
//! let rows: Vec<Vec<f64>> = (0..441)
//!     .map(|w| vec![(w / 21) as f64 / 20.0, (w % 21) as f64 / 20.0])
//!     .collect();
//! let condition: Vec<bool> = rows.iter().map(|row| row[0] < 0.3).collect();
//! let points = Points::from_rows(&names, &rows, &condition)?;
//!
//! let found = discover(&points, &Options::default())?;
//! let chosen = found.chosen();
//! assert_eq!((chosen.density, chosen.coverage), (1.0, 1.0));
//! assert_eq!(chosen.restrictions.len(), 1);
//! assert_eq!(
//!     found.describe(),
//!     "when x ≤ 0.275, the condition holds in 100% of worlds (126 of 126); \
//!      these are 100% of the worlds where it holds (126 of 126) and 29% of all worlds"
//! );
//! # Ok::<(), reviewsim::discover::DiscoverError>(())
//! ```

mod box_limits;
mod choose;
mod error;
mod peel;
mod points;
mod quantile;
mod quasi_p;
mod write;

#[cfg(test)]
mod tests;

pub use box_limits::{Bounds, Counts};
pub use choose::Choice;
pub use error::{DiscoverError, Result};
pub use points::Points;
pub use quasi_p::{Limit, Restriction, binomial_upper_tail};
pub use write::{BoxRow, TrajectoryRow};

/// How PRIM scores a candidate box against the current one, as EMA
/// Workbench's `PRIMObjectiveFunctions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Objective {
    /// EMA's default: the gain in density divided by the number of worlds
    /// removed (or added, when pasting). Stops peeling when no peel raises
    /// the density.
    #[default]
    Lenient1,
    /// Friedman and Fisher's (14.6): the gain in density times the worlds
    /// in the new box, divided by the worlds removed or added.
    Lenient2,
    /// The density of the new box. Peels down to `mass_min`.
    Original,
}

impl Objective {
    /// The score of a box holding `new` that replaces one holding `old`.
    pub fn score(self, old: Counts, new: Counts) -> f64 {
        let (mean_old, mean_new) = (old.mean(), new.mean());
        let change = old.worlds.abs_diff(new.worlds);
        match self {
            Self::Original if new.worlds == 0 => -1.0,
            Self::Original => mean_new,
            // The same worlds give the same density: a score of 0.
            _ if mean_old == mean_new || change == 0 => 0.0,
            Self::Lenient1 => (mean_new - mean_old) / change as f64,
            Self::Lenient2 => new.worlds as f64 * (mean_new - mean_old) / change as f64,
        }
    }
}

/// PRIM's settings; the defaults are EMA Workbench's, and the choice of
/// box this crate's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// The share of a box's worlds one peel removes, in (0, 0.5].
    pub peel_alpha: f64,
    /// The share of the worlds beyond a limit one paste takes in, in
    /// (0, 0.5].
    pub paste_alpha: f64,
    /// The smallest share of all worlds a box may hold, in (0, 1].
    pub mass_min: f64,
    /// How candidate boxes are scored.
    pub objective: Objective,
    /// Which box of the trajectory is the answer.
    pub choice: Choice,
    /// The quasi-p-value that, divided by the number of boxes on the
    /// trajectory, is the largest a limit may have and survive pruning, in
    /// (0, 1].
    pub significance: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            objective: Objective::Lenient1,
            choice: Choice::Densest,
            significance: 0.05,
        }
    }
}

impl Options {
    /// Every fraction in its range.
    fn check(&self) -> Result<()> {
        let fractions = [
            ("peel_alpha", self.peel_alpha, 0.5, "in (0, 0.5]"),
            ("paste_alpha", self.paste_alpha, 0.5, "in (0, 0.5]"),
            ("mass_min", self.mass_min, 1.0, "in (0, 1]"),
            ("significance", self.significance, 1.0, "in (0, 1]"),
        ];
        for (option, value, max, allowed) in fractions {
            if !(value > 0.0 && value <= max) {
                return Err(DiscoverError::Option {
                    option,
                    value,
                    allowed,
                });
            }
        }
        self.choice.check()
    }
}

/// How a box of the trajectory was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The box of all worlds, where the trajectory starts.
    Start,
    /// A peel: one limit moved in.
    Peel,
    /// A paste: one limit moved out.
    Paste,
}

impl Phase {
    /// Its name in the trajectory's CSV: `start`, `peel` or `paste`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Peel => "peel",
            Self::Paste => "paste",
        }
    }
}

/// One box of the peeling and pasting trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// How it was made.
    pub phase: Phase,
    /// Worlds inside, and those where the condition holds.
    pub counts: Counts,
    /// The share of all worlds where the condition holds that are inside
    /// (0 when it holds nowhere).
    pub coverage: f64,
    /// The share of worlds inside where the condition holds.
    pub density: f64,
    /// The share of all worlds inside.
    pub mass: f64,
    /// Its limits, one pair per parameter (the whole space's where it does
    /// not restrict the parameter).
    pub limits: Vec<Bounds>,
    /// The parameters it restricts, in column order, with quasi-p-values.
    pub restrictions: Vec<Restriction>,
}

impl Step {
    /// How many parameters it restricts.
    pub fn restricted(&self) -> usize {
        self.restrictions.len()
    }

    /// Whether every limit has a quasi-p-value at most `significance`
    /// (true of the box of all worlds, which has none).
    pub fn is_significant(&self, significance: f64) -> bool {
        self.restrictions
            .iter()
            .all(|r| r.quasi_p() <= significance)
    }
}

/// What PRIM found: the trajectory and the chosen box.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    names: Vec<String>,
    trajectory: Vec<Step>,
    chosen: choose::Picked,
}

impl Discovery {
    /// The parameters' names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Every box, from the whole space through each peel and paste.
    pub fn trajectory(&self) -> &[Step] {
        &self.trajectory
    }

    /// The step of the trajectory the chosen box comes from.
    pub fn chosen_step(&self) -> usize {
        self.chosen.from
    }

    /// The chosen box: the box at [`Discovery::chosen_step`], pruned of
    /// its limits that are not significant unless picked by
    /// [`Choice::Step`] (its `phase` is that step's).
    pub fn chosen(&self) -> &Step {
        &self.chosen.step
    }

    /// How many limits of the box at [`Discovery::chosen_step`] pruning
    /// removed.
    pub fn dropped_limits(&self) -> usize {
        self.chosen.dropped
    }
}

/// Runs PRIM on `points`: the trajectory and the box `options.choice`
/// picks.
///
/// # Errors
///
/// An option out of its range, or a step to choose beyond the trajectory.
pub fn discover(points: &Points, options: &Options) -> Result<Discovery> {
    options.check()?;
    let init = box_limits::whole_space(points);
    let trajectory: Vec<Step> = peel::trajectory(points, &init, options)
        .into_iter()
        .map(|raw| make_step(points, &init, raw.phase, raw.limits, raw.counts))
        .collect();
    let chosen = options
        .choice
        .pick(&trajectory, points, &init, options.significance)?;
    Ok(Discovery {
        names: points.names().to_vec(),
        trajectory,
        chosen,
    })
}

/// The box `limits` holding `counts`, with its shares and quasi-p-values.
fn make_step(
    points: &Points,
    init: &[Bounds],
    phase: Phase,
    limits: Vec<Bounds>,
    counts: Counts,
) -> Step {
    let cases = points.cases();
    Step {
        phase,
        counts,
        coverage: if cases == 0 {
            0.0
        } else {
            counts.cases as f64 / cases as f64
        },
        density: counts.mean(),
        mass: counts.worlds as f64 / points.worlds() as f64,
        restrictions: quasi_p::restrictions(points, init, &limits, counts),
        limits,
    }
}
