//! The app's one state: the problem and view the document describes, plus
//! what only the UI needs (cells being typed, the player, the cell under the
//! pointer). Every change is an [`Action`]; [`State::apply`] is pure and tested natively.

use std::rc::Rc;

use ndarray::{Array1, IxDyn};

use crate::conv::{ColumnOrder, Dims, Op, PaddingMode, Problem};
use crate::model::document::{Document, DocumentError, PictureRef, limits};
use crate::model::editing;
use crate::model::grid::{self, Grid, Tensor};
use crate::model::input_text::parse_number;
use crate::model::presets;
use crate::model::results::Shared;

pub use crate::model::editing::{Fill, Size};
// The explanation and gradient in focus are part of the document (a link
// reopens them); re-exported here for the components.
pub use crate::model::view_state::{Explain, GradFocus, View, ViewState};

/// Player speeds, steps per second.
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];

/// Which per-axis parameter a control sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerAxisParam {
    Stride,
    Padding,
    Dilation,
    OutputPadding,
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
    SetOrder(ColumnOrder),
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
    /// A document from a link: valid, or its error shown as an alert.
    Load(Box<Result<Document, DocumentError>>),
    /// A document from a `.json` file the learner opened (`name`): the same, worded for a file.
    Import {
        name: String,
        document: Box<Result<Document, DocumentError>>,
    },
    DismissAlert,
    /// Back to the problem (and view) before the last change of the problem.
    Undo,
    /// Forward again after an undo.
    Redo,
    /// Presenting on or off (document key `present`).
    SetPresent(bool),
    /// While presenting: show or fold the editors.
    ToggleEditors,
    /// The keyboard shortcut sheet, open or closed.
    SetHelp(bool),
    SetTheme(Theme),
    /// Practice on or off (document key `practice`).
    SetPractice(bool),
    /// The learner's answer as typed.
    PracticeType(String),
    /// Enter: the answer against `expected`, the core's number for this step.
    PracticeCheck {
        expected: f64,
        /// The asked cell's `data-practice` name (answers are kept per matrix).
        matrix: &'static str,
    },
    /// One more hint (the window, the first product, all products).
    PracticeHint,
    /// Show the number and go on.
    PracticeReveal {
        matrix: &'static str,
    },
    /// After a wrong answer: the learner's value of product `k`, to see which are wrong.
    PracticeProduct(usize, String),
    /// The kind of question asked.
    SetQuiz(Quiz),
    /// The output size typed: `axis` 0/1 is the output's H/W, 2/3 the transposed canvas's.
    PracticeShapeType(usize, String),
    /// Checks the typed sizes against the core's geometry.
    PracticeShapeCheck,
    /// "Which input cells does this output use?": a padded input cell `[c, pi, pj]` picked or dropped.
    PracticePick([usize; 3]),
    /// The picked cells against the window's (the view passes the core's answer).
    PracticePickCheck {
        expected: Vec<[usize; 3]>,
    },
    /// "Is this combination possible?": the learner's claim.
    PracticePossible(bool),
    /// Another combination, or a new problem at `level`, drawn from `seed`
    /// (the UI draws the seed; the reducer stays pure).
    PracticeCombination {
        seed: u64,
    },
    PracticeNew {
        level: crate::model::practice::Level,
        seed: u64,
    },
    /// The session's score and streak: reset, or restored from storage.
    PracticeScore {
        score: u32,
        streak: u32,
    },
    /// Image mode: a bundled picture becomes the input (kernels follow its channels).
    SetPicture(&'static str),
    /// Image mode: the learner's picture as decoded by the browser, RGBA rows
    /// (already scaled to at most `limits::SPATIAL` a side), or why it could not be read.
    LoadPicture {
        name: String,
        decoded: Result<(u32, u32, Rc<Vec<u8>>), String>,
    },
    /// Image mode: the picture in grey (one channel) or in colour.
    SetGreyscale(bool),
    /// Image mode: a classic kernel (`presets::classic_kernel` id) as the filters.
    ApplyKernel {
        id: &'static str,
        mode: KernelMode,
    },
    SetMapMode(MapMode),
    /// Image mode: the feature-map pixel under the pointer.
    ProbeMap(Option<[usize; 3]>),
}

/// The question practice asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quiz {
    /// The next number of the view's walk.
    #[default]
    Number,
    /// "What is the output size?"
    OutputSize,
    /// "Which input cells does this output use?" (the sliding window).
    InputCells,
    /// "Is this combination possible?"
    Possible,
}

/// Practice's progress on the step on screen, and the session's score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Practice {
    pub answer: String,
    pub verdict: Option<crate::model::practice::Verdict>,
    /// Hints shown for this step, 0 to 3.
    pub hints: u8,
    /// After a wrong answer, the learner's value of each product (as typed).
    pub products: Vec<String>,
    pub score: u32,
    pub streak: u32,
    pub quiz: Quiz,
    /// The output size as typed: H, W, then the transposed canvas's H, W.
    pub shape: [String; 4],
    pub shape_verdict: Option<bool>,
    /// Padded input cells `[c, pi, pj]` picked as the window's.
    pub picked: Vec<[usize; 3]>,
    pub pick_verdict: Option<bool>,
    /// The combination asked about (its seed) and whether the claim was right.
    pub combination: u64,
    pub possible_verdict: Option<bool>,
    /// Cells answered right, by walk and step: shown even when the link hides
    /// unanswered cells (document key `reveal: false`).
    pub answered: Vec<(crate::conv::Walk, usize, &'static str)>,
}

impl Practice {
    /// A new cell to answer: no answer, verdict, hints or picks yet; the
    /// score, the question and the cells answered stay.
    fn new_cell(&mut self) {
        *self = Practice {
            score: self.score,
            streak: self.streak,
            quiz: self.quiz,
            shape: std::mem::take(&mut self.shape),
            shape_verdict: self.shape_verdict,
            combination: self.combination,
            possible_verdict: self.possible_verdict,
            answered: std::mem::take(&mut self.answered),
            ..Practice::default()
        };
    }

    /// A new problem: nothing of the last one's answers stays, only the
    /// score and the kind of question asked.
    fn new_problem(&mut self) {
        *self = Practice {
            score: self.score,
            streak: self.streak,
            combination: self.combination,
            quiz: self.quiz,
            ..Practice::default()
        };
    }

    /// Cell `step` of `walk` in `matrix` is shown from now on (answered or revealed).
    fn show(&mut self, walk: crate::conv::Walk, step: usize, matrix: &'static str) {
        if !self.answered.contains(&(walk, step, matrix)) {
            self.answered.push((walk, step, matrix));
        }
    }

    fn scored(&mut self, right: bool) {
        if right {
            self.score = self.score.saturating_add(1);
            self.streak = self.streak.saturating_add(1);
        } else {
            self.streak = 0;
        }
    }

    /// Whether step `step` of `walk` is hidden while practising with the
    /// player at `current`: from the current step on, and with `reveal` off
    /// (an instructor's link) every step not answered right.
    pub fn hides(
        &self,
        walk: crate::conv::Walk,
        step: usize,
        current: usize,
        reveal: bool,
        matrix: &'static str,
    ) -> bool {
        (step >= current || !reveal) && !self.answered.contains(&(walk, step, matrix))
    }
}

/// How the page is embedded (the page address's `?embed` query, not the
/// document: "open in ConvScope" opens the same document in the full app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Embed {
    /// The full app.
    #[default]
    Off,
    /// `?embed`: the view and its player alone.
    View,
    /// `?embed=edit`: the view, with the editors stacked under it.
    Edit,
}

impl Embed {
    /// The mode a page address's query asks for (`?embed`, `?embed=edit`).
    pub fn from_query(query: &str) -> Embed {
        let query = query.strip_prefix('?').unwrap_or(query);
        query.split('&').fold(Embed::Off, |mode, pair| match pair.split_once('=').unwrap_or((pair, "")) {
            ("embed", "edit") => Embed::Edit,
            ("embed", _) => Embed::View,
            _ => mode,
        })
    }
}

/// The colour theme the learner chose (kept in localStorage, not in links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Whatever the system prefers (`prefers-color-scheme`).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// The name stored and set as `data-theme` on the page (`None`: follow the system).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// The theme a stored name means (anything else: follow the system).
    pub fn from_name(name: &str) -> Theme {
        match name {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Changes of the problem kept for undo (and redo), at most.
pub const HISTORY: usize = 100;

/// Bytes of tensors the undo list keeps, at most: each snapshot is a whole
/// problem, and a 3x512x512 picture is 6.3 MB (ten of them, not a hundred).
pub const HISTORY_BYTES: usize = 64 << 20;

/// The bytes of `problem`'s tensors.
fn tensor_bytes(problem: &Problem) -> usize {
    let cells = problem.input.len()
        + problem.weight.len()
        + problem.bias.as_ref().map_or(0, |b| b.len())
        + problem.grad_output.as_ref().map_or(0, |g| g.len());
    cells * std::mem::size_of::<f64>()
}

/// A problem and the view it was shown in: what undo and redo restore. The
/// problem compares by identity: the reducer compares whole states on every
/// action, and 100 snapshots of a 3x64x64 problem compared by value would
/// cost more than the step itself.
pub type Snapshot = (Shared<Problem>, ViewState, Option<PictureRef>);

/// A cell whose text is being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub text: String,
    /// Why the text is not a number (`None`: it is one).
    pub error: Option<String>,
}

/// Cells being typed, by tensor and stored index, in key order (as a
/// `BTreeMap` would keep them). A sorted `Vec`: there are a handful, and
/// the map's node code is ~5 KB of the gzipped wasm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drafts(Vec<((Tensor, Vec<usize>), Draft)>);

impl Drafts {
    fn find(&self, key: &(Tensor, Vec<usize>)) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }
    pub fn get(&self, key: &(Tensor, Vec<usize>)) -> Option<&Draft> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, key: &(Tensor, Vec<usize>)) -> bool {
        self.find(key).is_ok()
    }
    pub fn insert(&mut self, key: (Tensor, Vec<usize>), draft: Draft) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = draft,
            Err(i) => self.0.insert(i, (key, draft)),
        }
    }
    pub fn remove(&mut self, key: &(Tensor, Vec<usize>)) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&(Tensor, Vec<usize>), &Draft) -> bool) {
        self.0.retain(|(k, d)| keep(k, d));
    }
    pub fn iter(&self) -> impl Iterator<Item = (&(Tensor, Vec<usize>), &Draft)> {
        self.0.iter().map(|(k, d)| (k, d))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&(Tensor, Vec<usize>)> for Drafts {
    type Output = Draft;
    fn index(&self, key: &(Tensor, Vec<usize>)) -> &Draft {
        self.get(key).expect("no draft for this cell")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// What the learner set. Shared (`Rc`) so the views and the memo hold it
    /// without copying its tensors on every step.
    pub problem: Rc<Problem>,
    /// What the learner looks at.
    pub view: ViewState,
    /// Cells being typed, by tensor and stored index.
    pub drafts: Drafts,
    /// A message for the whole page (bad link, bad paste), shown with role="alert".
    pub alert: Option<String>,
    pub playing: bool,
    /// Steps per second.
    pub speed: f64,
    pub probe: Option<[usize; 3]>,
    pub selected: Option<[usize; 3]>,
    /// What the last paste filled, in one line (shown as a status, not an alarm).
    pub notice: Option<String>,
    /// The example on screen (a preset id), until the learner changes its problem.
    pub example: Option<&'static str>,
    /// A link that could not be opened: the address bar keeps it, so its
    /// author can fix it, until the learner changes something.
    pub held_link: bool,
    /// Earlier problems, oldest first (shared: a snapshot costs a pointer).
    pub undo: Vec<Snapshot>,
    /// Problems undone, most recent last.
    pub redo: Vec<Snapshot>,
    /// Embedded in another page (from the address's query, fixed for the page's life).
    pub embed: Embed,
    /// While presenting: the editors shown again (they fold away by default).
    pub editors_open: bool,
    /// The keyboard shortcut sheet is open.
    pub help: bool,
    pub theme: Theme,
    pub practice: Practice,
    /// The picture the input is, if it is one (document keys `image`, `greyscale`).
    pub picture: Option<PictureRef>,
    /// Image mode: how feature maps are drawn.
    pub map_mode: MapMode,
    /// Image mode: the feature-map pixel `[f, i, j]` under the pointer.
    pub map_probe: Option<[usize; 3]>,
    /// Image mode: why the last picture could not be opened (shown beside the picker).
    pub picture_error: Option<String>,
}

/// How image mode draws a feature map (the numbers stay the output's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapMode {
    /// Signed values on the diverging scale.
    #[default]
    Signed,
    /// `|y|`: edges of either sign alike.
    Abs,
    /// `max(y, 0)`: what a ReLU after the layer keeps.
    Relu,
}

/// How a classic 3x3 kernel applies to a colour picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelMode {
    /// One filter per channel (groups = C): a feature map each for R, G and B.
    PerChannel,
    /// One filter over the luminance: `0.299 R + 0.587 G + 0.114 B` weighted taps.
    Luminance,
}

impl Default for State {
    fn default() -> Self {
        State {
            problem: Rc::new(Problem::default()),
            view: ViewState::default(),
            drafts: Drafts::default(),
            alert: None,
            playing: false,
            speed: 2.0,
            probe: None,
            selected: None,
            notice: None,
            example: None,
            held_link: false,
            undo: Vec::new(),
            redo: Vec::new(),
            embed: Embed::Off,
            editors_open: false,
            help: false,
            theme: Theme::System,
            practice: Practice::default(),
            picture: None,
            map_mode: MapMode::Signed,
            map_probe: None,
            picture_error: None,
        }
    }
}

impl State {
    /// A state showing `document`.
    pub fn with_document(document: Document) -> State {
        State { problem: Rc::new(document.problem), view: document.view, picture: document.picture, ..State::default() }
    }

    /// The document this state shows (what a link or the storage keeps).
    pub fn document(&self) -> Document {
        Document { problem: (*self.problem).clone(), view: self.view, picture: self.picture }
    }

    /// Number of player steps in the current view, 0 when the problem is invalid.
    pub fn step_count(&self) -> usize {
        self.problem.steps(self.walk())
    }

    /// The walk the player takes in the current view.
    pub fn walk(&self) -> crate::conv::Walk {
        self.view.walk(self.problem.op.is_transposed())
    }

    fn clamp_step(&mut self) {
        let count = self.step_count();
        self.view.step = self.view.step.min(count.saturating_sub(1));
        if count == 0 {
            self.playing = false;
        }
    }

    /// The problem, to change (copied only if a view still holds it).
    fn problem_mut(&mut self) -> &mut Problem {
        Rc::make_mut(&mut self.problem)
    }

    /// After any change of shapes: bias follows the output channels, a custom
    /// grad_output follows the output shape, drafts outside the tensors go,
    /// the step stays in range.
    fn reconcile(&mut self) {
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
        // Cells picked before a resize may no longer exist.
        if let Ok([f, oh, ow]) = self.problem.output_shape()
            && self.selected.is_some_and(|[a, b, c]| a >= f || b >= oh || c >= ow)
        {
            self.selected = None;
        }
        let (c, h, w) = self.problem.input.dim();
        if self.probe.is_some_and(|[a, b, d]| a >= c || b >= h || d >= w) {
            self.probe = None;
        }
        let problem = &self.problem;
        self.drafts
            .retain(|(tensor, index), _| grid::values(problem, *tensor).is_some_and(|v| v.get(IxDyn(index)).is_some()));
        self.clamp_step();
    }

    /// Applies one action. Bad input never panics and never loses work: it
    /// is kept as a draft or reported, and the problem stays as it was.
    pub fn apply(&mut self, action: Action) {
        let (problem_before, view_before) = (self.problem.clone(), self.view);
        let preset = match &action {
            Action::LoadPreset(id) => presets::PRESETS.iter().find(|p| p.id == id).map(|p| p.id),
            _ => None,
        };
        let failed_load = matches!(&action, Action::Load(loaded) if loaded.is_err());
        let travelled = matches!(action, Action::Undo | Action::Redo);
        let picture_before = self.picture;
        let picture_action = matches!(
            action,
            Action::SetPicture(_)
                | Action::LoadPicture { .. }
                | Action::SetGreyscale(_)
                | Action::Load(_)
                | Action::Import { .. }
                | Action::LoadPreset(_)
                | Action::PracticeNew { .. }
                | Action::Undo
                | Action::Redo
        );
        if !matches!(action, Action::Probe(_) | Action::ProbeMap(_) | Action::Tick | Action::Select(_)) {
            self.notice = None;
        }
        match action {
            Action::Edit { tensor, index, text } => {
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
            Action::Commit { tensor, index } => {
                if self.drafts.get(&(tensor, index.clone())).is_some_and(|d| d.error.is_none()) {
                    self.drafts.remove(&(tensor, index));
                }
            }
            Action::Paste { grid, at, text } => {
                // On a copy: a paste that cannot fit changes nothing.
                let mut problem = (*self.problem).clone();
                match editing::paste(&mut problem, &grid, at, &text) {
                    Ok(line) => {
                        self.problem = Rc::new(problem);
                        self.drafts.retain(|(t, _), _| *t != grid.tensor);
                        self.notice = Some(line);
                    }
                    Err(e) => self.alert = Some(e),
                }
            }
            Action::Resize(size, len) => editing::resize(self.problem_mut(), size, len),
            Action::Fill(tensor, fill) => match editing::fill(self.problem_mut(), tensor, fill) {
                Ok(()) => {
                    let filled = if matches!(fill, Fill::Kernel(_)) { Tensor::Weight } else { tensor };
                    self.drafts.retain(|(t, _), _| *t != filled);
                }
                Err(e) => self.alert = Some(e),
            },
            Action::SetOp(op) => self.set_op(op),
            Action::SetDims(dims) => self.set_dims(dims),
            Action::SetPerAxis(param, axis, value) => {
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
                }
            }
            Action::SetGroups(groups) => {
                let p = self.problem_mut();
                p.hyper.groups = groups.clamp(1, limits::CHANNELS);
                editing::follow_channels(p);
            }
            Action::SetPaddingMode(mode) => {
                if !self.problem.op.is_transposed() {
                    self.problem_mut().hyper.padding_mode = mode;
                }
            }
            Action::SetFlip(flip) => {
                let flip = flip && !self.problem.op.is_transposed();
                self.problem_mut().hyper.flip = flip;
            }
            Action::SetBias(on) => {
                let f = self.problem.operation_geometry().map(|g| g.output_shape()).map_or(1, |s| s[0]);
                self.problem_mut().bias = on.then(|| Array1::zeros(f));
            }
            Action::SetView(view) => {
                self.practice.new_cell();
                self.set_view(view);
                // Only the sliding window asks which input cells a step uses.
                if self.practice.quiz == Quiz::InputCells && self.view.view != View::Forward {
                    self.practice.quiz = Quiz::Number;
                }
            }
            Action::SetExplain(e) => {
                self.practice.new_cell();
                // The zero-inserted form walks output cells, the others input cells.
                if self.view.explain != e {
                    self.view.explain = e;
                    self.view.step = 0;
                }
            }
            Action::SetOrder(order) => {
                self.practice.new_cell();
                self.view.order = order;
            }
            Action::SetGradFocus(g) => {
                self.practice.new_cell();
                self.view.gradient = g;
                self.view.step = 0;
            }
            Action::Step(m) => {
                self.practice.new_cell();
                let last = self.step_count().saturating_sub(1);
                let step = self.view.step;
                self.view.step = match m {
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
                if self.playing && self.view.step >= last {
                    self.view.step = 0;
                }
            }
            Action::Tick => {
                if self.playing {
                    let last = self.step_count().saturating_sub(1);
                    if self.view.step >= last {
                        self.playing = false;
                    } else {
                        self.view.step += 1;
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
            Action::LoadPreset(id) => match presets::document(&id).map(|text| Document::parse(&text)) {
                Some(Ok(document)) => self.load(document),
                Some(Err(e)) => self.alert = Some(format!("preset {id}: {e}")),
                None => self.alert = Some(format!("no preset named {id}")),
            },
            Action::Load(loaded) => match *loaded {
                Ok(document) => self.load(document),
                Err(e) => self.alert = Some(format!("This link's configuration could not be opened: {e}")),
            },
            Action::Import { name, document } => match *document {
                Ok(document) => self.load(document),
                Err(e) => self.alert = Some(format!("The file {name} could not be opened: {e}")),
            },
            Action::DismissAlert => self.alert = None,
            Action::Undo => self.travel(true),
            Action::Redo => self.travel(false),
            Action::SetPresent(on) => {
                self.view.present = on;
                self.editors_open = false;
            }
            Action::ToggleEditors => self.editors_open = !self.editors_open,
            Action::SetHelp(open) => self.help = open,
            Action::SetTheme(theme) => self.theme = theme,
            // An instructor's link that hides the answers keeps practice on.
            Action::SetPractice(false) if !self.view.reveal && self.view.practice => {}
            Action::SetPractice(on) => {
                // Practice starts at the first cell (in the transposed view its
                // walk is another one: the output's cells).
                if on && !self.view.practice {
                    self.view.step = 0;
                }
                self.view.practice = on;
                self.playing = false;
                self.practice.new_problem();
            }
            Action::PracticeType(text) => {
                self.practice.answer = text;
                self.practice.verdict = None;
            }
            Action::PracticeCheck { expected, matrix } => {
                let verdict = crate::model::practice::check(&self.practice.answer, expected);
                let done = (self.walk(), self.view.step, matrix);
                match verdict {
                    // A cell scores once: answering it again (the last one, or one
                    // stepped back to) says right without another point.
                    crate::model::practice::Verdict::Right => {
                        if !self.practice.answered.contains(&done) {
                            self.practice.scored(true);
                        }
                        self.practice.show(done.0, done.1, matrix);
                        self.advance_practice();
                    }
                    crate::model::practice::Verdict::Wrong => self.practice.scored(false),
                    crate::model::practice::Verdict::NotANumber(_) => {}
                }
                self.practice.verdict = Some(verdict);
            }
            Action::PracticeHint => self.practice.hints = (self.practice.hints + 1).min(3),
            // An instructor's link (`reveal: false`) has no reveal.
            Action::PracticeReveal { matrix } if self.view.reveal => {
                self.practice.streak = 0;
                self.practice.show(self.walk(), self.view.step, matrix);
                self.advance_practice();
            }
            Action::PracticeReveal { .. } => {}
            Action::PracticeProduct(k, text) => {
                if k < limits::PRACTICE_PRODUCTS {
                    if self.practice.products.len() <= k {
                        self.practice.products.resize(k + 1, String::new());
                    }
                    self.practice.products[k] = text;
                }
            }
            Action::SetQuiz(quiz) => {
                self.practice.quiz = quiz;
                self.practice.shape_verdict = None;
                self.practice.pick_verdict = None;
                self.practice.possible_verdict = None;
            }
            Action::PracticeShapeType(axis, text) => {
                if let Some(slot) = self.practice.shape.get_mut(axis) {
                    *slot = text;
                    self.practice.shape_verdict = None;
                }
            }
            Action::PracticeShapeCheck => {
                let typed: Vec<Option<usize>> = self.practice.shape.iter().map(|t| t.trim().parse().ok()).collect();
                let right = match self.problem.operation_geometry() {
                    Ok(g) => {
                        let [_, oh, ow] = g.output_shape();
                        let canvas = match g {
                            crate::conv::Geometry::Transposed(t) => Some(t.canvas),
                            crate::conv::Geometry::Conv(_) => None,
                        };
                        // A 1D problem asks for W alone (H is 1 and not asked).
                        let h_ok = self.problem.dims() == Dims::One || typed[0] == Some(oh);
                        let canvas_ok = canvas.is_none_or(|[ch, cw]| {
                            (self.problem.dims() == Dims::One || typed[2] == Some(ch)) && typed[3] == Some(cw)
                        });
                        h_ok && typed[1] == Some(ow) && canvas_ok
                    }
                    Err(_) => false,
                };
                // Checking again once right scores nothing more.
                if self.practice.shape_verdict != Some(true) {
                    self.practice.scored(right);
                }
                self.practice.shape_verdict = Some(right);
            }
            Action::PracticePick(cell) => {
                match self.practice.picked.iter().position(|&p| p == cell) {
                    Some(k) => {
                        self.practice.picked.remove(k);
                    }
                    None if self.practice.picked.len() < limits::PRACTICE_PRODUCTS => self.practice.picked.push(cell),
                    None => {}
                }
                self.practice.pick_verdict = None;
            }
            Action::PracticePickCheck { mut expected } => {
                let mut picked = self.practice.picked.clone();
                picked.sort_unstable();
                expected.sort_unstable();
                expected.dedup();
                let right = picked == expected;
                if self.practice.pick_verdict != Some(true) {
                    self.practice.scored(right);
                }
                self.practice.pick_verdict = Some(right);
            }
            Action::PracticePossible(_) if self.practice.possible_verdict.is_some() => {}
            Action::PracticePossible(claim) => {
                let possible = crate::model::practice::Combination::draw(self.practice.combination).answer.is_ok();
                self.practice.scored(claim == possible);
                self.practice.possible_verdict = Some(claim == possible);
            }
            Action::PracticeCombination { seed } => {
                self.practice.combination = seed;
                self.practice.possible_verdict = None;
            }
            Action::PracticeNew { level, seed } => {
                let mut document = crate::model::practice::generate(level, seed);
                document.view.practice = true;
                self.load(document);
            }
            Action::PracticeScore { score, streak } => {
                self.practice.score = score;
                self.practice.streak = streak;
            }
            Action::SetPicture(name) => {
                let grey = self.problem.input.dim().0 == 1 && self.picture.is_some();
                if let Err(e) = self.use_picture(PictureRef::Bundled { name, grey }, None) {
                    self.picture_error = Some(format!("{name} could not be opened: {e}"));
                }
            }
            Action::LoadPicture { name, decoded } => {
                let opened = decoded
                    .and_then(|(w, h, rgba)| {
                        crate::model::picture::from_rgba(&rgba, w as usize, h as usize).map_err(|e| e.to_string())
                    })
                    .and_then(|t| self.use_picture(PictureRef::Own, Some(t)));
                if let Err(e) = opened {
                    self.picture_error = Some(format!("{name} could not be opened: {e}"));
                }
            }
            Action::SetGreyscale(grey) => match self.picture {
                Some(PictureRef::Bundled { name, .. }) => {
                    if let Err(e) = self.use_picture(PictureRef::Bundled { name, grey }, None) {
                        self.picture_error = Some(e);
                    }
                }
                // An own picture turns grey for good (its colour is not kept): upload it again for colour.
                Some(PictureRef::Own) if grey && self.problem.input.dim().0 == 3 => {
                    let g = crate::model::picture::greyscale(&self.problem.input);
                    if let Err(e) = self.use_picture(PictureRef::Own, Some(g)) {
                        self.picture_error = Some(e);
                    }
                }
                _ => {}
            },
            Action::ApplyKernel { id, mode } => match presets::classic_kernel(id) {
                Some(k) if self.problem.dims() == Dims::Two && !self.problem.op.is_transposed() => {
                    let c = self.problem.input.dim().0;
                    let p = self.problem_mut();
                    // Luminance: one filter whose taps weigh R, G and B like the eye;
                    // per channel: one filter per channel (groups = C), a map each.
                    let (weight, groups) = match mode {
                        KernelMode::Luminance if c == 3 => {
                            // ITU-R BT.601, as picture::greyscale weighs them.
                            let lum = [0.299, 0.587, 0.114];
                            (ndarray::Array4::from_shape_fn((1, 3, 3, 3), |(_, ch, i, j)| k[i][j] * lum[ch]), 1)
                        }
                        KernelMode::PerChannel => {
                            (ndarray::Array4::from_shape_fn((c, 1, 3, 3), |(_, _, i, j)| k[i][j]), c)
                        }
                        KernelMode::Luminance => {
                            (ndarray::Array4::from_shape_fn((1, c, 3, 3), |(_, _, i, j)| k[i][j] / c as f64), 1)
                        }
                    };
                    p.weight = weight;
                    p.hyper.groups = groups;
                    self.drafts.retain(|(t, _), _| *t != Tensor::Weight);
                }
                Some(_) => self.alert = Some("classic kernels are 3x3 filters of a 2D convolution".into()),
                None => self.alert = Some(format!("no kernel named {id}")),
            },
            Action::SetMapMode(mode) => self.map_mode = mode,
            Action::ProbeMap(p) => self.map_probe = p,
        }
        self.reconcile();
        let problem_changed = !Rc::ptr_eq(&problem_before, &self.problem);
        // A picture is 2D: a 1D problem keeps its row as plain numbers.
        if self.picture.is_some() && self.problem.dims() == Dims::One {
            self.picture = None;
        }
        // A picture edited by hand is the learner's own: its link no longer names the bundled one.
        if problem_changed
            && !picture_action
            && matches!(self.picture, Some(PictureRef::Bundled { .. }))
            && self.problem.input != problem_before.input
        {
            self.picture = Some(PictureRef::Own);
        }
        if problem_changed && !travelled {
            self.undo.push((Shared(problem_before), view_before, picture_before));
            let mut bytes: usize = self.undo.iter().map(|(p, ..)| tensor_bytes(&p.0)).sum();
            while self.undo.len() > 1 && (self.undo.len() > HISTORY || bytes > HISTORY_BYTES) {
                bytes -= tensor_bytes(&self.undo.remove(0).0.0);
            }
            self.redo.clear();
        }
        if problem_changed {
            self.example = preset;
            // Answers belong to the numbers they were given for.
            self.practice.new_problem();
        }
        if failed_load {
            self.held_link = true;
        } else if problem_changed || view_before != self.view {
            self.held_link = false;
        }
    }

    /// The input becomes a picture (a bundled one's pixels, or `pixels`); the
    /// filters follow its channel count the way the channel stepper does, and
    /// the image view shows it.
    /// A picture that the filters and parameters cannot take within the caps
    /// (e.g. 16 filters on a 512x512 picture) changes nothing: `Err` says why.
    fn use_picture(&mut self, picture: PictureRef, pixels: Option<ndarray::Array3<f64>>) -> Result<(), String> {
        let Some(pixels) = pixels.or_else(|| picture.pixels()) else { return Err("no such picture".into()) };
        let before = (self.problem.clone(), self.picture, self.view);
        if self.problem.op != Op::Conv2d {
            self.set_op(Op::Conv2d);
        }
        let channels = pixels.dim().0;
        let p = self.problem_mut();
        p.input = pixels;
        p.grad_output = None;
        // Groups that no longer divide the channels (a per-channel kernel of a
        // colour picture, now grey) become one group.
        if !channels.is_multiple_of(p.hyper.groups.max(1)) {
            p.hyper.groups = 1;
        }
        editing::follow_channels(p);
        if let Err(e) = crate::model::document::validate(&self.problem) {
            (self.problem, self.picture, self.view) = before;
            return Err(e.message);
        }
        self.picture = Some(picture);
        self.picture_error = None;
        self.map_probe = None;
        self.drafts = Drafts::default();
        self.view.view = View::Image;
        self.view.step = 0;
        Ok(())
    }

    /// Practice moves on: the step answered (or revealed) stays shown, the next is asked.
    fn advance_practice(&mut self) {
        let last = self.step_count().saturating_sub(1);
        self.view.step = (self.view.step + 1).min(last);
        self.practice.new_cell();
    }

    /// Undo (`back`) or redo: swaps the problem and view on screen with the
    /// last snapshot of one list, keeping them on the other. Drafts go: their
    /// text belonged to the problem that was on screen.
    fn travel(&mut self, back: bool) {
        let (from, to) = if back { (&mut self.undo, &mut self.redo) } else { (&mut self.redo, &mut self.undo) };
        let Some((Shared(problem), view, picture)) = from.pop() else { return };
        // Presenting is how the screen is used, not part of the change undone.
        let present = self.view.present;
        to.push((
            Shared(std::mem::replace(&mut self.problem, problem)),
            std::mem::replace(&mut self.view, view),
            std::mem::replace(&mut self.picture, picture),
        ));
        self.view.present = present;
        self.drafts = Drafts::default();
        self.playing = false;
    }

    fn load(&mut self, document: Document) {
        // How the page is used stays: a preset opened while presenting is presented.
        let present = document.view.present || self.view.present;
        *self = State {
            speed: self.speed,
            held_link: self.held_link,
            undo: std::mem::take(&mut self.undo),
            redo: std::mem::take(&mut self.redo),
            embed: self.embed,
            editors_open: self.editors_open,
            theme: self.theme,
            practice: Practice {
                score: self.practice.score,
                streak: self.practice.streak,
                combination: self.practice.combination,
                ..Practice::default()
            },
            ..State::with_document(document)
        };
        self.view.present = present;
        if self.picture == Some(PictureRef::Own) {
            self.notice = Some(
                "This state had your own picture, whose pixels links and this browser's storage never keep: \
                 a bundled picture stands in. Open yours again to go on."
                    .into(),
            );
        }
        // A hand-written link may name a view the operation does not have
        // (the default "forward" for a transposed convolution): show the op's own.
        // (Its scatter is the only view a transposed convolution has.)
        if self.problem.op.is_transposed() && self.view.view != View::Export {
            self.view.view = View::Transposed;
        }
    }

    /// Views belong to the operation: a tab never changes the problem. A
    /// transposed convolution has its scatter view alone; a direct one has the
    /// others and its transpose (the transposed view of its transpose).
    fn set_view(&mut self, view: View) {
        if self.problem.op.is_transposed() && !matches!(view, View::Transposed | View::Export) {
            return;
        }
        if self.view.view != view {
            self.view.view = view;
            self.view.step = 0;
            self.selected = None;
        }
    }

    fn set_op(&mut self, op: Op) {
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
        let before = s.problem.clone();
        s.apply(Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: "abc".into() });
        assert_eq!(s.problem, before);
        let draft = &s.drafts[&(Tensor::Input, vec![0, 0, 0])];
        assert_eq!(draft.error.as_deref(), Some("“abc” is not a number"));
        s.apply(Action::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
        assert!(s.drafts.contains_key(&(Tensor::Input, vec![0, 0, 0])), "an invalid draft stays");
        s.apply(Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: "7".into() });
        assert_eq!(s.problem.input[[0, 0, 0]], 7.0);
        s.apply(Action::Commit { tensor: Tensor::Input, index: vec![0, 0, 0] });
        assert!(s.drafts.is_empty());
    }

    #[test]
    fn paste_grows_the_matrix() {
        let mut s = state();
        let grid = grid::grids(&s.problem, Tensor::Weight).remove(0);
        s.apply(Action::Paste { grid, at: (0, 0), text: "[[1, 2, 3, 4], [5, 6, 7, 8]]".into() });
        assert_eq!(s.problem.weight.dim(), (1, 1, 3, 4));
        assert_eq!(s.problem.weight[[0, 0, 1, 3]], 8.0);
        assert_eq!(s.problem.weight[[0, 0, 2, 0]], -3.0, "cells outside the block keep their values");
        assert_eq!(
            s.notice.as_deref(),
            Some("Pasted a 2x4 block into weight[0, 0, 0:2, 0:4]; kernel columns grew to 4")
        );
        let grid = grid::grids(&s.problem, Tensor::Input).remove(0);
        let before = s.problem.clone();
        s.apply(Action::Paste { grid, at: (0, 0), text: "1 x".into() });
        assert!(s.alert.as_deref().is_some_and(|a| a.contains("not a number")));
        assert_eq!((s.problem, s.notice), (before, None), "a failed paste changes nothing");
    }

    #[test]
    fn player_moves_and_stops_at_the_end() {
        let mut s = state();
        assert_eq!(s.step_count(), 9);
        s.apply(Action::Step(Move::Last));
        assert_eq!(s.view.step, 8);
        s.apply(Action::Step(Move::Next));
        assert_eq!(s.view.step, 8);
        s.apply(Action::TogglePlay);
        assert!(s.playing);
        assert_eq!(s.view.step, 0, "play from the end starts over");
        for _ in 0..20 {
            s.apply(Action::Tick);
        }
        assert_eq!(s.view.step, 8);
        assert!(!s.playing);
    }

    #[test]
    fn channels_and_groups_stay_consistent() {
        let mut s = state();
        s.apply(Action::Resize(Size::Channels, 4));
        assert_eq!(s.problem.weight.dim(), (1, 4, 3, 3));
        s.apply(Action::Resize(Size::Filters, 2));
        s.apply(Action::SetGroups(2));
        assert_eq!(s.problem.weight.dim(), (2, 2, 3, 3));
        assert!(s.problem.output_shape().is_ok());
        s.apply(Action::SetBias(true));
        assert_eq!(s.problem.bias, Some(array![0., 0.]));
        s.apply(Action::Resize(Size::Filters, 4));
        assert_eq!(s.problem.bias.as_ref().map(|b| b.len()), Some(4));
    }

    #[test]
    fn switching_ops_keeps_the_kernel() {
        let mut s = state();
        // A tab never changes the problem: a convolution's transposed view is its transpose.
        s.apply(Action::SetView(View::Transposed));
        assert_eq!((s.problem.op, s.view.view), (Op::Conv2d, View::Transposed));
        assert_eq!(s.step_count(), 9, "one copy per output cell of the convolution");
        s.apply(Action::SetView(View::Forward));
        assert_eq!(*s.problem, Problem::default());
        // Switching the operation is the operation control's business, and keeps the kernel.
        s.apply(Action::SetOp(Op::ConvTranspose2d));
        assert_eq!((s.problem.op, s.view.view, s.step_count()), (Op::ConvTranspose2d, View::Transposed, 25));
        s.apply(Action::SetView(View::Im2col));
        assert_eq!(s.view.view, View::Transposed, "a transposed convolution has no im2col tab");
        s.apply(Action::SetOp(Op::Conv2d));
        assert_eq!(*s.problem, Problem::default());
        s.apply(Action::SetDims(Dims::One));
        assert_eq!(s.problem.input.dim(), (1, 1, 5));
        assert_eq!(s.problem.op, Op::Conv1d);
    }

    #[test]
    fn impossible_parameters_are_kept_not_refused() {
        let mut s = state();
        s.apply(Action::SetPerAxis(PerAxisParam::Dilation, 0, 3));
        // Kernel 3x3 with dilation 3 spans 7 rows: larger than the 5x5 input.
        assert!(s.problem.output_shape().is_err());
        assert_eq!(s.step_count(), 0);
        s.apply(Action::SetPerAxis(PerAxisParam::Padding, 0, 1));
        assert!(s.problem.output_shape().is_ok());
    }

    #[test]
    fn a_broken_link_is_held_until_the_learner_changes_something() {
        let mut s = state();
        s.apply(Action::Load(Box::new(Document::parse(r#"{"input": [[1, 2], [3]], "weight": [[1]]}"#))));
        assert!(s.held_link && s.alert.is_some());
        s.apply(Action::DismissAlert);
        s.apply(Action::Probe(Some([0, 0, 0])));
        assert!(s.held_link, "reading the page changes nothing");
        s.apply(Action::Step(Move::Next));
        assert!(!s.held_link, "a step changes the state a link would carry");
    }

    #[test]
    fn the_loaded_example_is_named_until_its_problem_changes() {
        let mut s = state();
        s.apply(Action::LoadPreset("seed-6x6".into()));
        assert_eq!(s.example, Some("seed-6x6"));
        s.apply(Action::Step(Move::Next));
        assert_eq!(s.example, Some("seed-6x6"), "stepping keeps the example");
        s.apply(Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: "5".into() });
        assert_eq!(s.example, None);
    }

    #[test]
    fn undo_and_redo_walk_the_problems() {
        let mut s = state();
        let edit = |text: &str| Action::Edit { tensor: Tensor::Input, index: vec![0, 0, 0], text: text.into() };
        s.apply(edit("7"));
        s.apply(Action::LoadPreset("seed-6x6".into()));
        s.apply(Action::Step(Move::Next));
        assert_eq!(s.undo.len(), 2, "a step is not an edit");
        s.apply(Action::Undo);
        assert_eq!(s.problem.input[[0, 0, 0]], 7.0);
        s.apply(Action::Undo);
        assert_eq!(*s.problem, Problem::default());
        s.apply(Action::Undo);
        assert_eq!(*s.problem, Problem::default(), "nothing more to undo");
        s.apply(Action::Redo);
        s.apply(Action::Redo);
        assert_eq!(s.example, None);
        assert_eq!(s.problem.input.dim(), (1, 6, 6));
        // A new edit after an undo drops what could have been redone.
        s.apply(Action::Undo);
        s.apply(edit("5"));
        assert!(s.redo.is_empty());
        for k in 0..150 {
            s.apply(edit(&k.to_string()));
        }
        assert_eq!(s.undo.len(), HISTORY);
    }

    #[test]
    fn presets_and_bad_links() {
        let mut s = state();
        s.apply(Action::LoadPreset("seed-transpose-1d".into()));
        assert_eq!(s.problem.op, Op::ConvTranspose1d);
        assert_eq!(s.view.view, View::Transposed);
        s.apply(Action::Load(Box::new(Document::parse("{"))));
        assert!(s.alert.is_some());
        assert_eq!(s.problem.op, Op::ConvTranspose1d, "a bad link changes nothing");
        // A link that names no view opens the operation's own view.
        s.apply(Action::Load(Box::new(Document::parse(r#"{"op":"conv_transpose2d","input":[[1]],"weight":[[1]]}"#))));
        assert_eq!(s.view.view, View::Transposed);
        // A convolution's link may open its transpose.
        s.apply(Action::Load(Box::new(Document::parse(r#"{"input":[[1]],"weight":[[1]],"view":"transposed"}"#))));
        assert_eq!((s.problem.op, s.view.view), (Op::Conv2d, View::Transposed));
    }

    #[test]
    fn presenting_survives_undo_and_presets_and_reaches_the_link() {
        let mut s = state();
        s.apply(Action::SetPresent(true));
        assert!(s.document().to_json().contains(r#""present":true"#));
        s.apply(Action::ToggleEditors);
        assert!(s.editors_open);
        s.apply(Action::LoadPreset("seed-2d".into()));
        assert!(s.view.present && s.editors_open, "a preset opened while presenting is presented");
        s.apply(Action::Undo);
        assert!(s.view.present, "undo restores the problem, not the way the screen is used");
        s.apply(Action::SetPresent(false));
        assert!(!s.view.present && !s.editors_open);
        assert!(!s.document().to_json().contains("present"));
        // A link may open presenting.
        s.apply(Action::Load(Box::new(Document::parse(r#"{"input":[[1]],"weight":[[1]],"present":true}"#))));
        assert!(s.view.present);
    }

    #[test]
    fn an_imported_file_is_undoable_and_a_bad_one_changes_nothing() {
        let mut s = state();
        let before = s.problem.clone();
        let bad = Document::parse(r#"{"input":[[1]],"weight":[[1]],"colour":"red"}"#);
        s.apply(Action::Import { name: "mine.json".into(), document: Box::new(bad) });
        assert!(s.alert.as_deref().is_some_and(|a| a.starts_with("The file mine.json could not be opened: ")));
        assert!(Rc::ptr_eq(&before, &s.problem) && !s.held_link);
        let good = Document::parse(r#"{"input":[[1,2],[3,4]],"weight":[[1]],"view":"im2col"}"#);
        s.apply(Action::Import { name: "mine.json".into(), document: Box::new(good) });
        assert_eq!((s.problem.input.dim(), s.view.view), ((1, 2, 2), View::Im2col));
        s.apply(Action::Undo);
        assert!(Rc::ptr_eq(&before, &s.problem));
    }

    #[test]
    fn embed_mode_is_read_from_the_query() {
        assert_eq!(Embed::from_query(""), Embed::Off);
        assert_eq!(Embed::from_query("?embed"), Embed::View);
        assert_eq!(Embed::from_query("?embed="), Embed::View);
        assert_eq!(Embed::from_query("?embed=edit"), Embed::Edit);
        assert_eq!(Embed::from_query("?lang=en&embed=edit"), Embed::Edit);
        assert_eq!(Embed::from_query("?embedded=1"), Embed::Off);
        // The theme and the embed mode are the page's, not the document's: a load keeps them.
        let mut s = State { embed: Embed::View, theme: Theme::Dark, ..state() };
        s.apply(Action::LoadPreset("seed-2d".into()));
        assert_eq!((s.embed, s.theme), (Embed::View, Theme::Dark));
        assert_eq!(Theme::from_name("dark"), Theme::Dark);
        assert_eq!(Theme::from_name("sepia"), Theme::System);
    }

    #[test]
    fn practice_checks_sizes_cells_and_combinations_and_keeps_the_score() {
        // The default example: 5x5 input, 3x3 kernel, output 3x3.
        let mut s = state();
        s.apply(Action::SetPractice(true));
        s.apply(Action::SetQuiz(Quiz::OutputSize));
        s.apply(Action::PracticeShapeType(0, "3".into()));
        s.apply(Action::PracticeShapeType(1, "4".into()));
        s.apply(Action::PracticeShapeCheck);
        assert_eq!((s.practice.shape_verdict, s.practice.streak), (Some(false), 0));
        s.apply(Action::PracticeShapeType(1, " 3 ".into()));
        assert_eq!(s.practice.shape_verdict, None, "typing clears the verdict");
        s.apply(Action::PracticeShapeCheck);
        assert_eq!((s.practice.shape_verdict, s.practice.score), (Some(true), 1));

        // Picking cells: the same set in any order is right; a cell picked twice is dropped.
        s.apply(Action::SetQuiz(Quiz::InputCells));
        for cell in [[0, 0, 1], [0, 0, 0], [0, 5, 5], [0, 5, 5]] {
            s.apply(Action::PracticePick(cell));
        }
        s.apply(Action::PracticePickCheck { expected: vec![[0, 0, 0], [0, 0, 1]] });
        assert_eq!((s.practice.pick_verdict, s.practice.score), (Some(true), 2));
        // The sliding window alone asks for cells: another view goes back to numbers.
        s.apply(Action::SetView(View::Im2col));
        assert_eq!(s.practice.quiz, Quiz::Number);

        // "Possible?": the core decides.
        let seed = (0..).find(|&k| crate::model::practice::Combination::draw(k).answer.is_err()).unwrap_or(0);
        s.apply(Action::PracticeCombination { seed });
        s.apply(Action::PracticePossible(true));
        assert_eq!((s.practice.possible_verdict, s.practice.streak), (Some(false), 0));

        // A new problem keeps the score; an edit forgets the answers, not the score.
        s.apply(Action::PracticeNew { level: crate::model::practice::Level::Gradients, seed: 7 });
        assert!(s.view.practice && s.view.view == View::Backprop);
        assert_eq!(s.practice.score, 2);
        s.apply(Action::PracticeScore { score: 0, streak: 0 });
        assert_eq!((s.practice.score, s.practice.streak), (0, 0));
    }

    #[test]
    fn without_reveal_only_answered_cells_show() {
        let mut doc = Document::default();
        doc.view.practice = true;
        doc.view.reveal = false;
        let mut s = State::with_document(doc);
        let walk = s.walk();
        // No reveal: the cell stays asked.
        s.apply(Action::PracticeReveal { matrix: "output" });
        assert_eq!(s.view.step, 0);
        // Stepping past a cell does not show it; answering it does.
        s.apply(Action::Step(Move::Next));
        assert!(s.practice.hides(walk, 0, s.view.step, s.view.reveal, "output"));
        s.apply(Action::Step(Move::First));
        let expected = crate::conv::Forward::new(&s.problem).ok().and_then(|f| f.step(0)).map_or(0.0, |st| st.result);
        s.apply(Action::PracticeType(crate::conv::format::full(expected)));
        s.apply(Action::PracticeCheck { expected, matrix: "output" });
        assert_eq!(s.view.step, 1, "a right answer moves on");
        assert!(!s.practice.hides(walk, 0, s.view.step, s.view.reveal, "output"));
        assert!(s.practice.hides(walk, 2, 3, s.view.reveal, "output"), "passed but not answered");
        // With reveal (the default), a passed cell shows.
        assert!(!s.practice.hides(walk, 2, 3, true, "output"));
    }

    #[test]
    fn pictures_open_undo_and_refuse_what_the_caps_refuse() {
        let mut s = state();
        s.apply(Action::SetPicture("disc"));
        assert_eq!(s.picture, Some(PictureRef::Bundled { name: "disc", grey: false }));
        assert_eq!((s.problem.input.dim(), s.view.view), ((3, 128, 128), View::Image));
        assert_eq!(s.problem.weight.dim().1, 3, "the filters follow the channels");
        // A grey upload: one channel, pixel / 255; undo brings the disc back, tag and all.
        // (3 rows of 4: the 3x3 kernel fits.)
        let rgba: Vec<u8> = (0..12u8).flat_map(|k| [k * 10, k * 10, k * 10, 255]).collect();
        s.apply(Action::LoadPicture { name: "g.png".into(), decoded: Ok((4, 3, Rc::new(rgba))) });
        assert_eq!((s.picture, s.problem.input.dim()), (Some(PictureRef::Own), (1, 3, 4)), "{:?}", s.picture_error);
        assert_eq!(s.problem.input[[0, 1, 2]], 60.0 / 255.0);
        assert!(!s.document().to_json().contains("\"input\""), "own pixels are never written");
        s.apply(Action::Undo);
        assert_eq!(
            (s.picture, s.problem.input.dim()),
            (Some(PictureRef::Bundled { name: "disc", grey: false }), (3, 128, 128))
        );
        // Editing a bundled picture makes it the learner's own.
        let grid = grid::grids(&s.problem, Tensor::Input).remove(0);
        s.apply(Action::Edit { tensor: Tensor::Input, index: grid.index(0, 0), text: "0.5".into() });
        assert_eq!(s.picture, Some(PictureRef::Own));
        // 16 filters on a 512x512 colour picture are over the multiply-add cap: nothing changes.
        s.apply(Action::Resize(Size::Filters, 16));
        let before = s.problem.clone();
        let big = Rc::new(vec![7u8; 512 * 512 * 4]);
        s.apply(Action::LoadPicture { name: "big.png".into(), decoded: Ok((512, 512, big)) });
        assert!(Rc::ptr_eq(&before, &s.problem));
        assert!(
            s.picture_error.as_deref().is_some_and(|e| e.starts_with("big.png could not be opened: ")),
            "{:?}",
            s.picture_error
        );
    }

    #[test]
    fn undo_keeps_a_bounded_number_of_bytes() {
        let mut s = state();
        s.apply(Action::SetPicture("checkerboard"));
        let big = Rc::new(vec![9u8; 512 * 512 * 4]);
        s.apply(Action::LoadPicture { name: "big.png".into(), decoded: Ok((512, 512, big)) });
        for k in 0..40 {
            s.apply(Action::Edit { tensor: Tensor::Weight, index: vec![0, 0, 0, 0], text: k.to_string() });
        }
        let bytes: usize = s.undo.iter().map(|(p, ..)| tensor_bytes(&p.0)).sum();
        assert!(bytes <= HISTORY_BYTES, "{bytes} bytes kept");
        assert!(s.undo.len() >= 8 && s.undo.len() < 40, "{} snapshots", s.undo.len());
    }
}
