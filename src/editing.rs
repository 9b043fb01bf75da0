//! Editing the problem's tensors as the editors do: resize along an axis,
//! fill, paste a block. Pure functions on a [`Problem`], beside [`crate::grid`]
//! (which says how tensors are laid out as grids); the reducer calls them.

use ndarray::{ArrayD, IxDyn};

use crate::conv::{Dims, Problem};
use crate::document::limits;
use crate::grid::{self, Grid, Tensor};
use crate::input_text::parse_block;
use crate::presets;

/// A size a stepper changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Input channels `C`.
    Channels,
    /// Output channels `F`.
    Filters,
    /// Input height.
    Height,
    /// Input width.
    Width,
    /// Kernel height.
    KernelHeight,
    /// Kernel width.
    KernelWidth,
}

/// What "fill" writes into a tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    Zeros,
    Ones,
    /// Integers in -3..=3 from this seed (the UI draws the seed, so the reducer stays pure).
    Random(u64),
    /// A classic 3x3 kernel (preset id), written into every kernel slice.
    Kernel(&'static str),
}

/// Small deterministic generator for "random integers" fills.
fn random_ints(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            // xorshift64*
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            let r = s.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33;
            (r % 7) as f64 - 3.0
        })
        .collect()
}

/// Writes `array` (2D form) back into the problem's tensor; an array of the
/// wrong rank changes nothing.
pub fn store(problem: &mut Problem, tensor: Tensor, array: ArrayD<f64>) {
    match tensor {
        Tensor::Input => {
            if let Ok(a) = array.into_dimensionality() {
                problem.input = a;
            }
        }
        Tensor::Weight => {
            if let Ok(a) = array.into_dimensionality() {
                problem.weight = a;
            }
        }
        Tensor::Bias => problem.bias = array.into_dimensionality::<ndarray::Ix1>().ok(),
        Tensor::GradOutput => problem.grad_output = array.into_dimensionality().ok(),
    }
}

/// Keeps the weight's per-group channel axis consistent with the input:
/// conv weight `(F, C/groups, ..)`, transposed weight `(C, F/groups, ..)`.
pub fn follow_channels(problem: &mut Problem) {
    let channels = problem.input.dim().0;
    let groups = problem.hyper.groups.max(1);
    let w = problem.weight.clone().into_dyn();
    let w = if problem.op.is_transposed() {
        grid::resized(&w, 0, channels, 0.0)
    } else if channels.is_multiple_of(groups) {
        grid::resized(&w, 1, channels / groups, 0.0)
    } else {
        w
    };
    store(problem, Tensor::Weight, w);
}

/// Sets a size (clamped to the caps), keeping every value that still fits.
pub fn resize(problem: &mut Problem, size: Size, len: usize) {
    let max = match size {
        Size::Channels | Size::Filters => limits::CHANNELS,
        Size::Height | Size::Width => limits::SPATIAL,
        Size::KernelHeight | Size::KernelWidth => limits::KERNEL,
    };
    let len = len.clamp(1, max);
    let one_d = problem.dims() == Dims::One;
    let (tensor, axis, len) = match size {
        Size::Channels => (Tensor::Input, 0, len),
        // Conv: weight axis 0 is F. Transposed: axis 1 is F/groups.
        Size::Filters if problem.op.is_transposed() => (Tensor::Weight, 1, len.div_ceil(problem.hyper.groups.max(1))),
        Size::Filters => (Tensor::Weight, 0, len),
        Size::Height if !one_d => (Tensor::Input, 1, len),
        Size::Width => (Tensor::Input, 2, len),
        Size::KernelHeight if !one_d => (Tensor::Weight, 2, len),
        Size::KernelWidth => (Tensor::Weight, 3, len),
        Size::Height | Size::KernelHeight => return,
    };
    if let Some(values) = grid::values(problem, tensor) {
        store(problem, tensor, grid::resized(&values, axis, len, 0.0));
    }
    if size == Size::Channels {
        follow_channels(problem);
    }
}

/// Fills a tensor; `Err` says why nothing changed.
pub fn fill(problem: &mut Problem, tensor: Tensor, fill: Fill) -> Result<(), String> {
    if let Fill::Kernel(id) = fill {
        let k = presets::classic_kernel(id).ok_or_else(|| format!("no kernel named {id}"))?;
        if problem.dims() == Dims::One {
            return Err("classic kernels are 3x3: switch to 2D first".into());
        }
        let (a, b, _, _) = problem.weight.dim();
        problem.weight = ndarray::Array4::from_shape_fn((a, b, 3, 3), |(_, _, i, j)| k[i][j]);
        return Ok(());
    }
    let values = grid::values(problem, tensor).ok_or_else(|| format!("there is no {} to fill", tensor.name()))?;
    let n = values.len();
    let new_values: Vec<f64> = match fill {
        Fill::Zeros => vec![0.0; n],
        Fill::Ones => vec![1.0; n],
        Fill::Random(seed) => random_ints(seed, n),
        Fill::Kernel(_) => return Ok(()),
    };
    let array = ArrayD::from_shape_vec(values.raw_dim(), new_values).map_err(|e| e.to_string())?;
    store(problem, tensor, array);
    Ok(())
}

/// Pastes a block at cell `at` of `grid`, growing the tensor where its
/// steppers could; `Err` says why nothing changed.
pub fn paste(problem: &mut Problem, grid: &Grid, at: (usize, usize), text: &str) -> Result<(), String> {
    let block = parse_block(text).map_err(|e| format!("Could not paste into {}: {e}", grid.tensor.name()))?;
    if grid.row_axis.is_none() && (block.rows() > 1 || block.channels() > 1) {
        return Err(format!("{} is a single row: paste one row of numbers", grid.tensor.name()));
    }
    let mut values = grid::values(problem, grid.tensor).ok_or_else(|| format!("there is no {}", grid.tensor.name()))?;
    // A 3-level block pasted into a 2D input replaces its channels.
    let (channels, rows, cols) = (block.channels(), block.rows(), block.cols());
    let channel_axis = (grid.tensor == Tensor::Input && problem.dims() == Dims::Two && channels > 1).then_some(0);
    let need_rows = at.0 + rows;
    let need_cols = at.1 + cols;
    let limit = |axis: usize| match (grid.tensor, axis) {
        (Tensor::Weight, 2 | 3) => limits::KERNEL,
        (_, 0) | (Tensor::Weight, 1) => limits::CHANNELS,
        _ => limits::SPATIAL,
    };
    if let Some(axis) = grid.row_axis
        && need_rows > values.shape()[axis]
    {
        if need_rows > limit(axis) || grid.tensor == Tensor::GradOutput {
            return Err(format!("the pasted block has {rows} rows, more than fit here"));
        }
        values = grid::resized(&values, axis, need_rows, 0.0);
    }
    if need_cols > values.shape()[grid.col_axis] {
        if need_cols > limit(grid.col_axis) || grid.tensor == Tensor::GradOutput || grid.tensor == Tensor::Bias {
            return Err(format!("the pasted block has {cols} columns, more than fit here"));
        }
        values = grid::resized(&values, grid.col_axis, need_cols, 0.0);
    }
    if let Some(axis) = channel_axis {
        if channels > limits::CHANNELS {
            return Err(format!("the pasted block has {channels} channels, more than {}", limits::CHANNELS));
        }
        values = grid::resized(&values, axis, channels, 0.0);
    }
    for (k, matrix) in block.values.iter().enumerate() {
        let mut base = grid.clone();
        if channel_axis.is_some() {
            base.base[0] = k;
        } else if k > 0 {
            break;
        }
        for (r, row) in matrix.iter().enumerate() {
            for (col, v) in row.iter().enumerate() {
                let idx = base.index(at.0 + r, at.1 + col);
                if let Some(cell) = values.get_mut(IxDyn(&idx)) {
                    *cell = *v;
                }
            }
        }
    }
    store(problem, grid.tensor, values);
    if grid.tensor == Tensor::Input {
        follow_channels(problem);
    }
    Ok(())
}
