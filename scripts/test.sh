#!/usr/bin/env bash
# Every test layer, in the order a failure is cheapest to find. Each layer can
# be run alone; see the README.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (native, all targets)"
cargo clippy --all-targets -- -D warnings

step "cargo clippy (wasm32: the app as the browser gets it)"
cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings

step "native tests: core, golden values, seeds, properties, state"
cargo test

step "rustdoc (no broken links; the core denies missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

step "browser unit tests (wasm-bindgen-test in headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 WASM_BINDGEN_TEST_TIMEOUT=180 \
  cargo test --target wasm32-unknown-unknown --test browser

step "release build (trunk build --release)"
trunk build --release

step "a test build with a panic on purpose (feature crash-test), for the crash banner's e2e test"
trunk build --release --features crash-test --dist target/dist-crash-test

step "release size (gzip -9)"
total=0
for f in dist/*.wasm dist/*.js dist/*.css; do
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  printf '  %-50s %8d bytes gzipped\n' "$(basename "$f")" "$size"
done
printf '  %-50s %8d bytes gzipped\n' "total" "$total"

step "end-to-end tests (playwright-core + /usr/bin/chromium)"
node --test --test-concurrency=1 tests/e2e/
