//! A network: a stack of layers applied to one input, each layer's input the
//! previous layer's output. Shapes chain through it, every layer's output is
//! computed exactly (convolutions by [`Forward`] and [`Transposed`], whole),
//! and the receptive field of any cell is found on demand ([`receptive`]).
//!
//! Layers are numbered from 1; 0 is the input. Tensors are `(C, H, W)`
//! throughout (1D: `(C, 1, W)`).

pub mod pad;
pub mod receptive;

use std::rc::Rc;

use ndarray::{Array1, Array3, Array4};

pub use pad::Pad;
pub use receptive::{Mask, Probe, Receptive};

use super::error::{ConvError, Dims, Field};
use super::forward::Forward;
use super::params::Hyper;
use super::pool::{Pool, PoolGeometry, PoolKind, Winners};
use super::problem::{Geometry, Op, Problem};
use super::transposed::Transposed;

/// The most cells one layer's output may have (`C * H * W`): 2^24, 128 MiB of
/// `f64`; the same for a convolution's padded input or transposed canvas. A
/// shape beyond it is a [`ConvError::TooLarge`], never an allocation.
pub const LAYER_OUTPUT_LIMIT: usize = 1 << 24;

/// A [`ConvError::TooLarge`] when a tensor of `shape` would have more than [`LAYER_OUTPUT_LIMIT`] cells.
fn check_cells(what: &'static str, shape: [usize; 3]) -> Result<(), ConvError> {
    let count = shape.iter().try_fold(1usize, |n, &s| n.checked_mul(s)).unwrap_or(usize::MAX);
    if count > LAYER_OUTPUT_LIMIT {
        return Err(ConvError::TooLarge { what, count, limit: LAYER_OUTPUT_LIMIT });
    }
    Ok(())
}

/// A convolution layer: the single-op problem without its input, which is
/// the previous layer's output.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvLayer {
    /// `conv1d`, `conv2d`, `conv_transpose1d` or `conv_transpose2d`: 1D/2D and direct/transposed.
    pub op: Op,
    /// Direct: `(F, C/groups, KH, KW)`; transposed: `(C, F/groups, KH, KW)` (1D: `KH = 1`).
    pub weight: Array4<f64>,
    /// `(F,)`, or no bias.
    pub bias: Option<Array1<f64>>,
    /// Stride, padding, dilation, groups and the rest, as for a single op.
    pub hyper: Hyper,
}

/// One layer of a stack.
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// A (transposed) convolution with its own weight and bias.
    Conv(ConvLayer),
    /// Max or average pooling.
    Pool(Pool),
    /// `F.relu`: `max(x, 0)` cell by cell.
    Relu,
    /// `F.pad` with per-side amounts.
    Pad(Pad),
}

/// What one layer computed: its output and, for max pooling, the winners.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerOutput {
    /// The layer's output `(C', H', W')`.
    pub output: Array3<f64>,
    /// Max pooling only, `(C', H', W')`: the input cell `[i, j]` each output
    /// cell took (see [`super::pool::Pooled::winners`]).
    pub winners: Option<Winners>,
}

fn shape4(a: &Array4<f64>) -> [usize; 4] {
    let (x, y, z, w) = a.dim();
    [x, y, z, w]
}

fn shape3(a: &Array3<f64>) -> [usize; 3] {
    let (x, y, z) = a.dim();
    [x, y, z]
}

impl ConvLayer {
    /// The problem this layer solves on `input` `(C, H, W)`.
    pub fn problem(&self, input: Array3<f64>) -> Problem {
        Problem {
            op: self.op,
            input,
            weight: self.weight.clone(),
            bias: self.bias.clone(),
            hyper: self.hyper,
            grad_output: None,
        }
    }

    /// Validates the layer on an input of shape `(C, H, W)` and computes every
    /// size: first whether the weight takes `C` channels, then the single
    /// op's rules, then the bias length.
    pub fn geometry(&self, input: [usize; 3]) -> Result<Geometry, ConvError> {
        let weight = shape4(&self.weight);
        let dims = self.op.dims();
        if !weight.contains(&0) && self.hyper.groups > 0 {
            let expected =
                if self.op.is_transposed() { Some(weight[0]) } else { weight[1].checked_mul(self.hyper.groups) };
            if expected != Some(input[0]) {
                return Err(ConvError::LayerChannels {
                    op: self.op.name(),
                    expected: expected.unwrap_or(usize::MAX),
                    weight: weight.to_vec(),
                    got: input[0],
                });
            }
        }
        let geometry = if self.op.is_transposed() {
            Geometry::Transposed(self.hyper.transposed_geometry(dims, input, weight)?)
        } else {
            Geometry::Conv(self.hyper.conv_geometry(dims, input, weight)?)
        };
        let out_channels = geometry.output_shape()[0];
        if let Some(b) = &self.bias
            && b.len() != out_channels
        {
            return Err(ConvError::BiasLength { bias: b.len(), out_channels });
        }
        Ok(geometry)
    }
}

impl Layer {
    /// PyTorch's functional name: `"conv2d"`, `"conv_transpose1d"`,
    /// `"max_pool1d"`, `"avg_pool2d"`, `"relu"`, `"pad"`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Layer::Conv(c) => c.op.name(),
            Layer::Pool(p) => p.name(),
            Layer::Relu => "relu",
            Layer::Pad(_) => "pad",
        }
    }

    /// The layer's number of spatial axes; `None` for ReLU, which takes any.
    pub fn dims(&self) -> Option<Dims> {
        match self {
            Layer::Conv(c) => Some(c.op.dims()),
            Layer::Pool(p) => Some(p.dims),
            Layer::Relu => None,
            Layer::Pad(p) => Some(p.dims),
        }
    }

    /// Validates the layer on an input of shape `(C, H, W)` and returns its
    /// output's shape (whose cell count is at most [`LAYER_OUTPUT_LIMIT`]).
    /// Whether the layer's 1D/2D agrees with the network is [`Network`]'s check.
    pub fn output_shape(&self, input: [usize; 3]) -> Result<[usize; 3], ConvError> {
        let shape = match self {
            Layer::Conv(c) => {
                let geometry = c.geometry(input)?;
                // What Forward and Transposed allocate besides the output: the
                // padded input `(C, H+2ph, W+2pw)`, or the canvas `(F, CH, CW)`.
                let (what, scratch) = match &geometry {
                    Geometry::Conv(g) => ("the padded input", [g.in_channels, g.padded[0], g.padded[1]]),
                    Geometry::Transposed(g) => ("the transposed canvas", g.canvas_shape()),
                };
                check_cells(what, scratch)?;
                geometry.output_shape()
            }
            Layer::Pool(p) => {
                let g = p.geometry(input)?;
                // Every window visits KH*KW taps: a huge kernel with as much padding
                // gives one output cell but would take forever.
                let [c, oh, ow] = g.output_shape();
                let windows = c.saturating_mul(oh).saturating_mul(ow);
                check_cells("the pooling windows' taps", [windows, p.kernel[0], p.kernel[1]])?;
                g.output_shape()
            }
            Layer::Relu => input,
            Layer::Pad(p) => p.output_shape(input)?,
        };
        check_cells("the layer's output", shape)?;
        Ok(shape)
    }

    /// Learnable numbers: a convolution's weight cells plus its bias length; 0 for the others.
    pub fn params(&self) -> usize {
        match self {
            Layer::Conv(c) => c.weight.len().saturating_add(c.bias.as_ref().map_or(0, |b| b.len())),
            Layer::Pool(_) | Layer::Relu | Layer::Pad(_) => 0,
        }
    }

    /// Multiply-adds on an input of shape `(C, H, W)`: a convolution's
    /// `C_out*OH*OW*(C_in/groups)*KH*KW`, a transposed one's
    /// `C_in*H*W*(C_out/groups)*KH*KW`; 0 for pooling, ReLU and padding.
    pub fn macs(&self, input: [usize; 3]) -> Result<u64, ConvError> {
        let product = |factors: &[usize]| {
            factors
                .iter()
                .try_fold(1u64, |n, &f| n.checked_mul(f as u64))
                .ok_or(ConvError::Overflow { what: "multiply-adds" })
        };
        match self {
            Layer::Conv(c) => match c.geometry(input)? {
                Geometry::Conv(g) => {
                    let [f, oh, ow] = g.output_shape();
                    product(&[f, oh, ow, g.in_per_group, g.kernel[0], g.kernel[1]])
                }
                Geometry::Transposed(g) => {
                    let [c_in, h, w] = g.input_shape();
                    product(&[c_in, h, w, g.out_per_group, g.kernel[0], g.kernel[1]])
                }
            },
            Layer::Pool(_) | Layer::Relu | Layer::Pad(_) => {
                self.output_shape(input)?;
                Ok(0)
            }
        }
    }

    /// Validates and applies the layer to `input` `(C, H, W)`. Convolutions
    /// build the single-op [`Problem`] and take [`Forward`]'s or
    /// [`Transposed`]'s whole output.
    pub fn apply(&self, input: &Array3<f64>) -> Result<LayerOutput, ConvError> {
        self.output_shape(shape3(input))?;
        Ok(match self {
            Layer::Conv(c) => {
                let problem = c.problem(input.clone());
                let output = if c.op.is_transposed() {
                    Transposed::new(&problem)?.output
                } else {
                    Forward::new(&problem)?.output
                };
                LayerOutput { output, winners: None }
            }
            Layer::Pool(p) => {
                let pooled = p.apply(input)?;
                LayerOutput { output: pooled.output, winners: pooled.winners }
            }
            Layer::Relu => LayerOutput { output: input.mapv(|x| x.max(0.0)), winners: None },
            Layer::Pad(p) => LayerOutput { output: p.apply(input)?, winners: None },
        })
    }

    /// The pooling geometry on `input`, for a pooling layer.
    pub fn pool_geometry(&self, input: [usize; 3]) -> Option<PoolGeometry> {
        match self {
            Layer::Pool(p) => p.geometry(input).ok(),
            _ => None,
        }
    }

    /// Whether this is a max-pooling layer (whose winners decide its output).
    pub fn is_max_pool(&self) -> bool {
        matches!(self, Layer::Pool(Pool { kind: PoolKind::Max, .. }))
    }

    /// `[[K, d, s]; 2]` (`[height, width]`) of a window layer (a direct
    /// convolution or pooling) for the receptive-field recurrence; `None` for
    /// ReLU and padding, which leave it unchanged, and transposed
    /// convolutions, which it does not cover.
    pub fn window_terms(&self) -> Option<[[usize; 3]; 2]> {
        let (kernel, dilation, stride) = match self {
            Layer::Conv(c) if !c.op.is_transposed() => {
                let [_, _, kh, kw] = shape4(&c.weight);
                ([kh, kw], c.hyper.dilation, c.hyper.stride)
            }
            Layer::Pool(p) => (p.kernel, p.dilation, p.stride),
            _ => return None,
        };
        Some([0, 1].map(|axis| [kernel[axis], dilation[axis], stride[axis]]))
    }
}

/// A stack of layers applied to one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// 1D or 2D: the input's number of spatial axes, which every layer must share.
    pub dims: Dims,
    /// `(C, H, W)` (1D: `(C, 1, W)`).
    pub input: Array3<f64>,
    /// Layer 1 first.
    pub layers: Vec<Layer>,
}

/// The first layer that cannot take its input, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("layer {layer}: {error}")]
pub struct LayerError {
    /// The layer's number, from 1; 0 when the input itself breaks a rule.
    pub layer: usize,
    /// What it breaks, with the numbers.
    pub error: ConvError,
}

/// Every layer's output, up to the first layer that fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// `[0]` the input, `[k]` the output of layer `k`, each `(C, H, W)`;
    /// stops before the first failing layer. Shared, so views can keep them.
    pub outputs: Vec<Rc<Array3<f64>>>,
    /// The first failing layer, or `None` when every layer ran.
    pub error: Option<LayerError>,
    /// Parallel to `outputs`: for a max-pooling layer `k`, `[k]` holds each
    /// output cell's winner in layer `k - 1`'s output; `None` elsewhere.
    pub winners: Vec<Option<Rc<Winners>>>,
}

/// One step of the receptive-field recurrence along one axis:
/// `r = r_prev + (kernel - 1)*dilation*j_prev` and `j = j_prev*stride`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RfStep {
    /// `r_(k-1)`: the receptive field before the layer.
    pub r_prev: usize,
    /// `K_k`: the layer's kernel size.
    pub kernel: usize,
    /// `d_k`: its dilation.
    pub dilation: usize,
    /// `j_(k-1)`: the jump before the layer.
    pub j_prev: usize,
    /// `s_k`: its stride.
    pub stride: usize,
    /// `r_k`.
    pub r: usize,
    /// `j_k`.
    pub j: usize,
}

/// One row of the summary table: a layer (or, at index 0, the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayerSummary {
    /// `(C, H, W)` of the layer's output (1D: `H = 1`).
    pub shape: [usize; 3],
    /// Learnable numbers (weight and bias).
    pub params: usize,
    /// Multiply-adds for this example.
    pub macs: u64,
    /// `[RH, RW]`: input cells one output cell sees along each axis, by the
    /// recurrence; `None` from the first transposed convolution on (and if it overflows).
    pub rf: Option<[usize; 2]>,
    /// `[JH, JW]`: input distance between neighbouring output cells; `None` as `rf`.
    pub jump: Option<[usize; 2]>,
    /// `[height, width]` numbers of the recurrence for a window layer (direct
    /// convolution or pooling); `None` for the input, ReLU and padding (which
    /// keep `r` and `j`), and where `rf` is `None`.
    pub rf_terms: Option<[RfStep; 2]>,
}

impl Network {
    /// Each layer's output shape in turn, `[0]` the input's, up to the first
    /// layer that cannot take its input (returned beside them; layer 0 when the
    /// input itself is invalid).
    pub fn shapes(&self) -> (Vec<[usize; 3]>, Option<LayerError>) {
        let mut shapes = vec![shape3(&self.input)];
        if let Err(error) = self.check_input() {
            return (shapes, Some(LayerError { layer: 0, error }));
        }
        for (k, layer) in self.layers.iter().enumerate() {
            let input = shapes[k];
            match self.layer_shape(layer, input) {
                Ok(shape) => shapes.push(shape),
                Err(error) => return (shapes, Some(LayerError { layer: k + 1, error })),
            }
        }
        (shapes, None)
    }

    /// The network input's own rules (non-empty, height 1 in 1D), as a layer 0 would fail them.
    fn check_input(&self) -> Result<(), ConvError> {
        let shape = shape3(&self.input);
        if shape.contains(&0) {
            return Err(ConvError::EmptyTensor { name: "input", field: Field::Input, shape: shape.to_vec() });
        }
        if self.dims == Dims::One && shape[1] != 1 {
            return Err(ConvError::NotOneD { name: "input", field: Field::Input, height: shape[1] });
        }
        Ok(())
    }

    fn layer_shape(&self, layer: &Layer, input: [usize; 3]) -> Result<[usize; 3], ConvError> {
        self.check_dims(layer)?;
        layer.output_shape(input)
    }

    fn check_dims(&self, layer: &Layer) -> Result<(), ConvError> {
        match layer.dims() {
            Some(dims) if dims != self.dims => {
                Err(ConvError::LayerDims { op: layer.kind_name(), layer: dims, input: self.dims })
            }
            _ => Ok(()),
        }
    }

    /// Every layer's output, stopping before the first layer that fails.
    /// An invalid input (empty, or not of height 1 in 1D) is reported as
    /// layer 0's error, and no layer runs.
    pub fn evaluate(&self) -> Evaluation {
        let outputs = vec![Rc::new(self.input.clone())];
        if let Err(error) = self.check_input() {
            return Evaluation { outputs, error: Some(LayerError { layer: 0, error }), winners: vec![None] };
        }
        self.run_from(outputs, vec![None])
    }

    /// [`Self::evaluate`] after an edit of layer `first` (from 1) or later:
    /// the outputs of the layers before it are taken from `previous` (shared,
    /// not recomputed), the rest are computed. `first = 0` (an edit of the
    /// input) computes everything. `previous` must be this network's
    /// evaluation before the edit.
    pub fn evaluate_from(&self, previous: &Evaluation, first: usize) -> Evaluation {
        // Layers 1..first-1 kept: outputs[0..first]; fewer when `previous` stopped earlier.
        let keep = first.min(previous.outputs.len()).min(previous.winners.len()).min(self.layers.len() + 1);
        if keep == 0 {
            return self.evaluate();
        }
        self.run_from(previous.outputs[..keep].to_vec(), previous.winners[..keep].to_vec())
    }

    /// Runs the layers after the last of `outputs` (`outputs[0]` the valid input).
    fn run_from(&self, mut outputs: Vec<Rc<Array3<f64>>>, mut winners: Vec<Option<Rc<Winners>>>) -> Evaluation {
        for k in outputs.len()..=self.layers.len() {
            let layer = &self.layers[k - 1];
            let result = self.check_dims(layer).and_then(|()| layer.apply(&outputs[k - 1]));
            match result {
                Ok(out) => {
                    outputs.push(Rc::new(out.output));
                    winners.push(out.winners.map(Rc::new));
                }
                Err(error) => return Evaluation { outputs, error: Some(LayerError { layer: k, error }), winners },
            }
        }
        Evaluation { outputs, error: None, winners }
    }

    /// The summary table: `[0]` the input, `[k]` layer `k`, up to the last
    /// layer that takes its input (the failing layer has no row; see [`Self::shapes`]).
    pub fn summary(&self) -> Vec<LayerSummary> {
        let (shapes, _) = self.shapes();
        let mut rows = Vec::with_capacity(shapes.len());
        let mut rf = Some(([1usize, 1], [1usize, 1]));
        rows.push(LayerSummary {
            shape: shapes[0],
            params: 0,
            macs: 0,
            rf: Some([1, 1]),
            jump: Some([1, 1]),
            rf_terms: None,
        });
        for (k, layer) in self.layers.iter().enumerate().take(shapes.len() - 1) {
            let mut rf_terms = None;
            let transposed = matches!(layer, Layer::Conv(c) if c.op.is_transposed());
            if transposed {
                rf = None;
            } else if let (Some((r, j)), Some(terms)) = (rf, layer.window_terms()) {
                let steps = [0, 1].map(|axis| rf_step(r[axis], j[axis], terms[axis]));
                match steps {
                    [Some(a), Some(b)] => {
                        rf = Some(([a.r, b.r], [a.j, b.j]));
                        rf_terms = Some([a, b]);
                    }
                    _ => rf = None,
                }
            }
            rows.push(LayerSummary {
                shape: shapes[k + 1],
                params: layer.params(),
                macs: layer.macs(shapes[k]).unwrap_or(u64::MAX),
                rf: rf.map(|(r, _)| r),
                jump: rf.map(|(_, j)| j),
                rf_terms,
            });
        }
        rows
    }

    /// The receptive field of `probe` (a cell of `eval`'s outputs): the cells
    /// of every earlier layer and of the input it depends on, structurally and
    /// through the values that decided it. `None` when the probe is outside
    /// the evaluated outputs. `eval` must be this network's evaluation.
    pub fn receptive(&self, eval: &Evaluation, probe: Probe) -> Option<Receptive> {
        receptive::receptive(self, eval, probe)
    }
}

/// `r_k`, `j_k` from `r_(k-1)`, `j_(k-1)` and `[K, d, s]`, or `None` on overflow.
fn rf_step(r_prev: usize, j_prev: usize, [kernel, dilation, stride]: [usize; 3]) -> Option<RfStep> {
    let grow = kernel.checked_sub(1)?.checked_mul(dilation)?.checked_mul(j_prev)?;
    Some(RfStep {
        r_prev,
        kernel,
        dilation,
        j_prev,
        stride,
        r: r_prev.checked_add(grow)?,
        j: j_prev.checked_mul(stride)?,
    })
}
