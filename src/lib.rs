//! ConvScope: an interactive convolution visualizer.
//!
//! The folders are the architecture, from pure to effectful:
//! - [`conv`]: the convolution core. Numbers only: no browser, no document
//!   names, no English. Builds and is tested natively.
//! - [`model`]: everything the app knows, still plain Rust: the configuration
//!   document, the state and its actions, editing, presets, pictures, practice
//!   questions, export code and figures as data. Tested natively.
//! - [`ui`]: the Yew components: the app root, one module per view, the panels
//!   around them and the widgets they share. They display what the model holds
//!   and report events as typed callbacks.
//! - [`effects`]: the side effects, one hook per concern (with cleanup), and
//!   the thin browser adapters they use; the crash banner.
#![forbid(unsafe_code)]

#[deny(missing_docs)]
pub mod conv;
pub mod effects;
pub mod model;
pub mod ui;

// Talc instead of the default dlmalloc: about 3 KB less gzipped wasm (the
// release budget, README "Speed"), faster, and its constructor needs no unsafe.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
