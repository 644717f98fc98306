package diner

import (
	"slices"
	"strconv"
	"strings"

	"qrpos/app/i18n"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// Cart is what a diner has picked but not sent yet. It is kept per table
// session in localStorage (go-app state, persisted), so a reload or a lost
// connection does not lose it. SubmissionID names the send: it is made
// with the first dish and kept until the server took the cart, so a retry
// after a failure is the same submission.
type Cart struct {
	SubmissionID string     `json:"submission_id"`
	Lines        []CartLine `json:"lines"`
	// Queued is set when the cart was handed to the outbox but no answer
	// came: it is locked until the outbox delivers it.
	Queued bool `json:"queued,omitempty"`
}

// CartLine is one dish in the cart with its options.
type CartLine struct {
	ItemID      string       `json:"item_id"`
	Name        string       `json:"name"`
	Qty         int          `json:"qty"`
	ModifierIDs []string     `json:"modifier_ids,omitempty"`
	Modifiers   []string     `json:"modifiers,omitempty"` // names, for display
	Note        string       `json:"note,omitempty"`
	Unit        money.Amount `json:"unit"` // item plus options
	// MenuVersion is the menu version Unit was read from: the server
	// charges that version's prices.
	MenuVersion int64 `json:"menu_version,omitempty"`
}

// same reports whether l and o are the same dish with the same options at
// the same price: a dish added again after a price change is a line of its
// own, so the first keeps the price the diner saw.
func (l CartLine) same(o CartLine) bool {
	return l.ItemID == o.ItemID && slices.Equal(l.ModifierIDs, o.ModifierIDs) && l.Note == o.Note &&
		l.Unit == o.Unit && l.MenuVersion == o.MenuVersion
}

// Add puts a dish in the cart, adding to a line of the same dish and
// options (up to the most a line may hold).
func (c Cart) Add(l CartLine, newID func() string) Cart {
	out := c.clone()
	if out.SubmissionID == "" {
		out.SubmissionID = newID()
	}
	for i := range out.Lines {
		if out.Lines[i].same(l) {
			out.Lines[i].Qty = min(out.Lines[i].Qty+l.Qty, MaxQty)
			return out
		}
	}
	out.Lines = append(out.Lines, l)
	return out
}

// MaxQty is the most of one dish a line may hold (the server's limit).
const MaxQty = 99

// Change adds delta to line i's quantity; a line at 0 leaves the cart.
func (c Cart) Change(i, delta int) Cart {
	out := c.clone()
	if i < 0 || i >= len(out.Lines) {
		return out
	}
	q := out.Lines[i].Qty + delta
	switch {
	case q <= 0:
		out.Lines = slices.Delete(out.Lines, i, i+1)
	default:
		out.Lines[i].Qty = min(q, MaxQty)
	}
	return out
}

// Count is the number of dishes.
func (c Cart) Count() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Qty
	}
	return n
}

// Total is the cart's price at the menu's prices.
func (c Cart) Total(currency string) money.Amount {
	t := money.New(0, currency)
	for _, l := range c.Lines {
		t.Minor += l.Unit.Minor * int64(l.Qty)
	}
	return t
}

// Request is the submission the cart makes.
func (c Cart) Request() wire.SubmitRequest {
	r := wire.SubmitRequest{ID: c.SubmissionID}
	for _, l := range c.Lines {
		r.Lines = append(r.Lines, wire.SubmitLine{ItemID: l.ItemID, Qty: l.Qty, ModifierIDs: l.ModifierIDs, Note: l.Note, MenuVersion: &l.MenuVersion})
	}
	return r
}

func (c Cart) clone() Cart {
	out := c
	out.Lines = slices.Clone(c.Lines)
	return out
}

// Selection is the options chosen in the dish dialog: modifier ids by
// group id.
type Selection map[string][]string

// Toggle chooses or un-chooses mod of group g (s is not changed). A group
// of at most one behaves like radio buttons; a full group refuses more.
func (s Selection) Toggle(g wire.ModifierGroup, mod string) Selection {
	out := make(Selection, len(s)+1)
	for k, v := range s {
		out[k] = slices.Clone(v)
	}
	cur := out[g.ID]
	if i := slices.Index(cur, mod); i >= 0 {
		out[g.ID] = slices.Delete(cur, i, i+1)
		return out
	}
	switch {
	case g.Max == 1:
		out[g.ID] = []string{mod}
	case g.Max > 0 && len(cur) >= g.Max:
	default:
		out[g.ID] = append(cur, mod)
	}
	return out
}

// Chosen reports whether mod of group g is chosen.
func (s Selection) Chosen(g, mod string) bool { return slices.Contains(s[g], mod) }

// Problem says, in the diner's language, what keeps the dish from the
// cart, or "" when every group has between Min and Max choices.
func (s Selection) Problem(groups []wire.ModifierGroup, l i18n.Lang) string {
	for _, g := range groups {
		n := len(s[g.ID])
		switch {
		case n < g.Min:
			return i18n.Text{En: "Choose " + strconv.Itoa(g.Min) + " for " + g.Name + ".", Zh: "请为「" + g.Name + "」选择 " + strconv.Itoa(g.Min) + " 项。"}.In(l)
		case g.Max > 0 && n > g.Max:
			return i18n.Text{En: "Choose at most " + strconv.Itoa(g.Max) + " for " + g.Name + ".", Zh: "「" + g.Name + "」最多选 " + strconv.Itoa(g.Max) + " 项。"}.In(l)
		}
	}
	return ""
}

// Rule describes a group's limits.
func Rule(g wire.ModifierGroup, l i18n.Lang) string {
	switch {
	case g.Min == 0 && g.Max == 0:
		return i18n.Text{En: "optional", Zh: "可选"}.In(l)
	case g.Min == 0:
		return i18n.Text{En: "optional, up to " + strconv.Itoa(g.Max), Zh: "可选，最多 " + strconv.Itoa(g.Max) + " 项"}.In(l)
	case g.Min == g.Max:
		return i18n.Text{En: "choose " + strconv.Itoa(g.Min), Zh: "必选 " + strconv.Itoa(g.Min) + " 项"}.In(l)
	case g.Max == 0:
		return i18n.Text{En: "choose at least " + strconv.Itoa(g.Min), Zh: "至少选 " + strconv.Itoa(g.Min) + " 项"}.In(l)
	}
	return i18n.Text{En: "choose " + strconv.Itoa(g.Min) + " to " + strconv.Itoa(g.Max), Zh: "选 " + strconv.Itoa(g.Min) + "–" + strconv.Itoa(g.Max) + " 项"}.In(l)
}

// Line makes the cart line of item with the selection and note.
func (s Selection) Line(item wire.Item, groups []wire.ModifierGroup, qty int, note string) CartLine {
	l := CartLine{ItemID: item.ID, Name: item.Name, Qty: qty, Note: strings.TrimSpace(note), Unit: item.Price}
	for _, g := range groups {
		for _, m := range g.Modifiers {
			if s.Chosen(g.ID, m.ID) {
				l.ModifierIDs = append(l.ModifierIDs, m.ID)
				l.Modifiers = append(l.Modifiers, m.Name)
				if m.Price.Currency == l.Unit.Currency {
					l.Unit.Minor += m.Price.Minor
				}
			}
		}
	}
	return l
}

// groupsOf returns the modifier groups of item, in the item's order.
func groupsOf(m wire.Menu, item wire.Item) []wire.ModifierGroup {
	var out []wire.ModifierGroup
	for _, id := range item.ModifierGroups {
		for _, g := range m.ModifierGroups {
			if g.ID == id {
				out = append(out, g)
			}
		}
	}
	return out
}
