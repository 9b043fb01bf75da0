//! The core's im2col beside the seeds' NumPy method (benches/im2col_numpy.py):
//! `Im2col::new` (the patch matrix, the weight matrix, their product and the
//! reshaped output) on the same problem with the same values: input
//! `(3, 224, 224)`, 16 filters `(3, 3, 3)`, padding 1, stride 1, every value
//! `((i * 7919) % 17 - 8) / 8` for its row-major index `i`.
//!
//! Prints one JSON line (times in ms, checksums, a few output cells) for
//! `im2col_numpy.py --report`; `benches/im2col_vs_numpy.sh` runs both benches
//! in turn and prints the table. Alone: `cargo bench --bench im2col -- --runs 15`.

use std::hint::black_box;
use std::time::Instant;

use convscope::conv::{Hyper, Im2col, Problem};
use ndarray::{Array3, Array4};

/// `((i * 7919) % 17 - 8) / 8`: the fixed "random" values both benches use.
fn value(i: usize) -> f64 {
    (((i * 7919) % 17) as f64 - 8.0) / 8.0
}

/// Output cells compared with NumPy's: `(filter, row, column)`, as in im2col_numpy.py's `CELLS`.
const CELLS: [[usize; 3]; 6] = [[0, 0, 0], [15, 223, 223], [7, 100, 37], [3, 0, 223], [11, 223, 0], [5, 112, 112]];

fn problem() -> Problem {
    let (c, hw, f, k) = (3, 224, 16, 3);
    // Row-major over (C, H, W) and (F, C, KH, KW), PyTorch's layouts.
    let input = Array3::from_shape_fn((c, hw, hw), |(a, i, j)| value((a * hw + i) * hw + j));
    let weight = Array4::from_shape_fn((f, c, k, k), |(a, b, i, j)| value(((a * c + b) * k + i) * k + j));
    Problem { input, weight, hyper: Hyper { padding: [1, 1], ..Hyper::default() }, ..Problem::default() }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; the only option read here is `--runs N`.
    let args: Vec<String> = std::env::args().collect();
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(at) => args.get(at + 1).ok_or("--runs needs a number")?.parse()?,
        None => 15,
    };
    let p = problem();
    let m = Im2col::new(&p)?; // warm-up, and the result to check
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        black_box(Im2col::new(black_box(&p))?);
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    // The same sums as NumPy's, in the same order (exact: every value is a multiple of 1/64).
    let flat: Vec<f64> = m.output.iter().copied().collect();
    let sum: f64 = flat.iter().sum();
    let weighted: f64 = flat.iter().enumerate().map(|(k, v)| v * ((k % 7 + 1) as f64)).sum();
    let squares: f64 = flat.iter().map(|v| v * v).sum();
    let cells: Vec<f64> = CELLS.iter().map(|&[f, i, j]| m.output[[f, i, j]]).collect();
    let line = serde_json::json!({
        "key": "rust",
        "label": "ConvScope core: `Im2col::new` (Rust, native, `cargo bench` profile)",
        "times_ms": times,
        "checksum": [sum, weighted, squares],
        "cells": cells,
        "env": format!("Rust core on {} {}", std::env::consts::OS, std::env::consts::ARCH),
    });
    println!("{line}");
    Ok(())
}
