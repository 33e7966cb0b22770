//! The pending-event set.

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
///
/// It is a binary min-heap of its own rather than `std`'s `BinaryHeap`:
/// events are small copies, and an entry being placed is kept in registers
/// while the entries above or below it move, instead of being written into
/// the heap and read back (which stalls the processor on every push). Keys
/// are unique, so any heap gives the same order; the queue's tests check it
/// against a sort.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_sequence: u64,
}

/// One pending event. Time and insertion sequence are kept as two `u64`s
/// (a `u128` field would force 16-byte alignment and a larger entry) and
/// compared as one `u128`: time in the high half, sequence in the low, so a
/// single branch-free comparison orders by time, then by sequence.
#[derive(Debug, Clone, Copy)]
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

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `capacity` events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`, after every event already queued for the
    /// same time.
    pub fn push(&mut self, time: SimTime, event: E) {
        let entry = Entry {
            time: time.ticks(),
            sequence: self.next_sequence,
            event,
        };
        self.next_sequence += 1;
        let position = self.heap.len();
        self.heap.push(entry);
        self.sift_up(position, entry);
    }

    /// Places `entry` at `position` or above: parents later than it move
    /// down one level, and it takes the place they leave.
    fn sift_up(&mut self, mut position: usize, entry: Entry<E>) {
        let key = entry.key();
        while position > 0 {
            let parent = (position - 1) / 2;
            let above = self.heap[parent];
            if above.key() <= key {
                break;
            }
            self.heap[position] = above;
            position = parent;
        }
        self.heap[position] = entry;
    }

    /// Removes and returns the earliest event. Kept out of line: inlined
    /// into the run loop, it made the M/M/3 benchmark 7-9% slower.
    #[inline(never)]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let last = self.heap.pop()?;
        let len = self.heap.len();
        if len == 0 {
            return Some((SimTime::from_ticks(last.time), last.event));
        }
        let top = self.heap[0];
        // The root's place goes down to a leaf along the earlier child, then
        // the last entry rises from there to its place (Floyd's method: one
        // comparison per level on the way down, few on the way up).
        let mut position = 0;
        let mut child = 1;
        while child + 1 < len {
            if self.heap[child + 1].key() < self.heap[child].key() {
                child += 1;
            }
            self.heap[position] = self.heap[child];
            position = child;
            child = 2 * position + 1;
        }
        if child == len - 1 {
            self.heap[position] = self.heap[child];
            position = child;
        }
        self.sift_up(position, last);
        Some((SimTime::from_ticks(top.time), top.event))
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .first()
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

        #[test]
        fn interleaved_pushes_and_pops_match_an_ordered_set(
            steps in proptest::collection::vec((0u64..40, 0u8..3), 0..400)
        ) {
            // A step pushes an event at `t`, or pops when its second part is 0.
            let mut queue = EventQueue::new();
            let mut reference = std::collections::BTreeSet::new();
            for (index, &(t, action)) in steps.iter().enumerate() {
                if action == 0 {
                    let expected = reference.pop_first();
                    let popped = queue.pop().map(|(time, e): (SimTime, usize)| (time.ticks(), e));
                    prop_assert_eq!(popped, expected);
                } else {
                    queue.push(SimTime::from_ticks(t), index);
                    reference.insert((t, index));
                }
                prop_assert_eq!(queue.len(), reference.len());
                prop_assert_eq!(queue.peek_time().map(SimTime::ticks), reference.first().map(|e| e.0));
            }
        }
    }
}
