//! im2col: the patch matrix (one row per output position), the flattened
//! weights (one column per filter), their product and the reshape to the
//! output. The current step's row, column and output cell are the window
//! view's step: the two views share the player.

use std::rc::Rc;

use yew::prelude::*;

use super::grids::{data_index, legend};
use super::matrix::{Cell, Matrix, mark};
use crate::conv::{Dims, Im2col};
use crate::state::{Action, Move};

/// Rows shown at once; taller matrices show a window around the current row.
pub const VISIBLE_ROWS: usize = 48;

#[derive(Properties, PartialEq)]
pub struct Im2colViewProps {
    pub im2col: Rc<Im2col>,
    pub step: usize,
    pub dispatch: Callback<Action>,
}

#[component]
pub fn Im2colView(props: &Im2colViewProps) -> Html {
    let m = &props.im2col;
    let g = &m.geometry;
    let dims = g.dims;
    let Some([f, oi, oj]) = g.out_index_of(props.step) else {
        return html! { <p>{ "No steps." }</p> };
    };
    let row = oi * g.output[1] + oj;
    let (n_rows, n_cols) = m.patches.dim();
    let group_cols = m.group_columns(g.group_of_filter(f));
    // A window of rows around the current one keeps tall matrices responsive.
    let start =
        if n_rows <= VISIBLE_ROWS { 0 } else { row.saturating_sub(VISIBLE_ROWS / 2).min(n_rows - VISIBLE_ROWS) };
    let end = (start + VISIBLE_ROWS).min(n_rows);
    let col_breaks: Rc<Vec<usize>> = Rc::new((1..g.params.groups).map(|k| m.group_columns(k).start).collect());

    let patches: Vec<Vec<Cell>> = (start..end)
        .map(|r| {
            (0..n_cols)
                .map(|c| {
                    let mut cell = Cell::new(format!("{r},{c}"), m.patches[[r, c]]);
                    if r == row {
                        cell.marks |= mark::ROW;
                    }
                    if !group_cols.contains(&c) {
                        cell.marks |= mark::DIM;
                    }
                    cell
                })
                .collect()
        })
        .collect();
    let weights: Vec<Vec<Cell>> = (0..n_cols)
        .map(|c| {
            (0..g.out_channels)
                .map(|ff| {
                    let mut cell = Cell::new(format!("{c},{ff}"), m.weights[[c, ff]]);
                    if ff == f {
                        cell.marks |= mark::COL;
                    }
                    // Zero of the block-diagonal W: channel outside filter ff's group.
                    if m.column_parts(c).is_some_and(|(ch, _)| ch / g.in_per_group != g.group_of_filter(ff)) {
                        cell.marks |= mark::DIM;
                    }
                    cell
                })
                .collect()
        })
        .collect();
    let product: Vec<Vec<Cell>> = (start..end)
        .map(|r| {
            (0..g.out_channels)
                .map(|ff| {
                    let mut cell = Cell::new(format!("{r},{ff}"), m.product[[r, ff]]);
                    if r == row {
                        cell.marks |= mark::ROW;
                    }
                    // The dot product in use; `aria-current` stays on the output cell alone.
                    if (r, ff) == (row, f) {
                        cell.marks |= mark::SELECTED;
                    }
                    cell
                })
                .collect()
        })
        .collect();
    let [oh, ow] = g.output;
    let output: Html = (0..g.out_channels)
        .map(|ff| {
            let rows: Vec<Vec<Cell>> = (0..oh)
                .map(|i| {
                    (0..ow)
                        .map(|j| {
                            let mut cell = Cell::new(data_index(dims, &[ff], [i, j]), m.output[[ff, i, j]]);
                            if [ff, i, j] == [f, oi, oj] {
                                cell.marks |= mark::CURRENT;
                            }
                            cell
                        })
                        .collect()
                })
                .collect();
            html! { <Matrix name="output" caption={format!("output, filter {ff} (reshaped)")} rows={Rc::new(rows)} /> }
        })
        .collect();
    // Clicking a patch row or a product cell jumps to that row's step (with
    // the clicked filter's column for the product).
    let jump = |filter: Option<usize>| {
        let d = props.dispatch.clone();
        let m = m.clone();
        Callback::from(move |(r, ff): (usize, usize)| {
            if let Some(s) = m.step_of(r + start, filter.unwrap_or(ff)) {
                d.emit(Action::Step(Move::To(s)));
            }
        })
    };
    let on_row = jump(Some(f));
    let on_product = jump(None);
    let column_names: Vec<String> = (0..n_cols)
        .map(|c| {
            let (ch, [ti, tj]) = m.column_parts(c).unwrap_or_default();
            if dims == Dims::One { format!("c{ch} k{tj}") } else { format!("c{ch} ({ti},{tj})") }
        })
        .collect();
    html! {
        <section class="view im2col-view" aria-label="im2col">
            if start > 0 || end < n_rows {
                <p class="hint">{ format!("Showing rows {start}\u{2013}{} of {n_rows}; step to see the others.", end - 1) }</p>
            }
            <div class="matrices">
                <div class="stack">
                    <Matrix name="im2col" caption={format!("patch matrix X\u{0302} ({n_rows} x {n_cols}): one row per output position")}
                        rows={Rc::new(patches)} on_click={on_row} col_breaks={col_breaks.clone()} />
                    <p class="columns-legend">{ format!("columns: {}", column_names.join(" \u{00B7} ")) }</p>
                </div>
                <div class="op-sign" aria-hidden="true">{ "\u{00D7}" }</div>
                <div class="stack">
                    <Matrix name="im2col_weight" caption={format!("weights W ({n_cols} x {})", g.out_channels)} rows={Rc::new(weights)} />
                </div>
                <div class="op-sign" aria-hidden="true">{ "=" }</div>
                <div class="stack">
                    <Matrix name="im2col_product" caption={format!("X\u{0302}W ({n_rows} x {})", g.out_channels)}
                        rows={Rc::new(product)} on_click={on_product} />
                </div>
                <div class="op-sign" aria-hidden="true">{ "\u{2192}" }</div>
                <div class="stack">{ output }</div>
            </div>
            { legend(&[
                ("row", "the current row / filter column"),
                ("selected", "their dot product"),
                ("current", "the output cell"),
                ("dim", "zeros of other groups (block-diagonal W)"),
            ]) }
            <div class="equation" aria-live="polite">
                <p class="eq-title">{ format!("row {row} of X\u{0302} (output position {}) times column {f} of W", data_index(dims, &[], [oi, oj])) }</p>
                <p class="eq">{ m.row_equation(row, f) }</p>
            </div>
        </section>
    }
}
