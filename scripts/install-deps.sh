#!/bin/bash
# Installs what async-uftrace needs to build, test and profile, and only
# what is missing.  Idempotent; runs apt-get update once before installing.
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --browser  also Chromium (browser tests)
set -euo pipefail

packages=(uftrace libdw-dev libelf-dev libcapstone-dev libcjson-dev libiberty-dev
	  meson ninja-build pkg-config gcc python3 binutils
	  librust-tokio-dev librust-tokio-macros-dev librust-async-std-dev
	  librust-futures-dev librust-smol-dev librust-tracing-dev librust-hyper-dev
	  librust-async-trait-dev xz-utils time)
if [[ "${1:-}" == "--browser" ]]; then
	packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

if ((${#missing[@]})); then
	sudo=""
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
		sudo="sudo"
	fi
	echo "install-deps: installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

# Rust: rustup's stable toolchain is expected (Debian's rustc 1.63 is old).
if ! command -v cargo >/dev/null && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
	echo "install-deps: cargo is in ~/.cargo/bin: add it to PATH" >&2
fi
exit 0
