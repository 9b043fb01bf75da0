//! The keyboard shortcut sheet (`?`): every shortcut of the page, in a modal
//! dialog that takes the focus and gives it back on close (Escape, the
//! button, or a click outside the sheet).

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// (keys, what they do), in the order a learner meets them.
pub const SHORTCUTS: [(&str, &str); 14] = [
    ("\u{2192} / \u{2190}", "next / previous step"),
    ("Home / End", "first / last step"),
    ("Space", "play or pause"),
    ("Tab, arrows, Enter", "move between editor cells"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "redo"),
    ("P", "present: large type for a projector"),
    ("E", "while presenting: show or fold the editors"),
    ("F", "full screen"),
    ("T", "dark or light theme"),
    ("?", "this sheet"),
    ("Escape", "close this sheet"),
    ("Ctrl+V in a cell", "paste a block (NumPy printout, nested list, rows)"),
    ("Arrows, Enter on a large map", "pick a cell of a large input, then go to its field"),
];

#[derive(Properties, PartialEq)]
pub struct ShortcutSheetProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn ShortcutSheet(props: &ShortcutSheetProps) -> Html {
    let close_button = use_node_ref();
    {
        // Focus moves into the sheet, and back where it was when it closes.
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let before = doc.as_ref().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(b) = close_button.cast::<HtmlElement>() {
                let _ = b.focus();
            }
            move || {
                if let Some(b) = before {
                    let _ = b.focus();
                }
            }
        });
    }
    let close = props.on_close.reform(|_| ());
    // A click on the backdrop closes; a click inside the sheet does not. (Yew
    // delegates events to the app's root, so the target is compared, not current_target.)
    let on_backdrop = {
        let close = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            if e.target_dyn_into::<web_sys::Element>().is_some_and(|el| el.matches(".backdrop").unwrap_or(false)) {
                close.emit(());
            }
        })
    };
    html! {
        <div class="backdrop" onclick={on_backdrop}>
            <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
                <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
                <table class="shortcuts">
                    <tbody>
                        { for SHORTCUTS.iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="hint">{ "Every control is also reached with Tab; the focused one has a yellow ring." }</p>
                <button type="button" ref={close_button} onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
