//! The frame the stepped views share (sliding window, im2col, transposed,
//! backprop). [`StepFrame`] is the part around a view: the player, then the
//! bars the app puts under it (figures, practice questions), then the view;
//! they stay mounted from view to view, so the player keeps its focus and the
//! bars their state. [`Frame`] is the part a view draws through: its section
//! holds the view's drawing and then, for the current step, its equation or,
//! in practice, the question; practice's size gate and its hint; the empty
//! state; the jump from a clicked cell to its step; the copies of a marked
//! input cell in the padded input. A view supplies its drawing, its step's
//! equation and its question ([`Stepped`]); the rest is here, once.

use yew::prelude::*;

use crate::conv::PaddedInput;
use crate::model::practice::Question;
use crate::model::state::Move;
use crate::ui::panels::practice::{Answers, PracticeOn};
use crate::ui::widgets::grids::GridCell;
use crate::ui::widgets::player::{PlayerProps, player};

/// What the frame reports, as values: the app maps them to actions.
#[derive(Clone, PartialEq, Default)]
pub struct StepEvents {
    /// A player button: first, back, forward or last step.
    pub on_move: Callback<Move>,
    /// A step picked directly: the scrub slider, or a cell clicked or hovered.
    pub on_step: Callback<usize>,
    /// Play or pause.
    pub on_play: Callback<()>,
    /// The player's speed, in steps per second.
    pub on_speed: Callback<f64>,
    /// The learner's answers in practice.
    pub answers: Answers,
}

impl StepEvents {
    /// The player's props: the step shown of `steps` (0: none), playing or
    /// not, at `speed` steps per second, each step a `unit`; these callbacks.
    pub fn player(&self, step: usize, steps: usize, playing: bool, speed: f64, unit: AttrValue) -> PlayerProps {
        PlayerProps {
            step,
            steps,
            playing,
            speed,
            unit,
            on_move: self.on_move.clone(),
            on_step: self.on_step.clone(),
            on_play: self.on_play.clone(),
            on_speed: self.on_speed.clone(),
        }
    }
}

/// The part of the frame around a view: the player's values, and the bars
/// the app puts under it.
pub struct StepFrame {
    /// The step shown, and how many there are (0: none; the player is disabled).
    pub step: usize,
    pub steps: usize,
    pub playing: bool,
    /// Steps per second.
    pub speed: f64,
    /// What one step is, for the counter: "output cell", "input cell", ...
    pub unit: AttrValue,
    /// Practice asks for the output's size: no player (its step count would give the size away).
    pub hides_size: bool,
    /// Practice asks about something else than the problem ("Is this
    /// combination possible?"): neither the player nor the view, whose grids
    /// would read as the question's.
    pub asks_apart: bool,
    pub events: StepEvents,
    /// Between the player and the view: the app's bars.
    pub bars: Html,
}

impl StepFrame {
    /// The player, the bars, then `view` (or why there is none). A function,
    /// not a component: it lays them out in its caller's tree, the same for
    /// every view, so they stay mounted when the view changes.
    pub fn around(&self, view: Html) -> Html {
        let controls = self.events.player(self.step, self.steps, self.playing, self.speed, self.unit.clone());
        if self.asks_apart {
            return html! {
                <>
                    { self.bars.clone() }
                    <p class="hint apart-note" role="note">{ "The problem's grids are hidden while this question is asked: \
                        the combination above is a problem of its own. Pick another question to see them again." }</p>
                </>
            };
        }
        html! {
            <>
                if !self.hides_size {
                    { player(&controls) }
                }
                { self.bars.clone() }
                { view }
            </>
        }
    }
}

/// What a stepped view is given by the frame: the step, practice and the events.
#[derive(Clone, PartialEq)]
pub struct Frame {
    /// The step shown.
    pub step: usize,
    /// Practice: the learner's progress (`None`: not practising).
    pub practice: Option<PracticeOn>,
    pub events: StepEvents,
}

/// What a view puts in its section.
pub struct Stepped {
    /// The section's class, e.g. `forward-view`, and its accessible name.
    pub class: &'static str,
    pub label: &'static str,
    /// The size gate: whether every cell practice asks for is drawn as a
    /// number (a heatmap would show the answers as colours). The view's
    /// practice is [`Frame::practising`] with the same value.
    pub fits: bool,
    /// What practice asks for, for the hint when it does not fit: "output cells".
    pub asks_for: &'static str,
    /// The matrices, their legend and notes.
    pub drawing: Html,
    /// The step's equation: shown unless practising.
    pub equation: Html,
    /// Practising: the number asked for, if the current question is the next number.
    pub question: Option<Question>,
    /// Practising: a question of the view's own, shown instead ("which input cells?").
    pub own_question: Option<Html>,
}

impl Frame {
    /// The practice the view draws: none when not practising, or when it
    /// does not fit (`fits`: every asked cell drawn as a number).
    pub fn practising(&self, fits: bool) -> Option<&PracticeOn> {
        self.practice.as_ref().filter(|_| fits)
    }

    /// A view with no step to show.
    pub fn empty(&self) -> Html {
        html! { <p>{ "No steps." }</p> }
    }

    /// A view's section: its drawing, then its equation or, practising, the
    /// question; a hint when practice does not fit.
    pub fn show(&self, view: Stepped) -> Html {
        let panel = match self.practising(view.fits) {
            Some(p) => {
                view.own_question.or_else(|| view.question.map(|q| p.ask(q, &self.events.answers))).unwrap_or_default()
            }
            None => view.equation,
        };
        let too_large = self.practice.is_some() && !view.fits;
        html! {
            <section class={classes!("view", view.class)} aria-label={view.label}>
                // Its own box: presenting scrolls it alone, under a fixed player and equation.
                <div class="drawing">{ view.drawing }</div>
                { panel }
                if too_large {
                    <p class="hint">{ format!(
                        "Practice asks for {} where every one is shown as a number: make the problem smaller.",
                        view.asks_for
                    ) }</p>
                }
            </section>
        }
    }

    /// A click or hover on a grid that steps to the cell's step, if it has one.
    pub fn jump(&self, step_of: impl Fn(&[usize], [usize; 2]) -> Option<usize> + 'static) -> Callback<GridCell> {
        jump(&self.events.on_step, step_of)
    }
}

/// A click or hover on a grid that emits the cell's step to `on_step`, if it has one.
pub fn jump(
    on_step: &Callback<usize>,
    step_of: impl Fn(&[usize], [usize; 2]) -> Option<usize> + 'static,
) -> Callback<GridCell> {
    let on_step = on_step.clone();
    Callback::from(move |(lead, pos): GridCell| {
        if let Some(s) = step_of(&lead, pos) {
            on_step.emit(s);
        }
    })
}

/// An input cell `[c, i, j]` marked in a padded input (the one under the
/// pointer, the gradient cell in focus) wherever it has a copy: once with
/// zero padding, more at the borders where the padding repeats it.
#[derive(Clone, Copy)]
pub(crate) struct Copies<'a> {
    pub padded: &'a PaddedInput,
    pub cell: Option<[usize; 3]>,
}

impl Copies<'_> {
    /// `mark` where padded cell `pos` of channel `c` is a copy of the cell, else 0.
    pub fn mark(&self, c: usize, pos: [usize; 2], mark: u32) -> u32 {
        match self.cell {
            Some([cc, i, j]) if cc == c && self.padded.source(pos) == Some([i, j]) => mark,
            _ => 0,
        }
    }

    /// Where the copies are in the grid of channel `lead[0]` (for a heatmap's marks).
    pub fn cells(&self, lead: &[usize]) -> Vec<[usize; 2]> {
        match self.cell {
            Some([c, i, j]) if lead.first() == Some(&c) => self.padded.copies([i, j]),
            _ => Vec::new(),
        }
    }
}
