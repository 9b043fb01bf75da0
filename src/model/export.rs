//! Exports of the problem on screen: NumPy and PyTorch code that recompute
//! every number the app shows, and `.npy` files of its tensors. Plain Rust,
//! tested natively; the export view only displays and downloads these.
//!
//! The code is a script: run, it leaves the result in `y` and, for a
//! convolution (not a transposed one), the gradients `dx`, `dw` and `db`
//! (`db` only with a bias) for the problem's `dY` (ones unless set). Numbers
//! are written in their shortest round-trip form, so the script's inputs are
//! exactly the app's.

use ndarray::{ArrayD, ArrayViewD};

use crate::conv::{Dims, PaddingMode, Problem, decimal};

/// A number as Python reads it back exactly (`float('inf')` for the non-finite).
fn number(v: f64) -> String {
    match v {
        v if v.is_nan() => "float('nan')".into(),
        v if v.is_infinite() => if v > 0.0 { "float('inf')" } else { "-float('inf')" }.into(),
        v => decimal::display(v),
    }
}

/// A tensor as nested Python lists, row-major.
fn nested(a: &ArrayViewD<f64>) -> String {
    match a.ndim() {
        0 => number(a.iter().next().copied().unwrap_or(0.0)),
        _ => {
            let parts: Vec<String> = a.outer_iter().map(|sub| nested(&sub)).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// `a` in PyTorch's layout: in 1D, without its (size-1) height axis `axis`.
fn torch_layout(p: &Problem, a: ArrayD<f64>, axis: usize) -> ArrayD<f64> {
    if p.dims() == Dims::One { a.index_axis_move(ndarray::Axis(axis), 0) } else { a }
}

/// The problem's tensors as the scripts declare them: 2D shapes, or the
/// height axis dropped in 1D (the document's and PyTorch's layouts).
struct Tensors {
    x: String,
    w: String,
    b: Option<String>,
    dy: Option<String>,
    /// `(C, H, W)` or `(C, W)`.
    x_shape: String,
    w_shape: String,
}

fn tensors(p: &Problem) -> Tensors {
    let drop_h = |a: ArrayD<f64>, axis: usize| torch_layout(p, a, axis);
    let x = drop_h(p.input.clone().into_dyn(), 1);
    let w = drop_h(p.weight.clone().into_dyn(), 2);
    let dy = (!p.op.is_transposed())
        .then(|| p.grad_output_or_ones().ok())
        .flatten()
        .map(|g| nested(&drop_h(g.into_dyn(), 1).view()));
    let shape = |a: &ArrayD<f64>| {
        let dims: Vec<String> = a.shape().iter().map(usize::to_string).collect();
        format!("({})", dims.join(", "))
    };
    Tensors {
        x_shape: shape(&x),
        w_shape: shape(&w),
        x: nested(&x.view()),
        w: nested(&w.view()),
        b: p.bias.as_ref().map(|b| nested(&b.view().into_dyn())),
        dy,
    }
}

/// `(h, w)` of a per-axis parameter, as a Python tuple (1D: one value).
fn pair(p: &Problem, v: [usize; 2]) -> String {
    if p.dims() == Dims::One { format!("({},)", v[1]) } else { format!("({}, {})", v[0], v[1]) }
}

/// `[[top, bottom], [left, right]]`: the padding cells before and after each
/// axis of a direct convolution, as "same" or "valid" resolve them (the
/// numbers as given when the problem is invalid).
fn sides(p: &Problem) -> [[usize; 2]; 2] {
    match p.conv_geometry() {
        Ok(g) => [0, 1].map(|a| [g.pad_before()[a], g.pad_after[a]]),
        Err(_) => p.hyper.padding.map(|v| [v, v]),
    }
}

/// NumPy code in the seeds' way: explicit padding, an im2col matrix (one row
/// per output position), one matrix product per group, a reshape; for a
/// transposed convolution, kernel copies scattered and added.
pub fn numpy_code(p: &Problem) -> String {
    let t = tensors(p);
    let h = &p.hyper;
    let one_d = p.dims() == Dims::One;
    let mut s = String::from("import numpy as np\n\n");
    if one_d {
        s += "# 1D: every array gets a height of 1 below, and loses it at the end.\n";
    }
    s += &format!("x = np.array({}, dtype=np.float64)  # input {}\n", t.x, t.x_shape);
    s += &format!("w = np.array({}, dtype=np.float64)  # weight {}\n", t.w, t.w_shape);
    s += &match &t.b {
        Some(b) => format!("b = np.array({b}, dtype=np.float64)  # bias (F,)\n"),
        None => "b = None\n".into(),
    };
    if one_d {
        s += "x, w = x[:, None, :], w[:, :, None, :]\n";
    }
    s += &format!(
        "(sh, sw), (dil_h, dil_w), groups = ({}, {}), ({}, {}), {}\n",
        h.stride[0], h.stride[1], h.dilation[0], h.dilation[1], h.groups
    );
    if p.op.is_transposed() {
        s += &format!("(ph, pw) = ({}, {})  # padding cropped from each side\n", h.padding[0], h.padding[1]);
        s += &format!("(oph, opw) = ({}, {})\n", h.output_padding[0], h.output_padding[1]);
        s += TRANSPOSED_NUMPY;
    } else {
        let [[top, bottom], [left, right]] = sides(p);
        if let Some(rule) = h.padding_rule.name() {
            s += &format!("# padding='{rule}': the cells it chose, d(k-1) per axis for 'same' (the odd one after)\n");
        }
        s += &format!(
            "(pt, pb), (pl, pr) = ({top}, {bottom}), ({left}, {right})  # padding before and after each axis\n"
        );
        s += &format!("mode = '{}'  # padding_mode\n", h.padding_mode.name());
        if h.flip {
            s += "w = w[:, :, ::-1, ::-1]  # flip: the kernel rotated by 180 degrees (true convolution)\n";
        }
        s += CONV_NUMPY;
        s += &format!(
            "dY = np.array({}, dtype=np.float64)  # upstream gradient (F, OH, OW)\n",
            t.dy.unwrap_or_default()
        );
        if one_d {
            s += "dY = dY[:, None, :]\n";
        }
        s += CONV_GRAD_NUMPY;
        if h.flip {
            s += "dw = dw[:, :, ::-1, ::-1]  # back to the kernel as written\n";
        }
    }
    if one_d {
        s += if p.op.is_transposed() {
            "y = y[:, 0, :]\n"
        } else {
            "y, dx, dw = y[:, 0, :], dx[:, 0, :], dw[:, :, 0, :]\n"
        };
    }
    s += "print('y =', y)\n";
    s
}

const CONV_NUMPY: &str = "
def pad_index(n, before, after):
    # The source index of each padded position along an axis of length n; -1 is a zero.
    i = np.arange(-before, n + after)
    if mode == 'zeros':
        return np.where((i >= 0) & (i < n), i, -1)
    if mode == 'reflect':
        i = np.abs(i)
        return np.where(i >= n, 2 * (n - 1) - i, i)
    if mode == 'replicate':
        return np.clip(i, 0, n - 1)
    return i % n  # circular

C, H, W = x.shape
F, Cg, KH, KW = w.shape  # Cg = C // groups input channels per group
Fg = F // groups
# 1. Padding: index -1 reads the extra zero row/column appended here.
ih, iw = pad_index(H, pt, pb), pad_index(W, pl, pr)
x_ext = np.pad(x, ((0, 0), (0, 1), (0, 1)))
xp = x_ext[:, ih][:, :, iw]  # padded input (C, H + pt + pb, W + pl + pr)
OH = (xp.shape[1] - dil_h * (KH - 1) - 1) // sh + 1
OW = (xp.shape[2] - dil_w * (KW - 1) - 1) // sw + 1
# 2. im2col per group: one row per output position, columns channel by channel (torch's unfold order).
cols = np.empty((groups, OH * OW, Cg * KH * KW))
for g in range(groups):
    for i in range(OH):
        for j in range(OW):
            patch = xp[g * Cg:(g + 1) * Cg, i * sh:i * sh + dil_h * (KH - 1) + 1:dil_h, j * sw:j * sw + dil_w * (KW - 1) + 1:dil_w]
            cols[g, i * OW + j] = patch.reshape(-1)
# 3. One matrix product per group, 4. reshaped to the output (F, OH, OW).
y = np.empty((F, OH, OW))
for g in range(groups):
    wg = w[g * Fg:(g + 1) * Fg].reshape(Fg, -1)  # (F/groups, C/groups*KH*KW)
    y[g * Fg:(g + 1) * Fg] = (cols[g] @ wg.T).T.reshape(Fg, OH, OW)
if b is not None:
    y += b[:, None, None]

# Backprop for dY: db sums it, dw correlates the patches with it, dx scatters it back through the padding.
";

const CONV_GRAD_NUMPY: &str = "db = dY.sum(axis=(1, 2)) if b is not None else None
dw = np.empty_like(w)
dxp = np.zeros_like(xp)
for g in range(groups):
    dYg = dY[g * Fg:(g + 1) * Fg].reshape(Fg, -1)  # (F/groups, OH*OW)
    dw[g * Fg:(g + 1) * Fg] = (dYg @ cols[g]).reshape(Fg, Cg, KH, KW)
    dcols = dYg.T @ w[g * Fg:(g + 1) * Fg].reshape(Fg, -1)  # (OH*OW, C/groups*KH*KW)
    for i in range(OH):
        for j in range(OW):
            dxp[g * Cg:(g + 1) * Cg, i * sh:i * sh + dil_h * (KH - 1) + 1:dil_h, j * sw:j * sw + dil_w * (KW - 1) + 1:dil_w] += dcols[i * OW + j].reshape(Cg, KH, KW)
dx_ext = np.zeros_like(x_ext)
np.add.at(dx_ext, (slice(None), ih[:, None], iw[None, :]), dxp)
dx = dx_ext[:, :H, :W]
";

const TRANSPOSED_NUMPY: &str = "
C, H, W = x.shape
_, Fg, KH, KW = w.shape  # w is (C, F/groups, KH, KW)
Cg, F = C // groups, Fg * groups
# The canvas holds every copy; padding crops it on each side, output_padding keeps more at the end.
canvas = np.zeros((F, (H - 1) * sh + dil_h * (KH - 1) + 1 + oph, (W - 1) * sw + dil_w * (KW - 1) + 1 + opw))
for c in range(C):
    g = c // Cg  # the group of input channel c
    for i in range(H):
        for j in range(W):
            # x[c, i, j] scales the kernel; the copy lands at the stride offset and adds to what is there.
            canvas[g * Fg:(g + 1) * Fg, i * sh:i * sh + dil_h * (KH - 1) + 1:dil_h, j * sw:j * sw + dil_w * (KW - 1) + 1:dil_w] += x[c, i, j] * w[c]
y = canvas[:, ph:canvas.shape[1] - ph, pw:canvas.shape[2] - pw]
if b is not None:
    y = y + b[:, None, None]
";

/// PyTorch code: `torch.nn.functional` on float64 tensors; for a convolution,
/// `y.backward(dY)` leaves the gradients.
pub fn pytorch_code(p: &Problem) -> String {
    let t = tensors(p);
    let h = &p.hyper;
    let one_d = p.dims() == Dims::One;
    let grad = !p.op.is_transposed();
    let req = if grad { ", requires_grad=True" } else { "" };
    let mut s = String::from("import torch\nimport torch.nn.functional as F\n\n");
    s += &format!("x = torch.tensor({}, dtype=torch.float64{req})  # input {}\n", t.x, t.x_shape);
    s += &format!("w = torch.tensor({}, dtype=torch.float64{req})  # weight {}\n", t.w, t.w_shape);
    s += &match &t.b {
        Some(b) => format!("b = torch.tensor({b}, dtype=torch.float64{req})  # bias (F,)\n"),
        None => "b = None\n".into(),
    };
    let padding = match h.padding_rule.name() {
        Some(rule) => format!("'{rule}'"),
        None => pair(p, h.padding),
    };
    let (stride, dilation) = (pair(p, h.stride), pair(p, h.dilation));
    let n = if one_d { "1d" } else { "2d" };
    if p.op.is_transposed() {
        s += &format!(
            "# One example: the batch axis is added, then taken off.\ny = F.conv_transpose{n}(x[None], w, b, stride={stride}, padding={padding}, output_padding={}, groups={}, dilation={dilation})[0]\n",
            pair(p, h.output_padding),
            h.groups
        );
    } else {
        let weight = if h.flip { if one_d { "w.flip(-1)" } else { "w.flip(-2, -1)" } } else { "w" };
        if h.flip {
            s += "# flip: the kernel rotated by 180 degrees (true convolution).\n";
        }
        s += "xb = x[None]  # one example: the batch axis is added, then taken off\n";
        let padding = if h.padding_mode == PaddingMode::Zeros {
            padding
        } else {
            // F.pad lists the last axis first: (left, right[, top, bottom]).
            let [[top, bottom], [left, right]] = sides(p);
            let pads = if one_d { format!("({left}, {right})") } else { format!("({left}, {right}, {top}, {bottom})") };
            s += &format!("xb = F.pad(xb, {pads}, mode='{}')  # padding_mode\n", h.padding_mode.name());
            "0".into()
        };
        s += &format!(
            "y = F.conv{n}(xb, {weight}, b, stride={stride}, padding={padding}, dilation={dilation}, groups={})[0]\n",
            h.groups
        );
        s += &format!("dY = torch.tensor({}, dtype=torch.float64)  # upstream gradient\n", t.dy.unwrap_or_default());
        s += "y.backward(dY)\ndx, dw = x.grad, w.grad\ndb = b.grad if b is not None else None\ny = y.detach()\n";
    }
    s += "print('y =', y)\n";
    s
}

/// The arrays of [`arrays`] a problem gives (the others are its results):
/// all a practice link that hides the answers offers.
pub const GIVEN: [&str; 4] = ["input", "weight", "bias", "grad_output"];

/// The arrays a learner can download, named as in PyTorch, in PyTorch's
/// layouts (1D: the height axis dropped): the problem's tensors, the
/// output, and for a convolution `grad_output` and the three gradients.
pub fn arrays(
    p: &Problem,
    output: Option<&ndarray::Array3<f64>>,
    backward: Option<&crate::conv::Backward>,
) -> Vec<(&'static str, ArrayD<f64>)> {
    let drop_h = |a: ArrayD<f64>, axis: usize| torch_layout(p, a, axis);
    let mut out =
        vec![("input", drop_h(p.input.clone().into_dyn(), 1)), ("weight", drop_h(p.weight.clone().into_dyn(), 2))];
    if let Some(b) = &p.bias {
        out.push(("bias", b.clone().into_dyn()));
    }
    if let Some(y) = output {
        out.push(("output", drop_h(y.clone().into_dyn(), 1)));
    }
    if let Some(g) = backward.filter(|_| !p.op.is_transposed()) {
        out.push(("grad_output", drop_h(g.grad_output.clone().into_dyn(), 1)));
        out.push(("grad_input", drop_h(g.grad_input.clone().into_dyn(), 1)));
        out.push(("grad_weight", drop_h(g.grad_weight.clone().into_dyn(), 2)));
        if p.bias.is_some() {
            out.push(("grad_bias", g.grad_bias.clone().into_dyn()));
        }
    }
    out
}

/// Every array of [`arrays`] in one JSON object: name -> nested lists.
pub fn arrays_json(arrays: &[(&'static str, ArrayD<f64>)]) -> String {
    let fields: Vec<String> =
        arrays.iter().map(|(name, a)| format!("\"{name}\": {}", json_nested(&a.view()))).collect();
    format!("{{{}}}", fields.join(", "))
}

/// Nested lists in JSON (which has no NaN or infinity: those are `null`).
fn json_nested(a: &ArrayViewD<f64>) -> String {
    match a.ndim() {
        0 => a.iter().next().filter(|v| v.is_finite()).map_or("null".into(), |&v| decimal::display(v)),
        _ => format!("[{}]", a.outer_iter().map(|sub| json_nested(&sub)).collect::<Vec<_>>().join(", ")),
    }
}

/// A tensor as a `.npy` file (format version 1.0: little-endian float64, C order).
pub fn npy(a: &ArrayViewD<f64>) -> Vec<u8> {
    let shape = match a.shape() {
        [n] => format!("({n},)"),
        dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    // Magic (6) + version (2) + header length (2) + header, padded with
    // spaces to a multiple of 64 and ended by a newline.
    let total = (10 + header.len() + 1).div_ceil(64) * 64;
    header += &" ".repeat(total - 10 - header.len() - 1);
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&u16::try_from(header.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in a.iter() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn npy_header_is_aligned_and_describes_the_array() {
        let a = array![[1.0, -2.5], [3.0, 0.125]].into_dyn();
        let bytes = npy(&a.view());
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!((10 + len) % 64, 0);
        let header = std::str::from_utf8(&bytes[10..10 + len]).unwrap();
        assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"));
        assert!(header.ends_with('\n'));
        let data: Vec<f64> = bytes[10 + len..].chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
        assert_eq!(data, [1.0, -2.5, 3.0, 0.125]);
        assert!(String::from_utf8_lossy(&npy(&array![1.0, 2.0].into_dyn().view())).contains("'shape': (2,), "));
    }

    #[test]
    fn arrays_are_named_and_shaped_as_in_pytorch() -> Result<(), Box<dyn std::error::Error>> {
        let doc = r#"{"op":"conv1d","input":[[1,2,3,4]],"weight":[[[1,-1]]],"bias":[0.5]}"#;
        let p = crate::model::document::Document::parse(doc)?.problem;
        let forward = crate::conv::Forward::new(&p)?;
        let backward = crate::conv::Backward::new(&p)?;
        let arrays = arrays(&p, Some(&forward.output), Some(&backward));
        let shapes: Vec<(&str, Vec<usize>)> = arrays.iter().map(|(n, a)| (*n, a.shape().to_vec())).collect();
        assert_eq!(
            shapes,
            [
                ("input", vec![1, 4]),
                ("weight", vec![1, 1, 2]),
                ("bias", vec![1]),
                ("output", vec![1, 3]),
                ("grad_output", vec![1, 3]),
                ("grad_input", vec![1, 4]),
                ("grad_weight", vec![1, 1, 2]),
                ("grad_bias", vec![1]),
            ]
        );
        let json = arrays_json(&arrays);
        assert!(
            json.starts_with(
                r#"{"input": [[1, 2, 3, 4]], "weight": [[[1, -1]]], "bias": [0.5], "output": [[-0.5, -0.5, -0.5]]"#
            ),
            "{json}"
        );
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        Ok(())
    }

    #[test]
    fn numbers_round_trip_and_the_code_names_each_setting() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(-f64::INFINITY), "-float('inf')");
        let mut p = Problem::default();
        p.input[[0, 0, 0]] = 1.0 / 3.0;
        p.hyper.padding_mode = PaddingMode::Reflect;
        p.hyper.padding = [1, 1];
        p.hyper.flip = true;
        let np = numpy_code(&p);
        assert!(np.contains("0.3333333333333333"), "{np}");
        assert!(np.contains("mode = 'reflect'") && np.contains("w = w[:, :, ::-1, ::-1]"));
        let pt = pytorch_code(&p);
        assert!(pt.contains("F.pad(xb, (1, 1, 1, 1), mode='reflect')") && pt.contains("w.flip(-2, -1)"), "{pt}");
        assert!(pt.contains("y.backward(dY)"));
        p.op = crate::conv::Op::ConvTranspose1d;
        let pt = pytorch_code(&p);
        assert!(pt.contains("F.conv_transpose1d(x[None], w, b, stride=(1,)") && !pt.contains("backward"), "{pt}");
    }

    #[test]
    fn same_padding_is_written_as_torch_takes_it_and_padded_per_side() {
        use crate::conv::PaddingRule;
        // A 3x3 input, a 2x2 kernel of dilation (1, 3): "same" pads 0 and 1 rows, 1 and 2 columns.
        let mut p = Problem {
            input: ndarray::Array3::zeros((1, 3, 3)),
            weight: ndarray::Array4::ones((1, 1, 2, 2)),
            ..Problem::default()
        };
        p.hyper.padding_rule = PaddingRule::Same;
        p.hyper.dilation = [1, 3];
        let pt = pytorch_code(&p);
        assert!(pt.contains("stride=(1, 1), padding='same', dilation=(1, 3)"), "{pt}");
        let np = numpy_code(&p);
        assert!(np.contains("(pt, pb), (pl, pr) = (0, 1), (1, 2)"), "{np}");
        // A copying mode goes through F.pad, whose pairs start at the last axis.
        p.hyper.padding_mode = PaddingMode::Replicate;
        let pt = pytorch_code(&p);
        assert!(pt.contains("F.pad(xb, (1, 2, 0, 1), mode='replicate')") && pt.contains("padding=0"), "{pt}");
        p.hyper.padding_rule = PaddingRule::Valid;
        p.hyper.padding_mode = PaddingMode::Zeros;
        assert!(pytorch_code(&p).contains("padding='valid'"));
        assert!(numpy_code(&p).contains("(pt, pb), (pl, pr) = (0, 0), (0, 0)"));
    }
}
