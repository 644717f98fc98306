package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"qrpos/internal/money"
)

const (
	paymentVersion = 1
	nonceLen       = 8
	tagLen         = 16
	maxIDLen       = 64
	// minPayment is the size of the smallest possible payment token.
	minPayment = 1 + 1 + 1 + 1 + 3 + 3*(1+1) + nonceLen + tagLen
	// maxPayment is the size of the largest.
	maxPayment = 1 + 3*binary.MaxVarintLen64 + 3 + 3*(1+maxIDLen) + nonceLen + tagLen
	// MinKeyLen is the shortest key a Signer accepts: 256 bits.
	MinKeyLen = 32
	// DefaultStep is how often the tablet shows a new token.
	DefaultStep = 15 * time.Second
	// DefaultSkew is how far in the future an issued-at may be, for
	// servers whose clocks differ a little.
	DefaultSkew = 5 * time.Second
)

var paymentContext = []byte("qrpos payment token\x00")

// Errors of payment tokens, besides ErrMalformed. Check them with
// errors.Is.
var (
	ErrBadSignature = errors.New("token: bad signature")
	ErrExpired      = errors.New("token: expired")
	ErrNotYetValid  = errors.New("token: issued in the future")
	ErrShortKey     = errors.New("token: key shorter than 32 bytes")
)

// Payment is what a payment token is issued for.
type Payment struct {
	IntentID   string
	StoreID    string
	TerminalID string
	Amount     money.Amount
}

// PaymentClaims is what a valid payment token says.
type PaymentClaims struct {
	Payment
	IssuedAt  time.Time // whole seconds, UTC
	ExpiresAt time.Time // whole seconds, UTC
	Nonce     [8]byte
}

// SignerConfig configures a Signer.
type SignerConfig struct {
	// Keys are the HMAC keys, each at least MinKeyLen bytes. The first
	// signs; all of them verify, so a key can be rotated by putting the
	// new one first and dropping the old one after a lifetime.
	Keys [][]byte
	// Now is the clock. It is required.
	Now func() time.Time
	// Step is how often the tablet asks for a new token, at least a
	// second; tokens live two steps. Zero means DefaultStep.
	Step time.Duration
	// Skew is how far in the future a token's issued-at may be. Zero
	// means DefaultSkew.
	Skew time.Duration
}

// Signer issues and verifies payment tokens. It is safe for concurrent
// use.
//
// A payment token goes into the merchant-presented ("jumping") QR code as
// https://<server>/p/<token>. The tablet asks for a fresh one every Step
// (15 s by default); a token stays valid for two steps, so the code on
// screen and the one just before it both work and a photo of the screen
// goes stale within half a minute.
//
// A token proves that this server issued it for this intent, amount,
// store and terminal, and that it is fresh. It does not prove that it has
// not been used: that is the server's job. The server consumes the payment
// intent, not the token, with one conditional update in the transaction
// that records the payment, so the first confirmation consumes every copy
// of every token issued for that intent. The nonce only makes every token
// distinct.
//
// # Layout, version 1
//
// The token is base64url without padding of these bytes:
//
//	size      field
//	1         version, 1
//	uvarint   issued-at, Unix seconds
//	uvarint   lifetime in seconds, > 0 (expires-at = issued-at + lifetime)
//	uvarint   amount in minor units, > 0
//	3         currency, ISO 4217 letters A-Z
//	1+n       intent id: length n (1-64), then n bytes
//	1+n       store id, the same way
//	1+n       terminal id, the same way
//	8         nonce, from crypto/rand
//	16        tag: the first 16 bytes of HMAC-SHA256(key, context || all
//	          the bytes above), context = "qrpos payment token\x00"
//
// With 20-byte ids a token is about 132 characters. The tag is truncated to 128
// bits to keep the QR code small; that is the floor RFC 2104 section 5
// advises for SHA-256 (half its output) and far beyond what can be forged
// online against a token that lives 30 seconds. The context string keeps
// a tag made for a payment token from ever passing for another kind of
// token signed with the same key.
type Signer struct {
	keys     [][]byte
	now      func() time.Time
	lifetime int64 // seconds
	skew     time.Duration
}

// NewSigner returns a Signer, or an error if the configuration is unusable.
func NewSigner(c SignerConfig) (*Signer, error) {
	if len(c.Keys) == 0 {
		return nil, errors.New("token: no signing key")
	}
	if c.Now == nil {
		return nil, errors.New("token: no clock")
	}
	s := &Signer{now: c.Now, skew: c.Skew}
	for i, k := range c.Keys {
		if len(k) < MinKeyLen {
			return nil, fmt.Errorf("%w: key %d has %d", ErrShortKey, i, len(k))
		}
		s.keys = append(s.keys, append([]byte(nil), k...))
	}
	step := c.Step
	if step == 0 {
		step = DefaultStep
	}
	if step < time.Second {
		return nil, fmt.Errorf("token: step %v is under a second", step)
	}
	s.lifetime = int64((2*step + time.Second - 1) / time.Second)
	if s.skew == 0 {
		s.skew = DefaultSkew
	}
	if s.skew < 0 {
		return nil, fmt.Errorf("token: negative skew %v", s.skew)
	}
	return s, nil
}

// Issue returns a new token for p, valid from now for two steps, and the
// claims it carries. The amount must be positive, the currency three
// capital letters and the ids 1 to 64 bytes.
func (s *Signer) Issue(p Payment) (string, PaymentClaims, error) {
	now := s.now().Truncate(time.Second).UTC()
	c := PaymentClaims{
		Payment:   p,
		IssuedAt:  now,
		ExpiresAt: now.Add(time.Duration(s.lifetime) * time.Second),
	}
	rand.Read(c.Nonce[:]) // never returns an error (crypto/rand, Go 1.24+)
	tok, err := s.sign(c)
	if err != nil {
		return "", PaymentClaims{}, err
	}
	return tok, c, nil
}

// sign encodes and signs c exactly as given, with the first key.
func (s *Signer) sign(c PaymentClaims) (string, error) {
	b, err := encodePayment(c)
	if err != nil {
		return "", err
	}
	b = append(b, paymentTag(s.keys[0], b)...)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Verify checks a payment token and returns its claims. It refuses, with
// an error wrapping the named one, a token that is not of the layout
// (ErrMalformed, which includes an unknown version), whose tag matches no
// key (ErrBadSignature, compared in constant time), whose expiry has come
// (ErrExpired) or that was issued more than the skew in the future
// (ErrNotYetValid). It does not know whether the token was used.
func (s *Signer) Verify(tok string) (PaymentClaims, error) {
	if len(tok) < base64.RawURLEncoding.EncodedLen(minPayment) || len(tok) > base64.RawURLEncoding.EncodedLen(maxPayment) {
		return PaymentClaims{}, fmt.Errorf("%w: payment token of %d characters", ErrMalformed, len(tok))
	}
	// The decoder skips CR and LF, so the alphabet is checked first: a
	// token has exactly one spelling.
	if !base64URL(tok) {
		return PaymentClaims{}, fmt.Errorf("%w: payment token is not base64url", ErrMalformed)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil || len(b) < minPayment {
		return PaymentClaims{}, fmt.Errorf("%w: payment token is not base64url", ErrMalformed)
	}
	if b[0] != paymentVersion {
		return PaymentClaims{}, fmt.Errorf("%w: payment token version %d", ErrMalformed, b[0])
	}
	body, tag := b[:len(b)-tagLen], b[len(b)-tagLen:]
	ok := false
	for _, k := range s.keys {
		// Every key is tried, so the time taken does not say which one
		// matched.
		if hmac.Equal(tag, paymentTag(k, body)) {
			ok = true
		}
	}
	if !ok {
		return PaymentClaims{}, ErrBadSignature
	}
	c, err := decodePayment(body)
	if err != nil {
		return PaymentClaims{}, err
	}
	now := s.now()
	if c.IssuedAt.After(now.Add(s.skew)) {
		return PaymentClaims{}, fmt.Errorf("%w: at %s", ErrNotYetValid, c.IssuedAt.Format(time.RFC3339))
	}
	if !now.Before(c.ExpiresAt) {
		return PaymentClaims{}, fmt.Errorf("%w: at %s", ErrExpired, c.ExpiresAt.Format(time.RFC3339))
	}
	return c, nil
}

func paymentTag(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(paymentContext)
	m.Write(body)
	return m.Sum(nil)[:tagLen]
}

// encodePayment returns the bytes of c before the tag.
func encodePayment(c PaymentClaims) ([]byte, error) {
	if c.Amount.Minor <= 0 {
		return nil, fmt.Errorf("token: payment amount %d is not positive", c.Amount.Minor)
	}
	if !currencyCode(c.Amount.Currency) {
		return nil, fmt.Errorf("token: currency %q is not three capital letters", c.Amount.Currency)
	}
	for _, id := range []string{c.IntentID, c.StoreID, c.TerminalID} {
		if len(id) < 1 || len(id) > maxIDLen {
			return nil, fmt.Errorf("token: id %q is not 1 to %d bytes", id, maxIDLen)
		}
	}
	iat, exp := c.IssuedAt.Unix(), c.ExpiresAt.Unix()
	if iat < 0 || exp <= iat {
		return nil, fmt.Errorf("token: bad validity %d to %d", iat, exp)
	}
	b := make([]byte, 0, maxPayment)
	b = append(b, paymentVersion)
	b = binary.AppendUvarint(b, uint64(iat))
	b = binary.AppendUvarint(b, uint64(exp-iat))
	b = binary.AppendUvarint(b, uint64(c.Amount.Minor))
	b = append(b, c.Amount.Currency...)
	for _, id := range []string{c.IntentID, c.StoreID, c.TerminalID} {
		b = append(b, byte(len(id)))
		b = append(b, id...)
	}
	b = append(b, c.Nonce[:]...)
	return b, nil
}

// decodePayment parses the bytes before the tag, which must hold exactly
// the fields, refusing non-minimal varints so that claims have one
// encoding.
func decodePayment(b []byte) (PaymentClaims, error) {
	d := decoder{b: b[1:]} // after the version
	iat := d.uvarint()
	life := d.uvarint()
	amount := d.uvarint()
	cur := string(d.bytes(3))
	var ids [3]string
	for i := range ids {
		n := int(d.byte())
		if n < 1 || n > maxIDLen {
			d.fail()
		}
		ids[i] = string(d.bytes(n))
	}
	nonce := d.bytes(nonceLen)
	if d.bad || len(d.b) != 0 {
		return PaymentClaims{}, fmt.Errorf("%w: payment token fields", ErrMalformed)
	}
	const maxUnix = 1 << 40 // year 36812: far enough, and no overflow below
	if iat > maxUnix || life == 0 || life > maxUnix || amount == 0 || amount > 1<<63-1 || !currencyCode(cur) {
		return PaymentClaims{}, fmt.Errorf("%w: payment token values", ErrMalformed)
	}
	c := PaymentClaims{
		Payment: Payment{
			IntentID: ids[0], StoreID: ids[1], TerminalID: ids[2],
			Amount: money.Amount{Minor: int64(amount), Currency: cur},
		},
		IssuedAt:  time.Unix(int64(iat), 0).UTC(),
		ExpiresAt: time.Unix(int64(iat+life), 0).UTC(),
	}
	copy(c.Nonce[:], nonce)
	return c, nil
}

// decoder reads fields from b; after the first failure every read returns
// zero values and bad is set.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) fail() { d.bad, d.b = true, nil }

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	// n <= 0: short or overflowing. A last byte of zero after the first
	// means a longer encoding than needed.
	if n <= 0 || (n > 1 && d.b[n-1] == 0) {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	b := d.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) bytes(n int) []byte {
	if d.bad || len(d.b) < n {
		d.fail()
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func base64URL(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func currencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := range 3 {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}
