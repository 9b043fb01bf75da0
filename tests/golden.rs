//! Golden values from PyTorch: `tests/golden/pytorch_cases.json`, written by
//! `python tests/golden/gen_pytorch.py` (torch 2.15.0, float64). Each case
//! carries the exact `call` that produced it. The case's parameters are fed
//! through the configuration parser, so the document format is tested too.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::json_array as array;
use convscope::conv::transposed::MATRIX_FORM_LIMIT;
use convscope::conv::{Backward, ConvError, Forward, Im2col, MatrixForm, Transposed, ZeroInsertedConv};
use convscope::model::document::Document;
use ndarray::{Array3, ArrayD};
use serde_json::{Value, json};

fn cases() -> Value {
    let text = include_str!("golden/pytorch_cases.json");
    serde_json::from_str(text).expect("golden file is JSON")
}

/// A configuration document for the case (only the keys the document knows).
fn document(case: &Value) -> String {
    let mut doc = serde_json::Map::new();
    for key in ["op", "input", "weight", "bias", "stride", "padding", "dilation", "groups", "padding_mode", "flip"] {
        if !case[key].is_null() {
            doc.insert(key.into(), case[key].clone());
        }
    }
    if case["op"].as_str().is_some_and(|op| op.starts_with("conv_transpose")) {
        doc.insert("output_padding".into(), case["output_padding"].clone());
    } else if !case["grad_output"].is_null() {
        doc.insert("grad_output".into(), case["grad_output"].clone());
    }
    Value::Object(doc).to_string()
}

/// Compares a stored (2D-form) tensor with PyTorch's (1D form drops the height axis).
fn assert_same(name: &str, what: &str, got: &ArrayD<f64>, expected: &Value, one_d: bool) {
    let expected = array(expected);
    let got = if one_d {
        let axis = ndarray::Axis(got.ndim() - 2);
        got.index_axis(axis, 0).to_owned()
    } else {
        got.clone()
    };
    assert_eq!(got.shape(), expected.shape(), "{name}: {what} shape");
    for (g, e) in got.iter().zip(expected.iter()) {
        assert!((g - e).abs() < 1e-9 * (1.0 + e.abs()), "{name}: {what} {got} != {expected}");
    }
}

#[test]
fn every_pytorch_case_matches() {
    let cases = cases();
    let list = cases["cases"].as_array().expect("cases");
    assert!(list.len() >= 60, "expected the full golden set, got {}", list.len());
    // padding='same' (odd and even kernels, dilation 2, 1D and 2D) and 'valid'.
    let named = |p: &str| list.iter().filter(|c| c["padding"] == p).count();
    assert!(named("same") >= 10 && named("valid") >= 3, "the same/valid cases are missing");
    for case in list {
        let name = case["name"].as_str().expect("name");
        let op = case["op"].as_str().expect("op");
        let one_d = op.ends_with("1d");
        let problem = Document::parse(&document(case)).unwrap_or_else(|e| panic!("{name}: {e}")).problem;
        if op.starts_with("conv_transpose") {
            let t = Transposed::new(&problem).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_same(name, "output", &t.output.clone().into_dyn(), &case["output"], one_d);
            let z = ZeroInsertedConv::new(&problem).expect("valid");
            assert_same(name, "zero-inserted output", &z.output.into_dyn(), &case["output"], one_d);
            let g = t.geometry;
            let entries = g.steps() * g.canvas_shape().iter().product::<usize>();
            match MatrixForm::new(&problem) {
                Ok(m) => {
                    // Cropping the canvas C^T x by the padding, plus bias, gives the output.
                    let canvas = Array3::from_shape_vec(g.canvas_shape(), m.canvas.to_vec()).expect("canvas shape");
                    let [ph, pw] = g.params.padding;
                    let bias = |f: usize| problem.bias.as_ref().map_or(0.0, |b| b[f]);
                    let cropped =
                        Array3::from_shape_fn(g.output_shape(), |(f, i, j)| canvas[[f, i + ph, j + pw]] + bias(f));
                    assert_same(name, "matrix form", &cropped.into_dyn(), &case["output"], one_d);
                }
                Err(ConvError::TooLarge { count, .. }) => {
                    assert!(entries > MATRIX_FORM_LIMIT && count == entries, "{name}: refused at {count}")
                }
                Err(e) => panic!("{name}: {e}"),
            }
        } else {
            let fw = Forward::new(&problem).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_same(name, "output", &fw.output.into_dyn(), &case["output"], one_d);
            let m = Im2col::new(&problem).expect("valid");
            assert_same(name, "im2col output", &m.output.into_dyn(), &case["output"], one_d);
            assert!(problem.grad_output.is_some(), "{name}: golden conv cases carry grad_output");
            let grads = Backward::new(&problem).expect("valid");
            assert_same(name, "grad_input", &grads.grad_input.into_dyn(), &case["grad_input"], one_d);
            assert_same(name, "grad_weight", &grads.grad_weight.into_dyn(), &case["grad_weight"], one_d);
            if !case["grad_bias"].is_null() {
                let gb = grads.grad_bias.into_dyn();
                let expected = array(&case["grad_bias"]);
                assert_eq!(gb, expected, "{name}: grad_bias");
            }
        }
    }
}

#[test]
fn every_combination_pytorch_rejects_is_rejected() {
    let cases = cases();
    for case in cases["invalid"].as_array().expect("invalid") {
        let name = case["name"].as_str().expect("name");
        // Negative numbers do not fit the document's unsigned sizes: a parse error.
        let zeros = |shape: &Value| -> Value {
            let dims: Vec<usize> =
                shape.as_array().expect("shape").iter().map(|d| d.as_u64().expect("dim") as usize).collect();
            fn nest(dims: &[usize]) -> Value {
                match dims.split_first() {
                    None => json!(1),
                    Some((n, rest)) => Value::Array((0..*n).map(|_| nest(rest)).collect()),
                }
            }
            nest(&dims)
        };
        let mut doc = serde_json::Map::new();
        doc.insert("op".into(), case["op"].clone());
        doc.insert("input".into(), zeros(&case["input_shape"]));
        doc.insert("weight".into(), zeros(&case["weight_shape"]));
        for key in ["stride", "padding", "dilation", "groups", "padding_mode", "flip"] {
            if !case[key].is_null() {
                doc.insert(key.into(), case[key].clone());
            }
        }
        if case["op"].as_str().is_some_and(|op| op.starts_with("conv_transpose")) {
            doc.insert("output_padding".into(), case["output_padding"].clone());
        }
        let text = Value::Object(doc).to_string();
        let err = match Document::parse(&text) {
            Ok(_) => panic!("{name}: PyTorch says {:?}, we accepted {text}", case["torch_error"]),
            Err(e) => e,
        };
        // The error names the key a learner has to change (padding[1] for a
        // negative second padding, and so on).
        let expected = match name {
            "inv_reflect_pad_ge_size" | "inv_circular_pad_gt_size" | "inv_transpose_output_empty" => "padding",
            "inv_groups_not_dividing_c" | "inv_groups_not_dividing_f" | "inv_transpose_groups_not_dividing_c" => {
                "groups"
            }
            "inv_weight_channel_mismatch" | "inv_kernel_larger_than_input" => "weight",
            "inv_dilated_kernel_larger" | "inv_dilation_zero" => "dilation",
            "inv_stride_zero" => "stride",
            "inv_negative_padding" | "inv_same_strided" | "inv_same_strided_1d" => "padding",
            "inv_output_padding_ge_stride_and_dilation" | "inv_output_padding_with_stride1" => "output_padding",
            other => panic!("no expectation for the invalid case {other}"),
        };
        assert!(err.path.starts_with(expected), "{name}: error at `{}`, expected `{expected}`: {err}", err.path);
        // "same" with a stride: PyTorch's own words.
        if name.starts_with("inv_same_strided") {
            let torch = case["torch_error"].as_str().expect("torch_error");
            let reason = torch.trim_start_matches("RuntimeError: ");
            assert!(err.message.starts_with(reason), "{name}: {err} does not give PyTorch's reason {torch}");
        }
    }
}
