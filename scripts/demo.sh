#!/bin/bash
# The main job on the bundled example: build everything, profile the seed's
# async-std program (my_test sleeps 100 ms, then main sleeps 150 ms), print
# the report and where the trace is.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
[[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"
[[ -d build ]] || meson setup build >/dev/null
ninja -C build >/dev/null
(cd fixtures && "$root/scripts/cargo-mcount" --quiet -p demo)
mkdir -p out
scripts/profile.sh --force fixtures/target/debug/demo out/demo
echo
echo "Open out/demo.json in https://ui.perfetto.dev (Open trace file) to see each future's polls and waits."
