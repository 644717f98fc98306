package pos_test

import (
	"strings"
	"testing"

	"qrpos/server/pos"
)

func TestTableLinks(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	tb, link, err := f.svc.TableLink(ctx, f.manager, "t5")
	if err != nil {
		t.Fatal(err)
	}
	if tb.LinkGen != 1 {
		t.Errorf("new table's link generation = %d, want 1", tb.LinkGen)
	}
	_, got, err := f.svc.TableByLink(ctx, link)
	if err != nil || got.ID != "t5" {
		t.Fatalf("TableByLink(sticker of t5) = %q, %v; want t5", got.ID, err)
	}
	_, link3, _ := f.svc.TableLink(ctx, f.manager, "t3")

	// A cashier cannot print or revoke stickers.
	_, _, err = f.svc.TableLink(ctx, f.cashier, "t5")
	wantCode(t, err, pos.CodeForbidden)
	_, _, _, err = f.svc.RevokeTableLink(ctx, f.cashier, "k-rev-c", "t5")
	wantCode(t, err, pos.CodeForbidden)
	_, _, err = f.svc.TableLink(ctx, f.manager, "t99")
	wantCode(t, err, pos.CodeNotFound)

	// Tampering: any change to the link is refused, never another table.
	for _, bad := range []string{"", "x.y", link + "A", strings.Replace(link, "A", "B", 1), link[:len(link)-1]} {
		if _, _, err := f.svc.TableByLink(ctx, bad); pos.ErrorCode(err) != pos.CodeBadTableLink {
			t.Errorf("TableByLink(%q) = %v, want bad_table_link", bad, err)
		}
	}

	// Revoking t5's sticker retires the old link only; a replay returns
	// the same new link without revoking again.
	tb, link2, replay, err := f.svc.RevokeTableLink(ctx, f.manager, "k-rev-1", "t5")
	if err != nil || replay || tb.LinkGen != 2 || link2 == link {
		t.Fatalf("RevokeTableLink = gen %d, replay %v, err %v; want gen 2, a new link", tb.LinkGen, replay, err)
	}
	_, again, replay, err := f.svc.RevokeTableLink(ctx, f.manager, "k-rev-1", "t5")
	if err != nil || !replay || again != link2 {
		t.Fatalf("replayed RevokeTableLink = %q, replay %v, err %v; want the same link, replayed", again, replay, err)
	}
	if _, _, err := f.svc.TableByLink(ctx, link); pos.ErrorCode(err) != pos.CodeBadTableLink {
		t.Errorf("revoked link: err = %v, want bad_table_link", err)
	}
	if _, got, err := f.svc.TableByLink(ctx, link2); err != nil || got.ID != "t5" {
		t.Errorf("new link: %q, %v; want t5", got.ID, err)
	}
	if _, got, err := f.svc.TableByLink(ctx, link3); err != nil || got.ID != "t3" {
		t.Errorf("another table's link after t5's revocation: %q, %v; want t3", got.ID, err)
	}
}

func TestTableStickers(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, all, err := f.svc.TableStickers(ctx, f.manager, "")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := f.svc.Tables(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name == "" || len(all) != len(tables) || len(all) == 0 {
		t.Fatalf("TableStickers = %q, %d stickers; want the restaurant and %d tables", r.Name, len(all), len(tables))
	}
	for i, s := range all {
		if s.Table.ID != tables[i].ID {
			t.Errorf("sticker %d is table %s, want %s (board order)", i, s.Table.ID, tables[i].ID)
		}
		if _, got, err := f.svc.TableByLink(ctx, s.Link); err != nil || got.ID != s.Table.ID {
			t.Errorf("sticker of %s opens %q, %v", s.Table.ID, got.ID, err)
		}
	}
	if _, _, _, err := f.svc.RevokeTableLink(ctx, f.manager, "k-st-1", "t5"); err != nil {
		t.Fatal(err)
	}
	_, one, err := f.svc.TableStickers(ctx, f.manager, "t5")
	if err != nil || len(one) != 1 || one[0].Table.LinkGen != 2 {
		t.Fatalf("TableStickers(t5) = %+v, %v; want t5 at generation 2", one, err)
	}
	if _, got, err := f.svc.TableByLink(ctx, one[0].Link); err != nil || got.ID != "t5" {
		t.Errorf("t5's new sticker opens %q, %v", got.ID, err)
	}
	_, _, err = f.svc.TableStickers(ctx, f.cashier, "")
	wantCode(t, err, pos.CodeForbidden)
	_, _, err = f.svc.TableStickers(ctx, f.manager, "t99")
	wantCode(t, err, pos.CodeNotFound)
}
