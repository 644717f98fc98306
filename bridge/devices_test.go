//go:build !windows

package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"qrpos/internal/wire"
)

// TestDevicesRouteAndReport: kitchen tickets go to the kitchen printer,
// receipts to the receipt printer; each job is reported queued, then
// printed; a repeated id is a duplicate and a bad document fails.
func TestDevicesRouteAndReport(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(t.Context())
	printed := make(chan wire.JobStatus, 8)
	d := &devices{ctx: ctx, changed: func() {}, report: func(st wire.JobStatus) { printed <- st }}
	var err error
	if d.receipt, err = openStation("receipt", dir, PrinterConfig{Virtual: filepath.Join(dir, "front"), PaperMM: 58}, log, func() {}); err != nil {
		t.Fatal(err)
	}
	if d.kitchen, err = openStation("kitchen", dir, PrinterConfig{Virtual: filepath.Join(dir, "kitchen"), PaperMM: 80}, log, func() {}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, s := range d.stations() {
		wg.Go(func() { s.sp.Run(ctx) })
	}
	defer func() {
		cancel()
		wg.Wait()
		d.watch.Wait()
	}()

	kitchen := wire.PrintJob{ID: "k1", Kind: wire.PrintKindKitchen, Kitchen: &wire.KitchenDoc{OrderNumber: 3, Time: time.Now(),
		Lines: []wire.KitchenLine{{Name: "宫保鸡丁", Qty: 1}}}}
	rcpt := englishReceipt("r1")
	tests := []struct {
		job  wire.PrintJob
		want string
	}{
		{kitchen, wire.JobQueued},
		{rcpt, wire.JobQueued},
		{kitchen, wire.JobDuplicate},
		{wire.PrintJob{ID: "bad", Kind: wire.PrintKindReceipt}, wire.JobFailed},
	}
	for _, tt := range tests {
		if got := d.Print(tt.job); got.State != tt.want {
			t.Errorf("Print(%s): got %+v, want %s", tt.job.ID, got, tt.want)
		}
	}
	for range 2 {
		select {
		case st := <-printed:
			if st.State != wire.JobPrinted {
				t.Errorf("got %+v, want printed", st)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a job was never reported printed")
		}
	}
	for _, c := range []struct{ dir, id string }{{"kitchen", "k1"}, {"front", "r1"}} {
		if m, _ := filepath.Glob(filepath.Join(dir, c.dir, "*-"+c.id+".txt")); len(m) != 1 {
			t.Errorf("printer %s: got %v, want job %s", c.dir, m, c.id)
		}
	}
	if st := d.status(); !st.PrinterOnline || st.JobsWaiting != 0 {
		t.Errorf("status: got %+v, want the printer online and nothing waiting", st)
	}
}
