// Package token issues and checks every token the server hands out: staff
// session tokens (random, stored hashed) and signed tokens such as one-time
// payment QR tokens.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// sessionBytes is the entropy of a session token: 256 bits, well over the
// 128 a guess must face.
const sessionBytes = 32

// ErrMalformed is returned for a token that is not of the expected form.
var ErrMalformed = errors.New("token: malformed")

// NewSession returns a fresh random session token and the hash to store.
// The token goes to the client only; the server keeps the hash, so a copy
// of the database does not let anyone log in.
func NewSession() (tok string, hash []byte) {
	b := make([]byte, sessionBytes)
	rand.Read(b) // never returns an error (crypto/rand, Go 1.24+)
	tok = base64.RawURLEncoding.EncodeToString(b)
	return tok, HashSession(tok)
}

// HashSession returns the stored form of a session token.
func HashSession(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// CheckSessionForm reports whether tok has the shape of a session token, so
// garbage is refused before it reaches the database.
func CheckSessionForm(tok string) error {
	if len(tok) != base64.RawURLEncoding.EncodedLen(sessionBytes) || strings.ContainsAny(tok, "+/=") {
		return ErrMalformed
	}
	if _, err := base64.RawURLEncoding.DecodeString(tok); err != nil {
		return ErrMalformed
	}
	return nil
}
