//! The app's one state: the configuration document plus what only the UI
//! needs (cells being typed, the player, the cell under the pointer).
//! Every change is an [`Action`]; [`State::apply`] is pure and tested natively.

use std::collections::BTreeMap;
use std::rc::Rc;

use ndarray::{Array1, ArrayD, IxDyn};
use yew::Reducible;

use crate::conv::{Config, ConfigError, Dims, Op, PaddingMode, View, config::limits};
use crate::grid::{self, Grid, Tensor};
use crate::input_text::{parse_block, parse_number};
use crate::presets;

/// Player speeds, steps per second.
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];

// The explanation and gradient in focus are part of the document (a link
// reopens them); re-exported here for the components.
pub use crate::conv::config::{Explain, GradFocus};

/// Which per-axis parameter a control sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerAxisParam {
    Stride,
    Padding,
    Dilation,
    OutputPadding,
}

/// A size a stepper changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Input channels `C`.
    Channels,
    /// Output channels `F`.
    Filters,
    /// Input height / width.
    Height,
    Width,
    /// Kernel height / width.
    KernelHeight,
    KernelWidth,
}

/// What "fill" writes into a tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    Zeros,
    Ones,
    /// Integers in -3..=3 from this seed (the UI draws the seed, so the reducer stays pure).
    Random(u64),
    /// A classic 3x3 kernel (preset id), written into every kernel slice.
    Kernel(&'static str),
}

/// Player moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    First,
    Prev,
    Next,
    Last,
    To(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Text typed into a cell (kept as typed until the cell loses focus).
    Edit {
        tensor: Tensor,
        index: Vec<usize>,
        text: String,
    },
    /// The cell lost focus: a valid draft is replaced by the number's own text.
    Commit {
        tensor: Tensor,
        index: Vec<usize>,
    },
    /// A block pasted at a grid cell.
    Paste {
        grid: Grid,
        at: (usize, usize),
        text: String,
    },
    Resize(Size, usize),
    Fill(Tensor, Fill),
    SetOp(Op),
    SetDims(Dims),
    SetPerAxis(PerAxisParam, usize, usize),
    SetGroups(usize),
    SetPaddingMode(PaddingMode),
    SetFlip(bool),
    SetBias(bool),
    SetView(View),
    SetExplain(Explain),
    SetGradFocus(GradFocus),
    Step(Move),
    TogglePlay,
    /// Timer tick while playing.
    Tick,
    SetSpeed(f64),
    /// Input cell under the pointer (`[c, i, j]`), or none.
    Probe(Option<[usize; 3]>),
    /// Output cell selected for its overlap list (transposed view).
    Select(Option<[usize; 3]>),
    LoadPreset(String),
    /// A document from a link or an import: valid, or its error shown as an alert.
    Load(Box<Result<Config, ConfigError>>),
    DismissAlert,
}

/// A cell whose text is being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub text: String,
    /// Why the text is not a number (`None`: it is one).
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub config: Config,
    /// Cells being typed, by tensor and stored index.
    pub drafts: BTreeMap<(Tensor, Vec<usize>), Draft>,
    /// A message for the whole page (bad link, bad paste), shown with role="alert".
    pub alert: Option<String>,
    pub playing: bool,
    /// Steps per second.
    pub speed: f64,
    pub probe: Option<[usize; 3]>,
    pub selected: Option<[usize; 3]>,
}

impl Default for State {
    fn default() -> Self {
        State {
            config: Config::default(),
            drafts: BTreeMap::new(),
            alert: None,
            playing: false,
            speed: 2.0,
            probe: None,
            selected: None,
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

/// Small deterministic generator for "random integers" fills.
fn random_ints(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            // xorshift64*
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            let r = s.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
            (r % 7) as f64 - 3.0
        })
        .collect()
}

impl State {
    /// A state showing `config`.
    pub fn with_config(config: Config) -> State {
        State { config, ..State::default() }
    }

    /// Number of player steps in the current view, 0 when the problem is invalid.
    pub fn step_count(&self) -> usize {
        let c = &self.config;
        let Ok([f, oh, ow]) = c.output_shape() else {
            return 0;
        };
        match c.view {
            View::Transposed if c.op.is_transposed() => c.input.len(),
            View::Backprop if !c.op.is_transposed() => match c.gradient {
                GradFocus::Input => c.input.len(),
                GradFocus::Weight => c.weight.len(),
                GradFocus::Bias => f,
            },
            _ => f * oh * ow,
        }
    }

    fn clamp_step(&mut self) {
        let count = self.step_count();
        self.config.step = self.config.step.min(count.saturating_sub(1));
        if count == 0 {
            self.playing = false;
        }
    }

    fn tensor_values(&self, tensor: Tensor) -> Option<ArrayD<f64>> {
        grid::values(&self.config, tensor)
    }

    fn store(&mut self, tensor: Tensor, array: ArrayD<f64>) {
        let c = &mut self.config;
        match tensor {
            Tensor::Input => {
                if let Ok(a) = array.into_dimensionality() {
                    c.input = a;
                }
            }
            Tensor::Weight => {
                if let Ok(a) = array.into_dimensionality() {
                    c.weight = a;
                }
            }
            Tensor::Bias => c.bias = array.into_dimensionality::<ndarray::Ix1>().ok(),
            Tensor::GradOutput => c.grad_output = array.into_dimensionality().ok(),
        }
    }

    /// After any change of shapes: bias follows the output channels, a custom
    /// grad_output follows the output shape, drafts outside the tensors go,
    /// the step stays in range.
    fn reconcile(&mut self) {
        if let Ok([f, oh, ow]) = self.config.output_shape() {
            if let Some(b) = &self.config.bias
                && b.len() != f
            {
                let resized = grid::resized(&b.clone().into_dyn(), 0, f, 0.0);
                self.store(Tensor::Bias, resized);
            }
            if let Some(g) = &self.config.grad_output
                && g.dim() != (f, oh, ow)
            {
                let mut a = g.clone().into_dyn();
                for (axis, len) in [f, oh, ow].into_iter().enumerate() {
                    a = grid::resized(&a, axis, len, 1.0);
                }
                self.store(Tensor::GradOutput, a);
            }
        }
        if self.config.op.is_transposed() {
            self.config.grad_output = None;
        }
        // Cells picked before a resize may no longer exist.
        if let Ok([f, oh, ow]) = self.config.output_shape()
            && self.selected.is_some_and(|[a, b, c]| a >= f || b >= oh || c >= ow)
        {
            self.selected = None;
        }
        let (c, h, w) = self.config.input.dim();
        if self.probe.is_some_and(|[a, b, d]| a >= c || b >= h || d >= w) {
            self.probe = None;
        }
        let config = &self.config;
        self.drafts
            .retain(|(tensor, index), _| grid::values(config, *tensor).is_some_and(|v| v.get(IxDyn(index)).is_some()));
        self.clamp_step();
    }

    /// Applies one action. Bad input never panics and never loses work: it
    /// is kept as a draft or reported, and the configuration stays as it was.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Edit { tensor, index, text } => {
                let parsed = parse_number(&text);
                if let Ok(v) = parsed
                    && let Some(mut values) = self.tensor_values(tensor)
                    && let Some(cell) = values.get_mut(IxDyn(&index))
                {
                    *cell = v;
                    self.store(tensor, values);
                }
                self.drafts.insert((tensor, index), Draft { text, error: parsed.err() });
            }
            Action::Commit { tensor, index } => {
                if self.drafts.get(&(tensor, index.clone())).is_some_and(|d| d.error.is_none()) {
                    self.drafts.remove(&(tensor, index));
                }
            }
            Action::Paste { grid, at, text } => self.paste(&grid, at, &text),
            Action::Resize(size, len) => self.resize(size, len),
            Action::Fill(tensor, fill) => self.fill(tensor, fill),
            Action::SetOp(op) => self.set_op(op),
            Action::SetDims(dims) => self.set_dims(dims),
            Action::SetPerAxis(param, axis, value) => {
                let value = value.min(limits::HYPER);
                let c = &mut self.config;
                let slot = match param {
                    PerAxisParam::Stride => &mut c.stride,
                    PerAxisParam::Padding => &mut c.padding,
                    PerAxisParam::Dilation => &mut c.dilation,
                    PerAxisParam::OutputPadding => &mut c.output_padding,
                };
                // 1D problems keep their height axis inert (the document has no place for it).
                // output_padding exists only for transposed convolutions.
                let one_d = c.op.dims() == Dims::One;
                let applies = param != PerAxisParam::OutputPadding || c.op.is_transposed();
                if applies && (axis == 1 || (axis == 0 && !one_d)) {
                    slot[axis] = value;
                }
            }
            Action::SetGroups(groups) => {
                self.config.groups = groups.clamp(1, limits::CHANNELS);
                self.follow_channels();
            }
            Action::SetPaddingMode(mode) => {
                if !self.config.op.is_transposed() {
                    self.config.padding_mode = mode;
                }
            }
            Action::SetFlip(flip) => self.config.flip = flip && !self.config.op.is_transposed(),
            Action::SetBias(on) => {
                let f = self.config.output_shape().map_or(1, |s| s[0]);
                self.config.bias = on.then(|| Array1::zeros(f));
            }
            Action::SetView(view) => self.set_view(view),
            Action::SetExplain(e) => self.config.explain = e,
            Action::SetGradFocus(g) => {
                self.config.gradient = g;
                self.config.step = 0;
            }
            Action::Step(m) => {
                let last = self.step_count().saturating_sub(1);
                let step = self.config.step;
                self.config.step = match m {
                    Move::First => 0,
                    Move::Prev => step.saturating_sub(1),
                    Move::Next => (step + 1).min(last),
                    Move::Last => last,
                    Move::To(s) => s.min(last),
                };
                if matches!(m, Move::Prev | Move::First | Move::To(_)) {
                    self.playing = false;
                }
            }
            Action::TogglePlay => {
                let last = self.step_count().saturating_sub(1);
                self.playing = !self.playing && self.step_count() > 0;
                if self.playing && self.config.step >= last {
                    self.config.step = 0;
                }
            }
            Action::Tick => {
                if self.playing {
                    let last = self.step_count().saturating_sub(1);
                    if self.config.step >= last {
                        self.playing = false;
                    } else {
                        self.config.step += 1;
                    }
                }
            }
            Action::SetSpeed(s) => {
                if s.is_finite() && s > 0.0 {
                    self.speed = s;
                }
            }
            Action::Probe(p) => self.probe = p,
            Action::Select(s) => self.selected = s,
            Action::LoadPreset(id) => match presets::config(&id) {
                Some(Ok(config)) => self.load(config),
                Some(Err(e)) => self.alert = Some(format!("preset {id}: {e}")),
                None => self.alert = Some(format!("no preset named {id}")),
            },
            Action::Load(loaded) => match *loaded {
                Ok(config) => self.load(config),
                Err(e) => self.alert = Some(format!("This link's configuration could not be opened: {e}")),
            },
            Action::DismissAlert => self.alert = None,
        }
        self.reconcile();
    }

    fn load(&mut self, config: Config) {
        let step = config.step;
        *self = State { speed: self.speed, ..State::with_config(config) };
        // A hand-written link may name a view the operation does not have
        // (the default "forward" for a transposed convolution): show the op's own.
        let c = &mut self.config;
        match (c.op.is_transposed(), c.view) {
            (true, View::Forward | View::Im2col | View::Backprop | View::Image | View::Export) => {
                c.view = View::Transposed
            }
            (false, View::Transposed) => c.view = View::Forward,
            _ => {}
        }
        self.config.step = step;
    }

    fn set_view(&mut self, view: View) {
        let op = self.config.op;
        match view {
            View::Transposed if !op.is_transposed() => self.set_op(op.transposed()),
            View::Forward | View::Im2col | View::Backprop | View::Image | View::Export if op.is_transposed() => {
                let op = self.config.op.conv();
                self.set_op(op);
            }
            _ => {}
        }
        if self.config.view != view {
            self.config.view = view;
            self.config.step = 0;
            self.selected = None;
        }
    }

    fn set_op(&mut self, op: Op) {
        let old = self.config.op;
        if op.dims() != old.dims() {
            self.set_dims(op.dims());
        }
        let c = &mut self.config;
        if op.is_transposed() != old.is_transposed() {
            // Conv weight (F, C/g, KH, KW) and transposed weight (C, F/g, KH, KW):
            // swap the channel axes (with one group they are exactly F and C).
            c.groups = 1;
            let w = c.weight.clone().permuted_axes([1, 0, 2, 3]).as_standard_layout().to_owned();
            c.weight = w;
            c.padding_mode = PaddingMode::Zeros;
            c.flip = false;
            c.output_padding = [0, 0];
            if op.is_transposed() {
                // A transposed convolution's input is usually small: keep it as typed.
                c.view = View::Transposed;
            } else if c.view == View::Transposed {
                c.view = View::Forward;
            }
            c.step = 0;
            self.follow_channels();
        }
        self.config.op = op;
    }

    fn set_dims(&mut self, dims: Dims) {
        let c = &mut self.config;
        if c.dims() == dims {
            return;
        }
        c.op = c.op.with_dims(dims);
        if dims == Dims::One {
            // Keep the first row of every tensor; the height axis becomes size 1.
            c.input = grid::resized(&c.input.clone().into_dyn(), 1, 1, 0.0).into_dimensionality().unwrap_or_default();
            c.weight = grid::resized(&c.weight.clone().into_dyn(), 2, 1, 0.0).into_dimensionality().unwrap_or_default();
            c.stride[0] = 1;
            c.dilation[0] = 1;
            c.padding[0] = 0;
            c.output_padding[0] = 0;
            c.grad_output = None;
        }
        c.step = 0;
    }

    /// Keeps the weight's per-group channel axis consistent with the input.
    fn follow_channels(&mut self) {
        let c = &mut self.config;
        let channels = c.input.dim().0;
        let groups = c.groups.max(1);
        let w = c.weight.clone().into_dyn();
        let w = if c.op.is_transposed() {
            grid::resized(&w, 0, channels, 0.0)
        } else if channels.is_multiple_of(groups) {
            grid::resized(&w, 1, channels / groups, 0.0)
        } else {
            w
        };
        if let Ok(w) = w.into_dimensionality() {
            c.weight = w;
        }
    }

    fn resize(&mut self, size: Size, len: usize) {
        let max = match size {
            Size::Channels | Size::Filters => limits::CHANNELS,
            Size::Height | Size::Width => limits::SPATIAL,
            Size::KernelHeight | Size::KernelWidth => limits::KERNEL,
        };
        let len = len.clamp(1, max);
        let one_d = self.config.dims() == Dims::One;
        let c = &mut self.config;
        match size {
            Size::Channels => {
                c.input =
                    grid::resized(&c.input.clone().into_dyn(), 0, len, 0.0).into_dimensionality().unwrap_or_default();
                self.follow_channels();
            }
            Size::Filters => {
                // Conv: weight axis 0 is F. Transposed: axis 1 is F/groups.
                let (axis, per) = if c.op.is_transposed() { (1, len.div_ceil(c.groups.max(1))) } else { (0, len) };
                c.weight = grid::resized(&c.weight.clone().into_dyn(), axis, per, 0.0)
                    .into_dimensionality()
                    .unwrap_or_default();
            }
            Size::Height if !one_d => {
                c.input =
                    grid::resized(&c.input.clone().into_dyn(), 1, len, 0.0).into_dimensionality().unwrap_or_default();
            }
            Size::Width => {
                c.input =
                    grid::resized(&c.input.clone().into_dyn(), 2, len, 0.0).into_dimensionality().unwrap_or_default();
            }
            Size::KernelHeight if !one_d => {
                c.weight =
                    grid::resized(&c.weight.clone().into_dyn(), 2, len, 0.0).into_dimensionality().unwrap_or_default();
            }
            Size::KernelWidth => {
                c.weight =
                    grid::resized(&c.weight.clone().into_dyn(), 3, len, 0.0).into_dimensionality().unwrap_or_default();
            }
            Size::Height | Size::KernelHeight => {}
        }
    }

    fn fill(&mut self, tensor: Tensor, fill: Fill) {
        if let Fill::Kernel(id) = fill {
            let Some(k) = presets::classic_kernel(id) else {
                return;
            };
            let c = &mut self.config;
            if c.dims() == Dims::One {
                self.alert = Some("classic kernels are 3x3: switch to 2D first".into());
                return;
            }
            let (a, b, _, _) = c.weight.dim();
            c.weight = ndarray::Array4::from_shape_fn((a, b, 3, 3), |(_, _, i, j)| k[i][j]);
            self.drafts.retain(|(t, _), _| *t != Tensor::Weight);
            return;
        }
        let Some(values) = self.tensor_values(tensor) else {
            return;
        };
        let n = values.len();
        let new_values: Vec<f64> = match fill {
            Fill::Zeros => vec![0.0; n],
            Fill::Ones => vec![1.0; n],
            Fill::Random(seed) => random_ints(seed, n),
            Fill::Kernel(_) => return,
        };
        if let Ok(a) = ArrayD::from_shape_vec(values.raw_dim(), new_values) {
            self.store(tensor, a);
            self.drafts.retain(|(t, _), _| *t != tensor);
        }
    }

    fn paste(&mut self, grid: &Grid, at: (usize, usize), text: &str) {
        let block = match parse_block(text) {
            Ok(b) => b,
            Err(e) => {
                self.alert = Some(format!("Could not paste into {}: {e}", grid.tensor.name()));
                return;
            }
        };
        if grid.row_axis.is_none() && (block.rows() > 1 || block.channels() > 1) {
            self.alert = Some(format!("{} is a single row: paste one row of numbers", grid.tensor.name()));
            return;
        }
        let Some(mut values) = self.tensor_values(grid.tensor) else {
            return;
        };
        // A 3-level block pasted into a 2D input replaces its channels.
        let (channels, rows, cols) = (block.channels(), block.rows(), block.cols());
        let channel_axis =
            (grid.tensor == Tensor::Input && self.config.dims() == Dims::Two && channels > 1).then_some(0);
        let need_rows = at.0 + rows;
        let need_cols = at.1 + cols;
        let limit = |axis: usize| match (grid.tensor, axis) {
            (Tensor::Weight, 2 | 3) => limits::KERNEL,
            (_, 0) | (Tensor::Weight, 1) => limits::CHANNELS,
            _ => limits::SPATIAL,
        };
        if let Some(axis) = grid.row_axis
            && need_rows > values.shape()[axis]
        {
            if need_rows > limit(axis) || grid.tensor == Tensor::GradOutput {
                self.alert = Some(format!("the pasted block has {rows} rows, more than fit here"));
                return;
            }
            values = grid::resized(&values, axis, need_rows, 0.0);
        }
        if need_cols > values.shape()[grid.col_axis] {
            if need_cols > limit(grid.col_axis) || grid.tensor == Tensor::GradOutput || grid.tensor == Tensor::Bias {
                self.alert = Some(format!("the pasted block has {cols} columns, more than fit here"));
                return;
            }
            values = grid::resized(&values, grid.col_axis, need_cols, 0.0);
        }
        if let Some(axis) = channel_axis {
            if channels > limits::CHANNELS {
                self.alert = Some(format!("the pasted block has {channels} channels, more than {}", limits::CHANNELS));
                return;
            }
            values = grid::resized(&values, axis, channels, 0.0);
        }
        for (k, matrix) in block.values.iter().enumerate() {
            let mut base = grid.clone();
            if channel_axis.is_some() {
                base.base[0] = k;
            } else if k > 0 {
                break;
            }
            for (r, row) in matrix.iter().enumerate() {
                for (col, v) in row.iter().enumerate() {
                    let idx = base.index(at.0 + r, at.1 + col);
                    if let Some(cell) = values.get_mut(IxDyn(&idx)) {
                        *cell = *v;
                    }
                }
            }
        }
        self.store(grid.tensor, values);
        self.drafts.retain(|(t, _), _| *t != grid.tensor);
        if grid.tensor == Tensor::Input {
            self.follow_channels();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn state() -> State {
        State::default()
    }

    #[test]
    fn typing_a_bad_number_keeps_everything_else() {
        let mut s = state();
        let before = s.config.clone();
        s.apply(Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: "abc".into() });
        assert_eq!(s.config, before);
        let draft = &s.drafts[&(Tensor::Input, vec![0, 0, 0])];
        assert_eq!(draft.error.as_deref(), Some("“abc” is not a number"));
        s.apply(Action::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
        assert!(s.drafts.contains_key(&(Tensor::Input, vec![0, 0, 0])), "an invalid draft stays");
        s.apply(Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: "7".into() });
        assert_eq!(s.config.input[[0, 0, 0]], 7.0);
        s.apply(Action::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
        assert!(s.drafts.is_empty());
    }

    #[test]
    fn paste_grows_the_matrix() {
        let mut s = state();
        let grid = grid::grids(&s.config, Tensor::Weight).remove(0);
        s.apply(Action::Paste { grid, at: (0, 0), text: "[[1, 2, 3, 4], [5, 6, 7, 8]]".into() });
        assert_eq!(s.config.weight.dim(), (1, 1, 3, 4));
        assert_eq!(s.config.weight[[0, 0, 1, 3]], 8.0);
        assert_eq!(s.config.weight[[0, 0, 2, 0]], -3.0, "cells outside the block keep their values");
        let grid = grid::grids(&s.config, Tensor::Input).remove(0);
        s.apply(Action::Paste { grid, at: (0, 0), text: "1 x".into() });
        assert!(s.alert.as_deref().is_some_and(|a| a.contains("not a number")));
    }

    #[test]
    fn player_moves_and_stops_at_the_end() {
        let mut s = state();
        assert_eq!(s.step_count(), 9);
        s.apply(Action::Step(Move::Last));
        assert_eq!(s.config.step, 8);
        s.apply(Action::Step(Move::Next));
        assert_eq!(s.config.step, 8);
        s.apply(Action::TogglePlay);
        assert!(s.playing);
        assert_eq!(s.config.step, 0, "play from the end starts over");
        for _ in 0..20 {
            s.apply(Action::Tick);
        }
        assert_eq!(s.config.step, 8);
        assert!(!s.playing);
    }

    #[test]
    fn channels_and_groups_stay_consistent() {
        let mut s = state();
        s.apply(Action::Resize(Size::Channels, 4));
        assert_eq!(s.config.weight.dim(), (1, 4, 3, 3));
        s.apply(Action::Resize(Size::Filters, 2));
        s.apply(Action::SetGroups(2));
        assert_eq!(s.config.weight.dim(), (2, 2, 3, 3));
        assert!(s.config.output_shape().is_ok());
        s.apply(Action::SetBias(true));
        assert_eq!(s.config.bias, Some(array![0., 0.]));
        s.apply(Action::Resize(Size::Filters, 4));
        assert_eq!(s.config.bias.as_ref().map(|b| b.len()), Some(4));
    }

    #[test]
    fn switching_ops_keeps_the_kernel() {
        let mut s = state();
        s.apply(Action::SetView(View::Transposed));
        assert_eq!(s.config.op, Op::ConvTranspose2d);
        assert_eq!(s.config.view, View::Transposed);
        assert_eq!(s.step_count(), 25);
        s.apply(Action::SetView(View::Forward));
        assert_eq!(s.config.op, Op::Conv2d);
        assert_eq!(s.config, Config::default());
        s.apply(Action::SetDims(Dims::One));
        assert_eq!(s.config.input.dim(), (1, 1, 5));
        assert_eq!(s.config.op, Op::Conv1d);
    }

    #[test]
    fn impossible_parameters_are_kept_not_refused() {
        let mut s = state();
        s.apply(Action::SetPerAxis(PerAxisParam::Dilation, 0, 3));
        // Kernel 3x3 with dilation 3 spans 7 rows: larger than the 5x5 input.
        assert!(s.config.output_shape().is_err());
        assert_eq!(s.step_count(), 0);
        s.apply(Action::SetPerAxis(PerAxisParam::Padding, 0, 1));
        assert!(s.config.output_shape().is_ok());
    }

    #[test]
    fn presets_and_bad_links() {
        let mut s = state();
        s.apply(Action::LoadPreset("seed-transpose-1d".into()));
        assert_eq!(s.config.op, Op::ConvTranspose1d);
        assert_eq!(s.config.view, View::Transposed);
        s.apply(Action::Load(Box::new(Config::parse("{"))));
        assert!(s.alert.is_some());
        assert_eq!(s.config.op, Op::ConvTranspose1d, "a bad link changes nothing");
        // A link that names no view opens the operation's own view.
        s.apply(Action::Load(Box::new(Config::parse(r#"{"op":"conv_transpose2d","input":[[1]],"weight":[[1]]}"#))));
        assert_eq!(s.config.view, View::Transposed);
        s.apply(Action::Load(Box::new(Config::parse(r#"{"input":[[1]],"weight":[[1]],"view":"transposed"}"#))));
        assert_eq!(s.config.view, View::Forward);
    }
}
