package cashier

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/choice"
	"qrpos/app/client"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

var spice = wire.ModifierGroup{ID: "g-spice", Name: "Spice level", Min: 1, Max: 1, Modifiers: []wire.Modifier{
	{ID: "m-mild", Name: "Mild", Price: cny(0)},
	{ID: "m-medium", Name: "Medium", Price: cny(0)},
	{ID: "m-hot", Name: "Hot", Price: cny(0)},
}}

func TestQuickAmounts(t *testing.T) {
	tests := []struct {
		due  money.Amount
		want []money.Amount
	}{
		{cny(4600), []money.Amount{cny(4600), cny(5000), cny(6000), cny(10000)}},
		{cny(5000), []money.Amount{cny(5000), cny(6000), cny(10000)}},
		{cny(1850), []money.Amount{cny(1850), cny(2000), cny(5000), cny(10000)}},
		{cny(12345), []money.Amount{cny(12345), cny(13000), cny(14000), cny(15000), cny(20000)}},
		{money.New(460, "JPY"), []money.Amount{money.New(460, "JPY"), money.New(470, "JPY"), money.New(480, "JPY"), money.New(500, "JPY")}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, QuickAmounts(tt.due)); diff != "" {
			t.Errorf("QuickAmounts(%v) (-want +got):\n%s", tt.due, diff)
		}
	}
}

func TestChange(t *testing.T) {
	tests := []struct {
		due, tendered money.Amount
		want          money.Amount
		enough        bool
	}{
		{cny(4600), cny(5000), cny(400), true},
		{cny(4600), cny(4600), cny(0), true},
		{cny(4600), cny(4000), cny(-600), false},
		{cny(4600), money.New(5000, "USD"), cny(400), false},
	}
	for _, tt := range tests {
		got, enough := Change(tt.due, tt.tendered)
		if got != tt.want || enough != tt.enough {
			t.Errorf("Change(%v, %v) = %v, %v; want %v, %v", tt.due, tt.tendered, got, enough, tt.want, tt.enough)
		}
	}
}

func TestTableOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	orders := map[string]wire.Order{
		"o1": {ID: "o1", TableID: "t3", CreatedAt: t0.Add(time.Minute)},
		"o2": {ID: "o2", TableID: "t3", CreatedAt: t0},
		"o4": {ID: "o4", TableID: ""},
	}
	tests := []struct {
		name   string
		table  wire.Table
		wantID string
		wantOK bool
	}{
		{"oldest order of the table", wire.Table{ID: "t3"}, "o2", true},
		{"free table", wire.Table{ID: "t1"}, "", false},
		{"known order id", wire.Table{ID: "t5", OrderID: "o4"}, "o4", true},
		{"unknown order id", wire.Table{ID: "t6", OrderID: "gone"}, "", false},
	}
	for _, tt := range tests {
		got, ok := TableOrder(tt.table, orders)
		if got.ID != tt.wantID || ok != tt.wantOK {
			t.Errorf("%s: got %q, %v; want %q, %v", tt.name, got.ID, ok, tt.wantID, tt.wantOK)
		}
	}
}

func TestOrderIDFromPath(t *testing.T) {
	for path, want := range map[string]string{
		"/orders/abc":      "abc",
		"/orders/abc/cash": "abc",
		"/board":           "",
	} {
		if got := orderIDFromPath(path); got != want {
			t.Errorf("orderIDFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// load mounts a page in go-app's test engine and returns its HTML.
func load(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatalf("Load: %v", err)
	}
	e.ConsumeAll()
	return app.HTMLString(c.Render())
}

func TestCashPageShowsChange(t *testing.T) {
	order := wire.Order{ID: "o1", Number: 12, TableName: "Table 3", Status: wire.OrderOpen,
		Totals: wire.Totals{Total: cny(4600), Due: cny(4600)}}
	tests := []struct {
		name  string
		entry string
		want  []string
		not   []string
	}{
		{"change", "50", []string{`cash-change|data-minor="400"`, "¥4.00"}, []string{"cash-short"}},
		{"exact", "46", []string{`cash-change|data-minor="0"`}, nil},
		{"short", "40", []string{`cash-short|data-minor="600"`, "Short by"}, []string{"cash-change"}},
		{"nothing typed", "", []string{`cash-entry|data-minor="0"`}, []string{"cash-change", "cash-short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewCash(client.New())
			p.order, p.loaded, p.entry = order, true, tt.entry
			html := load(t, p)
			checkHTML(t, html, tt.want, tt.not)
			enabled := !disabled(tag(html, `data-testid="cash-complete"`))
			if wantEnabled := tt.name == "change" || tt.name == "exact"; enabled != wantEnabled {
				t.Errorf("Complete enabled = %v, want %v", enabled, wantEnabled)
			}
		})
	}
}

func TestModifierDialog(t *testing.T) {
	item := wire.Item{ID: "kpc", Name: "Kung Pao Chicken", Price: cny(3800), ModifierGroups: []string{"g-spice"}, Available: true}
	p := NewOrder(client.New())
	p.loaded = true
	p.menu = wire.Menu{Items: []wire.Item{item}, ModifierGroups: []wire.ModifierGroup{spice}}
	p.order = wire.Order{ID: "o1", Status: wire.OrderOpen}
	p.pick = &modPick{item: item, groups: choice.Groups(p.menu, item), sel: choice.Selection{}}

	html := load(t, p)
	for _, w := range []string{`data-testid="modifier-dialog"`, `data-modifier-name="Hot"`, "Choose 1 for Spice level.", `for="modifier-note"`} {
		if !strings.Contains(html, w) {
			t.Errorf("dialog lacks %s", w)
		}
	}
	if !disabled(tag(html, `data-testid="modifier-add"`)) {
		t.Errorf("Add enabled with no spice level chosen, want disabled")
	}

	p.pick.sel = p.pick.sel.Toggle(spice, "m-hot")
	html = app.HTMLString(p.Render())
	if disabled(tag(html, `data-testid="modifier-add"`)) {
		t.Errorf("Add disabled with Hot chosen, want enabled")
	}
	if hot := tag(html, `data-modifier-name="Hot"`); !pressed(hot) {
		t.Errorf("chosen modifier not marked aria-pressed: %s", hot)
	}
	if mild := tag(html, `data-modifier-name="Mild"`); pressed(mild) {
		t.Errorf("modifier not chosen marked aria-pressed: %s", mild)
	}
}

// tag returns the start tag of the element whose attributes contain marker.
func tag(html, marker string) string {
	i := strings.Index(html, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(html[:i], "<")
	end := i + strings.Index(html[i:], ">")
	return html[start : end+1]
}

// disabled reads the disabled attribute as go-app encodes it natively
// ("disabled" when true, disabled="false" when false).
func disabled(tag string) bool {
	return strings.Contains(tag, " disabled") && !strings.Contains(tag, `disabled="false"`)
}

// pressed reads aria-pressed as go-app encodes it natively.
func pressed(tag string) bool {
	return strings.Contains(tag, "aria-pressed") && !strings.Contains(tag, `aria-pressed="false"`)
}

// checkHTML checks that html has every string of want and none of not. A
// want of the form "testid|attr" looks for attr in the element with that
// testid (go-app writes attributes in no fixed order).
func checkHTML(t *testing.T, html string, want, not []string) {
	t.Helper()
	for _, w := range want {
		in := html
		if id, attr, ok := strings.Cut(w, "|"); ok {
			in, w = tag(html, `data-testid="`+id+`"`), attr
		}
		if !strings.Contains(in, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	for _, n := range not {
		if strings.Contains(html, n) {
			t.Errorf("page has %s, want none", n)
		}
	}
}
