//! A pasted `torch.nn.Sequential(...)` read into a stack (#22): the
//! network view builds its layers from the code a learner already has.
//!
//! Read: `Conv1d`/`Conv2d`/`ConvTranspose1d`/`ConvTranspose2d`,
//! `MaxPool1d/2d`, `AvgPool1d/2d`, `ReLU` and the padding modules
//! (`ZeroPad1d/2d`, `ConstantPad1d/2d`, `ReflectionPad1d/2d`,
//! `ReplicationPad1d/2d`, `CircularPad1d/2d`: the `pad` layer), with
//! `torch.nn.`, `nn.` or no prefix, positional and keyword arguments in
//! PyTorch's order, tuples, trailing commas and `#` comments. The
//! `Sequential(...)` around them may be left out. Weights are seeded, one
//! seed per layer. Whatever cannot be read is a [`SequentialError`] at its
//! line and column (from 1), in the learner's words.

use crate::conv::network::{ConvLayer, Layer, Pad};
use crate::conv::pool::{Pool, PoolKind};
use crate::conv::{Dims, Hyper, Op, PaddingMode, PaddingRule};
use crate::model::document::limits;
use crate::model::network::{Entry, MAX_LAYERS, seeded};

/// What could not be read, and where: line and column from 1 (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SequentialError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The stack a paste describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Pasted {
    pub layers: Vec<Entry>,
    /// The first convolution's `in_channels`: the channels the input must have.
    pub in_channels: Option<usize>,
}

/// The longest paste read (a `Sequential` of twelve layers is far shorter).
pub const MAX_CHARS: usize = 20_000;

/// Where a token starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A dotted name: `nn.Conv2d`, `padding`, `True`.
    Name(String),
    Number(f64),
    Str(String),
    Open,
    Close,
    Comma,
    Equals,
    End,
}

fn at(pos: Pos, message: String) -> SequentialError {
    SequentialError { line: pos.line, column: pos.column, message }
}

/// Splits `text` into tokens with their positions; `#` starts a comment to the line's end.
fn tokens(text: &str) -> Result<Vec<(Tok, Pos)>, SequentialError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut k, mut line, mut column) = (0, 1, 1);
    while k < chars.len() {
        let c = chars[k];
        let pos = Pos { line, column };
        let start = k;
        match c {
            '\n' => {
                k += 1;
                line += 1;
                column = 1;
                continue;
            }
            c if c.is_whitespace() => k += 1,
            '#' => {
                while k < chars.len() && chars[k] != '\n' {
                    k += 1;
                }
            }
            '(' | '[' => {
                out.push((Tok::Open, pos));
                k += 1;
            }
            ')' | ']' => {
                out.push((Tok::Close, pos));
                k += 1;
            }
            ',' => {
                out.push((Tok::Comma, pos));
                k += 1;
            }
            '=' => {
                out.push((Tok::Equals, pos));
                k += 1;
            }
            '\'' | '"' => {
                k += 1;
                while k < chars.len() && chars[k] != c && chars[k] != '\n' {
                    k += 1;
                }
                if k >= chars.len() || chars[k] != c {
                    return Err(at(pos, "this string has no closing quote".into()));
                }
                out.push((Tok::Str(chars[start + 1..k].iter().collect()), pos));
                k += 1;
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                k += 1;
                while k < chars.len()
                    && (chars[k].is_ascii_alphanumeric()
                        || chars[k] == '.'
                        || ((chars[k] == '-' || chars[k] == '+') && matches!(chars[k - 1], 'e' | 'E')))
                {
                    k += 1;
                }
                let word: String = chars[start..k].iter().collect();
                let v = word.replace('_', "").parse::<f64>().ok().filter(|v| v.is_finite());
                let Some(v) = v else { return Err(at(pos, format!("{word} is not a number"))) };
                out.push((Tok::Number(v), pos));
            }
            c if c.is_alphabetic() || c == '_' => {
                while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '_' || chars[k] == '.') {
                    k += 1;
                }
                out.push((Tok::Name(chars[start..k].iter().collect()), pos));
            }
            c => return Err(at(pos, format!("unexpected character '{c}'"))),
        }
        column += k - start;
    }
    out.push((Tok::End, Pos { line, column }));
    Ok(out)
}

/// An argument's value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(f64),
    Bool(bool),
    Str(String),
    None,
    Tuple(Vec<(Value, Pos)>),
}

/// One layer call: its name, positional and keyword arguments, each with its position.
struct Call {
    name: String,
    pos: Pos,
    positional: Vec<(Value, Pos)>,
    keywords: Vec<(String, Value, Pos)>,
}

struct Parser {
    toks: Vec<(Tok, Pos)>,
    k: usize,
}

/// A token as the messages name it.
fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => n.clone(),
        Tok::Number(v) => crate::conv::decimal::display(*v),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Open => "'('".into(),
        Tok::Close => "')'".into(),
        Tok::Comma => "','".into(),
        Tok::Equals => "'='".into(),
        Tok::End => "the end of the text".into(),
    }
}

impl Parser {
    fn peek(&self) -> &(Tok, Pos) {
        &self.toks[self.k.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> (Tok, Pos) {
        let t = self.peek().clone();
        self.k += 1;
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Pos, SequentialError> {
        let (t, pos) = self.next();
        if t == want { Ok(pos) } else { Err(at(pos, format!("expected {what}, found {}", describe(&t)))) }
    }

    /// `Sequential(a, b, ...)` or `a, b, ...`: the layer calls.
    fn sequential(&mut self) -> Result<Vec<Call>, SequentialError> {
        let wrapped = matches!(&self.peek().0, Tok::Name(n) if short(n) == "Sequential");
        if wrapped {
            self.next();
            self.expect(Tok::Open, "'(' after Sequential")?;
        }
        let mut calls = Vec::new();
        loop {
            match self.peek().0 {
                Tok::Close if wrapped => {
                    self.next();
                    break;
                }
                Tok::End if !wrapped => break,
                _ => {}
            }
            calls.push(self.call()?);
            match self.next() {
                (Tok::Comma, _) => {}
                (Tok::Close, _) if wrapped => break,
                (Tok::End, _) if !wrapped => break,
                (t, pos) => {
                    let what = if wrapped { "',' or ')'" } else { "','" };
                    return Err(at(pos, format!("expected {what} after a layer, found {}", describe(&t))));
                }
            }
        }
        let (t, pos) = self.next();
        if t != Tok::End {
            return Err(at(pos, format!("unexpected {} after the Sequential", describe(&t))));
        }
        Ok(calls)
    }

    /// `nn.Name(args)`.
    fn call(&mut self) -> Result<Call, SequentialError> {
        let (t, pos) = self.next();
        let Tok::Name(name) = t else {
            return Err(at(pos, format!("expected a layer such as nn.Conv2d(...), found {}", describe(&t))));
        };
        self.expect(Tok::Open, &format!("'(' after {name}"))?;
        let mut call = Call { name, pos, positional: Vec::new(), keywords: Vec::new() };
        loop {
            if self.peek().0 == Tok::Close {
                self.next();
                return Ok(call);
            }
            let keyword = match (&self.peek().0, self.toks.get(self.k + 1).map(|t| &t.0)) {
                (Tok::Name(n), Some(Tok::Equals)) => Some(n.clone()),
                _ => None,
            };
            if let Some(key) = keyword {
                let key_pos = self.next().1;
                self.next();
                if call.keywords.iter().any(|(k, _, _)| *k == key) {
                    return Err(at(key_pos, format!("{key} is given twice")));
                }
                let (v, _) = self.value()?;
                call.keywords.push((key, v, key_pos));
            } else {
                if let Some((k, _, _)) = call.keywords.first() {
                    return Err(at(self.peek().1, format!("a positional argument after the keyword {k}")));
                }
                let v = self.value()?;
                call.positional.push(v);
            }
            match self.next() {
                (Tok::Comma, _) => {}
                (Tok::Close, _) => return Ok(call),
                (t, pos) => {
                    return Err(at(pos, format!("expected ',' or ')' in {}, found {}", call.name, describe(&t))));
                }
            }
        }
    }

    fn value(&mut self) -> Result<(Value, Pos), SequentialError> {
        let (t, pos) = self.next();
        let v = match t {
            Tok::Number(v) => Value::Number(v),
            Tok::Str(s) => Value::Str(s),
            Tok::Name(n) if n == "True" => Value::Bool(true),
            Tok::Name(n) if n == "False" => Value::Bool(false),
            Tok::Name(n) if n == "None" => Value::None,
            Tok::Open => {
                let mut items = Vec::new();
                loop {
                    if self.peek().0 == Tok::Close {
                        self.next();
                        break;
                    }
                    let item = self.value()?;
                    if matches!(item.0, Value::Tuple(_)) {
                        return Err(at(item.1, "a tuple inside a tuple".into()));
                    }
                    items.push(item);
                    match self.next() {
                        (Tok::Comma, _) => {}
                        (Tok::Close, _) => break,
                        (t, pos) => {
                            return Err(at(pos, format!("expected ',' or ')' in a tuple, found {}", describe(&t))));
                        }
                    }
                }
                Value::Tuple(items)
            }
            t => return Err(at(pos, format!("expected a value, found {}", describe(&t)))),
        };
        Ok((v, pos))
    }
}

/// `torch.nn.Conv2d` and `nn.Conv2d` are `Conv2d`.
fn short(name: &str) -> &str {
    name.strip_prefix("torch.nn.").or_else(|| name.strip_prefix("nn.")).unwrap_or(name)
}

/// What each layer module is and the names of its arguments, in PyTorch's order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Module {
    Conv(Op),
    Pool(PoolKind, Dims),
    Relu,
    /// A padding module: its mode and dims; `constant` takes a value.
    Pad(PaddingMode, Dims, bool),
}

fn module(name: &str) -> Option<(Module, &'static [&'static str])> {
    const CONV: &[&str] = &[
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "groups",
        "bias",
        "padding_mode",
    ];
    const CONV_T: &[&str] = &[
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "output_padding",
        "groups",
        "bias",
        "dilation",
        "padding_mode",
    ];
    const MAX: &[&str] = &["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"];
    const AVG: &[&str] = &["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"];
    const PAD: &[&str] = &["padding"];
    const CONSTANT: &[&str] = &["padding", "value"];
    let (one, two) = (Dims::One, Dims::Two);
    Some(match name {
        "Conv1d" => (Module::Conv(Op::Conv1d), CONV),
        "Conv2d" => (Module::Conv(Op::Conv2d), CONV),
        "ConvTranspose1d" => (Module::Conv(Op::ConvTranspose1d), CONV_T),
        "ConvTranspose2d" => (Module::Conv(Op::ConvTranspose2d), CONV_T),
        "MaxPool1d" => (Module::Pool(PoolKind::Max, one), MAX),
        "MaxPool2d" => (Module::Pool(PoolKind::Max, two), MAX),
        "AvgPool1d" => (Module::Pool(PoolKind::Avg, one), AVG),
        "AvgPool2d" => (Module::Pool(PoolKind::Avg, two), AVG),
        "ReLU" => (Module::Relu, &["inplace"]),
        "ZeroPad1d" => (Module::Pad(PaddingMode::Zeros, one, false), PAD),
        "ZeroPad2d" => (Module::Pad(PaddingMode::Zeros, two, false), PAD),
        "ConstantPad1d" => (Module::Pad(PaddingMode::Zeros, one, true), CONSTANT),
        "ConstantPad2d" => (Module::Pad(PaddingMode::Zeros, two, true), CONSTANT),
        "ReflectionPad1d" => (Module::Pad(PaddingMode::Reflect, one, false), PAD),
        "ReflectionPad2d" => (Module::Pad(PaddingMode::Reflect, two, false), PAD),
        "ReplicationPad1d" => (Module::Pad(PaddingMode::Replicate, one, false), PAD),
        "ReplicationPad2d" => (Module::Pad(PaddingMode::Replicate, two, false), PAD),
        "CircularPad1d" => (Module::Pad(PaddingMode::Circular, one, false), PAD),
        "CircularPad2d" => (Module::Pad(PaddingMode::Circular, two, false), PAD),
        _ => return None,
    })
}

/// A layer call's arguments by name, positional ones matched to PyTorch's order.
struct Args {
    layer: String,
    pos: Pos,
    values: Vec<(&'static str, Value, Pos)>,
    dims: Dims,
}

impl Args {
    fn new(call: &Call, names: &'static [&'static str], dims: Dims) -> Result<Args, SequentialError> {
        if call.positional.len() > names.len() {
            let (_, pos) = call.positional[names.len()];
            return Err(at(pos, format!("{} takes at most {} arguments", call.name, names.len())));
        }
        let mut values: Vec<(&'static str, Value, Pos)> =
            call.positional.iter().zip(names).map(|((v, p), n)| (*n, v.clone(), *p)).collect();
        for (key, v, pos) in &call.keywords {
            let Some(name) = names.iter().find(|n| *n == key) else {
                return Err(at(*pos, format!("{} has no argument {key} (it takes {})", call.name, names.join(", "))));
            };
            if values.iter().any(|(n, _, _)| n == name) {
                return Err(at(*pos, format!("{key} is given twice")));
            }
            values.push((name, v.clone(), *pos));
        }
        Ok(Args { layer: call.name.clone(), pos: call.pos, values, dims })
    }

    fn get(&self, name: &str) -> Option<&(&'static str, Value, Pos)> {
        self.values.iter().find(|(n, _, _)| *n == name).filter(|(_, v, _)| *v != Value::None)
    }

    fn whole_at(&self, name: &str, v: &Value, pos: Pos, min: usize, cap: usize) -> Result<usize, SequentialError> {
        let n = match v {
            Value::Number(x) if x.fract() == 0.0 && *x >= 0.0 => *x as usize,
            _ => return Err(at(pos, format!("{name} of {} must be a whole number", self.layer))),
        };
        if n < min {
            return Err(at(pos, format!("{name} of {} must be at least {min}", self.layer)));
        }
        if n > cap {
            return Err(at(pos, format!("{name} of {} is capped at {cap} in this app", self.layer)));
        }
        Ok(n)
    }

    /// A required or defaulted whole number.
    fn whole(&self, name: &str, default: Option<usize>, min: usize, cap: usize) -> Result<usize, SequentialError> {
        match self.get(name) {
            Some((_, v, pos)) => self.whole_at(name, v, *pos, min, cap),
            None => default.ok_or_else(|| at(self.pos, format!("{} needs {name}", self.layer))),
        }
    }

    /// A per-axis setting `[h, w]`: one number for every axis, or a tuple of
    /// one per axis; 1D keeps the height at `inert`.
    fn axes(
        &self,
        name: &str,
        default: Option<[usize; 2]>,
        inert: usize,
        min: usize,
        cap: usize,
    ) -> Result<[usize; 2], SequentialError> {
        let Some((_, v, pos)) = self.get(name) else {
            return default.ok_or_else(|| at(self.pos, format!("{} needs {name}", self.layer)));
        };
        let n = if self.dims == Dims::One { 1 } else { 2 };
        match v {
            Value::Tuple(items) if items.len() == n => {
                let mut out = [inert; 2];
                for (k, (v, p)) in items.iter().enumerate() {
                    out[2 - n + k] = self.whole_at(name, v, *p, min, cap)?;
                }
                Ok(out)
            }
            Value::Tuple(items) => Err(at(
                *pos,
                format!("{name} of {} needs {n} number(s), one per axis, got {}", self.layer, items.len()),
            )),
            v => {
                let x = self.whole_at(name, v, *pos, min, cap)?;
                Ok(if self.dims == Dims::One { [inert, x] } else { [x, x] })
            }
        }
    }

    fn boolean(&self, name: &str, default: bool) -> Result<bool, SequentialError> {
        match self.get(name) {
            None => Ok(default),
            Some((_, Value::Bool(b), _)) => Ok(*b),
            Some((_, _, pos)) => Err(at(*pos, format!("{name} of {} must be True or False", self.layer))),
        }
    }

    fn string(&self, name: &str) -> Result<Option<(String, Pos)>, SequentialError> {
        match self.get(name) {
            None => Ok(None),
            Some((_, Value::Str(s), pos)) => Ok(Some((s.clone(), *pos))),
            Some((_, _, pos)) => Err(at(*pos, format!("{name} of {} must be a string", self.layer))),
        }
    }

    /// Refuses an argument this app does not model (`return_indices=True`, ...).
    fn unsupported(&self, name: &str, allowed: &Value) -> Result<(), SequentialError> {
        match self.get(name) {
            Some((_, v, pos)) if v != allowed => {
                Err(at(*pos, format!("{name} of {} is not supported here", self.layer)))
            }
            _ => Ok(()),
        }
    }
}

/// Reads `text`, a `torch.nn.Sequential(...)` of layers, for an input of
/// `dims`. Convolution `k` (from 0) is seeded with `k + 1`. Channels must
/// chain: each convolution's `in_channels` is the channels before it (the
/// first one's is [`Pasted::in_channels`], for the input).
pub fn parse(text: &str, dims: Dims) -> Result<Pasted, SequentialError> {
    if text.chars().count() > MAX_CHARS {
        return Err(at(Pos { line: 1, column: 1 }, format!("the text is longer than {MAX_CHARS} characters")));
    }
    let mut parser = Parser { toks: tokens(text)?, k: 0 };
    let calls = parser.sequential()?;
    if calls.is_empty() {
        return Err(at(parser.toks[0].1, "no layers: write nn.Sequential(nn.Conv2d(...), ...)".into()));
    }
    if calls.len() > MAX_LAYERS {
        return Err(at(calls[MAX_LAYERS].pos, format!("a stack holds at most {MAX_LAYERS} layers in this app")));
    }
    let mut layers = Vec::new();
    let mut channels: Option<usize> = None;
    let mut in_channels = None;
    for (k, call) in calls.iter().enumerate() {
        let name = short(&call.name);
        let Some((module, names)) = module(name) else {
            return Err(at(call.pos, format!("unknown layer {}", call.name)));
        };
        let layer_dims = match module {
            Module::Conv(op) => Some(op.dims()),
            Module::Pool(_, d) | Module::Pad(_, d, _) => Some(d),
            Module::Relu => None,
        };
        if let Some(d) = layer_dims.filter(|&d| d != dims) {
            let n = |d: Dims| if d == Dims::One { 1 } else { 2 };
            return Err(at(call.pos, format!("{} is {}D but the input is {}D", call.name, n(d), n(dims))));
        }
        let args = Args::new(call, names, dims)?;
        let entry = match module {
            Module::Conv(op) => {
                let conv = conv(&args, op, k as u64 + 1)?;
                let c_in = args.whole("in_channels", None, 1, limits::CHANNELS)?;
                match channels {
                    None => in_channels = Some(c_in),
                    Some(have) if have != c_in => {
                        let pos = args.get("in_channels").map_or(call.pos, |a| a.2);
                        return Err(at(
                            pos,
                            format!(
                                "{} takes in_channels={c_in}, but the layer before gives {have} channels",
                                call.name
                            ),
                        ));
                    }
                    Some(_) => {}
                }
                channels = Some(args.whole("out_channels", None, 1, limits::CHANNELS)?);
                conv
            }
            Module::Pool(kind, d) => pool(&args, kind, d)?,
            // inplace changes nothing here: every layer's output is kept.
            Module::Relu => Entry { layer: Layer::Relu, seed: None },
            Module::Pad(mode, d, constant) => pad(&args, mode, d, constant)?,
        };
        layers.push(entry);
    }
    Ok(Pasted { layers, in_channels })
}

fn conv(args: &Args, op: Op, seed: u64) -> Result<Entry, SequentialError> {
    let c_in = args.whole("in_channels", None, 1, limits::CHANNELS)?;
    let c_out = args.whole("out_channels", None, 1, limits::CHANNELS)?;
    let kernel = args.axes("kernel_size", None, 1, 1, limits::KERNEL)?;
    let groups = args.whole("groups", Some(1), 1, limits::CHANNELS)?;
    for (name, n) in [("in_channels", c_in), ("out_channels", c_out)] {
        if n % groups != 0 {
            let pos = args.get(name).or_else(|| args.get("groups")).map_or(args.pos, |a| a.2);
            return Err(at(pos, format!("{name}={n} of {} is not divisible by groups={groups}", args.layer)));
        }
    }
    let dilation = args.axes("dilation", Some([1, 1]), 1, 1, limits::HYPER)?;
    // padding='valid' and 'same' are PyTorch's rules, resolved by the core ("same"
    // pads d(k-1) per axis, the odd cell after; a stride above 1 is the layer's error).
    let (padding, padding_rule) = match args.get("padding") {
        Some((_, Value::Str(s), pos)) => match s.as_str() {
            "valid" => ([0, 0], PaddingRule::Valid),
            "same" if op.is_transposed() => {
                return Err(at(*pos, format!("{} takes no padding='same': give the numbers", args.layer)));
            }
            "same" => ([0, 0], PaddingRule::Same),
            _ => return Err(at(*pos, format!("padding of {} is a number, a tuple, 'valid' or 'same'", args.layer))),
        },
        _ => (args.axes("padding", Some([0, 0]), 0, 0, limits::HYPER)?, PaddingRule::Explicit),
    };
    let padding_mode = match args.string("padding_mode")? {
        None => PaddingMode::Zeros,
        Some((s, pos)) => match PaddingMode::ALL.iter().find(|m| m.name() == s) {
            Some(m) if !op.is_transposed() || *m == PaddingMode::Zeros => *m,
            Some(_) => return Err(at(pos, format!("{} takes only padding_mode='zeros'", args.layer))),
            None => {
                return Err(at(
                    pos,
                    format!("padding_mode is 'zeros', 'reflect', 'replicate' or 'circular', not '{s}'"),
                ));
            }
        },
    };
    let hyper = Hyper {
        stride: args.axes("stride", Some([1, 1]), 1, 1, limits::HYPER)?,
        padding,
        dilation,
        output_padding: args.axes("output_padding", Some([0, 0]), 0, 0, limits::HYPER)?,
        groups,
        padding_mode,
        flip: false,
        padding_rule,
    };
    let bias = args.boolean("bias", true)?;
    let shape = if op.is_transposed() {
        [c_in, c_out / groups, kernel[0], kernel[1]]
    } else {
        [c_out, c_in / groups, kernel[0], kernel[1]]
    };
    let (weight, bias) = seeded(seed, shape, bias.then_some(c_out));
    Ok(Entry { layer: Layer::Conv(ConvLayer { op, weight, bias, hyper }), seed: Some(seed) })
}

fn pool(args: &Args, kind: PoolKind, dims: Dims) -> Result<Entry, SequentialError> {
    args.unsupported("return_indices", &Value::Bool(false))?;
    if let Some((_, _, pos)) = args.get("divisor_override") {
        return Err(at(*pos, format!("divisor_override of {} is not supported here", args.layer)));
    }
    let kernel = args.axes("kernel_size", None, 1, 1, limits::KERNEL)?;
    let pool = Pool {
        kind,
        dims,
        kernel,
        // PyTorch: stride defaults to kernel_size (None too).
        stride: args.axes("stride", Some(kernel), 1, 1, limits::HYPER)?,
        padding: args.axes("padding", Some([0, 0]), 0, 0, limits::HYPER)?,
        dilation: args.axes("dilation", Some([1, 1]), 1, 1, limits::HYPER)?,
        ceil_mode: args.boolean("ceil_mode", false)?,
        count_include_pad: args.boolean("count_include_pad", true)?,
    };
    Ok(Entry { layer: Layer::Pool(pool), seed: None })
}

fn pad(args: &Args, mode: PaddingMode, dims: Dims, constant: bool) -> Result<Entry, SequentialError> {
    let Some((_, v, pos)) = args.get("padding") else {
        return Err(at(args.pos, format!("{} needs padding", args.layer)));
    };
    let n = if dims == Dims::One { 2 } else { 4 };
    let amounts: Vec<usize> = match v {
        Value::Tuple(items) if items.len() == n => {
            items.iter().map(|(v, p)| args.whole_at("padding", v, *p, 0, limits::HYPER)).collect::<Result<_, _>>()?
        }
        Value::Tuple(items) => {
            let want = if dims == Dims::One { "(left, right)" } else { "(left, right, top, bottom)" };
            return Err(at(*pos, format!("padding of {} is {want}, got {} numbers", args.layer, items.len())));
        }
        v => vec![args.whole_at("padding", v, *pos, 0, limits::HYPER)?; n],
    };
    let amounts = if dims == Dims::One {
        [amounts[0], amounts[1], 0, 0]
    } else {
        [amounts[0], amounts[1], amounts[2], amounts[3]]
    };
    let value = match args.get("value") {
        None if constant => return Err(at(args.pos, format!("{} needs value", args.layer))),
        None => 0.0,
        Some((_, Value::Number(x), _)) => *x,
        Some((_, _, pos)) => return Err(at(*pos, format!("value of {} must be a number", args.layer))),
    };
    Ok(Entry { layer: Layer::Pad(Pad { dims, amounts, mode, value }), seed: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue's example, with a comment, a tuple, keywords and a trailing comma.
    const EXAMPLE: &str = "torch.nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1),  # 3x3, same size
    nn.ReLU(inplace=True),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 8, kernel_size=(3, 1), stride=(1, 2), bias=False),
    nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False),
    nn.ReflectionPad2d((1, 0, 1, 0)),
)";

    fn err(text: &str, dims: Dims) -> (usize, usize, String) {
        match parse(text, dims) {
            Ok(p) => panic!("{text} read as {} layers", p.layers.len()),
            Err(e) => (e.line, e.column, e.message),
        }
    }

    #[test]
    fn the_issues_example_reads_into_seeded_layers() -> Result<(), SequentialError> {
        let p = parse(EXAMPLE, Dims::Two)?;
        assert_eq!(p.in_channels, Some(3));
        assert_eq!(p.layers.len(), 6);
        let Layer::Conv(c) = &p.layers[0].layer else { panic!("layer 1 is a conv") };
        assert_eq!((c.op, c.weight.dim(), c.hyper.padding), (Op::Conv2d, (16, 3, 3, 3), [1, 1]));
        assert_eq!(c.bias.as_ref().map(|b| b.len()), Some(16));
        assert_eq!(p.layers[1].layer, Layer::Relu);
        let Layer::Pool(m) = &p.layers[2].layer else { panic!("layer 3 is a pool") };
        assert_eq!((m.kind, m.kernel, m.stride), (PoolKind::Max, [2, 2], [2, 2]));
        let Layer::Conv(c2) = &p.layers[3].layer else { panic!("layer 4 is a conv") };
        assert_eq!((c2.weight.dim(), c2.hyper.stride, c2.bias.is_none()), ((8, 16, 3, 1), [1, 2], true));
        // A seed of its own per convolution.
        assert_eq!((p.layers[0].seed, p.layers[3].seed), (Some(1), Some(4)));
        let Layer::Pool(a) = &p.layers[4].layer else { panic!("layer 5 is a pool") };
        assert_eq!((a.kind, a.ceil_mode, a.count_include_pad), (PoolKind::Avg, true, false));
        let Layer::Pad(pad) = &p.layers[5].layer else { panic!("layer 6 pads") };
        assert_eq!((pad.amounts, pad.mode), ([1, 0, 1, 0], PaddingMode::Reflect));
        // 3x12x12: 16x12x12, 16x6x6, 8x4x3, 8x2x2 (ceil mode), 8x3x3.
        let shapes = p.layers.iter().try_fold(vec![[3, 12, 12]], |mut v, e| {
            let next = e.layer.output_shape(*v.last().unwrap_or(&[0; 3])).ok()?;
            v.push(next);
            Some(v)
        });
        assert_eq!(shapes.and_then(|v| v.last().copied()), Some([8, 3, 3]));
        Ok(())
    }

    #[test]
    fn one_d_layers_bare_lists_and_every_padding_module() -> Result<(), SequentialError> {
        let p = parse(
            "nn.ConstantPad1d((2, 0), 0.5), Conv1d(1, 2, 2, dilation=2, padding_mode='circular', padding=1),\n\
             ConvTranspose1d(2, 4, 3, stride=2, output_padding=1, groups=2), MaxPool1d(3, 1, 1, ceil_mode=True),\n\
             nn.ZeroPad1d(1), ReplicationPad1d((0, 3)), AvgPool1d(kernel_size=2, stride=None)",
            Dims::One,
        )?;
        let Layer::Pad(c) = &p.layers[0].layer else { panic!("a pad") };
        assert_eq!((c.amounts, c.value, c.dims), ([2, 0, 0, 0], 0.5, Dims::One));
        let Layer::Conv(conv) = &p.layers[1].layer else { panic!("a conv") };
        assert_eq!(
            (conv.weight.dim(), conv.hyper.dilation, conv.hyper.padding_mode),
            ((2, 1, 1, 2), [1, 2], PaddingMode::Circular)
        );
        let Layer::Conv(t) = &p.layers[2].layer else { panic!("a transposed conv") };
        assert_eq!(
            (t.op, t.weight.dim(), t.hyper.output_padding, t.bias.as_ref().map(|b| b.len())),
            (Op::ConvTranspose1d, (2, 2, 1, 3), [0, 1], Some(4))
        );
        let Layer::Pool(m) = &p.layers[3].layer else { panic!("a pool") };
        assert_eq!((m.kernel, m.stride, m.padding, m.ceil_mode), ([1, 3], [1, 1], [0, 1], true));
        let Layer::Pad(z) = &p.layers[4].layer else { panic!("a pad") };
        assert_eq!(z.amounts, [1, 1, 0, 0]);
        let Layer::Pool(a) = &p.layers[6].layer else { panic!("a pool") };
        assert_eq!(a.stride, [1, 2], "stride=None is the kernel size");
        assert_eq!(p.in_channels, Some(1));
        Ok(())
    }

    #[test]
    fn what_cannot_be_read_is_named_at_its_line_and_column() {
        let two = Dims::Two;
        assert_eq!(
            err("nn.Sequential(\n    nn.Conv2d(1, 4, 3),\n    nn.Dropout(0.5),\n)", two),
            (3, 5, "unknown layer nn.Dropout".into())
        );
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4, 3), nn.Conv2d(5, 4, 3))", two).0, 1);
        let (line, column, message) = err("nn.Sequential(nn.Conv2d(1, 4, 3), nn.Conv2d(5, 4, 3))", two);
        assert_eq!((line, column), (1, 45), "at the in_channels 5: {message}");
        assert!(message.contains("gives 4 channels"), "{message}");
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4, 3, strides=2))", two).1, 34);
        assert!(err("nn.Sequential(nn.Conv2d(1, 4, 3, strides=2))", two).2.contains("has no argument strides"));
        assert_eq!(
            err("nn.Sequential(nn.Conv2d(1, 4, (3, 3, 3)))", two),
            (1, 31, "kernel_size of nn.Conv2d needs 2 number(s), one per axis, got 3".into())
        );
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4, 3)", two).1, 33, "the missing ')' at the end");
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4, 2.5))", two).1, 31);
        assert_eq!(err("nn.Sequential(nn.MaxPool1d(2))", two).2, "nn.MaxPool1d is 1D but the input is 2D");
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4))", two).2, "nn.Conv2d needs kernel_size");
        assert_eq!(err("nn.Sequential(nn.Conv2d(1, 4, 3, groups=3))", two).1, 25);
        assert_eq!(
            err("nn.Sequential(nn.Conv2d(1, 400, 3))", two).2,
            "out_channels of nn.Conv2d is capped at 16 in this app"
        );
        assert_eq!(
            err("nn.Sequential(nn.ConvTranspose2d(1, 4, 3, padding='same'))", two).1,
            43,
            "a transposed layer takes no string padding"
        );
        assert_eq!(err("nn.Sequential(nn.MaxPool2d(2, return_indices=True))", two).1, 31);
        assert_eq!(
            err("nn.Sequential(\n  nn.ReLU() nn.ReLU())", two),
            (2, 13, "expected ',' or ')' after a layer, found nn.ReLU".into())
        );
        assert_eq!(err("nn.Sequential(nn.ZeroPad2d((1, 2)))", two).1, 28);
        assert_eq!(err("nn.Sequential()", two).2, "no layers: write nn.Sequential(nn.Conv2d(...), ...)");
        assert_eq!(err("nn.Sequential(nn.ReLU()) x", two), (1, 26, "unexpected x after the Sequential".into()));
        assert_eq!(
            err("nn.Sequential(nn.Conv2d(1, 4, 3, padding_mode='mirror'))", two).1,
            34,
            "a keyword's error is at its name"
        );
        assert_eq!(err("# 'é' counts as one column\nnn.Sequential(nn.ReLU(), é)", two).1, 27);
        let many = format!("nn.Sequential({})", vec!["nn.ReLU()"; MAX_LAYERS + 1].join(", "));
        assert!(err(&many, two).2.contains("at most 12 layers"));
    }
}
