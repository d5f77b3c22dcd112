# nvmetal: builds the EFI image, runs it under QEMU (make run), runs every test (make test).

BUILD        := build
NEWLIB_CACHE ?= $(HOME)/.cache/nvmetal/newlib
NVMETAL_VERSION := 0.1.0
NVMETAL_GIT  := g$(shell git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)

CC      := gcc
LD      := ld
OBJCOPY := objcopy
NASM    := nasm

GNU_EFI_CRT0 := /usr/lib/crt0-efi-x86_64.o
GNU_EFI_LIB  := /usr/lib/libgnuefi.a
GCC_INCLUDE  := $(shell $(CC) -print-file-name=include)
LIBGCC       := $(shell $(CC) -print-libgcc-file-name)

# Code generation must match newlib's build (lib/newlib/build.sh). The image is built for
# size (-Os, no exported symbols: the firmware only needs the entry point, which crt0
# reaches by a relative call); the loops that touch every byte of a transfer (patterns,
# CRCs) keep -O2 (IMAGE_OPT below).
IMAGE_OPT    := -Os
IMAGE_CFLAGS := -std=gnu11 -g0 -fvisibility=hidden -ffreestanding -fno-stack-protector -fno-stack-check \
	-mno-red-zone -fPIC -fshort-wchar -fno-asynchronous-unwind-tables -Wa,--noexecstack \
	-nostdinc -isystem $(NEWLIB_CACHE)/include -isystem $(GCC_INCLUDE) \
	-isystem /usr/include/efi -isystem /usr/include/efi/x86_64 -DGNU_EFI_USE_MS_ABI -I. \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter \
	-DNVMETAL_VERSION='"$(NVMETAL_VERSION)"' -DNVMETAL_GIT='"$(NVMETAL_GIT)"'
IMAGE_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined -T linker.ld

IMAGE_C_SOURCES := $(wildcard boot/*.c arch/x86_64/*.c drivers/*.c drivers/*/*.c lib/*.c tests/suite/*.c)
IMAGE_ASM_SOURCES := $(wildcard arch/x86_64/*.asm)
# The screen console's font, generated from a Debian PSF font (package console-setup-linux;
# Terminus, SIL OFL 1.1) by image/font_to_c.py: not in the wildcard, since it is built.
CONSOLE_FONT     := /usr/share/consolefonts/Lat15-Terminus16.psf.gz
CONSOLE_FONT_C   := $(BUILD)/gen/font_console.c
CONSOLE_FONT_OBJ := $(BUILD)/obj/gen/font_console.o
IMAGE_OBJECTS := $(IMAGE_C_SOURCES:%.c=$(BUILD)/obj/%.o) $(IMAGE_ASM_SOURCES:%.asm=$(BUILD)/obj/%.o) \
	$(CONSOLE_FONT_OBJ)

DEPS_STAMP   := $(BUILD)/.deps-installed
NEWLIB_LIBC  := $(NEWLIB_CACHE)/lib/libc.a

# The config `make run` puts on its boot disk as \nvmetal.cfg (make run CFG=file).
CFG ?= image/qemu-run.cfg
# CFG is this Makefile's, passed as --cfg: kept out of the recipes' environment, where
# image/qemu.sh would also read it (and refuse it next to --esp, in make test's scenarios).
unexport CFG

# Scenario knobs (image/qemu.sh --knobs lists them) reach image/qemu.sh as they are:
# make exports command-line variables itself, and leaving unset ones unset matters (an
# empty PMR_SIZE means no PMR).

# The namespaces `make bench` compares: 512 B and 4 KiB blocks, each without and with PI.
BENCH_FORMATS := 0:1:64M 0:2:65M:logical_block_size=4096,physical_block_size=4096 \
	0:3:64M:ms=8,pi=1 0:4:65M:logical_block_size=4096,physical_block_size=4096,ms=8,pi=1

.PHONY: all deps help run test test-host test-qemu fuzz usb bench clean FORCE
.DELETE_ON_ERROR:

all: $(BUILD)/nvmetal.efi

# make help: the targets, make's own variables, then the runner's knobs as
# image/qemu.sh --knobs prints them (one list, so the two cannot disagree).
define HELP_TARGETS
usage: make [TARGET...] [NAME=value...]

Targets:
  all        build build/nvmetal.efi (the default; installs missing packages, builds newlib once)
  run        build, boot it under QEMU with CFG, stream TAP (exit status: see the end)
  test       host unit tests, fuzzing, every QEMU scenario; ends with "N passed, N failed"
  test-host  host unit tests (tests/host)
  test-qemu  every QEMU scenario (tests/qemu)
  fuzz       the libFuzzer harnesses, FUZZ_S seconds each (tests/fuzz)
  usb        build/nvmetal-usb.img, the stick for a real machine (image/nvmetal.cfg)
  bench      figures: wall time against a do-nothing app, in-image figures (image/bench.cfg)
  deps       install missing packages (image/packages.txt)
  clean      remove build/
  help       this text
endef
# NAME=default meaning, one a line: shown by make help and accepted by make run.
define HELP_VARIABLES
  CFG=image/qemu-run.cfg        make run: the config put on the boot disk as \nvmetal.cfg
  NEWLIB_CACHE=~/.cache/nvmetal/newlib  where newlib is built once and kept
  FUZZ_S=10                     make fuzz, make test: seconds per harness
  FUZZ_CC=clang                 make fuzz, make test: the compiler of the harnesses
  SCENARIOS="default ..."       make test-qemu, make test: only these scenarios
  JOBS=2                        make test-qemu, make test: scenarios run at once (1..8)
  SCENARIO_TIMEOUT=150          make test-qemu, make test: hard limit per scenario, seconds
  QEMU_TEST_DIR=build/qemu-tests  make test-qemu, make test: each scenario's files
  BENCH_RUNS=7                  make bench: timed boots per app
  BENCH_WARMUP=1                make bench: untimed boots per app first (0..5)
  BENCH_DIR=build/bench         make bench: logs and state of the timed boots
  USB_SIZE_MB=64                make usb: size of the stick image in MiB
  SIGN_KEY=                     make usb: sign BOOTX64.EFI for Secure Boot with this PEM key (sbsign)
  SIGN_CERT=                    make usb: the PEM certificate of SIGN_KEY, checked with sbverify
  SIGN_KEY_PASS=                make usb: passphrase of an encrypted SIGN_KEY (else sbsign asks)
endef
export HELP_TARGETS HELP_VARIABLES

help:
	@printf '%s\n\n' "$$HELP_TARGETS"
	@printf 'Variables (make TARGET NAME=value):\n%s\n\n' "$$HELP_VARIABLES"
	@printf 'Knobs of make run (make run KNOB=value, or the environment), default in parentheses;\n'
	@printf 'any other NAME=value given to make run is an error:\n'
	@bash image/qemu.sh --knobs | sed 's/^/  /'
	@printf '\nmake run exit status: GNU make exits 0 when the image passes and 2 for anything else,\n'
	@printf 'naming the verdict as "Error N"; image/qemu.sh itself exits with it: 0 pass, 1 fail,\n'
	@printf '2 bail out, 77 all skipped, 124 TIMEOUT expired, 125 no verdict, 126 setup error.\n'

deps: $(DEPS_STAMP)

$(DEPS_STAMP): image/install-deps.sh image/packages.txt
	@bash image/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(NEWLIB_LIBC): lib/newlib/build.sh | $(DEPS_STAMP)
	@bash lib/newlib/build.sh $(NEWLIB_CACHE)

$(BUILD)/obj/%.o: %.c $(NEWLIB_LIBC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC    $<"
	@$(CC) $(IMAGE_OPT) $(IMAGE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/lib/pattern.o $(BUILD)/obj/lib/t10_pi.o: IMAGE_OPT := -O2

# The font file comes with the packages (image/packages.txt); make deps installs it.
$(CONSOLE_FONT): | $(DEPS_STAMP)
	@test -f $@ || { echo "$@ missing: apt-get install console-setup-linux" >&2; exit 1; }

$(CONSOLE_FONT_C): image/font_to_c.py $(CONSOLE_FONT)
	@echo "  FONT  $(notdir $(CONSOLE_FONT))"
	@python3 image/font_to_c.py $(CONSOLE_FONT) $(basename $(basename $(notdir $(CONSOLE_FONT)))) $@

$(CONSOLE_FONT_OBJ): $(CONSOLE_FONT_C) lib/fb_font.h $(NEWLIB_LIBC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC    $<"
	@$(CC) $(IMAGE_OPT) $(IMAGE_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.asm | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  NASM  $<"
	@$(NASM) -f elf64 -Werror -o $@ $<

$(BUILD)/nvmetal.so: $(IMAGE_OBJECTS) linker.ld
	@echo "  LD    $@"
	@$(LD) $(IMAGE_LDFLAGS) $(GNU_EFI_CRT0) $(IMAGE_OBJECTS) $(GNU_EFI_LIB) \
		$(NEWLIB_LIBC) $(LIBGCC) -o $@

# Keep .reloc: OVMF refuses an image that looks relocation-stripped.
$(BUILD)/%.efi: $(BUILD)/%.so
	@$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The do-nothing app the benchmark compares against: same toolchain, no work.
$(BUILD)/noop.so: $(BUILD)/obj/tests/qemu/noop.o linker.ld
	$(LD) $(IMAGE_LDFLAGS) $(GNU_EFI_CRT0) $< $(GNU_EFI_LIB) -o $@

usb: $(BUILD)/nvmetal-usb.img

# make usb SIGN_KEY=key.pem SIGN_CERT=cert.pem signs the stick's BOOTX64.EFI (image/mkusb.sh
# reads them, and SIGN_KEY_PASS, from the environment: make exports command-line variables).
# The stamp names what signed the last stick (nothing: unsigned) and changes only with it, so
# adding, changing or dropping the key rebuilds the stick; so does a newer key or cert file.
USB_SIGNING := $(if $(SIGN_KEY)$(SIGN_CERT),key=$(SIGN_KEY) cert=$(SIGN_CERT),unsigned)
$(BUILD)/usb-signing.stamp: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = '$(USB_SIGNING)' ] || printf '%s\n' '$(USB_SIGNING)' >$@

$(BUILD)/nvmetal-usb.img: $(BUILD)/nvmetal.efi image/mkusb.sh image/nvmetal.cfg $(BUILD)/usb-signing.stamp \
		$(wildcard $(SIGN_KEY) $(SIGN_CERT))
	bash image/mkusb.sh $@ $< image/nvmetal.cfg

# make run refuses a command-line variable that is neither a runner knob nor one of
# make's own (assigned in this file, or read by another target's script): a misspelt
# knob would otherwise boot the default machine and pass.
ifneq ($(filter run,$(MAKECMDGOALS)),)
RUN_KNOBS := $(shell bash image/qemu.sh --knobs | cut -d' ' -f1)
$(if $(RUN_KNOBS),,$(error make run: image/qemu.sh --knobs listed no knobs))
MAKEFILE_VARS := $(shell sed -nE 's/^([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*[:?+!]?=.*/\1/p' \
	$(lastword $(MAKEFILE_LIST)))
OTHER_TARGET_VARS := $(patsubst %=,%,$(filter %=,$(subst =,= ,$(HELP_VARIABLES))))
RUN_UNKNOWN := $(filter-out $(RUN_KNOBS) $(MAKEFILE_VARS) $(OTHER_TARGET_VARS), \
	$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $(v))),$(v))))
comma := ,
commas = $(subst $() ,$(comma) ,$(strip $(1)))
$(if $(RUN_UNKNOWN),$(error make run: unknown knob$(if $(word 2,$(RUN_UNKNOWN)),s) \
	$(call commas,$(RUN_UNKNOWN)) (knobs: $(call commas,$(RUN_KNOBS)); see make help)))
endif

# The recipe's status is the runner's, i.e. the image's verdict; GNU make then prints it
# ("Error 77") but exits 2 for every failed recipe: scripts that need the verdict itself
# run image/qemu.sh (README, "The two commands").
run: $(BUILD)/nvmetal.efi
	@bash image/qemu.sh --efi $(BUILD)/nvmetal.efi --cfg $(CFG)

test-host: | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory -C tests/host run

# libFuzzer harnesses of the parsers (tests/fuzz/Makefile): each runs FUZZ_S seconds (default
# 10; e.g. make fuzz FUZZ_S=600), corpora grow in build/fuzz/corpus. make test runs the same.
fuzz: | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory -j2 -C tests/fuzz run

test-qemu: $(BUILD)/nvmetal.efi $(BUILD)/nvmetal-usb.img
	@bash tests/qemu/run.sh $(BUILD)/nvmetal.efi $(BUILD)/nvmetal-usb.img

test: $(BUILD)/nvmetal.efi $(BUILD)/nvmetal-usb.img
	@bash tests/run.sh $(BUILD)/nvmetal.efi $(BUILD)/nvmetal-usb.img

bench: $(BUILD)/nvmetal.efi $(BUILD)/noop.efi
	@BENCH_RUNS=$${BENCH_RUNS:-7} bash image/bench.sh $(BUILD)/nvmetal.efi $(BUILD)/noop.efi
	@echo "in-image figures (bench = yes):"
	@STATE_DIR=$(BUILD)/bench/state SERIAL_ECHO=no SERIAL_LOG=$(BUILD)/bench/in-image.log \
		bash image/qemu.sh --efi $(BUILD)/nvmetal.efi --cfg image/bench.cfg >/dev/null 2>&1; \
		status=$$?; tr -d '\r' < $(BUILD)/bench/in-image.log | grep -E '^# bench |^not ok|^Bail'; \
		[ $$status -eq 0 ] || exit $$status
	@echo "in-image figures by LBA format (512 B, 4 KiB, PI type 1 on each; untranslated):"
	@rm -rf $(BUILD)/bench/formats
	@STATE_DIR=$(BUILD)/bench/formats SERIAL_ECHO=no SERIAL_LOG=$(BUILD)/bench/formats.log IOMMU=none \
		NVME_DRIVE_COUNT=1 PMR_SIZE=0 NVME_NS="$(BENCH_FORMATS)" \
		bash image/qemu.sh --efi $(BUILD)/nvmetal.efi --cfg image/bench.cfg >/dev/null 2>&1; \
		status=$$?; tr -d '\r' < $(BUILD)/bench/formats.log | grep -E '^# bench .*_iops=|^not ok|^Bail'; \
		exit $$status

clean:
	rm -rf $(BUILD)

-include $(IMAGE_OBJECTS:.o=.d)
