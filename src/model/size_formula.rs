//! The output-size formulas, as people read them, declared once: the
//! parameters panel writes them out with the numbers, the practice question
//! gives them as its hint, the transposed view works the full canvas out.
//! The sizes themselves are the core's (`conv::params`); these only show
//! how they come about.

use crate::conv::params::same_padding;
use crate::conv::{Dims, Hyper, PaddingRule, TransposeGeometry};

/// A direct convolution's output size along one axis (PyTorch's `Conv2d` docs).
pub const DIRECT: &str = "floor((n + 2p - d(k-1) - 1) / s) + 1";
/// A transposed convolution's output size along one axis (PyTorch's `ConvTranspose2d` docs).
pub const TRANSPOSED: &str = "(n-1)s - 2p + d(k-1) + output_padding + 1";
/// A transposed convolution's canvas along one axis: where every kernel copy
/// lands, before padding crops it and output_padding adds to it.
pub const CANVAS: &str = "(n-1)s + d(k-1) + 1";
/// What the letters stand for.
pub const LEGEND: &str = "n is the input size, k the kernel size, s the stride, p the padding and d the dilation";

/// The numbers one spatial axis's output size depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub n: usize,
    pub k: usize,
    pub stride: usize,
    /// Cells before the input (what "same" or "valid" chose, or the number given).
    pub padding: usize,
    /// Cells after it: `padding`, or one more where "same" has an odd total.
    pub padding_after: usize,
    pub dilation: usize,
    pub output_padding: usize,
}

impl Axis {
    /// Axis `axis` (0: height, 1: width) of an input `[H, W]` and kernel `[KH, KW]`.
    pub fn of(input: [usize; 2], kernel: [usize; 2], hyper: &Hyper, axis: usize) -> Axis {
        let [padding, padding_after] = match hyper.padding_rule {
            PaddingRule::Explicit => [hyper.padding[axis]; 2],
            // An overflowing span is the core's error to report; the formula shows no padding.
            PaddingRule::Same => same_padding(kernel[axis], hyper.dilation[axis]).unwrap_or_default(),
            PaddingRule::Valid => [0, 0],
        };
        Axis {
            n: input[axis],
            k: kernel[axis],
            stride: hyper.stride[axis],
            padding,
            padding_after,
            dilation: hyper.dilation[axis],
            output_padding: hyper.output_padding[axis],
        }
    }

    /// [`DIRECT`] with the numbers put in: `floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1`.
    /// With uneven "same" padding the two sides are added instead: `floor((5 + 1 + 2 - ...`.
    pub fn direct(&self) -> String {
        let Axis { n, k, stride: s, padding: p, padding_after: q, dilation: d, .. } = *self;
        let pads = if p == q { format!("2*{p}") } else { format!("{p} + {q}") };
        format!("floor(({n} + {pads} - {d}*({k}-1) - 1) / {s}) + 1")
    }

    /// What `padding='same'` chose on this axis, with the numbers:
    /// `same: total 1·(4 − 1) = 3, 1 before and 2 after`.
    pub fn same(&self) -> String {
        let Axis { k, padding: p, padding_after: q, dilation: d, .. } = *self;
        format!("same: total {d}\u{b7}({k} \u{2212} 1) = {}, {p} before and {q} after", p + q)
    }

    /// [`TRANSPOSED`] with the numbers put in: `(2-1)*2 - 2*1 + 1*(3-1) + 1 + 1`.
    pub fn transposed(&self) -> String {
        let Axis { n, k, stride: s, padding: p, dilation: d, output_padding: op, .. } = *self;
        format!("({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1")
    }

    /// The transposed convolution's full canvas, before padding crops it:
    /// `(2-1)*2 + 1*(3-1) + 1`.
    pub fn full_canvas(&self) -> String {
        let Axis { n, k, stride: s, dilation: d, .. } = *self;
        format!("({n}-1)*{s} + {d}*({k}-1) + 1")
    }
}

/// The transposed output size worked out per axis (1D: the width only):
/// `width: full (W-1)s + d(k-1) + 1 = (2-1)*2 + 1*(3-1) + 1 = 5, minus 2p = 2, plus output_padding 1 = 4`.
pub fn transposed_lines(g: &TransposeGeometry) -> Vec<String> {
    let axes: &[(usize, &str, &str)] =
        if g.dims == Dims::Two { &[(0, "height", "H"), (1, "width", "W")] } else { &[(1, "width", "W")] };
    axes.iter()
        .map(|&(a, name, letter)| {
            let axis = Axis::of(g.input, g.kernel, &g.params, a);
            format!(
                "{name}: full ({letter}-1)s + d(k-1) + 1 = {} = {}, minus 2p = {}, plus output_padding {} = {}",
                axis.full_canvas(),
                g.full[a],
                2 * axis.padding,
                axis.output_padding,
                g.output[a]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::{Op, Problem, Transposed};
    use ndarray::{Array1, Array3, Array4};

    #[test]
    fn same_shows_the_cells_it_chose() {
        // Conv2d(padding='same') with a kernel of 4 and dilation 1: 3 cells, 1 before, 2 after
        // (torch pads the odd cell at the end), so a 5-wide input stays 5 wide.
        let hyper = Hyper { padding_rule: PaddingRule::Same, padding: [7, 7], ..Hyper::default() };
        let a = Axis::of([5, 5], [4, 4], &hyper, 1);
        assert_eq!(a.same(), "same: total 1\u{b7}(4 \u{2212} 1) = 3, 1 before and 2 after");
        assert_eq!(a.direct(), "floor((5 + 1 + 2 - 1*(4-1) - 1) / 1) + 1");
        let dilated = Hyper { dilation: [2, 2], ..hyper };
        assert_eq!(Axis::of([5, 5], [3, 3], &dilated, 0).direct(), "floor((5 + 2*2 - 2*(3-1) - 1) / 1) + 1");
        let valid = Hyper { padding_rule: PaddingRule::Valid, ..hyper };
        assert_eq!(Axis::of([5, 5], [4, 4], &valid, 0).direct(), "floor((5 + 2*0 - 1*(4-1) - 1) / 1) + 1");
    }

    /// Each formula, evaluated by hand from its own text's numbers, equals
    /// the core's size: the text shows the arithmetic the core did.
    #[test]
    fn formulas_with_numbers_evaluate_to_the_cores_sizes() -> Result<(), crate::conv::ConvError> {
        let hyper =
            Hyper { stride: [2, 2], padding: [1, 1], dilation: [1, 2], output_padding: [1, 0], ..Hyper::default() };
        let a = Axis::of([5, 2], [3, 3], &hyper, 0);
        assert_eq!(a.direct(), "floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1");
        // floor((5 + 2 - 2 - 1) / 2) + 1 = 3: conv2d on a 5-row input, kernel 3, stride 2, padding 1.
        // conv_transpose1d: input width 2, kernel 3, stride 2, padding 1, output_padding 1.
        let problem = Problem {
            op: Op::ConvTranspose1d,
            input: Array3::from_shape_vec((1, 1, 2), vec![1.0, 2.0]).expect("shape"),
            weight: Array4::ones((1, 1, 1, 3)),
            bias: Some(Array1::zeros(1)),
            hyper: Hyper { stride: [1, 2], padding: [0, 1], output_padding: [0, 1], ..Hyper::default() },
            grad_output: None,
        };
        let t = Transposed::new(&problem)?;
        assert_eq!(
            transposed_lines(&t.geometry),
            vec![
                "width: full (W-1)s + d(k-1) + 1 = (2-1)*2 + 1*(3-1) + 1 = 5, minus 2p = 2, plus output_padding 1 = 4"
            ]
        );
        let w = Axis::of(t.geometry.input, t.geometry.kernel, &t.geometry.params, 1);
        assert_eq!(w.transposed(), "(2-1)*2 - 2*1 + 1*(3-1) + 1 + 1");
        // (2-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 2 - 2 + 2 + 1 + 1 = 4, and PyTorch's output has 4 cells.
        assert_eq!(t.geometry.output[1], 4);
        Ok(())
    }
}
