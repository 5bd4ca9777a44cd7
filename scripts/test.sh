#!/bin/bash
# The test command (README): installs what is missing, builds the fixtures
# and two builds of async-uftrace (plain with -Werror, and ASan+UBSan), runs
# every test in both, and ends with "N passed, N failed, N skipped".
#   AU_TEST_QUICK=1 scripts/test.sh   only the plain build
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh || { echo "test.sh: installing dependencies failed" >&2; exit 1; }
# The browser test's tools: Chromium from Debian, speedscope and
# playwright-core from npm.  Where they cannot be had, that test skips.
bash scripts/install-deps.sh --browser >/dev/null 2>&1 ||
	echo "test.sh: warning: Chromium could not be installed: the browser test will skip" >&2
if command -v npm >/dev/null && [[ ! -d tests/browser/node_modules/speedscope ]]; then
	(cd tests/browser && npm install --no-audit --no-fund --silent >/dev/null 2>&1) ||
		echo "test.sh: warning: npm install failed: the browser test will skip" >&2
fi
[[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"

# The fixtures: Rust programs the end-to-end tests profile.  Without cargo
# those tests skip (exit 77) and say so.
if command -v cargo >/dev/null; then
	echo "test.sh: building fixtures/ for profiling"
	(cd fixtures && "$root/scripts/cargo-mcount" --quiet) ||
		echo "test.sh: warning: building the fixtures failed: end-to-end tests will skip" >&2
	# the same programs with patchable entries (the 'patchable' suite)
	(cd fixtures && "$root/scripts/cargo-mcount" --patchable --quiet) ||
		echo "test.sh: warning: building the patchable fixtures failed: their tests will skip" >&2
	# some of them optimized, as they are and without inlining (the
	# 'release' test)
	(cd fixtures && "$root/scripts/cargo-mcount" --patchable --quiet --release -p workload -p tokio-demo \
		-p asyncstd-tasks -p smol-tasks &&
		CARGO_TARGET_DIR=target/no-inline "$root/scripts/cargo-mcount" --patchable --no-inline \
			--quiet --release -p tokio-demo) ||
		echo "test.sh: warning: building the optimized fixtures failed: the release test will skip" >&2
else
	echo "test.sh: warning: no cargo: end-to-end tests will skip" >&2
fi

builds=(build)
[[ "${AU_TEST_QUICK:-}" == 1 ]] || builds+=(build-asan)
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

passed=0 failed=0 skipped=0
for b in "${builds[@]}"; do
	opts=(-Dwerror=true)
	[[ "$b" == build-asan ]] && opts+=(-Db_sanitize=address,undefined -Db_lundef=false)
	if [[ ! -d "$b" ]]; then
		meson setup "$b" "${opts[@]}" >/dev/null || { echo "test.sh: meson setup $b failed" >&2; failed=$((failed + 1)); continue; }
	else
		meson configure "$b" "${opts[@]}" >/dev/null
	fi
	if ! ninja -C "$b" >/dev/null; then
		ninja -C "$b" | tail -30
		echo "test.sh: build $b failed" >&2
		failed=$((failed + 1))
		continue
	fi
	echo "test.sh: running the tests in $b"
	mult=1
	[[ "$b" == build-asan ]] && mult=3
	meson test -C "$b" --print-errorlogs --timeout-multiplier "$mult" --no-rebuild
	log="$b/meson-logs/testlog.json"
	if [[ -f "$log" ]]; then
		read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = t.get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
        # say why (the test prints "SKIP: reason"), on stderr
        why = [l for l in (t.get("stdout") or "").splitlines() if l.startswith("SKIP")]
        print("test.sh: skipped %s: %s" % (t.get("name"), why[-1] if why else "no reason given"),
              file=sys.stderr)
    else:
        f += 1
print(p, f, s)
PY
)
		echo "test.sh: $b: $p passed, $f failed, $s skipped"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
