//! The report's charts, drawn by plotters as SVG text to be inlined in the
//! page: fan charts of shares over time, the spread of a metric per lab
//! (or per option over the worlds), horizontal bars with 95% intervals
//! (differences, sensitivity indices), and the trade-off of density
//! against coverage along PRIM's trajectory.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colours for labs, in the scenario's order: the Okabe-Ito palette, which
/// colour-blind readers tell apart, with a brown in place of its sky blue
/// (too close to its blue when bands overlap).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(120, 72, 30),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The colour of the `index`th lab.
pub fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// The colour of the system's rows (not a lab).
pub const SYSTEM: RGBColor = RGBColor(60, 60, 60);

/// Width of every chart, in SVG pixels (scaled down to the page's width).
const WIDTH: u32 = 900;
const FONT: &str = "sans-serif";

/// A drawing failure, as text (the SVG backend writes to memory: it fails
/// only on a bug).
fn failed(err: impl std::fmt::Display) -> String {
    format!("the chart could not be drawn: {err}")
}

/// Draws on a new SVG of `height` pixels and returns its text.
fn svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        draw(&root)?;
        root.present().map_err(failed)?;
    }
    Ok(text)
}

/// A fan chart's series: a lab's 5th, 25th, 50th, 75th and 95th percentiles
/// of a value on each sampled day.
pub struct Fan {
    /// The lab's name.
    pub name: String,
    /// Its colour.
    pub colour: RGBColor,
    /// (day, the five percentiles).
    pub days: Vec<(f64, [f64; 5])>,
}

/// Fans of every lab on one chart: the median as a line, the 50% band
/// (25th–75th percentiles) darker than the 90% band (5th–95th).
pub fn fan_chart(fans: &[Fan], x_desc: &str, y_desc: &str) -> Result<String, String> {
    let last_day = (fans.iter().flat_map(|f| f.days.iter().map(|d| d.0))).fold(1.0, f64::max);
    let top = (fans.iter().flat_map(|f| f.days.iter().map(|d| d.1[4]))).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.08 } else { 1.0 };
    svg(420, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(62)
            .build_cartesian_2d(0.0..last_day, 0.0..top)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(failed)?;
        for fan in fans {
            for (low, high, alpha) in [(0, 4, 0.14), (1, 3, 0.30)] {
                let mut outline: Vec<(f64, f64)> =
                    fan.days.iter().map(|d| (d.0, d.1[high])).collect();
                outline.extend(fan.days.iter().rev().map(|d| (d.0, d.1[low])));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        fan.colour.mix(alpha).filled(),
                    )))
                    .map_err(failed)?;
            }
            let colour = fan.colour;
            chart
                .draw_series(LineSeries::new(
                    fan.days.iter().map(|d| (d.0, d.1[2])),
                    colour.stroke_width(2),
                ))
                .map_err(failed)?
                .label(fan.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))
                });
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// One row of a horizontal chart: its label, colour, and what it shows.
pub struct Row {
    /// The label on the left.
    pub label: String,
    /// Its colour.
    pub colour: RGBColor,
    /// A box: the 5th, 25th, 50th, 75th and 95th percentiles; or a bar:
    /// the estimate, its 95% interval, and a second marker (S1 beside ST).
    pub shape: Shape,
}

/// What a row draws.
pub enum Shape {
    /// Whiskers from the 5th to the 95th percentile, a box from the 25th
    /// to the 75th, the median as a bar, and the mean as a dot.
    Spread { q: [f64; 5], mean: f64 },
    /// Whiskers from the 5th to the 95th percentile, the median as a bar,
    /// and the mean as a dot (when the quartiles are not known).
    Range { q: [f64; 3], mean: f64 },
    /// A bar from zero to the estimate, its 95% interval as a whisker, and
    /// an optional second estimate as a dot.
    Bar {
        value: f64,
        ci95: Option<(f64, f64)>,
        dot: Option<f64>,
    },
}

impl Shape {
    /// The values the axis must hold.
    fn extent(&self) -> Vec<f64> {
        match self {
            Shape::Spread { q, mean } => vec![q[0], q[4], *mean],
            Shape::Range { q, mean } => vec![q[0], q[2], *mean],
            Shape::Bar { value, ci95, dot } => {
                let mut values = vec![0.0, *value];
                values.extend(ci95.iter().flat_map(|(l, h)| [*l, *h]));
                values.extend(dot.iter().copied());
                values
            }
        }
    }
}

/// Rows drawn one under another, labelled on the left, along an axis
/// described by `x_desc`.
pub fn row_chart(rows: &[Row], x_desc: &str) -> Result<String, String> {
    let values: Vec<f64> = (rows.iter().flat_map(|r| r.shape.extent()))
        .filter(|v| v.is_finite())
        .collect();
    let (low, high) = padded(values.iter().copied().fold(f64::INFINITY, f64::min), {
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    });
    let longest = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(4);
    let label_width = (longest as u32 * 8 + 24).clamp(80, 440);
    let n = rows.len().max(1);
    let height = 90 + 34 * n as u32;
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    svg(height, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(low..high, -0.5..(n as f64 - 0.5))
            .map_err(failed)?;
        let name_at = |y: &f64| {
            let at = y.round();
            let index = (n as f64 - 1.0 - at) as usize;
            match ((y - at).abs() < 1e-6, labels.get(index)) {
                (true, Some(label)) if at >= 0.0 => label.clone(),
                _ => String::new(),
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .x_label_formatter(&|x| tick(*x))
            .y_labels(n + 1)
            .y_label_formatter(&name_at)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(failed)?;
        if low < 0.0 && high > 0.0 {
            let zero = PathElement::new(vec![(0.0, -0.5), (0.0, n as f64 - 0.5)], BLACK.mix(0.6));
            chart.draw_series(std::iter::once(zero)).map_err(failed)?;
        }
        for (i, row) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series(shapes(row, y)).map_err(failed)?;
        }
        Ok(())
    })
}

/// The elements that draw `row` at height `y`.
fn shapes<DB: DrawingBackend>(row: &Row, y: f64) -> Vec<DynElement<'static, DB, (f64, f64)>> {
    let c = row.colour;
    let line = |a: (f64, f64), b: (f64, f64), width: u32| {
        PathElement::new(vec![a, b], c.stroke_width(width)).into_dyn()
    };
    match &row.shape {
        Shape::Spread { q, mean } => vec![
            line((q[0], y), (q[1], y), 2),
            line((q[3], y), (q[4], y), 2),
            line((q[0], y - 0.15), (q[0], y + 0.15), 2),
            line((q[4], y - 0.15), (q[4], y + 0.15), 2),
            Rectangle::new([(q[1], y - 0.3), (q[3], y + 0.3)], c.mix(0.35).filled()).into_dyn(),
            Rectangle::new([(q[1], y - 0.3), (q[3], y + 0.3)], c.stroke_width(1)).into_dyn(),
            line((q[2], y - 0.3), (q[2], y + 0.3), 3),
            Circle::new((*mean, y), 4, BLACK.filled()).into_dyn(),
        ],
        Shape::Range { q, mean } => vec![
            line((q[0], y), (q[2], y), 2),
            line((q[0], y - 0.15), (q[0], y + 0.15), 2),
            line((q[2], y - 0.15), (q[2], y + 0.15), 2),
            line((q[1], y - 0.3), (q[1], y + 0.3), 5),
            Circle::new((*mean, y), 4, BLACK.filled()).into_dyn(),
        ],
        Shape::Bar { value, ci95, dot } => {
            let mut elements = vec![
                Rectangle::new([(0.0, y - 0.3), (*value, y + 0.3)], c.mix(0.6).filled()).into_dyn(),
            ];
            if let Some((lo, hi)) = ci95 {
                let whisker = |a: (f64, f64), b: (f64, f64)| {
                    PathElement::new(vec![a, b], BLACK.mix(0.75).stroke_width(2)).into_dyn()
                };
                elements.push(whisker((*lo, y), (*hi, y)));
                elements.push(whisker((*lo, y - 0.18), (*lo, y + 0.18)));
                elements.push(whisker((*hi, y - 0.18), (*hi, y + 0.18)));
            }
            if let Some(dot) = dot {
                elements.push(Circle::new((*dot, y), 4, BLACK.filled()).into_dyn());
            }
            elements
        }
    }
}

/// A box of a PRIM trajectory, as the trade-off chart draws it.
pub struct Boxed {
    /// Its coverage and density, as shares (0 to 1).
    pub coverage: f64,
    /// The share of the worlds inside where the condition holds.
    pub density: f64,
    /// How many parameters it restricts.
    pub restricted: usize,
}

/// Viridis (from dark violet through teal and green to yellow) at `t` in
/// [0, 1].
fn ramp(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let at = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (at.floor() as usize).min(STOPS.len() - 2);
    let (a, b, f) = (STOPS[i], STOPS[i + 1], at - i as f64);
    let mix = |x: f64, y: f64| (x + f * (y - x)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The trade-off of a PRIM trajectory: each box's density against its
/// coverage, in percent, coloured by the number of parameters it
/// restricts, the boxes joined in trajectory order, and the box at
/// `chosen` ringed and labelled `label`.
pub fn tradeoff_chart(
    boxes: &[Boxed],
    chosen: Option<usize>,
    label: &str,
) -> Result<String, String> {
    let most = boxes.iter().map(|b| b.restricted).max().unwrap_or(0);
    let colour_of = |k: usize| ramp(k as f64 / most.max(1) as f64);
    let at = |b: &Boxed| (100.0 * b.coverage, 100.0 * b.density);
    svg(520, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..104.0, 0.0..104.0)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc("coverage: % of the worlds where the condition holds that are in the box")
            .y_desc("density: % of the box's worlds where it holds")
            .x_label_formatter(&|x| tick(*x))
            .y_label_formatter(&|y| tick(*y))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 17))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(failed)?;
        let path = LineSeries::new(boxes.iter().map(at), BLACK.mix(0.25).stroke_width(1));
        chart.draw_series(path).map_err(failed)?;
        for k in 0..=most {
            let colour = colour_of(k);
            let mine = boxes.iter().filter(|b| b.restricted == k);
            // Outlined, so that the yellow end shows on white.
            let dot = move |at: (f64, f64)| {
                EmptyElement::at(at)
                    + Circle::new((0, 0), 5, colour.filled())
                    + Circle::new((0, 0), 5, BLACK.mix(0.55).stroke_width(1))
            };
            let dots = mine.map(|b| dot(at(b)));
            let words = match k {
                1 => "1 parameter restricted".to_string(),
                _ => format!("{k} parameters restricted"),
            };
            chart
                .draw_series(dots)
                .map_err(failed)?
                .label(words)
                .legend(move |(x, y)| {
                    EmptyElement::at((x + 9, y))
                        + Circle::new((0, 0), 5, colour.filled())
                        + Circle::new((0, 0), 5, BLACK.mix(0.55).stroke_width(1))
                });
        }
        if let Some(b) = chosen.and_then(|i| boxes.get(i)) {
            let (x, y) = at(b);
            // The label on the side with room for it.
            let (h, dx) = if x > 55.0 {
                (HPos::Right, -14)
            } else {
                (HPos::Left, 14)
            };
            let style = TextStyle::from((FONT, 16).into_font()).pos(Pos::new(h, VPos::Center));
            let ring = EmptyElement::at((x, y))
                + Circle::new((0, 0), 10, BLACK.stroke_width(2))
                + Text::new(label.to_string(), (dx, 0), style);
            chart.draw_series(std::iter::once(ring)).map_err(failed)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)
    })
}

/// Draws a chart's legend at `position`, in the report's style.
fn legend<'a, CT>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String>
where
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(failed)
}

/// A tick's number: whole numbers without decimals, others as short as
/// they print.
fn tick(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 * value.abs().max(1.0) {
        format!("{}", value.round() as i64)
    } else {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').to_string()
    }
}

/// An axis from `low` to `high` with a margin, always holding zero's side
/// and never empty.
fn padded(low: f64, high: f64) -> (f64, f64) {
    if !(low.is_finite() && high.is_finite()) {
        return (0.0, 1.0);
    }
    let span = high - low;
    if span <= 0.0 {
        let half = if low == 0.0 { 1.0 } else { low.abs() * 0.1 };
        return (low - half, high + half);
    }
    (low - 0.04 * span, high + 0.04 * span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_as_short_as_their_numbers() {
        assert_eq!(tick(100.0), "100");
        assert_eq!(tick(-120.0), "-120");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(-0.0), "0");
    }

    #[test]
    fn a_fan_chart_is_svg_with_the_labs_named() {
        let fans = [Fan {
            name: "Meta".into(),
            colour: colour(0),
            days: (0..10)
                .map(|d| (d as f64, [1.0, 2.0, 3.0, 4.0, 5.0].map(|q| q + d as f64)))
                .collect(),
        }];
        let text = fan_chart(&fans, "day", "share, %").unwrap();
        assert!(text.starts_with("<svg"), "{}", &text[..40]);
        assert!(text.contains("Meta") && text.contains("share, %"));
    }

    #[test]
    fn a_trade_off_chart_rings_and_labels_the_chosen_box() {
        let boxes: Vec<Boxed> = (0..4)
            .map(|k| Boxed {
                coverage: 1.0 - 0.1 * k as f64,
                density: 0.4 + 0.2 * k as f64,
                restricted: k.min(2),
            })
            .collect();
        let text = tradeoff_chart(&boxes, Some(2), "chosen box (step 2)").unwrap();
        assert!(text.contains("chosen box (step 2)") && text.contains("2 parameters restricted"));
        // Each box a dot and its outline, the legend's two per count, the ring.
        assert_eq!(text.matches("<circle").count(), 2 * 4 + 2 * 3 + 1);
        assert_eq!(ramp(0.0), RGBColor(68, 1, 84));
        assert_eq!(ramp(1.0), RGBColor(253, 231, 37));
    }

    #[test]
    fn rows_are_labelled_in_order_and_an_empty_axis_still_draws() {
        let rows = [
            Row {
                label: "OpenAI".into(),
                colour: colour(0),
                shape: Shape::Bar {
                    value: 0.0,
                    ci95: Some((0.0, 0.0)),
                    dot: None,
                },
            },
            Row {
                label: "Meta".into(),
                colour: colour(1),
                shape: Shape::Spread {
                    q: [0.0; 5],
                    mean: 0.0,
                },
            },
        ];
        let text = row_chart(&rows, "days").unwrap();
        let (openai, meta) = (
            text.find("\nOpenAI\n").unwrap(),
            text.find("\nMeta\n").unwrap(),
        );
        // The first row is drawn at the top: its label comes last in the
        // axis's ascending ticks.
        assert!(meta < openai);
    }
}
