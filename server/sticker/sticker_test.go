package sticker_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"

	"qrpos/server/pdf"
	"qrpos/server/pdf/pdftest"
	"qrpos/server/sticker"
)

func stickers(n int) []sticker.Sticker {
	var out []sticker.Sticker
	for i := range n {
		table := fmt.Sprintf("Table %d", i+1)
		if i%2 == 1 {
			table = fmt.Sprintf("%d号桌", i+1)
		}
		out = append(out, sticker.Sticker{Restaurant: "川味小馆 Sichuan House", Table: table,
			URL: fmt.Sprintf("https://pos.example.test/t/c3RvcmUAdCVkADE.tag%04d", i+1)})
	}
	return out
}

func TestGolden(t *testing.T) {
	got, err := sticker.Sheet("Table stickers", stickers(3))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "sheet.pdf.golden"), got)
}

// TestSheet reads the PDF back and checks that every sticker's QR code,
// re-rendered from the rectangles on its page, is the module matrix of its
// URL and decodes to it, and that its names are shown in the right fonts.
func TestSheet(t *testing.T) {
	ss := stickers(sticker.PerPage + 1)
	b, err := sticker.Sheet("Table stickers", ss)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pdftest.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Pages) != 2 {
		t.Fatalf("got %d pages for %d stickers, want 2", len(f.Pages), len(ss))
	}
	for i, s := range ss {
		page := f.Pages[i/sticker.PerPage]
		rects, texts, err := pdftest.Ops(page.Content)
		if err != nil {
			t.Fatal(err)
		}
		x, y, size := sticker.QRBox(i % sticker.PerPage)
		want, err := sticker.Modules(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		got := matrix(rects, x, pdf.A4Height-y, size, len(want))
		for r := range want {
			for c := range want[r] {
				if got[r][c] != want[r][c] {
					t.Fatalf("sticker %d: module (%d,%d) is %v in the PDF, want %v", i, r, c, got[r][c], want[r][c])
				}
			}
		}
		if text := decode(t, rects, x, pdf.A4Height-y, size); text != s.URL {
			t.Errorf("sticker %d: QR decodes to %q, want %q", i, text, s.URL)
		}

		cx, cy, cw, ch := sticker.Cell(i % sticker.PerPage)
		var shown []string
		for _, tx := range texts {
			if tx.X >= cx && tx.X <= cx+cw && pdf.A4Height-tx.Y >= cy && pdf.A4Height-tx.Y <= cy+ch {
				shown = append(shown, tx.Font+tx.Operand)
			}
		}
		all := strings.Join(shown, " ")
		for _, want := range []string{"F2<5DDD54735C0F9986>", "F1( Sichuan House)", "F1(Scan to order / )", "F2<626B780170B99910>", tableOperand(s.Table)} {
			if !strings.Contains(all, want) {
				t.Errorf("sticker %d shows %s; want %s in it", i, all, want)
			}
		}
	}
}

// tableOperand is how the table name is written: Chinese as UCS-2 codes in
// the CJK font.
func tableOperand(name string) string {
	if d, ok := strings.CutSuffix(name, "号桌"); ok {
		return "F1(" + d + ") F2<53F7684C>"
	}
	return "F1(" + name + ")"
}

// inside returns the rectangles within the QR box whose top-left corner is
// (x, top) in PDF coordinates.
func inside(rects []pdftest.Rect, x, top, size float64) []pdftest.Rect {
	var out []pdftest.Rect
	for _, r := range rects {
		if r.X >= x-0.01 && r.X+r.W <= x+size+0.01 && r.Y >= top-size-0.01 && r.Y+r.H <= top+0.01 {
			out = append(out, r)
		}
	}
	return out
}

// matrix samples the centre of each of n x n modules.
func matrix(rects []pdftest.Rect, x, top, size float64, n int) [][]bool {
	rs := inside(rects, x, top, size)
	m := size / float64(n)
	out := make([][]bool, n)
	for r := range n {
		out[r] = make([]bool, n)
		for c := range n {
			px, py := x+(float64(c)+0.5)*m, top-(float64(r)+0.5)*m
			for _, q := range rs {
				if px >= q.X && px <= q.X+q.W && py >= q.Y && py <= q.Y+q.H {
					out[r][c] = true
				}
			}
		}
	}
	return out
}

// decode reads the QR code drawn in a QR box of the PDF.
func decode(t *testing.T, rects []pdftest.Rect, x, top, size float64) string {
	t.Helper()
	text, err := pdftest.DecodeQR(rects, x, top, size)
	if err != nil {
		t.Fatalf("decode the QR code drawn in the PDF: %v", err)
	}
	return text
}

func TestSheetErrors(t *testing.T) {
	if _, err := sticker.Sheet("x", nil); err == nil {
		t.Error("a sheet of no stickers was made")
	}
	long := sticker.Sticker{Restaurant: "r", Table: "t", URL: strings.Repeat("x", 5000)}
	if _, err := sticker.Sheet("x", []sticker.Sticker{long}); err == nil {
		t.Error("a sticker whose URL does not fit a QR code was made")
	}
}

// BenchmarkSheet lays out the stickers of a 30-table restaurant (5 pages).
func BenchmarkSheet(b *testing.B) {
	ss := stickers(30)
	var n int
	for b.Loop() {
		out, err := sticker.Sheet("Table stickers", ss)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "pdf-bytes")
}
