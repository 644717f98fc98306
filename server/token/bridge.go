package token

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Bridge tokens let a PWA on the counter PC open the bridge's local
// endpoint: the server issues one to a logged-in member of staff for one
// store and one bridge, and the bridge checks it with the server's public
// key, which it received at pairing. Ed25519 rather than HMAC, so the
// bridge holds nothing that could mint tokens.
//
// A token is "qb1." + base64url(payload) + "." + base64url(signature),
// unpadded, where payload is the JSON {"s":store,"b":bridge,"iat":unix,
// "exp":unix} and the signature covers "qrpos bridge token\x00" + payload.
// bridge/link verifies the same format; change both together.
const (
	bridgePrefix = "qb1."
	// MaxBridgeToken bounds the length of a bridge token.
	MaxBridgeToken = 1024
	// DefaultBridgeTTL is how long a bridge token lives.
	DefaultBridgeTTL = 5 * time.Minute
)

var bridgeContext = "qrpos bridge token\x00"

// BridgeClaims is what a bridge token says.
type BridgeClaims struct {
	StoreID   string
	BridgeID  string
	IssuedAt  time.Time // whole seconds, UTC
	ExpiresAt time.Time // whole seconds, UTC
}

type bridgePayload struct {
	S   string `json:"s"`
	B   string `json:"b"`
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
}

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
	if storeID == "" || bridgeID == "" || len(storeID) > maxIDLen || len(bridgeID) > maxIDLen {
		return "", BridgeClaims{}, errors.New("token: bridge token needs a store and a bridge id of at most 64 bytes")
	}
	now := s.now().UTC().Truncate(time.Second)
	c := BridgeClaims{StoreID: storeID, BridgeID: bridgeID, IssuedAt: now, ExpiresAt: now.Add(s.ttl)}
	payload, err := json.Marshal(bridgePayload{S: storeID, B: bridgeID, Iat: c.IssuedAt.Unix(), Exp: c.ExpiresAt.Unix()})
	if err != nil {
		return "", BridgeClaims{}, fmt.Errorf("token: encode bridge token: %w", err)
	}
	sig := ed25519.Sign(s.key, append([]byte(bridgeContext), payload...))
	enc := base64.RawURLEncoding
	return bridgePrefix + enc.EncodeToString(payload) + "." + enc.EncodeToString(sig), c, nil
}

// VerifyBridge checks a bridge token against the server's public key and
// the time now, allowing skew for clocks that differ. It returns
// ErrMalformed, ErrBadSignature, ErrExpired or ErrNotYetValid (wrapped).
func VerifyBridge(pub ed25519.PublicKey, tok string, now time.Time, skew time.Duration) (BridgeClaims, error) {
	if len(pub) != ed25519.PublicKeySize {
		return BridgeClaims{}, errors.New("token: bridge public key has the wrong size")
	}
	if len(tok) > MaxBridgeToken {
		return BridgeClaims{}, fmt.Errorf("%w: too long", ErrMalformed)
	}
	rest, ok := strings.CutPrefix(tok, bridgePrefix)
	if !ok {
		return BridgeClaims{}, fmt.Errorf("%w: not a bridge token", ErrMalformed)
	}
	p64, s64, ok := strings.Cut(rest, ".")
	if !ok {
		return BridgeClaims{}, fmt.Errorf("%w: no signature", ErrMalformed)
	}
	enc := base64.RawURLEncoding.Strict()
	payload, err1 := enc.DecodeString(p64)
	sig, err2 := enc.DecodeString(s64)
	if err1 != nil || err2 != nil || len(sig) != ed25519.SignatureSize {
		return BridgeClaims{}, fmt.Errorf("%w: bad encoding", ErrMalformed)
	}
	if !ed25519.Verify(pub, append([]byte(bridgeContext), payload...), sig) {
		return BridgeClaims{}, ErrBadSignature
	}
	var p bridgePayload
	if err := json.Unmarshal(payload, &p); err != nil || p.S == "" || p.B == "" {
		return BridgeClaims{}, fmt.Errorf("%w: bad payload", ErrMalformed)
	}
	c := BridgeClaims{StoreID: p.S, BridgeID: p.B, IssuedAt: time.Unix(p.Iat, 0).UTC(), ExpiresAt: time.Unix(p.Exp, 0).UTC()}
	if c.IssuedAt.After(now.Add(skew)) {
		return BridgeClaims{}, ErrNotYetValid
	}
	if !now.Before(c.ExpiresAt) {
		return BridgeClaims{}, ErrExpired
	}
	return c, nil
}
