package token

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"qrpos/internal/bridgetoken"
)

// Bridge tokens let a PWA on the counter PC open the bridge's local
// endpoint: the server issues one to a logged-in member of staff for one
// store and one bridge, and the bridge checks it with the server's public
// key, which it received at pairing. The format is defined once, in
// internal/bridgetoken, for both sides.
const (
	// MaxBridgeToken bounds the length of a bridge token.
	MaxBridgeToken = bridgetoken.MaxLen
	// DefaultBridgeTTL is how long a bridge token lives.
	DefaultBridgeTTL = 5 * time.Minute
)

// BridgeClaims is what a bridge token says.
type BridgeClaims = bridgetoken.Claims

// BridgeSigner issues bridge tokens. It is safe for concurrent use.
type BridgeSigner struct {
	key ed25519.PrivateKey
	now func() time.Time
	ttl time.Duration
}

// NewBridgeSigner returns a signer whose Ed25519 key is derived from seed
// (at least MinKeyLen bytes; see LoadOrCreateKey). ttl <= 0 means
// DefaultBridgeTTL; now is required.
func NewBridgeSigner(seed []byte, now func() time.Time, ttl time.Duration) (*BridgeSigner, error) {
	if len(seed) < MinKeyLen {
		return nil, ErrShortKey
	}
	if now == nil {
		return nil, errors.New("token: bridge signer needs a clock")
	}
	if ttl <= 0 {
		ttl = DefaultBridgeTTL
	}
	return &BridgeSigner{key: ed25519.NewKeyFromSeed(seed[:ed25519.SeedSize]), now: now, ttl: ttl}, nil
}

// PublicKey is the key bridges verify tokens with.
func (s *BridgeSigner) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Issue returns a token for one store and one bridge.
func (s *BridgeSigner) Issue(storeID, bridgeID string) (string, BridgeClaims, error) {
	now := s.now().UTC().Truncate(time.Second)
	c := BridgeClaims{StoreID: storeID, BridgeID: bridgeID, IssuedAt: now, ExpiresAt: now.Add(s.ttl)}
	tok, err := bridgetoken.Sign(s.key, c)
	if err != nil {
		return "", BridgeClaims{}, fmt.Errorf("token: %w", err)
	}
	return tok, c, nil
}

// VerifyBridge checks a bridge token against the server's public key and
// the time now, allowing skew for clocks that differ. It returns
// ErrMalformed, ErrBadSignature, ErrExpired or ErrNotYetValid (wrapped).
func VerifyBridge(pub ed25519.PublicKey, tok string, now time.Time, skew time.Duration) (BridgeClaims, error) {
	c, err := bridgetoken.Verify(pub, tok, now, skew)
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, bridgetoken.ErrSignature):
		return BridgeClaims{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	case errors.Is(err, bridgetoken.ErrExpired):
		return BridgeClaims{}, fmt.Errorf("%w: %v", ErrExpired, err)
	case errors.Is(err, bridgetoken.ErrFuture):
		return BridgeClaims{}, fmt.Errorf("%w: %v", ErrNotYetValid, err)
	}
	return BridgeClaims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
}
