//! The worlds PRIM looks at: one value per parameter and whether the
//! condition holds, checked once so that the algorithm can trust them.

use super::error::{DiscoverError, Result};

/// Worlds as columns: `columns[j][w]` is parameter `j` in world `w`, and
/// `condition[w]` says whether the condition holds in world `w`.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    names: Vec<String>,
    columns: Vec<Vec<f64>>,
    condition: Vec<bool>,
}

impl Points {
    /// Points from one column of values per parameter.
    ///
    /// # Errors
    ///
    /// No world or no parameter, a name per column missing or repeated, a
    /// column or the condition of another length than the first column, or
    /// a value that is NaN or infinite.
    pub fn from_columns(
        names: &[String],
        columns: &[Vec<f64>],
        condition: &[bool],
    ) -> Result<Self> {
        check_names(names, columns.len())?;
        let worlds = columns[0].len();
        if worlds == 0 {
            return Err(DiscoverError::NoWorlds);
        }
        for (name, column) in names.iter().zip(columns) {
            check_column(name, column, worlds)?;
        }
        if condition.len() != worlds {
            return Err(DiscoverError::Length {
                what: "condition".into(),
                len: condition.len(),
                worlds,
            });
        }
        Ok(Self {
            names: names.to_vec(),
            columns: columns.to_vec(),
            condition: condition.to_vec(),
        })
    }

    /// Points from one row of values per world, in the order of `names`.
    ///
    /// # Errors
    ///
    /// As [`Points::from_columns`]; a row of the wrong length is reported
    /// as `row W`.
    pub fn from_rows(names: &[String], rows: &[Vec<f64>], condition: &[bool]) -> Result<Self> {
        if let Some((world, row)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != names.len())
        {
            return Err(DiscoverError::Length {
                what: format!("row {world}"),
                len: row.len(),
                worlds: names.len(),
            });
        }
        let columns: Vec<Vec<f64>> = (0..names.len())
            .map(|j| rows.iter().map(|row| row[j]).collect())
            .collect();
        if rows.is_empty() && !names.is_empty() {
            return Err(DiscoverError::NoWorlds);
        }
        Self::from_columns(names, &columns, condition)
    }

    /// The parameters' names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values of parameter `j`, one per world.
    pub fn column(&self, j: usize) -> &[f64] {
        &self.columns[j]
    }

    /// Whether the condition holds, one per world.
    pub fn condition(&self) -> &[bool] {
        &self.condition
    }

    /// How many parameters.
    pub fn parameters(&self) -> usize {
        self.columns.len()
    }

    /// How many worlds.
    pub fn worlds(&self) -> usize {
        self.condition.len()
    }

    /// How many worlds where the condition holds.
    pub fn cases(&self) -> usize {
        self.condition.iter().filter(|&&holds| holds).count()
    }
}

/// One distinct name per column, and at least one column.
fn check_names(names: &[String], columns: usize) -> Result<()> {
    if names.len() != columns {
        return Err(DiscoverError::NamesAndColumns {
            names: names.len(),
            columns,
        });
    }
    if columns == 0 {
        return Err(DiscoverError::NoParameters);
    }
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(DiscoverError::DuplicateName {
            name: pair[0].clone(),
        });
    }
    Ok(())
}

/// A column of `worlds` finite values.
fn check_column(name: &str, column: &[f64], worlds: usize) -> Result<()> {
    if column.len() != worlds {
        return Err(DiscoverError::Length {
            what: name.to_string(),
            len: column.len(),
            worlds,
        });
    }
    match column.iter().position(|value| !value.is_finite()) {
        Some(world) => Err(DiscoverError::NotFinite {
            name: name.to_string(),
            world,
            value: column[world],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn rows_and_columns_give_the_same_points() {
        let rows = vec![vec![1.0, 10.0], vec![2.0, 20.0], vec![3.0, 30.0]];
        let columns = vec![vec![1.0, 2.0, 3.0], vec![10.0, 20.0, 30.0]];
        let condition = [true, false, true];
        let a = Points::from_rows(&names(&["a", "b"]), &rows, &condition).unwrap();
        let b = Points::from_columns(&names(&["a", "b"]), &columns, &condition).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.worlds(), a.parameters(), a.cases()), (3, 2, 2));
    }

    #[test]
    fn bad_points_are_refused_with_the_name_and_the_world() {
        let condition = [true, false];
        let nan = Points::from_columns(&names(&["a"]), &[vec![1.0, f64::NAN]], &condition);
        assert_eq!(
            nan.unwrap_err().to_string(),
            "a: world 1 has value NaN; PRIM needs finite numbers"
        );
        let twice = Points::from_columns(
            &names(&["a", "a"]),
            &[vec![1.0; 2], vec![2.0; 2]],
            &condition,
        );
        assert!(matches!(twice, Err(DiscoverError::DuplicateName { .. })));
        let short = Points::from_columns(&names(&["a"]), &[vec![1.0; 2]], &[true]);
        assert_eq!(
            short.unwrap_err().to_string(),
            "condition: 1 value(s) for 2 world(s); give one value per world"
        );
        let none = Points::from_rows(&names(&["a"]), &[], &[]);
        assert_eq!(none, Err(DiscoverError::NoWorlds));
        let no_names = Points::from_columns(&[], &[], &[]);
        assert_eq!(no_names, Err(DiscoverError::NoParameters));
    }
}
