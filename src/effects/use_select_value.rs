//! A `<select>` that names what is on screen. Its value is set as a
//! property after each change: the browser stops reading `selected` once a
//! person has picked an option, so markup alone would go stale.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Keeps the `<select>` behind `select` on `value` (`""`: the blank option).
#[hook]
pub fn use_select_value(select: NodeRef, value: &'static str) {
    use_effect_with(value, move |value| {
        if let Some(sel) = select.cast::<HtmlSelectElement>() {
            sel.set_value(value);
        }
    });
}
