package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"qrpos/server/pos"
)

// TestWriteUndoByReplay runs a batch in which one fn fails after it wrote,
// between fns that wrote in every way a Tx writes: plain statements, a
// prepared statement run many times (an order's lines), an UPDATE ...
// RETURNING, an UPDATE checked by version, and a statement that broke a
// constraint and was handled. The failed fn leaves nothing; every other fn
// leaves exactly what it would have left alone, and saw what it would have
// seen: the batch was rolled back and replayed once.
func TestWriteUndoByReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()
	err := db.Write(ctx, func(tx pos.Tx) error {
		return tx.CreateTable(ctx, pos.Table{ID: "t1", StoreID: "store-1", Name: "T1", Seats: 2, LinkGen: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	errFail := errors.New("fail")
	now := time.Now().UTC()
	order := func(i int) pos.Order {
		o := pos.Order{ID: fmt.Sprint("o", i), StoreID: "store-1", Number: i + 1, Status: pos.StatusOpen, Currency: "CNY",
			Version: 1, CreatedAt: now, UpdatedAt: now}
		for l := range 3 {
			o.Lines = append(o.Lines, pos.Line{ID: fmt.Sprint("l", l), ItemID: "tea", Name: "Tea", BasePrice: 500, Qty: l + 1,
				Modifiers: []pos.LineModifier{{ID: "m", Name: "Hot", Price: 100}}})
		}
		return o
	}

	const n = 40
	const failAt = 20
	gens := make([]int, n)
	before := db.replays.Load()
	errs := batch(t, db, n, queueTime/40, func(i int, tx pos.Tx) error {
		if err := putKey(ctx, tx, key(i)); err != nil {
			return err
		}
		// A constraint broken and handled: the fn goes on.
		if err := putKey(ctx, tx, key(i)); !errors.Is(err, pos.ErrConflict) {
			return fmt.Errorf("second key: got %v, want a conflict", err)
		}
		if err := tx.CreateOrder(ctx, order(i)); err != nil {
			return err
		}
		o := order(i)
		o.Version, o.Lines = 2, o.Lines[:2]
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		g, err := tx.BumpTableLinkGen(ctx, "store-1", "t1")
		if err != nil {
			return err
		}
		gens[i] = g
		if i == failAt {
			return errFail
		}
		return nil
	})

	if got := db.replays.Load() - before; got != 1 {
		t.Errorf("replays: got %d, want 1", got)
	}
	stored := keys(t, path)
	for i, err := range errs {
		want := i != failAt
		if want && err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if !want && !errors.Is(err, errFail) {
			t.Errorf("write %d: got %v, want %v", i, err, errFail)
		}
		if stored[key(i)] != want {
			t.Errorf("write %d: key stored %v, want %v", i, stored[key(i)], want)
		}
	}
	err = db.Read(ctx, func(tx pos.Tx) error {
		for i := range n {
			o, err := tx.OrderByID(ctx, "store-1", fmt.Sprint("o", i))
			if i == failAt {
				if !errors.Is(err, pos.ErrNotFound) {
					t.Errorf("order of the failed write: got %v, want not found", err)
				}
				continue
			}
			if err != nil {
				t.Errorf("order %d: %v", i, err)
				continue
			}
			if o.Version != 2 || len(o.Lines) != 2 || len(o.Lines[1].Modifiers) != 1 {
				t.Errorf("order %d: version %d, %d lines, want version 2 and 2 lines with a modifier", i, o.Version, len(o.Lines))
			}
		}
		tb, err := tx.TableByID(ctx, "store-1", "t1")
		if err != nil {
			return err
		}
		// Each write that succeeded bumped the generation once, replayed
		// or not; the failed one's bump is gone.
		if tb.LinkGen != 1+n-1 {
			t.Errorf("link generation: got %d, want %d", tb.LinkGen, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every fn saw the bumps of the fns before it, the failed one's
	// included while it stood, and not once it was undone.
	for i, g := range gens {
		want := 2 + i
		if i > failAt {
			want = 1 + i
		}
		if g != want {
			t.Errorf("write %d saw link generation %d, want %d", i, g, want)
		}
	}
}

// TestWriteCleanFailureNoReplay checks that a fn that fails before it
// changes anything (a refusal after reads, a constraint broken by its one
// write) is not undone by a replay: there is nothing to undo.
func TestWriteCleanFailureNoReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()
	if err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, "taken") }); err != nil {
		t.Fatal(err)
	}
	before := db.replays.Load()
	const n = 30
	errs := batch(t, db, n, 0, func(i int, tx pos.Tx) error {
		switch i % 3 {
		case 1:
			if _, err := tx.ListStaff(ctx, "store-1"); err != nil {
				return err
			}
			return pos.ErrNotFound
		case 2:
			return putKey(ctx, tx, "taken")
		}
		return putKey(ctx, tx, key(i))
	})
	if got := db.replays.Load() - before; got != 0 {
		t.Errorf("replays: got %d, want 0", got)
	}
	stored := keys(t, path)
	for i, err := range errs {
		if (err == nil) != (i%3 == 0) {
			t.Errorf("write %d: %v", i, err)
		}
		if stored[key(i)] != (i%3 == 0) {
			t.Errorf("write %d: key stored %v", i, stored[key(i)])
		}
	}
}

// TestUndoesMore checks which of SQLite's real errors leave the
// transaction as it was but for the statement, and which may not.
func TestUndoesMore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()
	ro := openReader(t, path)
	var constraint, syntax, readonly error
	err := db.Write(ctx, func(ptx pos.Tx) error {
		s := ptx.(*tx).tx
		_, constraint = s.ExecContext(ctx, `INSERT INTO restaurants (id, name, address, currency, tax_inclusive, created_at)
			VALUES ('store-1', 'S', '', 'CNY', 0, 0)`)
		_, syntax = s.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, readonly = ro.ExecContext(ctx, `DELETE FROM restaurants`)
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"constraint", constraint, false},
		{"no such table", syntax, false},
		{"read-only database", readonly, true},
		{"a fn's own error", errors.New("refused"), false},
		{"no error", nil, false},
		{"connection lost", fmt.Errorf("exec: %w", sql.ErrConnDone), true},
	} {
		if c.name != "no error" && c.name != "a fn's own error" && c.err == nil {
			t.Errorf("%s: the statement did not fail", c.name)
			continue
		}
		if got := undoesMore(c.err); got != c.want {
			t.Errorf("undoesMore(%s: %v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestIsSelect(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                                           true,
		"\n\t\tselect * FROM t":                              true,
		"(SELECT 1) UNION SELECT 2":                          true,
		"UPDATE t SET a = 1 RETURNING a":                     false,
		"INSERT INTO t VALUES (1) RETURNING id":              false,
		"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x": false,
		"SELEC": false,
		"":      false,
	} {
		if got := isSelect(q); got != want {
			t.Errorf("isSelect(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestNoTransaction checks the driver's answer to a ROLLBACK with no
// transaction open, which an undo meets after SQLite rolled back itself.
func TestNoTransaction(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(context.Background(), `ROLLBACK`)
	if !noTransaction(err) {
		t.Errorf("ROLLBACK without a transaction: %v, not recognised", err)
	}
	if noTransaction(errors.New("disk I/O error")) || noTransaction(nil) {
		t.Error("noTransaction recognises other errors")
	}
}
