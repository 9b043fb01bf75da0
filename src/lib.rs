//! ConvScope: an interactive convolution visualizer.
//!
//! [`conv`] is the pure core (no browser imports). [`document`],
//! [`view_state`], [`grid`], [`editing`], [`input_text`], [`presets`],
//! [`picture`], [`state`] and [`results`] are plain Rust too and tested natively; [`app`],
//! [`hooks`] and [`components`] are the Yew UI that only displays what the
//! core computed; [`crash`] keeps a bug from leaving a dead page.
#![forbid(unsafe_code)]

pub mod app;
pub mod components;
#[deny(missing_docs)]
pub mod conv;
pub mod crash;
pub mod document;
pub mod editing;
pub mod export;
pub mod figure;
pub mod grid;
pub mod hooks;
pub mod input_text;
pub mod picture;
pub mod practice;
pub mod presets;
pub mod results;
pub mod state;
pub mod view_state;

// Talc instead of the default dlmalloc: about 3 KB less gzipped wasm (the
// release budget, README "Speed"), faster, and its constructor needs no unsafe.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
