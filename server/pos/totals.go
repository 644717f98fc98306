package pos

import "sort"

// Limits on what an order may hold. They keep every sum far from int64
// overflow: MaxPrice × MaxQty × MaxLines × (1 + max tax) < 2^63.
const (
	MaxQty      = 999
	MaxLines    = 200
	MaxPrice    = 1_000_000_000   // minor units on one item or modifier (10 million CNY)
	MaxTaxBP    = 10_000          // 100 %
	MaxNoteLen  = 200             // runes
	MaxAmount   = 100_000_000_000 // minor units in one tender
	maxIDLength = 64
)

// Totals of an order, in minor units of its currency.
type Totals struct {
	// Subtotal is the sum of line totals at menu prices.
	Subtotal int64
	// Tax is the tax in the order: contained in Subtotal when prices include
	// tax, added to it otherwise.
	Tax int64
	// Total is what the guest owes.
	Total int64
	// Paid is the sum of tenders applied.
	Paid int64
	// Due is Total - Paid, never negative.
	Due int64
	// Tips is what was paid on top of the bill, in tips.
	Tips int64
	// TaxByRate breaks Tax down by rate in basis points.
	TaxByRate map[int]int64
}

// UnitPrice is the price of one unit of the line: the item plus modifiers.
func (l Line) UnitPrice() int64 {
	p := l.BasePrice
	for _, m := range l.Modifiers {
		p += m.Price
	}
	return p
}

// Total is the line's price for its quantity.
func (l Line) Total() int64 { return l.UnitPrice() * int64(l.Qty) }

// ComputeTotals is the one place where order totals and tax are computed.
// Tax is computed per rate on the summed line totals (not per line), rounded
// half up, so that splitting an item over lines never changes the tax.
func ComputeTotals(o Order, taxInclusive bool) Totals {
	t := Totals{TaxByRate: map[int]int64{}}
	gross := map[int]int64{}
	for _, l := range o.Lines {
		if l.Pending {
			continue // a diner's line the staff have not accepted
		}
		lt := l.Total()
		t.Subtotal += lt
		gross[l.TaxRateBP] += lt
	}
	rates := make([]int, 0, len(gross))
	for r := range gross {
		rates = append(rates, r)
	}
	sort.Ints(rates)
	for _, r := range rates {
		if r == 0 {
			continue
		}
		var tax int64
		if taxInclusive {
			tax = divRoundHalfUp(gross[r]*int64(r), 10_000+int64(r))
		} else {
			tax = divRoundHalfUp(gross[r]*int64(r), 10_000)
		}
		t.TaxByRate[r] = tax
		t.Tax += tax
	}
	t.Total = t.Subtotal
	if !taxInclusive {
		t.Total += t.Tax
	}
	for _, tn := range o.Tenders {
		if tn.Kind == TenderVoid {
			t.Paid -= tn.Amount
			t.Tips -= tn.Tip
		} else {
			t.Paid += tn.Amount
			t.Tips += tn.Tip
		}
	}
	t.Due = max(t.Total-t.Paid, 0)
	return t
}

// divRoundHalfUp divides non-negative n by positive d, rounding halves up.
func divRoundHalfUp(n, d int64) int64 {
	if n < 0 {
		return -divRoundHalfUp(-n, d)
	}
	return (n + d/2) / d
}
