//! The forward convolution (`F.conv1d` / `F.conv2d`), the kernel's window
//! sliding over the input: the whole output, computed
//! eagerly, and the story of any one step, answered on demand.
//!
//! Shapes: input `(C, H, W)`, weight `(F, C/groups, KH, KW)`, bias `(F,)`,
//! output `(F, OH, OW)`. Filter `f` belongs to group `g = f / (F/groups)` and
//! sees input channels `g*C/groups .. (g+1)*C/groups`.
//!
//! Nothing here stores a product per step: [`Forward::step`] builds the terms
//! of one step (`C/groups * KH * KW` of them) and [`Forward::feeds`] finds the
//! windows over one input cell by inverting the window arithmetic, so the
//! cost of a question is the size of its answer, whatever the problem's size.

use ndarray::{Array1, Array3, Array4};

use super::error::{ConvError, Dims, axis_name};
use super::padding::PaddedInput;
use super::params::{ConvGeometry, Hyper, PaddingMode, PaddingRule};
use super::problem::{Op, Problem};

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
    /// The term for channel `channel_in_group` of the filter's group and window
    /// tap `[ti, tj]` (terms are stored channel, row, column).
    pub fn term(&self, geometry: &ConvGeometry, channel_in_group: usize, tap: [usize; 2]) -> Option<&Term> {
        let [kh, kw] = geometry.kernel;
        if channel_in_group >= geometry.in_per_group || tap[0] >= kh || tap[1] >= kw {
            return None;
        }
        self.terms.get((channel_in_group * kh + tap[0]) * kw + tap[1])
    }
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

/// The direct convolution's whole result, and its steps on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Forward {
    /// Every size of the problem.
    pub geometry: ConvGeometry,
    /// `(C, H+2ph, W+2pw)`: the grid the window moves over.
    pub padded: PaddedInput,
    /// `(F, C/groups, KH, KW)`, as given.
    pub weight: Array4<f64>,
    /// `(F,)`, if any.
    pub bias: Option<Array1<f64>>,
    /// `(F, OH, OW)`.
    pub output: Array3<f64>,
}

impl Forward {
    /// Validates `problem` (a direct convolution) and computes its output:
    /// `F.conv2d(input, weight, bias, stride, padding, dilation, groups)` with
    /// the padding mode (and the kernel rotated when `flip`).
    pub fn new(problem: &Problem) -> Result<Forward, ConvError> {
        let geometry = problem.conv_geometry()?;
        let padded = geometry.pad(&problem.input);
        let output = compute_output(&geometry, &padded, &problem.weight, problem.bias.as_ref());
        Ok(Forward { geometry, padded, weight: problem.weight.clone(), bias: problem.bias.clone(), output })
    }

    /// Visits the terms of output cell `[f, oi, oj]` in summation order.
    fn for_each_term(&self, [f, oi, oj]: [usize; 3], mut visit: impl FnMut(Term)) {
        let g = &self.geometry;
        let group_start = g.group_start(f);
        for cl in 0..g.in_per_group {
            let c = group_start + cl;
            for ti in 0..g.kernel[0] {
                for tj in 0..g.kernel[1] {
                    let padded_pos = g.padded_pos([oi, oj], [ti, tj]);
                    let [ki, kj] = g.weight_tap([ti, tj]);
                    visit(Term {
                        channel: c,
                        tap: [ti, tj],
                        weight_index: [f, cl, ki, kj],
                        padded_pos,
                        source: self.padded.source(padded_pos),
                        x: self.padded.values[[c, padded_pos[0], padded_pos[1]]],
                        w: self.weight[[f, cl, ki, kj]],
                    });
                }
            }
        }
    }

    /// Everything that happens at `step`: `C/groups * KH * KW` terms, built now.
    pub fn step(&self, step: usize) -> Option<ForwardStep> {
        let g = &self.geometry;
        let out_index = g.out_index_of(step)?;
        let [f, oi, oj] = out_index;
        let mut terms = Vec::with_capacity(g.terms_per_step());
        self.for_each_term(out_index, |t| terms.push(t));
        let mut channel_sums: Vec<(usize, f64)> = Vec::with_capacity(g.in_per_group);
        for t in &terms {
            match channel_sums.last_mut() {
                Some((c, sum)) if *c == t.channel => *sum += t.product(),
                _ => channel_sums.push((t.channel, t.product())),
            }
        }
        let bias = self.bias.as_ref().map_or(0.0, |b| b[f]);
        Some(ForwardStep {
            out_index,
            group: g.group_of_filter(f),
            window: g.padded_pos([oi, oj], [0, 0]),
            terms,
            channel_sums,
            bias,
            has_bias: self.bias.is_some(),
            result: self.output[out_index],
        })
    }

    /// Every output cell input cell `[c, i, j]` contributes to, in step order.
    ///
    /// Found by inverting the window arithmetic: each padded position holding
    /// a copy of the cell, under each tap, is in at most one window.
    pub fn feeds(&self, [c, i, j]: [usize; 3]) -> Vec<Feed> {
        let g = &self.geometry;
        if c >= g.in_channels || i >= g.input[0] || j >= g.input[1] {
            return Vec::new();
        }
        let rows = self.padded.copies_of(0, i);
        let cols = self.padded.copies_of(1, j);
        let group = c / g.in_per_group;
        let cl = c - group * g.in_per_group;
        // (step, tap, weight cell): sorted into step order, then summation order.
        let mut hits: Vec<(usize, [usize; 2], [usize; 4])> = Vec::new();
        for &pi in &rows {
            for &pj in &cols {
                for ti in 0..g.kernel[0] {
                    for tj in 0..g.kernel[1] {
                        let Some([oi, oj]) = g.window_at([pi, pj], [ti, tj]) else { continue };
                        let [ki, kj] = g.weight_tap([ti, tj]);
                        for f in group * g.out_per_group..(group + 1) * g.out_per_group {
                            if let Some(step) = g.step_of([f, oi, oj]) {
                                hits.push((step, [ti, tj], [f, cl, ki, kj]));
                            }
                        }
                    }
                }
            }
        }
        super::index::sort_by_distinct_key(&mut hits, |&(step, tap, _)| (step, tap));
        let mut feeds: Vec<Feed> = Vec::new();
        for (step, _, weight_index) in hits {
            match feeds.last_mut() {
                Some(feed) if feed.step == step => feed.weight_indices.push(weight_index),
                _ => feeds.push(Feed {
                    step,
                    out_index: g.out_index_of(step).unwrap_or_default(),
                    weight_indices: vec![weight_index],
                }),
            }
        }
        feeds
    }
}

impl Forward {
    /// The transposed convolution this convolution is the transpose of: the
    /// same kernel, stride, padding, dilation and groups, mapping the output's
    /// shape `(F, OH, OW)` back to the input's `(C, H, W)` (`output_padding`
    /// restores the rows and columns the floor in the output-size formula
    /// dropped), applied to this convolution's output. With `flip` its kernel
    /// is the rotated one the window used.
    pub fn transpose_problem(&self) -> Result<Problem, ConvError> {
        let g = &self.geometry;
        let p = g.params;
        if p.padding_mode != PaddingMode::Zeros {
            return Err(ConvError::TransposeOfPadding { mode: p.padding_mode.name() });
        }
        // A transposed convolution crops the same cells from both sides, so
        // an uneven "same" has no transposed convolution as its transpose.
        if let Some(axis) = (0..2).find(|&axis| g.pad_after[axis] != p.padding[axis]) {
            return Err(ConvError::TransposeOfUneven {
                before: p.padding[axis],
                after: g.pad_after[axis],
                axis: axis_name(axis),
            });
        }
        // (H + 2p - d(k-1) - 1) mod s per axis: what the floor dropped.
        let output_padding = [0, 1].map(|axis| (g.padded[axis] - g.span[axis]) % p.stride[axis]);
        let [kh, kw] = g.kernel;
        let weight = if p.flip {
            Array4::from_shape_fn(self.weight.raw_dim(), |(f, c, i, j)| self.weight[[f, c, kh - 1 - i, kw - 1 - j]])
        } else {
            self.weight.clone()
        };
        let op = if g.dims == Dims::One { Op::ConvTranspose1d } else { Op::ConvTranspose2d };
        Ok(Problem {
            op,
            input: self.output.clone(),
            weight,
            bias: None,
            hyper: Hyper { output_padding, flip: false, padding_rule: PaddingRule::Explicit, ..p },
            grad_output: None,
        })
    }
}

/// The whole output, in an order that reads contiguous rows: for each
/// filter, channel and tap, the tap's weight times a strided row of the
/// padded input is added to a row of the output. Each output cell still
/// receives its products in summation order (channel, kernel row, kernel
/// column), so the result equals the step-by-step sum to the last bit.
fn compute_output(
    g: &ConvGeometry,
    padded: &PaddedInput,
    weight: &Array4<f64>,
    bias: Option<&Array1<f64>>,
) -> Array3<f64> {
    let [f_count, oh, ow] = g.output_shape();
    let [ph, pw] = g.padded;
    let p = &g.params;
    // (C, PH, PW) row-major: the padded array as built (standard layout, no
    // copy); a copy only if it were ever laid out otherwise.
    let copied;
    let x: &[f64] = match padded.values.as_slice() {
        Some(x) => x,
        None => {
            copied = padded.values.iter().copied().collect::<Vec<f64>>();
            &copied
        }
    };
    let mut out = vec![0.0; f_count * oh * ow];
    for (f, plane) in out.chunks_mut(oh * ow).enumerate() {
        let group_start = g.group_start(f);
        for cl in 0..g.in_per_group {
            let channel = &x[(group_start + cl) * ph * pw..(group_start + cl + 1) * ph * pw];
            for ti in 0..g.kernel[0] {
                for tj in 0..g.kernel[1] {
                    let [ki, kj] = g.weight_tap([ti, tj]);
                    let w = weight[[f, cl, ki, kj]];
                    for (oi, out_row) in plane.chunks_mut(ow).enumerate() {
                        let start = (oi * p.stride[0] + ti * p.dilation[0]) * pw + tj * p.dilation[1];
                        if p.stride[1] == 1 {
                            // Contiguous taps: plain slices, which the compiler unrolls
                            // (the same products added in the same order).
                            for (y, &v) in out_row.iter_mut().zip(&channel[start..start + ow]) {
                                *y += v * w;
                            }
                        } else {
                            let taps = channel[start..].iter().step_by(p.stride[1]);
                            for (y, &v) in out_row.iter_mut().zip(taps) {
                                *y += v * w;
                            }
                        }
                    }
                }
            }
        }
        let b = bias.map_or(0.0, |b| b[f]);
        plane.iter_mut().for_each(|y| *y += b);
    }
    Array3::from_shape_vec((f_count, oh, ow), out).unwrap_or_else(|_| Array3::zeros((f_count, oh, ow)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn seed_2d() -> Problem {
        // seeds/000, cells In [11] and In [12]: the default problem.
        Problem::default()
    }

    #[test]
    fn seed_2d_steps() -> Result<(), ConvError> {
        let fw = Forward::new(&seed_2d())?;
        // seeds/000, cell In [17]: [[2, -5, 2], [12, 2, -5], [-2, 8, 12]].
        #[rustfmt::skip]
        let expected = array![[[ 2., -5.,  2.], [12.,  2., -5.], [-2.,  8., 12.]]];
        assert_eq!(fw.output, expected);
        assert_eq!(fw.geometry.steps(), 9);
        let step = fw.step(0).expect("step 0");
        assert_eq!(step.term(&fw.geometry, 0, [2, 1]).map(|t| (t.x, t.w)), Some((0.0, -1.0)));
        assert!(fw.step(9).is_none());
        Ok(())
    }

    #[test]
    fn feeds_count_every_use() -> Result<(), ConvError> {
        let fw = Forward::new(&seed_2d())?;
        // The centre cell lies in every one of the nine windows, once each.
        let feeds = fw.feeds([0, 2, 2]);
        assert_eq!(feeds.len(), 9);
        assert!(feeds.iter().all(|f| f.weight_indices.len() == 1));
        // The corner cell lies only in the first window, under kernel cell (0, 0).
        assert_eq!(
            fw.feeds([0, 0, 0]),
            vec![Feed { step: 0, out_index: [0, 0, 0], weight_indices: vec![[0, 0, 0, 0]] }]
        );
        assert_eq!(fw.feeds([0, 5, 0]), vec![], "out of range: nothing, no panic");
        Ok(())
    }

    #[test]
    fn the_transpose_maps_the_output_shape_back() -> Result<(), ConvError> {
        // 5x5 input, 3x3 kernel, stride 2, padding 1 -> 3x3; its transpose gives 5x5 again
        // (output_padding 0: (5 + 2 - 3) mod 2 = 0); with a 6x6 input, output_padding 1.
        for (n, op) in [(5, 0), (6, 1)] {
            let input = Array3::from_elem((1, n, n), 1.0);
            let hyper = Hyper { stride: [2, 2], padding: [1, 1], ..Hyper::default() };
            let fw = Forward::new(&Problem { input, hyper, ..seed_2d() })?;
            let t = fw.transpose_problem()?;
            assert_eq!(t.hyper.output_padding, [op, op]);
            assert_eq!(t.output_shape()?, [1, n, n]);
            assert_eq!(t.input, fw.output);
        }
        let reflect = Problem {
            hyper: Hyper { padding: [1, 1], padding_mode: PaddingMode::Reflect, ..Hyper::default() },
            ..seed_2d()
        };
        let err = Forward::new(&reflect)?.transpose_problem().unwrap_err();
        assert_eq!(err.field(), crate::conv::Field::PaddingMode);
        Ok(())
    }

    #[test]
    fn same_padding_keeps_the_size_and_pads_the_odd_cell_last() -> Result<(), ConvError> {
        use crate::conv::PaddingRule;
        // F.conv2d(x, ones(1,1,2,2), padding='same') on x = arange(1, 10).reshape(3, 3):
        // torch pads 0 before and 1 after each axis, so y[i, j] sums x[i..i+2, j..j+2]
        // -> [[12, 16, 9], [24, 28, 15], [15, 17, 9]].
        let input = Array3::from_shape_fn((1, 3, 3), |(_, i, j)| (3 * i + j + 1) as f64);
        let problem = Problem {
            input,
            weight: Array4::ones((1, 1, 2, 2)),
            bias: None,
            hyper: Hyper { padding_rule: PaddingRule::Same, padding: [5, 5], ..Hyper::default() },
            ..seed_2d()
        };
        let fw = Forward::new(&problem)?;
        let g = &fw.geometry;
        assert_eq!((g.pad_before(), g.pad_after, g.padded, g.output), ([0, 0], [1, 1], [4, 4], [3, 3]));
        let expected = [12.0, 16.0, 9.0, 24.0, 28.0, 15.0, 15.0, 17.0, 9.0];
        assert_eq!(fw.output.iter().copied().collect::<Vec<_>>(), expected);
        // The extra row and column are at the bottom and right.
        assert!(fw.padded.is_padding([3, 0]) && fw.padded.is_padding([0, 3]) && !fw.padded.is_padding([0, 0]));
        // Its transpose would crop unevenly: refused, and the padding control is marked.
        let err = fw.transpose_problem().unwrap_err();
        assert_eq!(err, ConvError::TransposeOfUneven { before: 0, after: 1, axis: "height" });
        assert_eq!(err.field(), crate::conv::Field::Padding);
        // An odd kernel pads evenly, and its transpose is an ordinary one (numbers, not "same").
        let odd = Problem { weight: Array4::ones((1, 1, 3, 3)), ..problem.clone() };
        let t = Forward::new(&odd)?.transpose_problem()?;
        assert_eq!((t.hyper.padding, t.hyper.padding_rule), ([1, 1], PaddingRule::Explicit));
        assert_eq!(t.output_shape()?, [1, 3, 3]);
        // Reflect padding of the uneven side: torch's F.pad(x, (0, 1, 0, 1), 'reflect')
        // has rows [1 2 3 2], ..., and the corner x[1, 1] = 5.
        let hyper = Hyper { padding_mode: PaddingMode::Reflect, ..problem.hyper };
        let fw = Forward::new(&Problem { hyper, ..problem.clone() })?;
        assert_eq!(fw.padded.values.index_axis(ndarray::Axis(0), 0).row(0).to_vec(), vec![1.0, 2.0, 3.0, 2.0]);
        assert_eq!(fw.padded.values[[0, 3, 3]], 5.0);
        // "valid" ignores the numbers: no padding, 2x2 out.
        let valid = Hyper { padding_rule: PaddingRule::Valid, ..problem.hyper };
        assert_eq!(Forward::new(&Problem { hyper: valid, ..problem.clone() })?.geometry.output, [2, 2]);
        Ok(())
    }

    #[test]
    fn bias_length_is_checked() {
        let problem = Problem { bias: Some(array![1.0, 2.0]), ..seed_2d() };
        let err = Forward::new(&problem).unwrap_err();
        assert_eq!(err.to_string(), "bias has 2 value(s) but there are 1 output channel(s)");
    }
}
