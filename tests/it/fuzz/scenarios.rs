//! Mutated shipped scenarios: each variant is a shipped scenario (its
//! `extends` resolved), sometimes edited in structure (sections removed,
//! lists emptied or multiplied, keys dropped or misspelt, tables replaced by
//! scalars), then given a short horizon and one to six `--set` overrides
//! with values drawn across and beyond the allowed ranges.

use rand::RngExt;
use reviewsim::engine::StreamRng;
use reviewsim::experiment::{Experiment, Limits};
use reviewsim::model::Recording;
use reviewsim::params::list;
use reviewsim::scenario::resolve_table;
use toml::{Table, Value};

use super::harness::{Input, SCENARIOS, case_numbers, case_rng, cases};
use super::palette::{self, IDS};
use super::tally::Tally;

/// Generator number in the case seeds.
const GENERATOR: u64 = 1;

/// A shipped scenario, resolved, with its parameters.
pub struct Base {
    /// Its path.
    pub file: String,
    /// Its text as a table, `extends` followed.
    pub table: Table,
    /// Every parameter path with its value rendered, and the paths of its
    /// distributions and one-of tables, whose value is a table.
    pub params: Vec<(String, String)>,
}

/// Every shipped scenario, in name order.
pub fn bases() -> Vec<Base> {
    let mut files: Vec<_> = std::fs::read_dir(SCENARIOS)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let table = resolve_table(&text, &file).unwrap();
            let experiment = Experiment::from_toml(&text, &file, &[], Limits::default()).unwrap();
            let mut params: Vec<(String, String)> = list(experiment.base.resolved())
                .into_iter()
                .map(|p| (p.path, p.value))
                .collect();
            let mut parents = Vec::new();
            for (path, _) in &params {
                for table_key in [".dist", ".signed", ".from", ".signing.base_rate_per_day"] {
                    if let Some(parent) = path.strip_suffix(table_key) {
                        let marker = if table_key == ".dist" { "{ dist" } else { "{" };
                        let parent = parent.trim_end_matches(".signing");
                        parents.push((parent.to_string(), marker.to_string()));
                    }
                }
                for table_key in ["review.threshold", "escalation.directive"] {
                    if path.starts_with(table_key) {
                        parents.push((table_key.to_string(), "{".to_string()));
                    }
                }
            }
            parents.sort();
            parents.dedup();
            params.extend(parents);
            Base {
                file,
                table,
                params,
            }
        })
        .collect()
}

/// Paths no scenario lists: whole tables and elements, unknown keys, ids,
/// the sweep, and malformed arguments.
const ODD_PATHS: [&str; 22] = [
    "review",
    "review.tracks",
    "review.tracks.threat",
    "labs.openai",
    "labs.nobody.participation.signed",
    "simulation.unknown",
    "unknown",
    "labs.openai.lines.gpt.cadence_days.shape",
    "market.segments.consumer.reputation.nobody",
    "sweep.baseline",
    "sweep.parameters",
    "extends",
    " review . window_days ",
    "review..window_days",
    "labs.openai.lines.gpt.id",
    "labs.meta.id",
    "market.segments.consumer.id",
    "review.tracks.threat.id",
    "escalation.directive",
    "review.threshold",
    "labs.openai.lines",
    "market.segments",
];

/// Horizons that keep a replication cheap, the first override of a variant.
const HORIZONS: [&str; 7] = ["1", "7", "30", "90", "180", "365", "730"];

/// One variant.
pub fn variant(bases: &[Base], rng: &mut StreamRng) -> Input {
    let base = &bases[rng.random_range(0..bases.len())];
    let mut table = base.table.clone();
    if rng.random_bool(0.25) {
        for _ in 0..rng.random_range(1..=2) {
            edit(rng, &mut table);
        }
    }
    let text = toml::to_string(&table).unwrap();
    let mut overrides = vec![format!(
        "simulation.horizon_days={}",
        HORIZONS[rng.random_range(0..HORIZONS.len())]
    )];
    let others: Vec<String> = base.params.iter().map(|(_, v)| v.clone()).collect();
    let mutations = [1, 1, 1, 2, 2, 3, 4, 6][rng.random_range(0..8)];
    for _ in 0..mutations {
        let (path, current) = if rng.random_bool(0.9) {
            base.params[rng.random_range(0..base.params.len())].clone()
        } else if rng.random_bool(0.95) {
            let path = ODD_PATHS[rng.random_range(0..ODD_PATHS.len())];
            (path.to_string(), String::new())
        } else {
            (palette::deep_path(rng), String::new())
        };
        let value = if path.ends_with(".id") {
            IDS[rng.random_range(0..IDS.len())].to_string()
        } else {
            palette::value(rng, &path, &current, &others)
        };
        overrides.push(match rng.random_range(0..200) {
            0 => path,                // no value
            1 => format!("={value}"), // no path
            _ => format!("{path}={value}"),
        });
    }
    Input {
        file: base.file.clone(),
        text,
        overrides,
        recording: recording(rng),
    }
}

/// Mostly outcomes only; sometimes the event log, sometimes time series.
pub fn recording(rng: &mut StreamRng) -> Recording {
    match rng.random_range(0..10) {
        0..7 => Recording::NONE,
        7 | 8 => Recording::EVENTS,
        _ => Recording {
            events: rng.random_bool(0.5),
            timeseries_every_days: Some([1, 7, 30][rng.random_range(0..3)]),
        },
    }
}

/// One structural edit: a top-level section removed, or an edit at a
/// random place in the tree.
fn edit(rng: &mut StreamRng, table: &mut Table) {
    if rng.random_bool(0.3) {
        let keys: Vec<String> = table.keys().cloned().collect();
        if !keys.is_empty() {
            table.remove(&keys[rng.random_range(0..keys.len())]);
        }
        return;
    }
    let mut root = Value::Table(std::mem::take(table));
    edit_at(rng, &mut root);
    if let Value::Table(edited) = root {
        *table = edited;
    }
}

/// Walks down to a random node and edits it.
fn edit_at(rng: &mut StreamRng, value: &mut Value) {
    match value {
        Value::Table(table) if !table.is_empty() && rng.random_bool(0.6) => {
            let keys: Vec<String> = table.keys().cloned().collect();
            let key = &keys[rng.random_range(0..keys.len())];
            edit_at(rng, table.get_mut(key).unwrap());
        }
        Value::Array(items) if !items.is_empty() && rng.random_bool(0.6) => {
            let index = rng.random_range(0..items.len());
            edit_at(rng, &mut items[index]);
        }
        Value::Table(table) => edit_table(rng, table),
        Value::Array(items) => edit_array(rng, items),
        scalar => {
            *scalar = match rng.random_range(0..4) {
                0 => Value::Table(Table::new()),
                1 => Value::Array(Vec::new()),
                2 => Value::Float(f64::NAN),
                _ => Value::String(String::new()),
            }
        }
    }
}

fn edit_table(rng: &mut StreamRng, table: &mut Table) {
    let keys: Vec<String> = table.keys().cloned().collect();
    if keys.is_empty() {
        table.insert("unexpected".into(), Value::Integer(1));
        return;
    }
    let key = keys[rng.random_range(0..keys.len())].clone();
    match rng.random_range(0..4) {
        0 => {
            table.remove(&key);
        }
        1 => {
            let child = table.remove(&key).unwrap();
            table.insert(format!("{key}_x"), child);
        }
        2 => {
            table.insert(key, Value::Integer(rng.random_range(-3..=3)));
        }
        _ => {
            table.insert(key, Value::Table(Table::new()));
        }
    }
}

/// Empties a list, drops an element, or copies one up to 60 times with
/// fresh, repeated or invalid ids.
fn edit_array(rng: &mut StreamRng, items: &mut Vec<Value>) {
    if items.is_empty() {
        items.push(Value::Integer(1));
        return;
    }
    match rng.random_range(0..4) {
        0 => items.clear(),
        1 => {
            items.remove(rng.random_range(0..items.len()));
        }
        _ => {
            let index = rng.random_range(0..items.len());
            let copies = [1, 2, 5, 20, 60][rng.random_range(0..5)];
            let id_kind = rng.random_range(0..10);
            for copy in 0..copies {
                let mut item = items[index].clone();
                if let Value::Table(table) = &mut item {
                    let id = match id_kind {
                        0 => None, // the same id again
                        1 => {
                            let id = IDS[rng.random_range(0..IDS.len())];
                            Some(id.trim_matches('"').to_string())
                        }
                        _ => Some(format!("copy{copy}")),
                    };
                    if let Some(id) = id {
                        table.insert("id".into(), Value::String(id));
                    }
                }
                items.push(item);
            }
        }
    }
}

#[test]
fn mutated_scenarios_are_refused_with_a_message_or_run_to_finite_numbers() {
    let bases = bases();
    let mut tally = Tally::new("scenarios");
    for case in case_numbers(cases()) {
        let input = variant(&bases, &mut case_rng(GENERATOR, case));
        if !tally.check(case, input) {
            break;
        }
    }
    let (checked, ran) = (tally.cases, tally.ran);
    tally.finish();
    // The generator must reach the model, not only the validator.
    assert!(
        checked < 100 || ran * 5 >= checked,
        "only {ran} of {checked} variants ran"
    );
}
