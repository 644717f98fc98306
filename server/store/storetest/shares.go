package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

func newShare(id, order string, position, created int) pos.Share {
	return pos.Share{ID: id, StoreID: store1, OrderID: order, Kind: pos.ShareEqual, Position: position, Parts: 2, Amount: 3750,
		Currency: "CNY", Status: pos.ShareOpen, LineIDs: []string{}, BillHash: "hash-1", CreatedAt: at(created),
		UpdatedAt: at(created), Version: 1}
}

func testShares(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	a, b := newShare("sh-1", "o1", 1, 1), newShare("sh-2", "o1", 2, 1)
	items := newShare("sh-3", "o1", 1, 2)
	items.Kind, items.Parts, items.LineIDs = pos.ShareItems, 1, []string{"l1", "l2"}
	other := newShare("sh-9", "o2", 1, 0)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, sh := range []pos.Share{items, b, a, other} {
			if err := tx.CreateShare(ctx, sh); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ShareByID(ctx, store1, "sh-3")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(items, got, opts()); diff != "" {
			t.Errorf("ShareByID mismatch (-want +got):\n%s", diff)
		}
		list, err := tx.ListShares(ctx, store1, "o1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.Share{a, b, items}, list, opts()); diff != "" {
			t.Errorf("ListShares mismatch (-want +got):\n%s", diff)
		}
		return nil
	})
	a2 := a
	a2.Status, a2.UpdatedAt, a2.Version = pos.SharePaying, at(5), 2
	stale := a
	stale.Status, stale.Version = pos.SharePaid, 2
	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error { return tx.CreateShare(ctx, newShare("sh-1", "o3", 1, 3)) }, pos.ErrConflict},
		{"unknown", func(ctx context.Context, tx pos.Tx) error { _, err := tx.ShareByID(ctx, store1, "nope"); return err }, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error { _, err := tx.ShareByID(ctx, store2, "sh-1"); return err }, pos.ErrNotFound},
		{"update unknown", func(ctx context.Context, tx pos.Tx) error {
			sh := newShare("nope", "o1", 1, 1)
			sh.Version = 2
			return tx.UpdateShare(ctx, sh)
		}, pos.ErrNotFound},
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateShare(ctx, a2) })
	err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateShare(ctx, stale) })
	checkErr(t, "UpdateShare with an old version", err, pos.ErrConflict)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ShareByID(ctx, store1, "sh-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(a2, got, opts()); diff != "" {
			t.Errorf("after UpdateShare (-want +got):\n%s", diff)
		}
		return nil
	})
}

// One live intent per share, and one per order among the intents that
// pay no share; intents of different shares of one order live together.
func testLiveShareIntents(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, sh := range []pos.Share{newShare("sh-1", "o1", 1, 1), newShare("sh-2", "o1", 2, 1)} {
			if err := tx.CreateShare(ctx, sh); err != nil {
				return err
			}
		}
		return nil
	})
	intent := func(id, share string, st pos.IntentStatus) pos.Intent {
		in := newIntent(id, "o1", 2)
		in.ShareID, in.Status = share, st
		return in
	}
	create := func(in pos.Intent) error {
		return writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateIntent(ctx, in) })
	}
	steps := []struct {
		in   pos.Intent
		want error
	}{
		{intent("pi-1", "sh-1", pos.IntentCreated), nil},
		{intent("pi-2", "sh-1", pos.IntentPending), pos.ErrConflict},
		{intent("pi-3", "sh-2", pos.IntentCreated), nil},
		{intent("pi-4", "", pos.IntentCreated), nil},
		{intent("pi-5", "", pos.IntentPending), pos.ErrConflict},
		{intent("pi-6", "sh-1", pos.IntentSucceeded), nil},
	}
	for _, st := range steps {
		checkErr(t, "CreateIntent "+st.in.ID, create(st.in), st.want)
	}
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.IntentByID(ctx, store1, "pi-3")
		if err != nil {
			return err
		}
		if got.ShareID != "sh-2" {
			t.Errorf("ShareID = %q, want sh-2", got.ShareID)
		}
		return nil
	})
}
