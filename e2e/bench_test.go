package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/chromedp/chromedp"
)

// wasmBudget is the most app.wasm (staff) may weigh compressed with
// brotli, dinerWasmBudget the most diner.wasm (the diner's pages, loaded
// by phones over the mobile network) may.
const (
	wasmBudget      = 2_000_000
	dinerWasmBudget = 1_860_000 // 1,689,739 B on 2026-11-23, plus 10%
)

// wasmSizes are the sizes of a wasm build: raw, gzip and brotli.
type wasmSizes struct{ raw, gz, br int }

// compress writes <name>.gz and <name>.br next to app.wasm and diner.wasm,
// as the release build does, and returns their sizes.
func compress(tb testing.TB, dir string) (app, diner wasmSizes) {
	tb.Helper()
	return compressFile(tb, dir, "app.wasm"), compressFile(tb, dir, "diner.wasm")
}

func compressFile(tb testing.TB, dir, name string) wasmSizes {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	var r bytes.Buffer
	bw := brotli.NewWriterLevel(&r, brotli.BestCompression)
	bw.Write(b)
	bw.Close()
	for ext, data := range map[string][]byte{".gz": g.Bytes(), ".br": r.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name+ext), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return wasmSizes{len(b), g.Len(), r.Len()}
}

// BenchmarkLoginInteractive measures, in a fresh headless Chromium each time
// (cold: no HTTP cache, no service worker), the time from navigation to a
// login screen whose staff tiles are rendered by the running app and can be
// clicked. It also reports the sizes of app.wasm (stripped, -trimpath) raw,
// gzip and brotli, and fails when brotli exceeds the budget.
func BenchmarkLoginInteractive(b *testing.B) {
	exe := chromium(b)
	dir := buildWasm(b)
	app, diner := compress(b, dir)
	if app.br > wasmBudget {
		b.Errorf("app.wasm is %d bytes with brotli, want at most %d", app.br, wasmBudget)
	}
	if diner.br > dinerWasmBudget {
		b.Errorf("diner.wasm is %d bytes with brotli, want at most %d", diner.br, dinerWasmBudget)
	}
	base := startServer(b, dir)
	tile := tid("login-staff", "data-staff-name="+cashierName)
	ready := tid("login-staff-list", "data-ready=true")

	var total time.Duration
	var transferred float64
	n := 0
	for b.Loop() {
		b.StopTimer()
		ctx := newBrowser(b, exe)
		step, cancel := context.WithTimeout(ctx, stepTimeout)
		b.StartTimer()
		start := time.Now()
		err := chromedp.Do(step,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS(ready)),
			chromedp.WaitEnabled(chromedp.CSS(tile)),
		)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			cancel()
			b.Fatalf("login screen: %v", err)
		}
		total += elapsed
		n++
		size, err := chromedp.Run(step, chromedp.Evaluate[float64](
			`(performance.getEntriesByType("resource").find(e => new URL(e.name).pathname === "/web/app.wasm") || {}).encodedBodySize || 0`))
		if err == nil {
			transferred = size
		}
		cancel()
		chromedp.Cancel(ctx)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(max(n, 1)), "ms-to-interactive")
	b.ReportMetric(float64(app.raw), "wasm-raw-B")
	b.ReportMetric(float64(app.gz), "wasm-gzip-B")
	b.ReportMetric(float64(app.br), "wasm-brotli-B")
	b.ReportMetric(float64(diner.raw), "diner-wasm-raw-B")
	b.ReportMetric(float64(diner.gz), "diner-wasm-gzip-B")
	b.ReportMetric(float64(diner.br), "diner-wasm-brotli-B")
	b.ReportMetric(transferred, "wasm-transferred-B")
}
