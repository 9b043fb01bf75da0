//! "Copy link" (and "Copy embed code"): copies the text made at the click and
//! says so. Where the clipboard is refused (a cross-origin iframe, an old
//! browser), the text appears in a field, selected, to copy by hand.

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::effects::browser::has_clipboard;

/// How long "Link copied" stays.
const CONFIRM_MS: u32 = 2500;

#[derive(Debug, Clone, PartialEq)]
enum Copy {
    Idle,
    Copied,
    /// The clipboard said no: the link to copy by hand.
    Refused(String),
}

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// Makes the text when asked (at the click, so stepping costs nothing).
    pub link: Callback<(), String>,
    #[prop_or(AttrValue::Static("Copy link"))]
    pub label: AttrValue,
    /// Said once copied.
    #[prop_or(AttrValue::Static("Link copied"))]
    pub done: AttrValue,
    /// What is copied, in the refusal's sentence.
    #[prop_or(AttrValue::Static("link"))]
    pub what: AttrValue,
    #[prop_or(AttrValue::Static("Copy a link to exactly this state"))]
    pub title: AttrValue,
}

#[component]
pub fn CopyLink(props: &CopyLinkProps) -> Html {
    let status = use_state(|| Copy::Idle);
    {
        let status = status.clone();
        use_effect_with(*status == Copy::Copied, move |copied| {
            let timeout = copied.then(|| Timeout::new(CONFIRM_MS, move || status.set(Copy::Idle)));
            move || drop(timeout)
        });
    }
    let onclick = {
        let (status, link) = (status.clone(), props.link.clone());
        Callback::from(move |_: MouseEvent| {
            let link = link.emit(());
            let Some(window) = web_sys::window() else { return };
            // No clipboard at all (a page served over plain http): copy by hand.
            if !has_clipboard(&window) {
                return status.set(Copy::Refused(link));
            }
            let promise = window.navigator().clipboard().write_text(&link);
            let status = status.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(promise).await {
                    Ok(_) => status.set(Copy::Copied),
                    Err(_) => status.set(Copy::Refused(link)),
                }
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            input.select();
        } else if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            area.select();
        }
    });
    let close = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| status.set(Copy::Idle))
    };
    html! {
        <span class="copy-link">
            <button type="button" {onclick} title={props.title.clone()}>{ props.label.clone() }</button>
            <span class="copy-status" role="status">
                if *status == Copy::Copied { { props.done.clone() } }
            </span>
            if let Copy::Refused(link) = &*status {
                <span class="copy-fallback">
                    <label>{ format!("The browser did not allow copying. Select and copy this {}: ", props.what) }
                        // Code keeps its lines: a text field would join them.
                        if link.contains('\n') {
                            <textarea readonly=true rows="8" value={link.clone()} onfocus={select_all} autofocus=true />
                        } else {
                            <input type="text" readonly=true value={link.clone()} onfocus={select_all} autofocus=true />
                        }
                    </label>
                    <button type="button" onclick={close} aria-label="Close">{ "\u{00D7}" }</button>
                </span>
            }
        </span>
    }
}
