//! The order of a run's work: rounds over blocks of points.
//!
//! Points are taken in blocks of consecutive points; most runs have a single
//! block (see [`crate::output::block_points`] for how large a block is). A
//! *round* is one replication of every point of a block, points in order,
//! and a block's rounds run replication 0, 1, ... before the next block
//! begins. So with one block, units go replication first (replication 0 at
//! every point, then replication 1, ...): the units one replication pairs
//! across points arrive together. With several blocks, a block's aggregates
//! are complete, written and freed once its last round is done, and memory
//! does not grow with the number of points.
//!
//! Pairs with the baseline point need the baseline's value in the same
//! replication: when the baseline is not in the block, each round starts
//! with an extra unit that simulates it again for the pairs only (its
//! results are the same as in its own block: a unit's streams depend only
//! on its point and replication).
//!
//! ```
//! use reviewsim::runner::{Schedule, UnitPlan};
//!
//! // Five points in blocks of two, three replications, pairs with point 3.
//! let schedule = Schedule { points: 5, block_points: 2, replications: 3, pair_with: Some(3) };
//! assert_eq!(schedule.rounds(), 9); // 3 blocks x 3 replications
//! let units: Vec<UnitPlan> = schedule.units(0..2).collect();
//! // Block 0 (points 0, 1): the baseline first, for the pairs only.
//! assert_eq!(
//!     units.iter().map(|u| (u.point, u.replication, u.pairing_only)).collect::<Vec<_>>(),
//!     [(3, 0, true), (0, 0, false), (1, 0, false), (3, 1, true), (0, 1, false), (1, 1, false)]
//! );
//! ```

use std::ops::Range;

/// How a run's units are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Points in the run.
    pub points: usize,
    /// Points per block (at least 1).
    pub block_points: usize,
    /// Replications of every point.
    pub replications: u64,
    /// The point every other is paired with, if pairs are computed.
    pub pair_with: Option<usize>,
}

/// One unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitPlan {
    /// The point.
    pub point: usize,
    /// The replication.
    pub replication: u64,
    /// Simulated only to pair the block's points with the baseline in this
    /// replication: not written, not summarised.
    pub pairing_only: bool,
}

impl Schedule {
    /// One block of every point.
    pub fn single_block(points: usize, replications: u64) -> Self {
        Schedule {
            points,
            block_points: points.max(1),
            replications,
            pair_with: None,
        }
    }

    /// Number of blocks.
    pub fn blocks(&self) -> usize {
        self.points.div_ceil(self.block_points.max(1))
    }

    /// Number of rounds: blocks × replications.
    pub fn rounds(&self) -> u64 {
        self.blocks() as u64 * self.replications
    }

    /// The points of block `block`.
    pub fn block(&self, block: usize) -> Range<usize> {
        let size = self.block_points.max(1);
        (block * size)..((block + 1) * size).min(self.points)
    }

    /// The block and replication of round `round`.
    pub fn round(&self, round: u64) -> (usize, u64) {
        (
            (round / self.replications) as usize,
            round % self.replications,
        )
    }

    /// The units of rounds `rounds`, in order.
    pub fn units(&self, rounds: Range<u64>) -> impl Iterator<Item = UnitPlan> + '_ {
        rounds.flat_map(move |round| {
            let (block, replication) = self.round(round);
            let points = self.block(block);
            let pairing = self
                .pair_with
                .filter(|baseline| !points.contains(baseline))
                .map(|point| UnitPlan {
                    point,
                    replication,
                    pairing_only: true,
                });
            pairing.into_iter().chain(points.map(move |point| UnitPlan {
                point,
                replication,
                pairing_only: false,
            }))
        })
    }

    /// Units in rounds `rounds`, those only for pairs included.
    pub fn unit_count(&self, rounds: Range<u64>) -> u64 {
        rounds
            .map(|round| {
                let points = self.block(self.round(round).0);
                let extra = self.pair_with.is_some_and(|b| !points.contains(&b));
                (points.len() + usize::from(extra)) as u64
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_block_orders_units_replication_first() {
        let schedule = Schedule::single_block(3, 2);
        let order: Vec<(usize, u64)> = schedule
            .units(0..schedule.rounds())
            .map(|u| (u.point, u.replication))
            .collect();
        assert_eq!(order, [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]);
    }

    #[test]
    fn every_output_unit_comes_once_whatever_the_blocks() {
        for block_points in 1..=7 {
            let schedule = Schedule {
                points: 7,
                block_points,
                replications: 4,
                pair_with: Some(5),
            };
            let units: Vec<UnitPlan> = schedule.units(0..schedule.rounds()).collect();
            assert_eq!(
                units.len() as u64,
                schedule.unit_count(0..schedule.rounds())
            );
            let mut outputs: Vec<(usize, u64)> = units
                .iter()
                .filter(|u| !u.pairing_only)
                .map(|u| (u.point, u.replication))
                .collect();
            outputs.sort();
            let expected: Vec<(usize, u64)> =
                (0..7).flat_map(|p| (0..4).map(move |r| (p, r))).collect();
            assert_eq!(outputs, expected);
            // Every round of a block without the baseline starts with it.
            for unit in units.iter().filter(|u| u.pairing_only) {
                assert_eq!(unit.point, 5);
            }
        }
    }
}
