//! The core's costs at real sizes: the whole results an edit recomputes
//! (direct, im2col, the three gradients) and the on-demand answers a step
//! asks for (one step's terms, the windows over one input cell, one weight
//! gradient cell's terms), and a network's: every layer's output of an
//! 8-layer stack and the receptive field of one deep cell in every layer
//! (the browser's budget for the latter is one frame, 16 ms). Run with
//! `cargo bench --bench conv`.

use std::hint::black_box;

use convscope::conv::{Backward, ConvLayer, Dims, Forward, Hyper, Im2col, Layer, Network, Op, Pool, Probe, Problem};
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array3, Array4};

/// `c x hw x hw` input, `f` filters 3x3, padding 1, small integers.
fn problem(c: usize, hw: usize, f: usize) -> Problem {
    let input = Array3::from_shape_fn((c, hw, hw), |(a, b, d)| ((a * 31 + b * 17 + d * 7) % 13) as f64 - 6.0);
    let weight = Array4::from_shape_fn((f, c, 3, 3), |(a, b, i, j)| ((a * 5 + b * 3 + i * 2 + j) % 7) as f64 - 3.0);
    Problem { input, weight, hyper: Hyper { padding: [1, 1], ..Hyper::default() }, ..Problem::default() }
}

fn bench(c: &mut Criterion) {
    for (ch, hw, f) in [(3, 64, 8), (3, 64, 16), (3, 224, 16)] {
        let p = problem(ch, hw, f);
        let mut group = c.benchmark_group(format!("{ch}x{hw}x{hw}_{f}x3x3"));
        group.sample_size(10);
        group.bench_function("direct", |b| b.iter(|| Forward::new(black_box(&p))));
        group.bench_function("im2col", |b| b.iter(|| Im2col::new(black_box(&p))));
        if hw <= 64 {
            group.bench_function("gradients", |b| b.iter(|| Backward::new(black_box(&p))));
            let fw = Forward::new(&p).expect("valid");
            let back = Backward::new(&p).expect("valid");
            let middle = fw.geometry.steps() / 2;
            group.bench_function("one step", |b| b.iter(|| fw.step(black_box(middle))));
            group.bench_function("feeds of one cell", |b| b.iter(|| fw.feeds(black_box([1, 30, 30]))));
            group.bench_function("one grad_weight cell", |b| b.iter(|| back.weight_terms_of(black_box([3, 1, 1, 1]))));
        }
        group.finish();
    }
}

/// 3x64x64 input, 8 layers with 16 channels: (conv3 pad 1, ReLU) x 2, max pool 2, conv3, ReLU, conv3.
fn network() -> Network {
    let conv = |c_in: usize, seed: usize| {
        let weight = Array4::from_shape_fn((16, c_in, 3, 3), |(a, b, i, j)| {
            ((a * 5 + b * 3 + i * 2 + j + seed) % 7) as f64 - 3.0
        });
        let hyper = Hyper { padding: [1, 1], ..Hyper::default() };
        Layer::Conv(ConvLayer { op: Op::Conv2d, weight, bias: None, hyper })
    };
    let input = Array3::from_shape_fn((3, 64, 64), |(a, b, d)| ((a * 31 + b * 17 + d * 7) % 13) as f64 - 6.0);
    let layers = vec![
        conv(3, 0),
        Layer::Relu,
        conv(16, 1),
        Layer::Relu,
        Layer::Pool(Pool::default()),
        conv(16, 2),
        Layer::Relu,
        conv(16, 3),
    ];
    Network { dims: Dims::Two, input, layers }
}

fn bench_network(c: &mut Criterion) {
    let net = network();
    let eval = net.evaluate();
    assert!(eval.error.is_none() && eval.outputs.len() == 9);
    let probe = Probe { layer: 8, index: [5, 16, 16] };
    let mut group = c.benchmark_group("network_3x64x64_16ch_8_layers");
    group.sample_size(10);
    group.bench_function("evaluate", |b| b.iter(|| black_box(&net).evaluate()));
    group.bench_function("summary", |b| b.iter(|| black_box(&net).summary()));
    group.bench_function("receptive of a deep cell", |b| b.iter(|| net.receptive(&eval, black_box(probe))));
    group.bench_function("receptive of a first-layer cell", |b| {
        b.iter(|| net.receptive(&eval, black_box(Probe { layer: 1, index: [0, 0, 0] })))
    });
    group.finish();
}

criterion_group!(benches, bench, bench_network);
criterion_main!(benches);
