package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

func hash32(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func testTableSessions(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	ts1 := pos.TableSession{ID: "ts-1", StoreID: store1, TableID: table1, OpenedAt: at(1)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateTableSession(ctx, ts1) })

	runErrCases(t, s, []errCase{
		{"second open session of a table", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTableSession(ctx, pos.TableSession{ID: "ts-2", StoreID: store1, TableID: table1, OpenedAt: at(2)})
		}, pos.ErrConflict},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTableSession(ctx, pos.TableSession{ID: "ts-1", StoreID: store1, TableID: table2, OpenedAt: at(2)})
		}, pos.ErrConflict},
		{"another table", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateTableSession(ctx, pos.TableSession{ID: "ts-3", StoreID: store1, TableID: table2, OpenedAt: at(2)})
		}, nil},
		{"no open session", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.OpenTableSession(ctx, store1, table3)
			return err
		}, pos.ErrNotFound},
		{"open session of another store's table", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.OpenTableSession(ctx, store2, table1)
			return err
		}, pos.ErrNotFound},
		{"session by id of another store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.TableSessionByID(ctx, store2, "ts-1")
			return err
		}, pos.ErrNotFound},
		{"end a missing session", func(ctx context.Context, tx pos.Tx) error {
			return tx.EndTableSession(ctx, store1, "nope", at(3))
		}, pos.ErrNotFound},
		{"diner with a duplicate hash", func(ctx context.Context, tx pos.Tx) error {
			d := pos.DinerRecord{Diner: pos.Diner{ID: "d-x", StoreID: store1, TableSessionID: "ts-1"}, TokenHash: hash32(1), CreatedAt: at(2), LastSeenAt: at(2)}
			if err := tx.CreateDiner(ctx, d); err != nil {
				return err
			}
			d.ID = "d-y"
			return tx.CreateDiner(ctx, d)
		}, pos.ErrConflict},
		{"missing diner", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.DinerByTokenHash(ctx, hash32(9))
			return err
		}, pos.ErrNotFound},
		{"touch a missing diner", func(ctx context.Context, tx pos.Tx) error {
			return tx.TouchDiner(ctx, hash32(9), at(3))
		}, pos.ErrNotFound},
	})

	d := pos.DinerRecord{Diner: pos.Diner{ID: "d-1", StoreID: store1, TableSessionID: "ts-1"}, TokenHash: hash32(2), CreatedAt: at(2), LastSeenAt: at(2)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateDiner(ctx, d); err != nil {
			return err
		}
		return tx.TouchDiner(ctx, d.TokenHash, at(5))
	})
	d.TableID, d.LastSeenAt = table1, at(5)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.DinerByTokenHash(ctx, d.TokenHash)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(d, got, opts()); diff != "" {
			t.Errorf("DinerByTokenHash mismatch (-want +got):\n%s", diff)
		}
		got1, err := tx.OpenTableSession(ctx, store1, table1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(ts1, got1, opts()); diff != "" {
			t.Errorf("OpenTableSession mismatch (-want +got):\n%s", diff)
		}
		return nil
	})

	// Ending a session frees the table for the next one.
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.EndTableSession(ctx, store1, "ts-1", at(10)); err != nil {
			return err
		}
		return tx.CreateTableSession(ctx, pos.TableSession{ID: "ts-4", StoreID: store1, TableID: table1, OpenedAt: at(11)})
	})
	checkErr(t, "end an ended session", writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.EndTableSession(ctx, store1, "ts-1", at(12))
	}), pos.ErrNotFound)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.TableSessionByID(ctx, store1, "ts-1")
		if err != nil {
			return err
		}
		want := ts1
		end := at(10)
		want.EndedAt = &end
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("ended session mismatch (-want +got):\n%s", diff)
		}
		open, err := tx.OpenTableSession(ctx, store1, table1)
		if err != nil || open.ID != "ts-4" {
			t.Errorf("open session after ending ts-1 = %q, %v; want ts-4", open.ID, err)
		}
		return nil
	})
}
