package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/money"
	"qrpos/server/ledger"
	"qrpos/server/pos"
)

// Wallet fixtures. seedPayments creates them.
const (
	member1 = "member-1" // of store1
	member2 = "member-2" // of store1
	member9 = "member-9" // of store2
)

// seedPayments seeds s, creates orders o1..o6 (open quick sales) in store1
// and o9 in store2, and the members.
func seedPayments(t *testing.T, open func(t *testing.T) pos.Store) pos.Store {
	t.Helper()
	s := openSeeded(t, open)
	o9 := newOrder("o9", 1, "", pos.StatusOpen, 0)
	o9.StoreID, o9.CreatedBy = store2, carol
	orders := []pos.Order{o9}
	for i := 1; i <= 6; i++ {
		orders = append(orders, newOrder(fmt.Sprintf("o%d", i), i, "", pos.StatusOpen, 0))
	}
	createOrders(t, s, orders...)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, m := range []pos.Member{
			newMember(member1, store1, 10_000),
			newMember(member2, store1, 0),
			newMember(member9, store2, 500),
		} {
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	return s
}

func newMember(id, store string, balance int64) pos.Member {
	return pos.Member{ID: id, StoreID: store, Name: "Member " + id, Balance: balance, Currency: "CNY",
		CreatedAt: at(0), Version: 1}
}

// newIntent returns a created wallet intent of store1 for order, made by
// alice at minute created, with every optional field empty.
func newIntent(id, order string, created int) pos.Intent {
	return pos.Intent{ID: id, StoreID: store1, OrderID: order, Method: pos.MethodCode, Rail: pos.RailWallet,
		Amount: 3500, Currency: "CNY", OrderVersion: 1, Status: pos.IntentCreated, TerminalID: "term-1",
		CreatedBy: alice, CreatedAt: at(created), UpdatedAt: at(created), Deadline: at(created + 2), Version: 1}
}

// paid returns in captured by member with a tip.
func paid(in pos.Intent, member string, status pos.IntentStatus, tip, refunded int64) pos.Intent {
	in.Status, in.MemberID, in.Tip, in.Refunded = status, member, tip, refunded
	in.PayerRef, in.RailRef = "****"+member[len(member)-1:], "rail-"+in.ID
	return in
}

func createIntents(t *testing.T, s pos.Store, intents ...pos.Intent) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, in := range intents {
			if err := tx.CreateIntent(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
}

func getIntent(t *testing.T, s pos.Store, storeID, id string) pos.Intent {
	t.Helper()
	var in pos.Intent
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		var err error
		in, err = tx.IntentByID(ctx, storeID, id)
		return err
	})
	return in
}

func testIntentRoundTrip(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	// One intent in every status, each on its own order but the live ones
	// (one at most per order), with every field set on some.
	var all []pos.Intent
	for i, st := range pos.IntentStatuses {
		order := fmt.Sprintf("o%d", i%6+1)
		in := newIntent("pi-"+string(st), order, i)
		in.Status = st
		if !st.Live() {
			in = paid(in, member1, st, 200, 0)
			in.Reason = "reason " + string(st)
			in.Version = 3
		}
		if st == pos.IntentPartiallyRefunded {
			in.Refunded = 1000
		}
		if st == pos.IntentRefunded {
			in.Refunded = in.Amount + in.Tip
		}
		all = append(all, in)
	}
	diner := newIntent("pi-diner", "o6", 20)
	diner.Method, diner.Rail, diner.CreatedBy, diner.TerminalID = pos.MethodQR, "", "", ""
	noDeadline := newIntent("pi-no-deadline", "o1", 21)
	noDeadline.Status, noDeadline.Deadline = pos.IntentFailed, time.Time{}
	shanghai := newIntent("pi-zone", "o2", 22)
	shanghai.Status = pos.IntentCancelled
	shanghai.CreatedAt = shanghai.CreatedAt.In(time.FixedZone("CST", 8*60*60))
	other := newIntent("pi-other", "o9", 23)
	other.StoreID, other.CreatedBy = store2, carol
	all = append(all, diner, noDeadline, shanghai, other)
	for _, in := range all {
		createIntents(t, s, in)
	}

	for _, want := range all {
		t.Run(want.ID, func(t *testing.T) {
			got := getIntent(t, s, want.StoreID, want.ID)
			if diff := cmp.Diff(want, got, opts()); diff != "" {
				t.Errorf("IntentByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
			}
			if loc := got.CreatedAt.Location(); loc != time.UTC {
				t.Errorf("IntentByID(%q).CreatedAt.Location(): got %v, want UTC", want.ID, loc)
			}
		})
	}

	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.IntentByID(ctx, store1, "pi-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.IntentByID(ctx, store2, "pi-succeeded")
			return err
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			in := newIntent("pi-failed", "o5", 30)
			in.Status = pos.IntentFailed
			return tx.CreateIntent(ctx, in)
		}, pos.ErrConflict},
		{"duplicate id in another store", func(ctx context.Context, tx pos.Tx) error {
			in := newIntent("pi-failed", "o9", 30)
			in.StoreID, in.CreatedBy, in.Status = store2, carol, pos.IntentFailed
			return tx.CreateIntent(ctx, in)
		}, pos.ErrConflict},
	})
	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			change func(in *pos.Intent)
		}{
			{"unknown status", func(in *pos.Intent) { in.Status = "charged" }},
			{"missing order", func(in *pos.Intent) { in.OrderID = "o-missing" }},
			{"order of another store", func(in *pos.Intent) { in.OrderID = "o9" }},
			{"unknown member", func(in *pos.Intent) { in.MemberID = "member-missing" }},
			{"refunded more than paid", func(in *pos.Intent) { in.Status, in.Refunded = pos.IntentRefunded, in.Amount+1 }},
			{"negative amount", func(in *pos.Intent) { in.Amount = -1 }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				in := newIntent("pi-refused", "o5", 40)
				in.Status = pos.IntentFailed
				tt.change(&in)
				err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateIntent(ctx, in) })
				if err == nil {
					t.Errorf("CreateIntent with %s: got no error, want one", tt.name)
				}
			})
		}
	})
}

// testLiveIntents checks the rule of at most one live intent per order.
func testLiveIntents(t *testing.T, open func(t *testing.T) pos.Store) {
	type liveCase struct {
		name   string
		before pos.IntentStatus // of the first intent, on o1 of store1
		order  string           // of the second intent
		store  string
		want   error
	}
	var tests []liveCase
	for _, st := range pos.IntentStatuses {
		var want error
		if st.Live() {
			want = pos.ErrConflict
		}
		tests = append(tests, liveCase{"after " + string(st), st, "o1", store1, want})
	}
	tests = append(tests,
		liveCase{"another order", pos.IntentPending, "o2", store1, nil},
		liveCase{"another store", pos.IntentPending, "o9", store2, nil})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seedPayments(t, open)
			first := newIntent("pi-1", "o1", 1)
			first.Status = tt.before
			createIntents(t, s, first)
			for _, second := range []pos.IntentStatus{pos.IntentCreated, pos.IntentPending} {
				in := newIntent("pi-2", tt.order, 2)
				in.StoreID, in.Status = tt.store, second
				if tt.store == store2 {
					in.CreatedBy = carol
				}
				err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateIntent(ctx, in) })
				checkErr(t, fmt.Sprintf("CreateIntent(%s %s)", second, in.OrderID), err, tt.want)
				if err == nil {
					return
				}
			}
		})
	}

	t.Run("freed by an update", func(t *testing.T) {
		s := seedPayments(t, open)
		first := newIntent("pi-1", "o1", 1)
		createIntents(t, s, first)
		second := newIntent("pi-2", "o1", 2)
		err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateIntent(ctx, second) })
		checkErr(t, "CreateIntent with a live intent", err, pos.ErrConflict)

		cancelled := first
		cancelled.Status, cancelled.Reason, cancelled.Version, cancelled.UpdatedAt = pos.IntentCancelled, "new bill", 2, at(2)
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, cancelled) })
		createIntents(t, s, second)

		// The old one cannot become live again beside the new one.
		revived := cancelled
		revived.Status, revived.Version = pos.IntentPending, 3
		err = writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, revived) })
		checkErr(t, "UpdateIntent making a second intent live", err, pos.ErrConflict)
	})
}

func testUpdateIntent(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	in := newIntent("pi-1", "o1", 1)
	createIntents(t, s, in)

	// Every saved field changes; the identity and creation do not.
	v2 := in
	v2.Method, v2.Rail, v2.Amount, v2.Tip, v2.OrderVersion = pos.MethodQR, pos.RailAlipay, 4000, 300, 2
	v2.Status, v2.TerminalID, v2.MemberID, v2.PayerRef, v2.RailRef = pos.IntentPending, "term-2", member1, "****1", "rail-1"
	v2.Reason, v2.UpdatedAt, v2.Deadline, v2.Version = "waiting", at(2), at(5), 2
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, v2) })
	if diff := cmp.Diff(v2, getIntent(t, s, store1, in.ID), opts()); diff != "" {
		t.Errorf("IntentByID after UpdateIntent mismatch (-want +got):\n%s", diff)
	}
	ignored := v2
	ignored.OrderID, ignored.CreatedBy, ignored.CreatedAt, ignored.Version = "o2", bob, at(9), 3
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, ignored) })
	want := v2
	want.Version = 3
	if diff := cmp.Diff(want, getIntent(t, s, store1, in.ID), opts()); diff != "" {
		t.Errorf("IntentByID after UpdateIntent of order, creator and creation time mismatch, want them unchanged (-want +got):\n%s", diff)
	}
	v4 := want
	v4 = paid(v4, member1, pos.IntentSucceeded, 300, 0)
	v4.Deadline, v4.MemberID, v4.Version = time.Time{}, "", 4
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, v4) })
	if diff := cmp.Diff(v4, getIntent(t, s, store1, in.ID), opts()); diff != "" {
		t.Errorf("IntentByID after clearing the deadline and member mismatch (-want +got):\n%s", diff)
	}

	stale := func(version int) pos.Intent {
		u := v4
		u.Status, u.Version = pos.IntentReversed, version
		return u
	}
	runErrCases(t, s, []errCase{
		{"same version as stored", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateIntent(ctx, stale(4))
		}, pos.ErrConflict},
		{"version from before the last update", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateIntent(ctx, stale(3))
		}, pos.ErrConflict},
		{"version skipping one", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateIntent(ctx, stale(6))
		}, pos.ErrConflict},
		{"missing intent", func(ctx context.Context, tx pos.Tx) error {
			u := stale(5)
			u.ID = "pi-missing"
			return tx.UpdateIntent(ctx, u)
		}, pos.ErrNotFound},
		{"intent of another store", func(ctx context.Context, tx pos.Tx) error {
			u := stale(5)
			u.StoreID = store2
			return tx.UpdateIntent(ctx, u)
		}, pos.ErrNotFound},
	})
	if diff := cmp.Diff(v4, getIntent(t, s, store1, in.ID), opts()); diff != "" {
		t.Errorf("IntentByID after failed updates mismatch (-want +got):\n%s", diff)
	}
}

func testListIntents(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	i1 := paid(newIntent("pi-1", "o1", 1), member1, pos.IntentSucceeded, 0, 0)
	i2 := newIntent("pi-2", "o1", 2)
	i2.Status = pos.IntentCancelled
	i3 := newIntent("pi-3", "o1", 3) // created, deadline at(5)
	i4 := paid(newIntent("pi-4", "o2", 4), member1, pos.IntentPending, 0, 0)
	i4.Deadline = at(10)
	i5 := paid(newIntent("pi-5", "o3", 4), member2, pos.IntentPending, 0, 0) // same time as i4: by id
	i5.Deadline = at(4)
	i6 := newIntent("pi-6", "o4", 6)
	i6.Deadline = time.Time{} // never swept
	i9 := newIntent("pi-9", "o9", 7)
	i9.StoreID, i9.CreatedBy, i9.Deadline = store2, carol, at(1)
	createIntents(t, s, i1, i2, i3, i4, i5, i6, i9)

	live := []pos.IntentStatus{pos.IntentCreated, pos.IntentPending}
	tests := []struct {
		name   string
		filter pos.IntentFilter
		want   []pos.Intent
	}{
		{"store", pos.IntentFilter{StoreID: store1}, []pos.Intent{i6, i5, i4, i3, i2, i1}},
		{"other store", pos.IntentFilter{StoreID: store2}, []pos.Intent{i9}},
		{"every store", pos.IntentFilter{}, []pos.Intent{i9, i6, i5, i4, i3, i2, i1}},
		{"order", pos.IntentFilter{StoreID: store1, OrderID: "o1"}, []pos.Intent{i3, i2, i1}},
		{"order of another store", pos.IntentFilter{StoreID: store2, OrderID: "o1"}, nil},
		{"live of an order", pos.IntentFilter{StoreID: store1, OrderID: "o1", Statuses: live}, []pos.Intent{i3}},
		{"member", pos.IntentFilter{MemberID: member1}, []pos.Intent{i4, i1}},
		{"pending of a member", pos.IntentFilter{MemberID: member1, Statuses: []pos.IntentStatus{pos.IntentPending}}, []pos.Intent{i4}},
		{"statuses in every store", pos.IntentFilter{Statuses: live}, []pos.Intent{i9, i6, i5, i4, i3}},
		{"deadline before, exclusive", pos.IntentFilter{Statuses: live, DeadlineBefore: at(5)}, []pos.Intent{i9, i5}},
		{"deadline before, after one more", pos.IntentFilter{Statuses: live, DeadlineBefore: at(5).Add(time.Microsecond)},
			[]pos.Intent{i9, i5, i3}},
		{"deadline before the first", pos.IntentFilter{DeadlineBefore: at(1)}, nil},
		{"limit", pos.IntentFilter{StoreID: store1, Limit: 2}, []pos.Intent{i6, i5}},
		{"limit above count", pos.IntentFilter{StoreID: store1, Limit: 50}, []pos.Intent{i6, i5, i4, i3, i2, i1}},
		{"everything", pos.IntentFilter{StoreID: store1, MemberID: member2, Statuses: live, DeadlineBefore: at(9), Limit: 1},
			[]pos.Intent{i5}},
		{"no match", pos.IntentFilter{StoreID: store1, OrderID: "o5"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []pos.Intent
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				var err error
				got, err = tx.ListIntents(ctx, tt.filter)
				return err
			})
			if diff := cmp.Diff(tt.want, got, opts()); diff != "" {
				t.Errorf("ListIntents(%+v) mismatch, want newest first (-want +got):\n%s", tt.filter, diff)
			}
		})
	}
}

func testPayerTotalSince(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	// Each intent is on its own order or not live.
	intents := []pos.Intent{
		paid(newIntent("pi-before", "o1", 9), member1, pos.IntentSucceeded, 0, 0),                // before since
		paid(newIntent("pi-at", "o1", 10), member1, pos.IntentSucceeded, 100, 0),                 // 3600, at since
		paid(newIntent("pi-partial", "o1", 11), member1, pos.IntentPartiallyRefunded, 500, 1000), // 3000
		paid(newIntent("pi-refunded", "o1", 12), member1, pos.IntentRefunded, 500, 4000),         // 0
		paid(newIntent("pi-refunded-part", "o1", 13), member1, pos.IntentRefunded, 0, 3000),      // 500
		paid(newIntent("pi-reversed", "o1", 14), member1, pos.IntentReversed, 0, 0),              // no
		paid(newIntent("pi-failed", "o1", 15), member1, pos.IntentFailed, 0, 0),                  // no
		paid(newIntent("pi-cancelled", "o1", 15), member1, pos.IntentCancelled, 0, 0),            // no
		paid(newIntent("pi-expired", "o1", 15), member1, pos.IntentExpired, 0, 0),                // no
		paid(newIntent("pi-pending", "o2", 16), member1, pos.IntentPending, 0, 0),                // no
		paid(newIntent("pi-created", "o3", 16), member1, pos.IntentCreated, 0, 0),                // no
		paid(newIntent("pi-other-member", "o1", 16), member2, pos.IntentSucceeded, 0, 0),         // no
		func() pos.Intent { // another store, same member: counts
			in := paid(newIntent("pi-store2", "o9", 17), member1, pos.IntentSucceeded, 0, 0)
			in.StoreID, in.CreatedBy, in.Amount = store2, carol, 7
			return in
		}(),
	}
	createIntents(t, s, intents...)

	tests := []struct {
		name   string
		member string
		since  time.Time
		want   int64
	}{
		{"at the first", member1, at(10), 3600 + 3000 + 0 + 500 + 7},
		{"one microsecond later", member1, at(10).Add(time.Microsecond), 3000 + 0 + 500 + 7},
		{"before every one", member1, at(0), 3500 + 3600 + 3000 + 0 + 500 + 7},
		{"after every one", member1, at(18), 0},
		{"other member", member2, at(0), 3500},
		{"member without payments", member9, at(0), 0},
		{"unknown member", "member-missing", at(0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int64
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				var err error
				got, err = tx.PayerTotalSince(ctx, tt.member, tt.since)
				return err
			})
			if got != tt.want {
				t.Errorf("PayerTotalSince(%q, %v): got %d, want %d", tt.member, tt.since, got, tt.want)
			}
		})
	}
}

func testRefunds(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	in := paid(newIntent("pi-1", "o1", 1), member1, pos.IntentSucceeded, 0, 0)
	other := paid(newIntent("pi-2", "o2", 1), member1, pos.IntentSucceeded, 0, 0)
	createIntents(t, s, in, other)
	// Ids that sort differently from their times.
	refunds := []pos.Refund{
		{ID: "rf-b", StoreID: store1, IntentID: in.ID, Amount: 100, Reason: "cold soup", ApprovedBy: bob, CreatedBy: alice, CreatedAt: at(2)},
		{ID: "rf-a", StoreID: store1, IntentID: in.ID, Amount: 200, Reason: "", ApprovedBy: bob, CreatedBy: bob, CreatedAt: at(3)},
		{ID: "rf-c", StoreID: store1, IntentID: in.ID, Amount: 300, Reason: "late", CreatedAt: at(3)},
	}
	for _, r := range []pos.Refund{refunds[1], refunds[2], refunds[0]} {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateRefund(ctx, r) })
	}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		return tx.CreateRefund(ctx, pos.Refund{ID: "rf-other", StoreID: store1, IntentID: other.ID, Amount: 1, CreatedAt: at(1)})
	})

	list := func(storeID, intentID string) []pos.Refund {
		var got []pos.Refund
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			var err error
			got, err = tx.ListRefunds(ctx, storeID, intentID)
			return err
		})
		return got
	}
	if diff := cmp.Diff(refunds, list(store1, in.ID), opts()); diff != "" {
		t.Errorf("ListRefunds mismatch, want oldest first, then by id (-want +got):\n%s", diff)
	}
	if got := list(store2, in.ID); len(got) != 0 {
		t.Errorf("ListRefunds of another store: got %v, want none", got)
	}
	if got := list(store1, "pi-missing"); len(got) != 0 {
		t.Errorf("ListRefunds of a missing intent: got %v, want none", got)
	}

	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateRefund(ctx, pos.Refund{ID: "rf-a", StoreID: store1, IntentID: other.ID, Amount: 5, CreatedAt: at(4)})
		}, pos.ErrConflict},
	})
	t.Run("refused", func(t *testing.T) {
		for _, r := range []pos.Refund{
			{ID: "rf-x", StoreID: store1, IntentID: "pi-missing", Amount: 5, CreatedAt: at(4)},
			{ID: "rf-x", StoreID: store2, IntentID: in.ID, Amount: 5, CreatedAt: at(4)},
			{ID: "rf-x", StoreID: store1, IntentID: in.ID, Amount: 0, CreatedAt: at(4)},
			{ID: "rf-x", StoreID: store1, IntentID: in.ID, Amount: 5, ApprovedBy: carol, CreatedAt: at(4)},
		} {
			err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateRefund(ctx, r) })
			if err == nil {
				t.Errorf("CreateRefund(%+v): got no error, want one", r)
			}
		}
	})
}

func testMembers(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	get := func(t *testing.T, id string) pos.Member {
		t.Helper()
		var m pos.Member
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			var err error
			m, err = tx.MemberByID(ctx, id)
			return err
		})
		return m
	}
	for _, want := range []pos.Member{newMember(member1, store1, 10_000), newMember(member9, store2, 500)} {
		if diff := cmp.Diff(want, get(t, want.ID), opts()); diff != "" {
			t.Errorf("MemberByID(%q) mismatch (-want +got):\n%s", want.ID, diff)
		}
	}

	v2 := newMember(member1, store1, 0)
	v2.Name, v2.Version = "Renamed", 2
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateMember(ctx, v2) })
	v3 := v2
	v3.Balance, v3.Version = 123_456, 3
	v3.StoreID, v3.Currency, v3.CreatedAt = store2, "USD", at(9) // not saved
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateMember(ctx, v3) })
	want := v2
	want.Balance, want.Version = 123_456, 3
	if diff := cmp.Diff(want, get(t, member1), opts()); diff != "" {
		t.Errorf("MemberByID after two updates mismatch, want name, balance and version saved (-want +got):\n%s", diff)
	}

	stale := func(version int) pos.Member {
		m := want
		m.Balance, m.Version = 1, version
		return m
	}
	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.MemberByID(ctx, "member-missing")
			return err
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateMember(ctx, newMember(member1, store1, 0))
		}, pos.ErrConflict},
		{"duplicate id in another store", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateMember(ctx, newMember(member1, store2, 0))
		}, pos.ErrConflict},
		{"update with the stored version", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateMember(ctx, stale(3))
		}, pos.ErrConflict},
		{"update with an old version", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateMember(ctx, stale(2))
		}, pos.ErrConflict},
		{"update skipping a version", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateMember(ctx, stale(5))
		}, pos.ErrConflict},
		{"update missing", func(ctx context.Context, tx pos.Tx) error {
			m := stale(4)
			m.ID = "member-missing"
			return tx.UpdateMember(ctx, m)
		}, pos.ErrNotFound},
	})
	t.Run("negative balance", func(t *testing.T) {
		m := stale(4)
		m.Balance = -1
		if err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateMember(ctx, m) }); err == nil {
			t.Errorf("UpdateMember with a negative balance: got no error, want one")
		}
		m = newMember("member-negative", store1, -1)
		if err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateMember(ctx, m) }); err == nil {
			t.Errorf("CreateMember with a negative balance: got no error, want one")
		}
	})
	if diff := cmp.Diff(want, get(t, member1), opts()); diff != "" {
		t.Errorf("MemberByID after failed updates mismatch (-want +got):\n%s", diff)
	}
}

func newDevice(number uint32, member, store string) pos.Device {
	return pos.Device{Number: number, MemberID: member, StoreID: store,
		Secret:         []byte(fmt.Sprintf("secret-%d\x00\xff", number)),
		CredentialHash: []byte(fmt.Sprintf("cred-%d", number)), CreatedAt: at(1)}
}

func createDevices(t *testing.T, s pos.Store, ds ...pos.Device) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, d := range ds {
			if err := tx.CreateDevice(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func testDevices(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	d1 := newDevice(12345678, member1, store1)
	d1.LastCounter = 55_000_000
	d2 := newDevice(1, member1, store1) // a member may have several devices
	d9 := newDevice(99_999_999, member9, store2)
	createDevices(t, s, d1, d2, d9)

	for _, want := range []pos.Device{d1, d2, d9} {
		t.Run(fmt.Sprint(want.Number), func(t *testing.T) {
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				got, err := tx.DeviceByNumber(ctx, want.Number)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got, opts()); diff != "" {
					t.Errorf("DeviceByNumber(%d) mismatch (-want +got):\n%s", want.Number, diff)
				}
				got, err = tx.DeviceByCredential(ctx, want.CredentialHash)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got, opts()); diff != "" {
					t.Errorf("DeviceByCredential(%q) mismatch (-want +got):\n%s", want.CredentialHash, diff)
				}
				return nil
			})
		})
	}

	runErrCases(t, s, []errCase{
		{"missing number", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.DeviceByNumber(ctx, 2)
			return err
		}, pos.ErrNotFound},
		{"missing credential", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.DeviceByCredential(ctx, []byte("cred-missing"))
			return err
		}, pos.ErrNotFound},
		{"empty credential", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.DeviceByCredential(ctx, nil)
			return err
		}, pos.ErrNotFound},
		{"duplicate number", func(ctx context.Context, tx pos.Tx) error {
			d := newDevice(d1.Number, member2, store1)
			d.CredentialHash = []byte("cred-new")
			return tx.CreateDevice(ctx, d)
		}, pos.ErrConflict},
		{"duplicate credential", func(ctx context.Context, tx pos.Tx) error {
			d := newDevice(2, member2, store1)
			d.CredentialHash = d1.CredentialHash
			return tx.CreateDevice(ctx, d)
		}, pos.ErrConflict},
		{"counter of a missing device", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateDeviceCounter(ctx, 2, 1)
		}, pos.ErrNotFound},
	})
	t.Run("refused", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			d    pos.Device
		}{
			{"number 0", newDevice(0, member2, store1)},
			{"number of 9 digits", newDevice(100_000_000, member2, store1)},
			{"missing member", newDevice(3, "member-missing", store1)},
			{"member of another store", newDevice(3, member9, store1)},
			{"no secret", func() pos.Device { d := newDevice(3, member2, store1); d.Secret = nil; return d }()},
			{"no credential", func() pos.Device { d := newDevice(3, member2, store1); d.CredentialHash = nil; return d }()},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.CreateDevice(ctx, tt.d) })
				if err == nil {
					t.Errorf("CreateDevice with %s: got no error, want one", tt.name)
				}
			})
		}
	})
}

func testDeviceCounter(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	d := newDevice(42, member1, store1)
	d.LastCounter = 100
	other := newDevice(43, member1, store1)
	other.LastCounter = 100
	createDevices(t, s, d, other)

	steps := []struct {
		counter int64
		want    error
		last    int64 // stored after the step
	}{
		{100, pos.ErrConflict, 100}, // the last one accepted: used
		{99, pos.ErrConflict, 100},  // older
		{101, nil, 101},
		{101, pos.ErrConflict, 101}, // the same code twice
		{103, nil, 103},             // a skipped step is fine
		{102, pos.ErrConflict, 103}, // but no going back
		{0, pos.ErrConflict, 103},
		{1 << 40, nil, 1 << 40},
	}
	for i, st := range steps {
		err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateDeviceCounter(ctx, d.Number, st.counter)
		})
		checkErr(t, fmt.Sprintf("step %d: UpdateDeviceCounter(%d)", i, st.counter), err, st.want)
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			got, err := tx.DeviceByNumber(ctx, d.Number)
			if err != nil {
				return err
			}
			if got.LastCounter != st.last {
				t.Errorf("step %d: LastCounter after UpdateDeviceCounter(%d): got %d, want %d", i, st.counter, got.LastCounter, st.last)
			}
			return nil
		})
	}
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.DeviceByNumber(ctx, other.Number)
		if err != nil {
			return err
		}
		if got.LastCounter != 100 {
			t.Errorf("LastCounter of another device: got %d, want 100", got.LastCounter)
		}
		return nil
	})

	// The same code presented at 20 terminals at once is accepted once.
	t.Run("concurrent", func(t *testing.T) {
		const workers = 20
		const counter = 1<<40 + 1
		var wg sync.WaitGroup
		errs := make([]error, workers)
		start := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				<-start
				errs[w] = writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
					if _, err := tx.DeviceByNumber(ctx, d.Number); err != nil {
						return err
					}
					return tx.UpdateDeviceCounter(ctx, d.Number, counter)
				})
			})
		}
		close(start)
		wg.Wait()
		accepted := 0
		for w, err := range errs {
			switch {
			case err == nil:
				accepted++
			case !errors.Is(err, pos.ErrConflict):
				t.Errorf("worker %d: got error %v, want none or %v", w, err, pos.ErrConflict)
			}
		}
		if accepted != 1 {
			t.Errorf("accepted: got %d of %d, want 1", accepted, workers)
		}
	})
}

func testLimits(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	get := func(storeID, rail string) (pos.Limits, error) {
		var l pos.Limits
		err := readErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			var err error
			l, err = tx.LimitsFor(ctx, storeID, rail)
			return err
		})
		return l, err
	}
	_, err := get(store1, pos.RailWallet)
	checkErr(t, "LimitsFor before PutLimits", err, pos.ErrNotFound)

	wallet := pos.Limits{StoreID: store1, Rail: pos.RailWallet, SingleMax: 500_000, DailyMax: 1_000_000, PasswordFree: 100_000}
	none := pos.Limits{StoreID: store1, Rail: pos.RailAlipay} // zero: no limits
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.PutLimits(ctx, wallet); err != nil {
			return err
		}
		return tx.PutLimits(ctx, none)
	})
	replaced := wallet
	replaced.SingleMax, replaced.DailyMax, replaced.PasswordFree = 1, 0, 2
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutLimits(ctx, replaced) })

	tests := []struct {
		store, rail string
		want        pos.Limits
		err         error
	}{
		{store1, pos.RailWallet, replaced, nil},
		{store1, pos.RailAlipay, none, nil},
		{store1, pos.RailWeChat, pos.Limits{}, pos.ErrNotFound},
		{store2, pos.RailWallet, pos.Limits{}, pos.ErrNotFound},
	}
	for _, tt := range tests {
		got, err := get(tt.store, tt.rail)
		checkErr(t, fmt.Sprintf("LimitsFor(%q, %q)", tt.store, tt.rail), err, tt.err)
		if diff := cmp.Diff(tt.want, got, opts()); err == nil && diff != "" {
			t.Errorf("LimitsFor(%q, %q) mismatch (-want +got):\n%s", tt.store, tt.rail, diff)
		}
	}
	t.Run("negative", func(t *testing.T) {
		l := wallet
		l.DailyMax = -1
		if err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.PutLimits(ctx, l) }); err == nil {
			t.Errorf("PutLimits with a negative limit: got no error, want one")
		}
	})
}

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

func testLedger(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	wallet1, wallet2 := ledger.Wallet(member1), ledger.Wallet(member2)
	topup := ledger.Entry{ID: "topup-1", StoreID: store1, Kind: ledger.KindTopup, Ref: "tp-1", At: at(1),
		Postings: []ledger.Posting{
			{Account: ledger.CashDrawer(store1), Amount: cny(10_000)},
			{Account: wallet1, Amount: cny(-10_000)},
		}}
	// Postings in an order that is neither by account nor by amount.
	charge := ledger.Entry{ID: "charge-pi-1", StoreID: store1, Kind: ledger.KindCharge, Ref: "pi-1", At: at(2),
		Postings: []ledger.Posting{
			{Account: wallet1, Amount: cny(4000)},
			{Account: ledger.Tips(store1), Amount: cny(-500)},
			{Account: ledger.Revenue(store1), Amount: cny(-3500)},
		}}
	reversal := ledger.Entry{ID: "reversal-pi-1", StoreID: store1, Kind: ledger.KindReversal, Ref: "pi-1", At: at(3),
		Reverses: charge.ID,
		Postings: []ledger.Posting{
			{Account: wallet1, Amount: cny(-4000)},
			{Account: ledger.Tips(store1), Amount: cny(500)},
			{Account: ledger.Revenue(store1), Amount: cny(3500)},
		}}
	// Same time as the reversal and an id that sorts before it; two
	// currencies; a custom kind.
	fx := ledger.Entry{ID: "adjust-1", StoreID: store1, Kind: "fx_adjustment", Ref: "pi-2", At: at(3),
		Postings: []ledger.Posting{
			{Account: wallet2, Amount: money.New(-100, "USD")},
			{Account: ledger.Clearing(store1, pos.RailAlipay), Amount: money.New(100, "USD")},
			{Account: wallet2, Amount: cny(-1 << 62)},
			{Account: ledger.Revenue(store1), Amount: cny(1 << 62)},
		}}
	other := ledger.Entry{ID: "charge-pi-9", StoreID: store2, Kind: ledger.KindCharge, Ref: "pi-9", At: at(0),
		Postings: []ledger.Posting{
			{Account: wallet1, Amount: cny(7)},
			{Account: ledger.Revenue(store2), Amount: cny(-7)},
		}}
	empty := ledger.Entry{ID: "empty", StoreID: store2, Kind: ledger.KindAdjustment, Ref: "x", At: at(9)}
	// Appended out of time order.
	for _, e := range []ledger.Entry{charge, topup, other, fx, reversal, empty} {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.AppendEntry(ctx, e) })
	}

	tests := []struct {
		name   string
		filter pos.EntryFilter
		want   []ledger.Entry
	}{
		{"everything", pos.EntryFilter{}, []ledger.Entry{other, topup, charge, fx, reversal, empty}},
		{"store", pos.EntryFilter{StoreID: store1}, []ledger.Entry{topup, charge, fx, reversal}},
		{"other store", pos.EntryFilter{StoreID: store2}, []ledger.Entry{other, empty}},
		{"ref", pos.EntryFilter{StoreID: store1, Ref: "pi-1"}, []ledger.Entry{charge, reversal}},
		{"ref in another store", pos.EntryFilter{StoreID: store2, Ref: "pi-1"}, nil},
		{"ref in every store", pos.EntryFilter{Ref: "pi-9"}, []ledger.Entry{other}},
		{"account in every store", pos.EntryFilter{Account: wallet1}, []ledger.Entry{other, topup, charge, reversal}},
		{"account in one store", pos.EntryFilter{StoreID: store1, Account: wallet1}, []ledger.Entry{topup, charge, reversal}},
		{"account posted twice in one entry", pos.EntryFilter{Account: wallet2}, []ledger.Entry{fx}},
		{"account without postings", pos.EntryFilter{Account: ledger.Wallet(member9)}, nil},
		{"since, inclusive", pos.EntryFilter{StoreID: store1, Since: at(2)}, []ledger.Entry{charge, fx, reversal}},
		{"since, exclusive after", pos.EntryFilter{StoreID: store1, Since: at(2).Add(time.Microsecond)}, []ledger.Entry{fx, reversal}},
		{"since after all", pos.EntryFilter{Since: at(10)}, nil},
		{"everything at once", pos.EntryFilter{StoreID: store1, Ref: "pi-1", Account: ledger.Tips(store1), Since: at(3)},
			[]ledger.Entry{reversal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []ledger.Entry
			read(t, s, func(ctx context.Context, tx pos.Tx) error {
				var err error
				got, err = tx.ListEntries(ctx, tt.filter)
				return err
			})
			if diff := cmp.Diff(tt.want, got, opts()); diff != "" {
				t.Errorf("ListEntries(%+v) mismatch, want oldest first, then by id, postings in order (-want +got):\n%s", tt.filter, diff)
			}
		})
	}

	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			e := topup
			e.At, e.Ref = at(5), "tp-2"
			return tx.AppendEntry(ctx, e)
		}, pos.ErrConflict},
		{"duplicate id in another store", func(ctx context.Context, tx pos.Tx) error {
			e := topup
			e.StoreID = store2
			return tx.AppendEntry(ctx, e)
		}, pos.ErrConflict},
	})
	t.Run("duplicate leaves the first", func(t *testing.T) {
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			got, err := tx.ListEntries(ctx, pos.EntryFilter{Ref: topup.Ref})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]ledger.Entry{topup}, got, opts()); diff != "" {
				t.Errorf("ListEntries after a duplicate AppendEntry mismatch (-want +got):\n%s", diff)
			}
			return nil
		})
	})
}

// testPaymentRollback checks that a failed Write leaves nothing of the
// payment tables behind.
func testPaymentRollback(t *testing.T, open func(t *testing.T) pos.Store) {
	s := seedPayments(t, open)
	d := newDevice(7, member1, store1)
	in := paid(newIntent("pi-1", "o1", 1), member1, pos.IntentSucceeded, 0, 0)
	createDevices(t, s, d)
	createIntents(t, s, in)
	errStop := errors.New("stop")

	err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
		p := tx
		m := newMember("member-new", store1, 1)
		if err := p.CreateMember(ctx, m); err != nil {
			return err
		}
		if err := p.CreateDevice(ctx, newDevice(8, m.ID, store1)); err != nil {
			return err
		}
		if err := p.UpdateDeviceCounter(ctx, d.Number, 5); err != nil {
			return err
		}
		u := newMember(member1, store1, 1)
		u.Version = 2
		if err := p.UpdateMember(ctx, u); err != nil {
			return err
		}
		if err := p.CreateIntent(ctx, newIntent("pi-2", "o2", 2)); err != nil {
			return err
		}
		v := in
		v.Status, v.Refunded, v.Version = pos.IntentPartiallyRefunded, 100, 2
		if err := p.UpdateIntent(ctx, v); err != nil {
			return err
		}
		if err := p.CreateRefund(ctx, pos.Refund{ID: "rf-1", StoreID: store1, IntentID: in.ID, Amount: 100, CreatedAt: at(2)}); err != nil {
			return err
		}
		if err := p.PutLimits(ctx, pos.Limits{StoreID: store1, Rail: pos.RailWallet, SingleMax: 1}); err != nil {
			return err
		}
		if err := p.AppendEntry(ctx, ledger.Entry{ID: "e-1", StoreID: store1, Kind: ledger.KindCharge, Ref: in.ID, At: at(2),
			Postings: []ledger.Posting{{Account: "a:1", Amount: cny(1)}, {Account: "a:2", Amount: cny(-1)}}}); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Write: got error %v, want the error of fn", err)
	}

	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		p := tx
		if _, err := p.MemberByID(ctx, "member-new"); !errors.Is(err, pos.ErrNotFound) {
			t.Errorf("MemberByID of a rolled back member: got error %v, want %v", err, pos.ErrNotFound)
		}
		if m, err := p.MemberByID(ctx, member1); err != nil || m.Version != 1 || m.Balance != 10_000 {
			t.Errorf("MemberByID after a rolled back update: got %+v, %v, want version 1, balance 10000", m, err)
		}
		if _, err := p.DeviceByNumber(ctx, 8); !errors.Is(err, pos.ErrNotFound) {
			t.Errorf("DeviceByNumber of a rolled back device: got error %v, want %v", err, pos.ErrNotFound)
		}
		if got, err := p.DeviceByNumber(ctx, d.Number); err != nil || got.LastCounter != 0 {
			t.Errorf("DeviceByNumber after a rolled back counter: got %+v, %v, want counter 0", got, err)
		}
		if _, err := p.IntentByID(ctx, store1, "pi-2"); !errors.Is(err, pos.ErrNotFound) {
			t.Errorf("IntentByID of a rolled back intent: got error %v, want %v", err, pos.ErrNotFound)
		}
		got, err := p.IntentByID(ctx, store1, in.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(in, got, opts()); diff != "" {
			t.Errorf("IntentByID after a rolled back update mismatch (-want +got):\n%s", diff)
		}
		if rs, err := p.ListRefunds(ctx, store1, in.ID); err != nil || len(rs) != 0 {
			t.Errorf("ListRefunds after a rolled back refund: got %v, %v, want none", rs, err)
		}
		if _, err := p.LimitsFor(ctx, store1, pos.RailWallet); !errors.Is(err, pos.ErrNotFound) {
			t.Errorf("LimitsFor after rolled back limits: got error %v, want %v", err, pos.ErrNotFound)
		}
		if es, err := p.ListEntries(ctx, pos.EntryFilter{}); err != nil || len(es) != 0 {
			t.Errorf("ListEntries after a rolled back entry: got %v, %v, want none", es, err)
		}
		return nil
	})
}
