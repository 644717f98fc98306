package pos_test

import (
	"context"
	"strings"
	"testing"

	"qrpos/server/demo"
	"qrpos/server/pos"
)

func (f *fixture) diner(t *testing.T, table string) pos.Diner {
	t.Helper()
	_, d, _ := f.join(t, f.link(t, table), "")
	return d
}

func TestSubmitValidation(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	d := f.diner(t, "t5")
	// Another store's item: a second restaurant with its own menu.
	err := f.store.Write(ctx, func(tx pos.Tx) error {
		if err := tx.CreateRestaurant(ctx, pos.Restaurant{ID: "other", Name: "Other", Currency: "CNY"}); err != nil {
			return err
		}
		return tx.CreateItem(ctx, pos.Item{ID: "other-dish", StoreID: "other", Name: "Elsewhere", Price: 100, Available: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	line := func(item string, qty int, mods ...string) pos.SubmitLine {
		return pos.SubmitLine{ItemID: item, Qty: qty, ModifierIDs: mods}
	}
	tests := []struct {
		name      string
		req       pos.SubmitRequest
		wantCode  pos.Code
		wantField string
	}{
		{"no id", pos.SubmitRequest{Lines: []pos.SubmitLine{line("jasmine-tea", 1)}}, pos.CodeInvalid, "id"},
		{"bad id", pos.SubmitRequest{ID: "a b", Lines: []pos.SubmitLine{line("jasmine-tea", 1)}}, pos.CodeInvalid, "id"},
		{"long id", pos.SubmitRequest{ID: strings.Repeat("a", 41), Lines: []pos.SubmitLine{line("jasmine-tea", 1)}}, pos.CodeInvalid, "id"},
		{"empty", pos.SubmitRequest{ID: "s1"}, pos.CodeInvalid, "lines"},
		{"zero qty", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("jasmine-tea", 0)}}, pos.CodeInvalid, "lines[0].qty"},
		{"absurd qty", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("jasmine-tea", 1), line("jasmine-tea", 100)}}, pos.CodeInvalid, "lines[1].qty"},
		{"negative qty", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("jasmine-tea", -3)}}, pos.CodeInvalid, "lines[0].qty"},
		{"too many lines", pos.SubmitRequest{ID: "s1", Lines: make([]pos.SubmitLine, pos.MaxSubmissionLines+1)}, pos.CodeInvalid, "lines"},
		{"control characters in note", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{{ItemID: "jasmine-tea", Qty: 1, Note: "a\x00b"}}}, pos.CodeInvalid, "lines[0].note"},
		{"long note", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{{ItemID: "jasmine-tea", Qty: 1, Note: strings.Repeat("辣", pos.MaxNoteLen+1)}}}, pos.CodeInvalid, "lines[0].note"},
		{"missing item", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("nope", 1)}}, pos.CodeNotFound, "lines[0].item_id"},
		{"another store's item", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("jasmine-tea", 1), line("other-dish", 1)}}, pos.CodeNotFound, "lines[1].item_id"},
		{"sold out", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("drunken-shrimp", 1)}}, pos.CodeUnavailable, "lines[0].item_id"},
		{"modifier of another item", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("steamed-rice", 1, "spice-hot")}}, pos.CodeInvalid, "lines[0].modifier_ids"},
		{"required modifier missing", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("mapo-tofu", 1)}}, pos.CodeInvalid, "lines[0].modifier_ids"},
		{"too many of a group", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("mapo-tofu", 1, "spice-hot", "spice-mild")}}, pos.CodeInvalid, "lines[0].modifier_ids"},
		{"modifier twice", pos.SubmitRequest{ID: "s1", Lines: []pos.SubmitLine{line("mapo-tofu", 1, "spice-hot", "extra-egg", "extra-egg")}}, pos.CodeInvalid, "lines[0].modifier_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := f.svc.Submit(ctx, d, tt.req)
			var pe *pos.Error
			if pos.ErrorCode(err) != tt.wantCode || !asErr(err, &pe) || pe.Field != tt.wantField || pe.Message == "" {
				t.Fatalf("Submit = %v; want code %s on field %s with a message", err, tt.wantCode, tt.wantField)
			}
		})
	}
	// Nothing was written: no order on the table, no submission.
	var n int
	f.store.Read(ctx, func(tx pos.Tx) error {
		os, _ := tx.ListOrders(ctx, pos.OrderFilter{StoreID: demo.StoreID, TableID: "t5"})
		subs, _ := tx.ListSubmissions(ctx, pos.SubmissionFilter{StoreID: demo.StoreID})
		n = len(os) + len(subs)
		return nil
	})
	if n != 0 {
		t.Errorf("refused submissions left %d orders and submissions, want none", n)
	}
}

func asErr(err error, pe **pos.Error) bool {
	e, ok := err.(*pos.Error)
	*pe = e
	return ok
}

func TestSubmitAcceptReject(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	d := f.diner(t, "t5")

	req := pos.SubmitRequest{ID: "sub-1", Lines: []pos.SubmitLine{
		{ItemID: "mapo-tofu", Qty: 2, ModifierIDs: []string{"spice-hot", "extra-egg"}, Note: " no MSG "},
		{ItemID: "jasmine-tea", Qty: 1},
	}}
	sub, o, replay, err := f.svc.Submit(ctx, d, req)
	if err != nil || replay {
		t.Fatalf("Submit = %v, replay %v", err, replay)
	}
	if o.TableID != "t5" || o.CreatedBy != "" || len(o.Lines) != 2 || !o.Lines[0].Pending || o.Lines[0].Submission != "sub-1" || o.Lines[0].Note != "no MSG" {
		t.Fatalf("order after submission = %+v; want a diner's order of t5 with 2 pending lines", o)
	}
	if sub.State != pos.SubmissionPending || sub.OrderID != o.ID {
		t.Errorf("submission = %+v; want pending on %s", sub, o.ID)
	}
	if tot := pos.ComputeTotals(o, true); tot.Total != 0 || tot.Due != 0 {
		t.Errorf("totals with only pending lines = %+v; want 0", tot)
	}
	// The same submission again is a replay; other lines under its id are refused.
	sub2, o2, replay, err := f.svc.Submit(ctx, d, req)
	if err != nil || !replay || sub2.ID != sub.ID || len(o2.Lines) != 2 {
		t.Fatalf("resubmit = %v, replay %v, %d lines; want the first answer", err, replay, len(o2.Lines))
	}
	other := req
	other.Lines = other.Lines[:1]
	_, _, _, err = f.svc.Submit(ctx, d, other)
	wantCode(t, err, pos.CodeIdempotency)
	// A diner of another table cannot replay (or see) this submission.
	_, _, _, err = f.svc.Submit(ctx, f.diner(t, "t3"), req)
	wantCode(t, err, pos.CodeIdempotency)

	// Cash for the order sees nothing to pay while the lines wait.
	_, _, err = f.svc.TenderCash(ctx, f.cashier, "k-cash-0", o.ID, pos.CashRequest{TenderID: "tn0", Tendered: 1000, Currency: "CNY"})
	wantCode(t, err, pos.CodeInvalid)
	// And sending to the kitchen has nothing to send.
	_, _, err = f.svc.SendToKitchen(ctx, f.cashier, "k-send-0", o.ID)
	wantCode(t, err, pos.CodeInvalid)

	// A second submission goes onto the same order.
	_, o, _, err = f.svc.Submit(ctx, d, pos.SubmitRequest{ID: "sub-2", Lines: []pos.SubmitLine{{ItemID: "steamed-rice", Qty: 3}}})
	if err != nil || len(o.Lines) != 3 {
		t.Fatalf("second submission: %v, %d lines; want 3 on the same order", err, len(o.Lines))
	}

	// Accepting makes sub-1's lines count; auto-send is off by default.
	sub, o, _, err = f.svc.AcceptSubmission(ctx, f.cashier, "k-acc-1", "sub-1")
	if err != nil || sub.State != pos.SubmissionAccepted || o.Lines[0].Pending || o.Lines[0].Sent || !o.Lines[2].Pending {
		t.Fatalf("accept = %+v, %v; want sub-1's lines normal and unsent, sub-2's pending", o.Lines, err)
	}
	want := int64(2*(3200+300) + 1500) // mapo tofu with an egg, jasmine tea
	if tot := pos.ComputeTotals(o, true); tot.Total != want {
		t.Errorf("total after accepting = %d, want %d (pending rice excluded)", tot.Total, want)
	}
	_, _, _, err = f.svc.AcceptSubmission(ctx, f.cashier, "k-acc-1b", "sub-1")
	wantCode(t, err, pos.CodeConflict)
	if _, _, replay, err := f.svc.AcceptSubmission(ctx, f.cashier, "k-acc-1", "sub-1"); err != nil || !replay {
		t.Errorf("replayed accept: %v, replay %v", err, replay)
	}

	// Rejecting needs a reason and removes sub-2's lines.
	_, _, _, err = f.svc.RejectSubmission(ctx, f.cashier, "k-rej-0", "sub-2", "  ")
	wantCode(t, err, pos.CodeInvalid)
	sub, o, _, err = f.svc.RejectSubmission(ctx, f.cashier, "k-rej-2", "sub-2", "out of rice")
	if err != nil || sub.State != pos.SubmissionRejected || sub.Reason != "out of rice" || len(o.Lines) != 2 || len(sub.Lines) != 1 {
		t.Fatalf("reject = %+v, %d lines, %v; want rejected with reason, 2 lines left", sub, len(o.Lines), err)
	}
	_, _, _, err = f.svc.ServeSubmission(ctx, f.cashier, "k-srv-2", "sub-2")
	wantCode(t, err, pos.CodeConflict)
	if sub, _, _, err = f.svc.ServeSubmission(ctx, f.cashier, "k-srv-1", "sub-1"); err != nil || sub.State != pos.SubmissionServed {
		t.Fatalf("serve = %+v, %v", sub, err)
	}

	// With auto-send on, accepting sends the lines to the kitchen.
	_, _, err = f.svc.SetAutoSendToKitchen(ctx, f.cashier, "k-auto-c", true)
	wantCode(t, err, pos.CodeForbidden)
	if _, _, err := f.svc.SetAutoSendToKitchen(ctx, f.manager, "k-auto", true); err != nil {
		t.Fatal(err)
	}
	f.svc.Submit(ctx, d, pos.SubmitRequest{ID: "sub-3", Lines: []pos.SubmitLine{{ItemID: "steamed-rice", Qty: 1}}})
	_, o, _, err = f.svc.AcceptSubmission(ctx, f.cashier, "k-acc-3", "sub-3")
	if err != nil || o.Status != pos.StatusSent || !o.Lines[2].Sent || o.Lines[0].Sent {
		t.Fatalf("accept with auto-send: status %s, lines %+v, %v; want only sub-3's line sent", o.Status, o.Lines, err)
	}

	// The diner sees the session's submissions with their state.
	in, err := f.svc.DinerActivity(ctx, d)
	if err != nil || len(in.Submissions) != 3 || in.Submissions[1].State != pos.SubmissionRejected || !in.Submissions[2].Lines[0].Sent {
		t.Fatalf("DinerActivity = %+v, %v", in, err)
	}

	// A pending submission left when the table is cleared is rejected.
	f.svc.Submit(ctx, d, pos.SubmitRequest{ID: "sub-4", Lines: []pos.SubmitLine{{ItemID: "steamed-rice", Qty: 1}}})
	if _, _, err := f.svc.TenderCash(ctx, f.cashier, "k-cash", o.ID, pos.CashRequest{TenderID: "tn1", Tendered: 100000, Currency: "CNY"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.ClearTable(ctx, f.cashier, "k-clear", "t5"); err != nil {
		t.Fatal(err)
	}
	inbox, _ := f.svc.TableInbox(ctx, f.cashier)
	if len(inbox.Submissions) != 0 {
		t.Errorf("inbox after clearing = %+v; want no pending submission", inbox.Submissions)
	}
	_, _, _, err = f.svc.Submit(ctx, d, pos.SubmitRequest{ID: "sub-5", Lines: []pos.SubmitLine{{ItemID: "steamed-rice", Qty: 1}}})
	wantCode(t, err, pos.CodeTableSessionEnded)
}

func TestServiceRequests(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	d := f.diner(t, "t2")
	_, _, err := f.svc.RequestService(ctx, d, "dance")
	wantCode(t, err, pos.CodeInvalid)
	sr, existing, err := f.svc.RequestService(ctx, d, pos.ServiceWaiter)
	if err != nil || existing {
		t.Fatal(err)
	}
	again, existing, err := f.svc.RequestService(ctx, d, pos.ServiceWaiter)
	if err != nil || !existing || again.ID != sr.ID {
		t.Errorf("second waiter call = %+v, %v; want the open one", again, err)
	}
	f.svc.RequestService(ctx, d, pos.ServiceBill)
	in, _ := f.svc.TableInbox(ctx, f.cashier)
	if len(in.Services) != 2 {
		t.Fatalf("inbox services = %d, want 2", len(in.Services))
	}
	if got, _, err := f.svc.AcknowledgeService(ctx, f.cashier, "k-ack", sr.ID); err != nil || got.AcknowledgedAt == nil {
		t.Fatalf("acknowledge = %+v, %v", got, err)
	}
	in, _ = f.svc.TableInbox(ctx, f.cashier)
	if len(in.Services) != 1 || in.Services[0].Kind != pos.ServiceBill {
		t.Errorf("inbox after acknowledging = %+v; want the bill request", in.Services)
	}
	_, _, err = f.svc.AcknowledgeService(ctx, f.cashier, "k-ack-x", "nope")
	wantCode(t, err, pos.CodeNotFound)
}

// TestSubmitRace sends the same submission from many goroutines (a phone
// retrying over a bad network): one order, one set of lines.
func TestSubmitRace(t *testing.T) {
	f := newFixture(t)
	d := f.diner(t, "t5")
	req := pos.SubmitRequest{ID: "sub-r", Lines: []pos.SubmitLine{{ItemID: "jasmine-tea", Qty: 2}}}
	done := make(chan error, 8)
	for range 8 {
		go func() { _, _, _, err := f.svc.Submit(context.Background(), d, req); done <- err }()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	o, _ := f.svc.Orders(t.Context(), f.cashier, pos.OrderFilter{TableID: "t5"})
	if len(o) != 1 || len(o[0].Lines) != 1 {
		t.Fatalf("orders = %+v; want one order with one line", o)
	}
}

// TestSubmitRaceManyPhones: eight phones of one table send their first
// dishes at once: one order (opened by a diner) holds all of them.
func TestSubmitRaceManyPhones(t *testing.T) {
	f := newFixture(t)
	link := f.link(t, "t6")
	var diners []pos.Diner
	for range 8 {
		_, d, _ := f.join(t, link, "")
		diners = append(diners, d)
	}
	done := make(chan error, len(diners))
	for i, d := range diners {
		go func() {
			_, _, _, err := f.svc.Submit(context.Background(), d, pos.SubmitRequest{ID: "sub-p" + string(rune('a'+i)),
				Lines: []pos.SubmitLine{{ItemID: "steamed-rice", Qty: 1}}})
			done <- err
		}()
	}
	for range diners {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	o, _ := f.svc.Orders(t.Context(), f.cashier, pos.OrderFilter{TableID: "t6"})
	if len(o) != 1 || len(o[0].Lines) != 8 || o[0].CreatedBy != "" {
		t.Fatalf("orders of t6 = %d (lines %v); want one diner's order with 8 lines", len(o), o)
	}
}
