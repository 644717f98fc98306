package pos_test

import (
	"encoding/json"
	"errors"
	"testing"

	"qrpos/server/pos"
)

// FuzzSubmit feeds arbitrary submissions from a phone (untrusted input)
// to Submit: every one is either refused with a pos.Error (a message for
// the diner, never an internal error) or lands as pending lines that pass
// the till's limits.
func FuzzSubmit(f *testing.F) {
	for _, seed := range []string{
		`{"ID":"s1","Lines":[{"ItemID":"jasmine-tea","Qty":2}]}`,
		`{"ID":"s2","Lines":[{"ItemID":"mapo-tofu","Qty":1,"ModifierIDs":["spice-hot","extra-egg"],"Note":"少辣"}]}`,
		`{"ID":"s3","Lines":[{"ItemID":"mapo-tofu","Qty":99,"ModifierIDs":["spice-hot","spice-hot"]}]}`,
		`{"ID":"s4","Lines":[{"ItemID":"drunken-shrimp","Qty":1}]}`,
		`{"ID":"s5","Lines":[{"ItemID":"jasmine-tea","Qty":-1,"Note":"\u0000"}]}`,
		`{"ID":"../../x","Lines":[]}`,
	} {
		f.Add([]byte(seed))
	}
	fx := newFixture(f)
	_, d, _ := fx.join(f, fx.link(f, "t5"), "")
	f.Fuzz(func(t *testing.T, b []byte) {
		var req pos.SubmitRequest
		if json.Unmarshal(b, &req) != nil {
			return
		}
		_, o, _, err := fx.svc.Submit(t.Context(), d, req)
		if err != nil {
			var pe *pos.Error
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("Submit(%s) = %v; want a refusal with a message", b, err)
			}
			return
		}
		for _, l := range o.Lines {
			if l.Qty < 1 || l.Qty > pos.MaxDinerQty || l.TaxRateBP < 0 {
				t.Fatalf("Submit(%s) left line %+v", b, l)
			}
		}
	})
}
