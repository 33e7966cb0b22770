//! `merge`: shards of one run combined into exactly what the run would
//! have written unsharded.
//!
//! Per-replication files are concatenated in shard order (shards hold
//! contiguous blocks of replications, and rows are ordered replication
//! first); `points.csv` is taken from the first shard after checking that
//! all agree; the aggregate states are added (integer arithmetic, so the
//! order does not matter) and rendered by the same code as a single run.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use super::staging::Staging;
use crate::output::format::{Column, Schema};
use crate::output::{
    CompareTable, FileDigest, Format, Layout, OutputError, OutputKind, PointAggregate,
    PointConsumer, RobustnessTable, STATE_FORMAT, SensitivityTable, SummaryTable, Tally,
    compare_schema, files, robustness_schema, sensitivity_schema, summary_schema,
};
use crate::runner::{RunError, Stop};

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard directory or one of its files could not be read.
    #[error("{path}: {message}")]
    Read {
        /// The file or directory.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The directories do not make up one run.
    #[error("{0}")]
    Shards(String),
    /// Output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A signal asked the merge to stop.
    #[error(transparent)]
    Interrupted(#[from] RunError),
}

impl MergeError {
    /// The signal that stopped the merge, if one did.
    pub fn interrupted_by(&self) -> Option<usize> {
        match self {
            MergeError::Interrupted(err) => err.interrupted_by(),
            _ => None,
        }
    }
}

/// What a merge wrote.
#[derive(Debug, Clone)]
pub struct MergeReport {
    /// Shards merged.
    pub shards: usize,
    /// Files written, manifest last.
    pub files: Vec<PathBuf>,
}

/// Manifest fields that must agree for shards to belong to one run.
const SAME_RUN: [&str; 10] = [
    "format",
    "block_points",
    "reviewsim_version",
    "scenario_name",
    "seed",
    "common_random_numbers",
    "replications",
    "points",
    "resolved_scenario",
    "sweep",
];

struct ShardDir {
    dir: PathBuf,
    manifest: Value,
    index: u64,
    count: u64,
    /// What each of its files must be, from its manifest.
    checksums: BTreeMap<String, FileDigest>,
}

fn read_error(path: &Path, message: impl Into<String>) -> MergeError {
    MergeError::Read {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn open_shard(dir: &Path) -> Result<ShardDir, MergeError> {
    let path = dir.join(files::MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        read_error(
            &path,
            format!(
                "cannot read ({e}); is {} the output of a run with --shard?",
                dir.display()
            ),
        )
    })?;
    let manifest: Value = serde_json::from_str(&text)
        .map_err(|e| read_error(&path, format!("not a reviewsim manifest ({e})")))?;
    let shard = &manifest["shard"];
    let (Some(index), Some(count)) = (shard["index"].as_u64(), shard["count"].as_u64()) else {
        return Err(read_error(
            &path,
            "not a shard: this run did not use --shard K/N, so there is nothing to merge",
        ));
    };
    let checksums = serde_json::from_value(manifest["checksums"].clone()).map_err(|_| {
        read_error(
            &path,
            "has no checksums of its files (written by an older reviewsim?); rerun the shard",
        )
    })?;
    Ok(ShardDir {
        dir: dir.to_path_buf(),
        manifest,
        index,
        count,
        checksums,
    })
}

impl ShardDir {
    /// Opens one of the shard's files for reading, counted and hashed so
    /// that [`Verified::finish`] can check it against the manifest.
    fn open(&self, name: &str) -> Result<Verified, MergeError> {
        let path = self.dir.join(name);
        let expected = self.checksums.get(name).cloned().ok_or_else(|| {
            read_error(
                &path,
                "is not among the files the shard's manifest lists; the shard is incomplete",
            )
        })?;
        let file =
            File::open(&path).map_err(|e| read_error(&path, format!("cannot read ({e})")))?;
        Ok(Verified {
            path,
            expected,
            reader: BufReader::with_capacity(1 << 16, file),
            tally: Tally::default(),
        })
    }

    /// The whole of one of the shard's files, checked.
    fn read_checked(&self, name: &str) -> Result<Vec<u8>, MergeError> {
        let mut verified = self.open(name)?;
        let mut bytes = Vec::new();
        verified
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(&verified.path, e.to_string()))?;
        verified.finish()?;
        Ok(bytes)
    }
}

/// A shard's file being read, counted and hashed.
struct Verified {
    path: PathBuf,
    expected: FileDigest,
    reader: BufReader<File>,
    tally: Tally,
}

impl Read for Verified {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.reader.read(buf)?;
        self.tally.update(&buf[..read]);
        Ok(read)
    }
}

impl Verified {
    /// Checks, once the file has been read to its end, that it is what the
    /// shard's manifest says it wrote.
    fn finish(self) -> Result<(), MergeError> {
        let got = self.tally.digest();
        if got == self.expected {
            return Ok(());
        }
        Err(MergeError::Shards(format!(
            "{}: has {} lines ({} bytes) and SHA-256 {}, but the shard's manifest says {} lines              ({} bytes) and {}: the file was truncated or altered; rerun that shard",
            self.path.display(),
            got.lines,
            got.bytes,
            short(&got.sha256),
            self.expected.lines,
            self.expected.bytes,
            short(&self.expected.sha256)
        )))
    }
}

/// The first 12 hexadecimal digits of a hash, for messages.
fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// Checks that the directories are every shard of one run, once each, and
/// returns them in shard order.
fn check_shards(dirs: &[PathBuf]) -> Result<Vec<ShardDir>, MergeError> {
    if dirs.is_empty() {
        return Err(MergeError::Shards(
            "merge needs at least one shard directory".into(),
        ));
    }
    let mut shards = dirs
        .iter()
        .map(|dir| open_shard(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &shards[0];
    for other in &shards[1..] {
        for field in SAME_RUN.into_iter().chain(["outputs"]) {
            if first.manifest[field] != other.manifest[field] {
                return Err(MergeError::Shards(format!(
                    "{} and {} are not shards of the same run: their manifests differ in `{field}`",
                    first.dir.display(),
                    other.dir.display()
                )));
            }
        }
        if other.count != first.count {
            return Err(MergeError::Shards(format!(
                "{} is a shard of {} but {} is a shard of {}",
                first.dir.display(),
                first.count,
                other.dir.display(),
                other.count
            )));
        }
    }
    shards.sort_by_key(|s| s.index);
    for pair in shards.windows(2) {
        if pair[0].index == pair[1].index {
            return Err(MergeError::Shards(format!(
                "{} and {} are both shard {}/{}",
                pair[0].dir.display(),
                pair[1].dir.display(),
                pair[0].index,
                pair[0].count
            )));
        }
    }
    let count = shards[0].count;
    let missing: Vec<String> = (0..count)
        .filter(|k| !shards.iter().any(|s| s.index == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Shards(format!(
            "shard{} {} missing: merge needs all {count} shards of the run",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    Ok(shards)
}

/// Merges the shard directories `dirs` into `out` (replacing an earlier
/// run's results there only if `replace`), checking every file read against
/// its shard's manifest, and stopping without writing anything when `stop`
/// is set.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    replace: bool,
    stop: &Stop,
) -> Result<MergeReport, MergeError> {
    let started = Instant::now();
    let shards = check_shards(dirs)?;
    refuse_shard_as_target(&shards, out)?;
    let first = &shards[0];
    let outputs: Vec<OutputKind> = (first.manifest["outputs"].as_array().into_iter())
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(OutputKind::named)
        .collect();
    let format: Format = serde_json::from_value(first.manifest["format"].clone()).map_err(|_| {
        read_error(
            &first.dir.join(files::MANIFEST),
            "does not say the tables' format (written by an older reviewsim?); rerun the shards",
        )
    })?;
    let schemas = shard_schemas(&shards)?;
    let mut target = Staging::create(out, replace, format)?;
    for kind in outputs.iter().filter(|k| k.is_per_replication()) {
        join_table(&shards, *kind, format, &schemas, &mut target, stop)?;
    }
    if outputs.contains(&OutputKind::Points) {
        copy_points(&shards, format, &schemas, &mut target)?;
    }
    if (outputs.iter()).any(|k| {
        matches!(
            k,
            OutputKind::Summary
                | OutputKind::Compare
                | OutputKind::Sensitivity
                | OutputKind::Robustness
        )
    }) {
        merge_aggregates(&shards, &outputs, &mut target, stop)?;
    }
    let shard_seconds: f64 = (shards.iter())
        .filter_map(|s| s.manifest["wall_time_seconds"].as_f64())
        .sum();
    target.finish_files(|names, checksums| {
        let mut manifest = first.manifest.clone();
        manifest["shard"] = Value::Null;
        manifest["files"] = names.into_iter().map(Value::from).collect();
        manifest["merged_from"] = (shards.iter())
            .map(|s| Value::from(s.dir.display().to_string()))
            .collect();
        manifest["wall_time_seconds"] =
            Value::from(shard_seconds + started.elapsed().as_secs_f64());
        manifest["checksums"] = serde_json::to_value(checksums).unwrap_or(Value::Null);
        manifest
    })?;
    stop.check()?;
    let files = target.commit()?;
    Ok(MergeReport {
        shards: shards.len(),
        files,
    })
}

/// Refuses to merge into one of the shards.
fn refuse_shard_as_target(shards: &[ShardDir], out: &Path) -> Result<(), MergeError> {
    let same_place = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match shards.iter().find(|s| same_place(&s.dir, out)) {
        Some(shard) => Err(MergeError::Shards(format!(
            "--out {}: is one of the shards ({}); merge into another directory",
            out.display(),
            shard.dir.display()
        ))),
        None => Ok(()),
    }
}

/// The schemas of the shards' tables, by file name, from their
/// `datapackage.json` (which must be the same in every shard).
fn shard_schemas(shards: &[ShardDir]) -> Result<BTreeMap<String, Schema>, MergeError> {
    if !shards[0].checksums.contains_key(files::DATAPACKAGE) {
        return Ok(BTreeMap::new());
    }
    let first = shards[0].read_checked(files::DATAPACKAGE)?;
    for shard in &shards[1..] {
        if shard.read_checked(files::DATAPACKAGE)? != first {
            return Err(MergeError::Shards(format!(
                "{}: differs from {}: the shards wrote different tables",
                shard.dir.join(files::DATAPACKAGE).display(),
                shards[0].dir.join(files::DATAPACKAGE).display()
            )));
        }
    }
    let path = shards[0].dir.join(files::DATAPACKAGE);
    let unreadable = |message: String| read_error(&path, message);
    let package: DataPackage = serde_json::from_slice(&first)
        .map_err(|e| unreadable(format!("not a data package written by reviewsim ({e})")))?;
    (package.resources.into_iter())
        .map(|resource| {
            let schema = Schema::new(resource.schema.fields)
                .map_err(|e| unreadable(format!("{}: {e}", resource.path)))?;
            Ok((resource.path, schema))
        })
        .collect()
}

/// What `merge` reads of a `datapackage.json`.
#[derive(serde::Deserialize)]
struct DataPackage {
    resources: Vec<Resource>,
}

#[derive(serde::Deserialize)]
struct Resource {
    path: String,
    schema: ResourceSchema,
}

#[derive(serde::Deserialize)]
struct ResourceSchema {
    fields: Vec<Column>,
}

/// The schema of one of the shards' tables.
fn schema_of(
    schemas: &BTreeMap<String, Schema>,
    shards: &[ShardDir],
    name: &str,
) -> Result<Schema, MergeError> {
    schemas.get(name).cloned().ok_or_else(|| {
        read_error(
            &shards[0].dir.join(files::DATAPACKAGE),
            format!("does not describe {name}; the shard is incomplete"),
        )
    })
}

/// Joins the shards' files of a per-replication table: their rows in shard
/// order, which is replication order.
fn join_table(
    shards: &[ShardDir],
    kind: OutputKind,
    format: Format,
    schemas: &BTreeMap<String, Schema>,
    target: &mut Staging,
    stop: &Stop,
) -> Result<(), MergeError> {
    let name = kind.file(format);
    let schema = schema_of(schemas, shards, &name)?;
    let (name, mut writer) = target.table_bytes(kind, schema)?;
    let failed = |e| MergeError::Output(target.write_error(&name, e));
    match format {
        Format::Csv => concatenate(shards, &name, &mut writer, &failed, stop)?,
        Format::Parquet => concatenate_parquet(shards, &name, &mut writer, &failed, stop)?,
    }
    writer.flush().map_err(failed)
}

/// Checks every shard's Parquet file against its manifest, then writes
/// their rows as one file laid out as a run writes it.
#[cfg(feature = "parquet")]
fn concatenate_parquet(
    shards: &[ShardDir],
    name: &str,
    writer: &mut (impl Write + Send),
    failed: &dyn Fn(std::io::Error) -> MergeError,
    stop: &Stop,
) -> Result<(), MergeError> {
    let mut paths = Vec::with_capacity(shards.len());
    for shard in shards {
        stop.check()?;
        let mut file = shard.open(name)?;
        std::io::copy(&mut file, &mut std::io::sink())
            .map_err(|e| read_error(&file.path, e.to_string()))?;
        paths.push(file.path.clone());
        file.finish()?;
    }
    stop.check()?;
    use crate::output::format::{ConcatError, FormatError, concat_parquet};
    match concat_parquet(&paths, writer) {
        Ok(_) => Ok(()),
        Err(ConcatError::Write(e)) => Err(failed(FormatError::from(e).into_io())),
        Err(e) => Err(MergeError::Shards(error_chain(&e))),
    }
}

#[cfg(not(feature = "parquet"))]
fn concatenate_parquet(
    shards: &[ShardDir],
    name: &str,
    _: &mut (impl Write + Send),
    _: &dyn Fn(std::io::Error) -> MergeError,
    _: &Stop,
) -> Result<(), MergeError> {
    Err(read_error(
        &shards[0].dir.join(name),
        "is Parquet, and this reviewsim was built without the `parquet` feature",
    ))
}

/// An error with its causes, for a message.
#[cfg(feature = "parquet")]
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Copies `points`, the same in every shard.
fn copy_points(
    shards: &[ShardDir],
    format: Format,
    schemas: &BTreeMap<String, Schema>,
    target: &mut Staging,
) -> Result<(), MergeError> {
    let name = OutputKind::Points.file(format);
    let first = shards[0].read_checked(&name)?;
    for shard in &shards[1..] {
        if shard.read_checked(&name)? != first {
            return Err(MergeError::Shards(format!(
                "{}: differs from {}",
                shard.dir.join(&name).display(),
                shards[0].dir.join(&name).display()
            )));
        }
    }
    let schema = schema_of(schemas, shards, &name)?;
    let (name, mut writer) = target.table_bytes(OutputKind::Points, schema)?;
    (writer.write_all(&first))
        .and_then(|()| writer.flush())
        .map_err(|e| MergeError::Output(target.write_error(&name, e)))
}

/// Adds up the shards' aggregates point by point, in point order, and
/// writes `summary` and `compare` with the same tables as a run: memory
/// holds one point per shard at a time.
fn merge_aggregates(
    shards: &[ShardDir],
    outputs: &[OutputKind],
    target: &mut Staging,
    stop: &Stop,
) -> Result<(), MergeError> {
    let mut readers = shards
        .iter()
        .map(StateReader::open)
        .collect::<Result<Vec<_>, _>>()?;
    let layout = readers[0].layout.clone();
    if let Some(other) = readers.iter().find(|r| r.layout != layout) {
        return Err(MergeError::Shards(format!(
            "{}: its aggregates are laid out differently from the first shard's",
            other.path.display()
        )));
    }
    let summary = (outputs.contains(&OutputKind::Summary))
        .then(|| target.table(OutputKind::Summary, summary_schema(&layout)))
        .transpose()?
        .map(SummaryTable::new);
    let compare = (outputs.contains(&OutputKind::Compare))
        .then(|| target.table(OutputKind::Compare, compare_schema(&layout)))
        .transpose()?
        .map(CompareTable::new);
    let sensitivity = (outputs.contains(&OutputKind::Sensitivity))
        .then(|| target.table(OutputKind::Sensitivity, sensitivity_schema()))
        .transpose()?
        .and_then(|table| SensitivityTable::new(table, &layout))
        .map(Box::new);
    let robustness = (outputs.contains(&OutputKind::Robustness))
        .then(|| target.table(OutputKind::Robustness, robustness_schema()))
        .transpose()?
        .and_then(|table| RobustnessTable::new(table, &layout))
        .map(Box::new);
    let mut tables = (summary, (compare, (sensitivity, robustness)));
    let failed = |e: std::io::Error| MergeError::Output(target.write_error("summary", e));
    let mut expected = 0;
    while let Some(point) = readers.iter().filter_map(|r| r.next_point()).min() {
        stop.check()?;
        if point != expected {
            return Err(MergeError::Shards(format!(
                "the shards' aggregates have no point {expected}: a shard is incomplete"
            )));
        }
        let mut merged: Option<PointAggregate> = None;
        for reader in readers.iter_mut().filter(|r| r.next_point() == Some(point)) {
            let path = reader.path.clone();
            let aggregate = reader.take()?;
            match &mut merged {
                None => merged = Some(aggregate),
                Some(merged) => merged
                    .merge(&aggregate)
                    .map_err(|e| read_error(&path, e.to_string()))?,
            }
        }
        if let Some(merged) = merged {
            tables.point_done(&layout, &merged).map_err(failed)?;
        }
        expected += 1;
    }
    for reader in readers {
        reader.finish()?;
    }
    let (summary, (compare, (sensitivity, robustness))) = tables;
    super::sinks::finish_tables(summary, compare, sensitivity, robustness).map_err(failed)?;
    Ok(())
}

/// A shard's state lines, read one point ahead.
struct StateReader {
    path: PathBuf,
    layout: Layout,
    lines: BufReader<Verified>,
    next: Option<PointAggregate>,
}

impl StateReader {
    fn open(shard: &ShardDir) -> Result<Self, MergeError> {
        let verified = shard.open(files::SUMMARY_STATE)?;
        let path = verified.path.clone();
        let mut lines = BufReader::new(verified);
        let layout: Layout = read_line(&mut lines, &path)?
            .ok_or_else(|| read_error(&path, "is empty: not a summary state"))?;
        if layout.format != STATE_FORMAT {
            return Err(read_error(
                &path,
                format!(
                    "has state format {}, this reviewsim reads {STATE_FORMAT}: merge with the \
                     version that ran the shards",
                    layout.format
                ),
            ));
        }
        let next = read_line(&mut lines, &path)?;
        Ok(StateReader {
            path,
            layout,
            lines,
            next,
        })
    }

    fn next_point(&self) -> Option<usize> {
        self.next.as_ref().map(|p| p.point)
    }

    /// The next point's aggregates, reading the one after.
    fn take(&mut self) -> Result<PointAggregate, MergeError> {
        let current = self
            .next
            .take()
            .ok_or_else(|| read_error(&self.path, "ended early"))?;
        self.next = read_line(&mut self.lines, &self.path)?;
        if self
            .next
            .as_ref()
            .is_some_and(|next| next.point <= current.point)
        {
            return Err(read_error(&self.path, "its points are out of order"));
        }
        Ok(current)
    }

    /// Checks the whole file against the shard's manifest.
    fn finish(self) -> Result<(), MergeError> {
        self.lines.into_inner().finish()
    }
}

/// The next line of a state file, parsed; `None` at the end.
fn read_line<T: serde::de::DeserializeOwned>(
    lines: &mut BufReader<Verified>,
    path: &Path,
) -> Result<Option<T>, MergeError> {
    let mut line = String::new();
    let read = lines
        .read_line(&mut line)
        .map_err(|e| read_error(path, e.to_string()))?;
    if read == 0 {
        return Ok(None);
    }
    serde_json::from_str(&line)
        .map(Some)
        .map_err(|e| read_error(path, format!("not a summary state ({e})")))
}

/// Writes the first shard's file whole, then every other shard's rows
/// without its header (which must be the same), checking each file against
/// its shard's manifest.
/// `failed` is the error of a write to `writer` (the merged file, not the
/// shard's).
fn concatenate(
    shards: &[ShardDir],
    name: &str,
    writer: &mut impl Write,
    failed: &dyn Fn(std::io::Error) -> MergeError,
    stop: &Stop,
) -> Result<(), MergeError> {
    let mut header: Option<Vec<u8>> = None;
    let mut buffer = vec![0u8; 1 << 16];
    for shard in shards {
        let mut file = shard.open(name)?;
        let path = file.path.clone();
        let mut first_line = Vec::new();
        file.reader
            .read_until(b'\n', &mut first_line)
            .map_err(|e| read_error(&path, e.to_string()))?;
        file.tally.update(&first_line);
        match &header {
            None => {
                writer.write_all(&first_line).map_err(failed)?;
                header = Some(first_line);
            }
            Some(expected) if *expected != first_line => {
                return Err(MergeError::Shards(format!(
                    "{}: its header differs from the first shard's",
                    path.display()
                )));
            }
            Some(_) => {}
        }
        loop {
            stop.check()?;
            let read = file
                .read(&mut buffer)
                .map_err(|e| read_error(&path, e.to_string()))?;
            if read == 0 {
                break;
            }
            writer.write_all(&buffer[..read]).map_err(failed)?;
        }
        file.finish()?;
    }
    Ok(())
}
