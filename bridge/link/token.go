package link

import (
	"crypto/ed25519"
	"time"

	"qrpos/internal/bridgetoken"
)

// Tokens of the local endpoint are issued by the server
// (GET /api/bridges/{id}/token) and signed with its Ed25519 key, whose
// public half the bridge received at pairing. Their format is defined
// once, in internal/bridgetoken, for both sides.

// Token errors.
var (
	ErrTokenMalformed = bridgetoken.ErrMalformed
	ErrTokenSignature = bridgetoken.ErrSignature
	ErrTokenExpired   = bridgetoken.ErrExpired
	ErrTokenFuture    = bridgetoken.ErrFuture
)

const (
	tokenPrefix = bridgetoken.Prefix
	maxToken    = bridgetoken.MaxLen
)

// Claims is what a valid token says.
type Claims = bridgetoken.Claims

// VerifyToken checks tok against the server's public key at time now,
// allowing skew between the clocks.
func VerifyToken(pub ed25519.PublicKey, tok string, now time.Time, skew time.Duration) (Claims, error) {
	return bridgetoken.Verify(pub, tok, now, skew)
}
