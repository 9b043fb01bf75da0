# ConvScope. Two commands set up and run everything on a fresh Debian machine
# (as root, or with passwordless sudo); both install only what is missing.
.PHONY: serve test dist

# scripts/env.sh is bash (dash, Debian's /bin/sh, cannot source it).
SHELL := /bin/bash

# Serve the app on http://127.0.0.1:8080 (rebuilds on change).
serve:
	bash scripts/setup.sh serve
	. scripts/env.sh && trunk serve --address 127.0.0.1 --port 8080

# Run every test layer (installs Chromium + ChromeDriver too).
test:
	bash scripts/setup.sh test
	bash scripts/test.sh

# Build the static site into dist/ (copy it anywhere; paths are relative).
dist:
	bash scripts/setup.sh serve
	. scripts/env.sh && trunk build --release
