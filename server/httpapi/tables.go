package httpapi

import (
	"net/http"

	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// registerTables adds the routes of table stickers.
func (s *Server) registerTables(mux *http.ServeMux) {
	mux.Handle("GET /api/tables/{id}/link", s.auth(s.tableLink))
	mux.Handle("POST /api/tables/{id}/revoke-link", s.auth(s.revokeTableLink))
	s.registerStickers(mux)
}

func (s *Server) tableLink(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	t, link, err := s.svc.TableLink(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.tableLinkOut(r, t, link))
	return nil
}

func (s *Server) revokeTableLink(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	t, link, replay, err := s.svc.RevokeTableLink(r.Context(), a, idemKey(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, s.tableLinkOut(r, t, link))
	return nil
}

func (s *Server) tableLinkOut(r *http.Request, t pos.Table, link string) wire.TableLink {
	return wire.TableLink{TableID: t.ID, TableName: t.Name, Gen: t.LinkGen, Link: link,
		URL: s.publicBase(r, t.StoreID) + wire.TableLinkPath + link}
}
