//! What PRIM found, as CSV rows and in words.

use std::io;

use serde::Serialize;

use super::{Discovery, Restriction, Step};

/// One box of the trajectory, as a row of `trajectory.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrajectoryRow {
    /// Its index in the trajectory, from 0 (all worlds).
    pub step: usize,
    /// `start`, `peel` or `paste`.
    pub phase: &'static str,
    /// The share of the worlds where the condition holds that are inside.
    pub coverage: f64,
    /// The share of the worlds inside where the condition holds.
    pub density: f64,
    /// The share of all worlds inside.
    pub mass: f64,
    /// Worlds inside.
    pub worlds: usize,
    /// Worlds inside where the condition holds.
    pub cases: usize,
    /// Parameters restricted.
    pub restricted: usize,
    /// Whether this is the chosen box.
    pub chosen: bool,
}

/// One restricted parameter of a box, as a row of `box.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxRow {
    /// The parameter's name.
    pub parameter: String,
    /// The lower limit (inclusive); the smallest value of the worlds when
    /// the box does not limit this side.
    pub lower: f64,
    /// The upper limit (inclusive); the largest value of the worlds when
    /// the box does not limit this side.
    pub upper: f64,
    /// The larger quasi-p-value of the limited sides.
    pub qp: f64,
    /// The quasi-p-value of the lower limit; empty when not limited.
    pub qp_lower: Option<f64>,
    /// The quasi-p-value of the upper limit; empty when not limited.
    pub qp_upper: Option<f64>,
}

impl Discovery {
    /// The trajectory, one row per box.
    pub fn trajectory_rows(&self) -> Vec<TrajectoryRow> {
        (self.trajectory.iter().enumerate())
            .map(|(step, s)| TrajectoryRow {
                step,
                phase: s.phase.name(),
                coverage: s.coverage,
                density: s.density,
                mass: s.mass,
                worlds: s.counts.worlds,
                cases: s.counts.cases,
                restricted: s.restrictions.len(),
                chosen: step == self.chosen.from,
            })
            .collect()
    }

    /// The restricted parameters of the box at `step` of the trajectory
    /// (in column order), one row each; none for the box of all worlds.
    /// Panics if `step` is beyond the trajectory.
    pub fn box_rows(&self, step: usize) -> Vec<BoxRow> {
        self.rows_of(&self.trajectory[step])
    }

    /// The restricted parameters of the chosen box, one row each.
    pub fn chosen_box_rows(&self) -> Vec<BoxRow> {
        self.rows_of(self.chosen())
    }

    /// The restricted parameters of `box_at`, one row each.
    fn rows_of(&self, box_at: &Step) -> Vec<BoxRow> {
        (box_at.restrictions.iter())
            .map(|r| BoxRow {
                parameter: self.names[r.parameter].clone(),
                lower: box_at.limits[r.parameter].lower,
                upper: box_at.limits[r.parameter].upper,
                qp: r.quasi_p(),
                qp_lower: r.lower.map(|limit| limit.quasi_p),
                qp_upper: r.upper.map(|limit| limit.quasi_p),
            })
            .collect()
    }

    /// Writes [`Discovery::trajectory_rows`] as CSV with a header.
    ///
    /// # Errors
    ///
    /// Those of `writer`.
    pub fn write_trajectory_csv(&self, writer: impl io::Write) -> csv::Result<()> {
        write_rows(writer, self.trajectory_rows())
    }

    /// Writes the chosen box's [`Discovery::chosen_box_rows`] as CSV with a header
    /// (the header alone when no parameter is restricted).
    ///
    /// # Errors
    ///
    /// Those of `writer`.
    pub fn write_box_csv(&self, writer: impl io::Write) -> csv::Result<()> {
        let rows = self.chosen_box_rows();
        if rows.is_empty() {
            let mut out = csv::Writer::from_writer(writer);
            out.write_record(["parameter", "lower", "upper", "qp", "qp_lower", "qp_upper"])?;
            return Ok(out.flush()?);
        }
        write_rows(writer, rows)
    }

    /// The chosen box in words, for a condition called "the condition".
    pub fn describe(&self) -> String {
        self.describe_as("the condition")
    }

    /// The chosen box in words, `condition` naming what holds: "when x ≤
    /// 0.275 and y ≥ 0.625, the condition holds in 84% of worlds (42 of 50);
    /// these are 61% of the worlds where it holds (42 of 69) and 10% of all
    /// worlds".
    pub fn describe_as(&self, condition: &str) -> String {
        let step = self.chosen();
        let total_cases = self.trajectory[0].counts.cases;
        let (worlds, cases) = (step.counts.worlds, step.counts.cases);
        if step.restrictions.is_empty() {
            return format!(
                "no box restricts a parameter: {condition} holds in {} of all worlds ({cases} of {worlds})",
                percent(cases, worlds)
            );
        }
        let limits: Vec<String> = (step.restrictions.iter())
            .map(|r| self.limit_in_words(r))
            .collect();
        format!(
            "when {}, {condition} holds in {} of worlds ({cases} of {worlds}); these are {} of \
             the worlds where it holds ({cases} of {total_cases}) and {} of all worlds",
            limits.join(" and "),
            percent(cases, worlds),
            percent(cases, total_cases),
            percent(worlds, self.trajectory[0].counts.worlds),
        )
    }

    /// "x ≤ 0.3", "y ≥ 0.6" or "0.2 ≤ z ≤ 0.5".
    fn limit_in_words(&self, restriction: &Restriction) -> String {
        let name = &self.names[restriction.parameter];
        match (restriction.lower, restriction.upper) {
            (Some(lower), Some(upper)) => {
                format!("{} ≤ {name} ≤ {}", number(lower.value), number(upper.value))
            }
            (Some(lower), None) => format!("{name} ≥ {}", number(lower.value)),
            (None, Some(upper)) => format!("{name} ≤ {}", number(upper.value)),
            (None, None) => unreachable!("a restriction limits at least one side"),
        }
    }
}

/// Rows as CSV with a header from their fields.
fn write_rows<T: Serialize>(writer: impl io::Write, rows: Vec<T>) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(writer);
    for row in rows {
        out.serialize(row)?;
    }
    Ok(out.flush()?)
}

/// `part` of `whole` as a whole percentage, with one decimal when rounding
/// would say 0% or 100% of something that is neither.
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let share = 100.0 * part as f64 / whole as f64;
    let rounded = share.round();
    if (rounded == 0.0 && part > 0) || (rounded == 100.0 && part < whole) {
        format!("{share:.1}%")
    } else {
        format!("{rounded:.0}%")
    }
}

/// A limit to three significant digits, without a trailing `.0`.
fn number(value: f64) -> String {
    let text = crate::fit::significant(value, 3);
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_whole_percentages_but_not_to_all_or_nothing() {
        assert_eq!(percent(42, 50), "84%");
        assert_eq!(percent(999, 1000), "99.9%");
        assert_eq!(percent(1, 1000), "0.1%");
        assert_eq!(percent(0, 10), "0%");
        assert_eq!(percent(10, 10), "100%");
    }

    #[test]
    fn limits_keep_three_significant_digits() {
        assert_eq!(number((0.25 + 0.3) / 2.0), "0.275");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(9.0), "9");
        assert_eq!(number(1234.5), "1230");
        assert_eq!(number(-0.012345), "-0.0123");
    }
}
