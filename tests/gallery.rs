//! The convolution-arithmetic gallery (#24): every card opens a set-up whose
//! output has the figure's shape (conv_arithmetic's bin/generate_makefile),
//! whose link reads back as the same document, whose numerical figures hold
//! the paper's numbers (bin/produce_figure, numpy.random.seed(1234)), and
//! whose values equal PyTorch's (tests/golden/gallery_cases.json, written by
//! tests/golden/gen_gallery.py).

use convscope::conv::Op;
use convscope::model::document::Document;
use convscope::model::gallery::{self, BEYOND, Card, PAPER, drawing};
use convscope::model::view_state::{Explain, View};
use ndarray::Array2;
use serde_json::Value;

/// conv_arithmetic's figure names, as issue #24 lists them.
const NAMES: [&str; 19] = [
    "no_padding_no_strides",
    "arbitrary_padding_no_strides",
    "same_padding_no_strides",
    "full_padding_no_strides",
    "no_padding_strides",
    "padding_strides",
    "padding_strides_odd",
    "no_padding_no_strides_transposed",
    "arbitrary_padding_no_strides_transposed",
    "same_padding_no_strides_transposed",
    "full_padding_no_strides_transposed",
    "no_padding_strides_transposed",
    "padding_strides_transposed",
    "padding_strides_odd_transposed",
    "dilation",
    "numerical_no_padding_no_strides",
    "numerical_padding_strides",
    "numerical_average_pooling",
    "numerical_max_pooling",
];

fn card(name: &str) -> Card {
    gallery::cards().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no card {name}"))
}

fn grid(a: &ndarray::Array3<f64>, channel: usize) -> Vec<Vec<f64>> {
    a.index_axis(ndarray::Axis(0), channel).outer_iter().map(|r| r.to_vec()).collect()
}

fn decode_uri_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'%' {
            out.push(u8::from_str_radix(&s[k + 1..k + 3], 16).expect("a %XX escape"));
            k += 3;
        } else {
            out.push(bytes[k]);
            k += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn every_figure_has_one_card_then_the_four_beyond_the_paper() {
    let names: Vec<&str> = gallery::cards().iter().map(|c| c.name).collect();
    let mut paper: Vec<&str> = names[..19].to_vec();
    paper.sort_unstable();
    let mut expected = NAMES.to_vec();
    expected.sort_unstable();
    assert_eq!(paper, expected);
    assert_eq!(&names[19..], BEYOND);
}

#[test]
fn each_card_outputs_the_figures_shape_and_its_relationship_says_so() {
    for spec in PAPER {
        let card = card(spec.name);
        let size = if spec.transposed { spec.input } else { spec.output };
        let output = card.output().unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        assert_eq!(output.dim(), (1, size, size), "{}: the figure maps to {size}x{size}", spec.name);
        assert_eq!(card.relationship_value, size, "{}: {:?}", spec.name, card.relationship);
        let last = card.relationship.last().expect("a relationship");
        assert!(last.ends_with(&format!("= {size}")), "{}: {last}", spec.name);
        let (_, h, _) = card.problem().input.dim();
        assert_eq!(h, if spec.transposed { spec.output } else { spec.input }, "{}: input size", spec.name);
        assert_eq!(card.problem().weight.dim().2, spec.kernel, "{}: kernel", spec.name);
    }
    // Beyond the paper.
    for (name, shape) in [
        ("grouped_two_groups", (2, 3, 3)),
        ("depthwise", (3, 3, 3)),
        ("pointwise", (2, 4, 4)),
        ("tensorflow_same_strides", (1, 3, 3)),
    ] {
        let card = card(name);
        assert_eq!(card.output().expect(name).dim(), shape, "{name}");
        assert_eq!(card.relationship_value, shape.1, "{name}: {:?}", card.relationship);
    }
}

#[test]
fn the_transposed_cards_are_conv_transpose2d_back_to_the_input_in_the_zero_inserted_view() {
    for spec in PAPER.iter().filter(|s| s.transposed) {
        let direct = card(spec.name.trim_end_matches("_transposed"));
        let card = card(spec.name);
        let p = card.problem();
        assert_eq!(p.op, Op::ConvTranspose2d, "{}", spec.name);
        assert_eq!(p.hyper.stride, direct.problem().hyper.stride, "{}: same stride", spec.name);
        assert_eq!(p.hyper.padding, direct.problem().hyper.padding, "{}: same padding", spec.name);
        assert_eq!(p.weight.dim(), direct.problem().weight.dim(), "{}: same kernel", spec.name);
        let odd = usize::from(spec.name == "padding_strides_odd_transposed");
        assert_eq!(p.hyper.output_padding, [odd; 2], "{}: output_padding", spec.name);
        assert_eq!((card.document.view.view, card.document.view.explain), (View::Transposed, Explain::ZeroInserted));
    }
    assert_eq!(card("dilation").problem().hyper.dilation, [2, 2]);
}

#[test]
fn each_open_link_reads_back_as_the_cards_document() {
    for card in gallery::cards() {
        let link = card.open_link();
        let json = link.strip_prefix("index.html#config=").expect("a relative link to the app");
        assert!(!json.contains(['"', '{', ' ', '#', '&']), "{}: percent-encoded", card.name);
        let text = decode_uri_component(json);
        let read = Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", card.name));
        assert_eq!(read, card.document, "{}", card.name);
        assert_eq!(read.to_json(), text, "{}: written as the app writes it", card.name);
    }
    let pooling = card("numerical_max_pooling").document.to_json();
    assert!(pooling.contains(r#""layers":[{"op":"max_pool2d","kernel_size":3,"stride":1}]"#), "{pooling}");
    assert!(pooling.contains(r#""view":"network""#), "{pooling}");
    let tf = card("tensorflow_same_strides").document.to_json();
    assert!(tf.contains(r#"{"op":"pad","pad":[0,1,0,1]}"#), "{tf}");
}

/// The paper's numbers (issue #24 quotes the first figure's): every
/// numerical figure draws the same input and kernel, as each of
/// produce_figure's runs seeds anew.
#[rustfmt::skip]
const PAPER_INPUT: [[f64; 5]; 5] = [
    [3., 3., 2., 1., 0.],
    [0., 0., 1., 3., 1.],
    [3., 1., 2., 2., 3.],
    [2., 0., 0., 2., 2.],
    [2., 0., 0., 0., 1.],
];
const PAPER_KERNEL: [[f64; 3]; 3] = [[0., 1., 2.], [2., 2., 0.], [0., 1., 2.]];

#[test]
fn the_numerical_figures_hold_the_papers_numbers() {
    let rows = |a: &[[f64; 3]]| a.iter().map(|r| r.to_vec()).collect::<Vec<_>>();
    #[rustfmt::skip]
    let expected: [(&str, [[f64; 3]; 3]); 4] = [
        // The values the paper's figures print (they write one decimal).
        ("numerical_no_padding_no_strides", [[12., 12., 17.], [10., 17., 19.], [9., 6., 14.]]),
        ("numerical_padding_strides", [[6., 17., 3.], [8., 17., 13.], [6., 4., 4.]]),
        ("numerical_average_pooling", [[15. / 9., 15. / 9., 15. / 9.], [9. / 9., 11. / 9., 16. / 9.], [10. / 9., 7. / 9., 12. / 9.]]),
        ("numerical_max_pooling", [[3., 3., 3.], [3., 3., 3.], [3., 2., 3.]]),
    ];
    for (name, values) in expected {
        let card = card(name);
        let input: Vec<Vec<f64>> = PAPER_INPUT.iter().map(|r| r.to_vec()).collect();
        assert_eq!(grid(&card.problem().input, 0), input, "{name}: input");
        let kernel = card.problem().weight.index_axis(ndarray::Axis(0), 0).to_owned();
        assert_eq!(grid(&kernel, 0), rows(&PAPER_KERNEL), "{name}: kernel");
        let output = card.output().expect(name);
        for (got, want) in grid(&output, 0).iter().flatten().zip(rows(&values).iter().flatten()) {
            assert!((got - want).abs() < 1e-12, "{name}: {got} against {want}");
        }
        // As the figure prints it.
        let printed: Vec<String> = output.iter().map(|&v| drawing::label(v)).collect();
        if name == "numerical_average_pooling" {
            assert_eq!(printed, ["1.7", "1.7", "1.7", "1", "1.2", "1.8", "1.1", "0.8", "1.3"]);
        }
    }
}

fn array(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(array).collect(),
        Value::Number(n) => vec![n.as_f64().expect("a number")],
        other => panic!("not a number: {other}"),
    }
}

#[test]
fn every_card_equals_pytorch() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/gallery_cases.json"))
        .expect("tests/golden/gallery_cases.json (python tests/golden/gen_gallery.py)");
    let golden: Value = serde_json::from_str(&text).expect("JSON");
    let cases = golden["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 23, "one case per card");
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let card = card(name);
        // The same numbers went in: the generator redraws them with NumPy.
        let input: Vec<f64> = card.problem().input.iter().copied().collect();
        assert_eq!(input, array(&case["input"]), "{name}: input ({})", case["call"]);
        let output = card.output().expect(name);
        let want = array(&case["output"]);
        let shape: Vec<usize> =
            case["shape"].as_array().expect("shape").iter().map(|v| v.as_u64().unwrap() as usize).collect();
        assert_eq!(output.shape(), shape.as_slice(), "{name}: {}", case["call"]);
        for (got, want) in output.iter().zip(&want) {
            assert!(
                (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{name}: {got} against {want} ({})",
                case["call"]
            );
        }
    }
}

#[test]
fn each_picture_shows_the_grid_the_window_and_the_output() {
    for card in gallery::cards() {
        let scene = drawing::scene(&card).unwrap_or_else(|e| panic!("{}: {e}", card.name));
        let output = card.output().expect(card.name);
        assert_eq!(scene.output, output.index_axis(ndarray::Axis(0), 0), "{}: the output drawn", card.name);
        assert_eq!(scene.steps.len(), scene.output.len(), "{}: a step per output cell", card.name);
        let (gh, gw) = scene.grid.dim();
        assert!(scene.steps.iter().flat_map(|s| &s.taps).all(|&[i, j]| i < gh && j < gw), "{}", card.name);
        let svg = drawing::svg(&card).expect("an SVG");
        assert!(svg.starts_with("<svg"), "{}", card.name);
        assert_eq!(svg.matches("<rect").count(), 1 + 2 * (scene.grid.len() + scene.output.len()), "{}", card.name);
    }
    // The padded grid of same padding: 7x7, its border zeros; the window's 9 taps at step 0.
    let scene = drawing::scene(&card("same_padding_no_strides")).expect("scene");
    assert_eq!(scene.grid.dim(), (7, 7));
    let zeros = scene.cells.iter().filter(|c| **c == drawing::Cell::Zero).count();
    assert_eq!(zeros, 49 - 25);
    assert_eq!(scene.steps[0].taps.len(), 9);
    // The zero-inserted grid of padding_strides_odd_transposed: 3x3 with a zero between, a border of 1 and output_padding 1: 8x8.
    let scene = drawing::scene(&card("padding_strides_odd_transposed")).expect("scene");
    assert_eq!(scene.grid.dim(), (8, 8));
    assert_eq!(scene.cells.iter().filter(|c| **c == drawing::Cell::Input).count(), 9);
    // TF SAME: the pad layer's row and column at the bottom and right.
    let scene = drawing::scene(&card("tensorflow_same_strides")).expect("scene");
    let zero_rows: Vec<usize> =
        (0..7).filter(|&i| scene.cells.row(i).iter().all(|c| *c == drawing::Cell::Zero)).collect();
    assert_eq!(zero_rows, [6]);
    let _: &Array2<f64> = &scene.grid;
}

#[test]
fn the_gif_has_a_frame_per_step_and_the_svg_writes_the_numbers() {
    let card = card("numerical_padding_strides");
    let bytes = drawing::gif(&card).expect("draws").expect("a GIF");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(bytes.as_slice()).expect("decodes");
    let mut frames = 0;
    while decoder.read_next_frame().expect("a frame").is_some() {
        frames += 1;
    }
    assert_eq!(frames, 9);
    let svg = drawing::svg(&card).expect("an SVG");
    assert!(svg.contains(">17</text>") && svg.contains(">13</text>"), "the output's numbers");
}
