//! Row-major index arithmetic, in one place.
//!
//! Every "step k" of a view and every flattened matrix position is a row-major
//! walk over some shape: the sliding window's steps over the output
//! `(F, OH, OW)`, the scatter's over the input `(C, H, W)`, the gradients' over
//! their own tensors, im2col's columns over `(C, KH, KW)`. These two functions
//! are the only place that arithmetic is written.

/// Position `flat` of a row-major walk over an array of `shape`, `None` past the end.
///
/// `unravel(5, [1, 3, 3]) == Some([0, 1, 2])`.
pub fn unravel<const N: usize>(flat: usize, shape: [usize; N]) -> Option<[usize; N]> {
    let count = shape.iter().try_fold(1usize, |n, &s| n.checked_mul(s))?;
    if flat >= count {
        return None;
    }
    let mut rest = flat;
    let mut index = [0; N];
    for axis in (0..N).rev() {
        index[axis] = rest % shape[axis];
        rest /= shape[axis];
    }
    Some(index)
}

/// The row-major position of `index` in an array of `shape` (inverse of
/// [`unravel`]), `None` when an index is out of range.
pub fn ravel<const N: usize>(index: [usize; N], shape: [usize; N]) -> Option<usize> {
    index.iter().zip(shape).try_fold(0usize, |flat, (&i, n)| (i < n).then(|| flat.checked_mul(n)?.checked_add(i))?)
}

/// Sorts `items` by `key` (heapsort: unstable, so for distinct keys only).
///
/// A few lines instead of core's `sort_unstable`, whose quicksort is ~2.5 KB
/// of wasm for every element type it is used with.
pub fn sort_by_distinct_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let sift = |items: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && key(&items[child]) < key(&items[child + 1]) {
            child += 1;
        }
        if key(&items[root]) >= key(&items[child]) {
            return;
        }
        items.swap(root, child);
        root = child;
    };
    let n = items.len();
    for root in (0..n / 2).rev() {
        sift(items, root, n);
    }
    for end in (1..n).rev() {
        items.swap(0, end);
        sift(items, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_bounds() {
        let shape = [2, 3, 4];
        for flat in 0..24 {
            let index = unravel(flat, shape);
            assert_eq!(index.and_then(|i| ravel(i, shape)), Some(flat));
        }
        assert_eq!(unravel(5, [1, 3, 3]), Some([0, 1, 2]));
        assert_eq!(unravel(24, shape), None);
        assert_eq!(ravel([0, 3, 0], shape), None);
        assert_eq!(unravel(0, [usize::MAX, 2]), None, "an overflowing shape has no cells we can count");
        assert_eq!(unravel(0, [0, 2]), None);
    }

    #[test]
    fn heapsort_sorts_like_core() {
        let mut seed = 7u64;
        for n in 0..200 {
            let mut v: Vec<(u64, usize)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 40, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            sort_by_distinct_key(&mut v, |&x| x);
            assert_eq!(v, want);
        }
    }
}
