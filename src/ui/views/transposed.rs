//! Transposed convolution: each input cell scales the kernel and the copy is
//! added to the canvas at its stride offset; overlaps add up, padding crops
//! the canvas to the output. Two other explanations run in step with the
//! scatter: the direct convolution of the zero-inserted input with the flipped
//! kernel, and the matrix form `C^T x`. Everything shown is read from the
//! core's [`Transposed`] (each step on demand), [`ZeroInsertedConv`] and [`MatrixForm`].
//! The player, the practice panel and the empty state are the step frame's ([`Frame`]).

use std::rc::Rc;

use yew::prelude::*;

use crate::model::view_state::View;

use crate::conv::transposed::{CanvasRole, Placement, ScatterStep};
use crate::conv::{Dims, MatrixForm, Transposed, ZeroInsertedConv};
use crate::model::equation;
use crate::model::format;
use crate::model::practice::Question;
use crate::model::results::{Shared, Shown};
use crate::model::state::Explain;
use crate::ui::panels::practice::{PracticeOn, size_hidden};
use crate::ui::views::frame::{Frame, Stepped};
use crate::ui::widgets::grids::{GridCell, Grids, entering, leads_1, leads_2, legend, marked, stack, switch, unit};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

#[derive(Properties, PartialEq)]
pub struct TransposedViewProps {
    pub trace: Shared<Transposed>,
    /// The transpose of the direct convolution being edited: its input is
    /// that convolution's output y, its output has the convolution's input shape.
    #[prop_or_default]
    pub of_conv: bool,
    pub zero_inserted: Option<Shown<ZeroInsertedConv>>,
    pub matrix: Option<Shown<MatrixForm>>,
    pub selected: Option<[usize; 3]>,
    pub explain: Explain,
    /// The player, and practice: the output's overlap sums are asked for, cell by cell.
    pub frame: Frame,
    /// An output cell `[f, i, j]` clicked, or entered by the pointer, for its overlap sum.
    pub on_select: Callback<[usize; 3]>,
    /// Another explanation picked.
    pub on_explain: Callback<Explain>,
}

/// Marks of the canvas/output role of a canvas position.
fn role_marks(role: CanvasRole) -> u32 {
    match role {
        CanvasRole::Cropped => mark::CROPPED,
        CanvasRole::Extra(_) => mark::EXTRA,
        CanvasRole::Kept(_) => 0,
    }
}

/// The placement of `step` on canvas cell `(f, pos)`, if it places one there.
fn placement_at(step: &ScatterStep, f: usize, pos: [usize; 2]) -> Option<&Placement> {
    step.placements.iter().find(|p| p.f == f && p.canvas_pos == pos)
}

/// `F×OH×OW` (1D: `F×OW`).
fn shape_text(dims: Dims, [c, h, w]: [usize; 3]) -> String {
    if dims == Dims::Two { format!("{c}\u{00D7}{h}\u{00D7}{w}") } else { format!("{c}\u{00D7}{w}") }
}

#[component]
pub fn TransposedView(props: &TransposedViewProps) -> Html {
    let t = &props.trace;
    let frame = &props.frame;
    // Practice asks for the output cell by cell where each is drawn as a
    // number; beyond that, the zero-inserted windows (the same walk) are shown.
    let fits = t.geometry.output_shape().iter().product::<usize>() <= crate::ui::widgets::heatmap::DOM_CELLS;
    let view = if let Some(p) = frame.practising(fits) {
        practice_layout(t, frame.step, p, props.of_conv)
    } else if props.explain == Explain::ZeroInserted || frame.practice.is_some() {
        match props.zero_inserted.clone() {
            Some(Ok(z)) => zero_inserted_windows(t, &z, frame.step, props.of_conv),
            Some(Err(e)) => Some(Layout::drawing(html! { <p class="hint too-large">{ e.to_string() }</p> })),
            None => Some(Layout::drawing(Html::default())),
        }
    } else {
        scatter_layout(props)
    };
    let Some(view) = view else {
        return frame.empty();
    };
    frame.show(Stepped {
        class: "transposed-view",
        label: View::Transposed.label(!props.of_conv),
        fits,
        asks_for: "output cells",
        drawing: html! { <>{ header(props) }{ view.drawing }</> },
        equation: view.equation,
        question: view.question,
        own_question: None,
    })
}

/// What one explanation shows: its drawing, the step's equation, practice's question.
struct Layout {
    drawing: Html,
    equation: Html,
    question: Option<Question>,
}

impl Layout {
    /// A drawing with no equation.
    fn drawing(drawing: Html) -> Layout {
        Layout { drawing, equation: Html::default(), question: None }
    }
}

/// Above every explanation: what the transpose of a convolution is, and the choice of explanation.
fn header(props: &TransposedViewProps) -> Html {
    let g = &props.trace.geometry;
    let practice = props.frame.practice.as_ref();
    html! {
        <>
            if props.of_conv && !practice.is_some_and(PracticeOn::hides_size) {
                <p class="view-note">{ format!(
                    "The transpose of this convolution: the same kernel maps its output y ({}) back to its input's shape ({}). \
                     Each cell of y scales the kernel and adds it where its window was; where windows overlapped, the copies add up. \
                     With dY in place of y this is backprop's dX. To edit a transposed convolution itself, choose it under Parameters.",
                    shape_text(g.dims, g.input_shape()),
                    shape_text(g.dims, g.output_shape()),
                ) }</p>
            }
            if practice.is_none() {
                { switch("Explanation", &EXPLANATIONS, props.explain, props.on_explain.clone()) }
            }
        </>
    }
}

/// Scatter and sum, or the matrix form: the input (a click steps to a cell),
/// the step's copy, and the output (a hover or click lists a cell's overlap sum).
fn scatter_layout(props: &TransposedViewProps) -> Option<Layout> {
    let t = &props.trace;
    let g = &t.geometry;
    let dims = g.dims;
    let step_index = props.frame.step;
    let step = t.step(step_index)?;
    let selected = props.selected.filter(|&s| t.output.get(s).is_some()).or_else(|| t.first_output_of(step_index));
    let sources: Vec<[usize; 3]> =
        selected.map(|s| t.contributions_of(s).iter().map(|k| k.in_index).collect()).unwrap_or_default();

    // Input: the current cell and the sources of the selected output cell; a click steps there.
    let input_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        let mut marks = if index == step.in_index { mark::CURRENT } else { 0 };
        if sources.contains(&index) {
            marks |= mark::SOURCE;
        }
        marked(t.input_value(index).unwrap_or_default(), marks)
    };
    let geometry = *g;
    let input_caption = if props.of_conv {
        "y, the convolution's output (click a cell to step there)"
    } else {
        "input x (click a cell to step there)"
    };
    let input = Grids::new("transposed_input", dims, input_caption, g.input, &input_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .on_click(props.frame.jump(move |lead, [a, b]| geometry.step_of([lead[0], a, b])))
        .render();

    // Output: hover or click a cell to list its overlap sum.
    let output_cell = |lead: &[usize], pos: [usize; 2]| {
        let f = lead[0];
        let mut marks = role_marks(t.canvas_role(t.canvas_pos_of(pos)));
        if selected == Some([f, pos[0], pos[1]]) {
            marks |= mark::SELECTED;
        }
        marked(t.output[[f, pos[0], pos[1]]], marks)
    };
    let on_select = props.on_select.reform(|(lead, [a, b]): GridCell| [lead[0], a, b]);
    // Leaving the grid keeps the selection: the sum stays readable below.
    let output = Grids::new("output", dims, "final output (hover a cell for its sum)", g.output, &output_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .on_click(on_select.clone())
        .on_hover(entering(on_select))
        .render();

    let (middle, into_output) = match props.explain {
        Explain::Matrix => (matrix_form(t, &step, step_index, props.matrix.as_ref()), "crop \u{2192}"),
        _ => (scatter(t, step_index, &step), "at the end \u{2192}"),
    };
    let mut marks_legend = vec![("placed", "placed this step")];
    if props.explain == Explain::Matrix {
        marks_legend.push(("row", "the current input cell's row"));
    }
    marks_legend.extend([
        ("cropped", "cropped by padding"),
        ("extra", "kept by output_padding"),
        ("selected", "selected"),
        ("source", "its sources"),
    ]);
    let drawing = html! {
        <>
            <div class="matrices">
                { stack(input) }
                { middle }
                { unit(into_output, output) }
            </div>
            { legend(&marks_legend) }
        </>
    };
    Some(Layout { drawing, equation: scatter_equation(t, &step, selected, props.of_conv), question: None })
}

/// The step's copy, where it starts and what it crops; the selected cell's
/// overlap sum; how the canvas becomes the output.
fn scatter_equation(t: &Transposed, step: &ScatterStep, selected: Option<[usize; 3]>, of_conv: bool) -> Html {
    let g = &t.geometry;
    let [c, i, j] = step.in_index;
    let show_channels = g.in_channels > 1 || g.out_channels > 1;
    let x_label =
        format::label(equation::transposed_names(of_conv).0, g.dims, show_channels.then_some(&[c][..]), [i, j]);
    let cropped = step.placements.iter().filter(|p| p.out_pos.is_none()).count();
    let first = step.placements.first().map(|p| p.canvas_pos).unwrap_or_default();
    html! {
        <div class="equation" aria-live="polite">
            <p class="eq-title">{ format!(
                "{x_label} = {} scales the kernel; its copy starts at canvas {}{}",
                format::short(step.x),
                format::label("", g.dims, None, first),
                if cropped > 0 { format!(" ({cropped} of its {} products cropped by padding)", step.placements.len()) } else { String::new() },
            ) }</p>
            if let Some(sel) = selected {
                <p class="eq overlap">{ equation::overlap_sum(t, sel, of_conv) }</p>
            } else {
                <p class="hint">{ "Padding crops every product of this step: hover an output cell to see its sum." }</p>
            }
            <p class="size-note">{ "Placing every copy gives the full canvas; padding crops it on each side and output_padding keeps extra rows/columns at the bottom/right:" }</p>
            { for crate::model::size_formula::transposed_lines(&t.geometry).into_iter().map(|line| html! { <p class="eq size">{ line }</p> }) }
        </div>
    }
}

/// The current step's scaled kernel copy and the canvas so far.
fn scatter(t: &Transposed, step_index: usize, step: &ScatterStep) -> Html {
    let g = &t.geometry;
    let dims = g.dims;
    let c = step.in_index[0];
    let scaled_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let p = step.placements.iter().find(|p| p.weight_index == [lead[0], lead[1], a, b]);
        let marks = mark::PLACED | p.filter(|p| p.out_pos.is_none()).map_or(0, |_| mark::CROPPED);
        marked(p.map_or(0.0, |p| p.product), marks)
    };
    // The weight's second axis counts the filters of the channel's group.
    let lead_names: &[&str] =
        if g.params.groups > 1 { &["channel", "filter of its group"] } else { &["channel", "filter"] };
    let scaled =
        Grids::new("scaled_kernel", dims, format!("{} \u{00D7} kernel", format::short(step.x)), g.kernel, &scaled_cell)
            .per(lead_names, (0..g.out_per_group).map(|fl| vec![c, fl]).collect())
            .render();
    let canvas_values = t.canvas_after(step_index);
    let canvas_cell = |lead: &[usize], pos: [usize; 2]| {
        let f = lead[0];
        let mut cell = marked(canvas_values[[f, pos[0], pos[1]]], role_marks(t.canvas_role(pos)));
        if let Some(p) = placement_at(step, f, pos) {
            cell.marks |= mark::PLACED;
            cell.note = Some(format::signed(p.product));
        }
        cell
    };
    let canvas = Grids::new("canvas", dims, "canvas so far (uncropped)", g.canvas, &canvas_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .render();
    // The overlap sums as they grow: the canvas so far, cropped to the output.
    let last = step_index + 1 == g.steps();
    let so_far_cell = |lead: &[usize], pos: [usize; 2]| {
        let f = lead[0];
        let [y, x] = t.canvas_pos_of(pos);
        let bias = if last { t.bias.as_ref().map_or(0.0, |b| b[f]) } else { 0.0 };
        let mut cell = marked(canvas_values.get([f, y, x]).copied().unwrap_or(0.0) + bias, 0);
        if let Some(p) = step.placements.iter().find(|p| p.f == f && p.out_pos == Some(pos)) {
            cell.marks |= mark::PLACED;
            cell.note = Some(format::signed(p.product));
        }
        cell
    };
    let so_far_caption = match (&t.bias, last) {
        (Some(_), false) => "output so far (each sum grows as copies land; the bias is added after the last step)",
        _ => "output so far (each sum grows as copies land)",
    };
    let so_far = Grids::new("output_so_far", dims, so_far_caption, g.output, &so_far_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .render();
    html! { <>{ unit("\u{2192}", scaled) }{ unit("+=", canvas) }{ unit("crop \u{2192}", so_far) }</> }
}

/// Practice: the input, the kernel and the output, whose cells are asked for
/// one by one (the player walks the output row-major). The first hint
/// outlines the input cells whose kernel copies land on the asked cell.
///
/// For the transpose of a convolution the input is that convolution's output
/// y: its cells show once answered in the sliding window (else this tab would
/// give them away), and the output, of the input's shape, is called z.
fn practice_layout(t: &Transposed, step: usize, on: &PracticeOn, of_conv: bool) -> Option<Layout> {
    let g = &t.geometry;
    let dims = g.dims;
    let q = Question::transposed(t, step, of_conv)?;
    let asked = crate::conv::index::unravel(step, g.output_shape())?;
    let sources: Vec<[usize; 3]> = if on.state.hints >= 1 && on.asks_number() {
        t.contributions_of(asked).iter().map(|k| k.in_index).collect()
    } else {
        Vec::new()
    };
    let unanswered_y = |index: [usize; 3]| {
        of_conv
            && crate::conv::index::ravel(index, g.input_shape())
                .is_none_or(|s| !on.state.answered.contains(&(crate::conv::Walk::Forward, s, "output")))
    };
    let x_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        let mut marks = if sources.contains(&index) { mark::SOURCE } else { 0 };
        if unanswered_y(index) {
            marks |= mark::HIDDEN;
        }
        marked(t.input[index], marks)
    };
    let x_caption = if of_conv {
        "y, the convolution's output (each cell shows once answered in the sliding window)"
    } else {
        "input x"
    };
    let x = Grids::new("transposed_input", dims, x_caption, g.input, &x_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .render();
    let w_cell = |lead: &[usize], [a, b]: [usize; 2]| marked(t.weight[[lead[0], lead[1], a, b]], 0);
    let lead_names: &[&str] =
        if g.params.groups > 1 { &["channel", "filter of its group"] } else { &["channel", "filter"] };
    let w = Grids::new("weight", dims, "kernel w (each x scales a copy of it)", g.kernel, &w_cell)
        .per(lead_names, leads_2(g.in_channels, g.out_per_group))
        .render();
    let output_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        let mut marks = if index == asked { mark::CURRENT } else { 0 };
        if crate::conv::index::ravel(index, g.output_shape()).is_none_or(|s| on.hides(s, step, "output")) {
            marks |= mark::HIDDEN;
        }
        marked(t.output[index], marks)
    };
    let output = if on.hides_size() {
        size_hidden("output")
    } else {
        let caption = if of_conv { "z, of the input's shape" } else { "output" };
        Grids::new("output", dims, caption, g.output, &output_cell).per(&["filter"], leads_1(g.out_channels)).render()
    };
    let drawing = html! {
        <>
            <div class="matrices">
                { stack(x) }
                { unit("\u{2192}", w) }
                { unit("\u{2192}", output) }
            </div>
            { legend(&[("current", "the output cell asked for"), ("source", "the input cells whose copies land there")]) }
        </>
    };
    Some(Layout { drawing, equation: Html::default(), question: on.asks_number().then_some(q) })
}

/// The explanations the view offers.
const EXPLANATIONS: [(Explain, &str); 3] = [
    (Explain::Scatter, "Scatter and sum"),
    (Explain::ZeroInserted, "Zero-inserted convolution"),
    (Explain::Matrix, "Matrix C\u{1D40}x"),
];

/// The transposed convolution as a sliding window: the kernel, rotated 180
/// degrees, slides over the zero-inserted, padded input, one window per
/// output cell (`step` walks the output row-major). Every number is the
/// core's: [`ZeroInsertedConv::direct`]'s step, and the overlap list of the
/// same output cell.
fn zero_inserted_windows(t: &Transposed, z: &ZeroInsertedConv, step_index: usize, of_conv: bool) -> Option<Layout> {
    let g = &t.geometry;
    let p = &g.params;
    let dims = g.dims;
    let step = z.direct.step(step_index)?;
    let [f, oi, oj] = step.out_index;
    let [sh, sw] = z.direct.geometry.span;
    let window = ((oi, oj), (oi + sh - 1, oj + sw - 1));
    let taps: Vec<(usize, [usize; 2])> = step.terms.iter().map(|term| (term.channel, term.padded_pos)).collect();
    let sources: Vec<[usize; 3]> = t.contributions_of([f, oi, oj]).iter().map(|k| k.in_index).collect();
    let x_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        marked(t.input[index], if sources.contains(&index) { mark::SOURCE } else { 0 })
    };
    let (_, zh, zw) = z.input.dim();
    let zero_cell = |lead: &[usize], pos: [usize; 2]| {
        let c = lead[0];
        let mut marks = if z.sources[pos].is_none() { mark::PAD } else { 0 };
        marks |= mark::edges(pos[0], pos[1], window.0, window.1);
        if taps.contains(&(c, pos)) {
            marks |= mark::TAP;
        }
        marked(z.input[[c, pos[0], pos[1]]], marks)
    };
    let kernel_cell = |lead: &[usize], pos: [usize; 2]| {
        marked(z.kernel[[lead[0], lead[1], pos[0], pos[1]]], if lead[0] == f { mark::TAP } else { 0 })
    };
    let output_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let marks = if [lead[0], a, b] == [f, oi, oj] { mark::CURRENT } else { 0 };
        marked(t.output[[lead[0], a, b]], marks)
    };
    let x = Grids::new(
        "transposed_input",
        dims,
        "input x (its copies sum into the current cell: outlined)",
        g.input,
        &x_cell,
    )
    .per(&["channel"], leads_1(g.in_channels))
    .render();
    let zero = Grids::new("zero_inserted", dims, "zero-inserted, padded input", [zh, zw], &zero_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .render();
    let kernel = Grids::new("flipped_kernel", dims, "kernel rotated 180\u{00B0}", g.kernel, &kernel_cell)
        .per(&["filter", "channel"], leads_2(g.out_channels, g.in_per_group))
        .render();
    let output =
        Grids::new("output", dims, "output", g.output, &output_cell).per(&["filter"], leads_1(g.out_channels)).render();
    let axes: &[(usize, &str)] = if dims == Dims::Two { &[(0, "rows"), (1, "columns")] } else { &[(1, "width")] };
    let recipe = axes.iter().map(|&(a, name)| {
        format!(
            "{name}: stride {s} \u{2192} {s}-1 zeros between cells; d(k-1)-p = {}*({}-1)-{} zeros around (cropped where negative); output_padding {} more at the end",
            p.dilation[a],
            g.kernel[a],
            p.padding[a],
            p.output_padding[a],
            s = p.stride[a],
        )
    });
    let show_channels = g.in_channels > 1 || g.out_channels > 1;
    let y = format::label(equation::transposed_names(of_conv).1, dims, show_channels.then_some(&[f][..]), [oi, oj]);
    let at = if dims == Dims::Two { format!("row {oi}, column {oj}") } else { format!("position {oj}") };
    let drawing = html! {
        <>
            <p class="view-note">{
                "The same numbers as a sliding window: put s-1 zeros between the input's cells and d(k-1)-p zeros around them, \
                 rotate the kernel by 180\u{00B0}, and slide it with stride 1. Each window gives one output cell; \
                 the zeros add nothing, so each sum is the overlap sum the scatter builds."
            }</p>
            <div class="matrices">
                { stack(x) }
                { unit("\u{2192}", html! { <>
                    { zero }
                    { for recipe.map(|line| html! { <p class="hint narrow">{ line }</p> }) }
                </> }) }
                { unit("\u{2217}", kernel) }
                { unit("=", output) }
            </div>
            { legend(&[
                ("win et eb el er", "the window"),
                ("tap", "cells multiplied in this step"),
                ("pad", "inserted or padding zeros"),
                ("current", "the output cell being computed"),
                ("source", "input cells whose copies land here"),
            ]) }
        </>
    };
    let equation = html! {
        <div class="equation" aria-live="polite">
            <p class="eq-title">{ format!("{y}: the rotated kernel's window at {at} of the zero-inserted input") }</p>
            <p class="eq">{ equation::forward_step(&step) }</p>
            <p class="eq overlap">{ format!("Without the zeros, the overlap sum: {}", equation::overlap_sum(t, [f, oi, oj], of_conv)) }</p>
        </div>
    };
    Some(Layout { drawing, equation, question: None })
}

/// `C` with the current step's row, and `C^T x`: the canvas flattened.
fn matrix_form(t: &Transposed, step: &ScatterStep, step_index: usize, form: Option<&Shown<MatrixForm>>) -> Html {
    let m = match form {
        None => return Html::default(),
        Some(Err(e)) => return html! { <p class="hint too-large">{ e.to_string() }</p> },
        Some(Ok(m)) => m,
    };
    // Columns of C and entries of C^T x: the canvas cells, row-major (f, y, x).
    let columns: Vec<(usize, [usize; 2])> = t.canvas.indexed_iter().map(|((f, y, x), _)| (f, [y, x])).collect();
    let column_marks = |col: usize| {
        columns.get(col).map_or(0, |&(f, pos)| {
            role_marks(t.canvas_role(pos)) | placement_at(step, f, pos).map_or(0, |_| mark::PLACED)
        })
    };
    let (rows, cols) = m.matrix.dim();
    let matrix_cell = |_: &[usize], [r, col]: [usize; 2]| {
        let v = m.matrix[[r, col]];
        let mut marks = column_marks(col) & mark::CROPPED;
        if r == step_index {
            marks |= mark::ROW;
        }
        if v == 0.0 {
            marks |= mark::DIM;
        }
        marked(v, marks)
    };
    let flat_cell = |_: &[usize], [_, col]: [usize; 2]| marked(m.canvas[col], column_marks(col));
    let x_rows: Vec<Vec<Cell>> = m
        .input
        .iter()
        .enumerate()
        .map(|(r, &v)| {
            let mut cell = Cell::new(r.to_string(), v);
            if r == step_index {
                cell.marks = mark::ROW;
            }
            vec![cell]
        })
        .collect();
    let conv_matrix = Grids::new(
        "conv_matrix",
        Dims::Two,
        format!("C ({rows} x {cols}): row r holds the copy input cell r places"),
        [rows, cols],
        &matrix_cell,
    )
    .render();
    let canvas_flat =
        Grids::new("canvas_flat", Dims::One, "C\u{1D40}x: the whole canvas, flattened", [1, cols], &flat_cell).render();
    html! {
        <div class="matrix-form">
            <Matrix name="input_flat" caption="x" rows={Rc::new(x_rows)} />
            <div>{ conv_matrix }</div>
            <div class="op-sign" aria-hidden="true">{ "\u{2193}" }</div>
            <div>
                { canvas_flat }
                <p class="columns-legend">{ format!(
                    "column k of C and entry k of C\u{1D40}x are canvas cell k in row-major order ({})",
                    if t.geometry.dims == Dims::Two { "filter, row, column" } else { "filter, column" }
                ) }</p>
            </div>
        </div>
    }
}
