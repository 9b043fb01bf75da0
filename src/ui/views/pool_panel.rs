//! The network view's pooling panel (#22): a pooling layer's own sliding
//! window, stepped with the app's player. Forward: the layer's input
//! (padded, one channel) with the current window outlined and, for max
//! pooling, its winner ringed; the output with the current cell; the
//! step's equation (`max(...) = ...`, or the sum over PyTorch's divisor).
//! Gradient (`dY = 1`): each input cell's `dX`, routed to the winners or
//! spread over the windows, the sum written out. Every number comes from
//! the core's [`PoolGeometry`] traces; this only draws them.

use ndarray::Array3;
use yew::prelude::*;

use crate::conv::index::{ravel, unravel};
use crate::conv::{Dims, PoolGeometry, PoolKind, PoolStep, PoolWalk, Winners};
use crate::model::equation;
use crate::model::format;
use crate::model::network::NetResults;
use crate::model::practice::Question;
use crate::model::state::PoolPanel;
use crate::ui::panels::practice::PracticeOn;
use crate::ui::views::frame::StepEvents;
use crate::ui::widgets::grids::{Grids, legend, switch};
use crate::ui::widgets::heatmap::DOM_CELLS;
use crate::ui::widgets::matrix::{Cell, mark};
use crate::ui::widgets::player::player;

/// The player's state, as the app has it.
#[derive(Clone, PartialEq)]
pub struct PlayerState {
    pub step: usize,
    pub steps: usize,
    pub playing: bool,
    pub speed: f64,
}

/// What the panel reports.
#[derive(Clone, PartialEq)]
pub struct PoolEvents {
    /// The player's moves, a step picked, play and speed.
    pub player: StepEvents,
    /// A pooling layer (from 0) stepped through, or none: the panel closed.
    pub on_layer: Callback<Option<usize>>,
    pub on_walk: Callback<PoolWalk>,
}

/// One render: the layer's geometry, its input and output, the step.
struct Scene<'a> {
    g: PoolGeometry,
    dims: Dims,
    /// The layer's number, from 1.
    k: usize,
    input: &'a Array3<f64>,
    output: &'a Array3<f64>,
    winners: Option<&'a Winners>,
    /// Channel indices are written when there are several.
    channels: bool,
    /// The step shown.
    index: usize,
    /// Practice, where the asked grid is drawn as numbers: its cells from
    /// the current step on are hidden, and the step's equation is the question.
    practice: Option<&'a PracticeOn>,
}

/// Whether practice asks for the cells of `walk` (forward: the output's,
/// gradient: the input's): one channel at a time, so that grid must be drawn
/// as numbers, not as a heatmap whose colours would give the answers.
pub fn practice_fits(g: &PoolGeometry, dims: Dims, walk: PoolWalk) -> bool {
    let [h, w] = match walk {
        PoolWalk::Forward => g.output,
        PoolWalk::Gradient => g.input,
    };
    (if dims == Dims::One { w } else { h * w }) <= DOM_CELLS
}

/// The panel of `panel.layer` in `results`, at `state.step`; `practice`:
/// practice is on (the panel asks for the walk's cells).
pub fn pool_panel(
    results: &NetResults,
    dims: Dims,
    panel: PoolPanel,
    state: &PlayerState,
    practice: Option<&PracticeOn>,
    events: &PoolEvents,
) -> Html {
    let index = panel.layer;
    let k = index + 1;
    let eval = &results.eval;
    let (Some(input), Some(output)) = (eval.outputs.get(index), eval.outputs.get(k)) else {
        return Html::default();
    };
    let (c, h, w) = input.dim();
    let Some(g) = results.network.layers.get(index).and_then(|l| l.pool_geometry([c, h, w])) else {
        return Html::default();
    };
    let fits = practice_fits(&g, dims, panel.walk);
    let scene = Scene {
        g,
        dims,
        k,
        input,
        output,
        winners: eval.winners.get(k).and_then(|w| w.as_deref()),
        channels: c > 1,
        index: state.step,
        practice: practice.filter(|_| fits),
    };
    let unit = if panel.walk == PoolWalk::Forward { "output cell" } else { "input cell" };
    let e = &events.player;
    let controls = e.player(state.step, state.steps, state.playing, state.speed, unit.into());
    let body = match panel.walk {
        PoolWalk::Forward => g.step(input, state.step).map(|s| scene.forward(&s, e)),
        PoolWalk::Gradient => unravel(state.step, g.input_shape()).map(|cell| scene.gradient(cell, e)),
    };
    let unit = if panel.walk == PoolWalk::Forward { "output cells" } else { "input cells' gradients" };
    let kind = if g.pool.kind == PoolKind::Max { "max" } else { "average" };
    html! {
        <section class="pool-panel" aria-label={format!("Layer {k} step by step")} data-pool-panel={k.to_string()}>
            <h3>{ format!("Layer {k}, {}: {kind} pooling step by step", g.pool.name()) }</h3>
            <div class="pool-controls">
                { switch("Show", &[(PoolWalk::Forward, "forward"), (PoolWalk::Gradient, "gradient")], panel.walk, events.on_walk.clone()) }
                <button type="button" class="close-pool" onclick={events.on_layer.reform(|_| None)}>{ "Close" }</button>
            </div>
            { player(&controls) }
            { body.unwrap_or_else(|| html! { <p>{ "No steps." }</p> }) }
            if practice.is_some() && !fits {
                <p class="hint">{ format!(
                    "Practice asks for {unit} where every one is shown as a number: make the layer smaller."
                ) }</p>
            }
        </section>
    }
}

impl Scene<'_> {
    /// `x[...]` / `y[...]` of the layer's input or output.
    fn label(&self, name: &str, [c, i, j]: [usize; 3]) -> String {
        let lead = [c];
        format::label(name, self.dims, self.channels.then_some(&lead[..]), [i, j])
    }

    /// What the layer's input is: the network's input, or the layer above's output.
    fn source(&self) -> String {
        if self.k == 1 { "the network's input".into() } else { format!("layer {}'s output", self.k - 1) }
    }

    /// `[rows, columns]` of the padded input of one channel (1D: one row).
    fn padded_size(&self) -> [usize; 2] {
        let [ph, pw] = self.g.pool.padding;
        [self.g.input[0] + 2 * ph, self.g.input[1] + 2 * pw]
    }

    /// Whether step `step`'s cell of `matrix` is a question not yet answered.
    fn hides(&self, step: usize, matrix: &'static str) -> bool {
        self.practice.is_some_and(|p| p.hides(step, self.index, matrix))
    }

    /// The step's equation or, practising, its question.
    fn equation(&self, equation: Html, question: impl FnOnce() -> Option<Question>, events: &StepEvents) -> Html {
        match self.practice.and_then(|p| Some((p, question()?))) {
            Some((p, q)) => p.ask(q, &events.answers),
            None => equation,
        }
    }

    /// One window: the padded input of its channel, the output, the equation.
    fn forward(&self, step: &PoolStep, events: &StepEvents) -> Html {
        let on_step = &events.on_step;
        // The winner is the answer of a max-pool question: not ringed until answered.
        let asked = self.hides(self.index, "pool_output");
        let g = &self.g;
        let [c, oi, oj] = step.out_index;
        let size = self.padded_size();
        // The window's taps along each axis, in padded positions; a ceil-mode
        // window may reach past the padded border, where nothing is drawn.
        let taps = |axis: usize, o: usize| -> Vec<usize> {
            (0..g.pool.kernel[axis]).map(|t| g.padded_pos(axis, o, t)).filter(|&q| q < size[axis]).collect()
        };
        let (rows, cols) = (taps(0, oi), taps(1, oj));
        let (top, left) = (step.start[0], step.start[1]);
        let bottom = rows.last().copied().unwrap_or(top);
        let right = cols.last().copied().unwrap_or(left);
        let pad_value = if g.pool.kind == PoolKind::Max { f64::NEG_INFINITY } else { 0.0 };
        let input = self.input;
        let cell = |lead: &[usize], [pi, pj]: [usize; 2]| {
            let source = g.source_along(0, pi).zip(g.source_along(1, pj));
            let mut marks = mark::edges(pi, pj, (top, left), (bottom, right));
            if rows.contains(&pi) && cols.contains(&pj) {
                marks |= mark::TAP;
            }
            let value = match source {
                Some((i, j)) => {
                    if step.winner == Some([i, j]) && !asked {
                        marks |= mark::WINNER;
                    }
                    input[[lead[0], i, j]]
                }
                None => {
                    marks |= mark::PAD;
                    pad_value
                }
            };
            Cell { marks, ..Cell::new(String::new(), value) }
        };
        let caption = if g.pool.padding == [0, 0] {
            format!("input ({})", self.source())
        } else {
            format!("padded input ({})", self.source())
        };
        let padded =
            Grids::new("pool_input", self.dims, caption, size, &cell).per(&["channel"], vec![vec![c]]).render();
        let output = self.output;
        let shape = g.output_shape();
        let out_cell = |lead: &[usize], [i, j]: [usize; 2]| {
            let index = [lead[0], i, j];
            let mut marks = if index == step.out_index { mark::CURRENT } else { 0 };
            if self.practice.is_some() && g.step_of(index).is_none_or(|s| self.hides(s, "pool_output")) {
                marks |= mark::HIDDEN;
            }
            Cell { marks, ..Cell::new(String::new(), output[index]) }
        };
        let jump = on_step
            .reform(move |(lead, [i, j]): (Vec<usize>, [usize; 2])| ravel([lead[0], i, j], shape).unwrap_or_default());
        let out = Grids::new("pool_output", self.dims, format!("y{}", self.k), g.output, &out_cell)
            .per(&["channel"], vec![vec![c]])
            .on_click(jump)
            .render();
        let note = match (g.pool.kind, step.winner, step.divisor) {
            (PoolKind::Max, Some([i, j]), _) => format!(
                "{} wins (ringed): the first largest value of the window, the one PyTorch's max pooling takes{}.",
                self.label("x", [c, i, j]),
                if g.pool.padding == [0, 0] { "" } else { "; padding is \u{2212}\u{221E} and never wins" }
            ),
            (PoolKind::Avg, _, Some(d)) => self.divisor_note(step, d),
            _ => String::new(),
        };
        let mut keys = vec![("win et eb el er", "the window"), ("current", "the output cell")];
        if g.pool.padding != [0, 0] {
            keys.push(("pad", "padding"));
        }
        if g.pool.kind == PoolKind::Max && !asked {
            keys.push(("winner", "the value taken"));
        }
        let equation = html! {
            <div class="equation" aria-live="polite">
                <p class="eq pool-eq">{ equation::pool_step(step, self.dims, self.channels) }</p>
                if !note.is_empty() {
                    <p class="pool-note">{ note }</p>
                }
            </div>
        };
        html! {
            <>
                <div class="matrices">{ padded }{ out }</div>
                { legend(&keys) }
                { self.equation(equation, || Question::pool(g, self.input, self.index, self.k), events) }
            </>
        }
    }

    /// Why average pooling divides by `d`: PyTorch's `count_include_pad` and
    /// `ceil_mode` rules, with this window's numbers.
    fn divisor_note(&self, step: &PoolStep, d: usize) -> String {
        let g = &self.g;
        let full = g.pool.kernel[0] * g.pool.kernel[1];
        let inside = step.cells.len();
        if !g.pool.count_include_pad {
            format!("Divided by {d}: the window's input cells only (count_include_pad=False leaves its padding out).")
        } else if d < full {
            format!(
                "Divided by {d}, not {full}: the window runs past the padded border (ceil_mode), and PyTorch counts \
                 only its cells inside that border."
            )
        } else if inside < d {
            format!("Divided by {d}: its {} padding cell(s) count too (count_include_pad=True).", d - inside)
        } else {
            format!("Divided by {d}: the window's cells.")
        }
    }

    /// One input cell's gradient for `dY = 1`: the input, the windows over it, `dX`.
    fn gradient(&self, cell: [usize; 3], events: &StepEvents) -> Html {
        let g = &self.g;
        // Which windows the cell won is the answer of a max-pool question: not ringed until answered.
        let asked = self.hides(self.index, "pool_grad_input");
        let [c, i, j] = cell;
        let terms = g.grad_terms(self.winners, cell);
        let dx = g.grad_input_ones(self.winners);
        let input = self.input;
        let in_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let marks = if [lead[0], a, b] == cell { mark::CURRENT } else { 0 };
            Cell { marks, ..Cell::new(String::new(), input[[lead[0], a, b]]) }
        };
        let output = self.output;
        let out_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let mut marks = 0;
            if let Some(t) = terms.iter().find(|t| t.out == [a, b]) {
                marks |= mark::FED;
                if t.routed && t.divisor.is_none() && !asked {
                    marks |= mark::WINNER;
                }
            }
            Cell { marks, ..Cell::new(String::new(), output[[lead[0], a, b]]) }
        };
        let shape = g.input_shape();
        let dx_cell = |lead: &[usize], [a, b]: [usize; 2]| {
            let index = [lead[0], a, b];
            let mut marks = if index == cell { mark::CURRENT } else { 0 };
            if self.practice.is_some() && ravel(index, shape).is_none_or(|s| self.hides(s, "pool_grad_input")) {
                marks |= mark::HIDDEN;
            }
            Cell { marks, ..Cell::new(String::new(), dx[index]) }
        };
        let leads = vec![vec![c]];
        let how = if g.pool.kind == PoolKind::Max {
            "Max pooling passes each output's gradient to the one cell its window took, and 0 to the others."
        } else {
            "Average pooling spreads each output's gradient evenly: each cell of a window gets 1/divisor of it."
        };
        let equation = html! {
            <div class="equation" aria-live="polite">
                <p class="eq pool-eq">{ equation::pool_grad(&terms, [c, i, j], self.dims, self.channels) }</p>
                <p class="pool-note">{ how }</p>
            </div>
        };
        html! {
            <>
                <div class="matrices">
                    { Grids::new("pool_input", self.dims, format!("x ({})", self.source()), g.input, &in_cell).per(&["channel"], leads.clone()).render() }
                    { Grids::new("pool_output", self.dims, format!("y{}, dy = 1 everywhere", self.k), g.output, &out_cell).per(&["channel"], leads.clone()).render() }
                    { Grids::new("pool_grad_input", self.dims, "dx", g.input, &dx_cell).per(&["channel"], leads).render() }
                </div>
                { legend(&[("current", "the input cell"), ("fed", "the windows over it"), ("winner", "the windows it won (max)")]
                    [..if g.pool.kind == PoolKind::Max && !asked { 3 } else { 2 }]) }
                { self.equation(equation, || Question::pool_grad(g, self.winners, self.index), events) }
            </>
        }
    }
}
