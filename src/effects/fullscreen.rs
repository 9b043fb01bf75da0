//! Full screen, for presenting (the button and the `F` key).

/// Full screen on or off (the browser asks nothing more: a key or a click is the gesture).
pub fn toggle() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    } else if let Some(root) = doc.document_element() {
        let _ = root.request_fullscreen();
    }
}
