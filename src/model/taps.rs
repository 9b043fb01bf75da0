//! Geometry at a glance (#23, item 8): each weight tap of the kernel has a
//! colour, and at a step the input cells it multiplies wear the same one. The
//! gaps of a dilated window and how far a stride moves it are then seen
//! before a number is read. A colour is an index into a palette the
//! stylesheet holds (class `tap-colour-k`, for both themes); a tap also has
//! its name (`w[1,2]`), which every coloured cell's label carries, so the
//! colour is never the only signal.

use crate::conv::{ConvGeometry, Term};
use crate::model::equation::show_channels;
use crate::model::format;

/// Colours in the palette: Paul Tol's "light" scheme, nine fills made to sit
/// behind dark text and to stay apart for every common colour-vision
/// deficiency (static/style.css holds their values).
pub const PALETTE: usize = 9;

/// A weight tap as the views paint it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tap {
    /// Palette index, `0..PALETTE`.
    pub colour: usize,
    /// The weight it holds, as the equations write it: `w[1,2]`, or with
    /// several channels or filters `w[f,c,1,2]` (`c` within the group).
    pub name: String,
}

impl Tap {
    /// The tap of `term` (a product of a step): coloured by the weight cell
    /// it uses, so with flip on the colours turn with the kernel.
    pub fn of(geometry: &ConvGeometry, term: &Term) -> Tap {
        let [f, cl, ki, kj] = term.weight_index;
        let lead = [f, cl];
        let channels = show_channels(geometry.in_channels, geometry.out_channels).then_some(&lead[..]);
        Tap {
            colour: colour_of([ki, kj], geometry.kernel),
            name: format::label("w", geometry.dims, channels, [ki, kj]),
        }
    }
}

/// Palette index of kernel cell `[ki, kj]` of a `[KH, KW]` kernel (1D: `KH`
/// is 1). Up to [`PALETTE`] taps, one colour each, in row-major order. A
/// larger kernel repeats colours, but never on a cell's eight neighbours:
/// `(3 ki + kj) mod 9` differs by 1 along a row, by 3 down a column and by
/// 2 or 4 along the diagonals, none a multiple of 9.
pub fn colour_of([ki, kj]: [usize; 2], [kh, kw]: [usize; 2]) -> usize {
    if kh * kw <= PALETTE { ki * kw + kj } else { (3 * ki + kj) % PALETTE }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::{Forward, Hyper, Op, Problem};
    use ndarray::{Array3, Array4};

    fn forward(input: [usize; 3], weight: [usize; 4], hyper: Hyper) -> Forward {
        let problem = Problem {
            op: Op::Conv2d,
            input: Array3::from_shape_fn((input[0], input[1], input[2]), |(c, i, j)| (c * 100 + i * 10 + j) as f64),
            weight: Array4::from_shape_fn((weight[0], weight[1], weight[2], weight[3]), |(_, _, i, j)| {
                (i * 3 + j) as f64
            }),
            bias: None,
            hyper,
            grad_output: None,
        };
        Forward::new(&problem).expect("a valid problem")
    }

    /// `(channel, padded position) -> colour` of the input cells a step multiplies.
    fn coloured(t: &Forward, step: usize) -> Vec<(usize, [usize; 2], usize)> {
        let s = t.step(step).expect("a step");
        s.terms.iter().map(|term| (term.channel, term.padded_pos, Tap::of(&t.geometry, term).colour)).collect()
    }

    #[test]
    fn a_3x3_kernel_has_nine_colours_and_its_neighbours_never_share_one() {
        let all: Vec<usize> = (0..3).flat_map(|i| (0..3).map(move |j| colour_of([i, j], [3, 3]))).collect();
        assert_eq!(all, (0..9).collect::<Vec<_>>());
        // 5x5 (25 taps) and 1x12 (1D): colours repeat, never on a neighbour.
        for [kh, kw] in [[5, 5], [4, 7], [1, 12], [9, 9]] {
            for i in 0..kh {
                for j in 0..kw {
                    let c = colour_of([i, j], [kh, kw]);
                    assert!(c < PALETTE);
                    for (di, dj) in [(0, 1), (1, -1), (1, 0), (1, 1)] {
                        let (ni, nj) = (i as isize + di, j as isize + dj);
                        if ni < kh as isize && nj >= 0 && nj < kw as isize {
                            let n = colour_of([ni as usize, nj as usize], [kh, kw]);
                            assert_ne!(c, n, "{kh}x{kw}: [{i},{j}] and [{ni},{nj}]");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dilation_and_stride_show_in_the_input_cells_coloured() {
        // 2x2 kernel, dilation 2, stride 3 on a 7x7 input: the taps land two apart.
        let hyper = Hyper { dilation: [2, 2], stride: [3, 3], ..Hyper::default() };
        let t = forward([1, 7, 7], [1, 1, 2, 2], hyper);
        assert_eq!(coloured(&t, 0), vec![(0, [0, 0], 0), (0, [0, 2], 1), (0, [2, 0], 2), (0, [2, 2], 3)]);
        // The next step moves every colour three columns on.
        assert_eq!(coloured(&t, 1), vec![(0, [0, 3], 0), (0, [0, 5], 1), (0, [2, 3], 2), (0, [2, 5], 3)]);
        let s = t.step(0).expect("a step");
        assert_eq!(Tap::of(&t.geometry, &s.terms[1]).name, "w[0,1]");
    }

    #[test]
    fn flip_turns_the_colours_with_the_kernel_and_channels_are_named() {
        let hyper = Hyper { flip: true, ..Hyper::default() };
        let t = forward([2, 3, 3], [1, 2, 2, 2], hyper);
        let s = t.step(0).expect("a step");
        // The window's first cell meets the kernel's last: w[..,1,1], colour 3.
        let first = Tap::of(&t.geometry, &s.terms[0]);
        assert_eq!(first, Tap { colour: 3, name: "w[0,0,1,1]".into() });
        // The second channel's taps use the same colours, named with their channel.
        assert_eq!(Tap::of(&t.geometry, &s.terms[4]), Tap { colour: 3, name: "w[0,1,1,1]".into() });
    }
}
