//! Backpropagation: the three gradients of the convolution, each steppable
//! cell by cell. For the current gradient cell the view marks the dY cells
//! and the inputs or weights that meet in its sum, and writes the sum out.
//! Everything shown is read from the core's [`Backward`], each cell's terms on demand.

use std::collections::HashSet;

use yew::prelude::*;

use crate::conv::{Backward, Dims, Walk, format};
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::model::state::{Action, GradFocus, Move, ViewAction};
use crate::ui::panels::practice::{PracticeOn, number_panel, size_hidden};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, leads_2, legend, marked, stack, switch};
use crate::ui::widgets::heatmap::Planes;
use crate::ui::widgets::matrix::mark;

#[derive(Properties, PartialEq)]
pub struct BackpropViewProps {
    pub trace: Shared<Backward>,
    pub step: usize,
    pub focus: GradFocus,
    /// Practice: the focused gradient's cells are asked for, one per step.
    #[prop_or_default]
    pub practice: Option<PracticeOn>,
    pub dispatch: Callback<Action>,
}

/// The gradient cell the player is on.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Current {
    Input([usize; 3]),
    Weight([usize; 4]),
    Bias(usize),
}

/// Callback for clicks on a gradient: focus that gradient and step to the cell.
fn jump(
    dispatch: &Callback<Action>,
    focus: GradFocus,
    now: GradFocus,
    step_of: impl Fn(&[usize]) -> Option<usize> + 'static,
) -> Callback<GridCell> {
    let d = dispatch.clone();
    Callback::from(move |(lead, pos): GridCell| {
        let index: Vec<usize> = lead.iter().copied().chain(pos).collect();
        if let Some(s) = step_of(&index) {
            if focus != now {
                d.emit(Action::View(ViewAction::SetGradFocus(focus)));
            }
            d.emit(Action::View(ViewAction::Step(Move::To(s))));
        }
    })
}

#[component]
pub fn BackpropView(props: &BackpropViewProps) -> Html {
    let t = &props.trace;
    // The heatmaps' pixels, made once per result, not once per step.
    let x_planes = use_memo(t.clone(), |t| Planes::of3(&t.forward.padded.values));
    let dy_planes = use_memo(t.clone(), |t| Planes::of3(&t.grad_output));
    let dx_planes = use_memo(t.clone(), |t| Planes::of3(&t.grad_input));
    let g = &t.forward.geometry;
    let dims = g.dims;
    let padded = &t.forward.padded;
    let show_channels = g.in_channels > 1 || g.out_channels > 1;
    let current = match props.focus {
        GradFocus::Input => t.input_cell(props.step).map(Current::Input),
        GradFocus::Weight => t.weight_cell(props.step).map(Current::Weight),
        GradFocus::Bias => (props.step < g.out_channels).then_some(Current::Bias(props.step)),
    };
    let Some(current) = current else {
        return html! { <p>{ "No steps." }</p> };
    };

    // What meets in the current cell's sum (sets: a weight gradient's sum
    // has a term per output position, looked up once per drawn cell).
    let mut dy_used: HashSet<[usize; 3]> = HashSet::new();
    let mut weights_used: HashSet<[usize; 4]> = HashSet::new();
    let mut inputs_used: HashSet<(usize, [usize; 2])> = HashSet::new();
    let (equation, title) = match current {
        Current::Input([c, i, j]) => {
            let terms = t.input_terms_of([c, i, j]);
            for term in &terms {
                dy_used.insert(term.out_index);
                weights_used.insert(term.weight_index);
            }
            let x = format::label("x", dims, show_channels.then_some(&[c][..]), [i, j]);
            (
                t.input_equation_of([c, i, j], &terms),
                format!("dL/d{x}: every window that read {x} sends back dY there times the weight {x} met (outlined)"),
            )
        }
        Current::Weight(index) => {
            let terms = t.weight_terms_of(index);
            for term in &terms {
                dy_used.insert(term.out_index);
                inputs_used.insert((term.channel, term.padded_pos));
            }
            weights_used.insert(index);
            let [f, cl, ki, kj] = index;
            let w = format::label("w", dims, show_channels.then_some(&[f, cl][..]), [ki, kj]);
            (
                t.weight_equation_of(index, &terms),
                format!("dL/d{w}: at every window position, the padded input under this tap times dY there"),
            )
        }
        Current::Bias(f) => {
            let [_, oh, ow] = g.output_shape();
            dy_used.extend((0..oh).flat_map(|i| (0..ow).map(move |j| [f, i, j])));
            (
                t.bias_equation(f),
                format!("dL/db[{f}]: the bias is added to every output cell of filter {f}, so dY there adds up"),
            )
        }
    };

    // Practice: where the terms are shows from the first hint on; only the
    // cells answered (or, as the player passes, revealed) show their numbers.
    let practice = props.practice.as_ref().filter(|_| {
        let cells = [g.input_shape().iter().product::<usize>(), t.grad_weight.len(), g.output_shape().iter().product()];
        cells.iter().all(|&n| n <= crate::ui::widgets::heatmap::DOM_CELLS)
    });
    if practice.is_some_and(|p| p.state.hints == 0 || !p.asks_number()) {
        dy_used.clear();
        weights_used.clear();
        inputs_used.clear();
    }
    let hidden = |walk: Walk, step: Option<usize>, matrix: &'static str| {
        practice.is_some_and(|p| {
            step.is_none_or(|s| {
                if walk == p.walk {
                    p.hides(s, props.step, matrix)
                } else {
                    !p.state.answered.contains(&(walk, s, matrix))
                }
            })
        })
    };
    let with_hidden =
        |mut cell: crate::ui::widgets::matrix::Cell, walk: Walk, step: Option<usize>, matrix: &'static str| {
            if hidden(walk, step, matrix) {
                cell.marks |= mark::HIDDEN;
            }
            cell
        };

    // Forward context: the padded input and the weight, with what meets marked.
    let input_cell = |lead: &[usize], pos: [usize; 2]| {
        let c = lead[0];
        let mut marks = if padded.is_padding(pos) { mark::PAD } else { 0 };
        if inputs_used.contains(&(c, pos)) {
            marks |= mark::SOURCE;
        }
        if let Current::Input([cc, i, j]) = current
            && cc == c
            && padded.source(pos) == Some([i, j])
        {
            marks |= mark::SELECTED;
        }
        marked(padded.values[[c, pos[0], pos[1]]], marks)
    };
    let weight_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], lead[1], a, b];
        let marks = if weights_used.contains(&index) {
            if current == Current::Weight(index) { mark::SELECTED } else { mark::SOURCE }
        } else {
            0
        };
        marked(t.weight()[index], marks)
    };
    let dy_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        marked(t.grad_output[index], if dy_used.contains(&index) { mark::SOURCE } else { 0 })
    };
    let (wf, wc, kh, kw) = t.weight().dim();
    let (_, ph, pw) = padded.values.dim();
    // Where marks can be: the terms' cells, and the copies of the current input cell.
    let x_marked = |lead: &[usize]| {
        let mut cells: Vec<[usize; 2]> =
            inputs_used.iter().filter(|(c, _)| *c == lead[0]).map(|&(_, pos)| pos).collect();
        if let Current::Input([c, i, j]) = current
            && c == lead[0]
        {
            let cols = padded.copies_of(1, j);
            cells.extend(padded.copies_of(0, i).into_iter().flat_map(|i| cols.iter().map(move |&j| [i, j])));
        }
        cells
    };
    let dy_marked = |lead: &[usize]| dy_used.iter().filter(|d| d[0] == lead[0]).map(|d| [d[1], d[2]]).collect();
    let x_grids = Grids::new("backprop_input", dims, "padded input x", [ph, pw], &input_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .planes(&x_planes, &x_marked)
        .render();
    let w_grids = Grids::new("backprop_weight", dims, "weight W", [kh, kw], &weight_cell)
        .per(&["filter", "channel"], leads_2(wf, wc))
        .render();
    let dy_grids = if practice.is_some_and(PracticeOn::hides_size) {
        size_hidden("dY")
    } else {
        Grids::new("dy", dims, "dY (upstream gradient)", g.output, &dy_cell)
            .per(&["filter"], leads_1(g.out_channels))
            .planes(&dy_planes, &dy_marked)
            .render()
    };

    // The three gradients; a click on a cell focuses its gradient and steps there.
    let is_current = |cell: Current| if cell == current { mark::CURRENT } else { 0 };
    let grad_input_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        with_hidden(
            marked(t.grad_input[index], is_current(Current::Input(index))),
            Walk::GradInput,
            t.input_step(index),
            "grad_input",
        )
    };
    let grad_weight_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], lead[1], a, b];
        with_hidden(
            marked(t.grad_weight[index], is_current(Current::Weight(index))),
            Walk::GradWeight,
            t.weight_step(index),
            "grad_weight",
        )
    };
    let grad_bias_cell = |_: &[usize], [_, f]: [usize; 2]| {
        with_hidden(marked(t.grad_bias[f], is_current(Current::Bias(f))), Walk::GradBias, Some(f), "grad_bias")
    };
    let trace = t.clone();
    let on_input =
        jump(&props.dispatch, GradFocus::Input, props.focus, move |ix| trace.input_step(ix.try_into().ok()?));
    let trace = t.clone();
    let on_weight =
        jump(&props.dispatch, GradFocus::Weight, props.focus, move |ix| trace.weight_step(ix.try_into().ok()?));
    // grad_bias is drawn as a 1D vector: its cells arrive as [0, f].
    let on_bias = jump(&props.dispatch, GradFocus::Bias, props.focus, |ix| ix.last().copied());
    let dx_marked = |lead: &[usize]| match current {
        Current::Input([c, i, j]) if c == lead[0] => vec![[i, j]],
        _ => vec![],
    };
    let grad_input = Grids::new("grad_input", dims, "dX = grad_input", g.input, &grad_input_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .on_click(on_input)
        .planes(&dx_planes, &dx_marked)
        .render();
    let grad_weight = Grids::new("grad_weight", dims, "dW = grad_weight", [kh, kw], &grad_weight_cell)
        .per(&["filter", "channel"], leads_2(wf, wc))
        .on_click(on_weight)
        .render();
    let grad_bias = Grids::new("grad_bias", Dims::One, "db = grad_bias", [1, g.out_channels], &grad_bias_cell)
        .on_click(on_bias)
        .render();

    let focuses = [
        (GradFocus::Input, "dX (grad_input)"),
        (GradFocus::Weight, "dW (grad_weight)"),
        (GradFocus::Bias, "db (grad_bias)"),
    ];
    let relation = match props.focus {
        GradFocus::Input => {
            "dX is the transposed convolution of dY with W: every dY cell scatters a scaled copy of the kernel back onto the input."
        }
        GradFocus::Weight => {
            "dW is the correlation of the padded input with dY: slide dY over the padded input like a kernel."
        }
        GradFocus::Bias => "db sums dY over each filter's positions.",
    };
    html! {
        <section class="view backprop-view" aria-label="Backpropagation">
            { switch("Gradient", &focuses, props.focus, props.dispatch.reform(|v| Action::View(ViewAction::SetGradFocus(v)))) }
            <p class="backprop-note">{
                "The backward pass of a convolution is a convolution: dX is the transposed convolution of dY with W, \
                 dW is the correlation of the (padded) input with dY, db sums dY. Edit dY in the editors column."
            }</p>
            <h3>{ "Forward pass and upstream gradient" }</h3>
            <div class="matrices">
                { for [x_grids, w_grids, dy_grids].into_iter().map(stack) }
            </div>
            <h3>{ "Gradients (click a cell to step to it)" }</h3>
            <div class="matrices">
                { for [grad_input, grad_weight, grad_bias].into_iter().map(stack) }
            </div>
            { legend(&[
                ("current", "current gradient cell"),
                ("source", "terms of its sum"),
                ("selected", "the same cell in the forward pass"),
                ("pad", "padding"),
            ]) }
            if let Some(p) = practice {
                if let Some(q) = p.asks_number().then(|| Question::backprop(t, props.focus, props.step)).flatten() {
                    { number_panel(&q, p, &props.dispatch) }
                }
            } else {
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ title }</p>
                <p class="eq">{ equation }</p>
                <p class="hint">{ relation }</p>
            </div>
            }
            if props.practice.is_some() && practice.is_none() {
                <p class="hint">{ "Practice asks for gradient cells where every one is shown as a number: make the problem smaller." }</p>
            }
        </section>
    }
}
