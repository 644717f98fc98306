package receipt

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/internal/wire"
)

func shiftJob() *wire.PrintJob {
	opened := when.Add(-8 * time.Hour)
	closed := when
	doc := wire.ShiftDoc(wire.Shift{
		ID: "shift-1", StaffName: "王芳 Wang Fang", OpenedAt: opened, ClosedAt: &closed,
		Float: cny(20000), CashSales: cny(6400), CashTopUps: cny(5000), CashRefunds: cny(1000), Expected: cny(30400), Counted: cny(30000), Difference: cny(-400),
	}, "川味小馆", when)
	return &wire.PrintJob{ID: "job-shift-1", Kind: wire.PrintKindReport, Report: &doc}
}

func zJob() *wire.PrintJob {
	r := wire.DayReport{
		Day: "2026-11-23", Final: true,
		GrossSales: cny(22400), Voids: cny(300), VoidCount: 1, Refunds: cny(1000), RefundCount: 1, NetSales: cny(21100),
		Tips: cny(500), Tax: cny(1251), Discounts: cny(0), Orders: 4, OrdersTotal: cny(22100), AverageTicket: cny(5525), VoidedOrders: 1,
		Rails: []wire.RailTotal{
			{Rail: "cash", Payments: 2, Sales: cny(9600), Net: cny(9600)},
			{Rail: "wallet", Payments: 1, Sales: cny(5700), Tips: cny(500), Net: cny(5700)},
			{Rail: "wechat", Payments: 2, Sales: cny(7100), Voids: cny(300), Refunds: cny(1000), Net: cny(5800)},
		},
		Categories: []wire.CategorySales{
			{Name: "Hot dishes 热菜", Qty: 4, Sales: cny(17400), Items: []wire.ItemSales{
				{ItemID: "dongpo-pork", Name: "Dongpo Pork 东坡肉", Qty: 1, Sales: cny(6800)},
				{ItemID: "mapo-tofu", Name: "Mapo Tofu 麻婆豆腐", Qty: 2, Sales: cny(6400)},
				{ItemID: "kung-pao-chicken", Name: "Kung Pao Chicken 宫保鸡丁", Qty: 1, Sales: cny(4200)},
			}},
			{Name: "Drinks 饮品", Qty: 1, Sales: cny(1500), Items: []wire.ItemSales{
				{ItemID: "jasmine-tea", Name: "Jasmine Tea 茉莉花茶", Qty: 1, Sales: cny(1500)},
			}},
		},
	}
	doc := r.Doc("Lotus Garden 荷花园", when)
	return &wire.PrintJob{ID: "job-z-1", Kind: wire.PrintKindReport, Report: &doc}
}

func TestReportGolden(t *testing.T) {
	for _, tt := range []struct {
		name  string
		job   *wire.PrintJob
		width int
	}{
		{"report_shift_32", shiftJob(), Columns58},
		{"report_z_48", zJob(), Columns80},
		{"report_z_32", zJob(), Columns58},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lay, err := Lay(tt.job, tt.width)
			if err != nil {
				t.Fatal(err)
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
	b, err := Encode(shiftJob(), Columns58)
	if err != nil {
		t.Fatal(err)
	}
	// -￥4.00 in GB18030: the difference is printed with its sign.
	if want := []byte{'-', 0xa3, 0xa4, '4', '.', '0', '0'}; !bytes.Contains(b, want) {
		t.Errorf("shift report: got no % x (the difference) in its bytes", want)
	}
}

func TestReportInvalid(t *testing.T) {
	for name, mutate := range map[string]func(j *wire.PrintJob){
		"no report":       func(j *wire.PrintJob) { j.Report = nil },
		"no title":        func(j *wire.PrintJob) { j.Report.Title = " " },
		"no time":         func(j *wire.PrintJob) { j.Report.Time = time.Time{} },
		"no lines":        func(j *wire.PrintJob) { j.Report.Lines = nil },
		"empty label":     func(j *wire.PrintJob) { j.Report.Lines[0].Label = "" },
		"amount currency": func(j *wire.PrintJob) { j.Report.Lines[3].Amount.Currency = "" },
	} {
		j := shiftJob()
		mutate(j)
		if err := Validate(j); err == nil {
			t.Errorf("%s: got no error, want invalid", name)
		}
	}
}
