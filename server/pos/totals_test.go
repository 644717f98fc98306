package pos

import (
	"reflect"
	"testing"
)

func TestComputeTotals(t *testing.T) {
	line := func(price int64, qty, rate int, mods ...int64) Line {
		l := Line{BasePrice: price, Qty: qty, TaxRateBP: rate}
		for _, m := range mods {
			l.Modifiers = append(l.Modifiers, LineModifier{Price: m})
		}
		return l
	}
	tests := []struct {
		name      string
		lines     []Line
		tenders   []int64
		inclusive bool
		want      Totals
	}{
		{name: "empty", want: Totals{}},
		{name: "inclusive 6%", lines: []Line{line(10600, 1, 600)}, inclusive: true,
			want: Totals{Subtotal: 10600, Tax: 600, Total: 10600, Due: 10600}},
		{name: "exclusive 6%", lines: []Line{line(10000, 1, 600)},
			want: Totals{Subtotal: 10000, Tax: 600, Total: 10600, Due: 10600}},
		{name: "modifiers and quantity", lines: []Line{line(4200, 2, 0, 300, 200)}, inclusive: true,
			want: Totals{Subtotal: 9400, Total: 9400, Due: 9400}},
		// 4200 inclusive at 6%: 4200*600/10600 = 237.735... -> 238
		{name: "inclusive rounds half up", lines: []Line{line(4200, 1, 600)}, inclusive: true,
			want: Totals{Subtotal: 4200, Tax: 238, Total: 4200, Due: 4200}},
		// Tax on the sum per rate, not per line: 3 x 1 fen at 50% is 1.5 -> 2, not 3 x 0.5 -> 3.
		{name: "tax per rate, not per line", lines: []Line{line(1, 1, 5000), line(1, 1, 5000), line(1, 1, 5000)},
			want: Totals{Subtotal: 3, Tax: 2, Total: 5, Due: 5}},
		{name: "two rates", lines: []Line{line(10000, 1, 600), line(10000, 1, 1300)},
			want: Totals{Subtotal: 20000, Tax: 1900, Total: 21900, Due: 21900}},
		{name: "partly paid", lines: []Line{line(5000, 1, 0)}, tenders: []int64{2000},
			want: Totals{Subtotal: 5000, Total: 5000, Paid: 2000, Due: 3000}},
		{name: "paid in full", lines: []Line{line(5000, 1, 0)}, tenders: []int64{2000, 3000},
			want: Totals{Subtotal: 5000, Total: 5000, Paid: 5000, Due: 0}},
		{name: "voided payment owes again", lines: []Line{line(5000, 1, 0)}, tenders: []int64{5000, -5000},
			want: Totals{Subtotal: 5000, Total: 5000, Paid: 0, Due: 5000}},
		{name: "largest order fits int64", lines: repeat(line(MaxPrice, MaxQty, MaxTaxBP), MaxLines),
			want: Totals{Subtotal: MaxPrice * MaxQty * MaxLines, Tax: MaxPrice * MaxQty * MaxLines, Total: 2 * MaxPrice * MaxQty * MaxLines, Due: 2 * MaxPrice * MaxQty * MaxLines}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Order{Lines: tt.lines}
			for _, a := range tt.tenders {
				// A negative figure in the table is a void of that amount.
				if a < 0 {
					o.Tenders = append(o.Tenders, Tender{Kind: TenderVoid, Amount: -a})
				} else {
					o.Tenders = append(o.Tenders, Tender{Kind: "cash", Amount: a})
				}
			}
			got := ComputeTotals(o, tt.inclusive)
			var sum int64
			for _, v := range got.TaxByRate {
				sum += v
			}
			if sum != got.Tax {
				t.Errorf("TaxByRate sums to %d, Tax is %d", sum, got.Tax)
			}
			got.TaxByRate, tt.want.TaxByRate = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ComputeTotals = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func repeat(l Line, n int) []Line {
	out := make([]Line, n)
	for i := range out {
		out[i] = l
	}
	return out
}

func TestPIN(t *testing.T) {
	p := PINParams{Time: 1, Memory: 64, Threads: 1}
	h := HashPIN("1357", p)
	if !CheckPIN(h, "1357") {
		t.Error("CheckPIN(right PIN) = false, want true")
	}
	if CheckPIN(h, "1358") {
		t.Error("CheckPIN(wrong PIN) = true, want false")
	}
	if HashPIN("1357", p) == h {
		t.Error("two hashes of one PIN are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2id$", h[:len(h)-4], "$bcrypt$x$y$z$w", "$argon2id$v=19$m=9999999,t=1,p=1$AAAA$AAAA"} {
		if CheckPIN(bad, "1357") {
			t.Errorf("CheckPIN(%q) = true, want false", bad)
		}
	}
	for pin, want := range map[string]bool{"1357": true, "12345678": true, "123": false, "123456789": false, "12a4": false, "": false} {
		if got := ValidPIN(pin); got != want {
			t.Errorf("ValidPIN(%q) = %v, want %v", pin, got, want)
		}
	}
}

func TestRole(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{RoleOwner, RoleManager, true}, {RoleManager, RoleManager, true}, {RoleCashier, RoleManager, false},
		{RoleCashier, RoleCashier, true}, {Role("chef"), RoleCashier, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
}
