//! Hyper-parameters of each operation and the shape arithmetic they own.
//!
//! All sizes are checked: a kernel larger than the padded input, a zero stride
//! or a channel count that groups do not divide becomes a [`ConvError`] with
//! the numbers in it, never an underflow or a panic.
//!
//! Axis order everywhere: per-axis arrays are `[height, width]`; 1D problems
//! use height 1 with padding 0 and stride/dilation 1 on the height axis.

use super::error::{ConvError, Dims, Extent, Field, PerAxis, axis_name};

/// How the input is extended beyond its border (PyTorch's `padding_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaddingMode {
    /// Pad with zeros.
    #[default]
    Zeros,
    /// Mirror without repeating the edge: `[1 2 3]` padded by 2 is `[3 2 1 2 3 2 1]`.
    Reflect,
    /// Repeat the edge: `[1 2 3]` padded by 2 is `[1 1 1 2 3 3 3]`.
    Replicate,
    /// Wrap around: `[1 2 3]` padded by 2 is `[2 3 1 2 3 1 2]`.
    Circular,
}

impl PaddingMode {
    /// Every mode, in the order the padding-mode control lists them.
    pub const ALL: [PaddingMode; 4] =
        [PaddingMode::Zeros, PaddingMode::Reflect, PaddingMode::Replicate, PaddingMode::Circular];

    /// The name PyTorch and the configuration document use.
    pub fn name(self) -> &'static str {
        match self {
            PaddingMode::Zeros => "zeros",
            PaddingMode::Reflect => "reflect",
            PaddingMode::Replicate => "replicate",
            PaddingMode::Circular => "circular",
        }
    }
}

/// Parameters of a direct convolution (`F.conv1d` / `F.conv2d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvParams {
    /// 1D or 2D: only changes how sizes are written and what is validated.
    pub dims: Dims,
    /// Step of the window, `[sh, sw]`, each >= 1.
    pub stride: [usize; 2],
    /// Cells added on each side, `[ph, pw]` (top and bottom get `ph`).
    pub padding: [usize; 2],
    /// Spacing between kernel taps, `[dh, dw]`, each >= 1.
    pub dilation: [usize; 2],
    /// Channel groups; must divide both channel counts.
    pub groups: usize,
    /// What the padding cells hold.
    pub padding_mode: PaddingMode,
    /// `true`: mathematical convolution, the kernel rotated by 180 degrees.
    /// `false` (PyTorch's behaviour): cross-correlation.
    pub flip: bool,
}

impl Default for ConvParams {
    fn default() -> Self {
        ConvParams {
            dims: Dims::Two,
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
            padding_mode: PaddingMode::Zeros,
            flip: false,
        }
    }
}

/// Parameters of a transposed convolution (`F.conv_transpose1d/2d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TransposeParams {
    /// 1D or 2D: only changes how sizes are written and what is validated.
    pub dims: Dims,
    /// Distance between the placed kernel copies, `[sh, sw]`, each >= 1.
    pub stride: [usize; 2],
    /// Cells cropped from each side of the full result, `[ph, pw]`.
    pub padding: [usize; 2],
    /// Extra cells kept at the bottom/right, each smaller than stride or dilation.
    pub output_padding: [usize; 2],
    /// Spacing between kernel taps, `[dh, dw]`, each >= 1.
    pub dilation: [usize; 2],
    /// Channel groups; must divide the input channels `C`.
    pub groups: usize,
}

impl Default for TransposeParams {
    fn default() -> Self {
        TransposeParams {
            dims: Dims::Two,
            stride: [1, 1],
            padding: [0, 0],
            output_padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
        }
    }
}

/// Every size of a direct convolution, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvGeometry {
    /// The parameters these sizes were computed from.
    pub params: ConvParams,
    /// `C`: input channels.
    pub in_channels: usize,
    /// `F`: output channels (filters).
    pub out_channels: usize,
    /// `C / groups`: channels each filter sees.
    pub in_per_group: usize,
    /// `F / groups`: filters in each group.
    pub out_per_group: usize,
    /// `[H, W]` of the input.
    pub input: [usize; 2],
    /// `[KH, KW]` of the kernel.
    pub kernel: [usize; 2],
    /// `[d(KH-1)+1, d(KW-1)+1]`: cells the dilated kernel covers.
    pub span: [usize; 2],
    /// `[H+2ph, W+2pw]`.
    pub padded: [usize; 2],
    /// `[OH, OW]`: `floor((H + 2p - d(k-1) - 1)/s) + 1` per axis.
    pub output: [usize; 2],
}

fn check_positive(values: [usize; 2], name: &'static str, field: Field) -> Result<(), ConvError> {
    for (axis, &v) in values.iter().enumerate() {
        if v == 0 {
            return Err(ConvError::ZeroParameter { name, field, axis: axis_name(axis) });
        }
    }
    Ok(())
}

fn check_nonempty(shape: &[usize], name: &'static str, field: Field) -> Result<(), ConvError> {
    if shape.contains(&0) {
        return Err(ConvError::EmptyTensor { name, field, shape: shape.to_vec() });
    }
    Ok(())
}

fn check_groups(groups: usize, in_channels: usize, out_channels: usize) -> Result<(), ConvError> {
    if groups == 0 {
        return Err(ConvError::ZeroGroups);
    }
    if !in_channels.is_multiple_of(groups) {
        return Err(ConvError::GroupsDivide { groups, what: "in_channels", count: in_channels });
    }
    if !out_channels.is_multiple_of(groups) {
        return Err(ConvError::GroupsDivide { groups, what: "out_channels", count: out_channels });
    }
    Ok(())
}

fn check_one_d(dims: Dims, height: usize, name: &'static str, field: Field) -> Result<(), ConvError> {
    if dims == Dims::One && height != 1 {
        return Err(ConvError::NotOneD { name, field, height });
    }
    Ok(())
}

/// `d * (k - 1) + 1`, the cells a dilated kernel axis covers.
pub fn dilated_span(kernel: usize, dilation: usize) -> Result<usize, ConvError> {
    kernel
        .checked_sub(1)
        .and_then(|k| k.checked_mul(dilation))
        .and_then(|k| k.checked_add(1))
        .ok_or(ConvError::Overflow { what: "kernel span" })
}

/// `floor((n + 2p - d(k-1) - 1)/s) + 1`, or `None` when the kernel does not fit.
pub fn conv_output_size(n: usize, kernel: usize, stride: usize, padding: usize, dilation: usize) -> Option<usize> {
    let padded = padding.checked_mul(2)?.checked_add(n)?;
    let span = dilated_span(kernel, dilation).ok()?;
    Some(padded.checked_sub(span)?.checked_div(stride)? + 1)
}

/// `(n-1)s - 2p + d(k-1) + output_padding + 1`, or `None` when it is not positive.
pub fn transposed_output_size(
    n: usize,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    output_padding: usize,
) -> Option<usize> {
    let full = n.checked_sub(1)?.checked_mul(stride)?.checked_add(dilated_span(kernel, dilation).ok()?)?;
    let out = full.checked_add(output_padding)?.checked_sub(padding.checked_mul(2)?)?;
    (out > 0).then_some(out)
}

impl ConvParams {
    /// Validates the parameters against an input of shape `(C, H, W)` and a
    /// weight of shape `(F, C/groups, KH, KW)`, and computes every size.
    pub fn geometry(&self, input: [usize; 3], weight: [usize; 4]) -> Result<ConvGeometry, ConvError> {
        let dims = self.dims;
        check_positive(self.stride, "stride", Field::Stride)?;
        check_positive(self.dilation, "dilation", Field::Dilation)?;
        check_nonempty(&input, "input", Field::Input)?;
        check_nonempty(&weight, "weight", Field::Weight)?;
        check_one_d(dims, input[1], "input", Field::Input)?;
        check_one_d(dims, weight[2], "weight", Field::Weight)?;
        let [in_channels, h, w] = input;
        let [out_channels, weight_channels, kh, kw] = weight;
        check_groups(self.groups, in_channels, out_channels)?;
        let in_per_group = in_channels / self.groups;
        if weight_channels != in_per_group {
            return Err(ConvError::WeightChannels {
                weight_channels,
                in_channels,
                groups: self.groups,
                expected: in_per_group,
            });
        }
        let mut span = [0; 2];
        let mut padded = [0; 2];
        let mut output = [0; 2];
        for axis in 0..2 {
            let n = [h, w][axis];
            let k = [kh, kw][axis];
            let p = self.padding[axis];
            span[axis] = dilated_span(k, self.dilation[axis])?;
            padded[axis] = p
                .checked_mul(2)
                .and_then(|p2| p2.checked_add(n))
                .ok_or(ConvError::Overflow { what: "padded input size" })?;
            match self.padding_mode {
                PaddingMode::Reflect if p >= n => {
                    return Err(ConvError::ReflectPadding { padding: p, size: n, axis: axis_name(axis) });
                }
                PaddingMode::Circular if p > n => {
                    return Err(ConvError::CircularPadding { padding: p, size: n, axis: axis_name(axis) });
                }
                _ => {}
            }
        }
        for axis in 0..2 {
            let Some(room) = padded[axis].checked_sub(span[axis]) else {
                return Err(ConvError::KernelTooLarge {
                    kernel: Extent { dims, hw: [kh, kw] },
                    dilation: PerAxis { dims, hw: self.dilation },
                    span: Extent { dims, hw: span },
                    padded: Extent { dims, hw: padded },
                });
            };
            output[axis] = room / self.stride[axis] + 1;
        }
        Ok(ConvGeometry {
            params: *self,
            in_channels,
            out_channels,
            in_per_group,
            out_per_group: out_channels / self.groups,
            input: [h, w],
            kernel: [kh, kw],
            span,
            padded,
            output,
        })
    }
}

impl ConvGeometry {
    /// `(F, OH, OW)`.
    pub fn output_shape(&self) -> [usize; 3] {
        [self.out_channels, self.output[0], self.output[1]]
    }

    /// Number of sliding-window steps: one per output cell, `F * OH * OW`.
    pub fn steps(&self) -> usize {
        self.out_channels * self.output[0] * self.output[1]
    }

    /// The step that computes output cell `(f, i, j)`: steps run over the
    /// output in row-major order, filter by filter.
    pub fn step_of(&self, out_index: [usize; 3]) -> Option<usize> {
        let [f, i, j] = out_index;
        (f < self.out_channels && i < self.output[0] && j < self.output[1])
            .then(|| (f * self.output[0] + i) * self.output[1] + j)
    }

    /// The output cell `(f, i, j)` computed at `step` (inverse of [`Self::step_of`]).
    pub fn out_index_of(&self, step: usize) -> Option<[usize; 3]> {
        (step < self.steps()).then(|| {
            let per_map = self.output[0] * self.output[1];
            [step / per_map, (step % per_map) / self.output[1], step % self.output[1]]
        })
    }

    /// Group of filter `f`.
    pub fn group_of_filter(&self, f: usize) -> usize {
        f / self.out_per_group
    }

    /// The kernel tap `(ki, kj)` of the weight that multiplies window cell
    /// `(ti, tj)`: the same cell for cross-correlation, rotated by 180 degrees
    /// when `flip` is set.
    pub fn weight_tap(&self, tap: [usize; 2]) -> [usize; 2] {
        if self.params.flip { [self.kernel[0] - 1 - tap[0], self.kernel[1] - 1 - tap[1]] } else { tap }
    }

    /// Terms of one output cell's sum: `C/groups * KH * KW`.
    pub fn terms_per_step(&self) -> usize {
        self.in_per_group * self.kernel[0] * self.kernel[1]
    }
}

/// Every size of a transposed convolution, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TransposeGeometry {
    /// The parameters these sizes were computed from.
    pub params: TransposeParams,
    /// `C`: channels of the transposed convolution's input.
    pub in_channels: usize,
    /// `F`: channels of its output, `weight.shape[1] * groups`.
    pub out_channels: usize,
    /// `C / groups`: input channels in each group.
    pub in_per_group: usize,
    /// `F / groups` (`weight.shape[1]`): output channels in each group.
    pub out_per_group: usize,
    /// `[H, W]` of the input.
    pub input: [usize; 2],
    /// `[KH, KW]` of the kernel.
    pub kernel: [usize; 2],
    /// `[d(KH-1)+1, d(KW-1)+1]`: cells one dilated kernel copy covers.
    pub span: [usize; 2],
    /// `[(H-1)s + d(k-1) + 1, ...]`: the uncropped result of placing every scaled kernel copy.
    pub full: [usize; 2],
    /// The grid drawn for the scatter view: the full result, plus the rows and
    /// columns that `output_padding` adds beyond it when it exceeds `padding`.
    pub canvas: [usize; 2],
    /// `[(H-1)s - 2p + d(k-1) + output_padding + 1, ...]`.
    pub output: [usize; 2],
}

impl TransposeParams {
    /// Validates against an input `(C, H, W)` and a weight `(C, F/groups, KH, KW)`.
    pub fn geometry(&self, input: [usize; 3], weight: [usize; 4]) -> Result<TransposeGeometry, ConvError> {
        let dims = self.dims;
        check_positive(self.stride, "stride", Field::Stride)?;
        check_positive(self.dilation, "dilation", Field::Dilation)?;
        check_nonempty(&input, "input", Field::Input)?;
        check_nonempty(&weight, "weight", Field::Weight)?;
        check_one_d(dims, input[1], "input", Field::Input)?;
        check_one_d(dims, weight[2], "weight", Field::Weight)?;
        let [in_channels, h, w] = input;
        let [weight_in, out_per_group, kh, kw] = weight;
        if self.groups == 0 {
            return Err(ConvError::ZeroGroups);
        }
        if !in_channels.is_multiple_of(self.groups) {
            return Err(ConvError::GroupsDivide { groups: self.groups, what: "in_channels", count: in_channels });
        }
        if weight_in != in_channels {
            return Err(ConvError::WeightChannels {
                weight_channels: weight_in,
                in_channels,
                groups: 1,
                expected: in_channels,
            });
        }
        let out_channels =
            out_per_group.checked_mul(self.groups).ok_or(ConvError::Overflow { what: "output channels" })?;
        let mut span = [0; 2];
        let mut full = [0; 2];
        let mut canvas = [0; 2];
        let mut output = [0; 2];
        for axis in 0..2 {
            let (s, d, p, op) = (self.stride[axis], self.dilation[axis], self.padding[axis], self.output_padding[axis]);
            if op >= s && op >= d {
                return Err(ConvError::OutputPadding {
                    output_padding: op,
                    stride: s,
                    dilation: d,
                    axis: axis_name(axis),
                });
            }
            let n = [h, w][axis];
            span[axis] = dilated_span([kh, kw][axis], d)?;
            full[axis] = (n - 1)
                .checked_mul(s)
                .and_then(|v| v.checked_add(span[axis]))
                .ok_or(ConvError::Overflow { what: "transposed output size" })?;
            let kept = full[axis].checked_add(op).and_then(|v| v.checked_sub(p.saturating_mul(2)));
            match kept {
                Some(out) if out > 0 => output[axis] = out,
                _ => {
                    return Err(ConvError::TransposedEmpty {
                        padding: p,
                        full: full[axis],
                        output_padding: op,
                        axis: axis_name(axis),
                    });
                }
            }
            canvas[axis] = full[axis] + op.saturating_sub(p);
        }
        if dims == Dims::One && self.padding[0] != 0 {
            return Err(ConvError::NotOneD { name: "padding", field: Field::Padding, height: self.padding[0] });
        }
        if dims == Dims::One && self.output_padding[0] != 0 {
            return Err(ConvError::NotOneD {
                name: "output_padding",
                field: Field::OutputPadding,
                height: self.output_padding[0],
            });
        }
        Ok(TransposeGeometry {
            params: *self,
            in_channels,
            out_channels,
            in_per_group: in_channels / self.groups,
            out_per_group,
            input: [h, w],
            kernel: [kh, kw],
            span,
            full,
            canvas,
            output,
        })
    }
}

impl TransposeGeometry {
    /// `(F, OH, OW)`.
    pub fn output_shape(&self) -> [usize; 3] {
        [self.out_channels, self.output[0], self.output[1]]
    }

    /// Scatter steps: one per input cell `(c, i, j)`, in row-major order.
    pub fn steps(&self) -> usize {
        self.in_channels * self.input[0] * self.input[1]
    }

    /// The input cell `(c, i, j)` scattered at `step`.
    pub fn in_index_of(&self, step: usize) -> Option<[usize; 3]> {
        (step < self.steps()).then(|| {
            let per_map = self.input[0] * self.input[1];
            [step / per_map, (step % per_map) / self.input[1], step % self.input[1]]
        })
    }

    /// Step that scatters input cell `(c, i, j)`.
    pub fn step_of(&self, in_index: [usize; 3]) -> Option<usize> {
        let [c, i, j] = in_index;
        (c < self.in_channels && i < self.input[0] && j < self.input[1])
            .then(|| (c * self.input[0] + i) * self.input[1] + j)
    }

    /// Canvas position `[y, x]` (uncropped) where input cell `(i, j)` places kernel tap `(ki, kj)`:
    /// `(i*s + ki*d, j*s + kj*d)`.
    pub fn canvas_pos(&self, in_pos: [usize; 2], tap: [usize; 2]) -> [usize; 2] {
        let p = &self.params;
        [in_pos[0] * p.stride[0] + tap[0] * p.dilation[0], in_pos[1] * p.stride[1] + tap[1] * p.dilation[1]]
    }

    /// The output cell `(oi, oj)` at canvas position `pos`, or `None` when padding crops it.
    pub fn crop(&self, pos: [usize; 2]) -> Option<[usize; 2]> {
        let oi = pos[0].checked_sub(self.params.padding[0]).filter(|&v| v < self.output[0])?;
        let oj = pos[1].checked_sub(self.params.padding[1]).filter(|&v| v < self.output[1])?;
        Some([oi, oj])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_2d_geometry() -> Result<(), ConvError> {
        // seeds/000: 5x5 input, 3x3 kernel, stride 1, no padding -> 3x3.
        let g = ConvParams::default().geometry([1, 5, 5], [1, 1, 3, 3])?;
        assert_eq!(g.output, [3, 3]);
        assert_eq!(g.step_of([0, 1, 2]), Some(5));
        assert_eq!(g.out_index_of(5), Some([0, 1, 2]));
        Ok(())
    }

    #[test]
    fn seed_nchw_geometry() -> Result<(), ConvError> {
        // seeds/001: 32x32x3 input, one 5x5x3 filter, padding 2, stride 1 -> 32x32.
        let params = ConvParams { padding: [2, 2], ..Default::default() };
        let g = params.geometry([3, 32, 32], [1, 3, 5, 5])?;
        assert_eq!(g.output_shape(), [1, 32, 32]);
        Ok(())
    }

    #[test]
    fn kernel_too_large_names_the_numbers() {
        let params = ConvParams { dilation: [2, 2], ..Default::default() };
        let err = params.geometry([1, 4, 4], [1, 1, 3, 3]).unwrap_err();
        assert_eq!(err.to_string(), "kernel 3x3 with dilation 2 spans 5x5, larger than the padded input 4x4");
        assert_eq!(err.field(), Field::Dilation);
    }

    #[test]
    fn rule_messages() {
        let params = ConvParams { groups: 2, ..Default::default() };
        assert_eq!(
            params.geometry([3, 4, 4], [2, 1, 3, 3]).unwrap_err().to_string(),
            "groups 2 must divide in_channels 3"
        );
        let params = ConvParams { padding: [3, 3], padding_mode: PaddingMode::Reflect, ..Default::default() };
        assert_eq!(
            params.geometry([1, 3, 3], [1, 1, 3, 3]).unwrap_err().to_string(),
            "reflect padding 3 needs input size > 3, but the height is 3"
        );
        let params = TransposeParams { output_padding: [2, 2], ..Default::default() };
        assert_eq!(
            params.geometry([1, 3, 3], [1, 1, 3, 3]).unwrap_err().to_string(),
            "output_padding 2 must be smaller than stride 1 or dilation 1 (on the height axis)"
        );
    }

    #[test]
    fn huge_numbers_are_errors_not_panics() {
        let params = ConvParams { padding: [usize::MAX, 0], ..Default::default() };
        assert!(params.geometry([1, 3, 3], [1, 1, 3, 3]).is_err());
        let params = ConvParams { dilation: [usize::MAX, 1], ..Default::default() };
        assert!(params.geometry([1, 3, 3], [1, 1, 3, 3]).is_err());
        let params = TransposeParams { stride: [usize::MAX, 1], ..Default::default() };
        assert!(params.geometry([1, 3, 3], [1, 1, 3, 3]).is_err());
        assert_eq!(conv_output_size(3, 5, 1, 0, 1), None);
        assert_eq!(transposed_output_size(1, 1, 1, 1, 1, 0), None);
    }

    #[test]
    fn transposed_seed_sizes() -> Result<(), ConvError> {
        // seeds/001: 2x2 input, 3x3 kernel, stride 2, pad 1 -> (2-1)*2 - 2 + 3 = 3
        // (the seed claims 4x4; PyTorch needs output_padding=1 for that).
        let params = TransposeParams { stride: [2, 2], padding: [1, 1], ..Default::default() };
        let g = params.geometry([1, 2, 2], [1, 1, 3, 3])?;
        assert_eq!(g.output, [3, 3]);
        let params = TransposeParams { output_padding: [1, 1], ..params };
        assert_eq!(params.geometry([1, 2, 2], [1, 1, 3, 3])?.output, [4, 4]);
        assert_eq!(transposed_output_size(2, 3, 2, 1, 1, 1), Some(4));
        Ok(())
    }
}
