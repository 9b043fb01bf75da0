//! The equations the views write under their drawings: a step's sum with
//! the real numbers, and for gradients and overlaps the same sum in symbols
//! first. Built from the core's step data ([`ForwardStep`], [`Im2col`],
//! [`Backward`]'s terms, [`Transposed`]'s contributions); the numbers are
//! written with [`format`](mod@format), long sums elided in the middle.

use crate::conv::backward::{InputGradTerm, WeightGradTerm};
use crate::conv::{Backward, ColumnOrder, Dims, ForwardStep, Im2col, PoolGradTerm, PoolStep, Transposed};
use crate::model::format;

/// Channel indices are written only when there is more than one channel.
pub(crate) fn show_channels(in_channels: usize, out_channels: usize) -> bool {
    in_channels > 1 || out_channels > 1
}

/// A window step's arithmetic with the real numbers: `2*(-2) + 1*2 + ... + b = y`.
pub fn forward_step(step: &ForwardStep) -> String {
    let mut parts: Vec<String> =
        step.terms.iter().map(|t| format!("{}*{}", format::factor(t.x), format::factor(t.w))).collect();
    if step.has_bias {
        parts.push(format::factor(step.bias));
    }
    format!("{} = {}", format::sum(&parts), format::total(step.result))
}

/// Row `row` of the patch matrix times column `f` of the weights, written out
/// over filter `f`'s group with the products in `order`'s column order:
/// `x1*w1 + x2*w2 + ... (+ b) = y` (empty when out of range).
pub fn im2col_row(m: &Im2col, row: usize, f: usize, order: ColumnOrder) -> String {
    let [oh, ow] = m.geometry.output;
    if row >= oh * ow || f >= m.geometry.out_channels {
        return String::new();
    }
    let group = m.group_columns(m.geometry.group_of_filter(f));
    let mut parts: Vec<String> = m
        .columns(order)
        .into_iter()
        .filter(|col| group.contains(col))
        .map(|col| format!("{}*{}", format::factor(m.patches[[row, col]]), format::factor(m.weights[[col, f]])))
        .collect();
    if let Some(b) = &m.bias {
        parts.push(format::factor(b[f]));
    }
    let value = m.output[[f, row / ow, row % ow]];
    format!("{} = {}", format::sum(&parts), format::total(value))
}

/// `dx[i,j] = dy[0,0]*w[1,1] + ... = 1*2 + ... = 3`.
pub fn grad_input(b: &Backward, in_index: [usize; 3]) -> String {
    grad_input_of(b, in_index, &b.input_terms_of(in_index))
}

/// [`grad_input`] from terms already asked for (a view that marks them need
/// not build them twice).
pub fn grad_input_of(b: &Backward, in_index: [usize; 3], terms: &[InputGradTerm]) -> String {
    let g = &b.forward.geometry;
    let dims = g.dims;
    let ch = show_channels(g.in_channels, g.out_channels);
    let [c, i, j] = in_index;
    let lhs = format::label("dx", dims, ch.then_some(&[c][..]), [i, j]);
    if terms.is_empty() {
        return format!("{lhs} = 0 (no window covers this cell)");
    }
    let symbols = format::sum_with(terms.len(), |k| {
        let [f, oi, oj] = terms[k].out_index;
        let [wf, cl, ki, kj] = terms[k].weight_index;
        format!(
            "{}*{}",
            format::label("dy", dims, ch.then_some(&[f][..]), [oi, oj]),
            format::label("w", dims, ch.then_some(&[wf, cl][..]), [ki, kj])
        )
    });
    let numbers =
        format::sum_with(terms.len(), |k| format!("{}*{}", format::factor(terms[k].dy), format::factor(terms[k].w)));
    let value = format::total(b.grad_input.get(in_index).copied().unwrap_or(0.0));
    format!("{lhs} = {symbols} = {numbers} = {value}")
}

/// `dw[ki,kj] = x[..]*dy[..] + ... = ...` (x indices in padded coordinates).
pub fn grad_weight(b: &Backward, index: [usize; 4]) -> String {
    grad_weight_of(b, index, &b.weight_terms_of(index))
}

/// [`grad_weight`] from terms already asked for.
pub fn grad_weight_of(b: &Backward, index: [usize; 4], terms: &[WeightGradTerm]) -> String {
    let g = &b.forward.geometry;
    let dims = g.dims;
    let ch = show_channels(g.in_channels, g.out_channels);
    let [f, cl, ki, kj] = index;
    let lhs = format::label("dw", dims, ch.then_some(&[f, cl][..]), [ki, kj]);
    let symbols = format::sum_with(terms.len(), |k| {
        let t = &terms[k];
        let [tf, oi, oj] = t.out_index;
        format!(
            "{}*{}",
            format::label("xp", dims, ch.then_some(&[t.channel][..]), t.padded_pos),
            format::label("dy", dims, ch.then_some(&[tf][..]), [oi, oj])
        )
    });
    let numbers =
        format::sum_with(terms.len(), |k| format!("{}*{}", format::factor(terms[k].x), format::factor(terms[k].dy)));
    let value = format::total(b.grad_weight.get(index).copied().unwrap_or(0.0));
    format!("{lhs} = {symbols} = {numbers} = {value}")
}

/// `db[f] = dy[f,0,0] + dy[f,0,1] + ... = ...`.
pub fn grad_bias(b: &Backward, f: usize) -> String {
    let [filters, oh, ow] = b.forward.geometry.output_shape();
    let lhs = if filters > 1 { format!("db[{f}]") } else { "db".to_string() };
    let count = if f < filters { oh * ow } else { 0 };
    let values = format::sum_with(count, |k| format::factor(b.grad_output[[f, k / ow, k % ow]]));
    format!("{lhs} = {values} = {}", format::total(b.grad_bias.get(f).copied().unwrap_or(0.0)))
}

/// The names of a transposed convolution's input and output: `x` and `y`;
/// for the transpose of a convolution, whose input is that convolution's
/// output, `y` and `z`.
pub fn transposed_names(of_conv: bool) -> (&'static str, &'static str) {
    if of_conv { ("y", "z") } else { ("x", "y") }
}

/// The overlap sum of a transposed convolution's output cell:
/// `y[2,3] = x[0,1]*w[2,1] + x[1,1]*w[0,1] = 3*2 + (-1)*1 = 5` (empty when
/// out of range).
/// (`of_conv`: named as the transpose of a convolution, `z[..] = y[..]*w[..] + ...`).
pub fn overlap_sum(t: &Transposed, out_index: [usize; 3], of_conv: bool) -> String {
    let (x_name, y_name) = transposed_names(of_conv);
    let g = &t.geometry;
    let dims = g.dims;
    let show_channels = show_channels(g.in_channels, g.out_channels);
    let [f, oi, oj] = out_index;
    let ch = |c: &[usize]| {
        if show_channels { Some(c.to_vec()) } else { None }
    };
    let y = format::label(y_name, dims, ch(&[f]).as_deref(), [oi, oj]);
    let list = t.contributions_of(out_index);
    let Some(&value) = t.output.get(out_index) else { return String::new() };
    let bias = t.bias.as_ref().and_then(|b| b.get(f).copied());
    let mut symbols: Vec<String> = list
        .iter()
        .map(|k| {
            let [c, i, j] = k.in_index;
            let [_, fl, ki, kj] = k.weight_index;
            format!(
                "{}*{}",
                format::label(x_name, dims, ch(&[c]).as_deref(), [i, j]),
                format::label("w", dims, ch(&[c, fl]).as_deref(), [ki, kj])
            )
        })
        .collect();
    let mut numbers: Vec<String> =
        list.iter().map(|k| format!("{}*{}", format::factor(k.x), format::factor(k.w))).collect();
    if let Some(b) = bias {
        symbols.push(if show_channels { format!("b[{f}]") } else { "b".to_string() });
        numbers.push(format::factor(b));
    }
    if symbols.is_empty() {
        return format!("{y} = 0 (no kernel copy reaches this cell)");
    }
    format!("{y} = {} = {} = {}", format::sum(&symbols), format::sum(&numbers), format::total(value))
}

/// A pooling window with its numbers (`c`: the channel, written when the
/// layer has several): max pooling `y[0,1] = max(x[0,2], x[0,3]) = max(2, 0) = 2`,
/// average pooling `y[0,1] = (x[0,2] + x[0,3]) / 4 = (2 + 0) / 4 = 0.5`.
pub fn pool_step(step: &PoolStep, dims: Dims, channels: bool) -> String {
    let [c, oi, oj] = step.out_index;
    let lead = [c];
    let lead = channels.then_some(&lead[..]);
    let y = format::label("y", dims, lead, [oi, oj]);
    let names: Vec<String> = step.cells.iter().map(|&(p, _)| format::label("x", dims, lead, p)).collect();
    let values: Vec<String> = step.cells.iter().map(|&(_, v)| format::short(v)).collect();
    let value = format::total(step.value);
    match step.divisor {
        None if step.cells.is_empty() => format!("{y} = max over padding only = {value}"),
        None => format!("{y} = max({}) = max({}) = {value}", list(&names), list(&values)),
        Some(d) if step.cells.is_empty() => format!("{y} = 0 (no input cell in the window; divisor {d})"),
        Some(d) => format!("{y} = ({}) / {d} = ({}) / {d} = {value}", format::sum(&names), format::sum(&values)),
    }
}

/// `a, b, c` (long lists elided in the middle, as sums are).
fn list(items: &[String]) -> String {
    format::sum(items).replace(" + ", ", ")
}

/// An input cell's gradient through a pooling layer when every output's is
/// 1: max pooling `dx[0,2] = dy[0,1] = 1` (the windows it won), average
/// pooling `dx[0,2] = dy[0,0]/4 + dy[0,1]/4 = 1/4 + 1/4 = 0.5`.
pub fn pool_grad(terms: &[PoolGradTerm], in_index: [usize; 3], dims: Dims, channels: bool) -> String {
    let [c, i, j] = in_index;
    let lead = [c];
    let lead = channels.then_some(&lead[..]);
    let dx = format::label("dx", dims, lead, [i, j]);
    let dy = |t: &PoolGradTerm| format::label("dy", dims, lead, t.out);
    let total: f64 = terms.iter().map(|t| t.share).sum();
    if terms.is_empty() {
        return format!("{dx} = 0: no window covers it");
    }
    let avg = terms.iter().any(|t| t.divisor.is_some());
    if avg {
        let names: Vec<String> = terms.iter().map(|t| format!("{}/{}", dy(t), t.divisor.unwrap_or(0))).collect();
        let shares: Vec<String> = terms.iter().map(|t| format!("1/{}", t.divisor.unwrap_or(0))).collect();
        return format!("{dx} = {} = {} = {}", format::sum(&names), format::sum(&shares), format::total(total));
    }
    let won: Vec<&PoolGradTerm> = terms.iter().filter(|t| t.routed).collect();
    let covering = terms.len();
    if won.is_empty() {
        return format!("{dx} = 0: it is the largest in none of the {covering} window(s) that cover it");
    }
    let names: Vec<String> = won.iter().map(|t| dy(t)).collect();
    let ones = vec!["1".to_string(); won.len()];
    format!(
        "{dx} = {} = {} = {} (it is the largest in {} of the {covering} window(s) that cover it)",
        format::sum(&names),
        format::sum(&ones),
        format::total(total),
        won.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::{ConvError, Forward, Hyper, Op, Problem};
    use ndarray::{Array3, Array4, array};

    #[test]
    fn forward_step_seed_2d() -> Result<(), ConvError> {
        // seeds/000, cells In [11], In [12] and In [17]: the default problem's first window.
        let fw = Forward::new(&Problem::default())?;
        let step = fw.step(0).expect("step 0");
        assert_eq!(
            forward_step(&step),
            "2*(-2) + 1*2 + (-1)*0 + (-1)*2 + 1*2 + 0*2 + (-1)*(-3) + 0*(-1) + (-1)*(-1) = 2"
        );
        Ok(())
    }

    #[test]
    fn im2col_row_seed_1d() -> Result<(), ConvError> {
        // seeds/000, cells In [2]-In [5]: X = [0, 1, 2, -1, 1, -3, 0] (already
        // zero-padded), W = [1, 0, -1]; Xhat W = [-2, 2, 1, 2, 1].
        let x = array![[[0., 1., 2., -1., 1., -3., 0.]]];
        let w = array![[[[1., 0., -1.]]]];
        let m = Im2col::new(&Problem { op: Op::Conv1d, input: x, weight: w, ..Problem::default() })?;
        assert_eq!(im2col_row(&m, 0, 0, ColumnOrder::ChannelMajor), "0*1 + 1*0 + 2*(-1) = -2");
        assert_eq!(im2col_row(&m, 5, 0, ColumnOrder::ChannelMajor), "", "out of range: nothing, no panic");
        Ok(())
    }

    #[test]
    fn im2col_row_in_either_order() -> Result<(), ConvError> {
        // Two channels, 1x2 kernel: channel-major columns c0k0 c0k1 c1k0 c1k1;
        // tap-major k0c0 k0c1 k1c0 k1c1 (seeds/000 In [21]'s Xhat).
        let input = Array3::from_shape_fn((2, 1, 3), |(c, _, j)| (c * 10 + j) as f64);
        let weight = Array4::from_shape_fn((1, 2, 1, 2), |(_, c, _, j)| (c * 2 + j + 1) as f64);
        let m = Im2col::new(&Problem { op: Op::Conv1d, input, weight, ..Problem::default() })?;
        assert_eq!(im2col_row(&m, 0, 0, ColumnOrder::ChannelMajor), "0*1 + 1*2 + 10*3 + 11*4 = 76");
        assert_eq!(im2col_row(&m, 0, 0, ColumnOrder::TapMajor), "0*1 + 10*3 + 1*2 + 11*4 = 76");
        Ok(())
    }

    #[test]
    fn gradients_one_pixel_filter_seed() -> Result<(), ConvError> {
        // seeds/001, "Convolution Backpropagation": x of shape (3, 2, 2), a
        // 1x1 filter over 3 channels, dY all ones.
        let input = Array3::from_shape_fn((3, 2, 2), |(c, i, j)| (c * 4 + i * 2 + j) as f64);
        let weight = array![[[[1.0]], [[2.0]], [[3.0]]]];
        let problem = Problem { input, weight, bias: Some(array![0.5]), ..Problem::default() };
        let b = Backward::new(&problem)?;
        assert_eq!(grad_bias(&b, 0), "db = 1 + 1 + 1 + 1 = 4");
        // Out-of-range cells are no panic, just nothing to say.
        assert!(grad_input(&b, [9, 9, 9]).ends_with("= 0 (no window covers this cell)"));
        assert_eq!(grad_bias(&b, 7), "db =  = 0");
        Ok(())
    }

    #[test]
    fn overlap_sum_seed_1d_stride_2() -> Result<(), ConvError> {
        // seeds/001, "One-dimensional Example": [a, b] with [x, y, z], stride 2
        // gives [ax, ay, az + bx, by, bz]. With a=2, b=3, x=5, y=7, z=11:
        // F.conv_transpose1d(torch.tensor([[2., 3.]]), torch.tensor([[[5., 7., 11.]]]), stride=2)
        // -> [[10., 14., 37., 21., 33.]]
        let x = Array3::from_shape_vec((1, 1, 2), vec![2., 3.]).unwrap_or_default();
        let w = Array4::from_shape_vec((1, 1, 1, 3), vec![5., 7., 11.]).unwrap_or_default();
        let hyper = Hyper { stride: [1, 2], ..Default::default() };
        let problem = Problem { op: Op::ConvTranspose1d, input: x, weight: w, hyper, ..Problem::default() };
        let t = Transposed::new(&problem)?;
        assert_eq!(overlap_sum(&t, [0, 0, 2], false), "y[2] = x[0]*w[2] + x[1]*w[0] = 2*11 + 3*5 = 37");
        assert_eq!(overlap_sum(&t, [0, 0, 2], true), "z[2] = y[0]*w[2] + y[1]*w[0] = 2*11 + 3*5 = 37", "its transpose");
        assert_eq!(overlap_sum(&t, [0, 0, 9], false), "", "out of range: nothing, no panic");
        Ok(())
    }

    #[test]
    fn pooling_windows_and_gradients_are_written_out() -> Result<(), crate::conv::ConvError> {
        use crate::conv::{Pool, PoolKind};
        use ndarray::array;
        let x = array![[[2.0, 0.0, 1.0, 3.0], [0.0, 2.0, 4.0, 1.0]]];
        let max = Pool::default();
        let g = max.geometry([1, 2, 4])?;
        let step = g.step(&x, 0).ok_or(crate::conv::ConvError::Overflow { what: "no step" })?;
        assert_eq!(
            pool_step(&step, Dims::Two, false),
            "y[0,0] = max(x[0,0], x[0,1], x[1,0], x[1,1]) = max(2, 0, 0, 2) = 2"
        );
        let winners = max.apply(&x)?.winners;
        assert_eq!(
            pool_grad(&g.grad_terms(winners.as_ref(), [0, 0, 0]), [0, 0, 0], Dims::Two, false),
            "dx[0,0] = dy[0,0] = 1 = 1 (it is the largest in 1 of the 1 window(s) that cover it)"
        );
        let avg = Pool { kind: PoolKind::Avg, padding: [1, 1], ..Pool::default() };
        let g = avg.geometry([1, 2, 4])?;
        let step = g.step(&x, 1).ok_or(crate::conv::ConvError::Overflow { what: "no step" })?;
        assert_eq!(pool_step(&step, Dims::Two, true), "y[0,0,1] = (x[0,0,1] + x[0,0,2]) / 4 = (0 + 1) / 4 = 0.25");
        assert_eq!(
            pool_grad(&g.grad_terms(None, [0, 0, 1]), [0, 0, 1], Dims::Two, false),
            "dx[0,1] = dy[0,1]/4 = 1/4 = 0.25"
        );
        Ok(())
    }
}
