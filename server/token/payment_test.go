package token

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"qrpos/internal/money"
)

var (
	testKey  = bytes.Repeat([]byte("k"), 32)
	testKey2 = bytes.Repeat([]byte("2"), 32)
	issuedAt = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newSigner(t testing.TB, c *clock, keys ...[]byte) *Signer {
	t.Helper()
	s, err := NewSigner(SignerConfig{Keys: keys, Now: c.Now})
	if err != nil {
		t.Fatalf("NewSigner() error = %v", err)
	}
	return s
}

func testPayment() Payment {
	return Payment{IntentID: "pi_01JD6Q3W9Y8Z7X6V5", StoreID: "st_01JD6Q3W9Y8Z7X6V5", TerminalID: "tm_01JD6Q3W9Y8Z7X6V5", Amount: money.New(3500, "CNY")}
}

// testClaims are fixed claims, nonce included, for byte-level tests.
func testClaims() PaymentClaims {
	return PaymentClaims{
		Payment:   testPayment(),
		IssuedAt:  issuedAt,
		ExpiresAt: issuedAt.Add(30 * time.Second),
		Nonce:     [8]byte{1, 2, 3, 4, 5, 6, 7, 8},
	}
}

func TestIssueVerify(t *testing.T) {
	c := &clock{issuedAt.Add(400 * time.Millisecond)}
	s := newSigner(t, c, testKey)
	tok, claims, err := s.Issue(testPayment())
	if err != nil {
		t.Fatalf("Issue() error = %v", err)
	}
	want := PaymentClaims{Payment: testPayment(), IssuedAt: issuedAt, ExpiresAt: issuedAt.Add(30 * time.Second), Nonce: claims.Nonce}
	if diff := cmp.Diff(want, claims); diff != "" {
		t.Errorf("Issue() claims mismatch (-want +got):\n%s", diff)
	}
	got, err := s.Verify(tok)
	if err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	if diff := cmp.Diff(claims, got); diff != "" {
		t.Errorf("Verify() mismatch (-issued +verified):\n%s", diff)
	}
	if strings.ContainsAny(tok, "+/=") {
		t.Errorf("token %q is not base64url without padding", tok)
	}
	// Three 20-byte ids: 1+5+1+2+3+3*21+8+16 = 99 bytes, 132 characters.
	if got, want := len(tok), 132; got != want {
		t.Errorf("token length: got %d, want %d", got, want)
	}
	t.Logf("URL: https://pos.example/p/%s", tok)

	tok2, claims2, _ := s.Issue(testPayment())
	if tok2 == tok || claims2.Nonce == claims.Nonce {
		t.Errorf("two tokens issued in the same second are equal: nonce %x", claims.Nonce)
	}
}

func TestTokenBytes(t *testing.T) {
	// The layout, byte for byte.
	s := newSigner(t, &clock{issuedAt}, testKey)
	tok, err := s.sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := base64.RawURLEncoding.DecodeString(tok)
	var want []byte
	want = append(want, 1)                            // version
	want = append(want, 0xc0, 0xd5, 0x90, 0xd8, 0x06) // 1795435200 as uvarint
	want = append(want, 30)                           // lifetime
	want = append(want, 0xac, 0x1b)                   // 3500 as uvarint
	want = append(want, "CNY"...)
	want = append(want, 20)
	want = append(want, "pi_01JD6Q3W9Y8Z7X6V5"...)
	want = append(want, 20)
	want = append(want, "st_01JD6Q3W9Y8Z7X6V5"...)
	want = append(want, 20)
	want = append(want, "tm_01JD6Q3W9Y8Z7X6V5"...)
	want = append(want, 1, 2, 3, 4, 5, 6, 7, 8)
	want = append(want, paymentTag(testKey, want)...)
	if !bytes.Equal(b, want) {
		t.Errorf("token bytes:\ngot  %x\nwant %x", b, want)
	}
	if issuedAt.Unix() != 1795435200 {
		t.Fatalf("issuedAt is %d, the test's varint is wrong", issuedAt.Unix())
	}
}

// resign returns the token for c with the tag of orig: what an attacker
// who edits a field of a real token gets.
func resign(t *testing.T, c PaymentClaims, orig string) string {
	t.Helper()
	body, err := encodePayment(c)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := base64.RawURLEncoding.DecodeString(orig)
	return base64.RawURLEncoding.EncodeToString(append(body, o[len(o)-tagLen:]...))
}

func TestVerifyRefusesAlteredFields(t *testing.T) {
	s := newSigner(t, &clock{issuedAt.Add(time.Second)}, testKey)
	orig, err := s.sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(orig); err != nil {
		t.Fatalf("Verify(original) error = %v", err)
	}
	tests := []struct {
		name  string
		alter func(*PaymentClaims)
	}{
		{"amount", func(c *PaymentClaims) { c.Amount.Minor = 1 }},
		{"amount by one fen", func(c *PaymentClaims) { c.Amount.Minor++ }},
		{"currency", func(c *PaymentClaims) { c.Amount.Currency = "USD" }},
		{"intent", func(c *PaymentClaims) { c.IntentID = "pi_01JD6Q3W9Y8Z7X6V6" }},
		{"store", func(c *PaymentClaims) { c.StoreID = "st_other" }},
		{"terminal", func(c *PaymentClaims) { c.TerminalID = "tm_other" }},
		{"expiry", func(c *PaymentClaims) { c.ExpiresAt = c.ExpiresAt.Add(time.Hour) }},
		{"issued at", func(c *PaymentClaims) { c.IssuedAt = c.IssuedAt.Add(time.Second) }},
		{"nonce", func(c *PaymentClaims) { c.Nonce[0]++ }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClaims()
			tt.alter(&c)
			if _, err := s.Verify(resign(t, c, orig)); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify() error = %v, want ErrBadSignature", err)
			}
		})
	}

	b, _ := base64.RawURLEncoding.DecodeString(orig)
	t.Run("signature bytes", func(t *testing.T) {
		for i := len(b) - tagLen; i < len(b); i++ {
			bad := bytes.Clone(b)
			bad[i] ^= 0x01
			if _, err := s.Verify(base64.RawURLEncoding.EncodeToString(bad)); !errors.Is(err, ErrBadSignature) {
				t.Errorf("tag byte %d flipped: Verify() error = %v, want ErrBadSignature", i, err)
			}
		}
	})
	t.Run("version", func(t *testing.T) {
		for _, v := range []byte{0, 2, 0xff} {
			bad := bytes.Clone(b)
			bad[0] = v
			if _, err := s.Verify(base64.RawURLEncoding.EncodeToString(bad)); !errors.Is(err, ErrMalformed) {
				t.Errorf("version %d: Verify() error = %v, want ErrMalformed", v, err)
			}
		}
	})
	t.Run("every bit", func(t *testing.T) {
		for i := range len(b) * 8 {
			bad := bytes.Clone(b)
			bad[i/8] ^= 1 << (i % 8)
			if c, err := s.Verify(base64.RawURLEncoding.EncodeToString(bad)); err == nil {
				t.Fatalf("bit %d flipped: Verify() = %+v, want an error", i, c)
			}
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for n := range len(b) {
			if _, err := s.Verify(base64.RawURLEncoding.EncodeToString(b[:n])); err == nil {
				t.Fatalf("first %d bytes: Verify() = nil error", n)
			}
		}
	})
}

func TestVerifyTime(t *testing.T) {
	tests := []struct {
		name    string
		step    time.Duration
		at      time.Duration // verifier's clock minus issued-at
		wantErr error
	}{
		{name: "at issue", at: 0},
		{name: "in the second step", at: 29*time.Second + 999*time.Millisecond},
		{name: "at expiry", at: 30 * time.Second, wantErr: ErrExpired},
		{name: "an hour later", at: time.Hour, wantErr: ErrExpired},
		{name: "verifier 5 s behind", at: -5 * time.Second},
		{name: "verifier more than 5 s behind", at: -5*time.Second - time.Nanosecond, wantErr: ErrNotYetValid},
		{name: "short step, in the second step", step: 10 * time.Second, at: 19 * time.Second},
		{name: "short step, expired", step: 10 * time.Second, at: 20 * time.Second, wantErr: ErrExpired},
		{name: "fractional step rounds the lifetime up", step: 1500 * time.Millisecond, at: 2 * time.Second},
		{name: "fractional step expires", step: 1500 * time.Millisecond, at: 3 * time.Second, wantErr: ErrExpired},
		{name: "long step", step: time.Minute, at: 119 * time.Second},
		{name: "long step expired", step: time.Minute, at: 120 * time.Second, wantErr: ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{issuedAt}
			s, err := NewSigner(SignerConfig{Keys: [][]byte{testKey}, Now: c.Now, Step: tt.step})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := s.Issue(testPayment())
			if err != nil {
				t.Fatal(err)
			}
			c.t = issuedAt.Add(tt.at)
			_, err = s.Verify(tok)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	c := &clock{issuedAt}
	old := newSigner(t, c, testKey)
	rotated := newSigner(t, c, testKey2, testKey) // new key first, old still verifies
	onlyNew := newSigner(t, c, testKey2)

	oldTok, _, _ := old.Issue(testPayment())
	newTok, _, _ := rotated.Issue(testPayment())
	tests := []struct {
		name    string
		s       *Signer
		tok     string
		wantErr error
	}{
		{"rotated verifies old tokens", rotated, oldTok, nil},
		{"rotated verifies its own", rotated, newTok, nil},
		{"rotated signs with the new key", onlyNew, newTok, nil},
		{"old key does not verify the new", old, newTok, ErrBadSignature},
		{"old key dropped", onlyNew, oldTok, ErrBadSignature},
	}
	for _, tt := range tests {
		if _, err := tt.s.Verify(tt.tok); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: Verify() error = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestNewSigner(t *testing.T) {
	now := (&clock{issuedAt}).Now
	tests := []struct {
		name    string
		cfg     SignerConfig
		wantErr error // nil: any error
	}{
		{"no keys", SignerConfig{Now: now}, nil},
		{"short key", SignerConfig{Keys: [][]byte{testKey[:31]}, Now: now}, ErrShortKey},
		{"short second key", SignerConfig{Keys: [][]byte{testKey, testKey2[:16]}, Now: now}, ErrShortKey},
		{"no clock", SignerConfig{Keys: [][]byte{testKey}}, nil},
		{"step under a second", SignerConfig{Keys: [][]byte{testKey}, Now: now, Step: time.Millisecond}, nil},
		{"negative step", SignerConfig{Keys: [][]byte{testKey}, Now: now, Step: -time.Second}, nil},
		{"negative skew", SignerConfig{Keys: [][]byte{testKey}, Now: now, Skew: -time.Second}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSigner(tt.cfg)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("NewSigner() = %v, %v; want error %v", s, err, tt.wantErr)
			}
		})
	}

	// The signer keeps its own copy of the keys.
	k := bytes.Clone(testKey)
	s, err := NewSigner(SignerConfig{Keys: [][]byte{k}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := s.Issue(testPayment())
	k[0] ^= 0xff
	if _, err := s.Verify(tok); err != nil {
		t.Errorf("Verify() after the caller changed its key slice: %v", err)
	}
}

func TestIssueRefuses(t *testing.T) {
	s := newSigner(t, &clock{issuedAt}, testKey)
	tests := []struct {
		name  string
		alter func(*Payment)
	}{
		{"zero amount", func(p *Payment) { p.Amount.Minor = 0 }},
		{"negative amount", func(p *Payment) { p.Amount.Minor = -1 }},
		{"no currency", func(p *Payment) { p.Amount.Currency = "" }},
		{"lowercase currency", func(p *Payment) { p.Amount.Currency = "cny" }},
		{"no intent", func(p *Payment) { p.IntentID = "" }},
		{"no store", func(p *Payment) { p.StoreID = "" }},
		{"no terminal", func(p *Payment) { p.TerminalID = "" }},
		{"intent id too long", func(p *Payment) { p.IntentID = strings.Repeat("i", 65) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPayment()
			tt.alter(&p)
			if tok, _, err := s.Issue(p); err == nil {
				t.Errorf("Issue() = %q, want an error", tok)
			}
		})
	}
	p := testPayment()
	p.IntentID = strings.Repeat("i", 64)
	p.Amount.Minor = 1<<63 - 1
	tok, claims, err := s.Issue(p)
	if err != nil {
		t.Fatalf("Issue(largest) error = %v", err)
	}
	if got, err := s.Verify(tok); err != nil || !cmp.Equal(got, claims) {
		t.Errorf("Verify(largest) = %+v, %v; want %+v", got, err, claims)
	}
}

func TestVerifyMalformed(t *testing.T) {
	s := newSigner(t, &clock{issuedAt}, testKey)
	good, err := s.sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := encodePayment(testClaims())
	// A 100-byte token ends in a character with 4 unused bits.
	c := testClaims()
	c.IntentID += "x"
	odd, err := s.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(odd); err != nil {
		t.Fatalf("Verify(odd) error = %v", err)
	}
	// signed returns a correctly tagged token of arbitrary bytes: only a
	// holder of the key could make one, but Verify must still parse it
	// with care.
	signed := func(b []byte) string {
		return base64.RawURLEncoding.EncodeToString(append(bytes.Clone(b), paymentTag(testKey, b)...))
	}
	withByte := func(i int, v byte) []byte { b := bytes.Clone(body); b[i] = v; return b }
	tests := []struct {
		name string
		tok  string
	}{
		{"empty", ""},
		{"short", good[:20]},
		{"too long", good + strings.Repeat("A", 400)},
		{"padding", good + "=="},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(good) + "+/"},
		{"space", " " + good[1:]},
		{"newline inside", good[:10] + "\n" + good[10:]},
		{"CR LF at the end", good + "\r\n"},
		{"non-canonical trailing bits", nonCanonical(odd)},
		{"trailing byte", signed(append(bytes.Clone(body), 0))},
		{"missing nonce byte", signed(body[:len(body)-1])},
		{"non-minimal varint", signed(append([]byte{1, 0x80 | 30, 0x00}, body[7:]...))},
		{"zero lifetime", signed(withByte(6, 0))},
		{"id length zero", signed(withByte(12, 0))},
		{"id length past the end", signed(withByte(12, 200))},
		{"lowercase currency", signed(withByte(9, 'c'))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := s.Verify(tt.tok); !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify() = %+v, %v; want ErrMalformed", c, err)
			}
		})
	}
}

// nonCanonical changes the unused low bits of the last character of tok.
func nonCanonical(tok string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	return tok[:len(tok)-1] + string(alphabet[last|1])
}

func TestErrorsAreDistinct(t *testing.T) {
	errs := []error{ErrMalformed, ErrBadSignature, ErrExpired, ErrNotYetValid, ErrShortKey}
	for i, a := range errs {
		for j, b := range errs {
			if i != j && errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = true, want false", a, b)
			}
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := newSigner(f, &clock{issuedAt.Add(time.Second)}, testKey)
	good, err := s.sign(testClaims())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add("not a token")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Verify(tok)
		if err != nil {
			return
		}
		// Whatever verifies has exactly one encoding: the one we sign.
		again, err := s.sign(c)
		if err != nil {
			t.Fatalf("verified claims %+v do not sign: %v", c, err)
		}
		if again != tok {
			t.Fatalf("verified %q, which re-signs as %q", tok, again)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	s := newSigner(b, &clock{issuedAt}, testKey)
	tok, _, err := s.Issue(testPayment())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	s := newSigner(b, &clock{issuedAt}, testKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Issue(testPayment()); err != nil {
			b.Fatal(err)
		}
	}
}
