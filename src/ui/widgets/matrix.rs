//! A read-only matrix of numbers. Every cell carries `data-matrix`,
//! `data-index` (the tensor's own axis order) and `data-value` (full
//! precision), and an aria-label saying the same, so tests and screen readers
//! read exactly what a person sees.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::format;
use crate::model::taps::Tap;

/// Marks a view puts on cells; each becomes a class (styles add outline and
/// text, never colour alone).
pub mod mark {
    /// A padding cell (not part of the input).
    pub const PAD: u32 = 1;
    /// Inside the current window's span.
    pub const WINDOW: u32 = 1 << 1;
    /// A cell the kernel actually multiplies in this step.
    pub const TAP: u32 = 1 << 2;
    /// The cell the current step computes (gets `aria-current="true"`).
    pub const CURRENT: u32 = 1 << 3;
    /// An output fed by the probed input cell.
    pub const FED: u32 = 1 << 4;
    /// The current im2col row / the kernel column in use.
    pub const ROW: u32 = 1 << 5;
    pub const COL: u32 = 1 << 6;
    /// Outside the current filter's group (zeros of a block-diagonal matrix).
    pub const DIM: u32 = 1 << 7;
    /// Cropped away by padding (transposed convolution).
    pub const CROPPED: u32 = 1 << 8;
    /// Touched by the current scatter step.
    pub const PLACED: u32 = 1 << 9;
    /// The cell whose terms are listed.
    pub const SELECTED: u32 = 1 << 10;
    /// A term of the selected cell.
    pub const SOURCE: u32 = 1 << 11;
    /// Edges of the window outline.
    pub const EDGE_TOP: u32 = 1 << 12;
    pub const EDGE_BOTTOM: u32 = 1 << 13;
    pub const EDGE_LEFT: u32 = 1 << 14;
    pub const EDGE_RIGHT: u32 = 1 << 15;
    /// Kept by output_padding beyond the full result.
    pub const EXTRA: u32 = 1 << 16;
    /// The probed input cell itself.
    pub const PROBE: u32 = 1 << 17;
    /// Practice: a number not yet answered, shown as "?" and not in the DOM.
    pub const HIDDEN: u32 = 1 << 18;
    /// Network view: a cell the probed cell depends on (`data-receptive="true"`).
    pub const RECEPTIVE: u32 = 1 << 19;
    /// Network view: a cell that decided the probed cell's value (`data-decided="true"`).
    pub const DECIDED: u32 = 1 << 20;
    /// Network view, pooling panel: the cell a max pool's window took (`data-winner="true"`).
    pub const WINNER: u32 = 1 << 21;

    const NAMES: [(u32, &str); 22] = [
        (PAD, "pad"),
        (WINDOW, "win"),
        (TAP, "tap"),
        (CURRENT, "current"),
        (FED, "fed"),
        (ROW, "row"),
        (COL, "col"),
        (DIM, "dim"),
        (CROPPED, "cropped"),
        (PLACED, "placed"),
        (SELECTED, "selected"),
        (SOURCE, "source"),
        (EDGE_TOP, "et"),
        (EDGE_BOTTOM, "eb"),
        (EDGE_LEFT, "el"),
        (EDGE_RIGHT, "er"),
        (EXTRA, "extra"),
        (PROBE, "probe"),
        (HIDDEN, "hidden"),
        (RECEPTIVE, "receptive"),
        (DECIDED, "decided"),
        (WINNER, "winner"),
    ];

    /// The class list of a set of marks.
    pub fn classes(marks: u32) -> String {
        let mut out = String::from("cell");
        for (bit, name) in NAMES {
            if marks & bit != 0 {
                out.push(' ');
                out.push_str(name);
            }
        }
        out
    }

    /// Marks for the outline edges of cell `(r, c)` inside rectangle `top..=bottom, left..=right`.
    pub fn edges(r: usize, c: usize, (top, left): (usize, usize), (bottom, right): (usize, usize)) -> u32 {
        if r < top || r > bottom || c < left || c > right {
            return 0;
        }
        let mut m = WINDOW;
        if r == top {
            m |= EDGE_TOP;
        }
        if r == bottom {
            m |= EDGE_BOTTOM;
        }
        if c == left {
            m |= EDGE_LEFT;
        }
        if c == right {
            m |= EDGE_RIGHT;
        }
        m
    }
}

/// One displayed cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `data-index`, e.g. `0,1,2`.
    pub index: String,
    pub value: f64,
    pub marks: u32,
    /// A short note under the number (e.g. `×2` or `w[1,0]`).
    pub note: Option<String>,
    /// The kernel tap whose colour the cell wears (the tap itself, or an
    /// input cell it multiplies at this step); its name joins the label.
    pub tap: Option<Tap>,
}

impl Cell {
    pub fn new(index: String, value: f64) -> Cell {
        Cell { index, value, marks: 0, note: None, tap: None }
    }
}

#[derive(Properties, PartialEq)]
pub struct MatrixProps {
    /// `data-matrix` of every cell.
    pub name: AttrValue,
    /// Caption above the grid.
    #[prop_or_default]
    pub caption: AttrValue,
    pub rows: Rc<Vec<Vec<Cell>>>,
    /// Pointer over cell `(r, c)`, or left the grid.
    #[prop_or_default]
    pub on_hover: Option<Callback<Option<(usize, usize)>>>,
    #[prop_or_default]
    pub on_click: Option<Callback<(usize, usize)>>,
    /// Column separators after these columns (im2col group blocks).
    #[prop_or_default]
    pub col_breaks: Rc<Vec<usize>>,
    /// Network view: the layer (0 the input) the cells belong to (`data-layer`).
    #[prop_or_default]
    pub layer: Option<usize>,
}

/// The `(r, c)` of the table cell an event happened in: its row in the
/// `<tbody>` and its column, read from the DOM's `sectionRowIndex` and
/// `cellIndex` (no per-cell attributes to write).
///
/// Events are handled once per table (delegation), not once per cell: rows
/// then carry no callbacks, so a row whose cells did not change is not
/// re-rendered at all (see `MatrixRow`), which keeps large grids fast.
pub fn event_cell(e: &Event) -> Option<(usize, usize)> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let cell = target.closest("td").ok()??.dyn_into::<web_sys::HtmlTableCellElement>().ok()?;
    let row = cell.parent_element()?.dyn_into::<web_sys::HtmlTableRowElement>().ok()?;
    Some((usize::try_from(row.section_row_index()).ok()?, usize::try_from(cell.cell_index()).ok()?))
}

#[derive(Properties, PartialEq)]
struct MatrixRowProps {
    name: AttrValue,
    cells: Vec<Cell>,
    breaks: Rc<Vec<usize>>,
    layer: Option<usize>,
}

/// One row of cells; re-rendered only when its cells change.
#[component]
fn MatrixRow(props: &MatrixRowProps) -> Html {
    let name = &props.name;
    html! {
        <tr>
            { for props.cells.iter().enumerate().map(|(c, cell)| {
                // Practice hides a number until it is answered: nowhere in the page.
                let hidden = cell.marks & mark::HIDDEN != 0;
                let value = if hidden { "?".to_string() } else { format::full(cell.value) };
                let mut title = format!("{}[{}] = {value}", name, cell.index);
                let mut label = crate::model::grid::cell_label(name, &cell.index, if hidden { "not yet answered" } else { &value });
                let mut class = mark::classes(cell.marks);
                if let Some(tap) = &cell.tap {
                    label.push_str(&format!(", tap {}", tap.name));
                    title.push_str(&format!(" (tap {})", tap.name));
                    class.push_str(&format!(" tap-colour-{}", tap.colour));
                }
                if props.breaks.contains(&c) {
                    class.push_str(" break");
                }
                html! {
                    <td
                        class={class}
                        data-matrix={name.clone()}
                        data-index={cell.index.clone()}
                        data-value={(!hidden).then_some(value)}
                        {title}
                        aria-label={label}
                        aria-current={(cell.marks & mark::CURRENT != 0).then_some("true")}
                        data-layer={props.layer.map(|k| k.to_string())}
                        data-receptive={(cell.marks & mark::RECEPTIVE != 0).then_some("true")}
                        data-decided={(cell.marks & mark::DECIDED != 0).then_some("true")}
                        data-tap={cell.tap.as_ref().map(|t| t.colour.to_string())}
                        data-winner={(cell.marks & mark::WINNER != 0).then_some("true")}
                    >
                        { if hidden { "?".to_string() } else { format::short(cell.value) } }
                        if let Some(note) = &cell.note {
                            <span class="note">{ note.clone() }</span>
                        }
                    </td>
                }
            }) }
        </tr>
    }
}

#[component]
pub fn Matrix(props: &MatrixProps) -> Html {
    let interactive = props.on_click.is_some() || props.on_hover.is_some();
    let onmouseleave = props.on_hover.clone().map(|cb| Callback::from(move |_: MouseEvent| cb.emit(None)));
    let onmouseover = props.on_hover.clone().map(|cb| {
        Callback::from(move |e: MouseEvent| {
            if let Some(rc) = event_cell(&e) {
                cb.emit(Some(rc));
            }
        })
    });
    let onclick = props.on_click.clone().map(|cb| {
        Callback::from(move |e: MouseEvent| {
            if let Some(rc) = event_cell(&e) {
                cb.emit(rc);
            }
        })
    });
    html! {
        <figure class="matrix">
            if !props.caption.is_empty() {
                <figcaption>{ props.caption.clone() }</figcaption>
            }
            <table class={if interactive { "grid interactive" } else { "grid" }} {onmouseleave} {onmouseover} {onclick}>
                <tbody>
                    { for props.rows.iter().enumerate().map(|(r, row)| html! {
                        <MatrixRow key={r} name={props.name.clone()} cells={row.clone()} breaks={props.col_breaks.clone()} layer={props.layer} />
                    }) }
                </tbody>
            </table>
        </figure>
    }
}
