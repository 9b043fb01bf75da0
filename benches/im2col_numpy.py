"""im2col the seeds' way, timed: NumPy fancy indexing builds Xhat, then np.dot(Xhat, W).

The method is seeds/000's "Multiple Spatial Dimensions, Multiple Features" and
"Multiple filters" cells (In [18]-[24]): a channels-last input X (n_h, n_w, d),
index arrays h_ix, w_ix, ft_ix with one row per output position and one column
per (kernel row, kernel column, channel), Xhat = X[h_ix, w_ix, ft_ix], and
out = np.dot(Xhat, W) with W of shape (k_h k_w d, o), reshaped to (OH, OW, o).
The seed writes its index arrays by hand for a 5x5 input; here they are made by
broadcasting, with the same values and order. Zero padding is np.pad, as the
seed pads its 1D input with zeros.

The problem and its values are the Rust bench's (benches/im2col.rs): input
(3, 224, 224), 16 filters (3, 3, 3), padding 1, stride 1, every value
((i * 7919) % 17 - 8) / 8 for its row-major index i in PyTorch's layout (input
(C, H, W), weight (F, C, KH, KW)). All values are multiples of 1/8, so every
product and sum is exact and both sides must print identical checksums (the
output's sum, its sum weighted by (k % 7 + 1) for flat index k, and its sum of
squares).

Usage:
  python benches/im2col_numpy.py [--runs N]        one JSON line per variant
  python benches/im2col_numpy.py --report FILE     the markdown table of FILE's lines
                                                   (the JSON lines of both benches)
benches/im2col_vs_numpy.sh runs both benches, interleaved, then --report.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

C, H, W, F, K, PAD = 3, 224, 224, 16, 3, 1
OH, OW = H + 2 * PAD - K + 1, W + 2 * PAD - K + 1
# Output cells compared between the two benches: (filter, row, column).
CELLS = [(0, 0, 0), (15, 223, 223), (7, 100, 37), (3, 0, 223), (11, 223, 0), (5, 112, 112)]


def values(n, np):
    """((i * 7919) % 17 - 8) / 8 for i in 0..n: the bench's fixed "random" numbers."""
    i = np.arange(n, dtype=np.int64)
    return ((i * 7919) % 17 - 8) / 8.0


def problem(np):
    """X (H, W, C) channels-last as the seed holds it, and W (KH*KW*C, F) in Xhat's column order."""
    x = values(C * H * W, np).reshape(C, H, W)  # PyTorch's (C, H, W)
    w = values(F * C * K * K, np).reshape(F, C, K, K)  # PyTorch's (F, C, KH, KW)
    X = np.ascontiguousarray(x.transpose(1, 2, 0))  # (H, W, C), seeds/000 In [18]
    # Row (ki, kj, c) of Wmat holds w[f, c, ki, kj]: seeds/000 In [20]'s flattening of a (k_h, k_w, d) filter.
    Wmat = np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(K * K * C, F))
    return X, Wmat


def index_arrays(np):
    """h_ix, w_ix, ft_ix: (OH*OW, KH*KW*C), as seeds/000 In [21] writes them for 5x5x2."""
    oi, oj = np.divmod(np.arange(OH * OW), OW)  # rows: output positions, row-major
    ki, kj, c = np.unravel_index(np.arange(K * K * C), (K, K, C))  # columns: (ki, kj, c)
    h_ix = oi[:, None] + ki[None, :]
    w_ix = oj[:, None] + kj[None, :]
    ft_ix = np.broadcast_to(c[None, :], h_ix.shape)
    return h_ix, w_ix, ft_ix


def seeds_method(X, Wmat, np, ix=None):
    """Pad, index, gather, multiply: the output (OH, OW, F). `ix`: index arrays made beforehand."""
    Xp = np.pad(X, ((PAD, PAD), (PAD, PAD), (0, 0)))
    h_ix, w_ix, ft_ix = ix if ix is not None else index_arrays(np)
    Xhat = Xp[h_ix, w_ix, ft_ix]  # (OH*OW, KH*KW*C)
    out = np.dot(Xhat, Wmat)  # (OH*OW, KH*KW*C) . (KH*KW*C, F) = (OH*OW, F)
    return out.reshape((OH, OW, F))


def bench(runs):
    import numpy as np

    X, Wmat = problem(np)
    ix = index_arrays(np)
    # np.dot runs on OpenBLAS's threads, one per core unless OPENBLAS_NUM_THREADS
    # says otherwise (the Rust core uses one thread).
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    suffix, note = (f"-{threads}-thread", f" (OPENBLAS_NUM_THREADS={threads})") if threads else ("", "")
    variants = [
        ("numpy", "NumPy, the seeds' method: pad + index arrays + X[h_ix, w_ix, ft_ix] + np.dot", None),
        ("numpy-cached-ix", "NumPy, the same with the index arrays made once beforehand", ix),
    ]
    for key, label, cached in variants:
        key, label = key + suffix, label + note
        y = seeds_method(X, Wmat, np, cached)  # warm-up, and the result to check
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            seeds_method(X, Wmat, np, cached)
            times.append((time.perf_counter() - start) * 1e3)
        y = y.transpose(2, 0, 1)  # (F, OH, OW), as the seed displays it (In [24])
        flat = y.reshape(-1)
        weights = np.arange(flat.size) % 7 + 1
        print(
            json.dumps(
                {
                    "key": key,
                    "label": label,
                    "times_ms": times,
                    "checksum": [float(flat.sum()), float(np.dot(flat, weights)), float(np.dot(flat, flat))],
                    "cells": [float(y[c]) for c in CELLS],
                    "env": f"Python {platform.python_version()}, NumPy {np.__version__} with OpenBLAS"
                    f" ({os.cpu_count()} CPUs)",
                }
            ),
            flush=True,
        )


def report(path):
    """Merge the JSON lines of every round; check the results agree; print one markdown table."""
    rows = {}
    for line in open(path):
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        row = rows.setdefault(r["key"], {**r, "times_ms": []})
        row["times_ms"] += r["times_ms"]
        if r["checksum"] != row["checksum"] or r["cells"] != row["cells"]:
            sys.exit(f"{r['key']}: results differ between rounds")
    if "rust" not in rows or "numpy" not in rows:
        sys.exit(f"{path}: need the lines of both benches, got {sorted(rows)}")
    rust = rows["rust"]
    for key, r in rows.items():
        if r["checksum"] != rust["checksum"]:
            sys.exit(f"checksums differ: {key} {r['checksum']} vs rust {rust['checksum']}")
        for cell, a, b in zip(CELLS, r["cells"], rust["cells"]):
            if abs(a - b) > 1e-9:
                sys.exit(f"y{list(cell)} differs: {key} {a} vs rust {b}")
    base = statistics.median(rust["times_ms"])
    print(f"im2col + matrix product, input {C}x{H}x{W}, {F} filters {K}x{K}, padding {PAD}, stride 1")
    print(f"({OH * OW} x {C * K * K} patch matrix); {len(rust['times_ms'])} timed runs per row over every round.")
    print(f"Same output on both sides: checksum {rust['checksum']}, cells {rust['cells']}.")
    print()
    print("| implementation | median (ms) | min (ms) | median / the Rust core's |")
    print("|---|---|---|---|")
    for key in rows:  # in the order the lines came
        t = rows[key]["times_ms"]
        median = statistics.median(t)
        print(f"| {rows[key]['label']} | {median:.2f} | {min(t):.2f} | {median / base:.2f}x |")
    print()
    print("; ".join(dict.fromkeys(r["env"] for r in rows.values())))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per variant (after one warm-up)")
    parser.add_argument("--report", metavar="FILE", help="print the table of the JSON lines in FILE")
    args = parser.parse_args()
    if args.report:
        report(args.report)
    else:
        bench(args.runs)


if __name__ == "__main__":
    main()
