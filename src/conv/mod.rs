//! The convolution core: every number ConvScope shows comes from here.
//!
//! Pure Rust, no browser imports: it builds and is tested natively. Semantics
//! and layouts are `torch.nn.functional`'s, one example without a batch axis:
//! input `(C, H, W)`, conv weight `(F, C/groups, KH, KW)`, transposed weight
//! `(C, F/groups, KH, KW)`, bias `(F,)`. 1D problems are 2D ones of height 1.
//!
//! - [`params`]: hyper-parameters and the checked shape arithmetic;
//! - [`direct`]: the sliding window, with a step trace;
//! - [`im2col`](mod@im2col): the same as one matrix product;
//! - [`transposed`]: scatter, overlap sums, zero-insertion and matrix forms;
//! - [`backward`]: gradients of the direct convolution;
//! - [`config`]: the JSON configuration document;
//! - [`format`](mod@format): how numbers are written for people.

pub mod backward;
pub mod config;
pub mod direct;
pub mod error;
pub mod format;
pub mod im2col;
pub mod padding;
pub mod params;
pub mod transposed;

pub use backward::{BackwardTrace, conv2d_backward};
pub use config::{Config, ConfigError, Explain, GradFocus, Op, View};
pub use direct::{ForwardStep, ForwardTrace, Term, conv2d, conv2d_trace};
pub use error::{ConvError, Dims, Field};
pub use im2col::{Im2col, im2col};
pub use padding::PaddedInput;
pub use params::{ConvGeometry, ConvParams, PaddingMode, TransposeGeometry, TransposeParams};
pub use transposed::{
    MatrixForm, TransposedTrace, ZeroInsertedConv, conv_transpose2d, conv_transpose2d_trace, matrix_form,
    zero_inserted_conv,
};
