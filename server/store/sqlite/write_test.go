package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/server/pos"
)

// Tests of group commit: many Write calls share a transaction, each in its
// own savepoint.

// queueTime is how long the tests leave goroutines to queue their Write
// behind a held writer, so that they land in one batch. A slower queue
// only makes the batches smaller: no test depends on it for correctness.
const queueTime = 200 * time.Millisecond

func key(i int) string { return fmt.Sprintf("key-%d", i) }

func putKey(ctx context.Context, tx pos.Tx, k string) error {
	return tx.PutIdempotency(ctx, pos.Idempotency{StoreID: "store-1", Key: k, RequestHash: []byte{1},
		Response: []byte("{}"), CreatedAt: time.Now()})
}

// openStore opens a database with one restaurant, store-1.
func openStore(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seedStore(t *testing.T, db *DB) {
	t.Helper()
	err := db.Write(t.Context(), func(tx pos.Tx) error {
		return tx.CreateRestaurant(t.Context(), pos.Restaurant{ID: "store-1", Name: "S", Currency: "CNY"})
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// openReader opens the file at path read-only with connections of its
// own, beside a DB's, as the read pool does; closed when the test ends.
func openReader(t *testing.T, path string) *sql.DB {
	t.Helper()
	rdsn, err := dsn(path, true)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// keys returns which of the keys exist, read by a new connection of its
// own: what a reader (or the database after a restart) sees.
func keys(t *testing.T, path string) map[string]bool {
	t.Helper()
	r := openReader(t, path)
	rows, err := r.QueryContext(t.Context(), `SELECT key FROM idempotency`)
	if err != nil {
		t.Fatalf("keys: %v", err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatalf("keys: %v", err)
		}
		got[k] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("keys: %v", err)
	}
	return got
}

// hold runs a Write whose fn waits until release is called, so that the
// writer is busy meanwhile. release waits for that Write to return.
func hold(t *testing.T, db *DB) (release func()) {
	t.Helper()
	held := make(chan struct{})
	unblock := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- db.Write(t.Context(), func(pos.Tx) error {
			close(held)
			<-unblock
			return nil
		})
	}()
	<-held
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(unblock)
			if err := <-done; err != nil {
				t.Errorf("holding Write: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// batch queues n Writes behind a held writer, so that they run in one
// batch (or a few), and returns each one's error. With gap set, each call
// starts gap after the one before, so they queue in order.
func batch(t *testing.T, db *DB, n int, gap time.Duration, fn func(i int, tx pos.Tx) error) []error {
	t.Helper()
	release := hold(t, db)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Write(t.Context(), func(tx pos.Tx) error { return fn(i, tx) })
		})
		time.Sleep(gap)
	}
	time.Sleep(queueTime)
	release()
	wg.Wait()
	return errs
}

// TestWriteBatchFailures runs many concurrent writes, some of which fail in
// different ways: the others are all committed, the failed ones leave
// nothing, and each caller gets its own answer.
func TestWriteBatchFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()
	errFail := errors.New("fail")

	const n = 600
	errs := batch(t, db, n, 0, func(i int, tx pos.Tx) error {
		// Two rows: a failed fn leaves neither.
		if err := putKey(ctx, tx, key(i)); err != nil {
			return err
		}
		if err := putKey(ctx, tx, key(i)+"-b"); err != nil {
			return err
		}
		switch i % 5 {
		case 1:
			return fmt.Errorf("write %d: %w", i, errFail)
		case 2:
			panic(fmt.Sprintf("write %d", i))
		case 3:
			return putKey(ctx, tx, key(i)) // a statement that fails
		}
		return nil
	})

	stored := keys(t, path)
	for i, err := range errs {
		ok := i%5 == 0 || i%5 == 4
		switch i % 5 {
		case 0, 4:
			if err != nil {
				t.Errorf("write %d: got error %v, want none", i, err)
			}
		case 1:
			if !errors.Is(err, errFail) {
				t.Errorf("write %d: got error %v, want %v", i, err, errFail)
			}
		case 2:
			if err == nil || !strings.Contains(err.Error(), "panicked") {
				t.Errorf("write %d: got error %v, want a panic", i, err)
			}
		case 3:
			if !errors.Is(err, pos.ErrConflict) {
				t.Errorf("write %d: got error %v, want %v", i, err, pos.ErrConflict)
			}
		}
		for _, k := range []string{key(i), key(i) + "-b"} {
			if stored[k] != ok {
				t.Errorf("write %d: key %s stored: got %v, want %v", i, k, stored[k], ok)
			}
		}
	}

	// The writer lives on after the panics.
	if err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, "after") }); err != nil {
		t.Errorf("Write after the batch: %v", err)
	}
}

// TestWriteSerial checks that the fns of one batch see each other's
// effects: each creates a member of staff numbered by how many it sees, so
// none conflicts only if every fn saw all the earlier ones.
func TestWriteSerial(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "qrpos.db"))
	seedStore(t, db)
	ctx := t.Context()
	const n = 100
	errs := batch(t, db, n, 0, func(i int, tx pos.Tx) error {
		list, err := tx.ListStaff(ctx, "store-1")
		if err != nil {
			return err
		}
		return tx.CreateStaff(ctx, pos.Staff{ID: fmt.Sprintf("s-%d", len(list)), StoreID: "store-1",
			Name: "S", Role: pos.RoleCashier})
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	err := db.Read(ctx, func(tx pos.Tx) error {
		list, err := tx.ListStaff(ctx, "store-1")
		if err != nil {
			return err
		}
		if len(list) != n {
			t.Errorf("staff: got %d, want %d", len(list), n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWriteDurable checks that a Write, once it returned, is visible to a
// new connection: callers are answered after the COMMIT.
func TestWriteDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()

	fresh := openReader(t, path)
	fresh.SetMaxIdleConns(0) // every query on a new connection

	const workers, writes = 16, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range writes {
				k := fmt.Sprintf("key-%d-%d", w, i)
				if err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, k) }); err != nil {
					t.Errorf("Write(%s): %v", k, err)
					return
				}
				var n int
				if err := fresh.QueryRowContext(ctx, `SELECT count(*) FROM idempotency WHERE key = ?`, k).Scan(&n); err != nil {
					t.Errorf("read %s: %v", k, err)
					return
				}
				if n != 1 {
					t.Errorf("key %s after its Write returned: got %d rows on a new connection, want 1", k, n)
				}
			}
		})
	}
	wg.Wait()
}

// TestWriteCommitFails checks that a COMMIT that fails fails every call of
// its batch, commits nothing, and leaves the writer working.
func TestWriteCommitFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx := t.Context()

	errs := batch(t, db, 3, queueTime/4, func(i int, ptx pos.Tx) error {
		if i != 1 {
			return putKey(ctx, ptx, key(i))
		}
		// A foreign key checked at COMMIT only, and broken.
		s := ptx.(*tx).tx
		if _, err := s.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := s.ExecContext(ctx, `INSERT INTO staff (id, store_id, name, role, pin_hash, failed_pins, active, created_at)
			VALUES ('s-1', 'store-missing', 'X', 'cashier', '', 0, 1, 0)`)
		return err
	})
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "commit") {
			t.Errorf("write %d: got error %v, want the COMMIT's", i, err)
		}
	}
	if got := keys(t, path); len(got) != 0 {
		t.Errorf("keys after a failed COMMIT: got %v, want none", got)
	}
	if err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, "after") }); err != nil {
		t.Errorf("Write after a failed COMMIT: %v", err)
	}
	if got := keys(t, path); !got["after"] {
		t.Errorf("keys after a failed COMMIT and a Write: got %v, want key after", got)
	}
}

// TestWriteCancelled checks that a call cancelled while it waits for the
// writer returns at once and its fn never runs.
func TestWriteCancelled(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "qrpos.db"))
	seedStore(t, db)

	release := hold(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	var ran atomic.Bool
	done := make(chan error)
	go func() {
		done <- db.Write(ctx, func(pos.Tx) error {
			ran.Store(true)
			return nil
		})
	}()
	time.Sleep(queueTime / 4)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Write: got error %v, want %v", err, context.Canceled)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("cancelled Write: still waiting for the writer after 5 s")
	}
	release()
	// The writer has moved on; the cancelled fn did not run.
	if err := db.Write(t.Context(), func(pos.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if ran.Load() {
		t.Errorf("fn of a cancelled Write: ran, want not")
	}
}

// TestWriteCancelledInFn checks that a caller that gives up while its fn
// runs fails its own fn only: the statement is not interrupted (which could
// roll back the whole batch), the fn's next statement fails.
func TestWriteCancelledInFn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)

	release := hold(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var errA, errB, errC error
	wg.Go(func() {
		errA = db.Write(t.Context(), func(tx pos.Tx) error { return putKey(t.Context(), tx, "a") })
	})
	time.Sleep(queueTime / 4)
	wg.Go(func() {
		errB = db.Write(ctx, func(tx pos.Tx) error {
			if err := putKey(ctx, tx, "b"); err != nil {
				return err
			}
			cancel()
			return putKey(ctx, tx, "b2")
		})
	})
	time.Sleep(queueTime / 4)
	wg.Go(func() {
		errC = db.Write(t.Context(), func(tx pos.Tx) error { return putKey(t.Context(), tx, "c") })
	})
	time.Sleep(queueTime)
	release()
	wg.Wait()
	if errA != nil || errC != nil {
		t.Errorf("writes beside the cancelled one: got errors %v and %v, want none", errA, errC)
	}
	if !errors.Is(errB, context.Canceled) {
		t.Errorf("write cancelled in its fn: got error %v, want %v", errB, context.Canceled)
	}
	got := keys(t, path)
	want := map[string]bool{"a": true, "c": true}
	if len(got) != len(want) || !got["a"] || !got["c"] {
		t.Errorf("keys: got %v, want %v", got, want)
	}
}

// TestCloseWithWritesInFlight closes the database under a stream of
// writes: Close returns promptly, every Write returns (done or
// ErrClosed), and every acknowledged write is in the file.
func TestCloseWithWritesInFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	seedStore(t, db)
	ctx := t.Context()

	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Go(func() {
			for i := 0; ; i++ {
				k := fmt.Sprintf("key-%d-%d", w, i)
				err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, k) })
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("Write(%s): %v", k, err)
					return
				}
				mu.Lock()
				acked[k] = true
				mu.Unlock()
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	closed := make(chan error)
	go func() { closed <- db.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Close with writes in flight: still running after 5 s")
	}
	wg.Wait()
	if err := db.Write(ctx, func(pos.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: got error %v, want %v", err, ErrClosed)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	if len(acked) == 0 {
		t.Fatalf("acknowledged writes: got none, want some")
	}
	stored := keys(t, path)
	for k := range acked {
		if !stored[k] {
			t.Errorf("acknowledged key %s: not in the file after Close", k)
		}
	}
}

// TestWriteStatementCacheFull checks that writes work the same once the
// writer's statement cache is full: new statements run unprepared.
func TestWriteStatementCacheFull(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "qrpos.db"))
	seedStore(t, db)
	ctx := t.Context()
	err := db.Write(ctx, func(ptx pos.Tx) error {
		s := ptx.(*tx).tx
		for i := range maxStmts + 10 {
			var got int
			if err := s.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&got); err != nil {
				return err
			}
			if got != i {
				return fmt.Errorf("SELECT %d: got %d", i, got)
			}
		}
		o := pos.Order{ID: "o1", StoreID: "store-1", Number: 1, Status: pos.StatusOpen, Currency: "CNY", Version: 1,
			Lines: []pos.Line{{ID: "l1", ItemID: "i1", Name: "Tea", BasePrice: 900, Qty: 1,
				Modifiers: []pos.LineModifier{{ID: "m1", Name: "Hot"}}}, {ID: "l2", ItemID: "i2", Name: "Rice", Qty: 2}}}
		if err := ptx.CreateOrder(ctx, o); err != nil {
			return err
		}
		got, err := ptx.OrderByID(ctx, "store-1", "o1")
		if err != nil {
			return err
		}
		if len(got.Lines) != 2 || len(got.Lines[0].Modifiers) != 1 {
			return fmt.Errorf("OrderByID: got %+v, want 2 lines, the first with a modifier", got)
		}
		return putKey(ctx, ptx, "k")
	})
	if err != nil {
		t.Fatalf("Write with a full statement cache: %v", err)
	}
}
