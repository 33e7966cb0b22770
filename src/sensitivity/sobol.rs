//! Sobol' indices from the outputs of a Saltelli design.
//!
//! With V the variance of the output over the whole hypercube:
//!
//! - first order S1_i, the share of V that group i explains alone:
//!   mean(f(B) (f(AB_i) - f(A))) / V (Saltelli et al. 2010);
//! - total order ST_i, the share that would vanish were group i fixed,
//!   interactions included: mean((f(A) - f(AB_i))²) / 2 / V (Jansen 1999);
//! - second order S2_ij, the share of the interaction of i and j alone:
//!   mean(f(BA_i) f(AB_j) - f(A) f(B)) / V - S1_i - S1_j (Saltelli 2002).
//!
//! As in SALib, V is the population variance of f(A) and f(B) taken
//! together, and outputs are centred on their mean first: the first- and
//! second-order estimators are not shift invariant, and centring removes
//! the bias a large mean would bring. Here centring is part of the
//! estimator, so each bootstrap resample centres on its own mean.
//!
//! A base row whose outputs are not all defined and finite is dropped whole
//! (its points only make sense together); the result says how many rows
//! were used. The estimators stay unbiased if the rows dropped are a random
//! share; if a metric is undefined in one region of the hypercube, the
//! indices describe the rest of it.

use super::bootstrap::{self, Bootstrap, Estimate};
use super::error::{Result, SensitivityError};
use super::saltelli::SaltelliLayout;

/// Sobol' indices of one output, one per group.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// Base rows with every output defined, on which the indices rest.
    pub base_rows_used: usize,
    /// Base rows left out for a missing or non-finite output.
    pub base_rows_dropped: usize,
    /// V, the output variance the indices divide (`None` when the outputs of
    /// A and B are all equal, or no row was usable).
    pub variance: Option<f64>,
    /// S1 per group (`None` where V is).
    pub first_order: Vec<Option<Estimate>>,
    /// ST per group (`None` where V is).
    pub total_order: Vec<Option<Estimate>>,
    /// S2 for each pair of groups i < j, in the order (0, 1), (0, 2), ..,
    /// (1, 2), ..; empty unless the design has second order.
    pub second_order: Vec<PairIndex>,
}

/// The second-order index of two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairIndex {
    /// The lower group number.
    pub first: usize,
    /// The higher group number.
    pub second: usize,
    /// S2 (`None` where V is).
    pub estimate: Option<Estimate>,
}

/// The Sobol' indices of one output, given one output per design point in
/// the layout's order (`None` where the output is undefined).
///
/// ```
/// use reviewsim::sensitivity::{sobol_indices, Bootstrap, Groups, SaltelliDesign, SaltelliOptions};
///
/// let groups = Groups::ungrouped(2)?;
/// let options = SaltelliOptions { base_rows: 256, second_order: false, seed: 1 };
/// let design = SaltelliDesign::generate(&groups, options)?;
/// // y = 2 x0 + x1: variances 4/12 and 1/12, so S1 = ST = (0.8, 0.2).
/// let outputs: Vec<Option<f64>> =
///     design.points.iter().map(|x| Some(2.0 * x[0] + x[1])).collect();
/// let indices = sobol_indices(&design.layout, &outputs, &Bootstrap::default())?;
/// let s1 = indices.first_order[0].unwrap();
/// assert!((s1.value - 0.8).abs() < 0.02);
/// assert!(s1.ci95.unwrap().contains(0.8));
/// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
/// ```
pub fn sobol_indices(
    layout: &SaltelliLayout,
    outputs: &[Option<f64>],
    bootstrap: &Bootstrap,
) -> Result<SobolIndices> {
    if outputs.len() != layout.points() {
        return Err(SensitivityError::OutputCount {
            got: outputs.len(),
            expected: layout.points(),
        });
    }
    let rows = Rows::gather(layout, outputs);
    let used = rows.a.len();
    let all: Vec<usize> = (0..used).collect();
    let point = rows.indices(&all);
    let resampled = match point {
        Some(_) => bootstrap::replicate(used, bootstrap, |chosen| rows.indices(chosen)),
        None => Vec::new(),
    };
    // An index is left undefined rather than infinite when outputs so large
    // that their products overflow reach it.
    let estimate = |pick: &dyn Fn(&Raw) -> f64| {
        let value = point.as_ref().map(pick).filter(|value| value.is_finite())?;
        let bootstrap_values = resampled.iter().map(|raw| raw.as_ref().map(pick));
        Some(bootstrap::estimate(value, bootstrap_values))
    };
    let groups = layout.groups();
    let first_order = (0..groups).map(|i| estimate(&|raw| raw.first[i])).collect();
    let total_order = (0..groups).map(|i| estimate(&|raw| raw.total[i])).collect();
    let second_order = pairs(groups, layout.second_order())
        .enumerate()
        .map(|(slot, (first, second))| PairIndex {
            first,
            second,
            estimate: estimate(&|raw| raw.second[slot]),
        })
        .collect();
    Ok(SobolIndices {
        base_rows_used: used,
        base_rows_dropped: layout.base_rows() - used,
        variance: point.as_ref().map(|point| point.variance),
        first_order,
        total_order,
        second_order,
    })
}

/// Pairs i < j of groups, in row order; none without second order.
fn pairs(groups: usize, second_order: bool) -> impl Iterator<Item = (usize, usize)> {
    let groups = if second_order { groups } else { 0 };
    (0..groups).flat_map(move |first| (first + 1..groups).map(move |second| (first, second)))
}

/// The outputs of the usable base rows, by kind of point. `ab[i][r]` is
/// f(AB_i) in usable row r.
struct Rows {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
    ba: Vec<Vec<f64>>,
}

/// Indices computed on one selection of rows.
struct Raw {
    variance: f64,
    first: Vec<f64>,
    total: Vec<f64>,
    second: Vec<f64>,
}

impl Rows {
    /// The rows whose outputs are all defined and finite, shifted by the
    /// mean of their A and B outputs. The shift changes no index (each
    /// selection is centred again) but keeps products of large outputs
    /// from losing their digits.
    fn gather(layout: &SaltelliLayout, outputs: &[Option<f64>]) -> Rows {
        let groups = layout.groups();
        let mixed = if layout.second_order() { groups } else { 0 };
        let mut rows = Rows {
            a: Vec::new(),
            b: Vec::new(),
            ab: vec![Vec::new(); groups],
            ba: vec![Vec::new(); mixed],
        };
        for row in 0..layout.base_rows() {
            let start = layout.a(row);
            let values: Option<Vec<f64>> = outputs[start..start + layout.points_per_row()]
                .iter()
                .map(|output| output.filter(|value| value.is_finite()))
                .collect();
            let Some(values) = values else { continue };
            rows.a.push(values[0]);
            for group in 0..groups {
                rows.ab[group].push(values[1 + group]);
            }
            for group in 0..mixed {
                rows.ba[group].push(values[1 + groups + group]);
            }
            rows.b.push(values[values.len() - 1]);
        }
        let count = 2 * rows.a.len();
        if count > 0 {
            let shift = (rows.a.iter().sum::<f64>() + rows.b.iter().sum::<f64>()) / count as f64;
            let columns = [&mut rows.a, &mut rows.b].into_iter();
            for column in columns.chain(&mut rows.ab).chain(&mut rows.ba) {
                column.iter_mut().for_each(|value| *value -= shift);
            }
        }
        rows
    }

    /// The indices on the selected rows (repeats allowed), or `None` when
    /// their A and B outputs are all equal and V is zero (or too small or
    /// too large to represent).
    fn indices(&self, chosen: &[usize]) -> Option<Raw> {
        let (a, b) = (&self.a, &self.b);
        let both = chosen.iter().flat_map(|&r| [a[r], b[r]]);
        let lowest = both.clone().fold(f64::INFINITY, f64::min);
        let highest = both.clone().fold(f64::NEG_INFINITY, f64::max);
        // Equal values are tested directly: a variance computed from them
        // can be a rounding residue rather than zero.
        if chosen.is_empty() || lowest == highest {
            return None;
        }
        let n = chosen.len() as f64;
        let centre = both.clone().sum::<f64>() / (2.0 * n);
        let variance = both.map(|y| (y - centre).powi(2)).sum::<f64>() / (2.0 * n);
        if !(variance > 0.0 && variance.is_finite()) {
            return None;
        }
        let mean = |term: &dyn Fn(usize) -> f64| chosen.iter().map(|&r| term(r)).sum::<f64>() / n;
        let first: Vec<f64> = self
            .ab
            .iter()
            .map(|ab| mean(&|r| (b[r] - centre) * (ab[r] - a[r])) / variance)
            .collect();
        let total = self
            .ab
            .iter()
            .map(|ab| mean(&|r| (a[r] - ab[r]).powi(2)) / (2.0 * variance))
            .collect();
        let second = pairs(self.ab.len(), !self.ba.is_empty())
            .map(|(i, j)| {
                let (ba_i, ab_j) = (&self.ba[i], &self.ab[j]);
                let closed = mean(&|r| {
                    (ba_i[r] - centre) * (ab_j[r] - centre) - (a[r] - centre) * (b[r] - centre)
                }) / variance;
                closed - first[i] - first[j]
            })
            .collect();
        Some(Raw {
            variance,
            first,
            total,
            second,
        })
    }
}

#[cfg(test)]
mod tests;
