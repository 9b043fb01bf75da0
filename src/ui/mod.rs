//! The Yew UI: it displays what the model holds and turns events into actions.
//!
//! - [`app`]: the root: the reducer, the hooks, the page's layout; the only
//!   place that maps components' typed callbacks to actions;
//! - [`header`]: the page's header (full app, presenting, embed);
//! - [`views`]: one module per view (sliding window, im2col, transposed,
//!   backprop, image, export);
//! - [`panels`]: what surrounds the views (editors, parameters, practice,
//!   figures, the shortcut sheet);
//! - [`lazy`]: the features fetched when first opened (release builds);
//! - [`widgets`]: the pieces they share (grids, heatmaps, the player, cells).

pub mod app;
pub mod header;
pub mod lazy;
pub mod panels;
pub mod views;
pub mod widgets;
