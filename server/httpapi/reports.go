package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qrpos/internal/chart"
	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/ledger"
	"qrpos/server/pos"
)

// The money side of the back office: shifts (every member of staff, their
// own), and for managers the business day, X and Z reports,
// reconciliation and exports. Roles are checked by the service.
func (s *Server) registerReports(mux *http.ServeMux) {
	mux.Handle("POST /api/shifts", s.auth(s.openShift))
	mux.Handle("GET /api/shifts/current", s.auth(s.currentShift))
	mux.Handle("GET /api/shifts/{id}", s.auth(s.getShift))
	mux.Handle("POST /api/shifts/{id}/close", s.auth(s.closeShift))

	mux.Handle("GET /api/business-day", s.auth(s.getDaySettings))
	mux.Handle("PUT /api/business-day", s.auth(s.putDaySettings))
	mux.Handle("GET /api/reports/day", s.auth(s.dayReport))
	mux.Handle("POST /api/reports/z", s.auth(s.closeDay))
	mux.Handle("GET /api/reports/z/{day}", s.auth(s.zReport))
	mux.Handle("GET /api/reports/reconcile", s.auth(s.reconcile))
	mux.Handle("GET /api/ledger/entries/{id}", s.auth(s.ledgerEntry))
	mux.Handle("GET /api/ledger/accounts/{account}", s.auth(s.ledgerAccount))
	mux.Handle("GET /api/exports/{file}", s.auth(s.export))
	mux.Handle("GET /reports/day/{day}", s.auth(s.printableReport))
}

// ---- shifts ----

func (s *Server) shiftOut(ctx context.Context, a pos.Actor, sh pos.Shift) wire.Shift {
	m := func(v int64) money.Amount { return money.New(v, sh.Currency) }
	out := wire.Shift{ID: sh.ID, StaffID: sh.StaffID, Open: sh.ClosedAt == nil, OpenedAt: sh.OpenedAt, ClosedAt: sh.ClosedAt,
		Float: m(sh.Float), CashSales: m(sh.CashSales), CashTopUps: m(sh.CashTopUps), CashRefunds: m(sh.CashRefunds), Expected: m(sh.Expected), Counted: m(sh.Counted), Difference: m(0)}
	if sh.ClosedAt != nil {
		out.Difference = m(sh.Difference())
	}
	if st, err := s.svc.StaffMember(ctx, a, sh.StaffID); err == nil {
		out.StaffName = st.Name
	}
	return out
}

func (s *Server) writeShift(w http.ResponseWriter, r *http.Request, a pos.Actor, status int, sh pos.Shift, replay bool) error {
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, status, s.shiftOut(r.Context(), a, sh))
	return nil
}

// storeAmount checks that an amount is in the store's currency.
func (s *Server) storeAmount(ctx context.Context, a pos.Actor, field string, m money.Amount) (int64, error) {
	rest, err := s.svc.Restaurant(ctx, a)
	if err != nil {
		return 0, err
	}
	if m.Currency != rest.Currency {
		return 0, &pos.Error{Code: pos.CodeInvalid, Field: field, Message: "amounts here are in " + rest.Currency}
	}
	return m.Minor, nil
}

func (s *Server) openShift(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.OpenShiftRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	float, err := s.storeAmount(r.Context(), a, "float", req.Float)
	if err != nil {
		return err
	}
	sh, replay, err := s.svc.OpenShift(r.Context(), a, idemKey(r), req.ShiftID, float)
	if err != nil {
		return err
	}
	return s.writeShift(w, r, a, http.StatusCreated, sh, replay)
}

func (s *Server) currentShift(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	sh, err := s.svc.CurrentShift(r.Context(), a)
	if err != nil {
		return err
	}
	return s.writeShift(w, r, a, http.StatusOK, sh, false)
}

func (s *Server) getShift(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	sh, err := s.svc.Shift(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeShift(w, r, a, http.StatusOK, sh, false)
}

func (s *Server) closeShift(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CloseShiftRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	counted, err := s.storeAmount(r.Context(), a, "counted", req.Counted)
	if err != nil {
		return err
	}
	sh, replay, err := s.svc.CloseShift(r.Context(), a, idemKey(r), r.PathValue("id"), counted)
	if err != nil {
		return err
	}
	return s.writeShift(w, r, a, http.StatusOK, sh, replay)
}

// ---- business day ----

func daySettingsOut(d pos.DaySettings) wire.DaySettings {
	return wire.DaySettings{Cutoff: fmt.Sprintf("%02d:%02d", d.CutoffMinute/60, d.CutoffMinute%60), TimeZone: d.TimeZone}
}

func (s *Server) getDaySettings(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	d, err := s.svc.DaySettings(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, daySettingsOut(d))
	return nil
}

// parseCutoff reads "HH:MM" (or "H").
func parseCutoff(v string) (int, bool) {
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	hh, mm, found := strings.Cut(strings.TrimSpace(v), ":")
	if !digits(hh) || len(hh) > 2 || found && (!digits(mm) || len(mm) != 2) {
		return 0, false
	}
	h, _ := strconv.Atoi(hh)
	m := 0
	if found {
		m, _ = strconv.Atoi(mm)
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

func (s *Server) putDaySettings(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.DaySettings
	if err := decode(w, r, &req); err != nil {
		return err
	}
	cutoff, ok := parseCutoff(req.Cutoff)
	if !ok {
		return &pos.Error{Code: pos.CodeInvalid, Field: "cutoff", Message: "the day's cut-off is a time like 04:00"}
	}
	d, replay, err := s.svc.SetDaySettings(r.Context(), a, idemKey(r), cutoff, req.TimeZone)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, daySettingsOut(d))
	return nil
}

// ---- reports ----

func dayReportOut(rep pos.DayReport) wire.DayReport {
	m := func(v int64) money.Amount { return money.New(v, rep.Currency) }
	out := wire.DayReport{Day: rep.Day, TimeZone: rep.TimeZone, From: rep.From, To: rep.To, GeneratedAt: rep.GeneratedAt,
		Final: rep.Final, ClosedBy: rep.ClosedBy, ClosedAt: rep.ClosedAt,
		GrossSales: m(rep.GrossSales), Voids: m(rep.Voids), VoidCount: rep.VoidCount, Refunds: m(rep.Refunds),
		RefundCount: rep.RefundCount, NetSales: m(rep.NetSales), Tips: m(rep.Tips), Payments: rep.Payments,
		Orders: rep.Orders, OrdersTotal: m(rep.OrdersTotal), AverageTicket: m(rep.AverageTicket), Tax: m(rep.Tax),
		Discounts: m(rep.Discounts), VoidedOrders: rep.VoidedOrders,
		Rails: []wire.RailTotal{}, Categories: []wire.CategorySales{}, Hours: []wire.HourSales{}}
	for _, rt := range rep.Rails {
		out.Rails = append(out.Rails, wire.RailTotal{Rail: rt.Rail, Payments: rt.Payments, Sales: m(rt.Sales), Voids: m(rt.Voids),
			Refunds: m(rt.Refunds), Tips: m(rt.Tips), Net: m(rt.Net)})
	}
	for _, c := range rep.Categories {
		wc := wire.CategorySales{Name: c.Name, Qty: c.Qty, Sales: m(c.Sales), Items: []wire.ItemSales{}}
		for _, it := range c.Items {
			wc.Items = append(wc.Items, wire.ItemSales{ItemID: it.ItemID, Name: it.Name, Qty: it.Qty, Sales: m(it.Sales)})
		}
		out.Categories = append(out.Categories, wc)
	}
	for _, h := range rep.Hours {
		out.Hours = append(out.Hours, wire.HourSales{Label: h.Label, Sales: m(h.Sales), Payments: h.Payments})
	}
	return out
}

func (s *Server) dayReport(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rep, err := s.svc.XReport(r.Context(), a, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dayReportOut(rep))
	return nil
}

func (s *Server) closeDay(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CloseDayRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	rep, replay, err := s.svc.CloseDay(r.Context(), a, idemKey(r), req.Day)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusCreated, dayReportOut(rep))
	return nil
}

func (s *Server) zReport(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rep, err := s.svc.ZReport(r.Context(), a, r.PathValue("day"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dayReportOut(rep))
	return nil
}

// ---- reconciliation ----

// recordLink is where a difference's record can be seen: the order page
// of the app, or the ledger as JSON.
func recordLink(d pos.Discrepancy) string {
	switch {
	case d.OrderID != "":
		return "/orders/" + url.PathEscape(d.OrderID)
	case d.Kind == pos.DiffWalletBalance:
		return "/api/ledger/accounts/" + url.PathEscape(ledger.Wallet(d.Ref))
	}
	return "/api/ledger/entries/" + url.PathEscape(d.Ref)
}

func (s *Server) reconcile(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rec, err := s.svc.Reconcile(r.Context(), a, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.Reconciliation{Day: rec.Day, From: rec.From, To: rec.To, Clean: rec.Clean(), Differences: []wire.Discrepancy{}}
	for _, d := range rec.Differences {
		out.Differences = append(out.Differences, wire.Discrepancy{Kind: d.Kind, Ref: d.Ref, Detail: d.Detail,
			Want: money.New(d.Want, rest.Currency), Got: money.New(d.Got, rest.Currency), Link: recordLink(d)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func entryOut(e ledger.Entry) wire.LedgerEntry {
	out := wire.LedgerEntry{ID: e.ID, Kind: string(e.Kind), Ref: e.Ref, At: e.At, Reverses: e.Reverses, Postings: []wire.LedgerPosting{}}
	for _, p := range e.Postings {
		out.Postings = append(out.Postings, wire.LedgerPosting{Account: p.Account, Amount: p.Amount})
	}
	return out
}

func (s *Server) ledgerEntry(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	e, err := s.svc.LedgerEntry(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, entryOut(e))
	return nil
}

func (s *Server) ledgerAccount(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	list, err := s.svc.LedgerAccount(r.Context(), a, r.PathValue("account"))
	if err != nil {
		return err
	}
	out := wire.LedgerEntries{Entries: []wire.LedgerEntry{}}
	for _, e := range list {
		out.Entries = append(out.Entries, entryOut(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- exports ----

// BOM starts every CSV export: spreadsheet programs then read the file as
// UTF-8 and show Chinese text as written.
const BOM = "\ufeff"

// csvExport writes a CSV download once the range is known; until then an
// error is still answered as JSON.
type csvExport struct {
	w    http.ResponseWriter
	name string
	cw   *csv.Writer
	loc  *time.Location
}

func (e *csvExport) head(cols ...string) func(pos.ExportRange) error {
	return func(rng pos.ExportRange) error {
		e.loc = rng.Location
		h := e.w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Disposition", `attachment; filename="`+e.name+`"`)
		e.w.WriteHeader(http.StatusOK)
		if _, err := e.w.Write([]byte(BOM)); err != nil {
			return err
		}
		e.cw = csv.NewWriter(e.w)
		return e.cw.Write(cols)
	}
}

func (e *csvExport) time(t time.Time) string { return t.In(e.loc).Format("2006-01-02 15:04:05") }

func (e *csvExport) timePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return e.time(*t)
}

func decimal(v int64, cur string) string { return money.New(v, cur).Decimal() }

// text guards a cell of free text (a dish's name, a reason) against
// spreadsheet formulas: a leading =, +, -, @, tab or return makes the
// cell start with an apostrophe, which spreadsheets show as text.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) export(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	file := r.PathValue("file")
	kind, ok := strings.CutSuffix(file, ".csv")
	if !ok {
		return &pos.Error{Code: pos.CodeNotFound, Message: "exports are orders.csv, payments.csv and ledger.csv"}
	}
	name := kind
	if from != "" || to != "" {
		name += "-" + from + "-" + to
	}
	e := &csvExport{w: w, name: name + ".csv"}
	var err error
	switch kind {
	case "orders":
		err = s.svc.ExportOrders(r.Context(), a, from, to,
			e.head("order_id", "number", "status", "table", "staff", "created_at", "closed_at", "items", "qty", "subtotal", "paid", "currency"),
			func(o pos.ExportOrder) error {
				return e.cw.Write([]string{o.ID, strconv.Itoa(o.Number), string(o.Status), text(o.Table), text(o.CreatedBy), e.time(o.CreatedAt),
					e.timePtr(o.ClosedAt), text(o.Items), strconv.Itoa(o.Qty), decimal(o.Subtotal, o.Currency), decimal(o.Paid, o.Currency), o.Currency})
			})
	case "payments":
		err = s.svc.ExportPayments(r.Context(), a, from, to,
			e.head("payment_id", "order_id", "order_number", "method", "rail", "status", "amount", "tip", "refunded", "currency", "payer", "reason", "created_at"),
			func(p pos.ExportPayment) error {
				return e.cw.Write([]string{p.ID, p.OrderID, strconv.Itoa(p.OrderNumber), p.Method, p.Rail, p.Status,
					decimal(p.Amount, p.Currency), decimal(p.Tip, p.Currency), decimal(p.Refunded, p.Currency), p.Currency,
					text(p.PayerRef), text(p.Reason), e.time(p.CreatedAt)})
			})
	case "ledger":
		err = s.svc.ExportPostings(r.Context(), a, from, to,
			e.head("entry_id", "at", "kind", "ref", "reverses", "account", "amount", "currency"),
			func(p pos.ExportPosting) error {
				return e.cw.Write([]string{p.EntryID, e.time(p.At), p.Kind, p.Ref, p.Reverses, p.Account, decimal(p.Amount, p.Currency), p.Currency})
			})
	default:
		return &pos.Error{Code: pos.CodeNotFound, Message: "exports are orders.csv, payments.csv and ledger.csv"}
	}
	if e.cw == nil {
		return err // nothing written yet: answer the error
	}
	if err == nil {
		e.cw.Flush()
		err = e.cw.Error()
	}
	if err != nil {
		// The header is out: all that can be done is to cut the file short.
		s.log.Error("export failed", "file", file, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// ---- printable report ----

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"rail": wire.RailLabel,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .R.Final}}Z{{else}}X{{end}} report {{.R.Day}} · {{.Store}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px;margin:0}h2{font-size:16px;margin:20px 0 6px;border-bottom:1px solid #cbd2d9}
table{border-collapse:collapse;width:100%;max-width:720px}td,th{padding:3px 6px;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.total td{font-weight:bold}
.chart{max-width:720px;height:auto}.noprint{margin:12px 0}
@media print{.noprint{display:none}body{margin:0;font-size:11pt}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}@page{margin:15mm}}
</style></head>
<body data-testid="printable-report">
<p class="noprint">Print this page, or save it as PDF, with the browser's Print (Ctrl+P).</p>
<h1>{{if .R.Final}}Z report{{else}}X report (so far){{end}} · {{.Store}}</h1>
<p>Business day {{.R.Day}} ({{.From}} to {{.To}}, {{.R.TimeZone}}){{if .R.Final}}; closed {{.Closed}}{{end}}</p>
<h2>Sales</h2>
<table>
<tr><td>Gross sales</td><td class="n">{{.R.GrossSales}}</td></tr>
<tr><td>Voids ({{.R.VoidCount}})</td><td class="n">{{.R.Voids}}</td></tr>
<tr><td>Refunds ({{.R.RefundCount}})</td><td class="n">{{.R.Refunds}}</td></tr>
<tr><td>Discounts</td><td class="n">{{.R.Discounts}}</td></tr>
<tr class="total"><td>Net sales</td><td class="n" data-testid="printable-net">{{.R.NetSales}}</td></tr>
<tr><td>Tips</td><td class="n">{{.R.Tips}}</td></tr>
<tr><td>Tax</td><td class="n">{{.R.Tax}}</td></tr>
<tr><td>Orders</td><td class="n">{{.R.Orders}}</td></tr>
<tr><td>Average ticket</td><td class="n">{{.R.AverageTicket}}</td></tr>
<tr><td>Voided orders</td><td class="n">{{.R.VoidedOrders}}</td></tr>
</table>
<h2>By payment</h2>
<table><tr><th>Payment</th><th class="n">Payments</th><th class="n">Sales</th><th class="n">Voids</th><th class="n">Refunds</th><th class="n">Tips</th><th class="n">Net</th></tr>
{{range .R.Rails}}<tr><td>{{rail .Rail}}</td><td class="n">{{.Payments}}</td><td class="n">{{.Sales}}</td><td class="n">{{.Voids}}</td><td class="n">{{.Refunds}}</td><td class="n">{{.Tips}}</td><td class="n">{{.Net}}</td></tr>
{{end}}</table>
<h2>Sales by hour</h2>
{{.Chart}}
<h2>By category and item</h2>
<table><tr><th>Item</th><th class="n">Qty</th><th class="n">Sales</th></tr>
{{range .R.Categories}}<tr class="total"><td>{{.Name}}</td><td class="n">{{.Qty}}</td><td class="n">{{.Sales}}</td></tr>
{{range .Items}}<tr><td>&nbsp;&nbsp;{{.Name}}</td><td class="n">{{.Qty}}</td><td class="n">{{.Sales}}</td></tr>
{{end}}{{end}}</table>
</body></html>
`))

// hourChart draws a report's sales by hour.
func hourChart(id string, hours []wire.HourSales) string {
	bars := make([]chart.Bar, len(hours))
	for i, h := range hours {
		bars[i] = chart.Bar{Label: h.Label, Value: h.Sales.Minor, Title: h.Sales.String()}
	}
	return chart.Bars(id, "Sales by hour", bars, 720, 160)
}

// printableReport serves a day's report (the stored Z of a closed day,
// else the X so far) as a page made for printing or saving as PDF.
func (s *Server) printableReport(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rep, err := s.svc.XReport(r.Context(), a, r.PathValue("day"))
	if err != nil {
		return err
	}
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(rep.TimeZone)
	if err != nil {
		return err
	}
	out := dayReportOut(rep)
	const layout = "2006-01-02 15:04"
	var b bytes.Buffer
	err = reportTmpl.Execute(&b, struct {
		R                wire.DayReport
		Store            string
		From, To, Closed string
		Chart            template.HTML
	}{out, rest.Name, rep.From.In(loc).Format(layout), rep.To.In(loc).Format(layout), rep.ClosedAt.In(loc).Format(layout),
		template.HTML(hourChart("printable-chart", out.Hours))})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
	return nil
}
