//! The page's header, in its three forms: the full app's (examples,
//! history, share, screen), presenting's (back, editors, full screen,
//! theme) and an embed's (a link to the full app). It takes values and
//! typed callbacks; `app` maps them to actions.

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::effects::reader;
use crate::model::document::{Document, DocumentError};
use crate::model::presets::{PRESET_GROUPS, PRESETS};
use crate::model::state::{DocAction, Embed, PageAction, Theme};
use crate::ui::widgets::copy_link::CopyLink;
use crate::ui::widgets::file_io::FileButtons;

/// The header's values and callbacks. (A plain function, not a component:
/// its values change with nearly every action, so a component would
/// re-render as often and cost its own code.)
pub struct HeaderProps {
    /// The example menu (its value is kept by `use_select_value` in the app).
    pub examples: NodeRef,
    pub embed: Embed,
    pub present: bool,
    pub editors_open: bool,
    /// The page shows dark now (the theme button's state).
    pub dark: bool,
    pub practicing: bool,
    /// Practice may be left: every answer is shown or may be.
    pub reveal: bool,
    pub can_undo: bool,
    pub can_redo: bool,
    /// The link to what is on screen, the embed code and the document as
    /// JSON, each made at the click (stepping costs nothing).
    pub link: Callback<(), String>,
    pub embed_code: Callback<(), String>,
    pub document_text: Callback<(), String>,
    pub on_page: Callback<PageAction>,
    pub on_doc: Callback<DocAction>,
    pub on_practice: Callback<bool>,
}

pub fn header(props: &HeaderProps) -> Html {
    let examples = props.examples.clone();
    let page = &props.on_page;
    let dark = props.dark;
    let theme_button = html! {
        <button type="button" onclick={page.reform(move |_| PageAction::SetTheme(if dark { Theme::Light } else { Theme::Dark }))}
            aria-pressed={dark.to_string()} title="Dark or light theme (T)">{ "Dark theme" }</button>
    };
    if props.embed != Embed::Off {
        // The full app in a new tab, opened on the same state (the link is made at the click).
        let open_full = {
            let link = props.link.clone();
            // (Yew delegates events to the app's root: the anchor is found from the target.)
            Callback::from(move |e: MouseEvent| {
                let anchor =
                    e.target_dyn_into::<web_sys::Element>().and_then(|el| el.closest("a.open-full").ok().flatten());
                if let Some(a) = anchor.and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
                    a.set_href(&link.emit(()));
                }
            })
        };
        return html! {
            <header class="embed-bar">
                <a class="open-full" href="./" target="_blank" rel="noopener" onclick={open_full}>
                    { "Open in ConvScope \u{2197}" }</a>
            </header>
        };
    }
    if props.present {
        return html! {
            <header class="top">
                <h1><span class="logo" aria-hidden="true"></span>{ "ConvScope" }</h1>
                <span class="screen" role="group" aria-label="Presenting">
                    <button type="button" onclick={page.reform(|_| PageAction::SetPresent(false))}
                        title="Back to editing (P)">{ "Stop presenting" }</button>
                    <button type="button" onclick={page.reform(|_| PageAction::ToggleEditors)}
                        aria-pressed={props.editors_open.to_string()} title="Show or fold the editors (E)">{ "Editors" }</button>
                    <button type="button" onclick={Callback::from(|_| crate::effects::fullscreen::toggle())} title="Full screen (F)">{ "Full screen" }</button>
                    { theme_button }
                </span>
            </header>
        };
    }
    let on_preset = {
        let on_doc = props.on_doc.clone();
        Callback::from(move |e: Event| {
            let id = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|sel| sel.value());
            if let Some(id) = id.filter(|id| !id.is_empty()) {
                let on_doc = on_doc.clone();
                // The examples are read by the document reader, fetched the first time.
                wasm_bindgen_futures::spawn_local(async move {
                    let document = match reader::reader().await {
                        Ok(reader) => (reader.example)(&id),
                        Err(_) => Some(Err(reader::unfetched())),
                    };
                    on_doc.emit(DocAction::LoadPreset { id, document: Box::new(document) });
                });
            }
        })
    };
    let on_open = props.on_doc.reform(|(name, document): (String, Result<Document, DocumentError>)| {
        DocAction::Import { name, document: Box::new(document) }
    });
    let practicing = props.practicing;
    html! {
        <header class="top">
            <h1><span class="logo" aria-hidden="true"></span>{ "ConvScope" }</h1>
            <p class="tagline">{ "convolution, step by step, with your numbers" }</p>
            <label class="presets">{ "Examples " }
                <select ref={examples} onchange={on_preset} aria-label="Load an example">
                    // Shown once the example on screen is edited: no example names it.
                    <option value="">{ "your own" }</option>
                    { for PRESET_GROUPS.iter().map(|group| html! {
                        <optgroup label={*group}>
                            { for PRESETS.iter().filter(|p| p.group == *group).map(|p| html! {
                                <option value={p.id}>{ p.label }</option>
                            }) }
                        </optgroup>
                    }) }
                </select>
            </label>
            // The convolution-arithmetic gallery (#24): a page of its own, built with the site.
            <a class="gallery-link" href="gallery.html" title="Every figure of the convolution arithmetic guide, opened live">{ "Gallery" }</a>
            <span class="history" role="group" aria-label="History">
                <button type="button" onclick={props.on_doc.reform(|_| DocAction::Undo)} disabled={!props.can_undo}
                    title="Undo (Ctrl+Z)">{ "Undo" }</button>
                <button type="button" onclick={props.on_doc.reform(|_| DocAction::Redo)} disabled={!props.can_redo}
                    title="Redo (Ctrl+Shift+Z or Ctrl+Y)">{ "Redo" }</button>
            </span>
            <span class="share" role="group" aria-label="Share">
                <CopyLink link={props.link.clone()} />
                <CopyLink link={props.embed_code.clone()} label="Copy embed code" done="Embed code copied" what="embed code"
                    title="Copy an <iframe> that shows this state in a course page" />
                <FileButtons document={props.document_text.clone()} {on_open} />
            </span>
            <span class="screen" role="group" aria-label="Screen">
                <button type="button" onclick={page.reform(|_| PageAction::SetPresent(true))}
                    title="Large type for a projector (P)">{ "Present" }</button>
                <button type="button" onclick={props.on_practice.reform(move |_| !practicing)}
                    aria-pressed={practicing.to_string()} disabled={practicing && !props.reveal} title="Predict each number before it is shown; questions about shapes; new problems by level">{ "Practice" }</button>
                { theme_button }
                <button type="button" onclick={page.reform(|_| PageAction::SetHelp(true))}
                    title="Keyboard shortcuts (?)">{ "Shortcuts" }</button>
            </span>
        </header>
    }
}
