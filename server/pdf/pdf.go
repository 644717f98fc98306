// Package pdf writes small PDF documents without dependencies: pages of
// filled rectangles, lines and text, enough for table stickers and printed
// reports. Output is deterministic (no dates, no random ids), so documents
// can be golden-file tested byte for byte.
//
// Coordinates are in points (1/72 inch) from the top-left corner of the
// page, y growing downwards, as layouts are usually written; the writer
// turns them into PDF's bottom-left system.
//
// Text uses two fonts no viewer needs embedded: the standard Helvetica for
// ASCII, and the predefined CJK font STSong-Light (Adobe-GB1, UniGB-UCS2-H)
// for everything else. A string is split into runs by script and each run
// is shown in its font, so "Table 8 / 8号桌" mixes both on one line.
// Characters outside the Basic Multilingual Plane and control characters
// are drawn as '?'.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Page sizes in points.
const (
	A4Width  = 595.276 // 210 mm
	A4Height = 841.89  // 297 mm
)

// MM converts millimetres to points.
func MM(mm float64) float64 { return mm * 72 / 25.4 }

// Document is a PDF being built. The zero value is not usable: call New.
type Document struct {
	pages []*Page
	title string
}

// New returns an empty document.
func New() *Document { return &Document{} }

// SetTitle sets the title viewers show (in the document information).
func (d *Document) SetTitle(title string) { d.title = title }

// Page is one page: a content stream of drawing operators.
type Page struct {
	w, h float64
	ops  bytes.Buffer
	// fill and stroke colour currently set in the stream (grey levels,
	// 0 black, 1 white); -1 means not set yet (PDF's default is black).
	fill, stroke, lineW float64
}

// AddPage appends a page of w x h points and returns it for drawing.
func (d *Document) AddPage(w, h float64) *Page {
	p := &Page{w: w, h: h, fill: -1, stroke: -1, lineW: -1}
	d.pages = append(d.pages, p)
	return p
}

// Pages returns how many pages the document has.
func (d *Document) Pages() int { return len(d.pages) }

// num formats a coordinate with at most three decimals and no trailing
// zeros, enough precision for print (1/1000 pt) and stable across runs.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func (p *Page) op(args ...string) {
	p.ops.WriteString(strings.Join(args, " "))
	p.ops.WriteByte('\n')
}

// Gray sets the colour of what follows (rectangles, lines and text) to a
// grey level from 0 (black) to 1 (white).
func (p *Page) Gray(level float64) {
	level = min(max(level, 0), 1)
	if level != p.fill {
		p.op(num(level), "g")
		p.fill = level
	}
	if level != p.stroke {
		p.op(num(level), "G")
		p.stroke = level
	}
}

// FillRect fills the rectangle whose top-left corner is (x, y).
func (p *Page) FillRect(x, y, w, h float64) {
	p.op(num(x), num(p.h-y-h), num(w), num(h), "re", "f")
}

// Line strokes a straight line of the given width.
func (p *Page) Line(x1, y1, x2, y2, width float64) {
	if width != p.lineW {
		p.op(num(width), "w")
		p.lineW = width
	}
	p.op(num(x1), num(p.h-y1), "m", num(x2), num(p.h-y2), "l", "S")
}

// Font resource names.
const (
	fontLatin = "F1" // Helvetica
	fontCJK   = "F2" // STSong-Light
)

// Text draws s with its baseline starting at (x, y) at size points.
func (p *Page) Text(x, y, size float64, s string) {
	runs := splitRuns(s)
	if len(runs) == 0 {
		return
	}
	p.op("BT")
	p.op("1 0 0 1", num(x), num(p.h-y), "Tm")
	for _, r := range runs {
		if r.cjk {
			p.op("/"+fontCJK, num(size), "Tf", hexUCS2(r.text), "Tj")
		} else {
			p.op("/"+fontLatin, num(size), "Tf", literal(r.text), "Tj")
		}
	}
	p.op("ET")
}

// TextCentered draws s centred on x, with its baseline at y.
func (p *Page) TextCentered(x, y, size float64, s string) {
	p.Text(x-TextWidth(s, size)/2, y, size, s)
}

// TextWidth returns how wide s is at size points: Helvetica's metrics for
// ASCII, one em for each other character (STSong-Light's ideographs).
func TextWidth(s string, size float64) float64 {
	units := 0
	for _, r := range sanitize(s) {
		if r < utf8.RuneSelf {
			units += helveticaWidths[r-32]
		} else {
			units += 1000
		}
	}
	return float64(units) * size / 1000
}

// FitText returns s, shortened with "..." if needed, so that it is at most
// width wide at size points.
func FitText(s string, size, width float64) string {
	s = string(sanitize(s))
	if TextWidth(s, size) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := strings.TrimRight(string(rs), " ") + "..."
		if TextWidth(t, size) <= width {
			return t
		}
	}
	return ""
}

// run is a piece of text in one font.
type run struct {
	text []rune
	cjk  bool
}

// sanitize returns the runes of s that the fonts can show: control
// characters and characters beyond the BMP (which UCS-2 cannot name)
// become '?'.
func sanitize(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case r < 32 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r > 0xffff || (r >= 0xd800 && r < 0xe000):
			r = '?'
		}
		out = append(out, r)
	}
	return out
}

func splitRuns(s string) []run {
	var runs []run
	for _, r := range sanitize(s) {
		cjk := r >= utf8.RuneSelf
		if n := len(runs); n > 0 && runs[n-1].cjk == cjk {
			runs[n-1].text = append(runs[n-1].text, r)
			continue
		}
		runs = append(runs, run{text: []rune{r}, cjk: cjk})
	}
	return runs
}

// literal writes ASCII text as a PDF literal string.
func literal(rs []rune) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range rs {
		if r == '(' || r == ')' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte(')')
	return b.String()
}

// hexUCS2 writes BMP text as a hex string of UCS-2 big-endian codes, the
// character codes of the UniGB-UCS2-H CMap.
func hexUCS2(rs []rune) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range rs {
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}

// WriteTo writes the document as PDF 1.4: a catalog, a page tree, the
// shared fonts, one page and content stream per page, the cross-reference
// table and the trailer.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	b, err := d.Bytes()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// Bytes returns the document as PDF bytes.
func (d *Document) Bytes() ([]byte, error) {
	if len(d.pages) == 0 {
		return nil, fmt.Errorf("pdf: a document needs at least one page")
	}
	// Object numbers: 1 catalog, 2 page tree, 3 Helvetica, 4 STSong (Type0),
	// 5 its CIDFont, 6 its descriptor, 7 info, then page and content per page.
	const fixed = 7
	pageObj := func(i int) int { return fixed + 1 + 2*i }
	w := &writer{}
	w.header()

	kids := make([]string, len(d.pages))
	for i := range d.pages {
		kids[i] = strconv.Itoa(pageObj(i)) + " 0 R"
	}
	w.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(d.pages)))
	w.object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.object(4, "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>")
	w.object(5, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"+
		" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 6 0 R /DW 1000 >>")
	w.object(6, "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"+
		" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
	w.object(7, "<< /Producer (QRPOS) /Title "+textString(d.title)+" >>")
	for i, p := range d.pages {
		w.object(pageObj(i), fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s]"+
			" /Resources << /Font << /%s 3 0 R /%s 4 0 R >> >> /Contents %d 0 R >>",
			num(p.w), num(p.h), fontLatin, fontCJK, pageObj(i)+1))
		w.stream(pageObj(i)+1, p.ops.Bytes())
	}
	w.trailer(7)
	return w.buf.Bytes(), nil
}

// textString writes s as a PDF text string: PDFDocEncoding for ASCII,
// UTF-16BE with a byte order mark otherwise.
func textString(s string) string {
	ascii := true
	for _, r := range s {
		if r >= utf8.RuneSelf || r < 32 {
			ascii = false
		}
	}
	if ascii {
		return literal([]rune(s))
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, r := range s {
		if r > 0xffff {
			r -= 0x10000
			fmt.Fprintf(&b, "%04X%04X", 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			continue
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteByte('>')
	return b.String()
}

// writer lays out objects and remembers their offsets for the xref table.
type writer struct {
	buf     bytes.Buffer
	offsets []int // by object number; [0] unused
}

func (w *writer) header() {
	// The second line's high bytes tell tools the file is binary.
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
}

func (w *writer) begin(num int) {
	for len(w.offsets) <= num {
		w.offsets = append(w.offsets, 0)
	}
	w.offsets[num] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n", num)
}

func (w *writer) object(num int, body string) {
	w.begin(num)
	w.buf.WriteString(body)
	w.buf.WriteString("\nendobj\n")
}

func (w *writer) stream(num int, data []byte) {
	w.begin(num)
	fmt.Fprintf(&w.buf, "<< /Length %d >>\nstream\n", len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// trailer writes the cross-reference table (entries of exactly 20 bytes)
// and the trailer pointing at the catalog and the information dictionary.
func (w *writer) trailer(info int) {
	start := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n", len(w.offsets))
	w.buf.WriteString("0000000000 65535 f \n")
	for _, off := range w.offsets[1:] {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets), info, start)
}

// helveticaWidths are the advance widths of Helvetica (from its AFM) for
// the characters 32 (space) to 126 (~), in thousandths of an em.
var helveticaWidths = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}
