package pdftest

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// DecodeQR rasterises the rectangles of a QR code drawn in the square of
// side size at (x, top) and reads it. The reader's finder-pattern
// detection misjudges the clean raster of some codes (about one sheet of
// stickers in ten: a module too few, or a pattern found off the code), as
// a camera's frame can, so it tries a few scales and the reader's
// pure-barcode and try-harder modes, as a camera sees a code at many. The
// text is only returned if error correction accepts every module.
func DecodeQR(rects []Rect, x, top, size float64) (string, error) {
	var last error
	for _, scale := range []float64{3, 4, 5} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(Render(rects, x, top, size, scale))
		if err != nil {
			return "", err
		}
		for _, hints := range []map[gozxing.DecodeHintType]any{nil, {gozxing.DecodeHintType_PURE_BARCODE: true}, {gozxing.DecodeHintType_TRY_HARDER: true}} {
			res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
			if err == nil {
				return res.GetText(), nil
			}
			last = err
		}
	}
	return "", last
}
