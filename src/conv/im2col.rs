//! im2col: the convolution as one matrix product.
//!
//! The patch matrix has one row per output position (row-major over `OH x OW`)
//! and one column per (input channel, kernel row, kernel column), in the order
//! of `torch.nn.functional.unfold`. The weight matrix has one column per filter,
//! flattened in the same order; with `groups > 1` it is block diagonal (a filter
//! has zeros against the channels of other groups), so one product serves all.

use std::ops::Range;

use ndarray::{Array1, Array2, Array3};

use super::error::ConvError;
use super::index;
use super::params::ConvGeometry;
use super::problem::Problem;

/// The order of the patch matrix's columns (and of W's rows), by axis. The
/// product is the same in both: the same products, added in another order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ColumnOrder {
    /// `(c, ki, kj)`: channel-major, each channel's taps row by row, then the
    /// next channel's; the order of `torch.nn.functional.unfold` and the
    /// order the matrices are stored in.
    #[default]
    ChannelMajor,
    /// `(ki, kj, c)`: tap-major (channels last), each tap's channels side by
    /// side, then the next tap's (the order of seeds/000 In \[21\]'s `Xhat`).
    TapMajor,
}

impl ColumnOrder {
    /// Both orders.
    pub const ALL: [ColumnOrder; 2] = [ColumnOrder::ChannelMajor, ColumnOrder::TapMajor];
}

/// The three matrices of the im2col view and the reshaped result.
#[derive(Debug, Clone, PartialEq)]
pub struct Im2col {
    /// Every size of the problem.
    pub geometry: ConvGeometry,
    /// `(OH*OW, C*KH*KW)`: row `r` is the window of output position `(r / OW, r % OW)`.
    pub patches: Array2<f64>,
    /// `(C*KH*KW, F)`: column `f` is filter `f` (rotated when `flip`), zero outside its group.
    pub weights: Array2<f64>,
    /// `(OH*OW, F)`: `patches . weights`, before bias.
    pub product: Array2<f64>,
    /// `(F, OH, OW)`: `product` transposed and reshaped, plus bias.
    pub output: Array3<f64>,
    /// `(F,)` bias added to every row's product, if any.
    pub bias: Option<Array1<f64>>,
}

impl Im2col {
    /// Column of `(c, ti, tj)`: row-major over `(C, KH, KW)`.
    pub fn column_of(&self, c: usize, tap: [usize; 2]) -> Option<usize> {
        let [kh, kw] = self.geometry.kernel;
        index::ravel([c, tap[0], tap[1]], [self.geometry.in_channels, kh, kw])
    }

    /// `(c, [ti, tj])` of a column (inverse of [`Self::column_of`]).
    pub fn column_parts(&self, col: usize) -> Option<(usize, [usize; 2])> {
        let [kh, kw] = self.geometry.kernel;
        let [c, ti, tj] = index::unravel(col, [self.geometry.in_channels, kh, kw])?;
        Some((c, [ti, tj]))
    }

    /// Row of output position `(oi, oj)`: row-major over `(OH, OW)`.
    pub fn row_of(&self, pos: [usize; 2]) -> Option<usize> {
        index::ravel(pos, self.geometry.output)
    }

    /// The player step whose window is patch row `row`, multiplied by filter `f`'s column.
    pub fn step_of(&self, row: usize, f: usize) -> Option<usize> {
        let [oi, oj] = index::unravel(row, self.geometry.output)?;
        self.geometry.step_of([f, oi, oj])
    }

    /// Columns that belong to group `group`.
    pub fn group_columns(&self, group: usize) -> Range<usize> {
        let per_group = self.geometry.terms_per_step();
        group * per_group..(group + 1) * per_group
    }

    /// The columns in `order`: shown column `k` is stored (channel-major) column `columns(order)[k]`.
    pub fn columns(&self, order: ColumnOrder) -> Vec<usize> {
        let [kh, kw] = self.geometry.kernel;
        let c = self.geometry.in_channels;
        match order {
            ColumnOrder::ChannelMajor => (0..c * kh * kw).collect(),
            ColumnOrder::TapMajor => (0..kh * kw).flat_map(|tap| (0..c).map(move |ch| ch * kh * kw + tap)).collect(),
        }
    }
}

/// Largest patch matrix built: `OH*OW * C*KH*KW` entries (16 MB of f64).
/// Beyond it the im2col view says so; the other views are unaffected.
pub const PATCH_MATRIX_LIMIT: usize = 1 << 21;

impl Im2col {
    /// Builds the im2col matrices for a direct convolution `problem`:
    /// input `(C, H, W)`, weight `(F, C/groups, KH, KW)`, bias `(F,)`.
    pub fn new(problem: &Problem) -> Result<Im2col, ConvError> {
        let g = problem.conv_geometry()?;
        let [c, _, _] = g.input_shape();
        let [f, _, kh, kw] = g.weight_shape();
        let [oh, ow] = g.output;
        let cols = c * kh * kw;
        let count = (oh * ow).saturating_mul(cols);
        if count > PATCH_MATRIX_LIMIT {
            return Err(ConvError::TooLarge { what: "the patch matrix", count, limit: PATCH_MATRIX_LIMIT });
        }
        let params = &g.params;
        let padded = g.pad(&problem.input);
        let (weight, bias) = (&problem.weight, problem.bias.as_ref());
        let rows = oh * ow;

        // patches: (OH*OW, C*KH*KW), channel-major columns (c, ti, tj). Every
        // window is the same pattern of taps moved by a stride, so the taps'
        // row-major offsets in the padded input (C, PH, PW) are computed once,
        // from the window at (0, 0), and each row adds its window's origin.
        let padded_shape = {
            let (pc, ph, pw) = padded.values.dim();
            [pc, ph, pw]
        };
        let padded_values = padded.values.as_standard_layout(); // a view: it is built row-major
        let padded_flat = padded_values.as_slice().unwrap_or_default();
        let tap_offsets: Vec<usize> = (0..cols)
            .map(|col| {
                let [ch, ti, tj] = index::unravel(col, [c, kh, kw]).unwrap_or_default();
                let [di, dj] = g.padded_pos([0, 0], [ti, tj]);
                index::ravel([ch, di, dj], padded_shape).unwrap_or_default()
            })
            .collect();
        let mut patch_values = Vec::with_capacity(rows * cols);
        for row in 0..rows {
            let [pi, pj] = g.padded_pos([row / ow, row % ow], [0, 0]);
            let origin = index::ravel([0, pi, pj], padded_shape).unwrap_or_default();
            patch_values.extend(tap_offsets.iter().map(|&tap| padded_flat.get(origin + tap).copied().unwrap_or(0.0)));
        }

        // weights: (C*KH*KW, F); row (c, ti, tj) of column f holds the kernel cell
        // that meets window tap (ti, tj), or 0 when channel c is not in f's group.
        let weights = Array2::from_shape_fn((cols, f), |(col, filter)| {
            let [ch, ti, tj] = index::unravel(col, [c, kh, kw]).unwrap_or_default();
            let group_start = g.group_start(filter);
            if (group_start..group_start + g.in_per_group).contains(&ch) {
                let [ki, kj] = g.weight_tap([ti, tj]);
                weight[[filter, ch - group_start, ki, kj]]
            } else {
                0.0
            }
        });

        // product: (OH*OW, C*KH*KW) . (C*KH*KW, F) = (OH*OW, F)
        // (A plain loop over each group's own columns, not ndarray's `dot`: it
        // keeps the matrix-multiply kernels out of the wasm, and skips the
        // block-diagonal zeros.) Each group's filters go [`FILTER_BLOCK`] at a
        // time, then one by one, in filter order, so each row is appended whole.
        let per_group = g.terms_per_step();
        let mut blocks = Vec::new();
        for group in 0..params.groups {
            let columns = group * per_group..(group + 1) * per_group;
            let (mut filter, end) = (group * g.out_per_group, (group + 1) * g.out_per_group);
            while filter + FILTER_BLOCK <= end {
                blocks.push((columns.clone(), FilterBlock::Full(pack(&weights, columns.clone(), filter))));
                filter += FILTER_BLOCK;
            }
            for filter in filter..end {
                blocks.push((columns.clone(), FilterBlock::One(pack(&weights, columns.clone(), filter))));
            }
        }
        let mut product_values = Vec::with_capacity(rows * f);
        for row in 0..rows {
            let patch_row = &patch_values[row * cols..(row + 1) * cols];
            for (columns, block) in &blocks {
                let x = &patch_row[columns.clone()];
                match block {
                    FilterBlock::Full(w) => product_values.extend(filter_sums(x, w)),
                    FilterBlock::One(w) => product_values.extend(filter_sums(x, w)),
                }
            }
        }

        // output: (F, OH, OW) <- product^T reshaped, plus bias per filter. The
        // transpose goes [`TRANSPOSE_TILE`] product rows at a time, so the tile
        // read column by column stays in cache while each filter's run is written.
        let mut output_values = vec![0.0; f * rows];
        for tile in (0..rows).step_by(TRANSPOSE_TILE) {
            let tile = tile..(tile + TRANSPOSE_TILE).min(rows);
            for filter in 0..f {
                let b = bias.map_or(0.0, |b| b[filter]);
                let out = &mut output_values[filter * rows + tile.start..filter * rows + tile.end];
                for (y, row) in out.iter_mut().zip(tile.clone()) {
                    *y = product_values[row * f + filter] + b;
                }
            }
        }
        // The lengths match the shapes by construction; the fallbacks are never taken.
        let patches =
            Array2::from_shape_vec((rows, cols), patch_values).unwrap_or_else(|_| Array2::zeros((rows, cols)));
        let product = Array2::from_shape_vec((rows, f), product_values).unwrap_or_else(|_| Array2::zeros((rows, f)));
        let output = Array3::from_shape_vec((f, oh, ow), output_values).unwrap_or_else(|_| Array3::zeros((f, oh, ow)));
        Ok(Im2col { geometry: g, patches, weights, product, output, bias: bias.cloned() })
    }
}

/// Product rows transposed together into the output: 64 rows of 16 filters
/// are 8 KB, well inside a first-level cache.
const TRANSPOSE_TILE: usize = 64;

/// Filters whose sums [`Im2col::new`] computes together: eight running sums
/// stay in registers while a patch row's columns go by.
const FILTER_BLOCK: usize = 8;

/// Filters of one group whose product cells are computed together, as their
/// [`pack`]ed weights over the group's columns of the patch matrix.
enum FilterBlock {
    /// [`FILTER_BLOCK`] consecutive filters.
    Full(Vec<[f64; FILTER_BLOCK]>),
    /// One filter, of those left after a group's full blocks.
    One(Vec<[f64; 1]>),
}

/// Rows `columns` of the weight matrix `(C*KH*KW, F)`, filters `first ..
/// first + N`: entry `k` holds the `N` weights that multiply column
/// `columns.start + k` of a patch row.
fn pack<const N: usize>(weights: &Array2<f64>, columns: Range<usize>, first: usize) -> Vec<[f64; N]> {
    columns.map(|col| std::array::from_fn(|i| weights[[col, first + i]])).collect()
}

/// The group's part of a patch row times the [`pack`]ed weights of `N`
/// filters: one sum per filter. Each sum starts at -0.0 and adds the columns
/// in order, as `Iterator::sum` over the products would, so every value is
/// that of the row-times-column dot product.
fn filter_sums<const N: usize>(patch_row: &[f64], weights: &[[f64; N]]) -> [f64; N] {
    patch_row.iter().zip(weights).fold([-0.0; N], |sums, (x, w)| std::array::from_fn(|i| sums[i] + x * w[i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::{Forward, Hyper, Op, PaddingMode};
    use ndarray::{Array4, array};

    #[test]
    #[rustfmt::skip]
    fn seed_1d_patch_matrix() -> Result<(), ConvError> {
        // seeds/000, cells In [2]-In [5]: X = [0, 1, 2, -1, 1, -3, 0] (already
        // zero-padded), W = [1, 0, -1]; Xhat is 5x3 and Xhat W = [-2, 2, 1, 2, 1].
        let x = array![[[0., 1., 2., -1., 1., -3., 0.]]];
        let w = array![[[[1., 0., -1.]]]];
        let m = Im2col::new(&Problem { op: Op::Conv1d, input: x, weight: w, ..Problem::default() })?;
        assert_eq!(m.patches, array![[ 0.,  1.,  2.],
                                     [ 1.,  2., -1.],
                                     [ 2., -1.,  1.],
                                     [-1.,  1., -3.],
                                     [ 1., -3.,  0.]]);
        assert_eq!(m.product.column(0).to_vec(), vec![-2., 2., 1., 2., 1.]);
        assert_eq!(m.step_of(3, 0), Some(3));
        assert_eq!((m.step_of(5, 0), m.step_of(0, 1)), (None, None));
        Ok(())
    }

    #[test]
    fn the_tap_major_order_interleaves_channels() -> Result<(), ConvError> {
        // Two channels, 1x2 kernel: channel-major columns c0k0 c0k1 c1k0 c1k1;
        // tap-major k0c0 k0c1 k1c0 k1c1 (seeds/000 In [21]'s Xhat).
        let input = Array3::from_shape_fn((2, 1, 3), |(c, _, j)| (c * 10 + j) as f64);
        let weight = Array4::from_shape_fn((1, 2, 1, 2), |(_, c, _, j)| (c * 2 + j + 1) as f64);
        let m = Im2col::new(&Problem { op: Op::Conv1d, input, weight, ..Problem::default() })?;
        assert_eq!(m.columns(ColumnOrder::TapMajor), vec![0, 2, 1, 3]);
        Ok(())
    }

    #[test]
    fn groups_make_a_block_diagonal_weight_matrix() -> Result<(), ConvError> {
        let input = Array3::from_shape_fn((2, 3, 3), |(c, i, j)| (c * 9 + i * 3 + j) as f64);
        let weight = Array4::from_elem((2, 1, 2, 2), 1.0);
        let hyper = Hyper { groups: 2, ..Default::default() };
        let m = Im2col::new(&Problem { input, weight, hyper, ..Problem::default() })?;
        assert_eq!(m.weights.dim(), (8, 2));
        assert_eq!(m.weights.column(0).to_vec(), vec![1., 1., 1., 1., 0., 0., 0., 0.]);
        assert_eq!(m.weights.column(1).to_vec(), vec![0., 0., 0., 0., 1., 1., 1., 1.]);
        assert_eq!(m.group_columns(1), 4..8);
        assert_eq!(m.column_of(1, [1, 0]).and_then(|c| m.column_parts(c)), Some((1, [1, 0])));
        assert_eq!(m.column_parts(8), None);
        Ok(())
    }

    #[test]
    fn filter_blocks_give_each_row_times_column() -> Result<(), ConvError> {
        // 9 filters per group: one block of FILTER_BLOCK, then one filter alone,
        // in each of 2 groups; a stride, a dilation, replicate padding and a bias.
        // Values are eighths, so every sum is exact whatever its order.
        let eighth = |i: usize| ((i * 7919 % 17) as f64 - 8.0) / 8.0;
        let input = Array3::from_shape_fn((4, 5, 6), |(c, i, j)| eighth(c * 30 + i * 6 + j));
        let weight = Array4::from_shape_fn((18, 2, 2, 3), |(f, c, i, j)| eighth(f * 12 + c * 6 + i * 3 + j + 500));
        let bias = Some(Array1::from_shape_fn(18, |f| eighth(f + 900)));
        let hyper = Hyper {
            groups: 2,
            stride: [1, 2],
            dilation: [2, 1],
            padding: [1, 1],
            padding_mode: PaddingMode::Replicate,
            ..Hyper::default()
        };
        let problem = Problem { input, weight, bias, hyper, ..Problem::default() };
        let m = Im2col::new(&problem)?;
        let (rows, f) = m.product.dim();
        assert_eq!((rows, f), (5 * 3, 18));
        for row in 0..rows {
            for filter in 0..f {
                let columns = m.group_columns(m.geometry.group_of_filter(filter));
                let expected: f64 = columns.map(|col| m.patches[[row, col]] * m.weights[[col, filter]]).sum();
                assert_eq!(m.product[[row, filter]].to_bits(), expected.to_bits(), "row {row}, filter {filter}");
            }
        }
        assert_eq!(m.output, Forward::new(&problem)?.output);
        Ok(())
    }
}
