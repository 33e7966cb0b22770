//! Peeling, then pasting: the boxes of the trajectory, as EMA Workbench's
//! `Prim._peel` and `Prim._paste` make them for real-valued parameters.
//!
//! Each step looks at every candidate box, scores it with the
//! [`Objective`] against the current box, and keeps the best: the highest
//! score, then the fewest restricted parameters, then the first in the
//! order parameter by parameter (upper limit before lower when peeling,
//! lower before upper when pasting), as Python's stable sort leaves them.

use super::box_limits::{Bounds, Counts, count_inside, inside, restricted_count};
use super::points::Points;
use super::quantile::{peel_quantile, sorted};
use super::{Objective, Options, Phase};

/// A box of the trajectory before its quasi-p-values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawStep {
    /// Peeled or pasted (or the whole space, the first step).
    pub phase: Phase,
    /// One pair of limits per parameter.
    pub limits: Vec<Bounds>,
    /// Worlds inside, and worlds inside where the condition holds.
    pub counts: Counts,
}

/// A candidate box and its score.
struct Candidate {
    limits: Vec<Bounds>,
    counts: Counts,
    score: f64,
    unrestricted: usize,
}

impl Candidate {
    /// Whether it beats `best`: a higher score, or as high with more
    /// parameters left unrestricted. An equal one comes later and loses.
    fn beats(&self, best: &Option<Candidate>) -> bool {
        best.as_ref().is_none_or(|best| {
            self.score > best.score
                || (self.score == best.score && self.unrestricted > best.unrestricted)
        })
    }
}

/// The whole trajectory: the box of all worlds, each accepted peel, then
/// each accepted paste.
pub(crate) fn trajectory(points: &Points, init: &[Bounds], options: &Options) -> Vec<RawStep> {
    let mut steps = vec![RawStep {
        phase: Phase::Start,
        limits: init.to_vec(),
        counts: count_inside(points, init),
    }];
    peel(points, init, options, &mut steps);
    paste(points, init, options, &mut steps);
    steps
}

/// Peels while the best peel scores above 0, shrinks the box and leaves
/// at least `mass_min` of the worlds in it.
fn peel(points: &Points, init: &[Bounds], options: &Options, steps: &mut Vec<RawStep>) {
    let worlds = points.worlds() as f64;
    let mut box_worlds: Vec<usize> = inside(points, init).collect();
    loop {
        let current = steps
            .last()
            .expect("the trajectory starts with the whole space");
        let Some(best) = best_peel(points, init, &box_worlds, current, options) else {
            return;
        };
        let mass_new = best.counts.worlds as f64 / worlds;
        let mass_old = box_worlds.len() as f64 / worlds;
        if !(mass_new >= options.mass_min && mass_new < mass_old && best.score > 0.0) {
            return;
        }
        box_worlds.retain(|&world| {
            (best.limits.iter().enumerate()).all(|(j, b)| b.contains(points.column(j)[world]))
        });
        steps.push(RawStep {
            phase: Phase::Peel,
            limits: best.limits,
            counts: best.counts,
        });
    }
}

/// Pastes while the best paste scores above 0, grows the box and raises
/// the share of worlds in it where the condition holds.
fn paste(points: &Points, init: &[Bounds], options: &Options, steps: &mut Vec<RawStep>) {
    let worlds = points.worlds() as f64;
    loop {
        let current = steps
            .last()
            .expect("the trajectory starts with the whole space");
        let Some(best) = best_paste(points, init, current, options) else {
            return;
        };
        let old = current.counts;
        let mass_new = best.counts.worlds as f64 / worlds;
        let mass_old = old.worlds as f64 / worlds;
        let accepted = mass_new >= options.mass_min
            && mass_new > mass_old
            && best.score > 0.0
            && best.counts.mean() > old.mean();
        if !accepted {
            return;
        }
        steps.push(RawStep {
            phase: Phase::Paste,
            limits: best.limits,
            counts: best.counts,
        });
    }
}

/// The best box that peels an `alpha` quantile off one side of one
/// parameter of the box of `current`, whose worlds are `inside`.
fn best_peel(
    points: &Points,
    init: &[Bounds],
    inside: &[usize],
    current: &RawStep,
    options: &Options,
) -> Option<Candidate> {
    let mut best = None;
    for j in 0..points.parameters() {
        let column = points.column(j);
        let values = sorted(inside.iter().map(|&w| column[w]));
        let upper = peel_quantile(&values, 1.0 - options.peel_alpha);
        let lower = peel_quantile(&values, options.peel_alpha);
        let sides = [
            Bounds {
                upper,
                ..current.limits[j]
            },
            Bounds {
                lower,
                ..current.limits[j]
            },
        ];
        for bounds in sides {
            let mut limits = current.limits.clone();
            limits[j] = bounds;
            let counts = Counts::of(
                inside
                    .iter()
                    .copied()
                    .filter(|&w| bounds.contains(column[w])),
                points,
            );
            let candidate = candidate(limits, counts, current.counts, init, options.objective);
            if candidate.beats(&best) {
                best = Some(candidate);
            }
        }
    }
    best
}

/// The best box that pastes back, on one side of one restricted
/// parameter, a `paste_alpha` quantile of the worlds between the box and
/// the edge of the space (the box's other limits held).
fn best_paste(
    points: &Points,
    init: &[Bounds],
    current: &RawStep,
    options: &Options,
) -> Option<Candidate> {
    let mut best = None;
    for j in 0..points.parameters() {
        if current.limits[j] == init[j] {
            continue;
        }
        let column = points.column(j);
        let now = current.limits[j];
        let slabs = [
            (
                Bounds {
                    lower: init[j].lower,
                    upper: now.lower,
                },
                1.0 - options.paste_alpha,
            ),
            (
                Bounds {
                    lower: now.upper,
                    upper: init[j].upper,
                },
                options.paste_alpha,
            ),
        ];
        for (side, (slab, quantile)) in slabs.into_iter().enumerate() {
            let mut limits = current.limits.clone();
            limits[j] = slab;
            let values = sorted(inside(points, &limits).map(|w| column[w]));
            let mut bounds = now;
            if side == 0 {
                bounds.lower = if values.is_empty() {
                    init[j].lower
                } else {
                    peel_quantile(&values, quantile)
                };
            } else {
                bounds.upper = if values.is_empty() {
                    init[j].upper
                } else {
                    peel_quantile(&values, quantile)
                };
            }
            limits[j] = bounds;
            let counts = count_inside(points, &limits);
            let candidate = candidate(limits, counts, current.counts, init, options.objective);
            if candidate.beats(&best) {
                best = Some(candidate);
            }
        }
    }
    best
}

/// A candidate box scored against the current one.
fn candidate(
    limits: Vec<Bounds>,
    counts: Counts,
    old: Counts,
    init: &[Bounds],
    objective: Objective,
) -> Candidate {
    let unrestricted = init.len() - restricted_count(&limits, init);
    Candidate {
        score: objective.score(old, counts),
        limits,
        counts,
        unrestricted,
    }
}
