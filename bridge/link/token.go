package link

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Tokens of the local endpoint are issued by the server
// (GET /api/bridges/{id}/token) and signed with its Ed25519 key, whose
// public half the bridge received at pairing. The format is the server's
// (server/token/bridge.go): "qb1." + base64url(payload) + "." +
// base64url(signature over "qrpos bridge token\x00" + payload), payload
// {"s":store,"b":bridge,"iat":unix,"exp":unix}. The bridge cannot import
// the server, so it reads the format here; the system test checks that
// both agree.

// Token errors.
var (
	ErrTokenMalformed = errors.New("link: malformed token")
	ErrTokenSignature = errors.New("link: token not signed by the server")
	ErrTokenExpired   = errors.New("link: token expired")
	ErrTokenFuture    = errors.New("link: token issued in the future")
)

const (
	tokenPrefix = "qb1."
	maxToken    = 1024
	tokenCtx    = "qrpos bridge token\x00"
)

// Claims is what a valid token says.
type Claims struct {
	StoreID   string
	BridgeID  string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// VerifyToken checks tok against the server's public key at time now,
// allowing skew between the clocks.
func VerifyToken(pub ed25519.PublicKey, tok string, now time.Time, skew time.Duration) (Claims, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Claims{}, errors.New("link: server key has the wrong size")
	}
	if len(tok) > maxToken {
		return Claims{}, fmt.Errorf("%w: too long", ErrTokenMalformed)
	}
	rest, ok := strings.CutPrefix(tok, tokenPrefix)
	if !ok {
		return Claims{}, fmt.Errorf("%w: not a bridge token", ErrTokenMalformed)
	}
	p64, s64, ok := strings.Cut(rest, ".")
	if !ok {
		return Claims{}, fmt.Errorf("%w: no signature", ErrTokenMalformed)
	}
	enc := base64.RawURLEncoding.Strict()
	payload, err1 := enc.DecodeString(p64)
	sig, err2 := enc.DecodeString(s64)
	if err1 != nil || err2 != nil || len(sig) != ed25519.SignatureSize {
		return Claims{}, fmt.Errorf("%w: bad encoding", ErrTokenMalformed)
	}
	if !ed25519.Verify(pub, append([]byte(tokenCtx), payload...), sig) {
		return Claims{}, ErrTokenSignature
	}
	var p struct {
		S   string `json:"s"`
		B   string `json:"b"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(payload, &p); err != nil || p.S == "" || p.B == "" {
		return Claims{}, fmt.Errorf("%w: bad payload", ErrTokenMalformed)
	}
	c := Claims{StoreID: p.S, BridgeID: p.B, IssuedAt: time.Unix(p.Iat, 0).UTC(), ExpiresAt: time.Unix(p.Exp, 0).UTC()}
	if c.IssuedAt.After(now.Add(skew)) {
		return Claims{}, ErrTokenFuture
	}
	if !now.Before(c.ExpiresAt) {
		return Claims{}, ErrTokenExpired
	}
	return c, nil
}
