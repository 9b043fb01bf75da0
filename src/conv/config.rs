//! The configuration document: one JSON object that describes everything the
//! learner set. Links (`#config=...`), localStorage, import/export and presets
//! all use it. Course authors write it by hand, so parsing is strict (unknown
//! keys are errors), forgiving where PyTorch is (an integer stands for every
//! axis, missing keys take PyTorch's defaults), and every error names its JSON
//! path. The schema is documented in the README.

use std::fmt;

use ndarray::{Array1, Array3, Array4, ArrayD, IxDyn};
use serde_json::{Value, json};

use super::error::{ConvError, Dims, Field};
use super::params::{ConvParams, PaddingMode, TransposeParams};

/// The operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Op {
    /// `F.conv1d`: a direct convolution along one axis.
    Conv1d,
    /// `F.conv2d`: a direct convolution over height and width.
    #[default]
    Conv2d,
    /// `F.conv_transpose1d`: a transposed convolution along one axis.
    ConvTranspose1d,
    /// `F.conv_transpose2d`: a transposed convolution over height and width.
    ConvTranspose2d,
}

impl Op {
    /// Every operation: the two direct ones, then the two transposed ones.
    pub const ALL: [Op; 4] = [Op::Conv1d, Op::Conv2d, Op::ConvTranspose1d, Op::ConvTranspose2d];

    /// Number of spatial axes: [`Dims::One`] for the 1D operations.
    pub fn dims(self) -> Dims {
        match self {
            Op::Conv1d | Op::ConvTranspose1d => Dims::One,
            Op::Conv2d | Op::ConvTranspose2d => Dims::Two,
        }
    }

    /// Whether this is `conv_transpose1d` or `conv_transpose2d`.
    pub fn is_transposed(self) -> bool {
        matches!(self, Op::ConvTranspose1d | Op::ConvTranspose2d)
    }

    /// The same kind of operation with `dims` spatial axes.
    pub fn with_dims(self, dims: Dims) -> Op {
        Op::of(self.is_transposed(), dims)
    }

    /// The transposed convolution with this operation's spatial axes.
    pub fn transposed(self) -> Op {
        Op::of(true, self.dims())
    }

    /// The direct convolution with this operation's spatial axes.
    pub fn conv(self) -> Op {
        Op::of(false, self.dims())
    }

    fn of(transposed: bool, dims: Dims) -> Op {
        match (transposed, dims) {
            (false, Dims::One) => Op::Conv1d,
            (false, Dims::Two) => Op::Conv2d,
            (true, Dims::One) => Op::ConvTranspose1d,
            (true, Dims::Two) => Op::ConvTranspose2d,
        }
    }

    /// The document's (and PyTorch's) name.
    pub fn name(self) -> &'static str {
        match self {
            Op::Conv1d => "conv1d",
            Op::Conv2d => "conv2d",
            Op::ConvTranspose1d => "conv_transpose1d",
            Op::ConvTranspose2d => "conv_transpose2d",
        }
    }
}

/// The panel shown first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    /// `"forward"`: the sliding window of the direct convolution.
    #[default]
    Forward,
    /// `"im2col"`: the direct convolution as one matrix product.
    Im2col,
    /// `"transposed"`: the transposed convolution as a scatter of kernel copies.
    Transposed,
    /// `"backprop"`: the gradients of the direct convolution.
    Backprop,
    /// `"image"`: the image panel.
    Image,
    /// `"export"`: the export panel.
    Export,
}

impl View {
    /// Every view, in the order the configuration document lists them.
    pub const ALL: [View; 6] =
        [View::Forward, View::Im2col, View::Transposed, View::Backprop, View::Image, View::Export];

    /// The configuration document's name for this view.
    pub fn name(self) -> &'static str {
        match self {
            View::Forward => "forward",
            View::Im2col => "im2col",
            View::Transposed => "transposed",
            View::Backprop => "backprop",
            View::Image => "image",
            View::Export => "export",
        }
    }
}

/// How the transposed-convolution view explains the numbers (document key `explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Explain {
    /// `"scatter"`: scaled kernel copies placed at stride offsets, overlaps summed.
    #[default]
    Scatter,
    /// `"zero_inserted"`: a direct convolution over the zero-inserted input with the flipped kernel.
    ZeroInserted,
    /// `"matrix"`: `C^T x`, the transpose of the direct convolution's matrix.
    Matrix,
}

impl Explain {
    /// Every explanation, in the order the view offers them.
    pub const ALL: [Explain; 3] = [Explain::Scatter, Explain::ZeroInserted, Explain::Matrix];

    /// The document's name.
    pub fn name(self) -> &'static str {
        match self {
            Explain::Scatter => "scatter",
            Explain::ZeroInserted => "zero_inserted",
            Explain::Matrix => "matrix",
        }
    }
}

/// The gradient the backprop view steps through (document key `gradient`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GradFocus {
    /// `"input"`: `grad_input (C, H, W)`.
    #[default]
    Input,
    /// `"weight"`: `grad_weight (F, C/groups, KH, KW)`.
    Weight,
    /// `"bias"`: `grad_bias (F,)`.
    Bias,
}

impl GradFocus {
    /// Every gradient, in the order the view offers them.
    pub const ALL: [GradFocus; 3] = [GradFocus::Input, GradFocus::Weight, GradFocus::Bias];

    /// The document's name.
    pub fn name(self) -> &'static str {
        match self {
            GradFocus::Input => "input",
            GradFocus::Weight => "weight",
            GradFocus::Bias => "bias",
        }
    }
}

/// Size caps that keep the page responsive whatever a link holds.
pub mod limits {
    /// Characters of a configuration document.
    pub const DOCUMENT_CHARS: usize = 200_000;
    /// Channels of the input and of the output.
    pub const CHANNELS: usize = 16;
    /// Height and width of the input.
    pub const SPATIAL: usize = 64;
    /// Height and width of the kernel.
    pub const KERNEL: usize = 16;
    /// Stride, padding, dilation, output_padding.
    pub const HYPER: usize = 32;
    /// Products in the whole trace: `F * OH * OW * C/groups * KH * KW`.
    pub const TRACE_TERMS: usize = 500_000;
    /// Cells of the largest grid a view draws: the padded input `C * (H+2ph) * (W+2pw)`,
    /// the output `F * OH * OW`, or the transposed convolution's canvas.
    pub const DRAWN_CELLS: usize = 20_000;
}

/// A parse or validation error, with the JSON path of the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// JSON path such as `weight[0][1]` or `stride`; empty for the whole document.
    pub path: String,
    /// What is wrong, with the numbers involved; shown to the learner as is.
    pub message: String,
    /// The control to mark, when the error belongs to one.
    pub field: Option<Field>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn at(field: Field, message: impl Into<String>) -> Self {
        ConfigError { path: field.key().to_string(), message: message.into(), field: Some(field) }
    }
}

impl From<ConvError> for ConfigError {
    fn from(err: ConvError) -> Self {
        ConfigError::at(err.field(), err.to_string())
    }
}

/// A nested JSON array of numbers, any depth.
#[derive(Debug, Clone, PartialEq)]
enum Nested {
    Number(f64),
    List(Vec<Nested>),
}

impl Nested {
    /// Converts to an array, checking that every row has the same length.
    fn to_array(&self, key: &str, field: Field) -> Result<ArrayD<f64>, ConfigError> {
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
        flatten(self, 0, &shape, &mut path, &mut values).map_err(|message| ConfigError {
            path: path.clone(),
            message,
            field: Some(field),
        })?;
        ArrayD::from_shape_vec(IxDyn(&shape), values).map_err(|e| ConfigError::at(field, e.to_string()))
    }
}

/// An integer for every axis, or one per axis.
#[derive(Debug, Clone, PartialEq)]
enum PerAxisValue {
    All(usize),
    Axes(Vec<usize>),
}

/// The document's keys, in the README's order.
const KEYS: [&str; 16] = [
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
    "step",
];

/// The document as read, before shapes and rules are checked.
#[derive(Debug, Default)]
struct RawDocument {
    op: Op,
    input: Option<Nested>,
    weight: Option<Nested>,
    bias: Option<Nested>,
    stride: Option<PerAxisValue>,
    padding: Option<PerAxisValue>,
    dilation: Option<PerAxisValue>,
    groups: Option<usize>,
    output_padding: Option<PerAxisValue>,
    padding_mode: PaddingMode,
    flip: bool,
    grad_output: Option<Nested>,
    view: View,
    explain: Explain,
    gradient: GradFocus,
    step: usize,
}

/// Reading `serde_json::Value`s by hand, with the JSON path of every error.
///
/// (By hand rather than `#[derive(Deserialize)]` + `serde_path_to_error`:
/// the messages say exactly what was expected where, and the wasm is smaller.)
mod read {
    use serde_json::Value;

    use super::{ConfigError, Nested, PerAxisValue};

    pub fn error(path: &str, message: String) -> ConfigError {
        ConfigError { path: path.to_string(), message, field: None }
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

    pub fn nested(v: &Value, path: &mut String) -> Result<Nested, ConfigError> {
        match v {
            Value::Number(n) => {
                n.as_f64().map(Nested::Number).ok_or_else(|| error(path, format!("{n} is not a usable number")))
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

    pub fn whole(v: &Value, path: &str) -> Result<usize, ConfigError> {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| error(path, format!("expected a non-negative whole number, got {}", describe(v))))
    }

    pub fn per_axis(v: &Value, path: &str) -> Result<PerAxisValue, ConfigError> {
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

    pub fn boolean(v: &Value, path: &str) -> Result<bool, ConfigError> {
        v.as_bool().ok_or_else(|| error(path, format!("expected true or false, got {}", kind(v))))
    }

    /// One of a set of names, e.g. `"conv2d"`.
    pub fn choice<T: Copy>(v: &Value, path: &str, options: &[(&str, T)]) -> Result<T, ConfigError> {
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

impl RawDocument {
    fn read(text: &str) -> Result<RawDocument, ConfigError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| read::error("", format!("this is not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(read::error("", format!("expected a JSON object {{...}}, got {}", read::kind(&value))));
        };
        let mut raw = RawDocument::default();
        for (key, v) in &map {
            let k = key.as_str();
            match k {
                "op" => raw.op = read::choice(v, k, &Op::ALL.map(|o| (o.name(), o)))?,
                "input" => raw.input = Some(read::nested(v, &mut k.to_string())?),
                "weight" => raw.weight = Some(read::nested(v, &mut k.to_string())?),
                "bias" => raw.bias = (!v.is_null()).then(|| read::nested(v, &mut k.to_string())).transpose()?,
                "grad_output" => {
                    raw.grad_output = (!v.is_null()).then(|| read::nested(v, &mut k.to_string())).transpose()?
                }
                "stride" => raw.stride = Some(read::per_axis(v, k)?),
                "padding" => raw.padding = Some(read::per_axis(v, k)?),
                "dilation" => raw.dilation = Some(read::per_axis(v, k)?),
                "output_padding" => raw.output_padding = Some(read::per_axis(v, k)?),
                "groups" => raw.groups = Some(read::whole(v, k)?),
                "padding_mode" => raw.padding_mode = read::choice(v, k, &PaddingMode::ALL.map(|m| (m.name(), m)))?,
                "flip" => raw.flip = read::boolean(v, k)?,
                "view" => raw.view = read::choice(v, k, &View::ALL.map(|w| (w.name(), w)))?,
                "explain" => raw.explain = read::choice(v, k, &Explain::ALL.map(|e| (e.name(), e)))?,
                "gradient" => raw.gradient = read::choice(v, k, &GradFocus::ALL.map(|g| (g.name(), g)))?,
                "step" => raw.step = read::whole(v, k)?,
                unknown => {
                    let known: Vec<String> = KEYS.iter().map(|k| format!("`{k}`")).collect();
                    return Err(read::error(
                        unknown,
                        format!("unknown field `{unknown}`, expected one of {}", known.join(", ")),
                    ));
                }
            }
        }
        Ok(raw)
    }
}

/// A validated configuration document.
///
/// Tensors are stored in 2D form: 1D operations have height 1 (input
/// `(C, 1, W)`, weight `(F, C/groups, 1, K)`); the document writes them
/// without that axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The operation, which also decides 1D or 2D.
    pub op: Op,
    /// `(C, H, W)`.
    pub input: Array3<f64>,
    /// Direct: `(F, C/groups, KH, KW)`; transposed: `(C, F/groups, KH, KW)`.
    pub weight: Array4<f64>,
    /// `(F,)`, or no bias.
    pub bias: Option<Array1<f64>>,
    /// `[sh, sw]`: step of the window (transposed: distance between kernel copies).
    ///
    /// `[h, w]` for each per-axis parameter (1D: `h` is 1 for stride/dilation, 0 for padding).
    pub stride: [usize; 2],
    /// `[ph, pw]`: cells added on each side (transposed: cropped from each side).
    pub padding: [usize; 2],
    /// `[dh, dw]`: spacing between kernel taps.
    pub dilation: [usize; 2],
    /// `[oph, opw]`: extra bottom/right cells kept by a transposed convolution.
    pub output_padding: [usize; 2],
    /// Channel groups; must divide the input and output channels.
    pub groups: usize,
    /// What the padding cells hold (direct convolution only).
    pub padding_mode: PaddingMode,
    /// `true`: rotate the kernel by 180 degrees (mathematical convolution); direct only.
    pub flip: bool,
    /// `(F, OH, OW)` upstream gradient for the backprop view; `None` means ones.
    pub grad_output: Option<Array3<f64>>,
    /// The view shown.
    pub view: View,
    /// How the transposed-convolution view explains the numbers.
    pub explain: Explain,
    /// The gradient the backprop view steps through (its cells are the steps).
    pub gradient: GradFocus,
    /// The player's step in that view.
    pub step: usize,
}

impl Default for Config {
    /// The seed's 2D example (seeds/000, In \[11\]-\[17\]).
    #[rustfmt::skip]
    fn default() -> Self {
        let input = Array3::from_shape_vec((1, 5, 5), vec![
             2.,  1., -1., -1.,  2.,
            -1.,  1.,  0., -2.,  1.,
            -1.,  0., -1.,  0., -1.,
            -3., -2., -1.,  1., -1.,
            -1., -3., -2., -3., -3.,
        ]).unwrap_or_default();
        let weight = Array4::from_shape_vec((1, 1, 3, 3), vec![
            -2.,  2.,  0.,
             2.,  2.,  2.,
            -3., -1., -1.,
        ]).unwrap_or_default();
        Config {
            op: Op::Conv2d,
            input,
            weight,
            bias: None,
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            output_padding: [0, 0],
            groups: 1,
            padding_mode: PaddingMode::Zeros,
            flip: false,
            grad_output: None,
            view: View::Forward,
            explain: Explain::Scatter,
            gradient: GradFocus::Input,
            step: 0,
        }
    }
}

fn per_axis(value: Option<PerAxisValue>, default: usize, dims: Dims, field: Field) -> Result<[usize; 2], ConfigError> {
    let (inert, key) = (if field == Field::Padding || field == Field::OutputPadding { 0 } else { 1 }, field.key());
    let hw = match (value, dims) {
        (None, Dims::One) => [inert, default],
        (None, Dims::Two) => [default, default],
        (Some(PerAxisValue::All(v)), Dims::One) => [inert, v],
        (Some(PerAxisValue::All(v)), Dims::Two) => [v, v],
        (Some(PerAxisValue::Axes(v)), Dims::One) if v.len() == 1 => [inert, v[0]],
        (Some(PerAxisValue::Axes(v)), Dims::Two) if v.len() == 2 => [v[0], v[1]],
        (Some(PerAxisValue::Axes(v)), _) => {
            let axes = if dims == Dims::One { 1 } else { 2 };
            return Err(ConfigError::at(
                field,
                format!("{key} needs {axes} value(s), one per spatial axis, got {}", v.len()),
            ));
        }
    };
    if hw.iter().any(|&v| v > limits::HYPER) {
        return Err(ConfigError::at(field, format!("{key} is capped at {} in this app", limits::HYPER)));
    }
    Ok(hw)
}

impl Config {
    /// Parses and validates a document.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        if text.len() > limits::DOCUMENT_CHARS {
            return Err(ConfigError {
                path: String::new(),
                message: format!(
                    "the document has {} characters, more than the limit of {}",
                    text.len(),
                    limits::DOCUMENT_CHARS
                ),
                field: None,
            });
        }
        let raw = RawDocument::read(text)?;
        let config = Config::from_raw(raw)?;
        config.validate()?;
        Ok(config)
    }

    fn from_raw(raw: RawDocument) -> Result<Config, ConfigError> {
        let dims = raw.op.dims();
        let missing = |key: &str| read::error("", format!("missing field `{key}`"));
        let input = raw.input.as_ref().ok_or_else(|| missing("input"))?;
        let weight = raw.weight.as_ref().ok_or_else(|| missing("weight"))?;
        let input = tensor(input, "input", Field::Input, dims, TensorKind::Input)?;
        let weight = tensor(weight, "weight", Field::Weight, dims, TensorKind::Weight)?;
        let weight = weight.into_dimensionality().map_err(|e| ConfigError::at(Field::Weight, e.to_string()))?;
        let input = input.into_dimensionality().map_err(|e| ConfigError::at(Field::Input, e.to_string()))?;
        let bias = match &raw.bias {
            None => None,
            Some(b) => {
                let b = b.to_array("bias", Field::Bias)?;
                let b = match b.ndim() {
                    0 => Array1::from_elem(1, b[IxDyn(&[])]),
                    1 => b.into_dimensionality().map_err(|e| ConfigError::at(Field::Bias, e.to_string()))?,
                    n => {
                        return Err(ConfigError::at(
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
                Some(g.into_dimensionality().map_err(|e| ConfigError::at(Field::GradOutput, e.to_string()))?)
            }
        };
        if raw.op.is_transposed() && raw.padding_mode != PaddingMode::Zeros {
            return Err(ConfigError::at(
                Field::PaddingMode,
                format!("{} supports only padding_mode \"zeros\", got \"{}\"", raw.op.name(), raw.padding_mode.name()),
            ));
        }
        if raw.op.is_transposed() && raw.flip {
            return Err(ConfigError {
                path: "flip".into(),
                message: "flip applies to conv1d and conv2d only".into(),
                field: None,
            });
        }
        if !raw.op.is_transposed() && raw.output_padding.as_ref().is_some_and(|v| !matches!(v, PerAxisValue::All(0))) {
            let nonzero = match &raw.output_padding {
                Some(PerAxisValue::Axes(v)) => v.iter().any(|&x| x != 0),
                _ => true,
            };
            if nonzero {
                return Err(ConfigError::at(
                    Field::OutputPadding,
                    "output_padding applies to conv_transpose1d and conv_transpose2d only",
                ));
            }
        }
        let groups = raw.groups.unwrap_or(1);
        if groups > limits::CHANNELS {
            return Err(ConfigError::at(Field::Groups, format!("groups is capped at {}", limits::CHANNELS)));
        }
        Ok(Config {
            op: raw.op,
            input,
            weight,
            bias,
            stride: per_axis(raw.stride, 1, dims, Field::Stride)?,
            padding: per_axis(raw.padding, 0, dims, Field::Padding)?,
            dilation: per_axis(raw.dilation, 1, dims, Field::Dilation)?,
            output_padding: per_axis(raw.output_padding, 0, dims, Field::OutputPadding)?,
            groups,
            padding_mode: raw.padding_mode,
            flip: raw.flip,
            grad_output,
            view: raw.view,
            explain: raw.explain,
            gradient: raw.gradient,
            step: raw.step,
        })
    }

    /// 1D or 2D, as the operation says.
    pub fn dims(&self) -> Dims {
        self.op.dims()
    }

    /// Parameters of the direct convolution (also used by the backprop view).
    pub fn conv_params(&self) -> ConvParams {
        ConvParams {
            dims: self.dims(),
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: self.groups,
            padding_mode: self.padding_mode,
            flip: self.flip,
        }
    }

    /// Parameters of the transposed convolution.
    pub fn transpose_params(&self) -> TransposeParams {
        TransposeParams {
            dims: self.dims(),
            stride: self.stride,
            padding: self.padding,
            output_padding: self.output_padding,
            dilation: self.dilation,
            groups: self.groups,
        }
    }

    /// `(F, OH, OW)` of the operation's output, or the rule it breaks.
    pub fn output_shape(&self) -> Result<[usize; 3], ConvError> {
        let (c, h, w) = self.input.dim();
        let (a, b, kh, kw) = self.weight.dim();
        if self.op.is_transposed() {
            Ok(self.transpose_params().geometry([c, h, w], [a, b, kh, kw])?.output_shape())
        } else {
            Ok(self.conv_params().geometry([c, h, w], [a, b, kh, kw])?.output_shape())
        }
    }

    /// Checks sizes against the caps and the operation's rules.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let (c, h, w) = self.input.dim();
        let (a, b, kh, kw) = self.weight.dim();
        if c > limits::CHANNELS || h > limits::SPATIAL || w > limits::SPATIAL {
            return Err(ConfigError::at(
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
            return Err(ConfigError::at(
                Field::Weight,
                format!(
                    "weight ({a}, {b}, {kh}, {kw}) is larger than this app shows: at most {} channels and {}x{} taps",
                    limits::CHANNELS,
                    limits::KERNEL,
                    limits::KERNEL
                ),
            ));
        }
        let [f, oh, ow] = self.output_shape()?;
        if let Some(bias) = &self.bias
            && bias.len() != f
        {
            return Err(ConvError::BiasLength { bias: bias.len(), out_channels: f }.into());
        }
        let per_step = if self.op.is_transposed() { a.div_ceil(self.groups.max(1)) } else { b } * kh * kw;
        let terms = f.saturating_mul(oh).saturating_mul(ow).saturating_mul(per_step);
        if terms > limits::TRACE_TERMS {
            return Err(ConfigError::at(
                Field::Input,
                format!("this problem has {terms} products to show, more than the limit of {}", limits::TRACE_TERMS),
            ));
        }
        let padded = c
            .saturating_mul(h.saturating_add(2 * self.padding[0]))
            .saturating_mul(w.saturating_add(2 * self.padding[1]));
        // The transposed canvas is at most the output plus the cropped border.
        let canvas = f
            .saturating_mul(oh.saturating_add(2 * self.padding[0]))
            .saturating_mul(ow.saturating_add(2 * self.padding[1]));
        let drawn = padded.max(canvas);
        if drawn > limits::DRAWN_CELLS {
            return Err(ConfigError::at(
                Field::Padding,
                format!("this problem draws grids of {drawn} cells, more than the limit of {}", limits::DRAWN_CELLS),
            ));
        }
        if let Some(g) = &self.grad_output {
            let (gf, gh, gw) = g.dim();
            if self.op.is_transposed() {
                return Err(ConfigError::at(Field::GradOutput, "grad_output applies to conv1d and conv2d only"));
            }
            if [gf, gh, gw] != [f, oh, ow] {
                return Err(ConvError::GradOutputShape { expected: vec![f, oh, ow], got: vec![gf, gh, gw] }.into());
            }
        }
        Ok(())
    }

    /// The upstream gradient: the document's, or ones of the output's shape.
    pub fn grad_output_or_ones(&self) -> Result<Array3<f64>, ConvError> {
        match &self.grad_output {
            Some(g) => Ok(g.clone()),
            None => {
                let [f, oh, ow] = self.output_shape()?;
                Ok(Array3::from_elem((f, oh, ow), 1.0))
            }
        }
    }

    /// The document as JSON, in the shape a course author would write:
    /// 1D tensors without their height axis, per-axis values as one integer
    /// when the axes agree, defaults left out, keys in the README's order.
    pub fn to_json(&self) -> String {
        let fields: Vec<String> = self.entries().into_iter().map(|(k, v)| format!("{}:{v}", json!(k))).collect();
        format!("{{{}}}", fields.join(","))
    }

    /// The document's keys and values, in order.
    fn entries(&self) -> Vec<(&'static str, Value)> {
        let dims = self.dims();
        let mut doc = vec![
            ("op", json!(self.op.name())),
            ("input", tensor_value(&self.input.view().into_dyn(), dims)),
            ("weight", tensor_value(&self.weight.view().into_dyn(), dims)),
        ];
        if let Some(b) = &self.bias {
            doc.push(("bias", json!(b.to_vec())));
        }
        let axes = |hw: [usize; 2]| -> Value {
            match dims {
                Dims::One => json!(hw[1]),
                Dims::Two if hw[0] == hw[1] => json!(hw[0]),
                Dims::Two => json!(hw),
            }
        };
        let defaults = [(self.stride, "stride", 1), (self.padding, "padding", 0), (self.dilation, "dilation", 1)];
        for (hw, key, default) in defaults {
            if axes(hw) != json!(default) {
                doc.push((key, axes(hw)));
            }
        }
        if self.op.is_transposed() && axes(self.output_padding) != json!(0) {
            doc.push(("output_padding", axes(self.output_padding)));
        }
        if self.groups != 1 {
            doc.push(("groups", json!(self.groups)));
        }
        if self.padding_mode != PaddingMode::Zeros {
            doc.push(("padding_mode", json!(self.padding_mode.name())));
        }
        if self.flip {
            doc.push(("flip", json!(true)));
        }
        if let Some(g) = &self.grad_output {
            doc.push(("grad_output", tensor_value(&g.view().into_dyn(), dims)));
        }
        if self.view != View::Forward {
            doc.push(("view", json!(self.view.name())));
        }
        if self.explain != Explain::Scatter {
            doc.push(("explain", json!(self.explain.name())));
        }
        if self.gradient != GradFocus::Input {
            doc.push(("gradient", json!(self.gradient.name())));
        }
        if self.step != 0 {
            doc.push(("step", json!(self.step)));
        }
        doc
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TensorKind {
    /// `(C, H, W)`, 1D `(C, W)`.
    Input,
    /// `(A, B, KH, KW)`, 1D `(A, B, K)`.
    Weight,
}

/// Parses a tensor and brings it to the stored 2D form.
///
/// Accepted ranks: input (C,H,W) or (H,W) in 2D, (C,W) or (W) in 1D; weight
/// (A,B,KH,KW) or (KH,KW) in 2D, (A,B,K) or (K) in 1D. Missing axes have size 1.
fn tensor(n: &Nested, key: &str, field: Field, dims: Dims, kind: TensorKind) -> Result<ArrayD<f64>, ConfigError> {
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
        return Err(ConfigError::at(
            field,
            format!("{key} must have shape {names}, got {} axes {shape:?}", shape.len()),
        ));
    };
    if dims == Dims::One {
        // Insert the height axis of size 1 before the last axis.
        let last = shape_2d.len() - 1;
        shape_2d.insert(last, 1);
    }
    array.into_shape_with_order(IxDyn(&shape_2d)).map_err(|e| ConfigError::at(field, e.to_string()))
}

/// Writes a stored tensor back as nested lists, dropping the height axis in 1D.
fn tensor_value(array: &ndarray::ArrayViewD<f64>, dims: Dims) -> Value {
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
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 { json!(v as i64) } else { json!(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_document_takes_defaults() -> Result<(), ConfigError> {
        let c = Config::parse(r#"{"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "weight": [[1, 0], [0, -1]]}"#)?;
        assert_eq!(c.op, Op::Conv2d);
        assert_eq!(c.input.dim(), (1, 3, 3));
        assert_eq!(c.weight.dim(), (1, 1, 2, 2));
        assert_eq!(c.stride, [1, 1]);
        assert_eq!(c.output_shape()?, [1, 2, 2]);
        Ok(())
    }

    #[test]
    fn one_d_round_trip() -> Result<(), ConfigError> {
        let text = r#"{"op":"conv1d","input":[[1,2,-1,1,-3]],"weight":[[[-1,0,1]]],"padding":1,"flip":true}"#;
        let c = Config::parse(text)?;
        assert_eq!(c.input.dim(), (1, 1, 5));
        assert_eq!(c.weight.dim(), (1, 1, 1, 3));
        assert_eq!(c.padding, [0, 1]);
        assert_eq!(c.stride, [1, 1]);
        let again = Config::parse(&c.to_json())?;
        assert_eq!(again, c);
        assert_eq!(c.to_json(), text);
        Ok(())
    }

    #[test]
    fn views_explanations_and_gradients_round_trip() -> Result<(), ConfigError> {
        let text = r#"{"op":"conv2d","input":[[[1,2],[3,4]]],"weight":[[[[1]]]],"view":"backprop","gradient":"weight","step":1}"#;
        let c = Config::parse(text)?;
        assert_eq!((c.view, c.gradient, c.step), (View::Backprop, GradFocus::Weight, 1));
        assert_eq!(c.to_json(), text);
        let text =
            r#"{"op":"conv_transpose1d","input":[[1,2]],"weight":[[[1,1]]],"view":"transposed","explain":"matrix"}"#;
        assert_eq!(Config::parse(text)?.explain, Explain::Matrix);
        assert_eq!(Config::parse(text)?.to_json(), text);
        let err = Config::parse(r#"{"input":[[1]],"weight":[[1]],"gradient":"dx"}"#).unwrap_err();
        assert_eq!(err.message, r#"expected one of "input", "weight", "bias", got "dx""#);
        Ok(())
    }

    #[test]
    fn errors_name_their_path() {
        let err = Config::parse(r#"{"input": [[1, 2], [3]], "weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.path, "input[1]");
        assert!(err.message.contains("same length"), "{err}");

        let err = Config::parse(r#"{"input": [[1, "a"]], "weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.path, "input[0][1]");

        let err = Config::parse(r#"{"input": [[1]], "weight": [[1]], "strides": 2}"#).unwrap_err();
        assert!(err.message.contains("unknown field `strides`"), "{err}");

        let err = Config::parse(r#"{"input": [[1, 2, 3]], "weight": [[1, 1]], "stride": [1, 2, 3]}"#).unwrap_err();
        assert_eq!(err.path, "stride");
        assert_eq!(err.message, "stride needs 2 value(s), one per spatial axis, got 3");

        let err =
            Config::parse(r#"{"input": [[1, 2], [3, 4]], "weight": [[1, 1, 1], [1, 1, 1], [1, 1, 1]], "dilation": 2}"#)
                .unwrap_err();
        assert_eq!(err.path, "dilation");
        assert_eq!(
            err.to_string(),
            "at `dilation`: kernel 3x3 with dilation 2 spans 5x5, larger than the padded input 2x2"
        );

        let err = Config::parse(r#"{"input": [[1]], "weight": [[1]], "op": "conv3d"}"#).unwrap_err();
        assert_eq!(err.path, "op");
        assert_eq!(
            err.message,
            r#"expected one of "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", got "conv3d""#
        );

        let err = Config::parse(r#"{"input": [[1]], "weight": [[1]], "padding": [1, -1]}"#).unwrap_err();
        assert_eq!(err.path, "padding[1]");
        assert_eq!(err.message, "expected a non-negative whole number, got -1");

        let err = Config::parse(r#"{"input": [[1]], "weight": [[1]], "flip": "yes"}"#).unwrap_err();
        assert_eq!((err.path.as_str(), err.message.as_str()), ("flip", "expected true or false, got a string"));

        let err = Config::parse(r#"{"weight": [[1]]}"#).unwrap_err();
        assert_eq!(err.message, "missing field `input`");

        let err = Config::parse("[1, 2]").unwrap_err();
        assert_eq!(err.message, "expected a JSON object {...}, got an array");

        let err = Config::parse(r#"{"input": [[1]], "weight": [[1]],"#).unwrap_err();
        assert!(err.message.starts_with("this is not valid JSON: "), "{err}");
    }

    #[test]
    fn caps_refuse_huge_documents() {
        let big = format!(r#"{{"input": [{}], "weight": [[1]]}}"#, vec!["1"; 300_000].join(","));
        assert!(Config::parse(&big).is_err());
        // A link that passes every other cap but would draw a 16x128x128 padded input.
        let plane = format!("[{}]", vec![format!("[{}]", vec!["0"; 64].join(",")); 64].join(","));
        let tall = format!(
            r#"{{"input": [{}], "weight": [[{}]], "padding": 32, "stride": 32}}"#,
            vec![plane; 16].join(","),
            vec!["[[1]]"; 16].join(",")
        );
        let err = Config::parse(&tall).unwrap_err();
        assert_eq!(err.message, "this problem draws grids of 262144 cells, more than the limit of 20000");
        let wide = format!(r#"{{"input": [[{}]], "weight": [[1]]}}"#, vec!["1"; 65].join(","));
        let err = Config::parse(&wide).unwrap_err();
        assert_eq!(err.path, "input");
    }

    #[test]
    fn default_is_the_seed_example() -> Result<(), ConvError> {
        let c = Config::default();
        assert_eq!(c.output_shape()?, [1, 3, 3]);
        Ok(())
    }
}
