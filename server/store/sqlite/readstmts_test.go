package sqlite

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"qrpos/server/pos"
)

// readName runs query (which selects one restaurant's name by id) in
// a Read transaction.
func readName(ctx context.Context, db *DB, query, id string) (string, error) {
	var name string
	err := db.Read(ctx, func(ptx pos.Tx) error {
		return ptx.(*tx).tx.QueryRowContext(ctx, query, id).Scan(&name)
	})
	return name, err
}

func seedRestaurant(t *testing.T, db *DB, id, name string) {
	t.Helper()
	ctx := t.Context()
	err := db.Write(ctx, func(tx pos.Tx) error {
		return tx.CreateRestaurant(ctx, pos.Restaurant{ID: id, Name: name, Currency: "CNY"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadStatementsPrepared checks that a query the read pool runs is
// prepared once, in the background, and then run prepared, with the same
// answers.
func TestReadStatementsPrepared(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	seedRestaurant(t, db, "s1", "First")
	seedRestaurant(t, db, "s2", "Second")
	const q = `SELECT name FROM restaurants WHERE id = ?`
	cached := func() bool {
		db.readStmts.mu.Lock()
		defer db.readStmts.mu.Unlock()
		return db.readStmts.stmts[q] != nil
	}
	if cached() {
		t.Fatal("the query is prepared before it ran")
	}
	for _, tt := range []struct{ id, want string }{{"s1", "First"}, {"s2", "Second"}} {
		got, err := readName(ctx, db, q, tt.id)
		if err != nil || got != tt.want {
			t.Fatalf("unprepared: got %q, %v; want %q", got, err, tt.want)
		}
		db.readStmts.wg.Wait()
		if !cached() {
			t.Fatal("the query was not prepared after it ran")
		}
	}
	// Many readers at once, on every connection of the pool, prepared.
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			id, want := "s1", "First"
			if i%2 == 1 {
				id, want = "s2", "Second"
			}
			if got, err := readName(ctx, db, q, id); err != nil || got != want {
				t.Errorf("prepared: got %q, %v; want %q", got, err, want)
			}
		})
	}
	wg.Wait()
	if n := len(db.readStmts.stmts); n != 1 {
		t.Errorf("%d statements cached, want 1", n)
	}
}

// TestReadStatementsPoolFull holds every connection of the read pool in a
// Read whose query is new: preparing it must not wait for a connection
// while holding one (every reader would wait for ever).
func TestReadStatementsPoolFull(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	seedRestaurant(t, db, "s1", "First")
	n := db.read.Stats().MaxOpenConnections
	var inside sync.WaitGroup
	inside.Add(n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			err := db.Read(ctx, func(ptx pos.Tx) error {
				var name string
				// A query of its own: a miss, prepared in the background.
				q := fmt.Sprintf(`SELECT name || '%d' FROM restaurants WHERE id = ?`, i)
				err := ptx.(*tx).tx.QueryRowContext(ctx, q, "s1").Scan(&name)
				inside.Done()
				inside.Wait() // every connection of the pool is held now
				if err == nil && name != fmt.Sprint("First", i) {
					err = fmt.Errorf("got %q", name)
				}
				return err
			})
			if err != nil {
				t.Errorf("reader %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	db.readStmts.wg.Wait()
	if got := len(db.readStmts.stmts); got != n {
		t.Errorf("%d statements prepared, want %d", got, n)
	}
}

// TestReadStatementsBadQuery checks that a query that cannot be prepared
// fails with the driver's own error, every time, and is not cached.
func TestReadStatementsBadQuery(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	const q = `SELECT nme FROM restaurants WHERE id = ?`
	for range 2 {
		_, err := readName(ctx, db, q, "s1")
		if err == nil || !strings.Contains(err.Error(), "no such column") {
			t.Fatalf("got %v, want the driver's no such column", err)
		}
		db.readStmts.wg.Wait()
	}
	if len(db.readStmts.stmts) != 0 || len(db.readStmts.preparing) != 0 {
		t.Errorf("the bad query is kept: %v %v", db.readStmts.stmts, db.readStmts.preparing)
	}
}

// TestReadStatementsClose checks that Close waits for a preparation under
// way and leaves nothing prepared, and that Read after Close fails.
func TestReadStatementsClose(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	seedRestaurant(t, db, "s1", "First")
	if _, err := readName(ctx, db, `SELECT name FROM restaurants WHERE id = ?`, "s1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if len(db.readStmts.stmts) != 0 || len(db.readStmts.preparing) != 0 {
		t.Errorf("statements left after Close: %d prepared, %d preparing", len(db.readStmts.stmts), len(db.readStmts.preparing))
	}
	if db.readStmts.get("SELECT 1") != nil || len(db.readStmts.preparing) != 0 {
		t.Error("the cache prepares after Close")
	}
	if _, err := readName(ctx, db, `SELECT name FROM restaurants WHERE id = ?`, "s1"); err == nil {
		t.Error("Read after Close succeeded")
	}
}
