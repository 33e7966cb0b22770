//! `summary`: per (point, lab or `all`, metric) the count, mean, standard
//! deviation, standard error, 95% confidence interval and 5%, 50% and 95%
//! quantiles.

use super::aggregates::{Layout, PointAggregate, PointConsumer};
use super::format::{Cell, Column, Schema};
use super::table::{SweptValue, Table};

/// Statistic columns, after `point`, the swept paths, `lab` and `metric`.
pub const SUMMARY_STATISTICS: [&str; 9] = [
    "n",
    "mean",
    "sd",
    "se",
    "ci95_low",
    "ci95_high",
    "q05",
    "q50",
    "q95",
];

/// A statistic as a cell: null when undefined, otherwise rounded to 10
/// significant digits (the fixed-point resolution is 2^-20), −0 as 0.
pub fn cell(value: Option<f64>) -> Cell<'static> {
    match value {
        None => Cell::Null,
        Some(v) => Cell::Number(rounded(v)),
    }
}

/// A statistic as the aggregate tables write it: ten significant digits
/// (0 stays 0), so that what is computed from a written table is what the
/// run computed.
pub fn rounded(value: f64) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    format!("{value:.9e}").parse::<f64>().unwrap_or(value)
}

/// `point`, the swept columns, `lab` and `metric`: the columns the
/// aggregate tables start with.
pub fn aggregate_columns(layout: &Layout) -> Vec<Column> {
    let mut columns = vec![Column::integer("point", "sweep point, from 0 (points.csv)")];
    columns.extend(
        (layout.point_columns.iter().zip(&layout.point_types)).map(|(path, kind)| {
            Column::new(path.clone(), *kind, format!("swept parameter {path}"))
        }),
    );
    columns.push(Column::string(
        "lab",
        "lab id, or all for system-wide metrics",
    ));
    columns.push(Column::string(
        "metric",
        "the metric: a column of lab_outcomes or system_outcomes",
    ));
    columns
}

/// The columns of `summary`.
pub fn summary_schema(layout: &Layout) -> Schema {
    let mut columns = aggregate_columns(layout);
    columns.push(Column::integer(
        "n",
        "replications in which the metric is defined",
    ));
    for (name, about) in [
        ("mean", "mean, in the metric's unit"),
        ("sd", "sample standard deviation (n - 1)"),
        ("se", "standard error of the mean, sd / sqrt(n)"),
        (
            "ci95_low",
            "95% confidence interval of the mean (Student t), low end",
        ),
        (
            "ci95_high",
            "95% confidence interval of the mean (Student t), high end",
        ),
        ("q05", "5% quantile"),
        ("q50", "median"),
        ("q95", "95% quantile"),
    ] {
        columns.push(Column::number(name, about));
    }
    Schema::new(columns).unwrap_or_else(|_| unreachable!("column names are distinct"))
}

/// The cells of a point and slot: `point`, swept values, `lab`, `metric`.
pub fn aggregate_cells<'a>(
    layout: &'a Layout,
    point: &PointAggregate,
    swept: &'a [SweptValue],
    slot: usize,
) -> Vec<Cell<'a>> {
    let (lab, metric) = layout.slot_name(slot);
    let mut cells = vec![Cell::Integer(point.point as i64)];
    cells.extend(swept.iter().map(SweptValue::cell));
    cells.push(Cell::String(lab));
    cells.push(Cell::String(metric));
    cells
}

/// A point's swept values, typed by the layout.
pub fn swept_values(layout: &Layout, point: &PointAggregate) -> Vec<SweptValue> {
    (point.values.iter().zip(&layout.point_types))
        .map(|(text, kind)| SweptValue::from_text(text, *kind))
        .collect()
}

/// One mean over the replications, kept to be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The point.
    pub point: usize,
    /// A lab id, or `all`.
    pub lab: String,
    /// The metric.
    pub metric: String,
    /// Replications where it is defined.
    pub n: u64,
    /// Its mean.
    pub mean: Option<f64>,
    /// The mean's 95% interval (t).
    pub ci95: Option<(f64, f64)>,
}

/// Writes `summary` point by point, as blocks of points complete.
pub struct SummaryTable {
    table: Table,
    /// The metrics whose means are also kept, to be shown.
    keep: Vec<String>,
    kept: Vec<Estimate>,
}

impl SummaryTable {
    /// A summary table over `table` (opened with [`summary_schema`]).
    pub fn new(table: Table) -> Self {
        SummaryTable {
            table,
            keep: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The same, keeping the means of `metrics` (of every lab and `all`)
    /// as well as writing them.
    pub fn keeping(self, metrics: &[&str]) -> Self {
        SummaryTable {
            keep: metrics.iter().map(|m| m.to_string()).collect(),
            ..self
        }
    }

    /// The table, to finish, and the means kept.
    pub fn into_parts(self) -> (Table, Vec<Estimate>) {
        (self.table, self.kept)
    }

    /// The table, to finish.
    pub fn into_table(self) -> Table {
        self.table
    }
}

impl PointConsumer for SummaryTable {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        let swept = swept_values(layout, point);
        for (slot, accumulator) in point.summary.iter().enumerate() {
            if !layout.summarizes(slot) {
                continue;
            }
            let s = accumulator.summary();
            let mut row = aggregate_cells(layout, point, &swept, slot);
            row.push(Cell::Integer(s.n as i64));
            row.extend(
                [
                    s.mean,
                    s.sd,
                    s.se,
                    s.ci95.map(|c| c.0),
                    s.ci95.map(|c| c.1),
                    s.q05,
                    s.q50,
                    s.q95,
                ]
                .map(cell),
            );
            self.table.write_row(&row).map_err(std::io::Error::other)?;
            let (lab, metric) = layout.slot_name(slot);
            if self.keep.iter().any(|m| m == metric) {
                self.kept.push(Estimate {
                    point: point.point,
                    lab: lab.to_string(),
                    metric: metric.to_string(),
                    n: s.n,
                    mean: s.mean,
                    ci95: s.ci95,
                });
            }
        }
        Ok(())
    }
}
