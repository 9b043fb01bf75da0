//! The app: one reducer state, the results memoised on the problem, the side
//! effects in hooks (player, keyboard, address bar), and the page's layout.
//! The views and their widgets report typed values; `view_events` maps them
//! to actions, here alone.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::effects::reader::{self, Reader};
use crate::effects::use_address_bar::{config_text, current_hash, document_from_hash, hash_of};
use crate::effects::use_embed_height::view_height;
use crate::effects::use_intro::intro_closed;
use crate::effects::use_keyboard::Keys;
use crate::effects::use_score::stored_score;
use crate::effects::use_storage::{left_document, left_text, stored_document, stored_text};
use crate::effects::use_theme::{shows_dark, stored_theme};
use crate::effects::{
    use_address_bar, use_embed_height, use_fit, use_idle, use_intro, use_keyboard, use_player, use_score,
    use_select_value, use_storage, use_theme,
};
use crate::model::document::{Document, DocumentError};
use crate::model::presets::PRESETS;
use crate::model::results::{Results, Shared, Shown};
use crate::model::state::{
    Action, DocAction, EditAction, Embed, Explain, GradFocus, ImageAction, JsonMemo, Move, NetPracticeAction,
    NetworkAction, Page, PageAction, PracticeAction, State, View, ViewAction,
};
use crate::ui::header::{HeaderProps, header};
use crate::ui::lazy;
use crate::ui::panels::editors::Editors;
use crate::ui::panels::figures::FigureBar;
use crate::ui::panels::params::{Params, Settings};
use crate::ui::panels::practice::{Answers, PracticeOn, QuizBarProps};
use crate::ui::panels::shortcuts::ShortcutSheet;
use crate::ui::views::backprop::BackpropViewProps;
use crate::ui::views::export::ExportViewProps;
use crate::ui::views::forward::ForwardView;
use crate::ui::views::frame::{Frame, StepEvents, StepFrame};
use crate::ui::views::im2col::Im2colViewProps;
use crate::ui::views::image::ImageViewProps;
use crate::ui::views::network::{NetPracticeEvents, NetPracticeOn, NetworkEvents, NetworkViewProps};
use crate::ui::views::pool_panel::{PlayerState, PoolEvents};
use crate::ui::views::transposed::TransposedViewProps;

// The model is plain Rust; this is where Yew meets its reducer.
impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

/// Starts the app: the panic hook first, then the renderer.
pub fn start() {
    crate::effects::crash::install();
    yew::Renderer::<App>::new().render();
    // Test builds only (feature crash-test): a real panic for the banner's e2e test.
    #[cfg(feature = "crash-test")]
    if current_hash() == "#crash-test" {
        gloo::timers::callback::Timeout::new(1000, || panic!("crash-test: a panic on purpose")).forget();
    }
}

/// How the page is used, from the address and this browser: embedded or not, the theme.
fn start_page() -> Page {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    Page { embed: Embed::from_query(&query), theme: stored_theme(), ..Page::default() }
}

/// The state a page load starts in: the link's document; without a link, the
/// last state stored in this browser; else the seed example. A link opens
/// over the stored state, which one undo brings back (a reload of this tab's
/// own address is its own state, not a link). The history starts empty: undo
/// never goes to a problem the learner did not have. A link or stored state
/// that cannot be opened is reported, and the seed example shown.
///
/// `None` while there is a document to read and no `reader` yet: the page
/// then waits ([`State::opening`], [`use_opening`]).
fn initial_state(page: Page, reader: Option<Reader>) -> Option<State> {
    let embedded = page.embed != Embed::Off;
    let hash = current_hash();
    let parse = match reader {
        Some(reader) => reader.parse,
        None => {
            // The default example's own text (what a first visit stores) needs no reader.
            // Written out only when there is a text to compare: a first visit has none.
            let default = std::cell::OnceCell::new();
            let other = |text: &str| text != default.get_or_init(|| Document::default().to_json());
            let linked = config_text(&hash).is_some_and(|text| text.map_or(true, |t| other(&t)));
            let own = |text: Option<String>| text.is_some_and(|t| other(&t));
            if linked || (!embedded && (own(left_text(&hash)) || own(stored_text()))) {
                return None;
            }
            default_only
        }
    };
    let mut state = State { page, ..State::default() };
    if !embedded && let Some((score, streak)) = stored_score() {
        state.apply(Action::Practice(PracticeAction::Score { score, streak }));
    }
    // A reload of the address this tab left: its own state then, fresher than the address.
    if !embedded && let Some(left) = left_document(&hash, parse) {
        state.apply(Action::Doc(DocAction::Restore(Box::new(left))));
        return Some(state);
    }
    // An embedded page shows its link's document or the default, never this browser's state.
    let (own, unreadable) = match (!embedded).then(|| stored_document(parse)).flatten() {
        Some(Err(e)) => (None, Some(e)),
        own => (own.and_then(Result::ok), None),
    };
    match (own, document_from_hash(&hash, parse)) {
        (Some(own), Some(Ok(link))) if own.to_json() != link.to_json() => {
            state.apply(Action::Doc(DocAction::Restore(Box::new(own))));
            state.apply(Action::Doc(DocAction::Load(Box::new(Ok(link)))));
        }
        (_, Some(Ok(link))) => state.apply(Action::Doc(DocAction::Restore(Box::new(link)))),
        (own, Some(Err(e))) => {
            if let Some(own) = own {
                state.apply(Action::Doc(DocAction::Restore(Box::new(own))));
            }
            state.apply(Action::Doc(DocAction::Load(Box::new(Err(e)))));
        }
        (Some(own), None) => state.apply(Action::Doc(DocAction::Restore(Box::new(own)))),
        // The very first open: no link, nothing stored.
        (None, None) => state.page.intro = unreadable.is_none() && !intro_closed(),
    }
    // Said last: opening a document clears the page's messages.
    if let Some(e) = unreadable {
        state.page.alert =
            Some(format!("Your last session could not be restored ({e}); the default example is shown instead."));
    }
    Some(state)
}

/// Reads the default example's own text, and nothing else: what the page
/// opens with before the reader is here (a first visit stores that text).
fn default_only(text: &str) -> Result<Document, DocumentError> {
    let document = Document::default();
    if text == document.to_json() { Ok(document) } else { Err(reader::unfetched()) }
}

/// While the page waits for the documents it opens ([`State::opening`]):
/// fetches the reader, then starts in the state they make. If the reader
/// cannot be fetched, the default example is shown, and neither this
/// browser's stored state nor the address's link is overwritten.
#[hook]
fn use_opening(opening: bool, dispatch: Callback<Action>) {
    use_effect_with(opening, move |&opening| {
        if opening {
            wasm_bindgen_futures::spawn_local(async move {
                let page = start_page();
                let start = match reader::reader().await {
                    Ok(reader) => initial_state(page, Some(reader)),
                    Err(_) => None,
                };
                let start = start.unwrap_or_else(|| {
                    let mut state = State::opening(start_page());
                    state.page.opening = false;
                    state.page.alert = Some(
                        "ConvScope could not load the part that reads saved problems and links (offline, or a new \
                         version replaced it), so the default example is shown. Your saved work and this page's \
                         link are kept: reload to open them."
                            .into(),
                    );
                    state
                });
                dispatch.emit(DocAction::Start(Box::new(start)).into());
            });
        }
    });
}

/// This page's address without its query and hash: the full app.
fn page_address() -> String {
    let location = web_sys::window().map(|w| w.location());
    let origin = location.as_ref().and_then(|l| l.origin().ok()).unwrap_or_default();
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
    format!("{origin}{path}")
}

/// An embed code's height where the view could not be measured.
const DEFAULT_EMBED_HEIGHT: u32 = 520;

/// The `<iframe>` a course page pastes to show `document` embedded, `height`
/// CSS px tall (the view's own, measured at the copy).
fn embed_snippet(address: &str, document: &Document, height: u32) -> String {
    let view = document.view.view.label(document.problem.op.is_transposed());
    let src = format!("{address}?embed{}", hash_of(document)).replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" width=\"100%\" height=\"{height}\" title=\"ConvScope: {view}\" loading=\"lazy\" \
         style=\"border: 1px solid #d5dae1; border-radius: 8px;\"></iframe>"
    )
}

/// The views', the panels' and the practice bar's typed callbacks, each
/// mapped to its action. Made once for the app's lifetime: a view or panel
/// whose data did not change is not re-rendered (the editors would copy
/// their tensors again at every step).
struct ViewEvents {
    step: StepEvents,
    on_edit: Callback<EditAction>,
    on_export: Callback<()>,
    on_close_help: Callback<()>,
    on_probe: Callback<Option<[usize; 3]>>,
    on_order: Callback<crate::conv::ColumnOrder>,
    on_select: Callback<[usize; 3]>,
    on_explain: Callback<crate::model::state::Explain>,
    on_focus: Callback<GradFocus>,
    on_picture: Callback<&'static str>,
    on_own_picture: Callback<(String, crate::effects::use_decode::Decoded)>,
    on_greyscale: Callback<bool>,
    on_kernel: Callback<(&'static str, crate::model::state::KernelMode)>,
    on_kernel_mode: Callback<crate::model::state::KernelMode>,
    on_map_mode: Callback<crate::model::state::MapMode>,
    on_map_probe: Callback<[usize; 3]>,
    on_open_step: Callback<usize>,
    on_quiz: Callback<crate::model::state::Quiz>,
    on_new_problem: Callback<(crate::model::practice::Level, Box<Document>)>,
    on_reset_score: Callback<()>,
    on_size: Callback<(usize, String)>,
    on_size_check: Callback<()>,
    on_possible: Callback<bool>,
    on_combination: Callback<u64>,
    network: NetworkEvents,
}

/// `d` fed with `action(value)`: a typed callback mapped to its action.
/// (A function pointer, not a closure: one copy of the code per pair of types.)
fn map<T: 'static, A: Into<Action> + 'static>(d: &Callback<Action>, action: fn(T) -> A) -> Callback<T> {
    d.reform(move |value| action(value).into())
}

fn view_events(d: &Callback<Action>) -> ViewEvents {
    let answers = Answers {
        on_answer: map(d, PracticeAction::Type),
        on_check: map(d, |(expected, matrix)| PracticeAction::Check { expected, matrix }),
        on_hint: map(d, |()| PracticeAction::Hint),
        on_reveal: map(d, |matrix| PracticeAction::Reveal { matrix }),
        on_product: map(d, |(k, text)| PracticeAction::Product(k, text)),
        on_pick: map(d, PracticeAction::Pick),
        on_pick_check: map(d, |expected| PracticeAction::PickCheck { expected }),
    };
    let on_open_step = {
        let d = d.clone();
        Callback::from(move |s: usize| {
            d.emit(ViewAction::SetView(View::Forward).into());
            d.emit(ViewAction::Step(Move::To(s)).into());
        })
    };
    let step = StepEvents {
        on_move: map(d, ViewAction::Step),
        on_step: map(d, |s| ViewAction::Step(Move::To(s))),
        on_play: map(d, |()| ViewAction::TogglePlay),
        on_speed: map(d, ViewAction::SetSpeed),
        answers,
    };
    ViewEvents {
        step: step.clone(),
        on_edit: map(d, |edit| edit),
        on_export: map(d, |()| ViewAction::SetView(View::Export)),
        on_close_help: map(d, |()| PageAction::SetHelp(false)),
        on_probe: map(d, ViewAction::Probe),
        on_order: map(d, ViewAction::SetOrder),
        on_select: map(d, |cell| ViewAction::Select(Some(cell))),
        on_explain: map(d, ViewAction::SetExplain),
        on_focus: map(d, ViewAction::SetGradFocus),
        on_picture: map(d, ImageAction::SetPicture),
        on_own_picture: map(d, |(name, decoded)| ImageAction::LoadPicture { name, decoded }),
        on_greyscale: map(d, ImageAction::SetGreyscale),
        on_kernel: map(d, |(id, mode)| ImageAction::ApplyKernel { id, mode }),
        on_kernel_mode: map(d, ImageAction::SetKernelMode),
        on_map_mode: map(d, ImageAction::SetMapMode),
        on_map_probe: map(d, |pixel| ImageAction::ProbeMap(Some(pixel))),
        on_open_step,
        on_quiz: map(d, PracticeAction::SetQuiz),
        on_new_problem: map(d, |(level, drawn)| PracticeAction::New { level, drawn }),
        on_reset_score: map(d, |()| PracticeAction::Score { score: 0, streak: 0 }),
        on_size: map(d, |(axis, text)| PracticeAction::ShapeType(axis, text)),
        on_size_check: map(d, |()| PracticeAction::ShapeCheck),
        on_possible: map(d, PracticeAction::Possible),
        on_combination: map(d, |seed| PracticeAction::Combination { seed }),
        network: NetworkEvents {
            on_probe: map(d, NetworkAction::Probe),
            on_add: map(d, NetworkAction::Add),
            on_remove: map(d, NetworkAction::Remove),
            on_move: map(d, |(layer, up)| NetworkAction::Move { layer, up }),
            on_edit: map(d, |(layer, edit)| NetworkAction::Edit(layer, edit)),
            practice: network_practice_events(d),
            on_open: map(d, NetworkAction::Open),
            pool: PoolEvents {
                player: step,
                on_layer: map(d, NetworkAction::StepPool),
                on_walk: map(d, NetworkAction::PoolWalk),
            },
            on_paste: map(d, NetworkAction::Paste),
        },
    }
}

/// The network view's practice panel's callbacks, each mapped to its action.
fn network_practice_events(d: &Callback<Action>) -> NetPracticeEvents {
    NetPracticeEvents {
        on_ask: map(d, NetPracticeAction::Ask),
        on_type: map(d, |(axis, text)| NetPracticeAction::Type(axis, text)),
        on_check: map(d, |()| NetPracticeAction::Check),
        on_reveal: map(d, |()| NetPracticeAction::Reveal),
        on_next: map(d, |()| NetPracticeAction::Next),
        on_new: map(d, |(level, drawn)| NetPracticeAction::New { level, drawn }),
    }
}

/// Practice in the network view, when it is on.
fn network_practice(state: &State) -> Option<NetPracticeOn> {
    state.doc.view.practice.then(|| NetPracticeOn {
        state: state.practice.network.clone(),
        reveal: state.doc.view.reveal,
        score: state.practice.score,
        streak: state.practice.streak,
    })
}

/// A view's result, or the reason it cannot be shown, as a note in its place.
fn shown<T>(result: Option<Shown<T>>, view: impl FnOnce(Shared<T>) -> Html) -> Html {
    match result {
        None => Html::default(),
        Some(Ok(value)) => view(value),
        Some(Err(e)) => html! { <p class="hint too-large" role="status">{ e.to_string() }</p> },
    }
}

/// What one step of the player is called in the view on screen.
fn step_unit(state: &State) -> &'static str {
    let transposed_op = state.doc.problem.op.is_transposed();
    match (state.doc.view.view, state.doc.view.gradient) {
        // Practice and the zero-inserted convolution walk the output's cells.
        (View::Transposed, _) if state.doc.view.practice || state.doc.view.explain == Explain::ZeroInserted => {
            "output cell"
        }
        (View::Transposed, _) if !transposed_op => "cell of y",
        (View::Transposed, _) => "input cell",
        (View::Backprop, GradFocus::Input) => "grad_input cell",
        (View::Backprop, GradFocus::Weight) => "grad_weight cell",
        (View::Backprop, GradFocus::Bias) => "grad_bias cell",
        _ => "output cell",
    }
}

/// The view on screen, from its result (or the reason there is none).
fn view_body(state: &State, results: &Rc<Results>, events: &ViewEvents, frame: Frame) -> Html {
    let transposed_op = state.doc.problem.op.is_transposed();
    match (&results.error, state.doc.view.view) {
        // The stack has its own results (and says beside a layer what it cannot take):
        // the single op's error is not its business.
        (_, View::Network) => html! {
            { lazy::show(&lazy::NETWORK, NetworkViewProps {
                problem: Shared(state.doc.problem.clone()), stack: Shared(state.doc.stack.clone()),
                probe: state.doc.view.probe, pool: state.doc.view.pool,
                player: PlayerState { step: state.doc.view.step, steps: state.step_count(), playing: state.live.playing, speed: state.live.speed },
                events: events.network.clone(),
                practice: network_practice(state),
                pool_practice: frame.practice.clone() }) }
        },
        // A stack's scripts need its layers alone (the single op's, behind them, are written whatever its error).
        (_, View::Export) if results.error.is_none() || !state.doc.stack.layers.is_empty() => html! {
            { lazy::show(&lazy::EXPORT, ExportViewProps {
                problem: Shared(state.doc.problem.clone()), results: results.clone(),
                stack: Shared(state.doc.stack.clone()), withheld: state.doc.view.withholds() }) }
        },
        (Some(err), _) => html! {
            <div class="result-error" role="alert">
                <strong>{ "No result: " }</strong>{ err.message.clone() }
                <p class="hint">{ "Change the marked control; everything you typed is kept." }</p>
            </div>
        },
        (None, View::Im2col) => shown(results.im2col(), |m| {
            html! {
                { lazy::show(&lazy::IM2COL, Im2colViewProps {
                    im2col: m, order: state.doc.view.order, frame: frame.clone(), on_order: events.on_order.clone() }) }
            }
        }),
        (None, View::Transposed) => shown(results.transposed(), |t| {
            html! {
                { lazy::show(&lazy::TRANSPOSED, TransposedViewProps {
                    trace: t, of_conv: !transposed_op, zero_inserted: results.zero_inserted(), matrix: results.matrix(),
                    selected: state.live.selected, explain: state.doc.view.explain, frame: frame.clone(),
                    on_select: events.on_select.clone(), on_explain: events.on_explain.clone() }) }
            }
        }),
        // Its maps are every output, drawn: a link that hides the answers shows none.
        (None, View::Image) if state.doc.view.withholds() => html! {
            <section class="view image-view" aria-label={View::Image.label(false)}>
                <p class="withheld" role="note">{ "This practice link hides the answers (\"reveal\": false): the image view \
                    draws every output as a picture, so it shows none here. Work them out in the other views." }</p>
            </section>
        },
        (None, View::Image) => shown(results.forward(), |f| {
            html! {
                { lazy::show(&lazy::IMAGE, ImageViewProps {
                    forward: f, problem: Shared(state.doc.problem.clone()), picture: state.doc.picture, mode: state.image.map_mode,
                    kernel_mode: state.image.kernel_mode_shown(&state.doc.problem), on_kernel_mode: events.on_kernel_mode.clone(),
                    probe: state.image.map_probe, error: state.image.picture_error.clone(),
                    on_picture: events.on_picture.clone(), on_own_picture: events.on_own_picture.clone(),
                    on_greyscale: events.on_greyscale.clone(), on_kernel: events.on_kernel.clone(),
                    on_map_mode: events.on_map_mode.clone(), on_map_probe: events.on_map_probe.clone(),
                    on_open_step: events.on_open_step.clone() }) }
            }
        }),
        (None, View::Backprop) => shown(results.backward(), |b| {
            html! {
                { lazy::show(&lazy::BACKPROP, BackpropViewProps {
                    trace: b, focus: state.doc.view.gradient, frame: frame.clone(), on_focus: events.on_focus.clone(),
                    editors: state.page.embed != Embed::View }) }
            }
        }),
        (None, _) => shown(results.forward(), |f| {
            html! {
                <ForwardView forward={f} probe={state.live.probe} frame={frame.clone()} on_probe={events.on_probe.clone()} />
            }
        }),
    }
}

/// The editors, and the parameters in an aside of their own: on a wide
/// screen they stand beside the view (a third column), since stride, padding
/// and dilation are the lesson; on a narrower one they go under the editors.
fn side(state: &State, results: &Results, hides_size: bool, events: &ViewEvents) -> Html {
    let drafts = Rc::new(state.doc.drafts.clone());
    let view = state.doc.view.view;
    html! {
        <>
            <aside class="side" aria-label="Editors">
                <Editors problem={Shared(state.doc.problem.clone())} backprop={view == View::Backprop && !hides_size} {drafts}
                    input_only={view == View::Network}
                    error_field={results.error.as_ref().and_then(|e| e.field)} on_edit={events.on_edit.clone()}
                    on_probe={events.on_probe.clone()} />
            </aside>
            // The network's layers carry their own parameters (in its view).
            if view != View::Network {
                <aside class="side-params" aria-label="Parameters">
                    <Params settings={Settings::of(&state.doc.problem)} error={results.error.clone()}
                        hide_size={hides_size} on_edit={events.on_edit.clone()} />
                </aside>
            }
        </>
    }
}

/// The first open's strip: three numbered pointers, closed for good with one click.
fn intro(dispatch: &Callback<Action>) -> Html {
    html! {
        <section class="intro" aria-label="Where to start">
            <ol>
                <li><strong>{ "Step the window" }</strong>{ ": \u{25B6} Play below, or the \u{2190} \u{2192} keys." }</li>
                <li><strong>{ "Edit any number" }</strong>{ ", stride or padding: every grid follows." }</li>
                <li><strong>{ "The other views" }</strong>{ ": im2col, backprop and the transpose, in the tabs." }</li>
            </ol>
            <button type="button" onclick={dispatch.reform(|_| Action::Page(PageAction::CloseIntro))}>{ "Got it" }</button>
        </section>
    }
}

/// The tabs: the views the problem's operation offers (a tab never changes the problem).
fn tabs(transposed_op: bool, view: View, dispatch: &Callback<Action>) -> Html {
    html! {
        <nav class="tabs" role="tablist" aria-label="Views">
            { for View::offered(transposed_op).iter().map(|&v| html! {
                <button type="button" role="tab" aria-selected={(view == v).to_string()}
                    class={if view == v { "tab active" } else { "tab" }}
                    onclick={dispatch.reform(move |_| Action::View(ViewAction::SetView(v)))}>{ v.label(transposed_op) }</button>
            }) }
        </nav>
    }
}

/// The app's effects, one hook per concern: the player's timer, the
/// keyboard, the address bar, the crash report, storage, the theme, presenting's
/// fit to the screen, an embedded page's height, the first open's strip, the score.
#[hook]
fn use_effects(state: &UseReducerHandle<State>, dispatch: &Callback<Action>, dark: bool) {
    use_player(state.live.playing, state.live.speed, state.dispatcher());
    use_keyboard(state.dispatcher(), Keys { help: state.page.help, present: state.doc.view.present, dark });
    // One memo for both writers of the document: a change's tensors are written out once.
    let written: Rc<RefCell<JsonMemo>> = use_mut_ref(JsonMemo::default);
    use_address_bar(
        state.doc.snapshot(),
        state.doc.held_link,
        written.clone(),
        dispatch.reform(|loaded| DocAction::Load(Box::new(loaded)).into()),
    );
    crate::effects::crash::use_crash_report(state.doc.snapshot());
    // A shared problem only looked at is not stored: the learner's own stays.
    let keep = state.page.embed == Embed::Off && !state.doc.shared;
    use_storage(state.doc.snapshot(), keep, written);
    use_theme(state.page.theme);
    use_fit(
        state.doc.view.present && !state.page.editors_open,
        (state.doc.view, Shared(state.doc.problem.clone()), state.page.editors_open),
    );
    use_embed_height(state.page.embed != Embed::Off);
    use_intro(state.page.intro);
    use_score(state.practice.score, state.practice.streak, state.page.embed == Embed::Off);
    use_idle(lazy::preload);
    use_opening(state.page.opening, dispatch.clone());
    // The snapshot (or its neutral placeholder) stays while the page waits for its documents.
    crate::effects::snapshot::use_replace_snapshot(!state.page.opening);
}

/// "Back to the network": its reducer comes with the network view's chunk, fetched first
/// (a reload of a layer opened from a network has not shown that view yet).
fn back_to_network(dispatch: &Callback<Action>) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| {
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // A chunk that cannot be fetched: the reducer says so.
            let _ = lazy::NETWORK.ensure().await;
            dispatch.emit(Action::Network(NetworkAction::Return));
        });
    })
}

/// The page's header, with the link, the embed code and the document made
/// at the click from the state then on screen.
fn page_header<S>(state: &S, dispatch: &Callback<Action>, dark: bool, examples: NodeRef) -> Html
where
    // The app's reducer handle, or the snapshot's own state.
    S: std::ops::Deref<Target = State> + Clone + 'static,
{
    // The link to exactly what is on screen (the address bar may lag by
    // URL_DELAY_MS), made at the click: stepping costs nothing.
    let link = {
        let state = state.clone();
        Callback::from(move |()| format!("{}{}", page_address(), hash_of(&state.document())))
    };
    let document_text = {
        let state = state.clone();
        Callback::from(move |()| state.document().to_json())
    };
    let embed_code = {
        let state = state.clone();
        Callback::from(move |()| {
            embed_snippet(&page_address(), &state.document(), view_height().unwrap_or(DEFAULT_EMBED_HEIGHT))
        })
    };
    header(&HeaderProps {
        examples,
        embed: state.page.embed,
        present: state.doc.view.present,
        editors_open: state.page.editors_open,
        dark,
        practicing: state.doc.view.practice,
        reveal: state.doc.view.reveal,
        can_undo: !state.history.undo.is_empty(),
        can_redo: !state.history.redo.is_empty(),
        link,
        embed_code,
        document_text,
        on_page: dispatch.reform(Action::Page),
        on_doc: dispatch.reform(Action::Doc),
        on_practice: dispatch.reform(|on| PracticeAction::SetOn(on).into()),
    })
}

/// A stepped view in its frame: the player, the figure or practice bar, the view.
fn stepped(state: &State, results: &Results, events: &ViewEvents, hides_size: bool, body: Html) -> Html {
    let (present, embed, practicing) = (state.doc.view.present, state.page.embed, state.doc.view.practice);
    let (view, step) = (state.doc.view.view, state.doc.view.step);
    let bars = html! {
        <>
            if embed == Embed::Off && !present && results.error.is_none() && !practicing {
                <FigureBar {step} steps={state.step_count()} name={view.name()}
                    on_step={events.step.on_step.clone()} on_code={events.on_export.clone()} />
            }
            if practicing {
                { lazy::show(&lazy::PRACTICE, QuizBarProps {
                    practice: state.practice.clone(), problem: Shared(state.doc.problem.clone()),
                    window: view == View::Forward, kept: embed == Embed::Off,
                    on_quiz: events.on_quiz.clone(), on_new_problem: events.on_new_problem.clone(),
                    on_reset_score: events.on_reset_score.clone(), on_size: events.on_size.clone(),
                    on_size_check: events.on_size_check.clone(), on_possible: events.on_possible.clone(),
                    on_combination: events.on_combination.clone() }) }
            }
        </>
    };
    let frame = StepFrame {
        step,
        steps: state.step_count(),
        playing: state.live.playing,
        speed: state.live.speed,
        unit: step_unit(state).into(),
        hides_size,
        asks_apart: practicing && !state.practice.quiz.about_the_problem(),
        events: events.step.clone(),
        bars,
    };
    frame.around(body)
}

#[component]
pub fn App() -> Html {
    let state =
        use_reducer(|| initial_state(start_page(), reader::ready()).unwrap_or_else(|| State::opening(start_page())));
    // One callback for the app's lifetime: components that get only it (and
    // unchanged data) are not re-rendered.
    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a: Action| dispatcher.dispatch(a)))).clone()
    };
    let events = use_memo((), |_| view_events(&dispatch));
    let dark = shows_dark(state.page.theme);
    use_effects(&state, &dispatch, dark);
    // The menu names the example on screen.
    let examples = use_node_ref();
    use_select_value(examples.clone(), state.doc.example.unwrap_or_default());

    // Results: memoised on the problem alone, so a step or a view switch reuses them.
    let results = use_memo(Shared(state.doc.problem.clone()), |problem| Results::new(problem.0.clone()));
    if state.page.opening {
        // Nothing false on screen: the placeholder stays until the documents are read.
        return Html::default();
    }
    let header = page_header(&state, &dispatch, dark, examples);
    page(&state, &results, &events, &dispatch, header)
}

/// The page for `state`: what the app shows, and what the build prerenders
/// (`Snapshot`) for the default state.
fn page(state: &State, results: &Rc<Results>, events: &ViewEvents, dispatch: &Callback<Action>, header: Html) -> Html {
    // The tabs belong to the operation: a tab never changes the problem.
    let transposed_op = state.doc.problem.op.is_transposed();
    let view = state.doc.view.view;
    let step = state.doc.view.step;
    let practice = state.doc.view.practice.then(|| PracticeOn {
        state: state.practice.clone(),
        reveal: state.doc.view.reveal,
        walk: state.walk(),
    });
    let hides_size = practice.as_ref().is_some_and(PracticeOn::hides_size);
    let frame = Frame { step, practice: practice.clone(), events: events.step.clone() };
    let body = view_body(state, results, events, frame);
    let (present, embed) = (state.doc.view.present, state.page.embed);
    let body = if matches!(view, View::Export | View::Image | View::Network) {
        body
    } else {
        stepped(state, results, events, hides_size, body)
    };
    // Presenting folds the editors away (E shows them); `?embed` has none, `?embed=edit` stacks them under the view.
    let side_panels = match embed {
        Embed::View => false,
        Embed::Edit => true,
        Embed::Off => !present || state.page.editors_open,
    };
    let side = side_panels.then(|| side(state, results, hides_size, events));
    let class = classes!(
        "app",
        present.then_some("presenting"),
        (embed != Embed::Off).then_some("embedded"),
        (!side_panels).then_some("no-side"),
        // The network's layers carry their parameters: no third column, the view takes its place.
        (view == View::Network).then_some("no-params"),
    );
    html! {
        <div {class}>
            { header }
            if let Some(note) = state.doc.example.and_then(|id| PRESETS.iter().find(|p| p.id == id)).and_then(|p| p.note) {
                // A network example's note gives its shapes: practice's questions there.
                if embed == Embed::Off && !(state.doc.view.practice && view == View::Network) {
                    <p class="example-note" role="note">{ note }</p>
                }
            }
            if let Some(notice) = &state.page.notice {
                <p class="notice" role="status">{ notice.clone() }</p>
            }
            // A layer opened from the network: the way back, with its edits (#22).
            if let Some(opened) = state.doc.opened.as_ref().filter(|_| view != View::Network && state.doc.stack.layers.is_empty()) {
                <p class="opened-layer" role="note">
                    { format!("You are in {}, on {}. ", opened.words(), if opened.layer == 0 { "the network's input".to_string() } else { format!("layer {}'s output", opened.layer) }) }
                    <button type="button" data-return="network" onclick={back_to_network(dispatch)}>
                        { "Back to the network, with these weights" }
                    </button>
                </p>
            }
            if let Some(alert) = &state.page.alert {
                <div class="alert" role="alert">
                    <span>{ alert.clone() }</span>
                    <button type="button" onclick={dispatch.reform(|_| Action::Page(PageAction::DismissAlert))} aria-label="Dismiss">{ "\u{00D7}" }</button>
                </div>
            }
            <main class="layout">
                if embed == Embed::Off {
                    { side.clone().unwrap_or_default() }
                }
                <section class="main">
                    // Never in an embed, presenting or practice: they are someone's lesson, not a first look.
                    if state.page.intro && embed == Embed::Off && !present && !state.doc.view.practice {
                        { intro(dispatch) }
                    }
                    if embed == Embed::Off {
                        { tabs(transposed_op, view, dispatch) }
                    }
                    { body }
                </section>
                if embed != Embed::Off {
                    { side.unwrap_or_default() }
                }
            </main>
            if state.page.help {
                <ShortcutSheet on_close={events.on_close_help.clone()} />
            }
            if embed == Embed::Off && !present {
                <footer class="foot">
                    { if state.doc.problem.dims() == crate::conv::Dims::One {
                        "Semantics of torch.nn.functional: input (C, W), weight (F, C/groups, K); one example, no batch axis."
                    } else {
                        "Semantics of torch.nn.functional: input (C, H, W), weight (F, C/groups, KH, KW); one example, no batch axis."
                    } }
                </footer>
            }
        </div>
    }
}

/// The first screen as the build prerenders it into index.html (#21): the
/// default state (no link, nothing stored), with no effects and callbacks
/// that do nothing (the snapshot is inert until the app replaces it).
#[component]
pub fn Snapshot() -> Html {
    // The very first open (no link, nothing stored) shows the strip; the boot script hides
    // it where the app would not (`data-intro`, `data-boot`).
    let mut state = State::default();
    state.page.intro = true;
    let state = Rc::new(state);
    let dispatch = Callback::noop();
    let events = view_events(&dispatch);
    let results = Rc::new(Results::new(state.doc.problem.clone()));
    let header = page_header(&state, &dispatch, false, NodeRef::default());
    page(&state, &results, &events, &dispatch, header)
}

/// The prerendered first screen, as JSON for scripts/post_build.mjs:
/// `body`, the [`Snapshot`]'s HTML; `head`, a script that runs before the
/// page is drawn and marks what the snapshot must not show as true: a
/// link's or this browser's stored problem (`data-boot="other"`: the
/// stylesheet hides the numbers), or an embed (`data-boot="embed"`: another
/// layout); it also applies the stored theme at once, and hides the first
/// open's strip once this browser closed it (`data-intro`). Where this very
/// build is in the service worker's cache (`data-boot="warm"`, see
/// [`crate::effects::snapshot::WARM_KEY`]) the snapshot is not drawn at all.
#[cfg(feature = "ssr")]
pub fn prerender() -> String {
    use std::task::{Context, Poll, Waker};
    // Rendering waits on nothing outside itself: polling until ready is enough.
    let mut render = std::pin::pin!(yew::LocalServerRenderer::<Snapshot>::new().hydratable(false).render());
    let mut cx = Context::from_waker(Waker::noop());
    let body = loop {
        if let Poll::Ready(html) = render.as_mut().poll(&mut cx) {
            break html;
        }
    };
    // `__BUILD__` is the build's cache name, put in by scripts/post_build.mjs.
    let head = format!(
        "try{{const s=localStorage,r=document.documentElement,w=navigator.serviceWorker,t=s.getItem({theme:?});\
         if(t)r.dataset.theme=t;\
         if(s.getItem({intro:?}))r.dataset.intro='closed';\
         if(/[?&]embed/.test(location.search))r.dataset.boot='embed';\
         else if(w&&w.controller&&s.getItem({warm:?})==='__BUILD__')r.dataset.boot='warm';\
         else if(/[#&]config=/.test(location.hash)||s.getItem({document:?}))r.dataset.boot='other';\
         if(w&&s.getItem({warm:?})!=='__BUILD__')w.ready.then(()=>caches.match('index.html',{{cacheName:'__BUILD__'}}))\
         .then(h=>{{if(h)s.setItem({warm:?},'__BUILD__')}}).catch(()=>{{}})}}catch(e){{}}",
        theme = crate::effects::use_theme::KEY,
        intro = crate::effects::use_intro::KEY,
        document = crate::effects::use_storage::KEY,
        warm = crate::effects::snapshot::WARM_KEY,
    );
    serde_json::json!({ "head": head, "body": body }).to_string()
}
