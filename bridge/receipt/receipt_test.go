package receipt

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

var when = time.Date(2026, 11, 23, 19, 5, 0, 0, time.FixedZone("CST", 8*3600))

func englishReceipt() *wire.PrintJob {
	return &wire.PrintJob{
		ID:         "job-en-1",
		Kind:       wire.PrintKindReceipt,
		OpenDrawer: true,
		Receipt: &wire.ReceiptDoc{
			StoreName:    "Golden Dragon Noodle House",
			StoreAddress: "12 Harbour Road, Kowloon",
			OrderNumber:  1042,
			Table:        "A3",
			Cashier:      "Mei",
			Time:         when,
			Lines: []wire.PrintLine{
				{Name: "Kung Pao Chicken", Qty: 2, UnitPrice: cny(3800), Total: cny(7600), Modifiers: []string{"Extra spicy"}},
				{Name: "Hand-pulled beef noodle soup with braised brisket and pickled greens", Qty: 1, UnitPrice: cny(4250), Total: cny(4250), Note: "No coriander, please, and broth on the side"},
				{Name: "Jasmine tea", Qty: 3, UnitPrice: cny(600), Total: cny(1800)},
			},
			Subtotal:   cny(13650),
			Tax:        cny(819),
			Total:      cny(14469),
			Paid:       cny(15000),
			Change:     cny(531),
			Rail:       "cash",
			ReceiptURL: "https://pos.example.test/r/7Hq2xK",
		},
	}
}

func chineseReceipt() *wire.PrintJob {
	return &wire.PrintJob{
		ID:   "job-zh-1",
		Kind: wire.PrintKindReceipt,
		Receipt: &wire.ReceiptDoc{
			Lang:         "zh",
			StoreName:    "川味小馆",
			StoreAddress: "上海市徐汇区漕溪北路88号",
			OrderNumber:  37,
			Table:        "8号桌",
			Cashier:      "王芳",
			Time:         when,
			Lines: []wire.PrintLine{
				{Name: "宫保鸡丁", Qty: 1, UnitPrice: cny(3800), Total: cny(3800), Modifiers: []string{"微辣"}},
				{Name: "鱼香肉丝盖浇饭（大份）加一个荷包蛋和一份凉拌黄瓜", Qty: 2, UnitPrice: cny(2850), Total: cny(5700), Note: "不要葱"},
				{Name: "酸梅汤", Qty: 2, UnitPrice: cny(800), Total: cny(1600)},
			},
			Subtotal:   cny(11100),
			Total:      cny(11100),
			Paid:       cny(11100),
			Rail:       "wechat",
			PayerRef:   "****8812",
			ReceiptURL: "https://pos.example.test/r/Zq81",
			Footer:     "谢谢惠顾，欢迎再来!",
		},
	}
}

// shareReceipt is the receipt of one diner's share of a split bill, paid
// with a tip from the phone.
func shareReceipt() *wire.PrintJob {
	j := chineseReceipt()
	j.ID = "job-zh-share"
	r := *j.Receipt
	r.Paid, r.Tip = cny(6105), cny(555) // 55.50 + 10 %
	j.Receipt = &r
	return j
}

func kitchenTicket() *wire.PrintJob {
	return &wire.PrintJob{
		ID:   "job-k-1",
		Kind: wire.PrintKindKitchen,
		Kitchen: &wire.KitchenDoc{
			Lang:        "zh",
			OrderNumber: 37,
			Table:       "8号桌",
			Staff:       "王芳",
			Time:        when,
			Lines: []wire.KitchenLine{
				{Name: "宫保鸡丁", Qty: 1, Modifiers: []string{"微辣"}},
				{Name: "Hand-pulled beef noodle soup", Qty: 2, Note: "no coriander"},
			},
			Note: "客人赶时间",
		},
	}
}

func testPage() *wire.PrintJob {
	return &wire.PrintJob{ID: "job-t-1", Kind: wire.PrintKindTest}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		job   *wire.PrintJob
		width int
	}{
		{"receipt_en_48", englishReceipt(), Columns80},
		{"receipt_en_32", englishReceipt(), Columns58},
		{"receipt_en_42", englishReceipt(), Columns80Font},
		{"receipt_zh_48", chineseReceipt(), Columns80},
		{"receipt_zh_32", chineseReceipt(), Columns58},
		{"receipt_share_tip_zh_32", shareReceipt(), Columns58},
		{"kitchen_48", kitchenTicket(), Columns80},
		{"test_32", testPage(), Columns58},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lay, err := Lay(tt.job, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range lay.Rows {
				limit := tt.width
				if r.Big {
					limit /= 2
				}
				if r.Kind == TextRow && Width(r.Text) > limit {
					t.Errorf("row %d %q: got %d columns, want at most %d", i, r.Text, Width(r.Text), limit)
				}
			}
			got, err := lay.Encode(escpos.New())
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".bin.golden"), got)
			preview := lay.Preview()
			golden.Check(t, filepath.Join("testdata", tt.name+".txt.golden"), []byte(preview))
			for i, line := range strings.Split(strings.TrimSuffix(preview, "\n"), "\n") {
				if Width(line) > tt.width {
					t.Errorf("preview line %d %q: got %d columns, want at most %d", i+1, line, Width(line), tt.width)
				}
			}
		})
	}
}

func TestEncodeFacts(t *testing.T) {
	zh, err := Encode(chineseReceipt(), Columns80)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]byte{
		{0x1b, 0x40, 0x1c, 0x26},                         // init, then Chinese mode
		{0xb9, 0xac, 0xb1, 0xa3, 0xbc, 0xa6, 0xb6, 0xa1}, // 宫保鸡丁
		{0xa3, 0xa4, '3', '8', '.', '0', '0'},            // ￥38.00
		{0x1d, 0x56, 0x42, 0x00},                         // feed and partial cut
	} {
		if !bytes.Contains(zh, want) {
			t.Errorf("chinese receipt: got no % x in its bytes", want)
		}
	}
	if bytes.Contains(zh, []byte{0x1b, 0x70}) {
		t.Error("chinese receipt without OpenDrawer: got a drawer kick, want none")
	}
	en, err := Encode(englishReceipt(), Columns80)
	if err != nil {
		t.Fatal(err)
	}
	// ￥ needs Chinese mode even on an English receipt.
	if want := []byte{0x1b, 0x40, 0x1c, 0x26, 0x1b, 0x70, 0x00, 25, 250}; !bytes.HasPrefix(en, want) {
		t.Errorf("english receipt with OpenDrawer: got prefix % x, want % x", en[:len(want)], want)
	}
	usd := englishReceipt()
	for i := range usd.Receipt.Lines {
		usd.Receipt.Lines[i].Total.Currency = "USD"
		usd.Receipt.Lines[i].UnitPrice.Currency = "USD"
	}
	for _, a := range []*money.Amount{&usd.Receipt.Subtotal, &usd.Receipt.Tax, &usd.Receipt.Total, &usd.Receipt.Paid, &usd.Receipt.Change} {
		a.Currency = "USD"
	}
	b, err := Encode(usd, Columns58)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte{0x1c, 0x26}) {
		t.Error("all-ASCII receipt: got Chinese mode, want none")
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		in   money.Amount
		want string
	}{
		{cny(1850), "￥18.50"},
		{cny(-5), "-￥0.05"},
		{money.New(1200, "USD"), "$12.00"},
		{money.New(1200, "JPY"), "￥1200"},
		{money.New(1850, "THB"), "THB 18.50"},
		{money.New(1850, "XYZ"), "XYZ 18.50"},
	}
	for _, tt := range tests {
		if got := Amount(tt.in); got != tt.want {
			t.Errorf("Amount(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		s    string
		w    int
		want []string
	}{
		{"fits", "Jasmine tea", 20, []string{"Jasmine tea"}},
		{"words", "Hand pulled beef noodle", 10, []string{"Hand", "pulled", "beef", "noodle"}},
		{"long word", "Supercalifragilistic", 8, []string{"Supercal", "ifragili", "stic"}},
		{"cjk breaks anywhere", "宫保鸡丁盖浇饭", 6, []string{"宫保鸡", "丁盖浇", "饭"}},
		{"cjk odd width", "宫保鸡丁", 5, []string{"宫保", "鸡丁"}},
		{"mixed", "Kung Pao 宫保鸡丁", 10, []string{"Kung Pao", "宫保鸡丁"}},
		{"ascii then cjk in one word", "ab宫保", 4, []string{"ab宫", "保"}},
		{"spaces collapse", "  a   b  ", 10, []string{"a b"}},
		{"newline", "one\ntwo", 10, []string{"one", "two"}},
		{"control chars", "a\x1b@b", 10, []string{"a?@b"}},
		{"yen", "¥5", 10, []string{"￥5"}},
		{"empty", "", 10, nil},
		{"tiny width", "宫保", 1, []string{"宫", "保"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.s, tt.w)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Wrap(%q, %d): got %q, want %q", tt.s, tt.w, got, tt.want)
			}
		})
	}
}

func TestPair(t *testing.T) {
	tests := []struct {
		name        string
		left, right string
		w           int
		want        []string
	}{
		{"one line", "Tea", "￥6.00", 16, []string{"Tea       ￥6.00"}},
		{"wide left", "宫保鸡丁", "￥38.00", 16, []string{"宫保鸡丁 ￥38.00"}},
		{"wraps left", "Kung Pao Chicken", "￥76.00", 16, []string{"Kung Pao", "Chicken  ￥76.00"}},
		{"right alone", "Total", "￥123456789.00", 16, []string{"Total", "  ￥123456789.00"}},
		{"no right", "Only left", "", 16, []string{"Only left"}},
		{"no left", "", "12:00", 10, []string{"     12:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pair(tt.left, tt.right, tt.w)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, l := range got {
				if Width(l) > tt.w {
					t.Errorf("line %q: got %d columns, want at most %d", l, Width(l), tt.w)
				}
			}
		})
	}
}

// TestNeverOverflows lays out awkward names at every width.
func TestNeverOverflows(t *testing.T) {
	names := []string{
		strings.Repeat("W", 100),
		strings.Repeat("宫", 60),
		"a宫b保c鸡d丁e" + strings.Repeat("x", 47),
		"Café crème brûlée", // non-GB letters print as '?' and are still 2 columns
		"𠀀𠀁 non-BMP",
		"tab\tand\nnewline",
	}
	for _, w := range []int{Columns58, Columns80Font, Columns80} {
		for _, name := range names {
			job := englishReceipt()
			job.Receipt.StoreName = name
			job.Receipt.Cashier = name
			job.Receipt.Lines[0].Name = name
			job.Receipt.Lines[0].Modifiers = []string{name}
			job.Receipt.Lines[0].Note = name
			job.Receipt.Lines[0].Total = cny(99999999999)
			lay, err := Lay(job, w)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range lay.Rows {
				limit := w
				if r.Big {
					limit = w / 2
				}
				if r.Kind == TextRow && Width(r.Text) > limit {
					t.Errorf("width %d, name %q: row %q has %d columns, want at most %d", w, name, r.Text, Width(r.Text), limit)
				}
			}
			if _, err := lay.Encode(escpos.New()); err != nil {
				t.Errorf("width %d, name %q: Encode: %v", w, name, err)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(j *wire.PrintJob)
		ok     bool
	}{
		{"valid", func(j *wire.PrintJob) {}, true},
		{"totals that do not add up still print", func(j *wire.PrintJob) { j.Receipt.Total = cny(1) }, true},
		{"no id", func(j *wire.PrintJob) { j.ID = "" }, false},
		{"unknown kind", func(j *wire.PrintJob) { j.Kind = "menu" }, false},
		{"receipt missing", func(j *wire.PrintJob) { j.Receipt = nil }, false},
		{"no store name", func(j *wire.PrintJob) { j.Receipt.StoreName = " " }, false},
		{"no time", func(j *wire.PrintJob) { j.Receipt.Time = time.Time{} }, false},
		{"no lines", func(j *wire.PrintJob) { j.Receipt.Lines = nil }, false},
		{"negative qty", func(j *wire.PrintJob) { j.Receipt.Lines[1].Qty = -1 }, false},
		{"zero qty", func(j *wire.PrintJob) { j.Receipt.Lines[1].Qty = 0 }, false},
		{"line without name", func(j *wire.PrintJob) { j.Receipt.Lines[0].Name = "" }, false},
		{"line without currency", func(j *wire.PrintJob) { j.Receipt.Lines[0].Total = money.Amount{Minor: 5} }, false},
		{"no total", func(j *wire.PrintJob) { j.Receipt.Total = money.Amount{} }, false},
		{"url too long", func(j *wire.PrintJob) { j.Receipt.ReceiptURL = strings.Repeat("x", 8000) }, false},
		{"kitchen missing", func(j *wire.PrintJob) { j.Kind = wire.PrintKindKitchen }, false},
		{"test page with sample", func(j *wire.PrintJob) { j.Kind = wire.PrintKindTest }, true},
		{"test page with bad sample", func(j *wire.PrintJob) { j.Kind = wire.PrintKindTest; j.Receipt.StoreName = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := englishReceipt()
			tt.change(j)
			err := Validate(j)
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want it to wrap ErrInvalid", err)
			}
		})
	}
	kitchen := []struct {
		name   string
		change func(d *wire.KitchenDoc)
		ok     bool
	}{
		{"valid", func(d *wire.KitchenDoc) {}, true},
		{"table only", func(d *wire.KitchenDoc) { d.OrderNumber = 0 }, true},
		{"neither order nor table", func(d *wire.KitchenDoc) { d.OrderNumber = 0; d.Table = "" }, false},
		{"no lines", func(d *wire.KitchenDoc) { d.Lines = nil }, false},
		{"negative qty", func(d *wire.KitchenDoc) { d.Lines[0].Qty = -2 }, false},
		{"no name", func(d *wire.KitchenDoc) { d.Lines[0].Name = "" }, false},
		{"no time", func(d *wire.KitchenDoc) { d.Time = time.Time{} }, false},
	}
	for _, tt := range kitchen {
		t.Run("kitchen "+tt.name, func(t *testing.T) {
			j := kitchenTicket()
			tt.change(j.Kitchen)
			if err := Validate(j); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
	if _, err := Lay(englishReceipt(), 40); err == nil {
		t.Error("Lay at 40 columns: got nil, want an error")
	}
}

// BenchmarkReceipt48 lays out and encodes one receipt for 80 mm paper.
func BenchmarkReceipt48(b *testing.B) {
	job := chineseReceipt()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(job, Columns80); err != nil {
			b.Fatal(err)
		}
	}
}
