//! Every printed result of the three seed tutorials (`shared/seeds/`), each
//! reproduced through the configuration document, as a learner would type it.
//! Where a seed is wrong, the test says so and checks the correct value.
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::{Backward, ColumnOrder, Forward, Hyper, Im2col, MatrixForm, Problem, Transposed};
use convscope::model::document::{Document, DocumentError};
use convscope::model::equation;
use ndarray::{Array2, Array3, array};

fn parse(text: &str) -> Problem {
    Document::parse(text).unwrap_or_else(|e: DocumentError| panic!("{e}: {text}")).problem
}

fn forward(c: &Problem) -> Array3<f64> {
    Forward::new(c).expect("valid").output
}

#[test]
fn seed000_true_convolution_1d() {
    // seeds/000 In [53]: f = [1, 2, -1, 1, -3] zero-padded, g = [-1, 0, 1],
    // (f * g)(n) for n = 0..4 prints -2 2 1 2 1 (the kernel is reversed: flip).
    let c = parse(r#"{"op":"conv1d","input":[[1,2,-1,1,-3]],"weight":[[[-1,0,1]]],"padding":1,"flip":true}"#);
    assert_eq!(forward(&c), array![[[-2., 2., 1., 2., 1.]]]);
    // Cross-correlation (no flip) gives the negation for this antisymmetric kernel.
    let c = Problem { hyper: Hyper { flip: false, ..c.hyper }, ..c };
    assert_eq!(forward(&c), array![[[2., -2., -1., -2., -1.]]]);
}

#[test]
fn seed000_dot_product_and_1d_im2col() {
    // In [1]: [0, 1, 2] . [1, 0, -1] = -2; In [4]/In [5]: Xhat (5x3) and Xhat W.
    let c = parse(r#"{"op":"conv1d","input":[[0,1,2,-1,1,-3,0]],"weight":[[[1,0,-1]]]}"#);
    let m = Im2col::new(&c).expect("valid");
    assert_eq!(equation::im2col_row(&m, 0, 0, ColumnOrder::ChannelMajor), "0*1 + 1*0 + 2*(-1) = -2");
    #[rustfmt::skip]
    let xhat = array![[ 0.,  1.,  2.], [ 1.,  2., -1.], [ 2., -1.,  1.], [-1.,  1., -3.], [ 1., -3.,  0.]];
    assert_eq!(m.patches, xhat);
    assert_eq!(m.product, array![[-2.], [2.], [1.], [2.], [1.]]);
}

#[test]
fn seed000_1d_two_channels() {
    // In [6]-[9]: X is 7x2 (positions x channels), W is 3x2. The seed's own
    // product cell fails with a NameError; the intended Xhat @ W is [-5, 1, 3, 1, 0].
    let c = parse(r#"{"op":"conv1d","input":[[0,1,2,-1,1,-3,0],[1,3,-2,2,0,1,-1]],"weight":[[[1,0,-1],[-1,0,1]]]}"#);
    assert_eq!(forward(&c), array![[[-5., 1., 3., 1., 0.]]]);
    let m = Im2col::new(&c).expect("valid");
    // The seed orders Xhat's columns (position, channel): [0 1 1 3 2 -2]; unfold
    // orders them (channel, position): [0 1 2 | 1 3 -2]. Same numbers, regrouped.
    assert_eq!(m.patches.row(0).to_vec(), vec![0., 1., 2., 1., 3., -2.]);
    assert_eq!(m.weights.column(0).to_vec(), vec![1., 0., -1., -1., 0., 1.]);
}

#[test]
fn seed000_2d_single_channel() {
    // In [11]-[17]: the app's default example.
    let c = Problem::default();
    #[rustfmt::skip]
    let expected = array![[[ 2., -5.,  2.], [12.,  2., -5.], [-2.,  8., 12.]]];
    assert_eq!(forward(&c), expected);
    let m = Im2col::new(&c).expect("valid");
    // In [14]: the first rows of Xhat.
    assert_eq!(m.patches.row(0).to_vec(), vec![2., 1., -1., -1., 1., 0., -1., 0., -1.]);
    assert_eq!(m.patches.row(8).to_vec(), vec![-1., 0., -1., -1., 1., -1., -2., -3., -3.]);
    // In [13]: W flattened.
    assert_eq!(m.weights.column(0).to_vec(), vec![-2., 2., 0., 2., 2., 2., -3., -1., -1.]);
}

fn seed_two_channel_input() -> &'static str {
    // In [18]: X printed transposed (2, 0, 1), i.e. exactly our (C, H, W).
    r#"[[[1,-3,-1,-2,-2],[-2,1,0,-1,0],[-2,1,0,-3,-2],[-2,2,-2,-3,2],[2,-2,0,-3,1]],
        [[-3,0,2,-2,-2],[-2,0,-3,-1,0],[-1,-3,-2,1,-3],[1,1,-2,2,-1],[0,2,-2,1,-2]]]"#
}

#[test]
fn seed000_2d_two_channels() {
    // In [19]: W printed transposed (2, 0, 1): one filter, (C, KH, KW).
    let text = format!(
        r#"{{"input":{},"weight":[[[[-3,-1,-1],[1,1,0],[-2,0,1]],[[1,-3,0],[2,1,-1],[2,0,0]]]]}}"#,
        seed_two_channel_input()
    );
    let c = parse(&text);
    // In [22]: [[-2, -6, 1], [3, -6, 0], [14, 6, -9]].
    assert_eq!(forward(&c), array![[[-2., -6., 1.], [3., -6., 0.], [14., 6., -9.]]]);
    // In [21]: Xhat's first row in the seed's (position, channel) order is
    // [1 -3 -3 0 -1 2 -2 -2 1 0 0 -3 -2 -1 1 -3 0 -2]; unfold's channel-major order regroups it.
    let m = Im2col::new(&c).expect("valid");
    let seed_row = [1., -3., -3., 0., -1., 2., -2., -2., 1., 0., 0., -3., -2., -1., 1., -3., 0., -2.];
    let regrouped: Vec<f64> = (0..2).flat_map(|ch| (0..9).map(move |k| seed_row[k * 2 + ch])).collect();
    assert_eq!(m.patches.row(0).to_vec(), regrouped);
}

#[test]
fn seed000_multiple_filters() {
    // In [23]: W is (3*3*2, 2), rows in (ki, kj, c) order; our weight is (F, C, KH, KW).
    #[rustfmt::skip]
    let w_seed: Array2<f64> = array![
        [-1., -1.], [-3.,  1.], [ 0.,  2.], [ 2.,  1.], [-1.,  2.], [-1., -2.],
        [ 2.,  1.], [-1.,  0.], [-3., -1.], [ 1.,  0.], [ 2., -1.], [-2., -2.],
        [-3.,  2.], [-3., -2.], [-1., -2.], [-2., -3.], [-2., -2.], [ 2., -2.]];
    let weight: Vec<Vec<Vec<Vec<f64>>>> = (0..2)
        .map(|f| {
            (0..2)
                .map(|c| (0..3).map(|i| (0..3).map(|j| w_seed[[(i * 3 + j) * 2 + c, f]]).collect()).collect())
                .collect()
        })
        .collect();
    let text = format!(
        r#"{{"input":{},"weight":{}}}"#,
        seed_two_channel_input(),
        serde_json::to_string(&weight).expect("json")
    );
    let c = parse(&text);
    // In [24]: the output transposed for display, (F, OH, OW).
    #[rustfmt::skip]
    let expected = array![[[ 18., 28.,  5.], [  5., -3., 26.], [-21., 15., 29.]],
                          [[ -4., 25., 15.], [  4., 12.,  3.], [ 12., -9.,  5.]]];
    assert_eq!(forward(&c), expected);
}

#[test]
fn seed001_nchw_forward_with_padding_and_bias() {
    // seeds/001: x (3, 32, 32), one 5x5x3 filter, pad 2, stride 1, a bias ->
    // output (1, 32, 32); H_out = 1 + (32 + 2*2 - 5)/1 = 32.
    let input: Vec<Vec<Vec<i32>>> = (0..3)
        .map(|c| (0..32).map(|i| (0..32).map(|j| ((c * 7 + i * 3 + j * 5) % 7) - 3).collect()).collect())
        .collect();
    let weight: Vec<Vec<Vec<Vec<i32>>>> =
        vec![(0..3).map(|c| (0..5).map(|i| (0..5).map(|j| ((c + i * 2 + j) % 5) - 2).collect()).collect()).collect()];
    let text = format!(
        r#"{{"input":{},"weight":{},"bias":[0.5],"padding":2}}"#,
        serde_json::to_string(&input).expect("json"),
        serde_json::to_string(&weight).expect("json")
    );
    let c = parse(&text);
    let trace = Forward::new(&c).expect("valid");
    assert_eq!(trace.output.dim(), (1, 32, 32));
    assert_eq!(trace.padded.values.dim(), (3, 36, 36));
    // The seed's loop: y[f, h, w] = sum(x_pad[:, h:h+5, w:w+5] * weight[f]) + b[f],
    // with x_pad built here as np.pad(x, 2) does, not taken from the core.
    let x_pad = ndarray::Array3::from_shape_fn((3, 36, 36), |(ch, i, j)| {
        let inside = (2..34).contains(&i) && (2..34).contains(&j);
        if inside { c.input[[ch, i - 2, j - 2]] } else { 0.0 }
    });
    assert_eq!(trace.padded.values, x_pad);
    for (h, w) in [(0, 0), (13, 21), (31, 31)] {
        let mut sum = 0.5;
        for ch in 0..3 {
            for i in 0..5 {
                for j in 0..5 {
                    sum += x_pad[[ch, h + i, w + j]] * c.weight[[0, ch, i, j]];
                }
            }
        }
        assert_eq!(trace.output[[0, h, w]], sum);
    }
    // Backward with grad_y = ones: grad_b = sum(grad_y) = 32*32.
    assert!(c.grad_output.is_none(), "the default dY is ones");
    let grads = Backward::new(&c).expect("valid");
    assert_eq!(grads.grad_output, Array3::from_elem((1, 32, 32), 1.0));
    assert_eq!(grads.grad_bias[0], 1024.0);
}

#[test]
fn seed001_transposed_1d_stride_2() {
    // "[a, b] and [x, y, z], stride=2 -> [ax, ay, az + bx, by, bz]" with
    // a=2, b=3, x=5, y=7, z=11 (PyTorch: F.conv_transpose1d gives [10, 14, 37, 21, 33]).
    let c = parse(r#"{"op":"conv_transpose1d","input":[[2,3]],"weight":[[[5,7,11]]],"stride":2}"#);
    let t = Transposed::new(&c).expect("valid");
    assert_eq!(t.output, array![[[10., 14., 37., 21., 33.]]]);
}

#[test]
fn seed001_matrix_form_pad_1() {
    // The seed's convolution matrix for [a, b, c, d], kernel [x, y, z], pad 1,
    // stride 1: rows [x y z 0 0 0], [0 x y z 0 0], ... over the padded input.
    // Its printed products contain slips (the first row is 0*x + a*y + b*z =
    // ay + bz, not "ax + bz"; the transposed product's last rows are c'z + d'y
    // and d'z, not "d'z + d'y" and "d'y"). With x=1, y=10, z=100 and
    // a'..d' = 1, 2, 3, 4 the correct values are checked here.
    let c = parse(r#"{"op":"conv_transpose1d","input":[[1,2,3,4]],"weight":[[[1,10,100]]],"padding":1}"#);
    let m = MatrixForm::new(&c).expect("small");
    #[rustfmt::skip]
    let expected = array![[1., 10., 100.,   0.,   0.,   0.],
                          [0.,  1.,  10., 100.,   0.,   0.],
                          [0.,  0.,   1.,  10., 100.,   0.],
                          [0.,  0.,   0.,   1.,  10., 100.]];
    assert_eq!(m.matrix, expected);
    // C^T [a', b', c', d'] = [a'x, a'y + b'x, a'z + b'y + c'x, b'z + c'y + d'x, c'z + d'y, d'z]
    assert_eq!(m.canvas.to_vec(), vec![1., 12., 123., 234., 340., 400.]);
    // Cropping the padding gives the transposed convolution's output.
    let t = Transposed::new(&c).expect("valid");
    assert_eq!(t.output, array![[[12., 123., 234., 340.]]]);
}

#[test]
fn seed002_output_shape_formula() {
    // seeds/002 Eq 1 with stride 1: a 6x6 matrix and a 3x3 filter give 4x4.
    let input = vec![vec![0; 6]; 6];
    let text =
        format!(r#"{{"input":{},"weight":[[1,1,1],[1,1,1],[1,1,1]]}}"#, serde_json::to_string(&input).expect("json"));
    assert_eq!(parse(&text).output_shape().expect("valid"), [1, 4, 4]);
    // Per-axis stride (sx over rows, sy over columns): 6x6, 3x3, stride (2, 1) -> 2x4.
    let text = format!(
        r#"{{"input":{},"weight":[[1,1,1],[1,1,1],[1,1,1]],"stride":[2,1]}}"#,
        serde_json::to_string(&input).expect("json")
    );
    assert_eq!(parse(&text).output_shape().expect("valid"), [1, 2, 4]);
}
