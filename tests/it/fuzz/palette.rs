//! Values to write where the scenario expects something else: numbers at
//! and beyond every range, other types, distributions of other families,
//! dates, lists and tables, as `--set` would read them.

use rand::RngExt;
use reviewsim::engine::StreamRng;

/// Numbers at the edges of what a float or a TOML integer holds, and of
/// the documented ranges.
pub const NUMBERS: [&str; 40] = [
    "0",
    "-0.0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e-9",
    "1e-300",
    "5e-324",
    "-5e-324",
    "1e300",
    "-1e300",
    "1e20",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "9007199254740992",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "4294967295",
    "4294967296",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "36500",
    "36500.000001",
    "1e6",
    "1000001",
    "1e12",
    "1000000000001",
    "1e18",
    "0.9999999999999999",
    "1.0000000000000002",
    "0.041666666666666664",
    "365",
    "1e4",
    "-100.00000000000001",
];

/// Values of other types.
const OTHER_TYPES: [&str; 16] = [
    "true",
    "false",
    "\"text\"",
    "\"\"",
    "word",
    "[]",
    "[1, 2]",
    "[[]]",
    "{}",
    "{ a = 1 }",
    "2026-06-02T10:00:00",
    "10:30:00",
    "1979-05-27T07:32:00Z",
    "\"2026-09-01\"",
    "\"30\"",
    "'single'",
];

/// Dates and day numbers, valid and not.
pub const DATES: [&str; 12] = [
    "2026-09-01",
    "2026-06-02",
    "2026-06-01",
    "1970-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2126-06-02",
    "2026-06-02T23:59:59",
    "-1",
    "1e300",
    "nan",
];

/// Distributions of every family, with parameters at and beyond the edges.
pub const DISTRIBUTIONS: [&str; 36] = [
    "{ dist = \"lognormal\", median = 1, sigma = 30 }",
    "{ dist = \"lognormal\", median = 1, sigma = 1e10 }",
    "{ dist = \"lognormal\", median = 1e300, sigma = 0 }",
    "{ dist = \"lognormal\", median = 5e-324, sigma = 1 }",
    "{ dist = \"lognormal\", mean = 1e300, sd = 1e300 }",
    "{ dist = \"lognormal\", mean = 1, sd = 1e300 }",
    "{ dist = \"lognormal\", mean = 10, sd = 0 }",
    "{ dist = \"lognormal\", median = 10 }",
    "{ dist = \"lognormal\", median = 10, sigma = 1, mean = 3, sd = 1 }",
    "{ dist = \"gamma\", mean = 1, cv = 1e-10 }",
    "{ dist = \"gamma\", mean = 90, cv = 1e4 }",
    "{ dist = \"gamma\", mean = 90, cv = 1e-200 }",
    "{ dist = \"gamma\", mean = 1e300, cv = 1e300 }",
    "{ dist = \"gamma\", mean = 5e-324, cv = 1 }",
    "{ dist = \"gamma\", mean = 30, cv = 3 }",
    "{ dist = \"uniform\", low = 0, high = 1e308 }",
    "{ dist = \"uniform\", low = 0, high = 1.7976931348623157e308 }",
    "{ dist = \"uniform\", low = 1e308, high = 1.7e308 }",
    "{ dist = \"uniform\", low = 5, high = 5 }",
    "{ dist = \"uniform\", low = 7, high = 5 }",
    "{ dist = \"exponential\", mean = 5e-324 }",
    "{ dist = \"exponential\", mean = 1e300 }",
    "{ dist = \"exponential\", mean = 1 }",
    "{ dist = \"triangular\", min = 0, mode = 0, max = 1e-300 }",
    "{ dist = \"triangular\", min = 0, mode = 1e308, max = 1.7e308 }",
    "{ dist = \"triangular\", min = 3, mode = 3, max = 3 }",
    "{ dist = \"constant\", value = 0 }",
    "{ dist = \"constant\", value = 1e300 }",
    "{ dist = \"dates\", dates = [] }",
    "{ dist = \"dates\", dates = [0, 0, 0] }",
    "{ dist = \"dates\", dates = [2026-09-01, 120] }",
    "{ dist = \"dates\", dates = [1e300, 2026-07-01] }",
    "{ dist = \"dates\", dates = [36500, 36500.5, 1e300] }",
    "{ dist = \"nope\", mean = 1 }",
    "{ dist = \"gamma\" }",
    "{ dist = \"gamma\", mean = 10, cv = 1, shape = 2 }",
];

/// Words the scenario's enumerations take, and near misses.
const WORDS: [&str; 16] = [
    "release",
    "hold",
    "submission",
    "review_start",
    "wait",
    "expected",
    "stochastic",
    "ready",
    "api",
    "open_weights",
    "us",
    "foreign",
    "fifo",
    "lifo",
    "Release",
    "open-weights",
];

/// Lists for the list-valued parameters.
const LISTS: [&str; 10] = [
    "[api]",
    "[open_weights, api, api]",
    "[us, foreign]",
    "[foreign]",
    "[enterprise]",
    "[enterprise, enterprise, consumer]",
    "[nobody]",
    "[2026-09-01, 120]",
    "[\"api\", 3]",
    "[[api]]",
];

/// Tables for the table-valued parameters (participation, threshold,
/// directive, reputation).
const TABLES: [&str; 16] = [
    "{ signed = true }",
    "{ signed = false }",
    "{ from = 2026-09-01 }",
    "{ from = 1e300 }",
    "{ from = nan }",
    "{ signed = true, from = 3 }",
    "{ signing = { base_rate_per_day = 1e300, peer_weight = 1e300, pressure_weight = 1e300 } }",
    "{ signing = { base_rate_per_day = 0, peer_weight = 0, pressure_weight = 0 } }",
    "{ signing = { base_rate_per_day = 1, peer_weight = 1, pressure_weight = 1 }, carve_out = [\"open_weights\", \"api\"] }",
    "{ within_months_of_frontier = 1.7976931348623157e308 }",
    "{ min_capability = -1e300 }",
    "{ min_capability = 1, within_months_of_frontier = 2 }",
    "{ mandatory_review = true, suspend_api = true, suspend_regions = [\"us\", \"foreign\"], suspension_days = 36500 }",
    "{ meta = 100, openai = -100 }",
    "{ nobody = 1 }",
    "{ meta = inf }",
];

/// Ids, valid and not.
pub const IDS: [&str; 12] = [
    "all",
    "\"\"",
    "\"A\"",
    "\"a.b\"",
    "\"x-y\"",
    "\"1abc\"",
    "\"é\"",
    "\"a b\"",
    "\"share\"",
    "\"meta\"",
    "\"threat\"",
    "\"x_1\"",
];

fn pick<'a>(rng: &mut StreamRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// A number near `current`: scaled (`mild`: by a factor from 0 to 2),
/// negated, nudged, or made whole.
fn near(rng: &mut StreamRng, current: f64, mild: bool) -> String {
    let factors: &[f64] = if mild {
        &[0.0, 0.5, 0.9, 0.999, 1.001, 1.1, 2.0]
    } else {
        &[-1.0, 1e-9, 0.001, 10.0, 1e3, 1e6, 1e15]
    };
    let value = current * factors[rng.random_range(0..factors.len())];
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:?}")
    }
}

/// The words each enumerated parameter takes, by the end of its path.
const ENUMS: [(&str, &[&str]); 11] = [
    (".access", &["api", "open_weights"]),
    (".jurisdiction", &["us", "foreign"]),
    (".region", &["us", "foreign"]),
    (".next_cycle_starts", &["ready", "release"]),
    (".on_expiry", &["release", "hold"]),
    (".clock_start", &["submission", "review_start"]),
    (".before_operational", &["release", "wait"]),
    (".mode", &["expected", "stochastic"]),
    (".discipline", &["fifo"]),
    (".covered_access", &["[api]", "[open_weights]", "[]"]),
    (
        ".covered_jurisdictions",
        &["[us]", "[foreign]", "[us, foreign]"],
    ),
];

/// Distributions that validate wherever durations are allowed.
const PLAUSIBLE_DISTRIBUTIONS: [&str; 8] = [
    "{ dist = \"gamma\", mean = 30, cv = 3 }",
    "{ dist = \"gamma\", mean = 90, cv = 1e-10 }",
    "{ dist = \"lognormal\", median = 10, sigma = 30 }",
    "{ dist = \"lognormal\", mean = 20, sd = 200 }",
    "{ dist = \"exponential\", mean = 5 }",
    "{ dist = \"uniform\", low = 0, high = 1e308 }",
    "{ dist = \"triangular\", min = 0, mode = 0, max = 1e-300 }",
    "{ dist = \"constant\", value = 0 }",
];

/// A value of the parameter's own kind that may well validate: a number
/// near the current one, another word of its enumeration, a distribution of
/// another family. `None` where there is no such value to offer.
pub fn plausible(rng: &mut StreamRng, path: &str, current: &str) -> Option<String> {
    if let Some((_, words)) = ENUMS.iter().find(|(key, _)| path.ends_with(key)) {
        return Some(pick(rng, words).to_string());
    }
    if let Ok(number) = current.parse::<f64>() {
        return Some(near(rng, number, true));
    }
    if current.starts_with("{ dist") {
        return Some(pick(rng, &PLAUSIBLE_DISTRIBUTIONS).to_string());
    }
    if current.len() == 10 && current.as_bytes().get(4) == Some(&b'-') {
        return Some(pick(rng, &DATES[..3]).to_string());
    }
    if current == "true" || current == "false" {
        return Some(pick(rng, &["true", "false"]).to_string());
    }
    None
}

/// A value to write at a parameter whose current value reads `current`:
/// often one that may well validate (a number near the current one, a
/// distribution of another family), otherwise anything.
pub fn value(rng: &mut StreamRng, path: &str, current: &str, others: &[String]) -> String {
    if rng.random_bool(0.6)
        && let Some(value) = plausible(rng, path, current)
    {
        return value;
    }
    if rng.random_bool(0.5) {
        if let Ok(number) = current.parse::<f64>() {
            return if rng.random_bool(0.5) {
                near(rng, number, false)
            } else {
                pick(rng, &NUMBERS).to_string()
            };
        }
        if current.starts_with("{ dist") {
            return pick(rng, &DISTRIBUTIONS).to_string();
        }
        if current.len() == 10 && current.as_bytes().get(4) == Some(&b'-') {
            return pick(rng, &DATES).to_string();
        }
        if current.starts_with('[') {
            return pick(rng, &LISTS).to_string();
        }
        if current.starts_with('{') {
            return pick(rng, &TABLES).to_string();
        }
        if current == "true" || current == "false" {
            return pick(rng, &["1", "\"true\""]).to_string();
        }
        return pick(rng, &WORDS).to_string();
    }
    match rng.random_range(0..9) {
        0 if rng.random_bool(0.05) => nested(rng),
        0 => pick(rng, &NUMBERS).to_string(),
        1 => pick(rng, &OTHER_TYPES).to_string(),
        2 => pick(rng, &DATES).to_string(),
        3 => pick(rng, &DISTRIBUTIONS).to_string(),
        4 => pick(rng, &WORDS).to_string(),
        5 => pick(rng, &LISTS).to_string(),
        6 => pick(rng, &TABLES).to_string(),
        7 if !others.is_empty() => others[rng.random_range(0..others.len())].clone(),
        _ => format!("\"{}\"", "x".repeat(rng.random_range(0..2000))),
    }
}

/// Brackets or braces nested up to 40,000 deep, as a `--set` value.
fn nested(rng: &mut StreamRng) -> String {
    let depth = [100, 5_000, 40_000][rng.random_range(0..3)];
    if rng.random_bool(0.5) {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}1{}", "{ a = ".repeat(depth), " }".repeat(depth))
    }
}

/// A parameter path of up to 20,000 dotted names.
pub fn deep_path(rng: &mut StreamRng) -> String {
    vec!["a"; [17, 100, 20_000][rng.random_range(0..3)]].join(".")
}
