// Package sticker lays out the QR stickers of tables on A4 sheets as PDF:
// six stickers of 80 x 88 mm per page with cut marks, each a QR code of
// the table's link drawn as vector rectangles (sharp at any printer
// resolution), the restaurant and table name centred under it, and a short
// "Scan to order" line.
package sticker

import (
	"fmt"

	"github.com/skip2/go-qrcode"

	"qrpos/server/pdf"
)

// Sticker is what one sticker shows.
type Sticker struct {
	Restaurant string
	Table      string
	URL        string // encoded in the QR code
}

// ScanLine is printed under the names on every sticker.
const ScanLine = "Scan to order / 扫码点餐"

// Grid of a sheet.
const (
	Columns = 2
	Rows    = 3
	PerPage = Columns * Rows
)

// Sizes in millimetres.
const (
	cellW   = 80.0
	cellH   = 88.0
	gap     = 6.0                                         // between stickers, where the cut marks are
	marginX = (210 - Columns*cellW - (Columns-1)*gap) / 2 // 22
	marginY = (297 - Rows*cellH - (Rows-1)*gap) / 2       // 10.5
	qrTop   = 5.0                                         // from the top of the sticker
	qrSize  = 58.0                                        // including the quiet zone
	markLen = 3.0                                         // cut mark length
	markOff = 1.0                                         // between a sticker's corner and its marks
)

// Cell returns where the i-th sticker of a page sits, in points from the
// top-left corner of the page.
func Cell(i int) (x, y, w, h float64) {
	col, row := i%Columns, (i/Columns)%Rows
	return pdf.MM(marginX + float64(col)*(cellW+gap)), pdf.MM(marginY + float64(row)*(cellH+gap)), pdf.MM(cellW), pdf.MM(cellH)
}

// QRBox returns the square the QR code (with its quiet zone) fills within
// the i-th cell of a page, in points from the top-left corner of the page.
func QRBox(i int) (x, y, size float64) {
	cx, cy, cw, _ := Cell(i)
	size = pdf.MM(qrSize)
	return cx + (cw-size)/2, cy + pdf.MM(qrTop), size
}

// Modules returns the module matrix a sticker draws for url: go-qrcode's
// bitmap at error correction level M, with its 4-module quiet zone.
func Modules(url string) ([][]bool, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("sticker: qr code of %q: %w", url, err)
	}
	return q.Bitmap(), nil
}

// Sheet returns a PDF of the stickers, PerPage to an A4 page, in order.
func Sheet(title string, stickers []Sticker) ([]byte, error) {
	if len(stickers) == 0 {
		return nil, fmt.Errorf("sticker: no stickers to lay out")
	}
	d := pdf.New()
	d.SetTitle(title)
	var page *pdf.Page
	for i, s := range stickers {
		if i%PerPage == 0 {
			page = d.AddPage(pdf.A4Width, pdf.A4Height)
		}
		if err := draw(page, i%PerPage, s); err != nil {
			return nil, err
		}
	}
	return d.Bytes()
}

func draw(p *pdf.Page, i int, s Sticker) error {
	bmp, err := Modules(s.URL)
	if err != nil {
		return err
	}
	x, y, w, h := Cell(i)
	cutMarks(p, x, y, w, h)

	qx, qy, size := QRBox(i)
	m := size / float64(len(bmp))
	p.Gray(0)
	for r, row := range bmp {
		// One rectangle per run of dark modules in a row keeps the page
		// small; a run is exactly the modules' squares side by side.
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			n := 1
			for c+n < len(row) && row[c+n] {
				n++
			}
			p.FillRect(qx+float64(c)*m, qy+float64(r)*m, float64(n)*m, m)
			c += n
		}
	}

	cx, textW := x+w/2, w-pdf.MM(8)
	base := qy + size
	p.TextCentered(cx, base+pdf.MM(5), 12, pdf.FitText(s.Restaurant, 12, textW))
	p.TextCentered(cx, base+pdf.MM(14), 22, pdf.FitText(s.Table, 22, textW))
	p.Gray(0.3)
	p.TextCentered(cx, base+pdf.MM(21), 9, ScanLine)
	return nil
}

// cutMarks draws short grey lines continuing each edge of the sticker
// outside its corners, where the cutter lines up.
func cutMarks(p *pdf.Page, x, y, w, h float64) {
	p.Gray(0.5)
	off, l := pdf.MM(markOff), pdf.MM(markLen)
	const width = 0.3
	for _, cx := range []float64{x, x + w} {
		for _, cy := range []float64{y, y + h} {
			dx, dy := -1.0, -1.0 // outwards from the corner
			if cx > x {
				dx = 1
			}
			if cy > y {
				dy = 1
			}
			p.Line(cx+dx*off, cy, cx+dx*(off+l), cy, width)
			p.Line(cx, cy+dy*off, cx, cy+dy*(off+l), width)
		}
	}
}
