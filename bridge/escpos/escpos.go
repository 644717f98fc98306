// Package escpos encodes ESC/POS commands for Epson-compatible thermal
// receipt printers and parses their real-time status replies.
//
// An Encoder is a builder: each method appends one command to an in-memory
// buffer and returns the Encoder, so a receipt reads as a chain of calls.
// The first error (an out-of-range argument, too much QR data) is kept and
// returned by Bytes or WriteTo; later calls do nothing. Text never carries
// control bytes, so document text cannot smuggle commands to the printer.
//
// Chinese text is sent in Chinese mode (FS &) as GB18030. Printer fonts only
// implement the double-byte areas, so a character that does not encode to
// printable ASCII or to a 2-byte GB code is printed as '?'; Printable and
// CheckText let the layout find out beforehand. U+00A5 '¥' (4 bytes in
// GB18030) is printed as the full-width '￥' (A3 A4) that every font has.
package escpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Command bytes.
const (
	ESC = 0x1B
	GS  = 0x1D
	FS  = 0x1C
	DLE = 0x10
	EOT = 0x04
	LF  = 0x0A
)

// Align is a justification for ESC a.
type Align byte

// Justifications.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// CutKind selects a full or a partial cut.
type CutKind byte

// Cuts.
const (
	FullCut    CutKind = 0
	PartialCut CutKind = 1
)

// ErrText is wrapped by CheckText for a character the printer cannot print.
var ErrText = errors.New("escpos: character not printable")

// Encoder builds a byte sequence of ESC/POS commands. The zero value is
// ready to use.
type Encoder struct {
	buf     bytes.Buffer
	err     error
	chinese bool
	gb      *encoding.Encoder
}

// New returns an empty Encoder.
func New() *Encoder { return &Encoder{} }

func (e *Encoder) raw(b ...byte) *Encoder {
	if e.err == nil {
		e.buf.Write(b)
	}
	return e
}

func (e *Encoder) fail(format string, args ...any) *Encoder {
	if e.err == nil {
		e.err = fmt.Errorf("escpos: "+format, args...)
	}
	return e
}

// Err returns the first error met while building, if any.
func (e *Encoder) Err() error { return e.err }

// Bytes returns the commands built so far, or the first error.
func (e *Encoder) Bytes() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.buf.Bytes(), nil
}

// WriteTo writes the commands built so far to w, or returns the first error.
func (e *Encoder) WriteTo(w io.Writer) (int64, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := w.Write(e.buf.Bytes())
	return int64(n), err
}

// Init resets the printer to its power-on mode (ESC @). It leaves Chinese
// mode, as the printer does.
func (e *Encoder) Init() *Encoder {
	e.chinese = false
	return e.raw(ESC, '@')
}

// Align sets the justification of the following lines (ESC a n). Send it at
// the start of a line.
func (e *Encoder) Align(a Align) *Encoder {
	if a > Right {
		return e.fail("alignment %d out of range", a)
	}
	return e.raw(ESC, 'a', byte(a))
}

// Bold turns emphasized printing on or off (ESC E n).
func (e *Encoder) Bold(on bool) *Encoder {
	return e.raw(ESC, 'E', b2i(on))
}

// Size sets the character magnification (GS ! n), 1 to 8 in each direction.
// It applies to Chinese characters too.
func (e *Encoder) Size(width, height int) *Encoder {
	if width < 1 || width > 8 || height < 1 || height > 8 {
		return e.fail("character size %dx%d out of range 1-8", width, height)
	}
	return e.raw(GS, '!', byte((width-1)<<4|(height-1)))
}

// LF ends the current line.
func (e *Encoder) LF() *Encoder { return e.raw(LF) }

// Feed prints the buffer and feeds n lines (ESC d n).
func (e *Encoder) Feed(n int) *Encoder {
	if n < 0 || n > 255 {
		return e.fail("feed %d lines out of range", n)
	}
	return e.raw(ESC, 'd', byte(n))
}

// ChineseOn selects Chinese (double-byte GB) mode (FS &).
func (e *Encoder) ChineseOn() *Encoder {
	e.chinese = true
	return e.raw(FS, '&')
}

// ChineseOff leaves Chinese mode (FS .).
func (e *Encoder) ChineseOff() *Encoder {
	e.chinese = false
	return e.raw(FS, '.')
}

// Text appends s without a line feed. Outside Chinese mode only printable
// ASCII is sent; in Chinese mode characters with a 2-byte GB18030 code are
// sent too. Anything else (control characters, characters outside the
// printer's double-byte font) is printed as '?': a receipt with a question
// mark is better than no receipt, and CheckText lets a caller refuse first.
func (e *Encoder) Text(s string) *Encoder {
	if e.err != nil {
		return e
	}
	var tmp [4]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			e.buf.WriteByte(asciiOrQuestion(r))
			continue
		}
		if !e.chinese {
			e.buf.WriteByte('?')
			continue
		}
		n := e.encodeGB(r, &tmp)
		if n == 0 {
			e.buf.WriteByte('?')
			continue
		}
		e.buf.Write(tmp[:n])
	}
	return e
}

// Line appends s and a line feed.
func (e *Encoder) Line(s string) *Encoder { return e.Text(s).LF() }

func asciiOrQuestion(r rune) byte {
	if r < 0x20 || r == 0x7F {
		return '?'
	}
	return byte(r)
}

// encodeGB writes the 2-byte GB18030 code of r into dst and returns 2, or
// returns 0 if r has none.
func (e *Encoder) encodeGB(r rune, dst *[4]byte) int {
	if e.gb == nil {
		e.gb = simplifiedchinese.GB18030.NewEncoder()
	}
	return encodeGB(e.gb, r, dst)
}

func encodeGB(enc *encoding.Encoder, r rune, dst *[4]byte) int {
	if r == '¥' {
		r = '￥'
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	var out [8]byte
	nDst, _, err := enc.Transform(out[:], src[:n], true)
	enc.Reset()
	if err != nil || nDst != 2 {
		return 0
	}
	copy(dst[:], out[:2])
	return 2
}

// Printable reports whether r prints as itself in Chinese mode: printable
// ASCII or a character with a 2-byte GB18030 code. '¥' is printable (as
// '￥').
func Printable(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0x20 && r != 0x7F
	}
	var tmp [4]byte
	return encodeGB(simplifiedchinese.GB18030.NewEncoder(), r, &tmp) == 2
}

// Sanitize returns s as the printer will print it in Chinese mode: '¥'
// becomes '￥' and every character that is not Printable becomes '?'. Layout
// measures the sanitized text so the columns come out right.
func Sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r >= utf8.RuneSelf || r < 0x20 || r == 0x7F {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	enc := simplifiedchinese.GB18030.NewEncoder()
	var b []byte
	var tmp [4]byte
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b = append(b, asciiOrQuestion(r))
		case r == '¥':
			b = utf8.AppendRune(b, '￥')
		case encodeGB(enc, r, &tmp) == 2:
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, '?')
		}
	}
	return string(b)
}

// CheckText returns an error wrapping ErrText naming the first character of
// s that the printer cannot print in Chinese mode.
func CheckText(s string) error {
	enc := simplifiedchinese.GB18030.NewEncoder()
	var tmp [4]byte
	for i, r := range s {
		if r < utf8.RuneSelf {
			if r < 0x20 || r == 0x7F {
				return fmt.Errorf("%w: control character %U at byte %d", ErrText, r, i)
			}
			continue
		}
		if encodeGB(enc, r, &tmp) != 2 {
			return fmt.Errorf("%w: %q (%U) at byte %d has no 2-byte GB code", ErrText, r, r, i)
		}
	}
	return nil
}

// QR options. The zero value prints model 2, module size 6, level M.
type QR struct {
	Model int  // 1 or 2 (0 means 2)
	Size  int  // module size in dots, 1-16 (0 means 6)
	Level byte // 'L', 'M', 'Q' or 'H' (0 means 'M')
}

// MaxQRData is the most bytes GS ( k function 180 can store.
const MaxQRData = 7089

// QRCode stores data in the printer's symbol buffer and prints it as a QR
// code (GS ( k functions 165, 167, 169, 180, 181). Send it at the start of a
// line.
func (e *Encoder) QRCode(data string, o QR) *Encoder {
	model, size, level := o.Model, o.Size, o.Level
	if model == 0 {
		model = 2
	}
	if size == 0 {
		size = 6
	}
	if level == 0 {
		level = 'M'
	}
	if model != 1 && model != 2 {
		return e.fail("qr model %d not 1 or 2", model)
	}
	if size < 1 || size > 16 {
		return e.fail("qr module size %d out of range 1-16", size)
	}
	lv := map[byte]byte{'L': 0x30, 'M': 0x31, 'Q': 0x32, 'H': 0x33}
	l, ok := lv[level]
	if !ok {
		return e.fail("qr error level %q not L, M, Q or H", level)
	}
	k := len(data)
	if k == 0 {
		return e.fail("qr code with no data")
	}
	if k > MaxQRData {
		return e.fail("qr data of %d bytes exceeds %d", k, MaxQRData)
	}
	e.raw(GS, '(', 'k', 4, 0, 0x31, 0x41, byte(0x30+model), 0)
	e.raw(GS, '(', 'k', 3, 0, 0x31, 0x43, byte(size))
	e.raw(GS, '(', 'k', 3, 0, 0x31, 0x45, l)
	p := k + 3
	e.raw(GS, '(', 'k', byte(p), byte(p>>8), 0x31, 0x50, 0x30)
	if e.err == nil {
		e.buf.WriteString(data)
	}
	return e.raw(GS, '(', 'k', 3, 0, 0x31, 0x51, 0x30)
}

// HRI positions of a barcode's human-readable text.
const (
	HRINone  = 0
	HRIAbove = 1
	HRIBelow = 2
	HRIBoth  = 3
)

// Barcode options. The zero value prints 162 dots high, module width 3, no
// human-readable text.
type Barcode struct {
	Height int // dots, 1-255 (0 means 162)
	Width  int // module width, 2-6 (0 means 3)
	HRI    int // HRINone, HRIAbove, HRIBelow or HRIBoth
}

// Code128 prints data as a CODE128 barcode in code set B (GS k, form B,
// m = 73, data prefixed with "{B"). Data must be printable ASCII; a '{' is
// sent as "{{", as the printer expects.
func (e *Encoder) Code128(data string, o Barcode) *Encoder {
	h, w := o.Height, o.Width
	if h == 0 {
		h = 162
	}
	if w == 0 {
		w = 3
	}
	if h < 1 || h > 255 || w < 2 || w > 6 || o.HRI < 0 || o.HRI > 3 {
		return e.fail("barcode height %d, width %d or hri %d out of range", h, w, o.HRI)
	}
	if data == "" {
		return e.fail("code128 with no data")
	}
	d := []byte{'{', 'B'}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c < 0x20 || c > 0x7E {
			return e.fail("code128 set B cannot encode byte %#x", c)
		}
		if c == '{' {
			d = append(d, '{')
		}
		d = append(d, c)
	}
	if len(d) > 255 {
		return e.fail("code128 data of %d bytes too long", len(d))
	}
	e.raw(GS, 'h', byte(h), GS, 'w', byte(w), GS, 'H', byte(o.HRI))
	e.raw(GS, 'k', 73, byte(len(d)))
	return e.raw(d...)
}

// Cut cuts the paper where it is (GS V m). Send it at the start of a line.
func (e *Encoder) Cut(k CutKind) *Encoder {
	if k > PartialCut {
		return e.fail("cut kind %d out of range", k)
	}
	return e.raw(GS, 'V', byte(k))
}

// FeedCut feeds the paper to the cutter plus n motion units and cuts
// (GS V 65 n full, GS V 66 n partial).
func (e *Encoder) FeedCut(k CutKind, n byte) *Encoder {
	if k > PartialCut {
		return e.fail("cut kind %d out of range", k)
	}
	return e.raw(GS, 'V', 65+byte(k), n)
}

// DrawerKick pulses drawer connector pin 2 or pin 5 (ESC p m t1 t2): on for
// t1×2 ms, off for t2×2 ms.
func (e *Encoder) DrawerKick(pin int, t1, t2 byte) *Encoder {
	var m byte
	switch pin {
	case 2:
		m = 0
	case 5:
		m = 1
	default:
		return e.fail("drawer pin %d not 2 or 5", pin)
	}
	return e.raw(ESC, 'p', m, t1, t2)
}

// CompletionMarker asks the printer for its paper status once it has
// processed everything before it (GS r 1). Its reply tells the bridge that
// the job was printed. Send it after the cut.
func (e *Encoder) CompletionMarker() *Encoder { return e.raw(GS, 'r', '1') }

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}
