//! The last state is kept in localStorage, so opening the app without a link
//! brings it back. The stored text is a configuration document (it carries its
//! version); an entry that cannot be read back (corrupt, from a newer version,
//! oversized) is reported once and replaced by the next state.
//!
//! When the page goes (`pagehide`: a reload, a closed tab), the state is
//! stored at once, not after the delay, so nothing just typed is lost. The
//! tab also keeps (sessionStorage) the address it left and the state then on
//! screen: the address bar may lag behind that state, and a reload of it is
//! the learner's own state, not a shared link.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::effects::reader::Parse;
use crate::effects::use_idle::WhenStill;
use crate::model::document::{Document, DocumentError};
use crate::model::state::{JsonMemo, Snapshot};

/// The localStorage key.
pub const KEY: &str = "convscope.document";

/// The sessionStorage keys: the address this tab left, and its state then.
const LEFT_HASH: &str = "convscope.left.hash";
const LEFT_DOCUMENT: &str = "convscope.left.document";

/// How long the state must stay unchanged before it is stored.
const STORE_DELAY_MS: u32 = 400;

/// This browser's localStorage, where it is allowed.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored document's text, if there is one.
pub fn stored_text() -> Option<String> {
    storage()?.get_item(KEY).ok()?
}

/// The stored document, if there is one: `Ok` to open, or why it cannot be.
pub fn stored_document(parse: Parse) -> Option<Result<Document, DocumentError>> {
    let parsed = parse(&stored_text()?);
    if parsed.is_err() {
        // Reported once by the caller; not read again.
        let _ = storage().map(|s| s.remove_item(KEY));
    }
    Some(parsed)
}

/// The text of the state this tab left at address `hash`, if it left that address (a reload).
pub fn left_text(hash: &str) -> Option<String> {
    let session = web_sys::window()?.session_storage().ok()??;
    let left_hash = session.get_item(LEFT_HASH).ok()??;
    (left_hash == hash).then(|| session.get_item(LEFT_DOCUMENT).ok().flatten()).flatten()
}

/// The state this tab left at address `hash`, if it left that address (a reload).
pub fn left_document(hash: &str, parse: Parse) -> Option<Document> {
    parse(&left_text(hash)?).ok()
}

/// Stores `on_screen` now, if it is valid and within the caps; its text.
fn store(on_screen: &Snapshot, written: &RefCell<JsonMemo>) -> Option<String> {
    let document = on_screen.document();
    // An impossible state is not stored: the last valid one stays.
    document.validate().ok()?;
    let text = written.borrow_mut().to_json(on_screen, &document);
    Document::check_length(&text).ok()?;
    let _ = storage()?.set_item(KEY, &text);
    Some(text)
}

/// The page goes: `kept` is stored at once, and kept for this tab with the
/// address it leaves.
fn leave(kept: &Snapshot, written: &RefCell<JsonMemo>) {
    let Some(text) = store(kept, written) else { return };
    if let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok()).flatten() {
        let _ = session.set_item(LEFT_HASH, &crate::effects::use_address_bar::current_hash());
        let _ = session.set_item(LEFT_DOCUMENT, &text);
    }
}

/// Stores the document of `problem` and `view` once it has been still for a
/// moment, and at once when the page goes, if `keep` (an embedded copy keeps
/// nothing: a course page with three frames must not overwrite what the
/// learner was working on; nor does a shared problem only looked at).
#[hook]
pub fn use_storage(on_screen: Snapshot, keep: bool, written: Rc<RefCell<JsonMemo>>) {
    // What to store when the page goes, if anything.
    let latest: Rc<RefCell<Option<Snapshot>>> = use_mut_ref(|| None);
    {
        let (latest, written) = (latest.clone(), written.clone());
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "pagehide", move |_| {
                    if let Some(kept) = latest.borrow().as_ref() {
                        leave(kept, &written);
                    }
                })
            });
            move || drop(listener)
        });
    }
    use_effect_with((on_screen, keep), move |(on_screen, keep)| {
        let kept = keep.then(|| on_screen.clone());
        latest.borrow_mut().clone_from(&kept);
        let timeout = kept.map(|kept| {
            WhenStill::new(STORE_DELAY_MS, move || {
                store(&kept, &written);
            })
        });
        move || drop(timeout)
    });
}
