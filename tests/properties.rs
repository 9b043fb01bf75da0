//! Property tests: every operation of the core against the naive loop
//! references in `common`, on small integer problems (so results must match
//! exactly, up to summation order), plus the identities that tie them together.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::full_trace;
use convscope::conv::params::{conv_output_size, transposed_output_size};
use convscope::conv::transposed::MATRIX_FORM_LIMIT;
use convscope::conv::{
    Backward, ConvError, Forward, Hyper, Im2col, MatrixForm, Op, PaddingMode, PaddingRule, Problem, Transposed,
    ZeroInsertedConv,
};
use ndarray::{Array1, Array3, Array4};
use proptest::prelude::*;

const TOL: f64 = 1e-9;

fn close<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>, b: &ndarray::Array<f64, D>) -> bool {
    a.shape() == b.shape() && a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() <= TOL * (1.0 + y.abs()))
}

fn ints(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-3i32..=3).prop_map(f64::from), len)
}

/// A small direct-convolution problem.
#[derive(Debug, Clone)]
struct ConvCase {
    problem: Problem,
}

impl ConvCase {
    fn x(&self) -> &Array3<f64> {
        &self.problem.input
    }
    fn w(&self) -> &Array4<f64> {
        &self.problem.weight
    }
    fn b(&self) -> Option<&Array1<f64>> {
        self.problem.bias.as_ref()
    }
    fn p(&self) -> &Hyper {
        &self.problem.hyper
    }
    /// The same problem with other tensors.
    fn with(&self, x: &Array3<f64>, w: &Array4<f64>, b: Option<&Array1<f64>>) -> Problem {
        Problem { input: x.clone(), weight: w.clone(), bias: b.cloned(), ..self.problem.clone() }
    }
}

fn mode() -> impl Strategy<Value = PaddingMode> {
    prop_oneof![
        Just(PaddingMode::Zeros),
        Just(PaddingMode::Reflect),
        Just(PaddingMode::Replicate),
        Just(PaddingMode::Circular)
    ]
}

fn conv_case(modes: BoxedStrategy<PaddingMode>, allow_flip: bool) -> impl Strategy<Value = ConvCase> {
    (
        1usize..=2,      // groups
        1usize..=2,      // channels per group
        1usize..=2,      // filters per group
        prop::bool::ANY, // 1D?
        (1usize..=6, 1usize..=6),
        (1usize..=3, 1usize..=3),
        (1usize..=3, 1usize..=3, 0usize..=2, 0usize..=2, 1usize..=2, 1usize..=2),
        modes,
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_flat_map(move |(g, cg, fg, one_d, (h, w), (kh, kw), (sh, sw, ph, pw, dh, dw), mode, flip, bias)| {
            let (h, kh, sh, ph, dh) = if one_d { (1, 1, 1, 0, 1) } else { (h, kh, sh, ph, dh) };
            let (c, f) = (g * cg, g * fg);
            (ints(c * h * w), ints(f * cg * kh * kw), ints(f)).prop_map(move |(xv, wv, bv)| ConvCase {
                problem: Problem {
                    op: if one_d { Op::Conv1d } else { Op::Conv2d },
                    input: Array3::from_shape_vec((c, h, w), xv).expect("shape"),
                    weight: Array4::from_shape_vec((f, cg, kh, kw), wv).expect("shape"),
                    bias: bias.then(|| Array1::from_vec(bv.clone())),
                    hyper: Hyper {
                        stride: [sh, sw],
                        padding: [ph, pw],
                        dilation: [dh, dw],
                        groups: g,
                        padding_mode: mode,
                        flip: flip && allow_flip,
                        ..Hyper::default()
                    },
                    grad_output: None,
                },
            })
        })
}

/// Some cases with `padding='same'` (stride 1, as torch requires) or `'valid'`.
fn any_padding(cases: impl Strategy<Value = ConvCase>) -> impl Strategy<Value = ConvCase> {
    (cases, 0usize..4).prop_map(|(mut case, pick)| {
        let rule = [PaddingRule::Same, PaddingRule::Valid, PaddingRule::Explicit, PaddingRule::Explicit][pick];
        case.problem.hyper.padding_rule = rule;
        if rule == PaddingRule::Same {
            case.problem.hyper.stride = [1, 1];
        }
        case
    })
}

fn reference(problem: &Problem) -> Array3<f64> {
    let p = &problem.hyper;
    let (_, _, kh, kw) = problem.weight.dim();
    // "same" as torch's docs describe it: d(k-1) cells per axis, the odd one after. The naive
    // loops pad symmetrically, so they pad the larger side on both and drop the first
    // `shift` rows/columns (stride 1): what is left starts `before` cells above the input.
    let (padding, shift) = match p.padding_rule {
        PaddingRule::Explicit => (p.padding, [0, 0]),
        PaddingRule::Valid => ([0, 0], [0, 0]),
        PaddingRule::Same => {
            let total = [p.dilation[0] * (kh - 1), p.dilation[1] * (kw - 1)];
            let after = total.map(|t| t - t / 2);
            (after, [after[0] - total[0] / 2, after[1] - total[1] / 2])
        }
    };
    let full = common::conv2d(
        &problem.input,
        &problem.weight,
        problem.bias.as_ref(),
        &common::Conv {
            stride: p.stride,
            padding,
            dilation: p.dilation,
            groups: p.groups,
            mode: p.padding_mode,
            flip: p.flip,
        },
    );
    full.slice(ndarray::s![.., shift[0].., shift[1]..]).to_owned()
}

fn is_valid(case: &ConvCase) -> bool {
    case.problem.geometry().is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn direct_trace_and_im2col_match_the_naive_loops(case in any_padding(conv_case(mode().boxed(), true))) {
        prop_assume!(is_valid(&case));
        let expected = reference(&case.problem);
        let fw = Forward::new(&case.problem).expect("valid");
        prop_assert!(close(&fw.output, &expected), "direct {:?} vs naive {expected:?}", fw.output);
        for k in 0..fw.geometry.steps() {
            let step = fw.step(k).expect("in range");
            prop_assert_eq!(fw.geometry.step_of(step.out_index), Some(k));
            prop_assert!((step.result - expected[step.out_index]).abs() < TOL);
        }
        prop_assert!(fw.step(fw.geometry.steps()).is_none());
        let m = Im2col::new(&case.problem).expect("valid");
        prop_assert!(close(&m.output, &expected), "im2col {:?} vs naive {expected:?}", m.output);
    }

    #[test]
    fn output_sizes_follow_the_closed_form(case in conv_case(Just(PaddingMode::Zeros).boxed(), false)) {
        let (c, h, w) = case.x().dim();
        let (f, cg, kh, kw) = case.w().dim();
        let p = case.p();
        let expected = (
            conv_output_size(h, kh, p.stride[0], p.padding[0], p.dilation[0]),
            conv_output_size(w, kw, p.stride[1], p.padding[1], p.dilation[1]),
        );
        match p.conv_geometry(case.problem.dims(), [c, h, w], [f, cg, kh, kw]) {
            Ok(g) => {
                // floor((H + 2p - d(k-1) - 1)/s) + 1, computed in i64.
                let formula = |n: usize, k: usize, s: usize, pad: usize, d: usize| {
                    (n as i64 + 2 * pad as i64 - d as i64 * (k as i64 - 1) - 1).div_euclid(s as i64) + 1
                };
                prop_assert_eq!(g.output[0] as i64, formula(h, kh, p.stride[0], p.padding[0], p.dilation[0]));
                prop_assert_eq!(g.output[1] as i64, formula(w, kw, p.stride[1], p.padding[1], p.dilation[1]));
                prop_assert_eq!((Some(g.output[0]), Some(g.output[1])), expected);
            }
            Err(_) => prop_assert!(expected.0.is_none() || expected.1.is_none()),
        }
    }

    #[test]
    fn transposed_is_the_adjoint_of_direct(
        case in conv_case(Just(PaddingMode::Zeros).boxed(), false),
        seed in ints(16 * 64),
    ) {
        // <conv(x), y> == <x, conv_t(y)> with the same weight; output_padding
        // restores the input size lost to the floor in the output-size formula.
        prop_assume!(is_valid(&case));
        let p = case.p();
        let unbiased = case.with(case.x(), case.w(), None);
        let y_out = Forward::new(&unbiased).expect("valid").output;
        let (f, oh, ow) = y_out.dim();
        let y = Array3::from_shape_fn((f, oh, ow), |(a, b, c)| seed[(a * oh + b) * ow + c]);
        let (_, h, w) = case.x().dim();
        let (_, _, kh, kw) = case.w().dim();
        let op = [
            (h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) % p.stride[0],
            (w + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) % p.stride[1],
        ];
        let transposed = Problem {
            op: case.problem.op.transposed(),
            input: y.clone(),
            weight: case.w().clone(),
            bias: None,
            hyper: Hyper { output_padding: op, ..*p },
            grad_output: None,
        };
        let back = Transposed::new(&transposed).expect("adjoint shape is valid").output;
        prop_assert_eq!(back.dim(), case.x().dim());
        let lhs = common::inner(&y_out, &y);
        let rhs = common::inner(case.x(), &back);
        prop_assert!((lhs - rhs).abs() < TOL * (1.0 + lhs.abs()), "<conv x, y> = {lhs}, <x, conv_t y> = {rhs}");
        // ... and grad_input of the direct convolution is that transposed convolution.
        let grads = Backward::new(&Problem { grad_output: Some(y), ..unbiased }).expect("valid");
        prop_assert!(close(&grads.grad_input, &back));
    }

    #[test]
    fn gradients_match_central_finite_differences(case in any_padding(conv_case(mode().boxed(), true)), seed in ints(16 * 64)) {
        prop_assume!(is_valid(&case));
        let out = Forward::new(&case.problem).expect("valid").output;
        let (f, oh, ow) = out.dim();
        let dy = Array3::from_shape_fn((f, oh, ow), |(a, b, c)| seed[(a * oh + b) * ow + c]);
        // L(x, w, b) = <conv(x, w, b), dY>, so dL/dx = grad_input etc.
        let loss = |x: &Array3<f64>, w: &Array4<f64>, b: Option<&Array1<f64>>| {
            common::inner(&reference(&case.with(x, w, b)), &dy)
        };
        let with_dy = Problem { grad_output: Some(dy.clone()), ..case.problem.clone() };
        let grads = Backward::new(&with_dy).expect("valid");
        let (x0, w0, b0) = (case.x(), case.w(), case.b());
        let eps = 0.5;
        for (idx, g) in grads.grad_input.indexed_iter() {
            let (mut plus, mut minus) = (x0.clone(), x0.clone());
            plus[idx] += eps;
            minus[idx] -= eps;
            let numeric = (loss(&plus, w0, b0) - loss(&minus, w0, b0)) / (2.0 * eps);
            prop_assert!((numeric - g).abs() < 1e-6, "grad_input{idx:?}: numeric {numeric}, analytic {g}");
        }
        for (idx, g) in grads.grad_weight.indexed_iter() {
            let (mut plus, mut minus) = (w0.clone(), w0.clone());
            plus[idx] += eps;
            minus[idx] -= eps;
            let numeric = (loss(x0, &plus, b0) - loss(x0, &minus, b0)) / (2.0 * eps);
            prop_assert!((numeric - g).abs() < 1e-6, "grad_weight{idx:?}: numeric {numeric}, analytic {g}");
        }
        let sums: Vec<f64> = (0..f).map(|k| dy.index_axis(ndarray::Axis(0), k).sum()).collect();
        prop_assert_eq!(grads.grad_bias.to_vec(), sums);
        // Each gradient cell is the sum of the terms the trace lists for it.
        for (idx, g) in grads.grad_input.indexed_iter() {
            let sum: f64 = grads.input_terms_of([idx.0, idx.1, idx.2]).iter().map(|t| t.dy * t.w).sum();
            prop_assert!((sum - g).abs() < TOL);
        }
        for (idx, g) in grads.grad_weight.indexed_iter() {
            let sum: f64 = grads.weight_terms_of([idx.0, idx.1, idx.2, idx.3]).iter().map(|t| t.x * t.dy).sum();
            prop_assert!((sum - g).abs() < TOL);
        }
    }

    #[test]
    fn on_demand_traces_equal_the_full_traces(case in any_padding(conv_case(mode().boxed(), true)), seed in ints(16 * 64)) {
        prop_assume!(is_valid(&case));
        let fw = Forward::new(&case.problem).expect("valid");
        let (f, oh, ow) = fw.output.dim();
        let dy = Array3::from_shape_fn((f, oh, ow), |(a, b, c)| seed[(a * oh + b) * ow + c]);
        let problem = Problem { grad_output: Some(dy.clone()), ..case.problem.clone() };
        let steps = full_trace::forward_steps(&problem);
        prop_assert_eq!(steps.len(), fw.geometry.steps());
        for (k, expected) in steps.iter().enumerate() {
            prop_assert_eq!(fw.step(k), Some(expected.clone()));
        }
        let (c, h, w) = case.x().dim();
        for in_index in (0..c).flat_map(|a| (0..h).flat_map(move |b| (0..w).map(move |d| [a, b, d]))) {
            prop_assert_eq!(fw.feeds(in_index), full_trace::feeds(&steps, in_index), "feeds of {:?}", in_index);
        }
        let grads = Backward::new(&problem).expect("valid");
        let (input_terms, weight_terms) = full_trace::gradient_terms(&problem, &steps, &dy);
        for (k, expected) in input_terms.iter().enumerate() {
            let index = grads.input_cell(k).expect("in range");
            prop_assert_eq!(&grads.input_terms_of(index), expected, "grad_input{:?}", index);
        }
        for (k, expected) in weight_terms.iter().enumerate() {
            let index = grads.weight_cell(k).expect("in range");
            prop_assert_eq!(&grads.weight_terms_of(index), expected, "grad_weight{:?}", index);
        }
    }

    #[test]
    fn transposed_forms_match_the_scatter_reference(
        (g, cg, fg) in (1usize..=2, 1usize..=2, 1usize..=2),
        one_d in prop::bool::ANY,
        (h, w, kh, kw) in (1usize..=4, 1usize..=4, 1usize..=3, 1usize..=3),
        (sh, sw, ph, pw, dh, dw, oph, opw) in (1usize..=3, 1usize..=3, 0usize..=2, 0usize..=2, 1usize..=2, 1usize..=2, 0usize..=2, 0usize..=2),
        with_bias in prop::bool::ANY,
        values in ints(140), // x: 0..64, weight: 64..136, bias: 136..140
    ) {
        let (h, kh, sh, ph, dh, oph) = if one_d { (1, 1, 1, 0, 1, 0) } else { (h, kh, sh, ph, dh, oph) };
        let c = g * cg;
        let x = Array3::from_shape_fn((c, h, w), |(a, b, d)| values[(a * h + b) * w + d]);
        let wt = Array4::from_shape_fn((c, fg, kh, kw), |(a, b, i, j)| values[64 + ((a * fg + b) * kh + i) * kw + j]);
        let bias = with_bias.then(|| Array1::from_shape_fn(g * fg, |k| values[136 + k]));
        let hyper = Hyper {
            stride: [sh, sw],
            padding: [ph, pw],
            output_padding: [oph, opw],
            dilation: [dh, dw],
            groups: g,
            ..Hyper::default()
        };
        let op = if one_d { Op::ConvTranspose1d } else { Op::ConvTranspose2d };
        let problem = Problem { op, input: x.clone(), weight: wt.clone(), bias: bias.clone(), hyper, grad_output: None };
        let expected_h = transposed_output_size(h, kh, sh, ph, dh, oph);
        let expected_w = transposed_output_size(w, kw, sw, pw, dw, opw);
        let Ok(trace) = Transposed::new(&problem) else {
            // Invalid only by PyTorch's rules: output_padding too large or nothing left after cropping.
            prop_assert!(oph >= sh.max(dh) || opw >= sw.max(dw) || expected_h.is_none() || expected_w.is_none());
            return Ok(());
        };
        prop_assert_eq!((Some(trace.geometry.output[0]), Some(trace.geometry.output[1])), (expected_h, expected_w));
        let expected = common::conv_transpose2d(&x, &wt, bias.as_ref(), &common::Transpose {
            stride: [sh, sw], padding: [ph, pw], output_padding: [oph, opw], dilation: [dh, dw], groups: g,
        });
        prop_assert!(close(&trace.output, &expected), "scatter {:?} vs naive {expected:?}", trace.output);
        // Overlap lists add up to each output cell.
        for ((f, i, j), y) in trace.output.indexed_iter() {
            let sum: f64 = trace.contributions_of([f, i, j]).iter().map(|t| t.x * t.w).sum::<f64>()
                + bias.as_ref().map_or(0.0, |b| b[f]);
            prop_assert!((sum - y).abs() < TOL);
        }
        // The last partial canvas is the whole canvas.
        prop_assert!(close(&trace.canvas_after(trace.geometry.steps() - 1), &trace.canvas));
        let z = ZeroInsertedConv::new(&problem).expect("valid");
        prop_assert!(close(&z.output, &expected), "zero-inserted {:?} vs naive {expected:?}", z.output);
        let g = trace.geometry;
        match MatrixForm::new(&problem) {
            Ok(m) => {
                let canvas = Array1::from_iter(trace.canvas.iter().copied());
                prop_assert!(close(&m.canvas, &canvas));
            }
            Err(ConvError::TooLarge { count, .. }) => {
                prop_assert!(count > MATRIX_FORM_LIMIT && count == g.steps() * g.canvas_shape().iter().product::<usize>());
            }
            Err(e) => prop_assert!(false, "matrix form: {e}"),
        }
        // On-demand answers equal the old full trace's: every step's
        // placements and every output cell's overlap list.
        let (steps, contributions) = full_trace::scatter(&problem);
        prop_assert_eq!(steps.len(), g.steps());
        for (k, expected_step) in steps.iter().enumerate() {
            prop_assert_eq!(trace.step(k), Some(expected_step.clone()));
        }
        for ((f, i, j), _) in trace.output.indexed_iter() {
            let [_, oh, ow] = g.output_shape();
            prop_assert_eq!(&trace.contributions_of([f, i, j]), &contributions[(f * oh + i) * ow + j]);
        }
    }
}
