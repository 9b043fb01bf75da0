//! ConvScope: an interactive convolution visualizer.
//!
//! [`conv`] is the pure core (no browser imports); the rest is the Yew app
//! that only displays what the core computes.
#![forbid(unsafe_code)]

pub mod conv;
