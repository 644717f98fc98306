// Package bridgetoken is the one definition of the tokens that open a
// bridge's local endpoint: the server signs them (server/token) and the
// bridge verifies them (bridge/link), and neither may import the other.
//
// A token is "qb1." + base64url(payload) + "." + base64url(signature),
// unpadded, where payload is the JSON {"s":store,"b":bridge,"iat":unix,
// "exp":unix} and the Ed25519 signature covers "qrpos bridge token\x00" +
// payload. Ed25519 rather than HMAC, so a bridge holds nothing that could
// mint tokens.
package bridgetoken

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	// Prefix starts every token (version 1).
	Prefix = "qb1."
	// MaxLen bounds the length of a token.
	MaxLen = 1024
	// MaxIDLen bounds the store and bridge ids a token names.
	MaxIDLen = 64
	context_ = "qrpos bridge token\x00"
)

// Errors of Verify, checked with errors.Is.
var (
	ErrMalformed = errors.New("bridge token: malformed")
	ErrSignature = errors.New("bridge token: not signed by the server")
	ErrExpired   = errors.New("bridge token: expired")
	ErrFuture    = errors.New("bridge token: issued in the future")
)

// Claims is what a token says. Times are whole seconds, UTC.
type Claims struct {
	StoreID   string
	BridgeID  string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

type payload struct {
	S   string `json:"s"`
	B   string `json:"b"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
}

// Sign returns the token for c, signed with key.
func Sign(key ed25519.PrivateKey, c Claims) (string, error) {
	if c.StoreID == "" || c.BridgeID == "" || len(c.StoreID) > MaxIDLen || len(c.BridgeID) > MaxIDLen {
		return "", fmt.Errorf("bridge token: needs a store and a bridge id of at most %d bytes", MaxIDLen)
	}
	p, err := json.Marshal(payload{S: c.StoreID, B: c.BridgeID, Iat: c.IssuedAt.Unix(), Exp: c.ExpiresAt.Unix()})
	if err != nil {
		return "", fmt.Errorf("bridge token: encode: %w", err)
	}
	sig := ed25519.Sign(key, append([]byte(context_), p...))
	enc := base64.RawURLEncoding
	return Prefix + enc.EncodeToString(p) + "." + enc.EncodeToString(sig), nil
}

// Verify checks tok against the server's public key at time now, allowing
// skew between the clocks, and returns what it says.
func Verify(pub ed25519.PublicKey, tok string, now time.Time, skew time.Duration) (Claims, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Claims{}, errors.New("bridge token: server key has the wrong size")
	}
	if len(tok) > MaxLen {
		return Claims{}, fmt.Errorf("%w: too long", ErrMalformed)
	}
	rest, ok := strings.CutPrefix(tok, Prefix)
	if !ok {
		return Claims{}, fmt.Errorf("%w: not a bridge token", ErrMalformed)
	}
	p64, s64, ok := strings.Cut(rest, ".")
	if !ok {
		return Claims{}, fmt.Errorf("%w: no signature", ErrMalformed)
	}
	enc := base64.RawURLEncoding.Strict()
	raw, err1 := enc.DecodeString(p64)
	sig, err2 := enc.DecodeString(s64)
	if err1 != nil || err2 != nil || len(sig) != ed25519.SignatureSize {
		return Claims{}, fmt.Errorf("%w: bad encoding", ErrMalformed)
	}
	if !ed25519.Verify(pub, append([]byte(context_), raw...), sig) {
		return Claims{}, ErrSignature
	}
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil || p.S == "" || p.B == "" {
		return Claims{}, fmt.Errorf("%w: bad payload", ErrMalformed)
	}
	c := Claims{StoreID: p.S, BridgeID: p.B, IssuedAt: time.Unix(p.Iat, 0).UTC(), ExpiresAt: time.Unix(p.Exp, 0).UTC()}
	if c.IssuedAt.After(now.Add(skew)) {
		return Claims{}, ErrFuture
	}
	if !now.Before(c.ExpiresAt) {
		return Claims{}, ErrExpired
	}
	return c, nil
}
