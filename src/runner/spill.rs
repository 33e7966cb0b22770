//! Spill files: full batches of a replication's event log and time series,
//! written as they fill to unnamed temporary files in the output directory,
//! then read back in order by the writers. A replication then holds at most
//! one batch of each table in memory, however long its log, and nothing is
//! left behind if the process is killed: the files have no name.
//!
//! Records are stored in a fixed-size binary layout ([`Encode`]), so that any
//! output format can read them back.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use crate::engine::SimTime;
use crate::model::{
    AdoptionSample, EventKind, EventRecord, ModelRef, PressureSample, QueueSample, SPILL_BATCH,
    Spill,
};

/// A record with a fixed-size binary layout (little-endian).
pub trait Encode: Sized {
    /// Bytes per record.
    const SIZE: usize;
    /// Appends the record's bytes.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads a record from its `SIZE` bytes.
    fn decode(bytes: &[u8]) -> Self;
}

/// Reads little-endian fields in order.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().unwrap_or([0; N])
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take())
    }
    fn optional_u32(&mut self) -> Option<u32> {
        Some(self.u32()).filter(|v| *v != u32::MAX)
    }
}

/// `None` as `u32::MAX`, which no index reaches.
fn optional_u32(value: Option<u32>) -> [u8; 4] {
    value.unwrap_or(u32::MAX).to_le_bytes()
}

impl Encode for EventRecord {
    const SIZE: usize = 8 + 1 + 4 * 5;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend(self.time.ticks().to_le_bytes());
        out.push(self.kind.code());
        out.extend(optional_u32(self.model.map(|m| m.lab)));
        out.extend(optional_u32(self.model.map(|m| m.line)));
        out.extend(optional_u32(self.model.map(|m| m.number)));
        out.extend(optional_u32(self.lab));
        out.extend(optional_u32(self.track));
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut fields = Fields(bytes);
        let time = SimTime::from_ticks(fields.u64());
        let kind = EventKind::from_code(fields.u8()).unwrap_or(EventKind::Operational);
        let (lab, line, number) = (
            fields.optional_u32(),
            fields.optional_u32(),
            fields.optional_u32(),
        );
        let model = match (lab, line, number) {
            (Some(lab), Some(line), Some(number)) => Some(ModelRef { lab, line, number }),
            _ => None,
        };
        EventRecord {
            time,
            kind,
            model,
            lab: fields.optional_u32(),
            track: fields.optional_u32(),
        }
    }
}

impl Encode for AdoptionSample {
    const SIZE: usize = 8 + 4 + 4 + 8 * 3 + 1 + 8;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend(self.time.ticks().to_le_bytes());
        out.extend(self.segment.to_le_bytes());
        out.extend(self.lab.to_le_bytes());
        out.extend(self.adopters.to_le_bytes());
        out.extend(self.adopters_api.to_le_bytes());
        out.extend(self.adopters_open_weights.to_le_bytes());
        out.push(u8::from(self.share.is_some()));
        out.extend(self.share.unwrap_or_default().to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut fields = Fields(bytes);
        AdoptionSample {
            time: SimTime::from_ticks(fields.u64()),
            segment: fields.u32(),
            lab: fields.u32(),
            adopters: fields.f64(),
            adopters_api: fields.f64(),
            adopters_open_weights: fields.f64(),
            share: {
                let present = fields.u8() == 1;
                let share = fields.f64();
                present.then_some(share)
            },
        }
    }
}

impl Encode for QueueSample {
    const SIZE: usize = 8 + 4 + 8 + 8;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend(self.time.ticks().to_le_bytes());
        out.extend(self.track.to_le_bytes());
        out.extend(self.queue_length.to_le_bytes());
        out.extend(self.busy_teams.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut fields = Fields(bytes);
        QueueSample {
            time: SimTime::from_ticks(fields.u64()),
            track: fields.u32(),
            queue_length: fields.u64(),
            busy_teams: fields.u64(),
        }
    }
}

impl Encode for PressureSample {
    const SIZE: usize = 8 + 4 + 8 + 8 + 1;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend(self.time.ticks().to_le_bytes());
        out.extend(self.lab.to_le_bytes());
        out.extend(self.pressure.to_le_bytes());
        out.extend(self.escalation_level.to_le_bytes());
        out.push(u8::from(self.participating));
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut fields = Fields(bytes);
        PressureSample {
            time: SimTime::from_ticks(fields.u64()),
            lab: fields.u32(),
            pressure: fields.f64(),
            escalation_level: fields.u64(),
            participating: fields.u8() == 1,
        }
    }
}

/// Takes full batches of one table of one replication and writes them to
/// an unnamed file in `dir`, created at the first batch.
pub struct SpillFile<T> {
    dir: PathBuf,
    writer: Option<BufWriter<File>>,
    count: u64,
    bytes: Vec<u8>,
    error: Option<std::io::Error>,
    record: PhantomData<T>,
}

impl<T: Encode> SpillFile<T> {
    /// Nothing spilled yet.
    pub fn new(dir: &Path) -> Self {
        SpillFile {
            dir: dir.to_path_buf(),
            writer: None,
            count: 0,
            bytes: Vec::new(),
            error: None,
            record: PhantomData,
        }
    }

    fn write(&mut self, batch: &[T]) -> std::io::Result<()> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => self.writer.insert(BufWriter::with_capacity(
                1 << 16,
                tempfile::tempfile_in(&self.dir)?,
            )),
        };
        self.bytes.clear();
        for record in batch {
            record.encode(&mut self.bytes);
        }
        writer.write_all(&self.bytes)?;
        self.count += batch.len() as u64;
        Ok(())
    }

    /// What was spilled, ready to read back (`None` if nothing was), or the
    /// first error met while writing.
    pub fn finish(self) -> std::io::Result<Option<Spilled<T>>> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let Some(writer) = self.writer else {
            return Ok(None);
        };
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        Ok(Some(Spilled {
            file,
            count: self.count,
            record: PhantomData,
        }))
    }
}

impl<T: Encode> Spill<T> for SpillFile<T> {
    fn spill(&mut self, batch: &[T]) {
        if self.error.is_none()
            && let Err(error) = self.write(batch)
        {
            self.error = Some(error);
        }
    }
}

/// Records spilled by one replication, to be read back in order.
pub struct Spilled<T> {
    file: File,
    count: u64,
    record: PhantomData<T>,
}

impl<T> std::fmt::Debug for Spilled<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spilled({} records)", self.count)
    }
}

impl<T: Encode> Spilled<T> {
    /// Records spilled.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Hands the records to `f` in batches, in the order they were spilled.
    pub fn for_each_batch(
        &self,
        mut f: impl FnMut(&[T]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0))?;
        let mut bytes = vec![0u8; SPILL_BATCH * T::SIZE];
        let mut batch = Vec::with_capacity(SPILL_BATCH);
        let mut left = self.count;
        while left > 0 {
            let records = left.min(SPILL_BATCH as u64) as usize;
            let chunk = &mut bytes[..records * T::SIZE];
            file.read_exact(chunk)?;
            batch.clear();
            batch.extend(chunk.chunks_exact(T::SIZE).map(T::decode));
            f(&batch)?;
            left -= records as u64;
        }
        Ok(())
    }
}

/// The spilled part of each recorded table of one replication.
#[derive(Debug, Default)]
pub struct SpilledTables {
    /// The event log.
    pub events: Option<Spilled<EventRecord>>,
    /// Adoption samples.
    pub adoption: Option<Spilled<AdoptionSample>>,
    /// Queue samples.
    pub queue: Option<Spilled<QueueSample>>,
    /// Pressure samples.
    pub pressure: Option<Spilled<PressureSample>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReleaseHow;

    fn round_trip<T: Encode + PartialEq + std::fmt::Debug>(records: &[T]) {
        let mut bytes = Vec::new();
        for record in records {
            record.encode(&mut bytes);
        }
        assert_eq!(bytes.len(), records.len() * T::SIZE);
        let back: Vec<T> = bytes.chunks_exact(T::SIZE).map(T::decode).collect();
        assert_eq!(back, records);
    }

    #[test]
    fn every_record_round_trips_through_its_layout() {
        let who = ModelRef {
            lab: 2,
            line: 5,
            number: 17,
        };
        round_trip(&[
            EventRecord {
                time: SimTime::from_days(12.5),
                kind: EventKind::Released(ReleaseHow::WindowExpired),
                model: Some(who),
                lab: Some(2),
                track: None,
            },
            EventRecord {
                time: SimTime::ZERO,
                kind: EventKind::PublicPressure { started: false },
                model: None,
                lab: Some(0),
                track: Some(1),
            },
        ]);
        round_trip(&[AdoptionSample {
            time: SimTime::from_days(7.0),
            segment: 1,
            lab: 3,
            adopters: 12.25,
            adopters_api: 10.0,
            adopters_open_weights: 2.25,
            share: None,
        }]);
        round_trip(&[QueueSample {
            time: SimTime::from_days(3.0),
            track: 2,
            queue_length: 4,
            busy_teams: 1,
        }]);
        round_trip(&[PressureSample {
            time: SimTime::from_days(1.0),
            lab: 0,
            pressure: 2.5,
            escalation_level: 2,
            participating: true,
        }]);
    }

    #[test]
    fn spilled_batches_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = SpillFile::<QueueSample>::new(dir.path());
        let records: Vec<QueueSample> = (0..(2 * SPILL_BATCH + 5) as u64)
            .map(|i| QueueSample {
                time: SimTime::from_ticks(i),
                track: 0,
                queue_length: i,
                busy_teams: 0,
            })
            .collect();
        for batch in records.chunks(SPILL_BATCH) {
            spill.spill(batch);
        }
        let spilled = spill.finish().unwrap().unwrap();
        let mut back = Vec::new();
        spilled
            .for_each_batch(|batch| {
                back.extend_from_slice(batch);
                Ok(())
            })
            .unwrap();
        assert_eq!(back, records);
        // The files have no name: the directory stays empty.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
