//! Designs: which combinations of parameter values become points, in a
//! stable order.
//!
//! Sampled designs draw from their own ChaCha stream, derived from the
//! master seed but distinct from every simulation stream, so the same
//! scenario and seed always give the same points.

use rand::RngExt;
use toml::Value;

use super::spec::{Axis, Method};
use crate::engine::{StreamRng, StreamSeed};

/// The stream purpose of design draws (simulation purposes are small).
const DESIGN_PURPOSE: u32 = 0xD5_16_00_01;

/// The design's random stream for a master seed. It uses point and
/// replication keys that no work unit has.
pub fn design_rng(master_seed: u64) -> StreamRng {
    StreamSeed::new(master_seed, u64::MAX, u64::MAX).stream(DESIGN_PURPOSE, 0)
}

/// Number of points a grid over these axes has (`None` on overflow).
pub fn grid_size(axes: &[Axis]) -> Option<u64> {
    axes.iter().try_fold(1u64, |n, axis| match axis {
        Axis::Values(values) => n.checked_mul(values.len() as u64),
        Axis::Interval { .. } => None,
    })
}

/// Every combination, the first parameter varying slowest (like nested
/// loops in file order). Every axis must be a list.
pub fn grid(axes: &[Axis]) -> Vec<Vec<Value>> {
    let lists: Vec<&Vec<Value>> = axes
        .iter()
        .map(|axis| match axis {
            Axis::Values(values) => values,
            Axis::Interval { .. } => unreachable!("grids are checked to hold lists only"),
        })
        .collect();
    let mut points = vec![Vec::new()];
    for list in lists {
        points = points
            .into_iter()
            .flat_map(|prefix| {
                list.iter().map(move |value| {
                    let mut point = prefix.clone();
                    point.push(value.clone());
                    point
                })
            })
            .collect();
    }
    points
}

/// `samples` points: for each axis a fresh permutation of the `samples`
/// equal bins of [0, 1), and a uniform position within each bin (Latin
/// hypercube), or independent uniform draws (random). Axis by axis, each
/// unit value is mapped to the axis by [`value_at`].
pub fn sampled(
    method: Method,
    axes: &[Axis],
    samples: u64,
    rng: &mut StreamRng,
) -> Vec<Vec<Value>> {
    let n = samples as usize;
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(axes.len());
    for _ in axes {
        let column = match method {
            Method::LatinHypercube => {
                let mut bins: Vec<usize> = (0..n).collect();
                // Fisher-Yates.
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    bins.swap(i, j);
                }
                bins.iter()
                    .map(|&bin| (bin as f64 + rng.random::<f64>()) / n as f64)
                    .collect()
            }
            _ => (0..n).map(|_| rng.random::<f64>()).collect(),
        };
        columns.push(column);
    }
    (0..n)
        .map(|i| {
            axes.iter()
                .zip(&columns)
                .map(|(axis, column)| value_at(axis, column[i]))
                .collect()
        })
        .collect()
}

/// The value of an axis at position `u` in [0, 1): linear or log
/// interpolation of an interval (whole numbers: the floor of a draw on
/// [low, high + 1)); for a list, the element whose equal share of [0, 1)
/// holds `u`.
pub fn value_at(axis: &Axis, u: f64) -> Value {
    match axis {
        Axis::Values(values) => {
            let index = ((u * values.len() as f64) as usize).min(values.len() - 1);
            values[index].clone()
        }
        Axis::Interval {
            low,
            high,
            log,
            integer,
        } => {
            let top = if *integer { high + 1.0 } else { *high };
            let x = if *log {
                (low.ln() + u * (top.ln() - low.ln())).exp()
            } else {
                low + u * (top - low)
            };
            if *integer {
                Value::Integer((x.floor().clamp(*low, *high)) as i64)
            } else {
                Value::Float(x.clamp(*low, *high))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(values: &[i64]) -> Axis {
        Axis::Values(values.iter().map(|&v| Value::Integer(v)).collect())
    }

    #[test]
    fn a_grid_varies_the_first_parameter_slowest() {
        let points = grid(&[ints(&[1, 2]), ints(&[10, 20, 30])]);
        let flat: Vec<(i64, i64)> = points
            .iter()
            .map(|p| (p[0].as_integer().unwrap(), p[1].as_integer().unwrap()))
            .collect();
        assert_eq!(flat, [(1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)]);
        assert_eq!(grid_size(&[ints(&[1, 2]), ints(&[10, 20, 30])]), Some(6));
    }

    #[test]
    fn integer_intervals_give_every_whole_number_its_share() {
        let axis = Axis::Interval {
            low: 1.0,
            high: 4.0,
            log: false,
            integer: true,
        };
        let got: Vec<i64> = [0.0, 0.24, 0.25, 0.5, 0.99]
            .iter()
            .map(|&u| value_at(&axis, u).as_integer().unwrap())
            .collect();
        assert_eq!(got, [1, 1, 2, 3, 4]);
    }

    #[test]
    fn the_same_seed_gives_the_same_sample() {
        let axes = [Axis::Interval {
            low: 0.0,
            high: 1.0,
            log: false,
            integer: false,
        }];
        let a = sampled(Method::LatinHypercube, &axes, 10, &mut design_rng(7));
        let b = sampled(Method::LatinHypercube, &axes, 10, &mut design_rng(7));
        let c = sampled(Method::LatinHypercube, &axes, 10, &mut design_rng(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
