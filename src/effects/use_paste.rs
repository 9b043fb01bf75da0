//! A picture pasted anywhere on the page, while the calling component is
//! mounted: one document listener, removed when the component goes.

use wasm_bindgen::JsCast;
use web_sys::File;
use yew::prelude::*;

use super::use_decode::first_picture;

/// Sends the first picture file of each paste to `on_picture` (the latest
/// callback given), and keeps the paste from the page. Pastes without a
/// picture (text into a cell) are left alone.
#[hook]
pub fn use_paste(on_picture: Callback<File>) {
    let target = use_mut_ref(|| on_picture.clone());
    *target.borrow_mut() = on_picture;
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|d| {
            // Not passive: a picture pasted here is ours, not the page's (preventDefault).
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            gloo::events::EventListener::new_with_options(&d, "paste", options, move |e| {
                let files =
                    e.dyn_ref::<web_sys::ClipboardEvent>().and_then(|e| e.clipboard_data()).and_then(|d| d.files());
                if let Some(file) = first_picture(files) {
                    e.prevent_default();
                    let on_picture = target.borrow().clone();
                    on_picture.emit(file);
                }
            })
        });
        move || drop(listener)
    });
}
