//! The quantile PRIM peels and pastes at, as EMA Workbench's
//! `prim_util.get_quantile` computes it (modelled on sdtoolkit): a limit
//! halfway between two distinct neighbouring values, so that it never sits
//! on a point and ties move together.

/// The `quantile` of `sorted` (ascending, not empty), `0 < quantile < 1`.
///
/// With `i = (n - 1) q`, the values at `floor(i)` and `ceil(i)` are taken;
/// while they are equal the index away from the median side moves on (down
/// for an upper quantile, `q > 0.5`; up for a lower one), so the result is
/// the midpoint between a run of tied values and the next distinct value,
/// or the tied value itself when no distinct value is left.
pub(crate) fn peel_quantile(sorted: &[f64], quantile: f64) -> f64 {
    debug_assert!(!sorted.is_empty() && quantile > 0.0 && quantile < 1.0);
    let last = sorted.len() - 1;
    let i = last as f64 * quantile;
    let (mut lower, mut higher) = (i.floor() as usize, i.ceil() as usize);
    if quantile > 0.5 {
        while sorted[lower] == sorted[higher] && lower > 0 {
            lower -= 1;
        }
    } else {
        while sorted[lower] == sorted[higher] && higher < last {
            higher += 1;
        }
    }
    (sorted[lower] + sorted[higher]) / 2.0
}

/// `values`, sorted ascending (they are finite).
pub(crate) fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_values_give_the_midpoint_of_the_neighbours() {
        let data: Vec<f64> = (0..21).map(f64::from).collect();
        // i = 20 * 0.05 = 1: both indices 1, equal, so the lower quantile
        // moves up to 2 and the upper quantile (i = 19) down to 18.
        assert_eq!(peel_quantile(&data, 0.05), 1.5);
        assert_eq!(peel_quantile(&data, 0.95), 18.5);
        // i = 20 * 0.125 = 2.5: indices 2 and 3, distinct.
        assert_eq!(peel_quantile(&data, 0.125), 2.5);
    }

    #[test]
    fn ties_move_together() {
        let data = [1.0, 1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(peel_quantile(&data, 0.05), 1.5);
        let data = [1.0, 2.0, 3.0, 3.0, 3.0, 3.0];
        assert_eq!(peel_quantile(&data, 0.95), 2.5);
        let same = [4.0; 5];
        assert_eq!(peel_quantile(&same, 0.05), 4.0);
        assert_eq!(peel_quantile(&same, 0.95), 4.0);
        assert_eq!(peel_quantile(&[7.0], 0.05), 7.0);
    }
}
