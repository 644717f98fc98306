package pos_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"qrpos/server/pos"
)

func (f *fixture) link(t testing.TB, table string) string {
	t.Helper()
	_, link, err := f.svc.TableLink(t.Context(), f.manager, table)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func (f *fixture) join(t testing.TB, link, tok string) (pos.TableSession, pos.Diner, string) {
	t.Helper()
	_, _, ts, d, newTok, err := f.svc.JoinTable(t.Context(), link, tok)
	if err != nil {
		t.Fatalf("JoinTable: %v", err)
	}
	if newTok == "" {
		newTok = tok
	}
	return ts, d, newTok
}

func TestJoinTableRace(t *testing.T) {
	f := newFixture(t)
	link := f.link(t, "t5")
	const phones = 16
	var wg sync.WaitGroup
	sessions := make([]string, phones)
	diners := make([]string, phones)
	errs := make([]error, phones)
	for i := range phones {
		wg.Go(func() {
			_, tb, ts, d, tok, err := f.svc.JoinTable(context.Background(), link, "")
			if err == nil && (tok == "" || tb.ID != "t5" || d.TableID != "t5") {
				t.Errorf("phone %d: table %q, diner %+v, token %q; want t5 and a new token", i, tb.ID, d, tok)
			}
			sessions[i], diners[i], errs[i] = ts.ID, d.ID, err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range phones {
		if errs[i] != nil {
			t.Fatalf("phone %d: %v", i, errs[i])
		}
		if sessions[i] != sessions[0] {
			t.Errorf("phone %d joined session %s, phone 0 %s; want one session", i, sessions[i], sessions[0])
		}
		if seen[diners[i]] {
			t.Errorf("diner %s given to two phones", diners[i])
		}
		seen[diners[i]] = true
	}
}

func TestTableSessionLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	link5, link3 := f.link(t, "t5"), f.link(t, "t3")

	ts, d, tok := f.join(t, link5, "")
	// The same phone scanning again keeps its diner.
	ts2, d2, tok2 := f.join(t, link5, tok)
	if ts2.ID != ts.ID || d2.ID != d.ID || tok2 != tok {
		t.Errorf("second join of the same phone: session %s diner %s; want %s %s and the same token", ts2.ID, d2.ID, ts.ID, d.ID)
	}
	got, err := f.svc.AuthenticateDiner(ctx, tok)
	if err != nil || got != d {
		t.Fatalf("AuthenticateDiner = %+v, %v; want %+v", got, err, d)
	}
	// A phone of table 5 scanning table 3 becomes a diner of table 3 only.
	ts3, d3, tok3 := f.join(t, link3, tok)
	if ts3.ID == ts.ID || d3.TableID != "t3" || tok3 == tok {
		t.Errorf("joining t3 with a t5 token: session %s table %s; want a new t3 diner", ts3.ID, d3.TableID)
	}
	// Alter the last character to something it is not.
	last := "A"
	if strings.HasSuffix(tok, last) {
		last = "B"
	}
	for _, bad := range []string{"", "nope", tok[:len(tok)-1] + last} {
		_, err := f.svc.AuthenticateDiner(ctx, bad)
		wantCode(t, err, pos.CodeUnauthorized)
	}

	// Clearing: refused with an unpaid order, allowed once it is paid.
	o := f.order(t, "o-t5", "t5")
	f.add(t, o.ID, "l1", "jasmine-tea", 1)
	_, _, err = f.svc.ClearTable(ctx, f.cashier, "k-clear-1", "t5")
	wantCode(t, err, pos.CodeConflict)
	if _, _, err := f.svc.TenderCash(ctx, f.cashier, "k-cash", o.ID, pos.CashRequest{TenderID: "tn1", Tendered: 100000, Currency: "CNY"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateDiner(ctx, tok); err != nil {
		t.Errorf("diner after payment, before clearing: %v; want still seated", err)
	}
	ended, replay, err := f.svc.ClearTable(ctx, f.cashier, "k-clear-2", "t5")
	if err != nil || replay || ended.EndedAt == nil || ended.ID != ts.ID {
		t.Fatalf("ClearTable = %+v, %v, %v; want session %s ended", ended, replay, err, ts.ID)
	}
	_, err = f.svc.AuthenticateDiner(ctx, tok)
	wantCode(t, err, pos.CodeTableSessionEnded)
	if _, err := f.svc.AuthenticateDiner(ctx, tok3); err != nil {
		t.Errorf("table 3's diner after clearing table 5: %v", err)
	}
	_, _, err = f.svc.ClearTable(ctx, f.cashier, "k-clear-3", "t5")
	wantCode(t, err, pos.CodeNotFound)

	// Scanning again opens a new session with a new diner.
	ts4, d4, tok4 := f.join(t, link5, tok)
	if ts4.ID == ts.ID || d4.ID == d.ID || tok4 == tok {
		t.Errorf("join after clearing: session %s diner %s; want new ones", ts4.ID, d4.ID)
	}

	// An empty order is voided with the table.
	e := f.order(t, "o-empty", "t5")
	if _, _, err := f.svc.ClearTable(ctx, f.cashier, "k-clear-4", "t5"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Order(ctx, f.cashier, e.ID); got.Status != pos.StatusVoid {
		t.Errorf("empty order after clearing: %s, want void", got.Status)
	}

	// A revoked sticker opens nothing.
	if _, _, _, err := f.svc.RevokeTableLink(ctx, f.manager, "k-rev", "t5"); err != nil {
		t.Fatal(err)
	}
	_, _, _, _, _, err = f.svc.JoinTable(ctx, link5, "")
	wantCode(t, err, pos.CodeBadTableLink)
}
