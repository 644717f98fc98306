package pos_test

import (
	"strings"
	"testing"

	"qrpos/server/pos"
)

func TestPairingCodeOnceAndInTime(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, _, err := f.svc.NewPairingCode(ctx, f.cashier); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Fatalf("cashier asks for a code: got %v, want forbidden", err)
	}
	code, pc, err := f.svc.NewPairingCode(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 8 || strings.ContainsAny(code, "01OIL") {
		t.Errorf("got code %q, want 8 characters without look-alikes", code)
	}
	if got, want := pc.ExpiresAt.Sub(pc.CreatedAt), pos.PairingTTL; got != want {
		t.Errorf("got validity %v, want %v", got, want)
	}
	// Typed in lower case with a dash, as people do.
	typed := strings.ToLower(code[:4] + "-" + code[4:])
	b, cred, err := f.svc.Pair(ctx, typed, "Counter PC")
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if b.StoreID != f.manager.StoreID || b.Name != "Counter PC" || cred == "" {
		t.Errorf("got bridge %+v with credential %q, want one of store %s named Counter PC", b, cred, f.manager.StoreID)
	}
	_, _, err = f.svc.Pair(ctx, code, "")
	wantCode(t, err, pos.CodeCodeUsed)

	expiring, _, err := f.svc.NewPairingCode(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(pos.PairingTTL)
	_, _, err = f.svc.Pair(ctx, expiring, "")
	wantCode(t, err, pos.CodeCodeExpired)
	_, _, err = f.svc.Pair(ctx, "ABCDEFGH", "")
	wantCode(t, err, pos.CodeCodeInvalid)
	_, _, err = f.svc.Pair(ctx, "short", "")
	wantCode(t, err, pos.CodeCodeInvalid)

	got, err := f.svc.AuthenticateBridge(ctx, cred)
	if err != nil || got.ID != b.ID {
		t.Fatalf("AuthenticateBridge: got %+v, %v, want bridge %s", got, err, b.ID)
	}
}

func TestRevokeBridge(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	code, _, err := f.svc.NewPairingCode(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	b, cred, err := f.svc.Pair(ctx, code, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.RevokeBridge(ctx, f.cashier, "k-revoke-c", b.ID); pos.ErrorCode(err) != pos.CodeForbidden {
		t.Fatalf("cashier revokes: got %v, want forbidden", err)
	}
	rb, _, err := f.svc.RevokeBridge(ctx, f.manager, "k-revoke", b.ID)
	if err != nil || rb.RevokedAt == nil {
		t.Fatalf("RevokeBridge: got %+v, %v, want it revoked", rb, err)
	}
	if _, replay, err := f.svc.RevokeBridge(ctx, f.manager, "k-revoke", b.ID); err != nil || !replay {
		t.Errorf("retried revoke: got replay %v, %v, want a replay", replay, err)
	}
	_, err = f.svc.AuthenticateBridge(ctx, cred)
	wantCode(t, err, pos.CodeUnauthorized)
	list, err := f.svc.Bridges(ctx, f.cashier)
	if err != nil || len(list) != 0 {
		t.Errorf("Bridges after revoke: got %v, %v, want none", list, err)
	}
	_, err = f.svc.Bridge(ctx, f.cashier, b.ID)
	wantCode(t, err, pos.CodeNotFound)
}

func TestKitchenLinesToPrint(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	o := f.order(t, "o1", "")
	o = f.add(t, "o1", "l1", firstItem(t, f), 1)
	o, _, err := f.svc.SendToKitchen(ctx, f.cashier, "k-send-1", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := f.svc.KitchenLinesToPrint(ctx, o)
	if err != nil || len(lines) != 1 || lines[0].ID != "l1" {
		t.Fatalf("first send: got %v, %v, want l1", lines, err)
	}
	if err := f.svc.KitchenLinesPrinted(ctx, o.StoreID, o.ID, []string{"l1"}); err != nil {
		t.Fatal(err)
	}
	f.add(t, "o1", "l2", firstItem(t, f), 2)
	o, _, err = f.svc.SendToKitchen(ctx, f.cashier, "k-send-2", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	lines, err = f.svc.KitchenLinesToPrint(ctx, o)
	if err != nil || len(lines) != 1 || lines[0].ID != "l2" {
		t.Fatalf("second send: got %v, %v, want only l2", lines, err)
	}
}

func firstItem(t *testing.T, f *fixture) string {
	t.Helper()
	m, err := f.svc.Menu(t.Context(), f.cashier)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range m.Items {
		if it.Available && len(it.ModifierGroupIDs) == 0 {
			return it.ID
		}
	}
	t.Fatal("no plain item on the demo menu")
	return ""
}
