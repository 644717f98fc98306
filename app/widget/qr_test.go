package widget

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"
)

func TestGroupDigits(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"880000123412345678", "8800 0012 3412 3456 78"},
		{"1234567890", "1234 5678 90"},
		{"1234", "1234"},
		{"12 34-56", "1234 56"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := GroupDigits(tt.in); got != tt.want {
			t.Errorf("GroupDigits(%q): got %q, want %q", tt.in, got, tt.want)
		}
		if got, want := Digits(GroupDigits(tt.in)), Digits(tt.in); got != want {
			t.Errorf("Digits(GroupDigits(%q)): got %q, want %q", tt.in, got, want)
		}
	}
}

func TestSecondsLeft(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time
		want     int
	}{
		{"whole", t0.Add(15 * time.Second), 15},
		{"rounds up", t0.Add(14*time.Second + time.Millisecond), 15},
		{"just under a second", t0.Add(999 * time.Millisecond), 1},
		{"now", t0, 0},
		{"past", t0.Add(-time.Minute), 0},
	}
	for _, tt := range tests {
		if got := SecondsLeft(t0, tt.deadline); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestNextStep(t *testing.T) {
	tests := []struct {
		at   time.Time
		want time.Time
	}{
		{time.Unix(1_700_000_000, 0), time.Unix(1_700_000_010, 0)}, // 1_700_000_000 = 30*56_666_666 + 20
		{time.Unix(1_700_000_010, 0), time.Unix(1_700_000_040, 0)},
		{time.Unix(1_700_000_039, 999), time.Unix(1_700_000_040, 0)},
	}
	for _, tt := range tests {
		if got := NextStep(tt.at, 30*time.Second); !got.Equal(tt.want) {
			t.Errorf("NextStep(%v): got %v, want %v", tt.at.Unix(), got.Unix(), tt.want.Unix())
		}
	}
}

// TestQRSVG checks the SVG draws exactly the dark modules of the code.
func TestQRSVG(t *testing.T) {
	text := "880000123412345678"
	svg, err := QRSVG(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := qrcode.New(text, qrcode.Medium)
	bmp := q.Bitmap()
	dark := 0
	for _, row := range bmp {
		for _, v := range row {
			if v {
				dark++
			}
		}
	}
	drawn := 0
	for _, seg := range strings.Split(svg, "M")[1:] {
		var x, y, w int
		if _, err := fmtSscanf(seg, &x, &y, &w); err != nil {
			t.Fatalf("segment %q: %v", seg, err)
		}
		for i := range w {
			if !bmp[y][x+i] {
				t.Fatalf("module %d,%d drawn dark, want light", x+i, y)
			}
		}
		drawn += w
	}
	if drawn != dark {
		t.Errorf("got %d dark modules drawn, want %d", drawn, dark)
	}
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `viewBox="0 0 `) {
		t.Errorf("not an SVG with a viewBox: %.60s", svg)
	}
}

func fmtSscanf(seg string, x, y, w *int) (int, error) {
	return fmt.Sscanf(seg, "%d %dh%d", x, y, w)
}
