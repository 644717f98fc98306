package pdf_test

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"

	"qrpos/server/pdf"
	"qrpos/server/pdf/pdftest"
)

func sample() *pdf.Document {
	d := pdf.New()
	d.SetTitle("Sample 样例")
	p := d.AddPage(pdf.A4Width, pdf.A4Height)
	p.FillRect(pdf.MM(10), pdf.MM(10), pdf.MM(20), pdf.MM(5))
	p.Gray(0.5)
	p.Line(0, 0, 100, 100, 0.5)
	p.Gray(0)
	p.Text(72, 72, 12, "Table 8 / 8号桌 (a\\b)")
	p.TextCentered(pdf.A4Width/2, 200, 20, "川味小馆")
	d.AddPage(pdf.MM(80), pdf.MM(100)).Text(10, 20, 9, "second")
	return d
}

func TestGolden(t *testing.T) {
	got, err := sample().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "sample.pdf.golden"), got)
	again, _ := sample().Bytes()
	if !bytes.Equal(got, again) {
		t.Error("two writes of the same document differ")
	}
}

func TestStructure(t *testing.T) {
	b, err := sample().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := pdftest.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Pages) != 2 {
		t.Fatalf("got %d pages, want 2", len(f.Pages))
	}
	if mb := f.Pages[0].MediaBox; mb[2] != 595.276 || mb[3] != 841.89 {
		t.Errorf("page 1 media box %v, want A4", mb)
	}
	rects, texts, err := pdftest.Ops(f.Pages[0].Content)
	if err != nil {
		t.Fatal(err)
	}
	// The rectangle's top-left is 10 mm from the top: PDF y is measured
	// from the bottom.
	if len(rects) != 1 || math.Abs(rects[0].X-pdf.MM(10)) > 0.001 || math.Abs(rects[0].Y-(pdf.A4Height-pdf.MM(15))) > 0.001 {
		t.Errorf("rects %+v, want one at 10 mm, 10 mm from the top", rects)
	}
	want := []pdftest.Text{
		{Font: "F1", Size: 12, X: 72, Y: 769.89, Operand: "(Table 8 / 8)"},
		{Font: "F2", Size: 12, X: 72, Y: 769.89, Operand: "<53F7684C>"},
		{Font: "F1", Size: 12, X: 72, Y: 769.89, Operand: `( \(a\\b\))`},
	}
	if len(texts) < 3 {
		t.Fatalf("texts %+v", texts)
	}
	for i, w := range want {
		if texts[i] != w {
			t.Errorf("text %d = %+v, want %+v", i, texts[i], w)
		}
	}
	// Centred: 4 ideographs of one em at 20 pt is 80 pt wide.
	if c := texts[3]; c.Font != "F2" || math.Abs(c.X-(pdf.A4Width/2-40)) > 0.001 || c.Operand != "<5DDD54735C0F9986>" {
		t.Errorf("centred text %+v, want STSong at x %.3f", c, pdf.A4Width/2-40)
	}
	for _, want := range []string{"/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H", "/Subtype /CIDFontType0", "/Ordering (GB1)", "/BaseFont /Helvetica"} {
		found := false
		for _, o := range f.Objects {
			found = found || strings.Contains(o, want)
		}
		if !found {
			t.Errorf("no object has %q", want)
		}
	}
}

func TestTextWidth(t *testing.T) {
	tests := []struct {
		s    string
		want float64
	}{
		{"", 0},
		{"A", 6.67},
		{"Scan", (667 + 500 + 556 + 556) / 100.0},
		{"号桌", 20},
		{"\x01", 5.56}, // drawn as '?'
	}
	for _, tt := range tests {
		if got := pdf.TextWidth(tt.s, 10); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("TextWidth(%q, 10) = %v, want %v", tt.s, got, tt.want)
		}
	}
	if got := pdf.FitText("Golden Dragon Noodle House", 10, 60); pdf.TextWidth(got, 10) > 60 || !strings.HasSuffix(got, "...") {
		t.Errorf("FitText = %q (%.1f wide), want a shortened text at most 60 wide", got, pdf.TextWidth(got, 10))
	}
	if got := pdf.FitText("A1", 10, 60); got != "A1" {
		t.Errorf("FitText(A1) = %q, want it unchanged", got)
	}
}

func TestNoPages(t *testing.T) {
	if _, err := pdf.New().Bytes(); err == nil {
		t.Error("a document without pages was written")
	}
}

// FuzzText: whatever a restaurant or table is named, the document stays
// well formed: every string operand is closed where the parser expects it.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Table 8", "8号桌", `a(b)c\`, "\x00\n\r\t", "😀 emoji", "\xff\xfe bad utf8", ")Tj ET BT (", "é ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := pdf.New()
		d.SetTitle(s)
		p := d.AddPage(200, 200)
		p.Text(10, 20, 12, s)
		p.TextCentered(100, 50, 9, pdf.FitText(s, 9, 80))
		b, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		f, err := pdftest.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, texts, err := pdftest.Ops(f.Pages[0].Content); err != nil {
			t.Fatal(err)
		} else {
			for _, tx := range texts {
				op := tx.Operand
				ok := (strings.HasPrefix(op, "(") && strings.HasSuffix(op, ")")) || (strings.HasPrefix(op, "<") && strings.HasSuffix(op, ">"))
				if !ok {
					t.Fatalf("operand %q is not one string", op)
				}
			}
		}
		if strings.Count(f.Pages[0].Content, "BT\n") != strings.Count(f.Pages[0].Content, "ET\n") {
			t.Fatal("unbalanced text objects")
		}
	})
}
