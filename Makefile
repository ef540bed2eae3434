# schedlab — one hand-written Makefile: deps, build, test, bench, demo.
#
#   make deps    install the Debian packages that are missing (nothing if all are there)
#   make         build bin/schedlab
#   make test    unit, golden-schedule, CLI and bad-input tests (TAP, through prove)
#   make asan    the same tests against an AddressSanitizer + UBSan build
#   make bench   speed and memory figures
#   make fuzz    libFuzzer targets (clang, ASan + UBSan), FUZZ_SECONDS each (default 20)
#   make demo    deps + build + a real default experiment (database and figures in results/)
#   V=1          show full compiler command lines

.SUFFIXES:
.PHONY: all deps test asan bench demo clean regen check-deps fuzz fuzz-deps

PKGS     := lua5.4 sqlite3 libpcre2-8 zlib libzstd
DEB_PKGS := liblua5.4-dev libsqlite3-dev libpcre2-dev zlib1g-dev libzstd-dev gnuplot-nox pkg-config sqlite3 perl

BUILD    ?= build/release
OPT      ?= -O2 -g
SAN      ?=
BIN      := $(BUILD)/schedlab

STD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# Messages and paths are cut to their fixed buffers on purpose, hence
# -Wno-format-truncation.
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wvla -Wundef -Wno-format-truncation
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(STD) $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -I$(BUILD)/gen -Iengine -MMD -MP $(CFLAGS)
ALL_LDLIBS = $(SAN) $(PKG_LIBS) -lm $(LDLIBS)

SRC  := $(wildcard engine/*.c)
OBJ  := $(SRC:engine/%.c=$(BUILD)/obj/%.o)
LIBOBJ := $(filter-out $(BUILD)/obj/main.o $(BUILD)/obj/cli.o $(BUILD)/obj/cmd_%.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/bin/%)
DEP  := $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(FUZZ_BIN:=.d)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# The engine's identity in run keys: its sources, not the git state (a dirty
# tree or a new commit of docs must not change keys) nor the binary (an ASan
# or -O0 build of the same sources computes the same rows).
SRCHASH := $(shell cat $(sort $(wildcard engine/*.c engine/*.h)) | \
             { sha256sum 2>/dev/null || shasum -a 256 2>/dev/null || cksum; } | cut -d' ' -f1 | cut -c1-32)

ifeq ($(V),1)
Q :=
else
Q := @
endif

all: bin/schedlab

bin/schedlab: $(BIN) | bin
	$(Q)cp $(BIN) $@

$(BIN): $(OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) -o $@ $(OBJ) $(ALL_LDLIBS)

$(BUILD)/obj/%.o: engine/%.c | $(BUILD)/obj $(BUILD)/gen/version.h $(BUILD)/gen/srchash.h
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ) | $(BUILD)/tests
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIBOBJ) $(ALL_LDLIBS)

# The version header is rewritten only when `git describe` changes, so an
# unchanged tree does not rebuild.
$(BUILD)/gen/version.h: FORCE | $(BUILD)/gen
	$(Q)printf '#define SL_VERSION "%s"\n' "$(VERSION)" > $@.tmp
	$(Q)cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/gen/srchash.h: FORCE | $(BUILD)/gen
	$(Q)printf '#define SL_SRCHASH "%s"\n' "$(SRCHASH)" > $@.tmp
	$(Q)cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@
FORCE:

# libFuzzer targets: linked with the fuzzer's main; the engine objects are
# built for them by `make fuzz` (sanitizer coverage, without the main).
$(BUILD)/bin/%: tests/fuzz/%.c $(LIBOBJ) | $(BUILD)/bin
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(LIBOBJ) $(ALL_LDLIBS)

bin $(BUILD)/obj $(BUILD)/gen $(BUILD)/tests $(BUILD)/bin:
	$(Q)mkdir -p $@

-include $(DEP)

# ---- dependencies ---------------------------------------------------------
check-deps:
	@pkg-config --exists $(PKGS) && command -v gnuplot >/dev/null && command -v prove >/dev/null \
	  && command -v sqlite3 >/dev/null

deps:
	@if $(MAKE) -s check-deps 2>/dev/null; then echo "deps: all present"; else \
	  echo "deps: installing $(DEB_PKGS)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PKGS); \
	fi

# Fuzzing needs clang and its libFuzzer runtime, nothing else needs them:
# installed here, for `make fuzz` only. Debian ships the runtime as
# libclang-rt-N-dev (N: clang's major version) since LLVM 14, inside
# libclang-common-N-dev before.
FUZZ_PROBE := int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)(n * 0); }
fuzz-deps:
	@if printf '%s\n' '$(FUZZ_PROBE)' | clang -x c -fsanitize=fuzzer,address,undefined \
	      -o /dev/null - >/dev/null 2>&1; then echo "fuzz-deps: all present"; else \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "fuzz-deps: installing clang and its libFuzzer runtime"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends clang && \
	  v=$$(clang --version | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -n 1) && \
	  { printf '%s\n' '$(FUZZ_PROBE)' | clang -x c -fsanitize=fuzzer,address,undefined \
	      -o /dev/null - >/dev/null 2>&1 || \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	      libclang-rt-$$v-dev; }; \
	fi

# ---- tests, sanitizers, benchmark, demo ----------------------------------
test: bin/schedlab $(UNIT_BIN)
	@SCHEDLAB=$(CURDIR)/bin/schedlab UNIT_DIR=$(CURDIR)/$(BUILD)/tests tests/run

asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=undefined,float-cast-overflow" \
	  build/asan/schedlab $(UNIT_BIN:$(BUILD)/%=build/asan/%)
	@ASAN_OPTIONS=detect_leaks=1 SCHEDLAB=$(CURDIR)/build/asan/schedlab \
	  UNIT_DIR=$(CURDIR)/build/asan/tests tests/run

# Every fuzz target for FUZZ_SECONDS from its seed corpus (tests/fuzz/README.md);
# any finding fails. clang builds the engine into build/fuzz with coverage
# instrumentation; the -Wno-unknown-warning-option is for GCC-only flags.
FUZZ_SECONDS ?= 20
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	  OPT="-O1 -g -fno-omit-frame-pointer" CFLAGS="-Wno-unknown-warning-option $(CFLAGS)" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  $(FUZZ_BIN:$(BUILD)/%=build/fuzz/%)
	@SCHEDLAB_HOME=$(CURDIR) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run build/fuzz

regen: bin/schedlab
	@SCHEDLAB=$(CURDIR)/bin/schedlab tests/regen

bench: bin/schedlab
	@SCHEDLAB=$(CURDIR)/bin/schedlab tests/bench/run

demo: deps
	$(Q)$(MAKE) --no-print-directory bin/schedlab
	@SCHEDLAB=$(CURDIR)/bin/schedlab experiments/demo.sh

clean:
	rm -rf build bin
