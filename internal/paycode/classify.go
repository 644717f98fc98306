// Package paycode reads consumer-presented payment codes: it routes a
// scanned code to its rail by prefix and length, and makes and checks the
// one-time codes of the built-in QRPOS wallet (TOTP, RFC 6238), so that a
// phone can show a code offline and the server can accept it once.
//
// It is shared by the server and the WebAssembly wallet page, so it imports
// only the standard library, uses no regexp (to keep app.wasm small) and
// must build with GOOS=js GOARCH=wasm.
package paycode

import (
	"errors"
	"strings"
)

// Rail is a payment network a consumer-presented code belongs to.
type Rail string

// Rails a code can be routed to.
const (
	RailWeChat   Rail = "wechat"
	RailAlipay   Rail = "alipay"
	RailUnionPay Rail = "unionpay"
	RailWallet   Rail = "wallet" // the built-in QRPOS wallet
)

// WalletPrefix starts every built-in wallet payment code.
//
// 88 collides with none of the documented ranges (WeChat Pay 10-15,
// Alipay 25-30, UnionPay 62), nor with the 10-19 some aggregators already
// treat as WeChat, so a provider widening its range is unlikely to reach
// it. It is also clear of the prefixes that aggregator code is reported to
// route to other Chinese wallets (from memory, unverified: 18 JD Pay,
// 51 Bestpay, 91 QQ Wallet, 01 e-CNY), which keeps room to add those rails.
// The code is 18 digits long, like WeChat's, so scanners and the cashier
// page that expect 18-19 digits handle it unchanged.
const WalletPrefix = "88"

// WalletCodeLen is the length of a built-in wallet payment code: the
// prefix, 8 digits of device number and 8 digits of one-time value.
const WalletCodeLen = 18

// ErrUnknownCode is returned for a code no rail accepts. Its text is meant
// for the cashier.
var ErrUnknownCode = errors.New("this is not a payment code")

// Classify returns the rail that issued a consumer-presented payment code,
// after trimming the spaces, tabs, CR and LF a scanner adds. It accepts
// only ASCII digits:
//
//	WeChat Pay  10-15 and 16 more digits (18)
//	Alipay      25-30 and 14 to 22 more digits (16 to 24)
//	UnionPay    62 and 17 more digits (19)
//	wallet      88 and 16 more digits (18)
//
// Anything else is ErrUnknownCode. Classify checks form only: whether the
// code is live is up to the rail.
func Classify(code string) (Rail, error) {
	code = Trim(code)
	n := len(code)
	if n < 2 || !allDigits(code) {
		return "", ErrUnknownCode
	}
	switch p := (code[0]-'0')*10 + code[1] - '0'; {
	case p >= 10 && p <= 15 && n == 18:
		return RailWeChat, nil
	case p >= 25 && p <= 30 && n >= 16 && n <= 24:
		return RailAlipay, nil
	case p == 62 && n == 19:
		return RailUnionPay, nil
	case p == 88 && n == WalletCodeLen:
		return RailWallet, nil
	}
	return "", ErrUnknownCode
}

// Trim removes the spaces, tabs, CR and LF around a scanned code.
func Trim(code string) string { return strings.Trim(code, " \t\r\n") }

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
