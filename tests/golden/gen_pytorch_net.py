#!/usr/bin/env python3
"""Generate PyTorch golden values for ConvScope's network core (issue #22).

Run:  python tests/golden/gen_pytorch_net.py
Writes tests/golden/pytorch_net_cases.json next to this script; tests/golden_net.rs reads it.

Same provenance rules as gen_pytorch.py: every tensor is float64 and holds
small integers drawn from -3..3 (so pooling sees ties, and sums are exact);
tensors are stored without the batch axis and torch is called with a batch
of one (x[None]), the batch axis squeezed off. Each case's "call" is the
exact expression eval'd to produce "output" (names in scope: F, torch, x,
and w, b for convolutions).

- "pool":  F.max_pool1d/2d and F.avg_pool1d/2d, with ceil_mode,
           count_include_pad, dilation and padding. Max pools also store
           "indices", from a second call with return_indices=True: the flat
           index i*W + j of each window's winner in its channel. Every pool
           case stores "grad_input" for a random "grad_output" (the same call
           on an input that requires grad, then out.backward(grad_output)).
- "pad":   F.pad, every mode, asymmetric amounts, a constant value.
- "relu":  F.relu.
- "stack": random stacks of 3-5 layers (convolutions of every kind,
           pooling, ReLU, F.pad), each layer's output ("outputs"[k-1] is
           layer k's) and its call.
- "invalid": pooling and F.pad arguments PyTorch rejects, with its message.

Determinism: values come from Python's random.Random with a fixed seed (not
torch's RNG), so the file is reproducible across torch versions.
"""
import os
import random
import sys

import torch
import torch.nn.functional as F

import torch_values
from torch_values import build_call, to_json, tup

SEED = 20261206
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "pytorch_net_cases.json")

torch.set_num_threads(1)
rng = random.Random(SEED)


def rand_tensor(shape):
    return torch_values.rand_tensor(rng, shape)










def one(v, nd):
    """A per-axis list as PyTorch is given it: an int in 1D, a tuple in 2D."""
    return str(v[-1]) if nd == 1 else tup(v)


def run(call, **names):
    scope = {"F": F, "torch": torch}
    scope.update(names)
    out = eval(call, scope)
    if isinstance(out, tuple):
        return tuple(o[0] for o in out)
    return out[0]


# --------------------------------------------------------------------------
# one layer: its document-style description and its call on "x"
# --------------------------------------------------------------------------
def pool_call(op, k, s, p, d, ceil_mode, count_include_pad, nd, indices=False):
    args = f"kernel_size={one(k, nd)}, stride={one(s, nd)}, padding={one(p, nd)}, ceil_mode={ceil_mode}"
    if op.startswith("max"):
        args += f", dilation={one(d, nd)}"
        if indices:
            args += ", return_indices=True"
    else:
        args += f", count_include_pad={count_include_pad}"
    return f"F.{op}(x[None], {args})"


def pad_call(amounts, mode, value, nd):
    pads = amounts[:2] if nd == 1 else amounts
    extra = f", value={value}" if mode == "constant" else ""
    return f"F.pad(x[None], {tup(pads)}, mode='{mode}'{extra})"


def pool_layer(op, k, s=None, p=0, d=1, ceil_mode=False, count_include_pad=True):
    nd = 1 if op.endswith("1d") else 2

    def axes(v, inert):
        if isinstance(v, int):
            v = [v] * nd
        v = list(v)
        return [inert] + v if nd == 1 else v

    k = axes(k, 1)
    s = k if s is None else axes(s, 1)
    return {"op": op, "kernel_size": k, "stride": s, "padding": axes(p, 0), "dilation": axes(d, 1),
            "ceil_mode": ceil_mode, "count_include_pad": count_include_pad}


def apply_layer(layer, x, nd):
    """Runs one layer on x (C, H, W) or (C, W); returns (output, call, extra json)."""
    op = layer["op"]
    if op == "relu":
        call = "F.relu(x[None])"
        return run(call, x=x), call, {}
    if op == "pad":
        call = pad_call(layer["pad"], layer["mode"], layer["value"], nd)
        return run(call, x=x), call, {}
    if "pool" in op:
        args = [layer[k] for k in ("kernel_size", "stride", "padding", "dilation")]
        call = pool_call(op, *args, layer["ceil_mode"], layer["count_include_pad"], nd)
        extra = {}
        if op.startswith("max"):
            icall = pool_call(op, *args, layer["ceil_mode"], layer["count_include_pad"], nd, indices=True)
            values, idx = run(icall, x=x)
            extra = {"indices": to_json(idx), "indices_call": icall}
            out = run(call, x=x)
            if not torch.equal(values, out):
                sys.exit(f"{call}: return_indices changes the values")
        else:
            out = run(call, x=x)
        return out, call, extra
    w = torch.tensor(layer["weight"], dtype=torch.float64)
    b = torch.tensor(layer["bias"], dtype=torch.float64) if layer["bias"] is not None else None
    if nd == 1:
        w = w[:, :, 0, :]
    call = build_call(op, nd, layer["stride"][-nd:], layer["padding"][-nd:], layer["dilation"][-nd:],
                      layer["output_padding"][-nd:], layer["groups"], layer["padding_mode"], False, b is not None)
    return run(call, x=x, w=w, b=b), call, {}


def as_2d_form(t, nd):
    """(C, W) -> (C, 1, W), as the core stores 1D tensors."""
    return t[:, None, :] if nd == 1 else t


# --------------------------------------------------------------------------
# single-layer cases
# --------------------------------------------------------------------------
CASES = []
NAMES = set()


def single(name, kind, layer, shape, x=None, expected=None):
    assert name not in NAMES, name
    NAMES.add(name)
    nd = 1 if layer["op"].endswith("1d") or layer.get("dims") == 1 else 2
    xt = torch.tensor(x, dtype=torch.float64) if x is not None else rand_tensor(shape)
    out, call, extra = apply_layer(layer, xt, nd)
    if expected is not None and not torch.equal(out, torch.tensor(expected, dtype=torch.float64)):
        sys.exit(f"{name}: torch gives {to_json(out)}, expected {expected}")
    entry = {"name": name, "kind": kind, "dims": nd, "call": call, "layer": layer,
             "input": to_json(as_2d_form(xt, nd)), "output": to_json(as_2d_form(out, nd))}
    if "indices" in extra:
        extra["indices"] = to_json(as_2d_form(torch.tensor(extra["indices"]), nd))
    entry.update(extra)
    if kind == "pool":
        # The backward pass: max routes to the winner, avg spreads over the window.
        xg = xt.clone().requires_grad_(True)
        out_g = run(call, x=xg)
        gout = rand_tensor(list(out_g.shape))
        out_g.backward(gout)
        entry["grad_output"] = to_json(as_2d_form(gout, nd))
        entry["grad_input"] = to_json(as_2d_form(xg.grad, nd))
    CASES.append(entry)


def pad_layer(amounts, mode="constant", value=0, nd=2):
    amounts = list(amounts) + [0] * (4 - len(amounts))
    return {"op": "pad", "dims": nd, "pad": amounts, "mode": mode, "value": value}


# Hand-checked: [1..6], kernel 3, stride 2, padding 1, ceil mode; the last window runs past the padded border.
single("avg1_ceil_hand", "pool", pool_layer("avg_pool1d", 3, 2, 1, ceil_mode=True), None,
       x=[[1, 2, 3, 4, 5, 6]], expected=[[1, 3, 5, 3]])
single("avg1_ceil_nopad_hand", "pool", pool_layer("avg_pool1d", 3, 2, 1, ceil_mode=True, count_include_pad=False),
       None, x=[[1, 2, 3, 4, 5, 6]], expected=[[1.5, 3, 5, 6]])

for nd, mx, av in [(2, "max_pool2d", "avg_pool2d"), (1, "max_pool1d", "avg_pool1d")]:
    S = (lambda h, w: [2, h, w]) if nd == 2 else (lambda h, w: [2, w])
    t = f"p{nd}"
    single(f"{t}_max_k2", "pool", pool_layer(mx, 2), S(4, 6))
    single(f"{t}_max_k3_s2_p1", "pool", pool_layer(mx, 3, 2, 1), S(5, 7))
    single(f"{t}_max_k3_s2_ceil", "pool", pool_layer(mx, 3, 2, 0, ceil_mode=True), S(6, 6))
    single(f"{t}_max_k2_s2_p1_ceil", "pool", pool_layer(mx, 2, 2, 1, ceil_mode=True), S(5, 5))
    single(f"{t}_max_k2_d2", "pool", pool_layer(mx, 2, 1, 0, 2), S(5, 6))
    single(f"{t}_max_k3_d2_p1_s2_ceil", "pool", pool_layer(mx, 3, 2, 1, 2, ceil_mode=True), S(7, 8))
    single(f"{t}_max_k3_s2_ceil_short", "pool", pool_layer(mx, 3, 2, 0, ceil_mode=True), S(2, 2))
    single(f"{t}_avg_k3_s2_ceil_short", "pool", pool_layer(av, 3, 2, 0, ceil_mode=True), S(2, 2))
    single(f"{t}_avg_k2", "pool", pool_layer(av, 2), S(4, 6))
    single(f"{t}_avg_k3_s2_p1", "pool", pool_layer(av, 3, 2, 1), S(5, 7))
    single(f"{t}_avg_k3_s2_p1_nopad", "pool", pool_layer(av, 3, 2, 1, count_include_pad=False), S(5, 7))
    single(f"{t}_avg_k3_s2_p1_ceil", "pool", pool_layer(av, 3, 2, 1, ceil_mode=True), S(6, 6))
    single(f"{t}_avg_k3_s2_p1_ceil_nopad", "pool",
           pool_layer(av, 3, 2, 1, ceil_mode=True, count_include_pad=False), S(6, 6))
    single(f"{t}_avg_k2_s3_ceil", "pool", pool_layer(av, 2, 3, 1, ceil_mode=True), S(7, 8))
    single(f"{t}_avg_k4_s1_p2", "pool", pool_layer(av, 4, 1, 2), S(3, 5))
single("p2_max_k23_s12_p10", "pool", pool_layer("max_pool2d", (2, 3), (1, 2), (1, 0)), [1, 4, 7])
single("p2_max_k32_d21_ceil", "pool", pool_layer("max_pool2d", (3, 2), (2, 2), (1, 1), (2, 1), ceil_mode=True), [2, 7, 5])
single("p2_avg_k23_s21_p11_ceil", "pool", pool_layer("avg_pool2d", (2, 3), (2, 1), (1, 1), ceil_mode=True), [1, 5, 4])

for nd in (1, 2):
    shape = [2, 4] if nd == 1 else [2, 3, 4]
    for mode, amounts, value in [("constant", (2, 1, 0, 3), 0), ("constant", (0, 3, 1, 0), 2.5),
                                 ("reflect", (2, 1, 1, 2), 0), ("replicate", (3, 0, 2, 1), 0),
                                 ("circular", (1, 3, 2, 1), 0), ("circular", (4, 0, 0, 3), 0)]:
        if nd == 1:
            amounts = amounts[:2] + (0, 0)
        name = f"pad{nd}_{mode}_{'_'.join(map(str, amounts))}"
        if value:
            name += "_value"
        single(name, "pad", pad_layer(amounts, mode, value, nd), shape)

single("relu2", "relu", {"op": "relu", "dims": 2}, [2, 3, 4])
single("relu1", "relu", {"op": "relu", "dims": 1}, [3, 5])


# --------------------------------------------------------------------------
# random stacks
# --------------------------------------------------------------------------
def rand_conv(nd, c_in):
    transposed = rng.random() < 0.2
    op = ("conv_transpose" if transposed else "conv") + f"{nd}d"
    groups = rng.choice([g for g in (1, 2, 3) if c_in % g == 0])
    c_out = groups * rng.randint(1, 3)
    k = [1 if nd == 1 else rng.randint(1, 3), rng.randint(1, 3)]
    stride = [1 if nd == 1 else rng.randint(1, 2), rng.randint(1, 2)]
    dilation = [1 if nd == 1 else rng.randint(1, 2), rng.randint(1, 2)]
    padding = [0 if nd == 1 else rng.randint(0, 1), rng.randint(0, 2)]
    mode, output_padding = "zeros", [0, 0]
    if transposed:
        output_padding = [0 if nd == 1 else rng.randint(0, stride[0] - 1), rng.randint(0, stride[1] - 1)]
        wshape = [c_in, c_out // groups] + k
    else:
        mode = rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"])
        wshape = [c_out, c_in // groups] + k
    has_bias = rng.random() < 0.7
    return {"op": op, "weight": to_json(rand_tensor(wshape)),
            "bias": to_json(rand_tensor([c_out])) if has_bias else None,
            "stride": stride, "padding": padding, "dilation": dilation, "output_padding": output_padding,
            "groups": groups, "padding_mode": mode}, c_out


def rand_layer(nd, c_in):
    r = rng.random()
    if r < 0.4:
        return rand_conv(nd, c_in)
    if r < 0.55:
        return {"op": "relu"}, c_in
    if r < 0.85:
        kind = rng.choice(["max", "avg"])
        k = rng.randint(1, 3)
        k2 = k if nd == 1 else rng.randint(1, 3)
        layer = pool_layer(f"{kind}_pool{nd}d", k if nd == 1 else (k2, k), rng.choice([None, 1, 2]),
                           rng.randint(0, k // 2) if nd == 1 else (rng.randint(0, k2 // 2), rng.randint(0, k // 2)),
                           rng.randint(1, 2) if kind == "max" else 1,
                           ceil_mode=rng.random() < 0.4, count_include_pad=rng.random() < 0.6)
        return layer, c_in
    mode = rng.choice(["constant", "reflect", "replicate", "circular"])
    amounts = [rng.randint(0, 2), rng.randint(0, 2)] + ([0, 0] if nd == 1 else [rng.randint(0, 2), rng.randint(0, 2)])
    return pad_layer(amounts, mode, rng.choice([0, 0, 1.5]) if mode == "constant" else 0, nd), c_in


STACKS = 0


def stack(name, nd, depth):
    global STACKS
    for _attempt in range(200):
        c = rng.randint(1, 3)
        shape = [c, rng.randint(5, 8)] if nd == 1 else [c, rng.randint(4, 7), rng.randint(4, 7)]
        x = rand_tensor(shape)
        layers, outputs, calls, extras = [], [], [], []
        y, c_cur = x, c
        try:
            for _ in range(depth):
                layer, c_next = rand_layer(nd, c_cur)
                if layer["op"] == "pad":
                    layer.pop("dims", None)
                out, call, extra = apply_layer(layer, y, nd)
                if out.numel() == 0 or out.numel() > 2000:
                    raise ValueError("empty or large")
                layers.append(layer)
                outputs.append(to_json(as_2d_form(out, nd)))
                calls.append(call)
                if "indices" in extra:
                    extra["indices"] = to_json(as_2d_form(torch.tensor(extra["indices"]), nd))
                extras.append(extra)
                y, c_cur = out, c_next
        except (RuntimeError, ValueError, IndexError):
            continue
        if not any(layer["op"].startswith("conv") for layer in layers):
            continue
        STACKS += 1
        CASES.append({"name": name, "kind": "stack", "dims": nd, "input": to_json(as_2d_form(x, nd)),
                      "layers": layers, "calls": calls, "outputs": outputs,
                      "indices": [e.get("indices") for e in extras]})
        return
    sys.exit(f"{name}: no valid stack in 200 draws")


for i in range(24):
    stack(f"stack2_{i}", 2, rng.randint(3, 5))
for i in range(12):
    stack(f"stack1_{i}", 1, rng.randint(3, 5))


# --------------------------------------------------------------------------
# arguments PyTorch rejects
# --------------------------------------------------------------------------
INVALID = []


def invalid(name, layer, shape):
    nd = 1 if layer["op"].endswith("1d") or layer.get("dims") == 1 else 2
    x = rand_tensor(shape)
    try:
        _, call, _ = apply_layer(layer, x, nd)
    except Exception as e:  # noqa: BLE001
        err = f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
    else:
        sys.exit(f"invalid case {name} unexpectedly succeeded")
    INVALID.append({"name": name, "dims": nd, "layer": layer, "input_shape": shape, "torch_error": err})


invalid("inv_max2_pad_gt_half_span", pool_layer("max_pool2d", 3, 1, 2), [1, 6, 6])
invalid("inv_avg2_pad_gt_half_kernel", pool_layer("avg_pool2d", 2, 1, 2), [1, 6, 6])
invalid("inv_max1_pad_gt_half_kernel_dilated", pool_layer("max_pool1d", 2, 1, 2, 3), [1, 9])
invalid("inv_max2_pad_gt_half_kernel_dilated", pool_layer("max_pool2d", 3, 1, 2, 2), [1, 9, 9])
invalid("inv_max2_span_gt_padded", pool_layer("max_pool2d", 3, 1, 0, 2), [1, 4, 4])
invalid("inv_avg1_kernel_gt_input", pool_layer("avg_pool1d", 4, 1, 0), [1, 3])
invalid("inv_pad_reflect_eq_size", pad_layer((3, 0, 0, 0), "reflect", 0, 1), [1, 3])
invalid("inv_pad_circular_gt_size", pad_layer((0, 0, 0, 4), "circular", 0, 2), [1, 3, 5])


def main():
    torch_values.write_cases(OUT_PATH, "tests/golden/gen_pytorch_net.py", SEED, CASES, INVALID, "kind")


if __name__ == "__main__":
    main()
