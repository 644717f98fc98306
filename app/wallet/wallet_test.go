package wallet

import (
	"encoding/base64"
	"testing"
	"time"

	"qrpos/internal/paycode"
	"qrpos/internal/wire"
)

// TestCode checks the page's code is the one the server verifies: made
// offline from the stored secret, 18 digits, new every 30 s.
func TestCode(t *testing.T) {
	secret := []byte("12345678901234567890")
	d := wire.WalletDevice{MemberID: "1234567890", Device: 4821, Secret: base64.StdEncoding.EncodeToString(secret)}
	t0 := time.Unix(1_700_000_010, 0) // the start of a step
	c1, err := Code(d, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c1) != paycode.WalletCodeLen || c1[:10] != "8800004821" {
		t.Errorf("got code %q, want 18 digits starting 8800004821", c1)
	}
	if _, err := paycode.VerifyWalletCode(secret, c1[10:], t0.Add(10*time.Second), 0); err != nil {
		t.Errorf("server refuses the page's code: %v", err)
	}
	if c2, _ := Code(d, t0.Add(29*time.Second)); c2 != c1 {
		t.Errorf("got %q within the step, want %q", c2, c1)
	}
	if c3, _ := Code(d, t0.Add(30*time.Second)); c3 == c1 {
		t.Errorf("got the same code %q in the next step, want a new one", c3)
	}
	if _, err := Code(wire.WalletDevice{Device: 1, Secret: "!!"}, t0); err == nil {
		t.Errorf("got no error for a secret that is not base64")
	}
}
