//! The padded input: the grid the sliding window actually moves over.

use ndarray::Array3;

use super::params::PaddingMode;

/// Where a padded position along one axis reads from: index `p` of the padded
/// axis (`0 .. n + 2*pad`) maps to input index `p - pad` inside the input, and
/// outside it to a mirrored, clamped or wrapped index, or to nothing (zeros).
pub fn source_index(p: usize, n: usize, pad: usize, mode: PaddingMode) -> Option<usize> {
    // Signed position relative to the input's first cell; sizes are capped far
    // below isize::MAX by the geometry checks, so the casts are exact.
    let rel = p as isize - pad as isize;
    let n_i = n as isize;
    if (0..n_i).contains(&rel) {
        return Some(rel as usize);
    }
    match mode {
        PaddingMode::Zeros => None,
        PaddingMode::Replicate => Some(rel.clamp(0, n_i - 1) as usize),
        PaddingMode::Circular => Some(rel.rem_euclid(n_i) as usize),
        PaddingMode::Reflect => {
            // Mirror about the edge cells without repeating them; pad < n is
            // checked by the geometry, so one reflection is enough.
            let r = if rel < 0 { -rel } else { 2 * (n_i - 1) - rel };
            (0..n_i).contains(&r).then_some(r as usize)
        }
    }
}

/// The input after padding, `(C, H + 2ph, W + 2pw)`, with the source of each
/// padded position so views can draw padding cells differently.
#[derive(Debug, Clone, PartialEq)]
pub struct PaddedInput {
    /// `(C, PH, PW)` values the window reads.
    pub values: Array3<f64>,
    /// Padding before the input, `[top, left]`.
    pub padding: [usize; 2],
    /// Padding after the input, `[bottom, right]` (one more than `padding`
    /// on an axis where "same" has an odd total).
    pub after: [usize; 2],
    /// What the padding cells hold.
    pub mode: PaddingMode,
    /// Input size `[H, W]` before padding.
    pub input: [usize; 2],
}

impl PaddedInput {
    /// Pads `input` `(C, H, W)` by `padding = [top, left]` before and
    /// `after = [bottom, right]` after it.
    ///
    /// The caller ensures the mode's size rule holds (see `Hyper::conv_geometry`).
    pub fn new(input: &Array3<f64>, padding: [usize; 2], after: [usize; 2], mode: PaddingMode) -> PaddedInput {
        let (c, h, w) = input.dim();
        let (ph, pw) = (h + padding[0] + after[0], w + padding[1] + after[1]);
        let rows: Vec<Option<usize>> = (0..ph).map(|p| source_index(p, h, padding[0], mode)).collect();
        let cols: Vec<Option<usize>> = (0..pw).map(|p| source_index(p, w, padding[1], mode)).collect();
        // Row by row: each padded row is a copy of one input row (or zeros),
        // its columns read through `cols` (a picture has 792,588 cells).
        let mut values = Array3::zeros((c, ph, pw));
        for ch in 0..c {
            for (pi, si) in rows.iter().enumerate() {
                let Some(si) = *si else { continue };
                let src = input.index_axis(ndarray::Axis(0), ch);
                let src = src.row(si);
                let mut dst = values.index_axis_mut(ndarray::Axis(0), ch);
                let mut dst = dst.row_mut(pi);
                for (d, sj) in dst.iter_mut().zip(&cols) {
                    if let Some(sj) = *sj {
                        *d = src[sj];
                    }
                }
            }
        }
        PaddedInput { values, padding, after, mode, input: [h, w] }
    }

    /// The input cell `[i, j]` that padded position `pos` holds a copy of, or
    /// `None` for a zero of zero padding.
    pub fn source(&self, pos: [usize; 2]) -> Option<[usize; 2]> {
        let i = source_index(pos[0], self.input[0], self.padding[0], self.mode)?;
        let j = source_index(pos[1], self.input[1], self.padding[1], self.mode)?;
        Some([i, j])
    }

    /// The input index padded position `p` along `axis` (0: rows, 1: columns)
    /// reads, or `None` for a zero of zero padding.
    pub fn source_along(&self, axis: usize, p: usize) -> Option<usize> {
        source_index(p, self.input[axis], self.padding[axis], self.mode)
    }

    /// The padded positions along `axis` (0: rows, 1: columns) that hold a
    /// copy of input index `i`: one for zero padding, more where reflect,
    /// replicate or circular padding repeats it. Ascending.
    pub fn copies_of(&self, axis: usize, i: usize) -> Vec<usize> {
        let (n, pad) = (self.input[axis], self.padding[axis]);
        if self.mode == PaddingMode::Zeros {
            return if i < n { vec![i + pad] } else { Vec::new() };
        }
        (0..n + pad + self.after[axis]).filter(|&p| source_index(p, n, pad, self.mode) == Some(i)).collect()
    }

    /// The padded positions `[pi, pj]` that hold a copy of input cell
    /// `[i, j]`: one for zero padding, more at the borders where reflect,
    /// replicate or circular padding repeats it. Row-major.
    pub fn copies(&self, [i, j]: [usize; 2]) -> Vec<[usize; 2]> {
        let cols = self.copies_of(1, j);
        self.copies_of(0, i).into_iter().flat_map(|pi| cols.iter().map(move |&pj| [pi, pj])).collect()
    }

    /// Whether `pos` lies in the padding border (whatever value it holds).
    pub fn is_padding(&self, pos: [usize; 2]) -> bool {
        pos[0] < self.padding[0]
            || pos[0] >= self.padding[0] + self.input[0]
            || pos[1] < self.padding[1]
            || pos[1] >= self.padding[1] + self.input[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded_row(mode: PaddingMode) -> Vec<Option<usize>> {
        (0..7).map(|p| source_index(p, 3, 2, mode)).collect()
    }

    #[test]
    fn modes_match_pytorch_pad() {
        // torch.nn.functional.pad(torch.tensor([[[1., 2., 3.]]]), (2, 2), mode=...)
        // reflect   -> [3, 2, 1, 2, 3, 2, 1]  (indices 2 1 0 1 2 1 0)
        // replicate -> [1, 1, 1, 2, 3, 3, 3]
        // circular  -> [2, 3, 1, 2, 3, 1, 2]
        let s = Some;
        assert_eq!(padded_row(PaddingMode::Reflect), vec![s(2), s(1), s(0), s(1), s(2), s(1), s(0)]);
        assert_eq!(padded_row(PaddingMode::Replicate), vec![s(0), s(0), s(0), s(1), s(2), s(2), s(2)]);
        assert_eq!(padded_row(PaddingMode::Circular), vec![s(1), s(2), s(0), s(1), s(2), s(0), s(1)]);
        assert_eq!(padded_row(PaddingMode::Zeros), vec![None, None, s(0), s(1), s(2), None, None]);
    }

    #[test]
    fn padded_values_and_sources() -> Result<(), ndarray::ShapeError> {
        let x = Array3::from_shape_vec((1, 2, 2), vec![1.0, 2.0, 3.0, 4.0])?;
        let p = PaddedInput::new(&x, [1, 1], [1, 1], PaddingMode::Replicate);
        assert_eq!(p.values.dim(), (1, 4, 4));
        assert_eq!(p.values[[0, 0, 0]], 1.0);
        assert_eq!(p.values[[0, 3, 3]], 4.0);
        assert!(p.is_padding([0, 1]));
        assert!(!p.is_padding([1, 1]));
        assert_eq!(p.source([0, 3]), Some([0, 1]));
        assert_eq!(p.copies_of(0, 0), vec![0, 1]);
        assert_eq!(p.copies_of(1, 1), vec![2, 3]);
        let z = PaddedInput::new(&x, [1, 1], [1, 1], PaddingMode::Zeros);
        assert_eq!((z.copies_of(0, 1), z.copies_of(0, 2)), (vec![2], vec![]));
        // The corner cell x[0, 0] under replicate padding: itself and the three border cells beside it.
        assert_eq!(p.copies([0, 0]), vec![[0, 0], [0, 1], [1, 0], [1, 1]]);
        assert!(p.copies([0, 0]).iter().all(|&pos| p.source(pos) == Some([0, 0])));
        assert_eq!(z.copies([1, 0]), vec![[2, 1]]);
        Ok(())
    }
}
