package diner

import (
	"testing"

	"qrpos/app/i18n"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func TestBillTip(t *testing.T) {
	cny := func(m int64) money.Amount { return money.New(m, "CNY") }
	tests := []struct {
		name   string
		share  money.Amount
		choice string
		typed  string
		want   money.Amount
		bp     int
		amount int64
		ok     bool
	}{
		{"none", cny(3750), BillTipNone, "", cny(0), 0, 0, true},
		{"10 percent", cny(3750), BillTip10, "", cny(375), 1000, 0, true},
		{"15 percent rounds half up", cny(3750), BillTip15, "", cny(563), 1500, 0, true}, // 562.5
		{"10 percent of 37.54", cny(3754), BillTip10, "", cny(375), 1000, 0, true},       // 375.4
		{"typed", cny(3750), BillTipAmount, "5.5", cny(550), 0, 550, true},
		{"typed empty", cny(3750), BillTipAmount, " ", cny(0), 0, 0, true},
		{"typed garbage", cny(3750), BillTipAmount, "lots", cny(0), 0, 0, false},
		{"typed over the share", cny(3750), BillTipAmount, "37.51", cny(0), 0, 0, false},
	}
	for _, tt := range tests {
		got, req, ok := BillTip(tt.share, tt.choice, tt.typed)
		var amount int64
		if req.Tip != nil {
			amount = req.Tip.Minor
		}
		if got != tt.want || ok != tt.ok || req.TipBP != tt.bp || amount != tt.amount {
			t.Errorf("%s: got %v %+v %v, want %v bp %d amount %d ok %v", tt.name, got, req, ok, tt.want, tt.bp, tt.amount, tt.ok)
		}
	}
}

func TestShareLabel(t *testing.T) {
	tests := []struct {
		sh   wire.Share
		lang i18n.Lang
		want string
	}{
		{wire.Share{Kind: wire.ShareEqual, Position: 1, Parts: 2}, i18n.En, "Share 1 of 2"},
		{wire.Share{Kind: wire.ShareEqual, Position: 3, Parts: 7}, i18n.Zh, "第 3 份，共 7 份"},
		{wire.Share{Kind: wire.ShareEqual, Position: 1, Parts: 1}, i18n.En, "Whole bill"},
		{wire.Share{Kind: wire.ShareItems, Parts: 1}, i18n.En, "Items"},
		{wire.Share{Kind: wire.ShareRest, Parts: 1}, i18n.Zh, "其余部分"},
	}
	for _, tt := range tests {
		if got := ShareLabel(tt.lang, tt.sh); got != tt.want {
			t.Errorf("ShareLabel(%s, %+v) = %q, want %q", tt.lang, tt.sh, got, tt.want)
		}
	}
}

func TestTakenLines(t *testing.T) {
	b := wire.Bill{Shares: []wire.Share{
		{Kind: wire.ShareItems, Status: wire.SharePaid, LineIDs: []string{"l1"}},
		{Kind: wire.ShareItems, Status: wire.SharePaying, LineIDs: []string{"l2"}},
		{Kind: wire.ShareItems, Status: wire.ShareOpen, LineIDs: []string{"l3"}},
		{Kind: wire.ShareRest, Status: wire.SharePaid},
	}}
	got := TakenLines(b)
	if len(got) != 2 || !got["l1"] || !got["l2"] {
		t.Errorf("TakenLines = %v, want l1 and l2", got)
	}
}
