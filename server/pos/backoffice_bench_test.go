package pos_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
)

// The back office's speed on a year of a busy restaurant. The database is
// big, so these benchmarks run only when QRPOS_YEAR_DB names it:
//
//	go run ./tools/seedyear -db /tmp/year.db -orders 500000
//	QRPOS_YEAR_DB=/tmp/year.db go test ./server/pos -run '^$' -bench 'Year' -benchtime 20x
//
// If the file does not exist it is generated first (500,000 orders, or
// QRPOS_YEAR_ORDERS), which takes minutes. Targets: a day's Z report in
// under 200 ms, a day's reconciliation in under 1 s.

func yearService(b *testing.B) (*pos.Service, pos.Actor, []string) {
	b.Helper()
	path := os.Getenv("QRPOS_YEAR_DB")
	if path == "" {
		b.Skip("set QRPOS_YEAR_DB to a year database (see tools/seedyear)")
	}
	ctx := context.Background()
	_, statErr := os.Stat(path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if errors.Is(statErr, os.ErrNotExist) {
		orders := 500_000
		if v, err := time.ParseDuration(os.Getenv("QRPOS_YEAR_ORDERS") + "ns"); err == nil && v > 0 {
			orders = int(v)
		}
		if _, _, err := demo.Seed(ctx, db, time.Now().AddDate(-1, 0, -1), cheapPIN, nil); err != nil {
			b.Fatal(err)
		}
		if err := demo.SeedYear(ctx, db, demo.YearOptions{Orders: orders, Days: 365, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	svc := pos.NewService(db, pos.DefaultConfig, pos.Deps{Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mgr := pos.Actor{StoreID: demo.StoreID, StaffID: demo.ManagerID, Role: pos.RoleManager}
	// The days of the history, newest first, skipping today.
	var days []string
	d := pos.DefaultDaySettings(demo.StoreID)
	for i := 1; i <= 360; i++ {
		day, err := d.DayOf(time.Now().AddDate(0, 0, -i))
		if err != nil {
			b.Fatal(err)
		}
		days = append(days, day)
	}
	return svc, mgr, days
}

// BenchmarkYearXReport computes one day's report (what a Z stores), on
// days 200 to 359 back (BenchmarkYearCloseDay closes the newest ones).
func BenchmarkYearXReport(b *testing.B) {
	svc, mgr, days := yearService(b)
	days = days[200:]
	ctx := context.Background()
	rep, err := svc.XReport(ctx, mgr, days[5])
	if rep.Final {
		b.Fatalf("day %s is closed: its stored Z would be measured", days[5])
	}
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := svc.XReport(ctx, mgr, days[i%len(days)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rep.Payments), "payments/day")
	b.ReportMetric(float64(rep.Orders), "orders/day")
}

// BenchmarkYearCloseDay closes days that are still open with their Z
// report: the computation plus the write.
func BenchmarkYearCloseDay(b *testing.B) {
	svc, mgr, days := yearService(b)
	ctx := context.Background()
	var open []string
	for _, d := range days {
		if _, err := svc.ZReport(ctx, mgr, d); pos.ErrorCode(err) == pos.CodeNotFound {
			open = append(open, d)
		}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i >= len(open) {
			b.Fatalf("no open day left to close (ran %d); use -benchtime Nx with N below %d or a new database", i, len(open))
		}
		if _, _, err := svc.CloseDay(ctx, mgr, "bench-z-"+open[i], open[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkYearReconcile reconciles one day.
func BenchmarkYearReconcile(b *testing.B) {
	svc, mgr, days := yearService(b)
	ctx := context.Background()
	rec, err := svc.Reconcile(ctx, mgr, days[5])
	if err != nil {
		b.Fatal(err)
	}
	if !rec.Clean() {
		b.Fatalf("day %s of the generated year is not clean: %+v", days[5], rec.Differences[:min(5, len(rec.Differences))])
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := svc.Reconcile(ctx, mgr, days[i%len(days)]); err != nil {
			b.Fatal(err)
		}
	}
}
