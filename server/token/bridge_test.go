package token

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func newBridgeSigner(t testing.TB, c *clock) *BridgeSigner {
	t.Helper()
	s, err := NewBridgeSigner(GenerateKey(), c.Now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBridgeIssueVerify(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s := newBridgeSigner(t, c)
	tok, claims, err := s.Issue("store-1", "bridge-1")
	if err != nil {
		t.Fatal(err)
	}
	other := newBridgeSigner(t, c)
	tests := []struct {
		name    string
		tok     string
		key     []byte
		now     time.Time
		wantErr error
	}{
		{"valid", tok, s.PublicKey(), c.t, nil},
		{"valid until just before expiry", tok, s.PublicKey(), claims.ExpiresAt.Add(-time.Nanosecond), nil},
		{"expired", tok, s.PublicKey(), claims.ExpiresAt, ErrExpired},
		{"issued in the future", tok, s.PublicKey(), c.t.Add(-time.Minute), ErrNotYetValid},
		{"another server's key", tok, other.PublicKey(), c.t, ErrBadSignature},
		{"altered payload", tamper(tok), s.PublicKey(), c.t, ErrBadSignature},
		{"empty", "", s.PublicKey(), c.t, ErrMalformed},
		{"payment token", "AQ" + strings.Repeat("A", 60), s.PublicKey(), c.t, ErrMalformed},
		{"no signature", "qb1.e30", s.PublicKey(), c.t, ErrMalformed},
		{"too long", "qb1." + strings.Repeat("A", MaxBridgeToken), s.PublicKey(), c.t, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyBridge(tt.key, tt.tok, tt.now, 5*time.Second)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err == nil && got != claims {
				t.Errorf("got %+v, want %+v", got, claims)
			}
		})
	}
	if claims.StoreID != "store-1" || claims.BridgeID != "bridge-1" || !claims.ExpiresAt.Equal(c.t.Add(time.Minute)) {
		t.Errorf("got claims %+v, want store-1/bridge-1 expiring a minute after issue", claims)
	}
}

// tamper swaps the payload for one naming another store, keeping the
// signature.
func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	return parts[0] + ".eyJzIjoic3RvcmUtMiIsImIiOiJicmlkZ2UtMSIsImlhdCI6MCwiZXhwIjo5OTk5OTk5OTk5fQ." + parts[2]
}

func TestNewBridgeSignerRefuses(t *testing.T) {
	if _, err := NewBridgeSigner(make([]byte, 8), time.Now, 0); !errors.Is(err, ErrShortKey) {
		t.Errorf("short seed: got %v, want ErrShortKey", err)
	}
	if _, err := NewBridgeSigner(GenerateKey(), nil, 0); err == nil {
		t.Error("no clock: got nil, want an error")
	}
	s, _ := NewBridgeSigner(GenerateKey(), time.Now, 0)
	if _, _, err := s.Issue("", "b"); err == nil {
		t.Error("Issue without a store: got nil, want an error")
	}
}

// FuzzVerifyBridge: no input makes VerifyBridge panic or accept a token
// the signer did not issue.
func FuzzVerifyBridge(f *testing.F) {
	c := &clock{t: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	s, err := NewBridgeSigner(make([]byte, MinKeyLen), c.Now, time.Minute)
	if err != nil {
		f.Fatal(err)
	}
	tok, _, _ := s.Issue("store-1", "bridge-1")
	f.Add(tok)
	f.Add("qb1..")
	f.Add("qb1.e30." + strings.Repeat("A", 86))
	f.Fuzz(func(t *testing.T, in string) {
		got, err := VerifyBridge(s.PublicKey(), in, c.t, 5*time.Second)
		if err != nil {
			return
		}
		if in != tok {
			t.Fatalf("accepted %q (%+v), which was never issued", in, got)
		}
	})
}
