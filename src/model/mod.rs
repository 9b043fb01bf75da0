//! Everything the app knows, in plain Rust (no yew, no web-sys): all of it is
//! tested natively.
//!
//! - [`document`]: the configuration document (links, storage, files), each
//!   key declared once with its reader, writer and caps;
//! - [`state`]: the app state and its actions, a pure reducer;
//! - [`view_state`]: the document's view half (view, explanation, step, modes);
//! - [`results`]: the core's results of one problem, each computed on first use;
//! - [`grid`], [`editing`], [`input_text`]: tensors as editable grids, edits, pastes;
//! - [`presets`], [`picture`]: the examples, classic kernels and bundled pictures;
//! - [`practice`]: questions and their answers, from the core;
//! - [`network_practice`]: the network view's questions (shapes, receptive
//!   fields, parameters) and the stacks drawn by level;
//! - [`equation`]: the equations the views write out, from the core's steps;
//! - [`sequential`]: a pasted `torch.nn.Sequential(...)` read into a stack;
//! - [`export`], [`figure`]: NumPy/PyTorch code and figures (SVG, GIF) as data;
//! - [`format`](mod@format): how numbers and sums are written to fit a screen;
//! - [`size_formula`]: the output-size formulas as people read them;
//! - [`taps`]: each kernel tap's colour and name, and the input cells that wear it at a step.

pub mod document;
pub mod editing;
pub mod equation;
pub mod export;
pub mod figure;
pub mod format;
pub mod gallery;
pub mod grid;
pub mod input_text;
pub mod network;
pub mod network_practice;
pub mod picture;
pub mod practice;
pub mod presets;
pub mod results;
pub mod sequential;
pub mod size_formula;
pub mod state;
pub mod taps;
pub mod view_state;
