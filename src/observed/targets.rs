//! `data/market_targets.csv`: observed shares by segment, date and lab (or
//! `open_weights`), as the backtest compares them.

use std::path::Path;

use chrono::NaiveDate;

use super::ObservedError;

/// One observed share.
#[derive(Clone, Debug, PartialEq)]
pub struct MarketTarget {
    /// The segment's id.
    pub segment: String,
    /// The date of the figure.
    pub as_of: NaiveDate,
    /// A lab's id, or `open_weights`.
    pub subject: String,
    /// The share of the segment's adopters among the modelled labs.
    pub share: f64,
    /// `observed` or `estimate`.
    pub basis: String,
}

/// Reads the targets file; every bad row is a message naming the file, the
/// line and the column.
pub fn read_market_targets(path: &Path) -> Result<Vec<MarketTarget>, ObservedError> {
    let file = path.display().to_string();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|err| ObservedError::Data(format!("{file}: cannot be read: {err}")))?;
    let headers = reader
        .headers()
        .map_err(|err| ObservedError::Data(format!("{file}: {err}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ObservedError::Data(format!("{file}: no column `{name}` in the header")))
    };
    let (segment, as_of, subject, share, basis) = (
        column("segment")?,
        column("as_of")?,
        column("subject")?,
        column("share")?,
        column("basis")?,
    );
    let mut targets = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record =
            record.map_err(|err| ObservedError::Data(format!("{file}: line {line}: {err}")))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let date = NaiveDate::parse_from_str(field(as_of), "%Y-%m-%d").map_err(|_| {
            ObservedError::Data(format!(
                "{file}: line {line}, as_of = \"{}\": must be a date YYYY-MM-DD",
                field(as_of)
            ))
        })?;
        let value: f64 = field(share)
            .parse()
            .ok()
            .filter(|v: &f64| (0.0..=1.0).contains(v))
            .ok_or_else(|| {
                ObservedError::Data(format!(
                    "{file}: line {line}, share = \"{}\": must be a share from 0 to 1",
                    field(share)
                ))
            })?;
        targets.push(MarketTarget {
            segment: field(segment).to_string(),
            as_of: date,
            subject: field(subject).to_string(),
            share: value,
            basis: field(basis).to_string(),
        });
    }
    Ok(targets)
}
