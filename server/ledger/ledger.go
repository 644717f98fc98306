// Package ledger is QRPOS's double-entry bookkeeping: entries made of
// postings that sum to zero per currency, their validation, reversal as a
// pure function, and the balance fold and reconciliation check the server
// runs at close-out. It does no I/O; the store persists what it produces.
//
// # Sign convention
//
// A posting's amount is positive for a debit and negative for a credit.
// Every entry's postings sum to zero in each currency, so the sum of all
// postings ever made is zero in each currency too.
//
// # Accounts
//
// Accounts are strings of colon-separated segments. Ids used inside them
// must not contain ':' or whitespace. The server uses:
//
//	wallet:<member>                stored value owed to a member (liability: credit balance)
//	store:<id>:revenue             sales (income: credit balance)
//	store:<id>:tips                tips owed to staff (liability: credit balance)
//	store:<id>:refunds             refunds given (contra-revenue: debit balance)
//	store:<id>:cash_drawer         cash in the drawer (asset: debit balance)
//	store:<id>:clearing:<rail>     money a rail owes the store until it settles (asset: debit balance)
//
// The functions Wallet, Revenue, Tips, Refunds, CashDrawer and Clearing
// build them. For example a 35.00 CNY wallet payment with a 5.00 tip is
//
//	wallet:m1          +3500
//	store:s1:revenue   -3000
//	store:s1:tips       -500
//
// # Corrections
//
// The ledger is append only. A mistake, a void or a refund is recorded by
// a new entry that reverses all (Reverse) or part (ReversePartial,
// ReversePair) of the original and names it in Reverses.
package ledger

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qrpos/internal/money"
)

// Kind says what an entry records. Kinds are lowercase words with
// underscores; the constants are the ones the server uses, and Validate
// accepts any well-formed kind so that a new one needs no change here.
type Kind string

// Kinds of entries.
const (
	KindTopup      Kind = "topup"       // money into a member's wallet
	KindCharge     Kind = "charge"      // a payment by a rail (wallet, WeChat, ...)
	KindCashSale   Kind = "cash_sale"   // a payment in cash
	KindRefund     Kind = "refund"      // money given back, partially or fully
	KindCashRefund Kind = "cash_refund" // cash given back from a cash payment
	KindReversal   Kind = "reversal"    // the exact or partial negation of an earlier entry
	KindAdjustment Kind = "adjustment"  // a manager's correction, e.g. after a cash count
)

// Entry is one balanced bookkeeping event.
type Entry struct {
	ID      string
	StoreID string
	Kind    Kind
	// Ref is the id of what the entry records: a payment intent, an order
	// or a tender.
	Ref      string
	Postings []Posting
	At       time.Time
	// Reverses is the id of the entry this one reverses, or "".
	Reverses string
	// By is the member of staff who took the money at a till (a top-up
	// against cash), or "".
	By string
}

// Posting moves Amount into (positive, a debit) or out of (negative, a
// credit) Account.
type Posting struct {
	Account string
	Amount  money.Amount
}

// Account names. See the package documentation for what each holds.

// Wallet returns the account of a member's stored value.
func Wallet(member string) string { return "wallet:" + member }

// Revenue returns a store's revenue account.
func Revenue(store string) string { return "store:" + store + ":revenue" }

// Tips returns a store's tips account.
func Tips(store string) string { return "store:" + store + ":tips" }

// Refunds returns a store's refunds (contra-revenue) account.
func Refunds(store string) string { return "store:" + store + ":refunds" }

// CashDrawer returns a store's cash drawer account.
func CashDrawer(store string) string { return "store:" + store + ":cash_drawer" }

// Clearing returns the account holding what rail owes a store.
func Clearing(store, rail string) string { return "store:" + store + ":clearing:" + rail }

// Reasons Validate refuses an entry. A *ValidationError wraps every one
// that applies, so errors.Is finds each.
var (
	ErrNoID             = errors.New("ledger: entry has no id")
	ErrBadKind          = errors.New("ledger: entry kind is not a lowercase word")
	ErrTooFewPostings   = errors.New("ledger: entry has fewer than two postings")
	ErrEmptyAccount     = errors.New("ledger: posting has no account")
	ErrBadAccount       = errors.New("ledger: account has whitespace or an empty segment")
	ErrBadCurrency      = errors.New("ledger: currency is not three capital letters")
	ErrZeroPosting      = errors.New("ledger: posting of zero")
	ErrUnreversible     = errors.New("ledger: posting of the smallest int64 cannot be reversed")
	ErrDuplicateAccount = errors.New("ledger: account posted twice in one currency")
	ErrUnbalanced       = errors.New("ledger: postings do not sum to zero")
	ErrOverflow         = errors.New("ledger: sum overflows int64")
	ErrSelfReversal     = errors.New("ledger: entry reverses itself")
	ErrReversalTarget   = errors.New("ledger: reversal names no entry it reverses")
)

// ValidationError lists every problem Validate found in one entry.
type ValidationError struct {
	EntryID  string
	Problems []error
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ledger: invalid entry %q: ", e.EntryID)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.Is(err, ErrUnbalanced) works.
func (e *ValidationError) Unwrap() []error { return e.Problems }

// Validate reports whether e may be committed. It returns nil or a
// *ValidationError listing every problem, each wrapping one of the Err
// values above. An entry must have an id, a well-formed kind and at least
// two postings; every posting a well-formed account, a three-letter
// currency and a non-zero amount; and the postings must sum to zero in
// each currency without overflowing.
//
// An account may appear at most once per currency in an entry: two
// postings to the same place are one posting written twice, and keeping
// entries in that canonical form makes partial reversal along accounts
// unambiguous. The same account in two currencies is allowed.
//
// math.MinInt64 is refused as an amount because it has no negation, and
// every valid entry must have an exact Reverse.
func Validate(e Entry) error {
	var problems []error
	add := func(err error, format string, args ...any) {
		if format == "" {
			problems = append(problems, err)
			return
		}
		problems = append(problems, fmt.Errorf("%w: "+format, append([]any{err}, args...)...))
	}
	if e.ID == "" {
		add(ErrNoID, "")
	}
	if !wellFormedKind(e.Kind) {
		add(ErrBadKind, "%q", e.Kind)
	}
	if e.Reverses != "" && e.Reverses == e.ID {
		add(ErrSelfReversal, "")
	}
	if e.Kind == KindReversal && e.Reverses == "" {
		add(ErrReversalTarget, "")
	}
	if len(e.Postings) < 2 {
		add(ErrTooFewPostings, "%d", len(e.Postings))
	}
	type key struct{ account, currency string }
	seen := make(map[key]bool, len(e.Postings))
	sums := make(map[string]int64)
	var currencies []string // in order of first appearance, for stable messages
	overflowed := make(map[string]bool)
	for i, p := range e.Postings {
		switch {
		case p.Account == "":
			add(ErrEmptyAccount, "posting %d", i)
		case !wellFormedAccount(p.Account):
			add(ErrBadAccount, "posting %d: %q", i, p.Account)
		}
		if !wellFormedCurrency(p.Amount.Currency) {
			add(ErrBadCurrency, "posting %d: %q", i, p.Amount.Currency)
		}
		if p.Amount.Minor == 0 {
			add(ErrZeroPosting, "posting %d to %s", i, p.Account)
		}
		if p.Amount.Minor == minInt64 {
			add(ErrUnreversible, "posting %d to %s", i, p.Account)
		}
		k := key{p.Account, p.Amount.Currency}
		if seen[k] && p.Account != "" {
			add(ErrDuplicateAccount, "%s in %s", p.Account, p.Amount.Currency)
		}
		seen[k] = true
		c := p.Amount.Currency
		if _, ok := sums[c]; !ok {
			currencies = append(currencies, c)
		}
		if overflowed[c] {
			continue
		}
		s, ok := money.AddInt(sums[c], p.Amount.Minor)
		if !ok {
			overflowed[c] = true
			add(ErrOverflow, "in %s at posting %d", c, i)
			continue
		}
		sums[c] = s
	}
	for _, c := range currencies {
		if !overflowed[c] && sums[c] != 0 {
			add(ErrUnbalanced, "%s sums to %d", c, sums[c])
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &ValidationError{EntryID: e.ID, Problems: problems}
}

const minInt64 = -1 << 63

func wellFormedKind(k Kind) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// wellFormedAccount refuses whitespace, control characters, invalid UTF-8
// and empty segments ("store::revenue", a trailing ':'), which are what a
// missing id produces.
func wellFormedAccount(a string) bool {
	if a == "" || a[0] == ':' || a[len(a)-1] == ':' || strings.Contains(a, "::") || !utf8.ValidString(a) {
		return false
	}
	return !strings.ContainsFunc(a, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

func wellFormedCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := range 3 {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// Reverse returns the entry that exactly undoes e: the same postings in the
// same order with their signs flipped, kind KindReversal, the same store
// and Ref, and Reverses set to e.ID. It is pure; for a valid e the result
// is valid and Reverse(Reverse(e)) has e's postings.
func Reverse(e Entry, id string, at time.Time) Entry {
	ps := make([]Posting, len(e.Postings))
	for i, p := range e.Postings {
		ps[i] = Posting{Account: p.Account, Amount: money.Amount{Minor: -p.Amount.Minor, Currency: p.Amount.Currency}}
	}
	return Entry{
		ID:       id,
		StoreID:  e.StoreID,
		Kind:     KindReversal,
		Ref:      e.Ref,
		Postings: ps,
		At:       at,
		Reverses: e.ID,
	}
}
