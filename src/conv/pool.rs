//! Max and average pooling (`F.max_pool1d/2d`, `F.avg_pool1d/2d`), one
//! example without a batch axis: input `(C, H, W)`, output `(C, OH, OW)`,
//! each channel pooled on its own. 1D pooling is 2D pooling of height 1 with
//! a kernel of height 1.
//!
//! Positions along an axis are counted in the padded input, `0 .. n + 2p`:
//! window `o` starts at `o*s` and its taps sit at `o*s + t*d`, `t < k`; the
//! position `q` is input cell `q - p` when `p <= q < p + n`, else padding.
//! Max pooling's padding is `-inf` (it never wins); average pooling's is 0,
//! and `count_include_pad` decides whether it is counted in the divisor.
//!
//! The output size is PyTorch's (`pooling_output_shape` in
//! `aten/src/ATen/native/Pool.h`):
//! `floor((n + 2p - d(k-1) - 1 + (ceil_mode ? s-1 : 0)) / s) + 1`, minus one
//! in ceil mode when the last window would start at or past `n + p` (in the
//! right padding). So a ceil-mode window may run past the padded border; its
//! cells there are neither input nor padding and are skipped, and average
//! pooling's divisor counts the window clipped to the padded border.

use ndarray::Array3;

use super::error::{ConvError, Dims, Extent, Field, PerAxis};
use super::index;
use super::params::dilated_span;

/// Which reduction a pooling window applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PoolKind {
    /// The largest value of the window (`F.max_pool1d/2d`).
    #[default]
    Max,
    /// The mean of the window (`F.avg_pool1d/2d`).
    Avg,
}

/// A pooling layer's arguments, PyTorch's keyword arguments with the stride
/// explicit (the document defaults it to `kernel_size`).
///
/// Per-axis arrays are `[height, width]`; 1D pooling keeps the height axis
/// inert (kernel 1, padding 0; stride and dilation there have no effect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pool {
    /// Max or average.
    pub kind: PoolKind,
    /// 1D or 2D: decides the PyTorch name and how sizes are written.
    pub dims: Dims,
    /// `kernel_size`, `[KH, KW]`, each >= 1.
    pub kernel: [usize; 2],
    /// `stride`, `[sh, sw]`, each >= 1.
    pub stride: [usize; 2],
    /// `padding`, `[ph, pw]`, on both sides; at most half the kernel size (whatever the dilation).
    pub padding: [usize; 2],
    /// `dilation`, `[dh, dw]`: max pooling only (average pooling must keep `[1, 1]`).
    pub dilation: [usize; 2],
    /// `ceil_mode`: round the output size up (the last window may run past the padded border).
    pub ceil_mode: bool,
    /// `count_include_pad`: average pooling only: padding cells count in the divisor.
    /// PyTorch's default is `true`. Max pooling ignores it.
    pub count_include_pad: bool,
}

impl Default for Pool {
    /// `F.max_pool2d(x, 2)`.
    fn default() -> Self {
        Pool {
            kind: PoolKind::Max,
            dims: Dims::Two,
            kernel: [2, 2],
            stride: [2, 2],
            padding: [0, 0],
            dilation: [1, 1],
            ceil_mode: false,
            count_include_pad: true,
        }
    }
}

/// Every size of a pooling layer on a given input, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolGeometry {
    /// The arguments these sizes were computed from.
    pub pool: Pool,
    /// `C`: channels, the same in the input and the output.
    pub channels: usize,
    /// `[H, W]` of the input.
    pub input: [usize; 2],
    /// `[OH, OW]` of the output.
    pub output: [usize; 2],
    /// `[d(KH-1)+1, d(KW-1)+1]`: padded cells one window covers.
    pub span: [usize; 2],
}

/// `(C, OH, OW)`: for each output cell of a max pool, the input cell `[i, j]`
/// (in the same channel) whose value it took; `None` for a window of padding only.
pub type Winners = Array3<Option<[usize; 2]>>;

/// The pooled output and, for max pooling, which input cell won each window.
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    /// `(C, OH, OW)`.
    pub output: Array3<f64>,
    /// Max pooling only, `(C, OH, OW)`: the input cell `[i, j]` (in channel
    /// `c` of the input) whose value each output cell took, the first maximum
    /// in window order (row by row), as PyTorch's `return_indices` (a NaN
    /// wins over numbers, the last NaN over earlier ones). `None` for a
    /// window of padding only (its value is `-inf`). `None` for average pooling.
    pub winners: Option<Winners>,
}

/// A max pool's window: its value and winner, from its input cells in
/// window order (row by row). PyTorch starts from -inf at the window's first
/// input cell and takes a cell when it is larger or NaN, so the first
/// maximum wins (a NaN over numbers, the last NaN over earlier ones);
/// `(-inf, None)` for a window of padding only.
fn max_of(cells: impl Iterator<Item = ([usize; 2], f64)>) -> (f64, Option<[usize; 2]>) {
    let mut best = f64::NEG_INFINITY;
    let mut winner = None;
    for (cell, v) in cells {
        if winner.is_none() || v > best || v.is_nan() {
            winner = Some(cell);
        }
        if v > best || v.is_nan() {
            best = v;
        }
    }
    (best, winner)
}

/// An average pool's window: the sum of its input cells over `divisor`;
/// PyTorch writes 0 for a window without input cells.
fn mean_of(cells: impl Iterator<Item = f64>, divisor: usize) -> f64 {
    let (mut sum, mut any) = (0.0, false);
    for v in cells {
        sum += v;
        any = true;
    }
    if divisor == 0 || !any { 0.0 } else { sum / divisor as f64 }
}

/// What the pooling panel's player walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PoolWalk {
    /// The output cells `(C, OH, OW)`, row-major: one window per step.
    #[default]
    Forward,
    /// The input cells `(C, H, W)`, row-major: each one's gradient for `dY = 1`.
    Gradient,
}

/// One window of a pooling layer, for the step's equation.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolStep {
    /// `[c, oi, oj]`: the output cell.
    pub out_index: [usize; 3],
    /// `[row, column]` in the padded input where the window starts (its taps
    /// sit at `start + t*d`; a ceil-mode window may run past the padded border).
    pub start: [usize; 2],
    /// The window's input cells `[i, j]` (channel `c`) and their values,
    /// row by row, padding excluded.
    pub cells: Vec<([usize; 2], f64)>,
    /// Max pooling: the cell whose value the output took; `None` for a
    /// window of padding only, and for average pooling.
    pub winner: Option<[usize; 2]>,
    /// Average pooling: what the sum is divided by ([`PoolGeometry::divisor`]).
    pub divisor: Option<usize>,
    /// The output cell's value.
    pub value: f64,
}

/// One output cell an input cell's gradient comes from (`dY = 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolGradTerm {
    /// `[oi, oj]` of the output cell (same channel) whose window covers the input cell.
    pub out: [usize; 2],
    /// Max pooling: whether the input cell won that window (only a winner gets
    /// the gradient). Average pooling: always `true`.
    pub routed: bool,
    /// `dY / divisor` for average pooling (the window's share), `dY` (1 or 0) for max pooling.
    pub share: f64,
    /// Average pooling: the window's divisor.
    pub divisor: Option<usize>,
}

/// `floor(a / b)` for `b > 0` (PyTorch's `div_rtn`).
fn div_floor(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && (a < 0) { q - 1 } else { q }
}

/// PyTorch's `pooling_output_shape_pad_lr` for one axis, or `None` when it is below 1.
fn output_size(n: usize, span: usize, stride: usize, padding: usize, ceil_mode: bool) -> Option<usize> {
    // i128 holds every usize sum and product of two here exactly.
    let (n, span, s, p) = (n as i128, span as i128, stride as i128, padding as i128);
    let mut out = div_floor(n + 2 * p - span + if ceil_mode { s - 1 } else { 0 }, s) + 1;
    // The last window must start inside the input or the left padding.
    if ceil_mode && (out - 1) * s >= n + p {
        out -= 1;
    }
    if out < 1 { None } else { usize::try_from(out).ok() }
}

impl Pool {
    /// PyTorch's functional name: `"max_pool2d"`, `"avg_pool1d"`, ...
    pub fn name(&self) -> &'static str {
        match (self.kind, self.dims) {
            (PoolKind::Max, Dims::One) => "max_pool1d",
            (PoolKind::Max, Dims::Two) => "max_pool2d",
            (PoolKind::Avg, Dims::One) => "avg_pool1d",
            (PoolKind::Avg, Dims::Two) => "avg_pool2d",
        }
    }

    /// Validates the arguments against an input `(C, H, W)` and computes every
    /// size, with PyTorch's rules: positive kernel, stride and dilation;
    /// padding at most half the kernel size (even with dilation); at least
    /// one output cell per axis.
    pub fn geometry(&self, input: [usize; 3]) -> Result<PoolGeometry, ConvError> {
        let op = self.name();
        let dims = self.dims;
        for (values, name, field) in [
            (self.kernel, "kernel_size", Field::Weight),
            (self.stride, "stride", Field::Stride),
            (self.dilation, "dilation", Field::Dilation),
        ] {
            if let Some(axis) = values.iter().position(|&v| v == 0) {
                return Err(ConvError::ZeroParameter { name, field, axis: super::error::axis_name(axis) });
            }
        }
        if self.kind == PoolKind::Avg && self.dilation != [1, 1] {
            return Err(ConvError::NoSuchOption { op, name: "dilation", field: Field::Dilation });
        }
        if input.contains(&0) {
            return Err(ConvError::EmptyTensor { name: "input", field: Field::Input, shape: input.to_vec() });
        }
        let [channels, h, w] = input;
        if dims == Dims::One {
            if h != 1 {
                return Err(ConvError::NotOneD { name: "input", field: Field::Input, height: h });
            }
            if self.kernel[0] != 1 {
                return Err(ConvError::NotOneD { name: "kernel_size", field: Field::Weight, height: self.kernel[0] });
            }
            if self.padding[0] != 0 {
                return Err(ConvError::NotOneD { name: "padding", field: Field::Padding, height: self.padding[0] });
            }
        }
        let span = [dilated_span(self.kernel[0], self.dilation[0])?, dilated_span(self.kernel[1], self.dilation[1])?];
        // torch 2.15 checks the kernel size, not the dilated span, for every
        // pool ("pad should be smaller than or equal to half of kernel size"),
        // although pooling_output_shape alone would halve the span.
        let limit = self.kernel.map(|k| k / 2);
        if (0..2).any(|axis| self.padding[axis] > limit[axis]) {
            return Err(ConvError::PoolPadding {
                op,
                padding: PerAxis { dims, hw: self.padding },
                kernel: Extent { dims, hw: self.kernel },
                limit: PerAxis { dims, hw: limit },
            });
        }
        let mut output = [0; 2];
        for axis in 0..2 {
            let n = [h, w][axis];
            let Some(out) = output_size(n, span[axis], self.stride[axis], self.padding[axis], self.ceil_mode) else {
                // Saturating: a huge kernel allows a huge padding.
                let padded = [0, 1].map(|axis| [h, w][axis].saturating_add(self.padding[axis].saturating_mul(2)));
                return Err(ConvError::PoolTooLarge {
                    op,
                    kernel: Extent { dims, hw: self.kernel },
                    dilation: PerAxis { dims, hw: self.dilation },
                    span: Extent { dims, hw: span },
                    padded: Extent { dims, hw: padded },
                });
            };
            // Every tap position is below (out-1)*s + span; it must fit a usize.
            (out - 1)
                .checked_mul(self.stride[axis])
                .and_then(|v| v.checked_add(span[axis]))
                .ok_or(ConvError::Overflow { what: "pooling window position" })?;
            output[axis] = out;
        }
        Ok(PoolGeometry { pool: *self, channels, input: [h, w], output, span })
    }

    /// Validates and pools `input` `(C, H, W)`: the output `(C, OH, OW)`
    /// and, for max pooling, each window's winner.
    pub fn apply(&self, input: &Array3<f64>) -> Result<Pooled, ConvError> {
        let (c, h, w) = input.dim();
        let g = self.geometry([c, h, w])?;
        Ok(g.pool_values(input))
    }
}

impl PoolGeometry {
    /// `(C, H, W)`.
    pub fn input_shape(&self) -> [usize; 3] {
        [self.channels, self.input[0], self.input[1]]
    }

    /// `(C, OH, OW)`.
    pub fn output_shape(&self) -> [usize; 3] {
        [self.channels, self.output[0], self.output[1]]
    }

    /// Position in the padded input of tap `t` of window `o` along `axis`
    /// (0: rows, 1: columns): `o*s + t*d`.
    pub fn padded_pos(&self, axis: usize, o: usize, t: usize) -> usize {
        o * self.pool.stride[axis] + t * self.pool.dilation[axis]
    }

    /// The input index at padded position `q` along `axis`, or `None` in the
    /// padding (or past the padded border, where a ceil-mode window may reach).
    pub fn source_along(&self, axis: usize, q: usize) -> Option<usize> {
        q.checked_sub(self.pool.padding[axis]).filter(|&i| i < self.input[axis])
    }

    /// The input indices window `o` covers along `axis`, in tap order,
    /// padding excluded.
    pub fn sources_along(&self, axis: usize, o: usize) -> Vec<usize> {
        if o >= self.output[axis] {
            return Vec::new();
        }
        // Taps t with p <= o*s + t*d < p + n, found by division: a huge
        // kernel (with as much padding) costs no more than the input cells it meets.
        let (p, n, d) = (self.pool.padding[axis], self.input[axis], self.pool.dilation[axis]);
        let start = self.padded_pos(axis, o, 0);
        let first_tap = |bound: usize| bound.saturating_sub(start).div_ceil(d);
        let (lo, hi) = (first_tap(p), first_tap(p.saturating_add(n)).min(self.pool.kernel[axis]));
        (lo..hi).map(|t| start + t * d - p).collect()
    }

    /// The input cells `[i, j]` of output cell `[oi, oj]`'s window (in every
    /// channel alike), row by row, padding excluded.
    pub fn window(&self, [oi, oj]: [usize; 2]) -> Vec<[usize; 2]> {
        let cols = self.sources_along(1, oj);
        self.sources_along(0, oi).into_iter().flat_map(|i| cols.iter().map(move |&j| [i, j])).collect()
    }

    /// Average pooling's divisor for output cell `[oi, oj]`: the window's
    /// cells clipped to the padded border (`count_include_pad`) or its input
    /// cells only. `None` for max pooling or outside the output.
    pub fn divisor(&self, [oi, oj]: [usize; 2]) -> Option<usize> {
        if self.pool.kind != PoolKind::Avg || oi >= self.output[0] || oj >= self.output[1] {
            return None;
        }
        let along = |axis: usize, o: usize| {
            if self.pool.count_include_pad {
                // Average pooling has no dilation: the window is `k` consecutive cells.
                let start = o * self.pool.stride[axis];
                let border = self.input[axis].saturating_add(self.pool.padding[axis].saturating_mul(2));
                start.saturating_add(self.pool.kernel[axis]).min(border).saturating_sub(start)
            } else {
                self.sources_along(axis, o).len()
            }
        };
        Some(along(0, oi) * along(1, oj))
    }

    /// The output indices along `axis` whose window covers input index `i`,
    /// ascending (the inverse of [`Self::sources_along`]).
    pub fn windows_over(&self, axis: usize, i: usize) -> Vec<usize> {
        if i >= self.input[axis] {
            return Vec::new();
        }
        // Windows o with o*s + t*d = i + p for a tap t < k: o*s within (k-1)*d
        // below i + p. Walked over the outputs, at most n + 2 of them (padding
        // <= k/2 keeps a huge kernel's output short).
        let q = i + self.pool.padding[axis];
        let (s, d) = (self.pool.stride[axis], self.pool.dilation[axis]);
        let reach = (self.span[axis] - 1).min(q);
        let lo = (q - reach).div_ceil(s);
        let hi = (q / s).min(self.output[axis].saturating_sub(1));
        (lo..=hi).filter(|&o| (q - o * s).is_multiple_of(d)).collect()
    }

    /// The output cell `[c, oi, oj]` computed at `step`.
    pub fn out_index_of(&self, step: usize) -> Option<[usize; 3]> {
        index::unravel(step, self.output_shape())
    }

    /// The step that computes output cell `[c, oi, oj]` (inverse of [`Self::out_index_of`]).
    pub fn step_of(&self, out_index: [usize; 3]) -> Option<usize> {
        index::ravel(out_index, self.output_shape())
    }

    /// The gradient with respect to the input `(C, H, W)` for an upstream
    /// gradient `(C, OH, OW)`: max pooling routes each cell's gradient to its
    /// winner, average pooling spreads `g / divisor` over the window's input
    /// cells (as PyTorch's backward kernels, summed in output order).
    pub fn grad_input(&self, pooled: &Pooled, grad_output: &Array3<f64>) -> Result<Array3<f64>, ConvError> {
        let expected = self.output_shape();
        let (a, b, d) = grad_output.dim();
        if [a, b, d] != expected {
            return Err(ConvError::GradOutputShape { expected: expected.to_vec(), got: vec![a, b, d] });
        }
        let [c_count, h, w] = self.input_shape();
        let mut grad = Array3::zeros((c_count, h, w));
        for ((c, oi, oj), &g) in grad_output.indexed_iter() {
            match (&pooled.winners, self.pool.kind) {
                (Some(winners), PoolKind::Max) => {
                    if let Some(Some([i, j])) = winners.get([c, oi, oj]) {
                        grad[[c, *i, *j]] += g;
                    }
                }
                _ => {
                    let divisor = self.divisor([oi, oj]).unwrap_or(0);
                    if divisor == 0 {
                        continue;
                    }
                    let share = g / divisor as f64;
                    for [i, j] in self.window([oi, oj]) {
                        grad[[c, i, j]] += share;
                    }
                }
            }
        }
        Ok(grad)
    }

    /// Steps of `walk`: output cells (forward) or input cells (gradient).
    pub fn steps(&self, walk: PoolWalk) -> usize {
        let shape = match walk {
            PoolWalk::Forward => self.output_shape(),
            PoolWalk::Gradient => self.input_shape(),
        };
        shape.iter().product()
    }

    /// The window of output step `step` (row-major over `(C, OH, OW)`) on
    /// `input` (whose shape this geometry was computed for), with the same
    /// arithmetic as the layer's output; `None` past the last step.
    pub fn step(&self, input: &Array3<f64>, step: usize) -> Option<PoolStep> {
        let out_index @ [c, oi, oj] = super::index::unravel(step, self.output_shape())?;
        let cells: Vec<([usize; 2], f64)> =
            self.window([oi, oj]).into_iter().map(|p| (p, input[[c, p[0], p[1]]])).collect();
        let start = [self.padded_pos(0, oi, 0), self.padded_pos(1, oj, 0)];
        let (value, winner, divisor) = match self.pool.kind {
            PoolKind::Max => {
                let (value, winner) = max_of(cells.iter().copied());
                (value, winner, None)
            }
            PoolKind::Avg => {
                let divisor = self.divisor([oi, oj]);
                (mean_of(cells.iter().map(|&(_, v)| v), divisor.unwrap_or(0)), None, divisor)
            }
        };
        Some(PoolStep { out_index, start, cells, winner, divisor, value })
    }

    /// Where the gradient of input cell `[c, i, j]` comes from when every
    /// output cell's gradient is 1 (`dY = ones`): each window that covers it,
    /// in output order, with its share. Max pooling routes a window's
    /// gradient to its winner alone (`winners` of this input), average
    /// pooling spreads it over the window, `1/divisor` to each input cell.
    pub fn grad_terms(&self, winners: Option<&Winners>, [c, i, j]: [usize; 3]) -> Vec<PoolGradTerm> {
        let cols = self.windows_over(1, j);
        let mut terms = Vec::new();
        for oi in self.windows_over(0, i) {
            for &oj in &cols {
                let term = match self.pool.kind {
                    PoolKind::Max => {
                        let routed = winners.and_then(|w| w.get([c, oi, oj]).copied().flatten()) == Some([i, j]);
                        PoolGradTerm { out: [oi, oj], routed, share: if routed { 1.0 } else { 0.0 }, divisor: None }
                    }
                    PoolKind::Avg => {
                        let divisor = self.divisor([oi, oj]);
                        let share = divisor.filter(|&d| d > 0).map_or(0.0, |d| 1.0 / d as f64);
                        PoolGradTerm { out: [oi, oj], routed: true, share, divisor }
                    }
                };
                terms.push(term);
            }
        }
        terms
    }

    /// `dX` `(C, H, W)` for `dY = ones` `(C, OH, OW)`: each input cell's
    /// [`Self::grad_terms`] summed.
    pub fn grad_input_ones(&self, winners: Option<&Winners>) -> Array3<f64> {
        let [c, h, w] = self.input_shape();
        Array3::from_shape_fn((c, h, w), |(c, i, j)| self.grad_terms(winners, [c, i, j]).iter().map(|t| t.share).sum())
    }

    /// Pools `input` (whose shape this geometry was computed for).
    fn pool_values(&self, input: &Array3<f64>) -> Pooled {
        let [c_count, oh, ow] = self.output_shape();
        let rows: Vec<Vec<usize>> = (0..oh).map(|o| self.sources_along(0, o)).collect();
        let cols: Vec<Vec<usize>> = (0..ow).map(|o| self.sources_along(1, o)).collect();
        let mut output = Array3::zeros((c_count, oh, ow));
        match self.pool.kind {
            PoolKind::Max => {
                let mut winners = Array3::from_elem((c_count, oh, ow), None);
                for c in 0..c_count {
                    for (oi, rows) in rows.iter().enumerate() {
                        for (oj, cols) in cols.iter().enumerate() {
                            let cells =
                                rows.iter().flat_map(|&i| cols.iter().map(move |&j| ([i, j], input[[c, i, j]])));
                            let (best, winner) = max_of(cells);
                            output[[c, oi, oj]] = best;
                            winners[[c, oi, oj]] = winner;
                        }
                    }
                }
                Pooled { output, winners: Some(winners) }
            }
            PoolKind::Avg => {
                for c in 0..c_count {
                    for (oi, rows) in rows.iter().enumerate() {
                        for (oj, cols) in cols.iter().enumerate() {
                            let cells = rows.iter().flat_map(|&i| cols.iter().map(move |&j| input[[c, i, j]]));
                            output[[c, oi, oj]] = mean_of(cells, self.divisor([oi, oj]).unwrap_or(0));
                        }
                    }
                }
                Pooled { output, winners: None }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn pool(kind: PoolKind, k: usize, s: usize, p: usize) -> Pool {
        Pool { kind, kernel: [k, k], stride: [s, s], padding: [p, p], ..Pool::default() }
    }

    #[test]
    fn a_step_is_the_window_the_output_took() -> Result<(), ConvError> {
        // F.max_pool2d(x, 2) on [[2, 0, 1, 3], [0, 2, 4, 1]]: y = [[2, 4]];
        // the first window's 2s tie: the first one, x[0,0], wins (return_indices).
        let x = array![[[2.0, 0.0, 1.0, 3.0], [0.0, 2.0, 4.0, 1.0]]];
        let g = pool(PoolKind::Max, 2, 2, 0).geometry([1, 2, 4])?;
        assert_eq!(g.steps(PoolWalk::Forward), 2);
        assert_eq!(g.steps(PoolWalk::Gradient), 8);
        let s = g.step(&x, 0).ok_or(ConvError::Overflow { what: "no step" })?;
        assert_eq!(s.cells, vec![([0, 0], 2.0), ([0, 1], 0.0), ([1, 0], 0.0), ([1, 1], 2.0)]);
        assert_eq!((s.winner, s.value, s.start), (Some([0, 0]), 2.0, [0, 0]));
        let s = g.step(&x, 1).ok_or(ConvError::Overflow { what: "no step" })?;
        assert_eq!((s.out_index, s.winner, s.value, s.start), ([0, 0, 1], Some([1, 2]), 4.0, [0, 2]));
        assert_eq!(g.step(&x, 2), None);
        // F.avg_pool2d(x, 2, 2, padding=1) on 1x2x4: the corner window [0, 0] holds x[0,0] alone,
        // divided by 4 with count_include_pad, by 1 without.
        let g = pool(PoolKind::Avg, 2, 2, 1).geometry([1, 2, 4])?;
        let s = g.step(&x, 0).ok_or(ConvError::Overflow { what: "no step" })?;
        assert_eq!((s.cells.clone(), s.divisor, s.value), (vec![([0, 0], 2.0)], Some(4), 0.5));
        let g = Pool { count_include_pad: false, ..pool(PoolKind::Avg, 2, 2, 1) }.geometry([1, 2, 4])?;
        assert_eq!(g.step(&x, 0).map(|s| (s.divisor, s.value)), Some((Some(1), 2.0)));
        // Every step's value is the layer's output cell.
        for p in [
            pool(PoolKind::Max, 3, 2, 1),
            pool(PoolKind::Avg, 3, 2, 1),
            Pool { ceil_mode: true, ..pool(PoolKind::Avg, 3, 2, 1) },
        ] {
            let pooled = p.apply(&x)?;
            let g = p.geometry([1, 2, 4])?;
            for k in 0..g.steps(PoolWalk::Forward) {
                let s = g.step(&x, k).ok_or(ConvError::Overflow { what: "no step" })?;
                assert_eq!(s.value, pooled.output[s.out_index], "{p:?} step {k}");
            }
        }
        Ok(())
    }

    /// `d(sum of y)/dx` by central differences: what `dX` for `dY = ones` is.
    fn finite_difference(p: &Pool, x: &Array3<f64>) -> Result<Array3<f64>, ConvError> {
        let h = 1e-4;
        let mut grad = Array3::zeros(x.dim());
        for (index, _) in x.indexed_iter() {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[index] += h;
            down[index] -= h;
            grad[index] = (p.apply(&up)?.output.sum() - p.apply(&down)?.output.sum()) / (2.0 * h);
        }
        Ok(grad)
    }

    #[test]
    fn the_gradient_for_ones_is_the_derivative_of_the_outputs_sum() -> Result<(), ConvError> {
        // Distinct values: no ties, so max pooling is differentiable at x.
        let x = Array3::from_shape_fn((2, 5, 5), |(c, i, j)| ((c * 25 + i * 5 + j) * 37 % 53) as f64 / 7.0);
        for p in [
            pool(PoolKind::Max, 2, 2, 0),
            pool(PoolKind::Max, 3, 2, 1),
            Pool { ceil_mode: true, ..pool(PoolKind::Max, 2, 2, 0) },
            pool(PoolKind::Avg, 3, 2, 1),
            Pool { count_include_pad: false, ..pool(PoolKind::Avg, 3, 2, 1) },
            Pool { ceil_mode: true, ..pool(PoolKind::Avg, 2, 2, 0) },
            Pool { stride: [1, 1], ..pool(PoolKind::Avg, 2, 1, 0) },
        ] {
            let g = p.geometry([2, 5, 5])?;
            let winners = p.apply(&x)?.winners;
            let dx = g.grad_input_ones(winners.as_ref());
            let fd = finite_difference(&p, &x)?;
            for (index, v) in dx.indexed_iter() {
                assert!((v - fd[index]).abs() < 1e-6, "{p:?} at {index:?}: {v} against {}", fd[index]);
            }
        }
        // By hand: avg_pool2d(k=2, s=1) on 1x3x3: the centre is in all four windows,
        // each dividing by 4: dx[1,1] = 4 * 1/4 = 1; a corner is in one: 1/4.
        let g = Pool { stride: [1, 1], ..pool(PoolKind::Avg, 2, 1, 0) }.geometry([1, 3, 3])?;
        let terms = g.grad_terms(None, [0, 1, 1]);
        assert_eq!(terms.iter().map(|t| t.out).collect::<Vec<_>>(), vec![[0, 0], [0, 1], [1, 0], [1, 1]]);
        assert_eq!(g.grad_input_ones(None), array![[[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]]);
        Ok(())
    }
}
