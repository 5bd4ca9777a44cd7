#!/bin/sh
# Builds the seed example with legacy symbol mangling (_ZN...17h<hash>E) and
# runs the symbolizer's legacy test case on it.
# usage: legacy-demo.sh TEST-SYMBOLIZER BUILD-DIR   (AU_SRC_ROOT set by meson)
# meson passes paths relative to the build root, the working directory.
test_exe=$(realpath "$1")
target=$(realpath "$2")/legacy-target

if ! command -v cargo >/dev/null 2>&1; then
	echo "skipped: cargo not found"
	exit 77
fi
cd "$AU_SRC_ROOT/fixtures" || exit 1
# -Z flags need RUSTC_BOOTSTRAP on a stable toolchain (see findings.md).
if ! RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target" \
     RUSTFLAGS="-Z instrument-mcount -C symbol-mangling-version=legacy -Z unstable-options" \
     cargo build -q -p demo; then
	echo "FAIL: cargo could not build the legacy-mangled demo"
	exit 1
fi
AU_LEGACY_DEMO="$target/debug/demo" exec "$test_exe" legacy_mangling
