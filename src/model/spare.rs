//! Lists kept from one replication to the next on the same thread.
//!
//! A replication grows its per-model lists (models, review tasks, ...) from
//! empty; the next one on the thread would grow them again, allocating and
//! copying each time. A component holds such a list as a [`Kept`]: taken
//! from a pool of the thread when the component is made, given back, emptied,
//! when it is dropped, so a worker allocates each list once and reuses it.
//! Contents never carry over: only capacity does, so results cannot depend
//! on it.

use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::thread::LocalKey;

/// One kind of list kept per thread, declared with
/// `thread_local! { static NAME: Cell<Vec<T>> = const { Cell::new(Vec::new()) }; }`.
pub(crate) type Pool<T> = LocalKey<Cell<Vec<T>>>;

/// A list taken from a thread's pool: used as the `Vec` it derefs to, and
/// given back to the pool, emptied, when dropped.
pub(crate) struct Kept<T: 'static> {
    list: Vec<T>,
    pool: &'static Pool<T>,
}

impl<T: 'static> Kept<T> {
    /// An empty list, with the capacity the last replication on this thread
    /// left in `pool`. Taken, it is no longer in the pool.
    pub(crate) fn new(pool: &'static Pool<T>) -> Self {
        Kept {
            list: pool.with(Cell::take),
            pool,
        }
    }
}

impl<T: 'static> Deref for Kept<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.list
    }
}

impl<T: 'static> DerefMut for Kept<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.list
    }
}

/// A copy of the list, given back to the same pool when dropped.
impl<T: Clone + 'static> Clone for Kept<T> {
    fn clone(&self) -> Self {
        Kept {
            list: self.list.clone(),
            pool: self.pool,
        }
    }
}

/// Shown as the list.
impl<T: std::fmt::Debug + 'static> std::fmt::Debug for Kept<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.list.fmt(formatter)
    }
}

impl<T: 'static> Drop for Kept<T> {
    /// The list goes back, emptied, to keep for the next replication on
    /// this thread.
    fn drop(&mut self) {
        let mut list = std::mem::take(&mut self.list);
        list.clear();
        self.pool.with(|cell| {
            // Two replications alive at once on one thread (tests do this)
            // keep the larger list.
            let kept = cell.take();
            cell.set(if kept.capacity() > list.capacity() {
                kept
            } else {
                list
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static NUMBERS: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
        static LARGER_FIRST: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
        static SMALLER_FIRST: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
    }

    #[test]
    fn a_list_comes_back_empty_with_its_capacity() {
        let mut list = Kept::new(&NUMBERS);
        list.extend(0..1000);
        assert_eq!(list.len(), 1000);
        drop(list);
        let again = Kept::new(&NUMBERS);
        assert!(again.is_empty());
        assert!(again.capacity() >= 1000);
        // Taken, it is no longer in the pool.
        assert_eq!(Kept::new(&NUMBERS).capacity(), 0);
    }

    /// Two lists of one pool alive at once, the larger given back first or
    /// last: the pool keeps the larger.
    fn the_larger_is_kept(pool: &'static Pool<u64>, larger_first: bool) {
        let mut small = Kept::new(pool);
        let mut large = Kept::new(pool);
        small.extend(0..10);
        large.extend(0..1000);
        let capacity = large.capacity();
        assert!(small.capacity() < capacity);
        if larger_first {
            drop(large);
            drop(small);
        } else {
            drop(small);
            drop(large);
        }
        let again = Kept::new(pool);
        assert!(again.is_empty());
        assert_eq!(again.capacity(), capacity);
    }

    #[test]
    fn two_alive_at_once_keep_the_larger() {
        the_larger_is_kept(&LARGER_FIRST, true);
        the_larger_is_kept(&SMALLER_FIRST, false);
    }
}
