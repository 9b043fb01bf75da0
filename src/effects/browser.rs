//! Thin browser adapters with no state of their own: downloads and the
//! clipboard's presence. Callers in the UI and in the crash banner share them.

use wasm_bindgen::JsCast;
use web_sys::HtmlAnchorElement;

/// Whether the browser offers `navigator.clipboard` here (it does only in a
/// secure context: https or localhost). Calling it where it is missing throws.
pub fn has_clipboard(window: &web_sys::Window) -> bool {
    js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).is_ok_and(|c| !c.is_undefined() && !c.is_null())
}

/// Offers `bytes` to the browser as a download named `name`, of type `mime`.
/// Made in the page: nothing is uploaded.
pub fn download(bytes: &[u8], name: &str, mime: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let a: HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    // In the page while clicked (some browsers ignore a detached link), and
    // the URL kept a moment for the download to start.
    let body = doc.body()?;
    body.append_child(&a).ok()?;
    a.click();
    a.remove();
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// Fired on the window when a chunk's view is drawn in place of its
/// placeholder (#21): what is on screen changed without the app rendering
/// again, so what measures the page (presenting's fit, an embed's height)
/// measures again, as after a resize.
pub const LAYOUT_EVENT: &str = "convscope:layout";

/// Says that the page's layout changed (see [`LAYOUT_EVENT`]).
pub fn announce_layout() {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(LAYOUT_EVENT)) {
        let _ = window.dispatch_event(&event);
    }
}

/// Runs `f` after each resize of the window and each [`announce_layout`].
pub fn on_layout_change(f: impl Fn() + 'static) -> Option<[gloo::events::EventListener; 2]> {
    let window = web_sys::window()?;
    let f = std::rc::Rc::new(f);
    let g = f.clone();
    Some([
        gloo::events::EventListener::new(&window, "resize", move |_| f()),
        gloo::events::EventListener::new(&window, LAYOUT_EVENT, move |_| g()),
    ])
}
