//! Practice mode's plain parts (issue #13): problems drawn at a level, with
//! small integers so the arithmetic can be done by hand, and the check of a
//! learner's answer. The views that ask for answers build on these.

use ndarray::{Array1, Array3, Array4};

use crate::conv::pool::{PoolGeometry, PoolKind, Winners};
use crate::conv::{Backward, ConvError, Dims, Forward, Hyper, Im2col, Op, Problem, Transposed};
use crate::model::document::{self, Document};
use crate::model::format;
use crate::model::input_text::parse_number;
use crate::model::view_state::{View, ViewState};

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

/// One factor of a product, named as the views name it (`x[0,1]`, `dy[2,0]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub label: String,
    pub value: f64,
}

/// How a question's terms make its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Combine {
    /// The products summed (a convolution's window, a gradient).
    #[default]
    Sum,
    /// The largest of the terms (max pooling's window; one factor each).
    Max,
    /// The terms summed, then divided by this (average pooling's divisor).
    Mean(usize),
}

/// One number practice asks for, and what it is made of: the products the
/// core's trace lists for it, in the same order, plus a bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// `data-practice`: the matrix name of the DOM contract (`output`, `im2col_product`, `grad_input`, ...).
    pub matrix: &'static str,
    /// `data-index`: the cell's indices in its tensor's axis order.
    pub index: Vec<usize>,
    /// The cell as the equations name it, `y[0,1]`.
    pub label: String,
    /// The core's number for the cell.
    pub expected: f64,
    /// The products that add up to it: two factors each (one for a sum of
    /// upstream gradients, such as `db`).
    pub products: Vec<Vec<Factor>>,
    /// A bias added after the products.
    pub bias: Option<f64>,
    /// How the products make the number: summed, or a pooling window's max or mean.
    pub combine: Combine,
    /// What the sum is, in words ("the window's products").
    pub what: String,
    /// The first hint: where the factors are on screen.
    pub locate: String,
}

impl Question {
    /// Product `k`'s value.
    pub fn product(&self, k: usize) -> Option<f64> {
        self.products.get(k).map(|f| f.iter().map(|x| x.value).product())
    }

    /// `x[0,1]*w[0,0]`: product `k` by its factors' names.
    pub fn product_label(&self, k: usize) -> String {
        self.products
            .get(k)
            .map(|f| f.iter().map(|x| x.label.as_str()).collect::<Vec<_>>().join("*"))
            .unwrap_or_default()
    }

    /// `1*(-2)`: product `k` with its numbers.
    pub fn product_numbers(&self, k: usize) -> String {
        self.products
            .get(k)
            .map(|f| f.iter().map(|x| format::factor(x.value)).collect::<Vec<_>>().join("*"))
            .unwrap_or_default()
    }

    /// The second hint: the first product with its numbers (a pooling
    /// window: its first value).
    pub fn first_hint(&self) -> String {
        match (self.combine, self.product(0)) {
            (Combine::Sum, Some(v)) => {
                format!("First product: {} = {} = {}", self.product_label(0), self.product_numbers(0), format::short(v))
            }
            (Combine::Sum, None) if self.bias.is_some() => "No products: only the bias.".into(),
            (Combine::Sum, None) => "Nothing is added here: it is 0.".into(),
            (_, Some(v)) => format!("The window's first value: {} = {}", self.product_label(0), format::short(v)),
            (_, None) => "The window holds no input value.".into(),
        }
    }

    /// The third hint: every term with its numbers, combined as the number is.
    pub fn all_hint(&self) -> String {
        let numbers: Vec<String> = (0..self.products.len()).map(|k| self.product_numbers(k)).collect();
        let bias = self.bias.map(|b| format!(" + bias {}", format::factor(b))).unwrap_or_default();
        match self.combine {
            Combine::Sum => format!("All products: {}{bias}", format::sum(&numbers)),
            Combine::Max => format!("All values: max({})", format::sum(&numbers).replace(" + ", ", ")),
            Combine::Mean(d) => format!("All values: ({}) / {d}", format::sum(&numbers)),
        }
    }

    /// After a wrong answer: how to find the slip (`reveal`: the link allows revealing).
    pub fn after_wrong(&self, answer: &str, reveal: bool) -> String {
        let then = if reveal { ", take a hint, or reveal" } else { " or take a hint" };
        match self.combine {
            Combine::Sum => {
                format!("Not {answer}. Work out each product below to find the one that is off; then try again{then}.")
            }
            Combine::Max => format!("Not {answer}. Find the largest value in the window; then try again{then}."),
            Combine::Mean(d) => {
                format!("Not {answer}. Add the window's values and divide by {d}; then try again{then}.")
            }
        }
    }

    /// A pooling layer's output cell of `step` (its window's max or mean):
    /// layer `k` (from 1) of the network, on `input` (C, H, W), the layer's input.
    pub fn pool(g: &PoolGeometry, input: &Array3<f64>, step: usize, k: usize) -> Option<Question> {
        let dims = g.pool.dims;
        let s = g.step(input, step)?;
        let [c, oi, oj] = s.out_index;
        let lead = [c];
        let lead = (g.channels > 1).then_some(&lead[..]);
        let products = s
            .cells
            .iter()
            .map(|&(p, value)| vec![Factor { label: format::label("x", dims, lead, p), value }])
            .collect();
        let (combine, what) = match s.divisor {
            None if g.pool.padding == [0, 0] => (Combine::Max, "the largest value of its window".to_string()),
            None => (Combine::Max, "the largest value of its window (padding never wins)".to_string()),
            Some(d) => (Combine::Mean(d), format!("its window's values summed and divided by {d}")),
        };
        let padded = if g.pool.padding == [0, 0] { "input" } else { "padded input" };
        let at = format::position(dims, s.start);
        Some(Question {
            matrix: "pool_output",
            index: cell_index(dims, &[c], [oi, oj]),
            label: format::label(&format!("y{k}"), dims, lead, [oi, oj]),
            expected: s.value,
            products,
            bias: None,
            combine,
            what,
            locate: format!("The window starts at {at} of the {padded} (outlined)."),
        })
    }

    /// A pooling layer's input cell of `step` in its gradient walk: `dx`
    /// when every output's gradient is 1, the sum of what the windows over
    /// it pass back (max pooling: 1 from each window it won; average: 1/divisor).
    pub fn pool_grad(g: &PoolGeometry, winners: Option<&Winners>, step: usize) -> Option<Question> {
        let dims = g.pool.dims;
        let cell = crate::conv::index::unravel(step, g.input_shape())?;
        let [c, i, j] = cell;
        let lead = [c];
        let lead = (g.channels > 1).then_some(&lead[..]);
        let dy = |out: [usize; 2]| format::label("dy", dims, lead, out);
        let products = g
            .grad_terms(winners, cell)
            .iter()
            .filter(|t| t.routed)
            .map(|t| {
                let label = match t.divisor {
                    Some(d) => format!("{}/{d}", dy(t.out)),
                    None => dy(t.out),
                };
                vec![Factor { label, value: t.share }]
            })
            .collect();
        let (what, locate) = if g.pool.kind == PoolKind::Max {
            ("1 from each window whose max it is (every dy is 1)", "The windows over it are outlined in the output.")
        } else {
            ("1/divisor from each window over it (every dy is 1)", "The windows over it are outlined in the output.")
        };
        Some(Question {
            matrix: "pool_grad_input",
            index: cell_index(dims, &[c], [i, j]),
            label: format::label("dx", dims, lead, [i, j]),
            expected: g.grad_input_ones(winners)[cell],
            products,
            bias: None,
            combine: Combine::Sum,
            what: what.into(),
            locate: locate.into(),
        })
    }

    /// The sliding window's output cell of `step`.
    pub fn forward(t: &Forward, step: usize) -> Option<Question> {
        let s = t.step(step)?;
        let g = &t.geometry;
        let many = g.in_channels > 1 || g.out_channels > 1;
        let [f, oi, oj] = s.out_index;
        let products = s
            .terms
            .iter()
            .map(|term| {
                let x = match term.source {
                    Some(pos) => format::label("x", g.dims, many.then_some(&[term.channel][..]), pos),
                    None => "pad".to_string(),
                };
                let [wf, wc, ki, kj] = term.weight_index;
                let w = format::label("w", g.dims, many.then_some(&[wf, wc][..]), [ki, kj]);
                vec![Factor { label: x, value: term.x }, Factor { label: w, value: term.w }]
            })
            .collect();
        let padded = if !g.is_padded() { "input" } else { "padded input" };
        let at = format::position(g.dims, s.window);
        Some(Question {
            matrix: "output",
            index: cell_index(g.dims, &[f], [oi, oj]),
            label: format::label("y", g.dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj]),
            expected: s.result,
            products,
            bias: s.has_bias.then_some(s.bias),
            combine: Combine::Sum,
            what: "the sum of the window's products".into(),
            locate: format!("The window is at {at} of the {padded} (outlined)."),
        })
    }

    /// im2col: entry `(row, f)` of the product X\u{0302}W for the window step
    /// `step`, its columns named in the order shown.
    pub fn im2col(m: &Im2col, order: crate::conv::ColumnOrder, step: usize) -> Option<Question> {
        let g = &m.geometry;
        let [f, oi, oj] = g.out_index_of(step)?;
        let row = m.row_of([oi, oj])?;
        let group = m.group_columns(g.group_of_filter(f));
        let products = m
            .columns(order)
            .into_iter()
            .enumerate()
            .filter(|(_, col)| group.contains(col))
            .map(|(k, col)| {
                vec![
                    Factor { label: format!("X[{row},{k}]"), value: m.patches[[row, col]] },
                    Factor { label: format!("W[{k},{f}]"), value: m.weights[[col, f]] },
                ]
            })
            .collect();
        Some(Question {
            matrix: "im2col_product",
            index: vec![row, f],
            label: format!("(X\u{0302}W)[{row},{f}]"),
            expected: m.product[[row, f]],
            products,
            bias: None,
            combine: Combine::Sum,
            what: format!("row {row} of X\u{0302} times column {f} of W, entry by entry, summed"),
            locate: format!("Row {row} of X\u{0302} and column {f} of W are outlined."),
        })
    }

    /// The transposed convolution's output cell number `step` (row-major over
    /// `(F, OH, OW)`): the overlap sum of the kernel copies that reach it.
    /// `of_conv`: the transpose of a convolution, whose input is that
    /// convolution's output y and whose output (the input's shape) is z.
    pub fn transposed(t: &Transposed, step: usize, of_conv: bool) -> Option<Question> {
        let (x_name, y_name) = crate::model::equation::transposed_names(of_conv);
        let g = &t.geometry;
        let [f, oi, oj] = crate::conv::index::unravel(step, g.output_shape())?;
        let many = g.in_channels > 1 || g.out_channels > 1;
        let products = t
            .contributions_of([f, oi, oj])
            .iter()
            .map(|k| {
                let [c, i, j] = k.in_index;
                let [_, fl, ki, kj] = k.weight_index;
                vec![
                    Factor { label: format::label(x_name, g.dims, many.then_some(&[c][..]), [i, j]), value: k.x },
                    Factor { label: format::label("w", g.dims, many.then_some(&[c, fl][..]), [ki, kj]), value: k.w },
                ]
            })
            .collect();
        Some(Question {
            matrix: "output",
            index: cell_index(g.dims, &[f], [oi, oj]),
            label: format::label(y_name, g.dims, (g.out_channels > 1).then_some(&[f][..]), [oi, oj]),
            expected: t.output[[f, oi, oj]],
            products,
            bias: t.bias.as_ref().map(|b| b[f]),
            combine: Combine::Sum,
            what: "the overlap sum: every kernel copy that lands on this cell, input value times weight".into(),
            locate: "The input cells whose copies land here are outlined.".into(),
        })
    }

    /// Backprop: `grad_input`, `grad_weight` or `grad_bias` cell number `step`.
    pub fn backprop(b: &Backward, gradient: crate::model::view_state::GradFocus, step: usize) -> Option<Question> {
        use crate::model::view_state::GradFocus;
        let g = &b.forward.geometry;
        let dims = g.dims;
        let many = g.in_channels > 1 || g.out_channels > 1;
        let dy = |[f, i, j]: [usize; 3]| format::label("dy", dims, many.then_some(&[f][..]), [i, j]);
        match gradient {
            GradFocus::Input => {
                let [c, i, j] = b.input_cell(step)?;
                let products = b
                    .input_terms_of([c, i, j])
                    .iter()
                    .map(|t| {
                        let [wf, wc, ki, kj] = t.weight_index;
                        vec![
                            Factor { label: dy(t.out_index), value: t.dy },
                            Factor {
                                label: format::label("w", dims, many.then_some(&[wf, wc][..]), [ki, kj]),
                                value: t.w,
                            },
                        ]
                    })
                    .collect();
                Some(Question {
                    matrix: "grad_input",
                    index: cell_index(dims, &[c], [i, j]),
                    label: format!("dL/d{}", format::label("x", dims, many.then_some(&[c][..]), [i, j])),
                    expected: b.grad_input[[c, i, j]],
                    products,
                    bias: None,
                    combine: Combine::Sum,
                    what: "for every window that read this cell, dY there times the weight it met, summed".into(),
                    locate: "The dY cells and weights that meet here are outlined.".into(),
                })
            }
            GradFocus::Weight => {
                let index = b.weight_cell(step)?;
                let [f, cl, ki, kj] = index;
                let products = b
                    .weight_terms_of(index)
                    .iter()
                    .map(|t| {
                        let x = match t.source {
                            Some(pos) => format::label("x", dims, many.then_some(&[t.channel][..]), pos),
                            None => "pad".to_string(),
                        };
                        vec![Factor { label: x, value: t.x }, Factor { label: dy(t.out_index), value: t.dy }]
                    })
                    .collect();
                let mut idx = vec![f, cl];
                if dims == Dims::Two {
                    idx.push(ki);
                }
                idx.push(kj);
                Some(Question {
                    matrix: "grad_weight",
                    index: idx,
                    label: format!("dL/d{}", format::label("w", dims, many.then_some(&[f, cl][..]), [ki, kj])),
                    expected: b.grad_weight[index],
                    products,
                    bias: None,
                    combine: Combine::Sum,
                    what: "at every window position, the input under this weight times dY there, summed".into(),
                    locate: "The input cells under this weight and the dY cells are outlined.".into(),
                })
            }
            GradFocus::Bias => {
                let f = step;
                let [_, oh, ow] = g.output_shape();
                (f < g.out_channels).then(|| Question {
                    matrix: "grad_bias",
                    index: vec![f],
                    label: format!("dL/db[{f}]"),
                    expected: b.grad_bias[f],
                    products: (0..oh)
                        .flat_map(|i| (0..ow).map(move |j| [f, i, j]))
                        .map(|o| vec![Factor { label: dy(o), value: b.grad_output[o] }])
                        .collect(),
                    bias: None,
                    combine: Combine::Sum,
                    what: format!("every dY cell of filter {f}, summed"),
                    locate: format!("The dY cells of filter {f} are outlined."),
                })
            }
        }
    }
}

/// `data-index` of an `(N, H, W)` cell: `n,i,j`, or `n,j` in 1D.
fn cell_index(dims: Dims, lead: &[usize], [i, j]: [usize; 2]) -> Vec<usize> {
    let mut v = lead.to_vec();
    if dims == Dims::Two {
        v.push(i);
    }
    v.push(j);
    v
}

/// "Is this combination possible?": a convolution's sizes drawn so that about
/// half cannot be built, with the core's answer (the output shape or its error).
#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub problem: Problem,
    /// `Ok(F, OH, OW)` or the core's own error.
    pub answer: Result<[usize; 3], ConvError>,
}

impl Combination {
    pub fn draw(seed: u64) -> Combination {
        let mut rng = Rng(seed ^ 0xC0B1_4A71_0000_0000);
        let groups = [1, 1, 2, 3][rng.range(0, 3)];
        let c = [1, 2, 3, 4, 6][rng.range(0, 4)];
        let f = [1, 2, 3, 4][rng.range(0, 3)];
        let (h, w) = (rng.range(2, 7), rng.range(2, 7));
        let k = rng.range(1, 5);
        let mut hyper = Hyper { groups, ..Hyper::default() };
        hyper.stride = [rng.range(1, 3); 2];
        hyper.padding = [rng.range(0, 2); 2];
        hyper.dilation = [rng.range(1, 3); 2];
        // Channels per group follow the weight, as in PyTorch: C/groups; an
        // uneven C shows up as the weight's channel count not matching.
        let problem = Problem {
            op: Op::Conv2d,
            input: Array3::zeros((c, h, w)),
            weight: Array4::zeros((f, (c / groups).max(1), k, k)),
            bias: None,
            hyper,
            grad_output: None,
        };
        let answer = problem.operation_geometry().map(|g| g.output_shape());
        Combination { problem, answer }
    }

    /// The combination in words: "input 3x5x5, 2 filters 3x3, stride 2, padding 1, dilation 1, groups 1".
    pub fn describe(&self) -> String {
        let p = &self.problem;
        let (c, h, w) = p.input.dim();
        let (f, cg, kh, kw) = p.weight.dim();
        let hp = &p.hyper;
        format!(
            "input {c}\u{00D7}{h}\u{00D7}{w}; {f} filter(s) of {cg}\u{00D7}{kh}\u{00D7}{kw}; stride {}, padding {}, dilation {}, groups {}",
            hp.stride[0], hp.padding[0], hp.dilation[0], hp.groups
        )
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

    /// The picker's words.
    pub fn title(self) -> &'static str {
        match self {
            Level::OneD => "1. 1D, stride 1, no padding",
            Level::PaddingStride => "2. 2D with padding and stride",
            Level::DilationGroups => "3. Dilation, channels and groups",
            Level::Transposed => "4. Transposed with output_padding",
            Level::Gradients => "5. Gradients",
        }
    }
}

/// SplitMix64: small, fast and good enough to draw exercises and seeded
/// weights (no crate needed); the same seed gives the same numbers everywhere.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A whole number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    /// A small integer value, -2..=3 (more positives: sums stay readable).
    pub(crate) fn value(&mut self) -> f64 {
        self.range(0, 5) as f64 - 2.0
    }
}

/// A problem at `level`, the same for the same `seed`: always valid and
/// within the document's caps, every value a small integer. The view is the
/// level's own (transposed, backprop, or the sliding window), in practice.
pub fn generate(level: Level, seed: u64) -> Document {
    let mut rng = Rng(seed ^ ((level as u64) << 56));
    let view = match level {
        Level::Transposed => View::Transposed,
        Level::Gradients => View::Backprop,
        _ => View::Forward,
    };
    let document = |problem| Document {
        problem,
        view: ViewState { view, practice: true, ..ViewState::default() },
        ..Document::default()
    };
    // Draws until a problem is valid and shows its level's feature (a
    // handful of draws at most; bounded all the same).
    let mut fallback = None;
    for _ in 0..1000 {
        let problem = draw(level, &mut rng);
        if problem.operation_geometry().is_ok() && document::validate(&problem).is_ok() {
            if shows_its_level(level, &problem) {
                return document(problem);
            }
            fallback.get_or_insert(problem);
        }
    }
    document(fallback.unwrap_or_default())
}

/// Whether `problem` has what its level teaches: stride or padding (2),
/// dilation or groups over several channels (3), output_padding (4).
pub fn shows_its_level(level: Level, problem: &Problem) -> bool {
    let h = &problem.hyper;
    match level {
        Level::OneD | Level::Gradients => true,
        Level::PaddingStride => h.stride[0] > 1 || h.padding[0] > 0,
        Level::DilationGroups => (h.dilation[0] > 1 || h.groups > 1) && problem.input.dim().0 > 1,
        Level::Transposed => h.output_padding[0] > 0,
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
            hyper.output_padding = [rng.range(1, stride - 1); 2];
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
