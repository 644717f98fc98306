package cashier

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func TestBridgeSummary(t *testing.T) {
	fine := &wire.DeviceStatus{PrinterOnline: true, ScannerConnected: true}
	tests := []struct {
		name      string
		list      []wire.BridgeInfo
		local     client.LocalState
		wantState string
		wantText  string
	}{
		{name: "no bridge", wantState: badgeNone, wantText: "No bridge"},
		{name: "offline", list: []wire.BridgeInfo{{ID: "a"}}, wantState: badgeOffline, wantText: "Bridge offline"},
		{name: "connected", list: []wire.BridgeInfo{{ID: "a", Connected: true, Status: fine}}, wantState: badgeOK, wantText: "Bridge connected"},
		{name: "paper out", list: []wire.BridgeInfo{{ID: "a", Connected: true, Status: &wire.DeviceStatus{PrinterOnline: true, PaperOut: true}}},
			wantState: badgeProblem, wantText: "Printer: paper out"},
		{name: "cover open", list: []wire.BridgeInfo{{ID: "a", Connected: true, Status: &wire.DeviceStatus{PrinterOnline: true, CoverOpen: true}}},
			wantState: badgeProblem, wantText: "Printer: cover open"},
		{name: "printer off", list: []wire.BridgeInfo{{ID: "a", Connected: true, Status: &wire.DeviceStatus{}}},
			wantState: badgeProblem, wantText: "Printer: printer offline"},
		{name: "paper low", list: []wire.BridgeInfo{{ID: "a", Connected: true, Status: &wire.DeviceStatus{PrinterOnline: true, PaperNearEnd: true}}},
			wantState: badgeOK, wantText: "Bridge · paper low"},
		{name: "server lost it, this PC still talks to it", list: []wire.BridgeInfo{{ID: "a"}},
			local:     client.LocalState{Enabled: true, Connected: true, Config: client.LocalConfig{BridgeID: "a"}, Device: fine},
			wantState: badgeOK, wantText: "Bridge connected"},
	}
	for _, tt := range tests {
		state, text := bridgeSummary(tt.list, tt.local)
		if state != tt.wantState || text != tt.wantText {
			t.Errorf("%s: got %s %q, want %s %q", tt.name, state, text, tt.wantState, tt.wantText)
		}
	}
}

func TestReceiptFor(t *testing.T) {
	cny := func(m int64) money.Amount { return money.New(m, "CNY") }
	closed := time.Date(2026, 11, 23, 12, 30, 0, 0, time.UTC)
	o := wire.Order{ID: "o1", Number: 42, TableName: "Table 3", Status: wire.OrderClosed, ClosedAt: &closed, ReceiptPath: "/r/ZGVtbwBvMQ.sig",
		Lines: []wire.Line{{Name: "Kung Pao Chicken", Qty: 2, UnitPrice: cny(3800), Total: cny(7600),
			Modifiers: []wire.LineModifier{{Name: "Hot"}}, Note: "no peanuts"}},
		Totals: wire.Totals{Subtotal: cny(7600), Tax: cny(430), Total: cny(7600), Paid: cny(7600)}}
	store := wire.StoreInfo{Name: "Golden Dragon", Address: "12 Harbour Road"}
	base := wire.ReceiptDoc{Lang: "en", StoreName: "Golden Dragon", StoreAddress: "12 Harbour Road", OrderNumber: 42,
		Table: "Table 3", Cashier: "Wang Wei", Time: closed,
		Lines:    []wire.PrintLine{{Name: "Kung Pao Chicken", Qty: 2, UnitPrice: cny(3800), Modifiers: []string{"Hot"}, Note: "no peanuts", Total: cny(7600)}},
		Subtotal: cny(7600), Tax: cny(430), Total: cny(7600), Footer: "Reprint", ReceiptURL: "https://pos.test/r/ZGVtbwBvMQ.sig"}

	tests := []struct {
		name     string
		tenders  []wire.Tender
		payments []wire.Intent
		want     func(d *wire.ReceiptDoc)
	}{
		{name: "cash", tenders: []wire.Tender{{Kind: wire.TenderCash, Amount: cny(7600), Tendered: cny(10000), Change: cny(2400)}},
			want: func(d *wire.ReceiptDoc) { d.Rail, d.Paid, d.Change = "cash", cny(10000), cny(2400) }},
		{name: "wallet, after a failed try", payments: []wire.Intent{
			{Status: wire.IntentFailed, Rail: "other"},
			{Status: wire.IntentSucceeded, Rail: wire.RailWallet, PayerRef: "wallet ****4821", Amount: cny(7600)},
			{Status: wire.IntentCancelled, Rail: "qr"},
		}, want: func(d *wire.ReceiptDoc) {
			d.Rail, d.PayerRef, d.Paid, d.Change = wire.RailWallet, "wallet ****4821", cny(7600), cny(0)
		}},
	}
	for _, tt := range tests {
		o := o
		o.Tenders = tt.tenders
		want := base
		want.Lines = append([]wire.PrintLine(nil), base.Lines...)
		tt.want(&want)
		got := receiptFor(o, store, "Wang Wei", tt.payments, "https://pos.test/")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: receipt (-want +got):\n%s", tt.name, diff)
		}
	}
}
