//! `sensitivity`: the indices of a `sobol` or `morris` sweep, one row per
//! (lab or `all`, metric, parameter or group, index), from the point means
//! the aggregates give, with bootstrap intervals, ranks, and how much of
//! what the indices divide is replication noise.
//!
//! It is computed from the same aggregates as `summary` (exact integer
//! state), by the same code in `run` and `merge`, so a merged run writes
//! the same bytes as an unsharded one.

use rayon::prelude::*;

use super::aggregates::{Layout, PointAggregate, PointConsumer};
use super::format::{Cell, Column, Schema};
use super::summary::cell;
use super::table::Table;
use crate::sensitivity::{
    Bootstrap, DEFAULT_RESAMPLES, Design, Estimate, MorrisDesign, Plan, PointReplications,
    ReplicationNoise, SaltelliDesign, is_noise_dominated, morris_indices, replication_noise,
    sobol_indices,
};

/// The noise target behind `replications_needed`: replication noise at
/// most a tenth of the variance the parameters cause.
pub const NOISE_TARGET: f64 = 0.1;

/// The columns of `sensitivity`.
pub fn sensitivity_schema() -> Schema {
    Schema::new(vec![
        Column::string("method", "sobol or morris"),
        Column::string("lab", "lab id, or all for system-wide metrics"),
        Column::string(
            "metric",
            "the metric: a column of lab_outcomes or system_outcomes",
        ),
        Column::string(
            "contrast",
            "the change analysed, PATH: FROM -> TO (the metric at TO minus at FROM); \
             empty when the metric's level is analysed",
        ),
        Column::string(
            "parameter",
            "the parameter's path, or its group's name; a pair a & b for S2",
        ),
        Column::string(
            "index",
            "S1 (first order), ST (total order), S2 (second order); mu, mu_star, sigma (Morris)",
        ),
        Column::number("value", "the index"),
        Column::number("se", "bootstrap standard error"),
        Column::number("ci95_low", "95% bootstrap percentile interval, low end"),
        Column::number("ci95_high", "95% bootstrap percentile interval, high end"),
        Column::integer(
            "rank",
            "1 for the parameter with the largest S1, ST or mu_star of this lab and metric",
        ),
        Column::boolean(
            "noise_dominated",
            "the interval reaches down to what replication noise alone would give",
        ),
        Column::number(
            "noise_share",
            "share of the variance of the point means that is replication noise",
        ),
        Column::integer(
            "replications_needed",
            "replications per point that would make the noise at most a tenth of the \
             parameters' variance",
        ),
        Column::integer(
            "rows_used",
            "the base rows (Sobol') or trajectories (Morris) whose outputs were all \
             defined, on which the indices rest; fewer than rows_total when the metric \
             is undefined somewhere in the ranges (the indices then describe the rest)",
        ),
        Column::integer(
            "rows_total",
            "the base rows (Sobol') or trajectories (Morris) of the design",
        ),
    ])
    .unwrap_or_else(|_| unreachable!("column names are distinct"))
}

/// One point's output: replications, mean and variance where defined.
#[derive(Debug, Clone, Copy)]
struct PointOutput {
    n: u64,
    mean: Option<f64>,
    variance: Option<f64>,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    /// `sobol` or `morris`.
    pub method: &'static str,
    /// Lab id or `all`.
    pub lab: String,
    /// Metric.
    pub metric: String,
    /// The change analysed (`PATH: FROM -> TO`), if not the level.
    pub contrast: Option<String>,
    /// Parameter or group (a pair for S2).
    pub parameter: String,
    /// `S1`, `ST`, `S2`, `mu`, `mu_star`, `sigma`.
    pub index: &'static str,
    /// The index, where defined.
    pub value: Option<f64>,
    /// Bootstrap standard error.
    pub se: Option<f64>,
    /// Bootstrap 95% interval.
    pub ci95: Option<(f64, f64)>,
    /// Rank among the parameters (S1, ST, mu_star).
    pub rank: Option<usize>,
    /// Whether noise alone could give it.
    pub noise_dominated: Option<bool>,
    /// Replication noise's share of the variance of the point means.
    pub noise_share: Option<f64>,
    /// Replications that would bring the noise down to [`NOISE_TARGET`].
    pub replications_needed: Option<u64>,
    /// Base rows (Sobol') or trajectories (Morris) the indices rest on:
    /// those whose outputs were all defined.
    pub rows_used: u64,
    /// Base rows or trajectories of the design.
    pub rows_total: u64,
}

/// Collects every point's means of the analysed outputs, then computes and
/// writes the indices.
pub struct SensitivityTable {
    table: Table,
    plan: Plan,
    /// The analysed slots of the layout, with their (lab, metric).
    slots: Vec<(usize, String, String)>,
    /// Per analysed slot, per point in order.
    outputs: Vec<Vec<PointOutput>>,
}

impl SensitivityTable {
    /// A table over `table` (opened with [`sensitivity_schema`]) for the
    /// layout's study; `None` when the layout has none.
    pub fn new(table: Table, layout: &Layout) -> Option<Self> {
        let plan = layout.sensitivity.clone()?;
        let slots: Vec<(usize, String, String)> = (0..layout.slots())
            .filter_map(|slot| {
                let (lab, metric) = layout.slot_name(slot);
                (plan.analyses(lab, metric)).then(|| (slot, lab.to_string(), metric.to_string()))
            })
            .collect();
        let outputs = vec![Vec::new(); slots.len()];
        Some(SensitivityTable {
            table,
            plan,
            slots,
            outputs,
        })
    }

    /// Computes the indices, writes them, finishes the table, and returns
    /// the rows.
    pub fn finish(mut self) -> std::io::Result<Vec<IndexRow>> {
        let design = self.plan.design().map_err(std::io::Error::other)?;
        let points = design.points().len();
        if let Some(got) = self.outputs.iter().map(Vec::len).find(|&n| n != points) {
            return Err(std::io::Error::other(format!(
                "the sensitivity design has {points} points but the run gave {got}"
            )));
        }
        let plan = &self.plan;
        let per_slot: Vec<std::io::Result<Vec<IndexRow>>> = (self.slots.par_iter())
            .zip(self.outputs.par_iter())
            .map(|((_, lab, metric), outputs)| rows_of(plan, &design, lab, metric, outputs))
            .collect();
        let mut rows = Vec::new();
        for slot_rows in per_slot {
            rows.extend(slot_rows?);
        }
        for row in &rows {
            let cells = [
                Cell::String(row.method),
                Cell::String(&row.lab),
                Cell::String(&row.metric),
                row.contrast.as_deref().map_or(Cell::Null, Cell::String),
                Cell::String(&row.parameter),
                Cell::String(row.index),
                cell(row.value),
                cell(row.se),
                cell(row.ci95.map(|c| c.0)),
                cell(row.ci95.map(|c| c.1)),
                row.rank.map_or(Cell::Null, |r| Cell::Integer(r as i64)),
                row.noise_dominated.map_or(Cell::Null, Cell::Boolean),
                cell(row.noise_share),
                (row.replications_needed)
                    .map_or(Cell::Null, |r| Cell::Integer(r.min(i64::MAX as u64) as i64)),
                Cell::Integer(row.rows_used as i64),
                Cell::Integer(row.rows_total as i64),
            ];
            self.table
                .write_row(&cells)
                .map_err(std::io::Error::other)?;
        }
        self.table.finish().map_err(std::io::Error::other)?;
        Ok(rows)
    }
}

impl PointConsumer for SensitivityTable {
    /// Takes a point's means; in a contrast, takes from each `to` point
    /// the paired differences with its `from` point (replication r of both
    /// runs on the same streams, so the noise is that of the difference).
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        let contrast = layout.contrast();
        if contrast && point.point.is_multiple_of(2) {
            return Ok(());
        }
        let design_point = if contrast {
            point.point / 2
        } else {
            point.point
        };
        for (outputs, (slot, _, _)) in self.outputs.iter_mut().zip(&self.slots) {
            if outputs.len() != design_point {
                return Err(std::io::Error::other(format!(
                    "sensitivity: point {} came out of order",
                    point.point
                )));
            }
            outputs.push(if contrast {
                let difference = &point.pairs[*slot].difference;
                PointOutput {
                    n: difference.n,
                    mean: difference.mean(),
                    variance: difference.sd().map(|sd| sd * sd),
                }
            } else {
                let summary = point.summary[*slot].summary();
                PointOutput {
                    n: summary.n,
                    mean: summary.mean,
                    variance: summary.sd.map(|sd| sd * sd),
                }
            });
        }
        Ok(())
    }
}

/// The rows of one (lab, metric).
fn rows_of(
    plan: &Plan,
    design: &Design,
    lab: &str,
    metric: &str,
    outputs: &[PointOutput],
) -> std::io::Result<Vec<IndexRow>> {
    let means: Vec<Option<f64>> = outputs.iter().map(|o| o.mean).collect();
    let runs: Vec<PointReplications> = (outputs.iter())
        .filter_map(|o| {
            Some(PointReplications {
                replications: o.n,
                mean: o.mean?,
                variance: o.variance?,
            })
        })
        .collect();
    let noise = replication_noise(&runs);
    let template = IndexRow {
        method: plan.method.name(),
        lab: lab.to_string(),
        metric: metric.to_string(),
        contrast: plan.contrast.as_ref().map(|c| c.label()),
        parameter: String::new(),
        index: "",
        value: None,
        se: None,
        ci95: None,
        rank: None,
        noise_dominated: None,
        noise_share: noise.and_then(|n| n.noise_share),
        replications_needed: noise
            .and_then(|n| n.replications_needed(NOISE_TARGET).ok())
            .flatten(),
        rows_used: 0,
        rows_total: 0,
    };
    let rows = Rows {
        template,
        names: &plan.group_names,
        bootstrap: Bootstrap {
            resamples: DEFAULT_RESAMPLES,
            seed: plan.seed,
        },
    };
    match design {
        Design::Saltelli(design) => {
            let floor = noise.as_ref().and_then(ReplicationNoise::sobol_floor);
            rows.sobol(design, &means, floor)
        }
        Design::Morris(design) => {
            let floor = noise.map(|n| n.morris_floor(design.layout.delta()));
            rows.morris(design, &means, floor)
        }
    }
}

/// The rows of one output: what they share, and the groups' names.
struct Rows<'p> {
    template: IndexRow,
    names: &'p [String],
    bootstrap: Bootstrap,
}

impl Rows<'_> {
    /// A row of an index, flagged against the noise floor when one is given.
    fn row(
        &self,
        parameter: String,
        index: &'static str,
        estimate: Option<Estimate>,
        floor: Option<f64>,
    ) -> IndexRow {
        IndexRow {
            parameter,
            index,
            value: estimate.map(|e| e.value),
            se: estimate.and_then(|e| e.standard_error),
            ci95: estimate.and_then(|e| e.ci95).map(|i| (i.low, i.high)),
            noise_dominated: floor
                .zip(estimate.as_ref())
                .map(|(floor, e)| is_noise_dominated(e, floor)),
            ..self.template.clone()
        }
    }

    /// S1 and ST of every group, ranked, then S2 of every pair.
    fn sobol(
        mut self,
        design: &SaltelliDesign,
        means: &[Option<f64>],
        floor: Option<f64>,
    ) -> std::io::Result<Vec<IndexRow>> {
        let indices =
            sobol_indices(&design.layout, means, &self.bootstrap).map_err(std::io::Error::other)?;
        self.template.rows_used = indices.base_rows_used as u64;
        self.template.rows_total = (indices.base_rows_used + indices.base_rows_dropped) as u64;
        let mut rows = Vec::new();
        for (index, estimates) in [("S1", &indices.first_order), ("ST", &indices.total_order)] {
            let mut block: Vec<IndexRow> = (self.names.iter().zip(estimates))
                .map(|(name, estimate)| self.row(name.clone(), index, *estimate, floor))
                .collect();
            rank(&mut block);
            rows.extend(block);
        }
        for pair in &indices.second_order {
            let name = format!("{} & {}", self.names[pair.first], self.names[pair.second]);
            rows.push(self.row(name, "S2", pair.estimate, None));
        }
        Ok(rows)
    }

    /// μ, μ* (ranked) and σ of every group.
    fn morris(
        mut self,
        design: &MorrisDesign,
        means: &[Option<f64>],
        floor: Option<f64>,
    ) -> std::io::Result<Vec<IndexRow>> {
        let indices = morris_indices(&design.layout, means, &self.bootstrap)
            .map_err(std::io::Error::other)?;
        self.template.rows_used = indices.trajectories_used as u64;
        self.template.rows_total =
            (indices.trajectories_used + indices.trajectories_dropped) as u64;
        let plain = |value: Option<f64>| {
            value.map(|value| Estimate {
                value,
                standard_error: None,
                ci95: None,
            })
        };
        let mut stars: Vec<IndexRow> = (self.names.iter().zip(&indices.groups))
            .map(|(name, group)| self.row(name.clone(), "mu_star", group.mu_star, floor))
            .collect();
        rank(&mut stars);
        let mut rows = Vec::new();
        for ((name, group), star) in self.names.iter().zip(&indices.groups).zip(stars) {
            rows.push(self.row(name.clone(), "mu", plain(group.mu), None));
            rows.push(star);
            rows.push(self.row(name.clone(), "sigma", plain(group.sigma), None));
        }
        Ok(rows)
    }
}

/// Ranks rows by value, largest first (ties in parameter order); rows
/// without a value get no rank.
fn rank(rows: &mut [IndexRow]) {
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].value.is_some())
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (rows[a].value.unwrap_or(0.0), rows[b].value.unwrap_or(0.0));
        y.total_cmp(&x).then(a.cmp(&b))
    });
    for (position, &i) in order.iter().enumerate() {
        rows[i].rank = Some(position + 1);
    }
}
