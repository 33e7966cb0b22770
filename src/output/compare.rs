//! `compare`: every point against the baseline point, replication by
//! replication (common random numbers make the pairs), per (lab or `all`,
//! metric).

use super::aggregates::{Layout, PointAggregate, PointConsumer};
use super::format::{Cell, Column, Schema};
use super::summary::{aggregate_cells, aggregate_columns, cell, swept_values};
use super::table::Table;

/// Columns after `point`, the swept paths, `lab` and `metric`.
pub const COMPARE_STATISTICS: [&str; 10] = [
    "baseline_point",
    "n_pairs",
    "mean",
    "baseline_mean",
    "difference_mean",
    "difference_ci95_low",
    "difference_ci95_high",
    "ci95_width_paired",
    "ci95_width_unpaired",
    "width_ratio",
];

/// The columns of `compare`.
pub fn compare_schema(layout: &Layout) -> Schema {
    let mut columns = aggregate_columns(layout);
    columns.push(Column::integer("baseline_point", "the point compared with"));
    columns.push(Column::integer(
        "n_pairs",
        "replications with both values defined",
    ));
    for (name, about) in [
        ("mean", "mean at the point over the pairs"),
        ("baseline_mean", "mean at the baseline over the pairs"),
        ("difference_mean", "mean of point minus baseline"),
        (
            "difference_ci95_low",
            "95% interval of that mean (paired t), low end",
        ),
        (
            "difference_ci95_high",
            "95% interval of that mean (paired t), high end",
        ),
        ("ci95_width_paired", "its width"),
        (
            "ci95_width_unpaired",
            "the width were the samples independent (t, 2n - 2 df)",
        ),
        (
            "width_ratio",
            "paired over unpaired width: what common random numbers buy",
        ),
    ] {
        columns.push(Column::number(name, about));
    }
    Schema::new(columns).unwrap_or_else(|_| unreachable!("column names are distinct"))
}

/// One paired difference from the baseline, kept to be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The point compared.
    pub point: usize,
    /// A lab id, or `all`.
    pub lab: String,
    /// The metric.
    pub metric: String,
    /// Replications with both values defined.
    pub pairs: u64,
    /// The baseline's mean over the pairs.
    pub baseline_mean: Option<f64>,
    /// The mean of point minus baseline.
    pub mean: Option<f64>,
    /// Its 95% interval (paired t).
    pub ci95: Option<(f64, f64)>,
}

/// Writes `compare` point by point, as blocks of points complete: every
/// point but the baseline.
pub struct CompareTable {
    table: Table,
    /// The metrics whose differences are also kept, to be shown.
    keep: Vec<String>,
    kept: Vec<Difference>,
}

impl CompareTable {
    /// A comparison table over `table` (opened with [`compare_schema`]).
    pub fn new(table: Table) -> Self {
        CompareTable {
            table,
            keep: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The same, keeping the differences of `metrics` (of every lab and
    /// `all`) as well as writing them.
    pub fn keeping(self, metrics: &[&str]) -> Self {
        CompareTable {
            keep: metrics.iter().map(|m| m.to_string()).collect(),
            ..self
        }
    }

    /// The table, to finish, and the differences kept.
    pub fn into_parts(self) -> (Table, Vec<Difference>) {
        (self.table, self.kept)
    }

    /// The table, to finish.
    pub fn into_table(self) -> Table {
        self.table
    }
}

impl PointConsumer for CompareTable {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        let Some(baseline) = layout.baseline.filter(|b| *b != point.point) else {
            return Ok(());
        };
        let swept = swept_values(layout, point);
        for (slot, pair) in point.pairs.iter().enumerate() {
            let c = pair.comparison();
            let ratio = match (c.paired_width, c.unpaired_width) {
                (Some(paired), Some(unpaired)) if unpaired > 0.0 => Some(paired / unpaired),
                _ => None,
            };
            let mut row = aggregate_cells(layout, point, &swept, slot);
            row.push(Cell::Integer(baseline as i64));
            row.push(Cell::Integer(c.n as i64));
            row.extend(
                [
                    c.point_mean,
                    c.baseline_mean,
                    c.difference_mean,
                    c.difference_ci95.map(|ci| ci.0),
                    c.difference_ci95.map(|ci| ci.1),
                    c.paired_width,
                    c.unpaired_width,
                    ratio,
                ]
                .map(cell),
            );
            self.table.write_row(&row).map_err(std::io::Error::other)?;
            let (lab, metric) = layout.slot_name(slot);
            if self.keep.iter().any(|m| m == metric) {
                self.kept.push(Difference {
                    point: point.point,
                    lab: lab.to_string(),
                    metric: metric.to_string(),
                    pairs: c.n,
                    baseline_mean: c.baseline_mean,
                    mean: c.difference_mean,
                    ci95: c.difference_ci95,
                });
            }
        }
        Ok(())
    }
}
