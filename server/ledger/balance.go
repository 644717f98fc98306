package ledger

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"qrpos/internal/money"
)

// Balances maps an account to its balance in minor units per currency:
// the sum of every posting to it. Debit balances are positive.
type Balances map[string]map[string]int64

// Get returns the balance of account in currency, zero if there is none.
func (b Balances) Get(account, currency string) int64 { return b[account][currency] }

// Apply folds entries into balances. It refuses a balance that would
// overflow int64, naming the entry.
func Apply(entries []Entry) (Balances, error) {
	b := Balances{}
	for _, e := range entries {
		for _, p := range e.Postings {
			byCur := b[p.Account]
			if byCur == nil {
				byCur = map[string]int64{}
				b[p.Account] = byCur
			}
			s, ok := money.AddInt(byCur[p.Amount.Currency], p.Amount.Minor)
			if !ok {
				return nil, fmt.Errorf("%w: balance of %s in %s at entry %q", ErrOverflow, p.Account, p.Amount.Currency, e.ID)
			}
			byCur[p.Amount.Currency] = s
		}
	}
	return b, nil
}

// Problem names a kind of Difference found by Check.
type Problem string

// Problems Check reports. Want and Got in a Difference mean:
const (
	// An entry fails Validate. Detail says why; Want and Got are zero.
	ProblemInvalidEntry Problem = "invalid_entry"
	// Two entries share an id. EntryID is the id.
	ProblemDuplicateID Problem = "duplicate_id"
	// Reversals of EntryID give back more than it posted to Account, or
	// post to an account it did not touch. Want is what EntryID posted,
	// Got minus what the reversals posted (so Got > Want in size).
	ProblemOverReversed Problem = "over_reversed"
	// All postings together do not sum to zero in Currency. Want is 0,
	// Got the sum.
	ProblemUnbalanced Problem = "unbalanced"
	// A running sum overflowed int64 at EntryID; Account is "" for the
	// grand total of Currency. That sum is left out of later checks.
	ProblemOverflow Problem = "overflow"
	// The expected balance of Account in Currency (Want) differs from the
	// sum of its postings (Got).
	ProblemBalance Problem = "balance_mismatch"
)

// Difference is one thing Check found wrong.
type Difference struct {
	Problem  Problem
	EntryID  string
	Account  string
	Currency string
	Want     int64
	Got      int64
	Detail   string
}

// Check is the reconciliation the server runs at close-out and on demand.
// It folds entries and reports, as data, every difference it finds rather
// than the first:
//
//   - each entry that fails Validate, and each repeated entry id;
//   - each posting reversed past zero by the reversals of an entry that
//     is itself among entries (see Outstanding);
//   - each currency in which all postings together do not sum to zero;
//   - if expected is not nil, each account and currency whose expected
//     balance (a missing one counts as zero) differs from its postings.
//     Pass nil to skip that comparison, and an empty Balances to assert
//     that every balance is zero.
//
// Invalid entries are still folded, so the numbers reflect what is stored.
// The differences come in the order above; entry problems in the order of
// entries, the others sorted by account and currency. A nil result means
// the ledger reconciles.
func Check(entries []Entry, expected Balances) []Difference {
	var diffs []Difference
	ids := make(map[string]int, len(entries))
	for i, e := range entries {
		if err := Validate(e); err != nil {
			diffs = append(diffs, Difference{Problem: ProblemInvalidEntry, EntryID: e.ID, Detail: err.Error()})
		}
		if _, dup := ids[e.ID]; dup {
			diffs = append(diffs, Difference{Problem: ProblemDuplicateID, EntryID: e.ID, Detail: fmt.Sprintf("entries %d and %d", ids[e.ID], i)})
			continue
		}
		ids[e.ID] = i
	}
	diffs = append(diffs, overReversed(entries, ids)...)

	type key struct{ account, currency string }
	got := map[key]int64{}
	totals := map[string]int64{}
	overflowed := map[key]bool{}
	for _, e := range entries {
		for _, p := range e.Postings {
			c := p.Amount.Currency
			k := key{p.Account, c}
			if !overflowed[k] {
				if s, ok := money.AddInt(got[k], p.Amount.Minor); ok {
					got[k] = s
				} else {
					overflowed[k] = true
					delete(got, k)
					diffs = append(diffs, Difference{Problem: ProblemOverflow, EntryID: e.ID, Account: p.Account, Currency: c})
				}
			}
			tk := key{"", c}
			if !overflowed[tk] {
				if s, ok := money.AddInt(totals[c], p.Amount.Minor); ok {
					totals[c] = s
				} else {
					overflowed[tk] = true
					delete(totals, c)
					diffs = append(diffs, Difference{Problem: ProblemOverflow, EntryID: e.ID, Currency: c})
				}
			}
		}
	}
	for _, c := range slices.Sorted(maps.Keys(totals)) {
		if totals[c] != 0 {
			diffs = append(diffs, Difference{Problem: ProblemUnbalanced, Currency: c, Got: totals[c]})
		}
	}
	if expected == nil {
		return diffs
	}
	keys := map[key]bool{}
	for k := range got {
		keys[k] = true
	}
	for a, byCur := range expected {
		for c := range byCur {
			keys[key{a, c}] = true
		}
	}
	sorted := slices.SortedFunc(maps.Keys(keys), func(x, y key) int {
		return cmp.Or(cmp.Compare(x.account, y.account), cmp.Compare(x.currency, y.currency))
	})
	for _, k := range sorted {
		if overflowed[k] {
			continue
		}
		want := expected.Get(k.account, k.currency)
		if g := got[k]; g != want {
			diffs = append(diffs, Difference{Problem: ProblemBalance, Account: k.account, Currency: k.currency, Want: want, Got: g})
		}
	}
	return diffs
}

// overReversed reports postings reversed past zero, for the originals
// present in entries (ids maps an id to its first index).
func overReversed(entries []Entry, ids map[string]int) []Difference {
	type key struct{ account, currency string }
	reversed := map[string]map[key]int64{} // original id -> what its reversals posted
	var originals []string
	for _, e := range entries {
		if e.Reverses == "" {
			continue
		}
		if _, ok := ids[e.Reverses]; !ok {
			continue // the original is outside this set; nothing to compare
		}
		m := reversed[e.Reverses]
		if m == nil {
			m = map[key]int64{}
			reversed[e.Reverses] = m
			originals = append(originals, e.Reverses)
		}
		for _, p := range e.Postings {
			k := key{p.Account, p.Amount.Currency}
			s, ok := money.AddInt(m[k], p.Amount.Minor)
			if !ok {
				s = p.Amount.Minor // reported as overflow by the fold
			}
			m[k] = s
		}
	}
	slices.SortFunc(originals, func(a, b string) int { return cmp.Compare(ids[a], ids[b]) })
	var diffs []Difference
	for _, id := range originals {
		posted := map[key]int64{}
		for _, p := range entries[ids[id]].Postings {
			posted[key{p.Account, p.Amount.Currency}] += p.Amount.Minor
		}
		m := reversed[id]
		for _, k := range slices.SortedFunc(maps.Keys(m), func(x, y key) int {
			return cmp.Or(cmp.Compare(x.account, y.account), cmp.Compare(x.currency, y.currency))
		}) {
			orig, back := posted[k], m[k]
			// A reversal must go against the original and not beyond it.
			ok := (orig > 0 && back <= 0 && -back <= orig) ||
				(orig < 0 && back >= 0 && back <= -orig) ||
				back == 0
			if !ok {
				diffs = append(diffs, Difference{Problem: ProblemOverReversed, EntryID: id, Account: k.account, Currency: k.currency, Want: orig, Got: -back})
			}
		}
	}
	return diffs
}
