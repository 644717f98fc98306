package ledger

import (
	"errors"
	"fmt"
	"math/bits"
	"time"

	"qrpos/internal/money"
)

// Reasons a partial reversal is refused.
var (
	ErrBadAmount          = errors.New("ledger: amount to reverse must be positive")
	ErrNotReversalOf      = errors.New("ledger: prior entry does not reverse this entry")
	ErrNotInEntry         = errors.New("ledger: account is not posted in this entry")
	ErrWrongSide          = errors.New("ledger: account is on the other side of the entry")
	ErrOverReversed       = errors.New("ledger: entry is already reversed past zero")
	ErrExceedsOutstanding = errors.New("ledger: amount exceeds what is left to reverse")
)

// Outstanding returns what is left of e after the reversals in prior: e's
// postings, in e's order, each plus whatever prior posted to the same
// account in the same currency. A posting fully reversed is kept with
// amount zero. e and every entry in prior must be valid (see Validate);
// every entry in prior must name e in Reverses and post only to e's
// accounts, and no posting may be reversed past zero.
//
// The server loads prior from the store (the entries whose Reverses is
// e.ID) in the same transaction that commits the new reversal, so two
// refunds cannot both take the last of a payment.
func Outstanding(e Entry, prior []Entry) ([]Posting, error) {
	if err := Validate(e); err != nil {
		return nil, err
	}
	type key struct{ account, currency string }
	out := make([]Posting, len(e.Postings))
	index := make(map[key]int, len(e.Postings))
	for i, p := range e.Postings {
		out[i] = p
		index[key{p.Account, p.Amount.Currency}] = i
	}
	for _, r := range prior {
		if r.Reverses != e.ID {
			return nil, fmt.Errorf("%w: %q reverses %q, not %q", ErrNotReversalOf, r.ID, r.Reverses, e.ID)
		}
		if err := Validate(r); err != nil {
			return nil, err
		}
		for _, p := range r.Postings {
			i, ok := index[key{p.Account, p.Amount.Currency}]
			if !ok {
				return nil, fmt.Errorf("%w: %q posts %s in %s", ErrNotInEntry, r.ID, p.Account, p.Amount.Currency)
			}
			s, ok := money.AddInt(out[i].Amount.Minor, p.Amount.Minor)
			if !ok {
				return nil, fmt.Errorf("%w: %s", ErrOverflow, p.Account)
			}
			out[i].Amount.Minor = s
		}
	}
	for i, p := range out {
		orig := e.Postings[i].Amount.Minor
		if (orig > 0 && p.Amount.Minor < 0) || (orig < 0 && p.Amount.Minor > 0) {
			return nil, fmt.Errorf("%w: %s left at %d %s", ErrOverReversed, p.Account, p.Amount.Minor, p.Amount.Currency)
		}
	}
	return out, nil
}

// ReversePartial returns an entry reversing amount of e, spread over every
// posting of e in amount's currency in proportion to what is outstanding
// on it after prior (see Outstanding). Use it to refund part of a payment
// that was split, e.g. between revenue and tips: each account gives back
// its share.
//
// amount is measured on the debit side: for a 35.00 payment debiting a
// wallet 35.00 and crediting revenue 30.00 and tips 5.00, reversing 7.00
// credits the wallet 7.00 and debits revenue 6.00 and tips 1.00. When the
// shares are not whole minor units, each side is rounded by the largest
// remainder method (ties go to the earlier posting), so each side sums to
// exactly amount and no posting is reversed past zero. Reversing all that
// is outstanding, in one go or in several, leaves every posting at zero.
// Postings in other currencies are left alone.
//
// The result has kind KindReversal (set Kind to KindRefund if that is what
// it records), e's store and Ref, Reverses = e.ID, and omits accounts whose
// share is zero.
func ReversePartial(e Entry, prior []Entry, id string, at time.Time, amount money.Amount) (Entry, error) {
	if amount.Minor <= 0 {
		return Entry{}, fmt.Errorf("%w: %d", ErrBadAmount, amount.Minor)
	}
	left, err := Outstanding(e, prior)
	if err != nil {
		return Entry{}, err
	}
	var debits, credits []int // indexes into left
	var debitTotal, creditTotal int64
	for i, p := range left {
		if p.Amount.Currency != amount.Currency || p.Amount.Minor == 0 {
			continue
		}
		var ok bool
		if p.Amount.Minor > 0 {
			debits = append(debits, i)
			debitTotal, ok = money.AddInt(debitTotal, p.Amount.Minor)
		} else {
			credits = append(credits, i)
			creditTotal, ok = money.AddInt(creditTotal, -p.Amount.Minor)
		}
		if !ok {
			return Entry{}, fmt.Errorf("%w: outstanding %s", ErrOverflow, amount.Currency)
		}
	}
	if amount.Minor > debitTotal || amount.Minor > creditTotal {
		return Entry{}, fmt.Errorf("%w: %d %s asked, %d outstanding", ErrExceedsOutstanding, amount.Minor, amount.Currency, min(debitTotal, creditTotal))
	}
	shares := make([]int64, len(left))
	apportion(left, debits, debitTotal, amount.Minor, shares)
	apportion(left, credits, creditTotal, amount.Minor, shares)
	var ps []Posting
	for i, p := range left {
		if shares[i] == 0 {
			continue
		}
		minor := -shares[i] // undo a debit
		if p.Amount.Minor < 0 {
			minor = shares[i] // undo a credit
		}
		ps = append(ps, Posting{Account: p.Account, Amount: money.Amount{Minor: minor, Currency: p.Amount.Currency}})
	}
	return reversalOf(e, id, at, ps), nil
}

// apportion splits amount (0 < amount <= total) over the postings left[i]
// for i in idx, whose absolute amounts sum to total, in proportion to those
// amounts, writing each share into shares[i]. Largest remainder rounding
// makes the shares sum to amount with each share at most its posting.
func apportion(left []Posting, idx []int, total, amount int64, shares []int64) {
	rems := make([]uint64, len(idx))
	var given int64
	for j, i := range idx {
		w := uint64(abs(left[i].Amount.Minor))
		// w*amount < total*2^64 because w <= total, so Div64 cannot panic.
		hi, lo := bits.Mul64(w, uint64(amount))
		q, r := bits.Div64(hi, lo, uint64(total))
		shares[i] = int64(q) // q <= w, fits
		rems[j] = r
		given += int64(q)
	}
	// Fewer than len(idx) units are left; hand them to the largest
	// remainders, earlier postings first on ties.
	for leftover := amount - given; leftover > 0; leftover-- {
		best := -1
		for j := range idx {
			if rems[j] > 0 && (best < 0 || rems[j] > rems[best]) {
				best = j
			}
		}
		shares[idx[best]]++
		rems[best] = 0
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// ReversePair returns an entry reversing amount of e along two of its
// accounts only: debit, an account e debited, is credited amount back, and
// credit, an account e credited, is debited amount back. Use it when a
// refund must come out of one account, e.g. revenue but not tips. Both
// accounts must still have amount outstanding after prior (see
// Outstanding). The result is shaped as for ReversePartial.
func ReversePair(e Entry, prior []Entry, id string, at time.Time, debit, credit string, amount money.Amount) (Entry, error) {
	if amount.Minor <= 0 {
		return Entry{}, fmt.Errorf("%w: %d", ErrBadAmount, amount.Minor)
	}
	left, err := Outstanding(e, prior)
	if err != nil {
		return Entry{}, err
	}
	find := func(account string, wantDebit bool) error {
		for i, p := range left {
			if p.Account != account || p.Amount.Currency != amount.Currency {
				continue
			}
			if isDebit := e.Postings[i].Amount.Minor > 0; isDebit != wantDebit {
				return fmt.Errorf("%w: %s", ErrWrongSide, account)
			}
			if abs(p.Amount.Minor) < amount.Minor {
				return fmt.Errorf("%w: %d %s asked of %s, %d outstanding", ErrExceedsOutstanding, amount.Minor, amount.Currency, account, abs(p.Amount.Minor))
			}
			return nil
		}
		return fmt.Errorf("%w: %s in %s", ErrNotInEntry, account, amount.Currency)
	}
	if err := find(debit, true); err != nil {
		return Entry{}, err
	}
	if err := find(credit, false); err != nil {
		return Entry{}, err
	}
	return reversalOf(e, id, at, []Posting{
		{Account: debit, Amount: money.Amount{Minor: -amount.Minor, Currency: amount.Currency}},
		{Account: credit, Amount: money.Amount{Minor: amount.Minor, Currency: amount.Currency}},
	}), nil
}

func reversalOf(e Entry, id string, at time.Time, ps []Posting) Entry {
	return Entry{ID: id, StoreID: e.StoreID, Kind: KindReversal, Ref: e.Ref, Postings: ps, At: at, Reverses: e.ID}
}
