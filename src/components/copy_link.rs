//! "Copy link": copies the link to exactly what is on screen and says so. Where
//! the clipboard is refused (a cross-origin iframe, an old browser), the link
//! appears in a field, selected, for the learner to copy by hand.

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
    /// Makes the link when asked (at the click, so stepping costs nothing).
    pub link: Callback<(), String>,
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
        }
    });
    let close = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| status.set(Copy::Idle))
    };
    html! {
        <span class="copy-link">
            <button type="button" {onclick} title="Copy a link to exactly this state">{ "Copy link" }</button>
            <span class="copy-status" role="status">
                if *status == Copy::Copied { { "Link copied" } }
            </span>
            if let Copy::Refused(link) = &*status {
                <span class="copy-fallback">
                    <label>{ "The browser did not allow copying. Select and copy this link: " }
                        <input type="text" readonly=true value={link.clone()} onfocus={select_all} autofocus=true /></label>
                    <button type="button" onclick={close} aria-label="Close">{ "\u{00D7}" }</button>
                </span>
            }
        </span>
    }
}
