//! Practice in the network view (#22): the questions a stack asks about its
//! layers (the output shape after layer k, the receptive field of layer k on
//! the input, layer k's parameter count), their answers from the core's
//! summary ([`Network::summary`]), which summary cells stay hidden until
//! answered, and the stacks "New problem" draws by level.
//!
//! Layers are numbered from 1, as in the page; row 0 of a summary is the
//! input, which is never asked about.

use ndarray::Array3;

use crate::conv::network::{Layer, LayerSummary, Network};
use crate::conv::pool::{Pool, PoolKind};
use crate::conv::{Dims, Hyper, Op, Problem};
use crate::model::document::Document;
use crate::model::input_text::parse_number;
use crate::model::network::{Entry, Stack, seeded_conv, stand_in_weight};
use crate::model::practice::Rng;
use crate::model::view_state::{View, ViewState};

/// What is asked about a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetQuiz {
    /// Its output shape `(C, H, W)` (1D `(C, W)`).
    Shape,
    /// The receptive field of one of its output cells on the input, `RH x RW`
    /// (1D `R`), by the recurrence.
    ReceptiveField,
    /// Its learnable numbers: weights plus bias.
    Params,
}

impl NetQuiz {
    /// The answer fields' `data-practice`: `layer_shape`, `layer_rf`, `layer_params`.
    pub fn name(self) -> &'static str {
        match self {
            NetQuiz::Shape => "layer_shape",
            NetQuiz::ReceptiveField => "layer_rf",
            NetQuiz::Params => "layer_params",
        }
    }

    /// The question in the learner's words.
    pub fn title(self) -> &'static str {
        match self {
            NetQuiz::Shape => "output shape",
            NetQuiz::ReceptiveField => "receptive field",
            NetQuiz::Params => "parameters",
        }
    }

    /// The numbers asked, one field each, in the answer's order (the fields' `data-axis`).
    pub fn axes(self, dims: Dims) -> &'static [&'static str] {
        match (self, dims) {
            (NetQuiz::Shape, Dims::Two) => &["C", "H", "W"],
            (NetQuiz::Shape, Dims::One) => &["C", "W"],
            (NetQuiz::ReceptiveField, Dims::Two) => &["RH", "RW"],
            (NetQuiz::ReceptiveField, Dims::One) => &["R"],
            (NetQuiz::Params, _) => &["parameters"],
        }
    }
}

/// The most numbers one answer has: `C, H, W`.
pub const MOST_AXES: usize = 3;

/// One question: what, about which layer (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetQuestion {
    pub quiz: NetQuiz,
    pub layer: usize,
}

impl NetQuestion {
    /// `layer_shape-3`: the question menu's value.
    pub fn key(self) -> String {
        format!("{}-{}", self.quiz.name(), self.layer)
    }
}

/// The questions `network` asks, layer by layer: every layer's shape; the
/// receptive field of each window layer (a convolution or a pool) up to
/// the first transposed layer, where the recurrence stops (ReLU and padding
/// keep the field of the layer before them: nothing new to ask); the
/// parameters of each (transposed) convolution (the others have none).
/// `rows` is `network.summary()`: a layer that cannot take its input has no
/// row, and is not asked about.
pub fn questions(network: &Network, rows: &[LayerSummary]) -> Vec<NetQuestion> {
    let mut list = Vec::new();
    for (layer, row) in rows.iter().enumerate().skip(1) {
        list.push(NetQuestion { quiz: NetQuiz::Shape, layer });
        if row.rf_terms.is_some() {
            list.push(NetQuestion { quiz: NetQuiz::ReceptiveField, layer });
        }
        if matches!(network.layers.get(layer - 1), Some(Layer::Conv(_))) {
            list.push(NetQuestion { quiz: NetQuiz::Params, layer });
        }
    }
    list
}

/// The core's answer to `question`, in the order of [`NetQuiz::axes`];
/// `None` for a layer without a row, or a receptive field past a transposed layer.
pub fn answer(rows: &[LayerSummary], dims: Dims, question: NetQuestion) -> Option<Vec<usize>> {
    let row = rows.get(question.layer).filter(|_| question.layer > 0)?;
    let one_d = dims == Dims::One;
    Some(match question.quiz {
        NetQuiz::Shape => {
            let [c, h, w] = row.shape;
            if one_d { vec![c, w] } else { vec![c, h, w] }
        }
        NetQuiz::ReceptiveField => {
            let [rh, rw] = row.rf?;
            if one_d { vec![rw] } else { vec![rh, rw] }
        }
        NetQuiz::Params => vec![row.params],
    })
}

/// `(6, 28, 28)`, `5x5` or `156`: an answer (or what was typed) as the page writes it.
pub fn answer_text<T: std::fmt::Display>(quiz: NetQuiz, numbers: &[T]) -> String {
    let parts: Vec<String> = numbers.iter().map(T::to_string).collect();
    match quiz {
        NetQuiz::Shape => format!("({})", parts.join(", ")),
        NetQuiz::ReceptiveField => parts.join("x"),
        NetQuiz::Params => parts.join(""),
    }
}

/// A learner's answer to a network question.
#[derive(Debug, Clone, PartialEq)]
pub enum NetVerdict {
    Right,
    Wrong,
    /// A field is not a whole number: which, and why.
    NotANumber(String),
    /// Shown without an answer (Reveal).
    Revealed,
}

/// The typed numbers (one per axis, `axes` naming them) against `expected`: right when every one is.
pub fn check(typed: &[String], expected: &[usize], axes: &[&str]) -> NetVerdict {
    let mut right = typed.len() >= expected.len();
    for (k, &want) in expected.iter().enumerate() {
        let name = axes.get(k).copied().unwrap_or("?");
        let text = typed.get(k).map(String::as_str).unwrap_or_default();
        match parse_number(text) {
            Err(why) => return NetVerdict::NotANumber(format!("{name}: {why}")),
            Ok(v) if v < 0.0 || v.fract() != 0.0 => {
                return NetVerdict::NotANumber(format!("{name}: sizes and counts are whole numbers"));
            }
            Ok(v) => right &= v == want as f64,
        }
    }
    if right { NetVerdict::Right } else { NetVerdict::Wrong }
}

/// The question on screen: the one picked, if `list` asks it; else the
/// first not yet `shown`; else the first.
pub fn current(asked: Option<NetQuestion>, list: &[NetQuestion], shown: &[NetQuestion]) -> Option<NetQuestion> {
    asked
        .filter(|q| list.contains(q))
        .or_else(|| list.iter().find(|q| !shown.contains(q)).copied())
        .or_else(|| list.first().copied())
}

/// "Next question": the first after `from` (round the list) not yet shown;
/// once every one is, simply the one after `from`.
pub fn next(from: Option<NetQuestion>, list: &[NetQuestion], shown: &[NetQuestion]) -> Option<NetQuestion> {
    let start = from.and_then(|q| list.iter().position(|&x| x == q)).map_or(0, |k| k + 1);
    let round = (0..list.len()).map(|k| list[(start + k) % list.len()]);
    round.clone().find(|q| !shown.contains(q)).or_else(|| round.clone().next())
}

/// The cells of one summary row hidden while practising.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hidden {
    /// The shape, and the layer's grids (their cells count it out).
    pub shape: bool,
    pub params: bool,
    /// The multiply-adds: the output's cells times each one's products, so
    /// with the shape they give the weights away, and with the weights the shape.
    pub macs: bool,
    /// The receptive field, the jump and the recurrence written out.
    pub rf: bool,
}

/// The layer whose receptive-field question gives row `layer`'s field: the
/// last window layer at or above it (a ReLU or padding keeps the field of
/// the one before); `None` for the input, rows above every window layer
/// (field 1), and rows past a transposed layer (no field).
pub fn field_question(rows: &[LayerSummary], layer: usize) -> Option<usize> {
    rows.get(layer)?.rf?;
    (1..=layer).rev().find(|&k| rows[k].rf_terms.is_some())
}

/// What each row of `rows` hides while practising, `shown` being the
/// questions answered right or revealed.
pub fn hidden(network: &Network, rows: &[LayerSummary], shown: &[NetQuestion]) -> Vec<Hidden> {
    let asked = questions(network, rows);
    let open = |quiz, layer| {
        let q = NetQuestion { quiz, layer };
        asked.contains(&q) && !shown.contains(&q)
    };
    (0..rows.len())
        .map(|layer| {
            let shape = open(NetQuiz::Shape, layer);
            let params = open(NetQuiz::Params, layer);
            Hidden {
                shape,
                params,
                macs: shape || params,
                rf: field_question(rows, layer).is_some_and(|k| open(NetQuiz::ReceptiveField, k)),
            }
        })
        .collect()
}

/// The levels "New problem" draws stacks from in the network view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetLevel {
    /// 1. A convolution, a ReLU and a pool, stride 1, no padding.
    ConvReluPool,
    /// 2. Strides and padding.
    StridesPadding,
    /// 3. Dilation and groups (a 2D block, or a 1D dilated stack).
    DilationGroups,
    /// 4. Down with a stride, back up with a transposed convolution.
    Transposed,
}

impl NetLevel {
    pub const ALL: [NetLevel; 4] =
        [NetLevel::ConvReluPool, NetLevel::StridesPadding, NetLevel::DilationGroups, NetLevel::Transposed];

    /// The picker's words.
    pub fn title(self) -> &'static str {
        match self {
            NetLevel::ConvReluPool => "1. Convolution, ReLU, pooling",
            NetLevel::StridesPadding => "2. Strides and padding",
            NetLevel::DilationGroups => "3. Dilation and groups",
            NetLevel::Transposed => "4. A transposed layer",
        }
    }
}

/// A stack at `level` on a small input of small integers, the same for the
/// same `seed`, opened in the network view with practice on. Valid by
/// construction: each level's sizes are chosen so that every layer takes
/// its input (the tests check many seeds against the document's own checks).
pub fn generate(level: NetLevel, seed: u64) -> Document {
    let mut rng = Rng(seed ^ 0x4E37_5EED_0000_0000 ^ ((level as u64) << 40));
    let (dims, input, layers) = draw(level, &mut rng);
    let (c, h, w) = input.dim();
    let problem = Problem {
        op: Op::Conv2d.with_dims(dims),
        weight: stand_in_weight(dims, [c, h, w]),
        input,
        bias: None,
        hyper: Hyper::default(),
        grad_output: None,
    };
    Document {
        problem,
        stack: Stack { layers },
        view: ViewState { view: View::Network, practice: true, ..ViewState::default() },
        picture: None,
    }
}

/// `[h, w]` in 2D, `[1, w]` in 1D (the height axis is inert).
fn hw(dims: Dims, h: usize, w: usize) -> [usize; 2] {
    if dims == Dims::One { [1, w] } else { [h, w] }
}

/// `[0, p]` in 1D (no padding on the inert axis), `[p, p]` in 2D.
fn both(dims: Dims, n: usize) -> [usize; 2] {
    hw(dims, n, n)
}

fn pool(kind: PoolKind, dims: Dims, kernel: usize, stride: usize, padding: usize) -> Entry {
    let padding = if dims == Dims::One { [0, padding] } else { [padding; 2] };
    let layer = Layer::Pool(Pool {
        kind,
        dims,
        kernel: both(dims, kernel),
        stride: both(dims, stride),
        padding,
        dilation: [1, 1],
        ceil_mode: false,
        count_include_pad: true,
    });
    Entry { layer, seed: None }
}

fn relu() -> Entry {
    Entry { layer: Layer::Relu, seed: None }
}

/// Hyper-parameters with the same value on both axes (1D: the width's; the height keeps the default).
fn hyper(dims: Dims, stride: usize, padding: usize, dilation: usize, groups: usize) -> Hyper {
    let pad = if dims == Dims::One { [0, padding] } else { [padding; 2] };
    Hyper { stride: both(dims, stride), padding: pad, dilation: both(dims, dilation), groups, ..Hyper::default() }
}

/// The input `(C, H, W)` (1D: `H = 1`) and the layers of one draw at `level`.
/// The shapes each comment gives are the smallest the ranges allow: every
/// layer has at least one output cell.
fn draw(level: NetLevel, rng: &mut Rng) -> (Dims, Array3<f64>, Vec<Entry>) {
    let two = Dims::Two;
    let mut seed = || rng.range(1, 999) as u64;
    let seeds = [seed(), seed(), seed()];
    let conv = |dims: Dims, cin: usize, cout: usize, k: usize, h: Hyper, s: u64| {
        seeded_conv(Op::Conv2d.with_dims(dims), cin, cout, k, h, s)
    };
    let (dims, [c, h, w], layers) = match level {
        NetLevel::ConvReluPool => {
            // 6x6 with a 3x3 kernel: 4x4, pooled 2x2.
            let (h, w, k, f) = (rng.range(6, 10), rng.range(6, 10), rng.range(2, 3), rng.range(1, 3));
            let kind = if rng.range(0, 3) == 0 { PoolKind::Avg } else { PoolKind::Max };
            let layers = vec![conv(two, 1, f, k, Hyper::default(), seeds[0]), relu(), pool(kind, two, 2, 2, 0)];
            (two, [1, h, w], layers)
        }
        NetLevel::StridesPadding => {
            // 7x7, 3x3 at stride 2 without padding: 3x3; then a 3x3 window at
            // stride 2 (or a pool of 3 at stride 1): 1x1.
            let (h, w) = (rng.range(7, 12), rng.range(7, 12));
            // Stride 2, or else padding 1: the first layer shows one of them.
            let stride = rng.range(1, 2);
            let first = hyper(two, stride, if stride == 1 { 1 } else { rng.range(0, 1) }, 1, 1);
            let f = rng.range(1, 3);
            let k = rng.range(2, 3);
            let third = if rng.range(0, 1) == 0 {
                conv(two, f, rng.range(2, 4), k, hyper(two, 2, rng.range(0, 1), 1, 1), seeds[1])
            } else {
                // PyTorch: a pool's padding is at most half its kernel (1 for 2 or 3).
                pool(PoolKind::Max, two, k, rng.range(1, 2), rng.range(0, 1))
            };
            (two, [1, h, w], vec![conv(two, 1, f, 3, first, seeds[0]), relu(), third])
        }
        NetLevel::DilationGroups if rng.range(0, 1) == 0 => {
            // 2 channels, 8x8; 3x3 at dilation 2 (a 5x5 span): 4x4 or more;
            // then 3x3 whose padding equals its dilation: the size stays.
            let (h, w) = (rng.range(8, 12), rng.range(8, 12));
            let f = [2, 4][rng.range(0, 1)];
            let first = hyper(two, 1, rng.range(0, 2), 2, rng.range(1, 2));
            let (d, groups) = (rng.range(1, 2), [2, f][rng.range(0, 1)]);
            let second = hyper(two, 1, d, d, groups);
            let layers = vec![conv(two, 2, f, 3, first, seeds[0]), relu(), conv(two, f, f, 3, second, seeds[1])];
            (two, [2, h, w], layers)
        }
        NetLevel::DilationGroups => {
            // A WaveNet-like 1D stack, two taps at dilations 1, 2, 4: the
            // width shrinks by 1 + 2 + 4 = 7, so 10 gives 3.
            let one = Dims::One;
            let w = rng.range(10, 16);
            let groups = rng.range(1, 2);
            let layers = vec![
                conv(one, 1, 2, 2, hyper(one, 1, 0, 1, 1), seeds[0]),
                relu(),
                conv(one, 2, 2, 2, hyper(one, 1, 0, 2, 1), seeds[1]),
                relu(),
                conv(one, 2, 2, 2, hyper(one, 1, 0, 4, groups), seeds[2]),
            ];
            (one, [1, 1, w], layers)
        }
        NetLevel::Transposed => {
            // An even side 2n halves to n (3x3 at stride 2 with padding 1, or
            // 3x3 with padding 1 then a 2x2 pool), and a transposed layer at
            // stride 2 brings back 2n: (n-1)·2 - 2p + (k-1) + output_padding + 1.
            let n = rng.range(3, 5);
            let f = rng.range(2, 4);
            let mut layers = if rng.range(0, 1) == 0 {
                vec![conv(two, 1, f, 3, hyper(two, 2, 1, 1, 1), seeds[0]), relu()]
            } else {
                vec![conv(two, 1, f, 3, hyper(two, 1, 1, 1, 1), seeds[0]), relu(), pool(PoolKind::Max, two, 2, 2, 0)]
            };
            let k = rng.range(2, 3);
            let up = Hyper { output_padding: both(two, k - 2), ..hyper(two, 2, k - 2, 1, 1) };
            layers.push(seeded_conv(Op::ConvTranspose2d, f, 1, k, up, seeds[1]));
            (two, [1, 2 * n, 2 * n], layers)
        }
    };
    let input = Array3::from_shape_simple_fn((c, h, w), || rng.value());
    (dims, input, layers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets;

    fn lenet() -> Network {
        let d = Document::parse(&presets::document("net-lenet").unwrap_or_default()).expect("the example opens");
        d.stack.network(d.problem.dims(), &d.problem.input)
    }

    fn q(quiz: NetQuiz, layer: usize) -> NetQuestion {
        NetQuestion { quiz, layer }
    }

    #[test]
    fn lenet_asks_every_shape_the_window_layers_fields_and_the_convolutions_parameters() {
        let net = lenet();
        let rows = net.summary();
        let list = questions(&net, &rows);
        use NetQuiz::*;
        #[rustfmt::skip]
        let want = vec![
            q(Shape, 1), q(ReceptiveField, 1), q(Params, 1),
            q(Shape, 2),
            q(Shape, 3), q(ReceptiveField, 3),
            q(Shape, 4), q(ReceptiveField, 4), q(Params, 4),
            q(Shape, 5),
            q(Shape, 6), q(ReceptiveField, 6),
        ];
        assert_eq!(list, want);
        // By hand: 32 - 5 + 1 = 28; 28 / 2 = 14; 14 - 5 + 1 = 10, 5.
        // Fields: 5; 5 + (2 - 1)·1·1 = 6; 6 + 4·1·2 = 14; 14 + 1·1·2 = 16.
        // Parameters: 6·1·5·5 + 6 = 156; 16·6·5·5 + 16 = 2416.
        let a = |quiz, layer| answer(&rows, Dims::Two, q(quiz, layer));
        assert_eq!(a(Shape, 1), Some(vec![6, 28, 28]));
        assert_eq!(a(Shape, 3), Some(vec![6, 14, 14]));
        assert_eq!(a(Shape, 6), Some(vec![16, 5, 5]));
        assert_eq!(a(ReceptiveField, 3), Some(vec![6, 6]));
        assert_eq!(a(ReceptiveField, 4), Some(vec![14, 14]));
        assert_eq!(a(ReceptiveField, 6), Some(vec![16, 16]));
        assert_eq!(a(Params, 1), Some(vec![156]));
        assert_eq!(a(Params, 4), Some(vec![2416]));
        assert_eq!(a(Shape, 0), None, "the input is not asked");
        assert_eq!(a(Shape, 7), None);
    }

    #[test]
    fn a_1d_stack_asks_c_and_w_and_a_single_field() -> Result<(), crate::model::document::DocumentError> {
        let d = Document::parse(&presets::document("net-causal").unwrap_or_default())?;
        let net = d.stack.network(Dims::One, &d.problem.input);
        let rows = net.summary();
        assert_eq!(NetQuiz::Shape.axes(Dims::One), ["C", "W"]);
        assert_eq!(NetQuiz::ReceptiveField.axes(Dims::One), ["R"]);
        // Layer 1 pads (1, 0): 1x17; layer 8, the last 2-tap at dilation 8: 2x16, field 16.
        assert_eq!(answer(&rows, Dims::One, q(NetQuiz::Shape, 1)), Some(vec![1, 17]));
        assert_eq!(answer(&rows, Dims::One, q(NetQuiz::ReceptiveField, 8)), Some(vec![16]));
        // Padding keeps the field: not asked.
        assert!(!questions(&net, &rows).contains(&q(NetQuiz::ReceptiveField, 1)));
        Ok(())
    }

    #[test]
    fn past_a_transposed_layer_no_field_is_asked() -> Result<(), crate::model::document::DocumentError> {
        let d = Document::parse(&presets::document("net-autoencoder").unwrap_or_default())?;
        let net = d.stack.network(Dims::Two, &d.problem.input);
        let rows = net.summary();
        let list = questions(&net, &rows);
        assert!(list.contains(&q(NetQuiz::ReceptiveField, 3)));
        assert!(list.iter().all(|x| x.quiz != NetQuiz::ReceptiveField || x.layer < 5), "{list:?}");
        assert!(list.contains(&q(NetQuiz::Params, 5)) && list.contains(&q(NetQuiz::Shape, 7)));
        assert_eq!(answer(&rows, Dims::Two, q(NetQuiz::ReceptiveField, 5)), None);
        Ok(())
    }

    #[test]
    fn answers_are_checked_axis_by_axis_as_whole_numbers() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let axes = NetQuiz::Shape.axes(Dims::Two);
        assert_eq!(check(&t(&["6", " 28", "28 "]), &[6, 28, 28], axes), NetVerdict::Right);
        assert_eq!(check(&t(&["6", "28", "27"]), &[6, 28, 28], axes), NetVerdict::Wrong);
        assert_eq!(check(&t(&["7", "28", "28"]), &[6, 28, 28], axes), NetVerdict::Wrong);
        assert_eq!(
            check(&t(&["6", "28"]), &[6, 28, 28], axes),
            NetVerdict::NotANumber("W: empty: type a number".into())
        );
        assert!(
            matches!(check(&t(&["6", "2.5", "28"]), &[6, 28, 28], axes), NetVerdict::NotANumber(m) if m.starts_with("H:"))
        );
        assert!(
            matches!(check(&t(&["-6", "28", "28"]), &[6, 28, 28], axes), NetVerdict::NotANumber(m) if m.starts_with("C:"))
        );
        assert_eq!(check(&t(&["156"]), &[156], NetQuiz::Params.axes(Dims::Two)), NetVerdict::Right);
    }

    #[test]
    fn the_table_hides_what_is_not_answered_and_a_relu_follows_the_field_above_it() {
        let net = lenet();
        let rows = net.summary();
        let none = hidden(&net, &rows, &[]);
        assert_eq!(none[0], Hidden::default(), "the input shows");
        assert_eq!(none[1], Hidden { shape: true, params: true, macs: true, rf: true });
        // The ReLU (layer 2): its own shape is asked; it has no parameters; its field is layer 1's.
        assert_eq!(none[2], Hidden { shape: true, params: false, macs: true, rf: true });
        let some = hidden(&net, &rows, &[q(NetQuiz::ReceptiveField, 1), q(NetQuiz::Shape, 2)]);
        assert_eq!(some[1], Hidden { shape: true, params: true, macs: true, rf: false });
        assert_eq!(some[2], Hidden { shape: false, params: false, macs: false, rf: false });
        // The shape alone does not show the multiply-adds of a convolution: with them, its weights.
        let shape = hidden(&net, &rows, &[q(NetQuiz::Shape, 1)]);
        assert_eq!(shape[1], Hidden { shape: false, params: true, macs: true, rf: true });
        let all = questions(&net, &rows);
        assert!(hidden(&net, &rows, &all).iter().all(|h| *h == Hidden::default()));
    }

    #[test]
    fn next_goes_round_to_the_first_question_not_yet_shown() {
        let list = [q(NetQuiz::Shape, 1), q(NetQuiz::Params, 1), q(NetQuiz::Shape, 2)];
        assert_eq!(current(None, &list, &[]), Some(list[0]));
        assert_eq!(current(None, &list, &[list[0]]), Some(list[1]));
        assert_eq!(current(Some(list[0]), &list, &[list[0]]), Some(list[0]), "a picked question stays");
        assert_eq!(current(Some(q(NetQuiz::Shape, 9)), &list, &[]), Some(list[0]), "one no longer asked goes");
        assert_eq!(next(Some(list[0]), &list, &[list[1]]), Some(list[2]));
        assert_eq!(next(Some(list[2]), &list, &[list[2]]), Some(list[0]));
        assert_eq!(next(Some(list[2]), &list, &list), Some(list[0]), "all shown: the one after");
        assert_eq!(next(None, &[], &[]), None);
    }

    /// Whether `d` is a document a link could carry: its own checks pass, it
    /// reads back the same, and every layer has a row (every question an answer).
    fn valid(d: &Document) -> bool {
        let reread = Document::parse(&d.to_json());
        let net = d.stack.network(d.problem.dims(), &d.problem.input);
        let rows = net.summary();
        let answered = questions(&net, &rows).iter().all(|&x| answer(&rows, d.problem.dims(), x).is_some());
        d.validate().is_ok() && reread.as_ref() == Ok(d) && rows.len() == d.stack.layers.len() + 1 && answered
    }

    #[test]
    fn every_drawn_stack_is_valid() {
        const SEEDS: u64 = 2000;
        for level in NetLevel::ALL {
            let good = (0..SEEDS).filter(|&s| valid(&generate(level, s))).count();
            println!(
                "{}: {good} of {SEEDS} drawn stacks valid ({:.1}%)",
                level.title(),
                100.0 * good as f64 / SEEDS as f64
            );
            assert_eq!(good, SEEDS as usize, "{}", level.title());
        }
    }

    #[test]
    fn each_level_draws_what_it_teaches() {
        let convs = |d: &Document| -> Vec<crate::conv::network::ConvLayer> {
            d.stack
                .layers
                .iter()
                .filter_map(|e| if let Layer::Conv(c) = &e.layer { Some(c.clone()) } else { None })
                .collect()
        };
        let mut one_d = 0;
        for s in 0..200 {
            let d = generate(NetLevel::ConvReluPool, s);
            assert!(matches!(d.stack.layers.last().map(|e| &e.layer), Some(Layer::Pool(_))));
            assert!(d.view.practice && d.view.view == View::Network);
            let d = generate(NetLevel::StridesPadding, s);
            let first = &convs(&d)[0].hyper;
            assert!(first.stride[1] > 1 || first.padding[1] > 0, "seed {s}: {first:?}");
            let d = generate(NetLevel::DilationGroups, s);
            assert!(convs(&d).iter().any(|c| c.hyper.dilation[1] > 1), "seed {s}");
            one_d += usize::from(d.problem.dims() == Dims::One);
            let d = generate(NetLevel::Transposed, s);
            assert!(convs(&d).iter().any(|c| c.op.is_transposed()));
            let (_, h, w) = d.problem.input.dim();
            let net = d.stack.network(Dims::Two, &d.problem.input);
            assert_eq!(
                net.summary().last().map(|r| r.shape),
                Some([1, h, w]),
                "the transposed layer brings the size back"
            );
        }
        assert!((40..160).contains(&one_d), "level 3 draws 1D and 2D stacks: {one_d} of 200 1D");
        assert_eq!(generate(NetLevel::Transposed, 5), generate(NetLevel::Transposed, 5));
        assert_ne!(generate(NetLevel::ConvReluPool, 1), generate(NetLevel::ConvReluPool, 2));
    }
}
