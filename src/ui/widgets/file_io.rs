//! The configuration as a file: "Save .json" downloads the document on
//! screen, "Open .json" reads one back (the same reader as links, with the
//! same limits and messages). Course authors keep exercises this way.

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::effects::browser::download;
use crate::effects::reader;

use crate::model::document::{Document, DocumentError};

/// The name a saved document gets.
const FILE_NAME: &str = "convscope.json";

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
                let document = match (text, reader::reader().await) {
                    (Some(text), Ok(reader)) => (reader.parse)(&text),
                    (Some(_), Err(_)) => Err(reader::unfetched()),
                    (None, _) => Err(DocumentError {
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
