package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"qrpos/server/pos"
	"qrpos/server/store/storetest"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "qrpos.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) pos.Store { return openTest(t) })
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	for _, pool := range []struct {
		name string
		db   *sql.DB
	}{
		{"write", db.write},
		{"read", db.read},
	} {
		t.Run(pool.name, func(t *testing.T) {
			ctx := t.Context()
			// Pragmas are per connection: check them on a connection of a
			// transaction, as Read and Write use them.
			tx, err := pool.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: pool.name == "read"})
			if err != nil {
				t.Fatalf("BeginTx: %v", err)
			}
			defer tx.Rollback()
			for _, p := range []struct {
				pragma string
				want   string
			}{
				{"journal_mode", "wal"},
				{"synchronous", "2"}, // FULL
				{"foreign_keys", "1"},
				{"busy_timeout", "10000"},
				{"temp_store", "2"}, // MEMORY
			} {
				var got string
				if err := tx.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
					t.Fatalf("PRAGMA %s: %v", p.pragma, err)
				}
				if got != p.want {
					t.Errorf("PRAGMA %s: got %q, want %q", p.pragma, got, p.want)
				}
			}
		})
	}
}

// TestReadIsReadOnly checks that Read cannot write: its pool opens the file
// read-only.
func TestReadIsReadOnly(t *testing.T) {
	db := openTest(t)
	err := db.Read(t.Context(), func(tx pos.Tx) error {
		return tx.CreateRestaurant(t.Context(), pos.Restaurant{ID: "r1", Name: "R", Currency: "CNY"})
	})
	if err == nil {
		t.Errorf("CreateRestaurant in Read: got no error, want one")
	}
}

// TestWriteContext checks that a writer waiting for the write connection
// gives up when its context ends.
func TestWriteContext(t *testing.T) {
	db := openTest(t)
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- db.Write(t.Context(), func(pos.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	defer func() {
		close(release)
		if err := <-done; err != nil {
			t.Errorf("Write holding the connection: %v", err)
		}
	}()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := db.Write(ctx, func(pos.Tx) error { return nil })
	if err == nil {
		t.Errorf("Write with a cancelled context: got no error, want one")
	}
}

// TestLedgerAppendOnly checks that the schema itself refuses to change or
// delete ledger rows.
func TestLedgerAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	for _, q := range []string{
		`INSERT INTO restaurants (id, name, address, currency, tax_inclusive, created_at) VALUES ('s1', 'S', '', 'CNY', 0, 0)`,
		`INSERT INTO ledger_entries (id, store_id, kind, ref, at) VALUES ('e1', 's1', 'charge', 'pi-1', 0)`,
		`INSERT INTO ledger_postings (entry_id, position, account, amount_minor, currency) VALUES ('e1', 0, 'a:1', 5, 'CNY')`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, q := range []string{
		`UPDATE ledger_entries SET ref = 'pi-2'`,
		`DELETE FROM ledger_entries`,
		`UPDATE ledger_postings SET amount_minor = 6`,
		`DELETE FROM ledger_postings`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: got no error, want one", q)
		}
	}
}
