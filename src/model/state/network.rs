//! Edits of the network view's stack (#22): add, remove, reorder and set
//! layers, and the probed cell. The stack is part of the document, so its
//! edits are undone like the problem's; the probe only looks.
//!
//! Layers are indexed from 0 here (the page numbers them from 1). A
//! convolution whose weights are a seeded fill follows the shape of its
//! input (channels) and of its own settings: a new shape draws a new fill
//! from the same seed. Typed weights keep their numbers: a shape that no
//! longer fits is the layer's error, shown beside it. A pasted
//! `torch.nn.Sequential` replaces the whole stack in one step.

use std::rc::Rc;

use ndarray::{Array1, Array4};

use crate::conv::network::{ConvLayer, Layer, Network, Pad, Probe};
use crate::conv::pool::{Pool, PoolGeometry, PoolKind, PoolWalk};
use crate::conv::{Dims, Hyper, Op, PaddingMode};
use crate::model::document::{self, limits};
use crate::model::editing::{self, Size};
use crate::model::grid;
use crate::model::network::{Entry, MAX_LAYERS, Stack, fits_caps, seeded, seeded_conv, shape_text};
use crate::model::sequential::Pasted;
use crate::model::view_state::{PoolPanel, View, ViewState};

use super::doc::{Doc, Said};
use super::history::Snapshot;

/// The kinds of layer the add-layer menu offers (1D or 2D follows the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Conv,
    ConvTranspose,
    MaxPool,
    AvgPool,
    Relu,
    Pad,
}

impl LayerKind {
    /// Every kind, in the menu's order.
    pub const ALL: [LayerKind; 6] = [
        LayerKind::Conv,
        LayerKind::ConvTranspose,
        LayerKind::MaxPool,
        LayerKind::AvgPool,
        LayerKind::Relu,
        LayerKind::Pad,
    ];

    /// The kind of `layer`.
    pub fn of(layer: &Layer) -> LayerKind {
        match layer {
            Layer::Conv(c) if c.op.is_transposed() => LayerKind::ConvTranspose,
            Layer::Conv(_) => LayerKind::Conv,
            Layer::Pool(p) if p.kind == PoolKind::Max => LayerKind::MaxPool,
            Layer::Pool(_) => LayerKind::AvgPool,
            Layer::Relu => LayerKind::Relu,
            Layer::Pad(_) => LayerKind::Pad,
        }
    }

    /// PyTorch's functional name in `dims`: `conv2d`, `max_pool1d`, `relu`, ...
    pub fn name(self, dims: Dims) -> &'static str {
        let two = dims == Dims::Two;
        match self {
            LayerKind::Conv => Op::Conv2d.with_dims(dims).name(),
            LayerKind::ConvTranspose => Op::ConvTranspose2d.with_dims(dims).name(),
            LayerKind::MaxPool if two => "max_pool2d",
            LayerKind::MaxPool => "max_pool1d",
            LayerKind::AvgPool if two => "avg_pool2d",
            LayerKind::AvgPool => "avg_pool1d",
            LayerKind::Relu => "relu",
            LayerKind::Pad => "pad",
        }
    }
}

/// One setting of one layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LayerEdit {
    /// Another kind of layer in this place (its defaults).
    Kind(LayerKind),
    /// A convolution's output channels.
    OutChannels(usize),
    /// Kernel size on an axis (0 height, 1 width, [`BOTH`] both at once, as one
    /// undo step); in 1D only the width.
    Kernel(usize, usize),
    Stride(usize, usize),
    Padding(usize, usize),
    Dilation(usize, usize),
    OutputPadding(usize, usize),
    Groups(usize),
    PaddingMode(PaddingMode),
    CeilMode(bool),
    CountIncludePad(bool),
    /// F.pad's amount on a side: 0 left, 1 right, 2 top, 3 bottom.
    PadSide(usize, usize),
    /// A convolution's bias on or off.
    Bias(bool),
    /// A new seeded fill (the seed), replacing the weights.
    Seed(u64),
}

/// The axis of a [`LayerEdit`] that sets height and width together.
pub const BOTH: usize = 2;

/// Sets axis `a` of `target` (height 0, width 1, [`BOTH`]); 1D has the width alone.
fn put(target: &mut [usize; 2], a: usize, v: usize, dims: Dims) {
    match (dims, a) {
        (Dims::One, _) => target[1] = v,
        (Dims::Two, BOTH) => *target = [v, v],
        (Dims::Two, a) => target[a.min(1)] = v,
    }
}

/// Edits of the stack.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkAction {
    /// A layer of this kind at the end, fitted to the last output.
    Add(LayerKind),
    Remove(usize),
    /// The layer one place up (towards the input) or down.
    Move {
        layer: usize,
        up: bool,
    },
    Edit(usize, LayerEdit),
    /// The cell whose receptive field is marked (layer 0: the input), or none.
    Probe(Option<Probe>),
    /// A convolution layer opened as the single-op problem (its op, weight,
    /// bias and settings on the previous layer's output), in its own view,
    /// without the stack: one undo returns to the network.
    Open(usize),
    /// The pooling layer whose windows the network view's player walks
    /// (from its first step), or none: the panel closed.
    StepPool(Option<usize>),
    /// The pooling panel's walk: the windows, or the gradient for `dY = 1`.
    PoolWalk(PoolWalk),
    /// Back from a layer opened in the single-op views ([`NetworkAction::Open`])
    /// to its network, which takes the layer's edited weight, bias and
    /// settings (its input stays the previous layer's output).
    Return,
    /// A pasted `torch.nn.Sequential(...)`, read by the view (so that the
    /// parser loads with the network's chunk, not the first screen), replaces
    /// the stack (seeded weights); the input takes its first convolution's
    /// `in_channels`.
    Paste(Pasted),
}

impl NetworkAction {
    /// Only looks: changes no number (the probe).
    pub fn only_looks(&self) -> bool {
        matches!(self, NetworkAction::Probe(_) | NetworkAction::StepPool(_) | NetworkAction::PoolWalk(_))
    }
}

/// Where a layer on screen was opened from (#22: "into one layer"): the
/// network's whole state then, and which layer it is.
#[derive(Debug, PartialEq)]
pub struct Opened {
    /// The layer, from 0.
    pub layer: usize,
    /// The network's problem (its input), stack, view and picture.
    pub from: Snapshot,
}

impl Opened {
    /// The layer's words for the page ("layer 3 of the network").
    pub fn words(&self) -> String {
        format!("layer {} of the network", self.layer + 1)
    }
}

/// A seed for a new layer at `index` that no other layer of `stack` uses.
fn fresh_seed(stack: &Stack, index: usize) -> u64 {
    let mut seed = index as u64 + 1;
    while stack.layers.iter().any(|e| e.seed == Some(seed)) {
        seed += 1;
    }
    seed
}

/// The output shape before layer `index` (the input's at 0), as far as the
/// stack is valid up to there.
fn shape_before(stack: &Stack, input: [usize; 3], index: usize) -> Option<[usize; 3]> {
    stack.layers.iter().take(index).try_fold(input, |shape, e| e.layer.output_shape(shape).ok())
}

/// Layer `k`'s (from 0) pooling geometry, when it is a pooling layer of the
/// network's `dims` that takes its input (the input's shape `input`).
pub fn pool_geometry(stack: &Stack, dims: Dims, input: [usize; 3], k: usize) -> Option<PoolGeometry> {
    let layer = &stack.layers.get(k)?.layer;
    if layer.dims() != Some(dims) {
        return None;
    }
    layer.pool_geometry(shape_before(stack, input, k)?)
}

/// Whether `probe` names a cell of the input or of a layer's output.
fn probe_fits(stack: &Stack, input: [usize; 3], probe: Probe) -> bool {
    if probe.layer > stack.layers.len() {
        return false;
    }
    shape_before(stack, input, probe.layer).is_some_and(|shape| probe.index.iter().zip(shape).all(|(&i, n)| i < n))
}

/// The default layer of `kind` on an input of `shape`: convolutions keep the
/// size (3x3, padding 1) and the channels, pooling halves it.
pub fn default_layer(kind: LayerKind, dims: Dims, [c, h, w]: [usize; 3], seed: u64) -> Entry {
    // Per-axis values; 1D keeps the height axis inert (1 for sizes and steps, 0 for padding).
    let hw = |n: usize| if dims == Dims::One { [1, n] } else { [n, n] };
    let pad = |n: usize| if dims == Dims::One { [0, n] } else { [n, n] };
    // 3, or 1 on an input narrower than 3: odd, so padding k/2 keeps the size.
    let k = if (if dims == Dims::One { w } else { h.min(w) }) >= 3 { 3 } else { 1 };
    let entry = |layer| Entry { layer, seed: None };
    match kind {
        LayerKind::Conv => {
            let hyper = Hyper { padding: pad(k / 2), ..Hyper::default() };
            seeded_conv(Op::Conv2d.with_dims(dims), c, c, k, hyper, seed)
        }
        LayerKind::ConvTranspose => {
            let hyper = Hyper { stride: hw(2), padding: pad(1), output_padding: pad(1), ..Hyper::default() };
            seeded_conv(Op::ConvTranspose2d.with_dims(dims), c, c, 3, hyper, seed)
        }
        LayerKind::MaxPool | LayerKind::AvgPool => entry(Layer::Pool(Pool {
            kind: if kind == LayerKind::MaxPool { PoolKind::Max } else { PoolKind::Avg },
            dims,
            kernel: hw(2),
            stride: hw(2),
            padding: [0, 0],
            dilation: [1, 1],
            ceil_mode: false,
            count_include_pad: true,
        })),
        LayerKind::Relu => entry(Layer::Relu),
        LayerKind::Pad => {
            let amounts = if dims == Dims::One { [2, 0, 0, 0] } else { [1, 1, 1, 1] };
            entry(Layer::Pad(Pad { dims, amounts, mode: PaddingMode::Zeros, value: 0.0 }))
        }
    }
}

/// `a` resized on every axis to `shape`, kept cells kept, new ones 0.
fn resized4(a: &Array4<f64>, shape: [usize; 4]) -> Array4<f64> {
    let mut d = a.clone().into_dyn();
    for (axis, len) in shape.into_iter().enumerate() {
        d = grid::resized(&d, axis, len, 0.0);
    }
    d.into_dimensionality().unwrap_or_else(|_| Array4::zeros(shape))
}

/// The weight shape a convolution needs for `in_channels` inputs and
/// `out_channels` outputs with its kernel and groups.
fn weight_shape(c: &ConvLayer, in_channels: usize, out_channels: usize, kernel: [usize; 2]) -> [usize; 4] {
    let g = c.hyper.groups.max(1);
    if c.op.is_transposed() {
        [in_channels, out_channels / g, kernel[0], kernel[1]]
    } else {
        [out_channels, in_channels / g, kernel[0], kernel[1]]
    }
}

/// A convolution's output and input channels and kernel `[kh, kw]`, read
/// off its weight (direct `(F, C/g, KH, KW)`, transposed `(C, F/g, KH, KW)`).
fn conv_sizes(c: &ConvLayer) -> (usize, usize, [usize; 2]) {
    let (a, b, kh, kw) = c.weight.dim();
    let g = c.hyper.groups.max(1);
    if c.op.is_transposed() { (b * g, a, [kh, kw]) } else { (a, b * g, [kh, kw]) }
}

/// Gives `entry`'s weight (and bias) `shape`: a new draw from its seed, or
/// its typed numbers resized.
fn reshape(entry: &mut Entry, shape: [usize; 4]) {
    let Layer::Conv(c) = &mut entry.layer else { return };
    let bias_len = if c.op.is_transposed() { shape[1] * c.hyper.groups.max(1) } else { shape[0] };
    match entry.seed {
        Some(seed) => {
            let (w, b) = seeded(seed, shape, c.bias.is_some().then_some(bias_len));
            c.weight = w;
            c.bias = b;
        }
        None => {
            c.weight = resized4(&c.weight, shape);
            if let Some(b) = &c.bias {
                c.bias = grid::resized(&b.clone().into_dyn(), 0, bias_len, 0.0).into_dimensionality().ok();
            }
        }
    }
}

/// How the state reaches [`Doc::network`]. Every network action comes from
/// the network view (or from "Back to the network", which fetches that view
/// first), so a split build (feature `split`) has the view's chunk hand the
/// reducer over as it loads ([`register`]): the stack's edits and the
/// network's evaluation are then not in the first screen's module.
pub type Reducer = fn(&mut Doc, NetworkAction) -> Said;

handed_over!(Reducer, Doc::network);

impl Doc {
    /// Applies one edit of the stack.
    pub fn network(&mut self, action: NetworkAction) -> Said {
        let dims = self.problem.dims();
        let (c, h, w) = self.problem.input.dim();
        let input = [c, h, w];
        match action {
            NetworkAction::Probe(probe) => {
                // Only a cell that exists (a page's click always is one; a stale one goes).
                self.view.probe = probe.filter(|p| probe_fits(&self.stack, input, *p));
                return Ok(None);
            }
            NetworkAction::Open(k) => return self.open_layer(k),
            NetworkAction::Return => return self.return_to_network(),
            NetworkAction::StepPool(layer) => {
                let fits = |k: usize| pool_geometry(&self.stack, dims, input, k).is_some();
                self.view.pool = layer.filter(|&k| fits(k)).map(|layer| PoolPanel { layer, walk: PoolWalk::Forward });
                self.view.step = 0;
                return Ok(None);
            }
            NetworkAction::PoolWalk(walk) => {
                if let Some(panel) = self.view.pool.as_mut().filter(|p| p.walk != walk) {
                    panel.walk = walk;
                    self.view.step = 0;
                }
                return Ok(None);
            }
            _ => {}
        }
        if let NetworkAction::Paste(pasted) = action {
            return self.paste_stack(pasted);
        }
        let stack = Rc::make_mut(&mut self.stack);
        match action {
            NetworkAction::Add(kind) => {
                if stack.layers.len() >= MAX_LAYERS {
                    return Err(format!("A stack holds at most {MAX_LAYERS} layers in this app."));
                }
                let index = stack.layers.len();
                let shape = shape_before(stack, input, index).ok_or_else(|| {
                    "Fix the marked layer first: a new layer takes the last layer's output.".to_string()
                })?;
                let seed = fresh_seed(stack, index);
                stack.layers.push(default_layer(kind, dims, shape, seed));
            }
            NetworkAction::Remove(k) if k < stack.layers.len() => {
                stack.layers.remove(k);
            }
            NetworkAction::Move { layer, up } => {
                let other = if up { layer.checked_sub(1) } else { Some(layer + 1) };
                match other {
                    Some(o) if o < stack.layers.len() && layer < stack.layers.len() => stack.layers.swap(layer, o),
                    _ => return Ok(None),
                }
            }
            NetworkAction::Edit(k, edit) if k < stack.layers.len() => {
                let shape = shape_before(stack, input, k).unwrap_or(input);
                let seed = fresh_seed(stack, k);
                edit_layer(&mut stack.layers[k], edit, dims, shape, seed)?;
            }
            _ => return Ok(None),
        }
        // Probes of cells that no longer exist go.
        self.view.probe = None;
        Ok(None)
    }

    /// Opens convolution layer `k` (from 0) as the problem: the layer's op,
    /// weight, bias and settings on the output of the layers before it, in
    /// the sliding window (a transposed layer: its own view), with no stack.
    /// The history keeps the network (the caller records the change).
    fn open_layer(&mut self, k: usize) -> Said {
        let dims = self.problem.dims();
        let Some(Layer::Conv(conv)) = self.stack.layers.get(k).map(|e| &e.layer) else {
            return Ok(None);
        };
        // Only the layers before it run: their last output is its input.
        let before = Network {
            dims,
            input: self.problem.input.clone(),
            layers: self.stack.layers[..k].iter().map(|e| e.layer.clone()).collect(),
        };
        let eval = before.evaluate();
        if let Some(e) = eval.error {
            return Err(format!("Layer {} cannot open: layer {} before it cannot take its input.", k + 1, e.layer));
        }
        let input = eval.outputs.last().map(|x| (**x).clone()).unwrap_or_else(|| self.problem.input.clone());
        let (c, h, w) = input.dim();
        let problem = conv.problem(input);
        document::validate(&problem).map_err(|e| format!("Layer {} cannot open on its own: {e}", k + 1))?;
        let view = if problem.op.is_transposed() { View::Transposed } else { View::Forward };
        self.opened = Some(Rc::new(Opened { layer: k, from: self.snapshot() }));
        self.problem = Rc::new(problem);
        self.stack = Rc::new(Stack::default());
        self.view = ViewState { view, step: 0, probe: None, pool: None, ..self.view };
        // The input is a picture only as the network's input itself.
        if k > 0 {
            self.picture = None;
        }
        self.drafts = Default::default();
        let on = if k == 0 { "its input".to_string() } else { format!("layer {k}'s output") };
        Ok(Some(format!(
            "Opened layer {} of the network on {on} {}. \"Back to the network\" takes your edits of its weights \
             back there; undo returns without them.",
            k + 1,
            shape_text([c, h, w], dims)
        )))
    }

    /// Back to the network a layer was opened from: the layer takes the
    /// weight, bias and settings on screen (typed weights from then on, no
    /// longer a seeded fill, if they changed). The input on screen was the
    /// previous layer's output, so its edits stay here. A layer whose
    /// new shapes no longer fit the next one shows that beside it, as any
    /// edit in the network view does.
    fn return_to_network(&mut self) -> Said {
        let Some(opened) = self.opened.clone() else { return Ok(None) };
        let Snapshot { problem, stack, view, picture, opened: outer } = &opened.from;
        let mut layers = (*stack.0).clone();
        let Some(Entry { layer: Layer::Conv(conv), seed }) = layers.layers.get_mut(opened.layer) else {
            return Ok(None);
        };
        if self.problem.op.dims() != conv.op.dims() {
            let name = |d: Dims| if d == Dims::One { "1D" } else { "2D" };
            return Err(format!(
                "The network is {}: {} cannot become a {} operation. Set the operation back to {} first.",
                name(conv.op.dims()),
                opened.words(),
                name(self.problem.op.dims()),
                conv.op.name()
            ));
        }
        let edited = conv.op != self.problem.op
            || conv.weight != self.problem.weight
            || conv.bias != self.problem.bias
            || conv.hyper != self.problem.hyper;
        if edited {
            conv.op = self.problem.op;
            conv.weight = self.problem.weight.clone();
            conv.bias = self.problem.bias.clone();
            conv.hyper = self.problem.hyper;
            *seed = None;
        }
        self.problem = problem.0.clone();
        self.stack = Rc::new(layers);
        self.view = ViewState { present: self.view.present, ..*view };
        self.picture = *picture;
        self.opened = outer.clone();
        self.drafts = Default::default();
        let what = opened.words();
        Ok(Some(if edited {
            format!(
                "Back in the network: {what} takes the weights and settings you edited, and every layer after it is recomputed."
            )
        } else {
            format!("Back in the network: {what} is as it was.")
        }))
    }

    /// Replaces the stack with a pasted `Sequential`, in one step: a stack
    /// larger than the app draws changes nothing (what cannot be read never
    /// gets here: the view names it beside the text).
    fn paste_stack(&mut self, pasted: Pasted) -> Said {
        let dims = self.problem.dims();
        let (c, h, w) = self.problem.input.dim();
        let channels = pasted.in_channels.unwrap_or(c);
        let stack = Stack { layers: pasted.layers };
        fits_caps(&stack, dims, [channels, h, w])
            .map_err(|e| format!("The Sequential does not fit: {}.", e.message))?;
        let n = stack.layers.len();
        self.stack = Rc::new(stack);
        self.view.probe = None;
        if channels == c {
            return Ok(Some(format!("Built {n} layers from the Sequential, with seeded weights.")));
        }
        // The first convolution's in_channels decides the input's: new channels are 0, kept ones stay.
        editing::resize(self.problem_mut(), Size::Channels, channels);
        Ok(Some(format!(
            "Built {n} layers from the Sequential, with seeded weights. The input now has {channels} channels, \
             the first convolution's in_channels{}.",
            if channels > c { " (the new ones are 0: type or fill them)" } else { "" }
        )))
    }

    /// After any change of the input or the stack: seeded convolutions take
    /// the channels their input has now (typed weights keep theirs).
    pub fn reconcile_stack(&mut self) {
        let (c, h, w) = self.problem.input.dim();
        // A probe of a cell the input or stack no longer has goes.
        if self.view.probe.is_some_and(|p| !probe_fits(&self.stack, [c, h, w], p)) {
            self.view.probe = None;
        }
        // So does the pooling panel of a layer that is no longer a pooling layer taking its input.
        let dims = self.problem.dims();
        if self.view.pool.is_some_and(|p| pool_geometry(&self.stack, dims, [c, h, w], p.layer).is_none()) {
            self.view.pool = None;
        }
        let mut shape = [c, h, w];
        let mut changes = Vec::new();
        for (k, entry) in self.stack.layers.iter().enumerate() {
            if let (Layer::Conv(conv), Some(_)) = (&entry.layer, entry.seed) {
                let (out, _, kernel) = conv_sizes(conv);
                let want = weight_shape(conv, shape[0], out, kernel);
                let (a, b, kh, kw) = conv.weight.dim();
                if want != [a, b, kh, kw] && shape[0] % conv.hyper.groups.max(1) == 0 {
                    changes.push((k, want));
                }
            }
            let mut next = entry.clone();
            if let Some(&(_, want)) = changes.last().filter(|(i, _)| *i == k) {
                reshape(&mut next, want);
            }
            match next.layer.output_shape(shape) {
                Ok(s) => shape = s,
                Err(_) => break,
            }
        }
        if changes.is_empty() {
            return;
        }
        let stack = Rc::make_mut(&mut self.stack);
        for (k, want) in changes {
            reshape(&mut stack.layers[k], want);
        }
    }
}

/// Applies `edit` to `entry`, a layer on an input of `shape`.
fn edit_layer(entry: &mut Entry, edit: LayerEdit, dims: Dims, shape: [usize; 3], seed: u64) -> Result<(), String> {
    let capped = |v: usize, cap: usize, what: &str| {
        if v > cap { Err(format!("{what} is capped at {cap} in this app.")) } else { Ok(v) }
    };
    if let LayerEdit::Kind(kind) = edit {
        if kind != LayerKind::of(&entry.layer) {
            *entry = default_layer(kind, dims, shape, entry.seed.unwrap_or(seed));
        }
        return Ok(());
    }
    match &mut entry.layer {
        Layer::Conv(c) => {
            let (out, _, mut kernel) = conv_sizes(c);
            let mut out = out;
            match edit {
                LayerEdit::OutChannels(n) => out = capped(n.max(1), limits::CHANNELS, "Channels")?,
                LayerEdit::Kernel(a, n) => {
                    put(&mut kernel, a, capped(n.max(1), limits::KERNEL, "The kernel size")?, dims)
                }
                LayerEdit::Stride(a, n) => {
                    put(&mut c.hyper.stride, a, capped(n.max(1), limits::HYPER, "Stride")?, dims)
                }
                LayerEdit::Padding(a, n) => {
                    put(&mut c.hyper.padding, a, capped(n, limits::HYPER, "Padding")?, dims);
                    // A number stepped in replaces "same"/"valid".
                    c.hyper.padding_rule = crate::conv::PaddingRule::Explicit;
                }
                LayerEdit::Dilation(a, n) => {
                    put(&mut c.hyper.dilation, a, capped(n.max(1), limits::HYPER, "Dilation")?, dims);
                }
                LayerEdit::OutputPadding(a, n) => {
                    put(&mut c.hyper.output_padding, a, capped(n, limits::HYPER, "output_padding")?, dims);
                }
                LayerEdit::Groups(n) => c.hyper.groups = capped(n.max(1), limits::CHANNELS, "groups")?,
                LayerEdit::PaddingMode(m) => c.hyper.padding_mode = m,
                LayerEdit::Bias(on) => {
                    let len = if c.op.is_transposed() { out } else { c.weight.dim().0 };
                    c.bias = on.then(|| match entry.seed {
                        Some(s) => seeded(s, weight_shape(c, shape[0], out, kernel), Some(len)).1.unwrap_or_default(),
                        None => Array1::zeros(len),
                    });
                }
                LayerEdit::Seed(s) => entry.seed = Some(s),
                _ => return Ok(()),
            }
            let Layer::Conv(c) = &entry.layer else { return Ok(()) };
            let want = weight_shape(c, shape[0], out, kernel);
            if matches!(edit, LayerEdit::Seed(_))
                || want != {
                    let (a, b, kh, kw) = c.weight.dim();
                    [a, b, kh, kw]
                }
            {
                reshape(entry, want);
            }
        }
        Layer::Pool(p) => match edit {
            LayerEdit::Kernel(a, n) => {
                let n = capped(n.max(1), limits::KERNEL, "The kernel size")?;
                // PyTorch's default stride is the kernel: keep them together while they agree.
                let follows = p.stride == p.kernel;
                put(&mut p.kernel, a, n, dims);
                if follows {
                    p.stride = p.kernel;
                }
            }
            LayerEdit::Stride(a, n) => put(&mut p.stride, a, capped(n.max(1), limits::HYPER, "Stride")?, dims),
            LayerEdit::Padding(a, n) => put(&mut p.padding, a, capped(n, limits::HYPER, "Padding")?, dims),
            LayerEdit::Dilation(a, n) if p.kind == PoolKind::Max => {
                put(&mut p.dilation, a, capped(n.max(1), limits::HYPER, "Dilation")?, dims);
            }
            LayerEdit::CeilMode(on) => p.ceil_mode = on,
            LayerEdit::CountIncludePad(on) if p.kind == PoolKind::Avg => p.count_include_pad = on,
            _ => {}
        },
        Layer::Pad(p) => match edit {
            LayerEdit::PadSide(side, n) if side < 4 && (dims == Dims::Two || side < 2) => {
                p.amounts[side] = capped(n, limits::HYPER, "Padding")?;
            }
            LayerEdit::PaddingMode(m) => p.mode = m,
            _ => {}
        },
        Layer::Relu => {}
    }
    Ok(())
}
