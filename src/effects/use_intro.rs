//! The first open's strip is closed for good: once closed, this browser
//! keeps it so (localStorage `convscope.intro`), like the theme, outside any link.

use yew::prelude::*;

use super::use_storage::storage;

/// The localStorage key; its value once the strip is closed.
pub const KEY: &str = "convscope.intro";
const CLOSED: &str = "closed";

/// Whether this browser closed the strip before.
pub fn intro_closed() -> bool {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).is_some_and(|v| v == CLOSED)
}

/// Keeps the strip closed once `shown` turns false after being true.
#[hook]
pub fn use_intro(shown: bool) {
    let was_shown = use_mut_ref(|| shown);
    use_effect_with(shown, move |shown| {
        if *was_shown.borrow() && !*shown {
            storage().map(|s| s.set_item(KEY, CLOSED));
        }
        *was_shown.borrow_mut() = *shown;
    });
}
