//! Lists kept from one replication to the next on the same thread.
//!
//! A replication grows its per-model lists (models, review tasks, ...) from
//! empty; the next one on the thread would grow them again, allocating and
//! copying each time. A component takes its lists from a pool of the thread
//! when it is made and gives them back, emptied, when it is dropped, so a
//! worker allocates them once and reuses them. Contents never carry over:
//! only capacity does, so results cannot depend on it.

use std::cell::Cell;
use std::thread::LocalKey;

/// One kind of list kept per thread, declared with
/// `thread_local! { static NAME: Cell<Vec<T>> = const { Cell::new(Vec::new()) }; }`.
pub(crate) type Pool<T> = LocalKey<Cell<Vec<T>>>;

/// An empty list, with the capacity the last replication on this thread
/// left behind.
pub(crate) fn take<T: 'static>(pool: &'static Pool<T>) -> Vec<T> {
    pool.with(Cell::take)
}

/// Takes `list`, emptied, to keep for the next replication on this thread.
pub(crate) fn give_back<T: 'static>(pool: &'static Pool<T>, list: &mut Vec<T>) {
    let mut list = std::mem::take(list);
    list.clear();
    pool.with(|cell| {
        // Two replications alive at once on one thread (tests do this) keep
        // the larger list.
        let kept = cell.take();
        cell.set(if kept.capacity() > list.capacity() {
            kept
        } else {
            list
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static NUMBERS: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
    }

    #[test]
    fn a_list_comes_back_empty_with_its_capacity() {
        let mut list = take(&NUMBERS);
        list.extend(0..1000);
        give_back(&NUMBERS, &mut list);
        assert_eq!(list.capacity(), 0);
        let again = take(&NUMBERS);
        assert!(again.is_empty());
        assert!(again.capacity() >= 1000);
        // Taken, it is no longer in the pool.
        assert_eq!(take(&NUMBERS).capacity(), 0);
    }
}
