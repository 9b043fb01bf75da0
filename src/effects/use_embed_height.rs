//! An embedded view's height: measured in the full app when its embed code
//! is copied (the code's `height`), and posted by the embedded page to the
//! course page around it whenever it changes, so a frame can follow the view
//! as it steps (`{"type": "convscope:height", "height": px}`; the README's
//! "Embedding it in a course page" has the few lines a course page adds).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::Element;
use yew::prelude::*;

use crate::effects::browser::on_layout_change;

/// The message's `type`.
pub const MESSAGE: &str = "convscope:height";

/// What an embedded page adds around the view: its "Open in ConvScope" bar
/// and its padding (`.app.embedded`, `.embed-bar` in the stylesheet), with a
/// few pixels to spare for rounding.
const EMBED_CHROME: f64 = 40.0;

fn height_of(e: &Element) -> f64 {
    e.get_bounding_client_rect().height()
}

/// The height (CSS px) the view on screen needs embedded: the view's panel
/// without what an embedded copy does not show (the tabs, the figure bar).
pub fn view_height() -> Option<u32> {
    let doc = web_sys::window()?.document()?;
    let main = doc.query_selector(".layout > .main").ok()??;
    let left_out: f64 = [".main > .tabs", ".main > .figure-bar"]
        .iter()
        .filter_map(|s| doc.query_selector(s).ok().flatten())
        .map(|e| height_of(&e))
        .sum();
    Some((height_of(&main) - left_out + EMBED_CHROME).ceil() as u32)
}

/// The whole embedded page's height, rounded up.
fn page_height() -> Option<u32> {
    let app = web_sys::window()?.document()?.query_selector(".app").ok()??;
    Some(height_of(&app).ceil() as u32)
}

/// Embedded in another page (`on`), posts the page's height to it after each
/// render and resize that changes it.
#[hook]
pub fn use_embed_height(on: bool) {
    let last = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let last = last.borrow().clone();
    // After every render: a step can change the equation's lines.
    use_effect(move || {
        let post = move || {
            let Some(window) = web_sys::window() else { return };
            let Some(parent) = window.parent().ok().flatten() else { return };
            // Not in a frame: its own parent.
            if JsValue::from(&parent) == JsValue::from(&window) {
                return;
            }
            let Some(height) = page_height().filter(|h| *h != last.get()) else { return };
            last.set(height);
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &MESSAGE.into());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            // A height says nothing private: any course page may read it.
            let _ = parent.post_message(&message, "*");
        };
        let listener = on.then(|| {
            post();
            on_layout_change(post)
        });
        move || drop(listener)
    });
}
