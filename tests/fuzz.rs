//! Fuzzing on stable Rust with proptest: no input reaches a panic. Each target
//! feeds arbitrary input to one entry point that learners or links reach:
//! the document parser (arbitrary text, and arbitrary JSON shaped like a
//! document), the cell and paste parsers, and the core on arbitrary problems
//! within the caps (the reducer is fuzzed by `state_props.rs`).
//!
//! The test command runs a short pass (proptest's 256 cases per target). The
//! long run is `PROPTEST_CASES=250000 cargo test --release --test fuzz`: four
//! targets, a million inputs in all. A failure found becomes a named test below.
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::{
    Backward, Forward, Hyper, Im2col, MatrixForm, Op, PaddingMode, Problem, Transposed, ZeroInsertedConv,
};
use convscope::model::document::{self, Document};
use convscope::model::input_text::{parse_block, parse_number};
use ndarray::{Array1, Array3, Array4};
use proptest::prelude::*;
use serde_json::{Value, json};

/// JSON values that look like documents: known keys, values of every kind.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-40i64..40).prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON has no NaN/inf", |v| v.is_finite()).prop_map(|v| json!(v)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| prop::collection::vec(inner, 0..8).prop_map(Value::Array))
}

fn document_json() -> impl Strategy<Value = String> {
    const KEYS: [&str; 21] = [
        "op",
        "input",
        "weight",
        "bias",
        "stride",
        "padding",
        "dilation",
        "groups",
        "output_padding",
        "padding_mode",
        "flip",
        "grad_output",
        "view",
        "explain",
        "gradient",
        "order",
        "step",
        "present",
        "practice",
        "x",
        "",
    ];
    prop::collection::vec((prop::sample::select(KEYS.to_vec()), json_value()), 0..10).prop_map(|entries| {
        let mut map = serde_json::Map::new();
        for (k, v) in entries {
            map.insert(k.to_string(), v);
        }
        Value::Object(map).to_string()
    })
}

/// A problem within the caps, often invalid: any op, shapes and hyper-parameters.
fn problem() -> impl Strategy<Value = Problem> {
    (
        prop::sample::select(Op::ALL.to_vec()),
        (1usize..=4, 1usize..=7, 1usize..=7),
        (1usize..=4, 1usize..=4, 1usize..=4, 1usize..=4),
        (0usize..=3, 0usize..=3, 0usize..=3, 0usize..=3),
        (0usize..=3, 0usize..=3, 0usize..=3, 0usize..=3),
        (0usize..=4, prop::sample::select(PaddingMode::ALL.to_vec()), any::<bool>(), any::<bool>(), any::<bool>()),
        any::<u64>(),
    )
        .prop_map(|(op, (c, h, w), (a, b, kh, kw), (sh, sw, ph, pw), (dh, dw, oph, opw), rest, seed)| {
            let (groups, padding_mode, flip, bias, dy) = rest;
            let one_d = op == Op::Conv1d || op == Op::ConvTranspose1d;
            let (h, kh) = if one_d { (1, 1) } else { (h, kh) };
            let value = |k: usize| ((seed.wrapping_mul(k as u64 + 1) >> 7) % 7) as f64 - 3.0;
            let input = Array3::from_shape_fn((c, h, w), |(x, y, z)| value(x * 49 + y * 7 + z));
            let weight = Array4::from_shape_fn((a, b, kh, kw), |(x, y, z, u)| value(x * 64 + y * 16 + z * 4 + u + 7));
            let hyper = Hyper {
                stride: [sh, sw],
                padding: [ph, pw],
                dilation: [dh, dw],
                output_padding: [oph, opw],
                groups,
                padding_mode,
                flip,
            };
            let mut p = Problem { op, input, weight, bias: None, hyper, grad_output: None };
            if let Ok([f, oh, ow]) = p.operation_geometry().map(|g| g.output_shape()) {
                p.bias = bias.then(|| Array1::from_elem(f, 0.5));
                p.grad_output = (dy && !op.is_transposed()).then(|| Array3::from_elem((f, oh, ow), -1.0));
            }
            p
        })
}

proptest! {
    #[test]
    fn any_text_is_a_document_or_an_error(text in ".{0,200}") {
        let _ = Document::parse(&text);
    }

    #[test]
    fn any_json_is_a_document_or_an_error(text in document_json()) {
        if let Ok(doc) = Document::parse(&text) {
            // A document that opens writes itself back and reopens the same.
            prop_assert_eq!(Document::parse(&doc.to_json()).ok(), Some(doc));
        }
    }

    #[test]
    fn any_cell_or_paste_is_read_or_refused(text in "[-0-9eE.,;\\[\\] \\n\\tinfa()x]{0,60}") {
        let _ = parse_number(&text);
        if let Ok(block) = parse_block(&text) {
            prop_assert!(block.values.ndim() <= 4);
        }
    }

    #[test]
    fn any_problem_computes_or_says_why(p in problem()) {
        // Whatever the problem, the core answers with results or a typed error.
        if document::validate(&p).is_err() {
            return Ok(());
        }
        if p.op.is_transposed() {
            let t = Transposed::new(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for k in 0..t.geometry.steps() {
                prop_assert!(t.step(k).is_some());
            }
            for (idx, _) in t.output.indexed_iter() {
                let _ = t.overlap_equation([idx.0, idx.1, idx.2]);
            }
            let _ = (ZeroInsertedConv::new(&p), MatrixForm::new(&p));
        } else {
            let fw = Forward::new(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for k in 0..fw.geometry.steps() {
                prop_assert!(fw.step(k).is_some());
            }
            let b = Backward::new(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (idx, _) in b.grad_input.indexed_iter() {
                let _ = b.input_equation([idx.0, idx.1, idx.2]);
            }
            let _ = (Im2col::new(&p), fw.transpose_problem().map(|t| Transposed::new(&t)));
        }
    }
}
