//! Which box is the answer.
//!
//! EMA Workbench leaves the choice to the analyst, who reads the trade-off
//! between coverage and density along the trajectory, checks the
//! quasi-p-values and drops the restrictions that are not significant
//! (`PrimBox.drop_restriction`). Here that practice is a rule: each box of
//! the trajectory is *pruned*, its least significant limit removed (set
//! to the whole space's) and the quasi-p-values computed again, until
//! every limit left has a quasi-p-value of at most `significance / S`,
//! S the number of boxes on the trajectory; the answer is picked among
//! the pruned boxes.
//!
//! Peeling picks up limits that are noise on its way (a parameter the
//! condition does not depend on, or the far side of one it does), and a
//! box is reported only with the limits that matter. The division by S
//! (Bonferroni's correction) is there because the answer is picked from S
//! boxes, each picked for its density: at `significance` itself, a
//! condition independent of every parameter kept a restricted parameter
//! in 4% to 14% of runs (50 runs each of 200 to 1000 worlds, 3 to 20
//! parameters); divided by S, in none. Such a condition prunes every box
//! to the box of all worlds.

use super::box_limits::{Bounds, count_inside};
use super::error::{DiscoverError, Result};
use super::points::Points;
use super::{Step, make_step};

/// The rule that picks the answer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Choice {
    /// The densest pruned box; among equally dense ones, the one with the
    /// most coverage, then the fewest restricted parameters, then the one
    /// from the earliest step.
    #[default]
    Densest,
    /// The pruned box with the most coverage among those with a density of
    /// at least `density` (in [0, 1]); among equals, the densest, then the
    /// fewest restricted parameters, then the earliest. The box of all
    /// worlds when none is that dense.
    CoverageAtDensity {
        /// The smallest density accepted.
        density: f64,
    },
    /// The box at this step of the trajectory (0 is the whole space), as
    /// it is, significant or not: the analyst's pick.
    Step(usize),
}

/// The box a [`Choice`] picked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Picked {
    /// The step of the trajectory it comes from.
    pub from: usize,
    /// The box, pruned unless picked by its step.
    pub step: Step,
    /// How many limits pruning removed.
    pub dropped: usize,
}

impl Choice {
    /// A density in [0, 1].
    pub(crate) fn check(&self) -> Result<()> {
        match *self {
            Self::CoverageAtDensity { density } if !(0.0..=1.0).contains(&density) => {
                Err(DiscoverError::Option {
                    option: "density",
                    value: density,
                    allowed: "in [0, 1]",
                })
            }
            _ => Ok(()),
        }
    }

    /// The answer from `trajectory` (which is not empty).
    pub(crate) fn pick(
        &self,
        trajectory: &[Step],
        points: &Points,
        init: &[Bounds],
        significance: f64,
    ) -> Result<Picked> {
        if let Self::Step(from) = *self {
            let last = trajectory.len() - 1;
            let step = trajectory
                .get(from)
                .ok_or(DiscoverError::NoSuchStep { step: from, last })?;
            return Ok(Picked {
                from,
                step: step.clone(),
                dropped: 0,
            });
        }
        let level = significance / trajectory.len() as f64;
        let pruned = (trajectory.iter().enumerate())
            .map(|(from, step)| {
                let (step, dropped) = prune(points, init, step, level);
                Picked {
                    from,
                    step,
                    dropped,
                }
            })
            .filter(|p| match *self {
                Self::CoverageAtDensity { density } => p.step.density >= density,
                _ => true,
            });
        let key = |p: &Picked| {
            let (density, coverage) = (p.step.density, p.step.coverage);
            let rank = (
                std::cmp::Reverse(p.step.restricted()),
                std::cmp::Reverse(p.from),
            );
            match self {
                Self::CoverageAtDensity { .. } => (coverage, density, rank),
                _ => (density, coverage, rank),
            }
        };
        let best = pruned.max_by(|a, b| key(a).partial_cmp(&key(b)).expect("shares are numbers"));
        Ok(best.unwrap_or_else(|| Picked {
            from: 0,
            step: trajectory[0].clone(),
            dropped: 0,
        }))
    }
}

/// `step` with its least significant limit removed, again and again, until
/// every limit left has a quasi-p-value of at most `significance`; and how
/// many limits were removed.
pub(crate) fn prune(
    points: &Points,
    init: &[Bounds],
    step: &Step,
    significance: f64,
) -> (Step, usize) {
    let mut pruned = step.clone();
    let mut dropped = 0;
    loop {
        // The limit with the largest quasi-p-value, the first of equals.
        let mut worst: Option<(f64, usize, bool)> = None;
        for restriction in &pruned.restrictions {
            let sides = [(restriction.lower, true), (restriction.upper, false)];
            for (limit, lower) in sides.into_iter().filter_map(|(l, lower)| Some((l?, lower))) {
                if worst.is_none_or(|(qp, ..)| limit.quasi_p > qp) {
                    worst = Some((limit.quasi_p, restriction.parameter, lower));
                }
            }
        }
        let Some((qp, j, lower)) = worst.filter(|&(qp, ..)| qp > significance) else {
            return (pruned, dropped);
        };
        debug_assert!(qp > significance);
        let mut limits = pruned.limits.clone();
        if lower {
            limits[j].lower = init[j].lower;
        } else {
            limits[j].upper = init[j].upper;
        }
        let counts = count_inside(points, &limits);
        pruned = make_step(points, init, pruned.phase, limits, counts);
        dropped += 1;
    }
}
