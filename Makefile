# intermodal: small composable tools for appc images and OCI bundles.
# make demo   build every tool into bin/ and run the pipeline on a sample image
# make test   everything CI runs: format, vet, man pages up to date, unit,
#             fuzz-corpus, end-to-end and interoperability tests

GO       ?= go
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(DESTDIR)$(PREFIX)/bin
MANDIR   := $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR  := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR   := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
TOOLS    := $(notdir $(wildcard tools/*))
BINS     := $(addprefix bin/,$(TOOLS))
MANS     := $(addprefix docs/man/,$(addsuffix .1,$(TOOLS)))
# Static, path-free, VCS-free builds: the same source gives the same bytes.
BUILD    := CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false -ldflags=-buildid=
GOLANGCI := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0

.PHONY: all test unit e2e lint fmt-check vet man man-check bench demo install clean repro-check FORCE

all: $(BINS)

bin/%: FORCE
	@mkdir -p bin
	$(BUILD) -o $@ ./tools/$*

test: all fmt-check vet man-check repro-check unit

unit:
	INTERMODAL_BIN=$(CURDIR)/bin $(GO) test -count=1 ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet
	$(GO) run $(GOLANGCI) run ./...

# Man pages and completion scripts are generated from the tools' own
# definitions (the hidden --man and --completion flags).
man: all
	@mkdir -p docs/man docs/completion/bash docs/completion/zsh
	@for t in $(TOOLS); do \
	  bin/$$t --man > docs/man/$$t.1; \
	  bin/$$t --completion bash > docs/completion/bash/$$t; \
	  bin/$$t --completion zsh > docs/completion/zsh/_$$t; \
	done

man-check: all
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for t in $(TOOLS); do \
	  bin/$$t --man > $$tmp/$$t.1; \
	  cmp -s $$tmp/$$t.1 docs/man/$$t.1 || { echo "docs/man/$$t.1 is stale: run make man"; exit 1; }; \
	  bin/$$t --completion bash | cmp -s - docs/completion/bash/$$t || { echo "docs/completion/bash/$$t is stale: run make man"; exit 1; }; \
	  bin/$$t --completion zsh | cmp -s - docs/completion/zsh/_$$t || { echo "docs/completion/zsh/_$$t is stale: run make man"; exit 1; }; \
	done

# Build every tool twice, in separate output dirs with a cold cache for the
# second build, and compare: a reproducible build gives identical binaries.
repro-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	for t in $(TOOLS); do \
	  $(BUILD) -o $$tmp/a/$$t ./tools/$$t && \
	  GOCACHE=$$tmp/cache $(BUILD) -o $$tmp/b/$$t ./tools/$$t && \
	  cmp $$tmp/a/$$t $$tmp/b/$$t || { echo "$$t: two builds differ"; exit 1; }; \
	done; echo "repro-check: $(words $(TOOLS)) tools build byte-identical"

# Benchmarks: Go micro-benchmarks, then the peer comparison (actool, tar|pigz,
# gzip|sha512sum) in one run through the shared harness, with our tools as
# extra columns. BENCH_CASES=large many by default; results in $(BENCH_DIR).
BENCH_HARNESS ?= ../shared/bench/bench.sh
BENCH_DIR     ?= /tmp/intermodal-bench
BENCH_CASES   ?= large many
bench: all
	$(GO) test -run '^$$' -bench . -benchmem ./lib/...
	./tests/bench.sh "$(BENCH_HARNESS)" "$(BENCH_DIR)" $(BENCH_CASES)

demo: all
	./tests/demo/demo.sh

install: all
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR)
	install -m 0755 $(BINS) $(BINDIR)/
	install -m 0644 $(MANS) $(MANDIR)/
	for t in $(TOOLS); do \
	  install -m 0644 docs/completion/bash/$$t $(BASHDIR)/$$t; \
	  install -m 0644 docs/completion/zsh/_$$t $(ZSHDIR)/_$$t; \
	done

clean:
	rm -rf bin demo-out
