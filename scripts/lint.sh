#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks; any finding fails:
#   1. checkpatch.pl --strict (from linux-source-6.1, run in place) over
#      kmod/, include/, selftests/ and samples/ sources, and no kernel version
#      check (LINUX_VERSION_CODE, KERNEL_VERSION) outside kmod/compat.h and
#      selftests/compat.h
#   2. make W=1 C=2 (sparse on every file, kernel-doc, extra warnings)
#   3. shellcheck over scripts/ and .ci/run (when shellcheck is installed)
#
# Environment: KDIR (default: scripts/kdir.sh), WDFIO_SRC (the extracted
# linux-source-6.1, default ~/.cache/wdfio/linux-source-6.1),
# CHECKPATCH_FLAGS (extra flags, e.g. "--ignore FOO"). A .checkpatch.conf at
# the repository root is honoured by checkpatch itself.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
cd "$top"

msg() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

cache=${WDFIO_CACHE:-$HOME/.cache/wdfio}
ksrc=${WDFIO_SRC:-$cache/linux-source-6.1}
tarball=/usr/src/linux-source-6.1.tar.xz
if [[ ! -f $ksrc/scripts/checkpatch.pl ]]; then
	[[ -r $tarball ]] || die "no $ksrc and no $tarball: install linux-source-6.1 (scripts/deps.sh)"
	msg "extracting $tarball into $ksrc"
	tmp=$ksrc.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	mv "$tmp" "$ksrc"
fi
kdir=${KDIR:-$("$here/kdir.sh")}
logdir=$top/build/lint
mkdir -p "$logdir"

failed=()

# ---- 1. checkpatch --------------------------------------------------------------
# kmod/ gets --strict with only CAMELCASE ignored (WDF names). The public headers,
# the samples and the test driver are WDF API or code written the way a ported
# driver is: their types are typedefs by definition (NEW_TYPEDEFS ignored there).
# A few findings are forced by the API itself (DECLARE_CONST_UNICODE_STRING must
# declare two variables...): scripts/checkpatch.allow lists each one with its
# reason; a finding is allowed only if file, type and flagged line all match.
mapfile -t core < <(find kmod -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) \
	-not -name '*.mod.c' 2>/dev/null | sort)
mapfile -t api < <(
	find include -maxdepth 1 -type f -name '*.h' 2>/dev/null
	find selftests samples -type f \( -name '*.c' -o -name '*.h' \) \
		-not -name '*.mod.c' -not -path '*/build/*' 2>/dev/null
)
mapfile -t api < <(printf '%s\n' "${api[@]}" | sed '/^$/d' | sort -u)
cp_raw=$logdir/checkpatch.raw
: >"$cp_raw"
run_checkpatch() {
	local ignore=$1
	shift
	(($# > 0)) || return 0
	# shellcheck disable=SC2086 # CHECKPATCH_FLAGS is a list of flags
	perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore "$ignore" --color=never ${CHECKPATCH_FLAGS:-} -f "$@" \
		>>"$cp_raw" 2>&1 || true
}
msg "checkpatch --strict on $((${#core[@]} + ${#api[@]})) files"
run_checkpatch CAMELCASE "${core[@]}"
run_checkpatch CAMELCASE,NEW_TYPEDEFS "${api[@]}"
python3 "$here/checkpatch-filter.py" "$here/checkpatch.allow" <"$cp_raw" \
	>"$logdir/checkpatch.log" || true
cat "$logdir/checkpatch.log"
cp_n=$(grep -v '^allowed: ' "$logdir/checkpatch.log" | grep -cE ': (ERROR|WARNING|CHECK):' || true)
if ((cp_n > 0)); then
	failed+=("checkpatch: $cp_n findings")
fi

# ---- 1b. the compat seam is the only place that knows kernel versions -----------
seam_re='LINUX_VERSION_CODE|KERNEL_VERSION[[:space:]]*\(|linux/version\.h'
mapfile -t seam_hits < <(grep -nE "$seam_re" "${core[@]}" "${api[@]}" 2>/dev/null |
	grep -vE '^(kmod/compat\.h|selftests/compat\.h):' || true)
msg "kernel version checks outside kmod/compat.h and selftests/compat.h: ${#seam_hits[@]}"
if ((${#seam_hits[@]})); then
	printf '  %s\n' "${seam_hits[@]}"
	failed+=("version checks outside the compat seam: ${#seam_hits[@]}")
fi

# ---- 2. sparse + W=1 --------------------------------------------------------------
msg "make W=1 C=2 (sparse) against $kdir"
command -v sparse >/dev/null || die "sparse not installed (scripts/deps.sh)"
# Start from a clean slate so every file is compiled (and its warnings seen).
make -C "$kdir" M="$top" clean >/dev/null 2>&1 || true
if make -C "$kdir" M="$top" W=1 C=2 modules >"$logdir/sparse.log" 2>&1; then
	mk_status=0
else
	mk_status=1
fi
grep -vE '^(make(\[[0-9]+\])?: |  [A-Z_]+( \[M\])? +|Skipping BTF generation)' "$logdir/sparse.log" || true
sp_n=$(grep -cE '(warning|error):' "$logdir/sparse.log" || true)
if ((mk_status != 0)); then
	failed+=("make W=1 C=2: build failed")
elif ((sp_n > 0)); then
	failed+=("make W=1 C=2: $sp_n warnings")
fi

# ---- 3. shellcheck (warnings and errors fail; info and style notes do not) ----
if command -v shellcheck >/dev/null; then
	shells=(scripts/*.sh)
	[[ -f scripts/guest/init ]] && shells+=(scripts/guest/init)
	[[ -f .ci/run ]] && shells+=(.ci/run)
	msg "shellcheck on ${#shells[@]} scripts"
	if ! shellcheck -x --severity=warning "${shells[@]}"; then
		failed+=("shellcheck")
	fi
else
	msg "shellcheck not installed: skipped"
fi

# ---- summary --------------------------------------------------------------------------
echo
printf '%-22s %s\n' "checkpatch --strict:" "$((${#core[@]} + ${#api[@]})) files, ${cp_n:-0} findings"
printf '%-22s %s\n' "W=1 C=2 (sparse):" "$([[ $mk_status == 0 ]] && echo "built" || echo "build FAILED"), $sp_n warnings"
if ((${#failed[@]})); then
	printf 'lint FAILED:\n'
	printf '  %s\n' "${failed[@]}"
	printf 'logs: %s\n' "${logdir#"$top"/}"
	exit 1
fi
echo "lint OK"
