# QRPOS. The two commands users need: `make run` and `make test`.
GO      ?= go
GOFLAGS ?= -trimpath
WASM     = web/app.wasm
DINERWASM = web/diner.wasm
PLATFORMS = linux/amd64 linux/arm64 windows/amd64 darwin/arm64

.PHONY: run test build wasm cross lint bench clean

## run: build everything, start the server with its embedded defaults and a
## demo bridge paired to it (virtual printer in data/bridge/virtual-printer,
## codes typed on stdin are scans); Ctrl+C stops both
run: build
	@mkdir -p data
	@./bin/server -demo-bridge & server=$$!; \
	./bin/bridge run -demo -data data/bridge -pair-file data/bridge-pairing-code -server http://localhost:8080; \
	status=$$?; kill $$server 2>/dev/null; wait $$server; exit $$status

## build: the wasm app, the server and the bridge
build: wasm
	$(GO) build $(GOFLAGS) -o bin/server ./server
	$(GO) build $(GOFLAGS) -o bin/bridge ./bridge

## wasm: build web/app.wasm (staff) and web/diner.wasm (the diner's pages),
## with the toolchain's wasm_exec.js, and precompress them
wasm:
	GOOS=js GOARCH=wasm $(GO) build $(GOFLAGS) -ldflags="-s -w" -o $(WASM) ./app
	GOOS=js GOARCH=wasm $(GO) build $(GOFLAGS) -ldflags="-s -w" -o $(DINERWASM) ./app/dinerapp
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" web/wasm_exec.js
	$(GO) run ./tools/precompress $(WASM) $(DINERWASM)

## test: every test, including the headless-Chromium ones
test: wasm lint
	$(GO) test -race -timeout 20m ./...

## lint: formatting and vet, for the native and the js/wasm builds
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./internal/...

## bench: benchmarks (wasm size, login time in Chromium, store and parsers)
bench: wasm
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

## cross: server and bridge for every supported platform, without cgo
cross: wasm
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "$$os/$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build $(GOFLAGS) -o bin/$$os-$$arch/server$$ext ./server || exit 1; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build $(GOFLAGS) -o bin/$$os-$$arch/bridge$$ext ./bridge || exit 1; \
	done

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz web/diner.wasm web/diner.wasm.br web/diner.wasm.gz web/wasm_exec.js
