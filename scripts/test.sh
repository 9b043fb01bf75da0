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

step "cargo clippy (wasm32: the app as the browser gets it, split into chunks)"
cargo clippy --target wasm32-unknown-unknown --lib --bins --features split -- -D warnings

step "cargo clippy (the build's prerenderer, natively)"
cargo clippy --features ssr --bin snapshot -- -D warnings

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
# (Trunk takes index.html's data-cargo-features over --features: a copy of the page names both.)
sed 's/data-cargo-features="split"/data-cargo-features="split,crash-test"/' index.html > index.crash-test.html
trunk build --release --dist target/dist-crash-test index.crash-test.html
rm -f index.crash-test.html

step "release size (gzip -9): the first screen's files, then the chunks fetched later"
total=0
# The page holds the stylesheet (inlined) and the prerendered first screen.
for f in dist/index.html dist/app-*/convscope.js dist/app-*/convscope_bg.wasm; do
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  printf '  %-50s %8d bytes gzipped\n' "${f#dist/}" "$size"
done
printf '  %-50s %8d bytes gzipped\n' "first screen" "$total"
later=0
for f in dist/app-*/__wasm_split.js dist/app-*/split_*.wasm dist/app-*/chunk_*.wasm; do
  later=$((later + $(gzip -9 -c "$f" | wc -c)))
done
printf '  %-50s %8d bytes gzipped\n' "chunks, fetched when first opened or idle" "$later"

step "end-to-end tests (playwright-core + /usr/bin/chromium)"
node --test --test-concurrency=1 tests/e2e/
