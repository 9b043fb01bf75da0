//! The document on screen (the problem, the view it is shown in, the picture
//! it came from) and the edits of its problem: typing, pasting, resizing,
//! filling, and the parameters. Bad input never panics and never loses
//! work: it is kept as a draft or reported, and the problem stays as it was.

use std::rc::Rc;

use ndarray::{Array1, IxDyn};

use crate::conv::{Dims, Op, PaddingMode, PaddingRule, Problem};
use crate::model::document::{Document, PictureRef, limits};
use crate::model::editing::{self, Fill, Size};
use crate::model::grid::{self, Grid, Tensor};
use crate::model::input_text::parse_number;
use crate::model::view_state::{View, ViewState};

use super::drafts::{Draft, Drafts};
use super::history::Snapshot;
use super::network::Opened;
use crate::model::network::Stack;
use crate::model::results::Shared;

/// Which per-axis parameter a control sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerAxisParam {
    Stride,
    Padding,
    Dilation,
    OutputPadding,
}

/// The document on screen, and the cells being typed into its problem.
#[derive(Debug, Clone)]
pub struct Doc {
    /// What the learner set. Shared (`Rc`) so the views and the memo hold it
    /// without copying its tensors on every step; compared by identity.
    pub problem: Rc<Problem>,
    /// The network view's layers on the problem's input, and its probed
    /// cell (shared and compared by identity, as the problem).
    pub stack: Rc<Stack>,
    /// What the learner looks at.
    pub view: ViewState,
    /// The picture the input is, if it is one (document keys `image`, `greyscale`).
    pub picture: Option<PictureRef>,
    /// Cells being typed, by tensor and stored index.
    pub drafts: Drafts,
    /// The example on screen (a preset id), until the learner changes its problem.
    pub example: Option<&'static str>,
    /// A link that could not be opened: the address bar keeps it, so its
    /// author can fix it, until the learner changes something.
    pub held_link: bool,
    /// Opened from a link or a file and not edited since: only looked at, so
    /// this browser's storage keeps the learner's own problem instead.
    pub shared: bool,
    /// The network the layer on screen was opened from, to write the
    /// edited weights back into ([`super::NetworkAction::Return`]).
    pub opened: Option<Rc<Opened>>,
}

impl PartialEq for Doc {
    /// The problem by identity: every change of it makes a new one, and
    /// comparing tensors by value on every step would cost more than the step.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.problem, &other.problem)
            && Rc::ptr_eq(&self.stack, &other.stack)
            && (self.view, self.picture, self.example, self.held_link, self.shared)
                == (other.view, other.picture, other.example, other.held_link, other.shared)
            && self.drafts == other.drafts
    }
}

impl Default for Doc {
    /// The default example, named as such (the menu shows it).
    fn default() -> Self {
        Doc { example: Some(crate::model::presets::DEFAULT), ..Doc::from(Document::default()) }
    }
}

impl From<Document> for Doc {
    fn from(document: Document) -> Self {
        Doc {
            problem: Rc::new(document.problem),
            stack: Rc::new(document.stack),
            view: document.view,
            picture: document.picture,
            drafts: Drafts::default(),
            example: None,
            held_link: false,
            shared: false,
            opened: None,
        }
    }
}

/// Edits of the problem.
#[derive(Debug, Clone, PartialEq)]
pub enum EditAction {
    /// Text typed into a cell (kept as typed until the cell loses focus).
    Type {
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
    /// `padding='same'`/`'valid'`, or back to the numbers (direct convolutions only).
    SetPaddingRule(PaddingRule),
    SetFlip(bool),
    SetBias(bool),
}

/// What an edit says to the learner: a line of what it did, or why it could not.
pub type Said = Result<Option<String>, String>;

impl Doc {
    /// The document this shows (what a link or the storage keeps).
    pub fn document(&self) -> Document {
        self.snapshot().document()
    }

    /// What is on screen, shared (a pointer per tensor): for undo, storage, the address bar.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            problem: Shared(self.problem.clone()),
            stack: Shared(self.stack.clone()),
            view: self.view,
            picture: self.picture,
            opened: self.opened.clone(),
        }
    }

    /// The problem, to change (copied only if a view still holds it).
    pub fn problem_mut(&mut self) -> &mut Problem {
        Rc::make_mut(&mut self.problem)
    }

    /// Applies one edit.
    pub fn edit(&mut self, action: EditAction) -> Said {
        match action {
            EditAction::Type { tensor, index, text } => {
                let parsed = parse_number(&text);
                if let Ok(v) = parsed
                    && let Some(mut values) = grid::values(&self.problem, tensor)
                    && let Some(cell) = values.get_mut(IxDyn(&index))
                {
                    *cell = v;
                    editing::store(self.problem_mut(), tensor, values);
                }
                self.drafts.insert((tensor, index), Draft { text, error: parsed.err() });
            }
            EditAction::Commit { tensor, index } => {
                let key = (tensor, index);
                if self.drafts.get(&key).is_some_and(|d| d.error.is_none()) {
                    self.drafts.remove(&key);
                }
            }
            EditAction::Paste { grid, at, text } => {
                // On a copy: a paste that cannot fit changes nothing.
                let mut problem = (*self.problem).clone();
                let line = editing::paste(&mut problem, &grid, at, &text)?;
                self.problem = Rc::new(problem);
                self.drafts.forget(grid.tensor);
                return Ok(Some(line));
            }
            EditAction::Resize(size, len) => editing::resize(self.problem_mut(), size, len),
            EditAction::Fill(tensor, fill) => {
                editing::fill(self.problem_mut(), tensor, fill)?;
                self.drafts.forget(if matches!(fill, Fill::Kernel(_)) { Tensor::Weight } else { tensor });
            }
            EditAction::SetOp(op) => self.set_op(op),
            EditAction::SetDims(dims) => self.set_dims(dims),
            EditAction::SetPerAxis(param, axis, value) => self.set_per_axis(param, axis, value),
            EditAction::SetGroups(groups) => {
                let p = self.problem_mut();
                p.hyper.groups = groups.clamp(1, limits::CHANNELS);
                editing::follow_channels(p);
            }
            EditAction::SetPaddingMode(mode) => {
                if !self.problem.op.is_transposed() {
                    self.problem_mut().hyper.padding_mode = mode;
                }
            }
            EditAction::SetPaddingRule(rule) => {
                if self.problem.op.is_transposed() {
                    return Ok(None);
                }
                // Refused (PyTorch's reason), the problem as it was: "same" with a stride.
                let p = &self.problem;
                p.hyper.check_padding_rule(p.dims(), rule).map_err(|e| e.to_string())?;
                self.problem_mut().hyper.padding_rule = rule;
            }
            EditAction::SetFlip(flip) => {
                let flip = flip && !self.problem.op.is_transposed();
                self.problem_mut().hyper.flip = flip;
            }
            EditAction::SetBias(on) => {
                let f = self.problem.operation_geometry().map_or(1, |g| g.output_shape()[0]);
                self.problem_mut().bias = on.then(|| Array1::zeros(f));
            }
        }
        Ok(None)
    }

    fn set_per_axis(&mut self, param: PerAxisParam, axis: usize, value: usize) {
        let value = value.min(limits::HYPER);
        let p = self.problem_mut();
        // 1D problems keep their height axis inert (the document has no place for it).
        // output_padding exists only for transposed convolutions.
        let one_d = p.op.dims() == Dims::One;
        let applies = param != PerAxisParam::OutputPadding || p.op.is_transposed();
        let slot = match param {
            PerAxisParam::Stride => &mut p.hyper.stride,
            PerAxisParam::Padding => &mut p.hyper.padding,
            PerAxisParam::Dilation => &mut p.hyper.dilation,
            PerAxisParam::OutputPadding => &mut p.hyper.output_padding,
        };
        if applies && (axis == 1 || (axis == 0 && !one_d)) {
            slot[axis] = value;
            // A number typed for the padding replaces "same"/"valid".
            if param == PerAxisParam::Padding {
                p.hyper.padding_rule = PaddingRule::Explicit;
            }
        }
    }

    /// Another operation: the kernel is kept (its channel axes swapped between
    /// a convolution and a transposed one), and the view follows the operation.
    pub fn set_op(&mut self, op: Op) {
        let old = self.problem.op;
        if op.dims() != old.dims() {
            self.set_dims(op.dims());
        }
        if op.is_transposed() != old.is_transposed() {
            let p = self.problem_mut();
            // Conv weight (F, C/g, KH, KW) and transposed weight (C, F/g, KH, KW):
            // swap the channel axes (with one group they are exactly F and C).
            p.hyper.groups = 1;
            p.weight = p.weight.clone().permuted_axes([1, 0, 2, 3]).as_standard_layout().to_owned();
            p.hyper.padding_mode = PaddingMode::Zeros;
            p.hyper.padding_rule = PaddingRule::Explicit;
            p.hyper.flip = false;
            p.hyper.output_padding = [0, 0];
            p.op = op;
            editing::follow_channels(p);
            if op.is_transposed() {
                // A transposed convolution's input is usually small: keep it as typed.
                self.view.view = View::Transposed;
            } else if self.view.view == View::Transposed {
                self.view.view = View::Forward;
            }
            self.view.step = 0;
        }
        self.problem_mut().op = op;
    }

    fn set_dims(&mut self, dims: Dims) {
        if self.problem.dims() == dims {
            return;
        }
        let p = self.problem_mut();
        p.op = p.op.with_dims(dims);
        if dims == Dims::One {
            // Keep the first row of every tensor; the height axis becomes size 1.
            p.input = grid::resized(&p.input.clone().into_dyn(), 1, 1, 0.0).into_dimensionality().unwrap_or_default();
            p.weight = grid::resized(&p.weight.clone().into_dyn(), 2, 1, 0.0).into_dimensionality().unwrap_or_default();
            p.hyper.stride[0] = 1;
            p.hyper.dilation[0] = 1;
            p.hyper.padding[0] = 0;
            p.hyper.output_padding[0] = 0;
            p.grad_output = None;
        }
        self.view.step = 0;
    }

    /// After any change of shapes: bias follows the output channels, a custom
    /// grad_output follows the output shape, drafts outside the tensors go.
    pub fn reconcile(&mut self) {
        if let Ok([f, oh, ow]) = self.problem.operation_geometry().map(|g| g.output_shape()) {
            if let Some(b) = &self.problem.bias
                && b.len() != f
            {
                let resized = grid::resized(&b.clone().into_dyn(), 0, f, 0.0);
                editing::store(self.problem_mut(), Tensor::Bias, resized);
            }
            if let Some(g) = &self.problem.grad_output
                && g.dim() != (f, oh, ow)
            {
                let mut a = g.clone().into_dyn();
                for (axis, len) in [f, oh, ow].into_iter().enumerate() {
                    a = grid::resized(&a, axis, len, 1.0);
                }
                editing::store(self.problem_mut(), Tensor::GradOutput, a);
            }
        }
        if self.problem.op.is_transposed() && self.problem.grad_output.is_some() {
            self.problem_mut().grad_output = None;
        }
        let problem = &self.problem;
        self.drafts
            .retain(|(tensor, index), _| grid::values(problem, *tensor).is_some_and(|v| v.get(IxDyn(index)).is_some()));
    }
}
