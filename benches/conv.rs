//! Direct (sliding window) vs im2col on two sizes, as issue #3 asks:
//! a 3x64x64 input with 8 3x3 filters and a 3x224x224 input with 16 3x3
//! filters (stride 1, padding 1). Run with `cargo bench --bench conv`.

use std::hint::black_box;

use convscope::conv::{ConvParams, conv2d, conv2d_trace, im2col};
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array3, Array4};

fn problem(c: usize, hw: usize, f: usize) -> (Array3<f64>, Array4<f64>) {
    let x = Array3::from_shape_fn((c, hw, hw), |(a, b, d)| ((a * 31 + b * 17 + d * 7) % 13) as f64 - 6.0);
    let w = Array4::from_shape_fn((f, c, 3, 3), |(a, b, i, j)| ((a * 5 + b * 3 + i * 2 + j) % 7) as f64 - 3.0);
    (x, w)
}

fn bench(c: &mut Criterion) {
    let params = ConvParams { padding: [1, 1], ..Default::default() };
    for (ch, hw, f) in [(3, 64, 8), (3, 224, 16)] {
        let (x, w) = problem(ch, hw, f);
        let mut group = c.benchmark_group(format!("{ch}x{hw}x{hw}_{f}x3x3"));
        group.sample_size(10);
        group.bench_function("direct", |b| b.iter(|| conv2d(black_box(&x), black_box(&w), None, &params)));
        group.bench_function("im2col", |b| b.iter(|| im2col(black_box(&x), black_box(&w), None, &params)));
        if hw <= 64 {
            // The trace the UI renders: every product of every step.
            group.bench_function("trace", |b| b.iter(|| conv2d_trace(black_box(&x), black_box(&w), None, &params)));
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
