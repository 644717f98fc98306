// Package pdftest reads back the PDF files package pdf writes, strictly
// enough for tests: it follows startxref to the cross-reference table,
// checks that every entry points at the object it names, and returns the
// objects, the pages in page-tree order and their content streams. It is
// not a general PDF reader (no compressed streams, no object streams, no
// incremental updates).
package pdftest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// File is a parsed PDF.
type File struct {
	Objects map[int]string // object number -> text between "obj" and "endobj"
	Pages   []Page
	Trailer string
}

// Page is one page of the page tree.
type Page struct {
	Dict     string
	MediaBox [4]float64
	Content  string
}

var (
	refRe      = regexp.MustCompile(`(\d+) 0 R`)
	startxRe   = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	mediaBoxRe = regexp.MustCompile(`/MediaBox \[([-0-9. ]+)\]`)
)

// Parse checks the structure of b and returns its objects and pages.
func Parse(b []byte) (*File, error) {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		return nil, fmt.Errorf("pdftest: no %%PDF header")
	}
	m := startxRe.FindSubmatch(b)
	if m == nil {
		return nil, fmt.Errorf("pdftest: no startxref and %%%%EOF at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref <= 0 || xref >= len(b) || !bytes.HasPrefix(b[xref:], []byte("xref\n")) {
		return nil, fmt.Errorf("pdftest: startxref %d does not point at an xref table", xref)
	}
	rest := b[xref+len("xref\n"):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, fmt.Errorf("pdftest: truncated xref")
	}
	var first, count int
	if _, err := fmt.Sscanf(string(rest[:nl]), "%d %d", &first, &count); err != nil || first != 0 {
		return nil, fmt.Errorf("pdftest: xref subsection header %q", rest[:nl])
	}
	rest = rest[nl+1:]
	if len(rest) < 20*count {
		return nil, fmt.Errorf("pdftest: xref table shorter than %d entries", count)
	}
	f := &File{Objects: map[int]string{}}
	for i := range count {
		e := string(rest[20*i : 20*i+20])
		if e[10] != ' ' || e[16] != ' ' || e[18:] != " \n" {
			return nil, fmt.Errorf("pdftest: xref entry %d is not 20 bytes: %q", i, e)
		}
		if i == 0 {
			if e != "0000000000 65535 f \n" {
				return nil, fmt.Errorf("pdftest: xref entry 0 is %q, want the free head", e)
			}
			continue
		}
		if e[17] != 'n' {
			return nil, fmt.Errorf("pdftest: object %d is not in use", i)
		}
		off, err := strconv.Atoi(e[:10])
		if err != nil || off <= 0 || off >= xref {
			return nil, fmt.Errorf("pdftest: object %d offset %q", i, e[:10])
		}
		head := fmt.Sprintf("%d 0 obj\n", i)
		if !bytes.HasPrefix(b[off:], []byte(head)) {
			return nil, fmt.Errorf("pdftest: object %d offset %d points at %q", i, off, firstLine(b[off:]))
		}
		body := b[off+len(head):]
		end := bytes.Index(body, []byte("\nendobj\n"))
		if end < 0 {
			return nil, fmt.Errorf("pdftest: object %d has no endobj", i)
		}
		f.Objects[i] = string(body[:end])
	}
	rest = rest[20*count:]
	tr, ok := bytes.CutPrefix(rest, []byte("trailer\n"))
	if !ok {
		return nil, fmt.Errorf("pdftest: no trailer after the xref table")
	}
	f.Trailer = string(tr[:bytes.Index(tr, []byte("startxref"))])
	if !strings.Contains(f.Trailer, fmt.Sprintf("/Size %d ", count)) {
		return nil, fmt.Errorf("pdftest: trailer %q does not say /Size %d", f.Trailer, count)
	}
	root, err := f.ref(f.Trailer, "/Root")
	if err != nil {
		return nil, err
	}
	if !strings.Contains(f.Objects[root], "/Type /Catalog") {
		return nil, fmt.Errorf("pdftest: root %d is not a catalog", root)
	}
	pages, err := f.ref(f.Objects[root], "/Pages")
	if err != nil {
		return nil, err
	}
	if err := f.walk(pages, 0); err != nil {
		return nil, err
	}
	return f, nil
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// ref returns the object a key of dict refers to.
func (f *File) ref(dict, key string) (int, error) {
	i := strings.Index(dict, key+" ")
	if i < 0 {
		return 0, fmt.Errorf("pdftest: no %s in %q", key, dict)
	}
	m := refRe.FindStringSubmatch(dict[i:])
	if m == nil || !strings.HasPrefix(dict[i+len(key)+1:], m[0]) {
		return 0, fmt.Errorf("pdftest: %s is not a reference in %q", key, dict)
	}
	n, _ := strconv.Atoi(m[1])
	if _, ok := f.Objects[n]; !ok {
		return 0, fmt.Errorf("pdftest: %s refers to missing object %d", key, n)
	}
	return n, nil
}

func (f *File) walk(n, depth int) error {
	if depth > 8 {
		return fmt.Errorf("pdftest: page tree too deep")
	}
	o := f.Objects[n]
	switch {
	case strings.Contains(o, "/Type /Pages"):
		i := strings.Index(o, "/Kids [")
		if i < 0 {
			return fmt.Errorf("pdftest: page tree node %d has no kids", n)
		}
		kids := o[i+len("/Kids [") : i+strings.IndexByte(o[i:], ']')]
		before := len(f.Pages)
		for _, m := range refRe.FindAllStringSubmatch(kids, -1) {
			k, _ := strconv.Atoi(m[1])
			if err := f.walk(k, depth+1); err != nil {
				return err
			}
		}
		if !strings.Contains(o, fmt.Sprintf("/Count %d ", len(f.Pages)-before)) {
			return fmt.Errorf("pdftest: page tree node %d has %d pages, its /Count says otherwise: %q", n, len(f.Pages)-before, o)
		}
		return nil
	case strings.Contains(o, "/Type /Page "):
		p := Page{Dict: o}
		mb := mediaBoxRe.FindStringSubmatch(o)
		if mb == nil {
			return fmt.Errorf("pdftest: page %d has no media box", n)
		}
		for i, s := range strings.Fields(mb[1]) {
			if i < 4 {
				p.MediaBox[i], _ = strconv.ParseFloat(s, 64)
			}
		}
		c, err := f.ref(o, "/Contents")
		if err != nil {
			return err
		}
		if p.Content, err = f.stream(c); err != nil {
			return err
		}
		f.Pages = append(f.Pages, p)
		return nil
	default:
		return fmt.Errorf("pdftest: object %d in the page tree is neither pages nor page", n)
	}
}

// stream returns the data of a stream object, checking its /Length.
func (f *File) stream(n int) (string, error) {
	o := f.Objects[n]
	var length int
	if _, err := fmt.Sscanf(o, "<< /Length %d >>\nstream\n", &length); err != nil {
		return "", fmt.Errorf("pdftest: object %d is not a plain stream: %v", n, err)
	}
	i := strings.Index(o, "stream\n") + len("stream\n")
	if i+length > len(o) || o[i+length:] != "\nendstream" {
		return "", fmt.Errorf("pdftest: stream %d: /Length %d does not end at endstream", n, length)
	}
	return o[i : i+length], nil
}

// Rect is a filled rectangle in PDF coordinates (origin bottom-left).
type Rect struct{ X, Y, W, H float64 }

// Text is a text show operation: the font resource, its size, the text
// matrix position, and the string operand as written ("(...)" or "<...>").
type Text struct {
	Font    string
	Size    float64
	X, Y    float64
	Operand string
}

// Ops returns the filled rectangles and shown strings of a content stream
// written by package pdf.
func Ops(content string) (rects []Rect, texts []Text, err error) {
	var font string
	var size, x, y float64
	for _, line := range strings.Split(strings.TrimSuffix(content, "\n"), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 6 && f[4] == "re" && f[5] == "f":
			var v [4]float64
			for i := range v {
				if v[i], err = strconv.ParseFloat(f[i], 64); err != nil {
					return nil, nil, fmt.Errorf("pdftest: %q: %v", line, err)
				}
			}
			rects = append(rects, Rect{v[0], v[1], v[2], v[3]})
		case len(f) == 7 && f[6] == "Tm":
			x, _ = strconv.ParseFloat(f[4], 64)
			y, _ = strconv.ParseFloat(f[5], 64)
		case len(f) >= 5 && f[2] == "Tf" && f[len(f)-1] == "Tj":
			font = strings.TrimPrefix(f[0], "/")
			size, _ = strconv.ParseFloat(f[1], 64)
			op := strings.TrimSuffix(strings.TrimSpace(line[len(f[0])+len(f[1])+len(" Tf ")+1:]), " Tj")
			texts = append(texts, Text{Font: font, Size: size, X: x, Y: y, Operand: op})
		}
	}
	return rects, texts, nil
}

// Render rasterises the filled rectangles lying within the square of
// size points whose top-left corner is (x, top) in PDF coordinates, black
// on white at scale pixels per point, as a scanner would see them.
func Render(rects []Rect, x, top, size, scale float64) *image.Gray {
	n := int(math.Ceil(size * scale))
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	const eps = 0.01
	for _, q := range rects {
		if q.X < x-eps || q.X+q.W > x+size+eps || q.Y < top-size-eps || q.Y+q.H > top+eps {
			continue
		}
		x0, x1 := int(math.Round((q.X-x)*scale)), int(math.Round((q.X+q.W-x)*scale))
		y0, y1 := int(math.Round((top-q.Y-q.H)*scale)), int(math.Round((top-q.Y)*scale))
		for py := y0; py < y1; py++ {
			for px := x0; px < x1; px++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	return img
}
