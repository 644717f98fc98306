package link

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerifyToken(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	good := sign(key, "store-1", "bridge-1", testNow, testNow.Add(time.Minute))
	tests := []struct {
		name    string
		tok     string
		now     time.Time
		wantErr error
	}{
		{"valid", good, testNow, nil},
		{"expired", good, testNow.Add(time.Minute), ErrTokenExpired},
		{"issued in the future", good, testNow.Add(-time.Hour), ErrTokenFuture},
		{"other key", otherServerToken(), testNow, ErrTokenSignature},
		{"empty", "", testNow, ErrTokenMalformed},
		{"no prefix", strings.TrimPrefix(good, tokenPrefix), testNow, ErrTokenMalformed},
		{"padded", good + "=", testNow, ErrTokenMalformed},
		{"too long", good + strings.Repeat("A", maxToken), testNow, ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := VerifyToken(pub, tt.tok, tt.now, tokenSkew)
			if tt.wantErr == nil {
				if err != nil || c.StoreID != "store-1" || c.BridgeID != "bridge-1" {
					t.Fatalf("got %+v, %v, want store-1/bridge-1", c, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// FuzzVerifyToken: no input panics, and only the issued token passes.
func FuzzVerifyToken(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	good := sign(key, "store-1", "bridge-1", testNow, testNow.Add(time.Minute))
	f.Add(good)
	f.Add("qb1..")
	f.Add("qb1.e30." + strings.Repeat("A", 86))
	f.Fuzz(func(t *testing.T, tok string) {
		if _, err := VerifyToken(pub, tok, testNow, tokenSkew); err == nil && tok != good {
			t.Fatalf("accepted %q, which was never issued", tok)
		}
	})
}
