//! Dotted parameter paths: `review.window_days`, `labs.meta.participation.signed`,
//! `review.tracks.threat.capacity`. An array of named tables (`labs`,
//! `labs.<id>.lines`, `review.tracks`) is addressed by the `id` of its element.
//! The same paths serve `--set` overrides and error messages.

use std::str::FromStr;

use toml::{Table, Value};

use super::error::ScenarioError;

/// One `--set PATH=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted path.
    pub path: String,
    /// The value, read as TOML (a bare word that is not TOML is a string).
    pub value: Value,
    /// The argument as given, for messages.
    pub arg: String,
}

impl Override {
    /// An override of `path` with a typed value (from a typed option such
    /// as `--replications`, not from text); its argument, for messages and
    /// the manifest, is the value rendered.
    pub fn typed(path: &str, value: Value) -> Override {
        Override {
            arg: format!("{path}={}", render(&value)),
            path: path.to_string(),
            value,
        }
    }
}

impl FromStr for Override {
    type Err = ScenarioError;

    fn from_str(arg: &str) -> Result<Self, ScenarioError> {
        let refuse = |message: &str| ScenarioError::Override {
            arg: arg.to_string(),
            message: message.to_string(),
        };
        let (path, text) = arg
            .split_once('=')
            .ok_or_else(|| refuse("expected PATH=VALUE, such as review.window_days=15"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|segment| segment.trim().is_empty()) {
            return Err(refuse(
                "the path must be dotted names, such as review.tracks.threat.capacity",
            ));
        }
        Ok(Override {
            path: path.to_string(),
            value: parse_value(text.trim()),
            arg: arg.to_string(),
        })
    }
}

/// Reads a command-line value as TOML: `15`, `0.5`, `true`, `2026-07-31`,
/// `"text"`, `[api, open_weights]`. Anything else is taken as a string.
/// A list that is not TOML is read one level deep, its items as TOML or
/// bare words: however deeply its brackets nest, reading it takes one pass
/// and no recursion.
pub fn parse_value(text: &str) -> Value {
    if let Some(value) = parse_toml(text) {
        return value;
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let items = inner
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| parse_toml(item).unwrap_or_else(|| Value::String(item.to_string())))
            .collect();
        return Value::Array(items);
    }
    Value::String(text.to_string())
}

/// A swept value as text in CSV cells and messages: strings bare, numbers
/// as the shortest text that reads back the same, dates ISO.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(_) => value.to_string().trim().replace('\n', "; "),
    }
}

/// The value at `path` in `root`, if there is one: elements of arrays of
/// tables are named by their `id`, as in [`apply`].
pub fn get<'a>(root: &'a Table, path: &str) -> Option<&'a Value> {
    let mut segments = path.split('.').map(str::trim);
    let mut node = root.get(segments.next()?)?;
    for segment in segments {
        node = match node {
            Value::Table(table) => table.get(segment)?,
            Value::Array(items) => items
                .iter()
                .find(|item| item.get("id").and_then(Value::as_str) == Some(segment))?,
            _ => return None,
        };
    }
    Some(node)
}

/// A value written in TOML, if it is one.
fn parse_toml(text: &str) -> Option<Value> {
    format!("value = {text}")
        .parse::<Table>()
        .ok()?
        .remove("value")
}

/// The ids of the elements of an array of tables, for messages.
fn ids_of(array: &[Value]) -> Vec<String> {
    array
        .iter()
        .filter_map(|item| item.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Most dotted names in a parameter path. The longest paths have six
/// (`labs.meta.lines.llama.cadence_days.dates`).
pub const MAX_PATH_NAMES: usize = 16;

/// Writes `value` at `path` in `root`, creating missing tables on the way.
/// Unknown keys are not refused here: deserialization refuses them, naming
/// the same path.
pub fn apply(root: &mut Table, ov: &Override) -> Result<(), ScenarioError> {
    let refuse = |message: String| ScenarioError::Override {
        arg: ov.arg.clone(),
        message,
    };
    let segments: Vec<&str> = ov.path.split('.').map(str::trim).collect();
    // Missing tables are created on the way, and tables nested thousands
    // deep would overflow the stack when cloned or dropped.
    if segments.len() > MAX_PATH_NAMES {
        return Err(refuse(format!(
            "the path has {} dotted names; a parameter path has at most {MAX_PATH_NAMES} \
             (reviewsim params lists them)",
            segments.len()
        )));
    }
    let mut table = root;
    let mut walked: Vec<&str> = Vec::new();
    let mut index = 0;
    while index + 1 < segments.len() {
        let key = segments[index];
        walked.push(key);
        let here = walked.join(".");
        let current = table;
        let slot = current
            .entry(key.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        table = match slot {
            Value::Table(inner) => {
                index += 1;
                inner
            }
            Value::Array(items) => {
                let id = segments[index + 1];
                let last = index + 2 >= segments.len();
                let inner = element(items, &here, id, last).map_err(refuse)?;
                walked.push(id);
                index += 2;
                inner
            }
            other => {
                return Err(refuse(format!(
                    "{here} is not a table (it holds the {} {}), so it has no parameter `{}`",
                    other.type_str(),
                    super::numbers::shown(other.to_string()),
                    segments[index + 1]
                )));
            }
        };
    }
    let last = segments[segments.len() - 1];
    if let Some(Value::Array(items)) = table.get(last)
        && items.iter().any(|item| item.get("id").is_some())
    {
        return Err(refuse(format!(
            "{} is a list of named tables; set one parameter of one entry, such as {}.{}.name",
            ov.path,
            ov.path,
            ids_of(items).first().map(String::as_str).unwrap_or("ID")
        )));
    }
    table.insert(last.to_string(), ov.value.clone());
    Ok(())
}

/// The entry with id `id` of the list of tables at `here`, or why there is
/// none (`last`: the path ends at the entry itself).
fn element<'t>(
    items: &'t mut [Value],
    here: &str,
    id: &str,
    last: bool,
) -> Result<&'t mut Table, String> {
    if last {
        return Err(format!(
            "{here}.{id} names a whole element of {here}; set one of its \
             parameters instead, such as {here}.{id}.name"
        ));
    }
    let known = ids_of(items);
    let element = items
        .iter_mut()
        .find(|item| item.get("id").and_then(Value::as_str) == Some(id));
    match element {
        Some(Value::Table(inner)) => Ok(inner),
        _ => {
            let listed = if known.is_empty() {
                "it has none".to_string()
            } else {
                format!("ids: {}", known.join(", "))
            };
            Err(format!("{here} has no entry with id `{id}` ({listed})"))
        }
    }
}

/// Renders a serde path over `root` as a dotted parameter path, naming
/// elements of arrays of tables by their `id` where they have one.
pub fn display_path(root: &Value, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    let mut node = Some(root);
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                node = node.and_then(|n| n.get(key.as_str()));
            }
            Segment::Seq { index } => {
                let element = node.and_then(|n| n.get(*index));
                match element.and_then(|e| e.get("id")).and_then(Value::as_str) {
                    Some(id) => {
                        out.push('.');
                        out.push_str(id);
                    }
                    None => out.push_str(&format!("[{index}]")),
                }
                node = element;
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    if out.is_empty() {
        "(top level)".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn values_are_read_as_toml_and_bare_words_as_strings() {
        assert_eq!(parse_value("15"), Value::Integer(15));
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("hold"), Value::String("hold".into()));
        assert_eq!(
            parse_value("[api, open_weights]"),
            Value::Array(vec![
                Value::String("api".into()),
                Value::String("open_weights".into())
            ])
        );
        assert!(matches!(parse_value("2026-07-31"), Value::Datetime(_)));
    }

    #[test]
    fn elements_of_named_arrays_are_addressed_by_id() {
        let mut root = table(
            "[[labs]]\nid = \"openai\"\n[[labs]]\nid = \"meta\"\n[labs.participation_rule]\nsigned = false\n",
        );
        let ov: Override = "labs.meta.participation.signed=true".parse().unwrap();
        apply(&mut root, &ov).unwrap();
        let labs = root["labs"].as_array().unwrap();
        assert_eq!(labs[1]["participation"]["signed"], Value::Boolean(true));
        assert!(labs[0].get("participation").is_none());
    }

    #[test]
    fn missing_tables_are_created() {
        let mut root = table("[simulation]\nname = \"x\"\n");
        apply(&mut root, &"review.window_days=15".parse().unwrap()).unwrap();
        assert_eq!(root["review"]["window_days"], Value::Integer(15));
    }

    #[test]
    fn an_unknown_id_is_refused_with_the_known_ids() {
        let mut root = table("[[labs]]\nid = \"openai\"\n[[labs]]\nid = \"meta\"\n");
        let err = apply(
            &mut root,
            &"labs.nobody.participation.signed=true".parse().unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("labs has no entry with id `nobody`"), "{err}");
        assert!(err.contains("openai, meta"), "{err}");
    }

    #[test]
    fn a_path_through_a_value_is_refused() {
        let mut root = table("[review]\nwindow_days = 30\n");
        let err = apply(&mut root, &"review.window_days.x=1".parse().unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("review.window_days is not a table"), "{err}");
    }

    #[test]
    fn malformed_arguments_are_refused() {
        assert!("review.window_days".parse::<Override>().is_err());
        assert!("review..x=1".parse::<Override>().is_err());
        assert!("=1".parse::<Override>().is_err());
    }
}
