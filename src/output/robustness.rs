//! `robustness`: how each option of a robustness study fares across the
//! worlds, one row per (output judged, option), computed from the points'
//! means by [`crate::robustness::assess`].
//!
//! The means are taken as `summary` writes them (ten significant digits),
//! by the same code in `run` and `merge`, so a merged run writes the same
//! bytes as an unsharded one, and `reviewsim robustness` recomputes the
//! table from `summary` exactly.

use super::aggregates::{Layout, PointAggregate, PointConsumer};
use super::format::{Cell, Column, Schema};
use super::summary::{cell, rounded};
use super::table::Table;
use crate::robustness::{RobustnessRow, Study, WorldValue, assess};

/// The columns of `robustness`.
pub fn robustness_schema() -> Schema {
    let number = Column::number;
    Schema::new(vec![
        Column::string("option", "the policy option, as the study names it"),
        Column::string("lab", "lab id, or all for system-wide metrics"),
        Column::string(
            "metric",
            "the output judged: a column of lab_outcomes or system_outcomes",
        ),
        Column::string("direction", "minimize or maximize: which way is better"),
        Column::integer(
            "worlds",
            "worlds where the output is defined for every option (the rest are left out)",
        ),
        number(
            "mean",
            "mean over the worlds of the option's mean over replications",
        ),
        number("p5", "5th percentile over the worlds"),
        number("p50", "median over the worlds"),
        number("p95", "95th percentile over the worlds"),
        number(
            "sd_worlds",
            "standard deviation over the worlds of the per-world means",
        ),
        number(
            "noise_sd",
            "replication noise in one per-world mean: root mean square of the standard errors",
        ),
        number(
            "between_worlds_sd",
            "the spread the worlds cause, sqrt(sd_worlds^2 - noise_sd^2), 0 if noise is all of it",
        ),
        number(
            "regret_mean",
            "mean over the worlds of how far the option falls short of the best option in \
             that world, in the metric's unit",
        ),
        number(
            "regret_p90",
            "90th percentile of the regret over the worlds",
        ),
        number(
            "regret_max",
            "largest regret over the worlds: the worst case",
        ),
        number(
            "best_share",
            "share of the worlds where the option is the best (ties count for each)",
        ),
    ])
    .unwrap_or_else(|_| unreachable!("column names are distinct"))
}

/// Writes one row.
pub fn write_row(table: &mut Table, row: &RobustnessRow) -> std::io::Result<()> {
    let cells = [
        Cell::String(&row.option),
        Cell::String(&row.lab),
        Cell::String(&row.metric),
        Cell::String(row.direction.as_str()),
        Cell::Integer(row.worlds as i64),
        cell(row.mean),
        cell(row.p5),
        cell(row.p50),
        cell(row.p95),
        cell(row.sd_worlds),
        cell(row.noise_sd),
        cell(row.between_worlds_sd),
        cell(row.regret_mean),
        cell(row.regret_p90),
        cell(row.regret_max),
        cell(row.best_share),
    ];
    table.write_row(&cells).map_err(std::io::Error::other)
}

/// Collects every point's mean of the outputs judged, then computes and
/// writes their robustness.
pub struct RobustnessTable {
    table: Table,
    study: Study,
    /// The slot of each objective.
    slots: Vec<usize>,
    /// Per objective, per point in order.
    values: Vec<Vec<WorldValue>>,
}

impl RobustnessTable {
    /// A table over `table` (opened with [`robustness_schema`]) for the
    /// layout's study; `None` when the layout has none.
    pub fn new(table: Table, layout: &Layout) -> Option<Self> {
        let study = layout.robustness.clone()?;
        let slots: Vec<usize> = (study.objectives.iter())
            .filter_map(|o| {
                (0..layout.slots())
                    .find(|&slot| layout.slot_name(slot) == (o.lab.as_str(), o.metric.as_str()))
            })
            .collect();
        if slots.len() != study.objectives.len() {
            return None;
        }
        Some(RobustnessTable {
            table,
            values: vec![Vec::new(); slots.len()],
            study,
            slots,
        })
    }

    /// Computes the rows, writes them, finishes the table, and returns the
    /// rows.
    pub fn finish(mut self) -> std::io::Result<Vec<RobustnessRow>> {
        let options = self.study.options.len();
        if let Some(got) = (self.values.iter().map(Vec::len)).find(|n| n % options != 0) {
            return Err(std::io::Error::other(format!(
                "robustness: {got} points are not whole worlds of {options} options"
            )));
        }
        let mut rows = Vec::new();
        for (objective, values) in self.study.objectives.iter().zip(&self.values) {
            rows.extend(assess(&self.study.options, objective, values));
        }
        for row in &rows {
            write_row(&mut self.table, row)?;
        }
        self.table.finish().map_err(std::io::Error::other)?;
        Ok(rows)
    }
}

impl PointConsumer for RobustnessTable {
    fn point_done(&mut self, _layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        for (values, &slot) in self.values.iter_mut().zip(&self.slots) {
            if values.len() != point.point {
                return Err(std::io::Error::other(format!(
                    "robustness: point {} came out of order",
                    point.point
                )));
            }
            let summary = point.summary[slot].summary();
            values.push(WorldValue {
                mean: summary.mean.map(rounded),
                se: summary.se.map(rounded),
            });
        }
        Ok(())
    }
}
