//! The public data in `data/`: each CSV against its Data Package schema,
//! and the properties the cadence fits and market calibration rely on.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use reviewsim::scenario::Access;
use serde_json::Value;

use crate::common::baseline_with;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
const CALIBRATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/calibration.md");

/// The Data Package descriptor.
fn package() -> Value {
    let text = std::fs::read_to_string(format!("{DATA}/datapackage.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The resource named `name` in the Data Package.
fn resource(name: &str) -> Value {
    package()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name} in datapackage.json"))
        .clone()
}

/// A CSV file's header and its rows as maps from column to value.
fn table(path: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(format!("{DATA}/{path}")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .cloned()
                .zip(record.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// A resource's rows.
fn rows(name: &str) -> Vec<BTreeMap<String, String>> {
    table(resource(name)["path"].as_str().unwrap()).1
}

/// Whether `value` matches one of the patterns the package uses; a new
/// pattern needs a matcher here.
fn matches(pattern: &str, value: &str) -> bool {
    let id = |v: &str, seps: &[char]| {
        !v.is_empty()
            && v.split(|c| seps.contains(&c)).all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    };
    match pattern {
        "^[a-z0-9]+(-[a-z0-9]+)*$" => id(value, &['-']),
        "^[a-z0-9]+([-_][a-z0-9]+)*$" => id(value, &['-', '_']),
        r"^\d{4}-\d{2}(-\d{2})?$" => {
            let parts: Vec<&str> = value.split('-').collect();
            (parts.len() == 2 || parts.len() == 3)
                && parts[0].len() == 4
                && parts[1..].iter().all(|p| p.len() == 2)
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        }
        "^([a-z0-9]+(-[a-z0-9]+)*(;[a-z0-9]+(-[a-z0-9]+)*)*)?$" => {
            value.is_empty() || value.split(';').all(|v| id(v, &['-']))
        }
        other => panic!("no matcher for pattern {other}"),
    }
}

/// A date in ISO form.
fn date(text: &str) -> NaiveDate {
    NaiveDate::from_str(text).unwrap_or_else(|e| panic!("{text:?} is not a date: {e}"))
}

#[test]
fn every_csv_header_is_its_data_package_field_list() {
    for resource in package()["resources"].as_array().unwrap() {
        let names: Vec<&str> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let (header, _) = table(resource["path"].as_str().unwrap());
        assert_eq!(header, names, "{}", resource["path"]);
    }
}

#[test]
fn every_value_meets_its_field_constraints() {
    for resource in package()["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let (_, rows) = table(path);
        assert!(!rows.is_empty(), "{path} has no rows");
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let name = field["name"].as_str().unwrap();
            let none = Value::Null;
            let constraints = field.get("constraints").unwrap_or(&none);
            let mut seen = BTreeSet::new();
            for (i, row) in rows.iter().enumerate() {
                let value = &row[name];
                let at = format!("{path} row {} field {name}", i + 2);
                if constraints["required"] == true {
                    assert!(!value.is_empty(), "{at} is required");
                }
                if value.is_empty() {
                    continue;
                }
                if let Some(allowed) = constraints["enum"].as_array() {
                    assert!(
                        allowed.iter().any(|a| a == value.as_str()),
                        "{at}: {value:?} not in {allowed:?}"
                    );
                }
                if let Some(pattern) = constraints["pattern"].as_str() {
                    assert!(
                        matches(pattern, value),
                        "{at}: {value:?} does not match {pattern}"
                    );
                }
                if constraints["unique"] == true {
                    assert!(seen.insert(value.clone()), "{at}: {value:?} repeated");
                }
                match field["type"].as_str().unwrap() {
                    "date" => {
                        date(value);
                    }
                    "number" => {
                        let x: f64 = value
                            .parse()
                            .unwrap_or_else(|_| panic!("{at}: {value:?} is not a number"));
                        assert!(x.is_finite(), "{at}");
                        if let Some(min) = constraints["minimum"].as_f64() {
                            assert!(x >= min, "{at}: {x} < {min}");
                        }
                        if let Some(max) = constraints["maximum"].as_f64() {
                            assert!(x <= max, "{at}: {x} > {max}");
                        }
                    }
                    "integer" => {
                        value
                            .parse::<i64>()
                            .unwrap_or_else(|_| panic!("{at}: {value:?} is not an integer"));
                    }
                    "string" => {}
                    other => panic!("{at}: unknown type {other}"),
                }
            }
        }
    }
}

#[test]
fn every_primary_key_is_unique() {
    for resource in package()["resources"].as_array().unwrap() {
        let key: Vec<&str> = resource["schema"]["primaryKey"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let (_, rows) = table(resource["path"].as_str().unwrap());
        let mut seen = BTreeSet::new();
        for row in &rows {
            let values: Vec<&str> = key.iter().map(|k| row[*k].as_str()).collect();
            assert!(
                seen.insert(values.clone()),
                "{}: {values:?} repeated",
                resource["path"]
            );
        }
    }
}

#[test]
fn release_dates_are_iso_dates_and_month_precision_ones_fall_on_the_15th() {
    for row in rows("releases") {
        let day = date(&row["date"]);
        assert_eq!(row["date"], day.format("%Y-%m-%d").to_string(), "{row:?}");
        assert!(day >= date("2023-01-01"), "{row:?} is before 2023");
        if row["date_precision"] == "month" {
            assert_eq!(day.day(), 15, "{row:?}");
        }
    }
}

#[test]
fn releases_are_sorted_by_lab_line_and_date() {
    let releases = rows("releases");
    let keys: Vec<(&str, &str, NaiveDate, &str)> = releases
        .iter()
        .map(|r| {
            (
                r["lab"].as_str(),
                r["line"].as_str(),
                date(&r["date"]),
                r["model"].as_str(),
            )
        })
        .collect();
    for pair in keys.windows(2) {
        assert!(
            pair[0] <= pair[1],
            "{:?} comes before {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn no_line_has_two_flagships_on_one_day_and_every_release_has_a_source() {
    let mut flagship_days = BTreeSet::new();
    for row in rows("releases") {
        assert!(row["source"].trim().len() > 8, "{row:?} has no source");
        if row["flagship"] == "yes" {
            let key = (row["lab"].clone(), row["line"].clone(), row["date"].clone());
            assert!(
                flagship_days.insert(key.clone()),
                "two flagships on {key:?}"
            );
        }
    }
}

#[test]
fn every_line_of_the_baseline_has_flagship_releases() {
    let scenario = baseline_with(&[]);
    let releases = rows("releases");
    for lab in &scenario.labs {
        for line in &lab.lines {
            let flagships = releases
                .iter()
                .filter(|r| r["lab"] == lab.id && r["line"] == line.id && r["flagship"] == "yes")
                .count();
            assert!(
                flagships >= 1,
                "{}/{} has no flagship release",
                lab.id,
                line.id
            );
            let access = match line.access {
                Access::Api => "api",
                Access::OpenWeights => "open_weights",
            };
            assert!(
                releases
                    .iter()
                    .filter(|r| r["lab"] == lab.id
                        && r["line"] == line.id
                        && r["flagship"] == "yes")
                    .all(|r| r["access"] == access),
                "{}/{} flagships are not all {access}",
                lab.id,
                line.id
            );
        }
    }
}

#[test]
fn market_fact_ids_are_unique() {
    let facts = rows("market_facts");
    let ids: BTreeSet<&str> = facts.iter().map(|f| f["id"].as_str()).collect();
    assert_eq!(ids.len(), facts.len());
}

#[test]
fn every_target_cites_existing_facts() {
    let facts = rows("market_facts");
    let ids: BTreeSet<&str> = facts.iter().map(|f| f["id"].as_str()).collect();
    for target in rows("market_targets") {
        for id in target["facts"].split(';').filter(|id| !id.is_empty()) {
            assert!(ids.contains(id), "{target:?} cites unknown fact {id}");
        }
    }
}

#[test]
fn each_target_set_covers_the_baseline_labs_and_sums_to_one() {
    let scenario = baseline_with(&[]);
    let labs: BTreeSet<&str> = scenario.labs.iter().map(|l| l.id.as_str()).collect();
    let segments: BTreeSet<&str> = scenario
        .market
        .as_ref()
        .unwrap()
        .segments
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let mut sets: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    for target in rows("market_targets") {
        let share: f64 = target["share"].parse().unwrap();
        assert!((0.0..=1.0).contains(&share), "{target:?}");
        assert!(
            segments.contains(target["segment"].as_str()),
            "{target:?}: not a baseline segment"
        );
        sets.entry((target["segment"].clone(), target["as_of"].clone()))
            .or_default()
            .insert(target["subject"].clone(), share);
    }
    for (set, shares) in &sets {
        let of_labs: BTreeSet<&str> = shares
            .keys()
            .map(String::as_str)
            .filter(|s| *s != "open_weights")
            .collect();
        assert_eq!(of_labs, labs, "{set:?}");
        let sum: f64 = labs.iter().map(|l| shares[*l]).sum();
        assert!((sum - 1.0).abs() <= 0.002, "{set:?} sums to {sum}");
    }
    for required in ["consumer", "enterprise", "government"] {
        for as_of in ["2024-07-01", "2026-06-02"] {
            assert!(
                sets.contains_key(&(required.to_string(), as_of.to_string())),
                "no {required} set at {as_of}"
            );
        }
    }
}

#[test]
fn open_weights_share_is_at_most_the_labs_with_open_weights_lines() {
    let scenario = baseline_with(&[]);
    let open: Vec<&str> = scenario
        .labs
        .iter()
        .filter(|lab| {
            lab.lines
                .iter()
                .any(|line| line.access == Access::OpenWeights)
        })
        .map(|lab| lab.id.as_str())
        .collect();
    assert!(!open.is_empty());
    let targets = rows("market_targets");
    for ow in targets.iter().filter(|t| t["subject"] == "open_weights") {
        let cap: f64 = targets
            .iter()
            .filter(|t| {
                t["segment"] == ow["segment"]
                    && t["as_of"] == ow["as_of"]
                    && open.contains(&t["subject"].as_str())
            })
            .map(|t| t["share"].parse::<f64>().unwrap())
            .sum();
        let share: f64 = ow["share"].parse().unwrap();
        assert!(
            share <= cap + 1e-9,
            "{ow:?}: {share} > {cap} held by {open:?}"
        );
    }
}

#[test]
fn calibration_doc_exists_and_its_sections_have_unique_headings() {
    let text = std::fs::read_to_string(CALIBRATION).expect("docs/calibration.md exists");
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert!(!headings.is_empty());
    let unique: BTreeSet<&str> = headings.iter().copied().collect();
    assert_eq!(unique.len(), headings.len(), "{headings:?}");
}
