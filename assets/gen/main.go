// Command gen draws the QRPOS app icons (icon-192.png and icon-512.png) with
// image/png, so the repository does not depend on an image editor or on
// anything downloaded. Run it with `go generate ./assets`.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", ".", "directory to write the icons to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string) error {
	for _, size := range []int{192, 512} {
		name := filepath.Join(dir, fmt.Sprintf("icon-%d.png", size))
		if err := write(name, Draw(size)); err != nil {
			return err
		}
	}
	name := filepath.Join(dir, "icon.svg")
	if err := os.WriteFile(name, []byte(SVG()), 0o644); err != nil {
		return fmt.Errorf("gen: write %s: %w", name, err)
	}
	return nil
}

// SVG returns the same drawing as Draw as a scalable SVG document.
func SVG() string {
	const size, card, x0 = 512, 286, 113
	const margin = card / 10
	const cell = (card - 2*margin) / len(pattern)
	const gx = x0 + (card-cell*len(pattern))/2
	hex := func(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="QRPOS">`+"\n", size, size)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="%s"/>`+"\n", size, size, hex(background))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s"/>`+"\n", x0, x0, card, card, card/8, hex(paper))
	for row, line := range pattern {
		for col, m := range line {
			var c color.NRGBA
			switch m {
			case 'F', '#':
				c = ink
			case 'A':
				c = accent
			default:
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", gx+col*cell, gx+row*cell, cell, cell, hex(c))
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func write(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("gen: create %s: %w", name, err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("gen: encode %s: %w", name, err)
	}
	return f.Close()
}

var (
	background = color.NRGBA{0x0b, 0x4f, 0x6c, 0xff} // deep blue, the theme colour
	paper      = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.NRGBA{0x0b, 0x4f, 0x6c, 0xff}
	accent     = color.NRGBA{0xf4, 0xa2, 0x59, 0xff}
)

// pattern is a 9x9 grid of QR-like modules drawn on the white card: three
// finder squares and a few data modules. 'F' finder, 'A' accent, '#' ink.
var pattern = [9]string{
	"FFF...FFF",
	"F.F.#.F.F",
	"FFF#..FFF",
	"...#.#...",
	".#.AAA#.#",
	"#..AAA.#.",
	"FFF.AAA#.",
	"F.F#.#..#",
	"FFF.#.##.",
}

// Draw returns a size x size maskable icon: the whole square is background
// (so any mask shape works) and the card stays inside the central safe zone.
func Draw(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	fill(img, img.Bounds(), background)

	// The card: a rounded white square covering the central 56%.
	card := size * 56 / 100
	x0 := (size - card) / 2
	cardRect := image.Rect(x0, x0, x0+card, x0+card)
	fillRounded(img, cardRect, card/8, paper)

	// The modules, inside the card with a margin.
	margin := card / 10
	cell := (card - 2*margin) / len(pattern)
	gx := x0 + (card-cell*len(pattern))/2
	for row, line := range pattern {
		for col, m := range line {
			r := image.Rect(gx+col*cell, gx+row*cell, gx+(col+1)*cell, gx+(row+1)*cell)
			switch m {
			case 'F', '#':
				fill(img, r, ink)
			case 'A':
				fill(img, r, accent)
			}
		}
	}
	return img
}

func fill(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
}

// fillRounded fills r with corners of the given radius.
func fillRounded(img *image.NRGBA, r image.Rectangle, radius int, c color.NRGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cx, cy := x, y
			switch {
			case x < r.Min.X+radius:
				cx = r.Min.X + radius
			case x >= r.Max.X-radius:
				cx = r.Max.X - radius - 1
			}
			switch {
			case y < r.Min.Y+radius:
				cy = r.Min.Y + radius
			case y >= r.Max.Y-radius:
				cy = r.Max.Y - radius - 1
			}
			dx, dy := x-cx, y-cy
			if dx*dx+dy*dy <= radius*radius {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}
