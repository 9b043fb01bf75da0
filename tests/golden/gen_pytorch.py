#!/usr/bin/env python3
"""Generate PyTorch golden values for ConvScope's Rust core tests.

Run:  python tests/golden/gen_pytorch.py
Writes tests/golden/pytorch_cases.json next to this script.

Every tensor is float64 and holds small integers drawn from -3..3, so all
expected values are exact. Tensors are stored without the batch axis; torch
is called with a batch of one (x[None]) and the batch axis is squeezed off.

Each case's "call" string is the exact expression that is eval'd to produce
"output" (names in scope: F = torch.nn.functional, torch, x, w, b).

Determinism: values come from Python's random.Random with a fixed seed (not
torch's RNG), so the file is reproducible across torch versions.
"""
import os
import random
import sys

import torch
import torch.nn.functional as F

import torch_values
from torch_values import build_call, to_json

SEED = 20240917
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "pytorch_cases.json")

torch.set_num_threads(1)
rng = random.Random(SEED)


def rand_tensor(shape):
    return torch_values.rand_tensor(rng, shape)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def rand_grad(shape):
    # random integers in -3..3, re-drawn if degenerate (all equal)
    while True:
        t = rand_tensor(shape)
        if t.numel() <= 1 or t.unique().numel() > 1:
            if t.numel() == 1 and t.item() in (0.0, 1.0):
                continue
            return t








def lst(v, nd):
    if isinstance(v, str):  # padding='same' / 'valid'
        return v
    if isinstance(v, int):
        return [v] * nd
    return list(v)


CASES = []
NAMES = set()


def case(name, op, C, Fo, S, K, stride=1, padding=0, dilation=1,
         output_padding=0, groups=1, bias=False, padding_mode="zeros",
         flip=False, x=None, w=None, expected=None):
    """Build one case. S = spatial input size, K = kernel size (per axis)."""
    assert name not in NAMES, name
    NAMES.add(name)
    nd = 1 if op.endswith("1d") else 2
    S, K = lst(S, nd), lst(K, nd)
    stride, padding = lst(stride, nd), lst(padding, nd)
    dilation, output_padding = lst(dilation, nd), lst(output_padding, nd)
    transposed = op.startswith("conv_transpose")
    if transposed:
        assert padding_mode == "zeros" and not flip
        wshape = [C, Fo // groups] + K
    else:
        assert output_padding == [0] * nd
        wshape = [Fo, C // groups] + K
    xt = torch.tensor(x, dtype=torch.float64) if x is not None else rand_tensor([C] + S)
    wt = torch.tensor(w, dtype=torch.float64) if w is not None else rand_tensor(wshape)
    assert list(xt.shape) == [C] + S, (name, xt.shape)
    assert list(wt.shape) == wshape, (name, wt.shape)
    bt = rand_tensor([Fo]) if bias else None

    xt.requires_grad_(True)
    wt.requires_grad_(True)
    if bt is not None:
        bt.requires_grad_(True)

    call = build_call(op, nd, stride, padding, dilation, output_padding,
                      groups, padding_mode, flip, bias, kernel=K)
    out = eval(call, {"F": F, "torch": torch, "x": xt, "w": wt, "b": bt})
    assert out.shape[0] == 1
    if isinstance(padding, str) and padding_mode != "zeros":
        # The F.pad amounts are torch's own: nn.Conv with padding='same' and this mode.
        module = (torch.nn.Conv1d if nd == 1 else torch.nn.Conv2d)(
            C, Fo, K, padding=padding, dilation=dilation, groups=groups, padding_mode=padding_mode)
        if padding == "same":
            assert list(module._reversed_padding_repeated_twice) == torch_values.same_pads(K, dilation), name
    out1 = out[0]
    if expected is not None:
        exp = torch.tensor(expected, dtype=torch.float64)
        if exp.shape != out1.shape or not torch.equal(exp, out1.detach()):
            sys.exit(f"{name}: torch gives {to_json(out1)}, expected {expected}")

    gout = rand_grad(list(out1.shape))
    out.backward(gout[None])

    CASES.append({
        "name": name,
        "call": call,
        "op": op,
        "input": to_json(xt),
        "weight": to_json(wt),
        "bias": to_json(bt),
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "output_padding": output_padding,
        "groups": groups,
        "padding_mode": padding_mode,
        "flip": flip,
        "output": to_json(out1),
        "grad_output": to_json(gout),
        "grad_input": to_json(xt.grad),
        "grad_weight": to_json(wt.grad),
        "grad_bias": to_json(bt.grad) if bt is not None else None,
    })


INVALID = []


def invalid(name, op, C, Fo, S, K, stride=1, padding=0, dilation=1,
            output_padding=0, groups=1, bias=False, padding_mode="zeros",
            flip=False, wshape=None):
    """Record a parameter combo that PyTorch rejects, with its error text."""
    nd = 1 if op.endswith("1d") else 2
    S, K = lst(S, nd), lst(K, nd)
    stride, padding = lst(stride, nd), lst(padding, nd)
    dilation, output_padding = lst(dilation, nd), lst(output_padding, nd)
    transposed = op.startswith("conv_transpose")
    if wshape is None:
        if transposed:
            wshape = [C, max(Fo // groups, 1)] + K
        else:
            wshape = [Fo, max(C // groups, 1)] + K
    xt = rand_tensor([C] + S)
    wt = rand_tensor(wshape)
    bt = rand_tensor([Fo]) if bias else None
    call = build_call(op, nd, stride, padding, dilation, output_padding,
                      groups, padding_mode, flip, bias, kernel=K)
    try:
        eval(call, {"F": F, "torch": torch, "x": xt, "w": wt, "b": bt})
    except Exception as e:  # noqa: BLE001
        err = f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
    else:
        sys.exit(f"invalid case {name} unexpectedly succeeded")
    INVALID.append({
        "name": name,
        "call": call,
        "op": op,
        "input_shape": [C] + S,
        "weight_shape": wshape,
        "bias": bias,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "output_padding": output_padding,
        "groups": groups,
        "padding_mode": padding_mode,
        "flip": flip,
        "torch_error": err,
    })


# --------------------------------------------------------------------------
# seed cases (hand-checked expectations)
# --------------------------------------------------------------------------
case("seed_2d_single", "conv2d", 1, 1, [5, 5], [3, 3],
     x=[[[2, 1, -1, -1, 2], [-1, 1, 0, -2, 1], [-1, 0, -1, 0, -1],
         [-3, -2, -1, 1, -1], [-1, -3, -2, -3, -3]]],
     w=[[[[-2, 2, 0], [2, 2, 2], [-3, -1, -1]]]],
     expected=[[[2, -5, 2], [12, 2, -5], [-2, 8, 12]]])
case("seed_1d_true_conv", "conv1d", 1, 1, 5, 3, padding=1, flip=True,
     x=[[1, 2, -1, 1, -3]], w=[[[-1, 0, 1]]],
     expected=[[-2, 2, 1, 2, 1]])
case("seed_transpose_1d_stride2", "conv_transpose1d", 1, 1, 2, 3, stride=2,
     x=[[2, 3]], w=[[[5, 7, 11]]],
     expected=[[10, 14, 37, 21, 33]])

# --------------------------------------------------------------------------
# conv2d
# --------------------------------------------------------------------------
c2 = "conv2d"
case("c2_basic_k3", c2, 1, 1, [5, 5], [3, 3])
case("c2_c2f3_bias_k2x3", c2, 2, 3, [4, 5], [2, 3], bias=True)
case("c2_s21_p10_d12", c2, 2, 2, [5, 6], [2, 2], stride=(2, 1), padding=(1, 0), dilation=(1, 2), bias=True)
case("c2_s2_p1_k3_bias", c2, 2, 2, [6, 6], [3, 3], stride=2, padding=1, bias=True)
case("c2_s3_k2", c2, 1, 2, [7, 7], [2, 2], stride=3)
case("c2_s13_p21", c2, 2, 1, [4, 7], [3, 2], stride=(1, 3), padding=(2, 1))
case("c2_s32_p02_bias", c2, 1, 3, [7, 5], [2, 3], stride=(3, 2), padding=(0, 2), bias=True)
case("c2_d2_p2_k3", c2, 1, 1, [7, 7], [3, 3], dilation=2, padding=2)
case("c2_d21_s12", c2, 2, 2, [6, 6], [2, 3], dilation=(2, 1), stride=(1, 2))
case("c2_g2_c4f2", c2, 4, 2, [4, 4], [2, 2], groups=2)
case("c2_g2_c2f4_bias", c2, 2, 4, [4, 5], [3, 2], groups=2, bias=True)
case("c2_g2_c4f4_s2_p1", c2, 4, 4, [5, 5], [3, 3], groups=2, stride=2, padding=1, bias=True)
case("c2_depthwise_c3", c2, 3, 3, [4, 4], [2, 2], groups=3)
case("c2_depthwise_mult2_c2f4", c2, 2, 4, [4, 4], [3, 3], groups=2, padding=1, bias=True)
case("c2_depthwise_c4_p1_d2", c2, 4, 4, [5, 5], [2, 2], groups=4, padding=1, dilation=2)
case("c2_reflect_p11", c2, 1, 2, [4, 4], [3, 3], padding=1, padding_mode="reflect", bias=True)
case("c2_reflect_p21", c2, 2, 1, [4, 5], [3, 3], padding=(2, 1), padding_mode="reflect")
case("c2_reflect_p12_s2", c2, 1, 1, [5, 3], [2, 2], padding=(1, 2), stride=2, padding_mode="reflect")
case("c2_replicate_p12", c2, 2, 2, [3, 4], [2, 3], padding=(1, 2), padding_mode="replicate", bias=True)
case("c2_replicate_p2_s2", c2, 1, 1, [2, 3], [3, 3], padding=2, stride=2, padding_mode="replicate")
case("c2_circular_p11", c2, 1, 1, [4, 4], [3, 3], padding=1, padding_mode="circular")
case("c2_circular_p21_d2", c2, 2, 2, [4, 3], [2, 2], padding=(2, 1), dilation=2, padding_mode="circular", bias=True)
case("c2_circular_g2_s2", c2, 2, 2, [5, 5], [3, 3], padding=1, stride=2, groups=2, padding_mode="circular")
case("c2_flip_p1", c2, 1, 1, [4, 4], [3, 3], padding=1, flip=True)
case("c2_flip_k2x3_bias", c2, 2, 2, [4, 5], [2, 3], flip=True, bias=True)
case("c2_flip_s2_g2", c2, 4, 2, [5, 5], [2, 2], stride=2, groups=2, flip=True)
case("c2_flip_reflect", c2, 1, 1, [4, 4], [3, 2], padding=(1, 1), padding_mode="reflect", flip=True)
case("c2_flip_circular_depthwise", c2, 3, 3, [3, 4], [2, 3], padding=1, groups=3, padding_mode="circular", flip=True, bias=True)
case("c2_k1x1", c2, 3, 2, [3, 3], [1, 1], bias=True)
case("c2_k_eq_input", c2, 2, 1, [3, 4], [3, 4])
case("c2_h1_row", c2, 1, 2, [1, 7], [1, 3], stride=(1, 2))
case("c2_k4_p2_s3", c2, 1, 1, [7, 7], [4, 4], padding=2, stride=3, bias=True)
case("c2_k1_p2_border", c2, 1, 1, [2, 2], [1, 1], padding=2, bias=True)
case("c2_1x1_input", c2, 2, 2, [1, 1], [1, 1], bias=True)

# --------------------------------------------------------------------------
# conv1d
# --------------------------------------------------------------------------
c1 = "conv1d"
case("c1_basic_k3", c1, 1, 1, 7, 3)
case("c1_c2f3_bias_k2", c1, 2, 3, 5, 2, bias=True)
case("c1_s2_p1", c1, 1, 2, 6, 3, stride=2, padding=1)
case("c1_s3_p2_d2", c1, 2, 1, 7, 3, stride=3, padding=2, dilation=2, bias=True)
case("c1_g2_c4f2", c1, 4, 2, 5, 2, groups=2)
case("c1_g2_c2f4_bias", c1, 2, 4, 4, 3, groups=2, padding=1, bias=True)
case("c1_depthwise_c3", c1, 3, 3, 6, 2, groups=3)
case("c1_reflect_p2", c1, 1, 1, 4, 3, padding=2, padding_mode="reflect")
case("c1_replicate_p1", c1, 2, 2, 3, 3, padding=1, padding_mode="replicate", bias=True)
case("c1_circular_p2_s2", c1, 1, 1, 5, 4, padding=2, stride=2, padding_mode="circular")
case("c1_flip_c2f2_p2_bias", c1, 2, 2, 4, 3, padding=2, flip=True, bias=True)
case("c1_flip_g2_d2", c1, 2, 2, 7, 2, groups=2, dilation=2, flip=True)
case("c1_flip_reflect_s2", c1, 1, 1, 6, 4, padding=1, stride=2, padding_mode="reflect", flip=True)
case("c1_k4_w4", c1, 1, 1, 4, 4, bias=True)
case("c1_k1_w1", c1, 1, 1, 1, 1)

# --------------------------------------------------------------------------
# conv_transpose2d
# --------------------------------------------------------------------------
t2 = "conv_transpose2d"
case("t2_basic_k3", t2, 1, 1, [3, 3], [3, 3])
case("t2_s2_k3_c2f3_bias", t2, 2, 3, [2, 3], [3, 3], stride=2, bias=True)
case("t2_s21_p10_op10", t2, 1, 2, [3, 3], [3, 2], stride=(2, 1), padding=(1, 0), output_padding=(1, 0))
case("t2_s3_op2_k2", t2, 1, 1, [2, 2], [2, 2], stride=3, output_padding=2)
case("t2_p2_k3", t2, 2, 1, [4, 4], [3, 3], padding=2, bias=True)
case("t2_d2_op1_s1", t2, 1, 1, [3, 3], [2, 2], dilation=2, output_padding=1)
case("t2_g2_c4f2_s2", t2, 4, 2, [2, 2], [2, 2], groups=2, stride=2)
case("t2_g2_c2f4_s2_p1_op1_bias", t2, 2, 4, [3, 3], [3, 3], groups=2, stride=2, padding=1, output_padding=1, bias=True)
case("t2_s13_d21_p01", t2, 1, 1, [2, 3], [2, 3], stride=(1, 3), dilation=(2, 1), padding=(0, 1))
case("t2_1x1_input_k4_s3", t2, 2, 2, [1, 1], [4, 4], stride=3, bias=True)
case("t2_s2_d2_p2_op1", t2, 1, 1, [3, 4], [3, 2], stride=2, dilation=2, padding=2, output_padding=1)

# --------------------------------------------------------------------------
# conv_transpose1d
# --------------------------------------------------------------------------
t1 = "conv_transpose1d"
case("t1_basic_k3_c2f2_bias", t1, 2, 2, 4, 3, bias=True)
case("t1_s3_p1_op2", t1, 1, 1, 3, 3, stride=3, padding=1, output_padding=2)
case("t1_s2_d2_op1", t1, 1, 2, 3, 2, stride=2, dilation=2, output_padding=1)
case("t1_g2_c4f2", t1, 4, 2, 3, 2, groups=2)
case("t1_s2_p2_k4", t1, 1, 1, 4, 4, stride=2, padding=2, bias=True)
case("t1_g2_c2f4_s2_d2_op1_bias", t1, 2, 4, 3, 3, groups=2, stride=2, dilation=2, output_padding=1, bias=True)
case("t1_w1_k1", t1, 1, 3, 1, 1, bias=True)

# --------------------------------------------------------------------------
# combos PyTorch rejects
# --------------------------------------------------------------------------
invalid("inv_reflect_pad_ge_size", c2, 1, 1, [2, 4], [2, 2], padding=(2, 1), padding_mode="reflect")
invalid("inv_circular_pad_gt_size", c1, 1, 1, 2, 2, padding=3, padding_mode="circular")
invalid("inv_groups_not_dividing_c", c2, 3, 2, [4, 4], [2, 2], groups=2, wshape=[2, 1, 2, 2])
invalid("inv_groups_not_dividing_f", c2, 4, 3, [4, 4], [2, 2], groups=2, wshape=[3, 2, 2, 2])
invalid("inv_weight_channel_mismatch", c1, 2, 1, 5, 3, wshape=[1, 3, 3])
invalid("inv_kernel_larger_than_input", c2, 1, 1, [3, 3], [4, 4])
invalid("inv_dilated_kernel_larger", c1, 1, 1, 4, 3, dilation=2)
invalid("inv_stride_zero", c2, 1, 1, [4, 4], [2, 2], stride=(0, 1))
invalid("inv_negative_padding", c1, 1, 1, 5, 2, padding=-1)
invalid("inv_dilation_zero", c1, 1, 1, 5, 2, dilation=0)
invalid("inv_output_padding_ge_stride_and_dilation", t2, 1, 1, [3, 3], [2, 2], stride=2, output_padding=2)
invalid("inv_output_padding_with_stride1", t1, 1, 1, 3, 2, output_padding=1)
invalid("inv_transpose_groups_not_dividing_c", t1, 3, 2, 3, 2, groups=2, wshape=[3, 1, 2])
invalid("inv_transpose_output_empty", t1, 1, 1, 1, 1, padding=1)


# --------------------------------------------------------------------------
# padding='same' and 'valid' (conv1d/conv2d only). After every case above,
# so the random draws of the earlier cases, and their values, stay as they were.
# --------------------------------------------------------------------------
case("c2_same_k3_bias", c2, 2, 2, [4, 5], [3, 3], padding="same", bias=True)
case("c2_same_k4", c2, 1, 1, [5, 5], [4, 4], padding="same")
case("c2_same_k2x3_f2", c2, 1, 2, [4, 5], [2, 3], padding="same", bias=True)
case("c2_same_d2_k3", c2, 1, 1, [6, 6], [3, 3], padding="same", dilation=2)
case("c2_same_d12_k2", c2, 2, 2, [5, 6], [2, 2], padding="same", dilation=(1, 2), groups=2)
case("c2_same_reflect_k4", c2, 1, 1, [5, 5], [4, 4], padding="same", padding_mode="reflect")
case("c2_same_circular_k2x3", c2, 1, 2, [4, 4], [2, 3], padding="same", padding_mode="circular", bias=True)
case("c2_same_replicate_d2_k2", c2, 1, 1, [4, 5], [2, 2], padding="same", padding_mode="replicate", dilation=(2, 3))
case("c2_same_flip_k4x2", c2, 1, 1, [5, 4], [4, 2], padding="same", flip=True)
case("c2_valid_k3", c2, 1, 1, [5, 5], [3, 3], padding="valid")
case("c2_valid_s2_k2", c2, 2, 1, [5, 6], [2, 2], padding="valid", stride=2, bias=True)
case("c1_same_k3", c1, 1, 1, 6, 3, padding="same")
case("c1_same_k4_bias", c1, 2, 2, 6, 4, padding="same", bias=True)
case("c1_same_d2_k3", c1, 1, 2, 7, 3, padding="same", dilation=2)
case("c1_same_d3_k2", c1, 1, 1, 6, 2, padding="same", dilation=3)
case("c1_same_reflect_k2", c1, 1, 1, 4, 2, padding="same", padding_mode="reflect")
case("c1_valid_k3", c1, 1, 1, 6, 3, padding="valid")
case("c1_valid_reflect_s2", c1, 1, 1, 7, 3, padding="valid", stride=2, padding_mode="reflect")
invalid("inv_same_strided", c2, 1, 1, [5, 5], [3, 3], padding="same", stride=2)
invalid("inv_same_strided_1d", c1, 1, 1, 6, 2, padding="same", stride=(3,))


# --------------------------------------------------------------------------
def main():
    torch_values.write_cases(OUT_PATH, "tests/golden/gen_pytorch.py", SEED, CASES, INVALID, "op")


if __name__ == "__main__":
    main()
