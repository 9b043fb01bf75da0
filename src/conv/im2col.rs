//! im2col: the convolution as one matrix product.
//!
//! The patch matrix has one row per output position (row-major over `OH x OW`)
//! and one column per (input channel, kernel row, kernel column), in the order
//! of `torch.nn.functional.unfold`. The weight matrix has one column per filter,
//! flattened in the same order; with `groups > 1` it is block diagonal (a filter
//! has zeros against the channels of other groups), so one product serves all.

use std::ops::Range;

use ndarray::{Array1, Array2, Array3, Array4};

use super::direct::check_bias;
use super::error::ConvError;
use super::format;
use super::padding::PaddedInput;
use super::params::{ConvGeometry, ConvParams};

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
    /// Column of `(c, ti, tj)`: `(c*KH + ti)*KW + tj`.
    pub fn column_of(&self, c: usize, tap: [usize; 2]) -> usize {
        let [kh, kw] = self.geometry.kernel;
        (c * kh + tap[0]) * kw + tap[1]
    }

    /// `(c, [ti, tj])` of a column (inverse of [`Self::column_of`]).
    pub fn column_parts(&self, col: usize) -> (usize, [usize; 2]) {
        let [kh, kw] = self.geometry.kernel;
        (col / (kh * kw), [(col / kw) % kh, col % kw])
    }

    /// Row of output position `(oi, oj)`.
    pub fn row_of(&self, pos: [usize; 2]) -> usize {
        pos[0] * self.geometry.output[1] + pos[1]
    }

    /// The player step whose window is patch row `row`, multiplied by filter `f`'s column.
    pub fn step_of(&self, row: usize, f: usize) -> Option<usize> {
        let [oh, ow] = self.geometry.output;
        (row < oh * ow).then_some(())?;
        self.geometry.step_of([f, row / ow, row % ow])
    }

    /// Columns that belong to group `group`.
    pub fn group_columns(&self, group: usize) -> Range<usize> {
        let per_group = self.geometry.terms_per_step();
        group * per_group..(group + 1) * per_group
    }

    /// Row `row` of the patch matrix times column `f` of the weights, written
    /// out over filter `f`'s group: `x1*w1 + x2*w2 + ... (+ b) = y`.
    pub fn row_equation(&self, row: usize, f: usize) -> String {
        let [oh, ow] = self.geometry.output;
        if row >= oh * ow || f >= self.geometry.out_channels {
            return String::new();
        }
        let group = self.geometry.group_of_filter(f);
        let mut parts: Vec<String> = self
            .group_columns(group)
            .map(|col| {
                format!("{}*{}", format::factor(self.patches[[row, col]]), format::factor(self.weights[[col, f]]))
            })
            .collect();
        if let Some(b) = &self.bias {
            parts.push(format::factor(b[f]));
        }
        let value = self.output[[f, row / ow, row % ow]];
        format!("{} = {}", parts.join(" + "), format::short(value))
    }
}

/// Builds the im2col matrices for `F.conv2d(input, weight, bias, ...)`.
///
/// input `(C, H, W)`, weight `(F, C/groups, KH, KW)`, bias `(F,)`.
pub fn im2col(
    input: &Array3<f64>,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
    params: &ConvParams,
) -> Result<Im2col, ConvError> {
    let (c, h, w) = input.dim();
    let (f, cg, kh, kw) = weight.dim();
    let g = params.geometry([c, h, w], [f, cg, kh, kw])?;
    check_bias(bias, f)?;
    let padded = PaddedInput::new(input, params.padding, params.padding_mode);
    let [oh, ow] = g.output;
    let cols = c * kh * kw;

    // patches: (OH*OW, C*KH*KW), unfold's column order (c, ti, tj).
    let patches = Array2::from_shape_fn((oh * ow, cols), |(row, col)| {
        let (ch, [ti, tj]) = (col / (kh * kw), [(col / kw) % kh, col % kw]);
        let (oi, oj) = (row / ow, row % ow);
        padded.values
            [[ch, oi * params.stride[0] + ti * params.dilation[0], oj * params.stride[1] + tj * params.dilation[1]]]
    });

    // weights: (C*KH*KW, F); row (c, ti, tj) of column f holds the kernel cell
    // that meets window tap (ti, tj), or 0 when channel c is not in f's group.
    let weights = Array2::from_shape_fn((cols, f), |(col, filter)| {
        let (ch, tap) = (col / (kh * kw), [(col / kw) % kh, col % kw]);
        let group_start = g.group_of_filter(filter) * g.in_per_group;
        if (group_start..group_start + g.in_per_group).contains(&ch) {
            let [ki, kj] = g.weight_tap(tap);
            weight[[filter, ch - group_start, ki, kj]]
        } else {
            0.0
        }
    });

    // product: (OH*OW, C*KH*KW) . (C*KH*KW, F) = (OH*OW, F)
    // (A plain loop, not ndarray's `dot`: it keeps the matrix-multiply kernels
    // out of the wasm, and the sizes here are small.)
    let product = Array2::from_shape_fn((oh * ow, f), |(row, filter)| {
        (0..cols).map(|k| patches[[row, k]] * weights[[k, filter]]).sum::<f64>()
    });
    // output: (F, OH, OW) <- product^T reshaped, plus bias per filter.
    let output = Array3::from_shape_fn((f, oh, ow), |(filter, oi, oj)| {
        product[[oi * ow + oj, filter]] + bias.map_or(0.0, |b| b[filter])
    });
    Ok(Im2col { geometry: g, patches, weights, product, output, bias: bias.cloned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    #[rustfmt::skip]
    fn seed_1d_patch_matrix() -> Result<(), ConvError> {
        // seeds/000, cells In [2]-In [5]: X = [0, 1, 2, -1, 1, -3, 0] (already
        // zero-padded), W = [1, 0, -1]; Xhat is 5x3 and Xhat W = [-2, 2, 1, 2, 1].
        let x = array![[[0., 1., 2., -1., 1., -3., 0.]]];
        let w = array![[[[1., 0., -1.]]]];
        let m = im2col(&x, &w, None, &ConvParams::default())?;
        assert_eq!(m.patches, array![[ 0.,  1.,  2.],
                                     [ 1.,  2., -1.],
                                     [ 2., -1.,  1.],
                                     [-1.,  1., -3.],
                                     [ 1., -3.,  0.]]);
        assert_eq!(m.product.column(0).to_vec(), vec![-2., 2., 1., 2., 1.]);
        assert_eq!(m.row_equation(0, 0), "0*1 + 1*0 + 2*(-1) = -2");
        assert_eq!(m.row_equation(5, 0), "", "out of range: nothing, no panic");
        assert_eq!(m.step_of(3, 0), Some(3));
        assert_eq!((m.step_of(5, 0), m.step_of(0, 1)), (None, None));
        Ok(())
    }

    #[test]
    fn groups_make_a_block_diagonal_weight_matrix() -> Result<(), ConvError> {
        let x = Array3::from_shape_fn((2, 3, 3), |(c, i, j)| (c * 9 + i * 3 + j) as f64);
        let w = Array4::from_elem((2, 1, 2, 2), 1.0);
        let params = ConvParams { groups: 2, ..Default::default() };
        let m = im2col(&x, &w, None, &params)?;
        assert_eq!(m.weights.dim(), (8, 2));
        assert_eq!(m.weights.column(0).to_vec(), vec![1., 1., 1., 1., 0., 0., 0., 0.]);
        assert_eq!(m.weights.column(1).to_vec(), vec![0., 0., 0., 0., 1., 1., 1., 1.]);
        assert_eq!(m.group_columns(1), 4..8);
        assert_eq!(m.column_parts(m.column_of(1, [1, 0])), (1, [1, 0]));
        Ok(())
    }
}
