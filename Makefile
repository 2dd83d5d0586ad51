# SPDX-License-Identifier: GPL-2.0
#
# wdfio: the WDF I/O-target API for Linux kernel drivers.
#
#   make            build wdfio.ko, the test modules and the samples
#   make run        build, boot a QEMU guest, show the sample moving data
#   make check      build, boot a QEMU guest, run the selftest suite
#   make check KERNEL=debug   the same on a KASAN/lockdep/kmemleak kernel
#   make check KERNEL=6.12    the same on Debian trixie's kernel (also 7.2: sid;
#                             6.1 is the default), fetched once into ~/.cache
#   make check TESTS=glob,... only the matching selftest cases
#   make matrix     make check on 6.1, 6.12 and 7.2, then one summary table
#   make bench      wdfio vs direct bio/urb, fio via the WDF filter (Debian's
#                   kernel); ROUNDS=, BENCH_MS=, TESTS=row-globs; results/;
#                   then the fio rows again counting instructions (ICOUNT=0:
#                   not)
#   make lint       checkpatch --strict, sparse (C=2) and W=1 on kmod/ and include/
#
# KDIR= selects the kernel build tree (default: the running kernel's, else the
# newest installed Debian linux-headers-*-amd64).

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

TOP      := $(CURDIR)
KERNEL   ?= default
# Evaluated once (kdir.sh prints a note when it falls back).
ifeq ($(origin KDIR),undefined)
KDIR     := $(shell $(TOP)/scripts/kdir.sh)
endif
BUILD    ?= $(TOP)/build

.PHONY: all modules clean check matrix bench run lint selftests compile_commands.json deps help

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree found: run scripts/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

selftests:
	$(MAKE) -C $(TOP)/selftests/user BUILD=$(BUILD)

deps:
	$(TOP)/scripts/deps.sh

run:
	$(TOP)/scripts/deps.sh
	$(TOP)/scripts/vm-run.sh --mode run --kernel $(KERNEL)

check:
	$(TOP)/scripts/deps.sh
	$(TOP)/scripts/vm-run.sh --mode check --kernel $(KERNEL) $(if $(TESTS),--tests $(TESTS))

matrix:
	$(TOP)/scripts/deps.sh
	$(TOP)/scripts/matrix.sh $(if $(TESTS),--tests $(TESTS))

BENCH_APPEND := $(strip $(if $(ROUNDS),wdfio_vm.bench_rounds=$(ROUNDS)) \
			$(if $(BENCH_MS),wdfio_vm.bench_ms=$(BENCH_MS)))

# The fio rows of TESTS (all of them without TESTS) run a second time on a
# guest whose clock counts instructions (vm-run.sh --icount): their ratios
# without the host's noise.
ICOUNT ?= 1
comma := ,
empty :=
space := $(empty) $(empty)
BENCH_ICOUNT_TESTS := $(if $(filter 1,$(ICOUNT)),$(if $(TESTS),$(filter fio_%,$(subst $(comma), ,$(TESTS))),fio_*))

bench:
	$(TOP)/scripts/deps.sh
	$(TOP)/scripts/vm-run.sh --mode bench --kernel $(KERNEL) \
		$(if $(TESTS),--tests $(TESTS)) \
		$(if $(BENCH_APPEND),--append "$(BENCH_APPEND)")
	$(if $(BENCH_ICOUNT_TESTS),$(TOP)/scripts/vm-run.sh --mode bench --icount \
		--kernel $(KERNEL) --tests $(subst $(space),$(comma),$(strip $(BENCH_ICOUNT_TESTS))))

lint:
	$(TOP)/scripts/lint.sh

compile_commands.json: modules
	KDIR=$(KDIR) $(TOP)/scripts/compile-commands.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD) compile_commands.json

help:
	@sed -n '3,18p' Makefile
endif
