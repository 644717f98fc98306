package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// registerDiner adds the routes of table-side ordering: a phone joins a
// table by its sticker link, then uses the diner endpoints with the
// qrpos_diner cookie.
func (s *Server) registerDiner(mux *http.ServeMux) {
	mux.Handle("POST /api/t/{link}/join", s.public(s.joinTable))
	mux.Handle("GET /api/diner/table", s.diner(s.dinerTable))
	mux.Handle("GET /ws/diner", s.diner(s.dinerEvents))
	mux.Handle("POST /api/tables/{id}/clear", s.auth(s.clearTable))

	s.diners = dinerLimits{submit: newBuckets(10, time.Minute, s.now), service: newBuckets(4, time.Minute, s.now)}
	mux.Handle("GET /api/diner/menu", s.diner(s.dinerMenu))
	mux.Handle("POST /api/diner/submissions", s.diner(s.submit))
	mux.Handle("POST /api/diner/services", s.diner(s.requestService))
	mux.Handle("GET /api/submissions", s.auth(s.tableInbox))
	mux.Handle("POST /api/submissions/{id}/accept", s.auth(s.acceptSubmission))
	mux.Handle("POST /api/submissions/{id}/reject", s.auth(s.rejectSubmission))
	mux.Handle("POST /api/submissions/{id}/served", s.auth(s.serveSubmission))
	mux.Handle("POST /api/services/{id}/ack", s.auth(s.ackService))
	mux.Handle("GET /api/table-ordering", s.auth(s.tableOrderSettings))
	mux.Handle("PUT /api/table-ordering", s.auth(s.setTableOrderSettings))
}

// dinerLimits are the token buckets of what one table session may send:
// submissions (10 a minute) and service requests (4 a minute).
type dinerLimits struct {
	submit, service *buckets
}

func throttled(wait time.Duration, msg string) error {
	return &apiError{http.StatusTooManyRequests, wire.ErrorBody{Code: wire.CodeThrottled,
		Message: fmt.Sprintf("%s; try again in %d seconds", msg, int(wait.Seconds())+1)}}
}

// dinerCookieAge bounds how long a phone keeps its diner cookie; the table
// session ending refuses it sooner.
const dinerCookieAge = 12 * time.Hour

// diner wraps a handler for a phone that joined a table: it needs the
// qrpos_diner cookie of a table session that has not ended (and passes the
// CSRF check of every state-changing request).
func (s *Server) diner(h func(w http.ResponseWriter, r *http.Request, d pos.Diner) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkCSRF(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		c, err := r.Cookie(wire.DinerCookie)
		if err != nil {
			s.writeError(w, r, &pos.Error{Code: pos.CodeUnauthorized, Message: "scan the QR code on your table to order"})
			return
		}
		d, err := s.svc.AuthenticateDiner(r.Context(), c.Value)
		if err != nil {
			if pos.ErrorCode(err) == pos.CodeTableSessionEnded {
				s.setDinerCookie(w, r, "", -1)
			}
			s.writeError(w, r, err)
			return
		}
		if err := h(w, r, d); err != nil {
			logRefusal(s.log, r, err)
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) setDinerCookie(w http.ResponseWriter, r *http.Request, tok string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: wire.DinerCookie, Value: tok, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// Hub topics of table-side ordering: one table's phones, and every phone
// of a store (menu changes).
func tableTopic(storeID, tableID string) string { return "table:" + storeID + ":" + tableID }
func dinersTopic(storeID string) string         { return "diners:" + storeID }

func (s *Server) joinTable(w http.ResponseWriter, r *http.Request) error {
	var old string
	if c, err := r.Cookie(wire.DinerCookie); err == nil {
		old = c.Value
	}
	_, _, _, d, tok, err := s.svc.JoinTable(r.Context(), r.PathValue("link"), old)
	if err != nil {
		return err
	}
	if tok != "" {
		s.setDinerCookie(w, r, tok, int(dinerCookieAge/time.Second))
	}
	out, err := s.dinerTableOut(r.Context(), d)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("with") == "menu" {
		rest, m, err := s.svc.DinerMenu(r.Context(), d)
		if err != nil {
			return err
		}
		out.Menu = &wire.DinerMenu{Menu: menuOut(m, rest.Currency)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) dinerTable(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	out, err := s.dinerTableOut(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dinerTableOut renders what a diner sees of their table.
func (s *Server) dinerTableOut(ctx context.Context, d pos.Diner) (wire.DinerTable, error) {
	rest, t, o, err := s.svc.DinerTable(ctx, d)
	if err != nil {
		return wire.DinerTable{}, err
	}
	out := wire.DinerTable{Store: storeInfo(rest), Table: wire.TableRef{ID: t.ID, Name: t.Name},
		TableSessionID: d.TableSessionID, DinerID: d.ID, Submissions: []wire.Submission{}, Services: []wire.ServiceRequest{}}
	if o != nil {
		wo := s.orderOut(*o, rest.TaxInclusive, map[string]string{t.ID: t.Name})
		out.Order = &wo
	}
	in, err := s.svc.DinerActivity(ctx, d)
	if err != nil {
		return wire.DinerTable{}, err
	}
	for _, sub := range in.Submissions {
		out.Submissions = append(out.Submissions, submissionOut(sub, t.Name, rest.Currency))
	}
	for _, sr := range in.Services {
		out.Services = append(out.Services, wire.ServiceRequest{ID: sr.ID, TableID: sr.TableID, TableName: t.Name, Kind: string(sr.Kind),
			CreatedAt: sr.CreatedAt, AcknowledgedAt: sr.AcknowledgedAt})
	}
	return out, nil
}

func (s *Server) dinerMenu(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	rest, m, err := s.svc.DinerMenu(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.DinerMenu{Menu: menuOut(m, rest.Currency)})
	return nil
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	var req wire.SubmitRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if ok, wait := s.diners.submit.take(d.TableSessionID); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return throttled(wait, "your table is sending orders too fast")
	}
	pr := pos.SubmitRequest{ID: req.ID}
	for _, l := range req.Lines {
		pr.Lines = append(pr.Lines, pos.SubmitLine{ItemID: l.ItemID, Qty: l.Qty, ModifierIDs: l.ModifierIDs, Note: l.Note})
	}
	sub, o, replay, err := s.svc.Submit(r.Context(), d, pr)
	if err != nil {
		return err
	}
	rest, names, err := s.context(r.Context(), pos.Actor{StoreID: d.StoreID})
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, wire.SubmitAnswer{Submission: submissionOut(sub, names[sub.TableID], rest.Currency),
		Order: s.orderOut(o, rest.TaxInclusive, names)})
	return nil
}

func (s *Server) requestService(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	var req wire.ServiceRequestBody
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if ok, wait := s.diners.service.take(d.TableSessionID); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		return throttled(wait, "the staff have been called")
	}
	sr, existing, err := s.svc.RequestService(r.Context(), d, pos.ServiceKind(req.Kind))
	if err != nil {
		return err
	}
	if existing {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, s.serviceOut(sr))
	return nil
}

func (s *Server) tableInbox(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	in, err := s.svc.TableInbox(r.Context(), a)
	if err != nil {
		return err
	}
	rest, names, err := s.context(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.TableInbox{Submissions: []wire.Submission{}, Services: []wire.ServiceRequest{}, Seated: []wire.TableRef{}}
	for _, ts := range in.Seated {
		out.Seated = append(out.Seated, wire.TableRef{ID: ts.TableID, Name: names[ts.TableID]})
	}
	for _, sub := range in.Submissions {
		out.Submissions = append(out.Submissions, submissionOut(sub, names[sub.TableID], rest.Currency))
	}
	for _, sr := range in.Services {
		out.Services = append(out.Services, wire.ServiceRequest{ID: sr.ID, TableID: sr.TableID, TableName: names[sr.TableID],
			Kind: string(sr.Kind), CreatedAt: sr.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) writeDecision(w http.ResponseWriter, r *http.Request, a pos.Actor, sub pos.Submission, o pos.Order, replay bool) error {
	rest, names, err := s.context(r.Context(), a)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, wire.DecisionAnswer{Submission: submissionOut(sub, names[sub.TableID], rest.Currency),
		Order: s.orderOut(o, rest.TaxInclusive, names)})
	return nil
}

func (s *Server) acceptSubmission(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	sub, o, replay, err := s.svc.AcceptSubmission(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeDecision(w, r, a, sub, o, replay)
}

func (s *Server) rejectSubmission(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.RejectRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	sub, o, replay, err := s.svc.RejectSubmission(r.Context(), a, idemKey(r), r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	return s.writeDecision(w, r, a, sub, o, replay)
}

func (s *Server) serveSubmission(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	sub, o, replay, err := s.svc.ServeSubmission(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeDecision(w, r, a, sub, o, replay)
}

func (s *Server) ackService(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	sr, replay, err := s.svc.AcknowledgeService(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, s.serviceOut(sr))
	return nil
}

func (s *Server) tableOrderSettings(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	on, err := s.svc.AutoSendToKitchen(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.TableOrderSettings{AutoSendToKitchen: on})
	return nil
}

func (s *Server) setTableOrderSettings(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.TableOrderSettings
	if err := decode(w, r, &req); err != nil {
		return err
	}
	on, replay, err := s.svc.SetAutoSendToKitchen(r.Context(), a, idemKey(r), req.AutoSendToKitchen)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, wire.TableOrderSettings{AutoSendToKitchen: on})
	return nil
}

// dinerEvents streams the events of the diner's table (its order, its
// submissions and service requests) and the store's menu changes, until
// the table is cleared.
func (s *Server) dinerEvents(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	return s.streamUntil(w, r, []string{tableTopic(d.StoreID, d.TableID), dinersTopic(d.StoreID)}, func(b []byte) bool {
		var e struct {
			Type string `json:"type"`
		}
		return json.Unmarshal(b, &e) == nil && e.Type == wire.EventTableCleared
	})
}

func (s *Server) clearTable(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	_, replay, err := s.svc.ClearTable(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// DinerEvent publishes a change of table-side ordering: to the table's
// phones and to the store's tablets.
func (s *Server) DinerEvent(e pos.DinerEvent) {
	ev := wire.Event{At: s.now().UTC()}
	switch {
	case e.SessionEnded:
		ev.Type = wire.EventTableCleared
	case e.Submission != nil:
		ws := s.submissionOut(*e.Submission)
		ev.Type, ev.Submission = wire.EventSubmission, &ws
	case e.Service != nil:
		sr := s.serviceOut(*e.Service)
		ev.Type, ev.Service = wire.EventService, &sr
	default:
		return
	}
	b, err := json.Marshal(ev)
	if err != nil {
		s.log.Error("encode diner event", "err", err)
		return
	}
	s.hub.Publish(tableTopic(e.StoreID, e.TableID), b)
	s.hub.Publish(storeTopic(e.StoreID), b)
}

func (s *Server) submissionOut(sub pos.Submission) wire.Submission {
	rest, names, err := s.context(s.ctx, pos.Actor{StoreID: sub.StoreID})
	if err != nil {
		s.log.Error("render submission", "submission", sub.ID, "err", err)
	}
	return submissionOut(sub, names[sub.TableID], rest.Currency)
}

func submissionOut(sub pos.Submission, tableName, currency string) wire.Submission {
	out := wire.Submission{ID: sub.ID, OrderID: sub.OrderID, TableID: sub.TableID, TableName: tableName, State: string(sub.State),
		Reason: sub.Reason, CreatedAt: sub.CreatedAt, Lines: []wire.Line{}, Sent: len(sub.Lines) > 0}
	for _, l := range sub.Lines {
		out.Lines = append(out.Lines, lineOut(l, currency))
		out.Sent = out.Sent && l.Sent
	}
	return out
}

func lineOut(l pos.Line, cur string) wire.Line {
	m := func(v int64) money.Amount { return money.New(v, cur) }
	wl := wire.Line{ID: l.ID, ItemID: l.ItemID, Name: l.Name, UnitPrice: m(l.UnitPrice()), Qty: l.Qty, Note: l.Note,
		TaxRateBP: l.TaxRateBP, Total: m(l.Total()), Sent: l.Sent, SubmissionID: l.Submission, Pending: l.Pending}
	for _, md := range l.Modifiers {
		wl.Modifiers = append(wl.Modifiers, wire.LineModifier{ID: md.ID, Name: md.Name, Price: m(md.Price)})
	}
	return wl
}

func (s *Server) serviceOut(sr pos.ServiceRequest) wire.ServiceRequest {
	_, names, err := s.context(s.ctx, pos.Actor{StoreID: sr.StoreID})
	if err != nil {
		s.log.Error("render service request", "request", sr.ID, "err", err)
	}
	return wire.ServiceRequest{ID: sr.ID, TableID: sr.TableID, TableName: names[sr.TableID], Kind: string(sr.Kind),
		CreatedAt: sr.CreatedAt, AcknowledgedAt: sr.AcknowledgedAt}
}

// billLines drops the lines a bill does not show: a diner's lines the
// staff have not accepted.
func billLines(ls []wire.Line) []wire.Line {
	out := make([]wire.Line, 0, len(ls))
	for _, l := range ls {
		if !l.Pending {
			out = append(out, l)
		}
	}
	return out
}
