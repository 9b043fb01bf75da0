//! The convolution core: every number ConvScope shows comes from here.
//!
//! Pure Rust, no browser imports and no view concepts: it builds and is
//! tested natively. Semantics and layouts are `torch.nn.functional`'s, one
//! example without a batch axis: input `(C, H, W)`, conv weight
//! `(F, C/groups, KH, KW)`, transposed weight `(C, F/groups, KH, KW)`, bias
//! `(F,)`. 1D problems are 2D ones of height 1.
//!
//! Whole results (the output, im2col's matrices, the three gradients) are
//! computed eagerly: they are cheap. What happens at one step (its terms, the
//! sources of a cell, the outputs an input cell feeds) is answered on demand,
//! at the cost of that step alone.
//!
//! - [`problem`]: the [`Problem`] (op, tensors, [`Hyper`]) and its [`Geometry`];
//! - [`params`]: the hyper-parameters and the checked shape arithmetic;
//! - [`index`]: row-major index arithmetic, in one place;
//! - [`forward`]: the forward convolution, window by window ([`Forward`]);
//! - [`im2col`](mod@im2col): the same as one matrix product;
//! - [`transposed`]: scatter, overlap sums, zero-insertion and matrix forms;
//! - [`backward`]: gradients of the direct convolution;
//! - [`pool`]: max and average pooling, with each max window's winner;
//! - [`network`]: stacks of layers, their shapes, outputs and receptive fields;
//! - [`decimal`]: `f64` to and from decimal text without core's float code.

pub mod backward;
pub mod decimal;
pub mod error;
pub mod forward;
pub mod im2col;
pub mod index;
pub mod network;
pub mod padding;
pub mod params;
pub mod pool;
pub mod problem;
pub mod transposed;

pub use backward::Backward;
pub use error::{ConvError, Dims, Field};
pub use forward::{Feed, Forward, ForwardStep, Term};
pub use im2col::{ColumnOrder, Im2col};
pub use network::{
    ConvLayer, Evaluation, Layer, LayerError, LayerSummary, Mask, Network, Pad, Probe, Receptive, RfStep,
};
pub use padding::PaddedInput;
pub use params::{ConvGeometry, Hyper, PaddingMode, PaddingRule, TransposeGeometry};
pub use pool::{Pool, PoolGeometry, PoolGradTerm, PoolKind, PoolStep, PoolWalk, Pooled, Winners};
pub use problem::{Geometry, Op, Problem, Walk};
pub use transposed::{MatrixForm, Transposed, ZeroInsertedConv};
