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
//! The backward pass is built from the forward trace's terms, so it is exactly
//! the chain rule applied to what the sliding window computed.

use ndarray::{Array1, Array3, Array4};

use super::direct::{ForwardTrace, conv2d_trace};
use super::error::ConvError;
use super::format;
use super::params::ConvParams;

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

/// All three gradients with the terms behind every cell.
#[derive(Debug, Clone, PartialEq)]
pub struct BackwardTrace {
    /// The forward pass whose terms the gradients are built from.
    pub forward: ForwardTrace,
    /// `(F, C/groups, KH, KW)`: the forward weight, as given.
    pub weight: Array4<f64>,
    /// `(F, OH, OW)`.
    pub grad_output: Array3<f64>,
    /// `(C, H, W)`.
    pub grad_input: Array3<f64>,
    /// `(F, C/groups, KH, KW)`.
    pub grad_weight: Array4<f64>,
    /// `(F,)`.
    pub grad_bias: Array1<f64>,
    /// Terms of each `grad_input` cell, indexed by `(c*H + i)*W + j`.
    pub input_terms: Vec<Vec<InputGradTerm>>,
    /// Terms of each `grad_weight` cell, indexed row-major over `(F, C/groups, KH, KW)`.
    pub weight_terms: Vec<Vec<WeightGradTerm>>,
}

/// Position `step` of a row-major walk over an array of `shape`, `None` past the end.
fn unravel<const N: usize>(step: usize, shape: [usize; N]) -> Option<[usize; N]> {
    if step >= shape.iter().product() {
        return None;
    }
    let mut rest = step;
    let mut index = [0; N];
    for axis in (0..N).rev() {
        index[axis] = rest % shape[axis];
        rest /= shape[axis];
    }
    Some(index)
}

/// The row-major position of `index` in an array of `shape` (inverse of [`unravel`]).
fn ravel<const N: usize>(index: [usize; N], shape: [usize; N]) -> Option<usize> {
    index.iter().zip(shape).try_fold(0, |flat, (&i, n)| (i < n).then_some(flat * n + i))
}

impl BackwardTrace {
    /// The `grad_input` cell `[c, i, j]` of player step `step` (row-major over `(C, H, W)`).
    pub fn input_cell(&self, step: usize) -> Option<[usize; 3]> {
        let (c, h, w) = self.grad_input.dim();
        unravel(step, [c, h, w])
    }

    /// The player step of `grad_input[c, i, j]`.
    pub fn input_step(&self, index: [usize; 3]) -> Option<usize> {
        let (c, h, w) = self.grad_input.dim();
        ravel(index, [c, h, w])
    }

    /// The `grad_weight` cell `[f, cl, ki, kj]` of player step `step` (row-major over `(F, C/groups, KH, KW)`).
    pub fn weight_cell(&self, step: usize) -> Option<[usize; 4]> {
        let (f, c, kh, kw) = self.grad_weight.dim();
        unravel(step, [f, c, kh, kw])
    }

    /// The player step of `grad_weight[f, cl, ki, kj]`.
    pub fn weight_step(&self, index: [usize; 4]) -> Option<usize> {
        let (f, c, kh, kw) = self.grad_weight.dim();
        ravel(index, [f, c, kh, kw])
    }

    /// Terms of `grad_input[c, i, j]`.
    pub fn input_terms_of(&self, [c, i, j]: [usize; 3]) -> &[InputGradTerm] {
        let [h, w] = self.forward.geometry.input;
        if c < self.forward.geometry.in_channels && i < h && j < w {
            &self.input_terms[(c * h + i) * w + j]
        } else {
            &[]
        }
    }

    /// Terms of `grad_weight[f, cl, ki, kj]`.
    pub fn weight_terms_of(&self, index: [usize; 4]) -> &[WeightGradTerm] {
        let (f, cg, kh, kw) = self.grad_weight.dim();
        let [a, b, c, d] = index;
        if a < f && b < cg && c < kh && d < kw { &self.weight_terms[((a * cg + b) * kh + c) * kw + d] } else { &[] }
    }

    fn show_channels(&self) -> bool {
        let g = &self.forward.geometry;
        g.in_channels > 1 || g.out_channels > 1
    }

    /// `dx[i,j] = dy[0,0]*w[1,1] + ... = 1*2 + ... = 3`.
    pub fn input_equation(&self, in_index: [usize; 3]) -> String {
        let dims = self.forward.geometry.params.dims;
        let ch = self.show_channels();
        let [c, i, j] = in_index;
        let lhs = format::label("dx", dims, ch.then_some(&[c][..]), [i, j]);
        let terms = self.input_terms_of(in_index);
        if terms.is_empty() {
            return format!("{lhs} = 0 (no window covers this cell)");
        }
        let symbols: Vec<String> = terms
            .iter()
            .map(|t| {
                let [f, oi, oj] = t.out_index;
                let [wf, cl, ki, kj] = t.weight_index;
                format!(
                    "{}*{}",
                    format::label("dy", dims, ch.then_some(&[f][..]), [oi, oj]),
                    format::label("w", dims, ch.then_some(&[wf, cl][..]), [ki, kj])
                )
            })
            .collect();
        let numbers: Vec<String> =
            terms.iter().map(|t| format!("{}*{}", format::factor(t.dy), format::factor(t.w))).collect();
        format!(
            "{lhs} = {} = {} = {}",
            symbols.join(" + "),
            numbers.join(" + "),
            format::short(self.grad_input.get(in_index).copied().unwrap_or(0.0))
        )
    }

    /// `dw[ki,kj] = x[..]*dy[..] + ... = ...` (x indices in padded coordinates).
    pub fn weight_equation(&self, index: [usize; 4]) -> String {
        let dims = self.forward.geometry.params.dims;
        let ch = self.show_channels();
        let [f, cl, ki, kj] = index;
        let lhs = format::label("dw", dims, ch.then_some(&[f, cl][..]), [ki, kj]);
        let terms = self.weight_terms_of(index);
        let symbols: Vec<String> = terms
            .iter()
            .map(|t| {
                let [tf, oi, oj] = t.out_index;
                format!(
                    "{}*{}",
                    format::label("xp", dims, ch.then_some(&[t.channel][..]), t.padded_pos),
                    format::label("dy", dims, ch.then_some(&[tf][..]), [oi, oj])
                )
            })
            .collect();
        let numbers: Vec<String> =
            terms.iter().map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.dy))).collect();
        format!(
            "{lhs} = {} = {} = {}",
            symbols.join(" + "),
            numbers.join(" + "),
            format::short(self.grad_weight.get(index).copied().unwrap_or(0.0))
        )
    }

    /// `db[f] = dy[f,0,0] + dy[f,0,1] + ... = ...`.
    pub fn bias_equation(&self, f: usize) -> String {
        let [filters, oh, ow] = self.forward.geometry.output_shape();
        let lhs = if filters > 1 { format!("db[{f}]") } else { "db".to_string() };
        let values: Vec<String> = (0..oh)
            .flat_map(|i| (0..ow).map(move |j| [i, j]))
            .filter_map(|p| self.grad_output.get([f, p[0], p[1]]).map(|v| format::factor(*v)))
            .collect();
        format!("{lhs} = {} = {}", values.join(" + "), format::short(self.grad_bias.get(f).copied().unwrap_or(0.0)))
    }
}

/// Gradients of `F.conv2d(input, weight, bias, ...)` (with the module's padding
/// mode and `flip`) for the upstream gradient `grad_output (F, OH, OW)`.
pub fn conv2d_backward(
    input: &Array3<f64>,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
    grad_output: &Array3<f64>,
    params: &ConvParams,
) -> Result<BackwardTrace, ConvError> {
    let forward = conv2d_trace(input, weight, bias, params)?;
    let g = forward.geometry;
    let expected = g.output_shape();
    let (gf, gh, gw) = grad_output.dim();
    if [gf, gh, gw] != expected {
        return Err(ConvError::GradOutputShape { expected: expected.to_vec(), got: vec![gf, gh, gw] });
    }
    let [h, w] = g.input;
    let (wf, wc, kh, kw) = weight.dim();
    let mut grad_input = Array3::zeros((g.in_channels, h, w));
    let mut grad_weight = Array4::zeros((wf, wc, kh, kw));
    let mut grad_bias = Array1::zeros(g.out_channels);
    let mut input_terms = vec![Vec::new(); g.in_channels * h * w];
    let mut weight_terms = vec![Vec::new(); wf * wc * kh * kw];
    for step in &forward.steps {
        let dy = grad_output[step.out_index];
        grad_bias[step.out_index[0]] += dy;
        for t in &step.terms {
            let [f, cl, ki, kj] = t.weight_index;
            grad_weight[t.weight_index] += t.x * dy;
            weight_terms[((f * wc + cl) * kh + ki) * kw + kj].push(WeightGradTerm {
                out_index: step.out_index,
                channel: t.channel,
                padded_pos: t.padded_pos,
                source: t.source,
                x: t.x,
                dy,
            });
            if let Some([i, j]) = t.source {
                grad_input[[t.channel, i, j]] += t.w * dy;
                input_terms[(t.channel * h + i) * w + j].push(InputGradTerm {
                    out_index: step.out_index,
                    weight_index: t.weight_index,
                    dy,
                    w: t.w,
                });
            }
        }
    }
    Ok(BackwardTrace {
        forward,
        weight: weight.clone(),
        grad_output: grad_output.clone(),
        grad_input,
        grad_weight,
        grad_bias,
        input_terms,
        weight_terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn one_pixel_filter_seed() -> Result<(), ConvError> {
        // seeds/001, "Convolution Backpropagation": x of shape (3, 2, 2), a
        // 1x1 filter over 3 channels; grad_weight[c] = sum_ij x[c,i,j] * dy[i,j].
        let x = Array3::from_shape_fn((3, 2, 2), |(c, i, j)| (c * 4 + i * 2 + j) as f64);
        let w = array![[[[1.0]], [[2.0]], [[3.0]]]];
        let dy = Array3::from_elem((1, 2, 2), 1.0);
        let t = conv2d_backward(&x, &w, Some(&array![0.5]), &dy, &ConvParams::default())?;
        assert_eq!(t.grad_weight.iter().copied().collect::<Vec<_>>(), vec![6.0, 22.0, 38.0]);
        assert_eq!(t.grad_bias.to_vec(), vec![4.0]);
        assert_eq!(t.grad_input[[2, 1, 1]], 3.0);
        assert_eq!(t.bias_equation(0), "db = 1 + 1 + 1 + 1 = 4");
        assert_eq!(t.weight, w);
        // Out-of-range cells are no panic, just nothing to say.
        assert_eq!(t.weight_terms_of([5, 0, 0, 0]), &[]);
        assert!(t.input_equation([9, 9, 9]).ends_with("= 0 (no window covers this cell)"));
        assert_eq!(t.bias_equation(7), "db =  = 0");
        Ok(())
    }

    #[test]
    fn player_steps_walk_the_gradients_row_major() -> Result<(), ConvError> {
        // grad_input (2, 2, 3), grad_weight (1, 2, 2, 2).
        let x = Array3::from_elem((2, 2, 3), 1.0);
        let w = Array4::from_elem((1, 2, 2, 2), 1.0);
        let t = conv2d_backward(&x, &w, None, &Array3::from_elem((1, 1, 2), 1.0), &ConvParams::default())?;
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
        Ok(())
    }
}
