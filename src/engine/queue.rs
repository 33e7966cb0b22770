//! The pending-event set.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::time::SimTime;

/// A priority queue of events keyed by (time, insertion sequence).
///
/// Events leave in order of time; events scheduled for the same tick leave in
/// the order they were pushed (first in, first out). Time is an integer, so the
/// order never depends on floating-point rounding, and the sequence number
/// makes the order total: the same pushes always give the same pops.
///
/// ```
/// use reviewsim::engine::{EventQueue, SimTime};
///
/// let mut queue = EventQueue::new();
/// let noon = SimTime::from_days(0.5);
/// queue.push(noon, "second");
/// queue.push(SimTime::ZERO, "first");
/// queue.push(noon, "third");
/// assert_eq!(queue.pop(), Some((SimTime::ZERO, "first")));
/// assert_eq!(queue.pop(), Some((noon, "second")));
/// assert_eq!(queue.pop(), Some((noon, "third")));
/// assert_eq!(queue.pop(), None);
/// ```
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_sequence: u64,
}

/// One pending event. Time and insertion sequence are kept as two `u64`s
/// (a `u128` field would force 16-byte alignment and a larger entry) and
/// compared as one `u128`: time in the high half, sequence in the low, so a
/// single branch-free comparison orders by time, then by sequence.
#[derive(Debug, Clone)]
struct Entry<E> {
    time: u64,
    sequence: u64,
    event: E,
}

impl<E> Entry<E> {
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.sequence)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed, because `BinaryHeap` is a max-heap and the earliest key must
    /// come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `capacity` events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`, after every event already queued for the
    /// same time.
    pub fn push(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Entry {
            time: time.ticks(),
            sequence,
            event,
        });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|entry| (SimTime::from_ticks(entry.time), entry.event))
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|entry| SimTime::from_ticks(entry.time))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Drops every pending event; the sequence keeps counting, so the tie
    /// order of later pushes is unaffected.
    pub fn clear(&mut self) {
        self.heap.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_time_events_leave_in_insertion_order() {
        let mut queue = EventQueue::new();
        let t = SimTime::from_days(7.0);
        for label in 0..1000 {
            queue.push(t, label);
        }
        let popped: Vec<i32> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(popped, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn ties_keep_insertion_order_even_when_interleaved_with_other_times() {
        let mut queue = EventQueue::new();
        let (a, b) = (SimTime::from_ticks(5), SimTime::from_ticks(3));
        queue.push(a, "a1");
        queue.push(b, "b1");
        queue.push(a, "a2");
        queue.pop();
        queue.push(b, "b2");
        queue.push(a, "a3");
        let order: Vec<_> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["b2", "a1", "a2", "a3"]);
    }

    proptest! {
        #[test]
        fn pops_are_sorted_by_time_then_insertion(times in proptest::collection::vec(0u64..50, 0..300)) {
            let mut queue = EventQueue::new();
            for (index, &t) in times.iter().enumerate() {
                queue.push(SimTime::from_ticks(t), index);
            }
            let mut expected: Vec<(u64, usize)> = times.iter().copied().zip(0..).collect();
            expected.sort();
            let popped: Vec<(u64, usize)> =
                std::iter::from_fn(|| queue.pop().map(|(t, e)| (t.ticks(), e))).collect();
            prop_assert_eq!(popped, expected);
        }
    }
}
