//go:build !windows

package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"qrpos/internal/wire"
	"qrpos/server/demo"
)

// reportLatency reports the median and 99th percentile of ds in ms.
func reportLatency(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkScanToEvent: a code written into the scanner's pty until it
// arrives as a scan event on a cashier's /ws (target p99 < 50 ms).
func BenchmarkScanToEvent(b *testing.B) {
	srv := startServer(b)
	manager := srv.login(b, demo.ManagerID, "2468")
	scanPath := filepath.Join(b.TempDir(), "scanner")
	sc := newScanner(b, scanPath)
	br := pairBridge(b, manager, func(c *Config) { c.Scanner = ScannerConfig{Port: scanPath} })
	cashier := srv.login(b, demo.CashierID, "1357")
	ev := cashier.events()
	br.start(b)
	ev.next(func(e wire.Event) bool {
		return e.Type == wire.EventBridgeStatus && e.Bridge.Status != nil && e.Bridge.Status.ScannerConnected
	})
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		code := fmt.Sprintf("BENCH%012d", i)
		start := time.Now()
		sc.scan(b, code)
		got, _ := ev.next(func(e wire.Event) bool { return e.Type == wire.EventScan })
		ds = append(ds, time.Since(start))
		if got.Code != code {
			b.Fatalf("got %q, want %q", got.Code, code)
		}
	}
	reportLatency(b, ds)
}

// BenchmarkPrintToBytes: a print job posted to the server's relay until its
// last byte arrives on the printer's pty (target p99 < 20 ms).
func BenchmarkPrintToBytes(b *testing.B) {
	srv := startServer(b)
	manager := srv.login(b, demo.ManagerID, "2468")
	printerPath := filepath.Join(b.TempDir(), "printer")
	p := newPrinter(b, printerPath)
	br := pairBridge(b, manager, func(c *Config) { c.Printer = PrinterConfig{Port: printerPath, Baud: 115200, PaperMM: 80} })
	cashier := srv.login(b, demo.CashierID, "1357")
	ev := cashier.events()
	br.start(b)
	ev.next(connected(br.id))
	var ds []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		job := englishReceipt(fmt.Sprintf("bench-%d", i))
		start := time.Now()
		cashier.must(http.StatusOK, http.MethodPost, "/api/bridges/"+br.id+"/print", job, nil)
		p.nextJob(b)
		ds = append(ds, time.Since(start))
	}
	reportLatency(b, ds)
}
