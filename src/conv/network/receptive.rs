//! The receptive field of one cell of a network: every cell of every earlier
//! layer (and of the input) that it depends on.
//!
//! - **Structural**: every cell of every window on the way back, padding
//!   excluded; a padding cell that copies an input cell (reflect, replicate,
//!   circular) stands for that cell. Through a grouped convolution only the
//!   group's channels; through a transposed convolution the input cells whose
//!   scattered kernel copy covers the cell. Weights and values play no part.
//! - **Decided**: the same, except that through a max pool only the winner
//!   counts, and through a ReLU only the cells whose input was above 0.
//!
//! Every layer reads, for an output cell `(f, oi, oj)`, the input cells
//! `channels(f) x rows(oi) x cols(oj)`: a product. So the structural set is a
//! product `channel set x row set x column set` at every layer, and is found
//! one axis at a time; the decided set is not, and is propagated cell by cell
//! (with each layer's window still split into its row and column parts).

use ndarray::Array3;

use super::{Evaluation, Layer, Network};
use crate::conv::error::Dims;
use crate::conv::padding::source_index;
use crate::conv::pool::Winners;
use crate::conv::problem::Geometry;

/// A cell of a network to explain: layer `layer` (0: the input) at `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Probe {
    /// The layer, from 1; 0 is the input.
    pub layer: usize,
    /// `(c, i, j)` in that layer's output; 1D has `i = 0`.
    pub index: [usize; 3],
}

/// A set of cells of one `(C, H, W)` tensor, one bit per cell in row-major order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mask {
    /// `(C, H, W)` of the tensor the cells belong to.
    pub shape: [usize; 3],
    /// Bit `ravel(c, i, j)` is set when the cell is in the set.
    bits: Vec<u64>,
}

impl Mask {
    /// No cell of a tensor of `shape`.
    pub fn empty(shape: [usize; 3]) -> Mask {
        let cells = shape.iter().product::<usize>();
        Mask { shape, bits: vec![0; cells.div_ceil(64)] }
    }

    /// The cells `channels x rows x cols` (per-axis membership, each as long as its axis).
    pub fn product(shape: [usize; 3], channels: &[bool], rows: &[bool], cols: &[bool]) -> Mask {
        let mut mask = Mask::empty(shape);
        let [c_count, h, w] = shape;
        // Entries beyond the axis' length are ignored.
        let marked = |set: &[bool], n: usize| {
            set.iter().take(n).enumerate().filter(|(_, b)| **b).map(|(i, _)| i).collect::<Vec<_>>()
        };
        let (rows, cols) = (marked(rows, h), marked(cols, w));
        for c in marked(channels, c_count) {
            for &i in &rows {
                for &j in &cols {
                    mask.set_flat((c * h + i) * w + j);
                }
            }
        }
        mask
    }

    /// The cells where `marks` is true.
    pub fn from_marks(marks: &Array3<bool>) -> Mask {
        let (c, h, w) = marks.dim();
        let mut mask = Mask::empty([c, h, w]);
        for (flat, &m) in marks.iter().enumerate() {
            if m {
                mask.set_flat(flat);
            }
        }
        mask
    }

    fn flat(&self, [c, i, j]: [usize; 3]) -> Option<usize> {
        crate::conv::index::ravel([c, i, j], self.shape)
    }

    fn set_flat(&mut self, flat: usize) {
        self.bits[flat / 64] |= 1 << (flat % 64);
    }

    /// Adds cell `(c, i, j)`; an index outside the shape is ignored.
    pub fn insert(&mut self, index: [usize; 3]) {
        if let Some(flat) = self.flat(index) {
            self.set_flat(flat);
        }
    }

    /// Whether cell `(c, i, j)` is in the set (false outside the shape).
    pub fn contains(&self, index: [usize; 3]) -> bool {
        self.flat(index).is_some_and(|flat| self.bits[flat / 64] & (1 << (flat % 64)) != 0)
    }

    /// Number of cells in the set.
    pub fn count(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// The cells in the set, row-major.
    pub fn cells(&self) -> impl Iterator<Item = [usize; 3]> + '_ {
        let shape = self.shape;
        // Set bits alone, lowest first: a selection marks a few hundred of a
        // layer's 65,536 cells, and the view lists them on every selection.
        self.bits.iter().enumerate().filter(|(_, bits)| **bits != 0).flat_map(move |(word, &bits)| {
            let mut rest = bits;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let b = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    b
                })
            })
            .filter_map(move |b| crate::conv::index::unravel(word * 64 + b, shape))
        })
    }

    /// The spatial bounding box of the set over all channels: `([top, left],
    /// [bottom, right])`, both inclusive; `None` for an empty set.
    pub fn bounding_box(&self) -> Option<([usize; 2], [usize; 2])> {
        let mut lo = [usize::MAX; 2];
        let mut hi = [0; 2];
        let mut any = false;
        for [_, i, j] in self.cells() {
            any = true;
            lo = [lo[0].min(i), lo[1].min(j)];
            hi = [hi[0].max(i), hi[1].max(j)];
        }
        any.then_some((lo, hi))
    }
}

/// The receptive field of one probed cell, layer by layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receptive {
    /// `[k]` for layers `0 ..= probe.layer`: the cells of layer `k`'s output
    /// (0: the input) the probed cell depends on structurally; the last
    /// holds the probed cell alone.
    pub structural: Vec<Mask>,
    /// Like `structural`: the cells that decided its value (max-pool winners
    /// only, and no path through a ReLU whose input was at most 0). A subset
    /// of `structural`.
    pub decided: Vec<Mask>,
}

/// How one layer reads its input, split by axis: output cell `(f, oi, oj)`
/// reads `channels(f) x rows[oi] x cols[oj]`.
struct Reads {
    /// `[F/groups, C/groups]`: output channel `f` reads input channels
    /// `(f / F_g) * C_g .. (f / F_g + 1) * C_g` (1 and 1 for channel-wise layers).
    groups: [usize; 2],
    /// Per axis (rows, columns), per output index: the input indices read,
    /// padding excluded and padding copies mapped to their source.
    sources: [Vec<Vec<usize>>; 2],
}

impl Reads {
    /// `layer` on an input of `input` shape, with output shape `output`; `None` when the layer fails there.
    fn of(layer: &Layer, input: [usize; 3], output: [usize; 3]) -> Option<Reads> {
        let along = |axis: usize, f: &dyn Fn(usize) -> Vec<usize>| (0..output[axis + 1]).map(f).collect::<Vec<_>>();
        let (groups, sources) = match layer {
            Layer::Conv(c) => match c.geometry(input).ok()? {
                Geometry::Conv(g) => {
                    let p = g.params;
                    let rows = |axis: usize| {
                        along(axis, &|o| {
                            (0..g.kernel[axis])
                                .filter_map(|t| {
                                    let q = o * p.stride[axis] + t * p.dilation[axis];
                                    source_index(q, g.input[axis], p.padding[axis], p.padding_mode)
                                })
                                .collect()
                        })
                    };
                    ([g.out_per_group, g.in_per_group], [rows(0), rows(1)])
                }
                Geometry::Transposed(g) => {
                    let p = g.params;
                    // Output o is canvas position o + p; input i's tap t lands at i*s + t*d.
                    let rows = |axis: usize| {
                        along(axis, &|o| {
                            let pos = o + p.padding[axis];
                            let mut ins: Vec<usize> = (0..g.kernel[axis])
                                .filter_map(|t| pos.checked_sub(t * p.dilation[axis]))
                                .filter(|start| start.is_multiple_of(p.stride[axis]))
                                .map(|start| start / p.stride[axis])
                                .filter(|&i| i < g.input[axis])
                                .collect();
                            ins.reverse();
                            ins
                        })
                    };
                    ([g.out_per_group, g.in_per_group], [rows(0), rows(1)])
                }
            },
            Layer::Pool(pool) => {
                let g = pool.geometry(input).ok()?;
                ([1, 1], [along(0, &|o| g.sources_along(0, o)), along(1, &|o| g.sources_along(1, o))])
            }
            Layer::Relu => ([1, 1], [along(0, &|o| vec![o]), along(1, &|o| vec![o])]),
            Layer::Pad(pad) => {
                let rows =
                    |axis: usize| along(axis, &|q| pad.source_along(axis, q, input[axis + 1]).into_iter().collect());
                ([1, 1], [rows(0), rows(1)])
            }
        };
        Some(Reads { groups, sources })
    }

    /// The input channels output channel `f` reads.
    fn channels(&self, f: usize) -> std::ops::Range<usize> {
        let [out_g, in_g] = self.groups;
        let start = f / out_g * in_g;
        start..start + in_g
    }
}

/// Back through one layer, structurally: per-axis sets of its output to
/// per-axis sets of its input (`input` shape).
fn structural_back(reads: &Reads, input: [usize; 3], sets: &[Vec<bool>; 3]) -> [Vec<bool>; 3] {
    let mut channels = vec![false; input[0]];
    for f in sets[0].iter().enumerate().filter(|(_, m)| **m).map(|(f, _)| f) {
        for c in reads.channels(f) {
            if let Some(m) = channels.get_mut(c) {
                *m = true;
            }
        }
    }
    let spatial = |axis: usize| {
        let mut marks = vec![false; input[axis + 1]];
        for (o, _) in sets[axis + 1].iter().enumerate().filter(|(_, m)| **m) {
            for &i in reads.sources[axis].get(o).into_iter().flatten() {
                if let Some(m) = marks.get_mut(i) {
                    *m = true;
                }
            }
        }
        marks
    };
    [channels, spatial(0), spatial(1)]
}

/// Back through one layer for the decided set: the marked cells of its
/// output to those of its input (`input` is the layer's input values).
fn decided_back(
    layer: &Layer,
    reads: &Reads,
    input: &Array3<f64>,
    winners: Option<&Winners>,
    marks: &Array3<bool>,
) -> Array3<bool> {
    let (c_in, h, w) = input.dim();
    let mut back = Array3::from_elem((c_in, h, w), false);
    match layer {
        Layer::Relu => {
            ndarray::Zip::from(&mut back).and(marks).and(input).for_each(|b, &m, &x| *b = m && x > 0.0);
        }
        Layer::Pool(_) if layer.is_max_pool() => {
            let Some(winners) = winners else { return back };
            for ((c, oi, oj), _) in marks.indexed_iter().filter(|(_, m)| **m) {
                if let Some(Some([i, j])) = winners.get([c, oi, oj]) {
                    back[[c, *i, *j]] = true;
                }
            }
        }
        _ => {
            // Per channel group: the union of its output channels' marks, read
            // back along columns, then along rows, then copied to the group's input channels.
            let (f_count, oh, ow) = marks.dim();
            let [out_g, _] = reads.groups;
            for group in 0..f_count.div_ceil(out_g.max(1)) {
                let fs = group * out_g..((group + 1) * out_g).min(f_count);
                let mut by_cols = ndarray::Array2::from_elem((oh, w), false);
                let mut any = false;
                for oi in 0..oh {
                    for oj in 0..ow {
                        if fs.clone().any(|f| marks[[f, oi, oj]]) {
                            any = true;
                            for &j in &reads.sources[1][oj] {
                                by_cols[[oi, j]] = true;
                            }
                        }
                    }
                }
                if !any {
                    continue;
                }
                let mut spatial = ndarray::Array2::from_elem((h, w), false);
                for oi in 0..oh {
                    for &i in &reads.sources[0][oi] {
                        for j in 0..w {
                            if by_cols[[oi, j]] {
                                spatial[[i, j]] = true;
                            }
                        }
                    }
                }
                for c in reads.channels(fs.start) {
                    if c < c_in {
                        ndarray::Zip::from(back.index_axis_mut(ndarray::Axis(0), c))
                            .and(&spatial)
                            .for_each(|b, &s| *b |= s);
                    }
                }
            }
        }
    }
    back
}

/// See [`Network::receptive`].
pub(super) fn receptive(network: &Network, eval: &Evaluation, probe: Probe) -> Option<Receptive> {
    let shape_of = |k: usize| {
        eval.outputs.get(k).map(|a| {
            let (c, h, w) = a.dim();
            [c, h, w]
        })
    };
    let top = shape_of(probe.layer)?;
    if (0..3).any(|axis| probe.index[axis] >= top[axis]) || (network.dims == Dims::One && probe.index[1] != 0) {
        return None;
    }
    let one_hot = |n: usize, at: usize| (0..n).map(|i| i == at).collect::<Vec<bool>>();
    let mut sets = [0, 1, 2].map(|axis| one_hot(top[axis], probe.index[axis]));
    let mut marks = Array3::from_elem((top[0], top[1], top[2]), false);
    marks[probe.index] = true;
    let mut structural = vec![Mask::product(top, &sets[0], &sets[1], &sets[2])];
    let mut decided = vec![Mask::from_marks(&marks)];
    for k in (1..=probe.layer).rev() {
        let layer = network.layers.get(k - 1)?;
        let input = shape_of(k - 1)?;
        let output = shape_of(k)?;
        // `eval` must be this network's: a layer whose output differs is no answer.
        if layer.output_shape(input).ok()? != output {
            return None;
        }
        let reads = Reads::of(layer, input, output)?;
        sets = structural_back(&reads, input, &sets);
        let winners = eval.winners.get(k).and_then(|w| w.as_deref());
        marks = decided_back(layer, &reads, &eval.outputs[k - 1], winners, &marks);
        structural.push(Mask::product(input, &sets[0], &sets[1], &sets[2]));
        decided.push(Mask::from_marks(&marks));
    }
    structural.reverse();
    decided.reverse();
    Some(Receptive { structural, decided })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_count_and_bound_their_cells() {
        // channels {1} x rows {0, 2} x cols {1, 3} of a (2, 3, 70) tensor: bits cross a word.
        let mut cols = vec![false; 70];
        cols[1] = true;
        cols[65] = true;
        let mask = Mask::product([2, 3, 70], &[false, true], &[true, false, true], &cols);
        assert_eq!(mask.count(), 4);
        assert!(mask.contains([1, 2, 65]) && mask.contains([1, 0, 1]));
        assert!(!mask.contains([0, 0, 1]) && !mask.contains([1, 1, 1]));
        assert!(!mask.contains([1, 3, 1]) && !mask.contains([2, 0, 1]), "outside the shape");
        assert_eq!(mask.bounding_box(), Some(([0, 1], [2, 65])));
        assert_eq!(mask.cells().collect::<Vec<_>>(), vec![[1, 0, 1], [1, 0, 65], [1, 2, 1], [1, 2, 65]]);
        let empty = Mask::empty([1, 2, 2]);
        assert_eq!((empty.count(), empty.bounding_box()), (0, None));
        let mut one = Mask::empty([1, 2, 2]);
        one.insert([0, 1, 1]);
        one.insert([0, 5, 5]);
        assert_eq!(one.cells().collect::<Vec<_>>(), vec![[0, 1, 1]]);
        let marks = Array3::from_shape_fn((1, 2, 2), |(_, i, j)| i == 1 && j == 1);
        assert_eq!(Mask::from_marks(&marks), one);
    }
}
