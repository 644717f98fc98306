package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
	"qrpos/server/photo"
	"qrpos/server/pos"
	"qrpos/server/relay"
)

// The back office: edits of the menu, staff, tables and areas and
// settings; photos; the cash drawer; the audit log. Every edit publishes
// an event to the store's terminals and its diners' pages, which reload
// what they show.

// dinersTopic carries the events a store's diner pages follow.
func dinersTopic(storeID string) string { return "diners:" + storeID }

// maxPhotoBody bounds a photo upload: the image, base64 in JSON.
const maxPhotoBody = photo.MaxBytes*4/3 + 1024

func (s *Server) registerBackoffice(mux *http.ServeMux) {
	mux.Handle("POST /api/menu/categories", s.auth(s.saveCategory(true)))
	mux.Handle("PUT /api/menu/categories/{id}", s.auth(s.saveCategory(false)))
	mux.Handle("POST /api/menu/categories/order", s.auth(s.reorderCategories()))
	mux.Handle("POST /api/menu/items", s.auth(s.saveItem(true)))
	mux.Handle("PUT /api/menu/items/{id}", s.auth(s.saveItem(false)))
	mux.Handle("POST /api/menu/items/order", s.auth(s.reorderItems()))
	mux.Handle("POST /api/menu/items/{id}/sold-out", s.auth(s.soldOut()))
	mux.Handle("GET /api/menu/items/{id}/price", s.auth(s.priceAt))
	mux.Handle("POST /api/menu/modifier-groups", s.auth(s.saveModifierGroup(true)))
	mux.Handle("PUT /api/menu/modifier-groups/{id}", s.auth(s.saveModifierGroup(false)))
	mux.Handle("POST /api/media", s.auth(s.uploadPhoto))
	mux.HandleFunc("GET /media/{file}", s.media)

	mux.Handle("POST /api/staff", s.auth(s.addStaff()))
	mux.Handle("PATCH /api/staff/{id}", s.auth(s.changeStaff()))

	mux.Handle("POST /api/tables", s.auth(s.saveTable(true)))
	mux.Handle("PUT /api/tables/{id}", s.auth(s.saveTable(false)))
	mux.Handle("POST /api/tables/order", s.auth(s.reorderTables()))
	mux.Handle("GET /api/areas", s.auth(s.listAreas))
	mux.Handle("POST /api/areas", s.auth(s.saveArea(true)))
	mux.Handle("PUT /api/areas/{id}", s.auth(s.saveArea(false)))

	mux.Handle("GET /api/settings", s.auth(s.getSettings))
	mux.Handle("PUT /api/settings", s.auth(s.putSettings()))
	mux.Handle("POST /api/drawer/open", s.auth(s.openDrawer))
	mux.Handle("GET /api/audit", s.auth(s.auditLog))
}

// managerOnly refuses a cashier before anything is read.
func managerOnly(a pos.Actor) error {
	if !a.Role.AtLeast(pos.RoleManager) {
		return &pos.Error{Code: pos.CodeForbidden, Message: "only a manager or the owner can use the back office"}
	}
	return nil
}

// changed tells the store's terminals and its diners' pages that something
// they show changed.
func (s *Server) changed(storeID, typ string) {
	b, err := json.Marshal(wire.Event{Type: typ, At: s.now().UTC()})
	if err != nil {
		s.log.Error("encode event", "type", typ, "err", err)
		return
	}
	s.hub.Publish(storeTopic(storeID), b)
	s.hub.Publish(dinersTopic(storeID), b)
}

// answer writes v, marking replays, and announces the change (a replay
// announces it again, which is harmless: clients reload).
func (s *Server) answer(w http.ResponseWriter, a pos.Actor, status int, v any, replay bool, event string) error {
	if replay {
		w.Header().Set(wire.HeaderReplayed, "true")
		status = http.StatusOK
	}
	writeJSON(w, status, v)
	if event != "" {
		s.changed(a.StoreID, event)
	}
	return nil
}

// managed is a back-office change: the request body decoded into Req for
// do, which makes the change and returns the answer, its status and
// whether it was a replay; only managers may, and the store's terminals
// (and diners' pages) are told event.
func managed[Req any](s *Server, event string, do func(r *http.Request, a pos.Actor, req Req) (out any, status int, replay bool, err error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
		if err := managerOnly(a); err != nil {
			return err
		}
		var req Req
		if err := decode(w, r, &req); err != nil {
			return err
		}
		out, status, replay, err := do(r, a, req)
		if err != nil {
			return err
		}
		return s.answer(w, a, status, out, replay, event)
	}
}

func created(create bool) int {
	if create {
		return http.StatusCreated
	}
	return http.StatusOK
}

// pathID checks that a PUT's path and body name the same object.
func pathID(r *http.Request, create bool, id string) error {
	if !create && id != r.PathValue("id") {
		return &pos.Error{Code: pos.CodeInvalid, Field: "id", Message: "the id in the body does not match the address"}
	}
	return nil
}

// ---- menu ----

func (s *Server) saveCategory(create bool) handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.CategoryRequest) (any, int, bool, error) {
		if err := pathID(r, create, req.ID); err != nil {
			return nil, 0, false, err
		}
		c, replay, err := s.svc.SaveCategory(r.Context(), a, idemKey(r), pos.Category{ID: req.ID, Name: req.Name, Position: req.Position}, create)
		return wire.Category{ID: c.ID, Name: c.Name, Position: c.Position}, created(create), replay, err
	})
}

func (s *Server) reorderCategories() handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.ReorderRequest) (any, int, bool, error) {
		cs, replay, err := s.svc.ReorderCategories(r.Context(), a, idemKey(r), req.IDs)
		out := []wire.Category{}
		for _, c := range cs {
			out = append(out, wire.Category{ID: c.ID, Name: c.Name, Position: c.Position})
		}
		return out, http.StatusOK, replay, err
	})
}

func (s *Server) saveItem(create bool) handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.ItemRequest) (any, int, bool, error) {
		if err := pathID(r, create, req.ID); err != nil {
			return nil, 0, false, err
		}
		rest, err := s.svc.Restaurant(r.Context(), a)
		if err != nil {
			return nil, 0, false, err
		}
		if req.Price.Currency != rest.Currency {
			return nil, 0, false, &pos.Error{Code: pos.CodeInvalid, Field: "price", Message: "prices are in " + rest.Currency}
		}
		it, replay, err := s.svc.SaveItem(r.Context(), a, idemKey(r), pos.ItemEdit{ID: req.ID, CategoryID: req.CategoryID, Name: req.Name,
			Price: req.Price.Minor, TaxRateBP: req.TaxRateBP, Available: req.Available, SoldOut: req.SoldOut, Position: req.Position,
			ModifierGroupIDs: req.ModifierGroups, Photo: req.Photo}, create)
		return itemOut(it, rest.Currency, s.now()), created(create), replay, err
	})
}

func (s *Server) reorderItems() handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.ReorderRequest) (any, int, bool, error) {
		replay, err := s.svc.ReorderItems(r.Context(), a, idemKey(r), req.IDs)
		return req, http.StatusOK, replay, err
	})
}

func (s *Server) soldOut() handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.SoldOutRequest) (any, int, bool, error) {
		it, replay, err := s.svc.SetSoldOut(r.Context(), a, idemKey(r), r.PathValue("id"), req.SoldOut)
		if err != nil {
			return nil, 0, false, err
		}
		rest, err := s.svc.Restaurant(r.Context(), a)
		return itemOut(it, rest.Currency, s.now()), http.StatusOK, replay, err
	})
}

func (s *Server) priceAt(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil {
		return &pos.Error{Code: pos.CodeInvalid, Field: "version", Message: "give the menu version as a number"}
	}
	p, err := s.svc.PriceAt(r.Context(), a.StoreID, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	rest, err := s.svc.Restaurant(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.PriceAt{ItemID: p.ItemID, Version: p.Version, Price: money.New(p.Price, rest.Currency), Modifiers: map[string]money.Amount{}}
	for id, m := range p.Modifiers {
		out.Modifiers[id] = money.New(m, rest.Currency)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) saveModifierGroup(create bool) handlerFunc {
	return managed(s, wire.EventMenuUpdated, func(r *http.Request, a pos.Actor, req wire.ModifierGroupRequest) (any, int, bool, error) {
		if err := pathID(r, create, req.ID); err != nil {
			return nil, 0, false, err
		}
		rest, err := s.svc.Restaurant(r.Context(), a)
		if err != nil {
			return nil, 0, false, err
		}
		g := pos.ModifierGroup{ID: req.ID, Name: req.Name, Min: req.Min, Max: req.Max, Position: req.Position}
		for _, m := range req.Modifiers {
			if m.Price.Currency != rest.Currency {
				return nil, 0, false, &pos.Error{Code: pos.CodeInvalid, Field: "modifiers", Message: "prices are in " + rest.Currency}
			}
			g.Modifiers = append(g.Modifiers, pos.Modifier{ID: m.ID, Name: m.Name, Price: m.Price.Minor})
		}
		g, replay, err := s.svc.SaveModifierGroup(r.Context(), a, idemKey(r), g, create)
		return groupOut(g, rest.Currency), created(create), replay, err
	})
}

// ---- photos ----

func (s *Server) uploadPhoto(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	if err := managerOnly(a); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &apiError{http.StatusUnsupportedMediaType, wire.ErrorBody{Code: wire.CodeBadRequest, Message: "send JSON (Content-Type: application/json)"}}
	}
	var req wire.PhotoUpload
	if err := decodeJSON(http.MaxBytesReader(w, r.Body, maxPhotoBody), &req); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.body.Code == wire.CodeTooLarge {
			return &apiError{http.StatusRequestEntityTooLarge, wire.ErrorBody{Code: wire.CodeTooLarge, Field: "data",
				Message: "the photo is larger than 8 MiB; use a smaller one"}}
		}
		return err
	}
	sha, vs, err := photo.Process(req.Data, pos.PhotoWidths)
	switch {
	case errors.Is(err, photo.ErrSize):
		return &apiError{http.StatusRequestEntityTooLarge, wire.ErrorBody{Code: wire.CodeTooLarge, Field: "data",
			Message: "the photo is too large (at most 8 MiB and 40 megapixels)"}}
	case errors.Is(err, photo.ErrSmall):
		return &pos.Error{Code: pos.CodeInvalid, Field: "data", Message: "the photo is too small"}
	case err != nil:
		return &pos.Error{Code: pos.CodeInvalid, Field: "data", Message: "the photo must be a JPEG or PNG image"}
	}
	media := make([]pos.Media, 0, len(vs))
	for _, v := range vs {
		media = append(media, pos.Media{Width: v.Width, Height: v.Height, Data: v.JPEG})
	}
	replay, err := s.svc.SavePhoto(r.Context(), a, idemKey(r), sha, media)
	if err != nil {
		return err
	}
	out := wire.Photo{SHA256: sha, Path: wire.PhotoPath(sha, pos.PhotoWidths[len(pos.PhotoWidths)-1]), Paths: map[int]string{}}
	for _, w := range pos.PhotoWidths {
		out.Paths[w] = wire.PhotoPath(sha, w)
	}
	return s.answer(w, a, http.StatusCreated, out, replay, "")
}

// media serves a photo variant: public (diners' menus), immutable (the
// name is the content's hash).
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".jpg")
	sha, width, ok2 := strings.Cut(name, "-")
	wd, err := strconv.Atoi(width)
	if !ok || !ok2 || err != nil || wd <= 0 {
		http.NotFound(w, r)
		return
	}
	m, err := s.svc.Photo(r.Context(), sha, wd)
	if err != nil {
		if pos.ErrorCode(err) == pos.CodeNotFound {
			http.NotFound(w, r)
			return
		}
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+sha+"-"+width+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == `"`+sha+"-"+width+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(m.Data)))
	w.WriteHeader(http.StatusOK)
	w.Write(m.Data)
}

// ---- staff ----

func (s *Server) addStaff() handlerFunc {
	return managed(s, wire.EventStaffUpdated, func(r *http.Request, a pos.Actor, req wire.AddStaffRequest) (any, int, bool, error) {
		st, replay, err := s.svc.AddStaff(r.Context(), a, idemKey(r), pos.StaffEdit{ID: req.ID, Name: req.Name, Role: pos.Role(req.Role), PIN: req.PIN})
		return staffInfo(st), http.StatusCreated, replay, err
	})
}

func (s *Server) changeStaff() handlerFunc {
	return managed(s, wire.EventStaffUpdated, func(r *http.Request, a pos.Actor, req wire.ChangeStaffRequest) (any, int, bool, error) {
		c := pos.StaffChange{Name: req.Name, PIN: req.PIN, Active: req.Active}
		if req.Role != nil {
			role := pos.Role(*req.Role)
			c.Role = &role
		}
		st, replay, err := s.svc.ChangeStaff(r.Context(), a, idemKey(r), r.PathValue("id"), c)
		return staffInfo(st), http.StatusOK, replay, err
	})
}

// ---- tables and areas ----

func (s *Server) saveTable(create bool) handlerFunc {
	return managed(s, wire.EventTablesUpdated, func(r *http.Request, a pos.Actor, req wire.TableRequest) (any, int, bool, error) {
		if err := pathID(r, create, req.ID); err != nil {
			return nil, 0, false, err
		}
		t, replay, err := s.svc.SaveTable(r.Context(), a, idemKey(r), pos.Table{ID: req.ID, Name: req.Name, Seats: req.Seats,
			Position: req.Position, AreaID: req.AreaID}, create)
		return wire.Table{ID: t.ID, Name: t.Name, Seats: t.Seats, Position: t.Position, AreaID: t.AreaID}, created(create), replay, err
	})
}

func (s *Server) reorderTables() handlerFunc {
	return managed(s, wire.EventTablesUpdated, func(r *http.Request, a pos.Actor, req wire.ReorderRequest) (any, int, bool, error) {
		replay, err := s.svc.ReorderTables(r.Context(), a, idemKey(r), req.IDs)
		return req, http.StatusOK, replay, err
	})
}

func (s *Server) listAreas(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	as, err := s.svc.Areas(r.Context(), a)
	if err != nil {
		return err
	}
	out := wire.AreaList{Areas: []wire.Area{}}
	for _, ar := range as {
		out.Areas = append(out.Areas, wire.Area{ID: ar.ID, Name: ar.Name, Position: ar.Position})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) saveArea(create bool) handlerFunc {
	return managed(s, wire.EventTablesUpdated, func(r *http.Request, a pos.Actor, req wire.Area) (any, int, bool, error) {
		if err := pathID(r, create, req.ID); err != nil {
			return nil, 0, false, err
		}
		ar, replay, err := s.svc.SaveArea(r.Context(), a, idemKey(r), pos.Area{ID: req.ID, Name: req.Name, Position: req.Position}, create)
		return wire.Area{ID: ar.ID, Name: ar.Name, Position: ar.Position}, created(create), replay, err
	})
}

// ---- settings ----

func (s *Server) settingsOut(st pos.StoreSettings) wire.Settings {
	out := wire.Settings{Name: st.Name, Address: st.Address, Currency: st.Currency, AutoPrint: st.AutoPrint, AutoSend: st.AutoSend,
		EffectivePublicURL: strings.TrimRight(s.cfg.PublicURL, "/")}
	if st.PublicURL != nil {
		out.PublicURL = *st.PublicURL
		out.EffectivePublicURL = *st.PublicURL
	}
	return out
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	if err := managerOnly(a); err != nil {
		return err
	}
	st, err := s.svc.StoreSettingsOf(r.Context(), a.StoreID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.settingsOut(st))
	return nil
}

func (s *Server) putSettings() handlerFunc {
	return managed(s, wire.EventSettingsUpdated, func(r *http.Request, a pos.Actor, req wire.Settings) (any, int, bool, error) {
		in := pos.StoreSettings{Name: req.Name, Address: req.Address, Currency: req.Currency,
			Settings: pos.Settings{PublicURL: &req.PublicURL, AutoPrint: req.AutoPrint, AutoSend: req.AutoSend}}
		st, replay, err := s.svc.UpdateSettings(r.Context(), a, idemKey(r), in)
		return s.settingsOut(st), http.StatusOK, replay, err
	})
}

// storeSettings returns a store's settings for the server's own use; on
// failure (logged) the zero settings, so the flags' defaults apply.
func (s *Server) storeSettings(ctx context.Context, storeID string) pos.Settings {
	st, err := s.svc.StoreSettingsOf(ctx, storeID)
	if err != nil {
		s.log.Error("load store settings", "store", storeID, "err", err)
		return pos.Settings{StoreID: storeID}
	}
	return st.Settings
}

// storePublicURL is the base URL of the store's QR links and receipt
// links: the stored setting, else the -public-url flag ("" if neither).
func (s *Server) storePublicURL(ctx context.Context, storeID string) string {
	if u := s.storeSettings(ctx, storeID).PublicURL; u != nil && *u != "" {
		return strings.TrimRight(*u, "/")
	}
	return strings.TrimRight(s.cfg.PublicURL, "/")
}

// autoPrinters are the bridges the server prints on by itself: every
// connected bridge of the store when the store's auto-print setting is on,
// none when it is off, and those whose own configuration asks for it
// when the store has no setting.
func (s *Server) autoPrinters(storeID string) []*relay.Conn {
	ap := s.storeSettings(s.ctx, storeID).AutoPrint
	switch {
	case ap == nil:
		return s.cfg.Relay.AutoPrinters(storeID)
	case *ap:
		return s.cfg.Relay.Conns(storeID)
	}
	return nil
}

// ---- cash drawer and audit ----

func (s *Server) openDrawer(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	var req wire.OpenDrawerRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	b, err := s.svc.Bridge(r.Context(), a, req.BridgeID)
	if err != nil {
		return err
	}
	c, ok := s.cfg.Relay.Conn(b.StoreID, b.ID)
	if !ok {
		return errBridgeOffline
	}
	key := idemKey(r)
	if _, err := s.svc.OpenDrawer(r.Context(), a, key, b.ID, req.Reason); err != nil {
		return err
	}
	// The job id comes from the key: a retried request is a duplicate at
	// the bridge, never a second kick.
	job := wire.PrintJob{ID: "drawer-" + key, Kind: wire.PrintKindDrawer, OpenDrawer: true}
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
	s.log.Info("drawer opened without a sale", "store", a.StoreID, "bridge", b.ID, "by", a.StaffID)
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a pos.Actor) error {
	if err := managerOnly(a); err != nil {
		return err
	}
	q := r.URL.Query()
	f := pos.AuditFilter{Action: q.Get("action"), StaffID: q.Get("staff")}
	day := func(field string) (time.Time, error) {
		v := q.Get(field)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.now().Location())
		if err != nil {
			return time.Time{}, &pos.Error{Code: pos.CodeInvalid, Field: field, Message: "dates are written YYYY-MM-DD"}
		}
		return t, nil
	}
	var err error
	if f.Since, err = day("from"); err != nil {
		return err
	}
	if f.Until, err = day("to"); err != nil {
		return err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // "to" is inclusive
	}
	es, err := s.svc.Audit(r.Context(), a, f)
	if err != nil {
		return err
	}
	out := wire.AuditLog{Entries: []wire.AuditEntry{}, Actions: pos.AuditActions}
	for _, e := range es {
		out.Entries = append(out.Entries, wire.AuditEntry{ID: e.ID, At: e.At, StaffID: e.StaffID, StaffName: e.StaffName,
			Action: e.Action, Target: e.Target, Detail: e.Detail, Reason: e.Reason})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
