package httpapi

import (
	"fmt"
	"testing"
)

func TestParseCutoff(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"04:00", 240, true}, {"4:00", 240, true}, {"4", 240, true}, {" 23:59 ", 1439, true}, {"00:00", 0, true},
		{"24:00", 0, false}, {"04:60", 0, false}, {"04:5", 0, false}, {"-1:00", 0, false}, {"", 0, false},
		{"four", 0, false}, {"004:00", 0, false}, {"04:00:00", 0, false}, {"+4:00", 0, false},
	} {
		got, ok := parseCutoff(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseCutoff(%q): got %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseCutoff: a cut-off is read from a request body; whatever it
// accepts is a minute of the day that formats back to itself.
func FuzzParseCutoff(f *testing.F) {
	for _, s := range []string{"04:00", "4", "23:59", "24:00", "", "1:2", "٤:٠٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := parseCutoff(s)
		if !ok {
			return
		}
		if m < 0 || m >= 24*60 {
			t.Fatalf("parseCutoff(%q) = %d, outside the day", s, m)
		}
		back, ok := parseCutoff(fmt.Sprintf("%02d:%02d", m/60, m%60))
		if !ok || back != m {
			t.Fatalf("parseCutoff(%q) = %d does not round-trip (%d, %v)", s, m, back, ok)
		}
	})
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"麻婆豆腐": "麻婆豆腐", "=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@a": "'@a", "\tx": "'\tx", "": "", "a=b": "a=b",
	} {
		if got := text(in); got != want {
			t.Errorf("text(%q): got %q, want %q", in, got, want)
		}
	}
}
