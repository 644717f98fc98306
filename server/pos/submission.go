package pos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SubmissionState is where a diner's submission is.
type SubmissionState string

// Submission states: pending until the staff decide; accepted lines are
// normal lines of the order (sent to the kitchen when sent); served when
// the staff brought them; rejected lines were taken off the order.
const (
	SubmissionPending  SubmissionState = "pending"
	SubmissionAccepted SubmissionState = "accepted"
	SubmissionRejected SubmissionState = "rejected"
	SubmissionServed   SubmissionState = "served"
)

// Submission is a batch of lines a diner sent from their phone. Its id is
// made by the phone, so a retried send names the same submission.
type Submission struct {
	ID             string
	StoreID        string
	TableSessionID string
	TableID        string
	OrderID        string
	DinerID        string
	State          SubmissionState
	// Reason says why the staff rejected it.
	Reason string
	// Lines are the lines as submitted (kept after a rejection).
	Lines       []Line
	RequestHash []byte
	CreatedAt   time.Time
	DecidedAt   *time.Time
	DecidedBy   string
	ServedAt    *time.Time
}

// ServiceKind is what a diner asks the staff for.
type ServiceKind string

// Service request kinds.
const (
	ServiceWaiter ServiceKind = "waiter"
	ServiceBill   ServiceKind = "bill"
)

// ServiceRequest is a diner calling the waiter or asking for the bill,
// shown on the tablets until a member of staff acknowledges it.
type ServiceRequest struct {
	ID             string
	StoreID        string
	TableSessionID string
	TableID        string
	Kind           ServiceKind
	CreatedAt      time.Time
	AcknowledgedAt *time.Time
	AcknowledgedBy string
}

// Limits of a diner's submission: stricter than the till's, since anyone
// at the table can send one.
const (
	MaxDinerQty         = 99
	MaxSubmissionLines  = 30
	maxSubmissionIDLen  = 40
	maxOpenServiceKinds = 2
)

// SubmissionTx is what table-side ordering needs of a transaction.
// Lookups of a missing row wrap ErrNotFound; duplicate ids wrap
// ErrConflict.
type SubmissionTx interface {
	CreateSubmission(ctx context.Context, sub Submission) error
	SubmissionByID(ctx context.Context, storeID, id string) (Submission, error)
	// UpdateSubmission saves State, Reason, DecidedAt, DecidedBy and
	// ServedAt.
	UpdateSubmission(ctx context.Context, sub Submission) error
	// ListSubmissions returns submissions oldest first.
	ListSubmissions(ctx context.Context, f SubmissionFilter) ([]Submission, error)

	CreateServiceRequest(ctx context.Context, sr ServiceRequest) error
	ServiceRequestByID(ctx context.Context, storeID, id string) (ServiceRequest, error)
	// AcknowledgeServiceRequest acknowledges a request not yet
	// acknowledged; ErrNotFound if there is none.
	AcknowledgeServiceRequest(ctx context.Context, storeID, id, by string, at time.Time) error
	// ListServiceRequests returns the store's requests not yet
	// acknowledged (of one session if tableSessionID is set), oldest first.
	ListServiceRequests(ctx context.Context, storeID, tableSessionID string) ([]ServiceRequest, error)
}

// SubmissionFilter selects submissions; zero fields do not filter, except
// StoreID, which is required.
type SubmissionFilter struct {
	StoreID        string
	TableSessionID string
	States         []SubmissionState
}

// SubmitLine is one line of a diner's submission.
type SubmitLine struct {
	ItemID      string
	Qty         int
	ModifierIDs []string
	Note        string
	// MenuVersion is the menu version whose prices the diner saw (nil:
	// unknown, current prices).
	MenuVersion *int64
}

// SubmitRequest is what a diner sends: ID is made by the phone, so a
// retried send (same id, same lines) returns the first answer.
type SubmitRequest struct {
	ID    string
	Lines []SubmitLine
}

// Submit puts a diner's lines on their table's active order (opening one,
// marked as opened by a diner, if there is none) as pending lines tagged
// with the submission. Every line is checked as the till checks its lines
// and nothing is written unless all pass.
func (s *Service) Submit(ctx context.Context, d Diner, req SubmitRequest) (Submission, Order, bool, error) {
	if err := checkID("id", req.ID); err != nil {
		return Submission{}, Order{}, false, err
	}
	if len(req.ID) > maxSubmissionIDLen {
		return Submission{}, Order{}, false, invalid("id", "the id is too long")
	}
	if len(req.Lines) == 0 {
		return Submission{}, Order{}, false, invalid("lines", "the order is empty: add a dish first")
	}
	if len(req.Lines) > MaxSubmissionLines {
		return Submission{}, Order{}, false, invalid("lines", "send at most %d dishes at once", MaxSubmissionLines)
	}
	for i, l := range req.Lines {
		if l.Qty < 1 || l.Qty > MaxDinerQty {
			return Submission{}, Order{}, false, &Error{Code: CodeInvalid, Field: fmt.Sprintf("lines[%d].qty", i),
				Message: fmt.Sprintf("the quantity must be between 1 and %d", MaxDinerQty)}
		}
		if err := checkNote(l.Note); err != nil {
			err.(*Error).Field = fmt.Sprintf("lines[%d].note", i)
			return Submission{}, Order{}, false, err
		}
		if len(l.ModifierIDs) > 20 {
			return Submission{}, Order{}, false, invalid(fmt.Sprintf("lines[%d].modifier_ids", i), "too many options")
		}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return Submission{}, Order{}, false, err
	}
	h := sha256.Sum256(b)
	var sub Submission
	var o Order
	replay := false
	err = s.store.Write(ctx, func(tx Tx) error {
		prev, err := tx.SubmissionByID(ctx, d.StoreID, req.ID)
		if err == nil {
			if prev.TableSessionID != d.TableSessionID || !bytes.Equal(prev.RequestHash, h[:]) {
				return refuse(CodeIdempotency, "this order was already sent with other dishes")
			}
			sub, replay = prev, true
			o, err = tx.OrderByID(ctx, d.StoreID, prev.OrderID)
			return err
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		ts, err := tx.TableSessionByID(ctx, d.StoreID, d.TableSessionID)
		if err != nil {
			return err
		}
		if ts.EndedAt != nil {
			return refuse(CodeTableSessionEnded, "this table was cleared: scan the QR code on the table again to order")
		}
		now := s.clock()
		active, err := activeOrder(ctx, tx, d.StoreID, d.TableID)
		if err != nil {
			return err
		}
		created := active == nil
		if created {
			r, err := tx.RestaurantByID(ctx, d.StoreID)
			if err != nil {
				return err
			}
			n, err := tx.NextOrderNumber(ctx, d.StoreID)
			if err != nil {
				return err
			}
			o = Order{ID: newRandomID("o-"), StoreID: d.StoreID, Number: n, TableID: d.TableID, Status: StatusOpen,
				Currency: r.Currency, Version: 1, CreatedAt: now, UpdatedAt: now}
		} else {
			o = *active
		}
		if len(o.Lines)+len(req.Lines) > MaxLines {
			return invalid("lines", "this table's order is full; ask the staff")
		}
		sub = Submission{ID: req.ID, StoreID: d.StoreID, TableSessionID: d.TableSessionID, TableID: d.TableID, OrderID: o.ID,
			DinerID: d.ID, State: SubmissionPending, RequestHash: h[:], CreatedAt: now}
		for i, rl := range req.Lines {
			field := fmt.Sprintf("lines[%d]", i)
			it, err := tx.ItemByID(ctx, d.StoreID, rl.ItemID)
			if errors.Is(err, ErrNotFound) {
				return &Error{Code: CodeNotFound, Field: field + ".item_id", Message: "a dish in your order is not on this menu any more: remove it and send again"}
			}
			if err != nil {
				return err
			}
			if !it.Available || it.SoldOut(now) {
				return &Error{Code: CodeUnavailable, Field: field + ".item_id", Message: fmt.Sprintf("%s is sold out: remove it and send again", it.Name)}
			}
			mods, err := s.pickModifiers(ctx, tx, it, rl.ModifierIDs)
			if err != nil {
				var pe *Error
				if errors.As(err, &pe) {
					pe.Field = field + "." + pe.Field
				}
				return err
			}
			if err := s.priceAsSeen(ctx, tx, ts, rl.MenuVersion, &it, mods); err != nil {
				return err
			}
			l := Line{ID: fmt.Sprintf("%s-%d", req.ID, i+1), ItemID: it.ID, Name: it.Name, BasePrice: it.Price, Qty: rl.Qty,
				Modifiers: mods, Note: strings.TrimSpace(rl.Note), TaxRateBP: it.TaxRateBP, Submission: req.ID, Pending: true}
			if lineIndex(o, l.ID) >= 0 {
				return refuse(CodeConflict, "this order was already sent")
			}
			o.Lines = append(o.Lines, l)
			sub.Lines = append(sub.Lines, l)
		}
		if created {
			if err := tx.CreateOrder(ctx, o); err != nil {
				return err
			}
		} else {
			o.Version++
			o.UpdatedAt = now
			if err := tx.UpdateOrder(ctx, o); err != nil {
				return err
			}
		}
		s.log.Info("diner submission", "store", d.StoreID, "table", d.TableID, "submission", sub.ID, "order", o.ID, "lines", len(sub.Lines))
		return tx.CreateSubmission(ctx, sub)
	})
	if err != nil {
		return Submission{}, Order{}, false, err
	}
	if !replay {
		s.notify(o)
		s.onDiner(DinerEvent{StoreID: d.StoreID, TableID: d.TableID, TableSessionID: d.TableSessionID, Submission: &sub})
	}
	return sub, o, replay, nil
}

// decideSubmission runs one idempotent staff decision on a submission and
// its order's lines.
func (s *Service) decideSubmission(ctx context.Context, a Actor, key, op, id string, req any,
	decide func(tx Tx, sub *Submission, o *Order) error) (Submission, Order, bool, error) {
	type answer struct {
		Sub   Submission
		Order Order
	}
	body := struct {
		ID  string
		Req any
	}{id, req}
	var changed bool
	ans, replay, err := idempotent(ctx, s, a.StoreID, key, op, body, func(tx Tx) (answer, error) {
		sub, err := tx.SubmissionByID(ctx, a.StoreID, id)
		if err != nil {
			return answer{}, notFound(err, "order from a table")
		}
		o, err := tx.OrderByID(ctx, a.StoreID, sub.OrderID)
		if err != nil {
			return answer{}, err
		}
		before := o.Version
		if err := decide(tx, &sub, &o); err != nil {
			return answer{}, err
		}
		now := s.clock()
		if o.Version != before {
			o.UpdatedAt = now
			if err := tx.UpdateOrder(ctx, o); err != nil {
				return answer{}, err
			}
			changed = true
		}
		if err := tx.UpdateSubmission(ctx, sub); err != nil {
			return answer{}, err
		}
		return answer{sub, o}, nil
	})
	if err != nil {
		return Submission{}, Order{}, false, err
	}
	if !replay {
		if changed {
			s.notify(ans.Order)
		}
		s.onDiner(DinerEvent{StoreID: a.StoreID, TableID: ans.Sub.TableID, TableSessionID: ans.Sub.TableSessionID, Submission: &ans.Sub})
	}
	return ans.Sub, ans.Order, replay, nil
}

func submissionDecided(sub Submission) error {
	switch sub.State {
	case SubmissionPending:
		return nil
	case SubmissionRejected:
		return refuse(CodeConflict, "this order from the table was already rejected")
	}
	return refuse(CodeConflict, "this order from the table was already accepted")
}

func activeForDecision(o Order) error {
	if !o.Status.Active() {
		return &Error{Code: CodeOrderClosed, Message: fmt.Sprintf("order %d is %s and can no longer change", o.Number, o.Status), OrderID: o.ID}
	}
	return nil
}

// AcceptSubmission makes a submission's pending lines normal lines of the
// order. With the store's auto-send-to-kitchen setting on, they are sent
// to the kitchen at once (the kitchen ticket prints through the usual
// path). Managers and cashiers.
func (s *Service) AcceptSubmission(ctx context.Context, a Actor, key, id string) (Submission, Order, bool, error) {
	if err := require(a, RoleCashier, "accept orders from tables"); err != nil {
		return Submission{}, Order{}, false, err
	}
	return s.decideSubmission(ctx, a, key, "accept-submission", id, nil, func(tx Tx, sub *Submission, o *Order) error {
		if err := submissionDecided(*sub); err != nil {
			return err
		}
		if err := activeForDecision(*o); err != nil {
			return err
		}
		st, err := tx.SettingsOf(ctx, a.StoreID)
		if err != nil {
			return err
		}
		auto := st.AutoSend
		for i := range o.Lines {
			l := &o.Lines[i]
			if l.Submission == sub.ID && l.Pending {
				l.Pending = false
				if auto {
					l.Sent = true
					o.Status = StatusSent
				}
			}
		}
		sub.Lines = linesOf(*o, sub.ID, sub.Lines)
		o.Version++
		now := s.clock()
		sub.State, sub.DecidedAt, sub.DecidedBy = SubmissionAccepted, &now, a.StaffID
		return nil
	})
}

// RejectSubmission takes a submission's pending lines off the order; the
// diner sees the reason. Managers and cashiers.
func (s *Service) RejectSubmission(ctx context.Context, a Actor, key, id, reason string) (Submission, Order, bool, error) {
	if err := require(a, RoleCashier, "reject orders from tables"); err != nil {
		return Submission{}, Order{}, false, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Submission{}, Order{}, false, invalid("reason", "tell the table why, e.g. \"the kitchen is closed\"")
	}
	if err := checkNote(reason); err != nil {
		return Submission{}, Order{}, false, invalid("reason", "the reason is too long or not plain text")
	}
	return s.decideSubmission(ctx, a, key, "reject-submission", id, reason, func(tx Tx, sub *Submission, o *Order) error {
		if err := submissionDecided(*sub); err != nil {
			return err
		}
		if err := activeForDecision(*o); err != nil {
			return err
		}
		kept := o.Lines[:0:0]
		for _, l := range o.Lines {
			if l.Submission == sub.ID && l.Pending {
				continue
			}
			kept = append(kept, l)
		}
		o.Lines = kept
		o.Version++
		now := s.clock()
		sub.State, sub.Reason, sub.DecidedAt, sub.DecidedBy = SubmissionRejected, reason, &now, a.StaffID
		return nil
	})
}

// ServeSubmission records that a submission's dishes were brought to the
// table. Managers and cashiers.
func (s *Service) ServeSubmission(ctx context.Context, a Actor, key, id string) (Submission, Order, bool, error) {
	if err := require(a, RoleCashier, "mark dishes served"); err != nil {
		return Submission{}, Order{}, false, err
	}
	return s.decideSubmission(ctx, a, key, "serve-submission", id, nil, func(tx Tx, sub *Submission, o *Order) error {
		switch sub.State {
		case SubmissionPending:
			return refuse(CodeConflict, "accept this order from the table first")
		case SubmissionRejected:
			return refuse(CodeConflict, "this order from the table was rejected")
		case SubmissionServed:
			return refuse(CodeConflict, "this order from the table was already served")
		}
		now := s.clock()
		sub.State, sub.ServedAt = SubmissionServed, &now
		sub.Lines = linesOf(*o, sub.ID, sub.Lines)
		return nil
	})
}

// linesOf returns the order's current lines of a submission (their sent
// state), or the stored ones if none are on the order any more.
func linesOf(o Order, subID string, stored []Line) []Line {
	var out []Line
	for _, l := range o.Lines {
		if l.Submission == subID {
			out = append(out, l)
		}
	}
	if out == nil {
		return stored
	}
	return out
}

// Inbox is what the tablets show of table-side ordering: submissions
// waiting for a decision or to be served, and service requests not yet
// acknowledged.
type Inbox struct {
	Submissions []Submission
	Services    []ServiceRequest
	// Seated are the tables' open sessions (TableInbox only): the tables
	// the staff may clear.
	Seated []TableSession
}

// TableInbox returns the store's pending and accepted (not yet served)
// submissions and open service requests, oldest first.
func (s *Service) TableInbox(ctx context.Context, a Actor) (Inbox, error) {
	var in Inbox
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if in.Submissions, err = tx.ListSubmissions(ctx, SubmissionFilter{StoreID: a.StoreID, States: []SubmissionState{SubmissionPending, SubmissionAccepted}}); err != nil {
			return err
		}
		if in.Services, err = tx.ListServiceRequests(ctx, a.StoreID, ""); err != nil {
			return err
		}
		in.Seated, err = tx.ListOpenTableSessions(ctx, a.StoreID)
		return err
	})
	return in, err
}

// DinerActivity returns a diner's session's submissions (with their lines
// as they are now on the order) and open service requests.
func (s *Service) DinerActivity(ctx context.Context, d Diner) (Inbox, error) {
	var in Inbox
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if in.Submissions, err = tx.ListSubmissions(ctx, SubmissionFilter{StoreID: d.StoreID, TableSessionID: d.TableSessionID}); err != nil {
			return err
		}
		orders := map[string]Order{}
		for i, sub := range in.Submissions {
			o, ok := orders[sub.OrderID]
			if !ok {
				if o, err = tx.OrderByID(ctx, d.StoreID, sub.OrderID); err != nil {
					return err
				}
				orders[sub.OrderID] = o
			}
			in.Submissions[i].Lines = linesOf(o, sub.ID, sub.Lines)
		}
		in.Services, err = tx.ListServiceRequests(ctx, d.StoreID, d.TableSessionID)
		return err
	})
	return in, err
}

// DinerMenu returns the menu of the diner's restaurant.
func (s *Service) DinerMenu(ctx context.Context, d Diner) (Restaurant, Menu, error) {
	r, err := s.Restaurant(ctx, Actor{StoreID: d.StoreID})
	if err != nil {
		return Restaurant{}, Menu{}, err
	}
	m, err := s.Menu(ctx, Actor{StoreID: d.StoreID})
	return r, m, err
}

// RequestService calls the waiter or asks for the bill for the diner's
// table. A request of the same kind still open is returned as it is (the
// tablets already show it).
func (s *Service) RequestService(ctx context.Context, d Diner, kind ServiceKind) (ServiceRequest, bool, error) {
	if kind != ServiceWaiter && kind != ServiceBill {
		return ServiceRequest{}, false, invalid("kind", "ask for the waiter or the bill")
	}
	var sr ServiceRequest
	existing := false
	err := s.store.Write(ctx, func(tx Tx) error {
		ts, err := tx.TableSessionByID(ctx, d.StoreID, d.TableSessionID)
		if err != nil {
			return err
		}
		if ts.EndedAt != nil {
			return refuse(CodeTableSessionEnded, "this table was cleared: scan the QR code on the table again")
		}
		open, err := tx.ListServiceRequests(ctx, d.StoreID, d.TableSessionID)
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.Kind == kind {
				sr, existing = o, true
				return nil
			}
		}
		sr = ServiceRequest{ID: newRandomID("sr-"), StoreID: d.StoreID, TableSessionID: d.TableSessionID, TableID: d.TableID,
			Kind: kind, CreatedAt: s.clock()}
		return tx.CreateServiceRequest(ctx, sr)
	})
	if err != nil {
		return ServiceRequest{}, false, err
	}
	if !existing {
		s.onDiner(DinerEvent{StoreID: d.StoreID, TableID: d.TableID, TableSessionID: d.TableSessionID, Service: &sr})
	}
	return sr, existing, nil
}

// AcknowledgeService takes a service request off the tablets' board.
func (s *Service) AcknowledgeService(ctx context.Context, a Actor, key, id string) (ServiceRequest, bool, error) {
	if err := require(a, RoleCashier, "answer tables"); err != nil {
		return ServiceRequest{}, false, err
	}
	sr, replay, err := idempotent(ctx, s, a.StoreID, key, "ack-service", id, func(tx Tx) (ServiceRequest, error) {
		sr, err := tx.ServiceRequestByID(ctx, a.StoreID, id)
		if err != nil {
			return ServiceRequest{}, notFound(err, "request from a table")
		}
		if sr.AcknowledgedAt != nil {
			return sr, nil
		}
		now := s.clock()
		if err := tx.AcknowledgeServiceRequest(ctx, a.StoreID, id, a.StaffID, now); err != nil {
			return ServiceRequest{}, err
		}
		sr.AcknowledgedAt, sr.AcknowledgedBy = &now, a.StaffID
		return sr, nil
	})
	if err == nil && !replay {
		s.onDiner(DinerEvent{StoreID: sr.StoreID, TableID: sr.TableID, TableSessionID: sr.TableSessionID, Service: &sr})
	}
	return sr, replay, err
}

// AutoSendToKitchen reports the store's setting: accepted lines from
// tables go to the kitchen at once.
func (s *Service) AutoSendToKitchen(ctx context.Context, a Actor) (bool, error) {
	var on bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		st, err := tx.SettingsOf(ctx, a.StoreID)
		on = st.AutoSend
		return err
	})
	return on, err
}

// SetAutoSendToKitchen changes the setting; managers and owners.
func (s *Service) SetAutoSendToKitchen(ctx context.Context, a Actor, key string, on bool) (bool, bool, error) {
	if err := require(a, RoleManager, "change table ordering settings"); err != nil {
		return false, false, err
	}
	return idempotent(ctx, s, a.StoreID, key, "auto-send", on, func(tx Tx) (bool, error) {
		// The same setting as the back office's settings form (AutoSend).
		st, err := tx.SettingsOf(ctx, a.StoreID)
		if err != nil {
			return false, err
		}
		st.StoreID, st.AutoSend, st.UpdatedAt = a.StoreID, on, s.clock()
		if err := tx.PutSettings(ctx, st); err != nil {
			return false, err
		}
		return on, s.audit(ctx, tx, a, AuditSettings, "store "+a.StoreID, fmt.Sprintf("auto-send to kitchen: %v", on), "")
	})
}

// endSessionWork settles what a cleared table leaves behind: its open
// service requests are acknowledged, its pending submissions (left on an
// order that was paid meanwhile) are rejected and accepted ones count as
// served.
func (s *Service) endSessionWork(ctx context.Context, tx Tx, a Actor, ts TableSession, now time.Time) error {
	open, err := tx.ListServiceRequests(ctx, a.StoreID, ts.ID)
	if err != nil {
		return err
	}
	for _, sr := range open {
		if err := tx.AcknowledgeServiceRequest(ctx, a.StoreID, sr.ID, a.StaffID, now); err != nil {
			return err
		}
	}
	open2, err := tx.ListSubmissions(ctx, SubmissionFilter{StoreID: a.StoreID, TableSessionID: ts.ID,
		States: []SubmissionState{SubmissionPending, SubmissionAccepted}})
	if err != nil {
		return err
	}
	for _, sub := range open2 {
		if sub.State == SubmissionPending {
			sub.State, sub.Reason, sub.DecidedAt, sub.DecidedBy = SubmissionRejected, "the table was cleared", &now, a.StaffID
		} else {
			sub.State, sub.ServedAt = SubmissionServed, &now // the party has left: nothing more to bring
		}
		if err := tx.UpdateSubmission(ctx, sub); err != nil {
			return err
		}
	}
	return nil
}

// priceAsSeen sets the item's and options' prices to those of the menu
// version the diner saw, so nothing in a cart changes price under them.
// Versions older than the table session (a cart from an earlier visit) or
// newer than the menu are not honoured: the current prices apply.
func (s *Service) priceAsSeen(ctx context.Context, tx Tx, ts TableSession, version *int64, it *Item, mods []LineModifier) error {
	if version == nil || *version < ts.MenuVersion {
		return nil
	}
	seen := *version
	cur, err := tx.MenuVersion(ctx, it.StoreID)
	if err != nil || seen >= cur {
		return err
	}
	if it.Price, err = priceAt(ctx, it.StoreID, it.ID, seen, it.Price, tx.ItemPriceAt); err != nil {
		return err
	}
	for i := range mods {
		if mods[i].Price, err = priceAt(ctx, it.StoreID, mods[i].ID, seen, mods[i].Price, tx.ModifierPriceAt); err != nil {
			return err
		}
	}
	return nil
}
