//! Spill files: full batches of a replication's event log and time series,
//! written as they fill to unnamed temporary files in the output directory,
//! then read back in order by the writers. A replication then holds at most
//! one batch of each table in memory, however long its log, and nothing is
//! left behind if the process is killed: the files have no name.
//!
//! Rows are stored in the fixed-size binary layout their declaration gives
//! them ([`crate::model::Row`]), so that any output format can read them
//! back.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::model::{RecordedTable, SPILL_BATCH, Spill, TABLES};

/// Takes full batches of one table of one replication and writes them to
/// an unnamed file in `dir`, created at the first batch.
pub struct SpillFile {
    dir: PathBuf,
    size: usize,
    writer: Option<BufWriter<File>>,
    count: u64,
    error: Option<std::io::Error>,
}

impl SpillFile {
    /// Nothing spilled yet, of `table`'s rows.
    pub fn new(dir: &Path, table: &RecordedTable) -> Self {
        SpillFile {
            dir: dir.to_path_buf(),
            size: table.size(),
            writer: None,
            count: 0,
            error: None,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => self.writer.insert(BufWriter::with_capacity(
                1 << 16,
                tempfile::tempfile_in(&self.dir)?,
            )),
        };
        writer.write_all(bytes)?;
        self.count += (bytes.len() / self.size.max(1)) as u64;
        Ok(())
    }

    /// What was spilled, ready to read back (`None` if nothing was), or the
    /// first error met while writing.
    pub fn finish(self) -> std::io::Result<Option<Spilled>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let Some(writer) = self.writer else {
            return Ok(None);
        };
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        Ok(Some(Spilled {
            file,
            size: self.size,
            count: self.count,
        }))
    }
}

impl Spill for SpillFile {
    fn spill(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(error) = self.write(bytes)
        {
            self.error = Some(error);
        }
    }
}

/// Records spilled by one replication, to be read back in order.
pub struct Spilled {
    file: File,
    size: usize,
    count: u64,
}

impl std::fmt::Debug for Spilled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spilled({} records)", self.count)
    }
}

impl Spilled {
    /// Records spilled.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Hands the rows' bytes to `f` in batches, in the order they were
    /// spilled.
    pub fn for_each_batch(
        &self,
        mut f: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))?;
        let mut bytes = vec![0u8; SPILL_BATCH * self.size];
        let mut left = self.count;
        while left > 0 {
            let records = left.min(SPILL_BATCH as u64) as usize;
            let chunk = &mut bytes[..records * self.size];
            file.read_exact(chunk)?;
            f(chunk)?;
            left -= records as u64;
        }
        Ok(())
    }
}

/// The spilled part of each recorded table of one replication, one entry
/// per table of [`TABLES`] (none: nothing spilled).
#[derive(Debug, Default)]
pub struct SpilledTables(Vec<Option<Spilled>>);

impl SpilledTables {
    /// What table `index` of [`TABLES`] spilled.
    pub fn table(&self, index: usize) -> Option<&Spilled> {
        self.0.get(index).and_then(Option::as_ref)
    }
}

/// A spill file per table of [`TABLES`], for one replication.
pub struct SpillFiles(Vec<SpillFile>);

impl SpillFiles {
    /// Nothing spilled yet, to unnamed files in `dir`.
    pub fn new(dir: &Path) -> Self {
        SpillFiles(
            TABLES
                .iter()
                .map(|table| SpillFile::new(dir, table))
                .collect(),
        )
    }

    /// The spills, in table order.
    pub fn spills(&mut self) -> crate::model::Spills<'_> {
        crate::model::Spills::new(self.0.iter_mut().map(|file| file as &mut dyn Spill))
    }

    /// What was spilled, ready to read back.
    pub fn finish(self) -> std::io::Result<SpilledTables> {
        let tables = self.0.into_iter().map(SpillFile::finish);
        Ok(SpilledTables(tables.collect::<std::io::Result<_>>()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimTime;
    use crate::model::{QueueSample, Row};

    #[test]
    fn spilled_batches_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let table = &TABLES[RecordedTable::index_of::<QueueSample>()];
        let mut spill = SpillFile::new(dir.path(), table);
        let records: Vec<QueueSample> = (0..(2 * SPILL_BATCH + 5) as u64)
            .map(|i| QueueSample {
                time: SimTime::from_ticks(i),
                track: 0,
                queue_length: i,
                busy_teams: 0,
            })
            .collect();
        for batch in records.chunks(SPILL_BATCH) {
            let mut bytes = Vec::new();
            batch.iter().for_each(|r| r.encode(&mut bytes));
            spill.spill(&bytes);
        }
        let spilled = spill.finish().unwrap().unwrap();
        assert_eq!(spilled.count(), records.len() as u64);
        let mut back = Vec::new();
        spilled
            .for_each_batch(|batch| {
                back.extend(
                    batch
                        .chunks_exact(QueueSample::SIZE)
                        .map(QueueSample::decode),
                );
                Ok(())
            })
            .unwrap();
        assert_eq!(back, records);
        // The files have no name: the directory stays empty.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
