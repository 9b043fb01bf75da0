//! The app: one reducer state, results derived with `use_memo`, and the side
//! effects (player timer, keyboard, address bar) in effects with cleanup.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::backprop_view::BackpropView;
use crate::components::editors::Editors;
use crate::components::im2col_view::Im2colView;
use crate::components::params::{Params, Settings};
use crate::components::player::Player;
use crate::components::transposed_view::TransposedView;
use crate::components::window_view::WindowView;
use crate::conv::{Config, View};
use crate::derived::Derived;
use crate::presets::PRESETS;
use crate::state::{Action, GradFocus, Move, State};

/// How long the state must stay unchanged before the address bar follows it.
pub const URL_DELAY_MS: u32 = 150;

/// Reads `#config=<encodeURIComponent(JSON)>` from the address, if present.
pub fn config_from_hash(hash: &str) -> Option<Result<Config, crate::conv::ConfigError>> {
    let encoded = hash.strip_prefix('#').unwrap_or(hash).strip_prefix("config=")?;
    let text = match js_sys::decode_uri_component(encoded) {
        Ok(t) => String::from(t),
        Err(_) => {
            return Some(Err(crate::conv::ConfigError {
                path: String::new(),
                message: "the link's #config= part is not valid percent-encoding".into(),
                field: None,
            }));
        }
    };
    Some(Config::parse(&text))
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The state a page load starts in: the link's configuration, or the seed
/// example (with the link's error shown) when there is none or it is invalid.
fn initial_state() -> State {
    let mut state = State::default();
    if let Some(loaded) = config_from_hash(&current_hash()) {
        state.apply(Action::Load(Box::new(loaded)));
    }
    state
}

/// `#config=...` for a configuration.
pub fn hash_of(config: &Config) -> String {
    format!("#config={}", String::from(js_sys::encode_uri_component(&config.to_json())))
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    // One callback for the app's lifetime: components that get only it (and
    // unchanged data) are not re-rendered.
    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a: Action| dispatcher.dispatch(a)))).clone()
    };

    // Player timer: one interval while playing, dropped on pause or speed change.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((state.playing, state.speed.to_bits()), move |(playing, speed_bits)| {
            let interval = playing.then(|| {
                let ms = (1000.0 / f64::from_bits(*speed_bits)).round() as u32;
                let dispatcher = dispatcher.clone();
                Interval::new(ms.max(60), move || dispatcher.dispatch(Action::Tick))
            });
            move || drop(interval)
        });
    }
    // Keyboard: arrows step, Space plays, Home/End jump, unless typing in a field.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                // Not passive: Space and the arrows must not also scroll the page.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&doc, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let key = e.key();
                    // Fields keep their keys; buttons, checkboxes and links keep
                    // Space (it presses them); the scrub slider gives the arrows to the player.
                    let own_key = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
                        let tag = el.tag_name().to_ascii_lowercase();
                        let kind = el.get_attribute("type").unwrap_or_default();
                        let field = tag == "textarea"
                            || tag == "select"
                            || (tag == "input" && kind != "range" && kind != "checkbox");
                        let presses = tag == "button" || tag == "a" || kind == "checkbox";
                        field || (presses && (key == " " || key == "Spacebar"))
                    });
                    if own_key {
                        return;
                    }
                    let action = match key.as_str() {
                        "ArrowRight" => Action::Step(Move::Next),
                        "ArrowLeft" => Action::Step(Move::Prev),
                        "Home" => Action::Step(Move::First),
                        "End" => Action::Step(Move::Last),
                        " " | "Spacebar" => Action::TogglePlay,
                        _ => return,
                    };
                    e.prevent_default();
                    dispatcher.dispatch(action);
                })
            });
            move || drop(listener)
        });
    }
    // The address bar follows the state; a new link pasted into it loads. The
    // update waits until the state has been still for a moment, so playing or
    // holding an arrow key does not rewrite a long URL on every step.
    {
        let config = state.config.clone();
        use_effect_with(config, move |config| {
            let config = config.clone();
            let timeout = Timeout::new(URL_DELAY_MS, move || {
                // An impossible state (kept on screen so nothing typed is lost)
                // could not be reopened from a link: the address keeps the last valid one.
                if config.validate().is_err() {
                    return;
                }
                let hash = hash_of(&config);
                if let Some(w) = web_sys::window()
                    && w.location().hash().ok().as_deref() != Some(hash.as_str())
                    && let Ok(history) = w.history()
                {
                    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
                }
            });
            move || drop(timeout)
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    if let Some(loaded) = config_from_hash(&current_hash()) {
                        dispatcher.dispatch(Action::Load(Box::new(loaded)));
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Derived results: recomputed when the problem or view changes, not on steps.
    let problem =
        Config { step: 0, explain: crate::conv::Explain::Scatter, gradient: GradFocus::Input, ..state.config.clone() };
    let view = state.config.view;
    let derived = use_memo((problem, view), |(c, v)| Derived::compute(c, *v));

    let on_preset = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) {
                let id = sel.value();
                if !id.is_empty() {
                    d.emit(Action::LoadPreset(id));
                }
                sel.set_value("");
            }
        })
    };
    // The link to exactly what is on screen (the address bar may lag by URL_DELAY_MS).
    let on_copy = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window()
                && let Ok(href) = w.location().href()
            {
                let base = href.split('#').next().unwrap_or_default();
                let _ = w.navigator().clipboard().write_text(&format!("{base}{}", hash_of(&state.config)));
            }
        })
    };
    let tabs = [
        (View::Forward, "Sliding window"),
        (View::Im2col, "im2col"),
        (View::Transposed, "Transposed"),
        (View::Backprop, "Backprop"),
    ];
    let unit = match (view, state.config.gradient) {
        (View::Transposed, _) => "input cell",
        (View::Backprop, GradFocus::Input) => "grad_input cell",
        (View::Backprop, GradFocus::Weight) => "grad_weight cell",
        (View::Backprop, GradFocus::Bias) => "grad_bias cell",
        _ => "output cell",
    };
    let step = state.config.step;
    let body = match (&derived.error, view) {
        (Some(err), _) => html! {
            <div class="result-error" role="alert">
                <strong>{ "No result: " }</strong>{ err.message.clone() }
                <p class="hint">{ "Change the marked control; everything you typed is kept." }</p>
            </div>
        },
        (None, View::Im2col) => derived.im2col.clone().map(|m| html! {
            <Im2colView im2col={m} {step} dispatch={dispatch.clone()} />
        }).unwrap_or_default(),
        (None, View::Transposed) => derived.transposed.clone().map(|t| html! {
            <TransposedView trace={t} zero_inserted={derived.zero_inserted.clone()} matrix={derived.matrix.clone()}
                {step} selected={state.selected} explain={state.config.explain} dispatch={dispatch.clone()} />
        }).unwrap_or_default(),
        (None, View::Backprop) => derived.backward.clone().map(|b| html! {
            <BackpropView trace={b} {step} focus={state.config.gradient} dispatch={dispatch.clone()} />
        }).unwrap_or_default(),
        (None, _) => derived.forward.clone().map(|t| html! {
            <WindowView trace={t} {step} probe={state.probe} dispatch={dispatch.clone()} />
        }).unwrap_or_default(),
    };
    let state_rc: Rc<State> = Rc::new((*state).clone());
    html! {
        <div class="app">
            <header class="top">
                <h1><span class="logo" aria-hidden="true"></span>{ "ConvScope" }</h1>
                <p class="tagline">{ "convolution, step by step, with your numbers" }</p>
                <label class="presets">{ "Examples " }
                    <select onchange={on_preset} aria-label="Load an example">
                        <option value="" selected=true>{ "choose\u{2026}" }</option>
                        { for ["Seed examples", "Transposed convolution", "Classic kernels"].iter().map(|group| html! {
                            <optgroup label={*group}>
                                { for PRESETS.iter().filter(|p| p.group == *group).map(|p| html! {
                                    <option value={p.id}>{ p.label }</option>
                                }) }
                            </optgroup>
                        }) }
                    </select>
                </label>
                <button type="button" class="copy-link" onclick={on_copy} title="Copy a link to exactly this state">{ "Copy link" }</button>
            </header>
            if let Some(alert) = &state.alert {
                <div class="alert" role="alert">
                    <span>{ alert.clone() }</span>
                    <button type="button" onclick={dispatch.reform(|_| Action::DismissAlert)} aria-label="Dismiss">{ "\u{00D7}" }</button>
                </div>
            }
            <main class="layout">
                <aside class="side">
                    <Editors state={state_rc} error_field={derived.error.as_ref().and_then(|e| e.field)} dispatch={dispatch.clone()} />
                    <Params settings={Settings::of(&state.config)} error={derived.error.clone()} dispatch={dispatch.clone()} />
                </aside>
                <section class="main">
                    <nav class="tabs" role="tablist" aria-label="Views">
                        { for tabs.iter().map(|(v, label)| {
                            let v = *v;
                            html! {
                                <button type="button" role="tab" aria-selected={(view == v).to_string()}
                                    class={classes!("tab", (view == v).then_some("active"))}
                                    onclick={dispatch.reform(move |_| Action::SetView(v))}>{ *label }</button>
                            }
                        }) }
                    </nav>
                    <Player step={step} steps={state.step_count()} playing={state.playing} speed={state.speed}
                        unit={unit} dispatch={dispatch.clone()} />
                    { body }
                </section>
            </main>
            <footer class="foot">
                { "Semantics of torch.nn.functional: input (C, H, W), weight (F, C/groups, KH, KW). Keys: \u{2190} \u{2192} step, Space play, Home/End." }
            </footer>
        </div>
    }
}
