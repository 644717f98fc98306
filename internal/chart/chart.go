// Package chart draws the small charts of the back office as inline SVG
// markup, with no chart library: the app renders it into the page and the
// server into the printable Z report.
package chart

import (
	"fmt"
	"html"
	"strings"
)

// Bar is one bar: its label under the axis and its value.
type Bar struct {
	Label string
	Value int64
	Title string // tooltip, e.g. the formatted amount
}

// Bars returns an SVG bar chart of bars, width by height user units,
// scaled to the largest value (negative values draw as empty bars). id
// names the chart for tests (data-testid) and label describes it for
// screen readers.
func Bars(id, label string, bars []Bar, width, height int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" data-testid="%s" class="chart">`,
		width, height, html.EscapeString(label), html.EscapeString(id))
	var top int64
	for _, bar := range bars {
		top = max(top, bar.Value)
	}
	const axis = 18 // room for the labels under the bars
	plot := height - axis
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#9aa5b1" stroke-width="1"/>`, plot, width, plot)
	if n := len(bars); n > 0 {
		slot := float64(width) / float64(n)
		for i, bar := range bars {
			h := 0.0
			if top > 0 && bar.Value > 0 {
				h = float64(bar.Value) / float64(top) * float64(plot-4)
			}
			x := float64(i)*slot + slot*0.15
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0b4f6c" data-value="%d"><title>%s</title></rect>`,
				x, float64(plot)-h, slot*0.7, h, bar.Value, html.EscapeString(bar.Label+" "+bar.Title))
			if n <= 12 || i%2 == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#52606d">%s</text>`,
					float64(i)*slot+slot/2, height-4, html.EscapeString(bar.Label))
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
