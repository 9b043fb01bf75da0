//! A grid too large for one DOM element per cell, drawn on a canvas: one
//! pixel per cell (scaled up by CSS, never smoothed), coloured on a signed,
//! colour-blind-safe diverging scale (blue below zero, white at zero, red
//! above), with a legend of the range.
//!
//! The DOM contract holds through readouts beside the canvas: the current
//! cell (`aria-current="true"`) and the hovered cell are elements with
//! `data-matrix`, `data-index` and `data-value`. Marks (the window, the cells
//! of this step) are outlined boxes laid over the canvas, so a step moves a
//! few boxes and never redraws the canvas; the pixels are redrawn only when
//! the values change. The image view's feature maps use its colours and
//! legend too.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::conv::Dims;
use crate::conv::decimal::fixed;
use crate::effects::use_canvas::{Pixels, use_canvas};
use crate::model::format;
use crate::model::grid::data_index;
use crate::model::results::Shared;
use crate::ui::widgets::matrix::mark;

/// Grids with more cells than this (all grids of one tensor together) are
/// drawn as heatmaps: beyond it a DOM cell per number costs more than a
/// frame to lay out, and the numbers are too small to read anyway.
pub const DOM_CELLS: usize = 2048;

/// A cell is at most this many CSS pixels wide.
const MAX_CELL_PX: f64 = 10.0;
/// Boxes laid over one canvas at most (runs of marked cells are merged first).
const MAX_OVERLAYS: usize = 400;

/// How a canvas cell `(r, c)` is named in `data-index`.
#[derive(Debug, Clone, PartialEq)]
pub enum CellIndex {
    /// A 2D grid of one leading index (a channel, or a filter and a channel):
    /// `lead..., r, c`.
    Grid { lead: Vec<usize> },
    /// 1D: row `r` is leading index `leads[r]`: `leads[r]..., c`.
    Rows { leads: Vec<Vec<usize>> },
    /// A plain matrix (im2col): `r,c`.
    Flat,
}

impl CellIndex {
    fn of(&self, r: usize, c: usize) -> String {
        match self {
            CellIndex::Grid { lead } => data_index(Dims::Two, lead, [r, c]),
            CellIndex::Rows { leads } => data_index(Dims::One, leads.get(r).map_or(&[][..], Vec::as_slice), [0, c]),
            CellIndex::Flat => format!("{r},{c}"),
        }
    }
}

/// A box over cells `top..=bottom, left..=right`, drawn with the mark's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlay {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
    /// A [`mark`] bit.
    pub mark: u32,
}

/// Boxes for the cells whose marks include each of `bits`: runs along a row
/// are merged, then equal runs of consecutive rows; at most `MAX_OVERLAYS`.
/// One pass over `marks` finds the marked cells; only those are looked at again.
pub fn overlays_of(marks: &[u32], cols: usize, bits: &[u32]) -> Vec<Overlay> {
    let mask = bits.iter().fold(0, |m, b| m | b);
    let marked: Vec<(usize, u32)> =
        marks.iter().enumerate().filter(|(_, m)| *m & mask != 0).map(|(k, &m)| (k, m)).collect();
    overlays_of_cells(&marked, cols, bits)
}

/// [`overlays_of`] for the marked cells alone: `(row * cols + col, marks)`,
/// row-major. A selection in the network view marks a few hundred cells of
/// a 64x64 map; listing them saves building and scanning all 4,096.
pub fn overlays_of_cells(marked: &[(usize, u32)], cols: usize, bits: &[u32]) -> Vec<Overlay> {
    let mut out: Vec<Overlay> = Vec::new();
    if cols == 0 {
        return out;
    }
    for &bit in bits {
        let mut runs: Vec<Overlay> = Vec::new();
        let mut cells = marked.iter().filter(|(_, m)| m & bit != 0).map(|&(k, _)| k).peekable();
        while let Some(start) = cells.next() {
            let (r, left) = (start / cols, start % cols);
            let mut right = left;
            while cells.peek().is_some_and(|&k| k / cols == r && k % cols == right + 1) {
                right += 1;
                cells.next();
            }
            // The same run in the row above: extend that box down.
            match runs.iter_mut().rev().find(|o| o.bottom + 1 == r && o.left == left && o.right == right) {
                Some(o) => o.bottom = r,
                None => runs.push(Overlay { top: r, left, bottom: r, right, mark: bit }),
            }
        }
        out.extend(runs.into_iter().take(MAX_OVERLAYS.saturating_sub(out.len())));
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct HeatmapProps {
    /// `data-matrix` of the readouts.
    pub name: AttrValue,
    #[prop_or_default]
    pub caption: AttrValue,
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` values, row-major. Compared by identity: the pixels are
    /// redrawn when a new vector comes, so views memoise their planes.
    pub values: Shared<Vec<f64>>,
    /// The largest `|value|` the colours span (shared by a tensor's grids so
    /// their colours compare); values beyond it saturate.
    pub scale: f64,
    pub index: CellIndex,
    /// Marked cells, as boxes.
    #[prop_or_default]
    pub overlays: Rc<Vec<Overlay>>,
    /// The cell the step computes: its readout carries `aria-current="true"`.
    #[prop_or_default]
    pub current: Option<(usize, usize)>,
    #[prop_or_default]
    pub on_hover: Option<Callback<Option<(usize, usize)>>>,
    #[prop_or_default]
    pub on_click: Option<Callback<(usize, usize)>>,
    /// The drawn box's longest side, in CSS pixels (smaller when a tensor has many grids).
    #[prop_or(360.0)]
    pub side: f64,
    /// Network view: the layer (0 the input) the readouts' cells belong to (`data-layer`).
    #[prop_or_default]
    pub layer: Option<usize>,
}

/// A tensor's heatmap planes, made once per result (views memoise them):
/// one row-major vector per leading index, and the scale they share.
#[derive(Debug, PartialEq)]
pub struct Planes {
    /// Plane `k` is the tensor's `[k, .., ..]`.
    pub values: Vec<Shared<Vec<f64>>>,
    /// The largest finite `|value|` of all planes.
    pub scale: f64,
}

impl Planes {
    /// One plane per leading index of `(A, H, W)`.
    pub fn of3(a: &ndarray::Array3<f64>) -> Planes {
        let values: Vec<Shared<Vec<f64>>> =
            a.outer_iter().map(|plane| Shared(Rc::new(plane.iter().copied().collect()))).collect();
        Planes { scale: scale_of(a.iter()), values }
    }

    /// One plane: the matrix itself.
    pub fn of2(a: &ndarray::Array2<f64>) -> Planes {
        Planes { scale: scale_of(a.iter()), values: vec![Shared(Rc::new(a.iter().copied().collect()))] }
    }
}

/// RGB of `v` on the diverging scale: RdBu's ends, white at zero.
pub fn colour(v: f64, scale: f64) -> [u8; 3] {
    if v.is_nan() {
        return [128, 128, 128];
    }
    let t = if scale > 0.0 { (v / scale).clamp(-1.0, 1.0) } else { 0.0 };
    let end: [f64; 3] = if t < 0.0 { [33.0, 102.0, 172.0] } else { [178.0, 24.0, 43.0] };
    let white = 247.0;
    let a = t.abs();
    end.map(|e| (white + (e - white) * a).round() as u8)
}

/// The largest finite `|v|`, or 1 when all are zero (so zero draws white).
pub fn scale_of<V: std::borrow::Borrow<f64>>(values: impl IntoIterator<Item = V>) -> f64 {
    let m = values.into_iter().map(|v| *v.borrow()).filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    if m > 0.0 { m } else { 1.0 }
}

/// A `cols`x`rows` drawing of `values` (row-major) on the diverging scale
/// spanning `-scale..=scale`: from a table of 511 colours, one pass over
/// the values with no per-pixel colour arithmetic (a 512x512 feature map
/// is a quarter of a million pixels).
pub fn colour_pixels(values: impl ExactSizeIterator<Item = f64>, cols: usize, rows: usize, scale: f64) -> Pixels {
    let table: Vec<[u8; 3]> = (0..511).map(|k| colour((k as f64 - 255.0) / 255.0, 1.0)).collect();
    let mut rgba = Vec::with_capacity(values.len() * 4);
    for v in values {
        let [r, g, b] = if v.is_nan() {
            colour(v, scale)
        } else {
            let t = if scale > 0.0 { (v / scale).clamp(-1.0, 1.0) } else { 0.0 };
            table[((t * 255.0).round() + 255.0) as usize]
        };
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    Pixels { width: cols, height: rows, rgba }
}

/// A `cols`x`rows` drawing of `values` (row-major, none below zero) on the
/// one-sided scale: black at 0 to white at `high` (image mode's maps of a
/// blur, `|y|` or ReLU; see `MapScale`).
pub fn grey_pixels(values: impl ExactSizeIterator<Item = f64>, cols: usize, rows: usize, high: f64) -> Pixels {
    let mut rgba = Vec::with_capacity(values.len() * 4);
    for v in values {
        let g = if v.is_nan() { 128 } else { ((v / high).clamp(0.0, 1.0) * 255.0).round() as u8 };
        rgba.extend_from_slice(&[g, g, g, 255]);
    }
    Pixels { width: cols, height: rows, rgba }
}

/// The one-sided scale's legend: 0, a black-to-white bar, `high`.
pub fn one_sided_legend(high: f64) -> Html {
    let high = format::short(high);
    html! {
        <div class="scale one-sided" role="img" aria-label={format!("grey scale from 0 (black) to {high} (white)")}>
            <span>{ "0" }</span><span class="bar"></span><span>{ high }</span>
        </div>
    }
}

/// The colour legend: the scale's ends either side of a bar of its colours.
/// `labelled`: read out as "colour scale from a to b"; else hidden from
/// screen readers (a heatmap's readouts say its values).
pub fn colour_legend(scale: f64, labelled: bool) -> Html {
    let (low, high) = (format::short(-scale), format::short(scale));
    let label = labelled.then(|| format!("colour scale from {low} to {high}"));
    html! {
        <div class="scale" role={labelled.then_some("img")} aria-label={label} aria-hidden={(!labelled).then_some("true")}>
            <span>{ low }</span><span class="bar"></span><span>{ high }</span>
        </div>
    }
}

/// The cell `(row, column)` of a `rows`x`cols` drawing under a pointer event
/// on its canvas. From the pointer's client position and the canvas's
/// fractional box, not `offsetX`: that is rounded to a whole CSS pixel, which
/// at a CSS pixel or less per cell (a 512x512 feature map, a large heatmap)
/// names the neighbour half the time.
pub(crate) fn cell_at(e: &MouseEvent, rows: usize, cols: usize) -> Option<(usize, usize)> {
    let canvas = e.target()?.dyn_into::<HtmlCanvasElement>().ok()?;
    let rect = canvas.get_bounding_client_rect();
    let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let x = f64::from(e.client_x()) - rect.left() - f64::from(canvas.client_left());
    let y = f64::from(e.client_y()) - rect.top() - f64::from(canvas.client_top());
    let (r, c) = ((y / h * rows as f64).floor(), (x / w * cols as f64).floor());
    (r >= 0.0 && c >= 0.0 && (r as usize) < rows && (c as usize) < cols).then_some((r as usize, c as usize))
}

fn percent(v: usize, of: usize) -> f64 {
    v as f64 * 100.0 / of.max(1) as f64
}

#[component]
pub fn Heatmap(props: &HeatmapProps) -> Html {
    let canvas = use_node_ref();
    let hovered = use_state(|| None::<(usize, usize)>);
    let (rows, cols) = (props.rows, props.cols);
    // Redraw the pixels only when the values (or their scale) change.
    use_canvas(
        vec![canvas.clone()],
        (props.values.clone(), props.scale.to_bits(), rows, cols),
        |(values, bits, rows, cols), _| colour_pixels(values.iter().copied(), *cols, *rows, f64::from_bits(*bits)),
    );
    let side = props.side;
    let cell = (side / cols.max(1) as f64).min(side / rows.max(1) as f64).min(MAX_CELL_PX);
    // Tall or wide matrices (im2col's) keep a readable box: cells stretch.
    let width = (cols as f64 * cell).max(cols.min(120) as f64 * 2.0).min(side);
    let height = (rows as f64 * cell).max(rows.min(120) as f64 * 2.0).min(side);
    let onmousemove = {
        let (hovered, cb) = (hovered.clone(), props.on_hover.clone());
        Callback::from(move |e: MouseEvent| {
            let at = cell_at(&e, rows, cols);
            if *hovered != at {
                hovered.set(at);
                if let Some(cb) = &cb {
                    cb.emit(at);
                }
            }
        })
    };
    let onmouseleave = {
        let (hovered, cb) = (hovered.clone(), props.on_hover.clone());
        Callback::from(move |_: MouseEvent| {
            hovered.set(None);
            if let Some(cb) = &cb {
                cb.emit(None);
            }
        })
    };
    let onclick = props.on_click.clone().map(|cb| {
        Callback::from(move |e: MouseEvent| {
            if let Some(at) = cell_at(&e, rows, cols) {
                cb.emit(at);
            }
        })
    });
    let readout = |(r, c): (usize, usize), current: bool| {
        let value = props.values.get(r * cols + c).copied().unwrap_or(f64::NAN);
        let index = props.index.of(r, c);
        let label = crate::model::grid::cell_label(&props.name, &index, &format::full(value));
        html! {
            <span class={if current { "readout current" } else { "readout" }} data-matrix={props.name.clone()}
                data-index={index} data-value={format::full(value)} aria-current={current.then_some("true")}
                data-layer={props.layer.map(|k| k.to_string())}
                aria-label={label.clone()}>
                { if current { "current " } else { "under the pointer " } }
                <code>{ format!("{}[{}] = {}", props.name, props.index.of(r, c), format::short(value)) }</code>
            </span>
        }
    };
    // The boxes as one node beside the canvas, never spread among its siblings:
    // Yew pairs an unkeyed list's old and new children from the end, so a
    // spread list that grew would take the canvas's place, and a new, blank
    // canvas (its pixels unchanged, so not drawn again) would be put first.
    let overlays: Html = props
        .overlays
        .iter()
        .map(|o| {
            html! {
                <div class={format!("overlay {}", mark::classes(o.mark))} aria-hidden="true" style={format!(
                    "left:{}%;top:{}%;width:{}%;height:{}%",
                    fixed(percent(o.left, cols), 3), fixed(percent(o.top, rows), 3),
                    fixed(percent(o.right + 1 - o.left, cols), 3), fixed(percent(o.bottom + 1 - o.top, rows), 3)
                )} />
            }
        })
        .collect();
    html! {
        <figure class="matrix heatmap" style={format!("width:{}px", fixed(width.max(150.0), 0))}>
            if !props.caption.is_empty() {
                <figcaption>{ props.caption.clone() }</figcaption>
            }
            <div class="heatmap-box" style={format!("width:{}px;height:{}px", fixed(width, 0), fixed(height, 0))}>
                <canvas ref={canvas} width={cols.to_string()} height={rows.to_string()}
                    data-shape={format!("{rows},{cols}")} role="img"
                    aria-label={format!("{} drawn as colours, {rows} by {cols}: hover a cell for its value", props.name)}
                    class={if props.on_click.is_some() { "interactive" } else { "" }}
                    {onmousemove} {onmouseleave} {onclick} />
                { overlays }
                if let Some((r, c)) = props.current {
                    <div class="overlay cell current" aria-hidden="true" style={format!(
                        "left:{}%;top:{}%;width:{}%;height:{}%",
                        fixed(percent(c, cols), 3), fixed(percent(r, rows), 3), fixed(percent(1, cols), 3), fixed(percent(1, rows), 3)
                    )} />
                }
            </div>
            { colour_legend(props.scale, false) }
            <div class="readouts">
                { for props.current.map(|at| readout(at, true)) }
                { for (*hovered).filter(|&h| Some(h) != props.current).map(|at| readout(at, false)) }
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_signed_and_saturate() {
        assert_eq!(colour(0.0, 4.0), [247, 247, 247]);
        assert_eq!(colour(4.0, 4.0), [178, 24, 43]);
        assert_eq!(colour(-9.0, 4.0), [33, 102, 172]);
        assert_eq!(colour(f64::NAN, 4.0), [128, 128, 128]);
        assert_eq!(scale_of([0.0, -3.0, 2.0, f64::INFINITY]), 3.0);
        assert_eq!(scale_of([0.0]), 1.0);
    }

    #[test]
    fn the_colour_table_matches_the_scale() {
        // The ends and zero exactly; between them within one step of the table.
        let values = [0.0, 4.0, -9.0, f64::NAN, 1.0, -2.5];
        let drawn = colour_pixels(values.iter().copied(), 3, 2, 4.0);
        assert_eq!((drawn.width, drawn.height, drawn.rgba.len()), (3, 2, 24));
        for (k, &v) in values.iter().enumerate() {
            let (got, want) = (&drawn.rgba[k * 4..k * 4 + 3], colour(v, 4.0));
            assert!(got.iter().zip(want).all(|(&a, b)| a.abs_diff(b) <= 1), "{v}: {got:?} vs {want:?}");
            assert_eq!(drawn.rgba[k * 4 + 3], 255);
        }
        assert_eq!(&drawn.rgba[..12], &[247, 247, 247, 255, 178, 24, 43, 255, 33, 102, 172, 255]);
    }

    #[test]
    fn marked_runs_become_few_boxes() {
        // A 3x3 window in a 5x5 grid is one box; a lone cell is another.
        let mut marks = vec![0u32; 25];
        for r in 1..4 {
            for c in 1..4 {
                marks[r * 5 + c] = mark::TAP;
            }
        }
        marks[0] = mark::TAP;
        assert_eq!(
            overlays_of(&marks, 5, &[mark::TAP, mark::ROW]),
            vec![
                Overlay { top: 0, left: 0, bottom: 0, right: 0, mark: mark::TAP },
                Overlay { top: 1, left: 1, bottom: 3, right: 3, mark: mark::TAP },
            ]
        );
        assert_eq!(CellIndex::Grid { lead: vec![2] }.of(3, 4), "2,3,4");
        assert_eq!(CellIndex::Rows { leads: vec![vec![0], vec![1]] }.of(1, 4), "1,4");
    }
}
