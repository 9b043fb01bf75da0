//! One module per view. Each takes its result from the core and typed values,
//! and reports events as callbacks.

pub mod backprop;
pub mod export;
pub mod im2col;
pub mod image;
pub mod transposed;
pub mod window;
