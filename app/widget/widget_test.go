package widget

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/money"
)

func TestPressPIN(t *testing.T) {
	tests := []struct {
		name string
		pin  string
		keys []string
		want string
	}{
		{"digits", "", []string{"1", "3", "5", "7"}, "1357"},
		{"max six", "", []string{"1", "2", "3", "4", "5", "6", "7"}, "123456"},
		{"back", "13", []string{KeyBack}, "1"},
		{"back on empty", "", []string{KeyBack}, ""},
		{"clear", "135", []string{KeyClear}, ""},
		{"dot ignored", "1", []string{KeyDot}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.pin
			for _, k := range tt.keys {
				got = PressPIN(got, k, 6)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPressAmount(t *testing.T) {
	tests := []struct {
		name   string
		keys   string // one rune per key; < is back, C is clear
		digits int
		want   string
	}{
		{"whole", "50", 2, "50"},
		{"cents", "18.5", 2, "18.5"},
		{"two fraction digits max", "18.555", 2, "18.55"},
		{"one dot", "1..2", 2, "1.2"},
		{"leading dot", ".5", 2, "0.5"},
		{"leading zeros", "007", 2, "7"},
		{"zero then dot", "0.05", 2, "0.05"},
		{"back", "123<", 2, "12"},
		{"back to zero", "0.<<", 2, ""},
		{"clear", "12C3", 2, "3"},
		{"no dot for yen", "100.5", 0, "1005"},
		{"seven whole digits", "123456789", 2, "1234567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, r := range tt.keys {
				k := string(r)
				switch r {
				case '<':
					k = KeyBack
				case 'C':
					k = KeyClear
				}
				got = PressAmount(got, k, tt.digits)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEntryAmount(t *testing.T) {
	tests := []struct {
		entry string
		want  int64
	}{
		{"", 0},
		{"50", 5000},
		{"18.5", 1850},
		{"18.", 1800},
		{"0.05", 5},
	}
	for _, tt := range tests {
		got, err := EntryAmount(tt.entry, "CNY")
		if err != nil {
			t.Fatalf("EntryAmount(%q): %v", tt.entry, err)
		}
		if got.Minor != tt.want || got.Currency != "CNY" {
			t.Errorf("EntryAmount(%q) = %+v, want %d CNY", tt.entry, got, tt.want)
		}
	}
}

func TestAmountEntryRoundTrip(t *testing.T) {
	for _, minor := range []int64{0, 5, 1850, 5000, 123456} {
		a := money.New(minor, "CNY")
		e := AmountEntry(a)
		got, err := EntryAmount(e, "CNY")
		if err != nil || got != a {
			t.Errorf("EntryAmount(AmountEntry(%d)) = %+v, %v via %q; want %+v", minor, got, err, e, a)
		}
	}
}

func TestNumpadRender(t *testing.T) {
	html := app.HTMLString(Numpad("cash", true, func(app.Context, string) {}))
	for _, want := range []string{`data-testid="cash-key-dot"`, `data-testid="cash-key-back"`, `aria-label="Delete last digit"`, `data-testid="cash-key-0"`} {
		if !strings.Contains(html, want) {
			t.Errorf("numpad HTML lacks %s", want)
		}
	}
	if strings.Contains(html, "cash-key-clear") {
		t.Errorf("numpad with dot has a clear key, want the dot in its place")
	}
}

func TestUpdateBanner(t *testing.T) {
	b := &UpdateBanner{}
	e := app.NewTestEngine()
	if err := e.Load(b); err != nil {
		t.Fatalf("Load: %v", err)
	}
	e.ConsumeAll()
	if got := app.HTMLString(b); strings.Contains(got, "update-banner") {
		t.Errorf("banner shown without an update: %s", got)
	}
	b.available = true
	if got := app.HTMLString(b.Render()); !strings.Contains(got, `data-testid="update-reload"`) {
		t.Errorf("banner with an update lacks the reload button: %s", got)
	}
}

func TestMoney(t *testing.T) {
	got := app.HTMLString(Money("order-total", money.New(4600, "CNY")))
	if !strings.Contains(got, `data-minor="4600"`) || !strings.Contains(got, "¥46.00") {
		t.Errorf("got %s, want data-minor 4600 and ¥46.00", got)
	}
}

func TestKeyboardKey(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"7", "7", true},
		{"Backspace", KeyBack, true},
		{"Escape", KeyClear, true},
		{"Enter", KeyEnter, true},
		{",", KeyDot, true},
		{"a", "", false},
		{"F5", "", false},
	}
	for _, tt := range tests {
		got, ok := KeyboardKey(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("KeyboardKey(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
