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
}
