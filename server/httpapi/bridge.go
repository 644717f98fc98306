package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
	"qrpos/server/relay"
)

// Bridges: pairing, revocation, tokens for the local endpoint, the uplink
// WebSocket of connected bridges, and the print relay.
//
//	POST   /api/bridges/pairing     manager: a one-time pairing code
//	POST   /api/bridges/pair        the bridge: code -> credential (throttled)
//	GET    /api/bridges             staff: paired bridges, connected or not, last device status
//	DELETE /api/bridges/{id}        manager: revoke (Idempotency-Key)
//	GET    /api/bridges/{id}/token  staff: a short-lived token for the bridge's local endpoint
//	POST   /api/bridges/{id}/print  staff: relay a print job; answers its wire.JobStatus
//	GET    /ws/bridge               the bridge's uplink (Authorization: Bearer <credential>)
func (s *Server) registerBridges(mux *http.ServeMux) {
	if s.cfg.Relay == nil {
		s.cfg.Relay = relay.New()
	}
	mux.Handle("POST /api/bridges/pairing", s.auth(s.newPairingCode))
	mux.Handle("POST /api/bridges/pair", s.public(s.pair))
	mux.Handle("GET /api/bridges", s.auth(s.listBridges))
	mux.Handle("DELETE /api/bridges/{id}", s.auth(s.revokeBridge))
	mux.Handle("GET /api/bridges/{id}/token", s.auth(s.bridgeToken))
	mux.Handle("POST /api/bridges/{id}/print", s.auth(s.relayPrint))
	mux.Handle("GET /ws/bridge", http.HandlerFunc(s.bridgeUplink))
}

// relayTimeout bounds how long a relayed print waits for the bridge to
// say it has the job.
const relayTimeout = 5 * time.Second

var (
	errBridgeOffline = &apiError{http.StatusServiceUnavailable, wire.ErrorBody{Code: wire.CodeBridgeOffline,
		Message: "the counter bridge is not connected; check that the counter PC is on and the bridge is running"}}
	errBridgeTimeout = &apiError{http.StatusGatewayTimeout, wire.ErrorBody{Code: wire.CodeBridgeTimeout,
		Message: "the counter bridge did not answer; the job may still print, try again with the same job id"}}
	errBridgeBusy = &apiError{http.StatusServiceUnavailable, wire.ErrorBody{Code: wire.CodeBridgeOffline,
		Message: "the counter bridge is busy; try again in a moment"}}
	errNoBridgeKey = &apiError{http.StatusServiceUnavailable, wire.ErrorBody{Code: wire.CodeBridgeOffline,
		Message: "this server cannot issue bridge tokens"}}
)

func (s *Server) newPairingCode(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	code, p, err := s.svc.NewPairingCode(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, wire.PairingCode{Code: code, ExpiresAt: p.ExpiresAt})
	return nil
}

func (s *Server) pair(w http.ResponseWriter, r *http.Request) error {
	if !s.throttle.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return &apiError{http.StatusTooManyRequests, wire.ErrorBody{Code: wire.CodeThrottled, Message: "too many attempts; wait a minute and try again"}}
	}
	if s.cfg.BridgeSigner == nil {
		return errNoBridgeKey
	}
	var req wire.PairRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	b, cred, err := s.svc.Pair(r.Context(), req.Code, req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, wire.PairResponse{BridgeID: b.ID, StoreID: b.StoreID, Credential: cred,
		ServerKey: base64.StdEncoding.EncodeToString(s.cfg.BridgeSigner.PublicKey())})
	return nil
}

func (s *Server) listBridges(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	bs, err := s.svc.Bridges(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.BridgeList{Bridges: []wire.BridgeInfo{}}
	for _, b := range bs {
		out.Bridges = append(out.Bridges, s.bridgeInfo(b.StoreID, b.ID, b.Name, b.CreatedAt))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) bridgeInfo(storeID, id, name string, created time.Time) wire.BridgeInfo {
	info := wire.BridgeInfo{ID: id, Name: name, CreatedAt: created}
	if c, ok := s.cfg.Relay.Conn(storeID, id); ok {
		info.Connected, info.Version, info.AutoPrint, info.Status = true, c.Hello.Version, c.Hello.AutoPrint, c.Status()
	}
	return info
}

func (s *Server) revokeBridge(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	b, replay, err := s.svc.RevokeBridge(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.cfg.Relay.Disconnect(b.ID)
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) bridgeToken(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	if s.cfg.BridgeSigner == nil {
		return errNoBridgeKey
	}
	b, err := s.svc.Bridge(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	tok, c, err := s.cfg.BridgeSigner.Issue(b.StoreID, b.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wire.BridgeToken{Token: tok, ExpiresAt: c.ExpiresAt})
	return nil
}

func (s *Server) relayPrint(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var job wire.PrintJob
	if err := decode(w, r, &job); err != nil {
		return err
	}
	if job.ID == "" || len(job.ID) > 128 {
		return &apiError{http.StatusUnprocessableEntity, wire.ErrorBody{Code: wire.CodeInvalid, Field: "id",
			Message: "a print job needs an id (at most 128 characters); reuse it when retrying"}}
	}
	b, err := s.svc.Bridge(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, ok := s.cfg.Relay.Conn(b.StoreID, b.ID)
	if !ok {
		return errBridgeOffline
	}
	ctx, cancel := context.WithTimeout(r.Context(), relayTimeout)
	defer cancel()
	st, err := c.Print(ctx, job)
	switch {
	case errors.Is(err, relay.ErrOffline):
		return errBridgeOffline
	case errors.Is(err, relay.ErrBusy):
		return errBridgeBusy
	case errors.Is(err, relay.ErrTimeout):
		return errBridgeTimeout
	case err != nil:
		return err
	}
	s.log.Info("print relayed", "store", b.StoreID, "bridge", b.ID, "job", job.ID, "state", st.State, "by", a.StaffID)
	writeJSON(w, http.StatusOK, st)
	return nil
}

// bridgeUplink is a bridge's connection to the server. The bridge says
// hello first; then it sends scans, device status and job status, and
// receives print jobs. Both sides send application pings; a side that
// hears nothing for three heartbeats gives up (the bridge reconnects).
func (s *Server) bridgeUplink(w http.ResponseWriter, r *http.Request) {
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		s.writeError(w, r, &pos.Error{Code: pos.CodeUnauthorized, Message: "this bridge is not paired; run bridge pair"})
		return
	}
	b, err := s.svc.AuthenticateBridge(r.Context(), cred)
	if err != nil {
		logRefusal(s.log, r, err)
		s.writeError(w, r, err)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if err != nil {
		s.log.Info("bridge websocket refused", "bridge", b.ID, "err", err)
		return
	}
	defer ws.CloseNow()
	ws.SetReadLimit(wire.MaxBridgeMessage)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	hctx, hcancel := context.WithTimeout(ctx, 10*time.Second)
	_, data, err := ws.Read(hctx)
	hcancel()
	if err != nil {
		return
	}
	m, err := wire.DecodeBridge(data)
	if err != nil || m.Type != wire.BridgeHello || m.Hello.BridgeID != b.ID {
		s.log.Warn("bridge refused: bad hello", "bridge", b.ID, "err", err)
		ws.Close(websocket.StatusPolicyViolation, "say hello with your bridge id first")
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	c := s.cfg.Relay.Attach(b.StoreID, *m.Hello, scheme+"://"+r.Host)
	s.log.Info("bridge connected", "store", b.StoreID, "bridge", b.ID, "version", m.Hello.Version)
	s.publishBridge(b, true)
	defer func() {
		s.cfg.Relay.Detach(c)
		s.log.Info("bridge disconnected", "store", b.StoreID, "bridge", b.ID)
		s.publishBridge(b, false)
	}()

	var heard atomic.Int64
	heard.Store(s.now().UnixNano())
	errc := make(chan error, 1)
	go func() { errc <- s.readBridge(ctx, ws, b, c, &heard) }()
	defer func() {
		cancel()
		<-errc
	}()

	send := func(p []byte) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, p)
	}
	tick := time.NewTicker(s.cfg.Heartbeat)
	defer tick.Stop()
	var seq uint64
	for {
		select {
		case <-ctx.Done():
			ws.Close(websocket.StatusGoingAway, "server shutting down")
			return
		case <-c.Gone():
			ws.Close(websocket.StatusPolicyViolation, "replaced or revoked")
			return
		case err := <-errc:
			errc <- err // for the deferred wait
			return
		case p := <-c.Out():
			if err := send(p); err != nil {
				return
			}
		case <-tick.C:
			if time.Duration(s.now().UnixNano()-heard.Load()) > 3*s.cfg.Heartbeat {
				s.log.Warn("bridge silent, dropping it", "bridge", b.ID)
				ws.Close(websocket.StatusGoingAway, "no heartbeat")
				return
			}
			seq++
			p, _ := wire.EncodeBridge(wire.BridgeMessage{Type: wire.BridgePing, Seq: seq})
			if err := send(p); err != nil {
				return
			}
		}
	}
}

// readBridge handles what a bridge sends until the connection ends or a
// message breaks the protocol (which ends it).
func (s *Server) readBridge(ctx context.Context, ws *websocket.Conn, b pos.Bridge, c *relay.Conn, heard *atomic.Int64) error {
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			return err
		}
		heard.Store(s.now().UnixNano())
		m, err := wire.DecodeBridge(data)
		if err != nil || typ != websocket.MessageText {
			s.log.Warn("bridge sent a bad message, closing", "bridge", b.ID, "err", err)
			ws.Close(websocket.StatusPolicyViolation, "bad message")
			return err
		}
		switch m.Type {
		case wire.BridgeScan:
			// To whoever listens now; never stored or replayed.
			s.publish(b.StoreID, wire.Event{Type: wire.EventScan, At: s.now().UTC(), Code: m.Scan.Code})
		case wire.BridgeDeviceStatus:
			c.SetStatus(*m.Device)
			s.publishBridge(b, true)
		case wire.BridgeJobStatus:
			c.JobStatus(*m.Job)
			s.publish(b.StoreID, wire.Event{Type: wire.EventPrintStatus, At: s.now().UTC(), Job: m.Job})
		case wire.BridgePing:
			if err := c.Pong(m.Seq); err != nil {
				return err
			}
		case wire.BridgePong:
		default:
			s.log.Warn("bridge sent an unexpected message, closing", "bridge", b.ID, "type", m.Type)
			ws.Close(websocket.StatusPolicyViolation, "unexpected "+m.Type)
			return errors.New("httpapi: unexpected bridge message " + m.Type)
		}
	}
}

func (s *Server) publish(storeID string, ev wire.Event) {
	p, err := json.Marshal(ev)
	if err != nil {
		s.log.Error("encode event", "type", ev.Type, "err", err)
		return
	}
	s.hub.Publish(storeTopic(storeID), p)
}

func (s *Server) publishBridge(b pos.Bridge, connected bool) {
	info := wire.BridgeInfo{ID: b.ID, Name: b.Name, CreatedAt: b.CreatedAt}
	if connected {
		info = s.bridgeInfo(b.StoreID, b.ID, b.Name, b.CreatedAt)
	}
	s.publish(b.StoreID, wire.Event{Type: wire.EventBridgeStatus, At: s.now().UTC(), Bridge: &info})
}

// ---- Printing on the server's own initiative ----

// BridgePayment prints the receipt of a succeeded payment on the store's
// auto-printing bridges. The job id is derived from the intent, so a
// repeated event never prints twice.
func (s *Server) BridgePayment(in pos.Intent) {
	if in.Status != pos.IntentSucceeded {
		return
	}
	conns := s.autoPrinters(in.StoreID)
	if len(conns) == 0 {
		return
	}
	a := pos.Actor{StoreID: in.StoreID}
	o, err := s.svc.Order(s.ctx, a, in.OrderID)
	if err != nil {
		s.log.Error("receipt: load order", "order", in.OrderID, "err", err)
		return
	}
	paid := money.New(in.Amount+in.Tip, in.Currency)
	s.printReceipt(conns, o, "receipt-"+in.ID, in.Rail, in.PayerRef, in.CreatedBy, paid, money.New(0, in.Currency), false,
		money.New(in.Tip, in.Currency))
}

// BridgeOrder prints what an order change calls for on the store's
// auto-printing bridges: a kitchen ticket with the lines newly sent to the
// kitchen, and the receipt (opening the drawer) when cash closes the order.
func (s *Server) BridgeOrder(o pos.Order) {
	conns := s.autoPrinters(o.StoreID)
	if len(conns) == 0 {
		return
	}
	if n := len(o.Tenders); n > 0 && o.Status == pos.StatusClosed && o.Tenders[n-1].Kind == pos.RailCash {
		tn := o.Tenders[n-1]
		var paid, change int64
		for _, t := range o.Tenders {
			if t.Kind == pos.RailCash {
				paid += t.Tendered
				change += t.Change
			}
		}
		s.printReceipt(conns, o, "receipt-"+tn.ID, pos.RailCash, "", tn.CreatedBy,
			money.New(paid, o.Currency), money.New(change, o.Currency), true, money.New(0, o.Currency))
	}
	sent := false
	for _, l := range o.Lines {
		sent = sent || l.Sent
	}
	if sent && o.Status.Active() {
		s.printKitchen(conns[0], o)
	}
}

func (s *Server) printReceipt(conns []*relay.Conn, o pos.Order, jobID, rail, payerRef, staffID string, paid, change money.Amount, drawer bool, tip money.Amount) {
	a := pos.Actor{StoreID: o.StoreID}
	rest, names, err := s.context(s.ctx, a)
	if err != nil {
		s.log.Error("receipt: load store", "order", o.ID, "err", err)
		return
	}
	cashier := ""
	if staffID != "" {
		if st, err := s.svc.StaffMember(s.ctx, a, staffID); err == nil {
			cashier = st.Name
		}
	}
	wo := s.orderOut(o, rest.TaxInclusive, names)
	doc := &wire.ReceiptDoc{StoreName: rest.Name, StoreAddress: rest.Address, OrderNumber: o.Number,
		Table: wo.TableName, Cashier: cashier, Time: s.now(), Subtotal: wo.Totals.Subtotal, Tax: wo.Totals.Tax,
		Total: wo.Totals.Total, Paid: paid, Change: change, Rail: rail, PayerRef: payerRef}
	doc.Tip = tip // paid on top of the bill, part of paid
	for _, l := range wo.Lines {
		if l.Pending {
			continue // not accepted: not on the bill
		}
		pl := wire.PrintLine{Name: l.Name, Qty: l.Qty, UnitPrice: l.UnitPrice, Total: l.Total, Note: l.Note}
		for _, m := range l.Modifiers {
			pl.Modifiers = append(pl.Modifiers, m.Name)
		}
		doc.Lines = append(doc.Lines, pl)
	}
	public := s.storePublicURL(s.ctx, o.StoreID)
	for _, c := range conns {
		d := *doc
		base := public
		if base == "" {
			base = c.BaseURL
		}
		if wo.ReceiptPath != "" {
			d.ReceiptURL = base + wo.ReceiptPath
		}
		job := wire.PrintJob{ID: jobID, Kind: wire.PrintKindReceipt, Receipt: &d, OpenDrawer: drawer}
		if err := c.Send(job, nil); err != nil {
			s.log.Warn("receipt not sent to bridge", "bridge", c.BridgeID, "job", jobID, "err", err)
		}
	}
}

// printKitchen sends a ticket with the sent lines no ticket carried yet,
// and records them once the bridge has the job. The job id is derived
// from the order and the lines, so the same lines sent again (an event
// repeated before the bridge answered) are a duplicate, and other lines
// are a new job. Lines that could not reach a bridge print with the next
// change of the order.
func (s *Server) printKitchen(c *relay.Conn, o pos.Order) {
	lines, err := s.svc.KitchenLinesToPrint(s.ctx, o)
	if err != nil {
		s.log.Error("kitchen ticket: load printed lines", "order", o.ID, "err", err)
		return
	}
	if len(lines) == 0 {
		return
	}
	a := pos.Actor{StoreID: o.StoreID}
	_, names, err := s.context(s.ctx, a)
	if err != nil {
		s.log.Error("kitchen ticket: load tables", "order", o.ID, "err", err)
		return
	}
	doc := &wire.KitchenDoc{OrderNumber: o.Number, Table: names[o.TableID], Time: s.now()}
	ids := make([]string, 0, len(lines))
	for _, l := range lines {
		kl := wire.KitchenLine{Name: l.Name, Qty: l.Qty, Note: l.Note}
		for _, m := range l.Modifiers {
			kl.Modifiers = append(kl.Modifiers, m.Name)
		}
		doc.Lines = append(doc.Lines, kl)
		ids = append(ids, l.ID)
	}
	if st, err := s.svc.StaffMember(s.ctx, a, o.CreatedBy); err == nil {
		doc.Staff = st.Name
	}
	sum := sha256.Sum256([]byte(strings.Join(ids, "\x00")))
	job := wire.PrintJob{ID: "kitchen-" + o.ID + "-" + hex.EncodeToString(sum[:6]), Kind: wire.PrintKindKitchen, Kitchen: doc}
	err = c.Send(job, func(st wire.JobStatus) {
		if st.State == wire.JobFailed {
			return
		}
		if err := s.svc.KitchenLinesPrinted(s.ctx, o.StoreID, o.ID, ids); err != nil {
			s.log.Error("kitchen ticket: record printed lines", "order", o.ID, "err", err)
		}
	})
	if err != nil {
		s.log.Warn("kitchen ticket not sent to bridge", "bridge", c.BridgeID, "job", job.ID, "err", err)
	}
}
