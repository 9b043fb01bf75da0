//! Property tests of the network core on random stacks of 1-4 layers:
//!
//! - pooling against a naive loop reference (output and winners);
//! - the structural receptive field equals the input cells whose change
//!   changes the probed cell (by perturbation, see below), and the structural
//!   and decided masks of every layer equal a naive cell-by-cell reference;
//! - `rf` and `jump` equal the recurrence, and the bounding box of the
//!   structural mask on the input for a probe away from the borders;
//! - decided is a subset of structural.
//!
//! **Why the perturbation test cannot miss a dependence by coincidence.**
//! The stacks of that test have positive weights (1..=3), non-negative
//! inputs, biases and pad values: every layer is then monotone
//! non-decreasing in each of its inputs, and strictly increasing along every
//! structural path (a convolution adds `w * x` with `w >= 1`, an average
//! divides by at most 9, ReLU is the identity on non-negative values, and a
//! max pool's window holding a raised cell takes a raised value). One input
//! cell raised by 1e20 therefore raises every cell that depends on it to at
//! least 1e20 / 9^4, far above anything the unperturbed stack holds (below
//! 1e9): the probed cell changes exactly when it depends structurally on the
//! raised cell, with no cancellation and no tie. Cells it does not depend on
//! are not read at all, so they cannot change it. (A window of padding only,
//! -inf, would swallow the rise: such stacks are skipped and counted.)
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::Cell;

use convscope::conv::{
    ConvLayer, Dims, Evaluation, Hyper, Layer, Mask, Network, Op, Pad, PaddingMode, Pool, PoolKind, Probe, Winners,
};
use ndarray::{Array1, Array3, Array4};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

/// splitmix64: the fills of a stack, from one seed (shapes depend on earlier layers,
/// so values cannot be drawn by proptest up front).
struct Fill(u64);

impl Fill {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// An integer in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> f64 {
        (lo + (self.next() % (hi - lo + 1) as u64) as i64) as f64
    }
}

/// One layer's raw choices; [`build`] fits them to the shape they meet.
#[derive(Debug, Clone)]
struct Spec {
    kind: u8,
    c_mul: usize,
    k: [usize; 2],
    s: [usize; 2],
    p: [usize; 2],
    d: [usize; 2],
    depthwise: bool,
    mode: u8,
    ceil: bool,
    count_include_pad: bool,
    pads: [usize; 4],
    bias: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (0u8..9, 1usize..=2, [1usize..=3, 1usize..=3], [1usize..=2, 1usize..=2]),
        ([0usize..=1, 0usize..=2], [1usize..=2, 1usize..=2], prop::bool::weighted(0.3), 0u8..6),
        (prop::bool::ANY, prop::bool::ANY, [0usize..=2, 0usize..=2, 0usize..=2, 0usize..=2], prop::bool::ANY),
    )
        .prop_map(|((kind, c_mul, k, s), (p, d, depthwise, mode), (ceil, count_include_pad, pads, bias))| Spec {
            kind,
            c_mul,
            k,
            s,
            p,
            d,
            depthwise,
            mode,
            ceil,
            count_include_pad,
            pads,
            bias,
        })
}

/// A whole case: 1D or 2D, the input's shape, the layers' choices, the fill seed and the probe's position.
#[derive(Debug, Clone)]
struct Case {
    one_d: bool,
    shape: [usize; 3],
    specs: Vec<Spec>,
    seed: u64,
    probe: [usize; 3],
}

fn case(max_size: usize) -> impl Strategy<Value = Case> {
    (
        prop::bool::weighted(0.3),
        1usize..=3,
        3usize..=max_size,
        3usize..=max_size,
        prop::collection::vec(spec(), 1..=4),
        any::<u64>(),
        [any::<usize>(), any::<usize>(), any::<usize>()],
    )
        .prop_map(|(one_d, c, h, w, specs, seed, probe)| Case {
            one_d,
            shape: if one_d { [c, 1, w + 2] } else { [c, h, w] },
            specs,
            seed,
            probe,
        })
}

fn padding_mode(m: u8) -> PaddingMode {
    [
        PaddingMode::Zeros,
        PaddingMode::Zeros,
        PaddingMode::Zeros,
        PaddingMode::Reflect,
        PaddingMode::Replicate,
        PaddingMode::Circular,
    ][m as usize % 6]
}

/// Builds the stack, fitting kernels to the sizes they meet (so most stacks are valid).
/// `positive`: weights 1..=3, biases and pad values 0..=2; otherwise -3..=3 throughout.
fn build(case: &Case, positive: bool) -> Network {
    let dims = if case.one_d { Dims::One } else { Dims::Two };
    let mut fill = Fill(case.seed);
    let (wlo, whi, blo, bhi) = if positive { (1, 3, 0, 2) } else { (-3, 3, -3, 3) };
    let [c0, h0, w0] = case.shape;
    let input = Array3::from_shape_fn((c0, h0, w0), |_| fill.int(if positive { 0 } else { -3 }, 3));
    let mut shape = case.shape;
    let mut layers = Vec::new();
    for s in &case.specs {
        // 1D keeps the height axis inert.
        let axis0 = |v: usize, inert: usize| if case.one_d { inert } else { v };
        let k = [axis0(s.k[0].min(shape[1]), 1), s.k[1].min(shape[2])];
        let layer = match s.kind {
            // Kinds 0, 1 and 3 are direct convolutions, 2 a transposed one.
            0..=3 => {
                let transposed = s.kind == 2;
                let c = shape[0];
                let groups = if s.depthwise { c } else { 1 };
                let c_out = groups * s.c_mul;
                let op = Op::Conv2d.with_dims(dims);
                let op = if transposed { op.transposed() } else { op };
                let wshape = if transposed { (c, s.c_mul, k[0], k[1]) } else { (c_out, c / groups, k[0], k[1]) };
                let weight = Array4::from_shape_fn(wshape, |_| fill.int(wlo, whi));
                let bias = s.bias.then(|| Array1::from_shape_fn(c_out, |_| fill.int(blo, bhi)));
                let hyper = Hyper {
                    stride: [axis0(s.s[0], 1), s.s[1]],
                    padding: [axis0(s.p[0], 0), s.p[1]],
                    dilation: [axis0(s.d[0], 1), s.d[1]],
                    groups,
                    padding_mode: if transposed { PaddingMode::Zeros } else { padding_mode(s.mode) },
                    ..Hyper::default()
                };
                Layer::Conv(ConvLayer { op, weight, bias, hyper })
            }
            4 | 5 => {
                let kind = if s.kind == 4 { PoolKind::Max } else { PoolKind::Avg };
                let d = if kind == PoolKind::Max { [axis0(s.d[0], 1), s.d[1]] } else { [1, 1] };
                Layer::Pool(Pool {
                    kind,
                    dims,
                    kernel: k,
                    stride: [axis0(s.s[0], 1), s.s[1]],
                    padding: [axis0(s.p[0].min(k[0] / 2), 0), s.p[1].min(k[1] / 2)],
                    dilation: d,
                    ceil_mode: s.ceil,
                    count_include_pad: s.count_include_pad,
                })
            }
            6 => Layer::Relu,
            _ => {
                let [l, r, t, b] = s.pads;
                let mode = padding_mode(s.mode);
                Layer::Pad(Pad {
                    dims,
                    amounts: if case.one_d { [l, r, 0, 0] } else { [l, r, t, b] },
                    mode,
                    value: if mode == PaddingMode::Zeros { fill.int(blo, bhi) } else { 0.0 },
                })
            }
        };
        match layer.output_shape(shape) {
            Ok(next) => shape = next,
            Err(_) => {
                layers.push(layer);
                break;
            }
        }
        layers.push(layer);
    }
    Network { dims, input, layers }
}

/// The probed cell: `case.probe` folded into the last output's shape.
fn probe_of(case: &Case, eval: &Evaluation) -> Probe {
    let layer = eval.outputs.len() - 1;
    let (c, h, w) = eval.outputs[layer].dim();
    Probe { layer, index: [case.probe[0] % c, case.probe[1] % h, case.probe[2] % w] }
}

/// Runs `check` the way `proptest!` does, counting the cases it calls valid;
/// prints the share and fails when it is below `min_share`.
fn run_counting<S: Strategy>(
    name: &str,
    cases: u32,
    min_share: f64,
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) {
    let config = ProptestConfig { cases, source_file: Some(file!()), ..ProptestConfig::default() };
    let mut runner = TestRunner::new(config);
    let (seen, valid) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&strategy, |input| {
        seen.set(seen.get() + 1);
        if check(input)? {
            valid.set(valid.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}\n{runner}");
    }
    let share = valid.get() as f64 / seen.get().max(1) as f64;
    eprintln!("{name}: {} of {} cases valid ({:.1}%)", valid.get(), seen.get(), 100.0 * share);
    assert!(share >= min_share, "{name}: only {:.1}% of the generated cases are valid", 100.0 * share);
}

// ---------------------------------------------------------------------------
// naive references
// ---------------------------------------------------------------------------

/// Naive pooling: windows counted by their signed start `o*s - p`, taps `start + t*d`.
/// Returns the output and, for max, the winners (first strictly larger value in row-major order).
fn naive_pool(x: &Array3<f64>, p: &Pool) -> Option<(Array3<f64>, Winners)> {
    let (c, h, w) = x.dim();
    let n = [h as isize, w as isize];
    let mut out_size = [0usize; 2];
    for axis in 0..2 {
        let (k, s, pad, d) =
            (p.kernel[axis] as isize, p.stride[axis] as isize, p.padding[axis] as isize, p.dilation[axis] as isize);
        let span = d * (k - 1) + 1;
        // Floor mode: every window inside the padded input. Ceil mode: also one that starts
        // within s-1 cells of fitting, as long as it starts in the input or the left padding.
        let mut count = 0;
        loop {
            let start = count * s; // in padded coordinates
            let fits = start + span <= n[axis] + 2 * pad;
            let ceil_fits = p.ceil_mode && start + span - (s - 1) <= n[axis] + 2 * pad && start < n[axis] + pad;
            if fits || ceil_fits {
                count += 1;
            } else {
                break;
            }
        }
        if count == 0 {
            return None;
        }
        out_size[axis] = count as usize;
    }
    let mut y = Array3::zeros((c, out_size[0], out_size[1]));
    let mut winners = Array3::from_elem((c, out_size[0], out_size[1]), None);
    for ch in 0..c {
        for oi in 0..out_size[0] {
            for oj in 0..out_size[1] {
                let mut cells = Vec::new();
                let mut row_cells = 0isize; // for count_include_pad: taps inside the padded border
                let mut col_cells = 0isize;
                for ti in 0..p.kernel[0] as isize {
                    let qi = oi as isize * p.stride[0] as isize + ti * p.dilation[0] as isize - p.padding[0] as isize;
                    if qi < n[0] + p.padding[0] as isize {
                        row_cells += 1;
                    }
                    for tj in 0..p.kernel[1] as isize {
                        let qj =
                            oj as isize * p.stride[1] as isize + tj * p.dilation[1] as isize - p.padding[1] as isize;
                        if ti == 0 && qj < n[1] + p.padding[1] as isize {
                            col_cells += 1;
                        }
                        if (0..n[0]).contains(&qi) && (0..n[1]).contains(&qj) {
                            cells.push([qi as usize, qj as usize]);
                        }
                    }
                }
                match p.kind {
                    PoolKind::Max => {
                        let mut best: Option<([usize; 2], f64)> = None;
                        for &[i, j] in &cells {
                            let v = x[[ch, i, j]];
                            if best.is_none_or(|(_, b)| v > b) {
                                best = Some(([i, j], v));
                            }
                        }
                        y[[ch, oi, oj]] = best.map_or(f64::NEG_INFINITY, |(_, v)| v);
                        winners[[ch, oi, oj]] = best.map(|(at, _)| at);
                    }
                    PoolKind::Avg => {
                        let sum: f64 = cells.iter().map(|&[i, j]| x[[ch, i, j]]).sum();
                        let divisor = if p.count_include_pad { row_cells * col_cells } else { cells.len() as isize };
                        y[[ch, oi, oj]] = if cells.is_empty() { 0.0 } else { sum / divisor as f64 };
                    }
                }
            }
        }
    }
    Some((y, winners))
}

/// The cells of layer `k-1`'s output that output cell `cell` of layer `k` reads,
/// found by naive loops over signed positions (for a transposed convolution:
/// every input cell and tap, kept when its copy lands on the cell).
fn naive_sources(layer: &Layer, input: [usize; 3], [f, oi, oj]: [usize; 3]) -> Vec<[usize; 3]> {
    let [c_in, h, w] = input;
    let mut out = Vec::new();
    match layer {
        Layer::Relu => out.push([f, oi, oj]),
        Layer::Pad(p) => {
            let [left, _, top, _] = p.amounts;
            let si = common::source(oi as isize - top as isize, h, p.mode);
            let sj = common::source(oj as isize - left as isize, w, p.mode);
            if let (Some(i), Some(j)) = (si, sj) {
                out.push([f, i, j]);
            }
        }
        Layer::Pool(p) => {
            for ti in 0..p.kernel[0] {
                for tj in 0..p.kernel[1] {
                    let qi = (oi * p.stride[0] + ti * p.dilation[0]) as isize - p.padding[0] as isize;
                    let qj = (oj * p.stride[1] + tj * p.dilation[1]) as isize - p.padding[1] as isize;
                    if (0..h as isize).contains(&qi) && (0..w as isize).contains(&qj) {
                        out.push([f, qi as usize, qj as usize]);
                    }
                }
            }
        }
        Layer::Conv(c) => {
            let (a, b, kh, kw) = c.weight.dim();
            let hp = c.hyper;
            if c.op.is_transposed() {
                let (in_g, out_g) = (a / hp.groups, b);
                for ch in (f / out_g) * in_g..(f / out_g + 1) * in_g {
                    for i in 0..h {
                        for j in 0..w {
                            for ki in 0..kh {
                                for kj in 0..kw {
                                    let yi = (i * hp.stride[0] + ki * hp.dilation[0]) as isize - hp.padding[0] as isize;
                                    let yj = (j * hp.stride[1] + kj * hp.dilation[1]) as isize - hp.padding[1] as isize;
                                    if yi == oi as isize && yj == oj as isize {
                                        out.push([ch, i, j]);
                                    }
                                }
                            }
                        }
                    }
                }
            } else {
                let (out_g, in_g) = (a / hp.groups, b);
                for ch in (f / out_g) * in_g..(f / out_g + 1) * in_g {
                    for ki in 0..kh {
                        for kj in 0..kw {
                            let pi = (oi * hp.stride[0] + ki * hp.dilation[0]) as isize - hp.padding[0] as isize;
                            let pj = (oj * hp.stride[1] + kj * hp.dilation[1]) as isize - hp.padding[1] as isize;
                            if let (Some(i), Some(j)) =
                                (common::source(pi, h, hp.padding_mode), common::source(pj, w, hp.padding_mode))
                            {
                                out.push([ch, i, j]);
                            }
                        }
                    }
                }
            }
        }
    }
    let _ = c_in;
    out
}

/// Structural and decided masks of every layer, propagated one cell at a time.
fn naive_receptive(net: &Network, eval: &Evaluation, probe: Probe) -> (Vec<Array3<bool>>, Vec<Array3<bool>>) {
    let shape = |k: usize| eval.outputs[k].dim();
    let mut structural = vec![Array3::from_elem(shape(probe.layer), false)];
    structural[0][probe.index] = true;
    let mut decided = structural.clone();
    for k in (1..=probe.layer).rev() {
        let layer = &net.layers[k - 1];
        let x = &eval.outputs[k - 1];
        let (c, h, w) = x.dim();
        let mut s_back = Array3::from_elem((c, h, w), false);
        let mut d_back = s_back.clone();
        let winners = match layer {
            Layer::Pool(p) if p.kind == PoolKind::Max => naive_pool(x, p).map(|(_, w)| w),
            _ => None,
        };
        let (s_now, d_now) = (structural.last().expect("one"), decided.last().expect("one"));
        for ((f, oi, oj), &s) in s_now.indexed_iter() {
            let d = d_now[[f, oi, oj]];
            if !s {
                continue;
            }
            for src in naive_sources(layer, [c, h, w], [f, oi, oj]) {
                s_back[src] = true;
            }
            if !d {
                continue;
            }
            match (layer, &winners) {
                (Layer::Pool(_), Some(win)) => {
                    if let Some([i, j]) = win[[f, oi, oj]] {
                        d_back[[f, i, j]] = true;
                    }
                }
                (Layer::Relu, _) => d_back[[f, oi, oj]] = x[[f, oi, oj]] > 0.0,
                _ => {
                    for src in naive_sources(layer, [c, h, w], [f, oi, oj]) {
                        d_back[src] = true;
                    }
                }
            }
        }
        structural.push(s_back);
        decided.push(d_back);
    }
    structural.reverse();
    decided.reverse();
    (structural, decided)
}

fn same_cells(mask: &Mask, marks: &Array3<bool>) -> bool {
    let (c, h, w) = marks.dim();
    mask.shape == [c, h, w] && marks.indexed_iter().all(|((a, b, d), &m)| mask.contains([a, b, d]) == m)
}

// ---------------------------------------------------------------------------
// properties
// ---------------------------------------------------------------------------

fn pool_case() -> impl Strategy<Value = (Pool, Array3<f64>)> {
    (
        prop::bool::ANY,
        prop::bool::weighted(0.3),
        [1usize..=4, 1usize..=4],
        [1usize..=3, 1usize..=3],
        [0usize..=2, 0usize..=2],
        [1usize..=2, 1usize..=2],
        prop::bool::ANY,
        prop::bool::ANY,
        (1usize..=2, 2usize..=8, 2usize..=8),
    )
        .prop_flat_map(|(max, one_d, k, s, p, d, ceil, cip, (c, h, w))| {
            let (k, s, p, d, h) = if one_d { ([1, k[1]], [1, s[1]], [0, p[1]], [1, d[1]], 1) } else { (k, s, p, d, h) };
            let pool = Pool {
                kind: if max { PoolKind::Max } else { PoolKind::Avg },
                dims: if one_d { Dims::One } else { Dims::Two },
                kernel: k,
                stride: s,
                padding: [p[0].min(k[0] / 2), p[1].min(k[1] / 2)],
                dilation: if max { d } else { [1, 1] },
                ceil_mode: ceil,
                count_include_pad: cip,
            };
            prop::collection::vec((-3i32..=3).prop_map(f64::from), c * h * w)
                .prop_map(move |v| (pool, Array3::from_shape_vec((c, h, w), v).expect("shape")))
        })
}

#[test]
fn pooling_matches_the_naive_loops() {
    run_counting("pooling", 600, 0.8, pool_case(), |(pool, x)| {
        let naive = naive_pool(&x, &pool);
        let core = pool.apply(&x);
        prop_assert_eq!(core.is_ok(), naive.is_some(), "{:?} on {:?}: core {:?}", pool, x.dim(), core);
        let (Ok(core), Some((y, winners))) = (core, naive) else { return Ok(false) };
        prop_assert_eq!(&core.output, &y, "{:?}", pool);
        let g = pool.geometry([x.dim().0, x.dim().1, x.dim().2]).expect("valid");
        for ((_, oi, oj), _) in y.indexed_iter() {
            prop_assert!(g.window([oi, oj]).iter().all(|&[i, j]| i < x.dim().1 && j < x.dim().2));
        }
        // windows_over inverts sources_along.
        for axis in 0..2 {
            for i in 0..g.input[axis] {
                let over: Vec<usize> = (0..g.output[axis]).filter(|&o| g.sources_along(axis, o).contains(&i)).collect();
                prop_assert_eq!(g.windows_over(axis, i), over, "axis {} cell {} of {:?}", axis, i, pool);
            }
        }
        match pool.kind {
            PoolKind::Max => prop_assert_eq!(core.winners, Some(winners)),
            PoolKind::Avg => prop_assert_eq!(core.winners, None),
        }
        Ok(true)
    });
}

#[test]
fn structural_field_is_what_a_perturbation_reaches() {
    let skipped = Cell::new(0);
    run_counting("perturbation", 160, 0.8, case(6), |case| {
        let net = build(&case, true);
        let eval = net.evaluate();
        if eval.error.is_some() || eval.outputs.len() < 2 {
            return Ok(false);
        }
        if eval.outputs.iter().any(|o| o.iter().any(|v| !v.is_finite())) {
            skipped.set(skipped.get() + 1);
            return Ok(false);
        }
        let probe = probe_of(&case, &eval);
        let rec = net.receptive(&eval, probe).expect("probe inside");
        // Perturb the input and the output of one layer in the middle.
        let from = (case.seed as usize) % probe.layer;
        for start in [0, from] {
            let base = &eval.outputs[start];
            let sub =
                |x: Array3<f64>| Network { dims: net.dims, input: x, layers: net.layers[start..probe.layer].to_vec() };
            let original = eval.outputs[probe.layer][probe.index];
            for (cell, _) in base.indexed_iter() {
                let mut x = (**base).clone();
                x[cell] += 1e20;
                let after = sub(x).evaluate();
                prop_assert!(after.error.is_none());
                let changed = after.outputs.last().expect("outputs")[probe.index] != original;
                let cell = [cell.0, cell.1, cell.2];
                prop_assert_eq!(
                    changed,
                    rec.structural[start].contains(cell),
                    "layer {} cell {:?} for probe {:?} of {:#?}",
                    start,
                    cell,
                    probe,
                    net.layers
                );
            }
        }
        Ok(true)
    });
    eprintln!("perturbation: {} stacks skipped for a -inf window", skipped.get());
}

#[test]
fn receptive_masks_equal_the_naive_propagation() {
    run_counting("masks", 300, 0.8, case(8), |case| {
        let net = build(&case, false);
        let eval = net.evaluate();
        if eval.error.is_some() {
            return Ok(false);
        }
        let probe = probe_of(&case, &eval);
        let rec = net.receptive(&eval, probe).expect("probe inside");
        let (structural, decided) = naive_receptive(&net, &eval, probe);
        prop_assert_eq!(rec.structural.len(), probe.layer + 1);
        for k in 0..=probe.layer {
            prop_assert!(same_cells(&rec.structural[k], &structural[k]), "structural layer {} of {:#?}", k, net.layers);
            prop_assert!(same_cells(&rec.decided[k], &decided[k]), "decided layer {} of {:#?}", k, net.layers);
            prop_assert!(
                rec.decided[k].cells().all(|cell| rec.structural[k].contains(cell)),
                "decided within structural"
            );
            prop_assert_eq!(rec.structural[k].count(), structural[k].iter().filter(|m| **m).count());
        }
        Ok(true)
    });
}

/// `(r, j, first)` per axis by the recurrence, written independently of the core:
/// `first` is the input position of the probed cell's first window cell
/// (negative in the padding), `first_k(o) = first_(k-1)(o*s - p)`.
fn recurrence(net: &Network, upto: usize, index: [usize; 2]) -> Option<[(usize, usize, i64); 2]> {
    let mut out = [(1usize, 1usize, 0i64); 2];
    for axis in 0..2 {
        let (mut r, mut j, mut offset) = (1usize, 1usize, 0i64);
        for layer in &net.layers[..upto] {
            match layer {
                Layer::Conv(c) if c.op.is_transposed() => return None,
                Layer::Conv(c) => {
                    let k = c.weight.dim().2.max(1) * (1 - axis) + c.weight.dim().3 * axis;
                    let h = c.hyper;
                    r += (k - 1) * h.dilation[axis] * j;
                    offset -= (h.padding[axis] * j) as i64;
                    j *= h.stride[axis];
                }
                Layer::Pool(p) => {
                    r += (p.kernel[axis] - 1) * p.dilation[axis] * j;
                    offset -= (p.padding[axis] * j) as i64;
                    j *= p.stride[axis];
                }
                Layer::Pad(p) => offset -= (p.amounts[if axis == 0 { 2 } else { 0 }] * j) as i64,
                Layer::Relu => {}
            }
        }
        out[axis] = (r, j, index[axis] as i64 * j as i64 + offset);
    }
    Some(out)
}

#[test]
fn rf_and_jump_follow_the_recurrence_and_bound_the_field() {
    let inside = Cell::new(0);
    run_counting("rf", 300, 0.8, case(14), |case| {
        let net = build(&case, false);
        let eval = net.evaluate();
        if eval.error.is_some() {
            return Ok(false);
        }
        let rows = net.summary();
        prop_assert_eq!(rows.len(), eval.outputs.len());
        for (k, row) in rows.iter().enumerate() {
            let expected = recurrence(&net, k, [0, 0]);
            prop_assert_eq!(row.rf, expected.map(|e| [e[0].0, e[1].0]), "layer {}", k);
            prop_assert_eq!(row.jump, expected.map(|e| [e[0].1, e[1].1]), "layer {}", k);
            prop_assert_eq!(row.shape, {
                let (c, h, w) = eval.outputs[k].dim();
                [c, h, w]
            });
        }
        // A probe whose window lies inside the input: the field's bounding box is the window.
        let probe = probe_of(&case, &eval);
        let Some(terms) = recurrence(&net, probe.layer, [probe.index[1], probe.index[2]]) else { return Ok(true) };
        let (_, h, w) = eval.outputs[0].dim();
        let fits = |(r, _, first): (usize, usize, i64), n: usize| first >= 0 && first + r as i64 <= n as i64;
        if fits(terms[0], h) && fits(terms[1], w) {
            inside.set(inside.get() + 1);
            let rec = net.receptive(&eval, probe).expect("inside");
            let (lo, hi) = rec.structural[0].bounding_box().expect("not empty");
            let first = [terms[0].2 as usize, terms[1].2 as usize];
            prop_assert_eq!(lo, first);
            prop_assert_eq!(hi, [first[0] + terms[0].0 - 1, first[1] + terms[1].0 - 1], "{:#?}", net.layers);
        }
        Ok(true)
    });
    eprintln!("rf: {} probes away from the borders", inside.get());
    assert!(inside.get() >= 50, "too few probes away from the borders: {}", inside.get());
}

fn wild() -> impl Strategy<Value = usize> {
    prop::sample::select(vec![0usize, 1, 2, 3, 7, 1 << 20, usize::MAX / 3, usize::MAX / 2, usize::MAX - 1, usize::MAX])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any parameters, however wrong or huge, give an error or a result, never a panic.
    #[test]
    fn wild_layers_never_panic(
        kind in 0u8..5,
        k in [wild(), wild()],
        s in [wild(), wild()],
        p in [wild(), wild(), wild(), wild()],
        d in [wild(), wild()],
        (ceil, cip, one_d, mode) in (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY, 0u8..6),
        (c, h, w) in (1usize..=2, 1usize..=4, 1usize..=4),
    ) {
        let dims = if one_d { Dims::One } else { Dims::Two };
        let pool = |kind| Pool { kind, dims, kernel: k, stride: s, padding: [p[0], p[1]], dilation: d, ceil_mode: ceil, count_include_pad: cip };
        let layer = match kind {
            0 => Layer::Pool(pool(PoolKind::Max)),
            1 => Layer::Pool(pool(PoolKind::Avg)),
            2 => Layer::Pad(Pad { dims, amounts: p, mode: padding_mode(mode), value: 1.0 }),
            3 => Layer::Conv(ConvLayer {
                op: Op::Conv2d.with_dims(dims),
                weight: Array4::ones((1, c, 1, 2)),
                bias: None,
                hyper: Hyper { stride: s, padding: [p[0], p[1]], dilation: d, padding_mode: padding_mode(mode), ..Hyper::default() },
            }),
            _ => Layer::Conv(ConvLayer {
                op: Op::ConvTranspose2d.with_dims(dims),
                weight: Array4::ones((c, 1, 1, 2)),
                bias: None,
                hyper: Hyper { stride: s, padding: [p[0], p[1]], dilation: d, output_padding: [p[2], p[3]], ..Hyper::default() },
            }),
        };
        let input = Array3::ones((c, if one_d { 1 } else { h }, w));
        // The pooling geometry's answers, without the network's caps.
        if let Layer::Pool(pool) = &layer
            && let Ok(g) = pool.geometry([c, input.dim().1, w])
        {
            let _ = g.divisor([0, 0]);
            let _ = g.windows_over(1, 0).len().min(g.output[1]);
        }
        let net = Network { dims, input, layers: vec![layer.clone(), Layer::Relu] };
        let eval = net.evaluate();
        let rows = net.summary();
        prop_assert_eq!(rows.len(), eval.outputs.len());
        let _ = layer.macs([c, h, w]);
        let probe = Probe { layer: eval.outputs.len() - 1, index: [0, 0, 0] };
        prop_assert!(net.receptive(&eval, probe).is_some());
    }
}

/// The pooling panel's practice: every output cell's question asks for the
/// naive loops' value and its terms make it (max, or sum over the divisor);
/// every input cell's gradient question (`dY = 1`) asks for the core's
/// backward pass's value, and its terms add up to it.
#[test]
fn pool_questions_ask_for_the_naive_values_and_their_terms_make_them() {
    use convscope::model::practice::{Combine, Question};
    run_counting("pool questions", 300, 0.8, pool_case(), |(pool, x)| {
        let (Ok(core), Some((y, _))) = (pool.apply(&x), naive_pool(&x, &pool)) else { return Ok(false) };
        let g = pool.geometry([x.dim().0, x.dim().1, x.dim().2]).expect("valid");
        for (step, (index, &want)) in y.indexed_iter().enumerate() {
            let q = Question::pool(&g, &x, step, 2).ok_or_else(|| TestCaseError::fail("a step without a question"))?;
            prop_assert_eq!(q.expected, want, "{} of {:?}", q.label, pool);
            let (c, i, j) = index;
            let mut data_index = vec![c, i, j];
            if pool.dims == Dims::One {
                data_index.remove(1);
            }
            prop_assert_eq!(&q.index, &data_index);
            let values: Vec<f64> = (0..q.products.len()).filter_map(|k| q.product(k)).collect();
            match q.combine {
                Combine::Max => prop_assert_eq!(values.iter().copied().fold(f64::NEG_INFINITY, f64::max), want),
                Combine::Mean(d) => prop_assert!((values.iter().sum::<f64>() / d as f64 - want).abs() < 1e-12),
                Combine::Sum => prop_assert!(false, "a pooling window is a max or a mean"),
            }
            prop_assert_eq!(q.combine == Combine::Max, pool.kind == PoolKind::Max);
        }
        let dx = g.grad_input(&core, &Array3::ones(y.dim())).expect("backward");
        for (step, &want) in dx.iter().enumerate() {
            let q = Question::pool_grad(&g, core.winners.as_ref(), step)
                .ok_or_else(|| TestCaseError::fail("a cell without a question"))?;
            prop_assert!((q.expected - want).abs() < 1e-12, "{}: {} against {}", q.label, q.expected, want);
            let sum: f64 = (0..q.products.len()).filter_map(|k| q.product(k)).sum();
            prop_assert!((sum - want).abs() < 1e-12, "{}: terms {:?}", q.label, q.products);
        }
        prop_assert!(Question::pool(&g, &x, y.len(), 2).is_none() && Question::pool_grad(&g, None, x.len()).is_none());
        Ok(true)
    });
}
