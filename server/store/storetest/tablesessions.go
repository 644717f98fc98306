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
		list, err := tx.ListOpenTableSessions(ctx, store1)
		var ids []string
		for _, ts := range list {
			ids = append(ids, ts.ID)
		}
		if err != nil || !cmp.Equal(ids, []string{"ts-3", "ts-4"}) {
			t.Errorf("open sessions of store 1 = %v, %v; want ts-3 (table 2) and ts-4", ids, err)
		}
		if other, err := tx.ListOpenTableSessions(ctx, store2); err != nil || len(other) != 0 {
			t.Errorf("open sessions of store 2 = %v, %v; want none", other, err)
		}
		return nil
	})
}

func testSubmissions(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 0)
	createOrders(t, s, o)
	ts := pos.TableSession{ID: "ts-1", StoreID: store1, TableID: table1, OpenedAt: at(1)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateTableSession(ctx, ts) })
	sub := pos.Submission{ID: "sub-1", StoreID: store1, TableSessionID: "ts-1", TableID: table1, OrderID: "o1", DinerID: "d-1",
		State: pos.SubmissionPending, RequestHash: hash32(3), CreatedAt: at(2),
		Lines: []pos.Line{{ID: "sub-1-1", ItemID: "i", Name: "Tea", BasePrice: 100, Qty: 2, Submission: "sub-1", Pending: true,
			Modifiers: []pos.LineModifier{{ID: "m", Name: "Iced", Price: 10}}}}}
	sub2 := sub
	sub2.ID, sub2.CreatedAt, sub2.Lines = "sub-2", at(3), nil
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateSubmission(ctx, sub); err != nil {
			return err
		}
		return tx.CreateSubmission(ctx, sub2)
	})
	runErrCases(t, s, []errCase{
		{"duplicate submission", func(ctx context.Context, tx pos.Tx) error { return tx.CreateSubmission(ctx, sub) }, pos.ErrConflict},
		{"submission of another store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.SubmissionByID(ctx, store2, "sub-1")
			return err
		}, pos.ErrNotFound},
		{"update a missing submission", func(ctx context.Context, tx pos.Tx) error {
			x := sub
			x.ID = "nope"
			return tx.UpdateSubmission(ctx, x)
		}, pos.ErrNotFound},
		{"acknowledge a missing request", func(ctx context.Context, tx pos.Tx) error {
			return tx.AcknowledgeServiceRequest(ctx, store1, "nope", alice, at(4))
		}, pos.ErrNotFound},
	})
	decided := at(5)
	sub2.State, sub2.Reason, sub2.DecidedAt, sub2.DecidedBy = pos.SubmissionRejected, "sold out", &decided, alice
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateSubmission(ctx, sub2) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.SubmissionByID(ctx, store1, "sub-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(sub, got, opts()); diff != "" {
			t.Errorf("SubmissionByID mismatch (-want +got):\n%s", diff)
		}
		all, err := tx.ListSubmissions(ctx, pos.SubmissionFilter{StoreID: store1, TableSessionID: "ts-1"})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.Submission{sub, sub2}, all, opts()); diff != "" {
			t.Errorf("ListSubmissions mismatch (-want +got):\n%s", diff)
		}
		pending, err := tx.ListSubmissions(ctx, pos.SubmissionFilter{StoreID: store1, States: []pos.SubmissionState{pos.SubmissionPending}})
		if err != nil || len(pending) != 1 || pending[0].ID != "sub-1" {
			t.Errorf("pending submissions = %v, %v; want sub-1", pending, err)
		}
		other, err := tx.ListSubmissions(ctx, pos.SubmissionFilter{StoreID: store2})
		if err != nil || len(other) != 0 {
			t.Errorf("another store's submissions = %v, %v; want none", other, err)
		}
		return nil
	})

	// Service requests.
	sr := pos.ServiceRequest{ID: "sr-1", StoreID: store1, TableSessionID: "ts-1", TableID: table1, Kind: pos.ServiceWaiter, CreatedAt: at(6)}
	sr2 := pos.ServiceRequest{ID: "sr-2", StoreID: store1, TableSessionID: "ts-1", TableID: table1, Kind: pos.ServiceBill, CreatedAt: at(7)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateServiceRequest(ctx, sr); err != nil {
			return err
		}
		if err := tx.CreateServiceRequest(ctx, sr2); err != nil {
			return err
		}
		return tx.AcknowledgeServiceRequest(ctx, store1, "sr-1", alice, at(8))
	})
	checkErr(t, "acknowledge twice", writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.AcknowledgeServiceRequest(ctx, store1, "sr-1", alice, at(9))
	}), pos.ErrNotFound)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		open, err := tx.ListServiceRequests(ctx, store1, "")
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.ServiceRequest{sr2}, open, opts()); diff != "" {
			t.Errorf("open service requests mismatch (-want +got):\n%s", diff)
		}
		got, err := tx.ServiceRequestByID(ctx, store1, "sr-1")
		ack := at(8)
		want := sr
		want.AcknowledgedAt, want.AcknowledgedBy = &ack, alice
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("acknowledged request mismatch (-want +got):\n%s", diff)
		}
		if other, err := tx.ListServiceRequests(ctx, store1, "ts-other"); err != nil || len(other) != 0 {
			t.Errorf("requests of another session = %v, %v", other, err)
		}
		return nil
	})

	// Settings default to off and can be turned on and off.
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		on, err := tx.AutoSendToKitchen(ctx, store1)
		if err != nil || on {
			t.Errorf("default auto-send = %v, %v; want off", on, err)
		}
		return nil
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.SetAutoSendToKitchen(ctx, store1, true) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		on1, _ := tx.AutoSendToKitchen(ctx, store1)
		on2, _ := tx.AutoSendToKitchen(ctx, store2)
		if !on1 || on2 {
			t.Errorf("auto-send after turning it on for store 1: %v, store 2 %v; want true, false", on1, on2)
		}
		return nil
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.SetAutoSendToKitchen(ctx, store1, false) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		if on, _ := tx.AutoSendToKitchen(ctx, store1); on {
			t.Error("auto-send still on after turning it off")
		}
		return nil
	})
}

// testPendingLines: lines keep their submission and pending flag.
func testPendingLines(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	o := newOrder("o1", 1, table1, pos.StatusOpen, 0)
	o.Lines = []pos.Line{{ID: "a", ItemID: "i", Name: "Tea", BasePrice: 100, Qty: 1},
		{ID: "b", ItemID: "i", Name: "Tea", BasePrice: 100, Qty: 1, Submission: "sub-1", Pending: true}}
	createOrders(t, s, o)
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.OrderByID(ctx, store1, "o1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(o.Lines, got.Lines, opts()); diff != "" {
			t.Errorf("lines mismatch (-want +got):\n%s", diff)
		}
		return nil
	})
}
