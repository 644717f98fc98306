package paycode

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"
)

// Built-in wallet payment codes are WalletPrefix, an 8-digit device number
// and an 8-digit TOTP value (RFC 6238 with HMAC-SHA1 and a 30 s step) from
// a secret the server provisions to that device's wallet page. The phone
// needs no network to show a code; the server, which knows the secret,
// checks it and remembers the last counter it accepted per device, so each
// code pays once.
const (
	WalletStep   = 30 * time.Second
	WalletDigits = 8
	// MaxDevice is the largest device number that fits in 8 digits.
	MaxDevice = 99_999_999
	// SecretLen is the length of secrets GenerateSecret makes: 160 bits,
	// as RFC 4226 section 4 recommends.
	SecretLen = 20
	// minSecretLen is RFC 4226's floor of 128 bits.
	minSecretLen = 16
	// expiredLookback is how many steps before the accepted window a code
	// is still recognised, so that the cashier hears "expired" and not
	// "invalid" for a code that sat on screen for up to five minutes.
	expiredLookback = 10
)

// Errors of wallet codes. Their text is meant for the cashier.
var (
	ErrCodeExpired = errors.New("payment code expired, ask the payer to refresh it")
	ErrCodeUsed    = errors.New("payment code already used, ask the payer to refresh it")
	ErrCodeInvalid = errors.New("payment code is not valid")
)

// ErrShortSecret is returned for a wallet secret under 128 bits.
var ErrShortSecret = errors.New("paycode: secret is shorter than 128 bits")

// GenerateSecret returns a new random wallet device secret of SecretLen
// bytes.
func GenerateSecret() []byte {
	b := make([]byte, SecretLen)
	rand.Read(b) // never returns an error (crypto/rand, Go 1.24+)
	return b
}

// HOTP returns the RFC 4226 one-time value for counter: HMAC of the
// counter as 8 big-endian bytes under secret, dynamic truncation to 31
// bits, then the last digits decimal digits, zero padded. newHash is the
// HMAC hash (nil means SHA-1, the RFC's default). digits must be 1 to 10;
// anything else is a programming error and panics.
func HOTP(secret []byte, counter uint64, digits int, newHash func() hash.Hash) string {
	if digits < 1 || digits > 10 {
		panic("paycode: HOTP digits must be 1 to 10, got " + strconv.Itoa(digits))
	}
	if newHash == nil {
		newHash = sha1.New
	}
	return hotp(hmac.New(newHash, secret), counter, digits)
}

// hotp is HOTP with a fresh or reset HMAC, so that checking several
// steps keys the HMAC once.
func hotp(m hash.Hash, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	var buf [64]byte // the largest HMAC output in use (SHA-512)
	sum := m.Sum(buf[:0])
	// Dynamic truncation (RFC 4226 section 5.3): the low nibble of the
	// last byte picks 4 bytes; the top bit is dropped to avoid sign issues.
	off := sum[len(sum)-1] & 0x0f
	v := uint64(binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fff_ffff)
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	v %= mod
	var out [10]byte
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out[:digits])
}

// Counter returns the RFC 6238 time step number of t: whole steps since the
// Unix epoch (T0 = 0), rounded down. step must be a positive whole number
// of seconds; anything else is a programming error and panics.
func Counter(t time.Time, step time.Duration) int64 {
	if step < time.Second || step%time.Second != 0 {
		panic("paycode: TOTP step must be a positive whole number of seconds, got " + step.String())
	}
	s := int64(step / time.Second)
	u := t.Unix()
	c := u / s
	if u%s < 0 { // round down before the epoch too
		c--
	}
	return c
}

// TOTP returns the RFC 6238 one-time value at t: HOTP of Counter(t, step).
// Times before 1970 are not meaningful.
func TOTP(secret []byte, t time.Time, step time.Duration, digits int, newHash func() hash.Hash) string {
	return HOTP(secret, uint64(Counter(t, step)), digits, newHash)
}

// WalletCode returns the payment code device shows at t: WalletPrefix, the
// device number as 8 digits, and the 8-digit TOTP value of secret.
func WalletCode(device uint32, secret []byte, t time.Time) (string, error) {
	if device > MaxDevice {
		return "", fmt.Errorf("paycode: device number %d has more than 8 digits", device)
	}
	if len(secret) < minSecretLen {
		return "", ErrShortSecret
	}
	d := strconv.FormatUint(uint64(device), 10)
	const zeros = "00000000"
	return WalletPrefix + zeros[len(d):] + d + TOTP(secret, t, WalletStep, WalletDigits, nil), nil
}

// ParseWalletCode splits a scanned built-in wallet payment code (trimmed
// as by Classify) into the device number, for finding its secret, and the
// one-time value, for VerifyWalletCode. A code of another rail or of no
// rail is ErrUnknownCode.
func ParseWalletCode(code string) (device uint32, otp string, err error) {
	code = Trim(code)
	if rail, err := Classify(code); err != nil || rail != RailWallet {
		return 0, "", ErrUnknownCode
	}
	n, err := strconv.ParseUint(code[2:10], 10, 32)
	if err != nil { // cannot happen: 8 digits checked above
		return 0, "", ErrUnknownCode
	}
	return uint32(n), code[10:], nil
}

// VerifyWalletCode checks the one-time value otp of a wallet device with
// secret at time t, and returns the time step counter it was made for.
//
// It accepts the current step and one step either side (RFC 6238 section
// 5.2: one step of clock skew and transmission delay): with clocks in
// step, a code works for 30 to 60 seconds after the phone shows it, and
// the phone shows a new one every step. It refuses a counter at or below
// lastUsedCounter, the counter the server stored when it last accepted a
// code of this device (0 if never): each code pays once, and after a
// payment the phone must wait for the next step. The server must store
// the returned counter in the same transaction as the payment,
// conditionally on lastUsedCounter being unchanged, so that two tills
// scanning one code cannot both win.
//
// Values are compared in constant time. The errors are ErrCodeInvalid,
// ErrCodeUsed, ErrCodeExpired (a value of the last few minutes) and
// ErrShortSecret.
func VerifyWalletCode(secret []byte, otp string, t time.Time, lastUsedCounter int64) (counter int64, err error) {
	if len(secret) < minSecretLen {
		return 0, ErrShortSecret
	}
	if len(otp) != WalletDigits || !allDigits(otp) {
		return 0, ErrCodeInvalid
	}
	now := Counter(t, WalletStep)
	m := hmac.New(sha1.New, secret)
	fresh := true
	matches := func(c int64) bool {
		if !fresh {
			m.Reset()
		}
		fresh = false
		v := hotp(m, uint64(c), WalletDigits)
		return subtle.ConstantTimeCompare([]byte(v), []byte(otp)) == 1
	}
	used := false
	// The current step first, so that in the (1 in 10^8) case of two steps
	// sharing a value the nearer one wins.
	for _, c := range [...]int64{now, now - 1, now + 1} {
		if !matches(c) {
			continue
		}
		if c <= lastUsedCounter {
			used = true
			continue
		}
		return c, nil
	}
	if used {
		return 0, ErrCodeUsed
	}
	for c := now - 2; c >= now-1-expiredLookback; c-- {
		if matches(c) {
			if c <= lastUsedCounter {
				return 0, ErrCodeUsed
			}
			return 0, ErrCodeExpired
		}
	}
	return 0, ErrCodeInvalid
}
