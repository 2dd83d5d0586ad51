#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, cached) the debug kernel used by "make check KERNEL=debug":
# linux-source-6.1 + x86_64_defconfig + scripts/debug-kernel.config
# (KASAN, lockdep, kmemleak, UBSAN, debug objects, fault injection, null_blk,
# virtio, dummy_hcd + configfs gadget).
#
# Output: the cache directory path, as the last line on stdout. It holds
#   arch/x86/boot/bzImage   the kernel
#   modroot/lib/modules/KREL  the installed modules (for the initramfs)
#   (the directory itself)  a kbuild tree: make -C <dir> M=... modules
#   .done                   written last; its presence means the build is complete
#
# The cache key is the first 12 hex digits of sha256(fragment, this script,
# linux-source version), so editing either file triggers a rebuild.
#
# Environment: WDFIO_CACHE (default ~/.cache/wdfio), WDFIO_SRC (default
# $WDFIO_CACHE/linux-source-6.1), WDFIO_TARBALL (default
# /usr/src/linux-source-6.1.tar.xz), JOBS (default: nproc).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/debug-kernel.config
cache=${WDFIO_CACHE:-$HOME/.cache/wdfio}
src=${WDFIO_SRC:-$cache/linux-source-6.1}
tarball=${WDFIO_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
jobs=${JOBS:-$(nproc)}

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

start=$SECONDS
elapsed() {
	local s=$((SECONDS - start))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

[[ -r $fragment ]] || die "missing $fragment"

# The source version: the Debian package version when installed, else the
# tarball's size and mtime, else the extracted tree's kernel version.
src_version() {
	local v
	if v=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) && [[ -n $v ]]; then
		printf 'linux-source-6.1 %s\n' "$v"
	elif [[ -r $tarball ]]; then
		stat -c 'tarball %s %Y' "$tarball"
	elif [[ -r $src/Makefile ]]; then
		make -s -C "$src" kernelversion
	else
		die "no linux source: install linux-source-6.1 (scripts/deps.sh)"
	fi
}

key=$( { sha256sum <"$fragment"; sha256sum <"${BASH_SOURCE[0]}"; src_version; } |
	sha256sum | cut -c1-12)
out=$cache/kernel-debug-$key

if [[ -f $out/.done ]]; then
	msg "debug kernel is cached: $out"
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$cache"
# One build per key at a time: a second caller waits for the first.
exec 9>"$out.lock"
if ! flock -n 9; then
	msg "another build of $out is running; waiting for it"
	flock 9
fi
if [[ -f $out/.done ]]; then
	msg "debug kernel is cached: $out"
	printf '%s\n' "$out"
	exit 0
fi

# The source tree must be extracted and clean (O= builds refuse a configured tree).
if [[ ! -f $src/Makefile ]]; then
	[[ -r $tarball ]] || die "$tarball not found: install linux-source-6.1 (scripts/deps.sh)"
	msg "extracting $tarball into $src"
	tmp=$src.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$tarball" -C "$tmp" --strip-components=1
	mv "$tmp" "$src"
fi
if [[ -e $src/.config || -d $src/include/config ]]; then
	die "$src is configured in place; O= builds need a clean tree (make -C $src mrproper)"
fi

log=$out/build.log
rm -rf "$out"
mkdir -p "$out"
msg "building debug kernel in $out (log: $log; about 17 min on 2 cores)"

kmake() {
	# Quiet on the terminal, everything in the log; show the tail on failure.
	if ! make -C "$src" O="$out" -j"$jobs" "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "make $* failed after $(elapsed); see $log"
	fi
}

msg "configuring: x86_64_defconfig + $(basename "$fragment")"
kmake x86_64_defconfig
if ! (cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "$fragment") >>"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "merge_config.sh failed"
fi
kmake olddefconfig

# Every line of the fragment must have survived olddefconfig.
missing=()
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		grep -qxF -- "$line" "$out/.config" || missing+=("$line (got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$out/.config" || echo absent))")
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		if grep -qE "^${BASH_REMATCH[1]}=" "$out/.config"; then
			missing+=("$line (got: $(grep -E "^${BASH_REMATCH[1]}=" "$out/.config"))")
		fi
	fi
done <"$fragment"
if ((${#missing[@]})); then
	printf 'error: requested config not in the final .config:\n' >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
msg "config verified: every symbol of $(basename "$fragment") is set"

msg "compiling bzImage and modules with -j$jobs ($(elapsed) so far)"
kmake bzImage modules
msg "installing modules ($(elapsed) so far)"
kmake modules_install INSTALL_MOD_PATH="$out/modroot"
kmake modules_prepare

krel=$(cat "$out/include/config/kernel.release")
[[ -f $out/arch/x86/boot/bzImage ]] || die "no bzImage after the build"
[[ -d $out/modroot/lib/modules/$krel ]] || die "no modroot/lib/modules/$krel after modules_install"
# Drop the build/source links: they point back at this tree and the initramfs
# copies modroot selectively anyway.
rm -f "$out/modroot/lib/modules/$krel/build" "$out/modroot/lib/modules/$krel/source"

date -u +%FT%TZ >"$out/.done"
msg "debug kernel $krel built in $(elapsed)"
printf '%s\n' "$out"
