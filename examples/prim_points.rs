//! Runs PRIM (`reviewsim::discover`) on points read from CSV and writes its
//! peeling trajectory and every box of it as CSV: the Rust side of
//! `tests/python/test_prim.py`, which runs EMA Workbench on the same points.
//!
//! ```text
//! cargo run --release --example prim_points -- POINTS.csv TRAJECTORY.csv BOXES.csv \
//!     [--objective lenient1|lenient2|original] [--peel-alpha A] [--paste-alpha A] [--mass-min M]
//! ```
//!
//! `POINTS.csv` has a header; every column is a parameter (numbers) except
//! the last, the condition (`1`/`0` or `true`/`false`). `TRAJECTORY.csv`
//! gets one row per box ([`reviewsim::discover::TrajectoryRow`]);
//! `BOXES.csv` one row per restricted parameter of every box, its step
//! first ([`reviewsim::discover::BoxRow`]), then those of the chosen box
//! (pruned), its step given as `chosen`.

use std::error::Error;
use std::fs::File;
use std::io::BufWriter;

use reviewsim::discover::{Discovery, Objective, Options, Points, discover};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [points, trajectory, boxes, flags @ ..] = args.as_slice() else {
        return Err(
            "usage: prim_points POINTS.csv TRAJECTORY.csv BOXES.csv [--objective O] \
                    [--peel-alpha A] [--paste-alpha A] [--mass-min M]"
                .into(),
        );
    };
    let options = parse_options(flags)?;
    let found = discover(&read_points(points)?, &options)?;
    found.write_trajectory_csv(BufWriter::new(File::create(trajectory)?))?;
    write_boxes(&found, boxes)?;
    Ok(())
}

/// The flags after the three files.
fn parse_options(flags: &[String]) -> Result<Options> {
    let mut options = Options::default();
    for pair in flags.chunks(2) {
        let [flag, value] = pair else {
            return Err(format!("{}: a value is required", pair[0]).into());
        };
        match flag.as_str() {
            "--objective" => {
                options.objective = match value.as_str() {
                    "lenient1" => Objective::Lenient1,
                    "lenient2" => Objective::Lenient2,
                    "original" => Objective::Original,
                    other => {
                        return Err(format!(
                            "--objective {other}: use lenient1, lenient2 or original"
                        )
                        .into());
                    }
                }
            }
            "--peel-alpha" => options.peel_alpha = value.parse()?,
            "--paste-alpha" => options.paste_alpha = value.parse()?,
            "--mass-min" => options.mass_min = value.parse()?,
            other => return Err(format!("{other}: unknown flag").into()),
        }
    }
    Ok(options)
}

/// The parameters (every column but the last) and the condition (the last).
fn read_points(path: &str) -> Result<Points> {
    let mut reader = csv::Reader::from_path(path)?;
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    let Some((_, names)) = header.split_last() else {
        return Err(format!("{path}: no columns").into());
    };
    let (mut rows, mut condition) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record?;
        let (last, values) = (&record[names.len()], record.iter().take(names.len()));
        rows.push(
            values
                .map(str::parse)
                .collect::<std::result::Result<Vec<f64>, _>>()?,
        );
        condition.push(match last {
            "1" | "true" | "True" => true,
            "0" | "false" | "False" => false,
            other => {
                return Err(format!("{path}: condition {other:?} is not 1/0 or true/false").into());
            }
        });
    }
    Ok(Points::from_rows(names, &rows, &condition)?)
}

/// Every box of the trajectory, one row per restricted parameter.
fn write_boxes(found: &Discovery, path: &str) -> Result<()> {
    let mut out = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
    out.write_record([
        "step",
        "parameter",
        "lower",
        "upper",
        "qp_lower",
        "qp_upper",
    ])?;
    // `{:?}`: the shortest text that reads back as the same number, with an
    // exponent for the tiny quasi-p-values.
    let cell = |value: Option<f64>| value.map_or(String::new(), |v| format!("{v:?}"));
    let steps = (0..found.trajectory().len()).map(|step| (step.to_string(), found.box_rows(step)));
    let chosen = ("chosen".to_string(), found.chosen_box_rows());
    for (step, rows) in steps.chain([chosen]) {
        for row in rows {
            out.write_record([
                step.clone(),
                row.parameter,
                format!("{:?}", row.lower),
                format!("{:?}", row.upper),
                cell(row.qp_lower),
                cell(row.qp_upper),
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}
