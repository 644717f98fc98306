package httpapi

import (
	"html/template"
	"net/http"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
	"qrpos/server/token"
)

// receiptPage serves the e-receipt an order's printed QR code links to:
// plain HTML from the server (no app to load on a diner's phone), found
// by a signed reference so that an order id alone opens nothing.
func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) {
	notFound := func() {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		receiptTmpl.Execute(w, receiptView{Missing: true})
	}
	if s.cfg.ReceiptKey == nil {
		notFound()
		return
	}
	storeID, orderID, err := token.CheckReceiptRef(s.cfg.ReceiptKey, r.PathValue("ref"))
	if err != nil {
		notFound()
		return
	}
	a := pos.Actor{StoreID: storeID}
	o, err := s.svc.Order(r.Context(), a, orderID)
	if err != nil {
		if pos.ErrorCode(err) == pos.CodeNotFound {
			notFound()
			return
		}
		s.writeError(w, r, err)
		return
	}
	rest, names, err := s.context(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	intents, refunds, err := s.svc.OrderIntents(r.Context(), a, orderID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := receiptView{Store: rest, Order: s.orderOut(o, rest.TaxInclusive, names)}
	v.Order.Lines = billLines(v.Order.Lines) // a receipt lists what was billed
	v.Time = o.CreatedAt
	if o.ClosedAt != nil {
		v.Time = *o.ClosedAt
	}
	for _, tn := range o.Tenders {
		if tn.Kind == wire.TenderCash {
			p := receiptPayment{Way: "Cash", Amount: money.New(tn.Amount, o.Currency)}
			if tn.Refunded > 0 {
				p.Note = "refunded " + money.New(tn.Refunded, o.Currency).String()
			}
			v.Payments = append(v.Payments, p)
		}
	}
	for _, in := range intents {
		if !in.Status.Captured() && in.Status != pos.IntentReversed {
			continue
		}
		p := receiptPayment{Way: railLabel(in.Rail), Payer: in.PayerRef, Amount: money.New(in.Amount+in.Tip, in.Currency)}
		switch {
		case in.Status == pos.IntentReversed:
			p.Note = "voided"
		case in.Refunded > 0:
			p.Note = "refunded " + money.New(in.Refunded, in.Currency).String()
		}
		if len(refunds[in.ID]) > 0 && p.Note == "" {
			p.Note = "refunded"
		}
		v.Payments = append(v.Payments, p)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := receiptTmpl.Execute(w, v); err != nil {
		s.log.Warn("render receipt", "order", orderID, "err", err)
	}
}

type receiptView struct {
	Missing  bool
	Store    pos.Restaurant
	Order    wire.Order
	Time     time.Time
	Payments []receiptPayment
}

type receiptPayment struct {
	Way    string
	Payer  string
	Amount money.Amount
	Note   string
}

func railLabel(r string) string {
	switch r {
	case pos.RailWallet:
		return "QRPOS wallet"
	case pos.RailWeChat:
		return "WeChat Pay"
	case pos.RailAlipay:
		return "Alipay"
	case pos.RailUnionPay:
		return "UnionPay"
	}
	return r
}

var receiptTmpl = template.Must(template.New("receipt").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Missing}}Receipt not found{{else}}Receipt · {{.Store.Name}}{{end}}</title>
<style>
body{font:16px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f3f4f6;color:#111827;margin:0;padding:16px}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0}.muted{color:#4b5563;font-size:.9rem}
table{width:100%;border-collapse:collapse;margin:12px 0}td{padding:4px 0;vertical-align:top}td.n{text-align:right;white-space:nowrap}
.mods{color:#4b5563;font-size:.85rem}.total td{font-weight:700;font-size:1.1rem;border-top:1px solid #d1d5db;padding-top:8px}
</style></head><body><main data-testid="receipt-page" aria-label="Receipt">
{{if .Missing}}<h1>Receipt not found</h1><p class="muted">This link is not valid. Ask the restaurant for a new receipt.</p>
{{else}}<h1 data-testid="receipt-store">{{.Store.Name}}</h1><div class="muted">{{.Store.Address}}</div>
<p class="muted">Order {{.Order.Number}}{{with .Order.TableName}} · {{.}}{{end}} · {{.Time.Format "2006-01-02 15:04"}} · <span data-testid="receipt-status">{{.Order.Status}}</span></p>
<table aria-label="Items">{{range .Order.Lines}}<tr><td>{{.Qty}} × {{.Name}}{{if .Modifiers}}<div class="mods">{{range $i, $m := .Modifiers}}{{if $i}}, {{end}}{{$m.Name}}{{end}}</div>{{end}}{{with .Note}}<div class="mods">“{{.}}”</div>{{end}}</td><td class="n">{{.Total}}</td></tr>{{end}}
<tr><td>Subtotal</td><td class="n">{{.Order.Totals.Subtotal}}</td></tr>
<tr><td>Tax{{if .Store.TaxInclusive}} (included){{end}}</td><td class="n">{{.Order.Totals.Tax}}</td></tr>
<tr class="total"><td>Total</td><td class="n" data-testid="receipt-total" data-minor="{{.Order.Totals.Total.Minor}}">{{.Order.Totals.Total}}</td></tr>
{{if .Order.Totals.Tips.Minor}}<tr><td>Tips</td><td class="n" data-testid="receipt-tips" data-minor="{{.Order.Totals.Tips.Minor}}">{{.Order.Totals.Tips}}</td></tr>{{end}}</table>
{{if .Payments}}<table aria-label="Payments">{{range .Payments}}<tr><td>{{.Way}}{{with .Payer}} <span class="muted">{{.}}</span>{{end}}{{with .Note}} <span class="muted">({{.}})</span>{{end}}</td><td class="n">{{.Amount}}</td></tr>{{end}}</table>{{end}}
<p class="muted">Thank you! 谢谢惠顾</p>{{end}}
</main></body></html>
`))
