package ledger

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/money"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

func post(account string, minor int64) Posting { return Posting{Account: account, Amount: cny(minor)} }

// payment is a 35.00 CNY wallet payment with a 5.00 tip.
func payment() Entry {
	return Entry{
		ID: "e1", StoreID: "s1", Kind: KindCharge, Ref: "pi1", At: t0,
		Postings: []Posting{
			post(Wallet("m1"), 3500),
			post(Revenue("s1"), -3000),
			post(Tips("s1"), -500),
		},
	}
}

func TestAccountNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{Wallet("m1"), "wallet:m1"},
		{Revenue("s1"), "store:s1:revenue"},
		{Tips("s1"), "store:s1:tips"},
		{Refunds("s1"), "store:s1:refunds"},
		{CashDrawer("s1"), "store:s1:cash_drawer"},
		{Clearing("s1", "wechat"), "store:s1:clearing:wechat"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	with := func(f func(*Entry)) Entry {
		e := payment()
		f(&e)
		return e
	}
	tests := []struct {
		name  string
		entry Entry
		want  []error // every problem, in order; nil for a valid entry
	}{
		{"valid", payment(), nil},
		{"two postings", with(func(e *Entry) {
			e.Postings = []Posting{post(CashDrawer("s1"), 100), post(Revenue("s1"), -100)}
		}), nil},
		{"two currencies each balanced", with(func(e *Entry) {
			e.Postings = append(e.Postings,
				Posting{Wallet("m1"), money.New(10, "USD")},
				Posting{Revenue("s1"), money.New(-10, "USD")})
		}), nil},
		{"reversal with target", with(func(e *Entry) { e.Kind = KindReversal; e.Reverses = "e0" }), nil},
		{"kind nobody declared yet", with(func(e *Entry) { e.Kind = "gift_card" }), nil},
		{"largest amounts", with(func(e *Entry) {
			e.Postings = []Posting{post("a", math.MaxInt64), post("b", -math.MaxInt64)}
		}), nil},
		{"no id", with(func(e *Entry) { e.ID = "" }), []error{ErrNoID}},
		{"no kind", with(func(e *Entry) { e.Kind = "" }), []error{ErrBadKind}},
		{"kind with capitals", with(func(e *Entry) { e.Kind = "Charge" }), []error{ErrBadKind}},
		{"reverses itself", with(func(e *Entry) { e.Reverses = e.ID }), []error{ErrSelfReversal}},
		{"reversal without target", with(func(e *Entry) { e.Kind = KindReversal }), []error{ErrReversalTarget}},
		{"no postings", with(func(e *Entry) { e.Postings = nil }), []error{ErrTooFewPostings}},
		{"one posting of zero", with(func(e *Entry) { e.Postings = []Posting{post("a", 0)} }), []error{ErrTooFewPostings, ErrZeroPosting}},
		{"zero postings", with(func(e *Entry) { e.Postings = []Posting{post("a", 0), post("b", 0)} }), []error{ErrZeroPosting, ErrZeroPosting}},
		{"unbalanced by one fen", with(func(e *Entry) { e.Postings[2].Amount.Minor = -499 }), []error{ErrUnbalanced}},
		{"balanced only across currencies", with(func(e *Entry) { e.Postings[2].Amount.Currency = "USD" }), []error{ErrUnbalanced, ErrUnbalanced}},
		{"empty account", with(func(e *Entry) { e.Postings[1].Account = "" }), []error{ErrEmptyAccount}},
		{"missing id in account", with(func(e *Entry) { e.Postings[1].Account = Revenue("") }), []error{ErrBadAccount}},
		{"trailing colon", with(func(e *Entry) { e.Postings[1].Account = "wallet:" }), []error{ErrBadAccount}},
		{"space in account", with(func(e *Entry) { e.Postings[1].Account = "store:s 1:revenue" }), []error{ErrBadAccount}},
		{"ideographic space in account", with(func(e *Entry) { e.Postings[1].Account = "wallet:m\u30001" }), []error{ErrBadAccount}},
		{"newline in account", with(func(e *Entry) { e.Postings[1].Account = "wallet:m1\n" }), []error{ErrBadAccount}},
		{"invalid utf-8 in account", with(func(e *Entry) { e.Postings[1].Account = "wallet:\xff" }), []error{ErrBadAccount}},
		{"no currency", with(func(e *Entry) {
			e.Postings = []Posting{{"a", money.New(1, "")}, {"b", money.New(-1, "")}}
		}), []error{ErrBadCurrency, ErrBadCurrency}},
		{"lowercase currency", with(func(e *Entry) {
			e.Postings = []Posting{{"a", money.New(1, "cny")}, {"b", money.New(-1, "cny")}}
		}), []error{ErrBadCurrency, ErrBadCurrency}},
		{"duplicate account", with(func(e *Entry) {
			e.Postings = []Posting{post("a", 1), post("a", 1), post("b", -2)}
		}), []error{ErrDuplicateAccount}},
		{"same account in two currencies", with(func(e *Entry) {
			e.Postings = []Posting{post("a", 1), post("b", -1), {"a", money.New(-1, "USD")}, {"b", money.New(1, "USD")}}
		}), nil},
		{"overflow", with(func(e *Entry) {
			e.Postings = []Posting{post("a", math.MaxInt64), post("b", 1), post("c", math.MinInt64+1), post("d", -1)}
		}), []error{ErrOverflow}},
		{"smallest int64 has no negation", with(func(e *Entry) {
			e.Postings = []Posting{post("a", math.MinInt64), post("b", math.MaxInt64), post("c", 1)}
		}), []error{ErrUnreversible}},
		{"everything wrong at once", Entry{Postings: []Posting{{Amount: money.New(0, "x")}}},
			[]error{ErrNoID, ErrBadKind, ErrTooFewPostings, ErrEmptyAccount, ErrBadCurrency, ErrZeroPosting}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.entry)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != len(tt.want) {
				t.Fatalf("Validate() found %d problems (%v), want %d", len(ve.Problems), err, len(tt.want))
			}
			for i, want := range tt.want {
				if !errors.Is(ve.Problems[i], want) {
					t.Errorf("problem %d: got %v, want %v", i, ve.Problems[i], want)
				}
				if !errors.Is(err, want) {
					t.Errorf("errors.Is(err, %v) = false, want true", want)
				}
			}
			if ve.EntryID != tt.entry.ID {
				t.Errorf("EntryID: got %q, want %q", ve.EntryID, tt.entry.ID)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	e := payment()
	e.Postings[2].Amount.Minor = -499
	e.Postings[1].Account = ""
	got := Validate(e).Error()
	want := `ledger: invalid entry "e1": ledger: posting has no account: posting 1; ledger: postings do not sum to zero: CNY sums to 1`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReverse(t *testing.T) {
	at := t0.Add(time.Hour)
	got := Reverse(payment(), "r1", at)
	want := Entry{
		ID: "r1", StoreID: "s1", Kind: KindReversal, Ref: "pi1", At: at, Reverses: "e1",
		Postings: []Posting{
			post(Wallet("m1"), -3500),
			post(Revenue("s1"), 3000),
			post(Tips("s1"), 500),
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Reverse() mismatch (-want +got):\n%s", diff)
	}
	if err := Validate(got); err != nil {
		t.Errorf("Validate(Reverse()) = %v, want nil", err)
	}
	// Reverse must not share the original's postings.
	orig := payment()
	r := Reverse(orig, "r1", at)
	r.Postings[0].Amount.Minor = 1
	if orig.Postings[0].Amount.Minor != 3500 {
		t.Errorf("Reverse aliased the original's postings")
	}
}

// randomEntry returns a valid entry of 2 to 8 postings in one or two
// currencies, with amounts up to limit in size.
func randomEntry(r *rand.Rand, id string, limit int64) Entry {
	e := Entry{ID: id, StoreID: "s1", Kind: KindCharge, Ref: "ref-" + id, At: t0}
	accounts := r.Perm(12)
	for ci, cur := range []string{"CNY", "USD"}[:1+r.IntN(2)] {
		n := 2 + r.IntN(3)
		for {
			ps := make([]Posting, n)
			var sum int64
			for i := range n - 1 {
				m := 1 + r.Int64N(limit)
				if r.IntN(2) == 0 {
					m = -m
				}
				sum += m
				ps[i] = Posting{fmt.Sprintf("acct:%d", accounts[ci*4+i]), money.New(m, cur)}
			}
			if sum == 0 || sum > limit || sum < -limit {
				continue
			}
			ps[n-1] = Posting{fmt.Sprintf("acct:%d", accounts[ci*4+n-1]), money.New(-sum, cur)}
			e.Postings = append(e.Postings, ps...)
			break
		}
	}
	return e
}

func TestPropertyReverse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		limit := int64(1_000_000)
		if i%2 == 1 {
			limit = math.MaxInt64 / 8 // large amounts, still summable
		}
		e := randomEntry(r, fmt.Sprint("e", i), limit)
		if err := Validate(e); err != nil {
			t.Fatalf("random entry %d is invalid: %v", i, err)
		}
		rev := Reverse(e, "r", t0)
		if err := Validate(rev); err != nil {
			t.Fatalf("Reverse of entry %d is invalid: %v", i, err)
		}
		if diff := cmp.Diff(e.Postings, Reverse(rev, "rr", t0).Postings); diff != "" {
			t.Fatalf("Reverse(Reverse(e)) postings differ from e's (-e +got):\n%s", diff)
		}
		b, err := Apply([]Entry{e, rev})
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		for a, byCur := range b {
			for c, v := range byCur {
				if v != 0 {
					t.Fatalf("entry %d and its reversal leave %s at %d %s, want 0", i, a, v, c)
				}
			}
		}
		if diffs := Check([]Entry{e, rev}, Balances{}); diffs != nil {
			t.Fatalf("Check(e, Reverse(e)) = %v, want nil", diffs)
		}
	}
}

func TestPropertyBalancedStaysBalanced(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var entries []Entry
	for i := range 500 {
		entries = append(entries, randomEntry(r, fmt.Sprint("e", i), 1_000_000_000))
	}
	b, err := Apply(entries)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	total := map[string]int64{}
	for _, byCur := range b {
		for c, v := range byCur {
			total[c] += v
		}
	}
	for c, v := range total {
		if v != 0 {
			t.Errorf("balances sum to %d %s, want 0", v, c)
		}
	}
	if diffs := Check(entries, b); diffs != nil {
		t.Errorf("Check(entries, Apply(entries)) = %v, want nil", diffs)
	}
}

func TestErrorsAreLowercase(t *testing.T) {
	for _, err := range []error{ErrNoID, ErrBadKind, ErrTooFewPostings, ErrEmptyAccount, ErrBadAccount,
		ErrBadCurrency, ErrZeroPosting, ErrUnreversible, ErrDuplicateAccount, ErrUnbalanced, ErrOverflow,
		ErrSelfReversal, ErrReversalTarget, ErrBadAmount, ErrNotReversalOf, ErrNotInEntry, ErrWrongSide,
		ErrOverReversed, ErrExceedsOutstanding} {
		if msg := err.Error(); !strings.HasPrefix(msg, "ledger: ") || strings.ToLower(msg) != msg {
			t.Errorf("got %q, want a lowercase message starting with \"ledger: \"", msg)
		}
	}
}

func BenchmarkLedgerValidate(b *testing.B) {
	e := payment()
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(e); err != nil {
			b.Fatal(err)
		}
	}
}
