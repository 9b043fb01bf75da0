#!/usr/bin/env bash
# The core's im2col beside NumPy's (the seeds' method), in one run: builds the
# Rust bench (benches/im2col.rs, `cargo bench` profile), then runs it and
# benches/im2col_numpy.py in turn, ROUNDS times each, interleaved so both see
# the same machine load, checks both computed the same output and prints one
# markdown table (median and min over every round's runs). NumPy runs twice
# each round: as installed (OpenBLAS on every core) and with one BLAS thread.
#
# Usage: benches/im2col_vs_numpy.sh [ROUNDS] [RUNS]   (default 3 rounds of 10 runs)
# PYTHON picks the interpreter (default target/pyenv/bin/python, with NumPy);
# CARGO_TARGET_DIR is honoured as cargo does.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

ROUNDS=${1:-3}
RUNS=${2:-10}
PYTHON=${PYTHON:-$ROOT/target/pyenv/bin/python}
[ -x "$PYTHON" ] || die "no Python with NumPy at $PYTHON (make test creates target/pyenv, or set PYTHON)"

step "building the Rust bench"
# The bench executable's path, from cargo's own build report.
BENCH=$(cargo bench --bench im2col --no-run --message-format=json-render-diagnostics |
  "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "im2col" and m.get("executable"):
        print(m["executable"])')
[ -n "$BENCH" ] || die "cargo built no im2col bench executable"

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  step "round $round of $ROUNDS: Rust, NumPy, NumPy on one BLAS thread ($RUNS runs each)"
  "$BENCH" --runs "$RUNS" | tee -a "$RESULTS" | cut -c1-160
  "$PYTHON" benches/im2col_numpy.py --runs "$RUNS" | tee -a "$RESULTS" | cut -c1-160
  # The Rust core runs on one thread; so does np.dot here.
  OPENBLAS_NUM_THREADS=1 "$PYTHON" benches/im2col_numpy.py --runs "$RUNS" | tee -a "$RESULTS" | cut -c1-160
done

step "results"
"$PYTHON" benches/im2col_numpy.py --report "$RESULTS"
