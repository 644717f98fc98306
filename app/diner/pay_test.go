package diner

import (
	"errors"
	"testing"

	"qrpos/app/client"
	"qrpos/app/i18n"
	"qrpos/internal/wire"
)

func TestRefusalInBothLanguages(t *testing.T) {
	tests := []struct {
		err    error
		en, zh string
	}{
		{errors.New("network down"), "No connection. Check the phone's internet and try again.", "网络未连接，请检查网络后重试。"},
		{&client.Error{Status: 409, ErrorBody: wire.ErrorBody{Code: wire.CodeAlreadyPaid, Message: "x"}}, "This bill is already paid.", "此账单已付清。"},
		{&client.Error{Status: 410, ErrorBody: wire.ErrorBody{Code: wire.CodeTokenExpired, Message: "x"}}, "This QR code has expired. Scan the code on the cashier's screen again.", "二维码已过期，请重新扫描收银屏幕上的二维码。"},
		// A refusal we have no words for keeps the server's message.
		{&client.Error{Status: 422, ErrorBody: wire.ErrorBody{Code: "limit_exceeded", Message: "over the daily limit"}}, "Over the daily limit", "Over the daily limit"},
	}
	for _, tt := range tests {
		if got := refusal(tt.err, i18n.En); got != tt.en {
			t.Errorf("refusal(%v, en) = %q, want %q", tt.err, got, tt.en)
		}
		if got := refusal(tt.err, i18n.Zh); got != tt.zh {
			t.Errorf("refusal(%v, zh) = %q, want %q", tt.err, got, tt.zh)
		}
	}
	if got := fmtText(payText.PayWith.In(i18n.Zh), "¥12.00"); got != "用 QRPOS 钱包支付 ¥12.00" {
		t.Errorf("PayWith in Chinese = %q", got)
	}
}
