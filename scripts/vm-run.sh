#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build wdfio for a kernel, boot it in QEMU (TCG) with a busybox initramfs,
# run the guest side (scripts/guest/init) and turn the result into a verdict.
#
#   scripts/vm-run.sh --mode run|check|bench --kernel default|6.1|6.12|7.2|debug
#                     [--tests FILTER] [--timeout SECONDS] [--append "ARGS"]
#                     [--icount]
#
#   --mode run     load wdfio + the samples (blkdemo, usbdemo), show what they did
#   --mode check   run every static test program of selftests/user in the guest
#   --mode bench   load wdfio + wdfio_bench, run the programs whose name
#                  contains "bench" (Debian's kernel only); copy the results
#                  (table, CSV) into results/. The host's root is exported
#                  read-only to the guest over virtio-9p (fio, dmsetup).
#   --kernel default  Debian's kernel (scripts/kdir.sh, /boot/vmlinuz-KREL);
#                     6.1 is the same lane
#   --kernel 6.12|7.2 Debian trixie's / sid's kernel, fetched and prepared
#                     once into ~/.cache/wdfio/kernels (scripts/fetch-kernel.sh)
#   --kernel debug    the KASAN/lockdep/kmemleak kernel (build-debug-kernel.sh)
#   --tests FILTER    comma-separated globs: a glob matching a program's name
#                     runs that program whole; the others are test case names
#                     for the other programs (WDFIO_TESTS); see guest/init
#   --timeout SECONDS hard limit for QEMU (default: check 25 min, debug 45 min,
#                     run 5 min, debug run 15 min, bench 15 min)
# The modules are built with W=1; any compiler warning fails the run.
#   --append ARGS     extra kernel command line (e.g. "wdfio.verifier=1")
#   --icount          bench: one vCPU whose clock counts instructions (QEMU
#                     -icount shift=0,sleep=off: 1 ns of guest time is one
#                     guest instruction, idle time is skipped), so rates are
#                     instructions per I/O, the same in every run and free of
#                     the host's speed; results in results/bench-icount-*
#                     and latest-icount.{md,csv}, artefacts in bench-icount/;
#                     no guest timer bounds a wait on the host there (no
#                     hung-task watchdog, no timeout around 9p programs)
#   --verdict-only    do not build or boot: re-judge the artefacts of the last
#                     run of this mode and kernel
#
# WDFIO_DEBUG_KERNEL=<dir> uses an existing build-debug-kernel.sh output
# instead of the one matching the current fragment.
# Watchdogs (environment):
#   WDFIO_BOOT_LIMIT      no TAP that many seconds after start (240; debug 900)
#   WDFIO_IDLE_LIMIT      no new TAP line for that many seconds (600)
#   WDFIO_CONSOLE_LIMIT_MB  console.log size cap against splat storms (256)
# On a hang the guest is first asked for backtraces (sysrq w and l through
# QEMU's monitor, else an NMI), then QEMU is stopped.
# Artefacts in build/<kernel>/<mode>/: console.log (ttyS0, kernel console),
# tap.log (ttyS1, TAP), dmesg.log (ttyS2, full dmesg at the end), qemu.log,
# initramfs.cpio.gz, disk.img, cmdline.
# The last line of output is "N passed, N failed"; the exit status is 0 only
# when nothing failed.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")

msg() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }
usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 2; }

mode=check kernel=default tests='' limit='' append='' verdict_only='' icount=''
while (($#)); do
	case $1 in
	--mode) mode=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--tests) tests=${2:?}; shift 2 ;;
	--timeout) limit=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--verdict-only) verdict_only=1; shift ;;
	--icount) icount=1; shift ;;
	-h | --help) usage ;;
	*) printf 'error: unknown argument %s\n' "$1" >&2; usage ;;
	esac
done
case $mode in run | check | bench) ;; *) die "--mode must be run, check or bench" ;; esac
case $kernel in
default | debug | 6.12 | 7.2) ;;
6.1) kernel=default ;; # Debian bookworm's own kernel is the default lane
*) die "--kernel must be default, 6.1, 6.12, 7.2 or debug" ;;
esac
[[ -z $icount || $mode == bench ]] || die "--icount is for --mode bench"
[[ $mode-$kernel != bench-debug ]] ||
	die "no benchmarks on the debug kernel: KASAN and lockdep distort the ratios"
[[ $tests =~ ^[][A-Za-z0-9_.*?,:/-]*$ ]] || die "--tests: only [A-Za-z0-9_.*?,:/-] and [] allowed (no spaces)"
if [[ -z $limit ]]; then
	case $mode-$kernel in
	run-debug) limit=900 ;;
	run-*) limit=300 ;;
	bench-*) limit=900 ;;
	*-debug) limit=2700 ;;
	*) limit=1500 ;;
	esac
fi
[[ $limit =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"

start=$SECONDS
lane=$top/build/$kernel
out=$lane/$mode${icount:+-icount}
mkdir -p "$out"
exec 9>"$lane/.lock"
flock -n 9 || { msg "waiting for another run in $lane"; flock 9; }

if [[ -z $verdict_only ]]; then
	# ---- kernel -----------------------------------------------------------------
	case $kernel in
	default)
		kdir=${KDIR:-$("$here/kdir.sh")}
		krel=$("$here/kdir.sh" --krel "$kdir")
		vmlinuz=${VMLINUZ:-/boot/vmlinuz-$krel}
		modroot=/
		;;
	debug)
		if [[ -n ${WDFIO_DEBUG_KERNEL:-} ]]; then
			kdir=$WDFIO_DEBUG_KERNEL
			[[ -f $kdir/.done ]] || die "WDFIO_DEBUG_KERNEL=$kdir is not a finished build-debug-kernel.sh tree"
		else
			msg "debug kernel: scripts/build-debug-kernel.sh (cached after the first build)"
			kdir=$("$here/build-debug-kernel.sh" | tail -n1)
		fi
		krel=$("$here/kdir.sh" --krel "$kdir")
		vmlinuz=$kdir/arch/x86/boot/bzImage
		modroot=$kdir/modroot
		;;
	*)
		msg "kernel $kernel: scripts/fetch-kernel.sh (cached after the first fetch)"
		kcache=$("$here/fetch-kernel.sh" "$kernel" | tail -n1)
		[[ -f $kcache/kernel.env ]] || die "fetch-kernel.sh $kernel gave no kernel.env in '$kcache'"
		kdir=$(sed -n 's/^KDIR=//p' "$kcache/kernel.env")
		krel=$(sed -n 's/^KREL=//p' "$kcache/kernel.env")
		vmlinuz=$(sed -n 's/^VMLINUZ=//p' "$kcache/kernel.env")
		modroot=$(sed -n 's/^MODROOT=//p' "$kcache/kernel.env")
		;;
	esac
	[[ -r $vmlinuz ]] || die "cannot read $vmlinuz (Debian installs it 0600: run as root, or VMLINUZ=<readable copy>)"
	[[ -d $modroot/lib/modules/$krel ]] || die "no $modroot/lib/modules/$krel"
	msg "kernel $krel ($kernel): $vmlinuz, KDIR $kdir"

	# ---- modules, built in an isolated copy so lanes never share objects --------
	# Build products are deleted from the copy every time: rsync keeps the
	# sources' modification times, so an edited file older than a stale object
	# would not be recompiled.
	src=$lane/src
	msg "building modules in $src"
	mkdir -p "$src"
	rsync -a --delete --delete-excluded --exclude=/build/ --exclude=/.git/ \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.a' --exclude='modules.order' --exclude='Module.symvers' \
		--exclude='.tmp_versions/' --exclude='compile_commands.json' \
		"$top/" "$src/"
	if ! make -C "$kdir" M="$src" W=1 -j"$(nproc)" modules >"$lane/modules.log" 2>&1; then
		tail -n 60 "$lane/modules.log" >&2
		die "module build failed for $krel (full log: $lane/modules.log)"
	fi
	if grep -E 'warning:|error:' "$lane/modules.log"; then
		die "the W=1 module build for $krel has warnings (full log: $lane/modules.log)"
	fi
	mapfile -t kos < <(find "$src" -name '*.ko' -not -path "$src/build/*" | sort)
	((${#kos[@]})) || die "the module build produced no .ko files"
	for ko in "${kos[@]}"; do
		vm=$(modinfo -F vermagic "$ko")
		[[ $vm == "$krel "* ]] || die "$ko has vermagic '$vm', expected $krel"
	done
	msg "modules: $(printf '%s ' "${kos[@]##*/}")"

	# ---- userspace test programs (static) ---------------------------------------
	extras=()
	user=$lane/user
	if [[ $mode == run ]]; then
		: # the sample needs no test programs
	elif [[ -f $top/selftests/user/Makefile ]]; then
		msg "building selftests/user into $user"
		mkdir -p "$user"
		if ! make -C "$top/selftests/user" BUILD="$user" >"$lane/user.log" 2>&1; then
			tail -n 60 "$lane/user.log" >&2
			die "selftests/user build failed (full log: $lane/user.log)"
		fi
		list=$(make -s -C "$top/selftests/user" BUILD="$user" list) ||
			die "make -C selftests/user list failed"
		mapfile -t progs <<<"$list"
		for p in "${progs[@]}"; do
			[[ -n $p ]] || continue
			if [[ $p != /* ]]; then
				if [[ -f $user/$p ]]; then p=$user/$p; else p=$top/selftests/user/$p; fi
			fi
			[[ -f $p && -x $p ]] || die "selftests/user lists $p, which is not an executable file"
			if LC_ALL=C readelf -lW "$p" 2>/dev/null | grep -q 'Requesting program interpreter'; then
				die "$p is dynamically linked; the guest has no libc (link with -static)"
			fi
			case ${p##*/} in
			*bench*)
				extras+=("$p=/bench/${p##*/}")
				# The check suite runs it as a smoke test (argv[0]).
				[[ $mode != check ]] || extras+=("$p=/tests/${p##*/}_smoke")
				;;
			*) extras+=("$p=/tests/${p##*/}") ;;
			esac
		done
		msg "test programs: $(printf '%s ' "${extras[@]##*/}")"
	else
		msg "warning: selftests/user/Makefile does not exist yet: no test programs"
	fi

	# ---- guest ------------------------------------------------------------------
	rm -f "$out"/{console.log,tap.log,dmesg.log,qemu.log,disk.img}
	truncate -s 64M "$out/disk.img"
	# bench: dm-mod for the fio rows' dm-linear (9p is always optional)
	extra_modules=''
	[[ $mode != bench ]] || extra_modules=dm-mod
	WDFIO_EXTRA_MODULES=$extra_modules \
		"$here/mkinitramfs.sh" "$krel" "$modroot" "$out/initramfs.cpio.gz" "${kos[@]}" ${extras[@]+"${extras[@]}"} 2>&1

	prog_timeout=$((limit > 600 ? limit - 300 : limit / 2))
	cmdline="console=ttyS0 panic=-1 loglevel=5 rdinit=/init log_buf_len=16M"
	# --icount (sleep=off): an idle guest's clock jumps to its next timer,
	# so a task waiting on the host (9p) can look blocked for minutes of
	# guest time within a millisecond: no hung-task watchdog there (the
	# wall-clock limit below still ends a hung run).
	if [[ -n $icount ]]; then
		cmdline+=" sysctl.kernel.hung_task_timeout_secs=0"
	else
		cmdline+=" sysctl.kernel.hung_task_timeout_secs=60"
	fi
	cmdline+=" sysctl.kernel.sysrq=1 unknown_nmi_panic"
	# Under TCG the clocksource watchdog sees the TSC drift against the
	# HPET and marks it unstable mid-run; the switch flips sched_clock's
	# static key by live text patching, which once took a 7.2 guest down
	# (int3 Oops in sched_clock_cpu on both CPUs), and leaves the guest
	# reading the HPET (an exit to QEMU per clock read). TCG's TSC follows
	# the host clock and is monotonic: trust it, no watchdog.
	cmdline+=" tsc=reliable"
	cmdline+=" wdfio_vm.mode=$mode wdfio_vm.timeout=$prog_timeout"
	[[ $kernel == debug ]] && cmdline+=" kasan_multi_shot"
	[[ -n $tests ]] && cmdline+=" wdfio_vm.tests=$tests"
	# bench: the fio rows run the host's fio and dmsetup from the host's
	# root, exported read-only over virtio-9p (guest/init, setup_hostroot)
	virtfs=()
	if [[ $mode == bench ]]; then
		cmdline+=" wdfio_vm.hostroot=hostroot"
		virtfs=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
	fi
	[[ -n $icount ]] && cmdline+=" wdfio_vm.icount=1"
	[[ -n $append ]] && cmdline+=" $append"
	printf '%s\n' "$cmdline" >"$out/cmdline"

	# --icount: QEMU counts instructions on one vCPU (the SMP guest hangs
	# in CPU bring-up with -icount); sleep=off skips idle time at once.
	cpus=(-smp 2)
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	[[ -z $icount ]] || cpus=(-smp 1 -icount shift=0,sleep=off)

	# QEMU's human monitor on a FIFO pair: the watchdog uses it to make a hung
	# guest print where it is stuck (sysrq keys, then an NMI) before stopping it.
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	qemu=(qemu-system-x86_64 -machine q35,accel=tcg -cpu max "${cpus[@]}" -m 2048
		-nodefaults -nographic -no-reboot
		-serial "file:$out/console.log" -serial "file:$out/tap.log" -serial "file:$out/dmesg.log"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-drive "file=$out/disk.img,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0
		-chardev "pipe,id=mon0,path=$out/monitor" -mon chardev=mon0,mode=readline
		${virtfs[@]+"${virtfs[@]}"}
		-kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" -append "$cmdline")

	# Never leave QEMU behind (Ctrl-C, errors): it runs in the background.
	qpid='' drainer=''
	stop_guest() {
		[[ -z $qpid ]] || kill -TERM "$qpid" 2>/dev/null || true
		[[ -z $drainer ]] || kill "$drainer" 2>/dev/null || true
	}
	trap stop_guest EXIT
	trap 'exit 130' INT TERM

	# A guest kernel that crashes while booting, before /init and so before any
	# wdfio module exists (seen once with the debug kernel under heavy host
	# load: a KASAN report in an early interrupt), is stopped at once and
	# booted once more; the first console is kept as console.boot1.log and the
	# retry is reported. A crash after /init is never retried.
	early_re='BUG:|Oops|general protection|Kernel panic'
	rm -f "$out/console.boot1.log"
	for boot_attempt in 1 2; do
		early_crash=0
		rm -f "$out"/monitor.{in,out}
		mkfifo "$out/monitor.in" "$out/monitor.out"
		msg "booting $krel in QEMU (TCG, limit ${limit}s): $mode"
		: >"$out/tap.log"
		cut -d' ' -f1-3 /proc/loadavg >"$out/host-load"
		qstart=$SECONDS
		timeout --kill-after=10 "$limit" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
		qpid=$!
		# Drain the monitor's output (a full FIFO would stall QEMU).
		cat <>"$out/monitor.out" >"$out/monitor.log" 2>/dev/null &
		drainer=$!

		# Stream the TAP channel while the guest runs.
		if [[ $mode == run ]]; then
			live='.'
		else
			live='^(ok|not ok|#|1\.\.)'
		fi
		tail -n +1 -F --pid="$qpid" "$out/tap.log" 2>/dev/null |
			sed -u 's/\r$//' | grep --line-buffered -E "$live" &
		streamer=$!

		# monitor CMD: one command to QEMU's monitor (never blocks: QEMU holds the
		# FIFO open read-write, and so do we).
		monitor() { printf '%s\n' "$1" 1<>"$out/monitor.in" 2>/dev/null || true; }

		# guest_backtraces: make a hung guest show its stacks on ttyS0: sysrq 9
		# (console loglevel 9), w (blocked tasks), l (all CPUs' backtraces); if the
		# console stays silent (interrupts off everywhere), an NMI, which the
		# guest turns into a panic with a backtrace (unknown_nmi_panic).
		guest_backtraces() {
			local before key i
			before=$(stat -c %s "$out/console.log" 2>/dev/null || echo 0)
			msg "watchdog: asking the guest for backtraces (sysrq w, l)"
			for key in 9 w l; do
				monitor "sendkey alt-sysrq-$key"
				sleep 2
			done
			for ((i = 0; i < 10; i++)); do
				sleep 1
				(($(stat -c %s "$out/console.log" 2>/dev/null || echo 0) > before)) && break
			done
			if (($(stat -c %s "$out/console.log" 2>/dev/null || echo 0) == before)); then
				msg "watchdog: no reaction to sysrq; injecting an NMI"
				monitor "nmi"
				sleep 10
			else
				sleep 5
			fi
		}

		# Watchdogs: no TAP at all after boot_limit, or no new TAP line for
		# idle_limit seconds (the console is no sign of life: RCU stall and
		# hung-task reports repeat on a hung guest): stop early.
		boot_limit=${WDFIO_BOOT_LIMIT:-$([[ $kernel == debug ]] && echo 900 || echo 240)}
		idle_limit=${WDFIO_IDLE_LIMIT:-600}
		console_limit=$((${WDFIO_CONSOLE_LIMIT_MB:-256} << 20))
		watchdog=''
		last_size=-1 last_change=$SECONDS
		while kill -0 "$qpid" 2>/dev/null; do
			sleep 2
			size=$(stat -c %s "$out/tap.log" 2>/dev/null || echo 0)
			if ((size != last_size)); then
				last_size=$size last_change=$SECONDS
			fi
			if [[ ! -s $out/tap.log ]] &&
			grep -qE "$early_re" "$out/console.log" 2>/dev/null; then
			watchdog="the kernel crashed before /init (no wdfio code loaded yet)"
			early_crash=1
		elif [[ ! -s $out/tap.log ]] && ((SECONDS - qstart > boot_limit)); then
				watchdog="no TAP output ${boot_limit}s after start: the guest did not boot"
			elif ((SECONDS - last_change > idle_limit)); then
				watchdog="no TAP output for ${idle_limit}s: the guest hung"
			elif (($(stat -c %s "$out/console.log" 2>/dev/null || echo 0) > console_limit)); then
				watchdog="console.log is over $((console_limit >> 20)) MiB: the kernel is flooding it"
			fi
			if [[ -n $watchdog ]]; then
				msg "watchdog: $watchdog"
				((early_crash)) || guest_backtraces
				msg "watchdog: stopping QEMU"
				kill -TERM "$qpid" 2>/dev/null || true
				break
			fi
		done
		qrc=0
		wait "$qpid" || qrc=$?
		kill "$drainer" 2>/dev/null || true
		wait "$drainer" 2>/dev/null || true
		qpid='' drainer=''
		rm -f "$out"/monitor.{in,out}
		wait "$streamer" || true
		qtime=$((SECONDS - qstart))
		msg "QEMU exited with $qrc after ${qtime}s"
		printf '%s\n' "$qrc" >"$out/qemu.rc"
		printf '%s\n' "$watchdog" >"$out/watchdog"
		if ((early_crash && boot_attempt == 1)); then
			mv "$out/console.log" "$out/console.boot1.log"
			msg "the guest kernel crashed before /init (see console.boot1.log); booting again"
			continue
		fi
		break
	done
	printf '%s\n' "$krel" >"$out/krel"
	printf '%s %s\n' "$(cat "$out/host-load")" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/host-load"
else
	[[ -f $out/qemu.rc && -f $out/tap.log && -f $out/console.log ]] ||
		die "no artefacts of a previous run in $out"
	qrc=$(cat "$out/qemu.rc")
	watchdog=$(cat "$out/watchdog" 2>/dev/null || true)
	krel=$(cat "$out/krel" 2>/dev/null || echo unknown)
fi

# ---- verdict ------------------------------------------------------------------
tap=$out/tap.clean
console=$out/console.log
sed 's/\r$//' "$out/tap.log" >"$tap"
sed -i 's/\r$//' "$console" 2>/dev/null || true

passed=0 failed=0
host_results=()
check() { # check STATUS NAME: one synthetic host result
	local k=$((${#host_results[@]} + 1))
	if [[ $1 == 0 ]]; then
		host_results+=("ok $k $2")
		passed=$((passed + 1))
	else
		host_results+=("not ok $k $2")
		failed=$((failed + 1))
	fi
}
ran() { "$@" && echo 0 || echo 1; } # exit status of a command as 0/1, errexit-safe

# Guest results: every top-level TAP result line ("not ok ... # TODO" passes).
g_pass=$(grep -cE '^ok( |$)' "$tap" || true)
g_todo=$(grep -cE '^not ok( |$).*# *TODO' "$tap" || true)
g_fail=$(($(grep -cE '^not ok( |$)' "$tap" || true) - g_todo))
g_skip=$(grep -cE '^ok( |$).*# *SKIP' "$tap" || true)
passed=$((passed + g_pass + g_todo))
failed=$((failed + g_fail))

# 1. boot
check "$(ran grep -q '^TAP version' "$tap")" "host: boot: the guest reached /init and printed its TAP header"

# 2. plans: each "1..N" is followed by N results before the next plan.
plans=$(awk '
	function close_block() {
		if (have) {
			blocks++
			if (got != want) { bad++; printf "  %s: planned %d, got %d\n", label, want, got > "/dev/stderr" }
		}
	}
	/^# (run |setup|teardown)/ { pending = substr($0, 3) }
	/^1\.\.[0-9]+/ { close_block(); have = 1; want = substr($1, 4) + 0; got = 0; label = (pending != "" ? pending : "block " blocks + 1); pending = ""; next }
	/^(ok|not ok)( |$)/ { if (have) got++; else orphans++ }
	END {
		close_block()
		if (orphans) { bad++; printf "  %d results outside any plan\n", orphans > "/dev/stderr" }
		printf "%d %d\n", blocks, bad
	}' "$tap" 2>"$out/plans.err")
read -r nblocks nbad <<<"$plans"
plan_ok=0
if ((nbad > 0)); then
	plan_ok=1
elif ((nblocks < 2)) && [[ $mode != run ]]; then
	plan_ok=1
	echo "  no test program printed a plan" >>"$out/plans.err"
elif ((nblocks < 1)); then
	plan_ok=1
fi
check $plan_ok "host: plans: every TAP plan complete ($nblocks plans)"

# 3. splats on the kernel console
splat_re='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible recursive locking|circular locking|inconsistent lock state|suspicious RCU|INFO: task .* blocked|detected stalls? on CPU|soft lockup|hard LOCKUP|Kernel panic|Call Trace:|unreferenced object'
nsplat=$(grep -cE "$splat_re" "$console" || true)
check $((nsplat > 0)) "host: no kernel splat in console.log"

# 4. taint
taint=$(sed -n 's/^# taint \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n1)
taint_letters() {
	local t=$1 letters=PFSRMBUDAWCIOELKXTN i s=
	for ((i = 0; i < ${#letters}; i++)); do
		((t & (1 << i))) && s+=${letters:i:1}
	done
	printf '%s' "${s:-none}"
}
if [[ -z $taint ]]; then
	check 1 "host: taint: no '# taint' line from the guest"
else
	check $(((taint & ~(4096 | 8192)) != 0)) "host: taint $taint ($(taint_letters "$taint")): only O and E allowed"
fi

# 5. kmemleak (debug kernel; a missing section is a failure there)
leaks=$out/kmemleak.txt
awk '/^# kmemleak-end$/ { on = 0 } on { sub(/^# ?/, ""); if (NF) print } /^# kmemleak-begin$/ { on = 1; seen = 1 }
	END { exit !seen }' "$tap" >"$leaks" && kml_seen=1 || kml_seen=0
if [[ $kernel == debug || $kml_seen == 1 ]]; then
	if [[ $kml_seen == 0 ]]; then
		check 1 "host: kmemleak: no kmemleak section from the guest"
	else
		check $(($(grep -c 'unreferenced object' "$leaks" || true) > 0 || $(wc -l <"$leaks") > 0)) \
			"host: kmemleak: $(grep -c 'unreferenced object' "$leaks" || true) unreferenced objects"
	fi
fi

# 6. QEMU exit status
case $qrc in
33) why="guest finished (isa-debug-exit 0x10)" ;;
35) why="guest setup failed, tests not run (isa-debug-exit 0x11)" ;;
0) why="guest panicked, rebooted or powered off without isa-debug-exit" ;;
124 | 137) why="timed out after ${limit}s and was killed" ;;
1) why="QEMU error (see qemu.log) or isa-debug-exit 0" ;;
*) why="unexpected" ;;
esac
[[ -z $watchdog ]] || why="stopped by the watchdog: $watchdog"
check $((qrc != 33)) "host: QEMU exit status $qrc: $why"

# 7. the guest said it was done
check "$(ran grep -qx '# wdfio-guest-done' "$tap")" "host: guest-done marker"

# ---- benchmark results ------------------------------------------------------------
# The guest prints the table between "# bench-table-begin/end" and the CSV as
# "# bench-csv: " / "# bench-fio-csv: " / "# bench-alloc-csv: " lines
# (selftests/user/wdfio_bench.c).
if [[ $mode == bench ]] && grep -q '^# bench-table-end$' "$tap"; then
	results=$top/results
	mkdir -p "$results"
	stamp=$(date -u -r "$out/tap.log" +%Y%m%dT%H%M%SZ)
	name=bench latest=latest qemu_desc="QEMU TCG -smp 2"
	if [[ -n $icount ]]; then
		name=bench-icount latest=latest-icount
		qemu_desc="QEMU TCG -smp 1 -icount shift=0,sleep=off (guest time counts instructions: 1 ns = 1 instruction)"
	fi
	read -r l1 l5 l15 e1 e5 e15 <"$out/host-load" 2>/dev/null || true
	meta="date $(date -u -r "$out/tap.log" '+%Y-%m-%d %H:%M UTC'), kernel $krel, $qemu_desc,"
	meta+=" host $(nproc) CPUs, load average at start ${l1:-?} ${l5:-?} ${l15:-?}, at end ${e1:-?} ${e5:-?} ${e15:-?}"
	{
		printf '# %s\n' "$meta"
		sed -n 's/^# bench-csv: //p' "$tap"
		echo
		sed -n 's/^# bench-fio-csv: //p' "$tap"
		echo
		sed -n 's/^# bench-alloc-csv: //p' "$tap"
	} >"$results/$name-$stamp.csv"
	{
		printf '%s\n\n' "$meta"
		sed -n '/^# bench-table-begin$/,/^# bench-table-end$/p' "$tap" |
			sed '1d;$d' | sed 's/^# \{0,1\}//'
	} >"$results/$name-$stamp.md"
	cp "$results/$name-$stamp.csv" "$results/$latest.csv"
	cp "$results/$name-$stamp.md" "$results/$latest.md"
	echo
	msg "benchmark results (${results#"$top"/}/$name-$stamp.{md,csv}, also $latest.{md,csv}):"
	cat "$results/$name-$stamp.md"
fi

# ---- report ---------------------------------------------------------------------
echo
msg "verdict for $kernel/$mode ($krel), artefacts in ${out#"$top"/}"
if ((g_fail > 0)); then
	echo "failed guest tests:"
	grep -nE '^not ok( |$)' "$tap" | grep -vE '# *TODO' | awk '{ print "  " $0 }'
fi
if [[ -s $out/plans.err ]]; then
	echo "incomplete TAP plans:"
	cat "$out/plans.err"
fi
if ((nsplat > 0)); then
	echo "kernel splats in console.log ($nsplat matching lines; first hits with 20 lines of context):"
	awk -v re="$splat_re" '
		/wdfio-guest: ---- begin / { test = $0; sub(/.*begin /, "", test); sub(/ ----.*/, "", test) }
		/wdfio-guest: ---- end / { test = "" }
		NR > until && $0 ~ re {
			if (++shown > 8) exit
			printf "  --- console.log:%d%s ---\n", NR, (test != "" ? " (during " test ")" : "")
			until = NR + 20
		}
		NR <= until { print "  " $0 }' "$console"
fi
if [[ -s $leaks ]]; then
	echo "kmemleak report (first 60 lines; full: ${leaks#"$top"/}):"
	head -n 60 "$leaks" | awk '{ print "  " $0 }'
fi
if ((qrc != 33)); then
	echo "last lines of console.log:"
	tail -n 15 "$console" | awk '{ print "  " $0 }'
	if [[ -s $out/qemu.log ]]; then
		echo "qemu.log:"
		awk '{ print "  " $0 }' "$out/qemu.log"
	fi
fi
echo "1..${#host_results[@]}"
printf '%s\n' "${host_results[@]}"
msg "guest: $g_pass ok ($g_skip skipped), $g_fail not ok; host checks: ${#host_results[@]}; total time $((SECONDS - start))s"
echo "$passed passed, $failed failed"
((failed == 0))
