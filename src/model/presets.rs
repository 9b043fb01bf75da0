//! Named examples: every example of the seed tutorials, the transposed
//! convolution examples, and the classic image kernels. Each is a
//! configuration document, so a preset is exactly what a link could hold.

use crate::model::document::{Document, DocumentError};

/// A named example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// Stable id (used in the preset menu's values and in tests).
    pub id: &'static str,
    /// What the menu shows.
    pub label: &'static str,
    /// Menu group: one of [`PRESET_GROUPS`].
    pub group: &'static str,
    /// What the learner should know that the numbers do not say (shown
    /// beside the example while it is on screen).
    pub note: Option<&'static str>,
}

/// The example a first open shows (the default document's problem), so the
/// menu names it.
pub const DEFAULT: &str = "seed-2d";

/// The menu's groups, in the menu's order.
pub const PRESET_GROUPS: [&str; 4] = ["Seed examples", "Transposed convolution", "Networks", "Classic kernels"];

pub const PRESETS: &[Preset] = &[
    Preset { id: "seed-2d", label: "2D, one channel (5x5 * 3x3)", group: "Seed examples", note: None },
    Preset {
        id: "seed-1d-true-conv",
        label: "1D true convolution [1,2,-1,1,-3] * [-1,0,1]",
        group: "Seed examples",
        note: None,
    },
    Preset { id: "seed-1d-im2col", label: "1D im2col, one channel (7 * 3)", group: "Seed examples", note: None },
    Preset { id: "seed-1d-channels", label: "1D, two channels", group: "Seed examples", note: None },
    Preset { id: "seed-2d-channels", label: "2D, two channels", group: "Seed examples", note: None },
    Preset { id: "seed-2d-filters", label: "2D, two channels, two filters", group: "Seed examples", note: None },
    Preset {
        id: "seed-nchw",
        label: "3x32x32 input, one 5x5x3 filter, padding 2, bias",
        group: "Seed examples",
        note: None,
    },
    Preset {
        id: "seed-6x6",
        label: "6x6 input, 3x3 kernel: a 4x4 output",
        group: "Seed examples",
        note: Some(
            "The third tutorial's sliding window: a 6x6 matrix and a 3x3 filter with stride 1 give (6-3)/1+1 = 4 by 4.",
        ),
    },
    Preset {
        id: "seed-backprop-1x1",
        label: "Backprop: x (3, 2, 2) with a 1x1 filter over 3 channels",
        group: "Seed examples",
        note: Some(
            "The second tutorial's backprop example with dY = ones: dX is the filter's weight in every cell of its channel, dW sums each channel of x, db counts the output cells.",
        ),
    },
    Preset {
        id: "seed-transpose-1d",
        label: "Transposed 1D: [a, b] with [x, y, z], stride 2",
        group: "Transposed convolution",
        note: None,
    },
    Preset {
        id: "seed-transpose-2d",
        label: "Transposed 2D: 2x2 to 4x4, stride 2, padding 1, output_padding 1",
        group: "Transposed convolution",
        note: Some(
            "The tutorial says a 2x2 input gives 4x4 with stride 2 and padding 1; by PyTorch's formula (2-1)*2 - 2*1 + (3-1) + 1 = 3, so this example adds output_padding 1 to reach 4x4.",
        ),
    },
    Preset {
        id: "seed-matrix-form",
        label: "Transposed 1D as a matrix: [a,b,c,d], padding 1",
        group: "Transposed convolution",
        note: None,
    },
    Preset {
        id: "net-lenet",
        label: "LeNet-5's feature extractor on 1x32x32",
        group: "Networks",
        note: Some(
            "Two 5x5 convolutions, each followed by ReLU and 2x2 max pooling: 1x32x32 becomes 6x28x28, 6x14x14, 16x10x10 and 16x5x5, and one last cell sees a 16x16 patch of the input.",
        ),
    },
    Preset {
        id: "net-vgg",
        label: "VGG block: two 3x3 convolutions see as far as one 5x5",
        group: "Networks",
        note: Some(
            "Two 3x3 layers give each output cell a 5x5 receptive field, like one 5x5 layer. With 8 channels in and out, one 5x5 layer has 8·8·25 + 8 = 1608 parameters; these two have 2·(8·8·9 + 8) = 1168, and a ReLU between them.",
        ),
    },
    Preset {
        id: "net-downsample",
        label: "Downsampling: max pooling or a strided convolution",
        group: "Networks",
        note: Some(
            "Pooling halves 8x8 to 4x4 after a 3x3 convolution: jump 2, receptive field 4. Set layer 1's stride to 2 and remove layers 2 and 3: the same 4x4 output and jump, a receptive field of 3, and a quarter of the multiply-adds.",
        ),
    },
    Preset {
        id: "net-causal",
        label: "Causal dilated 1D stack (WaveNet): dilations 1, 2, 4, 8",
        group: "Networks",
        note: Some(
            "Each layer pads only on the left (F.pad), so no output sees the future, and doubles its dilation: four 2-tap layers reach 16 inputs back, with 16 outputs for 16 inputs.",
        ),
    },
    Preset {
        id: "net-separable",
        label: "Depthwise-separable block against a full convolution",
        group: "Networks",
        note: Some(
            "A 3x3 depthwise layer (groups 8) then a 1x1 pointwise one take 8 channels to 16 with 80 + 144 = 224 parameters and 4,608 + 8,192 = 12,800 multiply-adds; one full 3x3 convolution from 8 to 16 channels has 1168 parameters and 73,728 multiply-adds on this 8x8 input.",
        ),
    },
    Preset {
        id: "net-autoencoder",
        label: "Encoder-decoder: transposed layers bring the shape back",
        group: "Networks",
        note: Some(
            "Two stride-2 convolutions take 1x16x16 to 8x4x4; two stride-2 transposed convolutions (output_padding 1) bring it back to 1x16x16. The receptive-field recurrence stops at the first transposed layer: the marks still show every cell a value depends on.",
        ),
    },
    Preset { id: "kernel-identity", label: "Identity", group: "Classic kernels", note: None },
    Preset { id: "kernel-box-blur", label: "Box blur", group: "Classic kernels", note: None },
    Preset { id: "kernel-gaussian", label: "Gaussian blur", group: "Classic kernels", note: None },
    Preset { id: "kernel-sharpen", label: "Sharpen", group: "Classic kernels", note: None },
    Preset { id: "kernel-sobel-x", label: "Sobel x (vertical edges)", group: "Classic kernels", note: None },
    Preset { id: "kernel-sobel-y", label: "Sobel y (horizontal edges)", group: "Classic kernels", note: None },
    Preset { id: "kernel-laplacian", label: "Laplacian", group: "Classic kernels", note: None },
    Preset { id: "kernel-emboss", label: "Emboss", group: "Classic kernels", note: None },
];

/// A 3x3 classic kernel by preset id.
pub fn classic_kernel(id: &str) -> Option<[[f64; 3]; 3]> {
    let b = 1.0 / 9.0;
    Some(match id {
        "kernel-identity" => [[0., 0., 0.], [0., 1., 0.], [0., 0., 0.]],
        "kernel-box-blur" => [[b, b, b], [b, b, b], [b, b, b]],
        "kernel-gaussian" => [[0.0625, 0.125, 0.0625], [0.125, 0.25, 0.125], [0.0625, 0.125, 0.0625]],
        "kernel-sharpen" => [[0., -1., 0.], [-1., 5., -1.], [0., -1., 0.]],
        "kernel-sobel-x" => [[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]],
        "kernel-sobel-y" => [[-1., -2., -1.], [0., 0., 0.], [1., 2., 1.]],
        "kernel-laplacian" => [[0., 1., 0.], [1., -4., 1.], [0., 1., 0.]],
        "kernel-emboss" => [[-2., -1., 0.], [-1., 1., 1.], [0., 1., 2.]],
        _ => return None,
    })
}

/// The two-channel 5x5 input of seeds/000 In \[18\], as (C, H, W).
const SEED_TWO_CHANNELS: &str = "[[[1,-3,-1,-2,-2],[-2,1,0,-1,0],[-2,1,0,-3,-2],[-2,2,-2,-3,2],[2,-2,0,-3,1]],\
     [[-3,0,2,-2,-2],[-2,0,-3,-1,0],[-1,-3,-2,1,-3],[1,1,-2,2,-1],[0,2,-2,1,-2]]]";

/// The preset's document, read from [`document`]; `None` for an unknown id.
pub fn open(id: &str) -> Option<Result<Document, DocumentError>> {
    document(id).map(|text| Document::parse(&text))
}

/// The preset's configuration document (JSON text, exactly what a link could
/// hold), or `None` for an unknown id. Kept as text rather than built with
/// `json!`: data compresses far better than the code that would build it.
pub fn document(id: &str) -> Option<String> {
    if let Some(k) = classic_kernel(id) {
        // A 7x7 picture: a bright 3x3 square on a dark background, so blurs,
        // edges and sharpening each show their character. Replicate padding 1
        // keeps the size without inventing dark edges at the border.
        let image: Vec<Vec<i32>> = (0..7)
            .map(|i| (0..7).map(|j| if (2..5).contains(&i) && (2..5).contains(&j) { 9 } else { 1 }).collect())
            .collect();
        let weight = serde_json::to_string(&k).ok()?;
        let image = serde_json::to_string(&image).ok()?;
        return Some(format!(
            r#"{{"op":"conv2d","input":[{image}],"weight":[[{weight}]],"padding":1,"padding_mode":"replicate"}}"#
        ));
    }
    if let Some(text) = network_document(id) {
        return Some(text);
    }
    Some(match id {
        "seed-2d" => Document::default().to_json(),
        "seed-1d-true-conv" => {
            r#"{"op":"conv1d","input":[[1,2,-1,1,-3]],"weight":[[[-1,0,1]]],"padding":1,"flip":true}"#.into()
        }
        "seed-1d-im2col" => r#"{"op":"conv1d","input":[[0,1,2,-1,1,-3,0]],"weight":[[[1,0,-1]]]}"#.into(),
        "seed-1d-channels" => {
            r#"{"op":"conv1d","input":[[0,1,2,-1,1,-3,0],[1,3,-2,2,0,1,-1]],"weight":[[[1,0,-1],[-1,0,1]]]}"#.into()
        }
        "seed-2d-channels" => format!(
            r#"{{"op":"conv2d","input":{SEED_TWO_CHANNELS},"weight":[[[[-3,-1,-1],[1,1,0],[-2,0,1]],[[1,-3,0],[2,1,-1],[2,0,0]]]]}}"#
        ),
        // seeds/000 In [23]: W (18, 2) with rows in (ki, kj, c) order, written as (F, C, KH, KW).
        "seed-2d-filters" => format!(
            r#"{{"op":"conv2d","input":{SEED_TWO_CHANNELS},"weight":[
                [[[-1,0,-1],[2,-3,2],[-3,-1,-2]],[[-3,2,-1],[-1,1,-2],[-3,-2,2]]],
                [[[-1,2,2],[1,-1,-1],[2,-2,-2]],[[1,1,-2],[0,0,-2],[-2,-3,-2]]]]}}"#
        ),
        "seed-nchw" => {
            // seeds/001: x (3, 32, 32), weight (1, 3, 5, 5), padding 2, a bias.
            // The seed draws random normals; small integers keep the sums readable.
            let x: Vec<Vec<Vec<i32>>> = (0..3)
                .map(|c| (0..32).map(|i| (0..32).map(|j| ((c * 7 + i * 3 + j * 5) % 7) - 3).collect()).collect())
                .collect();
            let w: Vec<Vec<Vec<i32>>> =
                (0..3).map(|c| (0..5).map(|i| (0..5).map(|j| ((c + i * 2 + j) % 5) - 2).collect()).collect()).collect();
            let (x, w) = (serde_json::to_string(&x).ok()?, serde_json::to_string(&w).ok()?);
            format!(r#"{{"op":"conv2d","input":{x},"weight":[{w}],"bias":[1],"padding":2}}"#)
        }
        // seeds/002: "a 6x6 matrix and a 3x3 filter give 4x4"; its values are
        // pictures in the tutorial, so a vertical edge and a vertical-edge kernel stand in.
        "seed-6x6" => r#"{"op":"conv2d","input":[[0,0,0,9,9,9],[0,0,0,9,9,9],[0,0,0,9,9,9],[0,0,0,9,9,9],[0,0,0,9,9,9],[0,0,0,9,9,9]],"weight":[[1,0,-1],[1,0,-1],[1,0,-1]]}"#.into(),
        // seeds/001 "Convolution Backpropagation": x (3, 2, 2), weight (1, 3, 1, 1), dY ones.
        "seed-backprop-1x1" => r#"{"op":"conv2d","input":[[[1,2],[3,4]],[[5,6],[7,8]],[[9,10],[11,12]]],"weight":[[[[1]],[[10]],[[100]]]],"bias":[0],"view":"backprop"}"#.into(),
        "seed-transpose-1d" => {
            r#"{"op":"conv_transpose1d","input":[[2,3]],"weight":[[[5,7,11]]],"stride":2,"view":"transposed"}"#.into()
        }
        "seed-transpose-2d" => {
            r#"{"op":"conv_transpose2d","input":[[[1,2],[3,4]]],"weight":[[[[1,0,-1],[2,1,0],[0,1,1]]]],
            "stride":2,"padding":1,"output_padding":1,"view":"transposed"}"#
                .into()
        }
        "seed-matrix-form" => {
            r#"{"op":"conv_transpose1d","input":[[1,2,3,4]],"weight":[[[1,10,100]]],"padding":1,"view":"transposed"}"#
                .into()
        }
        _ => return None,
    })
}

/// A `(C, H, W)` input of small integers from -3 to 3 in a fixed pattern
/// (readable sums, the same in every browser), as JSON; 1D when `h` is 0.
fn pattern_input(c: usize, h: usize, w: usize) -> String {
    let cell = |ch: usize, i: usize, j: usize| ((ch * 5 + i * 3 + j * 7 + i * j) % 7) as i32 - 3;
    if h == 0 {
        let x: Vec<Vec<i32>> = (0..c).map(|ch| (0..w).map(|j| cell(ch, 0, j)).collect()).collect();
        return serde_json::to_string(&x).unwrap_or_default();
    }
    let x: Vec<Vec<Vec<i32>>> =
        (0..c).map(|ch| (0..h).map(|i| (0..w).map(|j| cell(ch, i, j)).collect()).collect()).collect();
    serde_json::to_string(&x).unwrap_or_default()
}

/// The network examples (#22): the stack on a patterned input, weights seeded.
fn network_document(id: &str) -> Option<String> {
    let conv = |seed: u64, shape: &str, rest: &str| {
        format!(r#"{{"op":"conv2d","weight":{{"seed":{seed},"shape":{shape}}},"bias":true{rest}}}"#)
    };
    let relu = r#"{"op":"relu"}"#;
    let (input, op, layers) = match id {
        "net-lenet" => (pattern_input(1, 32, 32), "conv2d", vec![
            conv(1, "[6,1,5,5]", ""),
            relu.into(),
            r#"{"op":"max_pool2d","kernel_size":2}"#.into(),
            conv(2, "[16,6,5,5]", ""),
            relu.into(),
            r#"{"op":"max_pool2d","kernel_size":2}"#.into(),
        ]),
        "net-vgg" => (pattern_input(8, 10, 10), "conv2d", vec![
            conv(1, "[8,8,3,3]", ""),
            relu.into(),
            conv(2, "[8,8,3,3]", ""),
            relu.into(),
        ]),
        "net-downsample" => (pattern_input(1, 8, 8), "conv2d", vec![
            conv(1, "[4,1,3,3]", r#","padding":1"#),
            relu.into(),
            r#"{"op":"max_pool2d","kernel_size":2}"#.into(),
        ]),
        "net-causal" => {
            let layer = |k: u64, d: usize| {
                format!(
                    r#"{{"op":"pad","pad":[{d},0]}},{{"op":"conv1d","weight":{{"seed":{k},"shape":[2,{c},2]}},"bias":true,"dilation":{d}}}"#,
                    c = if k == 1 { 1 } else { 2 }
                )
            };
            (pattern_input(1, 0, 16), "conv1d", vec![layer(1, 1), layer(2, 2), layer(3, 4), layer(4, 8)])
        }
        "net-separable" => (pattern_input(8, 8, 8), "conv2d", vec![
            conv(1, "[8,1,3,3]", r#","padding":1,"groups":8"#),
            conv(2, "[16,8,1,1]", ""),
        ]),
        "net-autoencoder" => (pattern_input(1, 16, 16), "conv2d", vec![
            conv(1, "[4,1,3,3]", r#","stride":2,"padding":1"#),
            relu.into(),
            conv(2, "[8,4,3,3]", r#","stride":2,"padding":1"#),
            relu.into(),
            r#"{"op":"conv_transpose2d","weight":{"seed":3,"shape":[8,4,3,3]},"bias":true,"stride":2,"padding":1,"output_padding":1}"#.into(),
            relu.into(),
            r#"{"op":"conv_transpose2d","weight":{"seed":4,"shape":[4,1,3,3]},"bias":true,"stride":2,"padding":1,"output_padding":1}"#.into(),
        ]),
        _ => return None,
    };
    Some(format!(r#"{{"op":"{op}","input":{input},"layers":[{}],"view":"network"}}"#, layers.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::Forward;
    use ndarray::array;

    #[test]
    fn every_preset_is_in_a_menu_group() {
        for p in PRESETS {
            assert!(PRESET_GROUPS.contains(&p.group), "{} is in no group of the menu: {}", p.id, p.group);
        }
    }

    #[test]
    fn the_default_document_is_the_default_example() {
        assert_eq!(preset(DEFAULT).problem, Document::default().problem);
    }

    fn preset(id: &str) -> Document {
        open(id).unwrap_or_else(|| panic!("{id} has no document")).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    #[test]
    fn every_preset_is_a_valid_document() {
        for p in PRESETS {
            assert!(preset(p.id).problem.output_shape().is_ok(), "{}", p.id);
        }
    }

    #[test]
    fn seed_presets_give_the_seed_numbers() {
        let run = |id: &str| Forward::new(&preset(id).problem).expect("valid").output;
        assert_eq!(run("seed-1d-true-conv"), array![[[-2., 2., 1., 2., 1.]]]);
        assert_eq!(run("seed-1d-im2col"), array![[[-2., 2., 1., 2., 1.]]]);
        // seeds/000 In [24], transposed for display.
        #[rustfmt::skip]
        let filters = array![[[ 18., 28.,  5.], [  5., -3., 26.], [-21., 15., 29.]],
                             [[ -4., 25., 15.], [  4., 12.,  3.], [ 12., -9.,  5.]]];
        assert_eq!(run("seed-2d-filters"), filters);
        assert_eq!(run("seed-2d-channels"), array![[[-2., -6., 1.], [3., -6., 0.], [14., 6., -9.]]]);
        // seeds/002: 6x6 with 3x3 gives 4x4; the edge shows as -27 where the window straddles it.
        assert_eq!(run("seed-6x6").dim(), (1, 4, 4));
        assert_eq!((0..4).map(|j| run("seed-6x6")[[0, 0, j]]).collect::<Vec<_>>(), vec![0., -27., -27., 0.]);
        // seeds/001 backprop (the issue's numbers): dX 1/10/100, dW 10/26/42, db 4.
        let b = crate::conv::Backward::new(&preset("seed-backprop-1x1").problem).expect("valid");
        assert_eq!(b.grad_input.iter().copied().collect::<Vec<_>>(), [[1.0; 4], [10.0; 4], [100.0; 4]].concat());
        assert_eq!(b.grad_weight.iter().copied().collect::<Vec<_>>(), vec![10., 26., 42.]);
        assert_eq!(b.grad_bias.to_vec(), vec![4.]);
    }
}
