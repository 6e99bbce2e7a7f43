# The two commands a fresh machine (Node + npm only) needs:
#   make          build dist/ccshare (installs dependencies first if needed)
#   make test     build, then run the whole suite
BUN      := node_modules/.bin/bun
VERSION  ?= $(shell node -p "require('./package.json').version")
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The relay `--relay` uses when given no URL and $CCSHARE_RELAY is unset. Empty:
# this build has no public relay, so `--relay` alone asks for a URL.
RELAY    ?=
SOURCES  := $(shell find src -name '*.ts') package.json
# --bytecode needs --format=esm, or it silently breaks (DESIGN.md §4); --splitting
# keeps lazily imported commands out of start-up (--help). cbor-x's
# native addon is compiled out: it corrupts decoding under Bun (DESIGN.md §3).
BUILD_FLAGS := --compile --minify --bytecode --format=esm --splitting \
  --define 'process.env.CBOR_NATIVE_ACCELERATION_DISABLED="true"' \
  --define '__CCSHARE_VERSION__="$(VERSION)"' \
  --define '__CCSHARE_COMMIT__="$(COMMIT)"' \
  --define '__CCSHARE_DEFAULT_RELAY__="$(RELAY)"'

.PHONY: all build test bench fuzz clean deps typecheck release

all: build

deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

build: dist/ccshare
dist/ccshare: node_modules/.installed $(SOURCES)
	@mkdir -p dist
	$(BUN) build src/cli.ts $(BUILD_FLAGS) --outfile $@

typecheck: deps
	node_modules/.bin/tsc --noEmit -p .

test: build typecheck
	@scripts/run_tests.sh $(TEST_ARGS)

# One binary per platform in dist/release/ (Bun fetches each target's runtime
# from the npm registry), then SHA256SUMS, the Homebrew formula and install.sh
# (scripts/release.ts). A subset: make release TARGETS="linux-x64".
TARGETS          ?= linux-x64 linux-arm64 darwin-x64 darwin-arm64 windows-x64
RELEASE_BASE_URL ?= https://github.com/OWNER/ccshare/releases/download/v$(VERSION)
RELEASE_DIR      := dist/release

release: node_modules/.installed
	rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)
	@for t in $(TARGETS); do \
	  case $$t in linux-x64|linux-arm64|darwin-x64|darwin-arm64|windows-x64) ;; \
	    *) echo "make release: unknown target $$t (linux-x64 linux-arm64 darwin-x64 darwin-arm64 windows-x64)" >&2; exit 2 ;; esac; \
	  ext=; case $$t in windows-*) ext=.exe ;; esac; \
	  echo "release: building $$t"; \
	  $(BUN) build src/cli.ts $(BUILD_FLAGS) --target=bun-$$t --outfile $(RELEASE_DIR)/ccshare-$(VERSION)-$$t$$ext || exit 1; \
	done
	$(BUN) run scripts/release.ts --dir $(RELEASE_DIR) --version $(VERSION) --base-url "$(RELEASE_BASE_URL)" --targets "$(TARGETS)"

bench: build
	$(BUN) run bench/run.ts $(BENCH_ARGS)

# A bounded fuzz run of the receiver's decoder, not part of `make test`: 100,000
# mutated record streams and bundles (FUZZ_STREAMS, FUZZ_BUNDLES, FUZZ_SEED).
fuzz: deps
	$(BUN) run test/fuzz/decoder.fuzz.ts

clean:
	rm -rf dist .cache
