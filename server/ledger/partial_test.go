package ledger

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/money"
)

func reversal(id string, ps ...Posting) Entry {
	return Entry{ID: id, StoreID: "s1", Kind: KindReversal, Ref: "pi1", At: t0, Reverses: "e1", Postings: ps}
}

// split3 is 1.00 paid by a wallet and split evenly-ish over three accounts.
func split3() Entry {
	return Entry{
		ID: "e1", StoreID: "s1", Kind: KindCharge, Ref: "pi1", At: t0,
		Postings: []Posting{post("w", 100), post("a", -34), post("b", -33), post("c", -33)},
	}
}

func TestReversePartial(t *testing.T) {
	tests := []struct {
		name    string
		entry   Entry
		prior   []Entry
		amount  money.Amount
		want    []Posting
		wantErr error
	}{
		{
			name: "tip keeps its share", entry: payment(), amount: cny(700),
			want: []Posting{post(Wallet("m1"), -700), post(Revenue("s1"), 600), post(Tips("s1"), 100)},
		},
		{
			name: "everything", entry: payment(), amount: cny(3500),
			want: Reverse(payment(), "r", t0).Postings,
		},
		{
			name: "one fen goes to the largest share", entry: payment(), amount: cny(1),
			want: []Posting{post(Wallet("m1"), -1), post(Revenue("s1"), 1)},
		},
		{
			name: "rounding by largest remainder", entry: split3(), amount: cny(50),
			// exact shares 17, 16.5, 16.5: the tie goes to the earlier posting
			want: []Posting{post("w", -50), post("a", 17), post("b", 17), post("c", 16)},
		},
		{
			name: "what is left after a prior reversal", entry: payment(), amount: cny(2800),
			prior: []Entry{reversal("r1", post(Wallet("m1"), -700), post(Revenue("s1"), 600), post(Tips("s1"), 100))},
			want:  []Posting{post(Wallet("m1"), -2800), post(Revenue("s1"), 2400), post(Tips("s1"), 400)},
		},
		{
			name: "after the tip was refunded alone", entry: payment(), amount: cny(1000),
			prior: []Entry{reversal("r1", post(Wallet("m1"), -500), post(Tips("s1"), 500))},
			want:  []Posting{post(Wallet("m1"), -1000), post(Revenue("s1"), 1000)},
		},
		{
			name: "other currencies are left alone",
			entry: Entry{ID: "e1", Kind: KindCharge, Postings: []Posting{
				post("w", 100), post("r", -100), {"w", money.New(5, "USD")}, {"r", money.New(-5, "USD")},
			}},
			amount: money.New(5, "USD"),
			want:   []Posting{{"w", money.New(-5, "USD")}, {"r", money.New(5, "USD")}},
		},
		{name: "zero", entry: payment(), amount: cny(0), wantErr: ErrBadAmount},
		{name: "negative", entry: payment(), amount: cny(-1), wantErr: ErrBadAmount},
		{name: "more than captured", entry: payment(), amount: cny(3501), wantErr: ErrExceedsOutstanding},
		{name: "currency not in entry", entry: payment(), amount: money.New(1, "USD"), wantErr: ErrExceedsOutstanding},
		{
			name: "more than is left", entry: payment(), amount: cny(2801), wantErr: ErrExceedsOutstanding,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -700), post(Revenue("s1"), 600), post(Tips("s1"), 100))},
		},
		{
			name: "prior reverses another entry", entry: payment(), amount: cny(1), wantErr: ErrNotReversalOf,
			prior: []Entry{{ID: "r1", Kind: KindReversal, Reverses: "e2", Postings: []Posting{post("x", 1), post("y", -1)}}},
		},
		{
			name: "prior posts elsewhere", entry: payment(), amount: cny(1), wantErr: ErrNotInEntry,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -100), post(Refunds("s1"), 100))},
		},
		{
			name: "prior went past zero", entry: payment(), amount: cny(1), wantErr: ErrOverReversed,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -600), post(Tips("s1"), 600))},
		},
		{
			name: "invalid prior", entry: payment(), amount: cny(1), wantErr: ErrUnbalanced,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -600), post(Tips("s1"), 500))},
		},
		{
			name: "invalid entry", entry: func() Entry { e := payment(); e.Postings[0].Amount.Minor = 1; return e }(),
			amount: cny(1), wantErr: ErrUnbalanced,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReversePartial(tt.entry, tt.prior, "r9", t0, tt.amount)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ReversePartial() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReversePartial() error = %v, want nil", err)
			}
			want := Entry{ID: "r9", StoreID: tt.entry.StoreID, Kind: KindReversal, Ref: tt.entry.Ref, At: t0, Reverses: "e1", Postings: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReversePartial() mismatch (-want +got):\n%s", diff)
			}
			if err := Validate(got); err != nil {
				t.Errorf("Validate(ReversePartial()) = %v, want nil", err)
			}
		})
	}
}

func TestReversePair(t *testing.T) {
	tests := []struct {
		name          string
		prior         []Entry
		debit, credit string
		amount        money.Amount
		want          []Posting
		wantErr       error
	}{
		{
			name: "revenue only", debit: Wallet("m1"), credit: Revenue("s1"), amount: cny(1000),
			want: []Posting{post(Wallet("m1"), -1000), post(Revenue("s1"), 1000)},
		},
		{
			name: "the whole tip", debit: Wallet("m1"), credit: Tips("s1"), amount: cny(500),
			want: []Posting{post(Wallet("m1"), -500), post(Tips("s1"), 500)},
		},
		{name: "more than the tip", debit: Wallet("m1"), credit: Tips("s1"), amount: cny(501), wantErr: ErrExceedsOutstanding},
		{
			name: "tip already refunded", debit: Wallet("m1"), credit: Tips("s1"), amount: cny(1), wantErr: ErrExceedsOutstanding,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -500), post(Tips("s1"), 500))},
		},
		{
			name: "wallet has less left than asked", debit: Wallet("m1"), credit: Revenue("s1"), amount: cny(3001), wantErr: ErrExceedsOutstanding,
			prior: []Entry{reversal("r1", post(Wallet("m1"), -500), post(Tips("s1"), 500))},
		},
		{name: "sides swapped", debit: Revenue("s1"), credit: Wallet("m1"), amount: cny(1), wantErr: ErrWrongSide},
		{name: "both debits", debit: Wallet("m1"), credit: Wallet("m1"), amount: cny(1), wantErr: ErrWrongSide},
		{name: "unknown account", debit: Wallet("m1"), credit: Refunds("s1"), amount: cny(1), wantErr: ErrNotInEntry},
		{name: "other currency", debit: Wallet("m1"), credit: Revenue("s1"), amount: money.New(1, "USD"), wantErr: ErrNotInEntry},
		{name: "zero", debit: Wallet("m1"), credit: Revenue("s1"), amount: cny(0), wantErr: ErrBadAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReversePair(payment(), tt.prior, "r9", t0, tt.debit, tt.credit, tt.amount)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ReversePair() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReversePair() error = %v, want nil", err)
			}
			want := Entry{ID: "r9", StoreID: "s1", Kind: KindReversal, Ref: "pi1", At: t0, Reverses: "e1", Postings: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReversePair() mismatch (-want +got):\n%s", diff)
			}
			if err := Validate(got); err != nil {
				t.Errorf("Validate(ReversePair()) = %v, want nil", err)
			}
		})
	}
}

// TestPropertyPartialReversals refunds random entries in random slices
// until nothing is left: every slice is valid, nothing goes past zero, and
// the last leaves every posting at zero.
func TestPropertyPartialReversals(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 300 {
		e := randomEntry(r, "e1", 1_000_000)
		cur := e.Postings[0].Amount.Currency
		var prior []Entry
		for step := 0; ; step++ {
			left, err := Outstanding(e, prior)
			if err != nil {
				t.Fatalf("entry %d step %d: Outstanding: %v", i, step, err)
			}
			var debit int64
			for _, p := range left {
				if p.Amount.Currency == cur && p.Amount.Minor > 0 {
					debit += p.Amount.Minor
				}
			}
			if debit == 0 {
				for _, p := range left {
					if p.Amount.Currency == cur && p.Amount.Minor != 0 {
						t.Fatalf("entry %d: %s left at %d after a full refund", i, p.Account, p.Amount.Minor)
					}
				}
				break
			}
			amount := 1 + r.Int64N(debit)
			if step > 20 {
				amount = debit
			}
			rev, err := ReversePartial(e, prior, fmt.Sprint("r", step), t0, money.New(amount, cur))
			if err != nil {
				t.Fatalf("entry %d step %d: ReversePartial(%d of %d): %v", i, step, amount, debit, err)
			}
			if err := Validate(rev); err != nil {
				t.Fatalf("entry %d step %d: invalid reversal: %v", i, step, err)
			}
			prior = append(prior, rev)
		}
		if diffs := Check(append([]Entry{e}, prior...), nil); diffs != nil {
			t.Fatalf("entry %d: Check = %v, want nil", i, diffs)
		}
	}
}
