package pos

import (
	"crypto/rand"
	"math/big"
	"strings"

	"qrpos/internal/money"
)

func moneyOf(minor int64, currency string) money.Amount { return money.New(minor, currency) }

func formatMinor(minor int64, currency string) string { return money.New(minor, currency).String() }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// maskMember shows only the last four digits of a member number.
func maskMember(id string) string {
	if len(id) <= 4 {
		return "wallet ****"
	}
	return "wallet ****" + id[len(id)-4:]
}

func railName(r string) string {
	switch r {
	case RailWeChat:
		return "WeChat Pay"
	case RailAlipay:
		return "Alipay"
	case RailUnionPay:
		return "UnionPay"
	case RailWallet:
		return "the QRPOS wallet"
	}
	return r
}

func randomInt(n int64) int64 {
	v, _ := rand.Int(rand.Reader, big.NewInt(n))
	return v.Int64()
}

// randomDigits returns n random decimal digits, the first not zero.
func randomDigits(n int) string {
	var b strings.Builder
	b.WriteByte(byte('1' + randomInt(9)))
	for b.Len() < n {
		b.WriteByte(byte('0' + randomInt(10)))
	}
	return b.String()
}
