#!/usr/bin/env python3
"""Generate the golden values of the convolution-arithmetic gallery (issue #24).

Run:  python tests/golden/gen_gallery.py
Writes tests/golden/gallery_cases.json next to this script; tests/gallery.rs reads it.

One case per gallery card, rebuilt here from conv_arithmetic's own table
(vdumoulin/conv_arithmetic, bin/generate_makefile, commit af6f818): input
size, output size, padding, kernel size, stride, dilation, mode, transposed.
The numbers are drawn as that repository's bin/produce_figure draws them, one
fresh generator per figure:

    numpy.random.seed(1234)
    input  = numpy.random.randint(low=0, high=4, size=(i, i))
    kernel = numpy.random.randint(low=0, high=3, size=(k, k))

(a transposed figure's input is its convolution's output size; the four
cards beyond the paper draw their (C, H, W) input and (F, C/groups, k, k)
weight the same way). Each case's "call" is the expression eval'd, in
float64, to produce "output" (names in scope: F, torch, x, w; x without the
batch axis, which the call adds and the result drops).
"""
import json
import os

import numpy
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "gallery_cases.json")
SEED = 1234

torch.set_num_threads(1)

# bin/generate_makefile's animations: (name, (type, input-size, output-size,
# padding, kernel-size, stride, dilation, mode, transposed)).
ANIMATIONS = (
    ('no_padding_no_strides', ('arithmetic', 4, 2, 0, 3, 1, 1, 'convolution', False)),
    ('no_padding_no_strides_transposed', ('arithmetic', 4, 2, 0, 3, 1, 1, 'convolution', True)),
    ('arbitrary_padding_no_strides', ('arithmetic', 5, 6, 2, 4, 1, 1, 'convolution', False)),
    ('arbitrary_padding_no_strides_transposed', ('arithmetic', 5, 6, 2, 4, 1, 1, 'convolution', True)),
    ('same_padding_no_strides', ('arithmetic', 5, 5, 1, 3, 1, 1, 'convolution', False)),
    ('same_padding_no_strides_transposed', ('arithmetic', 5, 5, 1, 3, 1, 1, 'convolution', True)),
    ('full_padding_no_strides', ('arithmetic', 5, 7, 2, 3, 1, 1, 'convolution', False)),
    ('full_padding_no_strides_transposed', ('arithmetic', 5, 7, 2, 3, 1, 1, 'convolution', True)),
    ('no_padding_strides', ('arithmetic', 5, 2, 0, 3, 2, 1, 'convolution', False)),
    ('no_padding_strides_transposed', ('arithmetic', 5, 2, 0, 3, 2, 1, 'convolution', True)),
    ('padding_strides', ('arithmetic', 5, 3, 1, 3, 2, 1, 'convolution', False)),
    ('padding_strides_transposed', ('arithmetic', 5, 3, 1, 3, 2, 1, 'convolution', True)),
    ('padding_strides_odd', ('arithmetic', 6, 3, 1, 3, 2, 1, 'convolution', False)),
    ('padding_strides_odd_transposed', ('arithmetic', 6, 3, 1, 3, 2, 1, 'convolution', True)),
    ('dilation', ('arithmetic', 7, 3, 0, 3, 1, 2, 'convolution', False)),
    ('numerical_no_padding_no_strides', ('numerical', 5, 3, 0, 3, 1, 1, 'convolution', False)),
    ('numerical_padding_strides', ('numerical', 5, 3, 1, 3, 2, 1, 'convolution', False)),
    ('numerical_average_pooling', ('numerical', 5, 3, 0, 3, 1, 1, 'average', False)),
    ('numerical_max_pooling', ('numerical', 5, 3, 0, 3, 1, 1, 'max', False)),
)


def draw(shape_in, shape_w):
    numpy.random.seed(SEED)
    x = numpy.random.randint(low=0, high=4, size=shape_in)
    w = numpy.random.randint(low=0, high=3, size=shape_w)
    return torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)


def num(v):
    return int(v) if float(v).is_integer() else v


def nested(t):
    def conv(o):
        return [conv(e) for e in o] if isinstance(o, list) else num(o)
    return conv(t.tolist())


CASES = []


def case(name, x, w, call, expected_size=None):
    out = eval(call, {"F": F, "torch": torch, "x": x, "w": w})[0]  # noqa: S307 (our own expressions)
    if expected_size is not None:
        assert tuple(out.shape[1:]) == (expected_size, expected_size), (name, tuple(out.shape))
    CASES.append({"name": name, "call": call, "shape": list(out.shape), "input": nested(x), "weight": nested(w),
                  "output": nested(out)})


for name, (kind, i, o, p, k, s, d, mode, transposed) in ANIMATIONS:
    n = o if transposed else i
    x, w = draw((1, n, n), (1, 1, k, k))
    if mode == 'average':
        call = f"F.avg_pool2d(x[None], kernel_size={k}, stride={s}, padding={p})"
    elif mode == 'max':
        call = f"F.max_pool2d(x[None], kernel_size={k}, stride={s}, padding={p})"
    elif transposed:
        # The transpose maps o back to i: output_padding restores what the stride's floor dropped.
        a = (i + 2 * p - d * (k - 1) - 1) % s
        call = f"F.conv_transpose2d(x[None], w, stride={s}, padding={p}, output_padding={a}, dilation={d})"
    else:
        call = f"F.conv2d(x[None], w, stride={s}, padding={p}, dilation={d})"
    case(name, x, w, call, i if transposed else o)

x, w = draw((4, 5, 5), (2, 2, 3, 3))
case("grouped_two_groups", x, w, "F.conv2d(x[None], w, groups=2)")
x, w = draw((3, 5, 5), (3, 1, 3, 3))
case("depthwise", x, w, "F.conv2d(x[None], w, groups=3)")
x, w = draw((3, 4, 4), (2, 3, 1, 1))
case("pointwise", x, w, "F.conv2d(x[None], w)")
x, w = draw((1, 6, 6), (1, 1, 3, 3))
# TensorFlow's tf.nn.conv2d(..., strides=2, padding='SAME'): pad (0, 1) per axis, then a valid convolution.
case("tensorflow_same_strides", x, w, "F.conv2d(F.pad(x[None], (0, 1, 0, 1)), w, stride=2)")


def main():
    lines = ["{",
             f'"torch_version": {json.dumps(torch.__version__)},',
             f'"numpy_version": {json.dumps(numpy.__version__)},',
             '"generated_by": "python tests/golden/gen_gallery.py",',
             f'"seed": {SEED},',
             '"cases": [']
    lines.append(",\n".join(json.dumps(c, separators=(",", ":")) for c in CASES))
    lines.append("]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(OUT_PATH, "w") as f:
        f.write(text)
    print(f"wrote {OUT_PATH}: {len(CASES)} cases, torch {torch.__version__}, numpy {numpy.__version__}")


if __name__ == "__main__":
    main()
