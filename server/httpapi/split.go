package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// registerSplit adds the routes of split bills: the tablet's (any order of
// the store) and the diner's (the bill of their own table).
func (s *Server) registerSplit(mux *http.ServeMux) {
	mux.Handle("GET /api/orders/{id}/bill", s.auth(s.orderBill))
	mux.Handle("POST /api/orders/{id}/split", s.auth(s.splitOrder))
	mux.Handle("POST /api/shares/{id}/pay", s.auth(s.payShare))

	mux.Handle("GET /api/diner/bill", s.diner(s.dinerBill))
	mux.Handle("POST /api/diner/bill/split", s.diner(s.dinerSplit))
	mux.Handle("POST /api/diner/shares/{id}/pay", s.diner(s.dinerPayShare))
}

func billOut(v pos.BillView) wire.Bill {
	cur := v.Order.Currency
	m := func(x int64) money.Amount { return money.New(x, cur) }
	wo := orderOut(v.Order, v.Restaurant.TaxInclusive, map[string]string{v.Order.TableID: v.TableName})
	out := wire.Bill{OrderID: v.Order.ID, OrderNumber: v.Order.Number, Status: string(v.Order.Status), StoreName: v.Restaurant.Name,
		TableName: v.TableName, Lines: billLines(wo.Lines), Totals: wo.Totals, Shares: []wire.Share{}, Stale: v.Stale, Version: v.Order.Version}
	for _, sh := range v.Shares {
		out.Shares = append(out.Shares, wire.Share{ID: sh.ID, Kind: string(sh.Kind), Position: sh.Position, Parts: sh.Parts,
			Amount: m(sh.Amount), Status: string(sh.Status), LineIDs: sh.LineIDs, Tip: m(v.Tips[sh.ID])})
	}
	return out
}

func splitIn(req wire.SplitRequest) pos.SplitRequest {
	return pos.SplitRequest{SplitID: req.SplitID, Parts: req.Parts, LineIDs: req.LineIDs}
}

func payShareIn(req wire.PayShareRequest) pos.PayShareRequest {
	out := pos.PayShareRequest{IntentID: req.IntentID, Tip: pos.TipRequest{BP: req.TipBP}}
	if req.Tip != nil {
		out.Tip.Amount = req.Tip.Minor
	}
	return out
}

func (s *Server) writeBill(w http.ResponseWriter, v pos.BillView, replay bool) error {
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, billOut(v))
	return nil
}

func (s *Server) orderBill(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	v, err := s.svc.Bill(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeBill(w, v, false)
}

func (s *Server) splitOrder(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.SplitRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	_, replay, err := s.svc.Split(r.Context(), a, idemKey(r), r.PathValue("id"), splitIn(req))
	if err != nil {
		return err
	}
	v, err := s.svc.Bill(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeBill(w, v, replay)
}

func (s *Server) payShare(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.PayShareRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.PayShare(r.Context(), a, idemKey(r), r.PathValue("id"), payShareIn(req))
	if err != nil {
		return err
	}
	return s.writeSharePayment(w, r, in, replay)
}

// writeSharePayment answers with the share's payment and a fresh token of
// it: the same jumping token as the counter's QR.
func (s *Server) writeSharePayment(w http.ResponseWriter, r *http.Request, in pos.Intent, replay bool) error {
	tok, c, err := s.svc.ShareToken(r.Context(), in.StoreID, in.ID)
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	path := "/p/" + tok
	writeJSON(w, http.StatusOK, wire.SharePayment{Intent: intentOut(in, nil), Token: tok, Path: path, URL: s.publicBase(r, in.StoreID) + path,
		ExpiresAt: c.ExpiresAt})
	return nil
}

func (s *Server) dinerBill(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	v, err := s.svc.DinerBill(r.Context(), d)
	if err != nil {
		return err
	}
	return s.writeBill(w, v, false)
}

func (s *Server) dinerSplit(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	var req wire.SplitRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	_, _, replay, err := s.svc.DinerSplit(r.Context(), d, idemKey(r), splitIn(req))
	if err != nil {
		return err
	}
	v, err := s.svc.DinerBill(r.Context(), d)
	if err != nil {
		return err
	}
	return s.writeBill(w, v, replay)
}

func (s *Server) dinerPayShare(w http.ResponseWriter, r *http.Request, d pos.Diner) error {
	var req wire.PayShareRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in, replay, err := s.svc.DinerPayShare(r.Context(), d, idemKey(r), r.PathValue("id"), payShareIn(req))
	if err != nil {
		return err
	}
	return s.writeSharePayment(w, r, in, replay)
}

// SharesEvent tells a table's phones and the store's tablets that an
// order's bill was split.
func (s *Server) SharesEvent(storeID, orderID string) {
	o, err := s.svc.Order(s.ctx, pos.Actor{StoreID: storeID}, orderID)
	if err != nil {
		s.log.Error("bill event: load order", "order", orderID, "err", err)
		return
	}
	s.publishOrderTopics(o, wire.EventBillUpdated)
}

// publishOrderTopics pushes an event about an order to the store's
// terminals and, for a table's order, to the table's phones.
func (s *Server) publishOrderTopics(o pos.Order, typ string) {
	rest, names, err := s.context(s.ctx, pos.Actor{StoreID: o.StoreID})
	if err != nil {
		s.log.Error("render bill event", "order", o.ID, "err", err)
		return
	}
	wo := s.orderOut(o, rest.TaxInclusive, names)
	b, err := json.Marshal(wire.Event{Type: typ, At: s.now().UTC(), Order: &wo})
	if err != nil {
		s.log.Error("encode bill event", "order", o.ID, "err", err)
		return
	}
	s.hub.Publish(storeTopic(o.StoreID), b)
	if o.TableID != "" {
		s.hub.Publish(tableTopic(o.StoreID, o.TableID), b)
	}
}

// tablePayment pushes a payment event of a table's order to the table's
// phones too, so every phone at the table sees a share paid.
func (s *Server) tablePayment(ctx context.Context, in pos.Intent, b []byte) {
	o, err := s.svc.Order(ctx, pos.Actor{StoreID: in.StoreID}, in.OrderID)
	if err != nil {
		s.log.Error("payment event: load order", "order", in.OrderID, "err", err)
		return
	}
	if o.TableID != "" {
		s.hub.Publish(tableTopic(o.StoreID, o.TableID), b)
	}
}
