//! `extends = "other.toml"`: a scenario written as changes to another.
//!
//! The file named (relative to the extending file) is read first, following
//! its own `extends`, and the extending file is merged into it: tables merge
//! key by key; lists of named tables (`labs`, `labs.<id>.lines`,
//! `review.tracks`, `market.segments`) merge entry by entry on `id`, with new
//! ids appended; any other value replaces the one extended. A distribution
//! of another family (`dist`) replaces the one extended whole, and so does
//! another form of a one-of table (participation `signed`/`from`/`signing`,
//! threshold `min_capability`/`within_months_of_frontier`).

use std::path::Path;

use toml::{Table, Value};

use super::error::ScenarioError;

/// How deep `extends` may chain.
const MAX_DEPTH: usize = 8;

/// Follows `extends` in `table`, read from `file`; `chain` holds the files
/// already on the way, to refuse cycles.
pub(super) fn resolve(
    mut table: Table,
    file: &str,
    chain: &mut Vec<String>,
) -> Result<Table, ScenarioError> {
    let Some(target) = table.remove("extends") else {
        return Ok(table);
    };
    let refuse = |message: String| ScenarioError::Schema {
        file: file.to_string(),
        path: "extends".to_string(),
        message,
        set_by: None,
    };
    let Value::String(target) = target else {
        return Err(refuse(format!(
            "{target} is not a file name; write extends = \"baseline.toml\""
        )));
    };
    let base = Path::new(file)
        .parent()
        .unwrap_or(Path::new(""))
        .join(&target);
    let base_file = base.display().to_string();
    if chain.contains(&base_file) {
        return Err(refuse(format!(
            "\"{target}\" extends back to a file already extended ({})",
            chain.join(" -> ")
        )));
    }
    if chain.len() >= MAX_DEPTH {
        return Err(refuse(format!(
            "extends chains more than {MAX_DEPTH} files deep"
        )));
    }
    chain.push(base_file.clone());
    let text = super::read_bounded(&base)?;
    let parsed = text.parse::<Table>().map_err(|e| ScenarioError::Syntax {
        file: base_file.clone(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut merged = resolve(parsed, &base_file, chain)?;
    merge_tables(&mut merged, table);
    Ok(merged)
}

/// Keys of which a table holds one form: writing one form in the extending
/// file drops the others from the file extended (`participation = { from =
/// ... }` replaces `{ signed = true }`; a threshold in months replaces one in
/// capability).
const ALTERNATIVES: [&[&str]; 2] = [
    &["signed", "from", "signing"],
    &["min_capability", "within_months_of_frontier"],
];

fn merge_tables(base: &mut Table, changes: Table) {
    for (key, value) in changes {
        match (base.get_mut(&key), value) {
            // A distribution of another family replaces the one extended
            // whole: a gamma's `cv` must not survive into an exponential.
            (Some(Value::Table(inner)), Value::Table(change))
                if change.contains_key("dist") && inner.get("dist") != change.get("dist") =>
            {
                base.insert(key, Value::Table(change));
            }
            (Some(Value::Table(inner)), Value::Table(change)) => {
                for group in ALTERNATIVES {
                    if group.iter().any(|k| change.contains_key(*k)) {
                        inner.retain(|k, _| !group.contains(&k));
                    }
                }
                merge_tables(inner, change)
            }
            (Some(Value::Array(items)), Value::Array(changes))
                if is_named(items) && is_named(&changes) =>
            {
                merge_named(items, changes)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn is_named(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|item| item.get("id").and_then(Value::as_str).is_some())
}

fn merge_named(items: &mut Vec<Value>, changes: Vec<Value>) {
    for change in changes {
        let id = change.get("id").and_then(Value::as_str).map(str::to_string);
        let existing = items
            .iter_mut()
            .find(|item| item.get("id").and_then(Value::as_str) == id.as_deref());
        match (existing, change) {
            (Some(Value::Table(item)), Value::Table(change)) => merge_tables(item, change),
            (_, change) => items.push(change),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_entries_merge_by_id_and_new_ones_are_appended() {
        let mut base: Table = "[[labs]]\nid = \"a\"\nname = \"A\"\n[[labs]]\nid = \"b\"\n"
            .parse()
            .unwrap();
        let changes: Table = "[[labs]]\nid = \"b\"\nname = \"B\"\n[[labs]]\nid = \"c\"\n"
            .parse()
            .unwrap();
        merge_tables(&mut base, changes);
        let labs = base["labs"].as_array().unwrap();
        assert_eq!(labs.len(), 3);
        assert_eq!(labs[0]["name"].as_str(), Some("A"));
        assert_eq!(labs[1]["name"].as_str(), Some("B"));
        assert_eq!(labs[2]["id"].as_str(), Some("c"));
    }

    #[test]
    fn a_distribution_of_another_family_replaces_the_one_extended() {
        let mut base: Table = "cadence_days = { dist = \"gamma\", mean = 90, cv = 0.5 }\n"
            .parse()
            .unwrap();
        let change = "cadence_days = { dist = \"exponential\", mean = 60 }\n";
        merge_tables(&mut base, change.parse().unwrap());
        assert_eq!(base, change.parse::<Table>().unwrap());
        // The same family merges field by field.
        let mut base: Table = "d = { dist = \"gamma\", mean = 90, cv = 0.5 }\n"
            .parse()
            .unwrap();
        merge_tables(
            &mut base,
            "d = { dist = \"gamma\", mean = 60 }\n".parse().unwrap(),
        );
        assert_eq!(base["d"]["cv"].as_float(), Some(0.5));
    }

    #[test]
    fn one_form_of_participation_replaces_another() {
        let mut base: Table = "[participation]\nsigned = true\ncarve_out = [\"api\"]\n"
            .parse()
            .unwrap();
        merge_tables(
            &mut base,
            "[participation]\nsigning = { base_rate_per_day = 0.01 }\n"
                .parse()
                .unwrap(),
        );
        let participation = base["participation"].as_table().unwrap();
        assert!(!participation.contains_key("signed"));
        assert!(participation.contains_key("signing"));
        assert!(participation.contains_key("carve_out"));
    }

    #[test]
    fn tables_merge_key_by_key_and_values_replace() {
        let mut base: Table = "[review]\nwindow_days = 30\non_expiry = \"release\"\n"
            .parse()
            .unwrap();
        merge_tables(&mut base, "[review]\nwindow_days = 15\n".parse().unwrap());
        assert_eq!(base["review"]["window_days"].as_integer(), Some(15));
        assert_eq!(base["review"]["on_expiry"].as_str(), Some("release"));
    }
}
