//! The address bar follows the state (`#config=<encodeURIComponent(JSON)>`),
//! and a new link pasted into it loads.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::effects::reader::{self, Parse};
use crate::effects::use_idle::WhenStill;

use crate::model::document::{Document, DocumentError};
use crate::model::state::{JsonMemo, Snapshot};

/// How long the state must stay unchanged before the address bar follows it.
pub const URL_DELAY_MS: u32 = 150;

/// The JSON text of `#config=<encodeURIComponent(JSON)>` in the address, if present.
pub fn config_text(hash: &str) -> Option<Result<String, DocumentError>> {
    let encoded = hash.strip_prefix('#').unwrap_or(hash).strip_prefix("config=")?;
    Some(js_sys::decode_uri_component(encoded).map(String::from).map_err(|_| DocumentError {
        path: String::new(),
        message: "the link's #config= part is not valid percent-encoding".into(),
        field: None,
    }))
}

/// Reads `#config=<encodeURIComponent(JSON)>` from the address, if present.
pub fn document_from_hash(hash: &str, parse: Parse) -> Option<Result<Document, DocumentError>> {
    config_text(hash).map(|text| text.and_then(|text| parse(&text)))
}

/// The address's `#...` part.
pub fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// `#config=...` for a document.
pub fn hash_of(document: &Document) -> String {
    hash_of_json(&document.to_json())
}

/// `#config=...` for a document's JSON.
fn hash_of_json(json: &str) -> String {
    format!("#config={}", String::from(js_sys::encode_uri_component(json)))
}

/// Writes `on_screen`'s document into the address bar, if it is valid: an
/// impossible state (kept on screen so nothing typed is lost) could not be
/// reopened from a link, so the address keeps the last valid one.
fn write_address(on_screen: &Snapshot, written: &RefCell<JsonMemo>) {
    let document = on_screen.document();
    if document.validate().is_err() {
        return;
    }
    let hash = hash_of_json(&written.borrow_mut().to_json(on_screen, &document));
    if let Some(w) = web_sys::window()
        && w.location().hash().ok().as_deref() != Some(hash.as_str())
        && let Ok(history) = w.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}

/// Keeps the address bar on the document of `problem` and `view` once it has been still for
/// [`URL_DELAY_MS`] (so playing or holding an arrow key does not rewrite a long
/// URL on every step), unless `hold`; and hands any link pasted into the
/// address bar to `on_link`.
///
/// The write waits for an idle moment after the delay ([`WhenStill`]).
#[hook]
pub fn use_address_bar(
    on_screen: Snapshot,
    hold: bool,
    written: Rc<RefCell<JsonMemo>>,
    on_link: Callback<Result<Document, DocumentError>>,
) {
    use_effect_with((on_screen, hold), move |(on_screen, hold)| {
        let on_screen = on_screen.clone();
        // A link that could not be opened stays for its author to fix.
        let later = (!*hold).then(|| WhenStill::new(URL_DELAY_MS, move || write_address(&on_screen, &written)));
        move || drop(later)
    });
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|w| {
            EventListener::new(&w, "hashchange", move |_| {
                let hash = current_hash();
                if config_text(&hash).is_none() {
                    return;
                }
                let on_link = on_link.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = match reader::reader().await {
                        Ok(reader) => document_from_hash(&hash, reader.parse),
                        Err(_) => Some(Err(reader::unfetched())),
                    };
                    if let Some(loaded) = loaded {
                        on_link.emit(loaded);
                    }
                });
            })
        });
        move || drop(listener)
    });
}
