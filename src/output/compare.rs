//! `compare.csv`: every point against the baseline point, replication by
//! replication (common random numbers make the pairs), per (lab or `all`,
//! metric).

use std::io::Write;

use super::aggregates::{Layout, PointAggregate, PointConsumer};
use super::summary::cell;

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

/// Writes `compare.csv` point by point, as blocks of points complete: every
/// point but the baseline.
pub struct CompareWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> CompareWriter<W> {
    /// Writes the header.
    pub fn new(writer: W, layout: &Layout) -> csv::Result<Self> {
        let mut csv = csv::Writer::from_writer(writer);
        let mut header = vec!["point".to_string()];
        header.extend(layout.point_columns.iter().cloned());
        header.extend(["lab", "metric"].map(String::from));
        header.extend(COMPARE_STATISTICS.map(String::from));
        csv.write_record(&header)?;
        Ok(CompareWriter { csv })
    }

    /// The writer, flushed.
    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> PointConsumer for CompareWriter<W> {
    fn point_done(&mut self, layout: &Layout, point: &PointAggregate) -> std::io::Result<()> {
        let Some(baseline) = layout.baseline.filter(|b| *b != point.point) else {
            return Ok(());
        };
        let csv = &mut self.csv;
        for (slot, pair) in point.pairs.iter().enumerate() {
            let (lab, metric) = layout.slot_name(slot);
            let c = pair.comparison();
            let ratio = match (c.paired_width, c.unpaired_width) {
                (Some(paired), Some(unpaired)) if unpaired > 0.0 => Some(paired / unpaired),
                _ => None,
            };
            csv.write_field(point.point.to_string())?;
            for value in &point.values {
                csv.write_field(value)?;
            }
            csv.write_field(lab)?;
            csv.write_field(metric)?;
            csv.write_field(baseline.to_string())?;
            csv.write_field(c.n.to_string())?;
            for value in [
                c.point_mean,
                c.baseline_mean,
                c.difference_mean,
                c.difference_ci95.map(|ci| ci.0),
                c.difference_ci95.map(|ci| ci.1),
                c.paired_width,
                c.unpaired_width,
                ratio,
            ] {
                csv.write_field(cell(value))?;
            }
            csv.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }
}
