//! Which parameters move together.
//!
//! Sensitivity is measured per *group*: a set of parameters that a design
//! varies together and that an analysis reports as one. Without grouping
//! every parameter is its own group, numbered like the parameter. Grouping
//! cuts the cost of a design (it grows with the number of groups, not of
//! parameters) and answers questions such as "how much do all the market
//! parameters matter, taken together?".

use super::error::{Result, SensitivityError};

/// A validated group number for each parameter.
///
/// Groups are numbered `0..count()` and none is empty, so that every index
/// an analysis reports belongs to at least one parameter.
///
/// ```
/// use reviewsim::sensitivity::Groups;
///
/// let groups = Groups::new(vec![0, 1, 0])?; // parameters 0 and 2 move together
/// assert_eq!(groups.count(), 2);
/// assert_eq!(groups.members(0), vec![0, 2]);
/// assert!(Groups::new(vec![0, 2]).is_err()); // group 1 is empty
/// # Ok::<(), reviewsim::sensitivity::SensitivityError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    group_of: Vec<usize>,
    count: usize,
}

impl Groups {
    /// Groups from a group number per parameter, numbered 0..g with every
    /// number used.
    pub fn new(group_of: Vec<usize>) -> Result<Groups> {
        if group_of.is_empty() {
            return Err(SensitivityError::NoParameters);
        }
        let count = group_of.iter().max().map_or(0, |&largest| largest + 1);
        let mut used = vec![false; count];
        for &group in &group_of {
            used[group] = true;
        }
        if let Some(missing) = used.iter().position(|&is_used| !is_used) {
            return Err(SensitivityError::EmptyGroup { missing, count });
        }
        Ok(Groups { group_of, count })
    }

    /// Every parameter its own group: group i is parameter i.
    pub fn ungrouped(parameters: usize) -> Result<Groups> {
        Groups::new((0..parameters).collect())
    }

    /// Number of parameters (columns of a design).
    pub fn parameters(&self) -> usize {
        self.group_of.len()
    }

    /// Number of groups (indices an analysis reports).
    pub fn count(&self) -> usize {
        self.count
    }

    /// The group of each parameter, in parameter order.
    pub fn group_of(&self) -> &[usize] {
        &self.group_of
    }

    /// The parameters of one group, in increasing order.
    pub fn members(&self, group: usize) -> Vec<usize> {
        (0..self.group_of.len())
            .filter(|&parameter| self.group_of[parameter] == group)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ungrouped_parameters_are_their_own_groups() {
        let groups = Groups::ungrouped(3).unwrap();
        assert_eq!(groups.count(), 3);
        assert_eq!(groups.parameters(), 3);
        assert_eq!(groups.members(2), vec![2]);
    }

    #[test]
    fn an_unused_group_number_is_refused_with_its_number() {
        assert_eq!(
            Groups::new(vec![0, 3, 1]),
            Err(SensitivityError::EmptyGroup {
                missing: 2,
                count: 4
            })
        );
    }

    #[test]
    fn no_parameters_is_refused() {
        assert_eq!(Groups::new(vec![]), Err(SensitivityError::NoParameters));
        assert_eq!(Groups::ungrouped(0), Err(SensitivityError::NoParameters));
    }
}
