#!/bin/bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a
# while on its seed corpus.  Exit 77 (skip) without clang's libFuzzer.
#   tests/fuzz/run.sh [SECONDS-PER-TARGET] [-- extra libFuzzer args]
# AU_FUZZ_DIR: where the binaries, corpora and logs go (kept; a corpus
# grows across runs).  Without it, a temp dir removed unless a run fails.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-20}
extra=("${@:2}")
[[ ${extra[0]:-} == -- ]] && extra=("${extra[@]:1}")
if [[ -n ${AU_FUZZ_DIR:-} ]]; then
	out=$AU_FUZZ_DIR
	mkdir -p "$out"
else
	out=$(mktemp -d /tmp/au-fuzz-build-XXXXXX)
	# On every exit, skips and failed builds too: removed on a pass or a
	# skip, kept (and named) on a failure.
	trap 'rc=$?; if ((rc == 0 || rc == 77)); then rm -rf -- "$out"; else echo "kept $out"; fi' EXIT
fi
export AU_SRC_ROOT=$root

command -v clang >/dev/null || { echo "SKIP: clang not installed"; exit 77; }
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){return 0;}' >"$out/probe.c"
clang -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null ||
	{ echo "SKIP: clang's libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"; exit 77; }

cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-D_GNU_SOURCE -std=gnu11 -I"$root/analyzer" -I"$root/symbolizer" -I/usr/include/capstone)
libs=(-ldw -lelf -lcapstone -liberty)
sym=("$root"/symbolizer/*.c)
reader=("$root"/analyzer/{utils,data-file,session,symtab,argspec,auto-args,sched-events,task-reader}.c)
# Both at once: the build is a third of a short run.
clang "${cflags[@]}" "$root/tests/fuzz/fuzz-reader.c" "${reader[@]}" "${sym[@]}" "${libs[@]}" -o "$out/fuzz-reader" &
p1=$!
clang "${cflags[@]}" "$root/tests/fuzz/fuzz-symbolizer.c" "${sym[@]}" "${libs[@]}" -o "$out/fuzz-symbolizer" &
p2=$!
wait $p1
wait $p2

# Seeds: the checked-in recording's files (prefixed with the byte that
# picks which file they replace), and a small C binary with DWARF.
mkdir -p "$out/corpus-reader" "$out/corpus-symbolizer"
rec=$root/fixtures/recordings/handfuture.uftrace.data
i=0
for f in "$rec"/11879.dat "$rec"/handfuture.sym "$rec"/task.txt "$rec"/sid-*.map "$rec"/info \
	"$rec"/perf-cpu0.dat; do
	{ printf "\\x$(printf %02x $i)"; cat "$f"; } >"$out/corpus-reader/seed-$i"
	i=$((i + 1))
done
# the .dbg of a `record -a` recording (the target adds one; this is another)
printf '\x06# path name: /work/main/fixtures/target/debug/handfuture\nF: 18730 f\nA: @arg1/t8:S,arg2/s\nR: @retval/t16:R\n' \
	>"$out/corpus-reader/seed-6"
cc -g -O0 -o "$out/corpus-symbolizer/small-c" "$root/fixtures/c/threads.c" -pthread
head -c 20000 "$out/corpus-symbolizer/small-c" >"$out/corpus-symbolizer/truncated"

rc=0
for t in reader symbolizer; do
	# Inputs that once crashed the target (tests/fuzz/regressions/TARGET-*,
	# named after the bug) run first, once each.
	regs=("$root"/tests/fuzz/regressions/"$t"-*)
	if [[ -e ${regs[0]} ]]; then
		"$out/fuzz-$t" -rss_limit_mb=2048 -timeout=10 "${regs[@]}" >"$out/$t-regressions.log" 2>&1 ||
			{ rc=1; echo "fuzz-$t: a regression input fails (see $out/$t-regressions.log)"; }
	fi
	echo "fuzz-$t: ${secs}s"
	"$out/fuzz-$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "${extra[@]}" "$out/corpus-$t" 2>"$out/$t.log" || rc=1
	grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|SUMMARY|ERROR" "$out/$t.log" | head -5
done
if [[ $rc == 0 ]]; then
	echo "fuzzing: no crash"
else
	echo "fuzzing: crash found (see $out/*.log)"
fi
exit $rc
