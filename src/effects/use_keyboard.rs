//! Keyboard shortcuts: arrows step, Space plays, Home/End jump, P presents,
//! E folds the editors, F goes full screen, T switches the theme, ? opens the
//! shortcut sheet (Escape closes it), wherever the focus is, unless a field
//! wants the key. The sheet (ui/panels/shortcuts.rs) lists them all.

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::state::{Action, DocAction, Move, PageAction, State, Theme, ViewAction};

/// What the state-dependent keys need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    pub help: bool,
    pub present: bool,
    /// The page shows the dark theme now.
    pub dark: bool,
}

/// Whether the element that has the key keeps it: fields keep their keys;
/// buttons, checkboxes and links keep Space (it presses them), except the
/// player's own buttons: after clicking "step" a learner presses Space to
/// play, not to step again. The scrub slider gives the arrows to the player.
fn target_keeps(e: &KeyboardEvent, key: &str) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let kind = el.get_attribute("type").unwrap_or_default();
        let field = tag == "textarea" || tag == "select" || (tag == "input" && kind != "range" && kind != "checkbox");
        let in_player = el.closest(".player").ok().flatten().is_some();
        // A large editor's map moves its own cell with the arrows.
        let own_arrows = key.starts_with("Arrow") && el.closest("[data-own-keys]").ok().flatten().is_some();
        let presses = (tag == "button" && !in_player) || tag == "a" || kind == "checkbox";
        field || own_arrows || (presses && (key == " " || key == "Spacebar"))
    })
}

/// Whether the key goes to a text field (which has its own undo).
fn target_is_field(e: &KeyboardEvent) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let kind = el.get_attribute("type").unwrap_or_default();
        tag == "textarea" || (tag == "input" && kind != "range" && kind != "checkbox")
    })
}

/// Installs the shortcuts on the document for the component's lifetime. The
/// keys that depend on the state (P, T, Escape) read it through `now`, kept
/// current on every render.
#[hook]
pub fn use_keyboard(dispatcher: UseReducerDispatcher<State>, now: Keys) {
    let current = use_mut_ref(|| now);
    *current.borrow_mut() = now;
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive: Space and the arrows must not also scroll the page.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                let key = e.key();
                // Undo and redo, except in a field: there the browser's own undo works.
                if (e.ctrl_key() || e.meta_key()) && !e.alt_key() && !target_is_field(e) {
                    let action = match key.to_ascii_lowercase().as_str() {
                        "z" if e.shift_key() => Action::Doc(DocAction::Redo),
                        "z" => Action::Doc(DocAction::Undo),
                        "y" => Action::Doc(DocAction::Redo),
                        _ => return,
                    };
                    e.prevent_default();
                    dispatcher.dispatch(action);
                    return;
                }
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let now = *current.borrow();
                // The shortcut sheet is modal: only Escape and ? act while it is open.
                if now.help {
                    if key == "Escape" || key == "?" {
                        e.prevent_default();
                        dispatcher.dispatch(Action::Page(PageAction::SetHelp(false)));
                    }
                    return;
                }
                if target_keeps(e, &key) {
                    return;
                }
                // Toggles act once per press, not again while the key is held.
                if e.repeat() && matches!(key.as_str(), "p" | "P" | "e" | "E" | "t" | "T" | "f" | "F" | "?") {
                    return;
                }
                let action = match key.as_str() {
                    "?" => Action::Page(PageAction::SetHelp(true)),
                    "p" | "P" => Action::Page(PageAction::SetPresent(!now.present)),
                    "e" | "E" if now.present => Action::Page(PageAction::ToggleEditors),
                    "t" | "T" => Action::Page(PageAction::SetTheme(if now.dark { Theme::Light } else { Theme::Dark })),
                    "f" | "F" => {
                        e.prevent_default();
                        crate::effects::fullscreen::toggle();
                        return;
                    }
                    "ArrowRight" => Action::View(ViewAction::Step(Move::Next)),
                    "ArrowLeft" => Action::View(ViewAction::Step(Move::Prev)),
                    "Home" => Action::View(ViewAction::Step(Move::First)),
                    "End" => Action::View(ViewAction::Step(Move::Last)),
                    " " | "Spacebar" => Action::View(ViewAction::TogglePlay),
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(action);
            })
        });
        move || drop(listener)
    });
}
