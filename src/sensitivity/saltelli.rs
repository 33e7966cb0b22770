//! The Saltelli design, whose outputs give Sobol' indices.
//!
//! Two independent samples of the unit hypercube, A and B, each of N base
//! rows, are taken from one scrambled Sobol' sequence of dimension 2k: A is
//! its first k columns, B its last k. For each group i, the mixed matrix
//! AB_i is A with the columns of group i taken from B; with second-order
//! indices, BA_i is B with the columns of group i taken from A. Comparing
//! f(A) with f(AB_i) isolates what group i does (Saltelli et al. 2010).
//!
//! Points are laid out as SALib's `sample.sobol` lays them, base row by base
//! row: A_j, AB_j1 .. AB_jg, [BA_j1 .. BA_jg,] B_j. The points of one base
//! row are contiguous, so a row with a missing output is easy to drop, and
//! the bootstrap resamples whole rows.
//!
//! The sequence is `sobol_burley`'s: Joe and Kuo's direction numbers
//! (new-joe-kuo-6, 256 dimensions), Owen scrambling and index shuffling
//! keyed by a seed (Burley 2020). SALib uses SciPy's linear matrix scrambling
//! instead; both keep the net structure of power-of-two prefixes and make
//! the estimators unbiased, so results agree in distribution, not digit by
//! digit.

use super::error::{Result, SensitivityError};
use super::groups::Groups;

/// Base rows a design can have: the length of the Sobol' sequence used.
pub const MAX_BASE_ROWS: usize = 1 << 16;

/// Parameters a Saltelli design can have: the sequence's 256 dimensions,
/// two per parameter.
pub const MAX_SALTELLI_PARAMETERS: usize = sobol_burley::NUM_DIMENSIONS as usize / 2;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaltelliOptions {
    /// N, the rows of A and of B: a power of two, at least 2. The design has
    /// N(g + 2) points, or N(2g + 2) with second order.
    pub base_rows: usize,
    /// Whether to add the BA_i matrices that second-order indices need.
    pub second_order: bool,
    /// Keys the scrambling: the same seed gives the same design.
    pub seed: u64,
}

/// Where each point of a Saltelli design sits: everything an analysis needs
/// to read outputs back, without the points themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaltelliLayout {
    base_rows: usize,
    groups: usize,
    second_order: bool,
}

impl SaltelliLayout {
    /// The layout of a design with this many base rows and groups. Base rows
    /// are checked as [`SaltelliDesign::generate`] checks them.
    pub fn new(base_rows: usize, groups: usize, second_order: bool) -> Result<SaltelliLayout> {
        check_base_rows(base_rows)?;
        if groups == 0 {
            return Err(SensitivityError::NoParameters);
        }
        Ok(SaltelliLayout {
            base_rows,
            groups,
            second_order,
        })
    }

    /// N, the rows of A and of B.
    pub fn base_rows(&self) -> usize {
        self.base_rows
    }

    /// g, the groups (one index each).
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Whether the design holds the BA_i matrices.
    pub fn second_order(&self) -> bool {
        self.second_order
    }

    /// Points per base row: g + 2, or 2g + 2 with second order.
    pub fn points_per_row(&self) -> usize {
        if self.second_order {
            2 * self.groups + 2
        } else {
            self.groups + 2
        }
    }

    /// Points in the design.
    pub fn points(&self) -> usize {
        self.base_rows * self.points_per_row()
    }

    /// Position of A_row.
    pub fn a(&self, row: usize) -> usize {
        row * self.points_per_row()
    }

    /// Position of AB_row,group: A's row with group's columns from B.
    pub fn ab(&self, row: usize, group: usize) -> usize {
        self.a(row) + 1 + group
    }

    /// Position of BA_row,group: B's row with group's columns from A
    /// (`None` without second order).
    pub fn ba(&self, row: usize, group: usize) -> Option<usize> {
        self.second_order
            .then(|| self.a(row) + 1 + self.groups + group)
    }

    /// Position of B_row.
    pub fn b(&self, row: usize) -> usize {
        self.a(row) + self.points_per_row() - 1
    }
}

/// A Saltelli design: points in [0, 1)^k, one per row, in the layout's
/// order. Map each coordinate to its parameter's range (for a uniform
/// range [lo, hi], lo + u (hi - lo)) and run the model at each point.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    /// Where each kind of point sits.
    pub layout: SaltelliLayout,
    /// The points, `layout.points()` of them, each with one coordinate per
    /// parameter.
    pub points: Vec<Vec<f64>>,
}

impl SaltelliDesign {
    /// The design for these groups (use [`Groups::ungrouped`] for one index
    /// per parameter).
    ///
    /// ```
    /// use reviewsim::sensitivity::{Groups, SaltelliDesign, SaltelliOptions};
    ///
    /// let groups = Groups::ungrouped(3)?;
    /// let options = SaltelliOptions { base_rows: 8, second_order: false, seed: 1 };
    /// let design = SaltelliDesign::generate(&groups, options)?;
    /// assert_eq!(design.points.len(), 8 * (3 + 2));
    /// let (a, ab_1, b) = (&design.points[0], &design.points[2], &design.points[4]);
    /// assert_eq!(ab_1, &vec![a[0], b[1], a[2]]);
    /// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
    /// ```
    pub fn generate(groups: &Groups, options: SaltelliOptions) -> Result<SaltelliDesign> {
        let parameters = groups.parameters();
        if parameters > MAX_SALTELLI_PARAMETERS {
            return Err(SensitivityError::TooManyParameters {
                parameters,
                max: MAX_SALTELLI_PARAMETERS,
            });
        }
        let layout = SaltelliLayout::new(options.base_rows, groups.count(), options.second_order)?;
        let seed = scramble_seed(options.seed);
        let mut points = Vec::with_capacity(layout.points());
        for row in 0..layout.base_rows {
            let (a, b) = base_rows(row, parameters, seed);
            points.push(a.clone());
            for group in 0..layout.groups {
                points.push(mix(&a, &b, groups.group_of(), group));
            }
            if layout.second_order {
                for group in 0..layout.groups {
                    points.push(mix(&b, &a, groups.group_of(), group));
                }
            }
            points.push(b);
        }
        Ok(SaltelliDesign { layout, points })
    }
}

/// Refuses base rows that are not a power of two in 2..=2^16.
fn check_base_rows(base_rows: usize) -> Result<()> {
    if base_rows > MAX_BASE_ROWS {
        return Err(SensitivityError::TooManyBaseRows {
            base_rows,
            max: MAX_BASE_ROWS,
        });
    }
    if base_rows < 2 || !base_rows.is_power_of_two() {
        let above = base_rows.next_power_of_two().max(2);
        let below = (above / 2).max(2);
        let nearest = if base_rows - below < above - base_rows {
            below
        } else {
            above
        };
        return Err(SensitivityError::BaseRowsNotPowerOfTwo { base_rows, nearest });
    }
    Ok(())
}

/// The 32-bit key the sequence takes, from the caller's 64-bit seed: the
/// two halves XORed, so seeds below 2^32 keep their value and distinct
/// small seeds give distinct designs.
fn scramble_seed(seed: u64) -> u32 {
    (seed as u32) ^ ((seed >> 32) as u32)
}

/// Row `row` of A (dimensions 0..k) and of B (dimensions k..2k).
fn base_rows(row: usize, parameters: usize, seed: u32) -> (Vec<f64>, Vec<f64>) {
    // Both fit in u32: rows are at most 2^16, dimensions at most 256.
    let coordinate =
        |dimension: usize| f64::from(sobol_burley::sample(row as u32, dimension as u32, seed));
    let a = (0..parameters).map(coordinate).collect();
    let b = (parameters..2 * parameters).map(coordinate).collect();
    (a, b)
}

/// `base` with the columns of `group` taken from `donor`.
fn mix(base: &[f64], donor: &[f64], group_of: &[usize], group: usize) -> Vec<f64> {
    base.iter()
        .zip(donor)
        .zip(group_of)
        .map(|((&own, &given), &of)| if of == group { given } else { own })
        .collect()
}

#[cfg(test)]
mod tests;
