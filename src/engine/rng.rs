//! Reproducible random streams.
//!
//! Every random draw comes from a stream identified by five numbers: the
//! master seed, the point index, the replication index, the stream's purpose
//! (cadence, review, ...) and the entity it belongs to (a line, a track, ...).
//! The five are laid side by side into the 256-bit ChaCha key, so distinct
//! identities give distinct keys with no hashing and no chance of collision,
//! and ChaCha's output for distinct keys is independent for all practical
//! purposes. A stream's draws therefore depend only on its identity, never on
//! which thread runs it or what other streams did.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator behind every stream.
pub type StreamRng = ChaCha8Rng;

/// The identity of one work unit's family of streams: master seed, point and
/// replication. Streams within it are told apart by purpose and entity.
///
/// ```
/// use rand::RngExt;
/// use reviewsim::engine::StreamSeed;
///
/// let unit = StreamSeed::new(42, 0, 7);
/// let a: f64 = unit.stream(1, 3).random();
/// let b: f64 = unit.stream(1, 3).random();
/// let c: f64 = unit.stream(1, 4).random();
/// assert_eq!(a, b); // same identity, same draws
/// assert_ne!(a, c); // another entity, another stream
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreamSeed {
    master: u64,
    point: u64,
    replication: u64,
}

impl StreamSeed {
    /// The streams of one (point, replication) work unit. Callers that want
    /// common random numbers across points pass the same `point` (zero) for
    /// every point.
    pub const fn new(master: u64, point: u64, replication: u64) -> Self {
        StreamSeed {
            master,
            point,
            replication,
        }
    }

    /// A fresh generator for one (purpose, entity) stream of this unit.
    pub fn stream(&self, purpose: u32, entity: u32) -> StreamRng {
        let mut key = [0u8; 32];
        key[0..8].copy_from_slice(&self.master.to_le_bytes());
        key[8..16].copy_from_slice(&self.point.to_le_bytes());
        key[16..24].copy_from_slice(&self.replication.to_le_bytes());
        key[24..28].copy_from_slice(&purpose.to_le_bytes());
        key[28..32].copy_from_slice(&entity.to_le_bytes());
        ChaCha8Rng::from_seed(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn first_draws(seed: StreamSeed, purpose: u32, entity: u32) -> Vec<u64> {
        let mut rng = seed.stream(purpose, entity);
        (0..4).map(|_| rng.random()).collect()
    }

    #[test]
    fn each_identity_component_changes_the_stream() {
        let base = first_draws(StreamSeed::new(1, 2, 3), 4, 5);
        assert_eq!(base, first_draws(StreamSeed::new(1, 2, 3), 4, 5));
        for other in [
            first_draws(StreamSeed::new(9, 2, 3), 4, 5),
            first_draws(StreamSeed::new(1, 9, 3), 4, 5),
            first_draws(StreamSeed::new(1, 2, 9), 4, 5),
            first_draws(StreamSeed::new(1, 2, 3), 9, 5),
            first_draws(StreamSeed::new(1, 2, 3), 4, 9),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn swapping_components_gives_a_different_stream() {
        // Laid side by side, (point, replication) = (2, 3) and (3, 2) differ.
        assert_ne!(
            first_draws(StreamSeed::new(1, 2, 3), 0, 0),
            first_draws(StreamSeed::new(1, 3, 2), 0, 0)
        );
    }

    #[test]
    fn streams_are_pinned_across_versions() {
        // Guards reproducibility: a dependency upgrade that changed the
        // generator would silently change every result.
        let draws = first_draws(StreamSeed::new(20260602, 0, 0), 0, 0);
        assert_eq!(draws[0], PINNED_FIRST_DRAW);
    }

    const PINNED_FIRST_DRAW: u64 = 7_677_101_900_853_514_009;
}
