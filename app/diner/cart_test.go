package diner

import (
	"testing"

	"qrpos/app/i18n"
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

func TestSelection(t *testing.T) {
	spice := wire.ModifierGroup{ID: "spice", Name: "Spice", Min: 1, Max: 1, Modifiers: []wire.Modifier{{ID: "mild", Name: "Mild"}, {ID: "hot", Name: "Hot"}}}
	extras := wire.ModifierGroup{ID: "extras", Name: "Extras", Max: 2, Modifiers: []wire.Modifier{
		{ID: "egg", Name: "Egg", Price: money.New(300, "CNY")}, {ID: "rice", Name: "Rice", Price: money.New(200, "CNY")}, {ID: "nuts", Name: "Nuts", Price: money.New(200, "CNY")}}}
	groups := []wire.ModifierGroup{spice, extras}
	s := Selection{}
	if s.Problem(groups, i18n.En) == "" || s.Problem(groups, i18n.Zh) == "" {
		t.Fatal("no spice chosen: want a problem in both languages")
	}
	s = s.Toggle(spice, "mild").Toggle(spice, "hot")
	if !s.Chosen("spice", "hot") || s.Chosen("spice", "mild") {
		t.Errorf("a group of one behaves like radio buttons: %v", s)
	}
	s = s.Toggle(extras, "egg").Toggle(extras, "rice").Toggle(extras, "nuts")
	if s.Chosen("extras", "nuts") || s.Problem(groups, i18n.En) != "" {
		t.Errorf("a full group refuses more: %v", s)
	}
	it := wire.Item{ID: "tofu", Name: "Tofu", Price: money.New(3200, "CNY")}
	l := s.Line(it, groups, 2, "  no MSG ")
	if l.Unit.Minor != 3200+300+200 || l.Note != "no MSG" || len(l.ModifierIDs) != 3 || l.Qty != 2 {
		t.Errorf("line = %+v", l)
	}
}
