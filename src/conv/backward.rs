//! Backpropagation through a direct convolution.
//!
//! Given the upstream gradient `dY = dL/dy` of shape `(F, OH, OW)`:
//! - `grad_input (C, H, W)`: every term `x*w` of the forward pass sends `dy*w`
//!   back to the input cell `x` came from (padding copies fold back onto their
//!   source; zeros of zero padding receive nothing). For zero padding this is
//!   the transposed convolution of `dY` with `W`.
//! - `grad_weight (F, C/groups, KH, KW)`: every term sends `dy*x` to its kernel
//!   cell: the correlation of the padded input with `dY`.
//! - `grad_bias (F,)`: the sum of `dY` over positions.
//!
//! The three gradients are computed eagerly by walking every window once (the
//! chain rule applied to what the sliding window computed); the terms behind
//! any one gradient cell are answered on demand, from the window arithmetic
//! of that cell alone.

use ndarray::{Array1, Array3, Array4};

use super::error::ConvError;
use super::forward::Forward;
use super::index;
use super::problem::Problem;

/// One term of a `grad_input` cell: `dy[out_index] * w[weight_index]`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputGradTerm {
    /// `[f, i, j]`: the output cell whose gradient flows back.
    pub out_index: [usize; 3],
    /// `[f, c_local, ki, kj]`: the weight cell, in the weight's axis order.
    pub weight_index: [usize; 4],
    /// Upstream gradient `grad_output[out_index]`.
    pub dy: f64,
    /// Weight value `weight[weight_index]`.
    pub w: f64,
}

/// One term of a `grad_weight` cell: `x[padded_pos] * dy[out_index]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightGradTerm {
    /// `[f, i, j]`: the output cell whose gradient flows back.
    pub out_index: [usize; 3],
    /// Input channel `c`.
    pub channel: usize,
    /// `[pi, pj]`: position of `x` in the padded input.
    pub padded_pos: [usize; 2],
    /// Input cell the padded value copies, `None` for a zero of zero padding.
    pub source: Option<[usize; 2]>,
    /// Padded input value at `padded_pos` in channel `channel`.
    pub x: f64,
    /// Upstream gradient `grad_output[out_index]`.
    pub dy: f64,
}

/// All three gradients, and the terms behind any one cell on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Backward {
    /// The forward pass the gradients flow back through.
    pub forward: Forward,
    /// `(F, OH, OW)`.
    pub grad_output: Array3<f64>,
    /// `(C, H, W)`.
    pub grad_input: Array3<f64>,
    /// `(F, C/groups, KH, KW)`.
    pub grad_weight: Array4<f64>,
    /// `(F,)`.
    pub grad_bias: Array1<f64>,
}

impl Backward {
    /// Gradients of `F.conv2d(input, weight, bias, ...)` (with the padding
    /// mode and `flip`) for the problem's upstream gradient (ones when it has none).
    pub fn new(problem: &Problem) -> Result<Backward, ConvError> {
        let forward = Forward::new(problem)?;
        let grad_output = problem.grad_output_or_ones()?;
        let g = &forward.geometry;
        let p = &g.params;
        let [c_count, h, w] = g.input_shape();
        let [_, oh, ow] = g.output_shape();
        let [ph, pw] = g.padded;
        let padded = &forward.padded;
        // Row-major copies: (C, PH, PW) and (F, OH, OW).
        let x: Vec<f64> = padded.values.iter().copied().collect();
        let dy: Vec<f64> = grad_output.iter().copied().collect();
        let mut grad_weight = Array4::zeros(forward.weight.raw_dim());
        // The gradient of the padded input, folded onto the input below.
        let mut grad_padded = vec![0.0; c_count * ph * pw];
        for (f, dy_plane) in dy.chunks(oh * ow).enumerate() {
            let group_start = g.group_start(f);
            for cl in 0..g.in_per_group {
                let c = group_start + cl;
                for ti in 0..g.kernel[0] {
                    for tj in 0..g.kernel[1] {
                        let [ki, kj] = g.weight_tap([ti, tj]);
                        let wv = forward.weight[[f, cl, ki, kj]];
                        // dw[f, cl, ki, kj] = sum over windows of x under the tap times dy,
                        // in row-major window order (the order its terms are listed in).
                        let mut dw = 0.0;
                        for (oi, dy_row) in dy_plane.chunks(ow).enumerate() {
                            let start = c * ph * pw + (oi * p.stride[0] + ti * p.dilation[0]) * pw + tj * p.dilation[1];
                            for (&d, &xv) in dy_row.iter().zip(x[start..].iter().step_by(p.stride[1])) {
                                dw += xv * d;
                            }
                            // Each product x*w sends dy*w back to the x it read.
                            for (oj, &d) in dy_row.iter().enumerate() {
                                grad_padded[start + oj * p.stride[1]] += wv * d;
                            }
                        }
                        grad_weight[[f, cl, ki, kj]] = dw;
                    }
                }
            }
        }
        // Padding copies fold back onto their source; zeros of zero padding receive nothing.
        let rows: Vec<Option<usize>> = (0..ph).map(|pi| padded.source_along(0, pi)).collect();
        let cols: Vec<Option<usize>> = (0..pw).map(|pj| padded.source_along(1, pj)).collect();
        let mut grad_input = Array3::zeros((c_count, h, w));
        for (c, plane) in grad_padded.chunks(ph * pw).enumerate() {
            for (pi, row) in plane.chunks(pw).enumerate() {
                let Some(i) = rows[pi] else { continue };
                for (pj, &v) in row.iter().enumerate() {
                    if let Some(j) = cols[pj] {
                        grad_input[[c, i, j]] += v;
                    }
                }
            }
        }
        let grad_bias = Array1::from_iter(dy.chunks(oh * ow).map(|plane| plane.iter().sum::<f64>()));
        Ok(Backward { forward, grad_output, grad_input, grad_weight, grad_bias })
    }

    /// The forward weight `(F, C/groups, KH, KW)`.
    pub fn weight(&self) -> &Array4<f64> {
        &self.forward.weight
    }

    fn input_shape(&self) -> [usize; 3] {
        self.forward.geometry.input_shape()
    }

    fn weight_shape(&self) -> [usize; 4] {
        self.forward.geometry.weight_shape()
    }

    /// The `grad_input` cell `[c, i, j]` of player step `step` (row-major over `(C, H, W)`).
    pub fn input_cell(&self, step: usize) -> Option<[usize; 3]> {
        index::unravel(step, self.input_shape())
    }

    /// The player step of `grad_input[c, i, j]`.
    pub fn input_step(&self, index: [usize; 3]) -> Option<usize> {
        index::ravel(index, self.input_shape())
    }

    /// The `grad_weight` cell `[f, cl, ki, kj]` of player step `step` (row-major over `(F, C/groups, KH, KW)`).
    pub fn weight_cell(&self, step: usize) -> Option<[usize; 4]> {
        index::unravel(step, self.weight_shape())
    }

    /// The player step of `grad_weight[f, cl, ki, kj]`.
    pub fn weight_step(&self, index: [usize; 4]) -> Option<usize> {
        index::ravel(index, self.weight_shape())
    }

    /// Terms of `grad_input[c, i, j]`: one per window that read the cell (and
    /// per copy of it that padding made), in step order.
    pub fn input_terms_of(&self, in_index: [usize; 3]) -> Vec<InputGradTerm> {
        let weight = &self.forward.weight;
        let mut terms = Vec::new();
        for feed in self.forward.feeds(in_index) {
            let dy = self.grad_output[feed.out_index];
            for weight_index in feed.weight_indices {
                terms.push(InputGradTerm { out_index: feed.out_index, weight_index, dy, w: weight[weight_index] });
            }
        }
        terms
    }

    /// Terms of `grad_weight[f, cl, ki, kj]`: one per window position `(OH, OW)`, row-major.
    pub fn weight_terms_of(&self, index: [usize; 4]) -> Vec<WeightGradTerm> {
        let g = &self.forward.geometry;
        if self.weight_step(index).is_none() {
            return Vec::new();
        }
        let [f, cl, ki, kj] = index;
        let channel = g.group_start(f) + cl;
        let tap = g.weight_tap([ki, kj]);
        let [oh, ow] = g.output;
        let mut terms = Vec::with_capacity(oh * ow);
        for oi in 0..oh {
            for oj in 0..ow {
                let padded_pos = g.padded_pos([oi, oj], tap);
                terms.push(WeightGradTerm {
                    out_index: [f, oi, oj],
                    channel,
                    padded_pos,
                    source: self.forward.padded.source(padded_pos),
                    x: self.forward.padded.values[[channel, padded_pos[0], padded_pos[1]]],
                    dy: self.grad_output[[f, oi, oj]],
                });
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Hyper;
    use ndarray::array;

    #[test]
    fn one_pixel_filter_seed() -> Result<(), ConvError> {
        // seeds/001, "Convolution Backpropagation": x of shape (3, 2, 2), a
        // 1x1 filter over 3 channels; grad_weight[c] = sum_ij x[c,i,j] * dy[i,j].
        let input = Array3::from_shape_fn((3, 2, 2), |(c, i, j)| (c * 4 + i * 2 + j) as f64);
        let weight = array![[[[1.0]], [[2.0]], [[3.0]]]];
        let problem = Problem { input, weight: weight.clone(), bias: Some(array![0.5]), ..Problem::default() };
        let t = Backward::new(&problem)?;
        assert_eq!(t.grad_weight.iter().copied().collect::<Vec<_>>(), vec![6.0, 22.0, 38.0]);
        assert_eq!(t.grad_bias.to_vec(), vec![4.0]);
        assert_eq!(t.grad_input[[2, 1, 1]], 3.0);
        assert_eq!(t.weight(), &weight);
        assert_eq!(t.weight_terms_of([0, 2, 0, 0]).iter().map(|k| k.x).collect::<Vec<_>>(), vec![8., 9., 10., 11.]);
        // Out-of-range cells are no panic, just nothing to say.
        assert_eq!(t.weight_terms_of([5, 0, 0, 0]), vec![]);
        Ok(())
    }

    #[test]
    fn player_steps_walk_the_gradients_row_major() -> Result<(), ConvError> {
        // grad_input (2, 2, 3), grad_weight (1, 2, 2, 2).
        let input = Array3::from_elem((2, 2, 3), 1.0);
        let weight = Array4::from_elem((1, 2, 2, 2), 1.0);
        let t = Backward::new(&Problem { input, weight, hyper: Hyper::default(), ..Problem::default() })?;
        assert_eq!(t.input_cell(0), Some([0, 0, 0]));
        assert_eq!(t.input_cell(4), Some([0, 1, 1]));
        assert_eq!(t.input_cell(11), Some([1, 1, 2]));
        assert_eq!(t.input_cell(12), None);
        assert_eq!(t.weight_cell(5), Some([0, 1, 0, 1]));
        assert_eq!(t.weight_cell(8), None);
        for step in 0..12 {
            assert_eq!(t.input_cell(step).and_then(|c| t.input_step(c)), Some(step));
        }
        for step in 0..8 {
            assert_eq!(t.weight_cell(step).and_then(|c| t.weight_step(c)), Some(step));
        }
        assert_eq!(t.input_step([0, 2, 0]), None);
        assert_eq!(t.weight_step([1, 0, 0, 0]), None);
        // The middle column is read by both windows: dx = dy*w twice.
        assert_eq!(t.input_terms_of([1, 0, 1]).len(), 2);
        Ok(())
    }
}
