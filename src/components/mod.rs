//! Yew components: each one file, each with one `Properties + PartialEq`
//! props struct. They display what the core computed and report events as
//! `Callback<Action>`; none re-implements arithmetic.

pub mod backprop_view;
pub mod copy_link;
pub mod editor;
pub mod editors;
pub mod export_view;
pub mod figure_bar;
pub mod file_io;
pub mod grids;
pub mod heatmap;
pub mod im2col_view;
pub mod image_view;
pub mod matrix;
pub mod params;
pub mod player;
pub mod practice_panel;
pub mod shortcuts;
pub mod transposed_view;
pub mod window_view;
