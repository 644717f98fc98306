package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestBars(t *testing.T) {
	svg := Bars("c1", `Sales "by" hour`, []Bar{{Label: "04", Value: 0}, {Label: "05", Value: 50}, {Label: "06", Value: 100, Title: "<1.00>"}, {Label: "07", Value: -5}}, 240, 100)
	// Well-formed XML, so the browser draws it.
	dec := xml.NewDecoder(strings.NewReader(svg))
	rects := 0
	var heights []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
			for _, a := range se.Attr {
				if a.Name.Local == "height" {
					heights = append(heights, a.Value)
				}
			}
		}
	}
	if rects != 4 {
		t.Fatalf("got %d bars, want 4 in %s", rects, svg)
	}
	// The largest bar fills the plot (100 - 18 axis - 4 headroom), half of it half.
	if want := []string{"0.0", "39.0", "78.0", "0.0"}; strings.Join(heights, ",") != strings.Join(want, ",") {
		t.Errorf("bar heights: got %v, want %v", heights, want)
	}
	if strings.Contains(svg, `"by"`) || strings.Contains(svg, "<1.00>") {
		t.Errorf("labels not escaped: %s", svg)
	}
}
