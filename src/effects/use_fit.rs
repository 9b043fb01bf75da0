//! Presenting fits the projector: the stepped view's cells shrink (down to
//! [`MIN_CELL`] px) until the drawing fits the screen under the player, and
//! the step's result (the output or gradient cell) is scrolled into sight
//! inside the drawing when even the smallest cells do not fit. The
//! stylesheet lays presenting out as a column whose drawing scrolls on its
//! own, so the player and the equation never leave the screen; this hook
//! only picks the cell size (`--fit` on the app) and the drawing's scroll.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::effects::browser::on_layout_change;

/// Presenting's own cell size (at 1024x768, the default example's cells are
/// this large: 2.9em of presenting's type), and the smallest it shrinks to.
pub const MAX_CELL: u32 = 56;
pub const MIN_CELL: u32 = 24;

/// The step's result: the current output or gradient cell, else the output grid.
const RESULT: [&str; 3] = [
    "[aria-current=\"true\"][data-matrix=\"output\"], [aria-current=\"true\"][data-matrix^=\"grad_\"]:not([data-matrix=\"grad_output\"])",
    "[data-matrix=\"output\"]",
    "[aria-current=\"true\"]",
];

fn element(selector: &str) -> Option<Element> {
    web_sys::window()?.document()?.query_selector(selector).ok()?
}

/// Whether nothing in `drawing` (its own box, or a grid row that scrolls
/// sideways inside it) overflows.
fn fits(drawing: &Element) -> bool {
    let fits_box = |e: &Element| e.scroll_height() <= e.client_height() + 1 && e.scroll_width() <= e.client_width() + 1;
    let inner = drawing.query_selector_all(".matrices, .matrix, .grids").ok();
    fits_box(drawing)
        && inner.is_none_or(|list| {
            (0..list.length()).filter_map(|k| list.item(k)?.dyn_into::<Element>().ok()).all(|e| fits_box(&e))
        })
}

/// The largest cell (px) with which the drawing fits, `MIN_CELL` if none does.
fn fit(app: &HtmlElement, drawing: &Element) {
    let style = app.style();
    let set = |px: u32| style.set_property("--fit", &format!("{px}px")).ok();
    let (mut lo, mut hi) = (MIN_CELL, MAX_CELL);
    set(hi);
    if fits(drawing) {
        return;
    }
    // Binary search: `lo` is the largest size known to fit (or the floor).
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        set(mid);
        if fits(drawing) { lo = mid } else { hi = mid }
    }
    set(lo);
}

/// Scrolls `drawing` (only it, not the page) until the step's result is in sight:
/// its grid, or its cell when the grid is taller than the drawing.
fn show_result(drawing: &Element) {
    let Some(cell) = RESULT.iter().find_map(|s| drawing.query_selector(s).ok().flatten()) else {
        return;
    };
    // The whole grid where it fits, else the cell alone.
    let d = drawing.get_bounding_client_rect();
    let grid = cell.closest("table").ok().flatten().filter(|g| g.get_bounding_client_rect().height() <= d.height());
    let t = grid.unwrap_or(cell).get_bounding_client_rect();
    if t.bottom() > d.bottom() {
        drawing.set_scroll_top(drawing.scroll_top() + (t.bottom() - d.bottom()).ceil() as i32 + 4);
    } else if t.top() < d.top() {
        drawing.set_scroll_top(drawing.scroll_top() - (d.top() - t.top()).ceil() as i32 - 4);
    }
    if t.right() > d.right() {
        drawing.set_scroll_left(drawing.scroll_left() + (t.right() - d.right()).ceil() as i32 + 4);
    } else if t.left() < d.left() {
        drawing.set_scroll_left(drawing.scroll_left() - (d.left() - t.left()).ceil() as i32 - 4);
    }
}

/// Fits the presented view (`on`) whenever `key` (what is drawn: the view,
/// its step, the problem) changes or the window is resized; off, the app's
/// own cell size is restored.
#[hook]
pub fn use_fit<K: PartialEq + Clone + 'static>(on: bool, key: K) {
    use_effect_with((on, key), move |(on, _)| {
        let run = || {
            let app = element(".app").and_then(|a| a.dyn_into::<HtmlElement>().ok());
            let drawing = element(".app.presenting.no-side section.view > .drawing");
            match (app, drawing) {
                (Some(app), Some(drawing)) => {
                    fit(&app, &drawing);
                    show_result(&drawing);
                }
                (Some(app), None) => {
                    app.style().remove_property("--fit").ok();
                }
                _ => {}
            }
        };
        run();
        let listener = (*on).then(|| on_layout_change(run));
        move || drop(listener)
    });
}
