package escpos

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"
)

func hexBytes(s string) []byte {
	var out []byte
	for _, f := range strings.Fields(strings.ReplaceAll(s, "|", " ")) {
		var b byte
		for _, c := range f {
			b <<= 4
			switch {
			case c >= '0' && c <= '9':
				b |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				b |= byte(c-'a') + 10
			}
		}
		out = append(out, b)
	}
	return out
}

// TestExact checks sequences published by other encoders and manuals
// (bridge/escpos reference), independently of the golden files.
func TestExact(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *Encoder)
		want  string
	}{
		{"init", func(e *Encoder) { e.Init() }, "1b 40"},
		{"align center", func(e *Encoder) { e.Align(Center) }, "1b 61 01"},
		{"bold on off", func(e *Encoder) { e.Bold(true).Bold(false) }, "1b 45 01 1b 45 00"},
		{"size 2x2", func(e *Encoder) { e.Size(2, 2) }, "1d 21 11"},
		{"size double height", func(e *Encoder) { e.Size(1, 2) }, "1d 21 01"},
		{"size double width", func(e *Encoder) { e.Size(2, 1) }, "1d 21 10"},
		{"feed 3", func(e *Encoder) { e.LF().Feed(3) }, "0a 1b 64 03"},
		{"chinese mode", func(e *Encoder) { e.ChineseOn().ChineseOff() }, "1c 26 1c 2e"},
		{"zhongwen", func(e *Encoder) { e.ChineseOn().Text("中文") }, "1c 26 d6 d0 ce c4"},
		{"fullwidth yen", func(e *Encoder) { e.ChineseOn().Text("￥") }, "1c 26 a3 a4"},
		{"yen maps to fullwidth", func(e *Encoder) { e.ChineseOn().Text("¥1") }, "1c 26 a3 a4 31"},
		{"middle dot", func(e *Encoder) { e.ChineseOn().Text("·") }, "1c 26 a1 a4"},
		{"non-BMP is replaced", func(e *Encoder) { e.ChineseOn().Text("a𠀀b") }, "1c 26 61 3f 62"},
		{"non-ascii outside chinese mode", func(e *Encoder) { e.Text("中a") }, "3f 61"},
		{"control bytes never pass", func(e *Encoder) { e.Text("\x10\x04\x01\x1b@\x7f") }, "3f 3f 3f 3f 40 3f"},
		{"line", func(e *Encoder) { e.Line("Hi") }, "48 69 0a"},
		{
			"qr worked example",
			func(e *Encoder) { e.QRCode("ABC", QR{Model: 2, Size: 6, Level: 'M'}) },
			"1d 28 6b 04 00 31 41 32 00 | 1d 28 6b 03 00 31 43 06 | 1d 28 6b 03 00 31 45 31 |" +
				"1d 28 6b 06 00 31 50 30 41 42 43 | 1d 28 6b 03 00 31 51 30",
		},
		{
			"qr level H",
			func(e *Encoder) { e.QRCode("ABC", QR{Level: 'H'}) },
			"1d 28 6b 04 00 31 41 32 00 | 1d 28 6b 03 00 31 43 06 | 1d 28 6b 03 00 31 45 33 |" +
				"1d 28 6b 06 00 31 50 30 41 42 43 | 1d 28 6b 03 00 31 51 30",
		},
		{
			"code128 example",
			func(e *Encoder) { e.Code128("ABC123", Barcode{Height: 60, Width: 3, HRI: HRINone}) },
			"1d 68 3c 1d 77 03 1d 48 00 1d 6b 49 08 7b 42 41 42 43 31 32 33",
		},
		{
			"code128 escapes brace",
			func(e *Encoder) { e.Code128("a{", Barcode{Height: 60, HRI: HRIBelow}) },
			"1d 68 3c 1d 77 03 1d 48 02 1d 6b 49 05 7b 42 61 7b 7b",
		},
		{"cut full", func(e *Encoder) { e.Cut(FullCut) }, "1d 56 00"},
		{"cut partial", func(e *Encoder) { e.Cut(PartialCut) }, "1d 56 01"},
		{"feed and cut full", func(e *Encoder) { e.FeedCut(FullCut, 10) }, "1d 56 41 0a"},
		{"feed and cut partial", func(e *Encoder) { e.FeedCut(PartialCut, 0) }, "1d 56 42 00"},
		{"drawer pin 2 odoo", func(e *Encoder) { e.DrawerKick(2, 0x19, 0x19) }, "1b 70 00 19 19"},
		{"drawer pin 5", func(e *Encoder) { e.DrawerKick(5, 0x32, 0xfa) }, "1b 70 01 32 fa"},
		{"completion marker", func(e *Encoder) { e.CompletionMarker() }, "1d 72 31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			tt.build(e)
			got, err := e.Bytes()
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			if want := hexBytes(tt.want); !bytes.Equal(got, want) {
				t.Errorf("got % x, want % x", got, want)
			}
		})
	}
}

func TestQRLength(t *testing.T) {
	data := strings.Repeat("x", 300)
	got, err := New().QRCode(data, QR{}).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// The store command follows model (9 bytes), size (8) and level (8).
	store := got[25:33]
	want := []byte{0x1d, 0x28, 0x6b, 0x2f, 0x01, 0x31, 0x50, 0x30} // 303 = 0x012f
	if !bytes.Equal(store, want) {
		t.Errorf("got store header % x, want % x", store, want)
	}
	if _, err := New().QRCode(strings.Repeat("x", MaxQRData), QR{}).Bytes(); err != nil {
		t.Errorf("QRCode of %d bytes: got %v, want nil", MaxQRData, err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *Encoder)
	}{
		{"qr too long", func(e *Encoder) { e.QRCode(strings.Repeat("x", MaxQRData+1), QR{}) }},
		{"qr empty", func(e *Encoder) { e.QRCode("", QR{}) }},
		{"qr model", func(e *Encoder) { e.QRCode("a", QR{Model: 3}) }},
		{"qr size", func(e *Encoder) { e.QRCode("a", QR{Size: 17}) }},
		{"qr level", func(e *Encoder) { e.QRCode("a", QR{Level: 'X'}) }},
		{"size", func(e *Encoder) { e.Size(9, 1) }},
		{"align", func(e *Encoder) { e.Align(3) }},
		{"feed", func(e *Encoder) { e.Feed(256) }},
		{"code128 non-ascii", func(e *Encoder) { e.Code128("é", Barcode{}) }},
		{"code128 empty", func(e *Encoder) { e.Code128("", Barcode{}) }},
		{"code128 too long", func(e *Encoder) { e.Code128(strings.Repeat("1", 254), Barcode{}) }},
		{"barcode width", func(e *Encoder) { e.Code128("1", Barcode{Width: 7}) }},
		{"drawer pin", func(e *Encoder) { e.DrawerKick(3, 1, 1) }},
		{"cut", func(e *Encoder) { e.Cut(2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New().Init()
			tt.build(e)
			e.Line("after the error")
			if got, err := e.Bytes(); err == nil {
				t.Errorf("got % x and no error, want an error", got)
			}
			var w bytes.Buffer
			if _, err := e.WriteTo(&w); err == nil || w.Len() != 0 {
				t.Errorf("WriteTo: got %d bytes, error %v; want 0 bytes and an error", w.Len(), err)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		in, want string
		check    bool // CheckText accepts in
	}{
		{"plain", "plain", true},
		{"宫保鸡丁 ¥18", "宫保鸡丁 ￥18", true},
		{"tab\there", "tab?here", false},
		{"𠀀", "?", false},
		{"€", "€", true}, // GB18030 A2 E3
		{"฿", "?", false},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q): got %q, want %q", tt.in, got, tt.want)
		}
		err := CheckText(tt.in)
		if got := err == nil; got != tt.check {
			t.Errorf("CheckText(%q): got %v, want ok=%v", tt.in, err, tt.check)
		}
		if err != nil && !errors.Is(err, ErrText) {
			t.Errorf("CheckText(%q): got %v, want it to wrap ErrText", tt.in, err)
		}
		// What Sanitize keeps prints as itself.
		for _, r := range Sanitize(tt.in) {
			if r != '?' && !Printable(r) {
				t.Errorf("Sanitize(%q) kept %q, which is not Printable", tt.in, r)
			}
		}
	}
}

// TestGolden checks whole documents byte for byte against testdata/*.golden.
// Run with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *Encoder)
	}{
		{"qr_abc_m", func(e *Encoder) { e.QRCode("ABC", QR{Model: 2, Size: 6, Level: 'M'}) }},
		{"sample", func(e *Encoder) {
			e.Init().DrawerKick(2, 25, 250).ChineseOn().
				Align(Center).Size(2, 2).Bold(true).Line("QRPOS 小馆").Size(1, 1).Bold(false).
				Align(Left).Line("宫保鸡丁  x2        ￥76.00").
				Line("Total               ¥76.00").
				Align(Center).QRCode("https://example.test/r/abc", QR{Size: 5}).LF().
				Code128("1042", Barcode{Height: 50, HRI: HRIBelow}).LF().
				ChineseOff().Feed(2).FeedCut(PartialCut, 0).CompletionMarker()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			tt.build(e)
			got, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".golden"), got)
		})
	}
	want := hexBytes("1d 28 6b 04 00 31 41 32 00 1d 28 6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31 " +
		"1d 28 6b 06 00 31 50 30 41 42 43 1d 28 6b 03 00 31 51 30")
	got, err := os.ReadFile(filepath.Join("testdata", "qr_abc_m.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("qr_abc_m.golden: got % x, want the worked example % x", got, want)
	}
}

func TestStatus(t *testing.T) {
	type reply struct {
		k StatusKind
		b byte
	}
	tests := []struct {
		name    string
		replies []reply
		want    Status
		ready   bool
	}{
		{"online", []reply{{PrinterStatus, 0x12}}, Status{}, true},
		{"offline", []reply{{PrinterStatus, 0x1A}}, Status{Offline: true}, false},
		{"drawer high", []reply{{PrinterStatus, 0x16}}, Status{DrawerHigh: true}, true},
		{"cover open", []reply{{PrinterStatus, 0x1A}, {OfflineCause, 0x16}}, Status{Offline: true, CoverOpen: true}, false},
		{"paper end stop", []reply{{OfflineCause, 0x32}}, Status{PaperEnd: true}, false},
		{"error", []reply{{OfflineCause, 0x52}}, Status{Error: true}, false},
		{"feed button", []reply{{OfflineCause, 0x1A}}, Status{FeedButton: true}, true},
		{"autocutter", []reply{{ErrorCause, 0x1A}}, Status{Error: true, AutocutterError: true}, false},
		{"unrecoverable", []reply{{ErrorCause, 0x32}}, Status{Error: true, Unrecoverable: true}, false},
		{"overheat", []reply{{ErrorCause, 0x52}}, Status{Error: true, AutoRecoverable: true}, false},
		{"near end", []reply{{PaperStatus, 0x1E}}, Status{PaperNearEnd: true}, true},
		{"roll end", []reply{{PaperStatus, 0x72}}, Status{PaperEnd: true}, false},
		{"roll end and near end", []reply{{PaperStatus, 0x7E}}, Status{PaperEnd: true, PaperNearEnd: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Status
			for _, r := range tt.replies {
				if err := got.Apply(r.k, r.b); err != nil {
					t.Fatalf("Apply(%d, %#x): %v", r.k, r.b, err)
				}
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if str := got.String(); (str == "ready") != (tt.ready && !got.PaperNearEnd) {
				t.Errorf("String: got %q for %+v", str, got)
			}
			if got.Ready() != tt.ready {
				t.Errorf("Ready: got %v, want %v (%s)", got.Ready(), tt.ready, got)
			}
		})
	}
	var s Status
	for _, b := range []byte{0x00, 0x13, 0x92, 0xFF} {
		if err := s.Apply(PrinterStatus, b); err == nil {
			t.Errorf("Apply(%#x): got nil, want an error for a byte that is not a status reply", b)
		}
	}
	if err := s.Apply(5, 0x12); err == nil {
		t.Error("Apply(kind 5): got nil, want an error")
	}
	if got, want := StatusRequest(OfflineCause), []byte{0x10, 0x04, 0x02}; !bytes.Equal(got, want) {
		t.Errorf("StatusRequest: got % x, want % x", got, want)
	}
	if !IsCompletionReply(0x00) || IsCompletionReply(0x12) || !IsStatusReply(0x12) || IsStatusReply(0x00) {
		t.Error("completion and status replies must be told apart")
	}
}
