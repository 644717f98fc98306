package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/skip2/go-qrcode"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
	"qrpos/server/token"
)

// walletCookie holds a wallet page's device credential. Lax, so that a
// phone opening a scanned pay link from its camera app still sends it.
const walletCookie = "qrpos_wallet"

func (s *Server) registerPayments(mux *http.ServeMux) {
	mux.Handle("POST /api/orders/{id}/intents", s.auth(s.createQRIntent))
	mux.Handle("GET /api/orders/{id}/intents", s.auth(s.orderIntents))
	mux.Handle("POST /api/orders/{id}/charge-code", s.auth(s.chargeCode))
	mux.Handle("GET /api/intents/{id}", s.auth(s.getIntent))
	mux.Handle("POST /api/intents/{id}/token", s.auth(s.issueToken))
	mux.Handle("POST /api/intents/{id}/cancel", s.auth(s.cancelIntent))
	mux.Handle("POST /api/intents/{id}/refund", s.auth(s.refund))
	mux.Handle("POST /api/intents/{id}/void", s.auth(s.voidPayment))
	mux.Handle("POST /api/orders/{id}/tenders/{tender}/refund", s.auth(s.refundCash))
	mux.Handle("POST /api/wallet/topup", s.auth(s.topUp))
	mux.Handle("GET /api/limits/{rail}", s.auth(s.getLimits))
	mux.Handle("PUT /api/limits/{rail}", s.auth(s.putLimits))
	mux.Handle("GET /api/ledger/check", s.auth(s.checkLedger))

	// The diner's phone: no staff session.
	mux.Handle("GET /api/pay/{token}", s.public(s.payPage))
	mux.Handle("POST /api/pay/{token}/wallet", s.public(s.payWallet))
	mux.Handle("GET /ws/pay/{token}", http.HandlerFunc(s.payEvents))
	mux.Handle("POST /api/wallet/devices", s.public(s.newWallet))
	mux.Handle("GET /api/wallet", s.public(s.wallet))
	mux.Handle("POST /api/wallet/confirm/{intent}", s.public(s.confirm))
	mux.Handle("GET /ws/wallet", http.HandlerFunc(s.walletEvents))
}

// PaymentEvent pushes a payment's new state to the store's terminals, the
// pay page following it and the payer's wallet page.
func (s *Server) PaymentEvent(in pos.Intent) {
	typ := ""
	switch in.Status {
	case pos.IntentPending:
		typ = wire.EventPaymentPending
	case pos.IntentSucceeded:
		typ = wire.EventPaymentSucceeded
	case pos.IntentFailed, pos.IntentCancelled, pos.IntentExpired:
		typ = wire.EventPaymentFailed
	case pos.IntentReversed, pos.IntentRefunded, pos.IntentPartiallyRefunded:
		typ = wire.EventPaymentRefunded
	default:
		return
	}
	wi := intentOut(in, nil)
	b, err := json.Marshal(wire.Event{Type: typ, At: s.now().UTC(), Intent: &wi})
	if err != nil {
		s.log.Error("encode payment event", "intent", in.ID, "err", err)
		return
	}
	s.hub.Publish(storeTopic(in.StoreID), b)
	s.hub.Publish(intentTopic(in.ID), b)
	s.tablePayment(s.ctx, in, b)
	if in.MemberID != "" {
		s.hub.Publish(memberTopic(in.MemberID), b)
	}
}

// WalletEvent tells a member's wallet pages that its balance changed.
func (s *Server) WalletEvent(m pos.Member) {
	b, err := json.Marshal(wire.Event{Type: wire.EventWalletUpdated, At: s.now().UTC()})
	if err != nil {
		s.log.Error("encode wallet event", "member", m.ID, "err", err)
		return
	}
	s.hub.Publish(memberTopic(m.ID), b)
}

func intentOut(in pos.Intent, refunds []pos.Refund) wire.Intent {
	m := func(v int64) money.Amount { return money.New(v, in.Currency) }
	out := wire.Intent{ID: in.ID, OrderID: in.OrderID, ShareID: in.ShareID, Method: string(in.Method), Rail: in.Rail, Amount: m(in.Amount), Tip: m(in.Tip),
		Status: string(in.Status), PayerRef: in.PayerRef, RailRef: in.RailRef, Reason: in.Reason, Refunded: m(in.Refunded),
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
	if in.Status.Live() && !in.Deadline.IsZero() {
		d := in.Deadline
		out.Deadline = &d
	}
	for _, r := range refunds {
		out.Refunds = append(out.Refunds, wire.Refund{ID: r.ID, Amount: m(r.Amount), Reason: r.Reason, ApprovedBy: r.ApprovedBy, CreatedAt: r.CreatedAt})
	}
	return out
}

func writeIntent(w http.ResponseWriter, status int, in pos.Intent, replay bool) error {
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, status, intentOut(in, nil))
	return nil
}

func (s *Server) createQRIntent(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CreateIntentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.CreateQRIntent(r.Context(), a, idemKey(r), r.PathValue("id"), req.IntentID, req.TerminalID)
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusCreated, in, replay)
}

func (s *Server) orderIntents(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	list, refunds, err := s.svc.OrderIntents(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := wire.IntentList{Intents: []wire.Intent{}}
	for _, in := range list {
		out.Intents = append(out.Intents, intentOut(in, refunds[in.ID]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) chargeCode(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.ChargeCodeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.ChargeCode(r.Context(), a, idemKey(r), r.PathValue("id"), req.IntentID, req.Code, req.TerminalID)
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, replay)
}

func (s *Server) getIntent(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	in, err := s.svc.Intent(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, false)
}

// issueToken answers the tablet's request for the current jumping QR.
// It changes nothing stored, so it needs no idempotency key.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	tok, c, err := s.svc.IssueToken(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	link := s.publicBase(r, a.StoreID) + "/p/" + tok
	png, err := qrcode.Encode(link, qrcode.Medium, 384)
	if err != nil {
		return fmt.Errorf("httpapi: render QR: %w", err)
	}
	writeJSON(w, http.StatusOK, wire.PaymentToken{IntentID: c.IntentID, Token: tok, URL: link,
		QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), ExpiresAt: c.ExpiresAt,
		Step: int(token.DefaultStep / time.Second)})
	return nil
}

// publicBase is the origin phones open pay links at.
func (s *Server) publicBase(r *http.Request, storeID string) string {
	if u := s.storePublicURL(r.Context(), storeID); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) cancelIntent(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CancelIntentRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.CancelIntent(r.Context(), a, idemKey(r), r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, replay)
}

func approval(ap *wire.Approval) *pos.Approval {
	if ap == nil {
		return nil
	}
	return &pos.Approval{StaffID: ap.StaffID, PIN: ap.PIN}
}

func (s *Server) refund(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.RefundRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.Refund(r.Context(), a, idemKey(r), r.PathValue("id"), req.RefundID, req.Amount.Minor, req.Reason, approval(req.Approval))
	if err != nil {
		return err
	}
	if req.Amount.Currency != in.Currency {
		// Checked after the fact only for the message: amounts are minor
		// units of the payment's currency.
		s.log.Warn("refund currency differs from payment", "intent", in.ID, "sent", req.Amount.Currency)
	}
	return writeIntent(w, http.StatusOK, in, replay)
}

// refundCash gives cash back from a cash payment of an order.
func (s *Server) refundCash(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.RefundRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.RefundCash(r.Context(), a, idemKey(r), r.PathValue("id"), r.PathValue("tender"), req.RefundID,
		req.Amount.Minor, req.Reason, approval(req.Approval))
	if err != nil {
		return err
	}
	if req.Amount.Currency != o.Currency {
		s.log.Warn("cash refund currency differs from the order's", "order", o.ID, "sent", req.Amount.Currency)
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) voidPayment(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.ReverseRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.VoidPayment(r.Context(), a, idemKey(r), r.PathValue("id"), req.Reason, approval(req.Approval))
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, replay)
}

func (s *Server) topUp(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.TopUpRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, replay, err := s.svc.TopUp(r.Context(), a, idemKey(r), req.TopUpID, req.MemberID, req.Amount.Minor, req.Amount.Currency)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, wire.TopUp{TopUpID: req.TopUpID, MemberID: m.ID, Amount: req.Amount, Balance: money.New(m.Balance, m.Currency)})
	return nil
}

type limitsBody struct {
	SingleMax    money.Amount `json:"single_max"`
	DailyMax     money.Amount `json:"daily_max"`
	PasswordFree money.Amount `json:"password_free"`
}

func (s *Server) getLimits(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	l, err := s.svc.Limits(r.Context(), a, r.PathValue("rail"))
	if err != nil {
		return err
	}
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	c := rest.Currency
	writeJSON(w, http.StatusOK, limitsBody{money.New(l.SingleMax, c), money.New(l.DailyMax, c), money.New(l.PasswordFree, c)})
	return nil
}

func (s *Server) putLimits(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req limitsBody
	if err := decode(w, r, &req); err != nil {
		return err
	}
	l, replay, err := s.svc.SetLimits(r.Context(), a, idemKey(r), pos.Limits{Rail: r.PathValue("rail"),
		SingleMax: req.SingleMax.Minor, DailyMax: req.DailyMax.Minor, PasswordFree: req.PasswordFree.Minor})
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	c := req.SingleMax.Currency
	writeJSON(w, http.StatusOK, limitsBody{money.New(l.SingleMax, c), money.New(l.DailyMax, c), money.New(l.PasswordFree, c)})
	return nil
}

func (s *Server) checkLedger(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rep, err := s.svc.CheckLedger(r.Context(), a)
	if err != nil {
		return err
	}
	if rep.Differences == nil {
		rep.Differences = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": rep.Entries, "differences": rep.Differences, "clean": len(rep.Differences) == 0})
	return nil
}

// ---- the diner's phone ----

func (s *Server) payPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.PayPage(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	wo := orderOut(v.Order, v.Restaurant.TaxInclusive, map[string]string{v.Order.TableID: v.TableName})
	out := wire.PayPage{Intent: intentOut(v.Intent, nil), StoreName: v.Restaurant.Name, TableName: v.TableName,
		OrderNumber: v.Order.Number, Lines: billLines(wo.Lines), Totals: wo.Totals, ExpiresAt: v.ExpiresAt}
	if sh := v.Share; sh != nil {
		out.Share = &wire.Share{ID: sh.ID, Kind: string(sh.Kind), Position: sh.Position, Parts: sh.Parts,
			Amount: money.New(sh.Amount, sh.Currency), Status: string(sh.Status), LineIDs: sh.LineIDs, Tip: money.New(v.Intent.Tip, sh.Currency)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// walletCredential reads a wallet page's credential from its header or
// its cookie.
func walletCredential(r *http.Request) string {
	if c := r.Header.Get(wire.HeaderWallet); c != "" {
		return c
	}
	if c, err := r.Cookie(walletCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) payWallet(w http.ResponseWriter, r *http.Request) error {
	var req wire.PayWalletRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := s.svc.PayWithWallet(r.Context(), r.PathValue("token"), walletCredential(r), req.Tip.Minor)
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, false)
}

// payEvents follows one payment for the pay page. The token must be
// genuine; it may have expired since the page opened.
func (s *Server) payEvents(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.PayPage(r.Context(), r.PathValue("token"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.stream(w, r, intentTopic(v.Intent.ID))
}

func (s *Server) newWallet(w http.ResponseWriter, r *http.Request) error {
	if !s.throttle.allow("wallet:" + clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return &apiError{http.StatusTooManyRequests, wire.ErrorBody{Code: wire.CodeThrottled, Message: "too many new wallets from here; wait a minute"}}
	}
	var req wire.NewWalletRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, d, cred, err := s.svc.NewWallet(r.Context(), req.StoreID, req.Name)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: walletCookie, Value: cred, Path: "/", MaxAge: 10 * 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	writeJSON(w, http.StatusCreated, wire.WalletDevice{MemberID: m.ID, Device: d.Number,
		Secret: base64.StdEncoding.EncodeToString(d.Secret), Credential: cred, Currency: m.Currency})
	return nil
}

func (s *Server) wallet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Wallet(r.Context(), walletCredential(r))
	if err != nil {
		return err
	}
	cur := v.Member.Currency
	out := wire.Wallet{MemberID: v.Member.ID, Name: v.Member.Name, Balance: money.New(v.Member.Balance, cur),
		Pending: []wire.Intent{}, Recent: []wire.WalletHistory{}}
	for _, in := range v.Pending {
		out.Pending = append(out.Pending, intentOut(in, nil))
	}
	account := "wallet:" + v.Member.ID
	for i := len(v.History) - 1; i >= 0; i-- {
		e := v.History[i]
		for _, p := range e.Postings {
			if p.Account == account {
				// The wallet is a liability: a credit (negative posting) is
				// money in for the member.
				out.Recent = append(out.Recent, wire.WalletHistory{At: e.At, Kind: string(e.Kind), Amount: money.New(-p.Amount.Minor, p.Amount.Currency), Ref: e.Ref})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	var req wire.ConfirmRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, err := s.svc.ConfirmPayment(r.Context(), walletCredential(r), r.PathValue("intent"), req.Approve)
	if err != nil {
		return err
	}
	return writeIntent(w, http.StatusOK, in, false)
}

func (s *Server) walletEvents(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.Wallet(r.Context(), walletCredential(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.stream(w, r, memberTopic(v.Member.ID))
}
