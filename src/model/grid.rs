//! How tensors are laid out as editable 2D grids, and how grid cells map to
//! tensor indices. Pure: the editors and the reducer share it.
//!
//! Stored layouts (2D form; 1D problems have height 1): input `(C, H, W)`,
//! weight `(A, B, KH, KW)` (conv `(F, C/g, ..)`, transposed `(C, F/g, ..)`),
//! bias `(F,)`, grad_output `(F, OH, OW)`. In 1D each grid shows channels as
//! rows (DESIGN: a 1D signal is one row), so a 1D input is one `C x W` grid.

use ndarray::{ArrayD, IxDyn};

use crate::conv::{Dims, Problem};

/// An editable tensor of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tensor {
    Input,
    Weight,
    Bias,
    GradOutput,
}

impl Tensor {
    /// `data-matrix` name and document key.
    pub fn name(self) -> &'static str {
        match self {
            Tensor::Input => "input",
            Tensor::Weight => "weight",
            Tensor::Bias => "bias",
            Tensor::GradOutput => "grad_output",
        }
    }

    /// The stored axis that 1D problems keep at size 1 (dropped from `data-index`).
    pub fn height_axis(self) -> Option<usize> {
        match self {
            Tensor::Input | Tensor::GradOutput => Some(1),
            Tensor::Weight => Some(2),
            Tensor::Bias => None,
        }
    }
}

/// The DOM contract's `data-index` text of an index: its numbers, comma-separated
/// (`0,1,2`). Every `data-index` is written by this one function.
pub fn index_text(index: impl IntoIterator<Item = usize>) -> String {
    index.into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
}

/// `data-index` of a view's cell: the leading indices (channel, filter, ...),
/// then row and column, with the row dropped in 1D (`c,j`).
pub fn data_index(dims: Dims, lead: &[usize], [i, j]: [usize; 2]) -> String {
    let spatial: &[usize] = if dims == Dims::Two { &[i, j] } else { &[j] };
    index_text(lead.iter().chain(spatial).copied())
}

/// `data-index` of a stored index: the tensor's own axis order, with the
/// height axis dropped in 1D (`c,j` for a 1D input cell).
pub fn display_index(tensor: Tensor, dims: Dims, index: &[usize]) -> String {
    let skip = if dims == Dims::One { tensor.height_axis() } else { None };
    index_text(index.iter().enumerate().filter(|(axis, _)| Some(*axis) != skip).map(|(_, v)| *v))
}

/// A cell's accessible name, as a screen reader says it: "input channel 0,
/// row 1, column 2" for `matrix` "input", `axes` `["channel", "row",
/// "column"]` and `index` "0,1,2". An index of another length than `axes`
/// is read as a position.
pub fn cell_name(matrix: &str, axes: &[&str], index: &str) -> String {
    let parts: Vec<&str> = index.split(',').collect();
    let named = if axes.len() == parts.len() {
        axes.iter().zip(&parts).map(|(axis, i)| format!("{axis} {i}")).collect::<Vec<_>>().join(", ")
    } else {
        format!("position {}", parts.join(", "))
    };
    format!("{} {named}", matrix.replace('_', " "))
}

/// The axis names of the views' matrices, by `data-matrix` name and index
/// length (DESIGN's DOM contract gives each name its axis order).
pub fn view_axes(matrix: &str, rank: usize) -> &'static [&'static str] {
    const KERNELS: [&str; 6] =
        ["weight", "kernel", "grad_weight", "backprop_weight", "flipped_kernel", "scaled_kernel"];
    const MATRICES: [&str; 4] = ["im2col", "im2col_row", "conv_matrix", "canvas_flat"];
    match rank {
        1 if matrix.ends_with("bias") => &["filter"],
        1 => &["entry"],
        2 if MATRICES.contains(&matrix) => &["row", "column"],
        2 => &["channel", "column"],
        3 if KERNELS.contains(&matrix) => &["filter", "channel", "column"],
        3 => &["channel", "row", "column"],
        4 => &["filter", "channel", "row", "column"],
        _ => &[],
    }
}

/// A shown cell's accessible name with its value: "output channel 0, row 0, column 1: -5".
pub fn cell_label(matrix: &str, index: &str, value: &str) -> String {
    let rank = index.split(',').count();
    format!("{}: {value}", cell_name(matrix, view_axes(matrix, rank), index))
}

/// One 2D slice of a tensor as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub tensor: Tensor,
    /// A stored index whose `row_axis` and `col_axis` entries vary.
    pub base: Vec<usize>,
    /// Stored axis along the grid's rows (`None`: a single row, e.g. bias).
    pub row_axis: Option<usize>,
    pub col_axis: usize,
    pub rows: usize,
    pub cols: usize,
    /// Caption, e.g. "channel 0" or "filter 1, channel 0".
    pub title: String,
    /// The names of the displayed index's axes (`display_index` order), read
    /// aloud in each cell's accessible name: `["channel", "row", "column"]`.
    pub axes: &'static [&'static str],
}

impl Grid {
    /// Stored index of grid cell `(r, c)`.
    pub fn index(&self, r: usize, c: usize) -> Vec<usize> {
        let mut idx = self.base.clone();
        if let Some(axis) = self.row_axis {
            idx[axis] = r;
        }
        idx[self.col_axis] = c;
        idx
    }
}

/// The tensor's current values (2D form) as a dynamic array, if present.
pub fn values(problem: &Problem, tensor: Tensor) -> Option<ArrayD<f64>> {
    match tensor {
        Tensor::Input => Some(problem.input.clone().into_dyn()),
        Tensor::Weight => Some(problem.weight.clone().into_dyn()),
        Tensor::Bias => problem.bias.clone().map(|b| b.into_dyn()),
        Tensor::GradOutput => problem.grad_output_or_ones().ok().map(|g| g.into_dyn()),
    }
}

/// The editor grids of a tensor, in display order.
pub fn grids(problem: &Problem, tensor: Tensor) -> Vec<Grid> {
    let Some(v) = values(problem, tensor) else {
        return Vec::new();
    };
    let shape = v.shape().to_vec();
    let one_d = problem.dims() == Dims::One;
    let transposed = problem.op.is_transposed();
    let mut out = Vec::new();
    let axes: &'static [&'static str] = match (tensor, one_d, transposed) {
        (Tensor::Bias, ..) => &["filter"],
        (Tensor::Input | Tensor::GradOutput, true, _) => &["channel", "column"],
        (Tensor::Input | Tensor::GradOutput, false, _) => &["channel", "row", "column"],
        (Tensor::Weight, true, false) => &["filter", "channel", "column"],
        (Tensor::Weight, false, false) => &["filter", "channel", "row", "column"],
        // A transposed convolution's weight is (C_in, F/groups, KH, KW).
        (Tensor::Weight, true, true) => &["input channel", "output channel", "column"],
        (Tensor::Weight, false, true) => &["input channel", "output channel", "row", "column"],
    };
    let mut push = |base: Vec<usize>, row_axis: Option<usize>, col_axis: usize, title: String| {
        let rows = row_axis.map_or(1, |a| shape[a]);
        out.push(Grid { tensor, base, row_axis, col_axis, rows, cols: shape[col_axis], title, axes });
    };
    match (tensor, one_d) {
        (Tensor::Bias, _) => push(vec![0], None, 0, "bias".into()),
        (Tensor::Input, true) => push(vec![0, 0, 0], Some(0), 2, "channels x width".into()),
        (Tensor::Input, false) => {
            for c in 0..shape[0] {
                push(vec![c, 0, 0], Some(1), 2, format!("channel {c}"));
            }
        }
        (Tensor::GradOutput, true) => push(vec![0, 0, 0], Some(0), 2, "channels x width".into()),
        (Tensor::GradOutput, false) => {
            for f in 0..shape[0] {
                push(vec![f, 0, 0], Some(1), 2, format!("channel {f}"));
            }
        }
        (Tensor::Weight, true) => {
            for a in 0..shape[0] {
                let title = if transposed { format!("input channel {a}") } else { format!("filter {a}") };
                push(vec![a, 0, 0, 0], Some(1), 3, title);
            }
        }
        (Tensor::Weight, false) => {
            for a in 0..shape[0] {
                for b in 0..shape[1] {
                    let title = if transposed {
                        format!("in {a} \u{2192} out {b}")
                    } else {
                        format!("filter {a}, channel {b}")
                    };
                    push(vec![a, b, 0, 0], Some(2), 3, title);
                }
            }
        }
    }
    out
}

/// A copy of `array` resized along `axis` to `len`, keeping the overlap and
/// filling new cells with `fill`.
pub fn resized(array: &ArrayD<f64>, axis: usize, len: usize, fill: f64) -> ArrayD<f64> {
    let mut shape = array.shape().to_vec();
    shape[axis] = len;
    ArrayD::from_shape_fn(IxDyn(&shape), |idx| array.get(idx).copied().unwrap_or(fill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_d_indices_drop_the_height_axis() {
        assert_eq!(display_index(Tensor::Input, Dims::One, &[1, 0, 4]), "1,4");
        assert_eq!(display_index(Tensor::Weight, Dims::One, &[0, 1, 0, 2]), "0,1,2");
        assert_eq!(display_index(Tensor::Input, Dims::Two, &[0, 2, 3]), "0,2,3");
        assert_eq!(display_index(Tensor::Bias, Dims::One, &[3]), "3");
    }

    #[test]
    fn cells_are_named_by_their_axes() {
        // The issue's example, and each kind of tensor the views show.
        assert_eq!(cell_label("input", "0,1,2", "3"), "input channel 0, row 1, column 2: 3");
        assert_eq!(cell_label("weight", "1,0,2,2", "-1"), "weight filter 1, channel 0, row 2, column 2: -1");
        assert_eq!(cell_label("grad_bias", "1", "9"), "grad bias filter 1: 9");
        assert_eq!(cell_label("im2col", "4,7", "0"), "im2col row 4, column 7: 0");
        assert_eq!(cell_label("input", "1,4", "2"), "input channel 1, column 4: 2", "1D drops the row");
        assert_eq!(cell_label("kernel", "0,0,2", "1"), "kernel filter 0, channel 0, column 2: 1");
        assert_eq!(cell_name("x", &["channel"], "1,2"), "x position 1, 2");
        // Editors name a transposed convolution's weight axes as they are.
        let mut problem = Problem::default();
        let g = &grids(&problem, Tensor::Weight)[0];
        assert_eq!(cell_name("weight", g.axes, "0,0,1,2"), "weight filter 0, channel 0, row 1, column 2");
        problem.op = crate::conv::Op::ConvTranspose2d;
        let g = &grids(&problem, Tensor::Weight)[0];
        assert_eq!(g.axes, ["input channel", "output channel", "row", "column"]);
    }

    #[test]
    fn grids_cover_every_cell_once() {
        let problem = Problem::default();
        let g = grids(&problem, Tensor::Weight);
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].rows, g[0].cols), (3, 3));
        assert_eq!(g[0].index(2, 1), vec![0, 0, 2, 1]);
        let text = r#"{"op":"conv1d","input":[[1,2,3],[4,5,6]],"weight":[[[1,0],[0,1]]]}"#;
        let c = crate::model::document::Document::parse(text).expect("valid");
        let g = grids(&c.problem, Tensor::Input);
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].rows, g[0].cols), (2, 3));
        assert_eq!(g[0].index(1, 2), vec![1, 0, 2]);
    }

    #[test]
    fn resizing_keeps_the_overlap() {
        let a = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![1., 2., 3., 4.]).expect("shape");
        let b = resized(&a, 1, 3, 0.0);
        assert_eq!(b.as_slice(), Some(&[1., 2., 0., 3., 4., 0.][..]));
        let c = resized(&a, 0, 1, 0.0);
        assert_eq!(c.as_slice(), Some(&[1., 2.][..]));
    }
}
