//! `reviewsim report OUT`: one self-contained HTML page of what a run, a
//! compare or a study wrote to `OUT` — its provenance, the headline table,
//! fan charts of shares over time, delays per lab, the differences between
//! arms, the sensitivity ranking, the robustness of policy options and
//! where a condition holds (scenario discovery), each where the run wrote
//! what it needs.
//! Charts are inline SVG; the page needs no network and no script.

mod charts;
mod discovery;
mod figures;
mod page;
mod robustness;
mod sections;
pub mod tables;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::output::Format;

/// The page's file name in the output directory.
pub const FILE_NAME: &str = "report.html";

/// Why no report was written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The directory is not the output of a finished run.
    #[error("{}: {why}", dir.display())]
    NotAnOutput {
        /// The directory.
        dir: PathBuf,
        /// What is missing or wrong.
        why: String,
    },
    /// A table of the run could not be read.
    #[error("{}: {why}", path.display())]
    Table {
        /// The table's file.
        path: PathBuf,
        /// What went wrong.
        why: String,
    },
    /// A chart could not be drawn.
    #[error("{0}")]
    Chart(String),
    /// The page could not be written.
    #[error("{}: cannot write the report", path.display())]
    Write {
        /// The page's path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What `report` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The page.
    pub path: PathBuf,
    /// Every chart's title, in page order.
    pub charts: Vec<String>,
    /// Every section's heading, in page order.
    pub sections: Vec<String>,
}

/// A finished run's output directory, as the report reads it.
pub struct Output {
    /// The directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Value,
    /// The tables' format.
    pub format: Format,
    /// Lab ids in the scenario's order, with their names.
    pub labs: Vec<(String, String)>,
    /// Market segment ids with their names.
    pub segments: Vec<(String, String)>,
    /// Each point's name (as many as the run has points).
    pub point_names: Vec<String>,
}

impl Output {
    /// Reads the manifest of `dir`.
    pub fn open(dir: &Path) -> Result<Output, ReportError> {
        let not_output = |why: String| ReportError::NotAnOutput {
            dir: dir.to_path_buf(),
            why,
        };
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            not_output(format!(
                "cannot read manifest.json ({e}): give the directory a run, compare, \
                 sensitivity study or merge wrote (its --out)"
            ))
        })?;
        let manifest: Value = serde_json::from_str(&text)
            .map_err(|e| not_output(format!("manifest.json is not a reviewsim manifest ({e})")))?;
        if !manifest["shard"].is_null() {
            return Err(not_output(
                "is one shard of a run: merge the shards (`reviewsim merge`) and report on the \
                 merged directory"
                    .into(),
            ));
        }
        let format = serde_json::from_value(manifest["format"].clone())
            .map_err(|_| not_output("manifest.json names no table format".into()))?;
        let named = |list: &Value| -> Vec<(String, String)> {
            (list.as_array().into_iter().flatten())
                .filter_map(|item| {
                    let id = item["id"].as_str()?.to_string();
                    let name = item["name"].as_str().unwrap_or(&id).to_string();
                    Some((id, name))
                })
                .collect()
        };
        let scenario = &manifest["resolved_scenario"];
        let labs = named(&scenario["labs"]);
        let segments = named(&scenario["market"]["segments"]);
        let mut output = Output {
            dir: dir.to_path_buf(),
            format,
            labs,
            segments,
            point_names: Vec::new(),
            manifest,
        };
        output.point_names = sections::point_names(&output)?;
        Ok(output)
    }

    /// A lab's name from its id (`all` is the system).
    pub fn lab_name<'a>(&'a self, id: &'a str) -> &'a str {
        match id {
            "all" => "All labs (system)",
            _ => (self.labs.iter())
                .find(|(lab, _)| lab == id)
                .map_or(id, |(_, name)| name.as_str()),
        }
    }

    /// A lab's index in the scenario's order (for its colour).
    pub fn lab_index(&self, id: &str) -> Option<usize> {
        self.labs.iter().position(|(lab, _)| lab == id)
    }

    /// The number of points the run had.
    pub fn points(&self) -> usize {
        self.manifest["points"].as_u64().unwrap_or(1) as usize
    }

    /// The table `name`, if the run wrote it.
    pub fn table(&self, name: &str) -> Option<tables::TableFile> {
        tables::TableFile::find(&self.dir, name, self.format)
    }
}

/// Writes `dir/report.html` from what the run in `dir` wrote; the page is
/// written whole or not at all.
pub fn write(dir: &Path) -> Result<Written, ReportError> {
    let output = Output::open(dir)?;
    let mut page = page::Page::new(&output);
    sections::summary_line(&output, &mut page);
    sections::comparison(&output, &mut page)?;
    sections::headline(&output, &mut page)?;
    sections::shares(&output, &mut page)?;
    sections::delays(&output, &mut page)?;
    sections::sensitivity(&output, &mut page)?;
    robustness::section(&output, &mut page)?;
    discovery::section(&output, &mut page)?;
    sections::provenance(&output, &mut page);
    sections::files(&output, &mut page);
    let path = dir.join(FILE_NAME);
    crate::output::write_whole(&path, page.html().as_bytes()).map_err(|source| {
        ReportError::Write {
            path: path.clone(),
            source,
        }
    })?;
    Ok(Written {
        path,
        charts: page.chart_titles,
        sections: page.section_titles,
    })
}
