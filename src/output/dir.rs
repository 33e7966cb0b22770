//! An output directory whose files appear complete or not at all.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

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

/// Files are written under hidden temporary names (`.name.partial`) and
/// renamed into place by [`OutputDir::commit`]. Dropped without a commit, it
/// removes its temporary files and any directories it created, so a failed
/// run leaves nothing behind.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    created: Vec<PathBuf>,
    staged: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputDir {
    /// Opens `dir`, creating it (and missing parents) if needed.
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
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
        std::fs::create_dir_all(dir).map_err(fail)?;
        if !dir.is_dir() {
            return Err(fail(std::io::Error::other("exists and is not a directory")));
        }
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            created,
            staged: Vec::new(),
            committed: false,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A buffered writer for `name`, under a temporary name until commit.
    pub fn stage(&mut self, name: &str) -> Result<BufWriter<File>, OutputError> {
        let temporary = self.dir.join(format!(".{name}.partial"));
        let target = self.dir.join(name);
        let file = File::create(&temporary).map_err(|source| OutputError::File {
            file: target.display().to_string(),
            source,
        })?;
        self.staged.push((temporary, target));
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    /// Renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let mut written = Vec::new();
        for (temporary, target) in &self.staged {
            std::fs::rename(temporary, target).map_err(|source| OutputError::File {
                file: target.display().to_string(),
                source,
            })?;
            written.push(target.clone());
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
        for (temporary, _) in &self.staged {
            let _ = std::fs::remove_file(temporary);
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("reviewsim-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn files_appear_only_on_commit() {
        let root = scratch("commit");
        let mut out = OutputDir::create(&root.join("run")).unwrap();
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
            let mut out = OutputDir::create(&root.join("deep/run")).unwrap();
            out.stage("a.csv").unwrap().write_all(b"x\n").unwrap();
        }
        assert!(!root.exists());
    }

    #[test]
    fn an_existing_directory_is_kept_on_failure() {
        let root = scratch("keep");
        std::fs::create_dir_all(&root).unwrap();
        {
            let mut out = OutputDir::create(&root).unwrap();
            out.stage("a.csv").unwrap();
        }
        assert!(root.is_dir());
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
        std::fs::remove_dir_all(root).unwrap();
    }
}
