//! Practice mode's plain parts (issue #13): problems drawn at a level, with
//! small integers so the arithmetic can be done by hand, and the check of a
//! learner's answer. The views that ask for answers build on these.

use ndarray::{Array1, Array3, Array4};

use crate::conv::{Hyper, Op, Problem};
use crate::document::{self, Document};
use crate::input_text::parse_number;
use crate::view_state::{View, ViewState};

/// A learner's answer against the number the core computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Right,
    Wrong,
    /// Not a number: the reason, as the editors word it.
    NotANumber(String),
}

/// Checks `answer` against `expected`: exactly for an integer, within a
/// relative 1e-6 otherwise (so 0.333333 is right for 1/3).
pub fn check(answer: &str, expected: f64) -> Verdict {
    match parse_number(answer) {
        Err(why) => Verdict::NotANumber(why),
        Ok(v) if expected.fract() == 0.0 && v == expected => Verdict::Right,
        Ok(v) if expected.fract() != 0.0 && (v - expected).abs() <= 1e-6 * expected.abs().max(1e-300) => Verdict::Right,
        Ok(_) => Verdict::Wrong,
    }
}

/// The levels "New problem" draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 1. 1D, stride 1, no padding.
    OneD,
    /// 2. 2D with padding and stride.
    PaddingStride,
    /// 3. Dilation, channels and groups.
    DilationGroups,
    /// 4. Transposed with output_padding.
    Transposed,
    /// 5. Gradients.
    Gradients,
}

impl Level {
    pub const ALL: [Level; 5] =
        [Level::OneD, Level::PaddingStride, Level::DilationGroups, Level::Transposed, Level::Gradients];
}

/// SplitMix64: small, fast and good enough to draw exercises (no crate needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    /// A small integer value, -2..=3 (more positives: sums stay readable).
    fn value(&mut self) -> f64 {
        self.range(0, 5) as f64 - 2.0
    }
}

/// A problem at `level`, the same for the same `seed`: always valid and
/// within the document's caps, every value a small integer. The view is the
/// level's own (transposed, backprop, or the sliding window).
pub fn generate(level: Level, seed: u64) -> Document {
    let mut rng = Rng(seed ^ ((level as u64) << 56));
    loop {
        let problem = draw(level, &mut rng);
        if problem.operation_geometry().is_ok() && document::validate(&problem).is_ok() {
            let view = match level {
                Level::Transposed => View::Transposed,
                Level::Gradients => View::Backprop,
                _ => View::Forward,
            };
            return Document { problem, view: ViewState { view, ..ViewState::default() } };
        }
    }
}

fn tensor3(rng: &mut Rng, c: usize, h: usize, w: usize) -> Array3<f64> {
    Array3::from_shape_simple_fn((c, h, w), || rng.value())
}

fn tensor4(rng: &mut Rng, a: usize, b: usize, h: usize, w: usize) -> Array4<f64> {
    Array4::from_shape_simple_fn((a, b, h, w), || rng.value())
}

fn draw(level: Level, rng: &mut Rng) -> Problem {
    let mut hyper = Hyper::default();
    match level {
        Level::OneD => {
            let (w, k) = (rng.range(4, 7), rng.range(2, 3));
            Problem {
                op: Op::Conv1d,
                input: tensor3(rng, 1, 1, w),
                weight: tensor4(rng, 1, 1, 1, k),
                bias: None,
                hyper,
                grad_output: None,
            }
        }
        Level::PaddingStride => {
            let (h, w, k) = (rng.range(4, 6), rng.range(4, 6), rng.range(2, 3));
            hyper.stride = [rng.range(1, 2); 2];
            hyper.padding = [rng.range(0, 1); 2];
            Problem {
                op: Op::Conv2d,
                input: tensor3(rng, 1, h, w),
                weight: tensor4(rng, 1, 1, k, k),
                bias: (rng.range(0, 1) == 1).then(|| Array1::from_elem(1, rng.value())),
                hyper,
                grad_output: None,
            }
        }
        Level::DilationGroups => {
            let groups = rng.range(1, 2);
            let (c, f) = (groups * rng.range(1, 2), groups * rng.range(1, 2));
            let (h, w, k) = (rng.range(5, 6), rng.range(5, 6), 2);
            hyper.dilation = [rng.range(1, 2); 2];
            hyper.groups = groups;
            Problem {
                op: Op::Conv2d,
                input: tensor3(rng, c, h, w),
                weight: tensor4(rng, f, c / groups, k, k),
                bias: None,
                hyper,
                grad_output: None,
            }
        }
        Level::Transposed => {
            let (h, w, k) = (rng.range(2, 3), rng.range(2, 3), rng.range(2, 3));
            let stride = rng.range(2, 3);
            hyper.stride = [stride; 2];
            hyper.padding = [rng.range(0, 1); 2];
            hyper.output_padding = [rng.range(0, stride - 1); 2];
            Problem {
                op: Op::ConvTranspose2d,
                input: tensor3(rng, 1, h, w),
                weight: tensor4(rng, 1, 1, k, k),
                bias: None,
                hyper,
                grad_output: None,
            }
        }
        Level::Gradients => {
            let (h, w, k) = (rng.range(3, 4), rng.range(3, 4), 2);
            Problem {
                op: Op::Conv2d,
                input: tensor3(rng, 1, h, w),
                weight: tensor4(rng, 1, 1, k, k),
                bias: Some(Array1::from_elem(1, rng.value())),
                hyper,
                grad_output: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_exactly_for_integers_and_closely_otherwise() {
        assert_eq!(check("7", 7.0), Verdict::Right);
        assert_eq!(check(" -3 ", -3.0), Verdict::Right);
        assert_eq!(check("7.0000001", 7.0), Verdict::Wrong, "an integer is exact");
        assert_eq!(check("0.333333", 1.0 / 3.0), Verdict::Right);
        assert_eq!(check("0.3333", 1.0 / 3.0), Verdict::Wrong);
        assert_eq!(check("2.5", 2.5), Verdict::Right);
        assert!(matches!(check("seven", 7.0), Verdict::NotANumber(_)));
        assert!(matches!(check("", 7.0), Verdict::NotANumber(_)));
    }

    #[test]
    fn the_same_seed_draws_the_same_problem() {
        for level in Level::ALL {
            assert_eq!(generate(level, 42), generate(level, 42));
        }
        assert_ne!(generate(Level::PaddingStride, 1), generate(Level::PaddingStride, 2));
    }
}
