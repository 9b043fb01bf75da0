//! The practice generator on many seeds at every level: each problem is a
//! valid document within the caps, of its level's kind, with small integer
//! values and integer results, so it can be done by hand (issue #13).
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::{Backward, Dims, Forward, Transposed};
use convscope::model::document::Document;
use convscope::model::practice::{Level, generate};
use convscope::model::view_state::View;
use proptest::prelude::*;

fn integers(values: impl IntoIterator<Item = f64>) -> bool {
    values.into_iter().all(|v| v.fract() == 0.0 && v.abs() < 1e6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn every_level_draws_small_valid_integer_problems(seed in any::<u64>()) {
        for level in Level::ALL {
            let doc = generate(level, seed);
            let p = &doc.problem;
            prop_assert!(doc.validate().is_ok(), "{level:?}: {:?}", doc.validate());
            prop_assert!(p.input.iter().chain(p.weight.iter()).chain(p.bias.iter().flatten()).all(|v| v.fract() == 0.0 && v.abs() <= 3.0));
            prop_assert!(convscope::model::practice::shows_its_level(level, p), "{level:?} without its feature: {:?}", p.hyper);
            let again = Document::parse(&doc.to_json()).ok();
            prop_assert_eq!(again.as_ref(), Some(&doc), "round-trips as a link");
            match level {
                Level::OneD => {
                    prop_assert_eq!(p.dims(), Dims::One);
                    prop_assert_eq!((p.hyper.stride[1], p.hyper.padding[1]), (1, 0));
                }
                Level::PaddingStride | Level::DilationGroups => prop_assert_eq!(p.dims(), Dims::Two),
                Level::Transposed => {
                    prop_assert!(p.op.is_transposed());
                    prop_assert!(p.hyper.output_padding[0] < p.hyper.stride[0]);
                    prop_assert_eq!(doc.view.view, View::Transposed);
                }
                Level::Gradients => prop_assert_eq!(doc.view.view, View::Backprop),
            }
            if p.op.is_transposed() {
                let t = Transposed::new(p).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(integers(t.output.iter().copied()));
            } else {
                let f = Forward::new(p).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(integers(f.output.iter().copied()));
                let b = Backward::new(p).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(integers(b.grad_input.iter().chain(b.grad_weight.iter()).copied()));
            }
        }
    }
}

/// A conv2d's output shape `(F, OH, OW)` worked out without the core, or
/// `None` when it breaks a rule: groups divide both channel counts, each
/// filter sees `C/groups` channels, and an output cell is a window position
/// whose dilated kernel (`d(k-1)+1` cells) lies inside the padded input,
/// counted one position at a time.
fn by_hand(p: &convscope::conv::Problem) -> Option<[usize; 3]> {
    let (c, h, w) = p.input.dim();
    let (f, per_group, kh, kw) = p.weight.dim();
    let q = &p.hyper;
    let g = q.groups;
    if g == 0 || c % g != 0 || f % g != 0 || per_group != c / g {
        return None;
    }
    let windows = |n: usize, k: usize, axis: usize| {
        let (s, pad, d) = (q.stride[axis], q.padding[axis], q.dilation[axis]);
        (0..).take_while(|&o: &usize| o * s + d * (k - 1) < n + 2 * pad).count()
    };
    let (oh, ow) = (windows(h, kh, 0), windows(w, kw, 1));
    (oh > 0 && ow > 0).then_some([f, oh, ow])
}

/// Every question of every walk of a generated problem: its products plus its
/// bias add up to the core's number, exactly (small integers), and it names
/// a cell of the DOM contract.
fn questions_add_up(doc: &Document) -> Result<usize, TestCaseError> {
    use convscope::conv::{ColumnOrder, Im2col, Walk};
    use convscope::model::practice::Question;
    use convscope::model::view_state::GradFocus;
    let p = &doc.problem;
    let fail = |e: convscope::conv::ConvError| TestCaseError::fail(e.to_string());
    let mut questions = Vec::new();
    if p.op.is_transposed() {
        let t = Transposed::new(p).map_err(fail)?;
        questions.extend((0..p.steps(Walk::ZeroInsertedWindows)).map(|s| Question::transposed(&t, s, false)));
    } else {
        let f = Forward::new(p).map_err(fail)?;
        let m = Im2col::new(p).map_err(fail)?;
        let b = Backward::new(p).map_err(fail)?;
        for s in 0..p.steps(Walk::Forward) {
            questions.push(Question::forward(&f, s));
            for order in ColumnOrder::ALL {
                questions.push(Question::im2col(&m, order, s));
            }
        }
        for (focus, walk) in [
            (GradFocus::Input, Walk::GradInput),
            (GradFocus::Weight, Walk::GradWeight),
            (GradFocus::Bias, Walk::GradBias),
        ] {
            questions.extend((0..p.steps(walk)).map(|s| Question::backprop(&b, focus, s)));
        }
        // The transpose of the convolution, as its "Its transpose" tab asks it.
        let t = Transposed::new(&f.transpose_problem().map_err(fail)?).map_err(fail)?;
        questions.extend((0..p.steps(Walk::ZeroInsertedWindows)).map(|s| Question::transposed(&t, s, true)));
    }
    for q in &questions {
        let q = q.as_ref().ok_or_else(|| TestCaseError::fail("a step without a question"))?;
        let sum: f64 = (0..q.products.len()).filter_map(|k| q.product(k)).sum::<f64>() + q.bias.unwrap_or(0.0);
        prop_assert_eq!(sum, q.expected, "{}: {:?}", q.label, q.products);
        prop_assert!(q.expected.fract() == 0.0);
        prop_assert!(!q.index.is_empty() && !q.label.is_empty());
    }
    Ok(questions.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(100)
    ))]

    #[test]
    fn every_question_is_the_sum_of_its_products(seed in any::<u64>()) {
        for level in Level::ALL {
            let asked = questions_add_up(&generate(level, seed))?;
            prop_assert!(asked > 0);
        }
    }

    /// "Is this combination possible?": the answer agrees with the rules
    /// checked by hand here and with the windows counted one by one, and a
    /// possible one computes an output of that shape.
    #[test]
    fn combinations_are_answered_right(seed in any::<u64>()) {
        use convscope::model::practice::Combination;
        let c = Combination::draw(seed);
        let p = &c.problem;
        prop_assert_eq!(
            (p.op, p.hyper.padding_mode, p.hyper.output_padding, p.hyper.flip),
            (convscope::conv::Op::Conv2d, convscope::conv::PaddingMode::Zeros, [0, 0], false),
            "a combination is a plain conv2d"
        );
        let expected = by_hand(p);
        prop_assert_eq!(c.answer.as_ref().ok(), expected.as_ref(), "{}", c.describe());
        if let Some(shape) = expected {
            let f = Forward::new(p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (a, b, d) = f.output.dim();
            prop_assert_eq!([a, b, d], shape);
        }
        prop_assert!(!c.describe().is_empty());
    }
}

#[test]
fn about_half_the_combinations_are_possible() {
    use convscope::model::practice::Combination;
    let possible = (0..1000u64).filter(|&s| Combination::draw(s).answer.is_ok()).count();
    assert!((250..=750).contains(&possible), "{possible} of 1000 possible");
}
