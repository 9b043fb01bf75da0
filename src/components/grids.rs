//! Drawing tensors as grids of cells, shared by the views: `Grids` draws a
//! tensor as one matrix per channel (2D) or one row per channel (1D) and fills
//! in each cell's `data-index`; small layout helpers sit beside it.

use std::rc::Rc;

use yew::prelude::*;

use super::matrix::{Cell, Matrix};
use crate::conv::Dims;

/// A cell with marks; [`Grids`] fills in its `data-index`.
pub(crate) fn marked(value: f64, marks: u32) -> Cell {
    Cell { index: String::new(), value, marks, note: None }
}

/// `data-index` of a cell: the leading indices, then the row (2D only), then the column.
pub fn data_index(dims: Dims, lead: &[usize], [i, j]: [usize; 2]) -> String {
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
