//! The prerendered first screen (#21): index.html carries the default page
//! as HTML (`[data-snapshot]`, inert, made at build time by
//! `ui::app::prerender`), shown before any script or wasm loads. The live app
//! mounts beside it; this hook removes it in the same task as the app's first
//! render, before the browser paints again, so the page never shows both.

use yew::prelude::*;

/// localStorage: the cache name of the build the service worker holds whole,
/// set by the boot script (`ui::app::prerender`) once the worker is ready.
/// A page of that build, controlled by the worker, does not draw the snapshot
/// (`data-boot="warm"`): its module comes from the cache, and laying the
/// snapshot out took the main thread just when the app could start. On a
/// second visit at CPU 1x the app was live about 100 ms sooner without it,
/// at 4x about 400 ms (#21). A page of another build (a new deploy, the
/// worker still the old one's) fetches its parts from the network, so it
/// shows the snapshot as a first visit does.
pub const WARM_KEY: &str = "convscope.warm";

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
