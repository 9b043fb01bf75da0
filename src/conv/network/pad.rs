//! A padding layer, `F.pad(x, pad, mode, value)`, one example without a
//! batch axis: input `(C, H, W)`, output `(C, top + H + bottom, left + W + right)`.
//! Unlike a convolution's padding, each side has its own amount (causal and
//! TensorFlow-"SAME"-style padding).

use ndarray::Array3;

use crate::conv::error::{ConvError, Dims, Field};
use crate::conv::padding::source_index;
use crate::conv::params::{PaddingMode, check_padding_fits};

/// `F.pad` with per-side amounts. The mode names map to [`PaddingMode`]:
/// `"constant"` is [`PaddingMode::Zeros`] with [`Pad::value`] in the new cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pad {
    /// 1D (`(C, W)` tensors, `pad=(left, right)`) or 2D (`pad=(left, right, top, bottom)`).
    pub dims: Dims,
    /// `[left, right, top, bottom]`, `F.pad`'s order; 1D keeps top and bottom 0.
    pub amounts: [usize; 4],
    /// What the new cells hold: `value`, a mirror, the edge or the wrapped input.
    pub mode: PaddingMode,
    /// The constant of `mode="constant"` (PyTorch's default is 0); other modes ignore it.
    pub value: f64,
}

impl Default for Pad {
    /// `F.pad(x, (1, 1, 1, 1))`.
    fn default() -> Self {
        Pad { dims: Dims::Two, amounts: [1, 1, 1, 1], mode: PaddingMode::Zeros, value: 0.0 }
    }
}

impl Pad {
    /// `F.pad`'s mode name: `"constant"`, `"reflect"`, `"replicate"` or `"circular"`.
    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            PaddingMode::Zeros => "constant",
            other => other.name(),
        }
    }

    /// The mode of `F.pad`'s name (`"constant"`, `"reflect"`, `"replicate"`,
    /// `"circular"`), the inverse of [`Self::mode_name`].
    pub fn mode_of_name(name: &str) -> Option<PaddingMode> {
        if name == "constant" {
            return Some(PaddingMode::Zeros);
        }
        PaddingMode::ALL.into_iter().find(|m| *m != PaddingMode::Zeros && m.name() == name)
    }

    /// `[before, after]` along `axis` (0: rows, top and bottom; 1: columns, left and right).
    pub fn sides(&self, axis: usize) -> [usize; 2] {
        let [left, right, top, bottom] = self.amounts;
        if axis == 0 { [top, bottom] } else { [left, right] }
    }

    /// Validates against an input `(C, H, W)` and returns the output's shape,
    /// with PyTorch's limits: reflect needs each side smaller than the input
    /// size, circular at most the input size; 1D pads no rows.
    pub fn output_shape(&self, input: [usize; 3]) -> Result<[usize; 3], ConvError> {
        if input.contains(&0) {
            return Err(ConvError::EmptyTensor { name: "input", field: Field::Input, shape: input.to_vec() });
        }
        if self.dims == Dims::One {
            if input[1] != 1 {
                return Err(ConvError::NotOneD { name: "input", field: Field::Input, height: input[1] });
            }
            let [_, _, top, bottom] = self.amounts;
            if top.max(bottom) != 0 {
                return Err(ConvError::NotOneD { name: "padding", field: Field::Padding, height: top.max(bottom) });
            }
        }
        let mut out = input;
        for axis in 0..2 {
            let n = input[axis + 1];
            let [before, after] = self.sides(axis);
            check_padding_fits(self.mode, before.max(after), n, axis)?;
            out[axis + 1] = n
                .checked_add(before)
                .and_then(|v| v.checked_add(after))
                .ok_or(ConvError::Overflow { what: "padded size" })?;
        }
        Ok(out)
    }

    /// The input index that output position `q` along `axis` copies, or `None`
    /// for a cell of `value` (constant mode). `n` is the input's size on that axis.
    pub fn source_along(&self, axis: usize, q: usize, n: usize) -> Option<usize> {
        let [before, after] = self.sides(axis);
        if q >= n.saturating_add(before).saturating_add(after) {
            return None;
        }
        source_index(q, n, before, self.mode)
    }

    /// Validates and pads `input` `(C, H, W)`.
    pub fn apply(&self, input: &Array3<f64>) -> Result<Array3<f64>, ConvError> {
        let (c, h, w) = input.dim();
        let [_, oh, ow] = self.output_shape([c, h, w])?;
        let rows: Vec<Option<usize>> = (0..oh).map(|q| self.source_along(0, q, h)).collect();
        let cols: Vec<Option<usize>> = (0..ow).map(|q| self.source_along(1, q, w)).collect();
        Ok(Array3::from_shape_fn((c, oh, ow), |(ch, qi, qj)| match (rows[qi], cols[qj]) {
            (Some(i), Some(j)) => input[[ch, i, j]],
            _ => self.value,
        }))
    }
}
