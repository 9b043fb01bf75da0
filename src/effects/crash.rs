//! Never a dead page. No input should reach a panic, but if a bug does, the
//! release build aborts and the page stops answering. The hook installed here
//! runs first: it hides the frozen app and shows a banner that says what
//! happened, links back to the last state and to the default example, and
//! holds a bug report (the message and the document) to copy. It is built
//! with plain DOM calls and text content only: nothing of the app's state is
//! touched, and no text from a link is ever read as markup.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::{Closure, JsValue};
use web_sys::{Document, Element};
use yew::prelude::*;

use crate::model::state::Snapshot;

thread_local! {
    /// What is on screen (shared, so keeping it costs nothing): the report's document.
    static ON_SCREEN: RefCell<Option<Snapshot>> = const { RefCell::new(None) };
}

/// Keeps the problem and view on screen for a bug report (written out only if one is needed).
pub fn remember(on_screen: Snapshot) {
    ON_SCREEN.with(|d| {
        if let Ok(mut d) = d.try_borrow_mut() {
            *d = Some(on_screen);
        }
    });
}

/// Keeps what is on screen for a bug report, as it changes (the report's
/// own effect: the address bar's follows the same values, on a delay).
#[hook]
pub fn use_crash_report(on_screen: Snapshot) {
    use_effect_with(on_screen, |on_screen| remember(on_screen.clone()));
}

/// The document on screen as JSON, or nothing.
fn document_on_screen() -> String {
    ON_SCREEN.with(|d| d.try_borrow().ok().and_then(|d| Some(d.as_ref()?.document().to_json()))).unwrap_or_default()
}

/// Installs the panic hook (once, before the renderer: through Yew's own
/// setter, or Yew would replace it with its console-only hook). The message
/// still goes to the console, with its stack, for developers.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn element(doc: &Document, tag: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    el.set_text_content(Some(text));
    Some(el)
}

/// Replaces the app with the banner for `message`.
pub fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.get_element_by_id("crash").is_some() {
        return;
    }
    let _ = build(&doc, message);
}

fn build(doc: &Document, message: &str) -> Option<()> {
    let window = web_sys::window()?;
    let body = doc.body()?;
    let path = window.location().pathname().ok()?;
    let document = document_on_screen();
    let report = format!(
        "ConvScope bug report\nwhat happened: {message}\ndocument: {document}\nbrowser: {}",
        window.navigator().user_agent().unwrap_or_default()
    );
    let banner = doc.create_element("div").ok()?;
    banner.set_id("crash");
    banner.set_class_name("crash");
    banner.set_attribute("role", "alert").ok()?;
    let title = element(doc, "h2", "ConvScope stopped because of a bug")?;
    let why = element(
        doc,
        "p",
        "Something inside the app went wrong, and this page can no longer respond. What you set is not lost: \
         the first link reopens it. Please send the report below to the course staff or the project.",
    )?;
    let what = element(doc, "p", &format!("What happened: {message}"))?;
    for part in [&title, &why, &what] {
        banner.append_child(part).ok()?;
    }
    let links = doc.create_element("p").ok()?;
    if !document.is_empty() {
        let reopen = element(doc, "a", "Reopen the last state")?;
        let encoded = String::from(js_sys::encode_uri_component(&document));
        reopen.set_attribute("href", &format!("{path}#config={encoded}")).ok()?;
        links.append_child(&reopen).ok()?;
        links.append_child(&doc.create_text_node(" \u{00B7} ")).ok()?;
    }
    let reset = element(doc, "a", "Reset to the default example")?;
    reset.set_attribute("href", &path).ok()?;
    links.append_child(&reset).ok()?;
    banner.append_child(&links).ok()?;
    let label = element(doc, "label", "Bug report (select it and copy it, or use the button): ")?;
    let area = doc.create_element("textarea").ok()?;
    area.set_attribute("readonly", "").ok()?;
    area.set_attribute("rows", "5").ok()?;
    area.set_text_content(Some(&report));
    label.append_child(&area).ok()?;
    banner.append_child(&label).ok()?;
    let copy = element(doc, "button", "Copy the bug report")?;
    copy.set_attribute("type", "button").ok()?;
    // Touches nothing of the app: only the report text and the banner's own
    // nodes, captured here. Not through wasm-bindgen-futures: the panic may
    // have happened inside its task queue, which then runs nothing more.
    let (button, area_el) = (copy.clone(), area.clone());
    let on_copy = Closure::<dyn Fn()>::new(move || {
        let Some(w) = web_sys::window() else { return };
        // Clipboard refused (e.g. an iframe without permission) or missing
        // (plain http): the text is selected instead, for Ctrl+C.
        let select_report = {
            let (button, area) = (button.clone(), area_el.clone());
            move || {
                if let Some(area) = area.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                    area.select();
                }
                button.set_text_content(Some("Selected: press Ctrl+C to copy"));
            }
        };
        if !super::browser::has_clipboard(&w) {
            return select_report();
        }
        let done = button.clone();
        let copied = Closure::<dyn FnMut(JsValue)>::new(move |_| done.set_text_content(Some("Copied")));
        let refused = Closure::<dyn FnMut(JsValue)>::new(move |_| select_report());
        let _ = w.navigator().clipboard().write_text(&report).then2(&copied, &refused);
        // One pair per click, kept until the promise settles (a few bytes).
        copied.forget();
        refused.forget();
    });
    copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref()).ok()?;
    on_copy.forget();
    banner.append_child(&copy).ok()?;
    body.set_class_name(format!("{} crashed", body.class_name()).trim_start());
    body.insert_before(&banner, body.first_child().as_ref()).ok()?;
    Some(())
}
