//! An editable grid: one `<input>` per cell. Type a number, move with Tab,
//! arrow keys or Enter, paste a block (NumPy printout, nested list, rows).
//! A cell that is not a number is marked `aria-invalid` with its message
//! beside the grid; nothing else changes until it is one.

use std::rc::Rc;

use ndarray::{ArrayD, IxDyn};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::conv::Dims;
use crate::model::format;
use crate::model::grid::{Grid, cell_name, display_index};
use crate::model::results::Shared;
use crate::model::state::{Draft, EditAction};
use crate::ui::widgets::heatmap::{CellIndex, Heatmap, Overlay, scale_of};
use crate::ui::widgets::matrix::{event_cell, mark};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub grid: Grid,
    pub dims: Dims,
    /// The whole tensor (2D form).
    pub values: Rc<ArrayD<f64>>,
    /// Drafts of this tensor's cells: stored index -> draft.
    pub drafts: Rc<Vec<(Vec<usize>, Draft)>>,
    /// Stored indices to highlight (e.g. kernel cells of the current step).
    #[prop_or_default]
    pub marked: Rc<Vec<Vec<usize>>>,
    /// Stored index hovered, or none (input cells: shows what they feed).
    #[prop_or_default]
    pub on_probe: Option<Callback<Option<Vec<usize>>>>,
    /// A change to the problem.
    pub on_edit: Callback<EditAction>,
}

fn input_of(e: &Event) -> Option<HtmlInputElement> {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
}

/// The text of a paste that is a block (several numbers), taking it over
/// from the browser; `None` for one plain number, which pastes like typing.
fn pasted_block(e: &Event) -> Option<String> {
    let text = e.dyn_ref::<web_sys::ClipboardEvent>()?.clipboard_data()?.get_data("text").ok()?;
    let block = text.trim().contains(|ch: char| ch.is_whitespace() || ch == ',' || ch == '[' || ch == ';');
    block.then(|| {
        e.prevent_default();
        text
    })
}

/// Focuses the editor cell at `(r, c)` of the same table, if there is one.
fn focus_cell(from: &HtmlInputElement, r: usize, c: usize) -> bool {
    let next = from
        .closest("table")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTableElement>().ok())
        .and_then(|t| t.rows().item(u32::try_from(r).ok()?))
        .and_then(|row| row.dyn_into::<web_sys::HtmlTableRowElement>().ok()?.cells().item(u32::try_from(c).ok()?))
        .and_then(|cell| cell.query_selector("input").ok().flatten())
        .and_then(|e: Element| e.dyn_into::<HtmlInputElement>().ok());
    match next {
        Some(next) => {
            let _ = next.focus();
            next.select();
            true
        }
        None => false,
    }
}

/// What one input cell shows.
#[derive(Clone, PartialEq)]
struct EditorCell {
    /// `data-index` (the tensor's axis order, height dropped in 1D).
    shown: String,
    /// The accessible name: "input channel 0, row 1, column 2".
    label: String,
    value: f64,
    /// The text in the box: the draft while typing, else the short form.
    text: String,
    invalid: bool,
    marked: bool,
}

/// The `--chars` of a cell whose text is longer than the narrowest cell
/// holds (`static/style.css` sizes it from that), else none.
fn text_width(text: &str) -> Option<String> {
    let chars = text.chars().count();
    (chars > 3).then(|| format!("--chars:{chars}"))
}

#[derive(Properties, PartialEq)]
struct EditorRowProps {
    name: &'static str,
    cells: Vec<EditorCell>,
    error_id: AttrValue,
}

/// One row of inputs; re-rendered only when its cells change (events are
/// handled by the table, so rows carry no callbacks).
#[component]
fn EditorRow(props: &EditorRowProps) -> Html {
    let name = props.name;
    html! {
        <tr>
        { for props.cells.iter().map(|cell| html! {
            // A cell as wide as its text (#23, item 13): the compact editor's
            // cells hold about four characters, and 0.1235 or 123456 must not
            // be clipped. The column takes its widest cell's width.
            <td class={format!("cell{}{}", if cell.marked { " tap" } else { "" }, if cell.invalid { " invalid" } else { "" })}
                style={text_width(&cell.text)}>
                <input
                    type="text"
                    inputmode="decimal"
                    spellcheck="false"
                    data-matrix={name}
                    data-index={cell.shown.clone()}
                    data-value={format::full(cell.value)}
                    aria-label={cell.label.clone()}
                    aria-invalid={cell.invalid.then_some("true")}
                    aria-describedby={cell.invalid.then(|| props.error_id.clone())}
                    title={format::full(cell.value)}
                    value={cell.text.clone()}
                />
            </td>
        }) }
        </tr>
    }
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let grid = &props.grid;
    let tensor = grid.tensor;
    let name = tensor.name();
    let errors: Vec<(String, String)> = props
        .drafts
        .iter()
        .filter(|(idx, _)| (0..grid.rows).any(|r| (0..grid.cols).any(|c| grid.index(r, c) == *idx)))
        .filter_map(|(idx, d)| d.error.clone().map(|e| (display_index(tensor, props.dims, idx), e)))
        .collect();
    let error_id: AttrValue =
        format!("err-{name}-{}", grid.base.iter().map(usize::to_string).collect::<Vec<_>>().join("-")).into();

    // Table-level handlers: the cell is the event target's row and column in the table.
    let cell_of = |e: &Event| -> Option<(HtmlInputElement, usize, usize)> {
        let (r, c) = event_cell(e)?;
        Some((input_of(e)?, r, c))
    };
    let oninput = {
        let (d, g) = (props.on_edit.clone(), grid.clone());
        Callback::from(move |e: InputEvent| {
            if let Some((el, r, c)) = cell_of(&e) {
                d.emit(EditAction::Type { tensor, index: g.index(r, c), text: el.value() });
            }
        })
    };
    let onfocusout = {
        let (d, g) = (props.on_edit.clone(), grid.clone());
        Callback::from(move |e: FocusEvent| {
            if let Some((_, r, c)) = cell_of(&e) {
                d.emit(EditAction::Commit { tensor, index: g.index(r, c) });
            }
        })
    };
    let onpaste = {
        let (d, g) = (props.on_edit.clone(), grid.clone());
        Callback::from(move |e: Event| {
            if let Some((_, r, c)) = cell_of(&e)
                && let Some(text) = pasted_block(&e)
            {
                d.emit(EditAction::Paste { grid: g.clone(), at: (r, c), text });
            }
        })
    };
    let (rows, cols) = (grid.rows, grid.cols);
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        let Some((el, r, c)) = cell_of(&e) else { return };
        let len = el.value().chars().count() as u32;
        let start = el.selection_start().ok().flatten().unwrap_or(0);
        let end = el.selection_end().ok().flatten().unwrap_or(0);
        let all = start == 0 && end == len;
        let target = match e.key().as_str() {
            "ArrowUp" if r > 0 => Some((r - 1, c)),
            "ArrowDown" | "Enter" if r + 1 < rows => Some((r + 1, c)),
            "ArrowLeft" if c > 0 && (end == 0 || all) => Some((r, c - 1)),
            "ArrowRight" if c + 1 < cols && (start == len || all) => Some((r, c + 1)),
            _ => None,
        };
        if let Some((nr, nc)) = target
            && focus_cell(&el, nr, nc)
        {
            e.prevent_default();
        }
    });
    let onmouseover = props.on_probe.clone().map(|cb| {
        let g = grid.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((r, c)) = event_cell(&e) {
                cb.emit(Some(g.index(r, c)));
            }
        })
    });
    let onmouseleave = props.on_probe.clone().map(|cb| Callback::from(move |_: MouseEvent| cb.emit(None)));

    let row_cells = |r: usize| -> Vec<EditorCell> {
        (0..grid.cols)
            .map(|c| {
                let index = grid.index(r, c);
                let value = props.values.get(IxDyn(&index)).copied().unwrap_or(0.0);
                let draft = props.drafts.iter().find(|(i, _)| *i == index).map(|(_, d)| d);
                let shown = display_index(tensor, props.dims, &index);
                EditorCell {
                    label: cell_name(name, grid.axes, &shown),
                    shown,
                    value,
                    text: draft.map_or_else(|| format::short(value), |d| d.text.clone()),
                    invalid: draft.is_some_and(|d| d.error.is_some()),
                    marked: props.marked.contains(&index),
                }
            })
            .collect()
    };
    html! {
        <figure class="matrix editor">
            <figcaption>{ grid.title.clone() }</figcaption>
            <table class="grid" {oninput} {onfocusout} {onpaste} {onkeydown} {onmouseover} {onmouseleave}>
                <tbody>
                { for (0..grid.rows).map(|r| html! {
                    <EditorRow key={r} {name} cells={row_cells(r)} error_id={error_id.clone()} />
                }) }
                </tbody>
            </table>
            if !errors.is_empty() {
                <p class="cell-error" id={error_id.clone()}>
                    { for errors.iter().map(|(idx, e)| html! { <span>{ format!("{name}[{idx}]: {e}. ") }</span> }) }
                </p>
            }
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct LargeEditorProps {
    /// The tensor's grids, in display order.
    pub grids: Vec<Grid>,
    pub dims: Dims,
    /// The whole tensor (2D form).
    pub values: Rc<ArrayD<f64>>,
    /// Drafts of this tensor's cells: stored index -> draft.
    pub drafts: Rc<Vec<(Vec<usize>, Draft)>>,
    /// Stored index hovered, or none (input cells: shows what they feed).
    #[prop_or_default]
    pub on_probe: Option<Callback<Option<Vec<usize>>>>,
    /// A change to the problem.
    pub on_edit: Callback<EditAction>,
}

/// A tensor too large for an `<input>` per cell: each grid is a heatmap, and
/// a click on a cell opens that one cell for typing (or pasting a block
/// there) in a field below.
#[component]
pub fn LargeEditor(props: &LargeEditorProps) -> Html {
    // (grid, row, column) of the cell open for typing.
    let open = use_state(|| None::<(usize, usize, usize)>);
    let Some(first) = props.grids.first() else {
        return Html::default();
    };
    let tensor = first.tensor;
    let name = tensor.name();
    // The maps' pixels, made again only when the tensor changes (an edit of
    // another tensor re-renders this editor, and a picture has 786,432 cells):
    // the same planes also spare the heatmaps their redraw.
    let planes = use_memo((props.values.clone(), props.grids.clone()), |(values, grids)| {
        let planes: Vec<Shared<Vec<f64>>> = grids
            .iter()
            .map(|grid| {
                let plane = (0..grid.rows)
                    .flat_map(|r| (0..grid.cols).map(move |c| (r, c)))
                    .map(|(r, c)| values.get(IxDyn(&grid.index(r, c))).copied().unwrap_or(0.0))
                    .collect();
                Shared(Rc::new(plane))
            })
            .collect();
        (planes, scale_of(values.iter()))
    });
    let scale = planes.1;
    let side = if props.grids.len() > 1 { 180.0 } else { 320.0 };
    let heatmaps = props.grids.iter().enumerate().map(|(k, grid)| {
        let values = planes.0.get(k).cloned().unwrap_or_else(|| Shared(Rc::new(Vec::new())));
        let overlays: Vec<Overlay> = (*open)
            .filter(|&(g, ..)| g == k)
            .map(|(_, r, c)| Overlay { top: r, left: c, bottom: r, right: c, mark: mark::SELECTED })
            .into_iter()
            .collect();
        let index = match (props.dims, grid.row_axis) {
            // 1D grids show channels as rows: the row is the leading index.
            (Dims::One, Some(axis)) => {
                CellIndex::Rows { leads: (0..grid.rows).map(|r| grid.index(r, 0)[..=axis].to_vec()).collect() }
            }
            _ => CellIndex::Grid { lead: grid.base[..grid.row_axis.unwrap_or(grid.col_axis)].to_vec() },
        };
        let on_click = {
            let open = open.clone();
            Callback::from(move |(r, c): (usize, usize)| open.set(Some((k, r, c))))
        };
        let on_hover = props.on_probe.clone().map(|cb| {
            let grid = grid.clone();
            Callback::from(move |at: Option<(usize, usize)>| cb.emit(at.map(|(r, c)| grid.index(r, c))))
        });
        // Keyboard: the map is a focusable group; the arrows move the open cell
        // (starting at the top-left), so every cell is reachable without a mouse.
        let on_key = {
            let (open, rows, cols) = (open.clone(), grid.rows, grid.cols);
            Callback::from(move |e: KeyboardEvent| {
                let (r, c) = match *open {
                    Some((g, r, c)) if g == k => (r, c),
                    _ => (0, 0),
                };
                let started = matches!(*open, Some((g, ..)) if g == k);
                if started && e.key() == "Enter" {
                    // To the open cell's field, below the maps.
                    let field = e
                        .target_dyn_into::<Element>()
                        .and_then(|el| el.closest(".large-editor").ok().flatten())
                        .and_then(|box_| box_.query_selector(".cell-editor input").ok().flatten())
                        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok());
                    if let Some(field) = field {
                        e.prevent_default();
                        let _ = field.focus();
                        field.select();
                    }
                    return;
                }
                let next = match e.key().as_str() {
                    "ArrowUp" if started => (r.saturating_sub(1), c),
                    "ArrowDown" if started => ((r + 1).min(rows - 1), c),
                    "ArrowLeft" if started => (r, c.saturating_sub(1)),
                    "ArrowRight" if started => (r, (c + 1).min(cols - 1)),
                    "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Enter" => (r, c),
                    _ => return,
                };
                e.prevent_default();
                open.set(Some((k, next.0, next.1)));
            })
        };
        html! {
            <div class="heatmap-keys" tabindex="0" role="group" data-own-keys="arrows" onkeydown={on_key}
                aria-label={format!("{} {}: arrow keys pick a cell to edit, Enter goes to its field", name, grid.title)}>
                <Heatmap name={name} caption={format!("{} (click a cell to edit it)", grid.title)} rows={grid.rows}
                    cols={grid.cols} {values} {scale} {index} overlays={Rc::new(overlays)}
                    on_click={Some(on_click)} {on_hover} {side} />
            </div>
        }
    });
    let cell_editor = (*open).and_then(|(k, r, c)| {
        let grid = props.grids.get(k)?;
        let index = grid.index(r, c);
        let value = props.values.get(IxDyn(&index)).copied()?;
        let draft = props.drafts.iter().find(|(i, _)| *i == index).map(|(_, d)| d);
        let shown = display_index(tensor, props.dims, &index);
        let error = draft.and_then(|d| d.error.clone());
        let d = props.on_edit.clone();
        let (edit_index, commit_index) = (index.clone(), index.clone());
        let oninput = Callback::from(move |e: InputEvent| {
            if let Some(el) = input_of(&e) {
                d.emit(EditAction::Type { tensor, index: edit_index.clone(), text: el.value() });
            }
        });
        let d = props.on_edit.clone();
        let onfocusout =
            Callback::from(move |_: FocusEvent| d.emit(EditAction::Commit { tensor, index: commit_index.clone() }));
        let (d, g) = (props.on_edit.clone(), grid.clone());
        let onpaste = Callback::from(move |e: Event| {
            if let Some(text) = pasted_block(&e) {
                d.emit(EditAction::Paste { grid: g.clone(), at: (r, c), text });
            }
        });
        let error_id = format!("err-{name}-cell");
        Some(html! {
            <div class="cell-editor" aria-live="polite">
                <label>
                    { format!("{name}[{shown}] ") }
                    <input type="text" inputmode="decimal" autocomplete="off" spellcheck="false"
                        data-matrix={name} data-index={shown.clone()} data-value={format::full(value)}
                        aria-label={cell_name(name, grid.axes, &shown)} aria-invalid={error.is_some().then_some("true")}
                        aria-describedby={error.is_some().then(|| error_id.clone())}
                        value={draft.map_or_else(|| format::short(value), |d| d.text.clone())}
                        {oninput} {onfocusout} {onpaste} />
                </label>
                if let Some(e) = error {
                    <span class="cell-error" id={error_id}>{ e }</span>
                }
            </div>
        })
    });
    html! {
        <div class="large-editor">
            <div class="heatmaps">{ for heatmaps }</div>
            { cell_editor.unwrap_or_else(|| html! { <p class="hint">{ "Click a cell to type its value, or paste a block there." }</p> }) }
        </div>
    }
}
