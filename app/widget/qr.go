package widget

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/skip2/go-qrcode"
)

// QRSVG renders text as a QR code in an SVG document, drawn in the browser
// (nothing is fetched): one path of dark modules on a white square with the
// quiet zone the standard asks for. The SVG scales to its container.
func QRSVG(text string, level qrcode.RecoveryLevel) (string, error) {
	q, err := qrcode.New(text, level)
	if err != nil {
		return "", err
	}
	bmp := q.Bitmap() // includes a 4-module quiet zone
	n := len(bmp)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(n) + " " + strconv.Itoa(n))
	b.WriteString(`" shape-rendering="crispEdges" role="img"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bmp {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}

// QR shows text as a QR code drawn in the browser, labelled for screen
// readers. A text that cannot be encoded shows the label alone.
func QR(testid, label, text string) app.UI {
	svg, err := QRSVG(text, qrcode.Medium)
	if err != nil {
		return app.Div().Class("qr").DataSet("testid", testid).Text(label)
	}
	return app.Div().
		Class("qr").
		DataSet("testid", testid).
		Attr("role", "img").
		Aria("label", label).
		Body(app.Raw(svg))
}

// GroupDigits writes a long number in groups of four for reading aloud or
// typing: "880000123412345678" is "8800 0012 3412 3456 78". Anything that
// is not a digit is dropped.
func GroupDigits(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Digits keeps only the digits of s (a code typed with spaces).
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SecondsLeft is the whole seconds from now until deadline, rounded up, and
// never below zero: what a countdown shows.
func SecondsLeft(now, deadline time.Time) int {
	d := deadline.Sub(now)
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// NextStep is when the time step of length step that holds t ends (steps
// start at the Unix epoch, as RFC 6238's do).
func NextStep(t time.Time, step time.Duration) time.Time {
	return t.Truncate(step).Add(step)
}
