//! The live view: which view and step are shown (the document's view half),
//! the player, and the cells under the pointer. Hot: a step or a hover
//! touches these alone, never the problem's tensors.

use crate::conv::{ColumnOrder, Problem};
use crate::model::network::Stack;
use crate::model::view_state::{Explain, GradFocus, View, ViewState};

use super::network::pool_geometry;

/// Player speeds, steps per second.
pub const SPEEDS: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];

/// Player moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    First,
    Prev,
    Next,
    Last,
    To(usize),
}

/// The player and the pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub playing: bool,
    /// Steps per second.
    pub speed: f64,
    /// Input cell `[c, i, j]` under the pointer.
    pub probe: Option<[usize; 3]>,
    /// Output cell `[f, i, j]` selected for its overlap list (transposed view).
    pub selected: Option<[usize; 3]>,
}

impl Default for Live {
    fn default() -> Self {
        Live { playing: false, speed: 2.0, probe: None, selected: None }
    }
}

/// What the learner looks at, and how the player moves through it.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewAction {
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
}

impl ViewAction {
    /// Whether the action puts another cell (or question) in front of the
    /// learner: practice starts that cell afresh.
    pub fn moves_the_cell(&self) -> bool {
        matches!(
            self,
            ViewAction::SetView(_)
                | ViewAction::SetExplain(_)
                | ViewAction::SetGradFocus(_)
                | ViewAction::SetOrder(_)
                | ViewAction::Step(_)
        )
    }

    /// Whether the action only reads the page (a notice stays on screen).
    pub fn only_looks(&self) -> bool {
        matches!(self, ViewAction::Probe(_) | ViewAction::Tick | ViewAction::Select(_))
    }
}

/// Number of player steps of `view` on `problem`, 0 when the problem is
/// invalid. The network view steps its pooling panel's layer (`stack` on
/// the problem's input), if one is open.
pub fn step_count(problem: &Problem, stack: &Stack, view: &ViewState) -> usize {
    if view.view == View::Network {
        let (c, h, w) = problem.input.dim();
        return view
            .pool
            .and_then(|p| Some(pool_geometry(stack, problem.dims(), [c, h, w], p.layer)?.steps(p.walk)))
            .unwrap_or(0);
    }
    problem.steps(view.walk(problem.op.is_transposed()))
}

impl Live {
    /// Applies one view action to `view` (the document's view half) and the player.
    pub fn reduce(&mut self, view: &mut ViewState, problem: &Problem, stack: &Stack, action: ViewAction) {
        let last = |view: &ViewState| step_count(problem, stack, view).saturating_sub(1);
        match action {
            ViewAction::SetView(v) => {
                // Views belong to the operation: a tab never changes the problem. A
                // transposed convolution has its scatter view alone; a direct one has
                // the others and its transpose (the transposed view of its transpose).
                let allowed = !problem.op.is_transposed() || matches!(v, View::Transposed | View::Export);
                if allowed && view.view != v {
                    view.view = v;
                    view.step = 0;
                    self.selected = None;
                }
            }
            ViewAction::SetExplain(e) => {
                // The zero-inserted form walks output cells, the others input cells.
                if view.explain != e {
                    view.explain = e;
                    view.step = 0;
                }
            }
            ViewAction::SetOrder(order) => view.order = order,
            ViewAction::SetGradFocus(g) => {
                view.gradient = g;
                view.step = 0;
            }
            ViewAction::Step(m) => {
                let (last, step) = (last(view), view.step);
                view.step = match m {
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
            ViewAction::TogglePlay => {
                let steps = step_count(problem, stack, view);
                self.playing = !self.playing && steps > 0;
                if self.playing && view.step >= steps.saturating_sub(1) {
                    view.step = 0;
                }
            }
            ViewAction::Tick => {
                if self.playing {
                    if view.step >= last(view) {
                        self.playing = false;
                    } else {
                        view.step += 1;
                    }
                }
            }
            ViewAction::SetSpeed(s) => {
                if s.is_finite() && s > 0.0 {
                    self.speed = s;
                }
            }
            ViewAction::Probe(p) => self.probe = p,
            ViewAction::Select(s) => self.selected = s,
        }
    }

    /// After a change of shapes: cells under the pointer that no longer
    /// exist are let go; the step stays in range, and with no steps the player stops.
    pub fn reconcile(&mut self, view: &mut ViewState, problem: &Problem, stack: &Stack) {
        if let Ok([f, oh, ow]) = problem.output_shape()
            && self.selected.is_some_and(|[a, b, c]| a >= f || b >= oh || c >= ow)
        {
            self.selected = None;
        }
        let (c, h, w) = problem.input.dim();
        if self.probe.is_some_and(|[a, b, d]| a >= c || b >= h || d >= w) {
            self.probe = None;
        }
        let count = step_count(problem, stack, view);
        view.step = view.step.min(count.saturating_sub(1));
        if count == 0 {
            self.playing = false;
        }
    }
}
