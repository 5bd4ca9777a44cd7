#!/bin/bash
# Every option that `async-uftrace CMD --help`, profile.sh --help and
# cargo-mcount document must appear in doc/ (after libtraceevent's
# check-manpages.sh).  Usage: check-docs.sh ASYNC_UFTRACE SRC_ROOT
au=$1 root=$2
[[ -x "$au" ]] || { echo "SKIP: $au not built"; exit 77; }
missing=0
check() { # where, options...
	local where=$1; shift
	for opt in "$@"; do
		if ! grep -rqF -- "$opt" "$root/doc"; then
			echo "undocumented: $where $opt"
			missing=$((missing + 1))
		fi
	done
}
for cmd in analyze report symbols record-options; do
	mapfile -t opts < <("$au" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	check "async-uftrace $cmd" "${opts[@]}"
done
mapfile -t opts < <("$root/scripts/profile.sh" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
check "profile.sh" "${opts[@]}"
echo "$missing undocumented options"
((missing == 0))
