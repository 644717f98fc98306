package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/server/pos"
)

// benchStore opens a file database with one store and one cashier.
func benchStore(b *testing.B) *DB {
	b.Helper()
	ctx := b.Context()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = db.Write(ctx, func(tx pos.Tx) error {
		if err := tx.CreateRestaurant(ctx, pos.Restaurant{ID: "store-1", Name: "Bench", Currency: "CNY", CreatedAt: now}); err != nil {
			return err
		}
		return tx.CreateStaff(ctx, pos.Staff{ID: "staff-1", StoreID: "store-1", Name: "Cashier", Role: pos.RoleCashier, Active: true, CreatedAt: now})
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	return db
}

// createOrder creates a quick-sale order with 3 lines in one Write, numbered
// by NextOrderNumber as the service does.
func createOrder(ctx context.Context, db *DB, id string) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return db.Write(ctx, func(tx pos.Tx) error {
		n, err := tx.NextOrderNumber(ctx, "store-1")
		if err != nil {
			return err
		}
		return tx.CreateOrder(ctx, pos.Order{
			ID: id, StoreID: "store-1", Number: n, Status: pos.StatusOpen, Currency: "CNY", Version: 1,
			CreatedBy: "staff-1", CreatedAt: now, UpdatedAt: now,
			Lines: []pos.Line{
				{ID: "l1", ItemID: "item-1", Name: "Beef noodles", BasePrice: 2800, Qty: 1, TaxRateBP: 600,
					Modifiers: []pos.LineModifier{{ID: "mod-hot", Name: "Hot"}, {ID: "mod-egg", Name: "Egg", Price: 300}}},
				{ID: "l2", ItemID: "item-2", Name: "Tea", BasePrice: 900, Qty: 2},
				{ID: "l3", ItemID: "item-3", Name: "Dumplings", BasePrice: 1800, Qty: 1, Note: "extra vinegar", TaxRateBP: 600},
			},
		})
	})
}

func BenchmarkCreateOrder(b *testing.B) {
	db := benchStore(b)
	ctx := b.Context()
	i := 0
	for b.Loop() {
		i++
		if err := createOrder(ctx, db, fmt.Sprintf("order-%d", i)); err != nil {
			b.Fatalf("create order: %v", err)
		}
	}
}

func BenchmarkCreateOrderParallel(b *testing.B) {
	db := benchStore(b)
	ctx := b.Context()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("order-%d", next.Add(1))
			if err := createOrder(ctx, db, id); err != nil {
				b.Errorf("create order: %v", err)
				return
			}
		}
	})
}

// BenchmarkWriteParallel measures durable Write transactions per second of
// a trivial single-row insert at GOMAXPROCS×32 concurrent writers: the
// throughput of commits (fsyncs), not of SQL.
func BenchmarkWriteParallel(b *testing.B) {
	db := benchStore(b)
	ctx := b.Context()
	var next atomic.Int64
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprintf("key-%d", next.Add(1))
			err := db.Write(ctx, func(tx pos.Tx) error {
				return tx.PutIdempotency(ctx, pos.Idempotency{StoreID: "store-1", Key: key, RequestHash: []byte{1},
					Response: []byte("{}"), CreatedAt: time.Now()})
			})
			if err != nil {
				b.Errorf("write: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkReadOrderParallel measures Read transactions that load one
// order with its lines, modifiers and tenders (what a tablet or a diner's
// phone asks most), at GOMAXPROCS×8 concurrent readers over 1,000 orders.
func BenchmarkReadOrderParallel(b *testing.B) {
	db := benchStore(b)
	ctx := b.Context()
	const orders = 1000
	for i := range orders {
		if err := createOrder(ctx, db, fmt.Sprintf("order-%d", i)); err != nil {
			b.Fatalf("create order: %v", err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := fmt.Sprintf("order-%d", next.Add(1)%orders)
			err := db.Read(ctx, func(tx pos.Tx) error {
				o, err := tx.OrderByID(ctx, "store-1", id)
				if err == nil && len(o.Lines) != 3 {
					err = fmt.Errorf("order %s has %d lines", id, len(o.Lines))
				}
				return err
			})
			if err != nil {
				b.Errorf("read: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}
