//! Drawing tensors as grids of cells, shared by the views: `Grids` draws a
//! tensor as one matrix per channel (2D) or one row per channel (1D) and fills
//! in each cell's `data-index`, as DOM cells while they are few and as
//! canvas heatmaps beyond [`DOM_CELLS`]; small layout helpers sit beside it.

use std::rc::Rc;

use yew::prelude::*;

use crate::conv::Dims;
use crate::model::grid::data_index;
use crate::model::results::Shared;
use crate::ui::widgets::heatmap::{CellIndex, DOM_CELLS, Heatmap, Overlay, Planes, overlays_of_cells, scale_of};
use crate::ui::widgets::matrix::{Cell, Matrix, mark};

/// The marks a heatmap outlines (the others, like padding, are the colours' business).
/// The network view's decided cells are not among them: scattered cell by cell, they
/// would be hundreds of boxes on every map; a DOM grid fills them, and the view counts them.
const OVERLAID: [u32; 11] = [
    mark::WINDOW,
    mark::TAP,
    mark::ROW,
    mark::COL,
    mark::PLACED,
    mark::SOURCE,
    mark::FED,
    mark::PROBE,
    mark::SELECTED,
    mark::RECEPTIVE,
    mark::WINNER,
];

/// A cell with marks; `Grids` fills in its `data-index`.
pub(crate) fn marked(value: f64, marks: u32) -> Cell {
    Cell { marks, ..Cell::new(String::new(), value) }
}

/// One heatmap's worth of a tensor: its caption, how its cells are named,
/// which grid it is (for event positions), and what it draws.
struct Plane {
    caption: String,
    index: CellIndex,
    grid: Option<usize>,
    rows: usize,
    values: Shared<Vec<f64>>,
    /// The cells with marks, `(row * cols + col, marks)`, row-major: only
    /// these are looked at again (a 64x64 map is 4,096 cells, its marks a few).
    marked: Vec<(usize, u32)>,
}

/// The cells of `marks` (row-major) that carry one, as `(flat, marks)`.
fn nonzero(marks: &[u32]) -> Vec<(usize, u32)> {
    marks.iter().enumerate().filter(|(_, m)| **m != 0).map(|(k, &m)| (k, m)).collect()
}

/// The cells of a grid (by its leading index) whose marks may be set this step.
pub(crate) type Marked<'a> = &'a dyn Fn(&[usize]) -> Vec<[usize; 2]>;

/// Every position of the rectangle `top..=bottom, left..=right`.
pub(crate) fn rect([top, left]: [usize; 2], [bottom, right]: [usize; 2]) -> Vec<[usize; 2]> {
    (top..=bottom).flat_map(|i| (left..=right).map(move |j| [i, j])).collect()
}

/// A cell of a tensor shown by `Grids`: its leading indices and its position.
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
    on_hover: Option<Callback<Option<GridCell>>>,
    /// Column separators after these columns (im2col's group blocks; DOM grids only).
    breaks: Rc<Vec<usize>>,
    /// For 2D heatmaps: memoised values (plane `lead[0]`, or 0 without a
    /// lead) and the cells that may carry marks in a grid, so a step
    /// evaluates `cell` there alone instead of at every cell.
    fast: Option<(&'a Planes, Marked<'a>)>,
    /// Network view: the layer the tensor is the output of (`data-layer`).
    layer: Option<usize>,
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
        Grids {
            name,
            dims,
            caption,
            size,
            cell,
            lead_names: &[],
            leads: vec![vec![]],
            on_click: None,
            on_hover: None,
            breaks: Rc::default(),
            fast: None,
            layer: None,
        }
    }

    /// One grid (2D) or row (1D) per leading index; `names` name the leading axes.
    pub fn per(self, names: &'a [&'a str], leads: Vec<Vec<usize>>) -> Self {
        Grids { lead_names: names, leads, ..self }
    }

    /// Hears clicks as (leading index, position).
    pub fn on_click(self, cb: Callback<GridCell>) -> Self {
        Grids { on_click: Some(cb), ..self }
    }

    /// As heatmaps, use these memoised values and evaluate `cell` only at
    /// the cells `marked` lists for a grid (the only ones whose marks can be set).
    pub fn planes(self, planes: &'a Planes, marked: Marked<'a>) -> Self {
        Grids { fast: Some((planes, marked)), ..self }
    }

    /// Draws a separator before each of these columns.
    pub fn breaks(self, breaks: Vec<usize>) -> Self {
        Grids { breaks: Rc::new(breaks), ..self }
    }

    /// The network layer whose output this is (0: the input).
    pub fn layer(self, layer: usize) -> Self {
        Grids { layer: Some(layer), ..self }
    }

    /// Hears the pointer entering a cell (`None`: it left the grid).
    pub fn on_hover(self, cb: Callback<Option<GridCell>>) -> Self {
        Grids { on_hover: Some(cb), ..self }
    }
}

impl Grids<'_> {
    fn lead_label(&self, lead: &[usize]) -> String {
        self.lead_names.iter().zip(lead).map(|(n, i)| format!("{n} {i}")).collect::<Vec<_>>().join(", ")
    }

    /// `(r, c)` of a grid to the cell it shows.
    fn locate(&self, grid: Option<usize>) -> impl Fn(usize, usize) -> GridCell + 'static {
        locate_in(Rc::new(self.leads.clone()), grid)
    }

    fn matrix(&self, grid: Option<usize>, caption: String, rows: Vec<Vec<Cell>>) -> Html {
        let on_click = self.on_click.clone().map(|cb| {
            let locate = self.locate(grid);
            Callback::from(move |(r, c): (usize, usize)| cb.emit(locate(r, c)))
        });
        let on_hover = self.hover_of(grid);
        html! { <Matrix name={self.name} {caption} rows={Rc::new(rows)} {on_click} {on_hover} col_breaks={self.breaks.clone()} layer={self.layer} /> }
    }

    fn hover_of(&self, grid: Option<usize>) -> Option<Callback<Option<(usize, usize)>>> {
        self.on_hover.clone().map(|cb| {
            let locate = self.locate(grid);
            Callback::from(move |rc: Option<(usize, usize)>| cb.emit(rc.map(|(r, c)| locate(r, c))))
        })
    }

    /// Cells in all grids together: what decides DOM or canvas.
    fn cell_count(&self) -> usize {
        let [rows, cols] = self.size;
        let per_lead = if self.dims == Dims::One { cols } else { rows * cols };
        self.leads.len() * per_lead
    }

    /// One heatmap per grid (1D: one for all rows), colours on a shared scale.
    fn heatmaps(&self) -> Html {
        let [rows, cols] = self.size;
        let planes: Vec<Plane> = if self.dims == Dims::One {
            let caption = match self.lead_names {
                [] => self.caption.clone(),
                names => format!("{}, a row per {}", self.caption, names.join(" and ")),
            };
            let (values, marks) =
                self.sample(self.leads.iter().flat_map(|lead| (0..cols).map(move |j| (lead, [0, j]))));
            let values = Shared(Rc::new(values));
            let index = CellIndex::Rows { leads: self.leads.clone() };
            vec![Plane { caption, index, grid: None, rows: self.leads.len(), values, marked: nonzero(&marks) }]
        } else {
            self.leads
                .iter()
                .enumerate()
                .map(|(k, lead)| {
                    let caption = match self.lead_label(lead) {
                        label if label.is_empty() => self.caption.clone(),
                        label => format!("{}, {label}", self.caption),
                    };
                    let (values, marked) = match self.fast {
                        Some((planes, marked)) => {
                            let values = planes.values.get(lead.first().copied().unwrap_or(0)).cloned();
                            // The listed cells alone, in order, once each: never a rows x cols pass.
                            let mut cells: Vec<(usize, u32)> = marked(lead)
                                .into_iter()
                                .filter(|&[i, j]| i < rows && j < cols)
                                .map(|[i, j]| (i * cols + j, (self.cell)(lead, [i, j]).marks))
                                .filter(|(_, m)| *m != 0)
                                .collect();
                            cells.sort_unstable_by_key(|(k, _)| *k);
                            cells.dedup_by_key(|(k, _)| *k);
                            (values.unwrap_or_else(|| Shared(Rc::default())), cells)
                        }
                        None => {
                            let (values, marks) =
                                self.sample((0..rows).flat_map(|i| (0..cols).map(move |j| (lead, [i, j]))));
                            (Shared(Rc::new(values)), nonzero(&marks))
                        }
                    };
                    Plane {
                        caption,
                        index: CellIndex::Grid { lead: lead.clone() },
                        grid: Some(k),
                        rows,
                        values,
                        marked,
                    }
                })
                .collect()
        };
        let scale = match self.fast {
            Some((planes, _)) if self.dims == Dims::Two => planes.scale,
            _ => scale_of(planes.iter().flat_map(|p| p.values.iter())),
        };
        // Many small maps side by side rather than a tall column of large ones.
        let side = match planes.len() {
            1 => 360.0,
            2..=4 => 240.0,
            _ => 150.0,
        };
        let leads = Rc::new(self.leads.clone());
        let maps: Html = planes
            .into_iter()
            .map(|plane| {
                let overlays = overlays_of_cells(&plane.marked, cols, &OVERLAID);
                let current =
                    plane.marked.iter().find(|(_, m)| m & mark::CURRENT != 0).map(|&(k, _)| (k / cols, k % cols));
                html! {
                    <GridMap name={self.name} caption={plane.caption} rows={plane.rows} {cols} values={plane.values}
                        {scale} index={plane.index} overlays={Rc::new(overlays)} {current} {side} layer={self.layer}
                        leads={leads.clone()} grid={plane.grid} on_click={self.on_click.clone()} on_hover={self.on_hover.clone()} />
                }
            })
            .collect();
        html! { <div class="heatmaps">{ maps }</div> }
    }

    /// Values and marks of the given cells, in order.
    fn sample<'b>(&self, cells: impl Iterator<Item = (&'b Vec<usize>, [usize; 2])>) -> (Vec<f64>, Vec<u32>) {
        let [rows, cols] = self.size;
        let count = cols * if self.dims == Dims::One { self.leads.len() } else { rows };
        let (mut values, mut marks) = (Vec::with_capacity(count), Vec::with_capacity(count));
        for (lead, pos) in cells {
            let cell = (self.cell)(lead, pos);
            values.push(cell.value);
            marks.push(cell.marks);
        }
        (values, marks)
    }

    fn cell_at(&self, lead: &[usize], pos: [usize; 2]) -> Cell {
        Cell { index: data_index(self.dims, lead, pos), ..(self.cell)(lead, pos) }
    }

    pub fn render(&self) -> Html {
        if self.cell_count() > DOM_CELLS {
            return self.heatmaps();
        }
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

#[derive(Properties, PartialEq)]
struct GridMapProps {
    name: &'static str,
    caption: String,
    rows: usize,
    cols: usize,
    values: Shared<Vec<f64>>,
    scale: f64,
    index: CellIndex,
    overlays: Rc<Vec<Overlay>>,
    current: Option<(usize, usize)>,
    side: f64,
    layer: Option<usize>,
    /// The tensor's leading indices and which grid this is (`None`: 1D, a row per lead).
    leads: Rc<Vec<Vec<usize>>>,
    grid: Option<usize>,
    on_click: Option<Callback<GridCell>>,
    on_hover: Option<Callback<Option<GridCell>>>,
}

/// One heatmap of `Grids`, its events told as the tensor's cells. A component
/// of its own so that its callbacks are made once (not on every render of the
/// view): when the view's callbacks are stable, a map whose marks did not
/// change is not rendered again (a selection in the network view changes a
/// few of its 131 maps' marks).
#[component]
fn GridMap(props: &GridMapProps) -> Html {
    let on_click = use_memo((props.on_click.clone(), props.leads.clone(), props.grid), |(cb, leads, grid)| {
        cb.clone().map(|cb| {
            let locate = locate_in(leads.clone(), *grid);
            cb.reform(move |(r, c): (usize, usize)| locate(r, c))
        })
    });
    let on_hover = use_memo((props.on_hover.clone(), props.leads.clone(), props.grid), |(cb, leads, grid)| {
        cb.clone().map(|cb| {
            let locate = locate_in(leads.clone(), *grid);
            cb.reform(move |rc: Option<(usize, usize)>| rc.map(|(r, c)| locate(r, c)))
        })
    });
    html! {
        <Heatmap name={props.name} caption={props.caption.clone()} rows={props.rows} cols={props.cols}
            values={props.values.clone()} scale={props.scale} index={props.index.clone()} overlays={props.overlays.clone()}
            current={props.current} on_click={(*on_click).clone()} on_hover={(*on_hover).clone()} side={props.side}
            layer={props.layer} />
    }
}

/// `(r, c)` of grid `grid` (`None`: 1D, row `r` is lead `r`) to the cell it shows.
fn locate_in(leads: Rc<Vec<Vec<usize>>>, grid: Option<usize>) -> impl Fn(usize, usize) -> GridCell + 'static {
    move |r, c| match grid {
        Some(k) => (leads[k].clone(), [r, c]),
        None => (leads[r].clone(), [0, c]),
    }
}

/// A hover that reports each cell the pointer enters, and nothing when it
/// leaves the grid (the cell entered last stays chosen).
pub(crate) fn entering(on_cell: Callback<GridCell>) -> Callback<Option<GridCell>> {
    Callback::from(move |cell: Option<GridCell>| cell.into_iter().for_each(|c| on_cell.emit(c)))
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

/// An operator sign and the matrix it leads to, kept together: an equation
/// of matrices wraps between terms, never between a sign and its matrix.
pub(crate) fn unit(sign: &'static str, content: Html) -> Html {
    html! {
        <div class="unit">
            <div class="op-sign" aria-hidden="true">{ sign }</div>
            <div class="stack">{ content }</div>
        </div>
    }
}

/// What the marks mean: a key with a swatch drawn in each mark's own class.
pub(crate) fn legend(entries: &[(&'static str, &'static str)]) -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            { for entries.iter().map(|&(class, text)| html! {
                <li><span class={format!("cell {class}")} aria-hidden="true"></span>{ text }</li>
            }) }
        </ul>
    }
}
