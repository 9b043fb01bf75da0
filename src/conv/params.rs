//! Hyper-parameters of each operation and the shape arithmetic they own.
//!
//! All sizes are checked: a kernel larger than the padded input, a zero stride
//! or a channel count that groups do not divide becomes a [`ConvError`] with
//! the numbers in it, never an underflow or a panic.
//!
//! Axis order everywhere: per-axis arrays are `[height, width]`; 1D problems
//! use height 1 with padding 0 and stride/dilation 1 on the height axis.
//! The geometry owns every count the views step through and every index
//! formula between them (window position, canvas position and their inverses).

use super::error::{ConvError, Dims, Extent, Field, PerAxis, axis_name};
use super::index;
use super::padding::PaddedInput;
use ndarray::Array3;

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

/// How a direct convolution's padding amounts are chosen: PyTorch's
/// `padding` argument of `conv1d`/`conv2d`, a number (or pair) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaddingRule {
    /// The amounts in [`Hyper::padding`], the same on both sides of an axis.
    #[default]
    Explicit,
    /// `padding='same'`: `d(k-1)` cells per axis, half before (rounded down)
    /// and the rest after, so the output keeps the input's size at stride 1.
    Same,
    /// `padding='valid'`: no padding.
    Valid,
}

impl PaddingRule {
    /// The string PyTorch and the configuration document use, `None` for numbers.
    pub fn name(self) -> Option<&'static str> {
        match self {
            PaddingRule::Explicit => None,
            PaddingRule::Same => Some("same"),
            PaddingRule::Valid => Some("valid"),
        }
    }

    /// The rule named `name` (`"same"` or `"valid"`).
    pub fn from_name(name: &str) -> Option<PaddingRule> {
        [PaddingRule::Same, PaddingRule::Valid].into_iter().find(|r| r.name() == Some(name))
    }
}

/// `[before, after]` padding of one axis that `padding='same'` chooses for a
/// kernel of `kernel` taps with `dilation`: total `d(k-1)`, `total/2` before
/// and the rest after (the extra cell at the bottom/right, as PyTorch does).
pub fn same_padding(kernel: usize, dilation: usize) -> Result<[usize; 2], ConvError> {
    let total = dilated_span(kernel, dilation)? - 1;
    Ok([total / 2, total - total / 2])
}

/// The hyper-parameters of every operation: one type for the direct and the
/// transposed convolution, as PyTorch's keyword arguments.
///
/// Per-axis arrays are `[height, width]`; 1D problems keep the height axis
/// inert (stride and dilation 1, padding and output_padding 0). Which op the
/// numbers are for is the [`Problem`](super::Problem)'s business: the geometry
/// functions check that the op-specific ones (`output_padding` for transposed,
/// `padding_mode` and `flip` for direct) are left at their defaults elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hyper {
    /// Step of the window (transposed: distance between kernel copies), `[sh, sw]`, each >= 1.
    pub stride: [usize; 2],
    /// Cells added on each side (transposed: cropped from each side), `[ph, pw]`.
    /// Ignored when `padding_rule` is not `Explicit`; a [`ConvGeometry`]'s
    /// copy holds the resolved cells before the input (top, left).
    pub padding: [usize; 2],
    /// Direct only: whether `padding` is given or chosen by "same"/"valid".
    pub padding_rule: PaddingRule,
    /// Spacing between kernel taps, `[dh, dw]`, each >= 1.
    pub dilation: [usize; 2],
    /// Transposed only: extra cells kept at the bottom/right, each smaller than stride or dilation.
    pub output_padding: [usize; 2],
    /// Channel groups; must divide both channel counts.
    pub groups: usize,
    /// Direct only: what the padding cells hold.
    pub padding_mode: PaddingMode,
    /// Direct only. `true`: mathematical convolution, the kernel rotated by
    /// 180 degrees; `false` (PyTorch's behaviour): cross-correlation.
    pub flip: bool,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper {
            stride: [1, 1],
            padding: [0, 0],
            padding_rule: PaddingRule::Explicit,
            dilation: [1, 1],
            output_padding: [0, 0],
            groups: 1,
            padding_mode: PaddingMode::Zeros,
            flip: false,
        }
    }
}

/// Every size of a direct convolution, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvGeometry {
    /// 1D or 2D: only changes how sizes are written and what is validated.
    pub dims: Dims,
    /// The hyper-parameters these sizes were computed from, with `padding`
    /// resolved to the cells before the input `[top, left]` (what "same" or
    /// "valid" chose; `padding_rule` as given).
    pub params: Hyper,
    /// `[bottom, right]`: cells after the input; equal to `params.padding`
    /// except for "same" with an odd total, where it is one more.
    pub pad_after: [usize; 2],
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
    /// `[H + top + bottom, W + left + right]` (`[H+2ph, W+2pw]` unless "same" is uneven).
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

/// The checks both operations share: positive stride and dilation, non-empty
/// tensors, height 1 in 1D.
fn check_common(hyper: &Hyper, dims: Dims, input: [usize; 3], weight: [usize; 4]) -> Result<(), ConvError> {
    check_positive(hyper.stride, "stride", Field::Stride)?;
    check_positive(hyper.dilation, "dilation", Field::Dilation)?;
    check_nonempty(&input, "input", Field::Input)?;
    check_nonempty(&weight, "weight", Field::Weight)?;
    check_one_d(dims, input[1], "input", Field::Input)?;
    check_one_d(dims, weight[2], "weight", Field::Weight)
}

/// PyTorch's size rules of the copying modes for `padding` cells on one side
/// of an axis of size `n` (`axis` 0: height, 1: width): reflect mirrors without
/// repeating the edge, so it needs `padding < n`; circular wraps at most once,
/// `padding <= n`.
pub fn check_padding_fits(mode: PaddingMode, padding: usize, n: usize, axis: usize) -> Result<(), ConvError> {
    match mode {
        PaddingMode::Reflect if padding >= n => {
            Err(ConvError::ReflectPadding { padding, size: n, axis: axis_name(axis) })
        }
        PaddingMode::Circular if padding > n => {
            Err(ConvError::CircularPadding { padding, size: n, axis: axis_name(axis) })
        }
        _ => Ok(()),
    }
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

impl Hyper {
    /// Whether a direct convolution with these parameters takes `rule`:
    /// PyTorch refuses "same" with a stride above 1 (the output could not
    /// keep the input's size).
    pub fn check_padding_rule(&self, dims: Dims, rule: PaddingRule) -> Result<(), ConvError> {
        if rule == PaddingRule::Same && self.stride != [1, 1] {
            return Err(ConvError::SameStrided { stride: PerAxis { dims, hw: self.stride } });
        }
        Ok(())
    }

    /// Validates the hyper-parameters of a direct convolution against an
    /// input of shape `(C, H, W)` and a weight of shape `(F, C/groups, KH, KW)`,
    /// and computes every size.
    pub fn conv_geometry(&self, dims: Dims, input: [usize; 3], weight: [usize; 4]) -> Result<ConvGeometry, ConvError> {
        check_common(self, dims, input, weight)?;
        if self.output_padding != [0, 0] {
            return Err(ConvError::TransposedOnly { name: "output_padding", field: Field::OutputPadding });
        }
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
        self.check_padding_rule(dims, self.padding_rule)?;
        let mut span = [0; 2];
        let mut padded = [0; 2];
        let mut output = [0; 2];
        let mut before = [0; 2];
        let mut after = [0; 2];
        for axis in 0..2 {
            let n = [h, w][axis];
            let k = [kh, kw][axis];
            [before[axis], after[axis]] = match self.padding_rule {
                PaddingRule::Explicit => [self.padding[axis]; 2],
                PaddingRule::Same => same_padding(k, self.dilation[axis])?,
                PaddingRule::Valid => [0, 0],
            };
            span[axis] = dilated_span(k, self.dilation[axis])?;
            padded[axis] = before[axis]
                .checked_add(after[axis])
                .and_then(|p2| p2.checked_add(n))
                .ok_or(ConvError::Overflow { what: "padded input size" })?;
            // The after side is the larger one.
            check_padding_fits(self.padding_mode, after[axis], n, axis)?;
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
            dims,
            params: Hyper { padding: before, ..*self },
            pad_after: after,
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

    /// Validates the hyper-parameters of a transposed convolution against an
    /// input `(C, H, W)` and a weight `(C, F/groups, KH, KW)`, and computes every size.
    pub fn transposed_geometry(
        &self,
        dims: Dims,
        input: [usize; 3],
        weight: [usize; 4],
    ) -> Result<TransposeGeometry, ConvError> {
        check_common(self, dims, input, weight)?;
        if self.padding_mode != PaddingMode::Zeros {
            return Err(ConvError::TransposedPaddingMode { mode: self.padding_mode.name() });
        }
        if self.flip {
            return Err(ConvError::DirectOnly { name: "flip", field: Field::Flip });
        }
        if let Some(name) = self.padding_rule.name() {
            return Err(ConvError::StringPadding { name });
        }
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
            dims,
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

impl ConvGeometry {
    /// `(F, OH, OW)`.
    pub fn output_shape(&self) -> [usize; 3] {
        [self.out_channels, self.output[0], self.output[1]]
    }

    /// `(C, H, W)`.
    pub fn input_shape(&self) -> [usize; 3] {
        [self.in_channels, self.input[0], self.input[1]]
    }

    /// `[top, left]`: padding cells before the input on each axis.
    pub fn pad_before(&self) -> [usize; 2] {
        self.params.padding
    }

    /// Whether any padding surrounds the input (on any side).
    pub fn is_padded(&self) -> bool {
        self.padded != self.input
    }

    /// Whether some axis has more padding after the input than before it ("same", even total).
    pub fn is_uneven(&self) -> bool {
        self.pad_after != self.params.padding
    }

    /// `input` `(C, H, W)` padded as this geometry says, `(C, PH, PW)`.
    pub fn pad(&self, input: &Array3<f64>) -> PaddedInput {
        PaddedInput::new(input, self.params.padding, self.pad_after, self.params.padding_mode)
    }

    /// `(F, C/groups, KH, KW)`.
    pub fn weight_shape(&self) -> [usize; 4] {
        [self.out_channels, self.in_per_group, self.kernel[0], self.kernel[1]]
    }

    /// Number of sliding-window steps: one per output cell, `F * OH * OW`.
    pub fn steps(&self) -> usize {
        self.out_channels * self.output[0] * self.output[1]
    }

    /// The step that computes output cell `(f, i, j)`: steps run over the
    /// output in row-major order, filter by filter.
    pub fn step_of(&self, out_index: [usize; 3]) -> Option<usize> {
        index::ravel(out_index, self.output_shape())
    }

    /// The output cell `(f, i, j)` computed at `step` (inverse of [`Self::step_of`]).
    pub fn out_index_of(&self, step: usize) -> Option<[usize; 3]> {
        index::unravel(step, self.output_shape())
    }

    /// Group of filter `f`.
    pub fn group_of_filter(&self, f: usize) -> usize {
        f / self.out_per_group
    }

    /// The first input channel of filter `f`'s group.
    pub fn group_start(&self, f: usize) -> usize {
        self.group_of_filter(f) * self.in_per_group
    }

    /// The kernel tap `(ki, kj)` of the weight that multiplies window cell
    /// `(ti, tj)`: the same cell for cross-correlation, rotated by 180 degrees
    /// when `flip` is set (rotation is its own inverse, so this also maps a
    /// weight cell back to its window cell).
    pub fn weight_tap(&self, tap: [usize; 2]) -> [usize; 2] {
        if self.params.flip { [self.kernel[0] - 1 - tap[0], self.kernel[1] - 1 - tap[1]] } else { tap }
    }

    /// Position in the padded input of window tap `tap` at output position `out`:
    /// `[oi*sh + ti*dh, oj*sw + tj*dw]`.
    pub fn padded_pos(&self, out: [usize; 2], tap: [usize; 2]) -> [usize; 2] {
        let p = &self.params;
        [out[0] * p.stride[0] + tap[0] * p.dilation[0], out[1] * p.stride[1] + tap[1] * p.dilation[1]]
    }

    /// The output position whose window puts tap `tap` on padded position
    /// `pos`, if any (inverse of [`Self::padded_pos`] for a fixed tap).
    pub fn window_at(&self, pos: [usize; 2], tap: [usize; 2]) -> Option<[usize; 2]> {
        let p = &self.params;
        let mut out = [0; 2];
        for axis in 0..2 {
            let start = pos[axis].checked_sub(tap[axis] * p.dilation[axis])?;
            if !start.is_multiple_of(p.stride[axis]) || start / p.stride[axis] >= self.output[axis] {
                return None;
            }
            out[axis] = start / p.stride[axis];
        }
        Some(out)
    }

    /// Terms of one output cell's sum: `C/groups * KH * KW`.
    pub fn terms_per_step(&self) -> usize {
        self.in_per_group * self.kernel[0] * self.kernel[1]
    }

    /// Multiply-adds of the whole output: `F * OH * OW * C/groups * KH * KW`
    /// (saturating: only compared against a cap).
    pub fn products(&self) -> usize {
        self.steps().saturating_mul(self.terms_per_step())
    }
}

/// Every size of a transposed convolution, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TransposeGeometry {
    /// 1D or 2D: only changes how sizes are written and what is validated.
    pub dims: Dims,
    /// The hyper-parameters these sizes were computed from.
    pub params: Hyper,
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

impl TransposeGeometry {
    /// `(F, OH, OW)`.
    pub fn output_shape(&self) -> [usize; 3] {
        [self.out_channels, self.output[0], self.output[1]]
    }

    /// `(C, H, W)`.
    pub fn input_shape(&self) -> [usize; 3] {
        [self.in_channels, self.input[0], self.input[1]]
    }

    /// `(F, CH, CW)`: the canvas the scatter view draws.
    pub fn canvas_shape(&self) -> [usize; 3] {
        [self.out_channels, self.canvas[0], self.canvas[1]]
    }

    /// Scatter steps: one per input cell `(c, i, j)`, in row-major order.
    pub fn steps(&self) -> usize {
        self.in_channels * self.input[0] * self.input[1]
    }

    /// The input cell `(c, i, j)` scattered at `step`.
    pub fn in_index_of(&self, step: usize) -> Option<[usize; 3]> {
        index::unravel(step, self.input_shape())
    }

    /// Step that scatters input cell `(c, i, j)`.
    pub fn step_of(&self, in_index: [usize; 3]) -> Option<usize> {
        index::ravel(in_index, self.input_shape())
    }

    /// Group of input channel `c`.
    pub fn group_of_channel(&self, c: usize) -> usize {
        c / self.in_per_group
    }

    /// Canvas position `[y, x]` (uncropped) where input cell `(i, j)` places kernel tap `(ki, kj)`:
    /// `(i*s + ki*d, j*s + kj*d)`.
    pub fn canvas_pos(&self, in_pos: [usize; 2], tap: [usize; 2]) -> [usize; 2] {
        let p = &self.params;
        [in_pos[0] * p.stride[0] + tap[0] * p.dilation[0], in_pos[1] * p.stride[1] + tap[1] * p.dilation[1]]
    }

    /// The input position whose copy puts tap `tap` on canvas position `pos`,
    /// if any (inverse of [`Self::canvas_pos`] for a fixed tap).
    pub fn placer_of(&self, pos: [usize; 2], tap: [usize; 2]) -> Option<[usize; 2]> {
        let p = &self.params;
        let mut at = [0; 2];
        for axis in 0..2 {
            let start = pos[axis].checked_sub(tap[axis] * p.dilation[axis])?;
            if !start.is_multiple_of(p.stride[axis]) || start / p.stride[axis] >= self.input[axis] {
                return None;
            }
            at[axis] = start / p.stride[axis];
        }
        Some(at)
    }

    /// The output cell `(oi, oj)` at canvas position `pos`, or `None` when padding crops it.
    pub fn crop(&self, pos: [usize; 2]) -> Option<[usize; 2]> {
        let oi = pos[0].checked_sub(self.params.padding[0]).filter(|&v| v < self.output[0])?;
        let oj = pos[1].checked_sub(self.params.padding[1]).filter(|&v| v < self.output[1])?;
        Some([oi, oj])
    }

    /// Multiply-adds of the whole scatter: `C*H*W * F/groups * KH * KW` (saturating).
    pub fn products(&self) -> usize {
        self.steps().saturating_mul(self.out_per_group).saturating_mul(self.kernel[0] * self.kernel[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: Dims = Dims::Two;

    #[test]
    fn seed_2d_geometry() -> Result<(), ConvError> {
        // seeds/000: 5x5 input, 3x3 kernel, stride 1, no padding -> 3x3.
        let g = Hyper::default().conv_geometry(TWO, [1, 5, 5], [1, 1, 3, 3])?;
        assert_eq!(g.output, [3, 3]);
        assert_eq!(g.step_of([0, 1, 2]), Some(5));
        assert_eq!(g.out_index_of(5), Some([0, 1, 2]));
        assert_eq!(g.padded_pos([1, 2], [2, 0]), [3, 2]);
        assert_eq!(g.window_at([3, 2], [2, 0]), Some([1, 2]));
        assert_eq!(g.window_at([0, 0], [1, 0]), None);
        Ok(())
    }

    #[test]
    fn seed_nchw_geometry() -> Result<(), ConvError> {
        // seeds/001: 32x32x3 input, one 5x5x3 filter, padding 2, stride 1 -> 32x32.
        let params = Hyper { padding: [2, 2], ..Default::default() };
        let g = params.conv_geometry(TWO, [3, 32, 32], [1, 3, 5, 5])?;
        assert_eq!(g.output_shape(), [1, 32, 32]);
        assert_eq!(g.products(), 32 * 32 * 75);
        Ok(())
    }

    #[test]
    fn same_and_valid_resolve_per_side() -> Result<(), ConvError> {
        // padding='same' pads d(k-1) per axis, half before, the odd cell after (torch's
        // _conv_forward: F.pad(x, [left, right, top, bottom]) with right = total - left).
        assert_eq!(same_padding(3, 1)?, [1, 1]);
        assert_eq!(same_padding(4, 1)?, [1, 2]);
        assert_eq!(same_padding(2, 1)?, [0, 1]);
        assert_eq!(same_padding(3, 2)?, [2, 2]);
        assert_eq!(same_padding(2, 3)?, [1, 2]);
        let same = Hyper { padding_rule: PaddingRule::Same, padding: [9, 9], dilation: [1, 2], ..Default::default() };
        let g = same.conv_geometry(TWO, [1, 5, 6], [1, 1, 4, 2])?;
        assert_eq!((g.pad_before(), g.pad_after, g.padded, g.output), ([1, 1], [2, 1], [8, 8], [5, 6]));
        assert!(g.is_uneven());
        let valid = Hyper { padding_rule: PaddingRule::Valid, ..same };
        let g = valid.conv_geometry(TWO, [1, 5, 6], [1, 1, 4, 2])?;
        assert_eq!((g.pad_before(), g.pad_after, g.output), ([0, 0], [0, 0], [2, 4]));
        // torch: "padding='same' is not supported for strided convolutions"; marks the padding.
        let strided = Hyper { stride: [1, 2], ..same };
        let err = strided.conv_geometry(TWO, [1, 5, 6], [1, 1, 4, 2]).unwrap_err();
        assert_eq!(err.to_string(), "padding='same' is not supported for strided convolutions (stride (1, 2))");
        assert_eq!(err.field(), Field::Padding);
        assert!(Hyper { stride: [1, 2], ..valid }.conv_geometry(TWO, [1, 5, 6], [1, 1, 4, 2]).is_ok());
        // Transposed convolutions take numbers only (torch: "padding='same'" is a TypeError there).
        let err = same.transposed_geometry(TWO, [1, 2, 2], [1, 1, 3, 3]).unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.field()),
            ("padding='same' applies to conv1d and conv2d only", Field::Padding)
        );
        // Reflect needs the larger (after) side smaller than the input: kernel 4 on a 2-wide input pads 1 and 2.
        let reflect = Hyper { padding_mode: PaddingMode::Reflect, dilation: [1, 1], ..same };
        let err = reflect.conv_geometry(TWO, [1, 3, 2], [1, 1, 1, 4]).unwrap_err();
        assert_eq!(err, ConvError::ReflectPadding { padding: 2, size: 2, axis: "width" });
        Ok(())
    }

    #[test]
    fn kernel_too_large_names_the_numbers() {
        let params = Hyper { dilation: [2, 2], ..Default::default() };
        let err = params.conv_geometry(TWO, [1, 4, 4], [1, 1, 3, 3]).unwrap_err();
        assert_eq!(err.to_string(), "kernel 3x3 with dilation 2 spans 5x5, larger than the padded input 4x4");
        assert_eq!(err.field(), Field::Dilation);
    }

    #[test]
    fn rule_messages() {
        let params = Hyper { groups: 2, ..Default::default() };
        assert_eq!(
            params.conv_geometry(TWO, [3, 4, 4], [2, 1, 3, 3]).unwrap_err().to_string(),
            "groups 2 must divide in_channels 3"
        );
        let params = Hyper { padding: [3, 3], padding_mode: PaddingMode::Reflect, ..Default::default() };
        assert_eq!(
            params.conv_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).unwrap_err().to_string(),
            "reflect padding 3 needs input size > 3, but the height is 3"
        );
        let params = Hyper { output_padding: [2, 2], ..Default::default() };
        assert_eq!(
            params.transposed_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).unwrap_err().to_string(),
            "output_padding 2 must be smaller than stride 1 or dilation 1 (on the height axis)"
        );
        let err = params.conv_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).unwrap_err();
        assert_eq!(err.to_string(), "output_padding applies to conv_transpose1d and conv_transpose2d only");
        assert_eq!(err.field(), Field::OutputPadding);
        let params = Hyper { flip: true, ..Default::default() };
        let err = params.transposed_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).unwrap_err();
        assert_eq!((err.to_string().as_str(), err.field()), ("flip applies to conv1d and conv2d only", Field::Flip));
        let params = Hyper { padding_mode: PaddingMode::Circular, ..Default::default() };
        let err = params.transposed_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).unwrap_err();
        assert_eq!(err.to_string(), r#"a transposed convolution supports only padding_mode "zeros", got "circular""#);
    }

    #[test]
    fn huge_numbers_are_errors_not_panics() {
        let params = Hyper { padding: [usize::MAX, 0], ..Default::default() };
        assert!(params.conv_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).is_err());
        let params = Hyper { dilation: [usize::MAX, 1], ..Default::default() };
        assert!(params.conv_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).is_err());
        let params = Hyper { stride: [usize::MAX, 1], ..Default::default() };
        assert!(params.transposed_geometry(TWO, [1, 3, 3], [1, 1, 3, 3]).is_err());
        assert_eq!(conv_output_size(3, 5, 1, 0, 1), None);
        assert_eq!(transposed_output_size(1, 1, 1, 1, 1, 0), None);
    }

    #[test]
    fn transposed_seed_sizes() -> Result<(), ConvError> {
        // seeds/001: 2x2 input, 3x3 kernel, stride 2, pad 1 -> (2-1)*2 - 2 + 3 = 3
        // (the seed claims 4x4; PyTorch needs output_padding=1 for that).
        let params = Hyper { stride: [2, 2], padding: [1, 1], ..Default::default() };
        let g = params.transposed_geometry(TWO, [1, 2, 2], [1, 1, 3, 3])?;
        assert_eq!(g.output, [3, 3]);
        assert_eq!(g.canvas_pos([1, 0], [2, 1]), [4, 1]);
        assert_eq!(g.placer_of([4, 1], [2, 1]), Some([1, 0]));
        assert_eq!(g.placer_of([3, 1], [2, 1]), None);
        let params = Hyper { output_padding: [1, 1], ..params };
        assert_eq!(params.transposed_geometry(TWO, [1, 2, 2], [1, 1, 3, 3])?.output, [4, 4]);
        assert_eq!(transposed_output_size(2, 3, 2, 1, 1, 1), Some(4));
        Ok(())
    }
}
