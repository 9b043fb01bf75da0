//! The practice generator on many seeds at every level: each problem is a
//! valid document within the caps, of its level's kind, with small integer
//! values and integer results, so it can be done by hand (issue #13).
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::{Backward, Dims, Forward, Transposed};
use convscope::document::Document;
use convscope::practice::{Level, generate};
use convscope::view_state::View;
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
