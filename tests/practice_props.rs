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
        for s in 0..p.steps(Walk::Windows) {
            questions.push(Question::forward(&f, s));
            for order in [ColumnOrder::Unfold, ColumnOrder::Tutorial] {
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

    /// "Is this combination possible?" is the core's own answer, and both
    /// answers come up.
    #[test]
    fn combinations_are_answered_by_the_core(seed in any::<u64>()) {
        use convscope::model::practice::Combination;
        let c = Combination::draw(seed);
        prop_assert_eq!(c.answer.clone(), c.problem.operation_geometry().map(|g| g.output_shape()));
        prop_assert!(!c.describe().is_empty());
    }
}

#[test]
fn about_half_the_combinations_are_possible() {
    use convscope::model::practice::Combination;
    let possible = (0..1000u64).filter(|&s| Combination::draw(s).answer.is_ok()).count();
    assert!((250..=750).contains(&possible), "{possible} of 1000 possible");
}
