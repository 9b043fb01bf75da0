//! Widgets the views and panels share: matrix cells, grids and heatmaps, the
//! grid editor, the player, copy and file buttons. Each is one file with one
//! `Properties + PartialEq` props struct (or a plain function where its props
//! change on every render anyway).

pub mod copy_link;
pub mod editor;
pub mod file_io;
pub mod grids;
pub mod heatmap;
pub mod matrix;
pub mod player;
