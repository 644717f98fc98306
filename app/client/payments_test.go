package client

import (
	"errors"
	"strings"
	"testing"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// nothingKept checks that a request holding a PIN, sent through s and
// failed with err for want of a network, was never written to storage.
func nothingKept(t *testing.T, s *script, err error, pin string) {
	t.Helper()
	if !errors.Is(err, ErrNetwork) || strings.Contains(err.Error(), "kept and will be sent") {
		t.Errorf("got error %v, want ErrNetwork saying nothing is kept", err)
	}
	for i, n := range s.pendingAtSend {
		if n != 0 {
			t.Errorf("send %d: got %d requests in the outbox, want 0 (a PIN is never stored)", i, n)
		}
	}
	if raw, _ := s.store.GetItem(OutboxKey); strings.Contains(raw, pin) {
		t.Errorf("the PIN is in storage: %s", raw)
	}
}

// TestRefundNeverStored checks a refund (its body holds a manager's PIN)
// is sent under the caller's key, retried with it, and never written to
// the outbox.
func TestRefundNeverStored(t *testing.T) {
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr}}
	c := newTestClient(s)
	req := wire.RefundRequest{RefundID: "r1", Amount: money.New(500, "CNY"), Reason: "cold", Approval: &wire.Approval{StaffID: "li-na", PIN: "2468"}}
	_, err := c.Refund(t.Context(), "key-1", "pi1", req)
	nothingKept(t, s, err, "2468")

	// Tried again after the failure: the same key, and the answer.
	s.outcomes = []func(Request) (Response, error){answer(200, wire.Intent{ID: "pi1", Status: wire.IntentPartiallyRefunded})}
	got, err := c.Refund(t.Context(), "key-1", "pi1", req)
	if err != nil || got.Status != wire.IntentPartiallyRefunded {
		t.Fatalf("got %+v, %v; want the refunded payment", got, err)
	}
	for i, r := range s.sent {
		if r.Key != "key-1" || r.Path != "/api/intents/pi1/refund" {
			t.Errorf("send %d: got %s with key %q, want /api/intents/pi1/refund with key-1", i, r.Path, r.Key)
		}
	}
}

// TestRefundCashNeverStored checks a cash refund is sent like a payment's
// refund: under the caller's key, again after a network failure, never
// written to the outbox, and answered with the order.
func TestRefundCashNeverStored(t *testing.T) {
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr}}
	c := newTestClient(s)
	req := wire.RefundRequest{RefundID: "r1", Amount: money.New(500, "CNY"), Reason: "cold", Approval: &wire.Approval{StaffID: "li-na", PIN: "2468"}}
	_, err := c.RefundCash(t.Context(), "key-1", "o1", "t1", req)
	nothingKept(t, s, err, "2468")

	refunded := wire.Order{ID: "o1", Tenders: []wire.Tender{{ID: "t1", Kind: wire.TenderCash, Amount: money.New(1800, "CNY"), Refunded: money.New(500, "CNY")}}}
	s.outcomes = []func(Request) (Response, error){answer(200, refunded)}
	got, err := c.RefundCash(t.Context(), "key-1", "o1", "t1", req)
	if err != nil || len(got.Tenders) != 1 || got.Tenders[0].Refunded.Minor != 500 {
		t.Fatalf("got %+v, %v; want the order with ¥5.00 refunded from its tender", got, err)
	}
	for i, r := range s.sent {
		if r.Key != "key-1" || r.Method != "POST" || r.Path != "/api/orders/o1/tenders/t1/refund" {
			t.Errorf("send %d: got %s %s with key %q, want POST /api/orders/o1/tenders/t1/refund with key-1", i, r.Method, r.Path, r.Key)
		}
	}
}

// TestWalletCredential checks the wallet page's calls carry the device
// credential and no idempotency key (the server answers a payer's retry
// with the same payment).
func TestWalletCredential(t *testing.T) {
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(200, wire.Intent{ID: "pi1", Status: wire.IntentSucceeded})}}
	c := newTestClient(s)
	if _, err := c.PayWallet(t.Context(), "tok", "cred-1", wire.PayWalletRequest{Tip: money.New(0, "CNY")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Confirm(t.Context(), "cred-1", "pi1", true); err != nil {
		t.Fatal(err)
	}
	for i, r := range s.sent {
		if r.Wallet != "cred-1" || !r.Mutation || r.Key != "" {
			t.Errorf("send %d (%s): got wallet %q mutation %v key %q, want cred-1, true, none", i, r.Path, r.Wallet, r.Mutation, r.Key)
		}
	}
}
