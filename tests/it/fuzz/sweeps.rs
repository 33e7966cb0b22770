//! Generated `[sweep]` tables appended to the shipped scenarios: grid, Latin
//! hypercube and random designs, and Sobol' and Morris studies (bare paths,
//! groups, metrics, contrasts), over lists, ranges (numbers and dates, with
//! extreme steps) and intervals (log, integer), with baselines, sample
//! counts, trajectories and levels in and out of range.

use rand::RngExt;
use reviewsim::engine::StreamRng;
use reviewsim::scenario::parse_value;
use toml::Value;

use super::harness::{Input, case_numbers, case_rng, cases};
use super::palette::{self, NUMBERS};
use super::scenarios::{Base, bases, recording};
use super::tally::Tally;

/// Generator number in the case seeds.
const GENERATOR: u64 = 2;

/// Sweeps per scenario variant.
const SWEEPS_PER_VARIANT: u64 = 10;

/// Paths no scenario lists, or that may not be swept.
const ODD_PATHS: [&str; 9] = [
    "simulation.replications",
    "simulation.seed",
    "simulation.common_random_numbers",
    "sweep.baseline",
    "labs.openai.id",
    "nope.nothing",
    "",
    "labs.openai.lines.gpt.cadence_days",
    "market.segments",
];

/// Steps and ends of ranges, ordinary and extreme.
const RANGE_NUMBERS: [&str; 16] = [
    "0",
    "-1",
    "1",
    "0.1",
    "1e-300",
    "5e-324",
    "1e300",
    "-1.7976931348623157e308",
    "1.7976931348623157e308",
    "nan",
    "inf",
    "9223372036854775807",
    "-9223372036854775808",
    "9007199254740993",
    "1.5",
    "\"7\"",
];

fn pick<'a>(rng: &mut StreamRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// A whole number when `value` is one, else its shortest text.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

/// The `[sweep]` table, as text. A wild sweep may have anything wrong with
/// it; a tame one only values that may not suit their parameter.
fn sweep(rng: &mut StreamRng, base: &Base, wild: bool) -> String {
    let mut text = String::from("\n[sweep]\n");
    let method = method(rng, wild);
    if let Some(method) = method {
        text.push_str(&format!("method = {method}\n"));
    }
    let study = matches!(method, Some("\"sobol\"" | "\"morris\""));
    if study {
        text.push_str(&study_fields(rng, method == Some("\"sobol\""), wild));
    }
    let sampled = matches!(method, Some("\"latin_hypercube\"" | "\"random\"")) || study;
    if (sampled && !wild && !study) || (wild && rng.random_bool(0.5)) {
        text.push_str(&format!("samples = {}\n", samples(rng, wild)));
    }
    if rng.random_bool(0.3) {
        let baseline = if !wild {
            pick(rng, &["0", "1", "2"])
        } else {
            pick(rng, &["3", "4", "7", "199", "-1", "1e6", "\"x\""])
        };
        text.push_str(&format!("baseline = {baseline}\n"));
    }
    let count = if wild {
        rng.random_range(0..=4)
    } else {
        [1, 1, 2, 2, 3][rng.random_range(0..5)]
    };
    let others: Vec<String> = base.params.iter().map(|(_, v)| v.clone()).collect();
    let sweepable = sweepable(base);
    let design = Design {
        study,
        sampled,
        wild,
    };
    for _ in 0..count {
        text.push_str(&parameter(rng, &sweepable, &others, design));
    }
    text
}

/// The design's method, if the table names one (a wild one may name no
/// design, or not as a string).
fn method(rng: &mut StreamRng, wild: bool) -> Option<&'static str> {
    match rng.random_range(0..if wild { 48 } else { 46 }) {
        0..10 => None,
        10..18 => Some("\"grid\""),
        18..28 => Some("\"latin_hypercube\""),
        28..38 => Some("\"random\""),
        38..42 => Some("\"sobol\""),
        42..46 => Some("\"morris\""),
        46 => Some("\"fast\""),
        _ => Some("3"),
    }
}

/// A sample count: a small one, or in a wild sweep now and then one out of
/// range or of the wrong type.
fn samples(rng: &mut StreamRng, wild: bool) -> &'static str {
    if !wild || rng.random_bool(0.5) {
        pick(rng, &["1", "2", "3", "5", "10", "40"])
    } else {
        pick(
            rng,
            &[
                "0",
                "-1",
                "1.5",
                "200",
                "201",
                "1000000000",
                "18446744073709551615",
            ],
        )
    }
}

/// The base scenario's parameters a sweep may take, with their values.
fn sweepable(base: &Base) -> Vec<&(String, String)> {
    // A calibrated segment's targets hold together (they sum to 1) and
    // solve its open-weights preference: a sweep of one of them alone is
    // refused by design (tests/it/calibration.rs), so they are not swept
    // here, where most sweeps should run.
    let solved = |path: &str| {
        path.strip_suffix("open_weights_preference")
            .is_some_and(|segment| {
                (base.params.iter()).any(|(other, _)| {
                    other.strip_suffix("open_weights_share_target") == Some(segment)
                })
            })
    };
    (base.params.iter())
        .filter(|(path, _)| {
            !path.contains(".share_targets.")
                && !path.ends_with(".open_weights_share_target")
                && !solved(path)
        })
        .collect()
}

/// What a sweep's parameters may be.
#[derive(Clone, Copy)]
struct Design {
    /// A sensitivity study: parameters may be grouped, or bare paths.
    study: bool,
    /// A sampled design (or a study): intervals are likelier.
    sampled: bool,
    /// Anything may be wrong.
    wild: bool,
}

/// One `[[sweep.parameters]]` table: mostly one of the `sweepable`
/// parameters, in a wild sweep now and then an odd or deep path, with
/// values, a range or an interval (or, in a study, none: a bare path).
fn parameter(
    rng: &mut StreamRng,
    sweepable: &[&(String, String)],
    others: &[String],
    design: Design,
) -> String {
    let Design {
        study,
        sampled,
        wild,
    } = design;
    let (path, current) = if !wild || rng.random_bool(0.8) {
        sweepable[rng.random_range(0..sweepable.len())].clone()
    } else if rng.random_bool(0.9) {
        (pick(rng, &ODD_PATHS).to_string(), String::new())
    } else {
        (palette::deep_path(rng), String::new())
    };
    let mut text = format!("\n[[sweep.parameters]]\npath = {path:?}\n");
    if study && rng.random_bool(0.3) {
        text.push_str(&format!("group = {:?}\n", pick(rng, &["g", "h"])));
    }
    // Intervals mostly where a sampled design can take them; a study's
    // parameter may be a bare path (its declared plausible range).
    let interval_share = if sampled { 10 } else { 1 };
    let form = rng.random_range(0..20);
    if study && form >= 16 {
        return text;
    }
    text.push_str(&if form < interval_share {
        interval(rng, &current, wild)
    } else if form < 14 {
        values(rng, &path, &current, others, wild)
    } else {
        range(rng, &current, wild)
    });
    text
}

/// A sensitivity design's own fields: its size, and now and then the
/// outputs it analyses and a contrast.
fn study_fields(rng: &mut StreamRng, sobol: bool, wild: bool) -> String {
    let mut text = if sobol {
        let samples = if wild && rng.random_bool(0.3) {
            pick(rng, &["0", "3", "6", "131072", "-2", "1.5"])
        } else {
            pick(rng, &["2", "4", "8"])
        };
        let mut text = format!("samples = {samples}\n");
        if rng.random_bool(0.3) {
            text.push_str("second_order = true\n");
        }
        text
    } else {
        let trajectories = if wild && rng.random_bool(0.3) {
            pick(rng, &["0", "1", "-3", "2000000"])
        } else {
            pick(rng, &["2", "3", "5"])
        };
        let mut text = format!("trajectories = {trajectories}\n");
        if rng.random_bool(0.3) {
            let levels = if wild {
                pick(rng, &["3", "0", "1002", "6"])
            } else {
                pick(rng, &["2", "4", "6"])
            };
            text.push_str(&format!("levels = {levels}\n"));
        }
        text
    };
    if rng.random_bool(0.3) {
        let metric = if wild {
            pick(
                rng,
                &[
                    "share_all:meta",
                    "nothing",
                    "incidents:all",
                    "share_all:nobody",
                    "delay_days_mean",
                ],
            )
        } else {
            pick(rng, &["share_all", "delay_days_mean", "incidents_api:all"])
        };
        text.push_str(&format!("metrics = [{metric:?}]\n"));
    }
    if rng.random_bool(0.3) {
        let (path, from, to) = if wild && rng.random_bool(0.5) {
            (
                pick(rng, &["review.window_days", "simulation.seed", "nowhere.x"]),
                "0",
                "0",
            )
        } else {
            (
                pick(rng, &["review.window_days", "review.on_expiry"]),
                "0",
                "30",
            )
        };
        let (from, to) = if path == "review.on_expiry" {
            ("\"release\"", "\"hold\"")
        } else {
            (from, to)
        };
        text.push_str(&format!(
            "contrast = {{ path = {path:?}, from = {from}, to = {to} }}\n"
        ));
    }
    text
}

fn values(rng: &mut StreamRng, path: &str, current: &str, others: &[String], wild: bool) -> String {
    if wild {
        match rng.random_range(0..10) {
            0 => return "values = []\n".into(),
            1 => return "values = 3\n".into(),
            _ => {}
        }
    }
    let n = [1, 2, 2, 3, 3, 5, 10, 30][rng.random_range(0..8)];
    let list: Vec<String> = (0..n)
        .map(|_| {
            let value = if wild {
                palette::value(rng, path, current, others)
            } else {
                palette::plausible(rng, path, current).unwrap_or_else(|| current.to_string())
            };
            // As `--set` reads it (a bare word is text), then written as TOML.
            inline(&parse_value(&value))
        })
        .collect();
    format!("values = [{}]\n", list.join(", "))
}

/// A value as inline TOML (a table on one line).
fn inline(value: &Value) -> String {
    match value {
        Value::Table(table) => {
            let entries: Vec<String> = table
                .iter()
                .map(|(key, value)| format!("{key:?} = {}", inline(value)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

fn range(rng: &mut StreamRng, current: &str, wild: bool) -> String {
    let form = if wild { rng.random_range(0..4) } else { 0 };
    let (from, to, step) = match (form, current.parse::<f64>()) {
        (0 | 1, Ok(x)) => {
            let (from, to) = if x > 0.0 {
                (x * 0.5, x * 2.0)
            } else {
                (0.0, 1.0)
            };
            let steps = [1.0, 2.0, 4.0, 9.0][rng.random_range(0..4)];
            let step = (to - from) / steps;
            if x.fract() == 0.0 && step.fract() == 0.0 && step > 0.0 {
                (number(from), number(to), number(step))
            } else {
                (format!("{from:?}"), format!("{to:?}"), format!("{step:?}"))
            }
        }
        (0 | 1, _) => ("1".to_string(), "3".to_string(), "1".to_string()),
        (2, _) => {
            let dates = [
                "2026-07-01",
                "2027-01-01",
                "0001-01-01",
                "9999-12-31",
                "2026-06-02",
            ];
            let steps = ["30", "1", "0", "-5", "1.5", "100000", "9223372036854775807"];
            (
                pick(rng, &dates).to_string(),
                pick(rng, &dates).to_string(),
                pick(rng, &steps).to_string(),
            )
        }
        _ => (
            pick(rng, &RANGE_NUMBERS).to_string(),
            pick(rng, &RANGE_NUMBERS).to_string(),
            pick(rng, &RANGE_NUMBERS).to_string(),
        ),
    };
    let mut text = String::new();
    for (key, value) in [("from", from), ("to", to), ("step", step)] {
        if !wild || rng.random_bool(0.9) {
            text.push_str(&format!("{key} = {value}\n"));
        }
    }
    text
}

fn interval(rng: &mut StreamRng, current: &str, wild: bool) -> String {
    let (low, high) = match (!wild || rng.random_bool(0.5), current.parse::<f64>()) {
        (true, Ok(x)) if x >= 2.0 => (number((x * 0.5).floor()), number((x * 2.0).ceil())),
        (true, _) => ("1".to_string(), "10".to_string()),
        _ => (
            pick(rng, &NUMBERS).to_string(),
            pick(rng, &NUMBERS).to_string(),
        ),
    };
    let mut text = format!("low = {low}\nhigh = {high}\n");
    for key in ["log", "integer"] {
        match rng.random_range(0..20) {
            0..6 => text.push_str(&format!("{key} = true\n")),
            6..9 => text.push_str(&format!("{key} = false\n")),
            9 if wild => text.push_str(&format!("{key} = \"yes\"\n")),
            _ => {}
        }
    }
    text
}

/// One scenario and sweep; sometimes `--set` edits the sweep too.
fn case(bases: &[Base], rng: &mut StreamRng) -> Input {
    let plain: Vec<&Base> = bases
        .iter()
        .filter(|b| !b.table.contains_key("sweep"))
        .collect();
    let base = plain[rng.random_range(0..plain.len())];
    let wild = rng.random_bool(0.4);
    let text = toml::to_string(&base.table).unwrap() + &sweep(rng, base, wild);
    let horizon = pick(rng, &["30", "90", "180", "365"]);
    let mut overrides = vec![format!("simulation.horizon_days={horizon}")];
    if wild && rng.random_bool(0.2) {
        overrides.push(
            pick(
                rng,
                &[
                    "sweep.baseline=1",
                    "sweep.method=random",
                    "sweep.samples=3",
                    "sweep.samples=-3",
                    "sweep=1",
                    "sweep.parameters=[]",
                    "simulation.replications=1000000",
                ],
            )
            .to_string(),
        );
    }
    Input {
        file: base.file.clone(),
        text,
        overrides,
        recording: recording(rng),
    }
}

#[test]
fn generated_sweeps_are_refused_with_a_message_or_their_first_points_run() {
    let bases = bases();
    let mut tally = Tally::new("sweeps");
    for case_number in case_numbers(cases().div_ceil(SWEEPS_PER_VARIANT)) {
        let input = case(&bases, &mut case_rng(GENERATOR, case_number));
        if !tally.check(case_number, input) {
            break;
        }
    }
    let (checked, ran) = (tally.cases, tally.ran);
    tally.finish();
    assert!(
        checked < 100 || ran * 5 >= checked,
        "only {ran} of {checked} sweeps ran"
    );
}
