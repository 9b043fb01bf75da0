//! Tasks for when the browser is idle: after the first render (#21: the
//! features' chunks are fetched then, so a later click finds them), and
//! after the state has stayed still ([`WhenStill`]).

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdleRequestOptions;
use yew::prelude::*;

/// Runs `task` once, at the browser's first idle moment after mount
/// (`requestIdleCallback`, waited for at most [`IDLE_WAIT_MS`]; at once where
/// it is missing, as in Safari). An unmount before then cancels it.
#[hook]
pub fn use_idle<F: Future<Output = ()> + 'static>(task: fn() -> F) {
    use_effect_with((), move |_| {
        let cancelled = Rc::new(Cell::new(false));
        let run = cancelled.clone();
        wasm_bindgen_futures::spawn_local(async move {
            idle().await;
            if !run.get() {
                task().await;
            }
        });
        move || cancelled.set(true)
    });
}

/// Resolves `ms` milliseconds from now (a `setTimeout`).
pub async fn after(ms: i32) {
    settled(|w, resolve| w.set_timeout_with_callback_and_timeout_and_arguments_0(resolve, ms).map(drop)).await
}

/// Resolves at the browser's next idle moment (at most [`IDLE_WAIT_MS`]
/// away; at once where `requestIdleCallback` is missing). A task of many
/// steps awaits it between steps, so that no step lands in the frame of
/// a click or a keystroke.
pub async fn idle() {
    settled(|w, resolve| {
        let options = IdleRequestOptions::new();
        options.set_timeout(IDLE_WAIT_MS);
        w.request_idle_callback_with_options(resolve, &options).map(drop)
    })
    .await
}

/// Resolves when the browser calls the `resolve` function that `schedule`
/// hands it; at once if `schedule` fails or there is no window.
async fn settled(schedule: impl Fn(&web_sys::Window, &js_sys::Function) -> Result<(), JsValue>) {
    let Some(window) = web_sys::window() else { return };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if schedule(&window, &resolve).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The longest an idle moment is waited for after a [`WhenStill`]'s delay.
pub const IDLE_WAIT_MS: u32 = 1000;

/// Runs a task once the state has stayed unchanged for a delay, at the
/// browser's next idle moment after it (at most [`IDLE_WAIT_MS`] later).
/// Dropping it (the next change, or an unmount) cancels the task.
///
/// Why idle: the tasks that wait for a still state (the address bar, the
/// stored work) serialise the whole document, ~60 KB and ~30 ms for a
/// 3x64x64 input; run from a bare timer they land in the frame of whatever
/// click comes next (#21; the network's select, #22).
pub struct WhenStill {
    _timer: Timeout,
    idle: Rc<Cell<Option<u32>>>,
    // Kept until the drop: the browser may call it until cancelled.
    _task: Rc<Closure<dyn Fn()>>,
}

impl WhenStill {
    /// `task` after `delay_ms` of stillness, then idleness.
    pub fn new(delay_ms: u32, task: impl Fn() + 'static) -> WhenStill {
        let task = Rc::new(Closure::<dyn Fn()>::new(task));
        let idle: Rc<Cell<Option<u32>>> = Rc::default();
        let timer = {
            let (idle, task) = (idle.clone(), task.clone());
            Timeout::new(delay_ms, move || {
                let Some(w) = web_sys::window() else { return };
                let run: &js_sys::Function = task.as_ref().as_ref().unchecked_ref();
                let options = IdleRequestOptions::new();
                options.set_timeout(IDLE_WAIT_MS);
                match w.request_idle_callback_with_options(run, &options) {
                    Ok(handle) => idle.set(Some(handle)),
                    // No requestIdleCallback (Safari): now, after the delay.
                    Err(_) => drop(run.call0(&JsValue::NULL)),
                }
            })
        };
        WhenStill { _timer: timer, idle, _task: task }
    }
}

impl Drop for WhenStill {
    fn drop(&mut self) {
        if let (Some(w), Some(handle)) = (web_sys::window(), self.idle.get()) {
            w.cancel_idle_callback(handle);
        }
    }
}
