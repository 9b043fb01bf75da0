//! The problem the learner set: an operation, its tensors and one set of
//! hyper-parameters. Everything ConvScope computes is a function of a
//! [`Problem`]; its [`Geometry`] owns every count the views step through.

use ndarray::{Array1, Array3, Array4};

use super::error::{ConvError, Dims};
use super::params::{ConvGeometry, Hyper, TransposeGeometry};

/// The operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Op {
    /// `F.conv1d`: a direct convolution along one axis.
    Conv1d,
    /// `F.conv2d`: a direct convolution over height and width.
    #[default]
    Conv2d,
    /// `F.conv_transpose1d`: a transposed convolution along one axis.
    ConvTranspose1d,
    /// `F.conv_transpose2d`: a transposed convolution over height and width.
    ConvTranspose2d,
}

impl Op {
    /// Every operation: the two direct ones, then the two transposed ones.
    pub const ALL: [Op; 4] = [Op::Conv1d, Op::Conv2d, Op::ConvTranspose1d, Op::ConvTranspose2d];

    /// Number of spatial axes: [`Dims::One`] for the 1D operations.
    pub fn dims(self) -> Dims {
        match self {
            Op::Conv1d | Op::ConvTranspose1d => Dims::One,
            Op::Conv2d | Op::ConvTranspose2d => Dims::Two,
        }
    }

    /// Whether this is `conv_transpose1d` or `conv_transpose2d`.
    pub fn is_transposed(self) -> bool {
        matches!(self, Op::ConvTranspose1d | Op::ConvTranspose2d)
    }

    /// The same kind of operation with `dims` spatial axes.
    pub fn with_dims(self, dims: Dims) -> Op {
        Op::of(self.is_transposed(), dims)
    }

    /// The transposed convolution with this operation's spatial axes.
    pub fn transposed(self) -> Op {
        Op::of(true, self.dims())
    }

    /// The direct convolution with this operation's spatial axes.
    pub fn conv(self) -> Op {
        Op::of(false, self.dims())
    }

    fn of(transposed: bool, dims: Dims) -> Op {
        match (transposed, dims) {
            (false, Dims::One) => Op::Conv1d,
            (false, Dims::Two) => Op::Conv2d,
            (true, Dims::One) => Op::ConvTranspose1d,
            (true, Dims::Two) => Op::ConvTranspose2d,
        }
    }

    /// `[in_channels, out_channels]` of a weight whose first two axes are
    /// `[a, b]`, with `groups`: a convolution's weight is `(F, C/groups, ..)`,
    /// a transposed convolution's `(C, F/groups, ..)`.
    pub fn weight_channels(self, [a, b]: [usize; 2], groups: usize) -> [usize; 2] {
        let groups = groups.max(1);
        if self.is_transposed() { [a, b.saturating_mul(groups)] } else { [b.saturating_mul(groups), a] }
    }

    /// The document's (and PyTorch's) name.
    pub fn name(self) -> &'static str {
        match self {
            Op::Conv1d => "conv1d",
            Op::Conv2d => "conv2d",
            Op::ConvTranspose1d => "conv_transpose1d",
            Op::ConvTranspose2d => "conv_transpose2d",
        }
    }
}

/// The validated sizes of a problem, whichever its operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Geometry {
    /// `conv1d` / `conv2d`.
    Conv(ConvGeometry),
    /// `conv_transpose1d` / `conv_transpose2d`.
    Transposed(TransposeGeometry),
}

/// A walk a player can take through a problem, one step at a time. Which
/// walk a view takes is the UI's choice; how long it is, is the geometry's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Walk {
    /// The forward convolution's windows (and im2col's rows): one step per
    /// output cell `(F, OH, OW)`.
    Forward,
    /// The transposed convolution's scatter: one step per input cell `(C, H, W)`
    /// (for a direct convolution, of its transpose: one per output cell).
    Scatter,
    /// The windows of a transposed convolution's zero-inserted form: one per
    /// cell of its output (for a direct convolution, of its transpose's output,
    /// which has the input's shape).
    ZeroInsertedWindows,
    /// The cells of `grad_input`, `(C, H, W)`.
    GradInput,
    /// The cells of `grad_weight`, `(F, C/groups, KH, KW)`.
    GradWeight,
    /// The cells of `grad_bias`, `(F,)`.
    GradBias,
}

impl Geometry {
    /// `(F, OH, OW)` of the operation's output.
    pub fn output_shape(&self) -> [usize; 3] {
        match self {
            Geometry::Conv(g) => g.output_shape(),
            Geometry::Transposed(g) => g.output_shape(),
        }
    }

    /// Steps of `walk`, or 0 when the operation has no such walk (a
    /// transposed convolution has no gradient view, a direct one no scatter).
    pub fn steps(&self, walk: Walk) -> usize {
        match (self, walk) {
            (Geometry::Conv(g), Walk::Forward) => g.steps(),
            (Geometry::Conv(g), Walk::GradInput) => g.input_shape().iter().product(),
            (Geometry::Conv(g), Walk::GradWeight) => g.weight_shape().iter().product(),
            (Geometry::Conv(g), Walk::GradBias) => g.out_channels,
            (Geometry::Transposed(g), Walk::Scatter) => g.steps(),
            // A convolution's transpose scatters one copy per output cell.
            (Geometry::Conv(g), Walk::Scatter) => g.steps(),
            (Geometry::Transposed(g), Walk::ZeroInsertedWindows) => g.output_shape().iter().product(),
            (Geometry::Conv(g), Walk::ZeroInsertedWindows) => g.input_shape().iter().product(),
            _ => 0,
        }
    }

    /// Multiply-adds of the whole result (saturating).
    pub fn products(&self) -> usize {
        match self {
            Geometry::Conv(g) => g.products(),
            Geometry::Transposed(g) => g.products(),
        }
    }
}

/// What the learner set, in PyTorch's layouts (tensors in 2D form: a 1D
/// problem has height 1, input `(C, 1, W)`, weight `(.., .., 1, K)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The operation, which also decides 1D or 2D.
    pub op: Op,
    /// `(C, H, W)`.
    pub input: Array3<f64>,
    /// Direct: `(F, C/groups, KH, KW)`; transposed: `(C, F/groups, KH, KW)`.
    pub weight: Array4<f64>,
    /// `(F,)`, or no bias.
    pub bias: Option<Array1<f64>>,
    /// Stride, padding, dilation, groups and the rest.
    pub hyper: Hyper,
    /// Direct only: the upstream gradient `(F, OH, OW)` for backprop; `None` means ones.
    pub grad_output: Option<Array3<f64>>,
}

impl Default for Problem {
    /// The seed's 2D example (seeds/000, In \[11\]-\[17\]).
    #[rustfmt::skip]
    fn default() -> Self {
        let input = Array3::from_shape_vec((1, 5, 5), vec![
             2.,  1., -1., -1.,  2.,
            -1.,  1.,  0., -2.,  1.,
            -1.,  0., -1.,  0., -1.,
            -3., -2., -1.,  1., -1.,
            -1., -3., -2., -3., -3.,
        ]).unwrap_or_default();
        let weight = Array4::from_shape_vec((1, 1, 3, 3), vec![
            -2.,  2.,  0.,
             2.,  2.,  2.,
            -3., -1., -1.,
        ]).unwrap_or_default();
        Problem { op: Op::Conv2d, input, weight, bias: None, hyper: Hyper::default(), grad_output: None }
    }
}

fn shape3(a: &Array3<f64>) -> [usize; 3] {
    let (x, y, z) = a.dim();
    [x, y, z]
}

fn shape4(a: &Array4<f64>) -> [usize; 4] {
    let (x, y, z, w) = a.dim();
    [x, y, z, w]
}

impl Problem {
    /// 1D or 2D, as the operation says.
    pub fn dims(&self) -> Dims {
        self.op.dims()
    }

    /// The operation's own rules (the input, weight and hyper-parameters),
    /// without the tensors that follow its output: bias and upstream gradient.
    pub fn operation_geometry(&self) -> Result<Geometry, ConvError> {
        let (input, weight) = (shape3(&self.input), shape4(&self.weight));
        Ok(if self.op.is_transposed() {
            Geometry::Transposed(self.hyper.transposed_geometry(self.dims(), input, weight)?)
        } else {
            Geometry::Conv(self.hyper.conv_geometry(self.dims(), input, weight)?)
        })
    }

    /// Validates every rule (shapes, hyper-parameters, bias length, the
    /// upstream gradient's shape) and computes every size.
    pub fn geometry(&self) -> Result<Geometry, ConvError> {
        let geometry = self.operation_geometry()?;
        let [f, oh, ow] = geometry.output_shape();
        if let Some(b) = &self.bias
            && b.len() != f
        {
            return Err(ConvError::BiasLength { bias: b.len(), out_channels: f });
        }
        if let Some(g) = &self.grad_output {
            if self.op.is_transposed() {
                return Err(ConvError::DirectOnly { name: "grad_output", field: super::Field::GradOutput });
            }
            if shape3(g) != [f, oh, ow] {
                return Err(ConvError::GradOutputShape { expected: vec![f, oh, ow], got: shape3(g).to_vec() });
            }
        }
        Ok(geometry)
    }

    /// The direct convolution's geometry; an error for a transposed problem.
    pub fn conv_geometry(&self) -> Result<ConvGeometry, ConvError> {
        match self.geometry()? {
            Geometry::Conv(g) => Ok(g),
            Geometry::Transposed(_) => Err(ConvError::WrongOp { op: self.op.name() }),
        }
    }

    /// The transposed convolution's geometry; an error for a direct problem.
    pub fn transposed_geometry(&self) -> Result<TransposeGeometry, ConvError> {
        match self.geometry()? {
            Geometry::Transposed(g) => Ok(g),
            Geometry::Conv(_) => Err(ConvError::WrongOp { op: self.op.name() }),
        }
    }

    /// `(F, OH, OW)` of the operation's output, or the rule it breaks.
    pub fn output_shape(&self) -> Result<[usize; 3], ConvError> {
        Ok(self.geometry()?.output_shape())
    }

    /// Steps of `walk` (0 when the problem is invalid or has no such walk).
    pub fn steps(&self, walk: Walk) -> usize {
        self.geometry().map_or(0, |g| g.steps(walk))
    }

    /// The upstream gradient: the problem's, or ones of the output's shape.
    pub fn grad_output_or_ones(&self) -> Result<Array3<f64>, ConvError> {
        match &self.grad_output {
            Some(g) => Ok(g.clone()),
            None => {
                let [f, oh, ow] = self.output_shape()?;
                Ok(Array3::from_elem((f, oh, ow), 1.0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Field;

    #[test]
    fn counts_come_from_the_geometry() -> Result<(), ConvError> {
        let p = Problem::default();
        let g = p.geometry()?;
        assert_eq!(g.output_shape(), [1, 3, 3]);
        assert_eq!(
            [
                Walk::Forward,
                Walk::Scatter,
                Walk::ZeroInsertedWindows,
                Walk::GradInput,
                Walk::GradWeight,
                Walk::GradBias
            ]
            .map(|w| g.steps(w)),
            [9, 9, 25, 25, 9, 1]
        );
        let t = Problem { op: Op::ConvTranspose2d, ..Problem::default() };
        assert_eq!(t.steps(Walk::Scatter), 25);
        assert_eq!(t.steps(Walk::ZeroInsertedWindows), 49);
        assert_eq!(t.output_shape()?, [1, 7, 7]);
        assert_eq!(t.steps(Walk::Forward), 0);
        Ok(())
    }

    #[test]
    fn tensors_that_disagree_are_errors() {
        let p = Problem { bias: Some(Array1::zeros(2)), ..Problem::default() };
        assert_eq!(p.geometry().unwrap_err().field(), Field::Bias);
        let p = Problem { grad_output: Some(Array3::zeros((1, 2, 2))), ..Problem::default() };
        assert_eq!(
            p.geometry().unwrap_err().to_string(),
            "grad_output has shape [1, 2, 2], but the output has shape [1, 3, 3]"
        );
        let p = Problem { op: Op::ConvTranspose2d, grad_output: Some(Array3::zeros((1, 7, 7))), ..Problem::default() };
        assert_eq!(p.geometry().unwrap_err().to_string(), "grad_output applies to conv1d and conv2d only");
    }
}
