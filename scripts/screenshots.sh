#!/bin/bash
# Regenerates the screenshots in doc/img/: the demo's, cpu-hog's and blocking's traces
# as speedscope shows them in headless Chromium (tests/browser/load-trace.js).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh --browser
[[ -d tests/browser/node_modules/speedscope ]] || (cd tests/browser && npm install --no-audit --no-fund --silent)
[[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"
(cd fixtures && "$root/scripts/cargo-mcount" --quiet -p demo -p cpu-hog -p blocking)
out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT  # the traces are only the screenshots' input
mkdir -p doc/img
for app in demo cpu-hog blocking; do
	scripts/profile.sh "fixtures/target/debug/$app" "$out/$app" >/dev/null
	node tests/browser/load-trace.js "$out/$app.json" --screenshot "doc/img/$app-speedscope.png"
done
echo "screenshots: doc/img/{demo,cpu-hog,blocking}-speedscope.png"
