package bridgetoken

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestSignVerify(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	otherPub, _, _ := ed25519.GenerateKey(nil)
	c := Claims{StoreID: "demo", BridgeID: "b1", IssuedAt: t0, ExpiresAt: t0.Add(5 * time.Minute)}
	tok, err := Sign(priv, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(pub, tok, t0.Add(time.Minute), 5*time.Second)
	if err != nil || got != c {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, c)
	}
	// Another valid base64url letter inside the payload.
	flipped := []byte(tok)
	if i := len(Prefix) + 3; flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}
	tests := []struct {
		name string
		pub  ed25519.PublicKey
		tok  string
		now  time.Time
		want error
	}{
		{"expired", pub, tok, t0.Add(5 * time.Minute), ErrExpired},
		{"issued in the future", pub, tok, t0.Add(-time.Minute), ErrFuture},
		{"other key", otherPub, tok, t0, ErrSignature},
		{"altered payload", pub, string(flipped), t0, ErrSignature},
		{"empty", pub, "", t0, ErrMalformed},
		{"no prefix", pub, strings.TrimPrefix(tok, Prefix), t0, ErrMalformed},
		{"padded", pub, tok + "=", t0, ErrMalformed},
		{"too long", pub, tok + strings.Repeat("A", MaxLen), t0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Verify(tt.pub, tt.tok, tt.now, 5*time.Second); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Sign(priv, Claims{BridgeID: "b1"}); err == nil {
		t.Error("Sign without a store: got nil error")
	}
}

// FuzzVerify: no input panics, and only the issued token passes.
func FuzzVerify(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	good, _ := Sign(priv, Claims{StoreID: "demo", BridgeID: "b1", IssuedAt: t0, ExpiresAt: t0.Add(time.Minute)})
	f.Add(good)
	f.Add("qb1..")
	f.Add("qb1.e30.AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		if _, err := Verify(pub, tok, t0, time.Second); err == nil && tok != good {
			t.Fatalf("accepted a token that was not issued: %q", tok)
		}
	})
}
