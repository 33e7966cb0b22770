//! `--shard K/N`: one deterministic slice of a run's work.
//!
//! A run is a sequence of rounds (see [`crate::runner::Schedule`]): each
//! round is one replication of one block of points, and most runs have one
//! block, so a round is a replication of every point. Shard K of N (numbered
//! from 0, like Slurm array and Kubernetes completion indices) runs the
//! contiguous rounds `floor(T·K/N) .. floor(T·(K+1)/N)` of the T rounds.
//! Shard K's rows are therefore one contiguous block of the whole run's
//! rows, and `merge` concatenates the shards in order.
//!
//! ```
//! use reviewsim::shard::Shard;
//!
//! let shard: Shard = "1/4".parse().unwrap();
//! assert_eq!(shard.rounds(10).unwrap(), 2..5);
//! assert!("4/4".parse::<Shard>().is_err());
//! ```

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard K of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, from 0.
    pub index: u64,
    /// N.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let refuse = |why: &str| format!("--shard {text}: {why}");
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| refuse("expected K/N, such as 0/4 (shard K of N, numbered from 0)"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| refuse("N must be a whole number >= 1"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| refuse("K must be a whole number >= 0"))?;
        if count == 0 {
            return Err(refuse("N must be >= 1"));
        }
        if index >= count {
            return Err(refuse(&format!(
                "K must be from 0 to {} (shards are numbered from 0)",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// This shard's rounds out of `rounds`.
    pub fn rounds(&self, rounds: u64) -> Result<Range<u64>, String> {
        if self.count > rounds {
            return Err(format!(
                "--shard {self}: {} shards for {rounds} rounds of work (replications, in each \
                 block of points) would leave shards empty; use at most {rounds} shards",
                self.count
            ));
        }
        let bound = |k: u64| (u128::from(rounds) * u128::from(k) / u128::from(self.count)) as u64;
        Ok(bound(self.index)..bound(self.index + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_round_once_in_order() {
        for (replications, count) in [(10, 4), (7, 7), (1000, 3), (5, 1)] {
            let mut next = 0;
            for index in 0..count {
                let range = Shard { index, count }.rounds(replications).unwrap();
                assert_eq!(range.start, next);
                assert!(range.end > range.start);
                next = range.end;
            }
            assert_eq!(next, replications);
        }
    }

    #[test]
    fn malformed_shards_are_refused_with_what_is_allowed() {
        for (text, needle) in [
            ("3", "expected K/N"),
            ("a/4", "K must be a whole number"),
            ("0/0", "N must be >= 1"),
            ("4/4", "from 0 to 3"),
        ] {
            let err = text.parse::<Shard>().unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
        let err = Shard { index: 0, count: 8 }.rounds(5).unwrap_err();
        assert!(err.contains("at most 5 shards"), "{err}");
    }
}
