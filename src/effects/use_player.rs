//! The player's timer: one interval while playing, dropped on pause or when
//! the speed changes.

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::model::state::{Action, State, ViewAction};

/// Dispatches [`Action::View(ViewAction::Tick)`] at `speed` steps per second while `playing`.
#[hook]
pub fn use_player(playing: bool, speed: f64, dispatcher: UseReducerDispatcher<State>) {
    use_effect_with((playing, speed.to_bits()), move |(playing, speed_bits)| {
        let interval = playing.then(|| {
            let ms = (1000.0 / f64::from_bits(*speed_bits)).round() as u32;
            Interval::new(ms.max(60), move || dispatcher.dispatch(Action::View(ViewAction::Tick)))
        });
        move || drop(interval)
    });
}
