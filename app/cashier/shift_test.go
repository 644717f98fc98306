package cashier

import (
	"strings"
	"testing"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

func TestShiftShowsCashRefunds(t *testing.T) {
	sh := wire.Shift{ID: "s1", Float: cny(50000), CashSales: cny(12000), CashTopUps: cny(5000), CashRefunds: cny(1500), Expected: cny(65500)}
	p := NewShift(client.New())
	p.loaded, p.shift = true, &sh
	html := load(t, p)
	if !strings.Contains(html, "Cash refunds") || !strings.Contains(tag(html, `data-testid="shift-cash-refunds"`), `data-minor="1500"`) {
		t.Errorf("open shift lacks the cash refunds line of ¥15.00")
	}
	p = NewShift(client.New())
	p.loaded, p.done = true, &sh
	html = load(t, p)
	if !strings.Contains(tag(html, `data-testid="shift-cash-refunds"`), `data-minor="1500"`) {
		t.Errorf("closed shift lacks the cash refunds line of ¥15.00")
	}
}
