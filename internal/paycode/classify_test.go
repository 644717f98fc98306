package paycode

import (
	"errors"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		code string
		want Rail // "" means ErrUnknownCode
	}{
		// Examples from payments.md section 5.1.
		{"wechat example 1", "134570030591530831", RailWeChat},
		{"wechat example 2", "130061098828009406", RailWeChat},
		{"wechat example 3", "135112298638468293", RailWeChat},
		{"alipay example 1", "289431869362714645", RailAlipay},
		{"alipay example 2 (17 digits)", "28763443825664394", RailAlipay},
		{"alipay example 3", "280438849930815813", RailAlipay},

		// WeChat: prefixes 10-15, exactly 18 digits.
		{"wechat 10", "100000000000000000", RailWeChat},
		{"wechat 15", "159999999999999999", RailWeChat},
		{"09 is nobody's", "090000000000000000", ""},
		{"16 is not wechat", "160000000000000000", ""},
		{"19 is not wechat (only looser aggregators take it)", "190000000000000000", ""},
		{"wechat 17 digits", "13457003059153083", ""},
		{"wechat 19 digits", "1345700305915308311", ""},

		// Alipay: prefixes 25-30, 16 to 24 digits.
		{"alipay 25 shortest", "2500000000000000", RailAlipay},
		{"alipay 30 longest", "300000000000000000000000", RailAlipay},
		{"alipay 24 digits", "289431869362714645123456", RailAlipay},
		{"alipay 15 digits", "289431869362714", ""},
		{"alipay 25 digits", "2894318693627146451234567", ""},
		{"24 is not alipay", "240000000000000000", ""},
		{"31 is not alipay", "310000000000000000", ""},

		// UnionPay: 62, exactly 19 digits.
		{"unionpay", "6222021234567890123", RailUnionPay},
		{"unionpay 18 digits", "622202123456789012", ""},
		{"unionpay 20 digits", "62220212345678901234", ""},
		{"61 is not unionpay", "6122021234567890123", ""},
		{"63 is not unionpay", "6322021234567890123", ""},

		// Built-in wallet: 88, exactly 18 digits.
		{"wallet", "881234567812345678", RailWallet},
		{"wallet 17 digits", "88123456781234567", ""},
		{"wallet 19 digits", "8812345678123456789", ""},
		{"87 is not the wallet", "871234567812345678", ""},
		{"89 is not the wallet", "891234567812345678", ""},

		// Scanner framing is trimmed.
		{"CR LF", "134570030591530831\r\n", RailWeChat},
		{"LF", "134570030591530831\n", RailWeChat},
		{"spaces and tab", "  \t289431869362714645 ", RailAlipay},
		{"space inside", "1345700305 91530831", ""},

		// Garbage.
		{"empty", "", ""},
		{"only CR LF", "\r\n", ""},
		{"one digit", "1", ""},
		{"letters", "13457003059153083a", ""},
		{"plus sign", "+34570030591530831", ""},
		{"minus sign", "-34570030591530831", ""},
		{"full-width digits", "１３4570030591530831", ""},
		{"url", "https://qr.alipay.com/fkx0123", ""},
		{"NUL", "13457003059153083\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Classify(tt.code)
			if tt.want == "" {
				if !errors.Is(err, ErrUnknownCode) || got != "" {
					t.Fatalf("Classify(%q) = %q, %v; want \"\", ErrUnknownCode", tt.code, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Classify(%q) = %q, %v; want %q, nil", tt.code, got, err, tt.want)
			}
		})
	}
}

func TestUnknownCodeMessage(t *testing.T) {
	if got, want := ErrUnknownCode.Error(), "this is not a payment code"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestClassifyEveryPrefix sweeps all 100 two-digit prefixes at every length
// from 1 to 26 digits against the rules written out independently.
func TestClassifyEveryPrefix(t *testing.T) {
	for p := range 100 {
		for n := 2; n <= 26; n++ {
			code := string([]byte{byte('0' + p/10), byte('0' + p%10)}) + strings.Repeat("7", n-2)
			var want Rail
			switch {
			case p >= 10 && p <= 15 && n == 18:
				want = RailWeChat
			case p >= 25 && p <= 30 && n >= 16 && n <= 24:
				want = RailAlipay
			case p == 62 && n == 19:
				want = RailUnionPay
			case p == 88 && n == 18:
				want = RailWallet
			}
			got, err := Classify(code)
			if got != want || (want == "") != (err != nil) {
				t.Errorf("Classify(%q) = %q, %v; want %q", code, got, err, want)
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"134570030591530831", "28763443825664394\r\n", "6222021234567890123", "881234567812345678", "", "\r\n", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		rail, err := Classify(code)
		if err != nil {
			if rail != "" || !errors.Is(err, ErrUnknownCode) {
				t.Fatalf("Classify(%q) = %q, %v; want \"\", ErrUnknownCode", code, rail, err)
			}
			return
		}
		c := Trim(code)
		if !allDigits(c) || len(c) < 16 || len(c) > 24 {
			t.Fatalf("Classify(%q) accepted %q as %s", code, c, rail)
		}
		// Classifying is idempotent under trimming and framing.
		if again, err := Classify("\r\n" + c + "\r\n"); again != rail || err != nil {
			t.Fatalf("Classify of re-framed %q = %q, %v; want %q", c, again, err, rail)
		}
		_, _, perr := ParseWalletCode(code)
		if (perr == nil) != (rail == RailWallet) {
			t.Fatalf("ParseWalletCode(%q) error = %v for rail %s", code, perr, rail)
		}
	})
}
