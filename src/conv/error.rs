//! Typed errors of the convolution core. Every message names the numbers and
//! the rule that they break, so the UI can show it beside the control as is.

use std::fmt;

use thiserror::Error;

/// `[1, 2, 3]`, as `{:?}` writes a shape, without pulling in `Debug` formatting.
pub fn shape_list(shape: &[usize]) -> String {
    format!("[{}]", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", "))
}

/// Which control caused an error; the UI marks it invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `input`: the input tensor `(C, H, W)`.
    Input,
    /// `weight`: the kernel tensor, `(F, C/groups, KH, KW)` (transposed: `(C, F/groups, KH, KW)`).
    Weight,
    /// `bias`: one value per output channel, `(F,)`.
    Bias,
    /// `grad_output`: the upstream gradient `(F, OH, OW)` of the backprop view.
    GradOutput,
    /// `stride`: step of the window (transposed: distance between kernel copies).
    Stride,
    /// `padding`: cells added on each side (transposed: cropped from each side).
    Padding,
    /// `dilation`: spacing between kernel taps.
    Dilation,
    /// `groups`: how many channel groups the convolution is split into.
    Groups,
    /// `output_padding`: extra bottom/right cells of a transposed convolution.
    OutputPadding,
    /// `padding_mode`: what the padding cells hold.
    PaddingMode,
    /// `flip`: the kernel rotated 180 degrees (mathematical convolution).
    Flip,
}

impl Field {
    /// Every field, in declaration order (`field as usize` is its index).
    pub const ALL: [Field; 11] = [
        Field::Input,
        Field::Weight,
        Field::Bias,
        Field::GradOutput,
        Field::Stride,
        Field::Padding,
        Field::Dilation,
        Field::Groups,
        Field::OutputPadding,
        Field::PaddingMode,
        Field::Flip,
    ];
}

/// Number of spatial axes of an operation: 1 (`conv1d`) or 2 (`conv2d`).
///
/// 1D problems are stored as 2D ones with height 1; this only decides how
/// sizes are written in messages ("5" instead of "1x5").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dims {
    /// One spatial axis (`conv1d`, `conv_transpose1d`): sizes are written `5`.
    One,
    /// Two spatial axes (`conv2d`, `conv_transpose2d`): sizes are written `5x5`.
    #[default]
    Two,
}

/// A per-axis size `[height, width]` written the way the learner thinks of it:
/// `3x3` in 2D, `3` in 1D.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// 1D or 2D: whether only the width or both sizes are written.
    pub dims: Dims,
    /// `[height, width]`; in 1D the height is 1 and not written.
    pub hw: [usize; 2],
}

impl fmt::Display for Extent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dims {
            Dims::One => write!(f, "{}", self.hw[1]),
            Dims::Two => write!(f, "{}x{}", self.hw[0], self.hw[1]),
        }
    }
}

/// A per-axis hyper-parameter (stride, dilation, ...): `2` when both axes
/// agree (or in 1D), `(2, 1)` otherwise, as PyTorch accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerAxis {
    /// 1D or 2D: whether only the width value or both values are written.
    pub dims: Dims,
    /// `[height, width]` values; in 1D only the width is written.
    pub hw: [usize; 2],
}

impl fmt::Display for PerAxis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dims {
            Dims::One => write!(f, "{}", self.hw[1]),
            Dims::Two if self.hw[0] == self.hw[1] => write!(f, "{}", self.hw[0]),
            Dims::Two => write!(f, "({}, {})", self.hw[0], self.hw[1]),
        }
    }
}

/// `"1D"` or `"2D"`.
pub fn dims_name(dims: Dims) -> &'static str {
    match dims {
        Dims::One => "1D",
        Dims::Two => "2D",
    }
}

/// `" with dilation 2"`, or nothing when every dilation is 1.
fn with_dilation(dilation: &PerAxis) -> String {
    if dilation.hw.iter().all(|&d| d == 1) { String::new() } else { format!(" with dilation {dilation}") }
}

/// The name of spatial axis 0 (height) or 1 (width).
pub fn axis_name(axis: usize) -> &'static str {
    if axis == 0 { "height" } else { "width" }
}

/// Every way a convolution problem can be invalid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConvError {
    /// A stride or dilation of zero on some axis.
    #[error("{name} must be at least 1, got 0 on the {axis} axis")]
    ZeroParameter {
        /// `"stride"` or `"dilation"`: the parameter that is zero.
        name: &'static str,
        /// The control to mark: [`Field::Stride`] or [`Field::Dilation`].
        field: Field,
        /// `"height"` or `"width"`: the axis where it is zero.
        axis: &'static str,
    },

    /// `groups` is zero.
    #[error("groups must be at least 1, got 0")]
    ZeroGroups,

    /// A tensor with an axis of length zero.
    #[error("{name} has an empty axis: shape {}", shape_list(.shape))]
    EmptyTensor {
        /// `"input"` or `"weight"`: the tensor with the empty axis.
        name: &'static str,
        /// The control to mark: [`Field::Input`] or [`Field::Weight`].
        field: Field,
        /// The tensor's whole shape in 2D form, input `[C, H, W]` or weight
        /// `[F, C/groups, KH, KW]` (transposed: `[C, F/groups, KH, KW]`), with a 0 in it.
        shape: Vec<usize>,
    },

    /// A 1D problem whose tensors are not of height 1.
    #[error("{name} of a 1D operation must have height 1, got {height}")]
    NotOneD {
        /// `"input"`, `"weight"`, or `"padding"` (a transposed 1D problem with
        /// padding or output_padding on the height axis).
        name: &'static str,
        /// The control to mark: [`Field::Input`], [`Field::Weight`] or [`Field::Padding`].
        field: Field,
        /// The height found: `H` of the input, `KH` of the weight, or the
        /// height-axis padding `ph`.
        height: usize,
    },

    /// `groups` does not divide a channel count.
    #[error("groups {groups} must divide {what} {count}")]
    GroupsDivide {
        /// The `groups` setting.
        groups: usize,
        /// `"in_channels"` or `"out_channels"`: the channel count it does not divide.
        what: &'static str,
        /// That channel count: `C` or `F`.
        count: usize,
    },

    /// The weight's per-group channel axis does not match the input.
    #[error(
        "weight has {weight_channels} input channel(s) per group, but the input's {in_channels} channel(s) in {groups} group(s) need {expected}"
    )]
    WeightChannels {
        /// The weight's input-channel axis: `weight.shape[1]` for a direct
        /// convolution, `weight.shape[0]` for a transposed one.
        weight_channels: usize,
        /// `C`: the input's channel count.
        in_channels: usize,
        /// The `groups` setting (1 for a transposed convolution, whose weight
        /// lists every input channel).
        groups: usize,
        /// What the weight's axis must be: `C/groups` (direct) or `C` (transposed).
        expected: usize,
    },

    /// The dilated kernel does not fit into the padded input.
    #[error("kernel {kernel} with dilation {dilation} spans {span}, larger than the padded input {padded}")]
    KernelTooLarge {
        /// `[KH, KW]`: the kernel size.
        kernel: Extent,
        /// `[dh, dw]`: the dilation.
        dilation: PerAxis,
        /// `[d(KH-1)+1, d(KW-1)+1]`: cells the dilated kernel covers.
        span: Extent,
        /// `[H+2ph, W+2pw]`: the padded input.
        padded: Extent,
    },

    /// Reflect padding needs more input than the padding it mirrors.
    #[error("reflect padding {padding} needs input size > {padding}, but the {axis} is {size}")]
    ReflectPadding {
        /// Padding on that axis, `ph` or `pw`.
        padding: usize,
        /// The input's size on that axis, `H` or `W`; must be larger than `padding`.
        size: usize,
        /// `"height"` or `"width"`: the axis that breaks the rule.
        axis: &'static str,
    },

    /// Circular padding may wrap around at most once.
    #[error("circular padding {padding} needs input size >= {padding}, but the {axis} is {size}")]
    CircularPadding {
        /// Padding on that axis, `ph` or `pw`.
        padding: usize,
        /// The input's size on that axis, `H` or `W`; must be at least `padding`.
        size: usize,
        /// `"height"` or `"width"`: the axis that breaks the rule.
        axis: &'static str,
    },

    /// PyTorch's rule for `output_padding`.
    #[error(
        "output_padding {output_padding} must be smaller than stride {stride} or dilation {dilation} (on the {axis} axis)"
    )]
    OutputPadding {
        /// `output_padding` on that axis.
        output_padding: usize,
        /// Stride on that axis.
        stride: usize,
        /// Dilation on that axis.
        dilation: usize,
        /// `"height"` or `"width"`: the axis that breaks the rule.
        axis: &'static str,
    },

    /// Transposed convolution whose padding crops away the whole result.
    #[error(
        "padding {padding} crops the full transposed output {full} (plus output_padding {output_padding}) to nothing on the {axis} axis"
    )]
    TransposedEmpty {
        /// Padding on that axis, cropped from each side.
        padding: usize,
        /// `(n-1)s + d(k-1) + 1`: the uncropped transposed output's size on that axis.
        full: usize,
        /// `output_padding` on that axis.
        output_padding: usize,
        /// `"height"` or `"width"`: the axis that is cropped to nothing.
        axis: &'static str,
    },

    /// Bias length differs from the number of output channels.
    #[error("bias has {bias} value(s) but there are {out_channels} output channel(s)")]
    BiasLength {
        /// Number of bias values given.
        bias: usize,
        /// `F`: the number of output channels.
        out_channels: usize,
    },

    /// The upstream gradient does not have the output's shape.
    #[error("grad_output has shape {}, but the output has shape {}", shape_list(.got), shape_list(.expected))]
    GradOutputShape {
        /// `[F, OH, OW]`: the forward output's shape.
        expected: Vec<usize>,
        /// The shape of the `grad_output` given, in the same axis order.
        got: Vec<usize>,
    },

    /// A hyper-parameter only a transposed convolution has, set on a direct one.
    #[error("{name} applies to conv_transpose1d and conv_transpose2d only")]
    TransposedOnly {
        /// The parameter, e.g. `"output_padding"`.
        name: &'static str,
        /// The control to mark.
        field: Field,
    },

    /// A hyper-parameter only a direct convolution has, set on a transposed one.
    #[error("{name} applies to conv1d and conv2d only")]
    DirectOnly {
        /// The parameter, e.g. `"flip"`.
        name: &'static str,
        /// The control to mark.
        field: Field,
    },

    /// A padding mode other than zeros on a transposed convolution (PyTorch's rule).
    #[error("a transposed convolution supports only padding_mode \"zeros\", got \"{mode}\"")]
    TransposedPaddingMode {
        /// The mode's name, e.g. `"reflect"`.
        mode: &'static str,
    },

    /// The transpose of a convolution whose padding copies cells is no transposed convolution.
    #[error(
        "the transpose of a convolution with {mode} padding is not a transposed convolution (its padding copies cells): set padding_mode to zeros to see it"
    )]
    TransposeOfPadding {
        /// The padding mode's name, e.g. `"reflect"`.
        mode: &'static str,
    },

    /// `padding='same'` with a stride above 1 (PyTorch's refusal, in its words).
    #[error("padding='same' is not supported for strided convolutions (stride {stride})")]
    SameStrided {
        /// `[sh, sw]`: the stride given.
        stride: PerAxis,
    },

    /// A string padding on a transposed convolution, which PyTorch takes only as numbers.
    #[error("padding='{name}' applies to conv1d and conv2d only")]
    StringPadding {
        /// `"same"` or `"valid"`.
        name: &'static str,
    },

    /// The transpose of a convolution padded more after the input than before it.
    #[error(
        "the transpose of a convolution padded unevenly ({before} before, {after} after on the {axis} axis) is not a transposed convolution: use an odd kernel or numeric padding to see it"
    )]
    TransposeOfUneven {
        /// Cells before the input on that axis.
        before: usize,
        /// Cells after it.
        after: usize,
        /// `"height"` or `"width"`.
        axis: &'static str,
    },

    /// A result asked of the wrong operation (e.g. gradients of a transposed convolution).
    #[error("this is not shown for {op}")]
    WrongOp {
        /// The problem's operation, e.g. `"conv_transpose2d"`.
        op: &'static str,
    },

    /// A pooling layer's padding beyond PyTorch's limit: at most half the
    /// kernel size, whatever the dilation.
    #[error("{op} padding {padding} must be at most half of kernel {kernel}, so at most {limit}")]
    PoolPadding {
        /// `"max_pool2d"`, `"avg_pool1d"`, ...: the layer's PyTorch name.
        op: &'static str,
        /// `[ph, pw]`: the padding given.
        padding: PerAxis,
        /// `[KH, KW]`: the kernel size.
        kernel: Extent,
        /// `[floor(KH/2), floor(KW/2)]`: the largest padding allowed.
        limit: PerAxis,
    },

    /// A pooling window larger than the padded input: PyTorch's "Output size is too small".
    #[error("{op} kernel {kernel}{} spans {span} but padded input is {padded}", with_dilation(.dilation))]
    PoolTooLarge {
        /// `"max_pool2d"`, `"avg_pool1d"`, ...: the layer's PyTorch name.
        op: &'static str,
        /// `[KH, KW]`: the pooling window's size.
        kernel: Extent,
        /// `[dh, dw]`: the dilation (1 for average pooling).
        dilation: PerAxis,
        /// `[d(KH-1)+1, d(KW-1)+1]`: cells one window covers.
        span: Extent,
        /// `[H+2ph, W+2pw]`: the padded input.
        padded: Extent,
    },

    /// A keyword argument the operation does not take (`dilation` of average pooling).
    #[error("{op} takes no {name}")]
    NoSuchOption {
        /// The operation, e.g. `"avg_pool2d"`.
        op: &'static str,
        /// The argument, e.g. `"dilation"`.
        name: &'static str,
        /// The control to mark.
        field: Field,
    },

    /// A layer whose number of spatial axes differs from the network's input.
    #[error("a {} layer ({op}) on a {} input", dims_name(*.layer), dims_name(*.input))]
    LayerDims {
        /// The layer's PyTorch name, e.g. `"conv2d"`.
        op: &'static str,
        /// The layer's number of spatial axes.
        layer: Dims,
        /// The input's number of spatial axes.
        input: Dims,
    },

    /// A convolution layer whose weight expects other input channels than the layer before gives.
    #[error("{op} expects {expected} input channels (weight {}) but its input has {got}", shape_list(.weight))]
    LayerChannels {
        /// The layer's PyTorch name, e.g. `"conv2d"`.
        op: &'static str,
        /// `C/groups * groups` (direct) or `weight.shape[0]` (transposed): the channels the weight takes.
        expected: usize,
        /// The weight's shape, `[F, C/groups, KH, KW]` (transposed: `[C, F/groups, KH, KW]`).
        weight: Vec<usize>,
        /// `C`: the channels of the layer's input (the previous layer's output).
        got: usize,
    },

    /// A size computation left `usize`.
    #[error("{what} overflows")]
    Overflow {
        /// The size being computed, such as `"padded input size"`.
        what: &'static str,
    },

    /// A size cap that keeps the page responsive.
    #[error("{what} has {count} elements, more than the limit of {limit}")]
    TooLarge {
        /// What would be built, such as `"the matrix form"`.
        what: &'static str,
        /// Its number of elements.
        count: usize,
        /// The cap it exceeds.
        limit: usize,
    },
}

impl ConvError {
    /// The control to mark invalid for this error.
    pub fn field(&self) -> Field {
        match self {
            ConvError::ZeroParameter { field, .. }
            | ConvError::EmptyTensor { field, .. }
            | ConvError::NotOneD { field, .. }
            | ConvError::TransposedOnly { field, .. }
            | ConvError::DirectOnly { field, .. } => *field,
            ConvError::TransposedPaddingMode { .. } | ConvError::TransposeOfPadding { .. } => Field::PaddingMode,
            ConvError::ZeroGroups | ConvError::GroupsDivide { .. } => Field::Groups,
            ConvError::WeightChannels { .. } => Field::Weight,
            // A dilated kernel that does not fit: the dilation is the likelier culprit.
            ConvError::KernelTooLarge { dilation, .. } if dilation.hw.iter().any(|&d| d > 1) => Field::Dilation,
            ConvError::KernelTooLarge { .. } => Field::Weight,
            ConvError::ReflectPadding { .. } | ConvError::CircularPadding { .. } => Field::Padding,
            ConvError::PoolPadding { .. } => Field::Padding,
            ConvError::PoolTooLarge { dilation, .. } if dilation.hw.iter().any(|&d| d > 1) => Field::Dilation,
            ConvError::PoolTooLarge { .. } | ConvError::LayerChannels { .. } => Field::Weight,
            ConvError::NoSuchOption { field, .. } => *field,
            ConvError::LayerDims { .. } => Field::Input,
            ConvError::TransposedEmpty { .. } => Field::Padding,
            ConvError::SameStrided { .. } | ConvError::StringPadding { .. } | ConvError::TransposeOfUneven { .. } => {
                Field::Padding
            }
            ConvError::OutputPadding { .. } => Field::OutputPadding,
            ConvError::BiasLength { .. } => Field::Bias,
            ConvError::GradOutputShape { .. } => Field::GradOutput,
            ConvError::Overflow { .. } | ConvError::TooLarge { .. } | ConvError::WrongOp { .. } => Field::Input,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_the_numbers() {
        let err = ConvError::KernelTooLarge {
            kernel: Extent { dims: Dims::Two, hw: [3, 3] },
            dilation: PerAxis { dims: Dims::Two, hw: [2, 2] },
            span: Extent { dims: Dims::Two, hw: [5, 5] },
            padded: Extent { dims: Dims::Two, hw: [4, 4] },
        };
        assert_eq!(err.to_string(), "kernel 3x3 with dilation 2 spans 5x5, larger than the padded input 4x4");
        let err = ConvError::GroupsDivide { groups: 2, what: "in_channels", count: 3 };
        assert_eq!(err.to_string(), "groups 2 must divide in_channels 3");
        let per_axis = PerAxis { dims: Dims::Two, hw: [2, 1] };
        assert_eq!(per_axis.to_string(), "(2, 1)");
        let one_d = Extent { dims: Dims::One, hw: [1, 7] };
        assert_eq!(one_d.to_string(), "7");
    }
}
