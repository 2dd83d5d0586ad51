#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch (once, cached) a Debian kernel of another release for the kernel
# matrix, ready to build wdfio against and to boot under QEMU:
#
#   scripts/fetch-kernel.sh SERIES     SERIES: 6.12 (trixie) or 7.2 (sid)
#
# Nothing is installed into the system. A private apt state resolves the
# suite's current kernel ABI from linux-headers-amd64, "apt-get download"
# fetches the image, modules, headers, kbuild and the linux-source of the
# same version, and "dpkg-deb -x" unpacks them into the cache. Then the tree
# is made usable with bookworm's tools:
#
#   1. The host tools of trixie/sid's linux-kbuild need glibc 2.38 (bookworm
#      has 2.36). They are rebuilt with gcc-12 from the matching
#      linux-source (olddefconfig + modules_prepare) and copied over.
#   2. The headers' Makefile includes its common part by an absolute path,
#      and .kernelvariables names the distribution compiler (gcc-14,
#      gcc-16): both are rewritten, to the cache and to gcc-12.
#   3. Compiler-capability symbols (CONFIG_CC_HAS_*, CONFIG_CC_OPT_*) that
#      gcc-12 lacks are dropped from .config, auto.conf and autoconf.h, and
#      CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN is added when gcc-12 needs it. The
#      list is what "make CC=gcc-12 olddefconfig" decides from the distro
#      config; none of these symbols changes a structure layout or an export.
#   4. Module BTF is switched off in auto.conf only (make's view; autoconf.h,
#      which decides struct module's layout, keeps it): bookworm's pahole 1.24
#      does not know the --btf_features these kernels were built with. The
#      host's pahole version goes into auto.conf too (7.x warns otherwise).
#   5. depmod indexes the extracted modules (the initramfs builder resolves
#      dependency closures with it).
#
# Output, as the last line on stdout: the cache directory. Its kernel.env
# holds KREL, DEBVER, KDIR (the kbuild tree: make -C $KDIR M=... modules),
# VMLINUZ and MODROOT (MODROOT/lib/modules/KREL). ".done" is written last.
#
# Cache: $WDFIO_CACHE/kernels/SERIES/DEBVERSION (default ~/.cache/wdfio),
# about 400 MB each; older versions of the same series are removed once a
# newer one is complete. The suite's package lists are refreshed when they
# are more than an hour old; without network access the newest complete
# cached version is used, with a note. Environment: WDFIO_CACHE, JOBS
# (default nproc), WDFIO_MIRROR (default http://deb.debian.org),
# WDFIO_KERNEL_REFRESH=1 (refresh the lists now).

set -euo pipefail

cache=${WDFIO_CACHE:-$HOME/.cache/wdfio}/kernels
mirror=${WDFIO_MIRROR:-http://deb.debian.org}
jobs=${JOBS:-$(nproc)}
hostcc=gcc-12

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

start=$SECONDS
elapsed() { printf '%ds' $((SECONDS - start)); }

(($# == 1)) || die "usage: $0 6.12|7.2"
series=$1
case $series in
6.12)
	suite=trixie
	sources="deb $mirror/debian trixie main
deb $mirror/debian trixie-updates main
deb $mirror/debian-security trixie-security main"
	;;
7.2)
	suite=sid
	sources="deb $mirror/debian sid main"
	;;
*) die "unknown kernel series '$series' (known: 6.12, 7.2; 6.1 is the installed default)" ;;
esac
command -v "$hostcc" >/dev/null || die "$hostcc not found (scripts/deps.sh)"

series_dir=$cache/$series
mkdir -p "$series_dir"
exec 9>"$series_dir/.lock"
if ! flock -n 9; then
	msg "another fetch of $series is running; waiting for it"
	flock 9
fi

newest_cached() {
	local d best=
	for d in "$series_dir"/*/.done; do
		[[ -f $d ]] || continue
		best=$(printf '%s\n%s\n' "$best" "$(dirname "$d")" | sed '/^$/d' | sort -V | tail -n1)
	done
	printf '%s' "$best"
}

# ---- 1. private apt state: which kernel is current in the suite ---------------
apt_dir=$cache/apt-$suite
mkdir -p "$apt_dir"/{lists/partial,archives/partial}
printf '%s\n' "$sources" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives"
	-o "Dir::Cache=$apt_dir" -o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root)
if [[ -z ${WDFIO_KERNEL_REFRESH:-} && -n $(find "$apt_dir/updated" -mmin -60 2>/dev/null) ]]; then
	msg "apt lists of $suite are less than an hour old (WDFIO_KERNEL_REFRESH=1 to update now)"
elif msg "apt-get update ($suite, private state in $apt_dir)" &&
	apt-get -q "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 &&
	! grep -qE '^(E:|Err:)' "$apt_dir/update.log"; then
	touch "$apt_dir/updated"
else
	cached=$(newest_cached)
	[[ -n $cached ]] || { tail -n 5 "$apt_dir/update.log" >&2; die "apt-get update for $suite failed and nothing is cached"; }
	msg "note: apt-get update for $suite failed (offline?); using the cached $(basename "$cached")"
	printf '%s\n' "$cached"
	exit 0
fi
acache() { apt-cache "${apt_opts[@]}" "$@"; }

krel=$(acache depends linux-headers-amd64 |
	awk '$1 == "Depends:" && $2 ~ /^linux-headers-[0-9]/ { sub(/^linux-headers-/, "", $2); print $2; exit }')
[[ -n $krel ]] || die "cannot resolve linux-headers-amd64 in $suite"
debver=$(acache show "linux-headers-$krel" | awk '/^Version:/ { print $2; exit }')
mm=$(printf '%s' "$krel" | cut -d. -f1,2)
[[ $mm == "$series" ]] ||
	die "$suite's kernel is now $krel ($debver), not $series: update the series table in $0, README and the matrix"
kb=${krel%-amd64}
out=$series_dir/$debver
msg "$suite: kernel $krel, Debian version $debver"

if [[ -f $out/.done ]]; then
	msg "kernel $series is cached: $out"
	printf '%s\n' "$out"
	exit 0
fi

# ---- 2. download ------------------------------------------------------------------
# 7.x splits the image: linux-binary (vmlinuz), linux-modules, linux-base.
if acache show "linux-binary-$krel" >/dev/null 2>&1; then
	image=("linux-binary-$krel" "linux-modules-$krel" "linux-base-$krel")
else
	image=("linux-image-$krel")
fi
pkgs=("${image[@]}" "linux-headers-$krel" "linux-headers-$kb-common" "linux-kbuild-$kb"
	"linux-source-$mm=$debver")
rm -rf "$out"
mkdir -p "$out/debs" "$out/root"
log=$out/fetch.log
run() { # run LOG-LABEL CMD...: quiet, log kept, tail on failure
	local label=$1
	shift
	if ! "$@" >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "$label failed after $(elapsed); see $log"
	fi
}
msg "downloading ${pkgs[*]}"
(cd "$out/debs" && run "apt-get download" apt-get -q "${apt_opts[@]}" download "${pkgs[@]}")
msg "downloaded $(du -sh "$out/debs" | cut -f1) in $(elapsed)"

# ---- 3. extract ---------------------------------------------------------------------
msg "extracting the packages"
for d in "$out"/debs/*.deb; do
	[[ $d == */linux-source-* ]] && continue
	run "dpkg-deb -x $d" dpkg-deb -x "$d" "$out/root"
done
kdir=$out/root/usr/src/linux-headers-$krel
common=$out/root/usr/src/linux-headers-$kb-common
[[ -f $kdir/Makefile && -d $common ]] || die "no headers tree at $kdir"
msg "extracting linux-source-$mm (about 1.7 GB, removed afterwards)"
src=$out/source
mkdir -p "$src"
dpkg-deb --fsys-tarfile "$out"/debs/linux-source-"$mm"_*.deb |
	tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
	tar -xJ -C "$src" --strip-components=1 || die "extracting linux-source-$mm failed"
rm -rf "$out/debs"

# ---- 4. host tools with bookworm's compiler --------------------------------------------
msg "rebuilding the kbuild host tools with $hostcc (olddefconfig + modules_prepare, -j$jobs; $(elapsed) so far)"
cp "$kdir/.config" "$src/.config"
run "olddefconfig" make -C "$src" CC="$hostcc" HOSTCC="$hostcc" olddefconfig
run "modules_prepare" make -C "$src" CC="$hostcc" HOSTCC="$hostcc" -j"$jobs" modules_prepare
kbuild=$(dirname "$(readlink -f "$kdir/scripts")")
[[ -d $kbuild/scripts ]] || die "cannot find the linux-kbuild tree of $kdir"
# source path : path in linux-kbuild (Debian wraps modpost and objtool
# in per-architecture scripts; the x86_64 binaries are these).
tools=(scripts/basic/fixdep:scripts/basic/fixdep
	scripts/mod/modpost:scripts/mod/modpost.real-lsb-64
	scripts/genksyms/genksyms:scripts/genksyms/genksyms
	scripts/kallsyms:scripts/kallsyms
	scripts/sign-file:scripts/sign-file
	scripts/gendwarfksyms/gendwarfksyms:scripts/gendwarfksyms/gendwarfksyms
	tools/objtool/objtool:tools/objtool/objtool.real-x86
	tools/bpf/resolve_btfids/resolve_btfids:tools/bpf/resolve_btfids/resolve_btfids)
for t in "${tools[@]}"; do
	from=$src/${t%%:*} to=$kbuild/${t#*:}
	[[ -x $from ]] || continue
	[[ -e $to ]] || continue
	cp -f "$from" "$to"
done
[[ -x $kbuild/scripts/mod/modpost.real-lsb-64 || -x $kbuild/scripts/mod/modpost ]] ||
	die "no modpost in $kbuild"

# ---- 5. the headers tree: paths, compiler, gcc-12 capabilities, BTF -------------------
sed -i -e "s|^include /usr/src/|include $out/root/usr/src/|" \
	-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$out/root/usr/src/|" "$kdir/Makefile"
grep -q "$out/root/usr/src/" "$kdir/Makefile" || die "unexpected $kdir/Makefile: no include of the common tree"
# Debian names its compiler in .kernelvariables (CC = ...$(CROSS_COMPILE)gcc-14).
sed -i "s|^\(CC = .*\)gcc-[0-9][0-9]*\$|\1$hostcc|" "$kdir/.kernelvariables"
grep -q "^CC = .*$hostcc\$" "$kdir/.kernelvariables" || die "unexpected $kdir/.kernelvariables: no CC line"

set_syms() { grep -oE '^CONFIG_[A-Za-z0-9_]+=' "$1" | tr -d = | sort -u; }
drop=$(comm -23 <(set_syms "$kdir/.config" | grep -E '^CONFIG_CC_(HAS|OPT)_') <(set_syms "$src/.config"))
add=$(comm -13 <(set_syms "$kdir/.config") <(set_syms "$src/.config") |
	grep -xE 'CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN' || true)
for f in .config include/config/auto.conf include/generated/autoconf.h; do
	cp "$kdir/$f" "$kdir/$f.debian"
done
for s in $drop; do
	sed -i "s/^$s=.*/# $s is not set/" "$kdir/.config"
	sed -i "/^$s=/d" "$kdir/include/config/auto.conf"
	sed -i "/^#define $s /d" "$kdir/include/generated/autoconf.h"
done
for s in $add; do
	printf '%s=y\n' "$s" >>"$kdir/.config"
	printf '%s=y\n' "$s" >>"$kdir/include/config/auto.conf"
	printf '#define %s 1\n' "$s" >>"$kdir/include/generated/autoconf.h"
done
sed -i '/^CONFIG_DEBUG_INFO_BTF_MODULES=/d' "$kdir/include/config/auto.conf"
# 7.x warns on every build when the pahole version differs: record the host's.
pahole_version=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$src/.config")
sed -i "s/^CONFIG_PAHOLE_VERSION=.*/CONFIG_PAHOLE_VERSION=${pahole_version:-0}/" \
	"$kdir/include/config/auto.conf"
{
	printf 'gcc-12 compatibility (scripts/fetch-kernel.sh); originals in *.debian\n'
	printf 'dropped: %s\n' "$(printf '%s ' $drop)"
	printf 'added: %s\n' "$(printf '%s ' $add)"
	printf 'auto.conf only: CONFIG_DEBUG_INFO_BTF_MODULES removed (pahole 1.24),\n'
	printf '  CONFIG_PAHOLE_VERSION=%s (the host pahole)\n' "${pahole_version:-0}"
} >"$kdir/wdfio-compat.txt"
msg "gcc-12 compatibility: dropped $(wc -w <<<"$drop") CC_HAS/CC_OPT symbols${add:+, added $add}"
rm -rf "$src"

# ---- 6. boot artefacts ------------------------------------------------------------------
if [[ -f $out/root/usr/lib/modules/$krel/vmlinuz ]]; then
	vmlinuz=$out/root/usr/lib/modules/$krel/vmlinuz
else
	vmlinuz=$out/root/boot/vmlinuz-$krel
fi
[[ -f $vmlinuz ]] || die "no vmlinuz for $krel in the image packages"
if [[ -d $out/root/usr/lib/modules/$krel/kernel ]]; then
	modroot=$out/root/usr
else
	modroot=$out/root
fi
msg "depmod of the extracted modules ($(elapsed) so far)"
run "depmod" depmod -b "$modroot" "$krel"

# A build smoke test: the tree must build a module with no warning.
msg "smoke test: building a trivial module against $kdir"
smoke=$out/smoke
mkdir -p "$smoke"
printf '%s\n' '#include <linux/module.h>' 'MODULE_LICENSE("GPL");' \
	'MODULE_DESCRIPTION("wdfio kernel matrix smoke test");' >"$smoke/smoke.c"
printf 'obj-m := smoke.o\n' >"$smoke/Kbuild"
run "smoke module build" make -C "$kdir" M="$smoke" W=1 modules
if grep -E 'warning:|error:' "$log"; then
	die "the prepared tree builds with warnings; see $log"
fi
vm=$(modinfo -F vermagic "$smoke/smoke.ko")
[[ $vm == "$krel "* ]] || die "smoke.ko has vermagic '$vm', expected $krel"
rm -rf "$smoke"

cat >"$out/kernel.env" <<EOF
KREL=$krel
DEBVER=$debver
KDIR=$kdir
VMLINUZ=$vmlinuz
MODROOT=$modroot
EOF
date -u +%FT%TZ >"$out/.done"

for d in "$series_dir"/*/; do
	d=${d%/}
	[[ $d == "$out" ]] && continue
	msg "removing the older cached $series kernel $(basename "$d")"
	rm -rf "$d"
done
msg "kernel $krel ($debver) ready in $(elapsed): $out ($(du -sh "$out" | cut -f1))"
printf '%s\n' "$out"
