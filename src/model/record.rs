//! Recorders: the event log and time series of a replication, kept in
//! batches and handed, as batches fill, to a spill that the runner provides.

/// Records kept in memory before a full batch is handed to the spill.
pub const SPILL_BATCH: usize = 2048;

/// Where a recorder sends its full batches, in order. The runner writes them
/// to disk, so a replication's memory does not grow with its event log or
/// time series; the model itself does no I/O, it only hands batches over.
pub trait Spill<T> {
    /// Takes the next full batch.
    fn spill(&mut self, batch: &[T]);
}

/// Collects records of one kind when enabled (one branch when not); full
/// batches go to the spill, if there is one, and the rest stays in memory.
pub(crate) struct Recorder<'a, T> {
    enabled: bool,
    buffer: Vec<T>,
    spill: Option<&'a mut dyn Spill<T>>,
}

impl<'a, T> Recorder<'a, T> {
    pub(crate) fn new(enabled: bool, spill: Option<&'a mut dyn Spill<T>>) -> Self {
        Recorder {
            enabled,
            buffer: Vec::new(),
            spill,
        }
    }

    pub(crate) fn push(&mut self, record: T) {
        if !self.enabled {
            return;
        }
        self.buffer.push(record);
        if self.buffer.len() >= SPILL_BATCH
            && let Some(spill) = &mut self.spill
        {
            spill.spill(&self.buffer);
            self.buffer.clear();
        }
    }

    /// The records not spilled, in order.
    pub(crate) fn into_records(self) -> Vec<T> {
        self.buffer
    }
}

impl<T> Default for Recorder<'_, T> {
    fn default() -> Self {
        Recorder::new(false, None)
    }
}
