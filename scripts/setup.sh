#!/usr/bin/env bash
# Installs what ConvScope needs, and only what is missing, so a second run
# installs nothing. `scripts/setup.sh serve` installs the build tools;
# `scripts/setup.sh test` also installs Chromium and ChromeDriver.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
want=${1:-serve}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand, then run this again"
  step "installing $* (apt)"
  as_root apt-get update -qq || die "cannot run apt-get as root: run 'sudo apt-get install $*' by hand, then this again"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || die "apt-get install $* failed: install them by hand, then run this again"
}

command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust 1.95 (rustup), then run this again"
command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the wasm32 target"
# rustc links native binaries (cargo install, the native tests) with the system C compiler.
if ! command -v cc >/dev/null 2>&1; then
  apt_install gcc libc6-dev
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  step "installing Trunk $TRUNK_VERSION (takes a few minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# The CLI must equal the wasm-bindgen crate in Cargo.lock (pinned with = in Cargo.toml).
wbg=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; sub(/^version = /, ""); gsub(/"/, ""); print; exit }' Cargo.lock)
[ -n "$wbg" ] || die "could not read the wasm-bindgen version from Cargo.lock"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  step "installing wasm-bindgen-cli $wbg"
  # Without --locked: its lock file wants a crate release the registry lacks.
  cargo install wasm-bindgen-cli --version "$wbg"
fi

# Cuts the release wasm into the first screen's module and the chunks fetched later
# (scripts/post_build.mjs; the runtime half is the wasm_split_helpers crate).
# (It has no --version: cargo's list of installed crates says which one is there.)
if ! command -v wasm-split-cli >/dev/null 2>&1 \
  || ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  step "installing wasm-split-cli $WASM_SPLIT_VERSION (takes a few minutes)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
# playwright-core needs Node.js 20 or newer (Debian 12's own nodejs is 18).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  die "Node.js $(node --version 2>/dev/null || echo '(none)') is too old: install Node.js 20 or newer, then run this again"
fi

# node_modules: binaryen (wasm-opt for Trunk) and playwright-core (e2e tests).
stamp=node_modules/.convscope-lock
if ! [ -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  step "installing node packages (npm ci)"
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

if [ "$want" = test ]; then
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  # The export tests run the exported NumPy code: a venv with NumPy, pinned.
  # (PyTorch is not installed: its runs are skipped with a notice when absent.)
  if ! target/pyenv/bin/python -c "import numpy, sys; sys.exit(numpy.__version__ != '$NUMPY_VERSION')" >/dev/null 2>&1; then
    command -v python3 >/dev/null 2>&1 || apt_install python3
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
      apt_install python3-venv
    fi
    step "installing NumPy $NUMPY_VERSION in target/pyenv (for the export tests)"
    rm -rf target/pyenv
    python3 -m venv target/pyenv
    target/pyenv/bin/pip install --quiet "numpy==$NUMPY_VERSION"
  fi
fi
