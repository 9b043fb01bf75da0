# Sourced by the other scripts: paths and settings every step needs.
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Trunk's update check needs the network; this machine has none beyond the registries.
export TRUNK_SKIP_VERSION_CHECK=true
TRUNK_VERSION=0.21.14
# wasm_split_cli_support's wasm-split-cli, the tool half of Cargo.toml's wasm_split_helpers.
WASM_SPLIT_VERSION=0.2.4
# The NumPy the export tests run the exported code with (scripts/setup.sh test).
NUMPY_VERSION=2.2.6
step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nconvscope: %s\n' "$*" >&2; exit 1; }
