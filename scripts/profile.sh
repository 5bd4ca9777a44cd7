#!/bin/bash
# Profiles an async Rust program: records it under uftrace with the options
# the symbolizer asks for, then analyzes the recording.
#
#   scripts/profile.sh [OPTIONS] APP OUT [-- APP-ARGS...]
#
# Writes OUT.uftrace.data/ (the recording, never deleted), OUT.json (trace
# for Perfetto), OUT.summary.json, and prints the report.  See doc/profile.md.
set -uo pipefail

usage() {
	cat <<'USAGE'
usage: scripts/profile.sh [OPTIONS] APP OUT [-- APP-ARGS...]

Records APP under uftrace and analyzes it: OUT.uftrace.data/ (recording),
OUT.json (trace for https://ui.perfetto.dev), OUT.summary.json, and a report.

options:
  --full              record every function (default: what the analysis needs)
  --annotate SPEC     also capture FUNCTION@argN[/fmt] (FUNCTION: a regex over
                      readable names; repeatable); the values show as args on
                      that function's slices and on the poll that called it
  --force             if OUT.uftrace.data exists, keep it as OUT.uftrace.data.old.N
                      and record anew (a recording is never deleted)
  -h, --help          this text
USAGE
}

die() { echo "profile.sh: $*" >&2; exit 2; }

full=() annotate=() force=0
while (($#)); do
	case "$1" in
	--full) full=(--full); shift ;;
	--annotate) [[ $# -ge 2 ]] || die "--annotate needs FUNCTION@argN"; annotate+=(--annotate "$2"); shift 2 ;;
	--force) force=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) break ;;
	-*) usage >&2; exit 64 ;;
	*) break ;;
	esac
done
[[ $# -ge 2 ]] || { usage >&2; exit 64; }
app=$1 out=$2
shift 2
[[ "${1:-}" == "--" ]] && shift

[[ -e "$app" ]] || die "$app: no such file"
[[ -f "$app" && -x "$app" ]] || die "$app: not an executable file"
[[ "$app" == */* ]] || app="./$app"
command -v uftrace >/dev/null || die "uftrace is not installed (apt-get install uftrace)"

# A program built without -Z instrument-mcount calls no mcount, and one
# without patchable entries has nothing uftrace can patch: uftrace would see
# nothing of it.  (The symbolizer refuses a patchable PIE, below.)
syms=$(readelf -s --wide "$app" 2>/dev/null)
sections=$(readelf -S --wide "$app" 2>/dev/null)
if ! grep -qE ' UND +(mcount|_mcount|__fentry__)(@|$)' <<<"$syms" &&
   ! grep -q ' __patchable_function_entries ' <<<"$sections"; then
	die "$app was not built for profiling (no calls to mcount, no patchable entries).
Build it with scripts/cargo-mcount (or scripts/cargo-mcount --patchable), or:
  RUSTC_BOOTSTRAP=1 RUSTFLAGS=\"-Z instrument-mcount -C debuginfo=2\" cargo build"
fi

# The analyzer: $ASYNC_UFTRACE, this checkout's build (built if needed), or PATH.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
au=${ASYNC_UFTRACE:-}
if [[ -z "$au" ]]; then
	if [[ -f "$root/meson.build" ]] && command -v ninja >/dev/null; then
		# In a checkout: keep its build up to date (a no-op when it is).
		{ [[ -d "$root/build" ]] || meson setup "$root/build" "$root" >/dev/null; } &&
			ninja -C "$root/build" >/dev/null || die "building async-uftrace failed"
		au="$root/build/analyzer/async-uftrace"
	else
		au=$(command -v async-uftrace) || die "async-uftrace not found"
	fi
fi

data="$out.uftrace.data"
if [[ -e "$data" ]]; then
	((force)) || die "$data exists: use --force to keep it aside and record again"
	n=1
	while [[ -e "$data.old.$n" ]]; do n=$((n + 1)); done
	mv -- "$data" "$data.old.$n" || die "cannot move $data aside"
	echo "profile.sh: kept the previous recording as $data.old.$n" >&2
fi
mkdir -p -- "$(dirname -- "$out")"

# The options go through a file: uftrace 0.13 copies its command line into
# the recording's info, and its own readers cut that line at 4096 bytes.
optfile="$out.record-options"
# A patchable binary's symbol file, made here so that libmcount need not
# read the binary's DWARF at start-up (uftrace copies it into the recording).
symdir=$(mktemp -d "${TMPDIR:-/tmp}/async-uftrace-syms-XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf -- "$symdir"' EXIT
"$au" record-options "${full[@]}" "${annotate[@]}" --symbols-dir "$symdir" "$app" >"$optfile"
case $? in
0) ;;
64) exit 64 ;;
*)	# A patchable PIE cannot be recorded at all; anything else unreadable
	# still can, with generic options.
	grep -q ' __patchable_function_entries ' <<<"$sections" && die "cannot record $app"
	echo "profile.sh: warning: the symbolizer could not read $app: recording with generic options" >&2
	printf '%s\n' -A '^_RNC.*@arg1' -R '^_RNC.*@retval' >"$optfile" ;;
esac

# On the command line: uftrace 0.13 loses string options of an opt-file.
withsyms=()
compgen -G "$symdir/*.sym" >/dev/null && withsyms=(--with-syms="$symdir")
echo "profile.sh: recording $app into $data" >&2
uftrace record -d "$data" "${withsyms[@]}" --opt-file "$optfile" "$app" "$@"
app_rc=$?
if [[ ! -f "$data/info" ]]; then
	die "uftrace wrote no recording (exit status $app_rc)"
fi
# uftrace's own exit status does not always carry the program's (a crash
# gives 2); the report says how the program ended, from the recording.
if ((app_rc != 0)); then
	echo "profile.sh: uftrace exited with status $app_rc: analyzing what was recorded" >&2
fi

"$au" analyze "$data" -o "$out.json" --summary "$out.summary.json" --report
rc=$?
echo
echo "recording: $data"
echo "trace:     $out.json   (open it in https://ui.perfetto.dev: 'Open trace file')"
echo "summary:   $out.summary.json"
exit $rc
