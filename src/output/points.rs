//! `points`: each point's id and swept values.

use super::format::{Cell, Column, FormatError, Schema};
use super::table::{Swept, Table};

/// The columns of `points`: `point`, then one column per swept path.
pub fn points_schema(swept: &Swept) -> Schema {
    swept.schema(
        vec![Column::integer("point", "sweep point, from 0")],
        Vec::new(),
    )
}

/// Writes every point's row (one row, point 0, without a sweep).
pub fn write_points(swept: &Swept, points: usize, table: &mut Table) -> Result<(), FormatError> {
    for point in 0..points.max(1) {
        let mut row = vec![Cell::Integer(point as i64)];
        row.extend(swept.cells(point));
        table.write_row(&row)?;
    }
    Ok(())
}
