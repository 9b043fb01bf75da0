//! The convolution-arithmetic gallery (#24): every figure of Dumoulin and
//! Visin's "A guide to convolution arithmetic for deep learning"
//! (vdumoulin/conv_arithmetic, MIT licence) as a card with its parameters,
//! the paper's relationship with the numbers put in, a picture and a link
//! that opens exactly that set-up in the app; then four cards the paper
//! lacks (groups, depthwise, pointwise, TensorFlow's `SAME` with a stride).
//!
//! Each card's set-up is a [`Document`], written by the document's own
//! writer, so the Open link is what the app reads. Plain Rust: the build's
//! `gallery` program (scripts/gallery.rs) writes the page from it natively.
//!
//! - [`numpy_seed`]: NumPy's `seed(1234)` and `randint`, the paper's numbers;
//! - [`drawing`]: each card's picture as a [`crate::model::figure::Figure`] and GIF frames;
//! - [`page`]: the HTML page.

pub mod drawing;
pub mod numpy_seed;
pub mod page;

use ndarray::{Array3, Array4};

use crate::conv::network::{ConvLayer, Layer, Pad};
use crate::conv::{Hyper, Op, Pool, PoolKind, Problem};
use crate::model::document::Document;
use crate::model::network::{Entry, Stack};
use crate::model::view_state::{Explain, View, ViewState};

use numpy_seed::RandomState;

/// The seed of conv_arithmetic's `bin/produce_figure`.
pub const SEED: u32 = 1234;

/// What a figure computes (conv_arithmetic's `--mode`, and the cards beyond the paper).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A convolution (direct, or its transpose).
    Convolution,
    /// Average pooling.
    Average,
    /// Max pooling.
    Max,
}

/// One figure as conv_arithmetic's `bin/generate_makefile` lists it: the
/// direct convolution's sizes, also for its transposed figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub name: &'static str,
    /// A figure with numbers (`numerical`) or shapes only (`arithmetic`).
    pub numerical: bool,
    /// The direct convolution's input size `i`.
    pub input: usize,
    /// The direct convolution's output size `o`.
    pub output: usize,
    pub padding: usize,
    pub kernel: usize,
    pub stride: usize,
    pub dilation: usize,
    pub mode: Mode,
    /// The transpose of that convolution: from `o` back to `i`.
    pub transposed: bool,
}

const fn spec(
    name: &'static str,
    numerical: bool,
    [input, output, padding, kernel, stride, dilation]: [usize; 6],
    mode: Mode,
    transposed: bool,
) -> Spec {
    Spec { name, numerical, input, output, padding, kernel, stride, dilation, mode, transposed }
}

/// conv_arithmetic's `animations`, in its order: (type, input-size,
/// output-size, padding, kernel-size, stride, dilation, mode, transposed).
#[rustfmt::skip]
pub const PAPER: [Spec; 19] = [
    spec("no_padding_no_strides", false, [4, 2, 0, 3, 1, 1], Mode::Convolution, false),
    spec("no_padding_no_strides_transposed", false, [4, 2, 0, 3, 1, 1], Mode::Convolution, true),
    spec("arbitrary_padding_no_strides", false, [5, 6, 2, 4, 1, 1], Mode::Convolution, false),
    spec("arbitrary_padding_no_strides_transposed", false, [5, 6, 2, 4, 1, 1], Mode::Convolution, true),
    spec("same_padding_no_strides", false, [5, 5, 1, 3, 1, 1], Mode::Convolution, false),
    spec("same_padding_no_strides_transposed", false, [5, 5, 1, 3, 1, 1], Mode::Convolution, true),
    spec("full_padding_no_strides", false, [5, 7, 2, 3, 1, 1], Mode::Convolution, false),
    spec("full_padding_no_strides_transposed", false, [5, 7, 2, 3, 1, 1], Mode::Convolution, true),
    spec("no_padding_strides", false, [5, 2, 0, 3, 2, 1], Mode::Convolution, false),
    spec("no_padding_strides_transposed", false, [5, 2, 0, 3, 2, 1], Mode::Convolution, true),
    spec("padding_strides", false, [5, 3, 1, 3, 2, 1], Mode::Convolution, false),
    spec("padding_strides_transposed", false, [5, 3, 1, 3, 2, 1], Mode::Convolution, true),
    spec("padding_strides_odd", false, [6, 3, 1, 3, 2, 1], Mode::Convolution, false),
    spec("padding_strides_odd_transposed", false, [6, 3, 1, 3, 2, 1], Mode::Convolution, true),
    spec("dilation", false, [7, 3, 0, 3, 1, 2], Mode::Convolution, false),
    spec("numerical_no_padding_no_strides", true, [5, 3, 0, 3, 1, 1], Mode::Convolution, false),
    spec("numerical_padding_strides", true, [5, 3, 1, 3, 2, 1], Mode::Convolution, false),
    spec("numerical_average_pooling", true, [5, 3, 0, 3, 1, 1], Mode::Average, false),
    spec("numerical_max_pooling", true, [5, 3, 0, 3, 1, 1], Mode::Max, false),
];

/// The cards beyond the paper, after its nineteen.
pub const BEYOND: [&str; 4] = ["grouped_two_groups", "depthwise", "pointwise", "tensorflow_same_strides"];

/// One card of the gallery.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// conv_arithmetic's file name (`[data-figure]`), or one of [`BEYOND`].
    pub name: &'static str,
    /// A short title.
    pub title: String,
    /// What the figure shows, in the paper's words where it has them.
    pub caption: String,
    /// `(name, value)` of each parameter: input size, kernel, stride, padding, dilation, ...
    pub parameters: Vec<(&'static str, String)>,
    /// The relationship, then with the numbers put in, then its value.
    pub relationship: Vec<String>,
    /// The spatial output size the relationship gives (every figure is square).
    pub relationship_value: usize,
    /// The set-up the Open link opens.
    pub document: Document,
    /// Whether the card is one of the paper's figures.
    pub from_paper: bool,
}

impl Card {
    /// The card's picture data: the single op's problem, or the network's.
    pub fn problem(&self) -> &Problem {
        &self.document.problem
    }

    /// What the set-up computes, `(C, H, W)`: the last layer's output in the
    /// network view, else the single operation's.
    pub fn output(&self) -> Result<Array3<f64>, crate::conv::ConvError> {
        let input = self.document.problem.input.clone();
        if self.document.stack.layers.is_empty() {
            let p = &self.document.problem;
            let layer = ConvLayer { op: p.op, weight: p.weight.clone(), bias: p.bias.clone(), hyper: p.hyper };
            return Ok(Layer::Conv(layer).apply(&input)?.output);
        }
        let evaluation = self.document.stack.network(self.document.problem.dims(), &input).evaluate();
        if let Some(failed) = evaluation.error {
            return Err(failed.error);
        }
        Ok(evaluation.outputs.last().map(|o| (**o).clone()).unwrap_or(input))
    }

    /// The Open link, relative to the gallery page: `index.html#config=...`.
    pub fn open_link(&self) -> String {
        format!("index.html#config={}", encode_uri_component(&self.document.to_json()))
    }
}

/// JavaScript's `encodeURIComponent`: what the app's address bar writes and reads.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `randint(low, high, size=shape)` from the generator, as an array.
fn draw<D: ndarray::Dimension, S: ndarray::ShapeBuilder<Dim = D> + Copy>(
    rng: &mut RandomState,
    low: i64,
    high: i64,
    shape: S,
) -> ndarray::Array<f64, D> {
    let empty = ndarray::Array::<f64, D>::zeros(shape);
    let values = rng.randints(low, high, empty.len());
    ndarray::Array::from_shape_vec(shape, values).expect("as many values as cells")
}

/// Every card: the paper's nineteen, then [`BEYOND`].
pub fn cards() -> Vec<Card> {
    PAPER.iter().map(paper_card).chain(BEYOND.iter().map(|name| beyond_card(name))).collect()
}

fn square(n: usize) -> String {
    format!("{n}\u{00D7}{n}")
}

/// A card of the paper. Its numbers are drawn as `bin/produce_figure` draws
/// them: `numpy.random.seed(1234)`, the input `randint(0, 4)` then the kernel
/// `randint(0, 3)` (the transposed figures: their input is the convolution's
/// output size).
fn paper_card(s: &Spec) -> Card {
    let mut rng = RandomState::new(SEED);
    let (i, o, p, k, st, d) = (s.input, s.output, s.padding, s.kernel, s.stride, s.dilation);
    let n_in = if s.transposed { o } else { i };
    let input: Array3<f64> = draw(&mut rng, 0, 4, (1, n_in, n_in));
    let weight: Array4<f64> = draw(&mut rng, 0, 3, (1, 1, k, k));
    // The transpose maps o back to i: output_padding makes up what the stride's floor dropped.
    let output_padding = if s.transposed { (i + 2 * p - d * (k - 1) - 1) % st } else { 0 };
    let hyper = Hyper {
        stride: [st; 2],
        padding: [p; 2],
        dilation: [d; 2],
        output_padding: [output_padding; 2],
        ..Hyper::default()
    };
    let op = if s.transposed { Op::ConvTranspose2d } else { Op::Conv2d };
    let mut view = ViewState::default();
    let mut stack = Stack::default();
    if s.transposed {
        view.view = View::Transposed;
        view.explain = Explain::ZeroInserted;
    }
    if s.mode != Mode::Convolution {
        let kind = if s.mode == Mode::Average { PoolKind::Avg } else { PoolKind::Max };
        let pool = Pool { kind, kernel: [k; 2], stride: [st; 2], padding: [p; 2], ..Pool::default() };
        stack.layers.push(Entry { layer: Layer::Pool(pool), seed: None });
        view.view = View::Network;
    }
    let problem = Problem { op, input, weight, bias: None, hyper, grad_output: None };
    let document = Document { problem, stack, view, picture: None };

    let mut parameters = vec![
        ("input size", square(n_in)),
        ("output size", square(if s.transposed { i } else { o })),
        ("kernel", square(k)),
        ("stride", square(st)),
        ("padding", p.to_string()),
        ("dilation", d.to_string()),
    ];
    if s.transposed {
        parameters.push(("output padding", output_padding.to_string()));
    }
    let (relationship, relationship_value) = paper_relationship(s, output_padding);
    let (title, caption) = paper_words(s, output_padding);
    Card { name: s.name, title, caption, parameters, relationship, relationship_value, document, from_paper: true }
}

/// The paper's relationship for the figure (its numbering), with the numbers put in.
fn paper_relationship(s: &Spec, a: usize) -> (Vec<String>, usize) {
    let (i, p, k, st, d) = (s.input, s.padding, s.kernel, s.stride, s.dilation);
    if s.transposed {
        // The transpose's input i' is the convolution's output.
        let i2 = s.output;
        if st == 1 {
            let value = i2 + (k - 1) - 2 * p;
            let lines = vec![
                "o\u{2032} = i\u{2032} + (k \u{2212} 1) \u{2212} 2p".into(),
                format!("= {i2} + ({k} \u{2212} 1) \u{2212} 2\u{00B7}{p} = {value}"),
            ];
            return (lines, value);
        }
        let value = st * (i2 - 1) + a + k - 2 * p;
        let lines = vec![
            "o\u{2032} = s(i\u{2032} \u{2212} 1) + a + k \u{2212} 2p, a = (i + 2p \u{2212} k) mod s".into(),
            format!("= {st}({i2} \u{2212} 1) + {a} + {k} \u{2212} 2\u{00B7}{p} = {value}"),
        ];
        return (lines, value);
    }
    if d > 1 {
        let value = (i + 2 * p - k - (k - 1) * (d - 1)) / st + 1;
        let lines = vec![
            "o = \u{230A}(i + 2p \u{2212} k \u{2212} (k \u{2212} 1)(d \u{2212} 1))/s\u{230B} + 1".into(),
            format!(
                "= \u{230A}({i} + {} \u{2212} {k} \u{2212} ({k} \u{2212} 1)({d} \u{2212} 1))/{st}\u{230B} + 1 = {value}",
                2 * p
            ),
        ];
        return (lines, value);
    }
    let value = (i + 2 * p - k) / st + 1;
    let lines = match (p, st) {
        (0, 1) => vec!["o = (i \u{2212} k) + 1".into(), format!("= ({i} \u{2212} {k}) + 1 = {value}")],
        (_, 1) => {
            vec!["o = (i \u{2212} k) + 2p + 1".into(), format!("= ({i} \u{2212} {k}) + 2\u{00B7}{p} + 1 = {value}")]
        }
        (0, _) => vec![
            "o = \u{230A}(i \u{2212} k)/s\u{230B} + 1".into(),
            format!("= \u{230A}({i} \u{2212} {k})/{st}\u{230B} + 1 = {value}"),
        ],
        _ => vec![
            "o = \u{230A}(i + 2p \u{2212} k)/s\u{230B} + 1".into(),
            format!("= \u{230A}({i} + {} \u{2212} {k})/{st}\u{230B} + 1 = {value}", 2 * p),
        ],
    };
    (lines, value)
}

/// The figure's title and caption, after the paper's.
fn paper_words(s: &Spec, a: usize) -> (String, String) {
    let (i, o, p, k, st, d) = (s.input, s.output, s.padding, s.kernel, s.stride, s.dilation);
    // The paper's names for unit strides; with strides, its words for the border.
    let padding_words = match p {
        0 => "no zero padding".to_string(),
        _ if st == 1 && p == k / 2 && k % 2 == 1 => "half (same) padding".to_string(),
        _ if st == 1 && p == k - 1 => "full padding".to_string(),
        _ => format!("a {} border of zeros", square(p)),
    };
    let stride_words = if st == 1 { "unit strides".to_string() } else { format!("{st}\u{00D7}{st} strides") };
    let sizes =
        format!("i = {i}, k = {k}, s = {st}, p = {p}{}", if d > 1 { format!(", d = {d}") } else { String::new() });
    let conv =
        format!("a {} kernel over a {} input with {padding_words} and {stride_words} ({sizes})", square(k), square(i));
    match (s.mode, s.transposed, s.numerical) {
        (Mode::Average, ..) => (
            "Average pooling".into(),
            format!(
                "Average pooling with a {} window over a {} input, unit strides: the paper's numbers.",
                square(k),
                square(i)
            ),
        ),
        (Mode::Max, ..) => (
            "Max pooling".into(),
            format!(
                "Max pooling with a {} window over a {} input, unit strides: the paper's numbers.",
                square(k),
                square(i)
            ),
        ),
        (_, true, _) => {
            let zeros = k - 1 - p;
            let inserted =
                if st > 1 { format!(", {} zero(s) inserted between its cells", st - 1) } else { String::new() };
            (
                format!("Transpose: {padding_words}, {stride_words}{}", if a > 0 { ", odd size" } else { "" }),
                format!(
                    "The transpose of convolving {conv}: from the {} output back to {}. It equals a direct convolution \
                     with the flipped kernel over the {} input with a border of k \u{2212} p \u{2212} 1 = {zeros} zeros{inserted}{}.",
                    square(o),
                    square(i),
                    square(o),
                    if a > 0 {
                        format!(" and {a} more at the bottom and right (output_padding)")
                    } else {
                        String::new()
                    }
                ),
            )
        }
        (_, false, true) => (
            "Numbers: ".to_string() + &padding_words + ", " + &stride_words,
            format!("Computing the output values of convolving {conv}: the paper's numbers."),
        ),
        (_, false, false) if d > 1 => {
            ("Dilation".into(), format!("Convolving {conv}: the kernel's taps are {d} cells apart."))
        }
        (_, false, false) => {
            let uncovered = (i + 2 * p - k) % st;
            let note = if uncovered > 0 {
                " The bottom row and right column of the padded input are not covered by the kernel."
            } else {
                ""
            };
            (
                format!(
                    "{}{}, {stride_words}{}",
                    padding_words[..1].to_uppercase(),
                    &padding_words[1..],
                    if uncovered > 0 { ", odd size" } else { "" }
                ),
                format!("Convolving {conv}.{note}"),
            )
        }
    }
}

/// A card beyond the paper, its numbers drawn the same way.
fn beyond_card(name: &'static str) -> Card {
    let mut rng = RandomState::new(SEED);
    let (title, caption, input, weight, groups, stride, stack_pad) = match name {
        "grouped_two_groups" => (
            "Grouped convolution, 2 groups",
            "Four input channels in two groups of two: the first filter sees channels 0 and 1 only, the second \
             channels 2 and 3 (PyTorch's groups=2). Half the weights of a full convolution.",
            [4, 5, 5],
            [2, 2, 3, 3],
            2,
            1,
            false,
        ),
        "depthwise" => (
            "Depthwise convolution",
            "One filter per input channel (groups = channels = 3): each output channel is one input channel \
             convolved with its own 3\u{00D7}3 kernel, as in MobileNet's depthwise layers.",
            [3, 5, 5],
            [3, 1, 3, 3],
            3,
            1,
            false,
        ),
        "pointwise" => (
            "Pointwise (1\u{00D7}1) convolution",
            "A 1\u{00D7}1 kernel mixes the channels at each position and leaves height and width as they are: \
             three channels in, two out.",
            [3, 4, 4],
            [2, 3, 1, 1],
            1,
            1,
            false,
        ),
        _ => (
            "TensorFlow's SAME with stride 2",
            "TensorFlow's padding='SAME' with a stride: the output is \u{2308}i/s\u{2309} and the padding it needs \
             is odd here, so the extra row and column go at the bottom and right. PyTorch's conv2d pads both \
             sides alike, so a pad layer (F.pad(x, (0, 1, 0, 1))) comes first.",
            [1, 6, 6],
            [1, 1, 3, 3],
            1,
            2,
            true,
        ),
    };
    let input: Array3<f64> = draw(&mut rng, 0, 4, (input[0], input[1], input[2]));
    let weight: Array4<f64> = draw(&mut rng, 0, 3, (weight[0], weight[1], weight[2], weight[3]));
    let hyper = Hyper { stride: [stride; 2], groups, ..Hyper::default() };
    let (c, n, _) = input.dim();
    let (f, _, k, _) = weight.dim();
    let mut stack = Stack::default();
    let mut view = ViewState::default();
    let mut parameters =
        vec![("input", format!("{c}\u{00D7}{n}\u{00D7}{n}")), ("kernel", square(k)), ("stride", square(stride))];
    let (relationship, value) = if stack_pad {
        let out = n.div_ceil(stride);
        let total = ((out - 1) * stride + k).saturating_sub(n);
        let (before, after) = (total / 2, total - total / 2);
        let pad = Pad { amounts: [before, after, before, after], ..Pad::default() };
        stack.layers.push(Entry { layer: Layer::Pad(pad), seed: None });
        let conv = ConvLayer { op: Op::Conv2d, weight: weight.clone(), bias: None, hyper };
        stack.layers.push(Entry { layer: Layer::Conv(conv), seed: None });
        view.view = View::Network;
        parameters.push(("padding", format!("{before} before, {after} after")));
        (
            vec![
                "o = \u{2308}i/s\u{2309}, padding = max((o \u{2212} 1)s + k \u{2212} i, 0)".into(),
                format!("o = \u{2308}{n}/{stride}\u{2309} = {out}"),
                format!(
                    "padding = ({out} \u{2212} 1)\u{00B7}{stride} + {k} \u{2212} {n} = {total}: {before} before, {after} after"
                ),
            ],
            out,
        )
    } else {
        parameters.push(("padding", "0".into()));
        parameters.push(("groups", groups.to_string()));
        parameters.push(("output", format!("{f}\u{00D7}{}\u{00D7}{}", n - k + 1, n - k + 1)));
        let value = n - k + 1;
        (
            vec![
                "o = (i \u{2212} k) + 1".into(),
                format!("= ({n} \u{2212} {k}) + 1 = {value}"),
                format!(
                    "weight (F, C/groups, k, k) = ({f}, {}/{groups}, {k}, {k}): {} weights",
                    c,
                    f * (c / groups) * k * k
                ),
            ],
            value,
        )
    };
    let problem = Problem { op: Op::Conv2d, input, weight, bias: None, hyper, grad_output: None };
    let document = Document { problem, stack, view, picture: None };
    Card {
        name,
        title: title.into(),
        caption: if c > 1 {
            format!(
                "{caption} The picture steps through input channel 0 and output channel 0; Open shows every channel."
            )
        } else {
            caption.into()
        },
        parameters,
        relationship,
        relationship_value: value,
        document,
        from_paper: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_javascript_does() {
        assert_eq!(encode_uri_component("{\"a\":[1, -2.5]}"), "%7B%22a%22%3A%5B1%2C%20-2.5%5D%7D");
        assert_eq!(encode_uri_component("\u{00D7}(x)!~*'"), "%C3%97(x)!~*'");
    }
}
