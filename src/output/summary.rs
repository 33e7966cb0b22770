//! `summary.csv`: per (point, lab or `all`, metric) the count, mean,
//! standard deviation, standard error, 95% confidence interval and 5%, 50%
//! and 95% quantiles.

use std::io::Write;

use super::aggregates::{Layout, PointAggregate, PointConsumer};

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

/// A statistic as a CSV cell: empty when undefined, otherwise rounded to 10
/// significant digits (the fixed-point resolution is 2^-20) and printed as
/// the shortest text that reads back the same.
pub fn cell(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        // -0 too: a difference of nothing prints as 0.
        Some(0.0) => "0".to_string(),
        Some(v) => format!("{v:.9e}").parse::<f64>().unwrap_or(v).to_string(),
    }
}

/// Writes `summary.csv` point by point, as blocks of points complete.
pub struct SummaryWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> SummaryWriter<W> {
    /// Writes the header.
    pub fn new(writer: W, layout: &Layout) -> csv::Result<Self> {
        let mut csv = csv::Writer::from_writer(writer);
        let mut header = vec!["point".to_string()];
        header.extend(layout.point_columns.iter().cloned());
        header.extend(["lab", "metric"].map(String::from));
        header.extend(SUMMARY_STATISTICS.map(String::from));
        csv.write_record(&header)?;
        Ok(SummaryWriter { csv })
    }

    /// The writer, flushed.
    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> PointConsumer for SummaryWriter<W> {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        let csv = &mut self.csv;
        for (slot, accumulator) in point.summary.iter().enumerate() {
            let (lab, metric) = layout.slot_name(slot);
            let s = accumulator.summary();
            csv.write_field(point.point.to_string())?;
            for value in &point.values {
                csv.write_field(value)?;
            }
            csv.write_field(lab)?;
            csv.write_field(metric)?;
            csv.write_field(s.n.to_string())?;
            for value in [
                s.mean,
                s.sd,
                s.se,
                s.ci95.map(|c| c.0),
                s.ci95.map(|c| c.1),
                s.q05,
                s.q50,
                s.q95,
            ] {
                csv.write_field(cell(value))?;
            }
            csv.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}
