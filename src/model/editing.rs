//! Editing the problem's tensors as the editors do: resize along an axis,
//! fill, paste a block. Pure functions on a [`Problem`], beside [`crate::model::grid`]
//! (which says how tensors are laid out as grids); the reducer calls them.

use ndarray::{ArrayD, IxDyn};

use crate::conv::{Dims, Problem};
use crate::model::document::limits;
use crate::model::grid::{self, Grid, Tensor};
use crate::model::input_text::parse_block;
use crate::model::presets;

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

/// What a stepper calls an axis that a paste may grow, and its cap; `None`
/// for an axis that follows the others (bias and dY follow the output).
fn growable(problem: &Problem, tensor: Tensor, axis: usize) -> Option<(&'static str, usize)> {
    let transposed = problem.op.is_transposed();
    let groups = problem.hyper.groups.max(1);
    match (tensor, axis) {
        (Tensor::Input, 0) => Some(("channels", limits::CHANNELS)),
        (Tensor::Input, 1) => Some(("rows", limits::SPATIAL)),
        (Tensor::Input, 2) => Some(("columns", limits::SPATIAL)),
        (Tensor::Weight, 0) if transposed => Some(("channels", limits::CHANNELS)),
        (Tensor::Weight, 0) => Some(("filters", limits::CHANNELS)),
        (Tensor::Weight, 1) if transposed => Some(("output channels per group", limits::CHANNELS / groups)),
        (Tensor::Weight, 1) => Some(("channels per group", limits::CHANNELS / groups)),
        (Tensor::Weight, 2) => Some(("kernel rows", limits::KERNEL)),
        (Tensor::Weight, 3) => Some(("kernel columns", limits::KERNEL)),
        _ => None,
    }
}

/// Pastes a block of any rank at cell `at` of `grid`: its axes fill the
/// tensor's last axes from that cell (a `(2, 3, 3)` block pasted at weight
/// `[0, 0, 0, 0]` fills `weight[0, 0:2, 0:3, 0:3]`), growing an axis where a
/// stepper could. Returns the one line that says what it filled, or why
/// nothing changed.
pub fn paste(problem: &mut Problem, grid: &Grid, at: (usize, usize), text: &str) -> Result<String, String> {
    let tensor = grid.tensor;
    let name = tensor.name();
    let block = parse_block(text).map_err(|e| format!("Could not paste into {name}: {e}"))?.values;
    let mut values = grid::values(problem, tensor).ok_or_else(|| format!("there is no {name}"))?;
    let start = grid.index(at.0, at.1);
    // The axes a learner sees: 1D tensors hide their height axis of size 1.
    let skip = if problem.dims() == Dims::One { tensor.height_axis() } else { None };
    let visible: Vec<usize> = (0..values.ndim()).filter(|&a| Some(a) != skip).collect();
    let rank = block.ndim();
    let Some(first) = visible.len().checked_sub(rank) else {
        return Err(format!(
            "Could not paste into {name}: the block has {rank} levels of brackets but {name} has {} axes",
            visible.len()
        ));
    };
    let axes = &visible[first..];
    let mut grown: Vec<String> = Vec::new();
    for (k, &axis) in axes.iter().enumerate() {
        let need = start[axis] + block.shape()[k];
        if need <= values.shape()[axis] {
            continue;
        }
        match growable(problem, tensor, axis) {
            Some((what, cap)) if need <= cap => {
                values = grid::resized(&values, axis, need, 0.0);
                grown.push(format!("{what} grew to {need}"));
            }
            Some((what, cap)) => {
                return Err(format!(
                    "Could not paste: the block needs {need} {what} from here, more than the {cap} this app shows"
                ));
            }
            None => {
                return Err(format!(
                    "Could not paste: the block needs {need} along an axis of {name} that follows the output ({} here)",
                    values.shape()[axis]
                ));
            }
        }
    }
    for (offset, &v) in block.indexed_iter() {
        let mut index = start.clone();
        for (k, &axis) in axes.iter().enumerate() {
            index[axis] += offset[k];
        }
        if let Some(cell) = values.get_mut(IxDyn(&index)) {
            *cell = v;
        }
    }
    store(problem, tensor, values);
    // The other tensor follows a grown channel axis, as with the steppers.
    let (a, b, ..) = problem.weight.dim();
    let weight_channels =
        (tensor == Tensor::Weight).then(|| problem.op.weight_channels([a, b], problem.hyper.groups)[0]);
    if let Some(channels) = weight_channels.filter(|&c| c != problem.input.dim().0) {
        let input = grid::resized(&problem.input.clone().into_dyn(), 0, channels, 0.0);
        store(problem, Tensor::Input, input);
    }
    follow_channels(problem);
    let filled: Vec<String> = visible
        .iter()
        .map(|&axis| match axes.iter().position(|&a| a == axis) {
            Some(k) => format!("{}:{}", start[axis], start[axis] + block.shape()[k]),
            None => start[axis].to_string(),
        })
        .collect();
    let shape: Vec<String> = block.shape().iter().map(usize::to_string).collect();
    let mut line = format!("Pasted a {} block into {name}[{}]", shape.join("x"), filled.join(", "));
    if !grown.is_empty() {
        line.push_str(&format!("; {}", grown.join(", ")));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Forward;
    use crate::model::document::Document;
    use ndarray::array;

    fn two_channel_input() -> Problem {
        // seeds/000 In [18]: the two-channel 5x5 input, with a one-channel 3x3 kernel.
        let text = r#"{"input": [[[1,-3,-1,-2,-2],[-2,1,0,-1,0],[-2,1,0,-3,-2],[-2,2,-2,-3,2],[2,-2,0,-3,1]],
            [[-3,0,2,-2,-2],[-2,0,-3,-1,0],[-1,-3,-2,1,-3],[1,1,-2,2,-1],[0,2,-2,1,-2]]],
            "weight": [[[[0,0,0],[0,0,0],[0,0,0]], [[0,0,0],[0,0,0],[0,0,0]]]]}"#;
        Document::parse(text).map(|d| d.problem).unwrap_or_default()
    }

    #[test]
    fn a_numpy_weight_fills_both_channels() -> Result<(), String> {
        // The issue's paste: seeds/000 In [19]'s weight printout into weight cell [0,0,0,0].
        let mut p = two_channel_input();
        let grid = grid::grids(&p, Tensor::Weight).remove(0);
        let line =
            paste(&mut p, &grid, (0, 0), "[[[-3 -1 -1] [ 1  1  0] [-2  0  1]] [[ 1 -3  0] [ 2  1 -1] [ 2  0  0]]]")?;
        assert_eq!(line, "Pasted a 2x3x3 block into weight[0, 0:2, 0:3, 0:3]");
        // seeds/000 In [22].
        let y = Forward::new(&p).map_err(|e| e.to_string())?.output;
        assert_eq!(y, array![[[-2., -6., 1.], [3., -6., 0.], [14., 6., -9.]]]);
        Ok(())
    }

    #[test]
    fn pastes_grow_what_the_steppers_could_and_say_so() -> Result<(), String> {
        // Into a one-channel problem the same paste grows the weight's channels, and the input follows.
        let mut p = Problem::default();
        let grid = grid::grids(&p, Tensor::Weight).remove(0);
        let line = paste(&mut p, &grid, (0, 0), "[[[1, 1], [1, 1]], [[2, 2], [2, 2]]]")?;
        assert_eq!(line, "Pasted a 2x2x2 block into weight[0, 0:2, 0:2, 0:2]; channels per group grew to 2");
        assert_eq!((p.weight.dim(), p.input.dim()), ((1, 2, 3, 3), (2, 5, 5)));
        assert_eq!(p.weight[[0, 1, 1, 1]], 2.0);
        assert_eq!(p.weight[[0, 0, 2, 2]], -1.0, "cells outside the block keep their values");
        // A 4-level block fills filters too.
        let line = paste(&mut p, &grid, (0, 0), "[[[[1]]], [[[2]]]]")?;
        assert_eq!(line, "Pasted a 2x1x1x1 block into weight[0:2, 0:1, 0:1, 0:1]; filters grew to 2");
        // Too many levels, or a cap: nothing changes.
        let before = p.clone();
        assert!(paste(&mut p, &grid, (0, 0), "[[[[[1]]]]]").is_err());
        let err = paste(&mut p, &grid, (2, 2), &format!("[{}]", vec!["1"; 15].join(",")));
        assert_eq!(
            err,
            Err("Could not paste: the block needs 17 kernel columns from here, more than the 16 this app shows".into())
        );
        assert_eq!(p, before);
        Ok(())
    }
}
