package pos_test

import (
	"testing"

	"qrpos/server/pos"
)

// A diner's cart is charged the prices the diner saw: the menu version of
// each dish, if not older than the table's session; a dish sold out since
// is refused.
func TestSubmitPricesAsSeen(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	f.setPrice(t, "p-before", "jasmine-tea", 1600) // a version before anyone sat down
	before := f.item(t, "jasmine-tea")
	m, err := f.svc.Menu(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	v0 := m.Version
	d := f.diner(t, "t5") // the session opens at v0
	f.setPrice(t, "p-after", "jasmine-tea", 2000)
	m, _ = f.svc.Menu(ctx, f.manager)
	v1 := m.Version
	if v1 <= v0 {
		t.Fatalf("menu version did not move: %d then %d", v0, v1)
	}

	tests := []struct {
		name    string
		version *int64
		want    int64
	}{
		{"seen before the change", &v0, before.Price},
		{"seen after the change", &v1, 2000},
		{"unknown version", nil, 2000},
		{"older than the session", ptr(v0 - 1), 2000},
		{"newer than the menu", ptr(v1 + 5), 2000},
	}
	for i, tt := range tests {
		req := pos.SubmitRequest{ID: "sub-" + string(rune('a'+i)), Lines: []pos.SubmitLine{{ItemID: "jasmine-tea", Qty: 1, MenuVersion: tt.version}}}
		sub, _, _, err := f.svc.Submit(ctx, d, req)
		if err != nil {
			t.Fatalf("%s: Submit: %v", tt.name, err)
		}
		if got := sub.Lines[0].BasePrice; got != tt.want {
			t.Errorf("%s: charged %d, want %d", tt.name, got, tt.want)
		}
	}

	if _, _, err := f.svc.SetSoldOut(ctx, f.manager, "so-1", "tsingtao", true); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = f.svc.Submit(ctx, d, pos.SubmitRequest{ID: "sub-soldout", Lines: []pos.SubmitLine{{ItemID: "tsingtao", Qty: 1, MenuVersion: &v1}}})
	wantCode(t, err, pos.CodeUnavailable)
}
