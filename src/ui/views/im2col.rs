//! im2col: the patch matrix (one row per output position), the flattened
//! weights (one column per filter), their product and the reshape to the
//! output. The current step's row, column and output cell are the window
//! view's step: the two views share the player. Every matrix is shown
//! whole: as cells while small, as a heatmap beyond that, with the current
//! row written out as cells below it.

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::{ColumnOrder, Dims, Im2col};
use crate::model::grid::data_index;
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::model::state::{Action, Move, ViewAction};
use crate::ui::panels::practice::{PracticeOn, number_panel, size_hidden};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, legend, rect, switch, unit};
use crate::ui::widgets::heatmap::{DOM_CELLS, Planes};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

#[derive(Properties, PartialEq)]
pub struct Im2colViewProps {
    pub im2col: Shared<Im2col>,
    pub step: usize,
    /// The order of X̂'s columns (and W's rows).
    pub order: ColumnOrder,
    /// Practice: the product's entries are asked for, one per step.
    #[prop_or_default]
    pub practice: Option<PracticeOn>,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn Im2colView(props: &Im2colViewProps) -> Html {
    let m = &props.im2col;
    // The heatmaps' pixels, made once per result, not once per step.
    let order = props.order;
    // Shown column k is stored (unfold) column cols[k].
    let cols = m.columns(order);
    let patch_planes = use_memo((m.clone(), order), |(m, order)| {
        let cols = m.columns(*order);
        Planes::of2(&m.patches.select(ndarray::Axis(1), &cols))
    });
    let product_planes = use_memo(m.clone(), |m| Planes::of2(&m.product));
    let output_planes = use_memo(m.clone(), |m| Planes::of3(&m.output));
    let g = &m.geometry;
    let dims = g.dims;
    let Some([f, oi, oj]) = g.out_index_of(props.step) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let Some(row) = m.row_of([oi, oj]) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let (n_rows, n_cols) = m.patches.dim();
    let group_cols = m.group_columns(g.group_of_filter(f));
    // Group blocks are contiguous only channel by channel.
    let breaks: Vec<usize> = match order {
        ColumnOrder::Unfold => (1..g.params.groups).map(|k| m.group_columns(k).start).collect(),
        ColumnOrder::Tutorial => Vec::new(),
    };

    // Practice hides the entries not yet answered, and the row and column
    // in use until the first hint.
    let practice = props.practice.as_ref().filter(|_| n_rows * g.out_channels <= DOM_CELLS);
    let show_row = practice.is_none_or(|p| p.state.hints >= 1 || !p.asks_number());
    let hidden = |s: Option<usize>, matrix| practice.is_some_and(|p| s.is_none_or(|s| p.hides(s, props.step, matrix)));
    let row_mark = if show_row { mark::ROW } else { 0 };
    let patch_cell = |_: &[usize], [r, c]: [usize; 2]| {
        let mut marks = if r == row { row_mark } else { 0 };
        if !group_cols.contains(&cols[c]) {
            marks |= mark::DIM;
        }
        Cell { marks, ..Cell::new(String::new(), m.patches[[r, cols[c]]]) }
    };
    let weight_cell = |_: &[usize], [c, ff]: [usize; 2]| {
        let mut marks = if ff == f && show_row { mark::COL } else { 0 };
        // Zero of the block-diagonal W: channel outside filter ff's group.
        if m.column_parts(cols[c]).is_some_and(|(ch, _)| ch / g.in_per_group != g.group_of_filter(ff)) {
            marks |= mark::DIM;
        }
        Cell { marks, ..Cell::new(String::new(), m.weights[[cols[c], ff]]) }
    };
    let product_cell = |_: &[usize], [r, ff]: [usize; 2]| {
        let mut marks = if r == row { row_mark } else { 0 };
        // The dot product in use; `aria-current` stays on the output cell alone.
        if (r, ff) == (row, f) {
            marks |= mark::SELECTED;
        }
        if hidden(m.step_of(r, ff), "im2col_product") {
            marks |= mark::HIDDEN;
        }
        Cell { marks, ..Cell::new(String::new(), m.product[[r, ff]]) }
    };
    let output_cell = |lead: &[usize], [i, j]: [usize; 2]| {
        let mut marks = if [lead[0], i, j] == [f, oi, oj] { mark::CURRENT } else { 0 };
        if hidden(g.step_of([lead[0], i, j]), "output") {
            marks |= mark::HIDDEN;
        }
        Cell { marks, ..Cell::new(String::new(), m.output[[lead[0], i, j]]) }
    };
    // Clicking a patch row or a product cell jumps to that row's step (with
    // the clicked filter's column for the product).
    let jump = |filter: Option<usize>| {
        let d = props.dispatch.clone();
        let m = m.clone();
        Callback::from(move |(_, [r, ff]): GridCell| {
            if let Some(s) = m.step_of(r, filter.unwrap_or(ff)) {
                d.emit(Action::View(ViewAction::Step(Move::To(s))));
            }
        })
    };
    let sized = practice.is_some_and(PracticeOn::hides_size);
    // Its row count is the output's size, asked for.
    let rows_text = if sized { "?".to_string() } else { n_rows.to_string() };
    let patches = Grids::new(
        "im2col",
        Dims::Two,
        format!("patch matrix X\u{0302} ({rows_text} x {n_cols}): one row per output position"),
        [n_rows, n_cols],
        &patch_cell,
    )
    .breaks(breaks.clone())
    .on_click(jump(Some(f)))
    .planes(&patch_planes, &|_| rect([row, 0], [row, n_cols - 1]))
    .render();
    // A heatmap cannot show the numbers of the row in use: they follow as cells.
    let current_row = (n_rows * n_cols > DOM_CELLS).then(|| {
        let cells: Vec<Cell> = (0..n_cols)
            .map(|c| Cell { index: data_index(Dims::Two, &[], [row, c]), ..patch_cell(&[], [row, c]) })
            .collect();
        html! { <Matrix name="im2col_row" caption={format!("row {row} of X\u{0302}")} rows={Rc::new(vec![cells])}
        col_breaks={Rc::new(breaks.clone())} /> }
    });
    let weights = Grids::new(
        "im2col_weight",
        Dims::Two,
        format!("weights W ({n_cols} x {})", g.out_channels),
        [n_cols, g.out_channels],
        &weight_cell,
    )
    .render();
    let product = if sized {
        size_hidden("X\u{0302}W")
    } else {
        Grids::new(
            "im2col_product",
            Dims::Two,
            format!("X\u{0302}W ({n_rows} x {})", g.out_channels),
            [n_rows, g.out_channels],
            &product_cell,
        )
        .on_click(jump(None))
        .planes(&product_planes, &|_| rect([row, 0], [row, g.out_channels - 1]))
        .render()
    };
    let output = if sized {
        size_hidden("output")
    } else {
        Grids::new("output", dims, "output (reshaped)", g.output, &output_cell)
            .per(&["filter"], leads_1(g.out_channels))
            .planes(&output_planes, &|lead| if lead[0] == f { vec![[oi, oj]] } else { vec![] })
            .render()
    };
    let column_names: Vec<String> = cols
        .iter()
        .filter_map(|&c| m.column_parts(c))
        .map(|(ch, [ti, tj])| if dims == Dims::One { format!("c{ch} k{tj}") } else { format!("c{ch} ({ti},{tj})") })
        .collect();
    html! {
        <section class="view im2col-view" aria-label="im2col">
            { switch("Column order", &[
                (ColumnOrder::Unfold, "channel by channel (PyTorch's unfold)"),
                (ColumnOrder::Tutorial, "kernel cell by kernel cell (the tutorial's)"),
            ], order, props.dispatch.reform(|v| Action::View(ViewAction::SetOrder(v)))) }
            <p class="view-note">{ match order {
                ColumnOrder::Unfold => "The columns go channel by channel: all of channel 0's kernel cells, row by row, then channel 1's, and so on. This is the order of torch.nn.functional.unfold.",
                ColumnOrder::Tutorial => "The columns go kernel cell by kernel cell, with the channels of each cell side by side: the order the first tutorial builds X\u{0302} in. X\u{0302}W is unchanged: the same products, added in another order.",
            } }</p>
            <div class="matrices">
                <div class="stack">
                    { patches }
                    { for current_row }
                    <p class="columns-legend">{ format!("columns: {}", column_names.join(" \u{00B7} ")) }</p>
                </div>
                { unit("\u{00D7}", weights) }
                { unit("=", product) }
                { unit("\u{2192}", output) }
            </div>
            { legend(&[
                ("row", "the current row / filter column"),
                ("selected", "their dot product"),
                ("current", "the output cell"),
                ("dim", "zeros of other groups (block-diagonal W)"),
            ][..if g.params.groups > 1 { 4 } else { 3 }]) }
            if let Some(p) = practice {
                if let Some(q) = p.asks_number().then(|| Question::im2col(m, order, props.step)).flatten() {
                    { number_panel(&q, p, &props.dispatch) }
                }
            } else {
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!("row {row} of X\u{0302} (output position {}) times column {f} of W", data_index(dims, &[], [oi, oj])) }</p>
                <p class="eq">{ m.row_equation_in(row, f, order) }</p>
            </div>
            }
            if props.practice.is_some() && practice.is_none() {
                <p class="hint">{ "Practice asks for the product's entries where every one is shown as a number: make the problem smaller." }</p>
            }
        </section>
    }
}
