//! `reviewsim params`: every parameter with its value, unit, plausible range,
//! source and meaning — the menu for `--set`, sweeps and sensitivity
//! analysis — and the catalogue of declarations behind MODEL.md's table.
//!
//! Everything here comes from the declarations of the scenario's sections
//! (see [`crate::scenario::declare`]): a parameter is documented where it is
//! declared, and nowhere else.

use toml::Value;

use crate::scenario::Settings;
use crate::scenario::declare::{Declaration, Section, Source};
use crate::scenario::render;

/// One parameter of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Path for `--set` and sweeps.
    pub path: String,
    /// Generic path (ids as `*`).
    pub generic: String,
    /// The value in the resolved scenario.
    pub value: String,
    /// What its declaration says (empty meaning when it has none).
    pub entry: Entry,
}

/// A declared parameter under its generic path: what `params` shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Generic path (ids as `*`).
    pub generic: String,
    /// Unit or kind of value.
    pub unit: &'static str,
    /// One-line meaning.
    pub meaning: String,
    /// Default as written (empty when required or absent).
    pub default: String,
    /// Must be written.
    pub required: bool,
    /// The values allowed, in words.
    pub allowed: String,
    /// The range to explore when uncertain.
    pub plausible: Option<(f64, f64)>,
    /// Explore it on a log scale.
    pub log_scale: bool,
    /// Where the default comes from.
    pub source: Source,
}

impl Entry {
    fn of(generic: String, declaration: &Declaration) -> Self {
        let meta = &declaration.meta;
        Entry {
            generic,
            unit: meta.unit,
            meaning: declaration.meaning.clone(),
            default: declaration.default.clone(),
            required: meta.required,
            allowed: meta
                .allowed
                .as_ref()
                .map(|a| a.says.trim_start_matches("must be ").to_string())
                .unwrap_or_default(),
            plausible: meta.plausible,
            log_scale: meta.log_scale,
            source: meta.source.clone(),
        }
    }

    /// The plausible range as text: `0.2–0.9`, with `(log)` on a log scale.
    pub fn plausible_text(&self) -> String {
        match self.plausible {
            None => String::new(),
            Some((low, high)) => format!(
                "{}–{}{}",
                number(low),
                number(high),
                if self.log_scale { " (log)" } else { "" }
            ),
        }
    }
}

/// Fields of a distribution table, documented once for every distribution
/// parameter (the unit is the parameter's own).
const DIST_FIELDS: &[(&str, &str)] = &[
    (
        "dist",
        "distribution: constant, uniform, exponential, gamma, lognormal, triangular, dates",
    ),
    ("value", "the constant value"),
    ("low", "lower end (uniform)"),
    ("high", "upper end (uniform)"),
    ("mean", "mean"),
    ("cv", "coefficient of variation, sd / mean (gamma)"),
    ("median", "median (lognormal)"),
    ("sigma", "sd of the logarithm (lognormal)"),
    ("sd", "standard deviation (lognormal)"),
    ("min", "minimum (triangular)"),
    ("mode", "most likely value (triangular)"),
    ("max", "maximum (triangular)"),
    ("dates", "fixed schedule of dates or day numbers"),
];

/// Every declared parameter, nested sections flattened, under its generic
/// path (entries of lists as `*`), in declaration order.
pub fn catalogue() -> Vec<Entry> {
    let mut entries = Vec::new();
    flatten(&<Settings as Section>::declarations(), "", &mut entries);
    entries
}

fn flatten(declarations: &[Declaration], path: &str, out: &mut Vec<Entry>) {
    for declaration in declarations {
        let at = join(path, declaration.key);
        if declaration.meta.nested {
            let child = if declaration.list { join(&at, "*") } else { at };
            flatten(&declaration.children, &child, out);
        } else {
            out.push(Entry::of(at, declaration));
        }
    }
}

/// What the declarations say of a generic path: a parameter, a field of a
/// distribution parameter, or an entry of a map keyed by id.
pub fn documentation(generic: &str) -> Option<Entry> {
    let entries = catalogue();
    if let Some(entry) = entries.iter().find(|e| e.generic == generic) {
        return Some(entry.clone());
    }
    let (parent, field) = generic.rsplit_once('.')?;
    // Entries of a map keyed by id (reputation per lab) share one entry.
    if let Some(entry) = entries
        .iter()
        .find(|e| e.generic == parent && e.unit.contains("per lab id"))
    {
        return Some(Entry {
            generic: generic.to_string(),
            ..entry.clone()
        });
    }
    let entry = entries.iter().find(|e| e.generic == parent)?;
    let (_, meaning) = DIST_FIELDS.iter().find(|(name, _)| *name == field)?;
    let unit = if matches!(field, "dist" | "cv" | "sigma") {
        ""
    } else {
        entry.unit
    };
    Some(Entry {
        generic: generic.to_string(),
        unit,
        meaning: (*meaning).to_string(),
        default: String::new(),
        required: false,
        allowed: String::new(),
        plausible: None,
        log_scale: false,
        source: entry.source.clone(),
    })
}

/// Every leaf parameter of a resolved scenario, in declaration order. A
/// parameter with an interval in the scenario's `[fitted]` table takes it
/// as its plausible range, and the fit as its source.
pub fn list(settings: &Settings) -> Vec<Param> {
    let mut params = Vec::new();
    if let Ok(Value::Table(mut table)) = Value::try_from(settings) {
        // The intervals describe other parameters; they are not parameters.
        table.remove("fitted");
        let declarations = <Settings as Section>::declarations();
        walk(&table, &declarations, "", "", &mut params);
    }
    let solved: Vec<(String, f64)> = (settings.market.iter())
        .flat_map(|market| &market.segments)
        .filter(|segment| segment.open_weights_share_target.is_some())
        .map(|segment| {
            let path = format!("market.segments.{}.open_weights_preference", segment.id);
            (path, segment.open_weights_utility)
        })
        .collect();
    for param in &mut params {
        if let Some((_, value)) = solved.iter().find(|(path, _)| *path == param.path) {
            param.value = number(*value);
            param.entry.plausible = None;
            param.entry.source = Source::Fitted(
                "solved at validation so that the segment's open-weights share is its \
                 open_weights_share_target (data/market_targets.csv)"
                    .into(),
            );
        }
        if let Some(range) = settings.fitted.get(&param.path) {
            param.entry.plausible = Some((range.low, range.high));
            param.entry.log_scale = false;
            param.entry.source = Source::Fitted(range.source.clone().into());
        }
    }
    params
}

/// The paths of `[fitted]` that name no parameter of the scenario: they
/// describe nothing, and no range is taken from them.
pub fn unused_fitted(settings: &Settings) -> Vec<String> {
    let params = list(settings);
    settings
        .fitted
        .keys()
        .filter(|path| !params.iter().any(|p| &&p.path == path))
        .cloned()
        .collect()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The parameters of a section's table, in the order of its declarations.
fn walk(
    table: &toml::Table,
    declarations: &[Declaration],
    path: &str,
    generic: &str,
    out: &mut Vec<Param>,
) {
    for declaration in declarations {
        let Some(value) = table.get(declaration.key) else {
            continue;
        };
        let (at, generic_at) = (join(path, declaration.key), join(generic, declaration.key));
        match value {
            Value::Table(inner) if declaration.meta.nested => {
                walk(inner, &declaration.children, &at, &generic_at, out)
            }
            Value::Array(items)
                if declaration.meta.nested && items.iter().all(|item| item.get("id").is_some()) =>
            {
                for item in items {
                    let Some(inner) = item.as_table() else {
                        continue;
                    };
                    let id = inner.get("id").and_then(Value::as_str).unwrap_or("?");
                    let (at, generic_at) = (join(&at, id), join(&generic_at, "*"));
                    walk(inner, &declaration.children, &at, &generic_at, out);
                }
            }
            _ if declaration.key == "id" && !path.is_empty() => {}
            // A list of tables without ids is one value, as --set takes it.
            Value::Array(_) => out.push(Param {
                path: at,
                entry: Entry::of(generic_at.clone(), declaration),
                generic: generic_at,
                value: shown(value),
            }),
            Value::Table(fields) => {
                // A distribution, or a map keyed by id: one entry per field.
                for (field, value) in fields {
                    let generic_field = join(&generic_at, field);
                    out.push(Param {
                        path: join(&at, field),
                        entry: documentation(&generic_field)
                            .unwrap_or_else(|| undocumented(&generic_field)),
                        generic: generic_field,
                        value: shown(value),
                    });
                }
            }
            leaf => out.push(Param {
                path: at,
                entry: Entry::of(generic_at.clone(), declaration),
                generic: generic_at,
                value: shown(leaf),
            }),
        }
    }
}

/// A value as `--set` takes it, small and large numbers with an exponent.
fn shown(value: &Value) -> String {
    match value {
        Value::Float(f) => number(*f),
        other => render(other),
    }
}

/// A number, with an exponent when its plain form is long.
fn number(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() > 10 && value != 0.0 {
        format!("{value:e}")
    } else {
        plain
    }
}

fn undocumented(generic: &str) -> Entry {
    Entry {
        generic: generic.to_string(),
        unit: "",
        meaning: String::new(),
        default: String::new(),
        required: false,
        allowed: String::new(),
        plausible: None,
        log_scale: false,
        source: Source::Setting,
    }
}

/// How to print the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns for reading.
    #[default]
    Text,
    /// A Markdown table (MODEL.md's, for the catalogue).
    Markdown,
    /// CSV for tools.
    Csv,
}

/// A scenario's parameters as aligned text: path, value, unit, plausible
/// range, source, meaning.
pub fn render_table(params: &[Param]) -> String {
    let width = |f: &dyn Fn(&Param) -> usize, most: usize| {
        params.iter().map(f).max().unwrap_or(0).min(most)
    };
    let path_width = width(&|p| p.path.len(), 64);
    let value_width = width(&|p| p.value.len(), 24);
    let unit_width = width(&|p| p.entry.unit.len(), 28);
    let range_width = width(&|p| p.entry.plausible_text().chars().count(), 20);
    let mut text = String::new();
    for p in params {
        let line = format!(
            "{:<path_width$}  {:<value_width$}  {:<unit_width$}  {:<range_width$}  {:<10}  {}",
            p.path,
            p.value,
            p.entry.unit,
            p.entry.plausible_text(),
            p.entry.source.label(),
            p.entry.meaning
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// The declarations as a Markdown table: MODEL.md's parameter table.
pub fn render_markdown(entries: &[Entry]) -> String {
    let mut text = String::from(
        "| parameter | meaning | unit | default | allowed | plausible range | source |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for entry in entries {
        let default = if entry.required {
            "(required)".to_string()
        } else if entry.default.is_empty() {
            "none".to_string()
        } else {
            format!("`{}`", entry.default)
        };
        let source = match &entry.source {
            Source::Setting => "setting".to_string(),
            other => format!("{}: {}", other.label(), other.text()),
        };
        text.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            entry.generic,
            cell(&entry.meaning),
            cell(entry.unit),
            cell(&default),
            cell(&entry.allowed),
            entry.plausible_text(),
            cell(&source)
        ));
    }
    text
}

/// Text in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A scenario's parameters as CSV, or the catalogue when `params` is None.
pub fn render_csv(params: Option<&[Param]>, entries: &[Entry]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "path",
        "generic",
        "value",
        "unit",
        "default",
        "allowed",
        "plausible_low",
        "plausible_high",
        "log_scale",
        "source",
        "source_text",
        "meaning",
    ];
    let _ = writer.write_record(header);
    let row = |path: &str, value: &str, entry: &Entry| -> Vec<String> {
        let (low, high) = entry
            .plausible
            .map_or((String::new(), String::new()), |(l, h)| {
                (l.to_string(), h.to_string())
            });
        vec![
            path.to_string(),
            entry.generic.clone(),
            value.to_string(),
            entry.unit.to_string(),
            entry.default.clone(),
            entry.allowed.clone(),
            low,
            high,
            entry.log_scale.to_string(),
            entry.source.label().to_string(),
            entry.source.text().to_string(),
            entry.meaning.clone(),
        ]
    };
    match params {
        Some(params) => {
            for p in params {
                let _ = writer.write_record(row(&p.path, &p.value, &p.entry));
            }
        }
        None => {
            for entry in entries {
                let _ = writer.write_record(row(&entry.generic, "", entry));
            }
        }
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// The declarations as aligned text (no scenario given).
pub fn render_catalogue(entries: &[Entry]) -> String {
    let params: Vec<Param> = entries
        .iter()
        .map(|e| Param {
            path: e.generic.clone(),
            generic: e.generic.clone(),
            value: if e.required {
                "(required)".into()
            } else {
                e.default.clone()
            },
            entry: e.clone(),
        })
        .collect();
    render_table(&params)
}
