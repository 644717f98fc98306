// Package receipt lays out the bridge's print documents (customer receipts,
// kitchen tickets, test pages) for 32, 42 and 48 columns, that is 58 mm and
// 80 mm paper, and turns the layout into ESC/POS bytes or into the plain
// text a person would read off the paper.
//
// It works from wire.PrintJob, a structured document, never from raw bytes,
// so nothing a sender writes reaches the printer as a command. Widths count
// every character at or above U+0080 as two columns, as printer fonts draw
// them; long names wrap and never overflow. Amounts are formatted here, at
// the edge, with the full-width '￥' the printer fonts have.
package receipt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"qrpos/bridge/escpos"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// Paper widths in columns of the standard font.
const (
	Columns58     = 32 // 58 mm paper
	Columns80Font = 42 // 80 mm paper on printers with a 42-column font
	Columns80     = 48 // 80 mm paper
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("receipt: invalid document")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// ValidWidth reports whether the layout supports w columns.
func ValidWidth(w int) bool {
	return w == Columns58 || w == Columns80Font || w == Columns80
}

// Validate checks that job has what a printout needs. Amounts that do not
// add up still print (the server is the authority on them), but a missing
// name, a missing document or a quantity below one is an error.
func Validate(job *wire.PrintJob) error {
	if job.ID == "" {
		return invalid("job has no id")
	}
	switch job.Kind {
	case wire.PrintKindReceipt:
		if job.Receipt == nil {
			return invalid("receipt job %s has no receipt", job.ID)
		}
		return validateReceipt(job.Receipt)
	case wire.PrintKindKitchen:
		if job.Kitchen == nil {
			return invalid("kitchen job %s has no ticket", job.ID)
		}
		return validateKitchen(job.Kitchen)
	case wire.PrintKindSticker:
		if job.Sticker == nil {
			return invalid("sticker job %s has no sticker", job.ID)
		}
		return validateSticker(job.Sticker)
	case wire.PrintKindReport:
		if job.Report == nil {
			return invalid("report job %s has no report", job.ID)
		}
		return validateReport(job.Report)
	case wire.PrintKindTest:
		if job.Receipt != nil {
			return validateReceipt(job.Receipt)
		}
		return nil
	case wire.PrintKindDrawer:
		if !job.OpenDrawer || job.Receipt != nil || job.Kitchen != nil {
			return invalid("drawer job %s must only open the drawer", job.ID)
		}
		return nil
	default:
		return invalid("job %s has unknown kind %q", job.ID, job.Kind)
	}
}

func validateReceipt(d *wire.ReceiptDoc) error {
	if strings.TrimSpace(d.StoreName) == "" {
		return invalid("receipt has no store name")
	}
	if d.Time.IsZero() {
		return invalid("receipt has no time")
	}
	if len(d.Lines) == 0 {
		return invalid("receipt has no lines")
	}
	for i, l := range d.Lines {
		if strings.TrimSpace(l.Name) == "" {
			return invalid("receipt line %d has no name", i+1)
		}
		if l.Qty < 1 {
			return invalid("receipt line %d (%s) has quantity %d", i+1, l.Name, l.Qty)
		}
		if l.Total.Currency == "" || l.UnitPrice.Currency == "" {
			return invalid("receipt line %d (%s) has an amount without currency", i+1, l.Name)
		}
	}
	if d.Total.Currency == "" {
		return invalid("receipt has no total")
	}
	if len(d.ReceiptURL) > escpos.MaxQRData {
		return invalid("receipt url of %d bytes is too long for a qr code", len(d.ReceiptURL))
	}
	return nil
}

func validateKitchen(d *wire.KitchenDoc) error {
	if d.Time.IsZero() {
		return invalid("kitchen ticket has no time")
	}
	if d.OrderNumber <= 0 && strings.TrimSpace(d.Table) == "" {
		return invalid("kitchen ticket has neither order number nor table")
	}
	if len(d.Lines) == 0 {
		return invalid("kitchen ticket has no lines")
	}
	for i, l := range d.Lines {
		if strings.TrimSpace(l.Name) == "" {
			return invalid("kitchen line %d has no name", i+1)
		}
		if l.Qty < 1 {
			return invalid("kitchen line %d (%s) has quantity %d", i+1, l.Name, l.Qty)
		}
	}
	return nil
}

// RowKind says what a Row prints.
type RowKind int

// Row kinds.
const (
	TextRow   RowKind = iota // one line of text
	QRRow                    // Text as a QR code
	DrawerRow                // kick the cash drawer
	CutRow                   // feed and cut
)

// Row is one printed element of a layout. A text row's Text already fits
// the width (half of it for Big rows) and is sanitized for the printer.
type Row struct {
	Kind  RowKind
	Text  string
	Align escpos.Align
	Bold  bool
	Big   bool // double width and height
	Tall  bool // double height, same width
	// QRSize is a QR row's module size in dots (0 means 6).
	QRSize int
}

// Layout is a laid-out document.
type Layout struct {
	Width int
	Rows  []Row
}

// Lay validates job and lays it out for width columns.
func Lay(job *wire.PrintJob, width int) (*Layout, error) {
	if !ValidWidth(width) {
		return nil, fmt.Errorf("receipt: width %d not one of %d, %d, %d", width, Columns58, Columns80Font, Columns80)
	}
	if err := Validate(job); err != nil {
		return nil, err
	}
	l := &layout{w: width}
	if job.OpenDrawer {
		l.rows = append(l.rows, Row{Kind: DrawerRow})
	}
	switch job.Kind {
	case wire.PrintKindReceipt:
		l.receipt(job.Receipt)
	case wire.PrintKindKitchen:
		l.kitchen(job.Kitchen)
	case wire.PrintKindSticker:
		l.sticker(job.Sticker)
	case wire.PrintKindReport:
		l.report(job.Report)
	case wire.PrintKindTest:
		l.test(job.Receipt)
	case wire.PrintKindDrawer:
		return &Layout{Width: width, Rows: l.rows}, nil // nothing to cut
	}
	l.rows = append(l.rows, Row{Kind: CutRow})
	return &Layout{Width: width, Rows: l.rows}, nil
}

type layout struct {
	w    int
	rows []Row
}

func (l *layout) add(r Row, lines ...string) {
	for _, s := range lines {
		r.Text = s
		l.rows = append(l.rows, r)
	}
}

func (l *layout) text(lines ...string) { l.add(Row{}, lines...) }
func (l *layout) rule(c string)        { l.text(strings.Repeat(c, l.w)) }
func (l *layout) blank()               { l.text("") }
func (l *layout) center(s string)      { l.add(Row{Align: escpos.Center}, Wrap(s, l.w)...) }
func (l *layout) title(s string) {
	l.add(Row{Align: escpos.Center, Bold: true, Big: true}, Wrap(s, l.w/2)...)
}

// labels are the fixed words of a printout in one language.
type labels struct {
	order, table, cashier, staff, subtotal, tax, total, paid, change, payer, tip string
	scan, thanks, kitchen, takeaway, note, test                                  string
	rails                                                                        map[string]string
}

var english = labels{
	order: "Order #", table: "Table ", cashier: "Cashier: ", staff: "Staff: ",
	subtotal: "Subtotal", tax: "Tax", total: "TOTAL", paid: "Paid", change: "Change", payer: "Payer: ", tip: "incl. tip",
	scan: "Scan for your e-receipt", thanks: "Thank you!", kitchen: "KITCHEN", takeaway: "Takeaway",
	note: "Note: ", test: "Printer test",
	rails: map[string]string{"cash": "Cash", "wallet": "Wallet", "wechat": "WeChat Pay", "alipay": "Alipay", "unionpay": "UnionPay"},
}

var chinese = labels{
	order: "单号 #", table: "桌号 ", cashier: "收银员: ", staff: "服务员: ",
	subtotal: "小计", tax: "税额", total: "合计", paid: "实付", change: "找零", payer: "付款账户: ", tip: "含小费",
	scan: "扫码查看电子小票", thanks: "谢谢惠顾!", kitchen: "厨房单", takeaway: "外带",
	note: "备注: ", test: "打印测试",
	rails: map[string]string{"cash": "现金", "wallet": "钱包", "wechat": "微信支付", "alipay": "支付宝", "unionpay": "云闪付"},
}

func labelsFor(lang string) *labels {
	if strings.HasPrefix(lang, "zh") {
		return &chinese
	}
	return &english
}

// Amount formats a for the printer: "￥18.50", "-$0.05", or "THB 18.50" for
// a currency whose symbol the printer font lacks.
func Amount(a money.Amount) string {
	sym := money.Symbol(a.Currency)
	if escpos.CheckText(sym) != nil {
		sym = a.Currency + " "
	}
	sym = escpos.Sanitize(sym)
	d := a.Decimal()
	if strings.HasPrefix(d, "-") {
		return "-" + sym + d[1:]
	}
	return sym + d
}

func (l *layout) receipt(d *wire.ReceiptDoc) {
	lb := labelsFor(d.Lang)
	l.title(d.StoreName)
	if d.StoreAddress != "" {
		l.center(d.StoreAddress)
	}
	l.blank()
	table := ""
	if d.Table != "" {
		table = lb.table + d.Table
	}
	l.text(pair(lb.order+strconv.Itoa(d.OrderNumber), table, l.w)...)
	cashier := ""
	if d.Cashier != "" {
		cashier = lb.cashier + d.Cashier
	}
	l.text(pair(cashier, d.Time.Format("2006-01-02 15:04"), l.w)...)
	l.rule("-")
	for _, line := range d.Lines {
		l.text(pair(line.Name, Amount(line.Total), l.w)...)
		l.text(wrapIndent(fmt.Sprintf("%d x %s", line.Qty, Amount(line.UnitPrice)), l.w, "  ", "  ")...)
		for _, m := range line.Modifiers {
			l.text(wrapIndent(m, l.w, "  + ", "    ")...)
		}
		if line.Note != "" {
			l.text(wrapIndent(line.Note, l.w, "  * ", "    ")...)
		}
	}
	l.rule("-")
	l.text(pair(lb.subtotal, Amount(d.Subtotal), l.w)...)
	if !d.Tax.IsZero() {
		l.text(pair(lb.tax, Amount(d.Tax), l.w)...)
	}
	l.add(Row{Bold: true, Tall: true}, pair(lb.total, Amount(d.Total), l.w)...)
	if d.Paid.Currency != "" {
		paid := lb.paid
		if d.Rail != "" {
			rail := lb.rails[d.Rail]
			if rail == "" {
				rail = d.Rail
			}
			paid += " (" + rail + ")"
		}
		l.text(pair(paid, Amount(d.Paid), l.w)...)
	}
	if !d.Tip.IsZero() {
		l.text(pair(lb.tip, Amount(d.Tip), l.w)...)
	}
	if !d.Change.IsZero() {
		l.text(pair(lb.change, Amount(d.Change), l.w)...)
	}
	if d.PayerRef != "" {
		l.text(wrapIndent(d.PayerRef, l.w, lb.payer, "  ")...)
	}
	l.rule("-")
	if d.ReceiptURL != "" {
		l.rows = append(l.rows, Row{Kind: QRRow, Text: d.ReceiptURL, Align: escpos.Center})
		l.center(lb.scan)
	}
	footer := d.Footer
	if footer == "" {
		footer = lb.thanks
	}
	l.center(footer)
}

func (l *layout) kitchen(d *wire.KitchenDoc) {
	lb := labelsFor(d.Lang)
	where := lb.takeaway
	if d.Table != "" {
		where = lb.table + d.Table
	}
	l.add(Row{Align: escpos.Center, Bold: true}, Wrap(lb.kitchen, l.w)...)
	l.title(where)
	order := ""
	if d.OrderNumber > 0 {
		order = lb.order + strconv.Itoa(d.OrderNumber)
	}
	l.text(pair(order, d.Time.Format("15:04"), l.w)...)
	if d.Staff != "" {
		l.text(Wrap(lb.staff+d.Staff, l.w)...)
	}
	l.rule("=")
	item := Row{Bold: true, Tall: true}
	for _, line := range d.Lines {
		qty := strconv.Itoa(line.Qty) + " x "
		l.add(item, wrapIndent(line.Name, l.w, qty, strings.Repeat(" ", len(qty)))...)
		pad := strings.Repeat(" ", len(qty))
		for _, m := range line.Modifiers {
			l.add(Row{Tall: true}, wrapIndent(m, l.w, pad+"+ ", pad+"  ")...)
		}
		if line.Note != "" {
			l.add(Row{Tall: true}, wrapIndent(line.Note, l.w, pad+"! ", pad+"  ")...)
		}
	}
	l.rule("=")
	if d.Note != "" {
		l.add(Row{Bold: true, Tall: true}, wrapIndent(d.Note, l.w, lb.note, "  ")...)
	}
}

func (l *layout) test(sample *wire.ReceiptDoc) {
	lang := ""
	if sample != nil {
		lang = sample.Lang
	}
	lb := labelsFor(lang)
	l.title("QRPOS")
	l.center(lb.test)
	l.center(fmt.Sprintf("%d columns", l.w))
	var ruler strings.Builder
	for i := 1; i <= l.w; i++ {
		ruler.WriteByte(byte('0' + i%10))
	}
	l.text(ruler.String())
	l.text(Wrap("ASCII: The quick brown fox jumps over the lazy dog 0123456789", l.w)...)
	l.text(pair("中文: 宫保鸡丁", Amount(money.New(1850, "CNY")), l.w)...)
	l.add(Row{Bold: true}, "Bold")
	l.add(Row{Tall: true}, "Tall")
	l.add(Row{Align: escpos.Right}, "Right")
	l.rows = append(l.rows, Row{Kind: QRRow, Text: "QRPOS TEST", Align: escpos.Center})
	if sample != nil {
		l.rule("=")
		l.receipt(sample)
	}
}

// Encode lays job out for width columns and returns the ESC/POS bytes that
// print it. The printer is initialised first; Chinese mode is used only if
// the document has characters beyond ASCII.
func Encode(job *wire.PrintJob, width int) ([]byte, error) {
	lay, err := Lay(job, width)
	if err != nil {
		return nil, err
	}
	return lay.Encode(escpos.New())
}

// Encode appends the layout's commands to e and returns e's bytes.
func (lay *Layout) Encode(e *escpos.Encoder) ([]byte, error) {
	e.Init()
	wide := false
	for _, r := range lay.Rows {
		if !isASCII(r.Text) {
			wide = true
			break
		}
	}
	if wide {
		e.ChineseOn()
	}
	var (
		align escpos.Align
		bold  bool
		w, h  = 1, 1
	)
	for _, r := range lay.Rows {
		switch r.Kind {
		case DrawerRow:
			e.DrawerKick(2, 25, 250)
			continue
		case CutRow:
			e.Feed(1).FeedCut(escpos.PartialCut, 0)
			continue
		}
		if r.Align != align {
			e.Align(r.Align)
			align = r.Align
		}
		if r.Kind == QRRow {
			size := r.QRSize
			if size == 0 {
				size = 6
			}
			e.QRCode(r.Text, escpos.QR{Model: 2, Size: size, Level: 'M'}).LF()
			continue
		}
		if r.Bold != bold {
			e.Bold(r.Bold)
			bold = r.Bold
		}
		rw, rh := 1, 1
		if r.Big {
			rw, rh = 2, 2
		} else if r.Tall {
			rh = 2
		}
		if rw != w || rh != h {
			e.Size(rw, rh)
			w, h = rw, rh
		}
		e.Line(r.Text)
	}
	if wide {
		e.ChineseOff()
	}
	return e.Bytes()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Preview lays job out for width columns and returns the text a person
// would read off the paper. It is what the virtual printer shows.
func Preview(job *wire.PrintJob, width int) (string, error) {
	lay, err := Lay(job, width)
	if err != nil {
		return "", err
	}
	return lay.Preview(), nil
}

// Preview renders the layout as plain text, one line per printed line. Big
// text is spread out with a space after each character, as it takes twice
// the width on paper; QR codes and cuts show as bracketed notes.
func (lay *Layout) Preview() string {
	var b strings.Builder
	for _, r := range lay.Rows {
		var s string
		switch r.Kind {
		case DrawerRow:
			s = "[open drawer]"
		case CutRow:
			s = strings.Repeat("- ", lay.Width/2-3) + "cut -"
		case QRRow:
			s = "[QR " + r.Text + "]"
			if Width(s) > lay.Width {
				s = "[QR code]"
			}
		default:
			s = r.Text
			if r.Big {
				s = spread(s)
			}
		}
		if pad := lay.Width - Width(s); pad > 0 {
			switch r.Align {
			case escpos.Center:
				s = strings.Repeat(" ", pad/2) + s
			case escpos.Right:
				s = strings.Repeat(" ", pad) + s
			}
		}
		b.WriteString(strings.TrimRight(s, " \u3000"))
		b.WriteByte('\n')
	}
	return b.String()
}

// spread puts a space after each narrow character, so double-width text
// takes its printed width in the preview.
func spread(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		if RuneWidth(r) == 1 {
			b.WriteByte(' ')
		} else {
			b.WriteRune('\u3000') // ideographic space, two columns
		}
	}
	return strings.TrimRight(b.String(), " \u3000")
}
