//! Reuse of the per-person buffers of simulated chunks.
//!
//! Every chunk and every counterfactual of it allocates a few dozen arrays of one
//! entry per person (or per person and slot), and frees them when it is done: a few
//! hundred megabytes a second through the allocator, which returned freed memory to
//! the kernel and faulted it back in. Buffers given back here are kept per thread and
//! element type and handed out again, filled with the value asked for, so the next
//! chunk on the thread starts from memory already mapped. A buffer from the pool is
//! indistinguishable from a new one (`filled` writes every element).

use std::cell::RefCell;

/// Buffers kept per thread and element type, at most.
const KEPT: usize = 96;

/// An element type whose buffers are kept for reuse.
pub(crate) trait Reusable: Clone + 'static {
    /// Runs `f` on this thread's pool of spare buffers of this type.
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R;
}

macro_rules! reusable {
    ($($t:ty),*) => {$(
        impl Reusable for $t {
            fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<$t>>) -> R) -> R {
                thread_local! {
                    static POOL: RefCell<Vec<Vec<$t>>> = const { RefCell::new(Vec::new()) };
                }
                POOL.with_borrow_mut(f)
            }
        }
    )*};
}

reusable!(u8, u16, u32, u64, i64, f64, bool);

/// `n` copies of `value`, written now, in a spare buffer of this thread when one is
/// large enough. (Written rather than `vec![0; n]`: zeroed memory from the allocator
/// is mapped lazily to a shared zero page, and the first write to each page then costs
/// a copy-on-write fault and a TLB flush on every core, which dominated epoch-major
/// runs that build every chunk at once.)
pub(crate) fn filled<T: Reusable>(value: T, n: usize) -> Vec<T> {
    if n == 0 {
        return Vec::new();
    }
    let mut v = spare(n);
    v.resize(n, value);
    v
}

/// An empty vector with room for `n` elements, from the spare buffers when one is
/// large enough.
pub(crate) fn spare<T: Reusable>(n: usize) -> Vec<T> {
    let mut v = T::with_pool(|pool| {
        pool.iter()
            .position(|b| b.capacity() >= n)
            .map(|x| pool.swap_remove(x))
    })
    .unwrap_or_else(|| Vec::with_capacity(n));
    v.clear();
    v
}

/// Gives a buffer back to this thread's pool (leaving an empty vector).
pub(crate) fn give_back<T: Reusable>(v: &mut Vec<T>) {
    let v = std::mem::take(v);
    if v.capacity() == 0 {
        return;
    }
    T::with_pool(|pool| {
        if pool.len() < KEPT {
            pool.push(v);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reused buffer holds exactly what was asked for, whatever it held before.
    #[test]
    fn reused_buffers_are_filled() {
        let mut a = filled(7u32, 1000);
        a.iter_mut().enumerate().for_each(|(i, x)| *x = i as u32);
        let ptr = a.as_ptr();
        give_back(&mut a);
        assert!(a.is_empty());
        let b = filled(3u32, 500);
        assert_eq!(b.as_ptr(), ptr, "the spare buffer is reused");
        assert_eq!(b, vec![3u32; 500]);
        let c = filled(9u32, 5000);
        assert_eq!(c, vec![9u32; 5000]);
        assert!(filled(1u8, 0).is_empty());
    }
}
