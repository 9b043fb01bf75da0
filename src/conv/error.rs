//! Typed errors of the convolution core. Every message names the numbers and
//! the rule that they break, so the UI can show it beside the control as is.

use std::fmt;

use thiserror::Error;

/// Which control (or document key) caused an error; the UI marks it invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Input,
    Weight,
    Bias,
    GradOutput,
    Stride,
    Padding,
    Dilation,
    Groups,
    OutputPadding,
    PaddingMode,
}

impl Field {
    /// The configuration document's key for this field.
    pub fn key(self) -> &'static str {
        match self {
            Field::Input => "input",
            Field::Weight => "weight",
            Field::Bias => "bias",
            Field::GradOutput => "grad_output",
            Field::Stride => "stride",
            Field::Padding => "padding",
            Field::Dilation => "dilation",
            Field::Groups => "groups",
            Field::OutputPadding => "output_padding",
            Field::PaddingMode => "padding_mode",
        }
    }
}

/// Number of spatial axes of an operation: 1 (`conv1d`) or 2 (`conv2d`).
///
/// 1D problems are stored as 2D ones with height 1; this only decides how
/// sizes are written in messages ("5" instead of "1x5").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dims {
    One,
    #[default]
    Two,
}

/// A per-axis size `[height, width]` written the way the learner thinks of it:
/// `3x3` in 2D, `3` in 1D.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub dims: Dims,
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
    pub dims: Dims,
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

/// The name of spatial axis 0 (height) or 1 (width).
pub fn axis_name(axis: usize) -> &'static str {
    if axis == 0 { "height" } else { "width" }
}

/// Every way a convolution problem can be invalid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConvError {
    /// A stride or dilation of zero on some axis.
    #[error("{name} must be at least 1, got 0 on the {axis} axis")]
    ZeroParameter { name: &'static str, field: Field, axis: &'static str },

    /// `groups` is zero.
    #[error("groups must be at least 1, got 0")]
    ZeroGroups,

    /// A tensor with an axis of length zero.
    #[error("{name} has an empty axis: shape {shape:?}")]
    EmptyTensor { name: &'static str, field: Field, shape: Vec<usize> },

    /// A 1D problem whose tensors are not of height 1.
    #[error("{name} of a 1D operation must have height 1, got {height}")]
    NotOneD { name: &'static str, field: Field, height: usize },

    /// `groups` does not divide a channel count.
    #[error("groups {groups} must divide {what} {count}")]
    GroupsDivide { groups: usize, what: &'static str, count: usize },

    /// The weight's per-group channel axis does not match the input.
    #[error(
        "weight has {weight_channels} input channel(s) per group, but the input's {in_channels} channel(s) in {groups} group(s) need {expected}"
    )]
    WeightChannels { weight_channels: usize, in_channels: usize, groups: usize, expected: usize },

    /// The dilated kernel does not fit into the padded input.
    #[error("kernel {kernel} with dilation {dilation} spans {span}, larger than the padded input {padded}")]
    KernelTooLarge { kernel: Extent, dilation: PerAxis, span: Extent, padded: Extent },

    /// Reflect padding needs more input than the padding it mirrors.
    #[error("reflect padding {padding} needs input size > {padding}, but the {axis} is {size}")]
    ReflectPadding { padding: usize, size: usize, axis: &'static str },

    /// Circular padding may wrap around at most once.
    #[error("circular padding {padding} needs input size >= {padding}, but the {axis} is {size}")]
    CircularPadding { padding: usize, size: usize, axis: &'static str },

    /// PyTorch's rule for `output_padding`.
    #[error(
        "output_padding {output_padding} must be smaller than stride {stride} or dilation {dilation} (on the {axis} axis)"
    )]
    OutputPadding { output_padding: usize, stride: usize, dilation: usize, axis: &'static str },

    /// Transposed convolution whose padding crops away the whole result.
    #[error(
        "padding {padding} crops the full transposed output {full} (plus output_padding {output_padding}) to nothing on the {axis} axis"
    )]
    TransposedEmpty { padding: usize, full: usize, output_padding: usize, axis: &'static str },

    /// Bias length differs from the number of output channels.
    #[error("bias has {bias} value(s) but there are {out_channels} output channel(s)")]
    BiasLength { bias: usize, out_channels: usize },

    /// The upstream gradient does not have the output's shape.
    #[error("grad_output has shape {got:?}, but the output has shape {expected:?}")]
    GradOutputShape { expected: Vec<usize>, got: Vec<usize> },

    /// A size computation left `usize`.
    #[error("{what} overflows")]
    Overflow { what: &'static str },

    /// A size cap that keeps the page responsive.
    #[error("{what} has {count} elements, more than the limit of {limit}")]
    TooLarge { what: &'static str, count: usize, limit: usize },
}

impl ConvError {
    /// The control to mark invalid for this error.
    pub fn field(&self) -> Field {
        match self {
            ConvError::ZeroParameter { field, .. }
            | ConvError::EmptyTensor { field, .. }
            | ConvError::NotOneD { field, .. } => *field,
            ConvError::ZeroGroups | ConvError::GroupsDivide { .. } => Field::Groups,
            ConvError::WeightChannels { .. } => Field::Weight,
            // A dilated kernel that does not fit: the dilation is the likelier culprit.
            ConvError::KernelTooLarge { dilation, .. } if dilation.hw.iter().any(|&d| d > 1) => Field::Dilation,
            ConvError::KernelTooLarge { .. } => Field::Weight,
            ConvError::ReflectPadding { .. } | ConvError::CircularPadding { .. } => Field::Padding,
            ConvError::TransposedEmpty { .. } => Field::Padding,
            ConvError::OutputPadding { .. } => Field::OutputPadding,
            ConvError::BiasLength { .. } => Field::Bias,
            ConvError::GradOutputShape { .. } => Field::GradOutput,
            ConvError::Overflow { .. } | ConvError::TooLarge { .. } => Field::Input,
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
