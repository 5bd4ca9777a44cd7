#!/bin/bash
# Benchmarks (doc/benchmarks.md): async-uftrace analyze against uftrace's
# own `dump --chrome` and `replay`, on the same recordings of
# fixtures/workload, plus the cost of recording in each mode.
#   bench/run.sh               ~1M and ~13M-record recordings
#   bench/run.sh --quick       the ~1M one only
#   bench/run.sh --recording   only the cost of recording
#   bench/run.sh --analysis    only the analysis steps
#   AU_BENCH_SIZES="100 10 100" bench/run.sh --analysis   other workload sizes (comma-separated)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[[ -d "$HOME/.cargo/bin" ]] && PATH="$HOME/.cargo/bin:$PATH"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }

quick=0 recording_only=0 analysis_only=0
[[ "${1:-}" == "--quick" ]] && quick=1
[[ "${1:-}" == "--recording" ]] && recording_only=1
[[ "${1:-}" == "--analysis" ]] && analysis_only=1
work=$(mktemp -d /tmp/au-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

# A release build of the analyzer, as users would install it.
[[ -d build-bench ]] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench >/dev/null
au=$root/build-bench/analyzer/async-uftrace
(cd fixtures && "$root/scripts/cargo-mcount" --quiet -p workload)
app=$root/fixtures/target/debug/workload

# seconds and peak KB of one command, its output thrown away
measure() {
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
		echo "bench: $* failed: $(tail -3 "$work/err")" >&2; echo "nan nan"; return; }
	cat "$work/time"
}

wall_of() { # milliseconds-precise wall time of a command
	local TIMEFORMAT=%R
	{ time "$@" >/dev/null 2>&1; } 2>&1
}

best_wall() { # best of 3
	local best=999 t
	for _ in 1 2 3; do
		t=$(wall_of "$@")
		best=$(python3 -c "print(min($best, $t))")
	done
	echo "$best"
}

sizes=("10 10 30")
((quick)) || sizes+=("100 10 100")
[[ -n "${AU_BENCH_SIZES:-}" ]] && IFS=, read -r -a sizes <<<"$AU_BENCH_SIZES"  # e.g. "100 10 100"
((recording_only)) && sizes=()

((recording_only)) || printf '\n%-26s %10s %8s %10s %12s %8s\n' "step" "records" "wall s" "peak MB" "records/s" "ratio"
for size in "${sizes[@]}"; do
	# shellcheck disable=SC2086
	"$au" record-options --full "$app" >"$work/full.opts"
	rm -rf "$work/rec"
	uftrace record -d "$work/rec" --opt-file "$work/full.opts" "$app" $size >/dev/null 2>&1
	"$au" analyze "$work/rec" --no-trace -s "$work/s.json" -q
	records=$(python3 -c "import json; print(json.load(open('$work/s.json'))['trace']['records'])")
	echo "workload $size: $(du -sh "$work/rec" | cut -f1) recorded"
	declare -A wall=() rss=() ref=() all=()
	run() { # name, reference step for its ratio, runs, command...
		local name=$1 against=$2 runs=$3 best=999 peak=0 w m
		shift 3
		all[$name]=
		for _ in $(seq "$runs"); do
			# Every run starts with the earlier runs' output gone and
			# written back, and a second to settle: a gigabyte of dirty
			# pages, or the discards of a deleted one, left by one step
			# slowed the next by up to half (doc/benchmarks.md).
			rm -f "$work"/t*.json "$work/d.json"
			sync
			sleep 1
			read -r w m < <(measure "$@")
			[[ $w == nan ]] && { best=nan peak=nan; break; }
			all[$name]+=" $w"
			best=$(python3 -c "print(min($best, $w))")
			peak=$(python3 -c "print(max($peak, $m))")
		done
		wall[$name]=$best rss[$name]=$peak ref[$name]=$against
	}
	# Each tool's output goes to a file (what a user does: Perfetto opens
	# files) and, separately, to /dev/null (the cost of the work alone).
	# Each step's best of 3 runs (uftrace's, seconds long, best of 2).
	run dump-chrome dump-chrome 2 sh -c "uftrace dump -d '$work/rec' --chrome >'$work/d.json'"
	dump_size=$(du -h "$work/d.json" | cut -f1)
	run dump-chrome-devnull dump-chrome-devnull 2 uftrace dump -d "$work/rec" --chrome
	run replay dump-chrome-devnull 2 uftrace replay -d "$work/rec"
	run analyze dump-chrome 3 "$au" analyze "$work/rec" -o "$work/t.json" -s "$work/s.json" -q
	trace_size=$(du -h "$work/t.json" | cut -f1)
	run analyze-devnull dump-chrome-devnull 3 "$au" analyze "$work/rec" -o /dev/null -s "$work/s.json" -q
	run analyze-min1us dump-chrome 3 "$au" analyze "$work/rec" -o "$work/t1.json" -s "$work/s.json" -q --min-call 1us
	min_size=$(du -h "$work/t1.json" | cut -f1)
	run analyze-notrace dump-chrome-devnull 3 "$au" analyze "$work/rec" --no-trace -s "$work/s.json" -q
	for name in dump-chrome dump-chrome-devnull replay analyze analyze-devnull analyze-min1us analyze-notrace; do
		python3 - "$name" "$records" "${wall[$name]}" "${rss[$name]}" "${wall[${ref[$name]}]}" "${ref[$name]}" "${all[$name]}" <<'PY'
import sys
name, rec, wall, rss, ref, against, runs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7].split()
print("%-26s %10d %8.2f %10.1f %12.0f %7.1fx  (vs %s; runs %s)" % (name, rec, wall, rss / 1024, rec / wall if wall else 0, ref / wall if wall else 0, against, " ".join(runs)))
PY
	done
	echo "(ratio: the reference step's time / this step's time; outputs: dump --chrome $dump_size, analyze $trace_size, --min-call 1us $min_size; -devnull steps write to /dev/null)"
	rm -rf "$work/rec" "$work"/t*.json "$work/d.json"
done

((analysis_only)) && exit 0

# The cost of recording (a larger run, so that start-up does not dominate):
# the workload built plainly (no instrumentation: the baseline), with mcount
# calls, and with patchable entries; each alone and under profile.sh's modes.
size="100 100 3000"
(cd fixtures && env -u RUSTFLAGS CARGO_TARGET_DIR="$root/fixtures/target/plain" \
	cargo build --quiet -p workload)
(cd fixtures && "$root/scripts/cargo-mcount" --patchable --quiet -p workload)
declare -A bin=([plain]="$root/fixtures/target/plain/debug/workload" [mcount]="$app"
		[patchable]="$(ls -d "$root"/fixtures/target/*-linux-*/debug | head -1)/workload")
# The workload's standard size (a poll every ~200 ns: all runtime, ~20 ns
# of work per message), then the same with ~0.5 us of work per message
# (300 xorshift rounds in this debug build): how the cost of recording
# depends on how much a program does between polls.
for size in "100 100 3000" "100 100 3000 300"; do
	# shellcheck disable=SC2086
	base=$(best_wall "${bin[plain]}" $size)
	printf '\nrecording workload %s (best of 3, full mode once; ratio to the plain build untraced, %.3f s)\n' "$size" "$base"
	printf '%-10s %-9s %8s %8s %8s\n' "build" "mode" "wall s" "ratio" "data"
	for build in plain mcount patchable; do
		# shellcheck disable=SC2086
		t=$(best_wall "${bin[$build]}" $size)
		printf '%-10s %-9s %8.3f %7.1fx %8s\n' "$build" untraced "$t" "$(python3 -c "print($t / $base)")" -
		[[ $build == plain ]] && continue
		# as profile.sh does: a patchable build's default recording gets the
		# symbolizer's symbol file (--with-syms, on the command line)
		rm -rf "$work/syms"
		"$au" record-options --symbols-dir "$work/syms" "${bin[$build]}" >"$work/default.opts"
		"$au" record-options --full "${bin[$build]}" >"$work/full.opts"
		modes=(default full)
		[[ $size == "100 100 3000" ]] || modes=(default)  # full: tens of seconds, once
		for mode in "${modes[@]}"; do
			best=999 runs=3 withsyms=()
			[[ $mode == full ]] && runs=1
			[[ $mode == default ]] && compgen -G "$work/syms/*.sym" >/dev/null &&
				withsyms=(--with-syms="$work/syms")
			for _ in $(seq $runs); do
				rm -rf "$work/rec"
				# shellcheck disable=SC2086
				t=$(wall_of uftrace record -d "$work/rec" "${withsyms[@]}" --opt-file "$work/$mode.opts" "${bin[$build]}" $size)
				best=$(python3 -c "print(min($best, $t))")
			done
			printf '%-10s %-9s %8.3f %7.1fx %8s\n' "$build" "$mode" "$best" \
				"$(python3 -c "print($best / $base)")" "$(du -sh "$work/rec" | cut -f1)"
		done
	done
done
