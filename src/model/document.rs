//! The configuration document: one JSON object that describes everything the
//! learner set, the [`Problem`] and the UI's [`ViewState`]. Links
//! (`#config=...`), localStorage, import/export and presets all use it.
//!
//! Course authors write it by hand, so reading is strict (unknown keys are
//! errors), forgiving where PyTorch is (an integer stands for every axis,
//! missing keys take PyTorch's defaults), and every error names its JSON path.
//! Each key is declared once, in `KEYS`: its name, how it is read and how it
//! is written. The schema is documented in the README.
//!
//! (Read by walking `serde_json::Value` rather than `#[derive(Deserialize)]`:
//! the messages say exactly what was expected where, and the wasm is smaller.)

use std::fmt;

use ndarray::{Array1, ArrayD, IxDyn};
use serde_json::{Value, json};

use crate::conv::{ColumnOrder, ConvError, Dims, Field, Geometry, Hyper, Op, PaddingMode, PaddingRule, Problem};
use crate::model::network::{self, Stack};
use crate::model::view_state::{Explain, GradFocus, View, ViewState};

/// The document format's version, written first in every document. A link
/// without the key is read as this version (links made before it existed);
/// a link from a newer version is refused with a message that says so.
pub const VERSION: u64 = 1;

/// Size caps that keep the page responsive whatever a link holds.
pub mod limits {
    /// Characters of a configuration document.
    pub const DOCUMENT_CHARS: usize = 200_000;
    /// Channels of the input and of the output.
    pub const CHANNELS: usize = 16;
    /// Height and width of the input: a picture's largest side (image mode
    /// scales uploads down to it). Links cannot carry that many numbers
    /// (`DOCUMENT_CHARS`); a picture's link names it instead.
    pub const SPATIAL: usize = 512;
    /// Height and width of the kernel.
    pub const KERNEL: usize = 16;
    /// Stride, padding, dilation, output_padding.
    pub const HYPER: usize = 32;
    /// Multiply-adds of the whole result, `F*OH*OW * C/groups*KH*KW`: what
    /// one edit recomputes (3x64x64 with 16 3x3 filters is 1.8 million).
    pub const PRODUCTS: usize = 1 << 25;
    /// Cells of the largest grid a view draws: the padded input `C * (H+2ph) * (W+2pw)`,
    /// the output `F * OH * OW`, or the transposed convolution's canvas.
    /// A 3x512x512 picture with padding 1 (792,588 cells) fits.
    pub const DRAWN_CELLS: usize = 1 << 20;
    /// Practice: products a learner can check one by one, and input cells
    /// they can pick (a practice problem's sums are far shorter).
    pub const PRACTICE_PRODUCTS: usize = 1024;
}

/// A parse or validation error, with the JSON path of the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// JSON path such as `weight[0][1]` or `stride`; empty for the whole document.
    pub path: String,
    /// What is wrong, with the numbers involved; shown to the learner as is.
    pub message: String,
    /// The control to mark, when the error belongs to one.
    pub field: Option<Field>,
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DocumentError {}

impl DocumentError {
    fn at(field: Field, message: impl Into<String>) -> Self {
        DocumentError { path: field_key(field).to_string(), message: message.into(), field: Some(field) }
    }
}

impl From<ConvError> for DocumentError {
    fn from(err: ConvError) -> Self {
        DocumentError::at(err.field(), err.to_string())
    }
}

/// A validated document: the problem and what the learner looks at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The operation, its tensors and hyper-parameters.
    pub problem: Problem,
    /// The network view's layers on the input, and its probed cell (keys
    /// `layers`, `probe`); empty when the document has none.
    pub stack: Stack,
    /// The view, explanation, gradient and step.
    pub view: ViewState,
    /// Where the input came from when it is a picture: then the document
    /// names the picture (key `image`) instead of listing its pixels.
    pub picture: Option<PictureRef>,
}

/// The picture an input is (document keys `image` and `greyscale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureRef {
    /// One of [`crate::model::picture::NAMES`], in colour `(3, H, W)` or grey `(1, H, W)`.
    Bundled { name: &'static str, grey: bool },
    /// The learner's own picture (uploaded, or a bundled one edited): its
    /// pixels never go into a link or the stored state, which say `"own"`;
    /// such a document opens with the first bundled picture in its place.
    Own,
}

/// What stands in for an own picture: the first bundled picture tiled to the
/// own picture's `(h, w)` (so its parameters still fit), with the channels
/// its filters need (colour for 3, else the grey repeated).
fn stand_in(channels: usize, [h, w]: [usize; 2]) -> Option<ndarray::Array3<f64>> {
    let colour = crate::model::picture::bundled(crate::model::picture::NAMES[0])?;
    let tile = if channels == 3 { colour } else { crate::model::picture::greyscale(&colour) };
    let (tc, th, tw) = tile.dim();
    let c = channels.clamp(1, limits::CHANNELS);
    Some(ndarray::Array3::from_shape_fn((c, h.clamp(1, limits::SPATIAL), w.clamp(1, limits::SPATIAL)), |(ch, i, j)| {
        tile[[ch % tc, i % th, j % tw]]
    }))
}

impl PictureRef {
    /// The input tensor of a bundled picture (an own picture's is the problem's input).
    pub fn pixels(self) -> Option<ndarray::Array3<f64>> {
        match self {
            PictureRef::Bundled { name, grey } => crate::model::picture::bundled(name)
                .map(|p| if grey { crate::model::picture::greyscale(&p) } else { p }),
            PictureRef::Own => None,
        }
    }
}

/// A nested JSON array of numbers, any depth.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Nested {
    Number(f64),
    List(Vec<Nested>),
}

impl Nested {
    /// Converts to an array, checking that every row has the same length.
    pub(crate) fn to_array(&self, key: &str, field: Field) -> Result<ArrayD<f64>, DocumentError> {
        fn shape_of(n: &Nested, shape: &mut Vec<usize>) {
            if let Nested::List(items) = n {
                shape.push(items.len());
                if let Some(first) = items.first() {
                    shape_of(first, shape);
                }
            }
        }
        fn flatten(
            n: &Nested,
            depth: usize,
            shape: &[usize],
            path: &mut String,
            out: &mut Vec<f64>,
        ) -> Result<(), String> {
            match n {
                Nested::Number(v) if depth == shape.len() => {
                    out.push(*v);
                    Ok(())
                }
                Nested::Number(_) => Err(format!("expected an array of length {} here", shape[depth])),
                Nested::List(items) if depth < shape.len() && items.len() == shape[depth] => {
                    for (k, item) in items.iter().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{k}]"));
                        flatten(item, depth + 1, shape, path, out)?;
                        path.truncate(len);
                    }
                    Ok(())
                }
                Nested::List(items) if depth < shape.len() => Err(format!(
                    "this row has {} values but the first row at this depth has {}: rows must all be the same length",
                    items.len(),
                    shape[depth]
                )),
                Nested::List(_) => Err("expected a number here".to_string()),
            }
        }
        let mut shape = Vec::new();
        shape_of(self, &mut shape);
        let mut values = Vec::new();
        let mut path = key.to_string();
        flatten(self, 0, &shape, &mut path, &mut values).map_err(|message| DocumentError {
            path: path.clone(),
            message,
            field: Some(field),
        })?;
        ArrayD::from_shape_vec(IxDyn(&shape), values).map_err(|e| DocumentError::at(field, e.to_string()))
    }
}

/// An integer for every axis, or one per axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PerAxisValue {
    All(usize),
    Axes(Vec<usize>),
}

/// The document as read, before shapes and rules are checked (tensors wait
/// for `op`, which may come later in the object, to know 1D from 2D).
#[derive(Debug, Default)]
struct Raw {
    op: Op,
    input: Option<Nested>,
    weight: Option<Nested>,
    bias: Option<Nested>,
    grad_output: Option<Nested>,
    stride: Option<PerAxisValue>,
    padding: Option<PerAxisValue>,
    /// `"padding": "same"` or `"valid"` instead of numbers.
    padding_rule: PaddingRule,
    dilation: Option<PerAxisValue>,
    output_padding: Option<PerAxisValue>,
    groups: Option<usize>,
    padding_mode: PaddingMode,
    flip: bool,
    view: ViewState,
    /// `image`: a bundled picture's name, or `"own"`.
    image: Option<String>,
    greyscale: bool,
    /// `image_size`: an own picture's `[H, W]`, for its stand-in.
    image_size: Option<PerAxisValue>,
    /// `layers` and `probe`, read once `op` (1D or 2D) is known.
    layers: Option<Value>,
    probe: Option<Value>,
}

/// One key of the document: its name, how it is read into [`Raw`] and how it
/// is written from a [`Document`] (`None`: left out, it holds its default).
struct Key {
    name: &'static str,
    /// The control the key sets, for the keys the core's errors name ([`Field`]).
    field: Option<Field>,
    read: fn(&Value, &'static str, &mut Raw) -> Result<(), DocumentError>,
    write: fn(&Document) -> Option<Value>,
}

/// A nested tensor key, `null` meaning absent.
fn read_tensor(v: &Value, key: &'static str) -> Result<Option<Nested>, DocumentError> {
    (!v.is_null()).then(|| read::nested(v, &mut key.to_string())).transpose()
}

/// A per-axis value as an author writes it: one integer when the axes agree
/// (or in 1D), `[h, w]` otherwise; `None` when it equals `default`.
fn write_axes(d: &Document, hw: [usize; 2], default: usize) -> Option<Value> {
    let v = match d.problem.dims() {
        Dims::One => json!(hw[1]),
        Dims::Two if hw[0] == hw[1] => json!(hw[0]),
        Dims::Two => json!(hw),
    };
    (v != json!(default)).then_some(v)
}

/// The strings `padding` takes besides numbers (PyTorch's conv1d/conv2d).
pub(crate) const PADDING_RULES: [(&str, PaddingRule); 2] = [("same", PaddingRule::Same), ("valid", PaddingRule::Valid)];

/// Every key, in the README's order (which is also the order they are written in).
const KEYS: [Key; 26] = [
    Key {
        name: "version",
        field: None,
        read: |v, k, _| match v.as_u64() {
            Some(n) if (1..=VERSION).contains(&n) => Ok(()),
            Some(n) if n > VERSION => Err(read::error(
                k,
                format!(
                    "this link was made by a newer ConvScope (document version {n}); this one reads version {VERSION}"
                ),
            )),
            _ => Err(read::error(k, format!("expected a document version from 1 to {VERSION}"))),
        },
        write: |_| Some(json!(VERSION)),
    },
    Key {
        name: "op",
        field: None,
        read: |v, k, r| read::choice(v, k, &Op::ALL.map(|o| (o.name(), o))).map(|x| r.op = x),
        write: |d| Some(json!(d.problem.op.name())),
    },
    Key {
        name: "input",
        field: Some(Field::Input),
        read: |v, k, r| read_tensor(v, k).map(|x| r.input = x),
        // A picture is named, not listed (an uploaded one is never written).
        write: |d| d.picture.is_none().then(|| tensor_value(&d.problem.input.view().into_dyn(), d.problem.dims())),
    },
    Key {
        name: "image",
        field: None,
        read: |v, k, r| {
            let names: Vec<(&'static str, &'static str)> =
                crate::model::picture::NAMES.iter().chain(&["own"]).map(|&n| (n, n)).collect();
            read::choice(v, k, &names).map(|x| r.image = Some(x.to_string()))
        },
        write: |d| match d.picture? {
            PictureRef::Bundled { name, .. } => Some(json!(name)),
            PictureRef::Own => Some(json!("own")),
        },
    },
    Key {
        name: "image_size",
        field: None,
        read: |v, k, r| read::per_axis(v, k).map(|x| r.image_size = Some(x)),
        write: |d| {
            let (_, h, w) = d.problem.input.dim();
            (d.picture == Some(PictureRef::Own)).then(|| json!([h, w]))
        },
    },
    Key {
        name: "greyscale",
        field: None,
        read: |v, k, r| read::boolean(v, k).map(|x| r.greyscale = x),
        write: |d| match d.picture? {
            PictureRef::Bundled { grey, .. } => grey.then_some(Value::Bool(true)),
            PictureRef::Own => None,
        },
    },
    Key {
        name: "weight",
        field: Some(Field::Weight),
        read: |v, k, r| read_tensor(v, k).map(|x| r.weight = x),
        write: |d| Some(tensor_value(&d.problem.weight.view().into_dyn(), d.problem.dims())),
    },
    Key {
        name: "bias",
        field: Some(Field::Bias),
        read: |v, k, r| read_tensor(v, k).map(|x| r.bias = x),
        write: |d| d.problem.bias.as_ref().map(|b| Value::Array(b.iter().map(|&x| number(x)).collect())),
    },
    Key {
        name: "stride",
        field: Some(Field::Stride),
        read: |v, k, r| read::per_axis(v, k).map(|x| r.stride = Some(x)),
        write: |d| write_axes(d, d.problem.hyper.stride, 1),
    },
    Key {
        name: "padding",
        field: Some(Field::Padding),
        read: |v, k, r| match v {
            Value::String(_) => read::choice(v, k, &PADDING_RULES).map(|x| r.padding_rule = x),
            _ => read::per_axis(v, k).map(|x| r.padding = Some(x)),
        },
        write: |d| match d.problem.hyper.padding_rule.name() {
            Some(name) => Some(json!(name)),
            None => write_axes(d, d.problem.hyper.padding, 0),
        },
    },
    Key {
        name: "dilation",
        field: Some(Field::Dilation),
        read: |v, k, r| read::per_axis(v, k).map(|x| r.dilation = Some(x)),
        write: |d| write_axes(d, d.problem.hyper.dilation, 1),
    },
    Key {
        name: "groups",
        field: Some(Field::Groups),
        read: |v, k, r| read::whole(v, k).map(|x| r.groups = Some(x)),
        write: |d| (d.problem.hyper.groups != 1).then(|| json!(d.problem.hyper.groups)),
    },
    Key {
        name: "output_padding",
        field: Some(Field::OutputPadding),
        read: |v, k, r| read::per_axis(v, k).map(|x| r.output_padding = Some(x)),
        write: |d| write_axes(d, d.problem.hyper.output_padding, 0),
    },
    Key {
        name: "padding_mode",
        field: Some(Field::PaddingMode),
        read: |v, k, r| read::choice(v, k, &PaddingMode::ALL.map(|m| (m.name(), m))).map(|x| r.padding_mode = x),
        write: |d| {
            (d.problem.hyper.padding_mode != PaddingMode::Zeros).then(|| json!(d.problem.hyper.padding_mode.name()))
        },
    },
    Key {
        name: "flip",
        field: Some(Field::Flip),
        read: |v, k, r| read::boolean(v, k).map(|x| r.flip = x),
        write: |d| d.problem.hyper.flip.then_some(Value::Bool(true)),
    },
    Key {
        name: "grad_output",
        field: Some(Field::GradOutput),
        read: |v, k, r| read_tensor(v, k).map(|x| r.grad_output = x),
        // Written with an own picture too: its stand-in keeps the picture's
        // size (image_size), so dY still has the output's shape when reopened.
        write: |d| {
            let g = d.problem.grad_output.as_ref()?;
            Some(tensor_value(&g.view().into_dyn(), d.problem.dims()))
        },
    },
    Key {
        name: "layers",
        field: None,
        read: |v, _, r| {
            r.layers = Some(v.clone());
            Ok(())
        },
        write: |d| network::write_layers(&d.stack, d.problem.dims()),
    },
    Key {
        name: "probe",
        field: None,
        read: |v, _, r| {
            r.probe = (!v.is_null()).then(|| v.clone());
            Ok(())
        },
        write: |d| d.view.probe.map(|p| network::write_probe(p, d.problem.dims())),
    },
    Key {
        name: "view",
        field: None,
        read: |v, k, r| read::choice(v, k, &View::ALL.map(|w| (w.name(), w))).map(|x| r.view.view = x),
        write: |d| (d.view.view != View::Forward).then(|| json!(d.view.view.name())),
    },
    Key {
        name: "explain",
        field: None,
        read: |v, k, r| read::choice(v, k, &Explain::ALL.map(|e| (e.name(), e))).map(|x| r.view.explain = x),
        write: |d| (d.view.explain != Explain::Scatter).then(|| json!(d.view.explain.name())),
    },
    Key {
        name: "gradient",
        field: None,
        read: |v, k, r| read::choice(v, k, &GradFocus::ALL.map(|g| (g.name(), g))).map(|x| r.view.gradient = x),
        write: |d| (d.view.gradient != GradFocus::Input).then(|| json!(d.view.gradient.name())),
    },
    Key {
        name: "order",
        field: None,
        read: |v, k, r| {
            read::choice(v, k, &ColumnOrder::ALL.map(|o| (column_order_name(o), o))).map(|x| r.view.order = x)
        },
        write: |d| (d.view.order != ColumnOrder::default()).then(|| json!(column_order_name(d.view.order))),
    },
    Key {
        name: "step",
        field: None,
        read: |v, k, r| read::whole(v, k).map(|x| r.view.step = x),
        write: |d| (d.view.step != 0).then(|| json!(d.view.step)),
    },
    Key {
        name: "present",
        field: None,
        read: |v, k, r| read::boolean(v, k).map(|x| r.view.present = x),
        write: |d| d.view.present.then_some(Value::Bool(true)),
    },
    Key {
        name: "practice",
        field: None,
        read: |v, k, r| read::boolean(v, k).map(|x| r.view.practice = x),
        write: |d| d.view.practice.then_some(Value::Bool(true)),
    },
    Key {
        name: "reveal",
        field: None,
        read: |v, k, r| read::boolean(v, k).map(|x| r.view.reveal = x),
        write: |d| (!d.view.reveal).then_some(Value::Bool(false)),
    },
];

/// Every key's name, in `KEYS`' order: the list itself, for code outside this
/// module that must cover every key (the fuzz test writes each one), so a key
/// added to `KEYS` cannot be missed there.
pub const KEY_NAMES: [&str; KEYS.len()] = {
    let mut names = [""; KEYS.len()];
    let mut k = 0;
    while k < KEYS.len() {
        names[k] = KEYS[k].name;
        k += 1;
    }
    names
};

/// The document's names of im2col's column orders (key `order`): `"unfold"`
/// is PyTorch's `(c, ki, kj)`, `"tutorial"` the seeds' `(ki, kj, c)`.
pub fn column_order_name(order: ColumnOrder) -> &'static str {
    match order {
        ColumnOrder::ChannelMajor => "unfold",
        ColumnOrder::TapMajor => "tutorial",
    }
}

/// Each [`Field`]'s key, at index `field as usize`: read off `KEYS` when the
/// crate compiles, which fails if a field has no key.
const FIELD_KEYS: [&str; Field::ALL.len()] = {
    let mut keys = [""; Field::ALL.len()];
    let mut k = 0;
    while k < KEYS.len() {
        if let Some(field) = KEYS[k].field {
            keys[field as usize] = KEYS[k].name;
        }
        k += 1;
    }
    let mut f = 0;
    while f < keys.len() {
        assert!(Field::ALL[f] as usize == f, "Field::ALL lists the fields in their order");
        assert!(!keys[f].is_empty(), "every Field has its key in KEYS");
        f += 1;
    }
    keys
};

/// The document key of the control `field` (the path of an error that marks it):
/// `Field::OutputPadding` is `"output_padding"`.
pub fn field_key(field: Field) -> &'static str {
    FIELD_KEYS[field as usize]
}

/// Reading `serde_json::Value`s by hand, with the JSON path of every error.
///
/// (By hand rather than `#[derive(Deserialize)]` + `serde_path_to_error`:
/// the messages say exactly what was expected where, and the wasm is smaller.)
pub(crate) mod read {
    use serde_json::Value;

    use super::{DocumentError, Nested, PerAxisValue};

    pub fn error(path: &str, message: String) -> DocumentError {
        DocumentError { path: path.to_string(), message, field: None }
    }

    /// "a string", "an array", ...: what was found instead.
    pub fn kind(v: &Value) -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// A JSON number's value: its text as written (serde_json's
    /// `arbitrary_precision` keeps it), read by [`crate::conv::decimal::parse`],
    /// correctly rounded; `None` beyond f64's range (`1e400`).
    ///
    /// (Not `Number::as_f64`: serde_json's own exact float reading (its
    /// `lexical` module and tables, about 18 KB of the wasm) or core's
    /// `dec2flt` (10 KB of tables) would come with it into the main module.)
    pub fn number(n: &serde_json::Number) -> Option<f64> {
        crate::conv::decimal::parse(n.as_str()).filter(|v| v.is_finite())
    }

    pub fn nested(v: &Value, path: &mut String) -> Result<Nested, DocumentError> {
        match v {
            Value::Number(n) => {
                number(n).map(Nested::Number).ok_or_else(|| error(path, format!("{n} is not a usable number")))
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (k, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{k}]"));
                    out.push(nested(item, path)?);
                    path.truncate(len);
                }
                Ok(Nested::List(out))
            }
            other => Err(error(path, format!("expected a number or an array of numbers, got {}", kind(other)))),
        }
    }

    pub fn whole(v: &Value, path: &str) -> Result<usize, DocumentError> {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| error(path, format!("expected a non-negative whole number, got {}", describe(v))))
    }

    pub fn per_axis(v: &Value, path: &str) -> Result<PerAxisValue, DocumentError> {
        match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(k, item)| whole(item, &format!("{path}[{k}]")))
                .collect::<Result<_, _>>()
                .map(PerAxisValue::Axes),
            Value::Number(_) => whole(v, path).map(PerAxisValue::All),
            other => Err(error(
                path,
                format!(
                    "expected a non-negative whole number or a list of them, one per spatial axis, got {}",
                    kind(other)
                ),
            )),
        }
    }

    pub fn boolean(v: &Value, path: &str) -> Result<bool, DocumentError> {
        v.as_bool().ok_or_else(|| error(path, format!("expected true or false, got {}", kind(v))))
    }

    /// One of a set of names, e.g. `"conv2d"`.
    pub fn choice<T: Copy>(v: &Value, path: &str, options: &[(&str, T)]) -> Result<T, DocumentError> {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let found = v.as_str().and_then(|s| options.iter().find(|(n, _)| *n == s));
        found
            .map(|(_, t)| *t)
            .ok_or_else(|| error(path, format!("expected one of {}, got {}", names.join(", "), describe(v))))
    }

    /// A found value for a message: short values as written, others by kind.
    fn describe(v: &Value) -> String {
        match v {
            Value::Number(_) | Value::Bool(_) | Value::Null => v.to_string(),
            Value::String(s) if s.chars().count() <= 20 => format!("\"{s}\""),
            other => kind(other).to_string(),
        }
    }
}

impl Raw {
    fn read(text: &str) -> Result<Raw, DocumentError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| read::error("", format!("this is not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(read::error("", format!("expected a JSON object {{...}}, got {}", read::kind(&value))));
        };
        let mut raw = Raw::default();
        // In key order, as a BTreeMap keeps them (serde_json's `preserve_order`
        // keeps typing order): the first bad key reported stays the same.
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        crate::conv::index::sort_by_distinct_key(&mut entries, |(name, _)| *name);
        for (name, v) in entries {
            let Some(key) = KEYS.iter().find(|k| k.name == name) else {
                let known: Vec<String> = KEYS.iter().map(|k| format!("`{}`", k.name)).collect();
                return Err(read::error(name, format!("unknown field `{name}`, expected one of {}", known.join(", "))));
            };
            (key.read)(v, key.name, &mut raw)?;
        }
        Ok(raw)
    }
}

pub(crate) fn per_axis(
    value: Option<PerAxisValue>,
    default: usize,
    dims: Dims,
    field: Field,
) -> Result<[usize; 2], DocumentError> {
    let (inert, key) = (if field == Field::Padding || field == Field::OutputPadding { 0 } else { 1 }, field_key(field));
    let hw = match (value, dims) {
        (None, Dims::One) => [inert, default],
        (None, Dims::Two) => [default, default],
        (Some(PerAxisValue::All(v)), Dims::One) => [inert, v],
        (Some(PerAxisValue::All(v)), Dims::Two) => [v, v],
        (Some(PerAxisValue::Axes(v)), Dims::One) if v.len() == 1 => [inert, v[0]],
        (Some(PerAxisValue::Axes(v)), Dims::Two) if v.len() == 2 => [v[0], v[1]],
        (Some(PerAxisValue::Axes(v)), _) => {
            let axes = if dims == Dims::One { 1 } else { 2 };
            return Err(DocumentError::at(
                field,
                format!("{key} needs {axes} value(s), one per spatial axis, got {}", v.len()),
            ));
        }
    };
    if hw.iter().any(|&v| v > limits::HYPER) {
        return Err(DocumentError::at(field, format!("{key} is capped at {} in this app", limits::HYPER)));
    }
    Ok(hw)
}

impl Document {
    /// Whether `text` is short enough to be a document (links, storage and
    /// files all hold at most [`limits::DOCUMENT_CHARS`]), checked before
    /// any parsing.
    pub fn check_length(text: &str) -> Result<(), DocumentError> {
        if text.len() <= limits::DOCUMENT_CHARS {
            return Ok(());
        }
        Err(DocumentError {
            path: String::new(),
            message: format!(
                "the document has {} characters, more than the limit of {}",
                text.len(),
                limits::DOCUMENT_CHARS
            ),
            field: None,
        })
    }

    /// Parses and validates a document.
    pub fn parse(text: &str) -> Result<Document, DocumentError> {
        Document::check_length(text)?;
        let document = Document::from_raw(Raw::read(text)?)?;
        document.validate()?;
        Ok(document)
    }

    fn from_raw(raw: Raw) -> Result<Document, DocumentError> {
        let dims = raw.op.dims();
        let missing = |key: &str| read::error("", format!("missing field `{key}`"));
        let stack = Stack {
            layers: raw.layers.as_ref().map(|v| network::read_layers(v, dims)).transpose()?.unwrap_or_default(),
        };
        let view =
            ViewState { probe: raw.probe.as_ref().map(|v| network::read_probe(v, dims)).transpose()?, ..raw.view };
        // A network document may leave the single op's weight out: a 3x3
        // (1D: 3-tap) seeded filter over every input channel stands in.
        let weight = match (raw.weight.as_ref(), stack.layers.is_empty(), raw.input.as_ref()) {
            (None, false, Some(input)) => {
                let input = tensor(input, "input", Field::Input, dims, TensorKind::Input)?;
                network::stand_in_weight(dims, [input.shape()[0], input.shape()[1], input.shape()[2]])
            }
            (weight, ..) => {
                let weight = weight.ok_or_else(|| missing("weight"))?;
                let weight = tensor(weight, "weight", Field::Weight, dims, TensorKind::Weight)?;
                weight.into_dimensionality().map_err(|e| DocumentError::at(Field::Weight, e.to_string()))?
            }
        };
        // The input: its numbers, or a picture's name (an own picture's
        // pixels are not in the document: the first bundled one stands in).
        let (input, picture) = match (&raw.input, raw.image.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(read::error(
                    "image",
                    "give either `input` or `image`, not both: a picture is the input".into(),
                ));
            }
            (None, None) => return Err(missing("input")),
            (Some(input), None) => {
                let input = tensor(input, "input", Field::Input, dims, TensorKind::Input)?;
                (input.into_dimensionality().map_err(|e| DocumentError::at(Field::Input, e.to_string()))?, None)
            }
            (None, Some(name)) => {
                if dims == Dims::One {
                    return Err(read::error("image", "a picture is 2D: use conv2d (or leave `op` out)".into()));
                }
                let bundled = crate::model::picture::NAMES.iter().find(|&&n| n == name).copied();
                let picture = match bundled {
                    Some(name) => PictureRef::Bundled { name, grey: raw.greyscale },
                    None => PictureRef::Own,
                };
                // An own picture's stand-in has the channels the filters need.
                let (a, b, ..) = weight.dim();
                let [need, _] = raw.op.weight_channels([a, b], raw.groups.unwrap_or(1));
                let size = match &raw.image_size {
                    None => [crate::model::picture::BUNDLED_SIDE; 2],
                    Some(PerAxisValue::All(n)) => [*n, *n],
                    Some(PerAxisValue::Axes(v)) if v.len() == 2 => [v[0], v[1]],
                    Some(PerAxisValue::Axes(_)) => {
                        return Err(read::error("image_size", "expected [height, width]".into()));
                    }
                };
                let pixels = picture.pixels().or_else(|| stand_in(need, size));
                (pixels.ok_or_else(|| read::error("image", format!("no picture named {name}")))?, Some(picture))
            }
        };
        if raw.image_size.is_some() && picture != Some(PictureRef::Own) {
            return Err(read::error("image_size", "`image_size` belongs to `\"image\": \"own\"`".into()));
        }
        if raw.greyscale && picture.is_none() {
            return Err(read::error("greyscale", "`greyscale` belongs to a picture: give `image` too".into()));
        }
        let bias = match &raw.bias {
            None => None,
            Some(b) => {
                let b = b.to_array("bias", Field::Bias)?;
                let b = match b.ndim() {
                    0 => Array1::from_elem(1, b[IxDyn(&[])]),
                    1 => b.into_dimensionality().map_err(|e| DocumentError::at(Field::Bias, e.to_string()))?,
                    n => {
                        return Err(DocumentError::at(
                            Field::Bias,
                            format!("bias must be a list of numbers, got {n} axes"),
                        ));
                    }
                };
                Some(b)
            }
        };
        let grad_output = match &raw.grad_output {
            None => None,
            Some(g) => {
                let g = tensor(g, "grad_output", Field::GradOutput, dims, TensorKind::Input)?;
                Some(g.into_dimensionality().map_err(|e| DocumentError::at(Field::GradOutput, e.to_string()))?)
            }
        };
        let groups = raw.groups.unwrap_or(1);
        if groups > limits::CHANNELS {
            return Err(DocumentError::at(Field::Groups, format!("groups is capped at {}", limits::CHANNELS)));
        }
        let hyper = Hyper {
            stride: per_axis(raw.stride, 1, dims, Field::Stride)?,
            padding: per_axis(raw.padding, 0, dims, Field::Padding)?,
            padding_rule: raw.padding_rule,
            dilation: per_axis(raw.dilation, 1, dims, Field::Dilation)?,
            output_padding: per_axis(raw.output_padding, 0, dims, Field::OutputPadding)?,
            groups,
            padding_mode: raw.padding_mode,
            flip: raw.flip,
        };
        let problem = Problem { op: raw.op, input, weight, bias, hyper, grad_output };
        Ok(Document { problem, stack, view, picture })
    }

    /// Checks sizes against the caps and the operation's rules.
    pub fn validate(&self) -> Result<(), DocumentError> {
        validate(&self.problem)?;
        let (c, h, w) = self.problem.input.dim();
        network::validate(&self.stack, self.problem.dims(), self.view.probe, [c, h, w])
    }

    /// The document as JSON, in the shape a course author would write:
    /// 1D tensors without their height axis, per-axis values as one integer
    /// when the axes agree, defaults left out, keys in the README's order.
    pub fn to_json(&self) -> String {
        join_json(&self.problem_json(), &self.view_json())
    }

    /// The keys of the problem, its picture and its stack, without braces:
    /// the part of [`Document::to_json`] that writes the tensors, the costly
    /// part (a 3x64x64 input is 12,288 numbers), which a view change (a step,
    /// a probe) leaves as it was, so the address bar keeps it.
    pub fn problem_json(&self) -> String {
        self.fields(&KEYS[..VIEW_KEYS])
    }

    /// The keys of the view (`probe` to `reveal`), without braces.
    pub fn view_json(&self) -> String {
        self.fields(&KEYS[VIEW_KEYS..])
    }

    fn fields(&self, keys: &[Key]) -> String {
        let fields: Vec<String> =
            keys.iter().filter_map(|k| (k.write)(self).map(|v| format!("{}:{v}", json!(k.name)))).collect();
        fields.join(",")
    }
}

/// Where the view's keys start in `KEYS`: every key from `probe` on reads
/// and writes only the view (the test `view_keys_write_only_the_view` holds it).
const VIEW_KEYS: usize = 17;

/// [`Document::problem_json`] and [`Document::view_json`] as one document.
pub fn join_json(problem: &str, view: &str) -> String {
    let comma = if problem.is_empty() || view.is_empty() { "" } else { "," };
    format!("{{{problem}{comma}{view}}}")
}

/// Checks a problem against the caps and the operation's rules: what any
/// document (a link, a stored state, a preset) must pass before it is shown.
pub fn validate(problem: &Problem) -> Result<(), DocumentError> {
    let (c, h, w) = problem.input.dim();
    let (a, b, kh, kw) = problem.weight.dim();
    if c > limits::CHANNELS || h > limits::SPATIAL || w > limits::SPATIAL {
        return Err(DocumentError::at(
            Field::Input,
            format!(
                "input ({c}, {h}, {w}) is larger than this app shows: at most {} channels and {}x{} cells",
                limits::CHANNELS,
                limits::SPATIAL,
                limits::SPATIAL
            ),
        ));
    }
    if a > limits::CHANNELS || b > limits::CHANNELS || kh > limits::KERNEL || kw > limits::KERNEL {
        return Err(DocumentError::at(
            Field::Weight,
            format!(
                "weight ({a}, {b}, {kh}, {kw}) is larger than this app shows: at most {} channels and {}x{} taps",
                limits::CHANNELS,
                limits::KERNEL,
                limits::KERNEL
            ),
        ));
    }
    let geometry = problem.geometry()?;
    let products = geometry.products();
    if products > limits::PRODUCTS {
        return Err(DocumentError::at(
            Field::Input,
            format!("this problem has {products} multiply-adds, more than the limit of {}", limits::PRODUCTS),
        ));
    }
    let [f, oh, ow] = geometry.output_shape();
    // The larger side ("same" pads one more cell after an even kernel), twice: a bound.
    let [ph, pw] = match &geometry {
        Geometry::Conv(g) => g.pad_after,
        _ => problem.hyper.padding,
    };
    let padded = c.saturating_mul(h.saturating_add(2 * ph)).saturating_mul(w.saturating_add(2 * pw));
    // The transposed canvas is at most the output plus the cropped border.
    let canvas = f.saturating_mul(oh.saturating_add(2 * ph)).saturating_mul(ow.saturating_add(2 * pw));
    let drawn = padded.max(canvas);
    if drawn > limits::DRAWN_CELLS {
        return Err(DocumentError::at(
            Field::Padding,
            format!("this problem draws grids of {drawn} cells, more than the limit of {}", limits::DRAWN_CELLS),
        ));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TensorKind {
    /// `(C, H, W)`, 1D `(C, W)`.
    Input,
    /// `(A, B, KH, KW)`, 1D `(A, B, K)`.
    Weight,
}

/// Parses a tensor and brings it to the stored 2D form.
///
/// Accepted ranks: input (C,H,W) or (H,W) in 2D, (C,W) or (W) in 1D; weight
/// (A,B,KH,KW) or (KH,KW) in 2D, (A,B,K) or (K) in 1D. Missing axes have size 1.
pub(crate) fn tensor(
    n: &Nested,
    key: &str,
    field: Field,
    dims: Dims,
    kind: TensorKind,
) -> Result<ArrayD<f64>, DocumentError> {
    let array = n.to_array(key, field)?;
    let shape = array.shape().to_vec();
    let (full, short, names) = match (kind, dims) {
        (TensorKind::Input, Dims::Two) => (3, 2, "(C, H, W) or (H, W)"),
        (TensorKind::Input, Dims::One) => (2, 1, "(C, W) or (W,)"),
        (TensorKind::Weight, Dims::Two) => (4, 2, "(out, in, KH, KW) or (KH, KW)"),
        (TensorKind::Weight, Dims::One) => (3, 1, "(out, in, K) or (K,)"),
    };
    let mut shape_2d: Vec<usize> = if shape.len() == full {
        shape.clone()
    } else if shape.len() == short {
        let mut s = vec![1; full - short];
        s.extend(&shape);
        s
    } else {
        return Err(DocumentError::at(
            field,
            format!(
                "{key} must have shape {names}, got {} axes {}",
                shape.len(),
                crate::conv::error::shape_list(&shape)
            ),
        ));
    };
    if dims == Dims::One {
        // Insert the height axis of size 1 before the last axis.
        let last = shape_2d.len() - 1;
        shape_2d.insert(last, 1);
    }
    array.into_shape_with_order(IxDyn(&shape_2d)).map_err(|e| DocumentError::at(field, e.to_string()))
}

/// Writes a stored tensor back as nested lists, dropping the height axis in 1D.
pub(crate) fn tensor_value(array: &ndarray::ArrayViewD<f64>, dims: Dims) -> Value {
    fn nest(view: ndarray::ArrayViewD<f64>) -> Value {
        if view.ndim() == 0 {
            let v = view.iter().next().copied().unwrap_or(0.0);
            return number(v);
        }
        Value::Array(view.outer_iter().map(nest).collect())
    }
    let view = array.view();
    match dims {
        Dims::Two => nest(view),
        Dims::One => {
            // The height axis sits just before the last axis.
            let axis = ndarray::Axis(view.ndim() - 2);
            nest(view.index_axis(axis, 0))
        }
    }
}

/// Integers as JSON integers (`2`, not `2.0`): shorter links, as authors write them.
pub(crate) fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 { json!(v as i64) } else { json!(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keys_write_only_the_view() -> Result<(), DocumentError> {
        assert_eq!(KEYS[VIEW_KEYS].name, "probe");
        let text = r#"{"input":[[1,2,3],[4,5,6],[7,8,9]],"weight":[[1,0],[0,-1]],"stride":2,"layers":[{"op":"relu"}],
            "probe":[1,0,0,0],"view":"network","step":3,"practice":true,"reveal":false}"#;
        let d = Document::parse(text)?;
        // The view changed: the problem's part is the same text.
        let mut looked = d.clone();
        looked.view = ViewState { view: View::Backprop, step: 1, probe: None, present: true, ..ViewState::default() };
        assert_eq!(looked.problem_json(), d.problem_json());
        assert_ne!(looked.view_json(), d.view_json());
        // The problem changed: the view's part is the same text.
        let mut edited = d.clone();
        edited.problem.weight[[0, 0, 0, 0]] = 7.0;
        edited.stack.layers.clear();
        assert_eq!(edited.view_json(), d.view_json());
        assert_ne!(edited.problem_json(), d.problem_json());
        // Together they are the document, which reads back as itself.
        assert_eq!(Document::parse(&join_json(&d.problem_json(), &d.view_json()))?, d);
        assert_eq!(join_json(&d.problem_json(), &d.view_json()), d.to_json());
        Ok(())
    }

    #[test]
    fn minimal_document_takes_defaults() -> Result<(), DocumentError> {
        let c = Document::parse(r#"{"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "weight": [[1, 0], [0, -1]]}"#)?;
        assert_eq!(c.problem.op, Op::Conv2d);
        assert_eq!(c.problem.input.dim(), (1, 3, 3));
        assert_eq!(c.problem.weight.dim(), (1, 1, 2, 2));
        assert_eq!(c.problem.hyper.stride, [1, 1]);
        assert_eq!(c.problem.output_shape()?, [1, 2, 2]);
        Ok(())
    }

    #[test]
    fn one_d_round_trip() -> Result<(), DocumentError> {
        let text =
            r#"{"version":1,"op":"conv1d","input":[[1,2,-1,1,-3]],"weight":[[[-1,0,1]]],"padding":1,"flip":true}"#;
        let c = Document::parse(text)?;
        assert_eq!(c.problem.input.dim(), (1, 1, 5));
        assert_eq!(c.problem.weight.dim(), (1, 1, 1, 3));
        assert_eq!(c.problem.hyper.padding, [0, 1]);
        assert_eq!(c.problem.hyper.stride, [1, 1]);
        let again = Document::parse(&c.to_json())?;
        assert_eq!(again, c);
        assert_eq!(c.to_json(), text);
        Ok(())
    }

    #[test]
    fn views_explanations_and_gradients_round_trip() -> Result<(), DocumentError> {
        let text = r#"{"version":1,"op":"conv2d","input":[[[1,2],[3,4]]],"weight":[[[[1]]]],"view":"backprop","gradient":"weight","step":1}"#;
        let c = Document::parse(text)?;
        assert_eq!((c.view.view, c.view.gradient, c.view.step), (View::Backprop, GradFocus::Weight, 1));
        assert_eq!(c.to_json(), text);
        let text = r#"{"version":1,"op":"conv_transpose1d","input":[[1,2]],"weight":[[[1,1]]],"view":"transposed","explain":"matrix"}"#;
        assert_eq!(Document::parse(text)?.view.explain, Explain::Matrix);
        assert_eq!(Document::parse(text)?.to_json(), text);
        let err = Document::parse(r#"{"input":[[1]],"weight":[[1]],"gradient":"dx"}"#).unwrap_err();
        assert_eq!(err.message, r#"expected one of "input", "weight", "bias", got "dx""#);
        let text = r#"{"version":1,"op":"conv2d","input":[[[1,2],[3,4]]],"weight":[[[[1]]]],"view":"im2col","order":"tutorial"}"#;
        assert_eq!(Document::parse(text)?.view.order, ColumnOrder::TapMajor);
        assert_eq!(Document::parse(text)?.to_json(), text);
        let err = Document::parse(r#"{"input":[[1]],"weight":[[1]],"order":"channel_major"}"#).unwrap_err();
        assert_eq!(err.message, r#"expected one of "unfold", "tutorial", got "channel_major""#);
        Ok(())
    }

    #[test]
    fn each_field_is_named_by_its_own_key() {
        assert_eq!(field_key(Field::OutputPadding), "output_padding");
        assert_eq!(field_key(Field::GradOutput), "grad_output");
        let mut keys = Field::ALL.map(field_key).to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Field::ALL.len(), "{keys:?}");
    }

    #[test]
    fn errors_name_their_path() {
        let err = Document::parse(r#"{"input": [[1, 2], [3]], "weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.path, "input[1]");
        assert!(err.message.contains("same length"), "{err}");

        let err = Document::parse(r#"{"input": [[1, "a"]], "weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.path, "input[0][1]");

        let err = Document::parse(r#"{"input": [[1]], "weight": [[1]], "strides": 2}"#).unwrap_err();
        assert!(err.message.contains("unknown field `strides`"), "{err}");

        let err = Document::parse(r#"{"input": [[1, 2, 3]], "weight": [[1, 1]], "stride": [1, 2, 3]}"#).unwrap_err();
        assert_eq!(err.path, "stride");
        assert_eq!(err.message, "stride needs 2 value(s), one per spatial axis, got 3");

        let err = Document::parse(
            r#"{"input": [[1, 2], [3, 4]], "weight": [[1, 1, 1], [1, 1, 1], [1, 1, 1]], "dilation": 2}"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "dilation");
        assert_eq!(
            err.to_string(),
            "at `dilation`: kernel 3x3 with dilation 2 spans 5x5, larger than the padded input 2x2"
        );

        let err = Document::parse(r#"{"input": [[1]], "weight": [[1]], "op": "conv3d"}"#).unwrap_err();
        assert_eq!(err.path, "op");
        assert_eq!(
            err.message,
            r#"expected one of "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", got "conv3d""#
        );

        let err = Document::parse(r#"{"input": [[1]], "weight": [[1]], "padding": [1, -1]}"#).unwrap_err();
        assert_eq!(err.path, "padding[1]");
        assert_eq!(err.message, "expected a non-negative whole number, got -1");

        let err = Document::parse(r#"{"input": [[1]], "weight": [[1]], "flip": "yes"}"#).unwrap_err();
        assert_eq!((err.path.as_str(), err.message.as_str()), ("flip", "expected true or false, got a string"));

        let err = Document::parse(r#"{"weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.message, "missing field `input`");

        let err = Document::parse("[1, 2]").unwrap_err();
        assert_eq!(err.message, "expected a JSON object {...}, got an array");

        let err = Document::parse(r#"{"input": [[1]], "weight": [[1]],"#).unwrap_err();
        assert!(err.message.starts_with("this is not valid JSON: "), "{err}");
    }

    #[test]
    fn pictures_are_named_not_listed() -> Result<(), DocumentError> {
        let doc = Document::parse(r#"{"image":"disc","greyscale":true,"weight":[[1]],"view":"image"}"#)?;
        assert_eq!(doc.picture, Some(PictureRef::Bundled { name: "disc", grey: true }));
        assert_eq!(doc.problem.input.dim(), (1, 128, 128));
        let text = doc.to_json();
        assert!(text.contains(r#""image":"disc""#) && !text.contains(r#""input""#), "{text}");
        assert_eq!(Document::parse(&text)?, doc);
        // An own picture: its size and channels, never its pixels; a stand-in of that size reopens.
        let own = Document {
            problem: Problem {
                input: ndarray::Array3::from_elem((3, 300, 200), 0.5),
                weight: ndarray::Array4::from_elem((1, 3, 16, 16), 1.0),
                hyper: crate::conv::Hyper { dilation: [9, 9], ..Default::default() },
                ..Problem::default()
            },
            picture: Some(PictureRef::Own),
            ..Document::default()
        };
        let text = own.to_json();
        assert!(text.contains(r#""image":"own""#) && text.contains(r#""image_size":[300,200]"#), "{text}");
        let again = Document::parse(&text)?;
        assert_eq!((again.picture, again.problem.input.dim()), (Some(PictureRef::Own), (3, 300, 200)));
        // Keys that do not go together say so.
        for (bad, path) in [
            (r#"{"image":"disc","input":[[1]],"weight":[[1]]}"#, "image"),
            (r#"{"input":[[1]],"greyscale":true,"weight":[[1]]}"#, "greyscale"),
            (r#"{"op":"conv1d","image":"disc","weight":[1]}"#, "image"),
            (r#"{"image":"disc","image_size":[4,4],"weight":[[1]]}"#, "image_size"),
            (r#"{"image":"cat","weight":[[1]]}"#, "image"),
        ] {
            assert_eq!(Document::parse(bad).map_err(|e| e.path), Err(path.to_string()), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn every_number_survives_a_link_exactly() {
        // k/255 is what a picture's pixels are; 3/255 read one ulp off with
        // serde_json's default float reading (read::number reads them now).
        for k in 0..=255u32 {
            let v = f64::from(k) / 255.0;
            let text = format!(r#"{{"op":"conv1d","input":[{}],"weight":[1]}}"#, crate::model::format::full(v));
            let doc = Document::parse(&text).unwrap_or_default();
            assert_eq!(doc.problem.input[[0, 0, 0]], v, "{text}");
            assert_eq!(Document::parse(&doc.to_json()).ok(), Some(doc));
        }
    }

    #[test]
    fn numbers_are_read_as_written_and_beyond_f64_refused() {
        // Kept as text by serde_json (arbitrary_precision), read by conv::decimal::parse.
        let doc = Document::parse(r#"{"op":"conv1d","input":[1e2, -0.5, 2.5E-1, 0.1],"weight":[1]}"#);
        let input: Vec<f64> = doc.map(|d| d.problem.input.iter().copied().collect()).unwrap_or_default();
        assert_eq!(input, [100.0, -0.5, 0.25, 0.1]);
        let err = Document::parse(r#"{"op":"conv1d","input":[1, 1e400],"weight":[1]}"#).unwrap_err();
        assert_eq!((err.path.as_str(), err.message.as_str()), ("input[1]", "1e+400 is not a usable number"));
    }

    #[test]
    fn caps_refuse_huge_documents() {
        let big = format!(r#"{{"input": [{}], "weight": [[1]]}}"#, vec!["1"; 300_000].join(","));
        assert!(Document::parse(&big).is_err());
        // A link that passes every other cap but would draw a 16x379x379 transposed canvas.
        let plane = format!("[{}]", vec![format!("[{}]", vec!["0"; 64].join(",")); 64].join(","));
        let tall = format!(
            r#"{{"op": "conv_transpose2d", "input": [{}], "weight": [{}], "padding": 4, "stride": 6}}"#,
            vec![plane; 16].join(","),
            vec![format!("[{}]", vec!["[[1]]"; 16].join(",")); 16].join(",")
        );
        let err = Document::parse(&tall).unwrap_err();
        assert_eq!(err.message, "this problem draws grids of 2298256 cells, more than the limit of 1048576");
        let wide = format!(r#"{{"input": [[{}]], "weight": [[1]]}}"#, vec!["1"; 513].join(","));
        let err = Document::parse(&wide).unwrap_err();
        assert_eq!(err.path, "input");
    }

    #[test]
    fn default_is_the_seed_example() -> Result<(), ConvError> {
        let c = Document::default();
        assert_eq!(c.problem.output_shape()?, [1, 3, 3]);
        Ok(())
    }

    #[test]
    fn the_largest_taught_size_opens() -> Result<(), DocumentError> {
        // 3x64x64 with 16 filters 3x3, padding 1: refused before traces were on demand.
        let plane = format!("[{}]", vec![format!("[{}]", vec!["1"; 64].join(",")); 64].join(","));
        let filter = "[[[1,0,-1],[1,0,-1],[1,0,-1]],[[0,0,0],[0,1,0],[0,0,0]],[[1,1,1],[0,0,0],[-1,-1,-1]]]";
        let text = format!(
            r#"{{"input": [{}], "weight": [{}], "padding": 1, "view": "backprop"}}"#,
            vec![plane; 3].join(","),
            vec![filter; 16].join(",")
        );
        let doc = Document::parse(&text)?;
        assert_eq!(doc.problem.output_shape()?, [16, 64, 64]);
        Ok(())
    }

    #[test]
    fn links_say_their_version_and_older_links_still_open() -> Result<(), DocumentError> {
        // A link from before the key existed is read as version 1 and written with it.
        let old = r#"{"op":"conv1d","input":[[1,2,3]],"weight":[[[1,1]]]}"#;
        assert_eq!(
            Document::parse(old)?.to_json(),
            r#"{"version":1,"op":"conv1d","input":[[1,2,3]],"weight":[[[1,1]]]}"#
        );
        let newer = Document::parse(r#"{"version":2,"input":[[1]],"weight":[[1]]}"#).unwrap_err();
        assert_eq!(
            (newer.path.as_str(), newer.message.as_str()),
            ("version", "this link was made by a newer ConvScope (document version 2); this one reads version 1")
        );
        assert!(Document::parse(r#"{"version":0,"input":[[1]],"weight":[[1]]}"#).is_err());
        assert!(Document::parse(r#"{"version":"1","input":[[1]],"weight":[[1]]}"#).is_err());
        Ok(())
    }

    #[test]
    fn every_key_is_written_back_where_it_was_read() -> Result<(), DocumentError> {
        let text = r#"{"version":1,"op":"conv2d","input":[[[1,2,3],[4,5,6],[7,8,9]]],"weight":[[[[1,0],[0,-1]]]],"bias":[0.5],"stride":[1,2],"padding":1,"dilation":2,"padding_mode":"circular","flip":true,"grad_output":[[[1,2],[3,4],[5,6]]],"view":"backprop","gradient":"bias","step":1,"present":true,"practice":true}"#;
        assert_eq!(Document::parse(text)?.to_json(), text);
        let text = r#"{"version":1,"op":"conv_transpose2d","input":[[[1,2],[3,4]],[[5,6],[7,8]]],"weight":[[[[1]]],[[[2]]]],"stride":2,"groups":2,"output_padding":1,"view":"transposed","explain":"zero_inserted"}"#;
        assert_eq!(Document::parse(text)?.to_json(), text);
        Ok(())
    }

    #[test]
    fn padding_takes_same_and_valid_as_strings() -> Result<(), DocumentError> {
        use crate::conv::PaddingRule;
        let text = r#"{"version":1,"op":"conv1d","input":[[1,2,3,4]],"weight":[[[1,0,-1,2]]],"padding":"same"}"#;
        let doc = Document::parse(text)?;
        assert_eq!(doc.problem.hyper.padding_rule, PaddingRule::Same);
        // Conv1d(kernel_size=4, padding='same') keeps the 4 cells (1 before, 2 after).
        assert_eq!(doc.problem.output_shape().map_err(|e| DocumentError::at(e.field(), e.to_string()))?, [1, 1, 4]);
        assert_eq!(doc.to_json(), text);
        let text = r#"{"version":1,"op":"conv2d","input":[[[1,2],[3,4]]],"weight":[[[[1]]]],"padding":"valid"}"#;
        assert_eq!(Document::parse(text)?.to_json(), text);
        let err = Document::parse(r#"{"input":[[1]],"weight":[[1]],"padding":"full"}"#).unwrap_err();
        assert_eq!(
            (err.path.as_str(), err.message.as_str()),
            ("padding", r#"expected one of "same", "valid", got "full""#)
        );
        // With a stride: PyTorch's refusal, at the padding key.
        let err =
            Document::parse(r#"{"input":[[[1,2,3]]],"weight":[[[[1]]]],"padding":"same","stride":2}"#).unwrap_err();
        assert_eq!(err.path, "padding");
        assert!(err.message.starts_with("padding='same' is not supported for strided convolutions"), "{err}");
        // A transposed convolution takes numbers only.
        let err = Document::parse(r#"{"op":"conv_transpose1d","input":[[1]],"weight":[[[1]]],"padding":"valid"}"#)
            .unwrap_err();
        assert_eq!(err.path, "padding");
        Ok(())
    }
}
