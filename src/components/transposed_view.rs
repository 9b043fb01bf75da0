//! Transposed convolution: each input cell scales the kernel and the copy is
//! added to the canvas at its stride offset; overlaps add up, padding crops
//! the canvas to the output. Two other explanations run in step with the
//! scatter: the direct convolution of the zero-inserted input with the flipped
//! kernel, and the matrix form `C^T x`. Everything shown is read from the
//! core's [`TransposedTrace`], [`ZeroInsertedConv`] and [`MatrixForm`].
//!
//! [`Grids`] (a tensor drawn as one grid per channel, or one row per channel
//! in 1D) is shared with the backprop view.

use std::rc::Rc;

use yew::prelude::*;

use super::matrix::{Cell, Matrix, mark};
use crate::conv::transposed::{CanvasRole, Placement, ScatterStep};
use crate::conv::{ConvError, Dims, MatrixForm, TransposedTrace, ZeroInsertedConv, format};
use crate::state::{Action, Explain, Move};

#[derive(Properties, PartialEq)]
pub struct TransposedViewProps {
    pub trace: Rc<TransposedTrace>,
    pub zero_inserted: Option<Rc<ZeroInsertedConv>>,
    pub matrix: Option<Result<Rc<MatrixForm>, ConvError>>,
    pub step: usize,
    pub selected: Option<[usize; 3]>,
    pub explain: Explain,
    pub dispatch: Callback<Action>,
}

/// A cell with marks; [`Grids`] fills in its `data-index`.
pub(crate) fn marked(value: f64, marks: u32) -> Cell {
    Cell { index: String::new(), value, marks, note: None }
}

/// `data-index` of a cell: the leading indices, then the row (2D only), then the column.
fn data_index(dims: Dims, lead: &[usize], [i, j]: [usize; 2]) -> String {
    let spatial: &[usize] = if dims == Dims::Two { &[i, j] } else { &[j] };
    lead.iter().chain(spatial).map(usize::to_string).collect::<Vec<_>>().join(",")
}

/// A cell of a tensor shown by [`Grids`]: its leading indices and its position.
pub(crate) type GridCell = (Vec<usize>, [usize; 2]);

/// A tensor drawn as matrices. In 2D: one grid per leading index (a channel,
/// or a filter and a channel), its rows and columns. In 1D: one grid with a
/// row per leading index. Without leading indices: one grid (a vector in 1D).
pub(crate) struct Grids<'a> {
    /// `data-matrix` of every cell.
    name: &'static str,
    dims: Dims,
    /// What the tensor is, e.g. "canvas".
    caption: String,
    /// `[rows, columns]` of one grid (rows are ignored in 1D).
    size: [usize; 2],
    /// The cell at a leading index and position.
    cell: &'a dyn Fn(&[usize], [usize; 2]) -> Cell,
    /// Names of the leading axes, e.g. `["filter", "channel"]`.
    lead_names: &'a [&'a str],
    /// The leading indices, in display order.
    leads: Vec<Vec<usize>>,
    on_click: Option<Callback<GridCell>>,
    on_hover: Option<Callback<GridCell>>,
}

impl<'a> Grids<'a> {
    pub fn new(
        name: &'static str,
        dims: Dims,
        caption: impl Into<String>,
        size: [usize; 2],
        cell: &'a dyn Fn(&[usize], [usize; 2]) -> Cell,
    ) -> Self {
        let caption = caption.into();
        Grids { name, dims, caption, size, cell, lead_names: &[], leads: vec![vec![]], on_click: None, on_hover: None }
    }

    /// One grid (2D) or row (1D) per leading index; `names` name the leading axes.
    pub fn per(self, names: &'a [&'a str], leads: Vec<Vec<usize>>) -> Self {
        Grids { lead_names: names, leads, ..self }
    }

    /// Hears clicks as (leading index, position).
    pub fn on_click(self, cb: Callback<GridCell>) -> Self {
        Grids { on_click: Some(cb), ..self }
    }

    /// Hears the pointer entering a cell.
    pub fn on_hover(self, cb: Callback<GridCell>) -> Self {
        Grids { on_hover: Some(cb), ..self }
    }
}

impl Grids<'_> {
    fn lead_label(&self, lead: &[usize]) -> String {
        self.lead_names.iter().zip(lead).map(|(n, i)| format!("{n} {i}")).collect::<Vec<_>>().join(", ")
    }

    /// `(r, c)` of a grid to the cell it shows.
    fn locate(&self, grid: Option<usize>) -> impl Fn(usize, usize) -> GridCell + 'static {
        let leads = self.leads.clone();
        move |r, c| match grid {
            Some(k) => (leads[k].clone(), [r, c]),
            None => (leads[r].clone(), [0, c]),
        }
    }

    fn matrix(&self, grid: Option<usize>, caption: String, rows: Vec<Vec<Cell>>) -> Html {
        let on_click = self.on_click.clone().map(|cb| {
            let locate = self.locate(grid);
            Callback::from(move |(r, c): (usize, usize)| cb.emit(locate(r, c)))
        });
        let on_hover = self.on_hover.clone().map(|cb| {
            let locate = self.locate(grid);
            Callback::from(move |rc: Option<(usize, usize)>| {
                if let Some((r, c)) = rc {
                    cb.emit(locate(r, c));
                }
            })
        });
        html! { <Matrix name={self.name} {caption} rows={Rc::new(rows)} {on_click} {on_hover} /> }
    }

    fn cell_at(&self, lead: &[usize], pos: [usize; 2]) -> Cell {
        Cell { index: data_index(self.dims, lead, pos), ..(self.cell)(lead, pos) }
    }

    pub fn render(&self) -> Html {
        let [rows, cols] = self.size;
        if self.dims == Dims::One {
            let cells = self.leads.iter().map(|lead| (0..cols).map(|j| self.cell_at(lead, [0, j])).collect()).collect();
            let caption = match self.lead_names {
                [] => self.caption.clone(),
                names => format!("{}, a row per {}", self.caption, names.join(" and ")),
            };
            return self.matrix(None, caption, cells);
        }
        self.leads
            .iter()
            .enumerate()
            .map(|(k, lead)| {
                let cells =
                    (0..rows).map(|i| (0..cols).map(|j| self.cell_at(lead, [i, j])).collect()).collect::<Vec<_>>();
                let caption = match self.lead_label(lead) {
                    label if label.is_empty() => self.caption.clone(),
                    label => format!("{}, {label}", self.caption),
                };
                self.matrix(Some(k), caption, cells)
            })
            .collect()
    }
}

/// Leading indices `[0], [1], ..., [n-1]`.
pub(crate) fn leads_1(n: usize) -> Vec<Vec<usize>> {
    (0..n).map(|a| vec![a]).collect()
}

/// Leading indices `[a, b]` for `a` in `0..n`, `b` in `0..m`.
pub(crate) fn leads_2(n: usize, m: usize) -> Vec<Vec<usize>> {
    (0..n).flat_map(|a| (0..m).map(move |b| vec![a, b])).collect()
}

/// A labelled group of toggle buttons (explanations, gradient focus).
pub(crate) fn switch<T: PartialEq + Copy + 'static>(
    label: &'static str,
    options: &[(T, &'static str)],
    current: T,
    on_pick: Callback<T>,
) -> Html {
    html! {
        <div class="switch" role="group" aria-label={label}>
            <span class="switch-label">{ label }</span>
            { for options.iter().map(|&(value, text)| html! {
                <button type="button" aria-pressed={(value == current).to_string()}
                    onclick={on_pick.reform(move |_| value)}>{ text }</button>
            }) }
        </div>
    }
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

fn op_sign(text: &'static str) -> Html {
    html! { <div class="op-sign" aria-hidden="true">{ text }</div> }
}

pub(crate) fn stack(content: Html) -> Html {
    html! { <div class="stack">{ content }</div> }
}

/// What the marks mean: each entry is drawn with the mark's own class.
pub(crate) fn legend(entries: &[(&'static str, &'static str)]) -> Html {
    html! {
        <p class="legend">
            { for entries.iter().map(|&(class, text)| html! { <span class={classes!("cell", class)}>{ text }</span> }) }
        </p>
    }
}

#[component]
pub fn TransposedView(props: &TransposedViewProps) -> Html {
    let t = &props.trace;
    let g = &t.geometry;
    let dims = g.params.dims;
    let Some(step) = t.steps.get(props.step) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let [c, i, j] = step.in_index;
    let selected = props.selected.filter(|&s| t.output.get(s).is_some()).or_else(|| t.first_output_of(props.step));
    let sources: Vec<[usize; 3]> =
        selected.map(|s| t.contributions_of(s).iter().map(|k| k.in_index).collect()).unwrap_or_default();
    let show_channels = g.in_channels > 1 || g.out_channels > 1;
    let x_label = format::label("x", dims, show_channels.then_some(&[c][..]), [i, j]);

    // Input: the current cell and the sources of the selected output cell; a click steps there.
    let input_cell = |lead: &[usize], [a, b]: [usize; 2]| {
        let index = [lead[0], a, b];
        let mut marks = if index == step.in_index { mark::CURRENT } else { 0 };
        if sources.contains(&index) {
            marks |= mark::SOURCE;
        }
        marked(t.input_value(index).unwrap_or_default(), marks)
    };
    let on_input = {
        let d = props.dispatch.clone();
        let geometry = *g;
        Callback::from(move |(lead, [a, b]): GridCell| {
            if let Some(s) = geometry.step_of([lead[0], a, b]) {
                d.emit(Action::Step(Move::To(s)));
            }
        })
    };
    let input = Grids::new("transposed_input", dims, "input x (click a cell to step there)", g.input, &input_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .on_click(on_input)
        .render();

    // Output: hover or click a cell to list its overlap sum.
    let output_cell = |lead: &[usize], pos: [usize; 2]| {
        let f = lead[0];
        let mut marks = role_marks(t.canvas_role(t.canvas_pos_of(pos)));
        if selected == Some([f, pos[0], pos[1]]) {
            marks |= mark::SELECTED;
        }
        if step.placements.iter().any(|p| p.f == f && p.out_pos == Some(pos)) {
            marks |= mark::PLACED;
        }
        marked(t.output[[f, pos[0], pos[1]]], marks)
    };
    let on_select = props.dispatch.reform(|(lead, [a, b]): GridCell| Action::Select(Some([lead[0], a, b])));
    let output = Grids::new("output", dims, "output (hover a cell for its sum)", g.output, &output_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .on_click(on_select.clone())
        .on_hover(on_select)
        .render();

    let (middle, into_output) = match props.explain {
        Explain::Scatter => (scatter(t, props.step, step), "crop \u{2192}"),
        Explain::ZeroInserted => {
            (props.zero_inserted.as_deref().map(|z| zero_inserted(t, step, z)).unwrap_or_default(), "=")
        }
        Explain::Matrix => (matrix_form(t, props.step, props.matrix.as_ref()), "crop \u{2192}"),
    };
    let explanations = [
        (Explain::Scatter, "Scatter and sum"),
        (Explain::ZeroInserted, "Zero-inserted convolution"),
        (Explain::Matrix, "Matrix C\u{1D40}x"),
    ];
    let mut marks_legend = vec![("placed", "placed this step")];
    match props.explain {
        Explain::Scatter => {}
        Explain::ZeroInserted => marks_legend.push(("probe", "where the current input cell sits")),
        Explain::Matrix => marks_legend.push(("row", "the current input cell's row")),
    }
    marks_legend.extend([
        ("cropped", "cropped by padding"),
        ("extra", "kept by output_padding"),
        ("selected", "selected"),
        ("source", "its sources"),
    ]);
    let cropped = step.placements.iter().filter(|p| p.out_pos.is_none()).count();
    let first = step.placements.first().map(|p| p.canvas_pos).unwrap_or_default();
    html! {
        <section class="view transposed-view" aria-label="Transposed convolution">
            { switch("Explanation", &explanations, props.explain, props.dispatch.reform(Action::SetExplain)) }
            <div class="matrices">
                { stack(input) }
                { op_sign("\u{2192}") }
                { middle }
                { op_sign(into_output) }
                { stack(output) }
            </div>
            { legend(&marks_legend) }
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!(
                    "{x_label} = {} scales the kernel; its copy starts at canvas {}{}",
                    format::short(step.x),
                    format::label("", dims, None, first),
                    if cropped > 0 { format!(" ({cropped} of its {} products cropped by padding)", step.placements.len()) } else { String::new() },
                ) }</p>
                if let Some(sel) = selected {
                    <p class="eq overlap">{ t.overlap_equation(sel) }</p>
                } else {
                    <p class="hint">{ "Padding crops every product of this step: hover an output cell to see its sum." }</p>
                }
                <p class="size-note">{ "Placing every copy gives the full canvas; padding crops it on each side and output_padding keeps extra rows/columns at the bottom/right:" }</p>
                { for t.size_explanation().into_iter().map(|line| html! { <p class="eq size">{ line }</p> }) }
            </div>
        </section>
    }
}

/// The current step's scaled kernel copy and the canvas so far.
fn scatter(t: &TransposedTrace, step_index: usize, step: &ScatterStep) -> Html {
    let g = &t.geometry;
    let dims = g.params.dims;
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
            cell.note = Some(format!("+{}", format::factor(p.product)));
        }
        cell
    };
    let canvas = Grids::new("canvas", dims, "canvas so far (uncropped)", g.canvas, &canvas_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .render();
    html! { <>{ stack(scaled) }{ op_sign("+=") }{ stack(canvas) }</> }
}

/// The zero-inserted, padded input, the flipped kernel and their direct convolution.
fn zero_inserted(t: &TransposedTrace, step: &ScatterStep, z: &ZeroInsertedConv) -> Html {
    let g = &t.geometry;
    let p = &g.params;
    let dims = p.dims;
    let [c, i, j] = step.in_index;
    let (_, zh, zw) = z.input.dim();
    let input_cell = |lead: &[usize], pos: [usize; 2]| {
        let source = z.sources[pos];
        let mut marks = if source.is_none() { mark::PAD } else { 0 };
        if lead[0] == c && source == Some([i, j]) {
            marks |= mark::PROBE;
        }
        marked(z.input[[lead[0], pos[0], pos[1]]], marks)
    };
    let kernel_cell = |lead: &[usize], pos: [usize; 2]| marked(z.kernel[[lead[0], lead[1], pos[0], pos[1]]], 0);
    let output_cell = |lead: &[usize], pos: [usize; 2]| {
        let f = lead[0];
        let touched = step.placements.iter().any(|p| p.f == f && p.out_pos == Some(pos));
        marked(z.output[[f, pos[0], pos[1]]], if touched { mark::PLACED } else { 0 })
    };
    let input = Grids::new("zero_inserted", dims, "zero-inserted, padded input", [zh, zw], &input_cell)
        .per(&["channel"], leads_1(g.in_channels))
        .render();
    let kernel = Grids::new("flipped_kernel", dims, "kernel rotated 180\u{00B0}", g.kernel, &kernel_cell)
        .per(&["filter", "channel"], leads_2(g.out_channels, g.in_per_group))
        .render();
    let output = Grids::new("zero_inserted_output", dims, "direct convolution", g.output, &output_cell)
        .per(&["filter"], leads_1(g.out_channels))
        .render();
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
    let same = z.output == t.output;
    html! {
        <>
            <div class="stack">
                { input }
                { for recipe.map(|line| html! { <p class="hint narrow">{ line }</p> }) }
            </div>
            { op_sign("\u{2217}") }
            { stack(kernel) }
            { op_sign("=") }
            <div class="stack">
                { output }
                <p class="hint narrow">{ if same {
                    "stride 1, the same dilation: the same numbers as the scatter"
                } else {
                    "differs from the scatter's output (please report this example)"
                } }</p>
            </div>
        </>
    }
}

/// `C` with the current step's row, and `C^T x`: the canvas flattened.
fn matrix_form(t: &TransposedTrace, step_index: usize, form: Option<&Result<Rc<MatrixForm>, ConvError>>) -> Html {
    let m = match form {
        None => return Html::default(),
        Some(Err(e)) => return html! { <p class="hint too-large">{ e.to_string() }</p> },
        Some(Ok(m)) => m,
    };
    let Some(step) = t.steps.get(step_index) else {
        return Html::default();
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
                    if t.geometry.params.dims == Dims::Two { "filter, row, column" } else { "filter, column" }
                ) }</p>
            </div>
        </div>
    }
}
