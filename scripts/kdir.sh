#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build tree (KDIR) to build wdfio against:
#   /lib/modules/$(uname -r)/build when the running kernel has headers, else
#   the newest installed Debian /lib/modules/*-amd64/build (with a note on stderr).
#
#   scripts/kdir.sh                print KDIR
#   scripts/kdir.sh --krel [DIR]   print the kernel release of KDIR (or of DIR)
#
# The release comes from include/generated/utsrelease.h (UTS_RELEASE), which
# is what the modules' vermagic and /lib/modules/<release> use. Debian's
# headers have "6.1.192" in include/config/kernel.release but UTS_RELEASE
# "6.1.0-56-amd64", so kernel.release is only the fallback.

set -euo pipefail

find_kdir() {
	local running build newest=
	running=$(uname -r)
	build=/lib/modules/$running/build
	if [[ -d $build ]]; then
		printf '%s\n' "$build"
		return
	fi
	local d
	for d in /lib/modules/*-amd64/build; do
		[[ -d $d ]] || continue
		newest=$(printf '%s\n%s\n' "$newest" "$d" | sed '/^$/d' | sort -V | tail -n1)
	done
	if [[ -z $newest ]]; then
		printf 'error: no kernel headers: neither %s nor /lib/modules/*-amd64/build exists (run scripts/deps.sh)\n' \
			"$build" >&2
		return 1
	fi
	printf 'note: no headers for running kernel %s; building against Debian'"'"'s %s\n' \
		"$running" "$(basename "$(dirname "$newest")")" >&2
	printf '%s\n' "$newest"
}

krel_of() {
	local dir=$1 rel
	if [[ -r $dir/include/generated/utsrelease.h ]]; then
		rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$dir/include/generated/utsrelease.h")
		if [[ -n $rel ]]; then
			printf '%s\n' "$rel"
			return
		fi
	fi
	if [[ -r $dir/include/config/kernel.release ]]; then
		cat "$dir/include/config/kernel.release"
		return
	fi
	printf 'error: %s has no kernel release (include/generated/utsrelease.h)\n' "$dir" >&2
	return 1
}

case ${1:-} in
"")
	find_kdir
	;;
--krel)
	if [[ -n ${2:-} ]]; then
		krel_of "$2"
	else
		krel_of "$(find_kdir 2>/dev/null)"
	fi
	;;
-h | --help)
	sed -n '3,14p' "$0"
	;;
*)
	printf 'usage: %s [--krel [DIR]]\n' "$0" >&2
	exit 2
	;;
esac
