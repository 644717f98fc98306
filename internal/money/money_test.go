package money

import (
	"errors"
	"math"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   Amount
		want string
	}{
		{"fen", New(1850, "CNY"), "¥18.50"},
		{"zero", New(0, "CNY"), "¥0.00"},
		{"one fen", New(1, "CNY"), "¥0.01"},
		{"negative", New(-5, "CNY"), "-¥0.05"},
		{"yen has no minor", New(1200, "JPY"), "¥1200"},
		{"min int64", New(math.MinInt64, "USD"), "-$92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"18.50", 1850, false},
		{"18.5", 1850, false},
		{"18", 1800, false},
		{".5", 50, false},
		{" 100.00 ", 10000, false},
		{"-0.05", -5, false},
		{"18.505", 0, true},
		{"", 0, true},
		{".", 0, true},
		{"1e3", 0, true},
		{"+1", 0, true},
		{"1,000", 0, true},
		{"99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in, "CNY")
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDecimal(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && got.Minor != tt.want {
			t.Errorf("ParseDecimal(%q) = %d, want %d", tt.in, got.Minor, tt.want)
		}
	}
}

func TestAdd(t *testing.T) {
	if _, err := New(1, "CNY").Add(New(1, "USD")); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("mixed currencies: got %v, want ErrCurrencyMismatch", err)
	}
	if _, err := New(math.MaxInt64, "CNY").Add(New(1, "CNY")); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow: got %v, want ErrOverflow", err)
	}
	got, err := New(150, "CNY").Add(New(-50, "CNY"))
	if err != nil || got != New(100, "CNY") {
		t.Errorf("Add = %v, %v; want ¥1.00", got, err)
	}
}

func TestMulInt(t *testing.T) {
	tests := []struct {
		a, b int64
		want int64
		ok   bool
	}{
		{3, 4, 12, true},
		{0, math.MaxInt64, 0, true},
		{math.MaxInt64, 2, 0, false},
		{-1, math.MinInt64, 0, false},
		{1 << 32, 1 << 31, 1 << 63 >> 0 & math.MaxInt64, false},
	}
	for _, tt := range tests {
		got, ok := MulInt(tt.a, tt.b)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("MulInt(%d, %d) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"18.50", "-0.05", "1", ".5", "abc", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseDecimal(s, "CNY")
		if err != nil {
			return
		}
		// Whatever parses must format back to a value that parses to the same amount.
		b, err := ParseDecimal(a.Decimal(), "CNY")
		if err != nil || b != a {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, a, a.Decimal(), b, err)
		}
	})
}
