#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the Debian packages wdfio's build, lint and QEMU test pipeline
# need are installed. Silent success when they are; as root, installs the
# missing ones; otherwise prints the exact command to run and exits 1.

set -euo pipefail

packages=(
	# kernel trees: Debian's headers (default lane), the source (debug lane,
	# checkpatch, kselftest headers) and the image booted by the default lane
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# kernel and module build
	gcc make bc flex bison libelf-dev libssl-dev dwarves perl python3 xz-utils
	# kernel matrix (fetch-kernel.sh): gcc-12 by name for the fetched trees,
	# zlib for their rebuilt resolve_btfids; apt and dpkg-deb fetch and unpack
	gcc-12 zlib1g-dev apt dpkg
	# static userspace selftests for the initramfs
	libc6-dev
	# lint
	sparse
	# guest: QEMU, busybox, initramfs packing, module dependency closure
	qemu-system-x86 busybox-static cpio kmod gzip
	# vm-run.sh: isolated build copies, timeouts, build locks
	rsync coreutils util-linux
	# lint.sh: shell scripts
	shellcheck
	# make bench: the fio rows run the host's fio and dmsetup in the guest
	fio dmsetup
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$p")
done

((${#missing[@]})) || exit 0

if ((EUID != 0)); then
	printf 'error: missing Debian packages: %s\n' "${missing[*]}" >&2
	printf 'run:\n  sudo apt-get install -y %s\n' "${missing[*]}" >&2
	exit 1
fi

printf '==> installing missing packages: %s\n' "${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
