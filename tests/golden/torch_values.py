"""Helpers shared by the golden-value generators (gen_pytorch.py, gen_pytorch_net.py):
random small-integer float64 tensors and their JSON form."""
import json

import torch


def rand_tensor(rng, shape):
    """A float64 tensor of `shape` holding integers drawn from -3..3 by `rng` (random.Random)."""
    n = 1
    for s in shape:
        n *= s
    vals = [float(rng.randint(-3, 3)) for _ in range(n)]
    return torch.tensor(vals, dtype=torch.float64).reshape(shape)


def num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def to_json(t):
    """Nested lists of the tensor's values, integral floats written as ints."""
    if t is None:
        return None

    def conv(o):
        if isinstance(o, list):
            return [conv(e) for e in o]
        return num(o)

    return conv(t.detach().tolist())


def tup(v):
    """A Python tuple literal; 1-tuples need the trailing comma."""
    return "(" + ",".join(str(e) for e in v) + ("," if len(v) == 1 else "") + ")"


def same_pads(kernel, dilation):
    """F.pad's (left, right[, top, bottom]) for padding='same' with a copying
    padding mode, as torch's nn.Conv2d builds them (_reversed_padding_repeated_twice):
    d*(k-1) per axis, half before, the odd cell after."""
    pads = []
    for k, d in zip(reversed(kernel), reversed(dilation)):
        total = d * (k - 1)
        pads += [total // 2, total - total // 2]
    return pads


def build_call(op, nd, stride, padding, dilation, output_padding, groups,
               padding_mode, flip, has_bias, kernel=None):
    """The torch call of a (transposed) convolution on x, w, b; padding modes
    other than zeros through F.pad, flip through torch.flip. `padding` is a
    list of numbers or the string 'same' or 'valid' (then `kernel` gives the
    kernel size, for the cells 'same' pads with a copying mode)."""
    bias = "b" if has_bias else "None"
    if op.startswith("conv_transpose"):
        return (f"F.{op}(x[None], w, {bias}, stride={tup(stride)}, "
                f"padding={tup(padding)}, output_padding={tup(output_padding)}, "
                f"groups={groups}, dilation={tup(dilation)})")
    dims = "[-1]" if nd == 1 else "[-2,-1]"
    wexpr = f"torch.flip(w, dims={dims})" if flip else "w"
    if isinstance(padding, str):
        if padding_mode == "zeros" or padding == "valid":
            xexpr = "x[None]"
        else:
            pads = same_pads(kernel, dilation)
            xexpr = f"F.pad(x[None], {tup(pads)}, mode='{padding_mode}')"
            padding = "valid"
        return (f"F.{op}({xexpr}, {wexpr}, {bias}, stride={tup(stride)}, "
                f"padding='{padding}', dilation={tup(dilation)}, groups={groups})")
    if padding_mode == "zeros":
        xexpr = "x[None]"
        pad = padding
    else:
        # F.pad takes the last axis first: (pw,pw) or (pw,pw,ph,ph)
        pads = []
        for p in reversed(padding):
            pads += [p, p]
        xexpr = f"F.pad(x[None], {tup(pads)}, mode='{padding_mode}')"
        pad = [0] * nd
    return (f"F.{op}({xexpr}, {wexpr}, {bias}, stride={tup(stride)}, "
            f"padding={tup(pad)}, dilation={tup(dilation)}, groups={groups})")


def write_cases(path, generated_by, seed, cases, invalid, kind_key):
    """Writes the golden file: one case per line; returns the text's length and the count per kind."""
    lines = ["{",
             f'"torch_version": {json.dumps(torch.__version__)},',
             f'"generated_by": "python {generated_by}",',
             f'"seed": {seed},',
             '"cases": [']
    lines.append(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    lines.append("],")
    lines.append('"invalid": [')
    lines.append(",\n".join(json.dumps(c, separators=(",", ":")) for c in invalid))
    lines.append("]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity
    with open(path, "w") as f:
        f.write(text)
    counts = {}
    for c in cases:
        counts[c[kind_key]] = counts.get(c[kind_key], 0) + 1
    print(f"wrote {path}: {len(cases)} cases {counts}, "
          f"{len(invalid)} invalid, {len(text)} bytes, torch {torch.__version__}")
