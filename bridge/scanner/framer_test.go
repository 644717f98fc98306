package scanner

import (
	"bytes"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"
)

func TestFramer(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
		want   []string
		stats  Stats
	}{
		{"cr", []string{"134567890123456789\r"}, []string{"134567890123456789"}, Stats{Codes: 1}},
		{"lf", []string{"abc\n"}, []string{"abc"}, Stats{Codes: 1}},
		{"crlf", []string{"abc\r\ndef\r\n"}, []string{"abc", "def"}, Stats{Codes: 2}},
		{"lfcr", []string{"abc\n\rdef\n\r"}, []string{"abc", "def"}, Stats{Codes: 2}},
		{"pieces", []string{"28", "76543210", "98765\r", "\n"}, []string{"287654321098765"}, Stats{Codes: 1}},
		{"crlf split", []string{"abc\r", "\ndef", "\r", "\n"}, []string{"abc", "def"}, Stats{Codes: 2}},
		{"no terminator yet", []string{"abc"}, nil, Stats{}},
		{"empty frames", []string{"\r\n\r\n\n\r"}, nil, Stats{}},
		{"url", []string{"https://pos.example.test/p/abc?x=1&y=2\r"}, []string{"https://pos.example.test/p/abc?x=1&y=2"}, Stats{Codes: 1}},
		{"max length", []string{strings.Repeat("9", 40) + "\r"}, []string{strings.Repeat("9", 40)}, Stats{Codes: 1}},
		{"too long, then resync", []string{strings.Repeat("9", 41), "9999\rok\r"}, []string{"ok"}, Stats{Codes: 1, TooLong: 1}},
		{"control byte", []string{"ab\x1bc\rok\r"}, []string{"ok"}, Stats{Codes: 1, NonPrintable: 1}},
		{"nul", []string{"\x00123\r456\n"}, []string{"456"}, Stats{Codes: 1, NonPrintable: 1}},
		{"high byte", []string{"12\xff3\r", "456\r"}, []string{"456"}, Stats{Codes: 1, NonPrintable: 1}},
		{"utf8 is not printable ascii", []string{"宫\r"}, nil, Stats{NonPrintable: 1}},
		{"tab", []string{"a\tb\r"}, nil, Stats{NonPrintable: 1}},
		{"del", []string{"a\x7f\r"}, nil, Stats{NonPrintable: 1}},
		{"repeat dropped", []string{"abc\r", "abc\r"}, []string{"abc"}, Stats{Codes: 1, Repeats: 1}},
		{"different code passes", []string{"abc\rabd\rabc\r"}, []string{"abc", "abd", "abc"}, Stats{Codes: 3}},
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer(40, time.Second, func() time.Time { return now })
			var got []string
			for _, p := range tt.pieces {
				got = append(got, f.Feed([]byte(p))...)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if f.Stats() != tt.stats {
				t.Errorf("got stats %+v, want %+v", f.Stats(), tt.stats)
			}
		})
	}
}

func TestFramerReset(t *testing.T) {
	f := NewFramer(0, 0, time.Now)
	f.Feed([]byte("12345"))
	f.Reset()
	if got := f.Feed([]byte("678\r")); len(got) != 1 || got[0] != "678" {
		t.Errorf("after Reset: got %q, want [678]", got)
	}
	if got := f.Stats().Partial; got != 1 {
		t.Errorf("got Partial %d, want 1", got)
	}
}

// TestRepeatWindow runs in a synctest bubble, where time.Sleep advances a
// fake clock at once.
func TestRepeatWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewFramer(0, time.Second, time.Now)
		scan := func() bool { return len(f.Feed([]byte("6200001234567890123\r"))) == 1 }
		steps := []struct {
			after time.Duration
			want  bool
		}{
			{0, true},
			{500 * time.Millisecond, false}, // within the window
			{900 * time.Millisecond, false}, // the window slides from the last sighting
			{999 * time.Millisecond, false},
			{time.Second, true}, // a full window of silence
			{1500 * time.Millisecond, true},
		}
		for i, s := range steps {
			time.Sleep(s.after)
			if got := scan(); got != s.want {
				t.Errorf("step %d (after %v): got delivered=%v, want %v", i, s.after, got, s.want)
			}
		}
		if f2 := NewFramer(0, -1, nil); len(f2.Feed([]byte("a\ra\r"))) != 2 {
			t.Error("window off: got a repeat dropped, want both delivered")
		}
	})
}

// FuzzFramer feeds arbitrary bytes, whole and split at an arbitrary point,
// and checks that every code is well formed and that splitting changes
// nothing.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("6200001234567890123\r\n"), uint(3))
	f.Add([]byte("abc\rabc\rdef\n"), uint(0))
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		const maxLen = 32
		clock := func() time.Time { return time.Unix(0, 0) }
		whole := NewFramer(maxLen, time.Second, clock).Feed(data)
		c := int(cut % uint(len(data)+1))
		split := NewFramer(maxLen, time.Second, clock)
		got := append(split.Feed(data[:c]), split.Feed(data[c:])...)
		if strings.Join(got, "\n") != strings.Join(whole, "\n") || len(got) != len(whole) {
			t.Fatalf("split at %d: got %q, want %q", c, got, whole)
		}
		for _, code := range whole {
			if code == "" || len(code) > maxLen || !utf8.ValidString(code) {
				t.Fatalf("got code %q, want 1-%d bytes", code, maxLen)
			}
			for i := 0; i < len(code); i++ {
				if code[i] < 0x20 || code[i] > 0x7e {
					t.Fatalf("got code %q with byte %#x, want printable ASCII", code, code[i])
				}
			}
			if !bytes.Contains(data, []byte(code)) {
				t.Fatalf("got code %q that is not in the input", code)
			}
		}
		for i := 1; i < len(whole); i++ {
			if whole[i] == whole[i-1] {
				t.Fatalf("got %q twice in a row within the repeat window", whole[i])
			}
		}
	})
}
