//! Golden values from PyTorch for the network core:
//! `tests/golden/pytorch_net_cases.json`, written by
//! `python tests/golden/gen_pytorch_net.py` (float64, small integers; each
//! case carries the exact `call` that produced it): pooling with its
//! winners, `F.pad`, `F.relu`, and random stacks of 3-5 layers, every
//! layer's output compared.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::json_array as array;
use convscope::conv::{ConvLayer, Dims, Hyper, Layer, Network, Op, Pad, PaddingMode, PaddingRule, Pool, PoolKind};
use ndarray::{Array1, Array3, Array4};
use serde_json::Value;

fn cases() -> Value {
    serde_json::from_str(include_str!("golden/pytorch_net_cases.json")).expect("golden file is JSON")
}

fn array3(v: &Value) -> Array3<f64> {
    array(v).into_dimensionality().expect("(C, H, W)")
}

fn pair(v: &Value) -> [usize; 2] {
    let a: Vec<usize> = v.as_array().expect("list").iter().map(|n| n.as_u64().expect("int") as usize).collect();
    [a[0], a[1]]
}

fn mode(name: &str) -> PaddingMode {
    match name {
        "zeros" | "constant" => PaddingMode::Zeros,
        "reflect" => PaddingMode::Reflect,
        "replicate" => PaddingMode::Replicate,
        "circular" => PaddingMode::Circular,
        other => panic!("unknown mode {other}"),
    }
}

/// The core's layer for a case's layer object (the generator's keys).
fn layer(v: &Value, dims: Dims) -> Layer {
    let op = v["op"].as_str().expect("op");
    let flag = |key: &str| v[key].as_bool().expect("bool");
    match op {
        "relu" => Layer::Relu,
        "pad" => {
            let a: Vec<usize> =
                v["pad"].as_array().expect("pad").iter().map(|n| n.as_u64().expect("int") as usize).collect();
            Layer::Pad(Pad {
                dims,
                amounts: [a[0], a[1], a[2], a[3]],
                mode: mode(v["mode"].as_str().expect("mode")),
                value: v["value"].as_f64().expect("value"),
            })
        }
        _ if op.contains("pool") => Layer::Pool(Pool {
            kind: if op.starts_with("max") { PoolKind::Max } else { PoolKind::Avg },
            dims,
            kernel: pair(&v["kernel_size"]),
            stride: pair(&v["stride"]),
            padding: pair(&v["padding"]),
            dilation: pair(&v["dilation"]),
            ceil_mode: flag("ceil_mode"),
            count_include_pad: flag("count_include_pad"),
        }),
        _ => {
            let op = *Op::ALL.iter().find(|o| o.name() == op).expect("a convolution");
            let weight: Array4<f64> = array(&v["weight"]).into_dimensionality().expect("4D weight");
            let bias = (!v["bias"].is_null()).then(|| {
                let b: Array1<f64> = array(&v["bias"]).into_dimensionality().expect("1D bias");
                b
            });
            let hyper = Hyper {
                stride: pair(&v["stride"]),
                padding: pair(&v["padding"]),
                padding_rule: PaddingRule::Explicit,
                dilation: pair(&v["dilation"]),
                output_padding: pair(&v["output_padding"]),
                groups: v["groups"].as_u64().expect("groups") as usize,
                padding_mode: mode(v["padding_mode"].as_str().expect("mode")),
                flip: false,
            };
            Layer::Conv(ConvLayer { op, weight, bias, hyper })
        }
    }
}

fn dims(case: &Value) -> Dims {
    if case["dims"].as_u64() == Some(1) { Dims::One } else { Dims::Two }
}

/// Equal up to summation order: 1e-12 relative (the values are small integers and their means).
fn assert_close(name: &str, got: &Array3<f64>, expected: &Array3<f64>) {
    assert_eq!(got.dim(), expected.dim(), "{name}: shape");
    for ((index, g), e) in got.indexed_iter().zip(expected.iter()) {
        assert!((g - e).abs() <= 1e-12 * (1.0 + e.abs()), "{name} at {index:?}: core {g}, torch {e}");
    }
}

/// PyTorch's `return_indices` (flat `i*W + j` in the input plane) against the core's winners.
fn assert_winners(name: &str, network: &Network, k: usize, indices: &Value) {
    let eval = network.evaluate();
    let winners = eval.winners[k].as_ref().unwrap_or_else(|| panic!("{name}: layer {k} has winners"));
    let width = eval.outputs[k - 1].dim().2;
    let expected = array(indices);
    assert_eq!(winners.shape(), expected.shape(), "{name}: winners' shape");
    for (w, e) in winners.iter().zip(expected.iter()) {
        let flat = w.map(|[i, j]| (i * width + j) as f64);
        assert_eq!(flat, Some(*e), "{name}: layer {k} winner");
    }
}

#[test]
fn single_layers_match_pytorch() {
    let all = cases();
    let mut counts = [0usize; 3];
    for case in all["cases"].as_array().expect("cases").iter().filter(|c| c["kind"] != "stack") {
        let name = case["name"].as_str().expect("name");
        let network = Network {
            dims: dims(case),
            input: array3(&case["input"]),
            layers: vec![layer(&case["layer"], dims(case))],
        };
        let eval = network.evaluate();
        assert_eq!(eval.error, None, "{name}: {}", case["call"]);
        // Pooling, padding and ReLU involve no sums in another order: bit for bit.
        assert_eq!(*eval.outputs[1], array3(&case["output"]), "{name}: {}", case["call"]);
        if !case["indices"].is_null() {
            assert_winners(name, &network, 1, &case["indices"]);
        }
        if let Layer::Pool(pool) = &network.layers[0] {
            let x = &network.input;
            let g = pool.geometry([x.dim().0, x.dim().1, x.dim().2]).expect("valid");
            let pooled = pool.apply(x).expect("valid");
            let grad = g.grad_input(&pooled, &array3(&case["grad_output"])).expect("shape");
            assert_close(&format!("{name}: grad_input"), &grad, &array3(&case["grad_input"]));
        }
        counts[["pool", "pad", "relu"].iter().position(|k| case["kind"] == *k).expect("kind")] += 1;
    }
    println!("pool {} pad {} relu {}", counts[0], counts[1], counts[2]);
    assert!(counts[0] >= 30 && counts[1] >= 12 && counts[2] >= 2, "{counts:?}");
}

#[test]
fn stacks_match_pytorch_layer_by_layer() {
    let all = cases();
    let mut stacks = 0;
    for case in all["cases"].as_array().expect("cases").iter().filter(|c| c["kind"] == "stack") {
        let name = case["name"].as_str().expect("name");
        let layers: Vec<Layer> =
            case["layers"].as_array().expect("layers").iter().map(|l| layer(l, dims(case))).collect();
        let network = Network { dims: dims(case), input: array3(&case["input"]), layers };
        let eval = network.evaluate();
        assert_eq!(eval.error, None, "{name}");
        let outputs = case["outputs"].as_array().expect("outputs");
        assert_eq!(eval.outputs.len(), outputs.len() + 1, "{name}");
        for (k, expected) in outputs.iter().enumerate() {
            assert_close(
                &format!("{name} layer {}: {}", k + 1, case["calls"][k]),
                &eval.outputs[k + 1],
                &array3(expected),
            );
            let indices = &case["indices"][k];
            if !indices.is_null() {
                assert_winners(name, &network, k + 1, indices);
            }
        }
        stacks += 1;
    }
    assert!(stacks >= 30, "{stacks} stacks");
}

#[test]
fn what_pytorch_rejects_the_core_rejects() {
    let all = cases();
    for case in all["invalid"].as_array().expect("invalid") {
        let l = layer(&case["layer"], dims(case));
        let shape = case["input_shape"].as_array().expect("shape");
        let shape: Vec<usize> = shape.iter().map(|n| n.as_u64().expect("int") as usize).collect();
        let shape = if shape.len() == 2 { [shape[0], 1, shape[1]] } else { [shape[0], shape[1], shape[2]] };
        let err = l.output_shape(shape);
        assert!(err.is_err(), "{}: torch says {}, the core accepts it", case["name"], case["torch_error"]);
    }
}
