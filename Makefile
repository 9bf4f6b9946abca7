# SPDX-License-Identifier: GPL-2.0-or-later
# tcectl - inspect, checkpoint and restore the sPAPR TCE tables of KVM guests.

VERSION := 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo $(DATADIR)/bash-completion/completions)
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
SYSTEMDUNITDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo $(PREFIX)/lib/systemd/system)
UNITS := $(wildcard contrib/systemd/*.service contrib/systemd/*.timer)

CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)$(if $(filter default,$(origin CC)),gcc,$(CC))
CFLAGS ?= -O2 -g
# override: CPPFLAGS given on the command line (a sysroot's -I) must not drop it.
override CPPFLAGS += -D_GNU_SOURCE
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -DTCECTL_VERSION='"$(VERSION)"'
# ncursesw draws tcectl watch; a static link needs -lncursesw -ltinfo in that order.
# json-c parses what QEMU's monitor says (src/qmp*.c only).
LDLIBS ?= $(shell pkg-config --libs libelf zlib libzstd ncursesw json-c 2>/dev/null || \
	    echo -lelf -lz -lzstd -lncursesw -ltinfo -ljson-c)

BUILD ?= build
LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/tcectl $(BUILD)/tce-holder $(BUILD)/qmp-server

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libtcectl.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/tcectl: $(CLI_OBJ) $(BUILD)/libtcectl.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

MANPAGES := $(wildcard man/*.1 man/*.5)

install: $(BUILD)/tcectl
	install -Dm755 $(BUILD)/tcectl $(DESTDIR)$(BINDIR)/tcectl
	for page in $(MANPAGES); do \
		section=$${page##*.}; \
		install -Dm644 $$page $(DESTDIR)$(MANDIR)/man$$section/$${page##*/} || exit 1; \
	done
	install -Dm644 completions/tcectl.bash $(DESTDIR)$(BASHCOMPDIR)/tcectl
	install -Dm644 completions/_tcectl $(DESTDIR)$(ZSHCOMPDIR)/_tcectl
	install -Dm644 completions/tcectl.fish $(DESTDIR)$(FISHCOMPDIR)/tcectl.fish
	# The units run the tcectl installed here.
	for unit in $(UNITS); do \
		install -d $(DESTDIR)$(SYSTEMDUNITDIR) && \
		sed 's|/usr/bin/tcectl |$(BINDIR)/tcectl |' $$unit > $(DESTDIR)$(SYSTEMDUNITDIR)/$${unit##*/} && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${unit##*/} || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcectl $(DESTDIR)$(BASHCOMPDIR)/tcectl \
	      $(DESTDIR)$(ZSHCOMPDIR)/_tcectl $(DESTDIR)$(FISHCOMPDIR)/tcectl.fish
	for page in $(MANPAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done
	for unit in $(UNITS); do \
		rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/$${unit##*/}; \
	done

clean:
	rm -rf build

.PHONY: all install uninstall clean
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# --- tests -------------------------------------------------------------------

FIXTURES := $(BUILD)/tce-holder $(BUILD)/qmp-server

$(BUILD)/tce-holder: tests/fixtures/tce-holder.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# A fake QEMU monitor for tests/cli/82-qmp.bats.
$(BUILD)/qmp-server: tests/fixtures/qmp-server.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# Test files run side by side, one per CPU (tests/cli/bats.sh).
check-cli: $(BUILD)/tcectl $(FIXTURES)
	TCECTL=$(abspath $(BUILD)/tcectl) TCE_HOLDER=$(abspath $(BUILD)/tce-holder) \
		QMP_SERVER=$(abspath $(BUILD)/qmp-server) \
		tests/cli/bats.sh --tap tests/cli

.PHONY: check-cli

# The whole suite, from a fresh Debian 12 machine: installs what it needs.
check:
	tests/deps.sh
	tests/check.sh

.PHONY: check

UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libtcectl.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check-unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

.PHONY: check-unit
-include $(UNIT_OBJ:.o=.d)

# Checkpoints no live table gives: random entries, one page, crafted sizes.
$(BUILD)/mkckpt: bench/mkckpt.c $(BUILD)/libtcectl.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: $(BUILD)/tcectl $(BUILD)/tce-holder $(BUILD)/mkckpt
	TCECTL=$(abspath $(BUILD)/tcectl) TCE_HOLDER=$(abspath $(BUILD)/tce-holder) \
		MKCKPT=$(abspath $(BUILD)/mkckpt) bench/run.sh

.PHONY: bench

# --- the real-kernel tier: an emulated POWER host (tests/vm) -----------------

# tcectl for the emulated host: ppc64le, static, against the tier's sysroot.
VM_TCECTL := build/vm/tcectl

vm-tcectl:
	@tests/vm/fetch.sh
	@eval "$$(tests/vm/fetch.sh --print-env)" && \
		$(MAKE) -s --no-print-directory CC="$$TCECTL_VM_CC" CPPFLAGS="$$TCECTL_VM_CPPFLAGS" \
			LDFLAGS="$$TCECTL_VM_LDFLAGS" LDLIBS="$$TCECTL_VM_LIBS" BUILD=build/vm \
			build/vm/tcectl

# Every test file but the tier's own QEMU self-test (30-*): 70-tcectl-qemu
# boots the same guest and checks its tables with tcepeek as well as tcectl.
# About 9 minutes on a busy 2-core host: the VM's limit leaves room above it.
check-vm: vm-tcectl
	tests/vm/check.sh -Q -t 900 -T $(VM_TCECTL) -p tests/vm/payload-tcectl \
		-p tests/vm/payload-tcectl-qemu \
		-e TCECTL_VM_TESTS=0*,1*,2*,4*,5*,6*,7*,8*,9*


# The reset test's controls, too long for make check: 100 resets of a real
# QEMU guest against tcectl --attach=fd and against a reader that grabs
# every fd, which must lose a table at least once (about 14 minutes).
check-vm-stress: vm-tcectl
	tests/vm/check.sh -Q -t 3600 -T $(VM_TCECTL) -p tests/vm/payload-tcectl \
		-p tests/vm/payload-tcectl-qemu -e TCECTL_VM_TESTS=71-* \
		-e TCECTL_VM_STRESS=1 -e TCECTL_VM_TEST_TIMEOUT=3000

# The main job: tcectl on a real QEMU guest, inside the emulated POWER host.
demo: vm-tcectl
	tests/vm/demo.sh -T $(VM_TCECTL)

# The same verbs on stand-in tables, in a second, without the emulated host.
demo-fixture: $(BUILD)/tcectl $(BUILD)/tce-holder
	@tests/deps.sh
	@TCECTL=$(abspath $(BUILD)/tcectl) TCE_HOLDER=$(abspath $(BUILD)/tce-holder) tests/fixtures/demo.sh

.PHONY: vm-tcectl check-vm check-vm-stress demo demo-fixture

# --- robustness: sanitizers and fuzzing (tests/fuzz/README.md) ---------------

# SANITIZE=1 adds AddressSanitizer and UndefinedBehaviorSanitizer, stopping
# at the first report; SANITIZE=fuzzer adds libFuzzer's coverage too (clang).
# Give such a build a BUILD of its own: objects of different flags must not mix.
SANITIZE ?=
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifneq ($(filter 1 fuzzer,$(SANITIZE)),)
CFLAGS += $(SAN_CFLAGS)
endif
ifeq ($(SANITIZE),fuzzer)
CFLAGS += -fsanitize=fuzzer-no-link
endif

ASAN_BUILD := build/asan
NPROC := $(shell nproc 2>/dev/null || echo 1)
FUZZ_BUILD := build/fuzz
# clang for both: gcc 12's UBSan ignores log_path next to ASan, and
# tests/sanitize.sh must find every report in its log directory.
ASAN_CC ?= clang
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60

# The unit tests and the command-line tests against tcectl, tce-holder and
# the library built with SANITIZE=1; any sanitizer report fails the run.
# That build compiles every file anew, with a compiler per CPU.
check-asan:
	@$(MAKE) -s --no-print-directory -j$(NPROC) CC=$(ASAN_CC) SANITIZE=1 BUILD=$(ASAN_BUILD) \
		$(ASAN_BUILD)/tcectl $(ASAN_BUILD)/tce-holder $(ASAN_BUILD)/qmp-server $(ASAN_BUILD)/unit-tests
	tests/sanitize.sh $(ASAN_BUILD)

$(BUILD)/fuzz_checkpoint: tests/fuzz/fuzz_checkpoint.c $(BUILD)/libtcectl.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build:
	@$(MAKE) -s --no-print-directory CC=$(FUZZ_CC) SANITIZE=fuzzer BUILD=$(FUZZ_BUILD) \
		$(FUZZ_BUILD)/fuzz_checkpoint

# FUZZ_SECONDS of fuzzing over a copy of the corpus in $(FUZZ_BUILD)/corpus
# (it grows there, never in the tree); a crash is left in $(FUZZ_BUILD).
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Rewrites tests/fuzz/corpus from tests/fuzz/mkcorpus.c (same sources, same bytes).
$(BUILD)/mkcorpus: tests/fuzz/mkcorpus.c $(BUILD)/libtcectl.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-corpus: $(BUILD)/mkcorpus
	rm -f tests/fuzz/corpus/*.tce tests/fuzz/corpus/*.bin
	@mkdir -p tests/fuzz/corpus
	$(BUILD)/mkcorpus tests/fuzz/corpus

.PHONY: check-asan fuzz-build fuzz fuzz-corpus
