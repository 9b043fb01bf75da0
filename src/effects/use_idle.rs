//! A task for when the browser is idle after the first render (#21: the
//! features' chunks are fetched then, so a later click finds them).

use std::future::Future;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Runs `task` once, at the browser's first idle moment after mount
/// (`requestIdleCallback`; a 2 s timer where it is missing, as in Safari).
/// An unmount before then cancels it.
#[hook]
pub fn use_idle<F: Future<Output = ()> + 'static>(task: fn() -> F) {
    use_effect_with((), move |_| {
        let run = Closure::once(move || wasm_bindgen_futures::spawn_local(task()));
        let window = web_sys::window();
        let idle = window.as_ref().and_then(|w| w.request_idle_callback(run.as_ref().unchecked_ref()).ok());
        let timer = match (&window, idle) {
            (Some(w), None) => {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(run.as_ref().unchecked_ref(), 2000).ok()
            }
            _ => None,
        };
        move || {
            if let Some(w) = window {
                if let Some(handle) = idle {
                    w.cancel_idle_callback(handle);
                }
                if let Some(handle) = timer {
                    w.clear_timeout_with_handle(handle);
                }
            }
            // The closure lives until here: the browser may call it until cancelled.
            drop(run);
        }
    });
}
