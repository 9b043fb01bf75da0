//! The output-size formulas, as people read them, declared once: the
//! parameters panel writes them out with the numbers, the practice question
//! gives them as its hint, the transposed view works the full canvas out.
//! The sizes themselves are the core's (`conv::params`); these only show
//! how they come about.

use crate::conv::{Dims, Hyper, TransposeGeometry};

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
    pub padding: usize,
    pub dilation: usize,
    pub output_padding: usize,
}

impl Axis {
    /// Axis `axis` (0: height, 1: width) of an input `[H, W]` and kernel `[KH, KW]`.
    pub fn of(input: [usize; 2], kernel: [usize; 2], hyper: &Hyper, axis: usize) -> Axis {
        Axis {
            n: input[axis],
            k: kernel[axis],
            stride: hyper.stride[axis],
            padding: hyper.padding[axis],
            dilation: hyper.dilation[axis],
            output_padding: hyper.output_padding[axis],
        }
    }

    /// [`DIRECT`] with the numbers put in: `floor((5 + 2*1 - 1*(3-1) - 1) / 2) + 1`.
    pub fn direct(&self) -> String {
        let Axis { n, k, stride: s, padding: p, dilation: d, .. } = *self;
        format!("floor(({n} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1")
    }

    /// [`TRANSPOSED`] with the numbers put in: `(2-1)*2 - 2*1 + 1*(3-1) + 1 + 1`.
    pub fn transposed(&self) -> String {
        let Axis { n, k, stride: s, padding: p, dilation: d, output_padding: op } = *self;
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
