//! Morris screening from the outputs of a Morris design.
//!
//! Each step of a trajectory gives its group one elementary effect, the
//! slope along the step: (y(x + Δ e_i) - y(x)) / Δ, read with its sign
//! turned for a step down so that it always means "the output's change per
//! unit rise". Over the trajectories, per group:
//!
//! - μ, the mean effect: its sign says which way the group pushes, when
//!   it always pushes the same way;
//! - μ*, the mean absolute effect (Campolongo et al. 2007): the measure to
//!   rank groups by, as effects of opposite sign do not cancel in it;
//! - σ, the standard deviation of the effects: large when the effect
//!   depends on where the other parameters are (interactions or
//!   non-linearity).
//!
//! A trajectory with a missing or non-finite output is dropped whole, so
//! every group's statistics rest on the same trajectories; the result says
//! how many were used. μ* carries a bootstrap interval from resampling the
//! trajectories.

use super::bootstrap::{self, Bootstrap, Estimate};
use super::error::{Result, SensitivityError};
use super::trajectories::{Direction, MorrisLayout};

/// Morris statistics of one output.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// Trajectories with every output defined, on which the statistics rest.
    pub trajectories_used: usize,
    /// Trajectories left out for a missing or non-finite output.
    pub trajectories_dropped: usize,
    /// The statistics per group.
    pub groups: Vec<MorrisIndex>,
}

/// Morris statistics of one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// μ, the mean elementary effect (`None` without a usable trajectory).
    pub mu: Option<f64>,
    /// μ*, the mean absolute elementary effect, with a bootstrap interval
    /// from two usable trajectories on (`None` without any).
    pub mu_star: Option<Estimate>,
    /// σ, the standard deviation of the effects, n - 1 in the denominator
    /// (`None` with fewer than two usable trajectories).
    pub sigma: Option<f64>,
}

/// The Morris statistics of one output, given one output per design point
/// in the layout's order (`None` where the output is undefined).
///
/// ```
/// use reviewsim::sensitivity::{morris_indices, Bootstrap, Groups, MorrisDesign, MorrisOptions};
///
/// let groups = Groups::ungrouped(2)?;
/// let options = MorrisOptions { trajectories: 20, levels: 4, seed: 1 };
/// let design = MorrisDesign::generate(&groups, options)?;
/// let outputs: Vec<Option<f64>> =
///     design.points.iter().map(|x| Some(3.0 * x[0] - x[1])).collect();
/// let indices = morris_indices(&design.layout, &outputs, &Bootstrap::default())?;
/// // A linear output has the same effect everywhere: its coefficient.
/// assert!((indices.groups[1].mu.unwrap() + 1.0).abs() < 1e-9);
/// assert!((indices.groups[0].mu_star.unwrap().value - 3.0).abs() < 1e-9);
/// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
/// ```
pub fn morris_indices(
    layout: &MorrisLayout,
    outputs: &[Option<f64>],
    bootstrap: &Bootstrap,
) -> Result<MorrisIndices> {
    if outputs.len() != layout.points() {
        return Err(SensitivityError::OutputCount {
            got: outputs.len(),
            expected: layout.points(),
        });
    }
    let effects = elementary_effects(layout, outputs);
    let used = effects.len();
    let groups = (0..layout.groups())
        .map(|group| {
            let of_group: Vec<f64> = effects.iter().map(|trajectory| trajectory[group]).collect();
            group_statistics(&of_group, bootstrap)
        })
        .collect();
    Ok(MorrisIndices {
        trajectories_used: used,
        trajectories_dropped: layout.trajectories() - used,
        groups,
    })
}

/// Per usable trajectory, the elementary effect of each group (indexed by
/// group, whatever order the trajectory moved them in).
fn elementary_effects(layout: &MorrisLayout, outputs: &[Option<f64>]) -> Vec<Vec<f64>> {
    let delta = layout.delta();
    (0..layout.trajectories())
        .filter_map(|trajectory| {
            let start = layout.point(trajectory, 0);
            let values: Vec<f64> = outputs[start..start + layout.points_per_trajectory()]
                .iter()
                .map(|output| output.filter(|value| value.is_finite()))
                .collect::<Option<_>>()?;
            let mut effects = vec![0.0; layout.groups()];
            for (step, pair) in values.windows(2).enumerate() {
                let moved = layout.step(trajectory, step);
                let rise = match moved.direction {
                    Direction::Up => pair[1] - pair[0],
                    Direction::Down => pair[0] - pair[1],
                };
                effects[moved.group] = rise / delta;
            }
            // Finite outputs far apart can still overflow their difference.
            effects
                .iter()
                .all(|effect| effect.is_finite())
                .then_some(effects)
        })
        .collect()
}

/// μ, μ* (with its bootstrap) and σ of one group's effects.
fn group_statistics(effects: &[f64], bootstrap: &Bootstrap) -> MorrisIndex {
    if effects.is_empty() {
        return MorrisIndex {
            mu: None,
            mu_star: None,
            sigma: None,
        };
    }
    let n = effects.len() as f64;
    let mu = effects.iter().sum::<f64>() / n;
    let mean_absolute =
        |chosen: &mut dyn Iterator<Item = f64>| chosen.map(f64::abs).sum::<f64>() / n;
    let mu_star = mean_absolute(&mut effects.iter().copied());
    let (sigma, resampled) = if effects.len() < 2 {
        // One trajectory resampled is itself every time: no spread to show.
        (None, Vec::new())
    } else {
        let squares: f64 = effects.iter().map(|effect| (effect - mu).powi(2)).sum();
        let resampled = bootstrap::replicate(effects.len(), bootstrap, |chosen| {
            Some(mean_absolute(&mut chosen.iter().map(|&t| effects[t])))
        });
        (Some((squares / (n - 1.0)).sqrt()), resampled)
    };
    MorrisIndex {
        mu: Some(mu),
        mu_star: Some(bootstrap::estimate(mu_star, resampled)),
        sigma,
    }
}

#[cfg(test)]
mod tests;
