package diner

import (
	"slices"
	"strings"

	"qrpos/app/choice"
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

// cartLine makes the cart line of item with the options chosen and note.
func cartLine(s choice.Selection, item wire.Item, groups []wire.ModifierGroup, qty int, note string) CartLine {
	l := CartLine{ItemID: item.ID, Name: item.Name, Qty: qty, Note: strings.TrimSpace(note), Unit: s.UnitPrice(item, groups)}
	for _, m := range s.Modifiers(groups) {
		l.ModifierIDs = append(l.ModifierIDs, m.ID)
		l.Modifiers = append(l.Modifiers, m.Name)
	}
	return l
}
