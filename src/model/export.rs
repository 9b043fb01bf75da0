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

use crate::conv::network::{Layer, Network};
use crate::conv::pool::{Pool, PoolKind};
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
        s += SOURCE_NUMPY;
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

/// The index map of padding, shared by both NumPy scripts: the single op's
/// convolution pads by it (and carries the gradient back through it), the
/// network's F.pad and convolutions too.
const SOURCE_NUMPY: &str = "
def source(n, before, after, mode):
    # The source index of each position along an axis of length n padded by (before, after); -1 is a constant cell.
    i = np.arange(-before, n + after)
    if mode in ('zeros', 'constant'):
        return np.where((i >= 0) & (i < n), i, -1)
    if mode == 'reflect':
        i = np.abs(i)
        return np.where(i >= n, 2 * (n - 1) - i, i)
    if mode == 'replicate':
        return np.clip(i, 0, n - 1)
    return i % n  # circular
";

const CONV_NUMPY: &str = "
C, H, W = x.shape
F, Cg, KH, KW = w.shape  # Cg = C // groups input channels per group
Fg = F // groups
# 1. Padding: index -1 reads the extra zero row/column appended here.
ih, iw = source(H, pt, pb, mode), source(W, pl, pr, mode)
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

/// `(h, w)` of a per-axis setting as a Python tuple: `(w,)` in 1D, as
/// PyTorch's 1D functions take it.
fn axes_tuple(dims: Dims, v: [usize; 2]) -> String {
    if dims == Dims::One { format!("({},)", v[1]) } else { format!("({}, {})", v[0], v[1]) }
}

/// `a` as the network scripts declare it: 1D drops the (size-1) height axis `axis`.
fn net_layout(dims: Dims, a: ArrayD<f64>, axis: usize) -> ArrayD<f64> {
    if dims == Dims::One { a.index_axis_move(ndarray::Axis(axis), 0) } else { a }
}

/// The layers a script computes: those that take their input, up to the
/// first that does not (the network view says why beside it).
fn runnable(net: &Network) -> usize {
    net.shapes().0.len().saturating_sub(1)
}

/// The script's declarations of `x` and of each convolution's `w{k}` and
/// `b{k}` (layers from 1), in `array(...)` calls of `make` (`np.array` or
/// `torch.tensor`) and `dtype`.
fn net_declarations(net: &Network, make: &str, dtype: &str) -> String {
    let dims = net.dims;
    let shape = |a: &ArrayD<f64>| {
        let dims: Vec<String> = a.shape().iter().map(usize::to_string).collect();
        format!("({})", dims.join(", "))
    };
    let x = net_layout(dims, net.input.clone().into_dyn(), 1);
    let mut s = format!("x = {make}({}, dtype={dtype})  # input {}\n", nested(&x.view()), shape(&x));
    for (k, layer) in net.layers.iter().take(runnable(net)).enumerate() {
        let Layer::Conv(c) = layer else { continue };
        let w = net_layout(dims, c.weight.clone().into_dyn(), 2);
        let layout = if c.op.is_transposed() { "(C, F/groups, KH, KW)" } else { "(F, C/groups, KH, KW)" };
        let layout = if dims == Dims::One { layout.replace("KH, ", "") } else { layout.to_string() };
        s += &format!(
            "w{n} = {make}({}, dtype={dtype})  # layer {n} weight {} {layout}\n",
            nested(&w.view()),
            shape(&w),
            n = k + 1
        );
        s += &match &c.bias {
            Some(b) => {
                format!("b{n} = {make}({}, dtype={dtype})  # layer {n} bias\n", nested(&b.view().into_dyn()), n = k + 1)
            }
            None => format!("b{} = None\n", k + 1),
        };
    }
    s
}

/// The script's last lines: which `y{k}` it leaves, and a note when a layer
/// cannot take its input.
fn net_ending(net: &Network) -> String {
    let n = runnable(net);
    let mut s = String::new();
    if n < net.layers.len() {
        s += &format!(
            "# Layer {} ({}) cannot take its input (the network view says why): the script stops before it.\n",
            n + 1,
            net.layers[n].kind_name()
        );
    }
    let names: Vec<String> = (1..=n).map(|k| format!("y{k}")).collect();
    s += &format!(
        "print('shapes:', [tuple(v.shape) for v in ({}{})])\n",
        names.join(", "),
        if n == 1 { "," } else { "" }
    );
    s
}

/// NumPy code for a whole stack: one function per kind of layer (the
/// single-op script's padding and im2col, the transposed scatter, pooling
/// and F.pad written out as PyTorch computes them), then `y1 = ...`,
/// `y2 = ...` from `x`, each layer's output. Layers work on `(C, H, W)`;
/// in 1D every array gets a height of 1 for the call and loses it after.
pub fn network_numpy_code(net: &Network) -> String {
    let dims = net.dims;
    let one_d = dims == Dims::One;
    let mut s = String::from("import numpy as np\n\n");
    s += "# Every layer takes and gives (C, H, W) arrays, one example, as torch.nn.functional does.\n";
    s += SOURCE_NUMPY;
    s += NETWORK_NUMPY;
    s += "\n";
    s += &net_declarations(net, "np.array", "np.float64");
    if one_d {
        s += "# 1D: each layer lifts its (C, W) input to (C, 1, W) and drops the height after.\n";
    }
    let pair = |v: [usize; 2]| format!("({}, {})", v[0], v[1]);
    for (k, layer) in net.layers.iter().take(runnable(net)).enumerate() {
        let n = k + 1;
        let prev = if k == 0 { "x".to_string() } else { format!("y{k}") };
        // ReLU takes any shape; the others lift a 1D input to a height of 1.
        let lift = one_d && !matches!(layer, Layer::Relu);
        let arg = if lift { format!("{prev}[:, None]") } else { prev };
        let call = match layer {
            Layer::Conv(c) => {
                let h = c.hyper;
                let mut w = if one_d { format!("w{n}[:, :, None]") } else { format!("w{n}") };
                if h.flip {
                    w = format!("{w}[:, :, ::-1, ::-1]");
                }
                if c.op.is_transposed() {
                    format!(
                        "conv_transpose({arg}, {w}, b{n}, stride={}, padding={}, output_padding={}, dilation={}, groups={})",
                        pair(h.stride),
                        pair(h.padding),
                        pair(h.output_padding),
                        pair(h.dilation),
                        h.groups
                    )
                } else {
                    format!(
                        "conv({arg}, {w}, b{n}, stride={}, padding={}, dilation={}, groups={}, mode='{}')",
                        pair(h.stride),
                        pair(h.padding),
                        pair(h.dilation),
                        h.groups,
                        h.padding_mode.name()
                    )
                }
            }
            Layer::Pool(p) => {
                let name = if p.kind == PoolKind::Max { "max_pool" } else { "avg_pool" };
                format!("{name}({arg}, {})", pool_args(p, pair))
            }
            Layer::Relu => format!("relu({arg})"),
            Layer::Pad(p) => {
                let [l, r, t, b] = p.amounts;
                format!("pad({arg}, ({l}, {r}, {t}, {b}), mode='{}', value={})", p.mode_name(), number(p.value))
            }
        };
        let call = if lift { format!("{call}[:, 0]") } else { call };
        s += &format!("y{n} = {call}  # layer {n}: {}\n", layer.kind_name());
    }
    s += &net_ending(net);
    s
}

/// A pooling layer's keyword arguments, each per-axis value written by
/// `axes`: max pooling's take `dilation`, average pooling's `count_include_pad`.
fn pool_args(p: &Pool, axes: impl Fn([usize; 2]) -> String) -> String {
    let mut s = format!("kernel_size={}, stride={}, padding={}", axes(p.kernel), axes(p.stride), axes(p.padding));
    if p.kind == PoolKind::Max {
        s += &format!(", dilation={}", axes(p.dilation));
    }
    s += &format!(", ceil_mode={}", python_bool(p.ceil_mode));
    if p.kind == PoolKind::Avg {
        s += &format!(", count_include_pad={}", python_bool(p.count_include_pad));
    }
    s
}

fn python_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

const NETWORK_NUMPY: &str = "
def pad(x, amounts, mode='constant', value=0.0):
    # F.pad: (left, right, top, bottom), each side its own amount; index -1 reads the appended row/column of value.
    left, right, top, bottom = amounts
    C, H, W = x.shape
    ext = np.pad(x, ((0, 0), (0, 1), (0, 1)), constant_values=value)
    return ext[:, source(H, top, bottom, mode)][:, :, source(W, left, right, mode)]

def relu(x):
    return np.maximum(x, 0.0)

def conv(x, w, b, stride, padding, dilation, groups, mode):
    # Padding, an im2col matrix per group (one row per output position), one matrix product, a reshape.
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = pad(x, (pw, pw, ph, ph), mode)  # padded input (C, H + 2ph, W + 2pw)
    F, Cg, KH, KW = w.shape  # Cg = C // groups input channels per group
    Fg = F // groups
    OH = (xp.shape[1] - dh * (KH - 1) - 1) // sh + 1
    OW = (xp.shape[2] - dw * (KW - 1) - 1) // sw + 1
    y = np.empty((F, OH, OW))
    for g in range(groups):
        cols = np.empty((OH * OW, Cg * KH * KW))  # columns channel by channel (torch's unfold order)
        for i in range(OH):
            for j in range(OW):
                patch = xp[g * Cg:(g + 1) * Cg, i * sh:i * sh + dh * (KH - 1) + 1:dh, j * sw:j * sw + dw * (KW - 1) + 1:dw]
                cols[i * OW + j] = patch.reshape(-1)
        wg = w[g * Fg:(g + 1) * Fg].reshape(Fg, -1)  # (F/groups, C/groups*KH*KW)
        y[g * Fg:(g + 1) * Fg] = (cols @ wg.T).T.reshape(Fg, OH, OW)
    return y if b is None else y + b[:, None, None]

def conv_transpose(x, w, b, stride, padding, output_padding, dilation, groups):
    # Each input cell scales its kernel; the copy lands at the stride offset and adds to what is there.
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    C, H, W = x.shape
    _, Fg, KH, KW = w.shape  # w is (C, F/groups, KH, KW)
    Cg, F = C // groups, Fg * groups
    canvas = np.zeros((F, (H - 1) * sh + dh * (KH - 1) + 1 + oph, (W - 1) * sw + dw * (KW - 1) + 1 + opw))
    for c in range(C):
        g = c // Cg  # the group of input channel c
        for i in range(H):
            for j in range(W):
                canvas[g * Fg:(g + 1) * Fg, i * sh:i * sh + dh * (KH - 1) + 1:dh, j * sw:j * sw + dw * (KW - 1) + 1:dw] += x[c, i, j] * w[c]
    # Padding crops the canvas on each side; output_padding kept more at the end.
    y = canvas[:, ph:canvas.shape[1] - ph, pw:canvas.shape[2] - pw]
    return y if b is None else y + b[:, None, None]

def pool_size(n, k, s, p, d, ceil_mode):
    # PyTorch's pooling_output_shape: in ceil mode the last window must start inside the input or the left padding.
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out

def max_pool(x, kernel_size, stride, padding, dilation, ceil_mode):
    # The largest input cell of each window; padding (and a ceil-mode window past the border) never wins.
    (KH, KW), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    C, H, W = x.shape
    OH, OW = pool_size(H, KH, sh, ph, dh, ceil_mode), pool_size(W, KW, sw, pw, dw, ceil_mode)
    y = np.full((C, OH, OW), -np.inf)
    for i in range(OH):
        rows = [r for r in range(i * sh - ph, i * sh - ph + dh * (KH - 1) + 1, dh) if 0 <= r < H]
        for j in range(OW):
            cols = [c for c in range(j * sw - pw, j * sw - pw + dw * (KW - 1) + 1, dw) if 0 <= c < W]
            if rows and cols:
                y[:, i, j] = x[:, rows][:, :, cols].max(axis=(1, 2))
    return y

def avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad):
    # The mean of each window: the sum of its input cells over the window clipped to the padded border
    # (count_include_pad) or over its input cells alone.
    (KH, KW), (sh, sw), (ph, pw) = kernel_size, stride, padding
    C, H, W = x.shape
    OH, OW = pool_size(H, KH, sh, ph, 1, ceil_mode), pool_size(W, KW, sw, pw, 1, ceil_mode)
    y = np.empty((C, OH, OW))
    for i in range(OH):
        top = i * sh - ph
        bottom = min(top + KH, H + ph)
        for j in range(OW):
            left = j * sw - pw
            right = min(left + KW, W + pw)
            in_pad = (bottom - top) * (right - left)
            t, b, l, r = max(top, 0), min(bottom, H), max(left, 0), min(right, W)
            if b <= t or r <= l:
                y[:, i, j] = 0.0  # no input cell in the window: PyTorch writes 0
                continue
            divisor = in_pad if count_include_pad else (b - t) * (r - l)
            y[:, i, j] = x[:, t:b, l:r].sum(axis=(1, 2)) / divisor
    return y
";

/// PyTorch code for a whole stack: `torch.nn.functional` on float64
/// tensors, `y1 = ...`, `y2 = ...` from `x`, each call on one example (the
/// batch axis added, then taken off).
pub fn network_pytorch_code(net: &Network) -> String {
    let dims = net.dims;
    let one_d = dims == Dims::One;
    let n1 = if one_d { "1d" } else { "2d" };
    let t = |v: [usize; 2]| axes_tuple(dims, v);
    let mut s = String::from("import torch\nimport torch.nn.functional as F\n\n");
    s += &net_declarations(net, "torch.tensor", "torch.float64");
    s += "# One example: each call adds the batch axis ([None]) and takes it off ([0]).\n";
    for (k, layer) in net.layers.iter().take(runnable(net)).enumerate() {
        let n = k + 1;
        let prev = if k == 0 { "x".to_string() } else { format!("y{k}") };
        let call = match layer {
            Layer::Conv(c) => {
                let h = c.hyper;
                let w = match (h.flip, one_d) {
                    (false, _) => format!("w{n}"),
                    (true, true) => format!("w{n}.flip(-1)"),
                    (true, false) => format!("w{n}.flip(-2, -1)"),
                };
                if c.op.is_transposed() {
                    format!(
                        "F.conv_transpose{n1}({prev}[None], {w}, b{n}, stride={}, padding={}, output_padding={}, groups={}, dilation={})[0]",
                        t(h.stride),
                        t(h.padding),
                        t(h.output_padding),
                        h.groups,
                        t(h.dilation)
                    )
                } else {
                    let (input, padding) = if h.padding_mode == PaddingMode::Zeros {
                        (format!("{prev}[None]"), t(h.padding))
                    } else {
                        let pads = if one_d {
                            format!("({0}, {0})", h.padding[1])
                        } else {
                            format!("({0}, {0}, {1}, {1})", h.padding[1], h.padding[0])
                        };
                        (format!("F.pad({prev}[None], {pads}, mode='{}')", h.padding_mode.name()), "0".into())
                    };
                    format!(
                        "F.conv{n1}({input}, {w}, b{n}, stride={}, padding={padding}, dilation={}, groups={})[0]",
                        t(h.stride),
                        t(h.dilation),
                        h.groups
                    )
                }
            }
            Layer::Pool(p) => format!("F.{}({prev}[None], {})[0]", p.name(), pool_args(p, t)),
            Layer::Relu => format!("F.relu({prev})"),
            Layer::Pad(p) => {
                let [l, r, top, b] = p.amounts;
                let amounts = if one_d { format!("({l}, {r})") } else { format!("({l}, {r}, {top}, {b})") };
                let value =
                    if p.mode == PaddingMode::Zeros { format!(", value={}", number(p.value)) } else { String::new() };
                format!("F.pad({prev}[None], {amounts}, mode='{}'{value})[0]", p.mode_name())
            }
        };
        s += &format!("y{n} = {call}  # layer {n}\n");
    }
    s += &net_ending(net);
    s
}

/// NumPy and PyTorch code for layer `k` alone (from 1): a stack of that one
/// layer on its input, `input_of_k` (the previous layer's output), so the
/// script says `x` for that input and `y1` for the layer's output.
pub fn layer_code(net: &Network, k: usize, input_of_k: &ndarray::Array3<f64>) -> Option<(String, String)> {
    let layer = net.layers.get(k.checked_sub(1)?)?.clone();
    let one = Network { dims: net.dims, input: input_of_k.clone(), layers: vec![layer] };
    let on = if k == 1 { "the network's input".to_string() } else { format!("layer {}'s output", k - 1) };
    let head = format!("# Layer {k} of the network alone: x is {on}, y1 is layer {k}'s output.\n");
    Some((format!("{head}{}", network_numpy_code(&one)), format!("{head}{}", network_pytorch_code(&one))))
}

/// The arrays a network's learner can download, in PyTorch's layouts (1D:
/// the height axis dropped): `input`, each convolution's `w{k}` and `b{k}`,
/// and each computed layer output `y{k}` (from `outputs`, `[0]` the input).
pub fn network_arrays(net: &Network, outputs: &[std::rc::Rc<ndarray::Array3<f64>>]) -> Vec<(String, ArrayD<f64>)> {
    let dims = net.dims;
    let mut out = vec![("input".to_string(), net_layout(dims, net.input.clone().into_dyn(), 1))];
    for (k, layer) in net.layers.iter().enumerate() {
        if let Layer::Conv(c) = layer {
            out.push((format!("w{}", k + 1), net_layout(dims, c.weight.clone().into_dyn(), 2)));
            if let Some(b) = &c.bias {
                out.push((format!("b{}", k + 1), b.clone().into_dyn()));
            }
        }
    }
    for (k, y) in outputs.iter().enumerate().skip(1) {
        out.push((format!("y{k}"), net_layout(dims, (**y).clone().into_dyn(), 1)));
    }
    out
}

/// Whether `name` of [`arrays`] or [`network_arrays`] is given by the
/// problem (offered by a practice link that hides the answers) rather than
/// a result: [`GIVEN`], and a layer's `w{k}` and `b{k}`.
pub fn is_given(name: &str) -> bool {
    let layer_param = |prefix: char| {
        name.strip_prefix(prefix).is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
    };
    GIVEN.contains(&name) || layer_param('w') || layer_param('b')
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
pub fn arrays_json<S: AsRef<str>>(arrays: &[(S, ArrayD<f64>)]) -> String {
    let fields: Vec<String> =
        arrays.iter().map(|(name, a)| format!("\"{}\": {}", name.as_ref(), json_nested(&a.view()))).collect();
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

    /// A 1D stack with every kind of layer: F.pad, conv1d, max and average pooling, ReLU, a transposed conv.
    const STACK_1D: &str = r#"{"op":"conv1d","input":[[1,2,-1,0,3,1,2,0,1],[0,1,1,-2,1,2,1,1,-1]],"layers":[
        {"op":"pad","pad":[2,1],"mode":"reflect"},
        {"op":"conv1d","weight":{"seed":4,"shape":[3,2,3]},"bias":true,"dilation":2,"padding_mode":"replicate","padding":1},
        {"op":"max_pool1d","kernel_size":3,"stride":2,"padding":1,"ceil_mode":true},
        {"op":"relu"},
        {"op":"avg_pool1d","kernel_size":2,"count_include_pad":false,"padding":1,"ceil_mode":true},
        {"op":"conv_transpose1d","weight":[[[1,2]],[[0,-1]],[[2,1]]],"stride":3}]}"#;

    fn network(text: &str) -> Result<Network, Box<dyn std::error::Error>> {
        let d = crate::model::document::Document::parse(text)?;
        Ok(d.stack.network(d.problem.dims(), &d.problem.input))
    }

    #[test]
    fn the_network_scripts_compute_every_layer_in_order() -> Result<(), Box<dyn std::error::Error>> {
        let net = network(STACK_1D)?;
        let np = network_numpy_code(&net);
        for line in [
            "x = np.array([[1, 2, -1, 0, 3, 1, 2, 0, 1], [0, 1, 1, -2, 1, 2, 1, 1, -1]], dtype=np.float64)  # input (2, 9)",
            "y1 = pad(x[:, None], (2, 1, 0, 0), mode='reflect', value=0)[:, 0]",
            "y2 = conv(y1[:, None], w2[:, :, None], b2, stride=(1, 1), padding=(0, 1), dilation=(1, 2), groups=1, mode='replicate')[:, 0]",
            "y3 = max_pool(y2[:, None], kernel_size=(1, 3), stride=(1, 2), padding=(0, 1), dilation=(1, 1), ceil_mode=True)[:, 0]",
            "y4 = relu(y3)",
            "y5 = avg_pool(y4[:, None], kernel_size=(1, 2), stride=(1, 2), padding=(0, 1), ceil_mode=True, count_include_pad=False)[:, 0]",
            "y6 = conv_transpose(y5[:, None], w6[:, :, None], b6, stride=(1, 3), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1), groups=1)[:, 0]",
            "w6 = np.array([[[1, 2]], [[0, -1]], [[2, 1]]], dtype=np.float64)",
            "b6 = None",
        ] {
            assert!(np.contains(line), "missing {line}\n{np}");
        }
        // The seeded weights are written as their numbers.
        let Layer::Conv(c) = &net.layers[1] else { panic!("layer 2 is a conv") };
        assert!(
            np.contains(&format!("w2 = np.array({}", nested(&c.weight.index_axis(ndarray::Axis(2), 0).into_dyn())))
        );
        let pt = network_pytorch_code(&net);
        for line in [
            "y1 = F.pad(x[None], (2, 1), mode='reflect')[0]",
            "y2 = F.conv1d(F.pad(y1[None], (1, 1), mode='replicate'), w2, b2, stride=(1,), padding=0, dilation=(2,), groups=1)[0]",
            "y3 = F.max_pool1d(y2[None], kernel_size=(3,), stride=(2,), padding=(1,), dilation=(1,), ceil_mode=True)[0]",
            "y4 = F.relu(y3)",
            "y5 = F.avg_pool1d(y4[None], kernel_size=(2,), stride=(2,), padding=(1,), ceil_mode=True, count_include_pad=False)[0]",
            "y6 = F.conv_transpose1d(y5[None], w6, b6, stride=(3,), padding=(0,), output_padding=(0,), groups=1, dilation=(1,))[0]",
            "x = torch.tensor([[1, 2, -1, 0, 3, 1, 2, 0, 1], [0, 1, 1, -2, 1, 2, 1, 1, -1]], dtype=torch.float64)",
        ] {
            assert!(pt.contains(line), "missing {line}\n{pt}");
        }
        assert!(np.ends_with("(y1, y2, y3, y4, y5, y6)])\n") && pt.ends_with("(y1, y2, y3, y4, y5, y6)])\n"));
        Ok(())
    }

    #[test]
    fn the_network_scripts_write_2d_settings_flip_and_constant_pads() -> Result<(), Box<dyn std::error::Error>> {
        let net = network(
            r#"{"input":[[[1,2,3],[4,5,6],[7,8,9]]],"layers":[
            {"op":"conv2d","weight":[[[[1,0],[0,-1]]]],"bias":[0.5],"padding":[1,0],"flip":true,"padding_mode":"circular"},
            {"op":"pad","pad":[1,0,0,2],"value":-0.25}]}"#,
        )?;
        let np = network_numpy_code(&net);
        assert!(np.contains("y1 = conv(x, w1[:, :, ::-1, ::-1], b1, stride=(1, 1), padding=(1, 0), dilation=(1, 1), groups=1, mode='circular')"), "{np}");
        assert!(np.contains("y2 = pad(y1, (1, 0, 0, 2), mode='constant', value=-0.25)"), "{np}");
        let pt = network_pytorch_code(&net);
        assert!(pt.contains("y1 = F.conv2d(F.pad(x[None], (0, 0, 1, 1), mode='circular'), w1.flip(-2, -1), b1, stride=(1, 1), padding=0, dilation=(1, 1), groups=1)[0]"), "{pt}");
        assert!(pt.contains("y2 = F.pad(y1[None], (1, 0, 0, 2), mode='constant', value=-0.25)[0]"), "{pt}");
        Ok(())
    }

    #[test]
    fn a_layer_that_cannot_take_its_input_ends_the_scripts_before_it() -> Result<(), Box<dyn std::error::Error>> {
        let mut net = network(STACK_1D)?;
        // A conv1d of 5 input channels after layer 1's 2 channels.
        net.layers.insert(1, net.layers[5].clone());
        let Layer::Conv(c) = &mut net.layers[1] else { panic!("a conv") };
        c.weight = ndarray::Array4::zeros((5, 1, 1, 1));
        let np = network_numpy_code(&net);
        assert!(np.contains("y1 = pad(") && !np.contains("y2 ="), "{np}");
        assert!(np.contains("# Layer 2 (conv_transpose1d) cannot take its input"), "{np}");
        assert!(np.ends_with("for v in (y1,)])\n"), "{np}");
        assert!(!network_pytorch_code(&net).contains("y2 ="));
        Ok(())
    }

    #[test]
    fn network_arrays_name_each_weight_and_output_and_the_results_are_not_given()
    -> Result<(), Box<dyn std::error::Error>> {
        let net = network(STACK_1D)?;
        let eval = net.evaluate();
        let arrays = network_arrays(&net, &eval.outputs);
        let shapes: Vec<(&str, Vec<usize>)> = arrays.iter().map(|(n, a)| (n.as_str(), a.shape().to_vec())).collect();
        assert_eq!(
            shapes,
            [
                ("input", vec![2, 9]),
                ("w2", vec![3, 2, 3]),
                ("b2", vec![3]),
                ("w6", vec![3, 1, 2]),
                ("y1", vec![2, 12]),
                ("y2", vec![3, 10]),
                ("y3", vec![3, 6]),
                ("y4", vec![3, 6]),
                ("y5", vec![3, 4]),
                ("y6", vec![1, 11]),
            ]
        );
        assert_eq!(arrays[4].1, eval.outputs[1].index_axis(ndarray::Axis(1), 0).into_dyn());
        let given: Vec<&str> = arrays.iter().map(|(n, _)| n.as_str()).filter(|n| is_given(n)).collect();
        assert_eq!(given, ["input", "w2", "b2", "w6"]);
        assert!(is_given("grad_output") && !is_given("output") && !is_given("bias1") && !is_given("w"));
        assert!(arrays_json(&arrays).contains(r#""y4": [["#));
        Ok(())
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
