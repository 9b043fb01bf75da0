//! The colour theme: the learner's choice is kept in localStorage (it is how
//! this browser shows the app, not part of any link) and set as `data-theme`
//! on the page's root element; without a choice, the stylesheet follows
//! `prefers-color-scheme`.

use yew::prelude::*;

use super::use_storage::storage;
use crate::model::state::Theme;

/// The localStorage key.
pub const KEY: &str = "convscope.theme";

/// The theme this browser chose last (none: follow the system).
pub fn stored_theme() -> Theme {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).map_or(Theme::System, |name| Theme::from_name(&name))
}

/// Whether the page shows dark now: the choice, or else the system's preference.
pub fn shows_dark(theme: Theme) -> bool {
    match theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Applies `theme`, and keeps it once the learner changes it. The theme of
/// the first render is the one read from storage: not written back at start-up.
#[hook]
pub fn use_theme(theme: Theme) {
    let kept = use_mut_ref(|| theme);
    use_effect_with(theme, move |theme| {
        let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
        match theme.name() {
            Some(name) => root.map(|r| r.set_attribute("data-theme", name)),
            None => root.map(|r| r.remove_attribute("data-theme")),
        };
        if *kept.borrow() != *theme {
            *kept.borrow_mut() = *theme;
            match theme.name() {
                Some(name) => storage().map(|s| s.set_item(KEY, name)),
                None => storage().map(|s| s.remove_item(KEY)),
            };
        }
    });
}
