//! An output directory that holds one run, whose files appear complete or
//! not at all.
//!
//! - Files are written under hidden temporary names (`.name.partial`) and
//!   renamed into place by [`OutputDir::commit`]. Dropped without a commit
//!   (an error, or an interrupted run unwinding), the directory removes its
//!   temporary files and any directories it created, so the directory is
//!   left as it was.
//! - Temporary files left by a run that was killed outright (SIGKILL, a
//!   lost node) are removed by the next run into the directory.
//! - A directory holding the results of an earlier run is refused, unless
//!   the run is told to replace them; then the commit removes every file of
//!   the earlier run, so one directory never mixes two runs.
//! - Every file is counted and hashed as it is written ([`FileDigest`]), so
//!   the manifest can record what each file must be and `merge` can check.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The directory could not be created or is not a directory.
    #[error("{dir}: cannot use as the output directory")]
    Dir {
        /// The directory.
        dir: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The directory holds another run's results.
    #[error(
        "{dir}: holds the results of an earlier run ({}); pass --replace to replace them, \
         or choose another directory",
        files.join(", ")
    )]
    Occupied {
        /// The directory.
        dir: String,
        /// The earlier run's files found there.
        files: Vec<String>,
    },
    /// The results could not be written into the directory (a full disk).
    #[error("{dir}: cannot write the results")]
    Results {
        /// The directory.
        dir: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{file}: cannot write")]
    File {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Size, line count and SHA-256 of a file, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// Bytes.
    pub bytes: u64,
    /// Newline characters: the header and the rows of a CSV file.
    pub lines: u64,
    /// SHA-256 of the content, in hexadecimal.
    pub sha256: String,
}

/// The running count and hash of a file being written.
#[derive(Default)]
pub struct Tally {
    bytes: u64,
    lines: u64,
    hasher: Sha256,
}

impl Tally {
    /// Counts and hashes `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        self.lines += memchr::memchr_iter(b'\n', data).count() as u64;
        self.hasher.update(data);
    }

    /// The digest of everything counted.
    pub fn digest(&self) -> FileDigest {
        FileDigest {
            bytes: self.bytes,
            lines: self.lines,
            sha256: self
                .hasher
                .clone()
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }
}

/// A staged file that counts and hashes what is written to it, on a
/// thread of its own: writes fill a 64 KiB buffer, which is handed whole
/// to the writer thread (no copy) while the caller fills a spare one; the
/// writer thread writes each buffer to the file and hashes it, in order.
/// `flush` waits until everything handed over is written and hashed (and
/// reports a failed write); dropping the file hands over what is left and
/// waits for the thread to finish.
pub struct TalliedFile {
    buffer: Vec<u8>,
    sender: Option<std::sync::mpsc::SyncSender<Chunk>>,
    worker: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    /// Buffers the writer thread has finished with, to fill again.
    spare: std::sync::mpsc::Receiver<Vec<u8>>,
}

/// What the writer thread is handed.
enum Chunk {
    /// Bytes to write and hash.
    Data(Vec<u8>),
    /// Flush the file, then say how it went.
    Flush(std::sync::mpsc::SyncSender<std::io::Result<()>>),
}

/// Buffers in flight to a writer thread: at most half a megabyte a file.
const CHUNKS_IN_FLIGHT: usize = 8;

/// The size of a buffer handed to the writer thread.
const CHUNK_BYTES: usize = 1 << 16;

impl TalliedFile {
    fn new(mut file: File, tally: Arc<Mutex<Tally>>) -> std::io::Result<Self> {
        let (sender, chunks) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_IN_FLIGHT);
        let (give_back, spare) = std::sync::mpsc::sync_channel::<Vec<u8>>(CHUNKS_IN_FLIGHT);
        let worker = std::thread::Builder::new()
            .name("reviewsim-writer".into())
            .spawn(move || {
                for chunk in chunks {
                    match chunk {
                        Chunk::Data(mut bytes) => {
                            file.write_all(&bytes)?;
                            (tally.lock().unwrap_or_else(PoisonError::into_inner)).update(&bytes);
                            bytes.clear();
                            let _ = give_back.try_send(bytes);
                        }
                        Chunk::Flush(done) => {
                            let _ = done.send(file.flush());
                        }
                    }
                }
                file.flush()
            })?;
        Ok(TalliedFile {
            buffer: Vec::with_capacity(CHUNK_BYTES),
            sender: Some(sender),
            worker: Some(worker),
            spare,
        })
    }

    /// The writer thread's error, once it has stopped.
    fn stopped(&mut self) -> std::io::Error {
        self.sender = None;
        match self.worker.take().map(std::thread::JoinHandle::join) {
            Some(Ok(Err(err))) => err,
            _ => std::io::Error::other("the file's writer thread stopped"),
        }
    }
}

impl TalliedFile {
    /// Hands the buffer to the writer thread, taking a spare in its place.
    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let spare = (self.spare.try_recv()).unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES));
        let bytes = std::mem::replace(&mut self.buffer, spare);
        let sent = (self.sender.as_ref()).map(|sender| sender.send(Chunk::Data(bytes)));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stopped()),
        }
    }
}

impl Write for TalliedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK_BYTES {
            self.hand_over()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.hand_over()?;
        let (done, result) = std::sync::mpsc::sync_channel(1);
        // A refused send gives the message back, and with it `done`: it is
        // dropped here, before waiting, or the wait below would never end.
        let sent =
            (self.sender.as_ref()).is_some_and(|sender| sender.send(Chunk::Flush(done)).is_ok());
        match result.recv() {
            Ok(flushed) if sent => flushed,
            _ => Err(self.stopped()),
        }
    }
}

impl Drop for TalliedFile {
    fn drop(&mut self) {
        let _ = self.hand_over();
        self.sender = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Writes `bytes` to a hidden file beside `path`, then renames it to
/// `path`: a reader sees the old file or the whole new one, and a failed
/// write leaves nothing behind. The file is created as any other output
/// (its mode from the umask).
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_all_whole(&[(path, bytes)]).map_err(|(_, error)| error)
}

/// Writes several files as [`write_whole`] writes one, together: each to a
/// hidden file beside its path, and only once all are written is each
/// renamed into place, so a failed write leaves the earlier files as they
/// were, not a mix of old and new. The error says which file failed, by
/// its index in `files`.
pub fn write_all_whole(files: &[(&Path, &[u8])]) -> Result<(), (usize, std::io::Error)> {
    let staged: Vec<PathBuf> = (files.iter())
        .map(|(path, _)| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
        })
        .collect();
    let remove = |staged: &[PathBuf]| {
        for path in staged {
            let _ = std::fs::remove_file(path);
        }
    };
    for (index, ((_, bytes), temporary)) in files.iter().zip(&staged).enumerate() {
        if let Err(error) = std::fs::write(temporary, bytes) {
            remove(&staged[..=index]);
            return Err((index, error));
        }
    }
    for (index, ((path, _), temporary)) in files.iter().zip(&staged).enumerate() {
        if let Err(error) = std::fs::rename(temporary, path) {
            remove(&staged[index..]);
            return Err((index, error));
        }
    }
    Ok(())
}

struct Staged {
    name: String,
    temporary: PathBuf,
    target: PathBuf,
    tally: Arc<Mutex<Tally>>,
}

/// See the module documentation.
pub struct OutputDir {
    dir: PathBuf,
    created: Vec<PathBuf>,
    staged: Vec<Staged>,
    /// Files of an earlier run that the commit removes.
    earlier: Vec<PathBuf>,
    committed: bool,
}

impl std::fmt::Debug for OutputDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputDir").field("dir", &self.dir).finish()
    }
}

impl OutputDir {
    /// Opens `dir`, creating it (and missing parents) if needed. Temporary
    /// files of killed runs are removed. If the directory holds an earlier
    /// run's results, it is refused unless `replace`.
    pub fn create(dir: &Path, replace: bool) -> Result<Self, OutputError> {
        let mut opened = Self::open(dir)?;
        if !opened.earlier.is_empty() && !replace {
            return Err(OutputError::Occupied {
                dir: dir.display().to_string(),
                files: (opened.earlier.drain(..))
                    .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect(),
            });
        }
        Ok(opened)
    }

    /// Opens `dir`, creating it (and missing parents) if needed, to add
    /// files beside whatever it holds (a `backtest` or `replay` beside a
    /// run): nothing is refused or removed but the temporary files of
    /// killed runs, and a staged file replaces one of its name on commit.
    pub fn beside(dir: &Path) -> Result<Self, OutputError> {
        let mut opened = Self::open(dir)?;
        opened.earlier.clear();
        Ok(opened)
    }

    /// Opens `dir` as [`OutputDir::create`] does, with the earlier run's
    /// files it holds listed to be removed on commit.
    fn open(dir: &Path) -> Result<Self, OutputError> {
        let fail = |source| OutputError::Dir {
            dir: dir.display().to_string(),
            source,
        };
        let mut created = Vec::new();
        let mut ancestor = Some(dir);
        while let Some(path) = ancestor {
            if path.as_os_str().is_empty() || path.exists() {
                break;
            }
            created.push(path.to_path_buf());
            ancestor = path.parent();
        }
        created.reverse();
        let not_a_directory = || fail(std::io::Error::other("exists and is not a directory"));
        if dir.exists() && !dir.is_dir() {
            return Err(not_a_directory());
        }
        std::fs::create_dir_all(dir).map_err(fail)?;
        if !dir.is_dir() {
            return Err(not_a_directory());
        }
        let mut earlier = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".partial") {
                std::fs::remove_file(entry.path()).map_err(fail)?;
            } else if files::is_output(&name) {
                earlier.push(entry.path());
            }
        }
        earlier.sort();
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            created,
            staged: Vec::new(),
            earlier,
            committed: false,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A buffered writer for `name`, under a temporary name until commit,
    /// counted and hashed as it is written.
    pub fn stage(&mut self, name: &str) -> Result<TalliedFile, OutputError> {
        let temporary = self.dir.join(format!(".{name}.partial"));
        let target = self.dir.join(name);
        let file = File::create(&temporary).map_err(|source| OutputError::File {
            file: target.display().to_string(),
            source,
        })?;
        let tally = Arc::new(Mutex::new(Tally::default()));
        self.staged.push(Staged {
            name: name.to_string(),
            temporary,
            target,
            tally: Arc::clone(&tally),
        });
        let tallied = TalliedFile::new(file, tally).map_err(|source| OutputError::File {
            file: self.dir.join(name).display().to_string(),
            source,
        })?;
        Ok(tallied)
    }

    /// Size, lines and hash of every file staged so far, by name (call it
    /// once their writers are flushed).
    pub fn digests(&self) -> BTreeMap<String, FileDigest> {
        self.staged
            .iter()
            .map(|staged| {
                let tally = staged.tally.lock().unwrap_or_else(PoisonError::into_inner);
                (staged.name.clone(), tally.digest())
            })
            .collect()
    }

    /// Removes the earlier run's files (its manifest first, so that the
    /// directory never claims to be a run it no longer holds), then renames
    /// every staged file into place, in staging order: the manifest, staged
    /// last, appears last.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let manifest = self.dir.join(files::MANIFEST);
        self.earlier
            .sort_by_key(|path| (path != &manifest, path.clone()));
        for path in &self.earlier {
            match std::fs::remove_file(path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    return Err(OutputError::File {
                        file: path.display().to_string(),
                        source: err,
                    });
                }
                _ => {}
            }
        }
        let mut written = Vec::new();
        for staged in &self.staged {
            std::fs::rename(&staged.temporary, &staged.target).map_err(|source| {
                OutputError::File {
                    file: staged.target.display().to_string(),
                    source,
                }
            })?;
            written.push(staged.target.clone());
        }
        self.committed = true;
        Ok(written)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for staged in &self.staged {
            let _ = std::fs::remove_file(&staged.temporary);
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the writer thread writes, and the tally it keeps, are the bytes
    /// handed to it, in order, whatever the sizes of the writes.
    #[test]
    fn the_writer_thread_writes_and_hashes_every_byte_in_order() {
        let dir = scratch("tallied");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("file");
        let tally = Arc::new(Mutex::new(Tally::default()));
        let mut file = TalliedFile::new(File::create(&path).unwrap(), Arc::clone(&tally)).unwrap();
        let mut expected = Vec::new();
        for (i, size) in [1usize, 70_000, 3, 65_535, 200_000, 17]
            .into_iter()
            .enumerate()
        {
            let bytes: Vec<u8> = (0..size).map(|k| ((k * 31 + i) % 251) as u8).collect();
            file.write_all(&bytes).unwrap();
            expected.extend(bytes);
            if i == 2 {
                expected.push(b'\n');
                file.write_all(b"\n").unwrap();
            }
        }
        file.flush().unwrap();
        let mut direct = Tally::default();
        direct.update(&expected);
        assert_eq!(tally.lock().unwrap().digest(), direct.digest());
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A write the writer thread cannot make (a full disk) is reported by
    /// the next write or by the flush, not lost.
    #[test]
    #[cfg(target_os = "linux")]
    fn a_failed_write_on_the_writer_thread_is_reported() {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let mut file = TalliedFile::new(full, Arc::new(Mutex::new(Tally::default()))).unwrap();
        let written = file.write_all(&vec![7u8; 1 << 20]);
        let flushed = file.flush();
        let error = written
            .err()
            .or(flushed.err())
            .expect("the full disk is reported");
        assert_eq!(error.raw_os_error(), Some(28), "{error}");
    }

    /// A flush that finds the writer thread already stopped by a failed
    /// write returns the failure at once (it once waited for ever: the
    /// refused message kept the answer's channel open).
    #[test]
    fn a_flush_after_the_writer_thread_has_stopped_returns_its_error() {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let mut file = TalliedFile::new(full, Arc::new(Mutex::new(Tally::default()))).unwrap();
        file.write_all(&vec![7u8; 1 << 20]).unwrap();
        let worker = file.worker.as_ref().unwrap();
        while !worker.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let (answer, flushed) = std::sync::mpsc::channel();
        std::thread::spawn(move || answer.send(file.flush().map_err(|e| e.raw_os_error())));
        let flushed = flushed.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(flushed, Ok(Err(Some(28))), "the flush did not return");
    }

    /// Files written together: if one cannot be written, none is, the
    /// earlier files stay as they were, and no temporary file is left.
    #[test]
    fn files_written_together_are_all_written_or_none() {
        let dir = scratch("together");
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
        std::fs::write(&a, "old a\n").unwrap();
        let missing = dir.join("no such directory/c.csv");
        let failed = write_all_whole(&[(&a, b"new a\n"), (&b, b"b\n"), (&missing, b"c\n")]);
        let (index, error) = failed.unwrap_err();
        assert_eq!((index, error.kind()), (2, std::io::ErrorKind::NotFound));
        assert_eq!(names(&dir), ["a.csv"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
        write_all_whole(&[(&a, b"new a\n"), (&b, b"b\n")]).unwrap();
        assert_eq!(names(&dir), ["a.csv", "b.csv"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("reviewsim-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn files_appear_only_on_commit() {
        let root = scratch("commit");
        let mut out = OutputDir::create(&root.join("run"), false).unwrap();
        out.stage("a.csv").unwrap().write_all(b"x\n").unwrap();
        assert!(!root.join("run/a.csv").exists());
        out.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("run/a.csv")).unwrap(),
            "x\n"
        );
        assert!(!root.join("run/.a.csv.partial").exists());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn dropping_without_commit_removes_what_it_created() {
        let root = scratch("drop");
        {
            let mut out = OutputDir::create(&root.join("deep/run"), false).unwrap();
            out.stage("a.csv").unwrap().write_all(b"x\n").unwrap();
        }
        assert!(!root.exists());
    }

    #[test]
    fn an_existing_directory_is_kept_on_failure() {
        let root = scratch("keep");
        std::fs::create_dir_all(&root).unwrap();
        {
            let mut out = OutputDir::create(&root, false).unwrap();
            out.stage("a.csv").unwrap();
        }
        assert!(root.is_dir());
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn an_earlier_run_is_refused_unless_replaced_and_then_removed_whole() {
        let root = scratch("replace");
        let mut first = OutputDir::create(&root, false).unwrap();
        for name in ["events.csv", "lab_outcomes.csv", files::MANIFEST] {
            first.stage(name).unwrap().write_all(b"old\n").unwrap();
        }
        first.commit().unwrap();
        std::fs::write(root.join("notes.txt"), "mine").unwrap();
        let refused = OutputDir::create(&root, false).unwrap_err();
        assert!(refused.to_string().contains("--replace"), "{refused}");
        let mut second = OutputDir::create(&root, true).unwrap();
        for name in ["lab_outcomes.csv", files::MANIFEST] {
            second.stage(name).unwrap().write_all(b"new\n").unwrap();
        }
        // Until the commit, the earlier run is whole.
        assert_eq!(
            names(&root),
            [
                ".lab_outcomes.csv.partial",
                ".manifest.json.partial",
                "events.csv",
                "lab_outcomes.csv",
                "manifest.json",
                "notes.txt"
            ]
        );
        second.commit().unwrap();
        assert_eq!(
            names(&root),
            ["lab_outcomes.csv", "manifest.json", "notes.txt"]
        );
        assert_eq!(
            std::fs::read_to_string(root.join("lab_outcomes.csv")).unwrap(),
            "new\n"
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
        let root = scratch("stale");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join(".timeseries.csv.partial"), "half a row").unwrap();
        let out = OutputDir::create(&root, false).unwrap();
        drop(out);
        assert_eq!(names(&root), Vec::<String>::new());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn digests_count_lines_and_hash_what_was_written() {
        let root = scratch("digest");
        let mut out = OutputDir::create(&root, false).unwrap();
        let mut writer = out.stage("a.csv").unwrap();
        writer.write_all(b"h\n1\n2\n").unwrap();
        writer.flush().unwrap();
        drop(writer);
        let digest = &out.digests()["a.csv"];
        assert_eq!((digest.bytes, digest.lines), (6, 3));
        let expected: String = Sha256::digest(b"h\n1\n2\n")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest.sha256, expected);
        drop(out);
        let _ = std::fs::remove_dir_all(root);
    }
}
