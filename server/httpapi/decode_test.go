package httpapi

import (
	"errors"
	"strings"
	"testing"

	"qrpos/internal/wire"
)

// FuzzDecode feeds arbitrary bodies to the decoder of every request type:
// it must either fill the value or refuse with a 4xx apiError, never panic
// or let a malformed body through as a 500.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"store_id":"demo","staff_id":"wang-wei","pin":"1357"}`,
		`{"line_id":"l1","item_id":"jasmine-tea","qty":2,"modifier_ids":["spice-hot"],"note":"少辣"}`,
		`{"qty":3}`, `{"note":null}`, `{"tender_id":"c1","tendered":{"minor":10000,"currency":"CNY"}}`,
		`{"id":"o1","table_id":"t3"}`, `{"reason":"guest left"}`,
		`{"qty":1e400}`, `{"qty":-1}`, `[]`, `null`, `{}{}`, `{"a":`, "\xff\xfe", `{"tendered":{"minor":"1"}}`,
	} {
		f.Add(s)
	}
	targets := []func() any{
		func() any { return new(wire.LoginRequest) },
		func() any { return new(wire.CreateOrderRequest) },
		func() any { return new(wire.AddLineRequest) },
		func() any { return new(wire.UpdateLineRequest) },
		func() any { return new(wire.CashRequest) },
		func() any { return new(wire.VoidRequest) },
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, newV := range targets {
			err := decodeJSON(strings.NewReader(body), newV())
			if err == nil {
				continue
			}
			var ae *apiError
			if !errors.As(err, &ae) || ae.status < 400 || ae.status > 499 || ae.body.Code == "" || ae.body.Message == "" {
				t.Fatalf("decode %q: %v is not a clear 4xx refusal", body, err)
			}
		}
	})
}

func TestAcceptsEncoding(t *testing.T) {
	tests := []struct {
		header, enc string
		want        bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate, br, zstd", "gzip", true},
		{"gzip;q=0, br", "gzip", false},
		{"BR;q=0.5", "br", true},
		{"identity", "br", false},
		{"", "gzip", false},
		{"brotli", "br", false},
	}
	for _, tt := range tests {
		if got := acceptsEncoding(tt.header, tt.enc); got != tt.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v, want %v", tt.header, tt.enc, got, tt.want)
		}
	}
}
