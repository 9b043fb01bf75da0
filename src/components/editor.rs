//! An editable grid: one `<input>` per cell. Type a number, move with Tab,
//! arrow keys or Enter, paste a block (NumPy printout, nested list, rows).
//! A cell that is not a number is marked `aria-invalid` with its message
//! beside the grid; nothing else changes until it is one.

use std::rc::Rc;

use ndarray::{ArrayD, IxDyn};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::conv::{Dims, format};
use crate::grid::{Grid, display_index};
use crate::state::{Action, Draft};

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
    pub dispatch: Callback<Action>,
}

fn input_of(e: &Event) -> Option<HtmlInputElement> {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
}

/// Focuses the editor cell at `(r, c)` of the same table, if there is one.
fn focus_cell(from: &HtmlInputElement, r: usize, c: usize) -> bool {
    let Some(table) = from.closest("table").ok().flatten() else {
        return false;
    };
    let selector = format!("input[data-r='{r}'][data-c='{c}']");
    match table.query_selector(&selector).ok().flatten().and_then(|e: Element| e.dyn_into::<HtmlInputElement>().ok()) {
        Some(next) => {
            let _ = next.focus();
            next.select();
            true
        }
        None => false,
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
    let error_id = format!("err-{name}-{}", grid.base.iter().map(usize::to_string).collect::<Vec<_>>().join("-"));
    let onmouseleave = props.on_probe.clone().map(|cb| Callback::from(move |_: MouseEvent| cb.emit(None)));
    html! {
        <figure class="matrix editor">
            <figcaption>{ grid.title.clone() }</figcaption>
            <table class="grid" onmouseleave={onmouseleave}>
                <tbody>
                { for (0..grid.rows).map(|r| html! {
                    <tr>
                    { for (0..grid.cols).map(|c| {
                        let index = grid.index(r, c);
                        let value = props.values.get(IxDyn(&index)).copied().unwrap_or(0.0);
                        let draft = props.drafts.iter().find(|(i, _)| *i == index).map(|(_, d)| d.clone());
                        let invalid = draft.as_ref().is_some_and(|d| d.error.is_some());
                        let text = draft.map_or_else(|| format::short(value), |d| d.text);
                        let shown = display_index(tensor, props.dims, &index);
                        let marked = props.marked.contains(&index);
                        let dispatch = props.dispatch.clone();
                        let idx = index.clone();
                        let oninput = Callback::from(move |e: InputEvent| {
                            if let Some(el) = input_of(&e) {
                                dispatch.emit(Action::Edit { tensor, index: idx.clone(), text: el.value() });
                            }
                        });
                        let dispatch = props.dispatch.clone();
                        let idx = index.clone();
                        let onblur = Callback::from(move |_: FocusEvent| dispatch.emit(Action::Commit { tensor, index: idx.clone() }));
                        let dispatch = props.dispatch.clone();
                        let paste_grid = grid.clone();
                        let onpaste = Callback::from(move |e: Event| {
                            let Some(text) = e
                                .dyn_ref::<web_sys::ClipboardEvent>()
                                .and_then(|ce| ce.clipboard_data())
                                .and_then(|d| d.get_data("text").ok())
                            else {
                                return;
                            };
                            // One plain number pastes like typing; a block fills from this cell.
                            if text.trim().contains(|ch: char| ch.is_whitespace() || ch == ',' || ch == '[' || ch == ';') {
                                e.prevent_default();
                                dispatch.emit(Action::Paste { grid: paste_grid.clone(), at: (r, c), text });
                            }
                        });
                        let (rows, cols) = (grid.rows, grid.cols);
                        let onkeydown = Callback::from(move |e: KeyboardEvent| {
                            let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
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
                        let onmouseenter = props.on_probe.clone().map(|cb| {
                            let idx = index.clone();
                            Callback::from(move |_: MouseEvent| cb.emit(Some(idx.clone())))
                        });
                        html! {
                            <td class={classes!("cell", marked.then_some("tap"), invalid.then_some("invalid"))} {onmouseenter}>
                                <input
                                    type="text"
                                    inputmode="decimal"
                                    autocomplete="off"
                                    spellcheck="false"
                                    data-matrix={name}
                                    data-index={shown.clone()}
                                    data-value={format::full(value)}
                                    data-r={r.to_string()}
                                    data-c={c.to_string()}
                                    aria-label={format!("{name}[{shown}]")}
                                    aria-invalid={invalid.then_some("true")}
                                    aria-describedby={invalid.then(|| error_id.clone())}
                                    title={format::full(value)}
                                    value={text}
                                    {oninput}
                                    {onblur}
                                    {onpaste}
                                    {onkeydown}
                                />
                            </td>
                        }
                    }) }
                    </tr>
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
