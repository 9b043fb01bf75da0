//! Direct convolution (`F.conv1d` / `F.conv2d`) and its sliding-window trace.
//!
//! Shapes: input `(C, H, W)`, weight `(F, C/groups, KH, KW)`, bias `(F,)`,
//! output `(F, OH, OW)`. Filter `f` belongs to group `g = f / (F/groups)` and
//! sees input channels `g*C/groups .. (g+1)*C/groups`.

use ndarray::{Array1, Array3, Array4};

use super::error::ConvError;
use super::format;
use super::padding::PaddedInput;
use super::params::{ConvGeometry, ConvParams};

/// Checks a bias against the number of output channels.
pub(crate) fn check_bias(bias: Option<&Array1<f64>>, out_channels: usize) -> Result<(), ConvError> {
    match bias {
        Some(b) if b.len() != out_channels => Err(ConvError::BiasLength { bias: b.len(), out_channels }),
        _ => Ok(()),
    }
}

fn weight_shape(weight: &Array4<f64>) -> [usize; 4] {
    let (f, c, kh, kw) = weight.dim();
    [f, c, kh, kw]
}

fn input_shape(input: &Array3<f64>) -> [usize; 3] {
    let (c, h, w) = input.dim();
    [c, h, w]
}

/// One product of a window cell and a kernel cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Input channel `c` (absolute, not within the group).
    pub channel: usize,
    /// Position of the tap inside the window, `[ti, tj]`, `0..KH x 0..KW`.
    pub tap: [usize; 2],
    /// The weight cell used, `[f, c - group_start, ki, kj]`; equals `tap` unless `flip`.
    pub weight_index: [usize; 4],
    /// Position in the padded input, `[pi, pj]`.
    pub padded_pos: [usize; 2],
    /// The input cell this value comes from (`None` for a zero of zero padding).
    pub source: Option<[usize; 2]>,
    /// Input value.
    pub x: f64,
    /// Weight value.
    pub w: f64,
}

impl Term {
    /// `x * w`: this term's share of the output cell.
    pub fn product(&self) -> f64 {
        self.x * self.w
    }
}

/// Everything that happens for one output cell.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardStep {
    /// `[f, i, j]` of the output cell computed.
    pub out_index: [usize; 3],
    /// Group `f / (F/groups)` of the filter; it sees that group's input channels.
    pub group: usize,
    /// Top-left corner of the window in the padded input: `[i*sh, j*sw]`.
    pub window: [usize; 2],
    /// Products in summation order: channel, kernel row, kernel column.
    pub terms: Vec<Term>,
    /// Sum of the products of each input channel the filter sees: `(c, sum)`.
    pub channel_sums: Vec<(usize, f64)>,
    /// The bias added (0 without bias).
    pub bias: f64,
    /// Whether a bias was given (the equation then ends with `+ b`).
    pub has_bias: bool,
    /// `sum(terms) + bias`, equal to `output[out_index]`.
    pub result: f64,
}

impl ForwardStep {
    /// The step's arithmetic with the real numbers: `2*(-2) + 1*2 + ... + b = y`.
    pub fn equation(&self) -> String {
        let mut parts: Vec<String> =
            self.terms.iter().map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.w))).collect();
        if self.has_bias {
            parts.push(format::factor(self.bias));
        }
        format!("{} = {}", parts.join(" + "), format::short(self.result))
    }
}

/// The sliding window's whole story: the padded input, every step, the output.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardTrace {
    /// Every size of the problem.
    pub geometry: ConvGeometry,
    /// `(C, H+2ph, W+2pw)`: the grid the window moves over.
    pub padded: PaddedInput,
    /// `(F, OH, OW)`.
    pub output: Array3<f64>,
    /// One step per output cell, in the order of [`ConvGeometry::step_of`].
    pub steps: Vec<ForwardStep>,
}

/// An output cell fed by a given input cell, and through which kernel cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// The step that computes the output cell (see [`ConvGeometry::step_of`]).
    pub step: usize,
    /// `[f, i, j]` of the output cell fed.
    pub out_index: [usize; 3],
    /// Weight cells `[f, c_local, ki, kj]` that met the input cell in this step
    /// (more than one where reflect/replicate/circular padding repeats it).
    pub weight_indices: Vec<[usize; 4]>,
}

impl ForwardTrace {
    /// The term of `step` for channel `channel_in_group` of the filter's group
    /// and window tap `[ti, tj]` (terms are stored channel, row, column).
    pub fn term(&self, step: usize, channel_in_group: usize, tap: [usize; 2]) -> Option<&Term> {
        let [kh, kw] = self.geometry.kernel;
        if channel_in_group >= self.geometry.in_per_group || tap[0] >= kh || tap[1] >= kw {
            return None;
        }
        self.steps.get(step)?.terms.get((channel_in_group * kh + tap[0]) * kw + tap[1])
    }

    /// Every output cell input cell `[c, i, j]` contributes to.
    pub fn feeds(&self, in_index: [usize; 3]) -> Vec<Feed> {
        let [c, i, j] = in_index;
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(step, s)| {
                let weight_indices: Vec<[usize; 4]> = s
                    .terms
                    .iter()
                    .filter(|t| t.channel == c && t.source == Some([i, j]))
                    .map(|t| t.weight_index)
                    .collect();
                (!weight_indices.is_empty()).then_some(Feed { step, out_index: s.out_index, weight_indices })
            })
            .collect()
    }
}

/// Validates the problem and pads the input.
fn prepare(
    input: &Array3<f64>,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
    params: &ConvParams,
) -> Result<(ConvGeometry, PaddedInput), ConvError> {
    let geometry = params.geometry(input_shape(input), weight_shape(weight))?;
    check_bias(bias, geometry.out_channels)?;
    let padded = PaddedInput::new(input, params.padding, params.padding_mode);
    Ok((geometry, padded))
}

/// Visits the terms of output cell `[f, oi, oj]` in summation order.
fn for_each_term(
    g: &ConvGeometry,
    padded: &PaddedInput,
    weight: &Array4<f64>,
    [f, oi, oj]: [usize; 3],
    mut visit: impl FnMut(Term),
) {
    let p = &g.params;
    let group_start = g.group_of_filter(f) * g.in_per_group;
    for cl in 0..g.in_per_group {
        let c = group_start + cl;
        for ti in 0..g.kernel[0] {
            for tj in 0..g.kernel[1] {
                let padded_pos = [oi * p.stride[0] + ti * p.dilation[0], oj * p.stride[1] + tj * p.dilation[1]];
                let [ki, kj] = g.weight_tap([ti, tj]);
                visit(Term {
                    channel: c,
                    tap: [ti, tj],
                    weight_index: [f, cl, ki, kj],
                    padded_pos,
                    source: padded.source(padded_pos),
                    x: padded.values[[c, padded_pos[0], padded_pos[1]]],
                    w: weight[[f, cl, ki, kj]],
                });
            }
        }
    }
}

/// `F.conv2d(input, weight, bias, stride, padding, dilation, groups)` with the
/// given padding mode (and the kernel rotated when `params.flip`).
///
/// input `(C, H, W)`, weight `(F, C/groups, KH, KW)`, bias `(F,)` -> `(F, OH, OW)`.
pub fn conv2d(
    input: &Array3<f64>,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
    params: &ConvParams,
) -> Result<Array3<f64>, ConvError> {
    let (g, padded) = prepare(input, weight, bias, params)?;
    let [f_count, oh, ow] = g.output_shape();
    let mut output = Array3::zeros((f_count, oh, ow));
    let x = &padded.values;
    for f in 0..f_count {
        let group_start = g.group_of_filter(f) * g.in_per_group;
        let b = bias.map_or(0.0, |b| b[f]);
        for oi in 0..oh {
            for oj in 0..ow {
                let mut sum = 0.0;
                for cl in 0..g.in_per_group {
                    for ti in 0..g.kernel[0] {
                        let pi = oi * params.stride[0] + ti * params.dilation[0];
                        for tj in 0..g.kernel[1] {
                            let pj = oj * params.stride[1] + tj * params.dilation[1];
                            let [ki, kj] = g.weight_tap([ti, tj]);
                            sum += x[[group_start + cl, pi, pj]] * weight[[f, cl, ki, kj]];
                        }
                    }
                }
                output[[f, oi, oj]] = sum + b;
            }
        }
    }
    Ok(output)
}

/// Like [`conv2d`], and also returns every step of the sliding window.
pub fn conv2d_trace(
    input: &Array3<f64>,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
    params: &ConvParams,
) -> Result<ForwardTrace, ConvError> {
    let (g, padded) = prepare(input, weight, bias, params)?;
    let [f_count, oh, ow] = g.output_shape();
    let mut output = Array3::zeros((f_count, oh, ow));
    let mut steps = Vec::with_capacity(g.steps());
    // Row-major over (f, oi, oj): the order of `ConvGeometry::step_of`.
    let out_indices = (0..f_count).flat_map(|f| (0..oh).flat_map(move |oi| (0..ow).map(move |oj| [f, oi, oj])));
    for out_index in out_indices {
        let [f, oi, oj] = out_index;
        let mut terms = Vec::with_capacity(g.terms_per_step());
        for_each_term(&g, &padded, weight, out_index, |t| terms.push(t));
        let mut channel_sums: Vec<(usize, f64)> = Vec::with_capacity(g.in_per_group);
        for t in &terms {
            match channel_sums.last_mut() {
                Some((c, sum)) if *c == t.channel => *sum += t.product(),
                _ => channel_sums.push((t.channel, t.product())),
            }
        }
        let sum: f64 = terms.iter().map(Term::product).sum();
        let b = bias.map_or(0.0, |b| b[f]);
        let result = sum + b;
        output[[f, oi, oj]] = result;
        steps.push(ForwardStep {
            out_index,
            group: g.group_of_filter(f),
            window: [oi * params.stride[0], oj * params.stride[1]],
            terms,
            channel_sums,
            bias: b,
            has_bias: bias.is_some(),
            result,
        });
    }
    Ok(ForwardTrace { geometry: g, padded, output, steps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[rustfmt::skip]
    fn seed_2d() -> (Array3<f64>, Array4<f64>) {
        // seeds/000, cells In [11] and In [12].
        let x = array![[[ 2.,  1., -1., -1.,  2.],
                        [-1.,  1.,  0., -2.,  1.],
                        [-1.,  0., -1.,  0., -1.],
                        [-3., -2., -1.,  1., -1.],
                        [-1., -3., -2., -3., -3.]]];
        let w = array![[[[-2., 2., 0.], [2., 2., 2.], [-3., -1., -1.]]]];
        (x, w)
    }

    #[test]
    fn seed_2d_trace() -> Result<(), ConvError> {
        let (x, w) = seed_2d();
        let trace = conv2d_trace(&x, &w, None, &ConvParams::default())?;
        // seeds/000, cell In [17]: [[2, -5, 2], [12, 2, -5], [-2, 8, 12]].
        #[rustfmt::skip]
        let expected = array![[[ 2., -5.,  2.], [12.,  2., -5.], [-2.,  8., 12.]]];
        assert_eq!(trace.output, expected);
        assert_eq!(trace.steps.len(), 9);
        assert_eq!(
            trace.steps[0].equation(),
            "2*(-2) + 1*2 + (-1)*0 + (-1)*2 + 1*2 + 0*2 + (-1)*(-3) + 0*(-1) + (-1)*(-1) = 2"
        );
        assert_eq!(conv2d(&x, &w, None, &ConvParams::default())?, expected);
        Ok(())
    }

    #[test]
    fn feeds_count_every_use() -> Result<(), ConvError> {
        let (x, w) = seed_2d();
        let trace = conv2d_trace(&x, &w, None, &ConvParams::default())?;
        // The centre cell lies in every one of the nine windows, once each.
        let feeds = trace.feeds([0, 2, 2]);
        assert_eq!(feeds.len(), 9);
        assert!(feeds.iter().all(|f| f.weight_indices.len() == 1));
        // The corner cell lies only in the first window, under kernel cell (0, 0).
        assert_eq!(
            trace.feeds([0, 0, 0]),
            vec![Feed { step: 0, out_index: [0, 0, 0], weight_indices: vec![[0, 0, 0, 0]] }]
        );
        Ok(())
    }

    #[test]
    fn bias_length_is_checked() {
        let (x, w) = seed_2d();
        let bias = array![1.0, 2.0];
        let err = conv2d(&x, &w, Some(&bias), &ConvParams::default()).unwrap_err();
        assert_eq!(err.to_string(), "bias has 2 value(s) but there are 1 output channel(s)");
    }
}
