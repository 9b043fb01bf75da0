//! Transposed convolution (`F.conv_transpose1d/2d`) as a scatter of scaled
//! kernel copies, with its overlap sums and two equivalent forms.
//!
//! Shapes: input `(C, H, W)`, weight `(C, F/groups, KH, KW)`, bias `(F,)`,
//! output `(F, OH, OW)` with `OH = (H-1)s - 2p + d(KH-1) + output_padding + 1`.
//! Input cell `(c, i, j)` scales the kernel and adds it at canvas positions
//! `(i*s + ki*d, j*s + kj*d)`; the output is the canvas cropped by `p` on each
//! side, with `output_padding` extra rows/columns kept at the bottom/right.

use ndarray::{Array1, Array2, Array3, Array4};

use super::error::ConvError;
use super::forward::Forward;
use super::params::{Hyper, TransposeGeometry};
use super::problem::Problem;

/// One scaled kernel cell placed on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Output channel `f`.
    pub f: usize,
    /// Weight cell `[c, f - group_start, ki, kj]`.
    pub weight_index: [usize; 4],
    /// Uncropped position `[i*s + ki*d, j*s + kj*d]`.
    pub canvas_pos: [usize; 2],
    /// Output cell `[oi, oj]` it lands in, `None` when padding crops it.
    pub out_pos: Option<[usize; 2]>,
    /// Weight value `weight[weight_index]`.
    pub w: f64,
    /// `x * w`.
    pub product: f64,
}

/// One input cell scattering its scaled kernel copy.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterStep {
    /// `[c, i, j]`.
    pub in_index: [usize; 3],
    /// Input value `input[in_index]` that scales the kernel.
    pub x: f64,
    /// For each output channel of the group, each kernel cell, in row-major order.
    pub placements: Vec<Placement>,
}

/// One term of an output cell's overlap sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The scatter step (input cell) it comes from.
    pub step: usize,
    /// `[c, i, j]`: the input cell.
    pub in_index: [usize; 3],
    /// `[c, f - group_start, ki, kj]`: the weight cell, in the weight's axis order.
    pub weight_index: [usize; 4],
    /// Input value `input[in_index]`.
    pub x: f64,
    /// Weight value `weight[weight_index]`.
    pub w: f64,
}

/// The transposed convolution's whole result, and its steps on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Transposed {
    /// Every size of the problem.
    pub geometry: TransposeGeometry,
    /// `(C, H, W)`: the input whose cells scale the kernel.
    pub input: Array3<f64>,
    /// `(C, F/groups, KH, KW)`, as given.
    pub weight: Array4<f64>,
    /// `(F, CH, CW)`: the sum of all placed copies, before cropping and bias.
    pub canvas: Array3<f64>,
    /// `(F, OH, OW)`: the result.
    pub output: Array3<f64>,
    /// `(F,)` bias added to every output cell after cropping, if any.
    pub bias: Option<Array1<f64>>,
}

impl Transposed {
    /// Validates `problem` (a transposed convolution) and computes its canvas
    /// and output: `F.conv_transpose2d(input, weight, bias, stride, padding,
    /// output_padding, groups, dilation)`.
    pub fn new(problem: &Problem) -> Result<Transposed, ConvError> {
        let g = problem.transposed_geometry()?;
        let (input, weight, bias) = (&problem.input, &problem.weight, problem.bias.as_ref());
        let [f_count, ch, cw] = g.canvas_shape();
        let mut canvas = Array3::zeros((f_count, ch, cw));
        for ((c, i, j), &x) in input.indexed_iter() {
            let group = g.group_of_channel(c);
            for fl in 0..g.out_per_group {
                let f = group * g.out_per_group + fl;
                for ki in 0..g.kernel[0] {
                    for kj in 0..g.kernel[1] {
                        let [y, xx] = g.canvas_pos([i, j], [ki, kj]);
                        canvas[[f, y, xx]] += x * weight[[c, fl, ki, kj]];
                    }
                }
            }
        }
        // Crop by padding (output_padding cells beyond the full canvas stay 0 + bias).
        let [ph, pw] = g.params.padding;
        let [oh, ow] = g.output;
        let output = Array3::from_shape_fn((f_count, oh, ow), |(f, oi, oj)| {
            canvas[[f, oi + ph, oj + pw]] + bias.map_or(0.0, |b| b[f])
        });
        Ok(Transposed {
            geometry: g,
            input: input.clone(),
            weight: weight.clone(),
            canvas,
            output,
            bias: bias.cloned(),
        })
    }

    /// Input cell `step` scattering its scaled kernel copy: `F/groups * KH * KW` placements.
    pub fn step(&self, step: usize) -> Option<ScatterStep> {
        let g = &self.geometry;
        let in_index = g.in_index_of(step)?;
        let [c, i, j] = in_index;
        let x = self.input[in_index];
        let group = g.group_of_channel(c);
        let mut placements = Vec::with_capacity(g.out_per_group * g.kernel[0] * g.kernel[1]);
        for fl in 0..g.out_per_group {
            for ki in 0..g.kernel[0] {
                for kj in 0..g.kernel[1] {
                    let canvas_pos = g.canvas_pos([i, j], [ki, kj]);
                    let w = self.weight[[c, fl, ki, kj]];
                    placements.push(Placement {
                        f: group * g.out_per_group + fl,
                        weight_index: [c, fl, ki, kj],
                        canvas_pos,
                        out_pos: g.crop(canvas_pos),
                        w,
                        product: x * w,
                    });
                }
            }
        }
        Some(ScatterStep { in_index, x, placements })
    }

    /// The overlap list of output cell `[f, oi, oj]`, in scatter order (empty
    /// when out of range). Found by inverting the placement arithmetic: under
    /// each tap, at most one input cell of each channel reaches a canvas cell.
    pub fn contributions_of(&self, [f, oi, oj]: [usize; 3]) -> Vec<Contribution> {
        let g = &self.geometry;
        if f >= g.out_channels || oi >= g.output[0] || oj >= g.output[1] {
            return Vec::new();
        }
        let pos = [oi + g.params.padding[0], oj + g.params.padding[1]];
        let (group, fl) = (f / g.out_per_group, f % g.out_per_group);
        let mut list = Vec::new();
        for c in group * g.in_per_group..(group + 1) * g.in_per_group {
            for ki in 0..g.kernel[0] {
                for kj in 0..g.kernel[1] {
                    let Some([i, j]) = g.placer_of(pos, [ki, kj]) else { continue };
                    let Some(step) = g.step_of([c, i, j]) else { continue };
                    list.push(Contribution {
                        step,
                        in_index: [c, i, j],
                        weight_index: [c, fl, ki, kj],
                        x: self.input[[c, i, j]],
                        w: self.weight[[c, fl, ki, kj]],
                    });
                }
            }
        }
        // Each input cell contributes once: the steps are distinct.
        super::index::sort_by_distinct_key(&mut list, |k| k.step);
        list
    }

    /// The canvas after scatter steps `0..=step`: `(F, CH, CW)`, the placed
    /// copies so far, so overlaps accumulate visibly as the player advances.
    /// Costs the steps so far, like the scatter itself up to there.
    pub fn canvas_after(&self, step: usize) -> Array3<f64> {
        let g = &self.geometry;
        let [f_count, ch, cw] = g.canvas_shape();
        let mut canvas = Array3::zeros((f_count, ch, cw));
        let last = step.min(g.steps().saturating_sub(1));
        for s in 0..=last {
            let Some([c, i, j]) = g.in_index_of(s) else { break };
            let x = self.input[[c, i, j]];
            let group = g.group_of_channel(c);
            for fl in 0..g.out_per_group {
                for ki in 0..g.kernel[0] {
                    for kj in 0..g.kernel[1] {
                        let [y, xx] = g.canvas_pos([i, j], [ki, kj]);
                        canvas[[group * g.out_per_group + fl, y, xx]] += x * self.weight[[c, fl, ki, kj]];
                    }
                }
            }
        }
        canvas
    }
}

/// What a canvas position becomes in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanvasRole {
    /// Kept as output cell `[oi, oj]`.
    Kept([usize; 2]),
    /// Kept as output cell `[oi, oj]` because of `output_padding`: one of the
    /// last `output_padding` rows or columns of the output (beyond the full
    /// result no kernel copy reaches it, and it holds only the bias).
    Extra([usize; 2]),
    /// Cropped away by padding.
    Cropped,
}

impl Transposed {
    /// Whether canvas position `pos` is kept, kept as an `output_padding` cell, or cropped.
    pub fn canvas_role(&self, pos: [usize; 2]) -> CanvasRole {
        let g = &self.geometry;
        match g.crop(pos) {
            None => CanvasRole::Cropped,
            Some(out) if (0..2).any(|a| out[a] >= g.output[a].saturating_sub(g.params.output_padding[a])) => {
                CanvasRole::Extra(out)
            }
            Some(out) => CanvasRole::Kept(out),
        }
    }

    /// The canvas position output cell `[oi, oj]` is cut from: `[oi + ph, oj + pw]`.
    pub fn canvas_pos_of(&self, out_pos: [usize; 2]) -> [usize; 2] {
        let [ph, pw] = self.geometry.params.padding;
        [out_pos[0] + ph, out_pos[1] + pw]
    }

    /// Input value `x[c, i, j]`.
    pub fn input_value(&self, in_index: [usize; 3]) -> Option<f64> {
        self.input.get(in_index).copied()
    }

    /// The first output cell `[f, oi, oj]` the copy of `step` lands in, `None`
    /// when padding crops all of it.
    pub fn first_output_of(&self, step: usize) -> Option<[usize; 3]> {
        self.step(step)?.placements.iter().find_map(|p| p.out_pos.map(|[oi, oj]| [p.f, oi, oj]))
    }
}

/// The transposed convolution as a direct convolution (the conv_arithmetic
/// picture): stride-1 convolution with dilation `d` over the input with `s-1`
/// zeros inserted between cells and `d(k-1) - p` zeros around it (cells are
/// cropped instead where that is negative, and `output_padding` adds zeros at
/// the bottom/right), with the kernel rotated 180 degrees and its channel axes swapped.
#[derive(Debug, Clone, PartialEq)]
pub struct ZeroInsertedConv {
    /// `(C, OH + d(KH-1), OW + d(KW-1))`.
    pub input: Array3<f64>,
    /// `(ZH, ZW)`: the input cell `[i, j]` each position holds, `None` for an inserted or padded zero.
    pub sources: Array2<Option<[usize; 2]>>,
    /// `(F, C/groups, KH, KW)`: `kernel[f, cl, a, b] = weight[g*C/groups + cl, f - g*F/groups, KH-1-a, KW-1-b]`.
    pub kernel: Array4<f64>,
    /// Stride 1, padding 0, the transposed convolution's dilation and groups.
    pub params: Hyper,
    /// `(F, OH, OW)`: equal to the transposed convolution's output.
    pub output: Array3<f64>,
    /// That direct convolution, whose windows ([`Forward::step`]) the
    /// zero-inserted explanation slides: step `k` computes output cell `k`
    /// (row-major over `(F, OH, OW)`).
    pub direct: Forward,
}

impl ZeroInsertedConv {
    /// Builds the zero-inserted form of a transposed convolution `problem`.
    pub fn new(problem: &Problem) -> Result<ZeroInsertedConv, ConvError> {
        let g = problem.transposed_geometry()?;
        let (params, input, weight) = (&g.params, &problem.input, &problem.weight);
        let mut size = [0; 2];
        let mut edge = [0isize; 2];
        for axis in 0..2 {
            let reach = g.span[axis] - 1;
            size[axis] = g.output[axis] + reach;
            // Signed zero border: d(k-1) - p (sizes are small, validated above).
            edge[axis] = reach as isize - params.padding[axis] as isize;
        }
        // Position t of the zero-inserted, padded grid holds input cell u/s when
        // u = t - edge is a multiple of s inside the input.
        let source_1d = |t: usize, axis: usize| -> Option<usize> {
            let u = t as isize - edge[axis];
            let s = params.stride[axis] as isize;
            (u >= 0 && u % s == 0 && ((u / s) as usize) < g.input[axis]).then(|| (u / s) as usize)
        };
        let sources =
            Array2::from_shape_fn((size[0], size[1]), |(t0, t1)| Some([source_1d(t0, 0)?, source_1d(t1, 1)?]));
        let zero_inserted = Array3::from_shape_fn((g.in_channels, size[0], size[1]), |(c, t0, t1)| {
            sources[[t0, t1]].map_or(0.0, |[i, j]| input[[c, i, j]])
        });
        let [kh, kw] = g.kernel;
        let kernel = Array4::from_shape_fn((g.out_channels, g.in_per_group, kh, kw), |(f, cl, a, b)| {
            let group = f / g.out_per_group;
            weight[[group * g.in_per_group + cl, f % g.out_per_group, kh - 1 - a, kw - 1 - b]]
        });
        let conv_params = Hyper { dilation: params.dilation, groups: params.groups, ..Hyper::default() };
        let direct = Problem {
            op: problem.op.conv(),
            input: zero_inserted,
            weight: kernel,
            bias: problem.bias.clone(),
            hyper: conv_params,
            grad_output: None,
        };
        let forward = Forward::new(&direct)?;
        Ok(ZeroInsertedConv {
            input: direct.input,
            sources,
            kernel: direct.weight,
            params: conv_params,
            output: forward.output.clone(),
            direct: forward,
        })
    }
}

/// Largest matrix the matrix form builds: `rows * columns`.
pub const MATRIX_FORM_LIMIT: usize = 4096;

/// The transposed convolution as `C^T x`: `C` is the matrix of the matching
/// direct convolution (same weight, stride, dilation, groups) written over the
/// uncropped canvas, so `C^T x` is the canvas and cropping it gives the output.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixForm {
    /// `(C*H*W, F*CH*CW)`: row `(c, i, j)` holds the kernel copies that input cell
    /// places, i.e. the window of the direct convolution's output `(c, i, j)`.
    pub matrix: Array2<f64>,
    /// `(C*H*W,)`: the input flattened row-major.
    pub input: Array1<f64>,
    /// `(F*CH*CW,)`: `matrix^T . input`, the canvas flattened row-major.
    pub canvas: Array1<f64>,
}

impl MatrixForm {
    /// Builds the matrix form of a transposed convolution `problem`, or
    /// [`ConvError::TooLarge`] past [`MATRIX_FORM_LIMIT`].
    pub fn new(problem: &Problem) -> Result<MatrixForm, ConvError> {
        let g = problem.transposed_geometry()?;
        let (input, weight) = (&problem.input, &problem.weight);
        let [ch, cw] = g.canvas;
        let rows = g.in_channels * g.input[0] * g.input[1];
        let cols = g.out_channels * ch * cw;
        let count = rows.saturating_mul(cols);
        if count > MATRIX_FORM_LIMIT {
            return Err(ConvError::TooLarge { what: "the matrix form", count, limit: MATRIX_FORM_LIMIT });
        }
        let mut matrix = Array2::zeros((rows, cols));
        for c in 0..g.in_channels {
            let group = c / g.in_per_group;
            for i in 0..g.input[0] {
                for j in 0..g.input[1] {
                    let row = (c * g.input[0] + i) * g.input[1] + j;
                    for fl in 0..g.out_per_group {
                        let f = group * g.out_per_group + fl;
                        for ki in 0..g.kernel[0] {
                            for kj in 0..g.kernel[1] {
                                let [y, x] = g.canvas_pos([i, j], [ki, kj]);
                                matrix[[row, (f * ch + y) * cw + x]] = weight[[c, fl, ki, kj]];
                            }
                        }
                    }
                }
            }
        }
        let input_flat = Array1::from_iter(input.iter().copied());
        // canvas: (F*CH*CW,) = C^T (F*CH*CW, C*H*W) . x (C*H*W,)
        let canvas =
            Array1::from_shape_fn(cols, |col| (0..rows).map(|row| matrix[[row, col]] * input_flat[row]).sum::<f64>());
        Ok(MatrixForm { matrix, input: input_flat, canvas })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Op;
    use ndarray::array;

    fn one_d(values: &[f64]) -> Array3<f64> {
        Array3::from_shape_vec((1, 1, values.len()), values.to_vec()).unwrap_or_default()
    }

    #[test]
    fn seed_1d_stride_2_overlap() -> Result<(), ConvError> {
        // seeds/001, "One-dimensional Example": [a, b] with [x, y, z], stride 2
        // gives [ax, ay, az + bx, by, bz]. With a=2, b=3, x=5, y=7, z=11:
        // F.conv_transpose1d(torch.tensor([[2., 3.]]), torch.tensor([[[5., 7., 11.]]]), stride=2)
        // -> [[10., 14., 37., 21., 33.]]
        let x = one_d(&[2., 3.]);
        let w = Array4::from_shape_vec((1, 1, 1, 3), vec![5., 7., 11.]).unwrap_or_default();
        let hyper = Hyper { stride: [1, 2], ..Default::default() };
        let problem = Problem { op: Op::ConvTranspose1d, input: x.clone(), weight: w, hyper, ..Problem::default() };
        let t = Transposed::new(&problem)?;
        assert_eq!(t.output, one_d(&[10., 14., 37., 21., 33.]));
        let products = t.step(1).map(|s| s.placements.iter().map(|p| p.product).collect::<Vec<_>>());
        assert_eq!(products, Some(vec![15., 21., 33.]));
        assert_eq!(t.contributions_of([0, 0, 2]).iter().map(|k| k.step).collect::<Vec<_>>(), vec![0, 1]);
        let m = MatrixForm::new(&problem)?;
        #[rustfmt::skip]
        let c = array![[5., 7., 11., 0., 0.],
                       [0., 0., 5., 7., 11.]];
        assert_eq!(m.matrix, c);
        assert_eq!(m.canvas.to_vec(), vec![10., 14., 37., 21., 33.]);
        let z = ZeroInsertedConv::new(&problem)?;
        // [0, 0, 2, 0, 3, 0, 0] with the kernel [11, 7, 5].
        assert_eq!(z.input, one_d(&[0., 0., 2., 0., 3., 0., 0.]));
        assert_eq!(z.kernel.iter().copied().collect::<Vec<_>>(), vec![11., 7., 5.]);
        assert_eq!(z.output, t.output);
        Ok(())
    }

    #[test]
    fn padding_crops_and_output_padding_extends() -> Result<(), ConvError> {
        // F.conv_transpose1d(torch.tensor([[1., 2.]]), torch.ones(1, 1, 3), stride=2, padding=1, output_padding=1)
        // full canvas [1, 1, 3, 2, 2] cropped by 1 -> [1, 3, 2] and one extra cell -> [1, 3, 2, 2]
        let x = one_d(&[1., 2.]);
        let w = Array4::from_elem((1, 1, 1, 3), 1.0);
        let hyper = Hyper { stride: [1, 2], padding: [0, 1], output_padding: [0, 1], ..Default::default() };
        let problem = Problem { op: Op::ConvTranspose1d, input: x.clone(), weight: w, hyper, ..Problem::default() };
        let t = Transposed::new(&problem)?;
        assert_eq!(t.output, one_d(&[1., 3., 2., 2.]));
        assert_eq!(t.canvas_after(0), one_d(&[1., 1., 1., 0., 0.]));
        assert_eq!(ZeroInsertedConv::new(&problem)?.output, t.output);
        // Canvas [1, 1, 3, 2, 2]: padding crops one cell on each side, and
        // output_padding keeps the last one back (output [1, 3, 2, 2]).
        let roles: Vec<CanvasRole> = (0..t.geometry.canvas[1]).map(|x| t.canvas_role([0, x])).collect();
        assert_eq!(
            roles,
            vec![
                CanvasRole::Cropped,
                CanvasRole::Kept([0, 0]),
                CanvasRole::Kept([0, 1]),
                CanvasRole::Kept([0, 2]),
                CanvasRole::Extra([0, 3]),
            ]
        );
        assert_eq!(t.canvas_pos_of([0, 3]), [0, 4]);
        // Without padding the output_padding cell lies beyond the full result:
        // F.conv_transpose1d(torch.tensor([[1., 2.]]), torch.ones(1, 1, 3), stride=2, output_padding=1)
        // -> [[1., 1., 3., 2., 2., 0.]]
        let beyond = Problem { hyper: Hyper { padding: [0, 0], ..hyper }, ..problem };
        let t2 = Transposed::new(&beyond)?;
        assert_eq!(t2.output, one_d(&[1., 1., 3., 2., 2., 0.]));
        assert_eq!(t2.canvas_role([0, 4]), CanvasRole::Kept([0, 4]));
        assert_eq!(t2.canvas_role([0, 5]), CanvasRole::Extra([0, 5]));
        assert_eq!(t.input_value([0, 0, 1]), Some(2.0));
        assert_eq!(t.input_value([0, 0, 2]), None);
        // Step 0 places [1, 1, 1] at canvas 0..3; canvas 0 is cropped, so it first lands in y[0].
        assert_eq!(t.first_output_of(0), Some([0, 0, 0]));
        Ok(())
    }
}
