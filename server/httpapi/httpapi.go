// Package httpapi is the HTTP face of the server: the JSON API under /api,
// the event stream at /ws, and the security rules every request passes
// (sessions, roles, CSRF, throttling, body limits). Handlers are flat:
// decode, call the domain service, encode.
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qrpos/internal/wire"
	"qrpos/server/hub"
	"qrpos/server/pos"
	"qrpos/server/relay"
	"qrpos/server/token"
)

// Config of the API.
type Config struct {
	// OriginPatterns are the extra origins (host patterns, as in
	// websocket.AcceptOptions) allowed to open /ws and send state-changing
	// requests; the server's own origin is always allowed.
	OriginPatterns []string
	// LoginRate is how many login attempts one address may make per minute.
	LoginRate int
	// SecureCookies marks the session cookie Secure even when the request
	// arrived over plain HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// Heartbeat is the interval of application pings on /ws.
	Heartbeat time.Duration
	// PublicURL is the base URL phones reach this server at, for the links
	// in payment QR codes (e.g. https://pos.example.com). Empty means the
	// address the tablet used.
	PublicURL string
	// ReceiptKey signs the e-receipt links printed on receipts; without it
	// orders carry no receipt link.
	ReceiptKey []byte
	// Relay holds the connected bridges (nil: a new one); BridgeSigner
	// issues tokens for their local endpoints (nil: none are issued and
	// bridges cannot pair).
	Relay        *relay.Relay
	BridgeSigner *token.BridgeSigner
}

// Server serves the API.
type Server struct {
	svc      *pos.Service
	hub      *hub.Hub
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	throttle *limiter
	diners   dinerLimits     // set by registerDiner
	ctx      context.Context // ends WebSocket streams at shutdown
}

// New returns an API server. ctx bounds the life of long-lived streams.
func New(ctx context.Context, svc *pos.Service, h *hub.Hub, cfg Config, log *slog.Logger, now func() time.Time) *Server {
	if cfg.LoginRate <= 0 {
		cfg.LoginRate = 10
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 20 * time.Second
	}
	return &Server{svc: svc, hub: h, cfg: cfg, log: log, now: now, ctx: ctx,
		throttle: newLimiter(cfg.LoginRate, time.Minute, now)}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, a pos.Actor) error

// Register adds every API route to mux. All routes are listed here.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /api/login/staff", s.public(s.loginStaff))
	mux.Handle("POST /api/login", s.public(s.login))
	mux.Handle("POST /api/logout", s.public(s.logout))
	mux.Handle("GET /api/session", s.auth(s.session))

	mux.Handle("GET /api/menu", s.auth(s.menu))
	mux.Handle("GET /api/tables", s.auth(s.tables))
	mux.Handle("GET /api/orders", s.auth(s.listOrders))
	mux.Handle("POST /api/orders", s.auth(s.createOrder))
	mux.Handle("GET /api/orders/{id}", s.auth(s.getOrder))
	mux.Handle("POST /api/orders/{id}/lines", s.auth(s.addLine))
	mux.Handle("PATCH /api/orders/{id}/lines/{line}", s.auth(s.updateLine))
	mux.Handle("DELETE /api/orders/{id}/lines/{line}", s.auth(s.removeLine))
	mux.Handle("POST /api/orders/{id}/send", s.auth(s.send))
	mux.Handle("POST /api/orders/{id}/cash", s.auth(s.cash))
	mux.Handle("POST /api/orders/{id}/void", s.auth(s.void))

	mux.Handle("GET /api/staff", s.auth(s.listStaff))
	mux.Handle("POST /api/staff/{id}/unlock", s.auth(s.unlock))

	mux.Handle("GET /ws", s.auth(s.events))
	mux.HandleFunc("GET /r/{ref}", s.receiptPage)
	s.registerPayments(mux)
	s.registerBridges(mux)
	s.registerTables(mux)
	s.registerDiner(mux)
	s.registerSplit(mux)
	s.registerBackoffice(mux)
	s.registerReports(mux)
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, wire.Error{Error: wire.ErrorBody{Code: wire.CodeNotFound, Message: "no such API endpoint"}})
	}))
}

// public wraps a handler that needs no session (but still CSRF checks).
func (s *Server) public(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkCSRF(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			logRefusal(s.log, r, err)
			s.writeError(w, r, err)
		}
	})
}

// auth wraps a handler that needs a logged-in member of staff.
func (s *Server) auth(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkCSRF(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		c, err := r.Cookie(wire.SessionCookie)
		if err != nil {
			s.writeError(w, r, &pos.Error{Code: pos.CodeUnauthorized, Message: "please log in"})
			return
		}
		a, sess, err := s.svc.Authenticate(r.Context(), c.Value)
		if err != nil {
			if pos.ErrorCode(err) == pos.CodeSessionExpired {
				s.clearCookie(w, r)
			}
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
		if err := h(w, r, a); err != nil {
			logRefusal(s.log, r, err)
			s.writeError(w, r, err)
		}
	})
}

// sessionKey carries the session auth found to the handler.
type sessionKey struct{}

// checkCSRF refuses state-changing requests that a cross-site page could
// have sent: they must carry our custom header (which forces a CORS
// preflight elsewhere) or come from an allowed Origin.
func (s *Server) checkCSRF(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if r.Header.Get(wire.HeaderCSRF) != "" {
		if o := r.Header.Get("Origin"); o != "" && !s.originAllowed(r, o) {
			return &apiError{http.StatusForbidden, wire.ErrorBody{Code: wire.CodeCSRF, Message: "requests from this site are not allowed"}}
		}
		return nil
	}
	if o := r.Header.Get("Origin"); o != "" && s.originAllowed(r, o) {
		return nil
	}
	return &apiError{http.StatusForbidden, wire.ErrorBody{Code: wire.CodeCSRF, Message: "this request must come from the QRPOS app"}}
}

func (s *Server) originAllowed(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, p := range s.cfg.OriginPatterns {
		if ok, _ := pathMatch(strings.ToLower(p), strings.ToLower(u.Host)); ok {
			return true
		}
	}
	return false
}

func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.SecureCookies }

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: wire.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
}

// clientIP is the address a request came from, for throttling. Behind a
// proxy every client shares the proxy's address, which only makes the
// throttle stricter.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ---- handlers ----

func (s *Server) loginStaff(w http.ResponseWriter, r *http.Request) error {
	rest, staff, err := s.svc.LoginChoices(r.Context(), r.URL.Query().Get("store"))
	if err != nil {
		return err
	}
	out := wire.LoginStaff{Store: storeInfo(rest), Staff: []wire.StaffInfo{}}
	for _, st := range staff {
		out.Staff = append(out.Staff, staffInfo(st))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if !s.throttle.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return &apiError{http.StatusTooManyRequests, wire.ErrorBody{Code: wire.CodeThrottled, Message: "too many login attempts; wait a minute and try again"}}
	}
	var req wire.LoginRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	tok, sess, st, err := s.svc.Login(r.Context(), req.StoreID, req.StaffID, req.PIN)
	if err != nil {
		return err
	}
	rest, err := s.svc.Restaurant(r.Context(), pos.Actor{StoreID: st.StoreID})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: wire.SessionCookie, Value: tok, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
	writeJSON(w, http.StatusOK, wire.Session{Staff: staffInfo(st), Store: storeInfo(rest), ExpiresAt: sess.ExpiresAt})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(wire.SessionCookie); err == nil {
		if err := s.svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) session(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	sess, _ := r.Context().Value(sessionKey{}).(pos.Session)
	st, err := s.svc.StaffMember(r.Context(), a, a.StaffID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.Session{Staff: staffInfo(st), Store: storeInfo(rest), ExpiresAt: sess.ExpiresAt})
	return nil
}

func (s *Server) menu(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	m, err := s.svc.Menu(r.Context(), a)
	if err != nil {
		return err
	}
	out := menuOut(m, rest.Currency, s.now())
	out.AutoSend = s.storeSettings(r.Context(), a.StoreID).AutoSend
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) tables(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	ts, err := s.svc.Tables(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.TableList{Tables: []wire.Table{}}
	for _, t := range ts {
		out.Tables = append(out.Tables, wire.Table{ID: t.ID, Name: t.Name, Seats: t.Seats, Position: t.Position, OrderID: t.OrderID,
			SettledOrderID: t.SettledOrderID})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	f := pos.OrderFilter{Limit: 200}
	switch st := r.URL.Query().Get("status"); st {
	case "", "open":
		f.Statuses = []pos.OrderStatus{pos.StatusOpen, pos.StatusSent}
	case "closed":
		f.Statuses = []pos.OrderStatus{pos.StatusPaid, pos.StatusClosed, pos.StatusVoid}
		// Today: since the store's business day began.
		since, err := s.svc.DayStart(r.Context(), a)
		if err != nil {
			return err
		}
		f.ClosedSince = since
	default:
		return badRequest("status must be open or closed")
	}
	os, err := s.svc.Orders(r.Context(), a, f)
	if err != nil {
		return err
	}
	rest, names, err := s.context(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.OrderList{Orders: []wire.Order{}}
	for _, o := range os {
		out.Orders = append(out.Orders, s.orderOut(o, rest.TaxInclusive, names))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	o, err := s.svc.Order(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, false)
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CreateOrderRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.CreateOrder(r.Context(), a, idemKey(r), req.ID, req.TableID)
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusCreated, o, replay)
}

func (s *Server) addLine(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.AddLineRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.AddLine(r.Context(), a, idemKey(r), r.PathValue("id"), pos.AddLineRequest{
		LineID: req.LineID, ItemID: req.ItemID, Qty: req.Qty, ModifierIDs: req.ModifierIDs, Note: req.Note})
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) updateLine(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.UpdateLineRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.UpdateLine(r.Context(), a, idemKey(r), r.PathValue("id"), r.PathValue("line"),
		pos.UpdateLineRequest{Qty: req.Qty, QtyDelta: req.QtyDelta, Note: req.Note})
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) removeLine(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	o, replay, err := s.svc.RemoveLine(r.Context(), a, idemKey(r), r.PathValue("id"), r.PathValue("line"))
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	o, replay, err := s.svc.SendToKitchen(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) cash(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.CashRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.TenderCash(r.Context(), a, idemKey(r), r.PathValue("id"), pos.CashRequest{
		TenderID: req.TenderID, Tendered: req.Tendered.Minor, Currency: req.Tendered.Currency})
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) void(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.VoidRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	o, replay, err := s.svc.Void(r.Context(), a, idemKey(r), r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	return s.writeOrder(w, r, a, http.StatusOK, o, replay)
}

func (s *Server) listStaff(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	staff, err := s.svc.ListStaff(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.StaffList{Staff: []wire.StaffInfo{}}
	for _, st := range staff {
		out.Staff = append(out.Staff, staffInfo(st))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) unlock(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	st, replay, err := s.svc.Unlock(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, staffInfo(st))
	return nil
}

func idemKey(r *http.Request) string { return r.Header.Get(wire.HeaderIdempotencyKey) }

func (s *Server) writeOrder(w http.ResponseWriter, r *http.Request, a pos.Actor, status int, o pos.Order, replay bool) error {
	rest, names, err := s.context(r.Context(), a)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, status, s.orderOut(o, rest.TaxInclusive, names))
	return nil
}

// context loads what rendering orders needs: the restaurant's tax mode and
// the names of its tables.
func (s *Server) context(ctx context.Context, a pos.Actor) (pos.Restaurant, map[string]string, error) {
	rest, err := s.svc.Restaurant(ctx, a)
	if err != nil {
		return pos.Restaurant{}, nil, err
	}
	ts, err := s.svc.Tables(ctx, a)
	if err != nil {
		return pos.Restaurant{}, nil, err
	}
	names := make(map[string]string, len(ts))
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	return rest, names, nil
}

// OrderEvent renders an order change as the event pushed to terminals.
func (s *Server) OrderEvent(o pos.Order) {
	a := pos.Actor{StoreID: o.StoreID}
	rest, names, err := s.context(s.ctx, a)
	if err != nil {
		s.log.Error("render order event", "order", o.ID, "err", err)
		return
	}
	wo := s.orderOut(o, rest.TaxInclusive, names)
	b, err := json.Marshal(wire.Event{Type: wire.EventOrderUpdated, At: s.now().UTC(), Order: &wo})
	if err != nil {
		s.log.Error("encode order event", "order", o.ID, "err", err)
		return
	}
	s.hub.Publish(storeTopic(o.StoreID), b)
	if o.TableID != "" {
		s.hub.Publish(tableTopic(o.StoreID, o.TableID), b) // the table's phones
	}
}
