//! The network view's stack of layers (#22) as the app keeps it: the core's
//! [`Layer`]s, each with how its weights were given (numbers, or a seeded
//! fill that a link carries as a seed), and the probed cell. Read from and
//! written to the document's `layers` and `probe` keys here.
//!
//! Layer objects use the single-op document's key names (`op`, `weight`,
//! `bias`, `stride`, `padding`, ...) plus `kernel_size`, `ceil_mode`,
//! `count_include_pad` and F.pad's `pad`, `mode` and `value`. Layers are
//! numbered from 1 in the page and in `probe`; 0 is the input.

use ndarray::{Array1, Array3, Array4};
use serde_json::{Map, Value, json};

use crate::conv::network::{ConvLayer, Evaluation, Layer, LayerSummary, Mask, Network, Pad, Probe, Receptive, RfStep};
use crate::conv::pool::{Pool, PoolKind};
use crate::conv::{Dims, Field, Hyper, Op, PaddingMode, PaddingRule};
use crate::model::document::{DocumentError, PADDING_RULES, TensorKind, limits, number, read, tensor, tensor_value};
use crate::model::practice::Rng;

/// Layers a stack may hold (a link stays short, every layer is drawn).
pub const MAX_LAYERS: usize = 12;

/// One layer and how its numbers were given.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub layer: Layer,
    /// The seed of a convolution's seeded fill (weights and bias): a link
    /// writes `{"seed": n, "shape": [...]}` instead of the numbers. `None`
    /// once a number was typed, or when the document listed them.
    pub seed: Option<u64>,
}

/// The stack on the input. (The cell whose receptive field is marked is
/// the view's: [`ViewState::probe`](crate::model::view_state::ViewState::probe).)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stack {
    pub layers: Vec<Entry>,
}

impl Stack {
    /// The core's network on `input` (`dims`: the document's op's).
    pub fn network(&self, dims: Dims, input: &Array3<f64>) -> Network {
        Network { dims, input: input.clone(), layers: self.layers.iter().map(|e| e.layer.clone()).collect() }
    }
}

impl Rng {
    /// Uniform in `[-bound, bound]`, rounded to hundredths so every number
    /// reads exactly (at least ±0.01, so no weight of a small fan-in is 0).
    fn weight(&mut self, bound: f64) -> f64 {
        let hundredths = (bound * 100.0).floor().max(1.0) as u64;
        let k = self.next() % (2 * hundredths + 1);
        (k as f64 - hundredths as f64) / 100.0
    }
}

/// PyTorch's default bound for a layer's weights and bias, `1/sqrt(fan_in)`
/// with `fan_in = shape[1]·KH·KW` (its `kaiming_uniform_(a=√5)`), so a deep
/// stack's numbers stay readable instead of growing layer by layer.
fn bound([_, b, kh, kw]: [usize; 4]) -> f64 {
    1.0 / ((b * kh * kw).max(1) as f64).sqrt()
}

/// The seeded fill of a weight of `shape` `(A, B, KH, KW)`, and its bias of
/// length `bias_len` (drawn after the weights from the same generator).
pub fn seeded(seed: u64, shape: [usize; 4], bias_len: Option<usize>) -> (Array4<f64>, Option<Array1<f64>>) {
    let mut rng = Rng(seed);
    let b = bound(shape);
    let [a, c, kh, kw] = shape;
    let weight = Array4::from_shape_simple_fn((a, c, kh, kw), || rng.weight(b));
    let bias = bias_len.map(|n| Array1::from_shape_simple_fn(n, || rng.weight(b)));
    (weight, bias)
}

/// The single op's weight that a network document may leave out: a 3x3
/// (1D: 3-tap) seeded filter over every channel of an input of `(C, H, W)`,
/// smaller where the input is.
pub fn stand_in_weight(dims: Dims, [c, h, w]: [usize; 3]) -> Array4<f64> {
    let kh = if dims == Dims::One { 1 } else { h.min(3) };
    seeded(0, [1, c.max(1), kh.max(1), w.clamp(1, 3)], None).0
}

/// The seeded convolution `op` from `in_channels` to `out_channels` with a
/// square kernel `k` (1D: `k` taps), `groups` and a bias.
pub fn seeded_conv(op: Op, in_channels: usize, out_channels: usize, k: usize, hyper: Hyper, seed: u64) -> Entry {
    let kh = if op.dims() == Dims::One { 1 } else { k };
    let g = hyper.groups.max(1);
    let shape = if op.is_transposed() {
        [in_channels, out_channels / g, kh, k]
    } else {
        [out_channels, in_channels / g, kh, k]
    };
    let (weight, bias) = seeded(seed, shape, Some(out_channels));
    Entry { layer: Layer::Conv(ConvLayer { op, weight, bias, hyper }), seed: Some(seed) }
}

fn shape4(w: &Array4<f64>) -> [usize; 4] {
    let (a, b, c, d) = w.dim();
    [a, b, c, d]
}

/// The pooling layers' names (`max_pool2d`, ...), by kind and dims.
const POOLS: [(&str, PoolKind, Dims); 4] = [
    ("max_pool1d", PoolKind::Max, Dims::One),
    ("max_pool2d", PoolKind::Max, Dims::Two),
    ("avg_pool1d", PoolKind::Avg, Dims::One),
    ("avg_pool2d", PoolKind::Avg, Dims::Two),
];

/// F.pad's mode names.
const PAD_MODES: [(&str, PaddingMode); 4] = [
    ("constant", PaddingMode::Zeros),
    ("reflect", PaddingMode::Reflect),
    ("replicate", PaddingMode::Replicate),
    ("circular", PaddingMode::Circular),
];

/// Every layer op's name, for the messages and the add-layer menu.
pub fn op_names(dims: Dims) -> Vec<&'static str> {
    let mut names: Vec<&'static str> =
        Op::ALL.iter().filter(|o| o.dims() == dims).map(|o| o.name()).collect::<Vec<_>>();
    names.extend(POOLS.iter().filter(|p| p.2 == dims).map(|p| p.0));
    names.extend(["relu", "pad"]);
    names
}

/// Reading one layer object, its keys checked against its kind's.
struct LayerReader<'a> {
    map: &'a Map<String, Value>,
    path: String,
    dims: Dims,
}

impl LayerReader<'_> {
    fn key_path(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn error(&self, key: &str, message: String) -> DocumentError {
        read::error(&self.key_path(key), message)
    }

    /// Refuses keys that `op` does not take.
    fn only(&self, op: &str, keys: &[&str]) -> Result<(), DocumentError> {
        for name in self.map.keys() {
            if name != "op" && !keys.contains(&name.as_str()) {
                let known: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                return Err(self.error(name, format!("unknown field `{name}` for {op}: it takes {known}")));
            }
        }
        Ok(())
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool, DocumentError> {
        self.map.get(key).map_or(Ok(default), |v| read::boolean(v, &self.key_path(key)))
    }

    fn whole(&self, key: &str, default: usize, cap: usize) -> Result<usize, DocumentError> {
        let n = self.map.get(key).map_or(Ok(default), |v| read::whole(v, &self.key_path(key)))?;
        if n > cap {
            return Err(self.error(key, format!("{key} is capped at {cap} in this app")));
        }
        Ok(n)
    }

    /// A per-axis value `[h, w]`: one integer for every axis, or one per
    /// axis; 1D keeps the height axis at `inert`.
    fn axes(
        &self,
        key: &str,
        default: Option<[usize; 2]>,
        inert: usize,
        cap: usize,
    ) -> Result<[usize; 2], DocumentError> {
        let path = self.key_path(key);
        let hw = match (self.map.get(key), self.dims) {
            (None, _) => default.ok_or_else(|| self.error(key, format!("missing field `{key}`")))?,
            (Some(v), dims) => match (read::per_axis(v, &path)?, dims) {
                (crate::model::document::PerAxisValue::All(n), Dims::One) => [inert, n],
                (crate::model::document::PerAxisValue::All(n), Dims::Two) => [n, n],
                (crate::model::document::PerAxisValue::Axes(a), Dims::One) if a.len() == 1 => [inert, a[0]],
                (crate::model::document::PerAxisValue::Axes(a), Dims::Two) if a.len() == 2 => [a[0], a[1]],
                (crate::model::document::PerAxisValue::Axes(a), dims) => {
                    let n = if dims == Dims::One { 1 } else { 2 };
                    return Err(
                        self.error(key, format!("{key} needs {n} value(s), one per spatial axis, got {}", a.len()))
                    );
                }
            },
        };
        if hw.iter().any(|&v| v > cap) {
            return Err(self.error(key, format!("{key} is capped at {cap} in this app")));
        }
        Ok(hw)
    }

    /// Prefixes an error of the single-op readers with this layer's path.
    fn at(&self, mut e: DocumentError) -> DocumentError {
        e.path = format!("{}.{}", self.path, e.path);
        e.field = None;
        e
    }

    fn conv(&self, op: Op) -> Result<Entry, DocumentError> {
        let mut keys = vec!["weight", "bias", "stride", "padding", "dilation", "groups"];
        if op.is_transposed() {
            keys.push("output_padding");
        } else {
            keys.extend(["padding_mode", "flip"]);
        }
        self.only(op.name(), &keys)?;
        let groups = self.whole("groups", 1, limits::CHANNELS)?;
        let padding_mode = match self.map.get("padding_mode") {
            None => PaddingMode::Zeros,
            Some(v) => read::choice(v, &self.key_path("padding_mode"), &PaddingMode::ALL.map(|m| (m.name(), m)))?,
        };
        // `padding='same'`/`'valid'` as a string (direct convolutions; a transposed one reads numbers).
        let padding_rule = match self.map.get("padding") {
            Some(v @ Value::String(_)) if !op.is_transposed() => {
                read::choice(v, &self.key_path("padding"), &PADDING_RULES)?
            }
            _ => PaddingRule::Explicit,
        };
        let padding = match padding_rule {
            PaddingRule::Explicit => self.axes("padding", Some([0, 0]), 0, limits::HYPER)?,
            _ => [0, 0],
        };
        let hyper = Hyper {
            stride: self.axes("stride", Some([1, 1]), 1, limits::HYPER)?,
            padding,
            padding_rule,
            dilation: self.axes("dilation", Some([1, 1]), 1, limits::HYPER)?,
            output_padding: self.axes("output_padding", Some([0, 0]), 0, limits::HYPER)?,
            groups,
            padding_mode,
            flip: self.boolean("flip", false)?,
        };
        let weight_value =
            self.map.get("weight").ok_or_else(|| self.error("weight", "missing field `weight`".into()))?;
        let (weight, bias, seed) = match weight_value {
            Value::Object(fill) => {
                let path = self.key_path("weight");
                if let Some(name) = fill.keys().find(|k| *k != "seed" && *k != "shape") {
                    return Err(read::error(
                        &format!("{path}.{name}"),
                        format!("unknown field `{name}`: a seeded weight is {{\"seed\": n, \"shape\": [...]}}"),
                    ));
                }
                let seed = fill
                    .get("seed")
                    .ok_or_else(|| read::error(&path, "a seeded weight needs `seed`".into()))
                    .and_then(|v| read::whole(v, &format!("{path}.seed")))? as u64;
                let shape_path = format!("{path}.shape");
                let shape = wholes(fill.get("shape"), &shape_path).ok_or_else(|| {
                    read::error(&shape_path, "a seeded weight needs `shape`, a list of sizes".into())
                })??;
                let shape = match (self.dims, shape.as_slice()) {
                    (Dims::One, &[a, b, k]) => [a, b, 1, k],
                    (Dims::Two, &[a, b, kh, kw]) => [a, b, kh, kw],
                    (dims, s) => {
                        let want = if dims == Dims::One { "(out, in, K)" } else { "(out, in, KH, KW)" };
                        return Err(read::error(&shape_path, format!("expected {want}, got {} sizes", s.len())));
                    }
                };
                check_weight_caps(&shape).map_err(|m| read::error(&shape_path, m))?;
                let bias_len = if op.is_transposed() { shape[1] * groups } else { shape[0] };
                let with_bias = match self.map.get("bias") {
                    None => false,
                    Some(v) => v.as_bool().ok_or_else(|| {
                        self.error("bias", "with a seeded weight, `bias` is true (seeded too) or false".into())
                    })?,
                };
                let (w, b) = seeded(seed, shape, with_bias.then_some(bias_len));
                (w, b, Some(seed))
            }
            v => {
                let nested = read::nested(v, &mut "weight".to_string()).map_err(|e| self.at(e))?;
                let w =
                    tensor(&nested, "weight", Field::Weight, self.dims, TensorKind::Weight).map_err(|e| self.at(e))?;
                let w: Array4<f64> = w.into_dimensionality().map_err(|e| self.error("weight", e.to_string()))?;
                check_weight_caps(&shape4(&w)).map_err(|m| self.error("weight", m))?;
                let bias = match self.map.get("bias") {
                    None | Some(Value::Bool(false)) => None,
                    Some(v) => {
                        let nested = read::nested(v, &mut "bias".to_string()).map_err(|e| self.at(e))?;
                        let b = nested.to_array("bias", Field::Bias).map_err(|e| self.at(e))?;
                        Some(
                            b.into_dimensionality::<ndarray::Ix1>()
                                .map_err(|_| self.error("bias", "bias must be a list of numbers".into()))?,
                        )
                    }
                };
                (w, bias, None)
            }
        };
        Ok(Entry { layer: Layer::Conv(ConvLayer { op, weight, bias, hyper }), seed })
    }

    fn pool(&self, name: &str, kind: PoolKind) -> Result<Entry, DocumentError> {
        let keys: &[&str] = match kind {
            PoolKind::Max => &["kernel_size", "stride", "padding", "dilation", "ceil_mode"],
            PoolKind::Avg => &["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"],
        };
        self.only(name, keys)?;
        let kernel = self.axes("kernel_size", None, 1, limits::KERNEL)?;
        let pool = Pool {
            kind,
            dims: self.dims,
            kernel,
            // PyTorch: stride defaults to kernel_size.
            stride: self.axes("stride", Some(kernel), 1, limits::HYPER)?,
            padding: self.axes("padding", Some([0, 0]), 0, limits::HYPER)?,
            dilation: self.axes("dilation", Some([1, 1]), 1, limits::HYPER)?,
            ceil_mode: self.boolean("ceil_mode", false)?,
            count_include_pad: self.boolean("count_include_pad", true)?,
        };
        Ok(Entry { layer: Layer::Pool(pool), seed: None })
    }

    fn pad(&self) -> Result<Entry, DocumentError> {
        self.only("pad", &["pad", "mode", "value"])?;
        let path = self.key_path("pad");
        let amounts = wholes(self.map.get("pad"), &path).ok_or_else(|| {
            read::error(&path, "expected `pad`: [left, right] or [left, right, top, bottom]".into())
        })??;
        let amounts = match (self.dims, amounts.as_slice()) {
            (Dims::One, &[l, r]) => [l, r, 0, 0],
            (Dims::Two, &[l, r]) => [l, r, 0, 0],
            (Dims::Two, &[l, r, t, b]) => [l, r, t, b],
            (dims, a) => {
                let want =
                    if dims == Dims::One { "[left, right]" } else { "[left, right] or [left, right, top, bottom]" };
                return Err(read::error(&path, format!("expected {want}, got {} numbers", a.len())));
            }
        };
        if amounts.iter().any(|&a| a > limits::HYPER) {
            return Err(read::error(&path, format!("pad is capped at {} in this app", limits::HYPER)));
        }
        let mode = match self.map.get("mode") {
            None => PaddingMode::Zeros,
            Some(v) => read::choice(v, &self.key_path("mode"), &PAD_MODES)?,
        };
        let value = match self.map.get("value") {
            None => 0.0,
            Some(v) => {
                v.as_number().and_then(read::number).ok_or_else(|| self.error("value", "expected a number".into()))?
            }
        };
        if value != 0.0 && mode != PaddingMode::Zeros {
            return Err(self.error("value", "`value` belongs to mode \"constant\"".into()));
        }
        Ok(Entry { layer: Layer::Pad(Pad { dims: self.dims, amounts, mode, value }), seed: None })
    }
}

/// A list of whole numbers at `path` (`None`: not a list).
fn wholes(v: Option<&Value>, path: &str) -> Option<Result<Vec<usize>, DocumentError>> {
    let Some(Value::Array(items)) = v else { return None };
    Some(items.iter().enumerate().map(|(k, v)| read::whole(v, &format!("{path}[{k}]"))).collect())
}

fn check_weight_caps(&[a, b, kh, kw]: &[usize; 4]) -> Result<(), String> {
    if a == 0 || b == 0 || kh == 0 || kw == 0 {
        return Err("a weight needs at least one of everything: no size may be 0".into());
    }
    if a > limits::CHANNELS || b > limits::CHANNELS || kh > limits::KERNEL || kw > limits::KERNEL {
        return Err(format!(
            "weight ({a}, {b}, {kh}, {kw}) is larger than this app shows: at most {} channels and {}x{} taps",
            limits::CHANNELS,
            limits::KERNEL,
            limits::KERNEL
        ));
    }
    Ok(())
}

/// Reads the document's `layers` (a list of layer objects) for a stack of `dims`.
pub fn read_layers(v: &Value, dims: Dims) -> Result<Vec<Entry>, DocumentError> {
    let Value::Array(items) = v else {
        return Err(read::error("layers", format!("expected a list of layers, got {}", read::kind(v))));
    };
    if items.len() > MAX_LAYERS {
        return Err(read::error("layers", format!("a stack holds at most {MAX_LAYERS} layers, got {}", items.len())));
    }
    items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let path = format!("layers[{k}]");
            let Value::Object(map) = item else {
                return Err(read::error(
                    &path,
                    format!("expected a layer object {{\"op\": ...}}, got {}", read::kind(item)),
                ));
            };
            let reader = LayerReader { map, path, dims };
            let names = op_names(dims);
            let op = match map.get("op").and_then(Value::as_str) {
                Some(op) if names.contains(&op) => op,
                Some(op) if op_names(other(dims)).contains(&op) => {
                    return Err(reader.error(
                        "op",
                        format!(
                            "\"{op}\" is {}D but the input is {}D (`op` of the document)",
                            3 - dims_n(dims),
                            dims_n(dims)
                        ),
                    ));
                }
                _ => {
                    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                    return Err(reader.error("op", format!("expected one of {}", list.join(", "))));
                }
            };
            if let Some(conv) = Op::ALL.iter().find(|o| o.name() == op) {
                return reader.conv(*conv);
            }
            if let Some(&(name, kind, _)) = POOLS.iter().find(|p| p.0 == op) {
                return reader.pool(name, kind);
            }
            if op == "relu" {
                reader.only("relu", &[])?;
                return Ok(Entry { layer: Layer::Relu, seed: None });
            }
            reader.pad()
        })
        .collect()
}

fn other(dims: Dims) -> Dims {
    if dims == Dims::One { Dims::Two } else { Dims::One }
}

fn dims_n(dims: Dims) -> usize {
    if dims == Dims::One { 1 } else { 2 }
}

/// A per-axis value as an author writes it (one integer when the axes agree
/// or in 1D), or `None` when it equals `default`.
fn axes_value(dims: Dims, hw: [usize; 2], default: [usize; 2]) -> Option<Value> {
    if hw == default {
        return None;
    }
    Some(match dims {
        Dims::One => json!(hw[1]),
        Dims::Two if hw[0] == hw[1] => json!(hw[0]),
        Dims::Two => json!(hw),
    })
}

/// One layer as the document writes it.
pub fn write_layer(entry: &Entry, dims: Dims) -> Value {
    let mut map = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            map.insert(key.to_string(), v);
        }
    };
    match &entry.layer {
        Layer::Conv(c) => {
            put("op", Some(json!(c.op.name())));
            let shape = shape4(&c.weight);
            match entry.seed {
                Some(seed) => {
                    let shape: Vec<usize> =
                        if dims == Dims::One { vec![shape[0], shape[1], shape[3]] } else { shape.to_vec() };
                    put("weight", Some(json!({"seed": seed, "shape": shape})));
                    put("bias", c.bias.is_some().then_some(Value::Bool(true)));
                }
                None => {
                    put("weight", Some(tensor_value(&c.weight.view().into_dyn(), dims)));
                    put("bias", c.bias.as_ref().map(|b| Value::Array(b.iter().map(|&x| number(x)).collect())));
                }
            }
            let h = c.hyper;
            put("stride", axes_value(dims, h.stride, [1, 1]));
            put(
                "padding",
                h.padding_rule.name().map(|rule| json!(rule)).or_else(|| axes_value(dims, h.padding, [0, 0])),
            );
            put("dilation", axes_value(dims, h.dilation, [1, 1]));
            put("groups", (h.groups != 1).then(|| json!(h.groups)));
            put("output_padding", axes_value(dims, h.output_padding, [0, 0]));
            put("padding_mode", (h.padding_mode != PaddingMode::Zeros).then(|| json!(h.padding_mode.name())));
            put("flip", h.flip.then_some(Value::Bool(true)));
        }
        Layer::Pool(p) => {
            let name = POOLS.iter().find(|q| q.1 == p.kind && q.2 == dims).map_or("max_pool2d", |q| q.0);
            put("op", Some(json!(name)));
            put("kernel_size", axes_value(dims, p.kernel, [0, 0]));
            put("stride", axes_value(dims, p.stride, p.kernel));
            put("padding", axes_value(dims, p.padding, [0, 0]));
            put("dilation", axes_value(dims, p.dilation, [1, 1]));
            put("ceil_mode", p.ceil_mode.then_some(Value::Bool(true)));
            put("count_include_pad", (p.kind == PoolKind::Avg && !p.count_include_pad).then_some(Value::Bool(false)));
        }
        Layer::Relu => put("op", Some(json!("relu"))),
        Layer::Pad(p) => {
            put("op", Some(json!("pad")));
            let [l, r, t, b] = p.amounts;
            put("pad", Some(if dims == Dims::One || (t, b) == (0, 0) { json!([l, r]) } else { json!([l, r, t, b]) }));
            let mode = PAD_MODES.iter().find(|m| m.1 == p.mode).map_or("constant", |m| m.0);
            put("mode", (p.mode != PaddingMode::Zeros).then(|| json!(mode)));
            put("value", (p.value != 0.0).then(|| number(p.value)));
        }
    }
    Value::Object(map)
}

/// The document's `layers`: `None` for no stack (the key is left out).
pub fn write_layers(stack: &Stack, dims: Dims) -> Option<Value> {
    (!stack.layers.is_empty()).then(|| Value::Array(stack.layers.iter().map(|e| write_layer(e, dims)).collect()))
}

/// Reads `probe`: `[layer, c, i, j]`, 1D `[layer, c, i]`.
pub fn read_probe(v: &Value, dims: Dims) -> Result<Probe, DocumentError> {
    let want = if dims == Dims::One { 3 } else { 4 };
    let items = v.as_array().filter(|a| a.len() == want).ok_or_else(|| {
        let form = if dims == Dims::One { "[layer, channel, i]" } else { "[layer, channel, i, j]" };
        read::error("probe", format!("expected {form}"))
    })?;
    let n: Vec<usize> =
        items.iter().enumerate().map(|(k, x)| read::whole(x, &format!("probe[{k}]"))).collect::<Result<_, _>>()?;
    Ok(match dims {
        Dims::One => Probe { layer: n[0], index: [n[1], 0, n[2]] },
        Dims::Two => Probe { layer: n[0], index: [n[1], n[2], n[3]] },
    })
}

/// Writes `probe` in the document's form.
pub fn write_probe(probe: Probe, dims: Dims) -> Value {
    let [c, i, j] = probe.index;
    match dims {
        Dims::One => json!([probe.layer, c, j]),
        Dims::Two => json!([probe.layer, c, i, j]),
    }
}

/// Checks a stack on an input of `input` shape: every layer takes its input
/// (else the error names the layer, from 1, with the core's numbers), each
/// output fits the drawing caps, the whole stack the multiply-add cap, and
/// the probe names a cell that exists.
pub fn validate(stack: &Stack, dims: Dims, probe: Option<Probe>, input: [usize; 3]) -> Result<(), DocumentError> {
    check(stack, dims, probe, input, true)
}

/// The size caps of [`validate`] alone, up to the first layer that cannot
/// take its input (that layer's error is shown beside it, not refused): for
/// stacks built in the page.
pub fn fits_caps(stack: &Stack, dims: Dims, input: [usize; 3]) -> Result<(), DocumentError> {
    check(stack, dims, None, input, false)
}

/// [`validate`]; with `layer_errors` false, the check stops quietly at a layer that cannot take its input.
fn check(
    stack: &Stack,
    dims: Dims,
    probe: Option<Probe>,
    input: [usize; 3],
    layer_errors: bool,
) -> Result<(), DocumentError> {
    let mut shape = input;
    let mut shapes = vec![input];
    let mut macs: u64 = 0;
    for (k, entry) in stack.layers.iter().enumerate() {
        let path = format!("layers[{k}]");
        let layer = &entry.layer;
        let named =
            |e: crate::conv::ConvError| read::error(&path, format!("layer {} ({}): {e}", k + 1, layer.kind_name()));
        if let Some(d) = layer.dims().filter(|&d| d != dims) {
            return Err(named(crate::conv::ConvError::LayerDims { op: layer.kind_name(), layer: d, input: dims }));
        }
        let (layer_macs, next) = match layer.macs(shape).and_then(|m| Ok((m, layer.output_shape(shape)?))) {
            Ok(done) => done,
            Err(e) if layer_errors => return Err(named(e)),
            Err(_) => break,
        };
        macs = macs.saturating_add(layer_macs);
        shape = next;
        let cells = shape.iter().fold(1usize, |a, &n| a.saturating_mul(n));
        if cells > limits::DRAWN_CELLS || shape[0] > limits::CHANNELS {
            return Err(read::error(
                &path,
                format!(
                    "layer {} gives ({}, {}, {}): more than this app draws (at most {} channels, {} cells)",
                    k + 1,
                    shape[0],
                    shape[1],
                    shape[2],
                    limits::CHANNELS,
                    limits::DRAWN_CELLS
                ),
            ));
        }
        shapes.push(shape);
    }
    if macs > limits::PRODUCTS as u64 {
        return Err(read::error(
            "layers",
            format!("this stack has {macs} multiply-adds, more than the limit of {}", limits::PRODUCTS),
        ));
    }
    if let Some(Probe { layer, index }) = probe {
        let Some(&[c, h, w]) = shapes.get(layer) else {
            return Err(read::error(
                "probe",
                format!("probe names layer {layer}, but the stack has {} layers", stack.layers.len()),
            ));
        };
        if index[0] >= c || index[1] >= h || index[2] >= w {
            return Err(read::error(
                "probe",
                format!("probe names cell {:?} of layer {layer}, whose output is ({c}, {h}, {w})", index),
            ));
        }
    }
    Ok(())
}

/// What the network view shows, computed once per input and stack: every
/// layer's output (up to a failing layer), the summary table's rows.
#[derive(Debug)]
pub struct NetResults {
    pub network: Network,
    pub eval: Evaluation,
    /// `[0]` the input, `[k]` layer `k`, up to the last layer that takes its input.
    pub summary: Vec<LayerSummary>,
}

impl NetResults {
    pub fn new(dims: Dims, input: &Array3<f64>, stack: &Stack) -> NetResults {
        let network = stack.network(dims, input);
        let eval = network.evaluate();
        let summary = network.summary();
        NetResults { network, eval, summary }
    }

    /// The receptive field of `probe`, if it names a computed cell.
    pub fn receptive(&self, probe: Probe) -> Option<Receptive> {
        self.network.receptive(&self.eval, probe)
    }

    /// The first transposed layer (from 1), where the recurrence stops.
    pub fn first_transposed(&self) -> Option<usize> {
        self.network.layers.iter().position(|l| matches!(l, Layer::Conv(c) if c.op.is_transposed())).map(|k| k + 1)
    }

    /// Parameters and multiply-adds of the whole stack (the rows there are).
    pub fn totals(&self) -> (usize, u64) {
        let params = self.summary.iter().map(|r| r.params).sum();
        let macs = self.summary.iter().fold(0u64, |a, r| a.saturating_add(r.macs));
        (params, macs)
    }
}

/// The recurrence of one axis written out with its numbers:
/// `r = 3 + (3 − 1)·1·2 = 7, j = 2·2 = 4`.
fn recurrence_axis(s: &RfStep) -> String {
    format!(
        "r = {} + ({} \u{2212} 1)\u{00B7}{}\u{00B7}{} = {}, j = {}\u{00B7}{} = {}",
        s.r_prev, s.kernel, s.dilation, s.j_prev, s.r, s.j_prev, s.stride, s.j
    )
}

/// The summary row's recurrence, with its numbers (one axis in 1D, or both
/// named when they differ in 2D); `None` for rows that keep `r` and `j`.
pub fn recurrence_text(row: &LayerSummary, dims: Dims) -> Option<String> {
    let [h, w] = row.rf_terms?;
    Some(match dims {
        Dims::One => recurrence_axis(&w),
        Dims::Two if h == w => recurrence_axis(&w),
        Dims::Two => format!("height: {}; width: {}", recurrence_axis(&h), recurrence_axis(&w)),
    })
}

/// `(C, H, W)` as people read it (1D `(C, W)`): `(8, 14, 14)`.
pub fn shape_text([c, h, w]: [usize; 3], dims: Dims) -> String {
    if dims == Dims::One { format!("({c}, {w})") } else { format!("({c}, {h}, {w})") }
}

/// `"5x5"`, or `"5"` in 1D.
pub fn pair_text([h, w]: [usize; 2], dims: Dims) -> String {
    if dims == Dims::One { w.to_string() } else { format!("{h}x{w}") }
}

/// What the marks of `probe` say, in words: how many input cells the cell
/// depends on and how many decided its value, and why the two differ.
pub fn receptive_words(results: &NetResults, probe: Probe, receptive: &Receptive, dims: Dims) -> String {
    let on_input = |masks: &[Mask]| masks.first().map_or(0, Mask::count);
    let (structural, decided) = (on_input(&receptive.structural), on_input(&receptive.decided));
    let name = if probe.layer == 0 { "input".to_string() } else { format!("layer {}", probe.layer) };
    let cell = crate::model::grid::data_index(dims, &[probe.index[0]], [probe.index[1], probe.index[2]]);
    let mut text = format!("The cell [{cell}] of {name} depends on {structural} input cells");
    if let Some(([t, l], [b, r])) = receptive.structural.first().and_then(Mask::bounding_box) {
        text.push_str(&format!(" (within a {} patch)", pair_text([b - t + 1, r - l + 1], dims)));
    }
    text.push_str(&format!("; {decided} of them decided its value."));
    if decided < structural {
        let pools = results.network.layers.iter().take(probe.layer).any(Layer::is_max_pool);
        let relus = results.network.layers.iter().take(probe.layer).any(|l| matches!(l, Layer::Relu));
        let why = match (pools, relus) {
            (true, true) => "a max pool passes only its largest cell, and a ReLU at zero passes nothing back",
            (true, false) => "a max pool passes only its largest cell",
            _ => "a ReLU whose input was 0 or less passes nothing back",
        };
        text.push_str(&format!(
            " The two differ: {why}, so a small change to the other {} leaves this value as it is.",
            structural - decided
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::Document;
    use crate::model::presets;

    fn parse(text: &str) -> Result<Document, DocumentError> {
        Document::parse(text)
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers_in_hundredths() {
        let (a, b) = seeded(7, [4, 3, 3, 3], Some(4));
        let (a2, b2) = seeded(7, [4, 3, 3, 3], Some(4));
        assert_eq!((&a, &b), (&a2, &b2));
        // fan_in 27: bound 1/sqrt(27) = 0.192, so hundredths in [-0.19, 0.19].
        assert!(a.iter().all(|&v| v.abs() <= 0.19 + 1e-12 && ((v * 100.0).round() - v * 100.0).abs() < 1e-9));
        assert_ne!(a, seeded(8, [4, 3, 3, 3], None).0);
        assert_eq!(b.map(|b| b.len()), Some(4));
    }

    #[test]
    fn layers_round_trip_through_the_document() -> Result<(), DocumentError> {
        let text = r#"{"input":[[[1,2,3,4],[5,6,7,8],[9,10,11,12],[13,14,15,16]]],"layers":[
            {"op":"conv2d","weight":{"seed":3,"shape":[2,1,3,3]},"bias":true,"padding":1},
            {"op":"relu"},
            {"op":"max_pool2d","kernel_size":2,"ceil_mode":true},
            {"op":"avg_pool2d","kernel_size":[1,2],"stride":1,"count_include_pad":false},
            {"op":"pad","pad":[1,0,2,0],"mode":"replicate"},
            {"op":"conv2d","weight":[[[[1]],[[2]]]],"bias":[0.5]}],
            "probe":[6,0,1,1],"view":"network"}"#;
        let d = parse(text)?;
        assert_eq!(d.stack.layers.len(), 6);
        assert_eq!(d.stack.layers[0].seed, Some(3));
        assert_eq!(d.view.probe, Some(Probe { layer: 6, index: [0, 1, 1] }));
        let Layer::Pool(p) = &d.stack.layers[3].layer else { panic!("layer 4 is a pool") };
        assert_eq!((p.kernel, p.stride, p.count_include_pad), ([1, 2], [1, 1], false));
        let again = parse(&d.to_json())?;
        assert_eq!(again, d);
        // Seeded weights stay a seed in the link.
        assert!(d.to_json().contains(r#""weight":{"seed":3,"shape":[2,1,3,3]}"#), "{}", d.to_json());
        Ok(())
    }

    #[test]
    fn a_conv_layer_takes_same_and_valid() -> Result<(), DocumentError> {
        // nn.Conv2d(1, 2, 4, padding='same') keeps 5x6; then padding='valid' with a 2x2 kernel: 4x5.
        let text = r#"{"input":[[[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6]]],"layers":[
            {"op":"conv2d","weight":{"seed":3,"shape":[2,1,4,4]},"padding":"same"},
            {"op":"conv2d","weight":{"seed":4,"shape":[1,2,2,2]},"padding":"valid"}]}"#;
        let d = parse(text)?;
        let first = d.stack.layers[0].layer.output_shape([1, 5, 6]).map_err(DocumentError::from)?;
        assert_eq!(first, [2, 5, 6]);
        assert_eq!(d.stack.layers[1].layer.output_shape(first).map_err(DocumentError::from)?, [1, 4, 5]);
        let json = d.to_json();
        assert!(json.contains(r#""padding":"same""#) && json.contains(r#""padding":"valid""#), "{json}");
        assert_eq!(parse(&json)?, d);
        let strided = text.replace(r#""padding":"same""#, r#""padding":"same","stride":2"#);
        let err = parse(&strided).unwrap_err();
        assert_eq!(err.path, "layers[0]");
        assert!(err.message.contains("padding='same' is not supported for strided convolutions"), "{}", err.message);
        Ok(())
    }

    #[test]
    fn bad_layers_are_named_by_their_path() {
        let base = |layers: &str| format!(r#"{{"input":[[1,2,3,4]],"op":"conv1d","layers":{layers}}}"#);
        let err = |layers: &str| parse(&base(layers)).unwrap_err();
        assert_eq!(err(r#"[{"op":"relu"},{"op":"max_pool1d"}]"#).path, "layers[1].kernel_size");
        assert_eq!(err(r#"[{"op":"max_pool2d","kernel_size":2}]"#).path, "layers[0].op");
        assert!(err(r#"[{"op":"max_pool2d","kernel_size":2}]"#).message.contains("is 2D but the input is 1D"));
        assert_eq!(err(r#"[{"op":"relu","kernel_size":2}]"#).path, "layers[0].kernel_size");
        assert_eq!(err(r#"[{"op":"conv1d","weight":{"seed":1,"shape":[1,2,3]}}]"#).path, "layers[0]");
        let e = err(r#"[{"op":"conv1d","weight":{"seed":1,"shape":[1,2,3]}}]"#);
        assert!(e.message.starts_with("layer 1 (conv1d): "), "{}", e.message);
        assert_eq!(err(r#"[{"op":"max_pool1d","kernel_size":5}]"#).path, "layers[0]");
        let probe =
            parse(r#"{"input":[[1,2,3,4]],"op":"conv1d","layers":[{"op":"relu"}],"probe":[2,0,0]}"#).unwrap_err();
        assert_eq!(probe.path, "probe");
    }

    #[test]
    fn every_network_example_opens_with_the_shapes_it_promises() -> Result<(), DocumentError> {
        let shapes = |id: &str| -> Result<Vec<[usize; 3]>, DocumentError> {
            let d = parse(&presets::document(id).unwrap_or_default())?;
            let (c, h, w) = d.problem.input.dim();
            let mut s = [c, h, w];
            let mut out = vec![s];
            for e in &d.stack.layers {
                s = e.layer.output_shape(s).map_err(DocumentError::from)?;
                out.push(s);
            }
            Ok(out)
        };
        // LeNet-5: 1x32x32 → 6x28x28 → (relu) → 6x14x14 → 16x10x10 → (relu) → 16x5x5.
        assert_eq!(
            shapes("net-lenet")?,
            vec![[1, 32, 32], [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10], [16, 5, 5]]
        );
        assert_eq!(shapes("net-causal")?.last(), Some(&[2, 1, 16]));
        assert_eq!(shapes("net-autoencoder")?.last(), Some(&[1, 16, 16]));
        assert_eq!(shapes("net-separable")?.last(), Some(&[16, 8, 8]));
        assert_eq!(shapes("net-vgg")?.last(), Some(&[8, 6, 6]));
        assert_eq!(shapes("net-downsample")?.last(), Some(&[4, 4, 4]));
        Ok(())
    }
}
