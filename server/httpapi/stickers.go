package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"

	"qrpos/internal/wire"
	"qrpos/server/pos"
	"qrpos/server/relay"
	"qrpos/server/sticker"
)

// Table stickers, for managers:
//
//	GET  /api/tables/links                     every table's current sticker link
//	GET  /api/tables/stickers.pdf[?table=t5]  the A4 sticker sheet of all tables, or of one
//	POST /api/tables/{id}/print-sticker        one sticker on a bridge's receipt printer (Idempotency-Key)
//	POST /api/tables/print-stickers            every table's sticker on it (Idempotency-Key)
func (s *Server) registerStickers(mux *http.ServeMux) {
	mux.Handle("GET /api/tables/links", s.auth(s.tableLinks))
	mux.Handle("GET /api/tables/stickers.pdf", s.auth(s.stickerSheet))
	mux.Handle("POST /api/tables/{id}/print-sticker", s.auth(s.printStickers))
	mux.Handle("POST /api/tables/print-stickers", s.auth(s.printStickers))
}

func (s *Server) tableLinks(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	rest, ts, err := s.svc.TableStickers(r.Context(), a, "")
	if err != nil {
		return err
	}
	out := wire.TableLinkList{StoreName: rest.Name, Links: make([]wire.TableLink, len(ts))}
	for i, t := range ts {
		out.Links[i] = s.tableLinkOut(r, t.Table, t.Link)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) stickerSheet(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	tableID := r.URL.Query().Get("table")
	rest, ts, err := s.svc.TableStickers(r.Context(), a, tableID)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return &pos.Error{Code: pos.CodeNotFound, Message: "this restaurant has no tables to print stickers for"}
	}
	base := s.publicBase(r, a.StoreID)
	list := make([]sticker.Sticker, len(ts))
	for i, t := range ts {
		list[i] = sticker.Sticker{Restaurant: rest.Name, Table: t.Table.Name, URL: base + wire.TableLinkPath + t.Link}
	}
	title, file := rest.Name+" table stickers", "table-stickers.pdf"
	if tableID != "" {
		title, file = rest.Name+" "+ts[0].Table.Name+" sticker", "table-sticker-"+safeFileName(tableID)+".pdf"
	}
	b, err := sticker.Sheet(title, list)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	// The sheet carries live table links: keep it out of shared caches.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	if err != nil {
		s.log.Info("sticker sheet not delivered", "err", err)
	}
	return nil
}

// safeFileName keeps letters, digits, '-' and '_' of an id for a file name.
func safeFileName(id string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return -1
	}, id)
}

// printStickers prints one table's sticker (with {id}) or every table's
// on a bridge's receipt printer. The jobs are named from the request's
// Idempotency-Key and what it prints, so the same request sent again is
// answered "duplicate" by the bridge and prints nothing twice.
func (s *Server) printStickers(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	key := idemKey(r)
	if key == "" {
		return &pos.Error{Code: pos.CodeNeedKey, Message: "this request needs an Idempotency-Key"}
	}
	if len(key) > 128 {
		return &pos.Error{Code: pos.CodeInvalid, Field: "Idempotency-Key", Message: "the idempotency key is too long"}
	}
	var req wire.PrintStickerRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	tableID := r.PathValue("id")
	rest, ts, err := s.svc.TableStickers(r.Context(), a, tableID)
	if err != nil {
		return err
	}
	c, err := s.stickerPrinter(r.Context(), a, req.BridgeID)
	if err != nil {
		return err
	}
	scope := tableID
	if scope == "" {
		scope = "*"
	}
	sum := sha256.Sum256([]byte(a.StoreID + "\x00" + key + "\x00" + scope))
	suffix := hex.EncodeToString(sum[:8])
	base := s.publicBase(r, a.StoreID)
	out := wire.PrintStickerResult{BridgeID: c.BridgeID, Jobs: []wire.JobStatus{}}
	for _, t := range ts {
		job := wire.PrintJob{ID: "sticker-" + t.Table.ID + "-" + suffix, Kind: wire.PrintKindSticker,
			Sticker: &wire.StickerDoc{StoreName: rest.Name, Table: t.Table.Name, URL: base + wire.TableLinkPath + t.Link}}
		ctx, cancel := context.WithTimeout(r.Context(), relayTimeout)
		st, err := c.Print(ctx, job)
		cancel()
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
		out.Jobs = append(out.Jobs, st)
	}
	s.log.Info("table stickers sent to the printer", "store", a.StoreID, "bridge", c.BridgeID, "tables", len(ts), "by", a.StaffID)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// stickerPrinter returns the connection of the bridge that prints
// stickers: the one asked for, else the first (by id) of the store's
// connected bridges that print receipts on their own.
func (s *Server) stickerPrinter(ctx context.Context, a pos.Actor, bridgeID string) (*relay.Conn, error) {
	if bridgeID != "" {
		b, err := s.svc.Bridge(ctx, a, bridgeID)
		if err != nil {
			return nil, err
		}
		c, ok := s.cfg.Relay.Conn(b.StoreID, b.ID)
		if !ok {
			return nil, errBridgeOffline
		}
		return c, nil
	}
	conns := s.cfg.Relay.AutoPrinters(a.StoreID)
	if len(conns) == 0 {
		return nil, &apiError{http.StatusServiceUnavailable, wire.ErrorBody{Code: wire.CodeBridgeOffline,
			Message: "no counter printer is connected; check that the counter PC is on and the bridge is running, or download the A4 stickers instead"}}
	}
	return slices.MinFunc(conns, func(x, y *relay.Conn) int { return strings.Compare(x.BridgeID, y.BridgeID) }), nil
}
