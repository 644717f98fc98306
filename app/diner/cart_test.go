package diner

import (
	"reflect"
	"testing"

	"qrpos/app/choice"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func TestCart(t *testing.T) {
	n := 0
	newID := func() string { n++; return "sub-" + string(rune('0'+n)) }
	tea := CartLine{ItemID: "tea", Name: "Tea", Qty: 1, Unit: money.New(1500, "CNY")}
	hot := CartLine{ItemID: "tofu", Name: "Tofu", Qty: 2, ModifierIDs: []string{"spice-hot"}, Unit: money.New(3200, "CNY")}
	c := Cart{}.Add(tea, newID).Add(hot, newID).Add(tea, newID)
	if c.SubmissionID != "sub-1" || len(c.Lines) != 2 || c.Lines[0].Qty != 2 || c.Count() != 4 {
		t.Fatalf("cart = %+v; want one id, tea ×2 and tofu ×2", c)
	}
	if got := c.Total("CNY"); got.Minor != 2*1500+2*3200 {
		t.Errorf("total = %d", got.Minor)
	}
	mild := hot
	mild.ModifierIDs = []string{"spice-mild"}
	if c2 := c.Add(mild, newID); len(c2.Lines) != 3 || len(c.Lines) != 2 {
		t.Errorf("other options make another line, without changing the old cart: %d, %d", len(c2.Lines), len(c.Lines))
	}
	// The same dish added after a price change is a line of its own,
	// carrying the menu version its price was read from.
	dearer := tea
	dearer.Unit, dearer.MenuVersion = money.New(2000, "CNY"), 7
	if c3 := c.Add(dearer, newID); len(c3.Lines) != 3 || c3.Lines[0].Unit.Minor != 1500 || *c3.Request().Lines[2].MenuVersion != 7 {
		t.Errorf("tea at a new price: lines %+v; want a third line at 2000 of version 7, the first kept at 1500", c3.Lines)
	}
	c = c.Change(0, -2)
	if len(c.Lines) != 1 || c.Lines[0].ItemID != "tofu" {
		t.Errorf("tea to 0 leaves the cart: %+v", c.Lines)
	}
	c = c.Change(0, 500)
	if c.Lines[0].Qty != MaxQty {
		t.Errorf("qty capped at %d, got %d", MaxQty, c.Lines[0].Qty)
	}
	r := c.Request()
	if r.ID != "sub-1" || len(r.Lines) != 1 || r.Lines[0].Qty != MaxQty || r.Lines[0].ModifierIDs[0] != "spice-hot" {
		t.Errorf("request = %+v", r)
	}
}

func TestCartLine(t *testing.T) {
	extras := wire.ModifierGroup{ID: "extras", Name: "Extras", Max: 2, Modifiers: []wire.Modifier{
		{ID: "egg", Name: "Egg", Price: money.New(300, "CNY")}, {ID: "rice", Name: "Rice", Price: money.New(200, "CNY")}}}
	s := choice.Selection{}.Toggle(extras, "rice").Toggle(extras, "egg")
	it := wire.Item{ID: "tofu", Name: "Tofu", Price: money.New(3200, "CNY")}
	l := cartLine(s, it, []wire.ModifierGroup{extras}, 2, "  no MSG ")
	want := CartLine{ItemID: "tofu", Name: "Tofu", Qty: 2, Note: "no MSG", Unit: money.New(3200+300+200, "CNY"),
		ModifierIDs: []string{"egg", "rice"}, Modifiers: []string{"Egg", "Rice"}}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("line = %+v, want %+v (options in menu order, note trimmed)", l, want)
	}
}
