//! One module per view. Each takes its result from the core and typed values,
//! and reports events as typed callbacks. The stepped views (forward, im2col,
//! transposed, backprop) share the [`frame`]: the player, the practice panel,
//! the size gate and the empty state.

pub mod backprop;
pub mod export;
pub mod forward;
pub mod frame;
pub mod im2col;
pub mod image;
pub mod network;
pub mod pool_panel;
pub mod transposed;
