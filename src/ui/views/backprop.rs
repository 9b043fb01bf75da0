//! Backpropagation: the three gradients of the convolution, each steppable
//! cell by cell. For the current gradient cell the view marks the dY cells
//! and the inputs or weights that meet in its sum, and writes the sum out.
//! Everything shown is read from the core's [`Backward`], each cell's terms on demand.
//! The player, the practice panel and the empty state are the step frame's ([`Frame`]).

use std::collections::HashSet;

use yew::prelude::*;

use crate::conv::{Backward, Dims, Walk};
use crate::model::equation;
use crate::model::format;
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::model::state::GradFocus;
use crate::model::view_state::View;
use crate::ui::panels::practice::{PracticeOn, size_hidden};
use crate::ui::views::frame::{Copies, Frame, Stepped, jump};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, leads_2, legend, marked, stack, switch};
use crate::ui::widgets::heatmap::{DOM_CELLS, Planes};
use crate::ui::widgets::matrix::{Cell, mark};

#[derive(Properties, PartialEq)]
pub struct BackpropViewProps {
    pub trace: Shared<Backward>,
    pub focus: GradFocus,
    /// The player, and practice: the focused gradient's cells are asked for, one per step.
    pub frame: Frame,
    /// Another gradient in focus (the player starts it at its first cell).
    pub on_focus: Callback<GradFocus>,
    /// The editors are on the page (not in an embed of the view alone): dY can be edited there.
    pub editors: bool,
}

/// The gradient cell the player is on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Current {
    Input([usize; 3]),
    Weight([usize; 4]),
    Bias(usize),
}

/// What meets in the current cell's sum (sets: a weight gradient's sum has a
/// term per output position, looked up once per drawn cell).
#[derive(Default)]
struct Used {
    dy: HashSet<[usize; 3]>,
    weights: HashSet<[usize; 4]>,
    inputs: HashSet<(usize, [usize; 2])>,
}

/// The memoised heatmap planes of the tensors drawn large.
struct ViewPlanes {
    x: Planes,
    dy: Planes,
    dx: Planes,
}

#[component]
pub fn BackpropView(props: &BackpropViewProps) -> Html {
    let t = &props.trace;
    // The heatmaps' pixels, made once per result, not once per step.
    let planes = use_memo(t.clone(), |t| ViewPlanes {
        x: Planes::of3(&t.forward.padded.values),
        dy: Planes::of3(&t.grad_output),
        dx: Planes::of3(&t.grad_input),
    });
    let frame = &props.frame;
    let g = &t.forward.geometry;
    let current = match props.focus {
        GradFocus::Input => t.input_cell(frame.step).map(Current::Input),
        GradFocus::Weight => t.weight_cell(frame.step).map(Current::Weight),
        GradFocus::Bias => (frame.step < g.out_channels).then_some(Current::Bias(frame.step)),
    };
    let Some(current) = current else {
        return frame.empty();
    };
    let (mut used, title, equation) = sum_of(t, current);
    // Practice: where the terms are shows from the first hint on; only the
    // cells answered (or, as the player passes, revealed) show their numbers.
    let cells = [g.input_shape().iter().product::<usize>(), t.grad_weight.len(), g.output_shape().iter().product()];
    let fits = cells.iter().all(|&n| n <= DOM_CELLS);
    let practice = frame.practising(fits);
    if practice.is_some_and(|p| p.state.hints == 0 || !p.asks_number()) {
        used = Used::default();
    }
    let scene = Scene { t, current, index: frame.step, practice, used };
    let [x, w, dy] = scene.forward_grids(&planes);
    let [dx, dw, db] = scene.gradient_grids(&planes.dx, props.focus, &props.on_focus, &frame.events.on_step);
    let focuses = [
        (GradFocus::Input, "dX (grad_input)"),
        (GradFocus::Weight, "dW (grad_weight)"),
        (GradFocus::Bias, "db (grad_bias)"),
    ];
    let drawing = html! {
        <>
            { switch("Gradient", &focuses, props.focus, props.on_focus.clone()) }
            <p class="backprop-note">{
                "The backward pass of a convolution is a convolution: dX is the transposed convolution of dY with W, \
                 dW is the correlation of the (padded) input with dY, db sums dY."
            }{ if props.editors { " Edit dY in the editors column." } else { "" } }</p>
            <h3>{ "Forward pass and upstream gradient" }</h3>
            <div class="matrices">
                { for [x, w, dy].into_iter().map(stack) }
            </div>
            <h3>{ "Gradients (click a cell to step to it)" }</h3>
            <div class="matrices">
                { for [dx, dw, db].into_iter().map(stack) }
            </div>
            { legend(&[
                ("current", "current gradient cell"),
                ("source", "terms of its sum"),
                ("selected", "the same cell in the forward pass"),
                ("pad", "padding"),
            ]) }
        </>
    };
    let equation = html! {
        <div class="equation" aria-live="polite">
            <p class="eq-title">{ title }</p>
            <p class="eq">{ equation }</p>
            <p class="hint">{ relation(props.focus) }</p>
        </div>
    };
    let asks_number = practice.is_some_and(PracticeOn::asks_number);
    frame.show(Stepped {
        class: "backprop-view",
        label: View::Backprop.label(false),
        fits,
        asks_for: "gradient cells",
        drawing,
        equation,
        question: asks_number.then(|| Question::backprop(t, props.focus, frame.step)).flatten(),
        own_question: None,
    })
}

/// The cells that meet in the current cell's sum, the sum's title and its equation.
fn sum_of(t: &Backward, current: Current) -> (Used, String, String) {
    let g = &t.forward.geometry;
    let show_channels = g.in_channels > 1 || g.out_channels > 1;
    let mut used = Used::default();
    match current {
        Current::Input([c, i, j]) => {
            let terms = t.input_terms_of([c, i, j]);
            for term in &terms {
                used.dy.insert(term.out_index);
                used.weights.insert(term.weight_index);
            }
            let x = format::label("x", g.dims, show_channels.then_some(&[c][..]), [i, j]);
            let title =
                format!("dL/d{x}: every window that read {x} sends back dY there times the weight {x} met (outlined)");
            (used, title, equation::grad_input_of(t, [c, i, j], &terms))
        }
        Current::Weight(index) => {
            let terms = t.weight_terms_of(index);
            for term in &terms {
                used.dy.insert(term.out_index);
                used.inputs.insert((term.channel, term.padded_pos));
            }
            used.weights.insert(index);
            let [f, cl, ki, kj] = index;
            let w = format::label("w", g.dims, show_channels.then_some(&[f, cl][..]), [ki, kj]);
            let title = format!("dL/d{w}: at every window position, the padded input under this tap times dY there");
            (used, title, equation::grad_weight_of(t, index, &terms))
        }
        Current::Bias(f) => {
            let [_, oh, ow] = g.output_shape();
            used.dy.extend((0..oh).flat_map(|i| (0..ow).map(move |j| [f, i, j])));
            let title =
                format!("dL/db[{f}]: the bias is added to every output cell of filter {f}, so dY there adds up");
            (used, title, equation::grad_bias(t, f))
        }
    }
}

/// How the focused gradient relates to the forward pass.
fn relation(focus: GradFocus) -> &'static str {
    match focus {
        GradFocus::Input => {
            "dX is the transposed convolution of dY with W: every dY cell scatters a scaled copy of the kernel back onto the input."
        }
        GradFocus::Weight => {
            "dW is the correlation of the padded input with dY: slide dY over the padded input like a kernel."
        }
        GradFocus::Bias => "db sums dY over each filter's positions.",
    }
}

/// One render of the view: the current cell, what meets in its sum, practice.
struct Scene<'a> {
    t: &'a Backward,
    current: Current,
    /// The step's number.
    index: usize,
    /// Practice, where it fits.
    practice: Option<&'a PracticeOn>,
    used: Used,
}

impl Scene<'_> {
    /// `cell`, hidden where practice has not shown cell `step` of `walk` in `matrix` yet.
    fn hide(&self, mut cell: Cell, walk: Walk, step: Option<usize>, matrix: &'static str) -> Cell {
        let hidden = self.practice.is_some_and(|p| {
            step.is_none_or(|s| {
                if walk == p.walk {
                    p.hides(s, self.index, matrix)
                } else {
                    !p.state.answered.contains(&(walk, s, matrix))
                }
            })
        });
        if hidden {
            cell.marks |= mark::HIDDEN;
        }
        cell
    }

    /// The forward context: the padded input, the weight and dY, with what meets in the sum marked.
    fn forward_grids(&self, planes: &ViewPlanes) -> [Html; 3] {
        let (t, used) = (self.t, &self.used);
        let g = &t.forward.geometry;
        let padded = &t.forward.padded;
        let focused =
            Copies { padded, cell: if let Current::Input(index) = self.current { Some(index) } else { None } };
        let input_cell = |lead: &[usize], pos: [usize; 2]| {
            let c = lead[0];
            let mut marks = if padded.is_padding(pos) { mark::PAD } else { 0 };
            if used.inputs.contains(&(c, pos)) {
                marks |= mark::SOURCE;
            }
            marks |= focused.mark(c, pos, mark::SELECTED);
            marked(padded.values[[c, pos[0], pos[1]]], marks)
        };
        let weight_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let index = [lead[0], lead[1], a, b];
            let marks = match (used.weights.contains(&index), self.current == Current::Weight(index)) {
                (true, true) => mark::SELECTED,
                (true, false) => mark::SOURCE,
                (false, _) => 0,
            };
            marked(t.weight()[index], marks)
        };
        let dy_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let index = [lead[0], a, b];
            marked(t.grad_output[index], if used.dy.contains(&index) { mark::SOURCE } else { 0 })
        };
        let (wf, wc, kh, kw) = t.weight().dim();
        let (_, ph, pw) = padded.values.dim();
        // Where marks can be: the terms' cells, and the copies of the current input cell.
        let x_marked = |lead: &[usize]| {
            let mut cells: Vec<[usize; 2]> =
                used.inputs.iter().filter(|(c, _)| *c == lead[0]).map(|&(_, pos)| pos).collect();
            cells.extend(focused.cells(lead));
            cells
        };
        let dy_marked = |lead: &[usize]| used.dy.iter().filter(|d| d[0] == lead[0]).map(|d| [d[1], d[2]]).collect();
        let caption = if !g.is_padded() { "input x" } else { "padded input x" };
        let x = Grids::new("backprop_input", g.dims, caption, [ph, pw], &input_cell)
            .per(&["channel"], leads_1(g.in_channels))
            .planes(&planes.x, &x_marked)
            .render();
        let w = Grids::new("backprop_weight", g.dims, "weight W", [kh, kw], &weight_cell)
            .per(&["filter", "channel"], leads_2(wf, wc))
            .render();
        let dy = if self.practice.is_some_and(PracticeOn::hides_size) {
            size_hidden("dY")
        } else {
            Grids::new("dy", g.dims, "dY (upstream gradient)", g.output, &dy_cell)
                .per(&["filter"], leads_1(g.out_channels))
                .planes(&planes.dy, &dy_marked)
                .render()
        };
        [x, w, dy]
    }

    /// The three gradients; a click on a cell focuses its gradient and steps there.
    fn gradient_grids(
        &self,
        dx_planes: &Planes,
        now: GradFocus,
        on_focus: &Callback<GradFocus>,
        on_step: &Callback<usize>,
    ) -> [Html; 3] {
        let t = self.t;
        let g = &t.forward.geometry;
        let (wf, wc, kh, kw) = t.weight().dim();
        let is_current = |cell: Current| if cell == self.current { mark::CURRENT } else { 0 };
        let input_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let index = [lead[0], a, b];
            let cell = marked(t.grad_input[index], is_current(Current::Input(index)));
            self.hide(cell, Walk::GradInput, t.input_step(index), "grad_input")
        };
        let weight_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let index = [lead[0], lead[1], a, b];
            let cell = marked(t.grad_weight[index], is_current(Current::Weight(index)));
            self.hide(cell, Walk::GradWeight, t.weight_step(index), "grad_weight")
        };
        let bias_cell = |_: &[usize], [_, f]: [usize; 2]| {
            self.hide(marked(t.grad_bias[f], is_current(Current::Bias(f))), Walk::GradBias, Some(f), "grad_bias")
        };
        // A click on gradient `focus`: that gradient in focus first, then its step.
        let to = |focus: GradFocus| -> Callback<usize> {
            let (on_focus, on_step) = (on_focus.clone(), on_step.clone());
            Callback::from(move |s| {
                if focus != now {
                    on_focus.emit(focus);
                }
                on_step.emit(s);
            })
        };
        let trace = self.t.clone();
        let on_input: Callback<GridCell> =
            jump(&to(GradFocus::Input), move |lead, [a, b]| trace.input_step([*lead.first()?, a, b]));
        let trace = self.t.clone();
        let on_weight = jump(&to(GradFocus::Weight), move |lead, [a, b]| {
            let [f, c] = lead.try_into().ok()?;
            trace.weight_step([f, c, a, b])
        });
        // grad_bias is drawn as a 1D vector: its cells arrive as [0, f].
        let on_bias = jump(&to(GradFocus::Bias), |_, [_, f]| Some(f));
        let dx_marked = |lead: &[usize]| match self.current {
            Current::Input([c, i, j]) if c == lead[0] => vec![[i, j]],
            _ => vec![],
        };
        let dx = Grids::new("grad_input", g.dims, "dX = grad_input", g.input, &input_cell)
            .per(&["channel"], leads_1(g.in_channels))
            .on_click(on_input)
            .planes(dx_planes, &dx_marked)
            .render();
        let dw = Grids::new("grad_weight", g.dims, "dW = grad_weight", [kh, kw], &weight_cell)
            .per(&["filter", "channel"], leads_2(wf, wc))
            .on_click(on_weight)
            .render();
        let db = Grids::new("grad_bias", Dims::One, "db = grad_bias", [1, g.out_channels], &bias_cell)
            .on_click(on_bias)
            .render();
        [dx, dw, db]
    }
}
