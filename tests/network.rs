//! Networks with numbers worked out by hand: the shapes, parameters,
//! multiply-adds and receptive fields of the classic stacks (LeNet-5, a VGG
//! block, WaveNet's causal dilated stack), pooling on small inputs, and the
//! messages of layers that cannot take their input.
#![cfg(not(target_arch = "wasm32"))]

use convscope::conv::network::LAYER_OUTPUT_LIMIT;
use convscope::conv::{
    ConvError, ConvLayer, Dims, Hyper, Layer, Network, Op, Pad, PaddingMode, Pool, PoolKind, PoolWalk, Probe,
};
use ndarray::{Array1, Array3, Array4};

/// A convolution layer with weights `1` and a bias of `0.5` (values do not matter for shapes).
fn conv(op: Op, c_in: usize, c_out: usize, k: [usize; 2], hyper: Hyper) -> Layer {
    let weight = if op.is_transposed() {
        Array4::from_elem((c_in, c_out / hyper.groups, k[0], k[1]), 1.0)
    } else {
        Array4::from_elem((c_out, c_in / hyper.groups, k[0], k[1]), 1.0)
    };
    Layer::Conv(ConvLayer { op, weight, bias: Some(Array1::from_elem(c_out, 0.5)), hyper })
}

fn conv2d(c_in: usize, c_out: usize, k: usize, padding: usize) -> Layer {
    conv(Op::Conv2d, c_in, c_out, [k, k], Hyper { padding: [padding, padding], ..Hyper::default() })
}

fn max_pool2d(k: usize) -> Layer {
    Layer::Pool(Pool { kernel: [k, k], stride: [k, k], ..Pool::default() })
}

fn max_pool1d_k2() -> Layer {
    Layer::Pool(Pool { dims: Dims::One, kernel: [1, 2], stride: [1, 2], ..Pool::default() })
}

fn ramp(shape: [usize; 3]) -> Array3<f64> {
    Array3::from_shape_fn((shape[0], shape[1], shape[2]), |(c, i, j)| ((c * 7 + i * 3 + j) % 11) as f64 - 4.0)
}

fn lenet() -> Network {
    Network {
        dims: Dims::Two,
        input: ramp([1, 32, 32]),
        layers: vec![conv2d(1, 6, 5, 0), Layer::Relu, max_pool2d(2), conv2d(6, 16, 5, 0), Layer::Relu, max_pool2d(2)],
    }
}

#[test]
fn lenet5_feature_extractor() {
    // conv5 -> 6x28x28, pool2 -> 6x14x14, conv5 -> 16x10x10, pool2 -> 16x5x5.
    let net = lenet();
    let rows = net.summary();
    let shapes: Vec<[usize; 3]> = rows.iter().map(|r| r.shape).collect();
    assert_eq!(
        shapes,
        vec![[1, 32, 32], [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 10, 10], [16, 10, 10], [16, 5, 5]]
    );
    // 6*1*5*5 + 6 = 156; 16*6*5*5 + 16 = 2416.
    assert_eq!(rows.iter().map(|r| r.params).collect::<Vec<_>>(), vec![0, 156, 0, 0, 2416, 0, 0]);
    // 6*28*28 * 1*5*5 = 117600; 16*10*10 * 6*5*5 = 240000.
    assert_eq!(rows.iter().map(|r| r.macs).collect::<Vec<_>>(), vec![0, 117_600, 0, 0, 240_000, 0, 0]);
    // r: 1, 5, 5, 5+1*1*1 = 6, 6+4*1*2 = 14, 14, 14+1*1*2 = 16; j: 1, 1, 1, 2, 2, 2, 4.
    assert_eq!(rows.iter().map(|r| r.rf.map(|rf| rf[1])).collect::<Vec<_>>(), [1, 5, 5, 6, 14, 14, 16].map(Some));
    assert_eq!(rows.iter().map(|r| r.jump.map(|j| j[0])).collect::<Vec<_>>(), [1, 1, 1, 2, 2, 2, 4].map(Some));
    let step = rows[4].rf_terms.expect("a convolution has terms")[0];
    assert_eq!(
        [step.r_prev, step.kernel, step.dilation, step.j_prev, step.stride, step.r, step.j],
        [6, 5, 1, 2, 1, 14, 2]
    );
    assert_eq!(rows[2].rf_terms, None, "ReLU keeps r and j");

    let eval = net.evaluate();
    assert_eq!(eval.error, None);
    assert_eq!(eval.outputs.len(), 7);
    // An edit of layer 4 keeps the outputs of layers 0..=3 (the same allocations) and recomputes the rest.
    let mut edited = net.clone();
    if let Layer::Conv(c) = &mut edited.layers[3] {
        c.weight[[0, 0, 0, 0]] += 1.0;
    }
    let again = edited.evaluate_from(&eval, 4);
    assert_eq!(again, edited.evaluate());
    assert!(std::rc::Rc::ptr_eq(&again.outputs[3], &eval.outputs[3]));
    assert_ne!(again.outputs[4], eval.outputs[4]);
    assert_eq!(edited.evaluate_from(&eval, 0), edited.evaluate());
    assert_eq!(eval.outputs[6].dim(), (16, 5, 5));
    assert!(eval.winners[3].is_some() && eval.winners[6].is_some() && eval.winners[1].is_none());
    // A deep cell in the middle sees a 16x16 square of the input.
    let rec = net.receptive(&eval, Probe { layer: 6, index: [3, 2, 2] }).expect("probe inside");
    assert_eq!(rec.structural.len(), 7);
    assert_eq!(rec.structural[0].bounding_box(), Some(([8, 8], [23, 23])));
    assert_eq!(rec.structural[0].count(), 16 * 16);
    assert_eq!(rec.structural[6].count(), 1);
    // Layer 3 (6x14x14): pool 2 reads rows 4..=5 of layer 4, conv 5 rows 4..=9 of layer 3, in all 6 channels.
    assert_eq!(rec.structural[3].count(), 6 * 6 * 6);
    assert_eq!(rec.structural[3].bounding_box(), Some(([4, 4], [9, 9])));
    assert!(rec.decided[5].count() <= 4, "one winner of the last pool: {}", rec.decided[5].count());
    for (s, d) in rec.structural.iter().zip(&rec.decided) {
        assert!(d.cells().all(|cell| s.contains(cell)));
    }
}

#[test]
fn vgg_two_3x3_see_as_far_as_one_5x5() {
    let two = Network {
        dims: Dims::Two,
        input: ramp([16, 12, 12]),
        layers: vec![conv2d(16, 16, 3, 1), Layer::Relu, conv2d(16, 16, 3, 1)],
    };
    let one = Network { layers: vec![conv2d(16, 16, 5, 2)], ..two.clone() };
    let (two_rows, one_rows) = (two.summary(), one.summary());
    assert_eq!(two_rows[3].rf, Some([5, 5]));
    assert_eq!(one_rows[1].rf, Some([5, 5]));
    // 2 * (16*16*9 + 16) = 4640 against 16*16*25 + 16 = 6416.
    assert_eq!(two_rows.iter().map(|r| r.params).sum::<usize>(), 4640);
    assert_eq!(one_rows[1].params, 6416);
    let eval = two.evaluate();
    let rec = two.receptive(&eval, Probe { layer: 3, index: [0, 6, 6] }).expect("inside");
    assert_eq!(rec.structural[0].bounding_box(), Some(([4, 4], [8, 8])));
    assert_eq!(rec.structural[0].count(), 16 * 25);
}

/// WaveNet's causal stack: `F.pad(x, (d, 0))` then `conv1d(kernel 2, dilation d)`, d = 1, 2, 4, 8.
fn causal() -> Network {
    let mut layers = Vec::new();
    for d in [1, 2, 4, 8] {
        layers.push(Layer::Pad(Pad { dims: Dims::One, amounts: [d, 0, 0, 0], ..Pad::default() }));
        layers.push(conv(Op::Conv1d, 1, 1, [1, 2], Hyper { dilation: [1, d], ..Hyper::default() }));
    }
    Network { dims: Dims::One, input: Array3::from_shape_fn((1, 1, 16), |(_, _, j)| j as f64), layers }
}

#[test]
fn causal_dilated_stack_sees_16() {
    let net = causal();
    let rows = net.summary();
    assert_eq!(rows.len(), 9);
    // Each F.pad(x, (d, 0)) adds d cells, which the conv1d of dilation d takes away again.
    let widths: Vec<usize> = rows.iter().map(|r| r.shape[2]).collect();
    assert_eq!(widths, vec![16, 17, 16, 18, 16, 20, 16, 24, 16]);
    // r = 1 + 1 + 2 + 4 + 8 = 16 along the width; the height stays 1.
    assert_eq!(rows[8].rf, Some([1, 16]));
    assert_eq!(rows[8].jump, Some([1, 1]));
    assert_eq!(rows.iter().map(|r| r.rf.map(|r| r[1])).collect::<Vec<_>>(), [1, 1, 2, 2, 4, 4, 8, 8, 16].map(Some));
    let eval = net.evaluate();
    assert_eq!(eval.error, None);
    // The last cell sees the whole input; cell 5 sees cells 0..=5 only: the rest is padding.
    let rec = net.receptive(&eval, Probe { layer: 8, index: [0, 0, 15] }).expect("inside");
    assert_eq!(rec.structural[0].count(), 16);
    let rec = net.receptive(&eval, Probe { layer: 8, index: [0, 0, 5] }).expect("inside");
    assert_eq!(rec.structural[0].cells().collect::<Vec<_>>(), (0..6).map(|j| [0, 0, j]).collect::<Vec<_>>());
    assert_eq!(net.receptive(&eval, Probe { layer: 8, index: [0, 1, 5] }), None, "1D has row 0 only");
    assert_eq!(net.receptive(&eval, Probe { layer: 9, index: [0, 0, 5] }), None);
}

#[test]
fn pooling_by_hand() -> Result<(), ConvError> {
    // x = [1 2 3 4 5 6], padding 1 -> padded [_ 1 2 3 4 5 6 _]; kernel 3, stride 2, ceil mode:
    // floor((6 + 2 - 3 + 1)/2) + 1 = 4 windows at padded 0, 2, 4, 6; the last one runs past the border.
    let x = Array3::from_shape_vec((1, 1, 6), vec![1., 2., 3., 4., 5., 6.]).expect("shape");
    let avg = Pool {
        kind: PoolKind::Avg,
        dims: Dims::One,
        kernel: [1, 3],
        stride: [1, 2],
        padding: [0, 1],
        ceil_mode: true,
        ..Pool::default()
    };
    // count_include_pad: (0+1+2)/3, (2+3+4)/3, (4+5+6)/3, (6+0)/2: the divisor is clipped to the padded border.
    assert_eq!(avg.apply(&x)?.output.into_raw_vec_and_offset().0, vec![1.0, 3.0, 5.0, 3.0]);
    let g = avg.geometry([1, 1, 6])?;
    assert_eq!([0, 1, 2, 3].map(|o| g.divisor([0, o])), [3, 3, 3, 2].map(Some));
    assert_eq!(g.window([0, 3]), vec![[0, 5]]);
    let pooled = avg.apply(&x)?;
    let step = g.step(&x, 3).expect("4 steps");
    assert_eq!((step.out_index, step.start, step.cells.clone()), ([0, 0, 3], [0, 6], vec![([0, 5], 6.0)]));
    assert_eq!((step.divisor, step.winner, step.value), (Some(2), None, 3.0));
    assert_eq!((g.steps(PoolWalk::Forward), g.step_of([0, 0, 3]), g.step(&x, 4)), (4, Some(3), None));
    // Backward: each window spreads its gradient over its input cells, divided by its divisor.
    let grad = g.grad_input(&pooled, &Array3::from_elem((1, 1, 4), 6.0))?;
    assert_eq!(grad.into_raw_vec_and_offset().0, vec![2., 2. + 2., 2., 2. + 2., 2., 2. + 3.]);
    let avg = Pool { count_include_pad: false, ..avg };
    assert_eq!(avg.apply(&x)?.output.into_raw_vec_and_offset().0, vec![1.5, 3.0, 5.0, 6.0]);
    // Without ceil mode: floor(5/2) + 1 = 3 windows.
    assert_eq!(Pool { ceil_mode: false, ..avg }.geometry([1, 1, 6])?.output, [1, 3]);
    // Ceil mode drops a window that would start in the right padding: n = 5, k = 2, s = 2, p = 1:
    // floor((5 + 2 - 2 + 1)/2) + 1 = 4, but (4-1)*2 = 6 >= 5 + 1, so 3.
    let pool = Pool { kernel: [1, 2], stride: [1, 2], padding: [0, 1], ..avg };
    assert_eq!(pool.geometry([1, 1, 5])?.output, [1, 3]);

    // Max pooling: the first maximum in window order wins; padding never does.
    #[rustfmt::skip]
    let x = Array3::from_shape_vec((1, 4, 4), vec![
        1., 3., 0., -1.,
        3., 2., -2., -1.,
        0., 0., 5., 5.,
        0., 1., 5., 4.,
    ]).expect("shape");
    let pooled = Pool::default().apply(&x)?;
    assert_eq!(pooled.output.clone().into_raw_vec_and_offset().0, vec![3., 0., 1., 5.]);
    let g = Pool::default().geometry([1, 4, 4])?;
    let grad = g.grad_input(&pooled, &Array3::from_elem((1, 2, 2), 1.0))?;
    assert_eq!(grad.iter().sum::<f64>(), 4.0);
    assert_eq!((grad[[0, 0, 1]], grad[[0, 1, 0]]), (1.0, 0.0), "a tie routes to the first maximum only");
    let winners = pooled.winners.expect("max pooling has winners");
    assert_eq!(winners.into_raw_vec_and_offset().0, vec![Some([0, 1]), Some([0, 2]), Some([3, 1]), Some([2, 2])]);
    // Padding 1 around all-negative values: -inf padding never wins.
    let neg = x.mapv(|v| -v - 10.0);
    let padded = Pool { kernel: [2, 2], stride: [2, 2], padding: [1, 1], ..Pool::default() }.apply(&neg)?;
    assert_eq!(padded.output[[0, 0, 0]], -11.0);
    assert_eq!(padded.winners.expect("max")[[0, 0, 0]], Some([0, 0]));
    // Dilation 2: the taps of window (0, 0) are (0,0), (0,2), (2,0), (2,2).
    let dilated = Pool { kernel: [2, 2], stride: [1, 1], dilation: [2, 2], ..Pool::default() }.apply(&x)?;
    assert_eq!(dilated.output.dim(), (1, 2, 2));
    assert_eq!(dilated.output[[0, 0, 0]], 5.0);
    assert_eq!(dilated.winners.expect("max")[[0, 0, 0]], Some([2, 2]));
    // torch 2.15: F.max_pool1d(torch.tensor([[-inf, nan, 1., nan]]), 4, return_indices=True) -> (nan, 3):
    // a NaN wins, the last one over earlier ones.
    let x = Array3::from_shape_vec((1, 1, 4), vec![f64::NEG_INFINITY, f64::NAN, 1.0, f64::NAN]).expect("shape");
    let nan = Pool { dims: Dims::One, kernel: [1, 4], stride: [1, 4], ..Pool::default() }.apply(&x)?;
    assert!(nan.output[[0, 0, 0]].is_nan());
    assert_eq!(nan.winners.expect("max")[[0, 0, 0]], Some([0, 3]));
    // F.max_pool1d(torch.tensor([[5.]]), 2, 1, padding=1, dilation=2) -> -inf: both taps are padding
    // (torch's index, 1, points past the input; the core has no winner).
    let x = Array3::from_elem((1, 1, 1), 5.0);
    let empty =
        Pool { dims: Dims::One, kernel: [1, 2], stride: [1, 1], padding: [0, 1], dilation: [1, 2], ..Pool::default() }
            .apply(&x)?;
    assert_eq!(empty.output[[0, 0, 0]], f64::NEG_INFINITY);
    assert_eq!(empty.winners.expect("max")[[0, 0, 0]], None);
    Ok(())
}

#[test]
fn pad_modes_by_hand() -> Result<(), ConvError> {
    // F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode=...)
    let x = Array3::from_shape_vec((1, 1, 3), vec![1., 2., 3.]).expect("shape");
    let pad = |mode, value| Pad { dims: Dims::One, amounts: [2, 1, 0, 0], mode, value };
    let row = |p: Pad| p.apply(&x).map(|a| a.into_raw_vec_and_offset().0);
    assert_eq!(row(pad(PaddingMode::Zeros, 7.0))?, vec![7., 7., 1., 2., 3., 7.]);
    assert_eq!(row(pad(PaddingMode::Reflect, 0.0))?, vec![3., 2., 1., 2., 3., 2.]);
    assert_eq!(row(pad(PaddingMode::Replicate, 0.0))?, vec![1., 1., 1., 2., 3., 3.]);
    assert_eq!(row(pad(PaddingMode::Circular, 0.0))?, vec![2., 3., 1., 2., 3., 1.]);
    for mode in PaddingMode::ALL {
        let pad = Pad { mode, ..Pad::default() };
        assert_eq!(Pad::mode_of_name(pad.mode_name()), Some(mode));
    }
    assert_eq!((Pad::mode_of_name("zeros"), Pad::default().mode_name()), (None, "constant"));
    let too_far = Pad { amounts: [3, 0, 0, 0], ..pad(PaddingMode::Reflect, 0.0) };
    assert_eq!(
        too_far.apply(&x).unwrap_err().to_string(),
        "reflect padding 3 needs input size > 3, but the width is 3"
    );
    let wraps_twice = Pad { amounts: [0, 4, 0, 0], ..pad(PaddingMode::Circular, 0.0) };
    assert_eq!(
        wraps_twice.apply(&x).unwrap_err().to_string(),
        "circular padding 4 needs input size >= 4, but the width is 3"
    );
    // 2D, asymmetric: (left 1, right 0, top 0, bottom 2) on 2x2 -> 4x3.
    let x = Array3::from_shape_vec((1, 2, 2), vec![1., 2., 3., 4.]).expect("shape");
    let p = Pad { dims: Dims::Two, amounts: [1, 0, 0, 2], mode: PaddingMode::Replicate, value: 0.0 };
    #[rustfmt::skip]
    assert_eq!(p.apply(&x)?.into_raw_vec_and_offset().0, vec![
        1., 1., 2.,
        3., 3., 4.,
        3., 3., 4.,
        3., 3., 4.,
    ]);
    Ok(())
}

#[test]
fn layers_that_cannot_take_their_input_say_why() {
    let net = Network {
        dims: Dims::Two,
        input: ramp([3, 8, 8]),
        layers: vec![conv2d(3, 8, 3, 1), Layer::Relu, conv2d(3, 16, 3, 1), max_pool2d(2)],
    };
    let eval = net.evaluate();
    let err = eval.error.expect("layer 3 fails");
    assert_eq!(err.layer, 3);
    assert_eq!(err.error.to_string(), "conv2d expects 3 input channels (weight [16, 3, 3, 3]) but its input has 8");
    assert_eq!(err.to_string(), "layer 3: conv2d expects 3 input channels (weight [16, 3, 3, 3]) but its input has 8");
    assert_eq!(eval.outputs.len(), 3, "input and layers 1 and 2");
    assert_eq!(net.summary().len(), 3);
    let (shapes, error) = net.shapes();
    assert_eq!((shapes.len(), error.map(|e| e.layer)), (3, Some(3)));

    let pool = Layer::Pool(Pool { kernel: [3, 3], stride: [1, 1], dilation: [2, 2], ..Pool::default() });
    assert_eq!(
        pool.output_shape([1, 4, 4]).unwrap_err().to_string(),
        "max_pool2d kernel 3x3 with dilation 2 spans 5x5 but padded input is 4x4"
    );
    let pool = Layer::Pool(Pool { kernel: [3, 3], stride: [1, 1], padding: [2, 2], ..Pool::default() });
    assert_eq!(
        pool.output_shape([1, 8, 8]).unwrap_err().to_string(),
        "max_pool2d padding 2 must be at most half of kernel 3x3, so at most 1"
    );
    let avg = Layer::Pool(Pool { kind: PoolKind::Avg, dilation: [2, 2], ..Pool::default() });
    assert_eq!(avg.output_shape([1, 8, 8]).unwrap_err().to_string(), "avg_pool2d takes no dilation");
    // Pools halve the kernel size, not the dilated span (torch 2.15).
    let pool1d =
        Pool { dims: Dims::One, kernel: [1, 2], stride: [1, 1], padding: [0, 2], dilation: [1, 3], ..Pool::default() };
    assert_eq!(
        pool1d.geometry([1, 1, 9]).unwrap_err().to_string(),
        "max_pool1d padding 2 must be at most half of kernel 2, so at most 1"
    );
    let net = Network { dims: Dims::One, input: ramp([1, 1, 8]), layers: vec![conv2d(1, 1, 1, 0)] };
    assert_eq!(net.evaluate().error.expect("dims").error.to_string(), "a 2D layer (conv2d) on a 1D input");
    let net = Network { dims: Dims::One, input: ramp([1, 2, 8]), layers: vec![Layer::Relu] };
    let err = net.evaluate().error.expect("height 2 in 1D");
    assert_eq!((err.layer, err.error.to_string()), (0, "input of a 1D operation must have height 1, got 2".into()));
    assert_eq!((net.summary().len(), net.shapes().1.map(|e| e.layer)), (1, Some(0)));
    // An evaluation of another network is no answer for this one.
    let other = Network { dims: Dims::One, input: ramp([1, 1, 8]), layers: vec![max_pool1d_k2()] };
    let same_shape = Network { layers: vec![Layer::Relu], ..other.clone() };
    assert_eq!(same_shape.receptive(&other.evaluate(), Probe { layer: 1, index: [0, 0, 0] }), None);
    let huge = Layer::Pad(Pad { amounts: [1 << 13, 1 << 13, 0, 0], ..Pad::default() });
    assert!(matches!(huge.output_shape([1, 1 << 10, 1]), Err(ConvError::TooLarge { limit: LAYER_OUTPUT_LIMIT, .. })));
    let overflow = Layer::Pad(Pad { amounts: [usize::MAX, 1, 0, 0], ..Pad::default() });
    assert!(overflow.output_shape([1, 1, 1]).is_err());
    let bias = Layer::Conv(ConvLayer {
        op: Op::Conv2d,
        weight: Array4::zeros((2, 1, 1, 1)),
        bias: Some(Array1::zeros(3)),
        hyper: Hyper::default(),
    });
    assert_eq!(
        bias.output_shape([1, 2, 2]).unwrap_err().to_string(),
        "bias has 3 value(s) but there are 2 output channel(s)"
    );
}

#[test]
fn transposed_layers_end_the_recurrence() {
    // An encoder-decoder: conv stride 2 halves, conv_transpose stride 2 doubles back.
    let down = conv(Op::Conv2d, 1, 4, [2, 2], Hyper { stride: [2, 2], ..Hyper::default() });
    let up = conv(Op::ConvTranspose2d, 4, 1, [2, 2], Hyper { stride: [2, 2], ..Hyper::default() });
    let net = Network { dims: Dims::Two, input: ramp([1, 8, 8]), layers: vec![down, Layer::Relu, up, Layer::Relu] };
    let rows = net.summary();
    assert_eq!(
        rows.iter().map(|r| r.shape).collect::<Vec<_>>(),
        vec![[1, 8, 8], [4, 4, 4], [4, 4, 4], [1, 8, 8], [1, 8, 8]]
    );
    assert_eq!(
        rows.iter().map(|r| r.rf).collect::<Vec<_>>(),
        vec![Some([1, 1]), Some([2, 2]), Some([2, 2]), None, None]
    );
    // Transposed: C_in*H*W * (C_out/groups)*KH*KW = 4*4*4 * 1*2*2 = 256; direct: 4*4*4 * 1*2*2 = 256.
    assert_eq!(rows[3].macs, 256);
    assert_eq!(rows[1].macs, 256);
    assert_eq!(rows[3].params, 4 * 4 + 1);
    // Output cell (5, 2) of the decoder comes from the encoder cell (2, 1), which reads input rows 4..=5, cols 2..=3.
    let eval = net.evaluate();
    let rec = net.receptive(&eval, Probe { layer: 3, index: [0, 5, 2] }).expect("inside");
    assert_eq!(rec.structural[2].cells().collect::<Vec<_>>(), (0..4).map(|c| [c, 2, 1]).collect::<Vec<_>>());
    assert_eq!(rec.structural[0].bounding_box(), Some(([4, 2], [5, 3])));
}

#[test]
fn grouped_convolution_keeps_to_its_group() {
    let grouped = conv(Op::Conv2d, 4, 4, [1, 1], Hyper { groups: 2, ..Hyper::default() });
    let net = Network { dims: Dims::Two, input: ramp([4, 3, 3]), layers: vec![grouped] };
    let eval = net.evaluate();
    let rec = net.receptive(&eval, Probe { layer: 1, index: [3, 1, 1] }).expect("inside");
    assert_eq!(rec.structural[0].cells().collect::<Vec<_>>(), vec![[2, 1, 1], [3, 1, 1]]);
    assert_eq!(net.summary()[1].params, 4 * 2 + 4);
}

#[test]
fn relu_at_zero_cuts_the_decided_path() {
    // conv 1x1 with weight 1 and bias 0.5 on [-2, 3] then ReLU: the -1.5 cell is cut.
    let c = conv(Op::Conv1d, 1, 1, [1, 1], Hyper::default());
    let net = Network {
        dims: Dims::One,
        input: Array3::from_shape_vec((1, 1, 2), vec![-2.0, 3.0]).expect("shape"),
        layers: vec![c, Layer::Relu],
    };
    let eval = net.evaluate();
    assert_eq!(eval.outputs[2].as_slice(), Some(&[0.0, 3.5][..]));
    let cut = net.receptive(&eval, Probe { layer: 2, index: [0, 0, 0] }).expect("inside");
    assert_eq!((cut.structural[0].count(), cut.decided[0].count()), (1, 0));
    assert_eq!((cut.structural[1].count(), cut.decided[1].count()), (1, 0));
    let kept = net.receptive(&eval, Probe { layer: 2, index: [0, 0, 1] }).expect("inside");
    assert_eq!(kept.decided[0].cells().collect::<Vec<_>>(), vec![[0, 0, 1]]);
}

#[test]
fn reflect_padding_cells_stand_for_their_sources() {
    // conv 3 with reflect padding 1 on [a b c]: output 0 reads padded [b a b] -> input cells 0 and 1.
    let c = conv(
        Op::Conv1d,
        1,
        1,
        [1, 3],
        Hyper { padding: [0, 1], padding_mode: PaddingMode::Reflect, ..Hyper::default() },
    );
    let net = Network { dims: Dims::One, input: ramp([1, 1, 3]), layers: vec![c] };
    let eval = net.evaluate();
    let rec = net.receptive(&eval, Probe { layer: 1, index: [0, 0, 0] }).expect("inside");
    assert_eq!(rec.structural[0].cells().collect::<Vec<_>>(), vec![[0, 0, 0], [0, 0, 1]]);
    // Zero padding: the same cell reads input cells 0 and 1, the padding cell is no cell.
    let z = conv(Op::Conv1d, 1, 1, [1, 3], Hyper { padding: [0, 1], ..Hyper::default() });
    let net = Network { layers: vec![z], ..net };
    let eval = net.evaluate();
    let rec = net.receptive(&eval, Probe { layer: 1, index: [0, 0, 0] }).expect("inside");
    assert_eq!(rec.structural[0].count(), 2);
}
