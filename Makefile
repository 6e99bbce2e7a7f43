# The two commands a fresh machine (Node + npm only) needs:
#   make          build dist/ccshare (installs dependencies first if needed)
#   make test     build, then run the whole suite
BUN      := node_modules/.bin/bun
VERSION  ?= $(shell node -p "require('./package.json').version")
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
SOURCES  := $(shell find src -name '*.ts') package.json
# --bytecode needs --format=esm, or it silently breaks (DESIGN.md §4). cbor-x's
# native addon is compiled out: it corrupts decoding under Bun (DESIGN.md §3).
BUILD_FLAGS := --compile --minify --bytecode --format=esm \
  --define 'process.env.CBOR_NATIVE_ACCELERATION_DISABLED="true"' \
  --define '__CCSHARE_VERSION__="$(VERSION)"' \
  --define '__CCSHARE_COMMIT__="$(COMMIT)"'

.PHONY: all build test bench clean deps typecheck

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
	$(BUN) x tsc --noEmit -p .

test: build
	$(BUN) test $(TEST_ARGS)

bench: build
	$(BUN) run bench/run.ts $(BENCH_ARGS)

clean:
	rm -rf dist .cache
