# lvslab build: one static archive per layer, linked in layer order, the
# lvslab command, one Criterion binary per tests/test_*.c, the benchmarks
# under bench/ and the libFuzzer harnesses under fuzz/.
#
#   make              optimised build (-O2 -g) into build/
#   make test         check-layers, unit tests, then integration tests (tests/*.sh)
#   make check        the same tests built with ASan and UBSan into build-san/
#   make check-layers no include or symbol reference goes up a layer, or between sim/ and emu/
#   make bench        every benchmark, one line per case
#   make demo         the main job: the default scenario comparing the four modes
#   make fuzz         every fuzzer, FUZZ_SECONDS each
#   make golden       the golden runs, the whole default run included, against tests/golden/
#   make golden-refresh  rewrite tests/golden/ (after a deliberate behaviour change only)
#   make clean
#
# Settings: CC, OPT (-O2 -g), SAN, BUILD; CFLAGS, LDFLAGS and LDLIBS add to
# the flags the build needs, never replace them.

ifeq ($(origin CC),default)
CC := gcc
endif
BUILD ?= build
OPT   ?= -O2 -g
SAN   ?=

WARN        := -Wall -Wextra -Werror
LUA_CFLAGS  := $(shell pkg-config --cflags lua5.4 2>/dev/null)
BASE_CFLAGS := -std=gnu11 $(WARN) -I. $(LUA_CFLAGS)
override CFLAGS  := $(BASE_CFLAGS) $(OPT) $(SAN) -MMD -MP $(CFLAGS)
override LDFLAGS := $(SAN) $(LDFLAGS)

# The layers, lowest first (../shared/DESIGN.md). A layer may use those
# before it; sim and emu are siblings, and neither may use the other.
LAYER_ORDER := engine net lvs apps scenario sim|emu reports cmd
LAYERS      := $(subst |, ,$(LAYER_ORDER))
engine_SRC   := $(wildcard engine/*.c)
net_SRC      := $(wildcard net/*.c)
lvs_SRC      := $(wildcard lvs/*.c lvs/*/*.c)
apps_SRC     := $(wildcard apps/*.c)
scenario_SRC := $(wildcard scenario/*.c)
sim_SRC      := $(wildcard sim/*.c)
emu_SRC      := $(wildcard emu/*.c)
reports_SRC  := $(wildcard reports/*.c)
cmd_SRC      := $(filter-out cmd/main.c,$(wildcard cmd/*.c))

# The libraries each layer calls.
engine_LIBS   := -lm
lvs_LIBS      := -lnettle
scenario_LIBS := -llua5.4 -ljansson -lpcap
sim_LIBS      := -ljansson
emu_LIBS      := -lev -ljansson -lpcap
reports_LIBS  := -ljansson -lpcap

layer_lib = $(BUILD)/lib$(1).a
ALL_LIBS  := $(foreach l,$(LAYERS),$(call layer_lib,$(l)))
# Highest layer first, so that each archive's references resolve in those after it.
LINK_LIBS := $(foreach l,$(shell echo $(LAYERS) | tr ' ' '\n' | tac),$(call layer_lib,$(l)))
EXT_LIBS  := $(sort $(foreach l,$(LAYERS),$($(l)_LIBS))) -lm

BIN       := $(BUILD)/lvslab
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
TEST_BIN  := $(TEST_SRC:%.c=$(BUILD)/%)
TEST_SH   := $(sort $(wildcard tests/*.sh))
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)
# libnet: the reference builders test_build compares the stack's frames with.
$(BUILD)/tests/test_build: EXTRA_LIBS := -lnet

.PHONY: all test check check-layers bench demo golden golden-refresh fuzz clean
.SECONDARY:    # keep test and bench objects: incremental builds
all: $(ALL_LIBS) $(BIN) $(TEST_BIN) $(BENCH_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

define layer_rule
$(call layer_lib,$(1)): $$($(1)_SRC:%.c=$$(BUILD)/%.o)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(BIN): $(BUILD)/cmd/main.o $(ALL_LIBS)
	$(CC) $(LDFLAGS) $< $(LINK_LIBS) $(EXT_LIBS) $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(ALL_LIBS)
	$(CC) $(LDFLAGS) $< $(LINK_LIBS) $(EXT_LIBS) $(EXTRA_LIBS) -lcriterion $(LDLIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(ALL_LIBS)
	$(CC) $(LDFLAGS) $< $(LINK_LIBS) $(EXT_LIBS) $(LDLIBS) -o $@

# Includes from the sources, and symbols from the archives.
check-layers: $(ALL_LIBS)
	@scripts/check-layers.sh --build $(BUILD) $(foreach g,$(LAYER_ORDER),'$(g)')

# Unit tests: every Criterion binary; integration tests: every tests/*.sh,
# which find the build through LVSLAB_BUILD.
test: all check-layers
	@scripts/run-tests.sh $(BUILD) $(TEST_BIN) -- $(TEST_SH)

check:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

bench: all
	@for b in $(BENCH_BIN); do $$b || exit 1; done

demo: all
	@scripts/demo.sh $(BUILD)

golden: all
	@scripts/golden.sh check --full $(BUILD)

golden-refresh: all
	@scripts/golden.sh refresh $(BUILD)

clean:
	rm -rf build build-san build-fuzz out

-include $(foreach l,$(LAYERS),$($(l)_SRC:%.c=$(BUILD)/%.d)) $(BUILD)/cmd/main.d $(TEST_BIN:=.d) $(BENCH_BIN:=.d)

# Fuzzing (libFuzzer, clang): every fuzz/fuzz_*.c against the layers built
# with ASan and UBSan into build-fuzz/, each run FUZZ_SECONDS from its seeds
# fuzz/seeds/NAME, growing build-fuzz/corpus/NAME; a crash is written to
# build-fuzz/crash-NAME-* (and becomes a regression test).
FUZZ_SECONDS ?= 60
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_MAKE := $(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link"
fuzz:
	$(FUZZ_MAKE) fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BIN)
build-fuzz/fuzz_%: fuzz/fuzz_%.c $(ALL_LIBS)
	$(CC) $(BASE_CFLAGS) $(OPT) $(FUZZ_SAN) -fsanitize=fuzzer $< $(LINK_LIBS) $(EXT_LIBS) -o $@
