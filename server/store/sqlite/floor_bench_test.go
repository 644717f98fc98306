package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// floorSchema is the least a durable wallet charge could write: the
// payer's device and balance, the order's state, one intent row that
// also holds the idempotency key and answer, and one ledger entry, with
// its postings in rows of their own or not. No foreign keys, no CHECKs
// but the balance's, WITHOUT ROWID tables: not QRPOS's schema, a bound
// on it.
const floorSchema = `
CREATE TABLE members (id TEXT NOT NULL PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0),
	version INTEGER NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE devices (number INTEGER PRIMARY KEY, member_id TEXT NOT NULL, secret BLOB NOT NULL,
	last_counter INTEGER NOT NULL) STRICT;
CREATE TABLE orders (store_id TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
	total INTEGER NOT NULL, paid INTEGER NOT NULL, updated_at INTEGER NOT NULL,
	PRIMARY KEY (store_id, id)) STRICT, WITHOUT ROWID;
CREATE TABLE intents (id TEXT NOT NULL PRIMARY KEY, store_id TEXT NOT NULL, order_id TEXT NOT NULL,
	idem_key TEXT, member_id TEXT, amount INTEGER NOT NULL, status TEXT NOT NULL,
	created_at INTEGER NOT NULL, response BLOB) STRICT, WITHOUT ROWID;
CREATE INDEX intents_by_order ON intents (store_id, order_id);
CREATE INDEX intents_by_member ON intents (member_id, created_at) WHERE member_id IS NOT NULL;
CREATE UNIQUE INDEX intents_by_key ON intents (store_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX intents_by_created ON intents (store_id, created_at);
CREATE TABLE entries (id TEXT NOT NULL PRIMARY KEY, store_id TEXT NOT NULL, kind TEXT NOT NULL,
	ref TEXT NOT NULL, at INTEGER NOT NULL, postings BLOB NOT NULL) STRICT, WITHOUT ROWID;
CREATE INDEX entries_by_store ON entries (store_id, at);
CREATE TABLE postings (entry_id TEXT NOT NULL, position INTEGER NOT NULL, account TEXT NOT NULL,
	amount INTEGER NOT NULL, PRIMARY KEY (entry_id, position)) STRICT, WITHOUT ROWID;
CREATE INDEX postings_by_account ON postings (account, entry_id);
`

// BenchmarkChargeFloor measures the floor under BenchmarkWalletCharge
// (server/pos) on this engine and machine: one goroutine, doing nothing
// but a charge's fewest statements (three reads, five or seven writes)
// through database/sql on the writer's connection settings
// (synchronous=FULL, WAL), 32 charges per COMMIT as group commit makes
// them at 64 clients. No domain logic, no clients, no events: whatever
// QRPOS's charge does on top of this comes out of these figures.
//
//	go test -run '^$' -bench ChargeFloor -benchtime 20000x ./server/store/sqlite/
func BenchmarkChargeFloor(b *testing.B) {
	for _, savepoint := range []bool{false, true} {
		for _, postings := range []int{0, 2} {
			b.Run(fmt.Sprintf("savepoint=%v/postings=%d", savepoint, postings), func(b *testing.B) {
				chargeFloor(b, savepoint, postings)
			})
		}
	}
}

func chargeFloor(b *testing.B, savepoint bool, postings int) {
	ctx := context.Background()
	name, err := dsn(filepath.Join(b.TempDir(), "floor.db"), false)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	exec(floorSchema)
	exec(`BEGIN`)
	for i := range b.N {
		exec(`INSERT INTO members VALUES (?, 100000, 1)`, fmt.Sprint("m", i))
		exec(`INSERT INTO devices VALUES (?, ?, x'0102030405060708090a0b0c0d0e0f10', 0)`, 10_000_000+i, fmt.Sprint("m", i))
		exec(`INSERT INTO orders VALUES ('s1', ?, 'open', 1, 3000, 0, 0)`, fmt.Sprint("o", i))
	}
	exec(`COMMIT`)
	prep := func(q string) *sql.Stmt {
		s, err := conn.PrepareContext(ctx, q)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		return s
	}
	run := func(s *sql.Stmt, args ...any) {
		if _, err := s.ExecContext(ctx, args...); err != nil {
			b.Fatal(err)
		}
	}
	idem := prep(`SELECT response FROM intents WHERE store_id = ? AND idem_key = ?`)
	payer := prep(`SELECT d.member_id, d.secret, d.last_counter, m.balance, m.version
		FROM devices d JOIN members m ON m.id = d.member_id WHERE d.number = ?`)
	order := prep(`SELECT status, version, total, paid FROM orders WHERE store_id = ? AND id = ?`)
	device := prep(`UPDATE devices SET last_counter = ? WHERE number = ? AND last_counter < ?`)
	member := prep(`UPDATE members SET balance = ?, version = version + 1 WHERE id = ? AND version = ?`)
	intent := prep(`INSERT INTO intents VALUES (?, 's1', ?, ?, ?, ?, 'succeeded', ?, ?)`)
	entry := prep(`INSERT INTO entries VALUES (?, 's1', 'charge', ?, ?, ?)`)
	posting := prep(`INSERT INTO postings VALUES (?, ?, ?, ?)`)
	paid := prep(`UPDATE orders SET status = 'closed', version = ?, paid = ?, updated_at = ?
		WHERE store_id = 's1' AND id = ? AND version = ?`)
	answer, lines := make([]byte, 400), make([]byte, 120)

	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; {
		exec(`BEGIN IMMEDIATE`)
		for j := 0; j < 32 && i < b.N; j, i = j+1, i+1 {
			if savepoint {
				exec(`SAVEPOINT w`)
			}
			key, oid, id := fmt.Sprint("k", i), fmt.Sprint("o", i), fmt.Sprint("i", i)
			var resp []byte
			if err := idem.QueryRowContext(ctx, "s1", key).Scan(&resp); err != sql.ErrNoRows {
				b.Fatalf("idempotency key: %v", err)
			}
			var mid string
			var secret []byte
			var last, balance, mver int64
			if err := payer.QueryRowContext(ctx, 10_000_000+i).Scan(&mid, &secret, &last, &balance, &mver); err != nil {
				b.Fatal(err)
			}
			var status string
			var over, total, was int64
			if err := order.QueryRowContext(ctx, "s1", oid).Scan(&status, &over, &total, &was); err != nil {
				b.Fatal(err)
			}
			now := time.Now().UnixMicro()
			run(device, 5, 10_000_000+i, 5)
			run(member, balance-total, mid, mver)
			run(intent, id, oid, key, mid, total, now, answer)
			run(entry, "charge-"+id, id, now, lines)
			for p := range postings {
				run(posting, "charge-"+id, p, fmt.Sprint("account-", p, mid), total)
			}
			run(paid, over+1, total, now, oid, over)
			if savepoint {
				exec(`RELEASE w`)
			}
		}
		exec(`COMMIT`)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "charges/s")
	b.ReportMetric(0, "ns/op")
}
