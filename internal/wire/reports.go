package wire

import (
	"strconv"
	"time"

	"qrpos/internal/money"
)

// The money side of the back office: business days, shifts, X and Z
// reports, reconciliation, and the report print document.

// DaySettings say where a store's business day begins: Cutoff is the local
// time "HH:MM", TimeZone an IANA name such as "Asia/Shanghai".
type DaySettings struct {
	Cutoff   string `json:"cutoff"`
	TimeZone string `json:"time_zone"`
}

// Shift is a cashier's time at the till. Expected is the float plus the
// cash taken; Difference is counted minus expected (negative: missing).
// Counted and Difference are set once the shift is closed.
type Shift struct {
	ID         string       `json:"id"`
	StaffID    string       `json:"staff_id"`
	StaffName  string       `json:"staff_name,omitempty"`
	Open       bool         `json:"open"`
	OpenedAt   time.Time    `json:"opened_at"`
	ClosedAt   *time.Time   `json:"closed_at,omitempty"`
	Float      money.Amount `json:"float"`
	CashSales  money.Amount `json:"cash_sales"`
	CashTopUps money.Amount `json:"cash_topups"` // cash taken for wallet top-ups
	// CashRefunds is the cash given back for cash payments, out of this
	// drawer: Expected = Float + CashSales + CashTopUps - CashRefunds.
	CashRefunds money.Amount `json:"cash_refunds"`
	Expected    money.Amount `json:"expected"`
	Counted     money.Amount `json:"counted"`
	Difference  money.Amount `json:"difference"`
}

// OpenShiftRequest starts the caller's shift with the cash in the drawer.
type OpenShiftRequest struct {
	ShiftID string       `json:"shift_id"`
	Float   money.Amount `json:"float"`
}

// CloseShiftRequest ends a shift with the cash counted in the drawer.
type CloseShiftRequest struct {
	Counted money.Amount `json:"counted"`
}

// CloseDayRequest closes a business day ("" is today's) with a Z report.
type CloseDayRequest struct {
	Day string `json:"day"`
}

// DayReport is an X report (a day so far) or, with Final set, the stored
// Z report of a closed day.
type DayReport struct {
	Day         string    `json:"day"`
	TimeZone    string    `json:"time_zone"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	GeneratedAt time.Time `json:"generated_at"`
	Final       bool      `json:"final"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`

	GrossSales    money.Amount `json:"gross_sales"`
	Voids         money.Amount `json:"voids"`
	VoidCount     int          `json:"void_count"`
	Refunds       money.Amount `json:"refunds"`
	RefundCount   int          `json:"refund_count"`
	NetSales      money.Amount `json:"net_sales"`
	Tips          money.Amount `json:"tips"`
	Payments      int          `json:"payments"`
	Orders        int          `json:"orders"`
	OrdersTotal   money.Amount `json:"orders_total"`
	AverageTicket money.Amount `json:"average_ticket"`
	Tax           money.Amount `json:"tax"`
	Discounts     money.Amount `json:"discounts"`
	VoidedOrders  int          `json:"voided_orders"`

	Rails      []RailTotal     `json:"rails"`
	Categories []CategorySales `json:"categories"`
	Hours      []HourSales     `json:"hours"`
}

// RailTotal is one way of paying's share of a day.
type RailTotal struct {
	Rail     string       `json:"rail"`
	Payments int          `json:"payments"`
	Sales    money.Amount `json:"sales"`
	Voids    money.Amount `json:"voids"`
	Refunds  money.Amount `json:"refunds"`
	Tips     money.Amount `json:"tips"`
	Net      money.Amount `json:"net"`
}

// CategorySales is a menu category's sales with its items.
type CategorySales struct {
	Name  string       `json:"name"`
	Qty   int          `json:"qty"`
	Sales money.Amount `json:"sales"`
	Items []ItemSales  `json:"items"`
}

// ItemSales is one item's sales.
type ItemSales struct {
	ItemID string       `json:"item_id"`
	Name   string       `json:"name"`
	Qty    int          `json:"qty"`
	Sales  money.Amount `json:"sales"`
}

// HourSales is the money taken in one hour of the day, starting at the
// local hour Label ("04").
type HourSales struct {
	Label    string       `json:"label"`
	Sales    money.Amount `json:"sales"`
	Payments int          `json:"payments"`
}

// Reconciliation lists what disagrees among a day's orders, payments,
// ledger entries and wallets. Clean says nothing does.
type Reconciliation struct {
	Day         string        `json:"day"`
	From        time.Time     `json:"from"`
	To          time.Time     `json:"to"`
	Clean       bool          `json:"clean"`
	Differences []Discrepancy `json:"differences"`
}

// Discrepancy is one difference, with a link to the record (an app page
// or an API document).
type Discrepancy struct {
	Kind   string       `json:"kind"`
	Ref    string       `json:"ref"`
	Detail string       `json:"detail"`
	Want   money.Amount `json:"want"`
	Got    money.Amount `json:"got"`
	Link   string       `json:"link"`
}

// LedgerEntry is one entry of the ledger with its postings.
type LedgerEntry struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Ref      string          `json:"ref"`
	At       time.Time       `json:"at"`
	Reverses string          `json:"reverses,omitempty"`
	Postings []LedgerPosting `json:"postings"`
}

// LedgerPosting moves Amount into (positive) or out of (negative) Account.
type LedgerPosting struct {
	Account string       `json:"account"`
	Amount  money.Amount `json:"amount"`
}

// LedgerEntries is a list of entries.
type LedgerEntries struct {
	Entries []LedgerEntry `json:"entries"`
}

// PrintKindReport is a report print job (shift report, X or Z report):
// Report is set.
const PrintKindReport = "report"

// ReportDoc is a report printed as lines of label and value. The bridge
// lays it out for its paper; amounts are printed as given.
type ReportDoc struct {
	Lang      string       `json:"lang,omitempty"`
	Title     string       `json:"title"`
	StoreName string       `json:"store_name"`
	Subtitle  string       `json:"subtitle,omitempty"`
	Time      time.Time    `json:"time"` // printed in its own location
	Lines     []ReportLine `json:"lines"`
}

// ReportLine is one line of a report: a heading, or a label with an
// amount (when Amount is set) or a text value.
type ReportLine struct {
	Label   string        `json:"label"`
	Value   string        `json:"value,omitempty"`
	Amount  *money.Amount `json:"amount,omitempty"`
	Heading bool          `json:"heading,omitempty"`
	Bold    bool          `json:"bold,omitempty"`
}

func amountLine(label string, a money.Amount) ReportLine { return ReportLine{Label: label, Amount: &a} }

// ShiftDoc is the printout of a shift. at is the time to print, in the
// store's location.
func ShiftDoc(sh Shift, storeName string, at time.Time) ReportDoc {
	d := ReportDoc{Title: "Shift report", StoreName: storeName, Subtitle: sh.StaffName, Time: at}
	d.Lines = append(d.Lines,
		ReportLine{Label: "Opened", Value: sh.OpenedAt.In(at.Location()).Format("2006-01-02 15:04")},
	)
	if sh.ClosedAt != nil {
		d.Lines = append(d.Lines, ReportLine{Label: "Closed", Value: sh.ClosedAt.In(at.Location()).Format("2006-01-02 15:04")})
	}
	d.Lines = append(d.Lines,
		ReportLine{Label: "Cash", Heading: true},
		amountLine("Float", sh.Float),
		amountLine("Cash sales", sh.CashSales),
	)
	if sh.CashTopUps.Currency != "" { // a server before top-ups counted sends none
		d.Lines = append(d.Lines, amountLine("Wallet top-ups (cash)", sh.CashTopUps))
	}
	if sh.CashRefunds.Currency != "" && sh.CashRefunds.Minor != 0 {
		d.Lines = append(d.Lines, amountLine("Cash refunds", money.New(-sh.CashRefunds.Minor, sh.CashRefunds.Currency)))
	}
	d.Lines = append(d.Lines,
		amountLine("Expected", sh.Expected),
		amountLine("Counted", sh.Counted),
	)
	diff := amountLine("Difference", sh.Difference)
	diff.Bold = true
	return appendLines(d, diff)
}

func appendLines(d ReportDoc, l ...ReportLine) ReportDoc {
	d.Lines = append(d.Lines, l...)
	return d
}

// RailLabel is the name people use for a rail.
func RailLabel(rail string) string {
	switch rail {
	case "cash":
		return "Cash"
	case RailWallet:
		return "QRPOS wallet"
	case RailWeChat:
		return "WeChat Pay"
	case RailAlipay:
		return "Alipay"
	case RailUnionPay:
		return "UnionPay"
	}
	return rail
}

// Doc is the printout of a day report: X while the day is open, Z once
// closed. at is the time to print, in the store's location.
func (r DayReport) Doc(storeName string, at time.Time) ReportDoc {
	title := "X report"
	if r.Final {
		title = "Z report"
	}
	d := ReportDoc{Title: title, StoreName: storeName, Subtitle: "Business day " + r.Day, Time: at}
	net := amountLine("Net sales", r.NetSales)
	net.Bold = true
	d.Lines = append(d.Lines,
		ReportLine{Label: "Sales", Heading: true},
		amountLine("Gross sales", r.GrossSales),
		amountLine("Voids ("+strconv.Itoa(r.VoidCount)+")", r.Voids),
		amountLine("Refunds ("+strconv.Itoa(r.RefundCount)+")", r.Refunds),
		amountLine("Discounts", r.Discounts),
		net,
		amountLine("Tips", r.Tips),
		amountLine("Tax", r.Tax),
		ReportLine{Label: "Orders", Value: strconv.Itoa(r.Orders)},
		amountLine("Average ticket", r.AverageTicket),
		ReportLine{Label: "Voided orders", Value: strconv.Itoa(r.VoidedOrders)},
		ReportLine{Label: "By payment", Heading: true},
	)
	for _, rt := range r.Rails {
		d.Lines = append(d.Lines, amountLine(RailLabel(rt.Rail)+" ("+strconv.Itoa(rt.Payments)+")", rt.Net))
	}
	d.Lines = append(d.Lines, ReportLine{Label: "By category", Heading: true})
	for _, c := range r.Categories {
		d.Lines = append(d.Lines, ReportLine{Label: c.Name + " x" + strconv.Itoa(c.Qty), Amount: &c.Sales, Bold: true})
		for _, it := range c.Items {
			d.Lines = append(d.Lines, amountLine("  "+it.Name+" x"+strconv.Itoa(it.Qty), it.Sales))
		}
	}
	return d
}
