//! Practice's score and streak for this browser: kept in localStorage as
//! `"score,streak"`, so a reload does not lose them, and never sent anywhere.
//! An embedded copy neither reads nor writes them (like the document).

use yew::prelude::*;

use super::use_storage::storage;

/// The localStorage key.
pub const KEY: &str = "convscope.practice";

/// The stored `(score, streak)`; nothing stored or unreadable gives none.
pub fn stored_score() -> Option<(u32, u32)> {
    let text = storage()?.get_item(KEY).ok()??;
    let (score, streak) = text.split_once(',')?;
    Some((score.trim().parse().ok()?, streak.trim().parse().ok()?))
}

/// Keeps `(score, streak)` once they change (the first render's are the
/// stored ones: not written back at start-up).
#[hook]
pub fn use_score(score: u32, streak: u32, keep: bool) {
    let kept = use_mut_ref(|| (score, streak));
    use_effect_with((score, streak, keep), move |&(score, streak, keep)| {
        if keep && *kept.borrow() != (score, streak) {
            *kept.borrow_mut() = (score, streak);
            if let Some(s) = storage() {
                let _ = s.set_item(KEY, &format!("{score},{streak}"));
            }
        }
    });
}
