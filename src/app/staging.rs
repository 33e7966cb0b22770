//! The files of a run or a merge as they are written: every table staged in
//! the run's format with its schema, `datapackage.json` describing them all,
//! then the manifest, last, with every other file's checksum.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::format::{FormatError, Schema, datapackage_json};
use crate::output::{
    FileDigest, Format, OutputDir, OutputError, OutputKind, Table, TalliedFile, files, open,
};

/// See the module documentation.
pub struct Staging {
    dir: OutputDir,
    format: Format,
    /// Each table staged so far, with its file name and schema.
    resources: Vec<(OutputKind, String, Schema)>,
}

impl Staging {
    /// Opens `out` for a run's files in `format` (see [`OutputDir::create`]).
    pub fn create(out: &Path, replace: bool, format: Format) -> Result<Self, OutputError> {
        Ok(Staging {
            dir: OutputDir::create(out, replace)?,
            format,
            resources: Vec::new(),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A table of `kind` with `schema`, written row by row.
    pub fn table(&mut self, kind: OutputKind, schema: Schema) -> Result<Table, OutputError> {
        let name = kind.file(self.format);
        let writer = self.dir.stage(&name)?;
        let table = open(self.format, Box::new(writer), &schema)
            .map_err(|source| format_error(self.path(), &name, source))?;
        self.resources.push((kind, name, schema));
        Ok(table)
    }

    /// The file of a table of `kind` with `schema`, written whole by the
    /// caller (as `merge` does when it joins shards' files).
    pub fn table_bytes(
        &mut self,
        kind: OutputKind,
        schema: Schema,
    ) -> Result<(String, TalliedFile), OutputError> {
        let name = kind.file(self.format);
        let writer = self.dir.stage(&name)?;
        self.resources.push((kind, name.clone(), schema));
        Ok((name, writer))
    }

    /// A file that is not a table (a shard's aggregate state).
    pub fn file(&mut self, name: &str) -> Result<TalliedFile, OutputError> {
        self.dir.stage(name)
    }

    /// Writes `datapackage.json` describing the tables (in the order of
    /// [`OutputKind::ALL`], however they were written), then the manifest
    /// that `manifest` makes of the names and checksums of every file
    /// written so far (`datapackage.json` among them).
    pub fn finish_files<M: Serialize>(
        &mut self,
        manifest: impl FnOnce(Vec<String>, BTreeMap<String, FileDigest>) -> M,
    ) -> Result<(), OutputError> {
        if !self.resources.is_empty() {
            self.resources.sort_by_key(|(kind, _, _)| *kind);
            let described: Vec<(&str, &Schema)> = (self.resources.iter())
                .map(|(_, name, schema)| (name.as_str(), schema))
                .collect();
            let text = datapackage_json(&described).map_err(|source| {
                self.write_error(files::DATAPACKAGE, std::io::Error::other(source))
            })?;
            let mut writer = self.dir.stage(files::DATAPACKAGE)?;
            (writer.write_all(text.as_bytes()))
                .and_then(|()| writer.flush())
                .map_err(|source| self.write_error(files::DATAPACKAGE, source))?;
        }
        let digests = self.dir.digests();
        let names = digests.keys().cloned().collect();
        let manifest = manifest(names, digests);
        let mut writer = self.dir.stage(files::MANIFEST)?;
        serde_json::to_writer_pretty(&mut writer, &manifest)
            .map_err(std::io::Error::from)
            .and_then(|()| writer.write_all(b"\n"))
            .and_then(|()| writer.flush())
            .map_err(|source| self.write_error(files::MANIFEST, source))
    }

    /// Puts every file in place (see [`OutputDir::commit`]).
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.dir.commit()
    }

    /// The error of a file that could not be written.
    pub fn write_error(&self, name: &str, source: std::io::Error) -> OutputError {
        OutputError::File {
            file: self.path().join(name).display().to_string(),
            source,
        }
    }
}

/// A table's writer's error, as the error of its file.
pub fn format_error(dir: &Path, name: &str, source: FormatError) -> OutputError {
    OutputError::File {
        file: dir.join(name).display().to_string(),
        source: source.into_io(),
    }
}
