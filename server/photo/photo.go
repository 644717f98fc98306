// Package photo turns an uploaded menu photo (JPEG or PNG, untrusted) into
// phone-sized JPEG variants, and draws the placeholder photos of the demo
// menu. It decodes only images whose header promises a sane size, and
// resamples with an area average (box filter), which is exact for the
// downscaling a menu needs and needs no dependency.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
)

// Limits of an upload.
const (
	MaxBytes  = 8 << 20 // bytes of the uploaded file
	MaxPixels = 40e6    // width × height announced by its header
	MinSide   = 16      // pixels: smaller is not a photo
)

// Errors for an upload that is not a usable photo.
var (
	ErrFormat = errors.New("photo: not a JPEG or PNG image")
	ErrSize   = errors.New("photo: image too large")
	ErrSmall  = errors.New("photo: image too small")
)

// Variant is one JPEG of a photo.
type Variant struct {
	Width, Height int
	JPEG          []byte
}

// Process checks and decodes data, and returns its sha256 (hex) and one
// JPEG variant per width (an image narrower than a width is not enlarged).
func Process(data []byte, widths []int) (string, []Variant, error) {
	if len(data) > MaxBytes {
		return "", nil, ErrSize
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return "", nil, ErrFormat
	}
	if float64(cfg.Width)*float64(cfg.Height) > MaxPixels {
		return "", nil, ErrSize
	}
	if cfg.Width < MinSide || cfg.Height < MinSide {
		return "", nil, ErrSmall
	}
	var img image.Image
	if format == "jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	sum := sha256.Sum256(data)
	vs, err := Variants(img, widths)
	return hex.EncodeToString(sum[:]), vs, err
}

// Variants encodes img as a JPEG at each width.
func Variants(img image.Image, widths []int) ([]Variant, error) {
	out := make([]Variant, 0, len(widths))
	for _, w := range widths {
		small := Resize(img, w)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 80}); err != nil {
			return nil, fmt.Errorf("photo: encode %d px: %w", w, err)
		}
		b := small.Bounds()
		out = append(out, Variant{Width: w, Height: b.Dy(), JPEG: buf.Bytes()})
	}
	return out, nil
}

// Resize scales img to width w (keeping the aspect ratio) by averaging the
// source pixels each target pixel covers. Images no wider than w are only
// copied (flattened onto white, as JPEG has no transparency).
func Resize(img image.Image, w int) *image.RGBA {
	sb := img.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	src := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.Draw(src, src.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(src, src.Bounds(), img, sb.Min, draw.Over)
	if sw <= w {
		return src
	}
	h := max(1, int(math.Round(float64(sh)*float64(w)/float64(sw))))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	fx, fy := float64(sw)/float64(w), float64(sh)/float64(h)
	for y := 0; y < h; y++ {
		y0, y1 := float64(y)*fy, float64(y+1)*fy
		for x := 0; x < w; x++ {
			x0, x1 := float64(x)*fx, float64(x+1)*fx
			var r, g, b, a, area float64
			for sy := int(y0); sy < sh && float64(sy) < y1; sy++ {
				wy := math.Min(y1, float64(sy+1)) - math.Max(y0, float64(sy))
				row := src.Pix[sy*src.Stride:]
				for sx := int(x0); sx < sw && float64(sx) < x1; sx++ {
					wgt := wy * (math.Min(x1, float64(sx+1)) - math.Max(x0, float64(sx)))
					p := row[sx*4 : sx*4+4]
					r += wgt * float64(p[0])
					g += wgt * float64(p[1])
					b += wgt * float64(p[2])
					a += wgt * float64(p[3])
					area += wgt
				}
			}
			o := dst.Pix[y*dst.Stride+x*4:]
			o[0], o[1], o[2], o[3] = uint8(r/area+0.5), uint8(g/area+0.5), uint8(b/area+0.5), uint8(a/area+0.5)
		}
	}
	return dst
}

// Placeholder draws a 640×480 picture of a dish: a plate on a table cloth
// with food in colours derived from the dish's name, so each dish of the
// demo menu has its own.
func Placeholder(name string) image.Image {
	const w, h = 640, 480
	sum := sha256.Sum256([]byte(name))
	hue := func(i int) color.RGBA {
		return color.RGBA{R: 80 + sum[i]%150, G: 60 + sum[i+1]%150, B: 40 + sum[i+2]%120, A: 255}
	}
	cloth, food, garnish := hue(0), hue(3), hue(6)
	cloth.R, cloth.G, cloth.B = 200+cloth.R%50, 190+cloth.G%50, 170+cloth.B%60
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			d := math.Hypot(dx, dy*1.15)
			c := cloth
			if (x/40+y/40)%2 == 0 {
				c = color.RGBA{R: cloth.R - 18, G: cloth.G - 18, B: cloth.B - 18, A: 255}
			}
			switch {
			case d < 120:
				c = food
				// A few pieces of garnish on the food.
				a := math.Atan2(dy, dx)
				if math.Mod(a*3+d/17+float64(sum[9]%7), 2.2) < 0.35 {
					c = garnish
				}
			case d < 185:
				c = color.RGBA{R: 250, G: 250, B: 246, A: 255}
			case d < 195:
				c = color.RGBA{R: 215, G: 218, B: 222, A: 255}
			case d < 205:
				// Shadow of the plate.
				c = color.RGBA{R: c.R - 30, G: c.G - 30, B: c.B - 30, A: 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// PlaceholderID is the sha256 (hex) naming a placeholder in the media
// store: of the dish's name, so seeding is repeatable.
func PlaceholderID(name string) string {
	sum := sha256.Sum256([]byte("qrpos placeholder\x00" + name))
	return hex.EncodeToString(sum[:])
}
