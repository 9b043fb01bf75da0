//! The step player: first / back / play-pause / forward / last, a scrub
//! slider and the speed. The keyboard shortcuts (arrows, Space, Home/End) are
//! installed once by the app, so they work whichever control has focus.
//! The step frame (`views/frame.rs`) shows it above every stepped view.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::conv::decimal;
use crate::model::state::{Move, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct PlayerProps {
    pub step: usize,
    pub steps: usize,
    pub playing: bool,
    pub speed: f64,
    /// What one step is, for the counter: "output cell", "input cell", ...
    pub unit: AttrValue,
    /// A button: first, back, forward or last step.
    pub on_move: Callback<Move>,
    /// The scrub slider: this step.
    pub on_step: Callback<usize>,
    /// Play or pause.
    pub on_play: Callback<()>,
    /// The speed picked, in steps per second.
    pub on_speed: Callback<f64>,
}

/// A function, not a component: its props change with every step anyway.
pub fn player(props: &PlayerProps) -> Html {
    let go = |m: Move| props.on_move.reform(move |_: MouseEvent| m);
    let toggle = props.on_play.reform(|_: MouseEvent| ());
    let on_step = props.on_step.clone();
    let scrub = Callback::from(move |e: InputEvent| {
        if let Some(v) =
            e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).and_then(|el| el.value().parse().ok())
        {
            on_step.emit(v);
        }
    });
    let on_speed = props.on_speed.clone();
    let speed = Callback::from(move |e: Event| {
        if let Some(v) =
            e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).and_then(|el| decimal::parse(&el.value()))
        {
            on_speed.emit(v);
        }
    });
    let empty = props.steps == 0;
    let last = props.steps.saturating_sub(1);
    html! {
        <>
        <div class="player" role="group" aria-label="Step player">
            <button type="button" onclick={go(Move::First)} disabled={empty} title="First step (Home)" aria-label="First step">{ "|\u{25C0}" }</button>
            <button type="button" onclick={go(Move::Prev)} disabled={empty} title="Step back (Left arrow)" aria-label="Step back">{ "\u{25C0}" }</button>
            <button type="button" class="play" onclick={toggle} disabled={empty} aria-pressed={props.playing.to_string()}
                title="Play or pause (Space)" aria-label={if props.playing { "Pause" } else { "Play" }}>
                { if props.playing { "\u{2016} Pause" } else { "\u{25B6} Play" } }
            </button>
            <button type="button" onclick={go(Move::Next)} disabled={empty} title="Step forward (Right arrow)" aria-label="Step forward">{ "\u{25B6}" }</button>
            <button type="button" onclick={go(Move::Last)} disabled={empty} title="Last step (End)" aria-label="Last step">{ "\u{25B6}|" }</button>
            <input type="range" class="scrub" min="0" max={last.to_string()} value={props.step.to_string()}
                oninput={scrub} disabled={empty} aria-label="Step" />
            <span class="counter" aria-live="polite">
                { if empty { "no steps".to_string() } else { format!("{} {} of {}", props.unit, props.step + 1, props.steps) } }
            </span>
            <label class="speed">{ "speed " }
                <select onchange={speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={decimal::display(*s)} selected={(*s - props.speed).abs() < 1e-9}>{ format!("{}/s", decimal::display(*s)) }</option>
                    }) }
                </select>
            </label>
        </div>
        <p class="keys">{ "Keys: " }<kbd>{ "\u{2190}" }</kbd>{ " " }<kbd>{ "\u{2192}" }</kbd>{ " step \u{00B7} " }
            <kbd>{ "Space" }</kbd>{ " play or pause \u{00B7} " }<kbd>{ "Home" }</kbd>{ " " }<kbd>{ "End" }</kbd>{ " first, last" }</p>
        </>
    }
}
