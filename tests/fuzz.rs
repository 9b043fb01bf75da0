//! Fuzzing on stable Rust with proptest: no input reaches a panic, and the
//! inputs reach past the first check. Each target feeds one entry point that
//! learners or links reach:
//!
//! - the document parser on arbitrary text;
//! - the document parser on document-shaped JSON: mostly valid documents built
//!   to fit (every key of the format, sizes and hyper-parameters that agree),
//!   the rest with one thing broken; every document that opens must write
//!   itself back and reopen the same, and a valid one must open as built;
//! - the cell and paste parsers;
//! - the core on valid problems built to fit: every result and every step
//!   computes, with the output shape of the textbook formula;
//! - the core on problems with one rule broken: a typed error that names the
//!   field of that rule, never a panic.
//!
//! The generators count their valid inputs and print the share (shown with
//! `--nocapture`): a generator whose inputs are all refused fuzzes only the
//! first check (the document target once opened 0 documents of 10,000, the
//! core target computed 13 problems of 10,000), so with 100 cases or more the
//! valid share must be at least half.
//!
//! The test command runs a short pass (proptest's 256 cases per target). The
//! long run is `PROPTEST_CASES=200000 cargo test --release --test fuzz -- --nocapture`:
//! five targets, a million inputs in all. A failure found becomes a named test below.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use convscope::conv::{
    Backward, ColumnOrder, Dims, Field, Forward, Hyper, Im2col, MatrixForm, Op, PaddingMode, Problem, Transposed, Walk,
    ZeroInsertedConv,
};
use convscope::model::document::{self, Document, KEY_NAMES, PictureRef};
use convscope::model::equation;
use convscope::model::input_text::{parse_block, parse_number};
use convscope::model::picture;
use convscope::model::view_state::{Explain, GradFocus, View, ViewState};
use ndarray::{Array1, Array3, Array4, ArrayViewD, Axis};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{Map, Value, json};

/// Runs `check` on inputs drawn from `strategy` the way `proptest!` does (cases
/// from `PROPTEST_CASES`, default 256; failures shrunk and stored), counts the
/// inputs `check` calls valid and prints the share and the time taken (the
/// README's long-run figures). Returns `(valid, seen)`.
fn run_counting<S: Strategy>(
    name: &str,
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) -> (usize, usize) {
    let config = ProptestConfig { source_file: Some(file!()), ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let (seen, valid) = (Cell::new(0usize), Cell::new(0usize));
    let started = std::time::Instant::now();
    let result = runner.run(&strategy, |input| {
        seen.set(seen.get() + 1);
        if check(input)? {
            valid.set(valid.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let (valid, seen) = (valid.get(), seen.get());
    eprintln!(
        "fuzz {name}: {valid} of {seen} inputs valid ({:.1}%), {:.1} s",
        100.0 * valid as f64 / seen.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    (valid, seen)
}

/// With enough cases for a share to mean something, at least half are valid.
fn assert_mostly_valid(name: &str, (valid, seen): (usize, usize)) {
    if seen >= 100 {
        assert!(2 * valid >= seen, "{name}: only {valid} of {seen} inputs valid");
    }
}

/// A small number with an exact decimal form and exact sums (multiples of
/// 1/4 in -3..=3): results computed in different orders agree to the bit.
fn value(seed: u64, k: usize) -> f64 {
    let mut z = seed ^ (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z >> 40) % 25) as f64 / 4.0 - 3.0
}

/// The sizes a valid problem is built from, drawn freely; [`build`] fits them
/// together (a padding or output_padding too large for the rest is lowered,
/// the input made large enough for the kernel).
#[derive(Debug, Clone)]
struct Sizes {
    op: Op,
    groups: usize,
    /// Input and output channels per group.
    per_group: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
    dilation: [usize; 2],
    padding: [usize; 2],
    output_padding: [usize; 2],
    /// Cells beyond the smallest input that fits.
    extra: [usize; 2],
    padding_mode: PaddingMode,
    flip: bool,
    bias: bool,
    grad_output: bool,
    seed: u64,
}

fn sizes() -> impl Strategy<Value = Sizes> {
    let pair = |lo: usize, hi: usize| [lo..=hi, lo..=hi];
    (
        (prop::sample::select(Op::ALL.to_vec()), 1usize..=3, pair(1, 2), pair(1, 4)),
        (pair(1, 3), pair(1, 3), pair(0, 3), pair(0, 2), pair(0, 4)),
        (prop::sample::select(PaddingMode::ALL.to_vec()), any::<bool>(), any::<bool>(), any::<bool>(), any::<u64>()),
    )
        .prop_map(|((op, groups, per_group, kernel), (stride, dilation, padding, output_padding, extra), rest)| {
            let (padding_mode, flip, bias, grad_output, seed) = rest;
            Sizes {
                op,
                groups,
                per_group,
                kernel,
                stride,
                dilation,
                padding,
                output_padding,
                extra,
                padding_mode,
                flip,
                bias,
                grad_output,
                seed,
            }
        })
}

/// `(F, OH, OW)` by the textbook formulas, written here apart from the core:
/// direct `floor((n + 2p - d(k-1) - 1)/s) + 1`, transposed
/// `(n-1)s - 2p + d(k-1) + output_padding + 1`, per axis.
fn textbook_output_shape(p: &Problem) -> [usize; 3] {
    let (_, h, w) = p.input.dim();
    let (a, b, kh, kw) = p.weight.dim();
    let q = &p.hyper;
    let axis = |n: usize, k: usize, i: usize| {
        let (s, pad, d) = (q.stride[i] as i64, q.padding[i] as i64, q.dilation[i] as i64);
        let (n, k) = (n as i64, k as i64);
        let size = if p.op.is_transposed() {
            (n - 1) * s - 2 * pad + d * (k - 1) + q.output_padding[i] as i64 + 1
        } else {
            (n + 2 * pad - d * (k - 1) - 1).div_euclid(s) + 1
        };
        size as usize
    };
    let f = if p.op.is_transposed() { b * q.groups } else { a };
    [f, axis(h, kh, 0), axis(w, kw, 1)]
}

/// A valid problem of `s`'s sizes. `fixed`: the channels and `[H, W]` of a
/// picture the input must be (its groups fall back to 1 when they do not
/// divide its channels).
fn build(s: &Sizes, fixed: Option<(usize, [usize; 2])>) -> Problem {
    let one_d = s.op.dims() == Dims::One;
    let transposed = s.op.is_transposed();
    // 1D: the height axis is inert, as the document reads a 1D problem.
    let axes = |v: [usize; 2], inert: usize| if one_d { [inert, v[1]] } else { v };
    let (kernel, stride, dilation) = (axes(s.kernel, 1), axes(s.stride, 1), axes(s.dilation, 1));
    let mode = if transposed { PaddingMode::Zeros } else { s.padding_mode };
    let mut padding = axes(s.padding, 0);
    let mut output_padding = [0; 2];
    let mut hw = [1; 2];
    for a in 0..2 {
        let span = dilation[a] * (kernel[a] - 1) + 1;
        let free = |least: usize| if one_d && a == 0 { 1 } else { least + s.extra[a] };
        if transposed {
            hw[a] = fixed.map_or(free(1), |(_, hw)| hw[a]);
            // Smaller than stride or dilation, as PyTorch requires.
            output_padding[a] = if one_d && a == 0 { 0 } else { s.output_padding[a] % stride[a].max(dilation[a]) };
            // Padding crops the full result; at least one cell must be left.
            let full = (hw[a] - 1) * stride[a] + span;
            padding[a] = padding[a].min((full + output_padding[a] - 1) / 2);
        } else {
            let p = padding[a];
            // The padded input holds the dilated kernel; reflect needs more
            // cells than the padding, circular at least as many.
            let least = match mode {
                PaddingMode::Reflect => p + 1,
                PaddingMode::Circular => p,
                _ => 0,
            }
            .max(span.saturating_sub(2 * p))
            .max(1);
            hw[a] = fixed.map_or(free(least), |(_, hw)| hw[a]);
        }
    }
    let (groups, in_per_group) = match fixed {
        Some((c, _)) if c.is_multiple_of(s.groups) => (s.groups, c / s.groups),
        Some((c, _)) => (1, c),
        None => (s.groups, s.per_group[0]),
    };
    let (c, out_per_group) = (groups * in_per_group, s.per_group[1]);
    let weight_shape = if transposed {
        (c, out_per_group, kernel[0], kernel[1])
    } else {
        (groups * out_per_group, in_per_group, kernel[0], kernel[1])
    };
    let seed = s.seed;
    let input = Array3::from_shape_fn((c, hw[0], hw[1]), |(x, y, z)| value(seed, (x * 64 + y) * 64 + z));
    let weight = Array4::from_shape_fn(weight_shape, |(x, y, z, u)| value(!seed, ((x * 8 + y) * 8 + z) * 8 + u));
    let hyper = Hyper {
        stride,
        padding,
        dilation,
        output_padding,
        groups,
        padding_mode: mode,
        flip: s.flip && !transposed,
        ..Hyper::default()
    };
    let mut p = Problem { op: s.op, input, weight, bias: None, hyper, grad_output: None };
    let [f, oh, ow] = textbook_output_shape(&p);
    p.bias = s.bias.then(|| Array1::from_shape_fn(f, |k| value(seed.rotate_left(7), k)));
    p.grad_output = (s.grad_output && !transposed)
        .then(|| Array3::from_shape_fn((f, oh, ow), |(x, y, z)| value(seed.rotate_left(13), (x * 64 + y) * 64 + z)));
    p
}

// ---------------------------------------------------------------------------
// Document-shaped JSON.

/// Where a document's input comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// `input`: the numbers.
    Tensor,
    /// `image` (+ `greyscale`): a bundled picture.
    Bundled { name: &'static str, grey: bool },
    /// `image: "own"` + `image_size`: the learner's picture, a stand-in reopens.
    Own,
}

/// One thing broken in a document (the rest of it valid).
#[derive(Debug, Clone)]
enum Break {
    /// A key's value replaced by any JSON value (it may happen to fit).
    Value(usize, Value),
    /// One of the numbered breaks of [`break_document`].
    Rule(usize),
}

#[derive(Debug, Clone)]
struct DocCase {
    sizes: Sizes,
    source: Source,
    view: ViewState,
    /// Bits for how the document is written: defaults written out or left
    /// out, per-axis values as one number or a list, short tensor forms, key order.
    style: u64,
    broken: Option<Break>,
    /// A network stack of layers that always fit (templates 0-4, see
    /// `layer_value`), and whether `probe` names the input or the last layer.
    layers: Vec<u8>,
    probe: Option<bool>,
}

/// JSON values of every kind, for a key's value.
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

fn view_state() -> impl Strategy<Value = ViewState> {
    (
        prop::sample::select(View::ALL.to_vec()),
        prop::sample::select(Explain::ALL.to_vec()),
        prop::sample::select(GradFocus::ALL.to_vec()),
        prop_oneof![0usize..=40, any::<u32>().prop_map(|n| n as usize)],
        prop::sample::select(ColumnOrder::ALL.to_vec()),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(|(view, explain, gradient, step, order, (present, practice, reveal))| ViewState {
            view,
            explain,
            gradient,
            step,
            order,
            present,
            practice,
            reveal,
            probe: None,
            // Not in the document: a link never opens the pooling panel.
            pool: None,
        })
}

/// Number of [`Break::Rule`]s.
const RULE_BREAKS: usize = 13;

fn doc_case() -> impl Strategy<Value = DocCase> {
    let source = prop_oneof![
        6 => Just(Source::Tensor),
        2 => (prop::sample::select(picture::NAMES.to_vec()), any::<bool>())
            .prop_map(|(name, grey)| Source::Bundled { name, grey }),
        2 => Just(Source::Own),
    ];
    // Two in three documents are valid as built; the third has one thing broken.
    let broken = prop_oneof![
        4 => Just(None),
        1 => (0..KEY_NAMES.len(), json_value()).prop_map(|(k, v)| Some(Break::Value(k, v))),
        1 => (0..RULE_BREAKS).prop_map(|k| Some(Break::Rule(k))),
    ];
    let stack = (prop::collection::vec(0u8..5, 0..4), prop::option::of(any::<bool>()));
    (sizes(), source, view_state(), any::<u64>(), broken, stack).prop_map(
        |(mut sizes, source, view, style, broken, (layers, probe))| {
            // A picture is 2D.
            let source = match source {
                Source::Tensor => Source::Tensor,
                _ if sizes.op.dims() == Dims::One => Source::Tensor,
                other => other,
            };
            // No upstream gradient with a bundled picture: a 128x128 picture's
            // would pass the document's size cap. (An own picture's is written
            // back and reopens: its stand-in keeps the picture's size.)
            if matches!(source, Source::Bundled { .. }) {
                sizes.grad_output = false;
            }
            DocCase { sizes, source, view, style, broken, layers, probe }
        },
    )
}

/// The style bit `k` (a fresh one for each choice).
fn bit(style: u64, k: u32) -> bool {
    style.rotate_right(k) & 1 == 1
}

/// A tensor as nested lists, without the axes `drop` names (each of size 1).
fn nested(a: ArrayViewD<f64>, drop: &[usize]) -> Value {
    let mut a = a;
    for &axis in drop.iter().rev() {
        a = a.index_axis_move(Axis(axis), 0);
    }
    fn nest(v: ArrayViewD<f64>) -> Value {
        match v.ndim() {
            0 => json!(v.iter().next().copied().unwrap_or(0.0)),
            _ => Value::Array(v.outer_iter().map(nest).collect()),
        }
    }
    nest(a)
}

/// `(C, H, W)` as a document writes it: 1D without the height axis, and
/// without the channel axis when there is one channel and `short`.
fn tensor3(a: &Array3<f64>, one_d: bool, short: bool) -> Value {
    let mut drop = Vec::new();
    if short && a.dim().0 == 1 {
        drop.push(0);
    }
    if one_d {
        drop.push(1);
    }
    nested(a.view().into_dyn(), &drop)
}

/// `(A, B, KH, KW)` likewise: `(KH, KW)` / `(K,)` when one filter of one channel.
fn tensor4(a: &Array4<f64>, one_d: bool, short: bool) -> Value {
    let (x, y, _, _) = a.dim();
    let mut drop = Vec::new();
    if short && x == 1 && y == 1 {
        drop.extend([0, 1]);
    }
    if one_d {
        drop.push(2);
    }
    nested(a.view().into_dyn(), &drop)
}

/// The document `case` describes, as a JSON object in a shuffled key order,
/// and the document it must open as (`None` when something is broken).
fn write_document(case: &DocCase) -> (Value, Problem, Option<PictureRef>) {
    let s = &case.sizes;
    let st = case.style;
    let one_d = s.op.dims() == Dims::One;
    let (problem, picture) = match case.source {
        Source::Tensor => (build(s, None), None),
        Source::Bundled { name, grey } => {
            let side = picture::BUNDLED_SIDE;
            let mut problem = build(s, Some((if grey { 1 } else { 3 }, [side, side])));
            let colour = picture::bundled(name).unwrap_or_default();
            problem.input = if grey { picture::greyscale(&colour) } else { colour };
            (problem, Some(PictureRef::Bundled { name, grey }))
        }
        Source::Own => (build(s, None), Some(PictureRef::Own)),
    };
    let p = &problem;
    let q = &p.hyper;
    let mut entries: Vec<(&str, Value)> = Vec::new();
    let mut put = |key: &'static str, v: Value| entries.push((key, v));
    // Keys with a default are written when they differ from it, and half the
    // time when they do not.
    let axes = |v: [usize; 2], list: bool| match (one_d, list) {
        (true, false) => json!(v[1]),
        (true, true) => json!([v[1]]),
        (false, false) if v[0] == v[1] => json!(v[0]),
        (false, _) => json!(v),
    };
    if bit(st, 0) {
        put("version", json!(document::VERSION));
    }
    if s.op != Op::Conv2d || bit(st, 1) {
        put("op", json!(s.op.name()));
    }
    match case.source {
        Source::Tensor => put("input", tensor3(&p.input, one_d, bit(st, 2))),
        Source::Bundled { name, grey } => {
            put("image", json!(name));
            if grey || bit(st, 2) {
                put("greyscale", json!(grey));
            }
        }
        Source::Own => {
            let (_, h, w) = p.input.dim();
            put("image", json!("own"));
            put("image_size", if h == w && bit(st, 2) { json!(h) } else { json!([h, w]) });
        }
    }
    put("weight", tensor4(&p.weight, one_d, bit(st, 3)));
    if let Some(b) = &p.bias {
        put("bias", if b.len() == 1 && bit(st, 4) { json!(b[0]) } else { json!(b.to_vec()) });
    }
    for (k, (key, v, default)) in [
        ("stride", q.stride, 1),
        ("padding", q.padding, 0),
        ("dilation", q.dilation, 1),
        ("output_padding", q.output_padding, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let k = 5 + 2 * k as u32;
        if v[1] != default || (!one_d && v[0] != default) || bit(st, k) {
            put(key, axes(v, bit(st, k + 1)));
        }
    }
    if q.groups != 1 || bit(st, 13) {
        put("groups", json!(q.groups));
    }
    if q.padding_mode != PaddingMode::Zeros || bit(st, 14) {
        put("padding_mode", json!(q.padding_mode.name()));
    }
    if q.flip || bit(st, 15) {
        put("flip", json!(q.flip));
    }
    if let Some(g) = &p.grad_output {
        put("grad_output", tensor3(g, one_d, bit(st, 16)));
    }
    let v = &case.view;
    let d = ViewState::default();
    let named = [
        ("view", v.view.name(), v.view != d.view),
        ("explain", v.explain.name(), v.explain != d.explain),
        ("gradient", v.gradient.name(), v.gradient != d.gradient),
        ("order", document::column_order_name(v.order), v.order != d.order),
    ];
    for (k, (key, name, changed)) in named.into_iter().enumerate() {
        if changed || bit(st, 17 + k as u32) {
            put(key, json!(name));
        }
    }
    if v.step != 0 || bit(st, 21) {
        put("step", json!(v.step));
    }
    for (k, (key, on, default)) in
        [("present", v.present, false), ("practice", v.practice, false), ("reveal", v.reveal, true)]
            .into_iter()
            .enumerate()
    {
        if on != default || bit(st, 22 + k as u32) {
            put(key, json!(on));
        }
    }
    if !case.layers.is_empty() {
        let mut channels = p.input.dim().0;
        let layers: Vec<Value> = case.layers.iter().map(|&t| layer_value(t, one_d, &mut channels)).collect();
        put("layers", Value::Array(layers));
    }
    if let Some(probe) = network_probe(case) {
        put("probe", if one_d { json!([probe.layer, 0, 0]) } else { json!([probe.layer, 0, 0, 0]) });
    }
    // Any key order: the parser reads them in one order whatever the text's.
    let mut shuffle = st;
    for k in (1..entries.len()).rev() {
        shuffle = shuffle.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        entries.swap(k, (shuffle >> 33) as usize % (k + 1));
    }
    let map: Map<String, Value> = entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    (Value::Object(map), problem, picture)
}

/// A layer that takes any input of `channels` channels (and updates them):
/// 0 ReLU, 1 F.pad by one, 2 a seeded 1x1 convolution to 2 channels, 3 max
/// and 4 average pooling with a 1-cell window.
fn layer_value(template: u8, one_d: bool, channels: &mut usize) -> Value {
    let (conv, max, avg) =
        if one_d { ("conv1d", "max_pool1d", "avg_pool1d") } else { ("conv2d", "max_pool2d", "avg_pool2d") };
    match template {
        0 => json!({"op": "relu"}),
        1 if one_d => json!({"op": "pad", "pad": [1, 0]}),
        1 => json!({"op": "pad", "pad": [1, 0, 0, 1]}),
        2 => {
            let shape = if one_d { json!([2, *channels, 1]) } else { json!([2, *channels, 1, 1]) };
            *channels = 2;
            json!({"op": conv, "weight": {"seed": 5, "shape": shape}, "bias": true})
        }
        3 => json!({"op": max, "kernel_size": 1}),
        _ => json!({"op": avg, "kernel_size": 1, "ceil_mode": true}),
    }
}

/// The probe `case` writes: the first cell of the input or of the last layer.
fn network_probe(case: &DocCase) -> Option<convscope::conv::network::Probe> {
    let layer = if case.probe? { case.layers.len() } else { 0 };
    Some(convscope::conv::network::Probe { layer, index: [0, 0, 0] })
}

/// Breaks rule `k` of a valid document (`p` is the problem it describes);
/// returns the text. Each break alone makes the document invalid.
fn break_document(mut map: Map<String, Value>, p: &Problem, k: usize) -> String {
    let [f, _, _] = textbook_output_shape(p);
    match k {
        // (A network document may leave the weight out: not without its layers.)
        0 => {
            map.remove("weight");
            map.remove("layers");
            map.remove("probe");
        }
        1 => {
            map.remove("input");
            map.remove("image");
            map.remove("image_size");
            map.remove("greyscale");
        }
        2 => drop(map.insert("strides".into(), json!(2))),
        3 => drop(map.insert("version".into(), json!(document::VERSION + 1))),
        4 => drop(map.insert("stride".into(), json!(0))),
        // Groups that do not divide the channels (an own picture's channels
        // follow the filters and groups, so there: none).
        5 if map.get("image") == Some(&json!("own")) => drop(map.insert("groups".into(), json!(0))),
        5 => drop(map.insert("groups".into(), json!(p.input.dim().0 + 1))),
        // A number that is not one, or an input beside a picture.
        6 => drop(map.insert("input".into(), json!([["x"]]))),
        7 => drop(map.insert("padding".into(), json!(document::limits::HYPER + 1))),
        // Keys that belong to a picture, without one; or a picture's size of three axes.
        8 => match (map.contains_key("image"), map.get("image") == Some(&json!("own"))) {
            (false, _) => drop(map.insert("greyscale".into(), json!(true))),
            (true, false) => drop(map.insert("image_size".into(), json!([4, 4]))),
            (true, true) => drop(map.insert("image_size".into(), json!([4, 4, 4]))),
        },
        9 => drop(map.insert("bias".into(), json!(vec![0; f + 1]))),
        10 => drop(map.insert("weight".into(), json!([]))),
        11 => drop(map.insert("step".into(), json!(-1))),
        // Not JSON: the text cut short.
        _ => {
            let text = Value::Object(map).to_string();
            return text[..text.len() - 1].to_string();
        }
    }
    Value::Object(map).to_string()
}

#[test]
fn any_text_is_a_document_or_an_error() {
    // Arbitrary text is almost never a document: its share is only printed.
    run_counting("any text", ".{0,200}", |text: String| Ok(Document::parse(&text).is_ok()));
}

#[test]
fn document_shaped_json_opens_as_built_or_says_why() {
    let keys_seen: RefCell<BTreeMap<&str, usize>> = RefCell::new(KEY_NAMES.iter().map(|&k| (k, 0)).collect());
    let counts = run_counting("document-shaped JSON", doc_case(), |case: DocCase| {
        let (value, problem, picture) = write_document(&case);
        let Value::Object(map) = value else { unreachable!("write_document writes an object") };
        let text = match &case.broken {
            None => {
                let mut seen = keys_seen.borrow_mut();
                for (name, count) in seen.iter_mut() {
                    *count += usize::from(map.contains_key(*name));
                }
                Value::Object(map).to_string()
            }
            Some(Break::Value(k, v)) => {
                let mut map = map;
                map.insert(KEY_NAMES[*k].to_string(), v.clone());
                Value::Object(map).to_string()
            }
            Some(Break::Rule(k)) => break_document(map, &problem, *k),
        };
        let parsed = Document::parse(&text);
        if case.broken.is_none() {
            // Valid by construction: it opens, and as what was written.
            let doc = parsed.as_ref().map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
            prop_assert_eq!(doc.picture, picture, "{}", text);
            prop_assert_eq!(doc.view, ViewState { probe: network_probe(&case), ..case.view }, "{}", text);
            prop_assert_eq!(doc.stack.layers.len(), case.layers.len(), "{}", text);
            let expected = match picture {
                // An own picture's pixels are not in the link: a stand-in of its size reopens.
                Some(PictureRef::Own) => Problem { input: doc.problem.input.clone(), ..problem.clone() },
                _ => problem.clone(),
            };
            prop_assert_eq!(doc.problem.input.dim(), problem.input.dim(), "{}", text);
            prop_assert_eq!(&doc.problem, &expected, "{}", text);
        } else if matches!(case.broken, Some(Break::Rule(_))) {
            prop_assert!(parsed.is_err(), "a broken rule opened: {}", text);
        }
        if let Ok(doc) = &parsed {
            // A document that opens writes itself back and reopens the same.
            let again = Document::parse(&doc.to_json());
            prop_assert_eq!(again.as_ref(), Ok(doc), "{}", text);
        }
        Ok(parsed.is_ok())
    });
    assert_mostly_valid("document-shaped JSON", counts);
    if counts.1 >= 100 {
        // The generator writes every key the format has (KEY_NAMES is the format's own list).
        let unused: Vec<_> = keys_seen.borrow().iter().filter(|&(_, &n)| n == 0).map(|(&k, _)| k).collect();
        assert!(unused.is_empty(), "keys never written: {unused:?}");
    }
}

proptest! {
    #[test]
    fn any_cell_or_paste_is_read_or_refused(text in "[-0-9eE.,;\\[\\] \\n\\tinfa()x]{0,60}") {
        let _ = parse_number(&text);
        if let Ok(block) = parse_block(&text) {
            prop_assert!(block.values.ndim() <= 4);
        }
    }
}

// ---------------------------------------------------------------------------
// The core.

/// Every result and step of a valid problem, with cheap cross-checks.
fn compute_everything(p: &Problem) -> Result<(), TestCaseError> {
    let fail = |e: convscope::conv::ConvError| TestCaseError::fail(e.to_string());
    let shape = textbook_output_shape(p);
    prop_assert_eq!(p.output_shape().map_err(fail)?, shape);
    let dim3 = |a: &Array3<f64>| {
        let (x, y, z) = a.dim();
        [x, y, z]
    };
    if p.op.is_transposed() {
        let t = Transposed::new(p).map_err(fail)?;
        prop_assert_eq!(dim3(&t.output), shape);
        for k in 0..p.steps(Walk::Scatter) {
            prop_assert!(t.step(k).is_some(), "no scatter step {}", k);
        }
        for (idx, _) in t.output.indexed_iter() {
            let _ = equation::overlap_sum(&t, [idx.0, idx.1, idx.2], false);
        }
        // The two other explanations compute the same numbers (exact: the values are quarters).
        let z = ZeroInsertedConv::new(p).map_err(fail)?;
        prop_assert_eq!(&z.output, &t.output);
        for k in 0..p.steps(Walk::ZeroInsertedWindows) {
            prop_assert!(z.direct.step(k).is_some());
        }
        match MatrixForm::new(p) {
            Ok(m) => prop_assert_eq!(m.canvas.to_vec(), t.canvas.iter().copied().collect::<Vec<_>>()),
            // Past its size limit the matrix form says so; nothing else may go wrong.
            Err(e) => prop_assert!(matches!(e, convscope::conv::ConvError::TooLarge { .. }), "{}", e),
        }
    } else {
        let fw = Forward::new(p).map_err(fail)?;
        prop_assert_eq!(dim3(&fw.output), shape);
        for k in 0..p.steps(Walk::Forward) {
            let step = fw.step(k).ok_or_else(|| TestCaseError::fail(format!("no window step {k}")))?;
            prop_assert_eq!(step.result, fw.output[step.out_index]);
        }
        let m = Im2col::new(p).map_err(fail)?;
        prop_assert_eq!(&m.output, &fw.output);
        let b = Backward::new(p).map_err(fail)?;
        prop_assert_eq!(b.grad_input.dim(), p.input.dim());
        prop_assert_eq!(b.grad_weight.dim(), p.weight.dim());
        prop_assert_eq!(b.grad_bias.len(), shape[0]);
        for (idx, _) in b.grad_input.indexed_iter() {
            let _ = equation::grad_input(&b, [idx.0, idx.1, idx.2]);
        }
        for (idx, _) in b.grad_weight.indexed_iter() {
            let _ = equation::grad_weight(&b, [idx.0, idx.1, idx.2, idx.3]);
        }
        // Its transpose maps the output's shape back to the input's (only zero padding has one).
        match fw.transpose_problem() {
            Ok(tp) => prop_assert_eq!(Transposed::new(&tp).map(|t| t.output.dim()), Ok(p.input.dim())),
            Err(e) => prop_assert!(p.hyper.padding_mode != PaddingMode::Zeros, "{}", e),
        }
    }
    Ok(())
}

#[test]
fn valid_problems_compute_every_result_and_step() {
    let counts = run_counting("valid problems", sizes(), |s: Sizes| {
        let p = build(&s, None);
        // Built to fit, so the app's own check must pass, caps included.
        prop_assert_eq!(document::validate(&p), Ok(()), "{:?}", s);
        compute_everything(&p)?;
        Ok(true)
    });
    assert_mostly_valid("valid problems", counts);
}

/// Number of rules [`break_rule`] knows.
const PROBLEM_BREAKS: usize = 16;

/// Breaks rule `k` of a valid problem; returns the field the error must name.
fn break_rule(p: &mut Problem, k: usize) -> Field {
    let transposed = p.op.is_transposed();
    let one_d = p.op.dims() == Dims::One;
    let (c, h, w) = p.input.dim();
    let (a, b, kh, kw) = p.weight.dim();
    let [f, oh, ow] = textbook_output_shape(p);
    let q = &mut p.hyper;
    match k {
        0 => {
            q.stride[1] = 0;
            Field::Stride
        }
        1 => {
            q.dilation[1] = 0;
            Field::Dilation
        }
        2 => {
            q.groups = 0;
            Field::Groups
        }
        3 => {
            q.groups = c + 1;
            Field::Groups
        }
        4 => {
            // The weight's channels do not match the input's.
            p.weight = if transposed { Array4::ones((a + 1, b, kh, kw)) } else { Array4::ones((a, b + 1, kh, kw)) };
            Field::Weight
        }
        5 if transposed => {
            // Padding crops everything.
            let full = (w - 1) * q.stride[1] + q.dilation[1] * (kw - 1) + 1;
            q.padding[1] = (full + q.output_padding[1]) / 2 + 1;
            Field::Padding
        }
        5 => {
            // A dilated kernel wider than the padded input.
            if kw == 1 {
                p.weight = Array4::ones((a, b, kh, 2));
            }
            q.dilation[1] = w + 2 * q.padding[1];
            if q.dilation.iter().any(|&d| d > 1) { Field::Dilation } else { Field::Weight }
        }
        6 => {
            p.bias = Some(Array1::zeros(f + 1));
            Field::Bias
        }
        7 => {
            p.grad_output = Some(Array3::zeros((f, oh, if transposed { ow } else { ow + 1 })));
            Field::GradOutput
        }
        8 => {
            q.output_padding[1] = if transposed { q.stride[1].max(q.dilation[1]) } else { 1 };
            Field::OutputPadding
        }
        9 if transposed => {
            q.padding_mode = PaddingMode::Reflect;
            Field::PaddingMode
        }
        9 => {
            q.padding_mode = PaddingMode::Reflect;
            q.padding[1] = w;
            Field::Padding
        }
        10 if transposed => {
            q.flip = true;
            Field::Flip
        }
        10 => {
            q.padding_mode = PaddingMode::Circular;
            q.padding[1] = w + 1;
            Field::Padding
        }
        11 => {
            p.input = Array3::zeros((c, h, 0));
            Field::Input
        }
        12 => {
            p.weight = Array4::zeros((a, b, kh, 0));
            Field::Weight
        }
        13 => {
            // 1D: an input of height 2; 2D: of height 0.
            p.input = Array3::zeros((c, if one_d { 2 } else { 0 }, w));
            Field::Input
        }
        14 => {
            // Numbers whose arithmetic would overflow.
            q.padding[1] = usize::MAX;
            if transposed { Field::Padding } else { Field::Input }
        }
        _ => {
            if kw == 1 {
                p.weight = Array4::ones((a, b, kh, 2));
            }
            q.dilation[1] = usize::MAX;
            Field::Input
        }
    }
}

#[test]
fn problems_with_a_rule_broken_are_refused_with_its_field() {
    let counts = run_counting("problems with a rule broken", (sizes(), 0..PROBLEM_BREAKS), |(s, k): (Sizes, usize)| {
        let mut p = build(&s, None);
        let field = break_rule(&mut p, k);
        let field_of = |r: Result<(), convscope::conv::ConvError>| r.map_err(|e| e.field());
        // The document check and every constructor refuse it, naming the field.
        prop_assert_eq!(document::validate(&p).map_err(|e| e.field), Err(Some(field)), "rule {}: {:?}", k, p);
        prop_assert_eq!(field_of(p.geometry().map(drop)), Err(field), "rule {}", k);
        let direct = [
            field_of(Forward::new(&p).map(drop)),
            field_of(Im2col::new(&p).map(drop)),
            field_of(Backward::new(&p).map(drop)),
        ];
        let transposed = [
            field_of(Transposed::new(&p).map(drop)),
            field_of(ZeroInsertedConv::new(&p).map(drop)),
            field_of(MatrixForm::new(&p).map(drop)),
        ];
        let (own, other) = if p.op.is_transposed() { (transposed, direct) } else { (direct, transposed) };
        for r in own {
            prop_assert_eq!(r, Err(field), "rule {}", k);
        }
        for r in other {
            prop_assert!(r.is_err(), "rule {}: the other operation's results", k);
        }
        for walk in [Walk::Forward, Walk::Scatter, Walk::GradInput, Walk::ZeroInsertedWindows] {
            prop_assert_eq!(p.steps(walk), 0);
        }
        Ok(false)
    });
    // Every input is invalid by design: all must have been refused above.
    assert_eq!(counts.0, 0);
}
