//! The prerendered first screen (#21): index.html carries the default page
//! as HTML (`[data-snapshot]`, inert, made at build time by
//! `ui::app::prerender`), shown before any script or wasm loads. The live app
//! mounts beside it; this hook removes it in the same task as the app's first
//! render, before the browser paints again, so the page never shows both.

use yew::prelude::*;

/// Removes the snapshot once the app has rendered, if `ready` (not while
/// the page waits for the documents it opens: the placeholder stays).
#[hook]
pub fn use_replace_snapshot(ready: bool) {
    use_effect_with(ready, |&ready| {
        let doc = web_sys::window().and_then(|w| w.document()).filter(|_| ready);
        if let Some(doc) = doc {
            if let Ok(Some(snapshot)) = doc.query_selector("[data-snapshot]") {
                snapshot.remove();
            }
            // What the boot script marked for the snapshot alone (data-boot in static/style.css).
            if let Some(root) = doc.document_element() {
                let _ = root.remove_attribute("data-boot");
                let _ = root.remove_attribute("data-intro");
            }
        }
    });
}
