# lvslab build: one static library of every layer, the lvslab command, one
# Criterion binary per tests/test_*.c, and the benchmarks under bench/.
#
#   make            optimised build (-O2 -g) into build/
#   make test       unit tests, then integration tests (tests/*.sh)
#   make check      the same tests built with ASan and UBSan into build-san/
#   make bench      every benchmark, one line per case
#   make demo       the main job: the default scenario comparing the four modes
#   make clean

BUILD   ?= build
CC      ?= gcc
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  ?=
CFLAGS  += -std=gnu11 $(OPT) $(SAN) -Wall -Wextra -Werror -MMD -MP -I. \
           $(shell pkg-config --cflags lua5.4 2>/dev/null)
LDFLAGS += $(SAN)
LIBS    := -lpcap -lnet -llua5.4 -ljansson -lev -lnettle -lm

# Every layer's sources go into one library; sim/main.c is the command.
LIB_SRC := $(sort $(wildcard engine/*.c net/*.c lvs/*.c lvs/*/*.c apps/*.c \
                             sim/*.c emu/*.c reports/*.c))
LIB_SRC := $(filter-out sim/main.c,$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/liblvslab.a

BIN     := $(BUILD)/lvslab
BIN_SRC := $(wildcard sim/main.c)

TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(TEST_SRC:%.c=$(BUILD)/%)
TEST_SH  := $(sort $(wildcard tests/*.sh))

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

.PHONY: all test check bench demo clean
.SECONDARY:    # keep test and bench objects: incremental builds
all: $(LIB) $(if $(BIN_SRC),$(BIN)) $(TEST_BIN) $(BENCH_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/sim/main.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(LIBS) -lcriterion -o $@

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(LIBS) -o $@

# Unit tests: every Criterion binary; integration tests: every tests/*.sh,
# which find the build through LVSLAB_BUILD.
test: all
	@scripts/run-tests.sh $(BUILD) $(TEST_BIN) -- $(TEST_SH)

check:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

bench: all
	@for b in $(BENCH_BIN); do $$b || exit 1; done

demo: all
	@scripts/demo.sh $(BUILD)

clean:
	rm -rf build build-san build-fuzz out

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d $(TEST_BIN:=.d) $(BENCH_BIN:=.d)

# Fuzzing (libFuzzer, clang): every fuzz/fuzz_*.c against the library built
# with ASan and UBSan into build-fuzz/, each run FUZZ_SECONDS from its seeds
# fuzz/seeds/NAME, growing build-fuzz/corpus/NAME; a crash is written to
# build-fuzz/crash-NAME-* (and becomes a regression test).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
.PHONY: fuzz
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SAN="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build-fuzz/liblvslab.a
	@set -e; for src in $(FUZZ_SRC); do \
	    name=$$(basename $$src .c); \
	    clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function -I. $(FUZZ_FLAGS) -fsanitize=fuzzer $$src \
	        build-fuzz/liblvslab.a $(LIBS) -o build-fuzz/$$name; \
	    mkdir -p build-fuzz/corpus/$$name; \
	    echo "$$name: $(FUZZ_SECONDS) s"; \
	    build-fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -artifact_prefix=build-fuzz/crash-$$name- build-fuzz/corpus/$$name fuzz/seeds/$$name 2>&1 | \
	        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY)' || true; \
	done
