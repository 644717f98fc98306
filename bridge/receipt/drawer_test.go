package receipt

import (
	"testing"

	"qrpos/internal/wire"
)

// TestDrawerOnly: "open drawer" without a sale kicks the drawer and prints
// nothing, not even a cut.
func TestDrawerOnly(t *testing.T) {
	job := &wire.PrintJob{ID: "drawer-1", Kind: wire.PrintKindDrawer, OpenDrawer: true}
	l, err := Lay(job, Columns80)
	if err != nil {
		t.Fatalf("Lay: %v", err)
	}
	if len(l.Rows) != 1 || l.Rows[0].Kind != DrawerRow {
		t.Errorf("rows %+v, want only the drawer kick", l.Rows)
	}
	for _, bad := range []*wire.PrintJob{
		{ID: "d", Kind: wire.PrintKindDrawer},
		{ID: "d", Kind: wire.PrintKindDrawer, OpenDrawer: true, Receipt: englishReceipt().Receipt},
		{ID: "d", Kind: wire.PrintKindDrawer, OpenDrawer: true, Kitchen: &wire.KitchenDoc{}},
	} {
		if err := Validate(bad); err == nil {
			t.Errorf("Validate(%+v): got no error, want one", bad)
		}
	}
}
