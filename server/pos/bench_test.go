package pos_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/internal/paycode"
	"qrpos/server/demo"
	"qrpos/server/ledger"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

// chargeBench is n open orders of 30.00 and n wallets of 100.00, each
// payer paying one order with a payment code, against a SQLite file with
// synchronous=FULL: every acknowledged charge is on disk.
type chargeBench struct {
	svc     *pos.Service
	cashier pos.Actor
	devices []pos.Device
	now     time.Time
}

func newChargeBench(b *testing.B, n int) *chargeBench {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Now()
	if _, _, err := demo.Seed(ctx, db, now, cheapPIN, map[string]string{"manager": "2468", "cashier": "1357"}); err != nil {
		b.Fatal(err)
	}
	signer, _ := token.NewSigner(token.SignerConfig{Keys: [][]byte{token.GenerateKey()}, Now: time.Now})
	svc := pos.NewService(db, pos.DefaultConfig, pos.Deps{Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Signer: signer})
	cb := &chargeBench{svc: svc, now: now,
		cashier: pos.Actor{StoreID: demo.StoreID, StaffID: demo.CashierID, Name: demo.CashierName, Role: pos.RoleCashier}}
	// Set up in large transactions: the setup is not what is measured.
	const chunk = 2000
	for start := 0; start < n; start += chunk {
		err := db.Write(ctx, func(tx pos.Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				id := fmt.Sprintf("%010d", 1_000_000_000+i)
				if err := tx.CreateMember(ctx, pos.Member{ID: id, StoreID: demo.StoreID, Balance: 10000, Currency: "CNY", CreatedAt: now, Version: 1}); err != nil {
					return err
				}
				if err := tx.AppendEntry(ctx, ledger.Entry{ID: "topup-" + id, StoreID: demo.StoreID, Kind: ledger.KindTopup, Ref: id, At: now,
					Postings: []ledger.Posting{{Account: ledger.CashDrawer(demo.StoreID), Amount: moneyCNY(10000)}, {Account: ledger.Wallet(id), Amount: moneyCNY(-10000)}}}); err != nil {
					return err
				}
				d := pos.Device{Number: uint32(10_000_000 + i), MemberID: id, StoreID: demo.StoreID, Secret: paycode.GenerateSecret(),
					CredentialHash: token.HashSession(fmt.Sprint("cred-", i)), CreatedAt: now}
				if err := tx.CreateDevice(ctx, d); err != nil {
					return err
				}
				cb.devices = append(cb.devices, d)
				o := pos.Order{ID: fmt.Sprint("o", i), StoreID: demo.StoreID, Number: i + 1, Status: pos.StatusOpen, Currency: "CNY", Version: 1,
					CreatedBy: demo.CashierID, CreatedAt: now, UpdatedAt: now,
					Lines: []pos.Line{{ID: "l1", ItemID: "jasmine-tea", Name: "Jasmine Tea", BasePrice: 1500, Qty: 2, TaxRateBP: 600}}}
				if err := tx.CreateOrder(ctx, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return cb
}

// charge pays order i with payer i's current code and returns how long the
// server took to answer.
func (cb *chargeBench) charge(b *testing.B, i int) {
	d := cb.devices[i]
	code, err := paycode.WalletCode(d.Number, d.Secret, time.Now())
	if err != nil {
		b.Error(err)
		return
	}
	in, _, err := cb.svc.ChargeCode(context.Background(), cb.cashier, fmt.Sprint("k", i), fmt.Sprint("o", i), fmt.Sprint("i", i), code, "bench")
	if err != nil || in.Status != pos.IntentSucceeded {
		b.Errorf("charge %d: %s, %v", i, in.Status, err)
	}
}

func report(b *testing.B, lat []time.Duration, elapsed time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "charges/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkWalletCharge measures durable wallet charges by payment code,
// closed loop, at 1, 16 and 64 concurrent clients.
//
//	go test -run '^$' -bench WalletCharge -benchtime 20000x ./server/pos/
func BenchmarkWalletCharge(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			cb := newChargeBench(b, b.N)
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							return
						}
						t0 := time.Now()
						cb.charge(b, i)
						lat[i] = time.Since(t0)
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			report(b, lat, elapsed)
		})
	}
}

// BenchmarkWalletChargeOffered2000 offers 2,000 charges a second (open
// loop: each request starts at its scheduled time, whether or not earlier
// ones have been answered) and measures latency from the scheduled time,
// so queueing counts.
//
//	go test -run '^$' -bench WalletChargeOffered -benchtime 6000x ./server/pos/
func BenchmarkWalletChargeOffered2000(b *testing.B) {
	const rate = 2000
	cb := newChargeBench(b, b.N)
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		at := start.Add(time.Duration(i) * time.Second / rate)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			cb.charge(b, i)
			lat[i] = time.Since(at)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	report(b, lat, elapsed)
}
