package ledger

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// day is a small day at store s1: a top-up in cash, a wallet payment with
// a tip, and a partial refund of it.
func day() []Entry {
	return []Entry{
		{ID: "t1", StoreID: "s1", Kind: KindTopup, Ref: "tp1", At: t0, Postings: []Posting{
			post(CashDrawer("s1"), 10000), post(Wallet("m1"), -10000),
		}},
		payment(),
		{ID: "r1", StoreID: "s1", Kind: KindRefund, Ref: "pi1", At: t0, Reverses: "e1", Postings: []Posting{
			post(Wallet("m1"), -700), post(Revenue("s1"), 600), post(Tips("s1"), 100),
		}},
	}
}

func dayBalances() Balances {
	return Balances{
		CashDrawer("s1"): {"CNY": 10000},
		Wallet("m1"):     {"CNY": -10000 + 3500 - 700},
		Revenue("s1"):    {"CNY": -3000 + 600},
		Tips("s1"):       {"CNY": -500 + 100},
	}
}

func TestApply(t *testing.T) {
	got, err := Apply(day())
	if err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	if diff := cmp.Diff(dayBalances(), got); diff != "" {
		t.Errorf("Apply() mismatch (-want +got):\n%s", diff)
	}
	if got, want := got.Get(Wallet("m1"), "CNY"), int64(-7200); got != want {
		t.Errorf("Get: got %d, want %d", got, want)
	}
	if got := got.Get("nobody", "CNY"); got != 0 {
		t.Errorf("Get of a missing account: got %d, want 0", got)
	}
	empty, err := Apply(nil)
	if err != nil || len(empty) != 0 {
		t.Errorf("Apply(nil) = %v, %v; want empty, nil", empty, err)
	}
}

func TestApplyOverflow(t *testing.T) {
	big := Entry{ID: "b", Kind: KindCharge, Postings: []Posting{post("a", math.MaxInt64), post("b", -math.MaxInt64)}}
	big2 := big
	big2.ID = "b2"
	if _, err := Apply([]Entry{big, big2}); !errors.Is(err, ErrOverflow) {
		t.Errorf("Apply() error = %v, want ErrOverflow", err)
	}
}

func TestCheck(t *testing.T) {
	with := func(f func([]Entry) []Entry) []Entry { return f(day()) }
	withBalances := func(f func(Balances)) Balances { b := dayBalances(); f(b); return b }
	big := func(id string) Entry {
		return Entry{ID: id, Kind: KindCharge, Postings: []Posting{post("a", math.MaxInt64), post("b", -math.MaxInt64)}}
	}
	tests := []struct {
		name     string
		entries  []Entry
		expected Balances
		want     []Difference
	}{
		{name: "reconciles", entries: day(), expected: dayBalances()},
		{name: "no expected balances", entries: day(), expected: nil},
		{name: "nothing at all", entries: nil, expected: Balances{}},
		{name: "explicit zero balance", entries: day(), expected: withBalances(func(b Balances) { b["other"] = map[string]int64{"CNY": 0} })},
		{
			name: "every balance must be zero", entries: day(), expected: Balances{},
			want: []Difference{
				{Problem: ProblemBalance, Account: CashDrawer("s1"), Currency: "CNY", Got: 10000},
				{Problem: ProblemBalance, Account: Revenue("s1"), Currency: "CNY", Got: -2400},
				{Problem: ProblemBalance, Account: Tips("s1"), Currency: "CNY", Got: -400},
				{Problem: ProblemBalance, Account: Wallet("m1"), Currency: "CNY", Got: -7200},
			},
		},
		{
			name: "all differences, not the first", entries: day(),
			expected: withBalances(func(b Balances) {
				b[CashDrawer("s1")]["CNY"] = 9000
				b[Tips("s1")]["CNY"] = 0
				b["store:s1:ghost"] = map[string]int64{"USD": 5}
			}),
			want: []Difference{
				{Problem: ProblemBalance, Account: CashDrawer("s1"), Currency: "CNY", Want: 9000, Got: 10000},
				{Problem: ProblemBalance, Account: "store:s1:ghost", Currency: "USD", Want: 5},
				{Problem: ProblemBalance, Account: Tips("s1"), Currency: "CNY", Want: 0, Got: -400},
			},
		},
		{
			name: "unbalanced entry shows twice", expected: withBalances(func(b Balances) { b[Tips("s1")]["CNY"] = -399 }),
			entries: with(func(es []Entry) []Entry { es[2].Postings[2].Amount.Minor = 101; return es }),
			want: []Difference{
				{Problem: ProblemInvalidEntry, EntryID: "r1", Detail: `ledger: invalid entry "r1": ledger: postings do not sum to zero: CNY sums to 1`},
				{Problem: ProblemUnbalanced, Currency: "CNY", Got: 1},
			},
		},
		{
			name: "duplicate id", expected: nil,
			entries: with(func(es []Entry) []Entry { es[2].ID = "t1"; return es }),
			want:    []Difference{{Problem: ProblemDuplicateID, EntryID: "t1", Detail: "entries 0 and 2"}},
		},
		{
			name: "refunded more than paid",
			entries: with(func(es []Entry) []Entry {
				return append(es, Entry{ID: "r2", Kind: KindRefund, Reverses: "e1", Postings: []Posting{
					post(Wallet("m1"), -2900), post(Revenue("s1"), 2500), post(Tips("s1"), 400),
				}})
			}),
			want: []Difference{
				{Problem: ProblemOverReversed, EntryID: "e1", Account: Revenue("s1"), Currency: "CNY", Want: -3000, Got: -3100},
				{Problem: ProblemOverReversed, EntryID: "e1", Account: Wallet("m1"), Currency: "CNY", Want: 3500, Got: 3600},
			},
		},
		{
			name: "refund to an account the payment did not touch",
			entries: with(func(es []Entry) []Entry {
				return append(es, Entry{ID: "r2", Kind: KindRefund, Reverses: "e1", Postings: []Posting{
					post(Wallet("m2"), -100), post(Revenue("s1"), 100),
				}})
			}),
			want: []Difference{{Problem: ProblemOverReversed, EntryID: "e1", Account: Wallet("m2"), Currency: "CNY", Want: 0, Got: 100}},
		},
		{
			name:    "reversal of an entry outside the set is not judged",
			entries: []Entry{Reverse(payment(), "r1", t0)},
		},
		{
			name:     "overflow",
			entries:  []Entry{big("b1"), big("b2")},
			expected: Balances{"a": {"CNY": 1}, "b": {"CNY": 1}, "c": {"CNY": 1}},
			want: []Difference{
				{Problem: ProblemOverflow, EntryID: "b2", Account: "a", Currency: "CNY"},
				{Problem: ProblemOverflow, EntryID: "b2", Account: "b", Currency: "CNY"},
				{Problem: ProblemBalance, Account: "c", Currency: "CNY", Want: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.entries, tt.expected)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckOverflowTotal(t *testing.T) {
	// Unbalanced entries can overflow the grand total, which is reported
	// once and not judged further.
	e := func(id string) Entry {
		return Entry{ID: id, Kind: KindCharge, Postings: []Posting{post("a"+id, math.MaxInt64), post("b"+id, 1)}}
	}
	got := Check([]Entry{e("1"), e("2")}, nil)
	var overflow []Difference
	for _, d := range got {
		if d.Problem == ProblemOverflow {
			overflow = append(overflow, d)
		}
	}
	want := []Difference{{Problem: ProblemOverflow, EntryID: "1", Currency: "CNY"}}
	if diff := cmp.Diff(want, overflow); diff != "" {
		t.Errorf("overflow differences mismatch (-want +got):\n%s", diff)
	}
}
