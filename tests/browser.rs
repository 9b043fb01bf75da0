//! Browser unit tests (wasm-bindgen-test in headless Chromium): the whole app,
//! or one view alone with typed callbacks that record what they report,
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
    convscope::effects::crash::remember(convscope::model::state::State::with_document(doc).doc.snapshot());
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

// ---- The sliding-window view mounted alone, with typed callbacks ----
//
// No App, no reducer: the view gets a fixed problem and records what its
// callbacks report, so these tests read it exactly as the app would use it.

mod window_alone {
    use std::cell::RefCell;
    use std::rc::Rc;

    use convscope::conv::{Forward, Walk};
    use convscope::model::document::Document;
    use convscope::model::results::Shared;
    use convscope::model::state::{Move, Practice};
    use convscope::ui::panels::practice::{Answers, PracticeOn};
    use convscope::ui::views::forward::{ForwardView, ForwardViewProps};
    use convscope::ui::views::frame::{Frame, StepEvents, StepFrame};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;
    use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, MouseEvent, MouseEventInit};
    use yew::prelude::*;

    use super::{cells, current, document};

    /// x (1x3x3) = [[1, 2, 3], [4, 5, 6], [7, 8, 9]], w (1x1x2x2) = [[1, 2], [3, 4]],
    /// bias 0.5, padding 1, stride 2: a 2x2 output.
    const PROBLEM: &str = r#"{"op":"conv2d","input":[[[1,2,3],[4,5,6],[7,8,9]]],"weight":[[[[1,2],[3,4]]]],
        "bias":[0.5],"padding":1,"stride":2}"#;

    /// Worked by hand (the padded input is x with a ring of zeros, the window
    /// of y[i, j] starts at padded row 2i, column 2j):
    /// y[0,0] = 1*4 + 0.5; y[0,1] = 2*3 + 3*4 + 0.5; y[1,0] = 4*2 + 7*4 + 0.5;
    /// y[1,1] = 5*1 + 6*2 + 8*3 + 9*4 + 0.5.
    const BY_HAND: [f64; 4] = [4.5, 18.5, 36.5, 77.5];

    /// The same, by the definition: a plain loop over the padded input.
    fn by_definition(x: &[[f64; 3]; 3], w: &[[f64; 2]; 2], bias: f64) -> Vec<f64> {
        let padded =
            |r: usize, c: usize| if (1..=3).contains(&r) && (1..=3).contains(&c) { x[r - 1][c - 1] } else { 0.0 };
        let mut y = Vec::new();
        for i in 0..2 {
            for j in 0..2 {
                let mut sum = bias;
                for (a, row) in w.iter().enumerate() {
                    for (b, wv) in row.iter().enumerate() {
                        sum += padded(2 * i + a, 2 * j + b) * wv;
                    }
                }
                y.push(sum);
            }
        }
        y
    }

    fn forward() -> Shared<Forward> {
        let doc = Document::parse(PROBLEM).expect("the test's problem is a document");
        Shared(Rc::new(Forward::new(&doc.problem).expect("the test's problem is valid")))
    }

    /// A callback that keeps what it is given.
    fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
        let got = Rc::new(RefCell::new(Vec::new()));
        let keep = got.clone();
        (Callback::from(move |v| keep.borrow_mut().push(v)), got)
    }

    /// What the callbacks of one mounted view reported.
    struct Reported {
        steps: Rc<RefCell<Vec<usize>>>,
        moves: Rc<RefCell<Vec<Move>>>,
        probes: Rc<RefCell<Vec<Option<[usize; 3]>>>>,
        answers: Rc<RefCell<Vec<String>>>,
        checks: Rc<RefCell<Vec<(f64, &'static str)>>>,
    }

    fn props(step: usize, practice: Option<PracticeOn>) -> (ForwardViewProps, Reported) {
        let (on_step, steps) = recorder();
        let (on_move, moves) = recorder();
        let (on_probe, probes) = recorder();
        let (on_answer, answers) = recorder();
        let (on_check, checks) = recorder();
        let events = StepEvents {
            on_step,
            on_move,
            answers: Answers { on_answer, on_check, ..Answers::default() },
            ..StepEvents::default()
        };
        let frame = Frame { step, practice, events };
        let props = ForwardViewProps { forward: forward(), probe: None, frame, on_probe };
        (props, Reported { steps, moves, probes, answers, checks })
    }

    fn root() -> Element {
        let root = document().create_element("div").expect("div");
        document().body().expect("body").append_child(&root).expect("append");
        root
    }

    fn cell(root: &Element, matrix: &str, index: &str) -> HtmlElement {
        root.query_selector(&format!("[data-matrix='{matrix}'][data-index='{index}']"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .unwrap_or_else(|| panic!("no {matrix}[{index}]"))
    }

    fn hover(el: &HtmlElement) {
        let init = MouseEventInit::new();
        init.set_bubbles(true);
        el.dispatch_event(&MouseEvent::new_with_mouse_event_init_dict("mouseover", &init).expect("event"))
            .expect("dispatch");
    }

    #[wasm_bindgen_test]
    async fn output_cells_are_the_convolution_and_a_click_reports_its_step() {
        let x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]];
        assert_eq!(by_definition(&x, &[[1.0, 2.0], [3.0, 4.0]], 0.5), BY_HAND.to_vec(), "the two references agree");

        let root = root();
        let (props, reported) = props(3, None);
        let handle = yew::Renderer::<ForwardView>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;

        let output = cells(&root, "output");
        let indices: Vec<&str> = output.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(indices, ["0,0,0", "0,0,1", "0,1,0", "0,1,1"]);
        let values: Vec<f64> = output.iter().map(|(_, v)| *v).collect();
        assert_eq!(values, BY_HAND.to_vec());
        // Step 3 is y[1,1]: current, and its sum written out.
        assert_eq!(current(&root), "0,1,1");
        let eq = root.query_selector(".equation .eq").ok().flatten().and_then(|e| e.text_content()).unwrap_or_default();
        assert!(eq.ends_with("= 77.5"), "{eq}");
        assert_eq!(cells(&root, "padded_input").len(), 25, "the 5x5 padded input");

        // Clicking y[1,0] reports its step, 2; the view itself changes nothing.
        cell(&root, "output", "0,1,0").click();
        yew::scheduler::flush().await;
        assert_eq!(*reported.steps.borrow(), vec![2]);
        assert_eq!(current(&root), "0,1,1");
        // The pointer on padded cell (1, 2) is on x[0, 0, 1]; on the zero ring, on no input cell.
        hover(&cell(&root, "padded_input", "0,1,2"));
        hover(&cell(&root, "padded_input", "0,0,0"));
        assert_eq!(*reported.probes.borrow(), vec![Some([0, 0, 1]), None]);
        assert!(reported.moves.borrow().is_empty());

        handle.destroy();
        root.remove();
    }

    /// The window view in the step frame, as the app lays them out.
    #[component]
    fn Framed(props: &ForwardViewProps) -> Html {
        let frame = StepFrame {
            step: props.frame.step,
            steps: 4,
            playing: false,
            speed: 2.0,
            unit: "output cell".into(),
            hides_size: false,
            asks_apart: false,
            events: props.frame.events.clone(),
            bars: Html::default(),
        };
        let window = html! {
            <ForwardView forward={props.forward.clone()} probe={props.probe} frame={props.frame.clone()} on_probe={props.on_probe.clone()} />
        };
        frame.around(window)
    }

    #[wasm_bindgen_test]
    async fn the_frame_s_player_reports_moves_and_steps() {
        let root = root();
        let (props, reported) = props(1, None);
        let handle = yew::Renderer::<Framed>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        let counter = root.query_selector(".counter").ok().flatten().and_then(|e| e.text_content()).unwrap_or_default();
        assert_eq!(counter, "output cell 2 of 4");
        assert_eq!(current(&root), "0,0,1", "the view inside the frame");
        let button = |label: &str| -> HtmlElement {
            root.query_selector(&format!("button[aria-label='{label}']"))
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into().ok())
                .unwrap_or_else(|| panic!("no {label} button"))
        };
        button("Step forward").click();
        button("Last step").click();
        yew::scheduler::flush().await;
        assert_eq!(*reported.moves.borrow(), vec![Move::Next, Move::Last]);
        // The scrub slider reports the step it is moved to.
        let scrub: HtmlInputElement =
            root.query_selector("input.scrub").ok().flatten().and_then(|e| e.dyn_into().ok()).expect("the slider");
        scrub.set_value("3");
        let init = EventInit::new();
        init.set_bubbles(true);
        scrub.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("event")).expect("dispatch");
        yew::scheduler::flush().await;
        assert_eq!(*reported.steps.borrow(), vec![3]);
        handle.destroy();
        root.remove();
    }

    #[wasm_bindgen_test]
    async fn practice_hides_the_cells_to_come_and_reports_the_answer() {
        let root = root();
        let practice = PracticeOn { state: Practice::default(), reveal: true, walk: Walk::Forward };
        let (props, reported) = props(2, Some(practice));
        let handle = yew::Renderer::<ForwardView>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        // Steps 0 and 1 are behind the player (revealed); from step 2 on the numbers are hidden.
        let shown: Vec<Option<String>> = ["0,0,0", "0,0,1", "0,1,0", "0,1,1"]
            .iter()
            .map(|i| cell(&root, "output", i).get_attribute("data-value"))
            .collect();
        assert_eq!(shown, [Some("4.5".into()), Some("18.5".into()), None, None]);
        assert!(root.query_selector(".equation .eq").ok().flatten().is_none(), "no equation: the question instead");
        let field: HtmlInputElement = root
            .query_selector("input[data-practice='output'][data-index='0,1,0']")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .expect("the answer field for y[1,0]");
        field.set_value("36.5");
        let init = EventInit::new();
        init.set_bubbles(true);
        field.dispatch_event(&Event::new_with_event_init_dict("input", &init).expect("event")).expect("dispatch");
        let check = root
            .query_selector_all("button")
            .ok()
            .and_then(|list| {
                (0..list.length())
                    .filter_map(|k| list.item(k))
                    .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
                    .find(|b| b.text_content().is_some_and(|t| t.starts_with("Check")))
            })
            .expect("the Check button");
        check.click();
        yew::scheduler::flush().await;
        assert_eq!(*reported.answers.borrow(), vec!["36.5".to_string()]);
        assert_eq!(*reported.checks.borrow(), vec![(36.5, "output")]);
        handle.destroy();
        root.remove();
    }
}
