#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test guest's initramfs: busybox-static, scripts/guest/init, the
# dependency closure of the kernel modules the guest needs, and extra files
# (the project's .ko files, static test binaries).
#
#   scripts/mkinitramfs.sh KREL MODROOT OUT.cpio.gz [FILE[=GUESTPATH]]...
#
#   KREL      kernel release (the modules are under MODROOT/lib/modules/KREL)
#   MODROOT   "/" for Debian's installed kernel, <debug-dir>/modroot for the
#             debug kernel, <cache>/root/usr for a fetched one (compressed
#             modules are decompressed into the image)
#   FILE      a host file; GUESTPATH is its absolute path in the guest.
#             Without "=GUESTPATH", *.ko go to /lib/modules/KREL/extra/ (so
#             "modprobe <name>" works) and anything else to /tests/.
#
# WDFIO_EXTRA_MODULES="mod ..." adds required kernel modules (with their
# dependency closure); vm-run.sh --mode bench adds dm-mod for dm-linear.
#
# No root needed: the archive is written by a small newc writer, so device
# nodes (/dev/console, /dev/null) and root ownership come for free.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

msg() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

(($# >= 3)) || die "usage: $0 KREL MODROOT OUT.cpio.gz [FILE[=GUESTPATH]]..."
krel=$1 modroot=${2%/} out=$3
shift 3
moddir=$modroot/lib/modules/$krel
[[ -d $moddir ]] || die "no modules for $krel: $moddir does not exist"

busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || die "$busybox not found (install busybox-static)"
if file_out=$(LC_ALL=C file -L "$busybox" 2>/dev/null) && [[ $file_out == *dynamically* ]]; then
	die "$busybox is dynamically linked; install busybox-static"
fi
init=$here/guest/init
[[ -r $init ]] || die "missing $init"

# Modules the guest loads (the first group must resolve, the 9p stack is optional).
required_modules=(configfs null_blk virtio_pci virtio_blk usb-common usbcore udc-core
	dummy_hcd libcomposite usb_f_ss_lb)
optional_modules=(9p 9pnet_virtio)
# More required modules, space-separated (vm-run.sh --mode bench: dm-mod)
read -r -a extra_modules <<<"${WDFIO_EXTRA_MODULES:-}"
required_modules+=(${extra_modules[@]+"${extra_modules[@]}"})

stage=$(mktemp -d "${TMPDIR:-/tmp}/wdfio-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,tests,bench,mnt}
mkdir -p "$stage/lib/modules/$krel/extra"

# busybox and its applets (no busybox -> busybox self-link: it makes an ELOOP).
cp "$busybox" "$stage/bin/busybox"
while IFS= read -r applet; do
	[[ -n $applet && $applet != bin/busybox ]] || continue
	[[ -e $stage/$applet ]] && continue
	mkdir -p "$stage/$(dirname "$applet")"
	ln -s /bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)

install -m 0755 "$init" "$stage/init"

# Module closure, computed by the host's kmod against MODROOT.
copy_closure() {
	local mod=$1 out line path rel
	if ! out=$(modprobe -S "$krel" -d "${modroot:-/}" --show-depends "$mod" 2>&1); then
		printf '%s\n' "$out" >&2
		return 1
	fi
	while IFS= read -r line; do
		case $line in
		builtin\ *) ;; # built into the kernel: nothing to copy
		insmod\ *)
			path=${line#insmod }
			path=${path%% *}
			path=${path//\/\//\/}
			rel=${path#"$moddir"/}
			[[ $rel != "$path" ]] || die "unexpected module path $path (not under $moddir)"
			mkdir -p "$stage/lib/modules/$krel/$(dirname "$rel")"
			# busybox modprobe loads plain .ko only (6.12 and 7.2 ship .ko.xz)
			case $rel in
			*.ko) cp "$path" "$stage/lib/modules/$krel/$rel" ;;
			*.ko.xz) xz -dc "$path" >"$stage/lib/modules/$krel/${rel%.xz}" ;;
			*.ko.gz) gzip -dc "$path" >"$stage/lib/modules/$krel/${rel%.gz}" ;;
			*) die "cannot decompress module $path" ;;
			esac
			;;
		*) printf 'warning: modprobe --show-depends %s: %s\n' "$mod" "$line" >&2 ;;
		esac
	done <<<"$out"
}
for m in "${required_modules[@]}"; do
	copy_closure "$m" || die "kernel module $m not found for $krel under $modroot"
done
for m in "${optional_modules[@]}"; do
	copy_closure "$m" 2>/dev/null || true
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[[ -r $moddir/$f ]] && cp "$moddir/$f" "$stage/lib/modules/$krel/"
done
[[ -f $stage/lib/modules/$krel/modules.order ]] &&
	sed -i 's/\.ko\.\(xz\|gz\)$/.ko/' "$stage/lib/modules/$krel/modules.order"

# Extra files.
for spec in "$@"; do
	src=${spec%%=*}
	if [[ $spec == *=* ]]; then
		dst=${spec#*=}
	elif [[ $src == *.ko ]]; then
		dst=/lib/modules/$krel/extra/$(basename "$src")
	else
		dst=/tests/$(basename "$src")
	fi
	[[ -f $src ]] || die "extra file $src does not exist"
	[[ $dst == /* ]] || die "guest path $dst must be absolute"
	mkdir -p "$stage$(dirname "$dst")"
	cp "$src" "$stage$dst"
	[[ -x $src ]] && chmod 0755 "$stage$dst"
done

depmod -b "$stage" "$krel" || die "depmod -b $stage $krel failed"

mkdir -p "$(dirname "$out")"
python3 - "$stage" "$out" <<'PY'
# Minimal newc writer: root-owned, mtime 0, sorted, plus /dev/console and
# /dev/null nodes (the kernel opens /dev/console before running /init).
import gzip, os, stat, sys

root, out = sys.argv[1], sys.argv[2]
ino = [100]

def entry(f, name, mode, data=b"", rdev=(0, 0), nlink=1):
    ino[0] += 1
    nb = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
    f.write(hdr.encode() + nb)
    f.write(b"\0" * ((4 - (110 + len(nb)) % 4) % 4))
    f.write(data)
    f.write(b"\0" * ((4 - len(data) % 4) % 4))

with gzip.GzipFile(out + ".tmp", "wb", compresslevel=6, mtime=0) as f:
    paths = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            paths.append(os.path.relpath(os.path.join(d, n), root))
    for rel in sorted(paths):
        p = os.path.join(root, rel)
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            entry(f, rel, stat.S_IFLNK | 0o777, os.readlink(p).encode())
        elif stat.S_ISDIR(st.st_mode):
            entry(f, rel, stat.S_IFDIR | 0o755, nlink=2)
        elif stat.S_ISREG(st.st_mode):
            with open(p, "rb") as g:
                entry(f, rel, stat.S_IFREG | (st.st_mode & 0o777), g.read())
    entry(f, "dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    entry(f, "dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3))
    entry(f, "TRAILER!!!", 0)
os.rename(out + ".tmp", out)
PY

nmods=$(find "$stage/lib/modules/$krel" -name '*.ko' | wc -l)
msg "initramfs $out: $(du -h "$out" | cut -f1), $nmods modules, $(($#)) extra files"
