//! `compare.csv`: every point against the baseline point, replication by
//! replication (common random numbers make the pairs), per (lab or `all`,
//! metric).

use std::io::Write;

use super::aggregates::AggregateState;
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

/// Writes `compare.csv` (a header only when there is no baseline).
pub fn write_compare<W: Write>(state: &AggregateState, writer: W) -> csv::Result<W> {
    let mut csv = csv::Writer::from_writer(writer);
    let mut header = vec!["point".to_string()];
    header.extend(state.point_columns.iter().cloned());
    header.extend(["lab", "metric"].map(String::from));
    header.extend(COMPARE_STATISTICS.map(String::from));
    csv.write_record(&header)?;
    let slots = state.slots();
    if let Some(baseline) = state.baseline {
        for point in (0..state.points()).filter(|&p| p != baseline) {
            let swept = state.point_values.get(point).map_or(&[][..], Vec::as_slice);
            for slot in 0..slots {
                let (lab, metric) = state.slot_name(slot);
                let c = state.pairs[point * slots + slot].comparison();
                let ratio = match (c.paired_width, c.unpaired_width) {
                    (Some(paired), Some(unpaired)) if unpaired > 0.0 => Some(paired / unpaired),
                    _ => None,
                };
                csv.write_field(point.to_string())?;
                for value in swept {
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
        }
    }
    csv.into_inner().map_err(|e| e.into_error().into())
}
