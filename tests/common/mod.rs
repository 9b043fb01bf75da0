//! Naive loop references, written independently of the core: the property
//! tests compare every operation against these.
#![allow(dead_code)]

pub mod full_trace;

use convscope::conv::PaddingMode;
use ndarray::{Array1, Array3, Array4};

/// Maps a signed position on an axis of length `n` to the input index it reads.
pub fn source(p: isize, n: usize, mode: PaddingMode) -> Option<usize> {
    let n = n as isize;
    let i = match mode {
        PaddingMode::Zeros => p,
        PaddingMode::Replicate => p.max(0).min(n - 1),
        PaddingMode::Circular => ((p % n) + n) % n,
        PaddingMode::Reflect => {
            if p < 0 {
                -p
            } else if p >= n {
                2 * (n - 1) - p
            } else {
                p
            }
        }
    };
    (0..n).contains(&i).then_some(i as usize)
}

pub struct Conv {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
    pub mode: PaddingMode,
    pub flip: bool,
}

/// y[f, oi, oj] = b[f] + sum_{c in group(f), ki, kj} x[c, src(oi*s + ki*d - p), ...] * w[f, c', ki', kj']
pub fn conv2d(x: &Array3<f64>, w: &Array4<f64>, b: Option<&Array1<f64>>, p: &Conv) -> Array3<f64> {
    let (c_in, h, wd) = x.dim();
    let (f_out, cg, kh, kw) = w.dim();
    let oh = (h + 2 * p.padding[0] - p.dilation[0] * (kh - 1) - 1) / p.stride[0] + 1;
    let ow = (wd + 2 * p.padding[1] - p.dilation[1] * (kw - 1) - 1) / p.stride[1] + 1;
    let fg = f_out / p.groups;
    assert_eq!(cg * p.groups, c_in);
    let mut y = Array3::zeros((f_out, oh, ow));
    for f in 0..f_out {
        for oi in 0..oh {
            for oj in 0..ow {
                let mut acc = b.map_or(0.0, |b| b[f]);
                for cl in 0..cg {
                    let c = (f / fg) * cg + cl;
                    for ki in 0..kh {
                        for kj in 0..kw {
                            let pi = (oi * p.stride[0] + ki * p.dilation[0]) as isize - p.padding[0] as isize;
                            let pj = (oj * p.stride[1] + kj * p.dilation[1]) as isize - p.padding[1] as isize;
                            let (Some(si), Some(sj)) = (source(pi, h, p.mode), source(pj, wd, p.mode)) else {
                                continue;
                            };
                            let (wi, wj) = if p.flip { (kh - 1 - ki, kw - 1 - kj) } else { (ki, kj) };
                            acc += x[[c, si, sj]] * w[[f, cl, wi, wj]];
                        }
                    }
                }
                y[[f, oi, oj]] = acc;
            }
        }
    }
    y
}

pub struct Transpose {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub output_padding: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

/// Scatter-add: y[f, i*s + ki*d - p, ...] += x[c, i, j] * w[c, f', ki, kj].
pub fn conv_transpose2d(x: &Array3<f64>, w: &Array4<f64>, b: Option<&Array1<f64>>, p: &Transpose) -> Array3<f64> {
    let (c_in, h, wd) = x.dim();
    let (_, fg, kh, kw) = w.dim();
    let oh = (h - 1) * p.stride[0] + p.dilation[0] * (kh - 1) + p.output_padding[0] + 1 - 2 * p.padding[0];
    let ow = (wd - 1) * p.stride[1] + p.dilation[1] * (kw - 1) + p.output_padding[1] + 1 - 2 * p.padding[1];
    let cg = c_in / p.groups;
    let mut y = Array3::zeros((fg * p.groups, oh, ow));
    for f in 0..fg * p.groups {
        for oi in 0..oh {
            for oj in 0..ow {
                y[[f, oi, oj]] = b.map_or(0.0, |b| b[f]);
            }
        }
    }
    for c in 0..c_in {
        for i in 0..h {
            for j in 0..wd {
                for fl in 0..fg {
                    let f = (c / cg) * fg + fl;
                    for ki in 0..kh {
                        for kj in 0..kw {
                            let oi = (i * p.stride[0] + ki * p.dilation[0]) as isize - p.padding[0] as isize;
                            let oj = (j * p.stride[1] + kj * p.dilation[1]) as isize - p.padding[1] as isize;
                            if (0..oh as isize).contains(&oi) && (0..ow as isize).contains(&oj) {
                                y[[f, oi as usize, oj as usize]] += x[[c, i, j]] * w[[c, fl, ki, kj]];
                            }
                        }
                    }
                }
            }
        }
    }
    y
}

/// Sum of element-wise products.
pub fn inner<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>, b: &ndarray::Array<f64, D>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

/// Nested JSON numbers (as the golden files store tensors) to an array of their shape.
pub fn json_array(v: &serde_json::Value) -> ndarray::ArrayD<f64> {
    fn shape(v: &serde_json::Value, out: &mut Vec<usize>) {
        if let serde_json::Value::Array(items) = v {
            out.push(items.len());
            if let Some(first) = items.first() {
                shape(first, out);
            }
        }
    }
    fn flat(v: &serde_json::Value, out: &mut Vec<f64>) {
        match v {
            serde_json::Value::Array(items) => items.iter().for_each(|i| flat(i, out)),
            other => out.push(other.as_f64().expect("number")),
        }
    }
    let mut s = Vec::new();
    shape(v, &mut s);
    let mut values = Vec::new();
    flat(v, &mut values);
    ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&s), values).expect("rectangular")
}
