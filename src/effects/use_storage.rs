//! The last state is kept in localStorage, so opening the app without a link
//! brings it back. The stored text is a configuration document (it carries its
//! version); an entry that cannot be read back (corrupt, from a newer version,
//! oversized) is reported once and replaced by the next state.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::conv::Problem;
use crate::model::document::{Document, DocumentError, PictureRef};
use crate::model::results::Shared;
use crate::model::state::ViewState;

/// The localStorage key.
pub const KEY: &str = "convscope.document";

/// How long the state must stay unchanged before it is stored.
const STORE_DELAY_MS: u32 = 400;

/// This browser's localStorage, where it is allowed.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored document, if there is one: `Ok` to open, or why it cannot be.
pub fn stored_document() -> Option<Result<Document, DocumentError>> {
    let text = storage()?.get_item(KEY).ok()??;
    let parsed = Document::parse(&text);
    if parsed.is_err() {
        // Reported once by the caller; not read again.
        let _ = storage().map(|s| s.remove_item(KEY));
    }
    Some(parsed)
}

/// Stores the document of `problem` and `view` once it has been still for a
/// moment, if `keep` (an embedded copy keeps nothing: a course page with three
/// frames must not overwrite what the learner was working on).
#[hook]
pub fn use_storage(problem: Shared<Problem>, view: ViewState, picture: Option<PictureRef>, keep: bool) {
    use_effect_with((problem, view, picture, keep), move |(problem, view, picture, keep)| {
        let (problem, view, picture) = (problem.clone(), *view, *picture);
        let timeout = keep.then(|| {
            Timeout::new(STORE_DELAY_MS, move || {
                let document = Document { problem: (*problem).clone(), view, picture };
                // An impossible state is not stored: the last valid one stays.
                if document.validate().is_err() {
                    return;
                }
                let text = document.to_json();
                if Document::check_length(&text).is_ok()
                    && let Some(s) = storage()
                {
                    let _ = s.set_item(KEY, &text);
                }
            })
        });
        move || drop(timeout)
    });
}
