//! A study as a sweep holds it: which design, over which parameters and
//! groups, from which seed, for which metrics. Everything an analysis needs
//! to read a run's point means back, written in the aggregates' layout so
//! that `merge` computes the same indices as the run.

use serde::{Deserialize, Serialize};

use super::error::Result;
use super::groups::Groups;
use super::saltelli::{SaltelliDesign, SaltelliLayout, SaltelliOptions};
use super::trajectories::{MorrisDesign, MorrisOptions};

/// The design of a study, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum DesignKind {
    /// Sobol' indices from a Saltelli design of `base_rows` (N) rows.
    Sobol {
        /// N, a power of two.
        base_rows: usize,
        /// With second-order indices (the 2g + 2 design).
        second_order: bool,
    },
    /// Morris elementary effects along `trajectories` trajectories on a
    /// grid of `levels` levels.
    Morris {
        /// r.
        trajectories: usize,
        /// p, even.
        levels: usize,
    },
}

impl DesignKind {
    /// `sobol` or `morris`.
    pub fn name(&self) -> &'static str {
        match self {
            DesignKind::Sobol { .. } => "sobol",
            DesignKind::Morris { .. } => "morris",
        }
    }
}

/// A study: its design and what it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The design.
    pub method: DesignKind,
    /// The parameters, in design column order.
    pub parameters: Vec<String>,
    /// The name of each group: its parameter's path when it is alone, or
    /// the name given to the group.
    pub group_names: Vec<String>,
    /// The group of each parameter.
    pub group_of: Vec<usize>,
    /// Seeds the design and the bootstrap.
    pub seed: u64,
    /// The outputs analysed, as `METRIC` or `METRIC:LAB` (empty: all).
    pub metrics: Vec<String>,
    /// When the study is of a change: each design point is two points, at
    /// `from` then at `to`, and the output analysed is to minus from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<Contrast>,
}

/// The change a study analyses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contrast {
    /// The parameter that changes.
    pub path: String,
    /// Its value compared with, as written.
    pub from: String,
    /// Its value whose effect is analysed.
    pub to: String,
}

impl Contrast {
    /// `review.window_days: 0 -> 30`.
    pub fn label(&self) -> String {
        format!("{}: {} -> {}", self.path, self.from, self.to)
    }
}

/// A design's points and how to read outputs back.
#[derive(Debug, Clone)]
pub enum Design {
    /// Sobol'.
    Saltelli(SaltelliDesign),
    /// Morris.
    Morris(MorrisDesign),
}

impl Design {
    /// The points in [0, 1]^k, one coordinate per parameter.
    pub fn points(&self) -> &[Vec<f64>] {
        match self {
            Design::Saltelli(design) => &design.points,
            Design::Morris(design) => &design.points,
        }
    }
}

impl Plan {
    /// The groups, validated.
    pub fn groups(&self) -> Result<Groups> {
        Groups::new(self.group_of.clone())
    }

    /// The design, generated again from the plan (the same every time).
    pub fn design(&self) -> Result<Design> {
        let groups = self.groups()?;
        Ok(match self.method {
            DesignKind::Sobol {
                base_rows,
                second_order,
            } => Design::Saltelli(SaltelliDesign::generate(
                &groups,
                SaltelliOptions {
                    base_rows,
                    second_order,
                    seed: self.seed,
                },
            )?),
            DesignKind::Morris {
                trajectories,
                levels,
            } => Design::Morris(MorrisDesign::generate(
                &groups,
                MorrisOptions {
                    trajectories,
                    levels,
                    seed: self.seed,
                },
            )?),
        })
    }

    /// Points run per design point: two with a contrast, else one.
    pub fn runs_per_design_point(&self) -> usize {
        if self.contrast.is_some() { 2 } else { 1 }
    }

    /// Points the run has (design points times
    /// [`runs_per_design_point`](Plan::runs_per_design_point)), without
    /// generating the design (`None` when the plan is invalid or the count
    /// overflows).
    pub fn point_count(&self) -> Option<usize> {
        self.design_point_count()?
            .checked_mul(self.runs_per_design_point())
    }

    /// Points the design has.
    pub fn design_point_count(&self) -> Option<usize> {
        let groups = self.groups().ok()?.count();
        match self.method {
            DesignKind::Sobol {
                base_rows,
                second_order,
            } => SaltelliLayout::new(base_rows, groups, second_order)
                .ok()
                .map(|layout| layout.points()),
            DesignKind::Morris { trajectories, .. } => trajectories.checked_mul(groups + 1),
        }
    }

    /// Whether the output (`lab` or `all`, `metric`) is analysed.
    pub fn analyses(&self, lab: &str, metric: &str) -> bool {
        self.metrics.is_empty()
            || self
                .metrics
                .iter()
                .any(|selector| match selector.split_once(':') {
                    Some((name, of)) => name == metric && of == lab,
                    None => selector == metric,
                })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(method: DesignKind) -> Plan {
        Plan {
            method,
            parameters: vec!["a".into(), "b".into(), "c".into()],
            group_names: vec!["a".into(), "bc".into()],
            group_of: vec![0, 1, 1],
            seed: 3,
            metrics: vec!["share:meta".into(), "incidents".into()],
            contrast: None,
        }
    }

    #[test]
    fn a_plan_generates_the_same_design_every_time_with_the_size_it_announces() {
        for method in [
            DesignKind::Sobol {
                base_rows: 8,
                second_order: true,
            },
            DesignKind::Morris {
                trajectories: 5,
                levels: 4,
            },
        ] {
            let plan = plan(method);
            let (first, second) = (plan.design().unwrap(), plan.design().unwrap());
            assert_eq!(first.points(), second.points());
            assert_eq!(Some(first.points().len()), plan.point_count());
            let with_contrast = Plan {
                contrast: Some(Contrast {
                    path: "x".into(),
                    from: "0".into(),
                    to: "1".into(),
                }),
                ..plan.clone()
            };
            assert_eq!(Some(2 * first.points().len()), with_contrast.point_count());
            assert!(first.points().iter().all(|p| p.len() == 3));
        }
    }

    #[test]
    fn metric_selectors_name_a_metric_everywhere_or_for_one_lab() {
        let plan = plan(DesignKind::Morris {
            trajectories: 2,
            levels: 4,
        });
        assert!(plan.analyses("meta", "share"));
        assert!(!plan.analyses("openai", "share"));
        assert!(plan.analyses("openai", "incidents"));
        assert!(plan.analyses("all", "incidents"));
        assert!(!plan.analyses("meta", "releases"));
    }
}
