// Package money represents amounts of money as integer minor units with an
// explicit ISO 4217 currency. Formatting happens only at the edges (UI,
// receipts); everything in between adds and compares integers.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amount is a quantity of money in the minor unit of Currency (fen for CNY,
// cents for USD).
type Amount struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// ErrCurrencyMismatch is returned when amounts of different currencies meet.
var ErrCurrencyMismatch = errors.New("money: currency mismatch")

// ErrOverflow is returned when an operation would overflow int64.
var ErrOverflow = errors.New("money: overflow")

// New returns an amount of minor units in currency.
func New(minor int64, currency string) Amount { return Amount{Minor: minor, Currency: currency} }

// IsZero reports whether a is zero in any currency.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Add returns a+b, refusing mixed currencies and overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.Currency != b.Currency {
		return Amount{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, a.Currency, b.Currency)
	}
	s, ok := AddInt(a.Minor, b.Minor)
	if !ok {
		return Amount{}, ErrOverflow
	}
	return Amount{Minor: s, Currency: a.Currency}, nil
}

// AddInt adds two int64 values and reports whether the sum fits.
func AddInt(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// MulInt multiplies two int64 values and reports whether the product fits.
func MulInt(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == -1<<63) || (b == -1 && a == -1<<63) {
		return 0, false
	}
	return p, true
}

// Currency facts the system needs: the number of minor-unit digits and the
// symbol shown to people.
type currencyInfo struct {
	digits int
	symbol string
}

var currencies = map[string]currencyInfo{
	"CNY": {2, "¥"},
	"USD": {2, "$"},
	"EUR": {2, "€"},
	"HKD": {2, "HK$"},
	"SGD": {2, "S$"},
	"THB": {2, "฿"},
	"BRL": {2, "R$"},
	"JPY": {0, "¥"},
	"KRW": {0, "₩"},
}

// Known reports whether currency is one QRPOS can format.
func Known(currency string) bool {
	_, ok := currencies[currency]
	return ok
}

// Digits returns the number of minor-unit digits of currency (2 if unknown).
func Digits(currency string) int {
	if c, ok := currencies[currency]; ok {
		return c.digits
	}
	return 2
}

// Symbol returns the symbol people expect for currency, or its code.
func Symbol(currency string) string {
	if c, ok := currencies[currency]; ok {
		return c.symbol
	}
	return currency + " "
}

// Decimal formats the amount as a plain decimal string without symbol,
// e.g. "18.50" or "-0.05". It is the form payment rails and EMV tag 54 use.
func (a Amount) Decimal() string {
	return FormatDecimal(a.Minor, Digits(a.Currency))
}

// FormatDecimal formats minor units with the given number of fraction digits.
func FormatDecimal(minor int64, digits int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	s := strconv.FormatUint(u, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String formats the amount for people: symbol and decimal, e.g. "¥18.50".
func (a Amount) String() string {
	d := a.Decimal()
	if strings.HasPrefix(d, "-") {
		return "-" + Symbol(a.Currency) + d[1:]
	}
	return Symbol(a.Currency) + d
}

// ParseDecimal parses a decimal string such as "18.5", "18.50" or "18" into
// minor units of currency. It refuses more fraction digits than the currency
// has, signs other than a leading minus, and values that overflow.
func ParseDecimal(s, currency string) (Amount, error) {
	digits := Digits(currency)
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return Amount{}, fmt.Errorf("money: %q is not an amount", orig)
	}
	if len(frac) > digits {
		return Amount{}, fmt.Errorf("money: %q has more than %d decimal places", orig, digits)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return Amount{}, fmt.Errorf("money: %q is not an amount", orig)
		}
	}
	frac += strings.Repeat("0", digits-len(frac))
	if whole == "" {
		whole = "0"
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return Amount{}, fmt.Errorf("money: %q is out of range", orig)
	}
	if neg {
		v = -v
	}
	return Amount{Minor: v, Currency: currency}, nil
}
