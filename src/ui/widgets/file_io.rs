//! The configuration as a file: "Save .json" downloads the document on
//! screen, "Open .json" reads one back (the same reader as links, with the
//! same limits and messages). Course authors keep exercises this way.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlAnchorElement, HtmlInputElement};
use yew::prelude::*;

use crate::model::document::{Document, DocumentError};

/// The name a saved document gets.
const FILE_NAME: &str = "convscope.json";

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

#[derive(Properties, PartialEq)]
pub struct FileButtonsProps {
    /// The document on screen, as JSON text (made at the click).
    pub document: Callback<(), String>,
    /// A file opened: its name, and its document or why it is not one.
    pub on_open: Callback<(String, Result<Document, DocumentError>)>,
}

#[component]
pub fn FileButtons(props: &FileButtonsProps) -> Html {
    let picker = use_node_ref();
    let save = {
        let document = props.document.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = download(document.emit(()).as_bytes(), FILE_NAME, "application/json");
        })
    };
    let open = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onchange = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            // The same file can be opened again after editing it.
            input.set_value("");
            let on_open = on_open.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                let document = match text {
                    Some(text) => Document::parse(&text),
                    None => Err(DocumentError {
                        path: String::new(),
                        message: "it could not be read as text".into(),
                        field: None,
                    }),
                };
                on_open.emit((name, document));
            });
        })
    };
    html! {
        <>
            <button type="button" onclick={save} title="Download this state as a .json file">{ "Save .json" }</button>
            <button type="button" onclick={open} title="Open a state saved as a .json file">{ "Open .json" }</button>
            <input ref={picker} type="file" accept=".json,application/json" hidden=true aria-label="Open a .json file" {onchange} />
        </>
    }
}
