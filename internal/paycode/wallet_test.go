package paycode

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"strings"
	"testing"
	"time"
)

// RFC 4226 Appendix D and RFC 6238 Appendix B seeds: the ASCII digits
// "1234567890" repeated to the hash's length.
var (
	seed20 = []byte("12345678901234567890")
	seed32 = []byte("12345678901234567890123456789012")
	seed64 = []byte("1234567890123456789012345678901234567890123456789012345678901234")
)

func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for count, w := range want {
		if got := HOTP(seed20, uint64(count), 6, nil); got != w {
			t.Errorf("HOTP(count=%d): got %s, want %s", count, got, w)
		}
		if got := HOTP(seed20, uint64(count), 6, sha1.New); got != w {
			t.Errorf("HOTP(count=%d, sha1): got %s, want %s", count, got, w)
		}
	}
}

func TestTOTPRFC6238(t *testing.T) {
	tests := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, tt := range tests {
		at := time.Unix(tt.unix, 0)
		for _, h := range []struct {
			name string
			seed []byte
			newH func() hash.Hash
			want string
		}{
			{"SHA1", seed20, sha1.New, tt.sha1},
			{"SHA256", seed32, sha256.New, tt.sha256},
			{"SHA512", seed64, sha512.New, tt.sha512},
		} {
			if got := TOTP(h.seed, at, 30*time.Second, 8, h.newH); got != h.want {
				t.Errorf("TOTP(%s, %d): got %s, want %s", h.name, tt.unix, got, h.want)
			}
		}
	}
}

func TestHOTPDigits(t *testing.T) {
	// RFC 4226 Appendix D: count 0 truncates to 1284755224.
	tests := []struct {
		digits int
		want   string
	}{
		{1, "4"}, {6, "755224"}, {8, "84755224"}, {9, "284755224"}, {10, "1284755224"},
	}
	for _, tt := range tests {
		if got := HOTP(seed20, 0, tt.digits, nil); got != tt.want {
			t.Errorf("HOTP(digits=%d): got %s, want %s", tt.digits, got, tt.want)
		}
	}
	for _, bad := range []int{0, 11, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("HOTP(digits=%d) did not panic", bad)
				}
			}()
			HOTP(seed20, 0, bad, nil)
		}()
	}
}

func TestCounter(t *testing.T) {
	tests := []struct {
		unix int64
		step time.Duration
		want int64
	}{
		{0, 30 * time.Second, 0},
		{29, 30 * time.Second, 0},
		{30, 30 * time.Second, 1},
		{59, 30 * time.Second, 1},
		{1111111109, 30 * time.Second, 0x23523EC},
		{-1, 30 * time.Second, -1},
		{-30, 30 * time.Second, -1},
		{-31, 30 * time.Second, -2},
		{59, time.Second, 59},
	}
	for _, tt := range tests {
		if got := Counter(time.Unix(tt.unix, 999_999_999), tt.step); got != tt.want {
			t.Errorf("Counter(%d, %v): got %d, want %d", tt.unix, tt.step, got, tt.want)
		}
	}
	for _, bad := range []time.Duration{0, -time.Second, 1500 * time.Millisecond} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Counter(step=%v) did not panic", bad)
				}
			}()
			Counter(time.Unix(0, 0), bad)
		}()
	}
}

var walletSecret = []byte("0123456789abcdefghij")

// stepStart is the start of a wallet time step.
var stepStart = time.Unix(1_800_000_000-1_800_000_000%30, 0)

func TestWalletCode(t *testing.T) {
	code, err := WalletCode(1234, walletSecret, stepStart)
	if err != nil {
		t.Fatalf("WalletCode() error = %v", err)
	}
	if want := "8800001234" + TOTP(walletSecret, stepStart, 30*time.Second, 8, sha1.New); code != want {
		t.Errorf("got %s, want %s", code, want)
	}
	if rail, err := Classify(code); rail != RailWallet || err != nil {
		t.Errorf("Classify(%s) = %q, %v; want wallet", code, rail, err)
	}
	dev, otp, err := ParseWalletCode(code + "\r\n")
	if err != nil || dev != 1234 || otp != code[10:] {
		t.Errorf("ParseWalletCode(%s) = %d, %q, %v; want 1234, %q, nil", code, dev, otp, err, code[10:])
	}
	// Same step, same code; next step, another.
	if again, _ := WalletCode(1234, walletSecret, stepStart.Add(29*time.Second)); again != code {
		t.Errorf("code changed within a step: %s then %s", code, again)
	}
	if next, _ := WalletCode(1234, walletSecret, stepStart.Add(30*time.Second)); next == code {
		t.Errorf("code did not change with the step: %s", next)
	}

	tests := []struct {
		name   string
		device uint32
		secret []byte
		prefix string
	}{
		{"device 0", 0, walletSecret, "8800000000"},
		{"largest device", MaxDevice, walletSecret, "8899999999"},
		{"device too large", MaxDevice + 1, walletSecret, ""},
		{"short secret", 1, walletSecret[:15], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := WalletCode(tt.device, tt.secret, stepStart)
			if tt.prefix == "" {
				if err == nil {
					t.Fatalf("WalletCode() = %s, want an error", got)
				}
				return
			}
			if err != nil || !strings.HasPrefix(got, tt.prefix) || len(got) != WalletCodeLen {
				t.Fatalf("WalletCode() = %s, %v; want %s + 8 digits", got, err, tt.prefix)
			}
		})
	}
}

func TestParseWalletCode(t *testing.T) {
	tests := []struct {
		code    string
		device  uint32
		otp     string
		wantErr bool
	}{
		{"881234567887654321", 12345678, "87654321", false},
		{" 880000000100000000\n", 1, "00000000", false},
		{"134570030591530831", 0, "", true}, // WeChat
		{"88123456788765432", 0, "", true},
		{"8812345678876543210", 0, "", true},
		{"88123456788765432x", 0, "", true},
		{"", 0, "", true},
	}
	for _, tt := range tests {
		dev, otp, err := ParseWalletCode(tt.code)
		if tt.wantErr {
			if !errors.Is(err, ErrUnknownCode) {
				t.Errorf("ParseWalletCode(%q) error = %v, want ErrUnknownCode", tt.code, err)
			}
			continue
		}
		if err != nil || dev != tt.device || otp != tt.otp {
			t.Errorf("ParseWalletCode(%q) = %d, %q, %v; want %d, %q, nil", tt.code, dev, otp, err, tt.device, tt.otp)
		}
	}
}

func TestVerifyWalletCode(t *testing.T) {
	const s = 30 * time.Second
	c := Counter(stepStart, WalletStep) // the step the code is made in
	otp := TOTP(walletSecret, stepStart.Add(10*time.Second), WalletStep, 8, nil)
	tests := []struct {
		name     string
		at       time.Time // server time
		otp      string
		secret   []byte
		lastUsed int64
		want     int64
		wantErr  error
	}{
		{name: "same step", at: stepStart.Add(10 * time.Second), want: c},
		{name: "first instant of the step", at: stepStart, want: c},
		{name: "last instant of the step", at: stepStart.Add(s - time.Nanosecond), want: c},
		{name: "next step (delay, or phone clock behind)", at: stepStart.Add(s), want: c},
		{name: "end of the next step", at: stepStart.Add(2*s - time.Nanosecond), want: c},
		{name: "two steps later", at: stepStart.Add(2 * s), wantErr: ErrCodeExpired},
		{name: "five minutes later", at: stepStart.Add(11*s + 29*time.Second), wantErr: ErrCodeExpired},
		{name: "long after", at: stepStart.Add(12 * s), wantErr: ErrCodeInvalid},
		{name: "previous step (phone clock ahead)", at: stepStart.Add(-time.Nanosecond), want: c},
		{name: "start of the previous step", at: stepStart.Add(-s), want: c},
		{name: "two steps before", at: stepStart.Add(-s - time.Nanosecond), wantErr: ErrCodeInvalid},
		{name: "replay", at: stepStart.Add(10 * time.Second), lastUsed: c, wantErr: ErrCodeUsed},
		{name: "replay in the next step", at: stepStart.Add(s), lastUsed: c, wantErr: ErrCodeUsed},
		{name: "a later code was used", at: stepStart.Add(s), lastUsed: c + 1, wantErr: ErrCodeUsed},
		{name: "used, then expired", at: stepStart.Add(3 * s), lastUsed: c, wantErr: ErrCodeUsed},
		{name: "previous code was used", at: stepStart.Add(10 * time.Second), lastUsed: c - 1, want: c},
		{name: "wrong value", at: stepStart, otp: wrong(otp), wantErr: ErrCodeInvalid},
		{name: "other secret", at: stepStart, secret: []byte("another secret of 20"), wantErr: ErrCodeInvalid},
		{name: "short", at: stepStart, otp: otp[:7], wantErr: ErrCodeInvalid},
		{name: "long", at: stepStart, otp: otp + "0", wantErr: ErrCodeInvalid},
		{name: "not digits", at: stepStart, otp: "1234567a", wantErr: ErrCodeInvalid},
		{name: "short secret", at: stepStart, secret: walletSecret[:15], wantErr: ErrShortSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, secret := otp, walletSecret
			if tt.otp != "" {
				code = tt.otp
			}
			if tt.secret != nil {
				secret = tt.secret
			}
			got, err := VerifyWalletCode(secret, code, tt.at, tt.lastUsed)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("VerifyWalletCode() error = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("VerifyWalletCode() counter: got %d, want %d", got, tt.want)
			}
		})
	}
}

// wrong changes the last digit of otp.
func wrong(otp string) string {
	return otp[:7] + string('0'+(otp[7]-'0'+1)%10)
}

// TestWalletCodeOncePerStep follows a phone through a few payments: the
// counter the server stores makes every code pay once.
func TestWalletCodeOncePerStep(t *testing.T) {
	var last int64
	at := stepStart
	for i := range 5 {
		code, err := WalletCode(7, walletSecret, at)
		if err != nil {
			t.Fatal(err)
		}
		_, otp, err := ParseWalletCode(code)
		if err != nil {
			t.Fatal(err)
		}
		c, err := VerifyWalletCode(walletSecret, otp, at.Add(3*time.Second), last)
		if err != nil {
			t.Fatalf("payment %d: VerifyWalletCode() error = %v, want nil", i, err)
		}
		if _, err := VerifyWalletCode(walletSecret, otp, at.Add(5*time.Second), c); !errors.Is(err, ErrCodeUsed) {
			t.Fatalf("payment %d replayed: error = %v, want ErrCodeUsed", i, err)
		}
		last = c
		at = at.Add(WalletStep)
	}
}

func TestGenerateSecret(t *testing.T) {
	a, b := GenerateSecret(), GenerateSecret()
	if len(a) != SecretLen || string(a) == string(b) {
		t.Errorf("GenerateSecret() = %x, %x; want two different %d-byte secrets", a, b, SecretLen)
	}
}

func BenchmarkVerifyWalletCode(b *testing.B) {
	at := stepStart.Add(10 * time.Second)
	otp := TOTP(walletSecret, at, WalletStep, WalletDigits, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyWalletCode(walletSecret, otp, at, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyWalletCodeInvalid is the worst case: a wrong value is
// checked against every step VerifyWalletCode knows.
func BenchmarkVerifyWalletCodeInvalid(b *testing.B) {
	at := stepStart.Add(10 * time.Second)
	otp := wrong(TOTP(walletSecret, at, WalletStep, WalletDigits, nil))
	b.ReportAllocs()
	for b.Loop() {
		VerifyWalletCode(walletSecret, otp, at, 0)
	}
}
