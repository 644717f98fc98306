package pos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qrpos/server/ledger"
	"qrpos/server/token"
)

// Config holds the rules a Service enforces.
type Config struct {
	// SessionIdle ends a session after this long without a request.
	SessionIdle time.Duration
	// SessionMax ends a session this long after login, whatever the activity.
	SessionMax time.Duration
	// MaxPINAttempts wrong PINs in a row lock the staff member out.
	MaxPINAttempts int
	// PIN is the cost of PIN hashes.
	PIN PINParams
}

// DefaultConfig is a shift-friendly default: a tablet stays logged in while
// used, for at most 14 hours.
var DefaultConfig = Config{
	SessionIdle:    2 * time.Hour,
	SessionMax:     14 * time.Hour,
	MaxPINAttempts: 5,
	PIN:            DefaultPINParams,
}

// Service carries out what staff ask of the system. Every method that
// changes state takes an idempotency key: the same key and request return
// the first answer (replay = true) without doing anything again.
type Service struct {
	store     Store
	cfg       Config
	now       func() time.Time
	log       *slog.Logger
	notify    func(Order)
	onPayment func(Intent)
	onWallet  func(Member)
	onShares  func(storeID, orderID string)
	signer    *token.Signer
	rails     map[string]Rail
	linkKey   []byte
	onDiner   func(DinerEvent)
}

// Deps are a Service's collaborators.
type Deps struct {
	// Now is the clock; required.
	Now func() time.Time
	Log *slog.Logger
	// OnOrder, if set, is called after every committed change of an order
	// (not on replays), outside any transaction.
	OnOrder func(Order)
	// OnPayment, if set, is called after every committed change of a
	// payment intent, outside any transaction.
	OnPayment func(Intent)
	// OnWallet, if set, is called after a wallet's balance changed other
	// than by a payment (a top-up), outside any transaction.
	OnWallet func(Member)
	// OnShares, if set, is called after the shares of a split bill were
	// made or replaced (their payments report through OnPayment).
	OnShares func(storeID, orderID string)
	// Signer issues the one-time payment tokens of merchant QR codes.
	Signer *token.Signer
	// Rails are the external payment networks this store accepts, by
	// name. The built-in wallet is always accepted.
	Rails map[string]Rail
	// LinkKey signs the table links of QR stickers (token.TableLink).
	LinkKey []byte
	// OnDiner, if set, is called after committed changes of table-side
	// ordering (submissions, service requests, cleared tables).
	OnDiner func(DinerEvent)
}

// NewService returns a Service over store.
func NewService(store Store, cfg Config, d Deps) *Service {
	if d.OnOrder == nil {
		d.OnOrder = func(Order) {}
	}
	if d.OnPayment == nil {
		d.OnPayment = func(Intent) {}
	}
	if d.OnWallet == nil {
		d.OnWallet = func(Member) {}
	}
	if d.OnShares == nil {
		d.OnShares = func(string, string) {}
	}
	if d.OnDiner == nil {
		d.OnDiner = func(DinerEvent) {}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, cfg: cfg, now: d.Now, log: d.Log, notify: d.OnOrder, onPayment: d.OnPayment, onWallet: d.OnWallet,
		onShares: d.OnShares, signer: d.Signer, rails: d.Rails, linkKey: d.LinkKey, onDiner: d.OnDiner}
}

// Actor is the logged-in staff member a request comes from.
type Actor struct {
	StoreID string
	StaffID string
	Name    string
	Role    Role
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// ---- Login and sessions ----

// LoginChoices returns the restaurant and its active staff, for the login
// screen.
func (s *Service) LoginChoices(ctx context.Context, storeID string) (Restaurant, []Staff, error) {
	var r Restaurant
	var staff []Staff
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if storeID == "" {
			rs, err := tx.ListRestaurants(ctx)
			if err != nil {
				return err
			}
			if len(rs) == 0 {
				return refuse(CodeNotFound, "this server has no restaurant yet")
			}
			r = rs[0]
		} else if r, err = tx.RestaurantByID(ctx, storeID); err != nil {
			return notFound(err, "restaurant")
		}
		all, err := tx.ListStaff(ctx, r.ID)
		for _, st := range all {
			if st.Active {
				staff = append(staff, st)
			}
		}
		return err
	})
	return r, staff, err
}

// Login checks a staff member's PIN and opens a session. It returns the
// session token (for the cookie) and the session. Wrong PINs count towards
// a lockout that only a manager can lift.
func (s *Service) Login(ctx context.Context, storeID, staffID, pin string) (string, Session, Staff, error) {
	if !ValidPIN(pin) {
		return "", Session{}, Staff{}, invalid("pin", "a PIN is 4 to 8 digits")
	}
	var st Staff
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		st, err = tx.StaffByID(ctx, storeID, staffID)
		return err
	})
	if errors.Is(err, ErrNotFound) || (err == nil && !st.Active) {
		return "", Session{}, Staff{}, refuse(CodeNotFound, "this staff member does not exist or was deactivated")
	}
	if err != nil {
		return "", Session{}, Staff{}, err
	}
	if st.Locked() {
		return "", Session{}, Staff{}, refuse(CodeLocked, "%s is locked after too many wrong PINs; ask a manager to unlock", st.Name)
	}
	// The slow hash runs outside any transaction, so a login never holds up
	// the writer; the outcome is then recorded against fresh state.
	ok := CheckPIN(st.PINHash, pin)
	now := s.clock()
	tok, hash := token.NewSession()
	sess := Session{TokenHash: hash, StaffID: st.ID, StoreID: st.StoreID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMax)}
	var refusal *Error
	err = s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.StaffByID(ctx, storeID, staffID)
		if err != nil {
			return err
		}
		if cur.Locked() {
			refusal = refuse(CodeLocked, "%s is locked after too many wrong PINs; ask a manager to unlock", cur.Name)
			return nil
		}
		if !ok {
			cur.FailedPINs++
			left := s.cfg.MaxPINAttempts - cur.FailedPINs
			if left <= 0 {
				cur.LockedAt = &now
				refusal = refuse(CodeLocked, "wrong PIN: %s is now locked; ask a manager to unlock", cur.Name)
			} else {
				refusal = refuse(CodeWrongPIN, "wrong PIN, %d %s left", left, plural(left, "try", "tries"))
			}
			return tx.UpdateStaff(ctx, cur)
		}
		if cur.FailedPINs != 0 {
			cur.FailedPINs = 0
			if err := tx.UpdateStaff(ctx, cur); err != nil {
				return err
			}
		}
		st = cur
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return "", Session{}, Staff{}, err
	}
	if refusal != nil {
		s.log.Info("login refused", "store", storeID, "staff", staffID, "code", refusal.Code)
		return "", Session{}, Staff{}, refusal
	}
	s.log.Info("login", "store", storeID, "staff", staffID)
	return tok, sess, st, nil
}

// Authenticate returns the actor behind a session token, ending sessions
// that were idle too long or are past their absolute expiry.
func (s *Service) Authenticate(ctx context.Context, tok string) (Actor, Session, error) {
	if token.CheckSessionForm(tok) != nil {
		return Actor{}, Session{}, refuse(CodeUnauthorized, "please log in")
	}
	hash := token.HashSession(tok)
	now := s.clock()
	var a Actor
	var sess Session
	var expired bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		sess, err = tx.SessionByTokenHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return refuse(CodeUnauthorized, "please log in")
		}
		if err != nil {
			return err
		}
		if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.SessionIdle {
			expired = true
			return nil
		}
		st, err := tx.StaffByID(ctx, sess.StoreID, sess.StaffID)
		if err != nil {
			return err
		}
		if !st.Active || st.Locked() {
			expired = true
			return nil
		}
		a = Actor{StoreID: st.StoreID, StaffID: st.ID, Name: st.Name, Role: st.Role}
		return nil
	})
	if err != nil {
		return Actor{}, Session{}, err
	}
	if expired {
		if err := s.store.Write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, hash) }); err != nil {
			return Actor{}, Session{}, err
		}
		return Actor{}, Session{}, refuse(CodeSessionExpired, "your session has ended; please log in again")
	}
	// Record activity at most once a minute: a write per request would
	// serialise every read behind the writer.
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		sess.LastSeenAt = now
		if err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchSession(ctx, hash, now) }); err != nil {
			return Actor{}, Session{}, err
		}
	}
	return a, sess, nil
}

// Logout ends the session of tok. Ending an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, tok string) error {
	if token.CheckSessionForm(tok) != nil {
		return nil
	}
	return s.store.Write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, token.HashSession(tok)) })
}

// Restaurant returns the actor's restaurant.
func (s *Service) Restaurant(ctx context.Context, a Actor) (Restaurant, error) {
	var r Restaurant
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		r, err = tx.RestaurantByID(ctx, a.StoreID)
		return err
	})
	return r, err
}

// Staff returns one member of the actor's staff.
func (s *Service) StaffMember(ctx context.Context, a Actor, id string) (Staff, error) {
	var st Staff
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		st, err = tx.StaffByID(ctx, a.StoreID, id)
		return notFound(err, "staff member")
	})
	return st, err
}

// ListStaff returns the store's staff; managers and owners only.
func (s *Service) ListStaff(ctx context.Context, a Actor) ([]Staff, error) {
	if err := require(a, RoleManager, "see the staff list"); err != nil {
		return nil, err
	}
	var staff []Staff
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		staff, err = tx.ListStaff(ctx, a.StoreID)
		return err
	})
	return staff, err
}

// Unlock lifts a PIN lockout; managers and owners only. A manager cannot
// unlock an owner.
func (s *Service) Unlock(ctx context.Context, a Actor, key, staffID string) (Staff, bool, error) {
	if err := require(a, RoleManager, "unlock staff"); err != nil {
		return Staff{}, false, err
	}
	return idempotent(ctx, s, a.StoreID, key, "unlock", staffID, func(tx Tx) (Staff, error) {
		st, err := tx.StaffByID(ctx, a.StoreID, staffID)
		if err != nil {
			return Staff{}, notFound(err, "staff member")
		}
		if !a.Role.AtLeast(st.Role) {
			return Staff{}, refuse(CodeForbidden, "only an owner can unlock an owner")
		}
		st.FailedPINs = 0
		st.LockedAt = nil
		s.log.Info("staff unlocked", "store", a.StoreID, "staff", staffID, "by", a.StaffID)
		if err := tx.UpdateStaff(ctx, st); err != nil {
			return Staff{}, err
		}
		return st, s.audit(ctx, tx, a, AuditStaffUnlock, "staff "+st.ID, st.Name, "")
	})
}

// ---- Catalog and tables ----

// Menu is the catalog of a restaurant.
type Menu struct {
	Categories     []Category
	Items          []Item
	ModifierGroups []ModifierGroup
	// Version counts the changes of the menu (see PriceAt).
	Version int64
}

// Menu returns the actor's restaurant's menu.
func (s *Service) Menu(ctx context.Context, a Actor) (Menu, error) {
	var m Menu
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if m.Categories, err = tx.ListCategories(ctx, a.StoreID); err != nil {
			return err
		}
		if m.Items, err = tx.ListItems(ctx, a.StoreID); err != nil {
			return err
		}
		if m.ModifierGroups, err = tx.ListModifierGroups(ctx, a.StoreID); err != nil {
			return err
		}
		m.Version, err = tx.MenuVersion(ctx, a.StoreID)
		return err
	})
	return m, err
}

// TableState is a table with its active order, if any.
type TableState struct {
	Table
	OrderID string
	// SettledOrderID is the order paid in full at the table since its
	// party sat down (its table session opened), while it has no active
	// order and the staff have not cleared it.
	SettledOrderID string
}

// Tables returns the restaurant's tables with their active orders.
func (s *Service) Tables(ctx context.Context, a Actor) ([]TableState, error) {
	var out []TableState
	err := s.store.Read(ctx, func(tx Tx) error {
		tables, err := tx.ListTables(ctx, a.StoreID)
		if err != nil {
			return err
		}
		active, err := tx.ListOrders(ctx, OrderFilter{StoreID: a.StoreID, Statuses: []OrderStatus{StatusOpen, StatusSent}})
		if err != nil {
			return err
		}
		busy := map[string]string{}
		for _, o := range active {
			if o.TableID != "" {
				busy[o.TableID] = o.ID
			}
		}
		for _, t := range tables {
			ts := TableState{Table: t, OrderID: busy[t.ID]}
			if ts.OrderID == "" {
				if ts.SettledOrderID, err = settledOrder(ctx, tx, a.StoreID, t.ID); err != nil {
					return err
				}
			}
			out = append(out, ts)
		}
		return nil
	})
	return out, err
}

// ---- Orders ----

// Order returns one order of the actor's restaurant.
func (s *Service) Order(ctx context.Context, a Actor, id string) (Order, error) {
	var o Order
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		o, err = tx.OrderByID(ctx, a.StoreID, id)
		return notFound(err, "order")
	})
	return o, err
}

// Orders lists orders of the actor's restaurant.
func (s *Service) Orders(ctx context.Context, a Actor, f OrderFilter) ([]Order, error) {
	f.StoreID = a.StoreID
	var out []Order
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListOrders(ctx, f)
		return err
	})
	return out, err
}

// CreateOrder opens an order for a table (or a quick sale when tableID is
// empty). A table has at most one active order: a second one is refused
// with CodeTableBusy naming the existing order.
func (s *Service) CreateOrder(ctx context.Context, a Actor, key, id, tableID string) (Order, bool, error) {
	if err := checkID("id", id); err != nil {
		return Order{}, false, err
	}
	req := struct{ ID, TableID string }{id, tableID}
	o, replay, err := idempotent(ctx, s, a.StoreID, key, "create_order", req, func(tx Tx) (Order, error) {
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return Order{}, err
		}
		if tableID != "" {
			if _, err := tx.TableByID(ctx, a.StoreID, tableID); err != nil {
				return Order{}, notFound(err, "table")
			}
			busy, err := tx.ListOrders(ctx, OrderFilter{StoreID: a.StoreID, TableID: tableID, Statuses: []OrderStatus{StatusOpen, StatusSent}, Limit: 1})
			if err != nil {
				return Order{}, err
			}
			if len(busy) > 0 {
				return Order{}, &Error{Code: CodeTableBusy, Message: "this table already has an open order", OrderID: busy[0].ID}
			}
		}
		n, err := tx.NextOrderNumber(ctx, a.StoreID)
		if err != nil {
			return Order{}, err
		}
		now := s.clock()
		o := Order{ID: id, StoreID: a.StoreID, Number: n, TableID: tableID, Status: StatusOpen, Currency: r.Currency,
			Version: 1, CreatedBy: a.StaffID, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateOrder(ctx, o); err != nil {
			if errors.Is(err, ErrConflict) {
				return Order{}, refuse(CodeConflict, "an order with this id already exists")
			}
			return Order{}, err
		}
		return o, nil
	})
	if err == nil && !replay {
		s.notify(o)
	}
	return o, replay, err
}

// AddLineRequest says what to add to an order.
type AddLineRequest struct {
	LineID      string
	ItemID      string
	Qty         int
	ModifierIDs []string
	Note        string
}

// AddLine adds an item with modifiers and a note to an active order,
// priced as the menu says now.
func (s *Service) AddLine(ctx context.Context, a Actor, key, orderID string, req AddLineRequest) (Order, bool, error) {
	if err := checkID("line_id", req.LineID); err != nil {
		return Order{}, false, err
	}
	if err := checkQty(req.Qty); err != nil {
		return Order{}, false, err
	}
	if err := checkNote(req.Note); err != nil {
		return Order{}, false, err
	}
	return s.changeOrder(ctx, a, key, "add_line", orderID, req, func(tx Tx, o *Order) error {
		if len(o.Lines) >= MaxLines {
			return invalid("", "an order holds at most %d lines", MaxLines)
		}
		for _, l := range o.Lines {
			if l.ID == req.LineID {
				return refuse(CodeConflict, "this line was already added")
			}
		}
		it, err := tx.ItemByID(ctx, a.StoreID, req.ItemID)
		if err != nil {
			return notFoundField(err, "item", "item_id")
		}
		if !it.Available || it.SoldOut(s.clock()) {
			return refuse(CodeUnavailable, "%s is not available right now", it.Name)
		}
		mods, err := s.pickModifiers(ctx, tx, it, req.ModifierIDs)
		if err != nil {
			return err
		}
		o.Lines = append(o.Lines, Line{ID: req.LineID, ItemID: it.ID, Name: it.Name, BasePrice: it.Price,
			Qty: req.Qty, Modifiers: mods, Note: strings.TrimSpace(req.Note), TaxRateBP: it.TaxRateBP})
		return nil
	})
}

// pickModifiers checks the chosen modifiers against the item's groups:
// each must belong to one of them, none twice, and every group's count
// must lie between its Min and Max.
func (s *Service) pickModifiers(ctx context.Context, tx Tx, it Item, ids []string) ([]LineModifier, error) {
	offered := map[string]bool{}
	for _, g := range it.ModifierGroupIDs {
		offered[g] = true
	}
	groups, err := tx.ListModifierGroups(ctx, it.StoreID)
	if err != nil {
		return nil, err
	}
	type choice struct {
		group string
		mod   Modifier
	}
	byID := map[string]choice{}
	for _, g := range groups {
		if !offered[g.ID] {
			continue
		}
		for _, m := range g.Modifiers {
			byID[m.ID] = choice{g.ID, m}
		}
	}
	count := map[string]int{}
	seen := map[string]bool{}
	var out []LineModifier
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			return nil, invalid("modifier_ids", "that option does not go with %s", it.Name)
		}
		if seen[id] {
			return nil, invalid("modifier_ids", "an option was chosen twice")
		}
		seen[id] = true
		count[c.group]++
		out = append(out, LineModifier{ID: c.mod.ID, Name: c.mod.Name, Price: c.mod.Price})
	}
	for _, g := range groups {
		if !offered[g.ID] {
			continue
		}
		n := count[g.ID]
		if n < g.Min {
			return nil, invalid("modifier_ids", "choose %s for %s", g.Name, it.Name)
		}
		if g.Max > 0 && n > g.Max {
			return nil, invalid("modifier_ids", "choose at most %d of %s", g.Max, g.Name)
		}
	}
	return out, nil
}

// UpdateLineRequest changes a line; nil fields stay as they are. Qty sets
// the quantity, QtyDelta adds to it (applied to the stored quantity inside
// the transaction, so concurrent taps on two tablets both count).
type UpdateLineRequest struct {
	Qty      *int
	QtyDelta *int
	Note     *string
}

// UpdateLine changes the quantity or note of a line of an active order.
func (s *Service) UpdateLine(ctx context.Context, a Actor, key, orderID, lineID string, req UpdateLineRequest) (Order, bool, error) {
	if req.Qty == nil && req.QtyDelta == nil && req.Note == nil {
		return Order{}, false, invalid("", "nothing to change")
	}
	if req.Qty != nil && req.QtyDelta != nil {
		return Order{}, false, invalid("qty_delta", "send either a quantity or a change of quantity, not both")
	}
	if req.Qty != nil {
		if err := checkQty(*req.Qty); err != nil {
			return Order{}, false, err
		}
	}
	if d := req.QtyDelta; d != nil && (*d == 0 || *d < -MaxQty || *d > MaxQty) {
		return Order{}, false, invalid("qty_delta", "the change of quantity must be between -%d and %d, not 0", MaxQty, MaxQty)
	}
	if req.Note != nil {
		if err := checkNote(*req.Note); err != nil {
			return Order{}, false, err
		}
	}
	body := struct {
		Line string
		Req  UpdateLineRequest
	}{lineID, req}
	return s.changeOrder(ctx, a, key, "update_line", orderID, body, func(tx Tx, o *Order) error {
		i := lineIndex(*o, lineID)
		if i < 0 {
			return refuse(CodeNotFound, "that line is no longer on the order")
		}
		if req.Qty != nil {
			o.Lines[i].Qty = *req.Qty
		}
		if req.QtyDelta != nil {
			q := o.Lines[i].Qty + *req.QtyDelta
			if q < 1 {
				return invalid("qty_delta", "the quantity cannot go below 1; remove the line instead")
			}
			if err := checkQty(q); err != nil {
				return err
			}
			o.Lines[i].Qty = q
		}
		if req.Note != nil {
			o.Lines[i].Note = strings.TrimSpace(*req.Note)
		}
		return nil
	})
}

// RemoveLine takes a line off an active order.
func (s *Service) RemoveLine(ctx context.Context, a Actor, key, orderID, lineID string) (Order, bool, error) {
	return s.changeOrder(ctx, a, key, "remove_line", orderID, lineID, func(tx Tx, o *Order) error {
		i := lineIndex(*o, lineID)
		if i < 0 {
			return refuse(CodeNotFound, "that line is no longer on the order")
		}
		o.Lines = append(o.Lines[:i], o.Lines[i+1:]...)
		return nil
	})
}

// SendToKitchen marks every unsent line as sent.
func (s *Service) SendToKitchen(ctx context.Context, a Actor, key, orderID string) (Order, bool, error) {
	return s.changeOrder(ctx, a, key, "send", orderID, orderID, func(tx Tx, o *Order) error {
		n := 0
		for i := range o.Lines {
			if !o.Lines[i].Sent && !o.Lines[i].Pending {
				o.Lines[i].Sent = true
				n++
			}
		}
		if n == 0 {
			return invalid("", "there is nothing new to send to the kitchen")
		}
		o.Status = StatusSent
		return nil
	})
}

// CashRequest is cash handed over for an order.
type CashRequest struct {
	TenderID string
	Tendered int64
	Currency string
}

// TenderCash applies cash to an order: up to what is due, the rest is
// change. An order paid in full is closed.
func (s *Service) TenderCash(ctx context.Context, a Actor, key, orderID string, req CashRequest) (Order, bool, error) {
	if err := checkID("tender_id", req.TenderID); err != nil {
		return Order{}, false, err
	}
	if req.Tendered <= 0 {
		return Order{}, false, invalid("tendered", "enter the cash received")
	}
	if req.Tendered > MaxAmount {
		return Order{}, false, invalid("tendered", "that amount is too large")
	}
	// The tender id names the payment: a till that lost the answer and asks
	// again (with a new key) gets the order as it is, not a refusal.
	if o, err := s.Order(ctx, a, orderID); err == nil {
		for _, tn := range o.Tenders {
			if tn.ID == req.TenderID {
				if tn.Kind != "cash" || tn.Tendered != req.Tendered {
					return Order{}, false, refuse(CodeConflict, "this payment id was used for a different payment")
				}
				return o, true, nil
			}
		}
	}
	var cancelled []Intent
	o, replay, err := s.changeOrder(ctx, a, key, "cash", orderID, req, func(tx Tx, o *Order) error {
		if req.Currency != o.Currency {
			return invalid("tendered", "this order is paid in %s", o.Currency)
		}
		r, err := tx.RestaurantByID(ctx, a.StoreID)
		if err != nil {
			return err
		}
		t := ComputeTotals(*o, r.TaxInclusive)
		if t.Total == 0 {
			return invalid("", "the order is empty")
		}
		if t.Due == 0 {
			return refuse(CodeOrderClosed, "this order is already paid")
		}
		// Cash settles the bill: an unpaid QR on the tablet dies, and a
		// payment the payer is confirming blocks (it may succeed).
		cancelled, err = s.clearLiveIntents(ctx, tx, a.StoreID, o.ID, "paid in cash")
		if err != nil {
			return err
		}
		applied := min(req.Tendered, t.Due)
		tn := Tender{ID: req.TenderID, OrderID: o.ID, Kind: "cash", Amount: applied, Tendered: req.Tendered,
			Change: req.Tendered - applied, CreatedBy: a.StaffID, CreatedAt: s.clock()}
		if err := tx.CreateTender(ctx, tn); err != nil {
			if errors.Is(err, ErrConflict) {
				return refuse(CodeConflict, "this payment was already recorded")
			}
			return err
		}
		if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "cash-" + tn.ID, StoreID: a.StoreID, Kind: ledger.KindCashSale, Ref: tn.ID,
			Postings: []ledger.Posting{
				{Account: ledger.CashDrawer(a.StoreID), Amount: moneyOf(applied, o.Currency)},
				{Account: ledger.Revenue(a.StoreID), Amount: moneyOf(-applied, o.Currency)},
			}}); err != nil {
			return err
		}
		o.Tenders = append(o.Tenders, tn)
		if applied == t.Due {
			o.Status = StatusClosed
			o.ClosedAt = &tn.CreatedAt
		}
		return nil
	})
	if err == nil && !replay {
		for _, c := range cancelled {
			s.onPayment(c)
		}
	}
	return o, replay, err
}

// Void cancels an unpaid order. Voiding an order with lines takes a
// manager.
func (s *Service) Void(ctx context.Context, a Actor, key, orderID, reason string) (Order, bool, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Order{}, false, invalid("reason", "say why the order is voided")
	}
	if err := checkNote(reason); err != nil {
		return Order{}, false, invalid("reason", "the reason is too long")
	}
	return s.changeOrder(ctx, a, key, "void", orderID, reason, func(tx Tx, o *Order) error {
		if len(o.Tenders) > 0 {
			return refuse(CodeConflict, "this order has payments; refund them first")
		}
		if len(o.Lines) > 0 {
			if err := require(a, RoleManager, "void an order with items"); err != nil {
				return err
			}
		}
		now := s.clock()
		o.Status = StatusVoid
		o.VoidReason = reason
		o.ClosedAt = &now
		return s.audit(ctx, tx, a, AuditOrderVoid, "order "+o.ID, fmt.Sprintf("order %d, %d lines", o.Number, len(o.Lines)), reason)
	})
}

// changeOrder runs one idempotent read-modify-write of an active order.
func (s *Service) changeOrder(ctx context.Context, a Actor, key, op, orderID string, req any, change func(Tx, *Order) error) (Order, bool, error) {
	body := struct {
		Order string
		Req   any
	}{orderID, req}
	o, replay, err := idempotent(ctx, s, a.StoreID, key, op, body, func(tx Tx) (Order, error) {
		o, err := tx.OrderByID(ctx, a.StoreID, orderID)
		if err != nil {
			return Order{}, notFound(err, "order")
		}
		if !o.Status.Active() {
			return Order{}, &Error{Code: CodeOrderClosed, Message: fmt.Sprintf("order %d is %s and can no longer change", o.Number, o.Status), OrderID: o.ID}
		}
		if err := change(tx, &o); err != nil {
			return Order{}, err
		}
		o.Version++
		o.UpdatedAt = s.clock()
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return Order{}, err
		}
		return o, nil
	})
	if err == nil && !replay {
		s.notify(o)
	}
	return o, replay, err
}

// idempotent runs fn in a write transaction unless key was seen before. The
// answer is stored with the key in the same transaction as the effect, so
// either both are kept or neither. The same key with a different request is
// refused.
func idempotent[T any](ctx context.Context, s *Service, storeID, key, op string, req any, fn func(Tx) (T, error)) (T, bool, error) {
	var out T
	if key == "" {
		return out, false, refuse(CodeNeedKey, "this request needs an Idempotency-Key")
	}
	if len(key) > 128 {
		return out, false, invalid("Idempotency-Key", "the idempotency key is too long")
	}
	b, err := json.Marshal(req)
	if err != nil {
		return out, false, fmt.Errorf("pos: encode %s request: %w", op, err)
	}
	sum := sha256.Sum256(append([]byte(op+"\x00"), b...))
	replay := false
	err = s.store.Write(ctx, func(tx Tx) error {
		rec, err := tx.IdempotencyByKey(ctx, storeID, key)
		switch {
		case err == nil:
			if !bytes.Equal(rec.RequestHash, sum[:]) {
				return refuse(CodeIdempotency, "this idempotency key was used for a different request")
			}
			replay = true
			return json.Unmarshal(rec.Response, &out)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if out, err = fn(tx); err != nil {
			return err
		}
		resp, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("pos: encode %s answer: %w", op, err)
		}
		return tx.PutIdempotency(ctx, Idempotency{StoreID: storeID, Key: key, RequestHash: sum[:], Response: resp, CreatedAt: s.clock()})
	})
	if err != nil {
		var zero T
		return zero, false, err
	}
	return out, replay, nil
}

// ---- checks ----

func require(a Actor, min Role, what string) error {
	if !a.Role.AtLeast(min) {
		return refuse(CodeForbidden, "only a %s can %s", min, what)
	}
	return nil
}

func notFound(err error, what string) error {
	if errors.Is(err, ErrNotFound) {
		return refuse(CodeNotFound, "that %s does not exist", what)
	}
	return err
}

func notFoundField(err error, what, field string) error {
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: CodeNotFound, Field: field, Message: fmt.Sprintf("that %s does not exist", what)}
	}
	return err
}

func checkID(field, id string) error {
	if id == "" {
		return invalid(field, "an id is required")
	}
	if len(id) > maxIDLength {
		return invalid(field, "the id is too long")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return invalid(field, "the id may hold only letters, digits, '-' and '_'")
		}
	}
	return nil
}

func checkQty(q int) error {
	if q < 1 || q > MaxQty {
		return invalid("qty", "the quantity must be between 1 and %d", MaxQty)
	}
	return nil
}

func checkNote(n string) error {
	if !utf8.ValidString(n) {
		return invalid("note", "the note is not valid text")
	}
	if utf8.RuneCountInString(n) > MaxNoteLen {
		return invalid("note", "a note is at most %d characters", MaxNoteLen)
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return invalid("note", "the note contains control characters")
		}
	}
	return nil
}

func lineIndex(o Order, id string) int {
	for i, l := range o.Lines {
		if l.ID == id {
			return i
		}
	}
	return -1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
