//! The Morris design: trajectories that move one group at a time.
//!
//! A trajectory starts at a random point of the grid {0, 1/(p-1), .., 1}^k
//! and moves each group once, in random order, by Δ = p / (2(p - 1)) up or
//! down, so it has g + 1 points and each step yields one elementary effect
//! (Morris 1991). As in SALib's `sample.morris` (without its trajectory
//! optimisation), each parameter's starting level is drawn from the lower
//! half of the grid and a step joins a lower level l to the upper level
//! l + p/2, so with p even every level is equally likely and no step leaves
//! [0, 1].
//!
//! One difference from SALib: the direction is drawn per group, not per
//! parameter, so all parameters of a group move the same way and a group's
//! elementary effect has a sign (SALib's groups mix directions and report
//! no σ).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::{Result, SensitivityError};
use super::groups::Groups;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisOptions {
    /// r, the trajectories; 10 to 50 is usual, at least 2 for σ and
    /// intervals.
    pub trajectories: usize,
    /// p, the grid levels: even, at least 2; 4 is usual.
    pub levels: usize,
    /// Seeds the ChaCha8 stream the trajectories are drawn from.
    pub seed: u64,
}

/// Which way a step moves its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Every parameter of the group rises by Δ.
    Up,
    /// Every parameter of the group falls by Δ.
    Down,
}

/// One step of a trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisStep {
    /// The group that moves.
    pub group: usize,
    /// Which way.
    pub direction: Direction,
}

/// Where each point of a Morris design sits and how each step moves:
/// everything an analysis needs besides the outputs. Unlike a Saltelli
/// layout it depends on the draws, so keep it, or generate the design again
/// from the same groups and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MorrisLayout {
    trajectories: usize,
    levels: usize,
    groups: usize,
    steps: Vec<MorrisStep>,
}

impl MorrisLayout {
    /// r, the trajectories.
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// p, the grid levels.
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// g, the groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Δ = p / (2(p - 1)), the length of every step.
    pub fn delta(&self) -> f64 {
        self.levels as f64 / (2.0 * (self.levels - 1) as f64)
    }

    /// Points per trajectory, g + 1.
    pub fn points_per_trajectory(&self) -> usize {
        self.groups + 1
    }

    /// Points in the design, r (g + 1).
    pub fn points(&self) -> usize {
        self.trajectories * self.points_per_trajectory()
    }

    /// Position of a trajectory's point (0 is its start, g its end).
    pub fn point(&self, trajectory: usize, position: usize) -> usize {
        trajectory * self.points_per_trajectory() + position
    }

    /// The step from a trajectory's point `step` to point `step + 1`.
    pub fn step(&self, trajectory: usize, step: usize) -> MorrisStep {
        self.steps[trajectory * self.groups + step]
    }
}

/// A Morris design: points on the grid in [0, 1]^k, one per row, in the
/// layout's order (trajectory after trajectory).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    /// Where each point sits and how each step moves.
    pub layout: MorrisLayout,
    /// The points, `layout.points()` of them.
    pub points: Vec<Vec<f64>>,
}

impl MorrisDesign {
    /// The design for these groups. Per trajectory, in this order, the
    /// stream draws each parameter's starting level, then the order of the
    /// groups (Fisher-Yates), then each group's direction.
    ///
    /// ```
    /// use reviewsim::sensitivity::{Groups, MorrisDesign, MorrisOptions};
    ///
    /// let groups = Groups::ungrouped(3)?;
    /// let options = MorrisOptions { trajectories: 10, levels: 4, seed: 1 };
    /// let design = MorrisDesign::generate(&groups, options)?;
    /// assert_eq!(design.points.len(), 10 * (3 + 1));
    /// assert_eq!(design.layout.delta(), 2.0 / 3.0);
    /// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
    /// ```
    pub fn generate(groups: &Groups, options: MorrisOptions) -> Result<MorrisDesign> {
        let MorrisOptions {
            trajectories,
            levels,
            seed,
        } = options;
        if trajectories == 0 {
            return Err(SensitivityError::NoTrajectories);
        }
        if levels < 2 || !levels.is_multiple_of(2) {
            return Err(SensitivityError::LevelsNotEven { levels });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut steps = Vec::new();
        let mut points = Vec::new();
        for _ in 0..trajectories {
            let (trajectory, moves) = trajectory(groups, levels, &mut rng);
            points.extend(trajectory);
            steps.extend(moves);
        }
        let layout = MorrisLayout {
            trajectories,
            levels,
            groups: groups.count(),
            steps,
        };
        Ok(MorrisDesign { layout, points })
    }
}

/// One trajectory's g + 1 points and g steps.
fn trajectory(
    groups: &Groups,
    levels: usize,
    rng: &mut ChaCha8Rng,
) -> (Vec<Vec<f64>>, Vec<MorrisStep>) {
    let half = levels / 2;
    let mut level: Vec<usize> = (0..groups.parameters())
        .map(|_| rng.random_range(0..half))
        .collect();
    let mut order: Vec<usize> = (0..groups.count()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let mut direction = vec![Direction::Up; groups.count()];
    for way in direction.iter_mut() {
        if rng.random::<bool>() {
            *way = Direction::Down;
        }
    }
    // A group that will move down starts on the upper level.
    for (parameter, &group) in groups.group_of().iter().enumerate() {
        if direction[group] == Direction::Down {
            level[parameter] += half;
        }
    }
    let to_point = |level: &[usize]| -> Vec<f64> {
        let top = (levels - 1) as f64;
        level.iter().map(|&l| l as f64 / top).collect()
    };
    let mut points = vec![to_point(&level)];
    let mut steps = Vec::with_capacity(order.len());
    for &group in &order {
        for (parameter, &of) in groups.group_of().iter().enumerate() {
            if of == group {
                match direction[group] {
                    Direction::Up => level[parameter] += half,
                    Direction::Down => level[parameter] -= half,
                }
            }
        }
        points.push(to_point(&level));
        steps.push(MorrisStep {
            group,
            direction: direction[group],
        });
    }
    (points, steps)
}

#[cfg(test)]
mod tests;
