//! Every source a parameter declaration or a shipped scenario cites is a
//! file of the repository (and, for a page, one of its sections): a user
//! who clones the project can check every figure.

use std::path::Path;

use reviewsim::params::catalogue;
use reviewsim::scenario::declare::Source;
use reviewsim::scenario::resolve_table;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// GitHub's anchor of a Markdown heading: lower case, spaces to hyphens,
/// punctuation but hyphens and underscores dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Where a citation points, or why it points nowhere: it must begin with
/// a path of the repository, optionally with `#section`, then `:` or a
/// space.
fn resolves(citation: &str) -> Result<(), String> {
    let reference: String = citation
        .chars()
        .take_while(|c| !matches!(c, ':' | ' ' | ',' | ';' | ')'))
        .collect();
    let (file, section) = match reference.split_once('#') {
        Some((file, section)) => (file, Some(section)),
        None => (reference.as_str(), None),
    };
    if file.is_empty() || !file.contains('.') {
        return Err(format!(
            "`{citation}` does not begin with a file of the repository"
        ));
    }
    let path = Path::new(ROOT).join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|_| format!("`{citation}`: {file} is not in the repository"))?;
    if let Some(section) = section {
        let found = text
            .lines()
            .filter_map(|line| line.strip_prefix('#'))
            .map(|line| anchor(line.trim_start_matches('#')))
            .any(|heading| heading == section);
        if !found {
            return Err(format!("`{citation}`: {file} has no section #{section}"));
        }
    }
    Ok(())
}

#[test]
fn every_cited_or_fitted_declaration_names_a_file_of_the_repository() {
    let mut unresolved = Vec::new();
    for entry in catalogue() {
        if let Source::Cited(_) | Source::Fitted(_) = entry.source
            && let Err(problem) = resolves(entry.source.text())
        {
            unresolved.push(format!("{}: {problem}", entry.generic));
        }
    }
    assert!(unresolved.is_empty(), "{}", unresolved.join("\n"));
}

#[test]
fn every_fitted_interval_of_a_shipped_scenario_names_its_data() {
    for scenario in std::fs::read_dir(Path::new(ROOT).join("scenarios")).unwrap() {
        let path = scenario.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let table = resolve_table(&text, &file).unwrap();
        let Some(fitted) = table.get("fitted").and_then(|f| f.as_table()) else {
            continue;
        };
        for (parameter, range) in fitted {
            let source = range.get("source").and_then(|s| s.as_str()).unwrap_or("");
            if let Err(problem) = resolves(source) {
                panic!("{file}: fitted {parameter}: {problem}");
            }
        }
    }
}

#[test]
fn the_project_cites_no_file_it_does_not_ship() {
    // The calibration notes moved into docs/calibration.md; nothing may
    // send a reader to the old, unshipped file: not the Markdown (the
    // README, MODEL.md, CONTRIBUTING.md, every page of docs/ that holds
    // the README's former sections) nor the baseline.
    let mut files = crate::links::documents();
    files.push(Path::new(ROOT).join("scenarios/baseline.toml"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("CALIBRATION.md"),
            "{} cites CALIBRATION.md",
            file.display()
        );
    }
}

#[test]
fn the_anchor_of_a_heading_is_githubs() {
    assert_eq!(anchor("Open-weights ecosystem"), "open-weights-ecosystem");
    assert_eq!(
        anchor(" Incidents and escalation"),
        "incidents-and-escalation"
    );
    assert!(resolves("docs/calibration.md#review: x").is_ok());
    assert!(resolves("docs/calibration.md#nowhere: x").is_err());
    assert!(resolves("CALIBRATION.md: x").is_err());
}
