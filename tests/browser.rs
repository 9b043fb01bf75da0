//! Browser unit tests (wasm-bindgen-test in headless Chromium): the whole app
//! mounted into a fresh element, driven with real DOM events, and read back
//! through the `data-*` contract. Run with
//! `cargo test --target wasm32-unknown-unknown --test browser` (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use convscope::ui::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A mounted app; `unmount` destroys it (and its document listeners) so the
/// next test starts from a fresh page state.
struct Mounted {
    root: Element,
    handle: yew::AppHandle<App>,
}

impl Mounted {
    fn unmount(self) {
        self.handle.destroy();
        self.root.remove();
    }
}

/// Mounts the app into a new element, with no `#config=` left by an earlier
/// test, and waits for it to render.
async fn mount() -> Mounted {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash("");
    }
    let root = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&root).expect("append");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    Mounted { root, handle }
}

/// `data-value`s of a matrix, in document order, with their `data-index`.
fn cells(root: &Element, name: &str) -> Vec<(String, f64)> {
    let list = root.query_selector_all(&format!("[data-matrix='{name}']")).expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .map(|e| {
            let index = e.get_attribute("data-index").unwrap_or_default();
            let value = e.get_attribute("data-value").and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
            (index, value)
        })
        .collect()
}

fn current(root: &Element) -> String {
    root.query_selector("[data-matrix='output'][aria-current='true']")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-index"))
        .unwrap_or_default()
}

fn type_into(root: &Element, selector: &str, text: &str) {
    let input: HtmlInputElement =
        root.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into().ok()).expect("an input cell");
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

fn press(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    document().dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn first_screen_is_the_seed_example() {
    let app = mount().await;
    let root = &app.root;
    // seeds/000 In [17]: [[2, -5, 2], [12, 2, -5], [-2, 8, 12]].
    let output: Vec<f64> = cells(root, "output").into_iter().map(|(_, v)| v).collect();
    assert_eq!(output, vec![2., -5., 2., 12., 2., -5., -2., 8., 12.]);
    assert_eq!(cells(root, "input").len(), 25);
    assert_eq!(cells(root, "weight")[0], ("0,0,0,0".to_string(), -2.0));
    assert_eq!(current(root), "0,0,0");
    app.unmount();
}

#[wasm_bindgen_test]
async fn a_bad_entry_is_marked_and_changes_nothing() {
    let app = mount().await;
    let root = &app.root;
    let before = cells(root, "output");
    type_into(root, "input[data-matrix='input'][data-index='0,0,0']", "1..2");
    yew::scheduler::flush().await;
    let cell = root.query_selector("input[data-matrix='input'][data-index='0,0,0']").ok().flatten().expect("cell");
    assert_eq!(cell.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(root.text_content().unwrap_or_default().contains("“1..2” is not a number"));
    assert_eq!(cells(root, "output"), before, "the last good result stays");

    // A number fixes it: x[0,0,0] 2 -> 4 adds 2 * w[0,0,0,0] = 2 * (-2) to y[0,0].
    type_into(root, "input[data-matrix='input'][data-index='0,0,0']", "4");
    yew::scheduler::flush().await;
    assert_eq!(cells(root, "output")[0], ("0,0,0".to_string(), -2.0));
    app.unmount();
}

#[wasm_bindgen_test]
async fn keyboard_steps_the_window() {
    let app = mount().await;
    let root = &app.root;
    press("ArrowRight");
    yew::scheduler::flush().await;
    assert_eq!(current(root), "0,0,1");
    press("End");
    yew::scheduler::flush().await;
    assert_eq!(current(root), "0,2,2");
    press("Home");
    yew::scheduler::flush().await;
    assert_eq!(current(root), "0,0,0");
    app.unmount();
}

#[wasm_bindgen_test]
async fn a_bug_leaves_a_banner_not_a_dead_page() {
    // What the panic hook shows (the hook itself runs on a panic, which the
    // release build turns into an abort): the message as text, links back, a report.
    let doc = convscope::model::document::Document::parse(r#"{"op":"conv2d","input":[[[1,2]]],"weight":[[[[1]]]]}"#)
        .expect("a document");
    let json = doc.to_json();
    convscope::effects::crash::remember(std::rc::Rc::new(doc.problem), doc.view, doc.picture);
    let json = json.as_str();
    convscope::effects::crash::show("index out of bounds <img src=x onerror=alert(1)>");
    let banner = document().get_element_by_id("crash").expect("the banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("What happened: index out of bounds <img src=x onerror=alert(1)>"), "{text}");
    assert!(banner.query_selector("img").ok().flatten().is_none(), "text from a message is never markup");
    let links = banner.query_selector_all("a").expect("links");
    let hrefs: Vec<String> = (0..links.length())
        .filter_map(|i| links.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let encoded = String::from(js_sys::encode_uri_component(json));
    assert_eq!(hrefs, vec![format!("{path}#config={encoded}"), path]);
    let report = banner.query_selector("textarea").ok().flatten().and_then(|t| t.text_content()).unwrap_or_default();
    assert!(report.contains("what happened: index out of bounds") && report.contains(json), "{report}");
    assert!(document().body().map(|b| b.class_name()).unwrap_or_default().contains("crashed"));
    // Clean up for the other tests.
    banner.remove();
    if let Some(body) = document().body() {
        body.set_class_name("");
    }
}
