//! im2col: the patch matrix (one row per output position), the flattened
//! weights (one column per filter), their product and the reshape to the
//! output. The current step's row, column and output cell are the window
//! view's step: the two views share the player. Every matrix is shown
//! whole: as cells while small, as a heatmap beyond that, with the current
//! row written out as cells below it. The player, the practice panel and the
//! empty state are the step frame's ([`Frame`]).

use std::ops::Range;
use std::rc::Rc;

use yew::prelude::*;

use crate::model::view_state::View;

use crate::conv::{ColumnOrder, Dims, Im2col};
use crate::model::equation;
use crate::model::grid::data_index;
use crate::model::practice::Question;
use crate::model::results::Shared;
use crate::ui::panels::practice::{PracticeOn, size_hidden};
use crate::ui::views::frame::{Frame, Stepped};
use crate::ui::widgets::grids::{GridCell, Grids, leads_1, legend, rect, switch, unit};
use crate::ui::widgets::heatmap::{DOM_CELLS, Planes};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

#[derive(Properties, PartialEq)]
pub struct Im2colViewProps {
    pub im2col: Shared<Im2col>,
    /// The order of X̂'s columns (and W's rows).
    pub order: ColumnOrder,
    pub frame: Frame,
    /// Another column order picked.
    pub on_order: Callback<ColumnOrder>,
}

#[component]
pub fn Im2colView(props: &Im2colViewProps) -> Html {
    let m = &props.im2col;
    let order = props.order;
    // The heatmaps' pixels, made once per result, not once per step.
    let patch_planes = use_memo((m.clone(), order), |(m, order)| {
        let cols = m.columns(*order);
        Planes::of2(&m.patches.select(ndarray::Axis(1), &cols))
    });
    let product_planes = use_memo(m.clone(), |m| Planes::of2(&m.product));
    let output_planes = use_memo(m.clone(), |m| Planes::of3(&m.output));
    let frame = &props.frame;
    let g = &m.geometry;
    let Some((out_index, row)) = g.out_index_of(frame.step).and_then(|[f, i, j]| Some(([f, i, j], m.row_of([i, j])?)))
    else {
        return frame.empty();
    };
    // Practice hides the entries not yet answered, and the row and column
    // in use until the first hint.
    let fits = m.patches.nrows() * g.out_channels <= DOM_CELLS;
    let scene = Scene {
        m,
        order,
        cols: m.columns(order),
        index: frame.step,
        out_index,
        row,
        group_cols: m.group_columns(g.group_of_filter(out_index[0])),
        practice: frame.practising(fits),
    };
    let sized = scene.practice.is_some_and(PracticeOn::hides_size);
    let (n_rows, n_cols) = m.patches.dim();
    // Clicking a patch row or a product cell jumps to that row's step (with
    // the clicked filter's column for the product).
    let jump = |filter: Option<usize>| {
        let m = m.clone();
        frame.jump(move |_, [r, ff]| m.step_of(r, filter.unwrap_or(ff)))
    };
    let patches = scene.patches(&patch_planes, jump(Some(out_index[0])), sized);
    let product = if sized { size_hidden("X\u{0302}W") } else { scene.product(&product_planes, jump(None)) };
    let output = if sized { size_hidden("output") } else { scene.output(&output_planes) };
    let drawing = html! {
        <>
            { order_switch(order, &props.on_order) }
            <div class="matrices">
                <div class="stack">
                    { patches }
                    { for (n_rows * n_cols > DOM_CELLS).then(|| scene.current_row()) }
                    <p class="columns-legend">{ scene.columns_legend() }</p>
                </div>
                { unit("\u{00D7}", scene.weights()) }
                { unit("=", product) }
                { unit("\u{2192}", output) }
            </div>
            { legend(&[
                ("row", "the current row / filter column"),
                ("selected", "their dot product"),
                ("current", "the output cell"),
                ("dim", "zeros of other groups (block-diagonal W)"),
            ][..if g.params.groups > 1 { 4 } else { 3 }]) }
        </>
    };
    let [f, oi, oj] = out_index;
    let equation = html! {
        <div class="equation" aria-live="polite">
            <p class="eq-title">{ format!("row {row} of X\u{0302} (output position {}) times column {f} of W", data_index(g.dims, &[], [oi, oj])) }</p>
            <p class="eq">{ equation::im2col_row(m, row, f, order) }</p>
        </div>
    };
    let asks_number = scene.practice.is_some_and(PracticeOn::asks_number);
    frame.show(Stepped {
        class: "im2col-view",
        label: View::Im2col.label(false),
        fits,
        asks_for: "the product's entries",
        drawing,
        equation,
        question: asks_number.then(|| Question::im2col(m, order, frame.step)).flatten(),
        own_question: None,
    })
}

/// The choice of X̂'s column order, and what it is.
fn order_switch(order: ColumnOrder, on_order: &Callback<ColumnOrder>) -> Html {
    html! {
        <>
            { switch("Column order", &[
                (ColumnOrder::ChannelMajor, "channel by channel (PyTorch's unfold)"),
                (ColumnOrder::TapMajor, "kernel cell by kernel cell (the tutorial's)"),
            ], order, on_order.clone()) }
            <p class="view-note">{ match order {
                ColumnOrder::ChannelMajor => "The columns go channel by channel: all of channel 0's kernel cells, row by row, then channel 1's, and so on. This is the order of torch.nn.functional.unfold.",
                ColumnOrder::TapMajor => "The columns go kernel cell by kernel cell, with the channels of each cell side by side: the order the first tutorial builds X\u{0302} in. X\u{0302}W is unchanged: the same products, added in another order.",
            } }</p>
        </>
    }
}

/// One render of the view: the matrices, the step's row and output cell.
struct Scene<'a> {
    m: &'a Im2col,
    order: ColumnOrder,
    /// Shown column k is stored (channel-major) column `cols[k]`.
    cols: Vec<usize>,
    /// The step's number.
    index: usize,
    out_index: [usize; 3],
    /// The patch matrix's row of the step.
    row: usize,
    /// The stored columns of the step's filter's group.
    group_cols: Range<usize>,
    /// Practice, where it fits.
    practice: Option<&'a PracticeOn>,
}

impl Scene<'_> {
    /// Whether the row and column in use are marked: not while practice
    /// asks for their product before a hint.
    fn shows_row(&self) -> bool {
        self.practice.is_none_or(|p| p.state.hints >= 1 || !p.asks_number())
    }

    /// Whether practice hides the cell of step `s` (`None`: of no step) in `matrix`.
    fn hidden(&self, s: Option<usize>, matrix: &'static str) -> bool {
        self.practice.is_some_and(|p| s.is_none_or(|s| p.hides(s, self.index, matrix)))
    }

    /// What each column of X̂ holds: `c0 (1,2)` (1D: `c0 k2`).
    fn columns_legend(&self) -> String {
        let one_d = self.m.geometry.dims == Dims::One;
        let names: Vec<String> = self
            .cols
            .iter()
            .filter_map(|&c| self.m.column_parts(c))
            .map(|(ch, [ti, tj])| if one_d { format!("c{ch} k{tj}") } else { format!("c{ch} ({ti},{tj})") })
            .collect();
        format!("columns: {}", names.join(" \u{00B7} "))
    }

    /// Group blocks are contiguous only channel by channel: separators there.
    fn breaks(&self) -> Vec<usize> {
        match self.order {
            ColumnOrder::ChannelMajor => {
                (1..self.m.geometry.params.groups).map(|k| self.m.group_columns(k).start).collect()
            }
            ColumnOrder::TapMajor => Vec::new(),
        }
    }

    /// Cell `[r, c]` of the patch matrix as shown (columns in the chosen order).
    fn patch_cell(&self, [r, c]: [usize; 2]) -> Cell {
        let m = self.m;
        let mut marks = if r == self.row && self.shows_row() { mark::ROW } else { 0 };
        if !self.group_cols.contains(&self.cols[c]) {
            marks |= mark::DIM;
        }
        Cell { marks, ..Cell::new(String::new(), m.patches[[r, self.cols[c]]]) }
    }

    /// X̂, one row per output position; a click steps to the row.
    fn patches(&self, planes: &Planes, jump: Callback<GridCell>, sized: bool) -> Html {
        let (n_rows, n_cols) = self.m.patches.dim();
        // Its row count is the output's size, asked for.
        let rows_text = if sized { "?".to_string() } else { n_rows.to_string() };
        let cell = |_: &[usize], pos: [usize; 2]| self.patch_cell(pos);
        Grids::new(
            "im2col",
            Dims::Two,
            format!("patch matrix X\u{0302} ({rows_text} x {n_cols}): one row per output position"),
            [n_rows, n_cols],
            &cell,
        )
        .breaks(self.breaks())
        .on_click(jump)
        .planes(planes, &|_| rect([self.row, 0], [self.row, n_cols - 1]))
        .render()
    }

    /// A heatmap cannot show the numbers of the row in use: they follow as cells.
    fn current_row(&self) -> Html {
        let (row, n_cols) = (self.row, self.m.patches.ncols());
        let cells: Vec<Cell> = (0..n_cols)
            .map(|c| Cell { index: data_index(Dims::Two, &[], [row, c]), ..self.patch_cell([row, c]) })
            .collect();
        html! { <Matrix name="im2col_row" caption={format!("row {row} of X\u{0302}")} rows={Rc::new(vec![cells])}
        col_breaks={Rc::new(self.breaks())} /> }
    }

    /// W, one column per filter; a channel outside a filter's group is a zero of the block-diagonal W.
    fn weights(&self) -> Html {
        let m = self.m;
        let g = &m.geometry;
        let n_cols = m.patches.ncols();
        let cell = |_: &[usize], [c, ff]: [usize; 2]| {
            let mut marks = if ff == self.out_index[0] && self.shows_row() { mark::COL } else { 0 };
            if m.column_parts(self.cols[c]).is_some_and(|(ch, _)| ch / g.in_per_group != g.group_of_filter(ff)) {
                marks |= mark::DIM;
            }
            Cell { marks, ..Cell::new(String::new(), m.weights[[self.cols[c], ff]]) }
        };
        Grids::new(
            "im2col_weight",
            Dims::Two,
            format!("weights W ({n_cols} x {})", g.out_channels),
            [n_cols, g.out_channels],
            &cell,
        )
        .render()
    }

    /// X̂W: the step's dot product selected; a click steps to the cell.
    fn product(&self, planes: &Planes, jump: Callback<GridCell>) -> Html {
        let m = self.m;
        let (n_rows, filters) = (m.patches.nrows(), m.geometry.out_channels);
        let cell = |_: &[usize], [r, ff]: [usize; 2]| {
            let mut marks = if r == self.row && self.shows_row() { mark::ROW } else { 0 };
            // The dot product in use; `aria-current` stays on the output cell alone.
            if (r, ff) == (self.row, self.out_index[0]) {
                marks |= mark::SELECTED;
            }
            if self.hidden(m.step_of(r, ff), "im2col_product") {
                marks |= mark::HIDDEN;
            }
            Cell { marks, ..Cell::new(String::new(), m.product[[r, ff]]) }
        };
        Grids::new("im2col_product", Dims::Two, format!("X\u{0302}W ({n_rows} x {filters})"), [n_rows, filters], &cell)
            .on_click(jump)
            .planes(planes, &|_| rect([self.row, 0], [self.row, filters - 1]))
            .render()
    }

    /// X̂W reshaped to the output, the step's cell current.
    fn output(&self, planes: &Planes) -> Html {
        let m = self.m;
        let g = &m.geometry;
        let [f, oi, oj] = self.out_index;
        let cell = |lead: &[usize], [i, j]: [usize; 2]| {
            let index = [lead[0], i, j];
            let mut marks = if index == self.out_index { mark::CURRENT } else { 0 };
            if self.hidden(g.step_of(index), "output") {
                marks |= mark::HIDDEN;
            }
            Cell { marks, ..Cell::new(String::new(), m.output[index]) }
        };
        Grids::new("output", g.dims, "output (reshaped)", g.output, &cell)
            .per(&["filter"], leads_1(g.out_channels))
            .planes(planes, &|lead| if lead[0] == f { vec![[oi, oj]] } else { vec![] })
            .render()
    }
}
