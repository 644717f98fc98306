// Command seedyear writes a year of a busy restaurant into a new QRPOS
// database, for benchmarks of the back office's reports: the demo
// restaurant, then paid orders with their payments, refunds, voids and
// ledger entries (see demo.SeedYear).
//
//	go run ./tools/seedyear -db /tmp/year.db -orders 500000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"qrpos/server/demo"
	"qrpos/server/pos"
	"qrpos/server/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "seedyear:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seedyear", flag.ContinueOnError)
	path := fs.String("db", "", "database file to create (must not exist)")
	orders := fs.Int("orders", 500_000, "paid orders to write")
	days := fs.Int("days", 365, "days of history, ending today")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("-db is required")
	}
	if _, err := os.Stat(*path); err == nil {
		return fmt.Errorf("%s exists; seedyear writes a new database", *path)
	}
	return Seed(ctx, *path, *orders, *days, *seed, out)
}

// Seed creates the database at path with the demo restaurant and a year
// of orders.
func Seed(ctx context.Context, path string, orders, days int, seed uint64, out io.Writer) error {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	cheap := pos.PINParams{Time: 1, Memory: 64, Threads: 1}
	creds, _, err := demo.Seed(ctx, db, time.Now().AddDate(0, 0, -days-1), cheap, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo PINs: manager %s, cashier %s\n", creds.ManagerPIN, creds.CashierPIN)
	began := time.Now()
	err = demo.SeedYear(ctx, db, demo.YearOptions{Orders: orders, Days: days, Seed: seed, Progress: func(done int) {
		if done%50_000 == 0 || done == orders {
			fmt.Fprintf(out, "%d orders (%s)\n", done, time.Since(began).Round(time.Second))
		}
	}})
	if err != nil {
		return err
	}
	return db.Close()
}
