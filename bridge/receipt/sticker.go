package receipt

import (
	"strings"

	"qrpos/bridge/escpos"
	"qrpos/internal/wire"
)

// StickerScanLine is printed under the table name of a sticker, in both
// languages, as on the A4 stickers.
const StickerScanLine = "Scan to order / 扫码点餐"

// maxStickerURL bounds a sticker's link: a real one is about 100 bytes,
// and a longer one would need a QR code too dense to scan off a table.
const maxStickerURL = 512

func validateSticker(d *wire.StickerDoc) error {
	if strings.TrimSpace(d.StoreName) == "" {
		return invalid("sticker has no store name")
	}
	if strings.TrimSpace(d.Table) == "" {
		return invalid("sticker has no table name")
	}
	if d.URL == "" {
		return invalid("sticker has no link")
	}
	if len(d.URL) > maxStickerURL {
		return invalid("sticker link of %d bytes is too long for a table qr code", len(d.URL))
	}
	return nil
}

// stickerQRSize is the module size of a sticker's QR code: as large as a
// table link (up to QR version 7, 45 modules) fits on the paper, 58 mm
// paper printing 384 dots a line and 80 mm paper 576.
func stickerQRSize(width int) int {
	if width == Columns58 {
		return 8
	}
	return 12
}

// sticker lays out a table sticker: the restaurant, the table's link as a
// large QR code, the table name in large letters and how to use it.
func (l *layout) sticker(d *wire.StickerDoc) {
	l.title(d.StoreName)
	l.blank()
	l.rows = append(l.rows, Row{Kind: QRRow, Text: d.URL, Align: escpos.Center, QRSize: stickerQRSize(l.w)})
	l.blank()
	l.title(d.Table)
	l.center(StickerScanLine)
	l.blank()
}
