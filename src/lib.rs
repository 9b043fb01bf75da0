//! ConvScope: an interactive convolution visualizer.
//!
//! [`conv`] is the pure core (no browser imports). [`grid`], [`input_text`],
//! [`presets`], [`state`] and [`derived`] are plain Rust too and tested
//! natively; [`app`] and [`components`] are the Yew UI that only displays
//! what the core computed.
#![forbid(unsafe_code)]

pub mod app;
pub mod components;
#[deny(missing_docs)]
pub mod conv;
pub mod derived;
pub mod grid;
pub mod input_text;
pub mod presets;
pub mod state;
