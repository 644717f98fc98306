package pos

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"qrpos/server/token"
)

// ---- Table sessions and diners (table-side ordering) ----
//
// A table session runs from the first phone joining a table (by its sticker
// link) until the staff clear the table. Every phone that joins it is a
// Diner, known by a random 256-bit token in an HttpOnly cookie; only the
// token's SHA-256 is stored. Ending the session (ClearTable) ends every
// diner of it: their next request is refused with CodeTableSessionEnded and
// the phone has to scan the table's code again, which opens a new session
// for the next party. The session does not end by itself when the order is
// paid: diners still see their paid bill (and may order dessert) until the
// staff clear the table, and ClearTable refuses while the table still has
// something to pay, so a party never loses its bill to the next one.

// CodeTableSessionEnded refuses a diner whose table session has ended.
const CodeTableSessionEnded Code = "table_session_ended"

// TableSession is one party's time at a table.
type TableSession struct {
	ID       string
	StoreID  string
	TableID  string
	OpenedAt time.Time
	EndedAt  *time.Time
}

// Diner is a phone that joined a table session.
type Diner struct {
	ID             string
	StoreID        string
	TableID        string
	TableSessionID string
}

// DinerRecord is a diner as stored: TokenHash is the SHA-256 of the
// diner's token.
type DinerRecord struct {
	Diner
	TokenHash  []byte
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// TableSessionTx is what table sessions need of a transaction. Lookups of
// a missing row wrap ErrNotFound; a second open session of a table or a
// duplicate id or token hash wraps ErrConflict.
type TableSessionTx interface {
	CreateTableSession(ctx context.Context, ts TableSession) error
	// OpenTableSession returns the table's session that has not ended.
	OpenTableSession(ctx context.Context, storeID, tableID string) (TableSession, error)
	TableSessionByID(ctx context.Context, storeID, id string) (TableSession, error)
	// ListOpenTableSessions returns the store's sessions that have not
	// ended, oldest first.
	ListOpenTableSessions(ctx context.Context, storeID string) ([]TableSession, error)
	// EndTableSession ends an open session; ErrNotFound if it is not open.
	EndTableSession(ctx context.Context, storeID, id string, at time.Time) error

	// CreateDiner stores a diner; TableID is not stored (it is the
	// session's).
	CreateDiner(ctx context.Context, d DinerRecord) error
	// DinerByTokenHash returns a diner with the TableID of its session.
	DinerByTokenHash(ctx context.Context, hash []byte) (DinerRecord, error)
	TouchDiner(ctx context.Context, hash []byte, at time.Time) error
}

// DinerEvent is a change that phones at a table or the store's tablets
// must hear of (published by the OnDiner hook, outside any transaction).
type DinerEvent struct {
	StoreID        string
	TableID        string
	TableSessionID string
	// SessionEnded is set when the staff cleared the table.
	SessionEnded bool
	Submission   *Submission
	Service      *ServiceRequest
}

func newRandomID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// JoinTable lets a phone join the table of a sticker link: it opens the
// table's session if none is open (eight phones joining at once open
// exactly one) and reuses the phone's diner if dinerToken belongs to that
// session, or makes a new diner. newToken is the token to set in the
// phone's cookie, empty when the phone's token is still good.
func (s *Service) JoinTable(ctx context.Context, link, dinerToken string) (Restaurant, Table, TableSession, Diner, string, error) {
	r, t, err := s.TableByLink(ctx, link)
	if err != nil {
		return Restaurant{}, Table{}, TableSession{}, Diner{}, "", err
	}
	var hash []byte
	if token.CheckSessionForm(dinerToken) == nil {
		hash = token.HashSession(dinerToken)
	}
	now := s.clock()
	var ts TableSession
	var d Diner
	var newToken string
	err = s.store.Write(ctx, func(tx Tx) error {
		var err error
		ts, err = tx.OpenTableSession(ctx, t.StoreID, t.ID)
		if errors.Is(err, ErrNotFound) {
			ts = TableSession{ID: newRandomID("ts-"), StoreID: t.StoreID, TableID: t.ID, OpenedAt: now}
			err = tx.CreateTableSession(ctx, ts)
			if err == nil {
				s.log.Info("table session opened", "store", t.StoreID, "table", t.ID, "session", ts.ID)
			}
		}
		if err != nil {
			return err
		}
		if hash != nil {
			rec, err := tx.DinerByTokenHash(ctx, hash)
			switch {
			case err == nil && rec.StoreID == ts.StoreID && rec.TableSessionID == ts.ID:
				d = rec.Diner
				if now.Sub(rec.LastSeenAt) >= time.Minute {
					return tx.TouchDiner(ctx, hash, now)
				}
				return nil
			case err != nil && !errors.Is(err, ErrNotFound):
				return err
			}
		}
		tok, h := token.NewSession()
		d = Diner{ID: newRandomID("diner-"), StoreID: ts.StoreID, TableID: ts.TableID, TableSessionID: ts.ID}
		if err := tx.CreateDiner(ctx, DinerRecord{Diner: d, TokenHash: h, CreatedAt: now, LastSeenAt: now}); err != nil {
			return err
		}
		newToken = tok
		return nil
	})
	if errors.Is(err, ErrConflict) {
		// Only a backend that does not serialise writers lands here (two
		// joins raced to open the session): the other one won, join it.
		return s.JoinTable(ctx, link, dinerToken)
	}
	if err != nil {
		return Restaurant{}, Table{}, TableSession{}, Diner{}, "", err
	}
	return r, t, ts, d, newToken, nil
}

// AuthenticateDiner returns the diner behind a token. A diner of a session
// that ended (the table was cleared) is refused with CodeTableSessionEnded.
func (s *Service) AuthenticateDiner(ctx context.Context, tok string) (Diner, error) {
	unknown := refuse(CodeUnauthorized, "scan the QR code on your table to order")
	if token.CheckSessionForm(tok) != nil {
		return Diner{}, unknown
	}
	hash := token.HashSession(tok)
	now := s.clock()
	var rec DinerRecord
	var ended bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		rec, err = tx.DinerByTokenHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return unknown
		}
		if err != nil {
			return err
		}
		ts, err := tx.TableSessionByID(ctx, rec.StoreID, rec.TableSessionID)
		if err != nil {
			return err
		}
		ended = ts.EndedAt != nil
		return nil
	})
	if err != nil {
		return Diner{}, err
	}
	if ended {
		return Diner{}, refuse(CodeTableSessionEnded, "this table was cleared: scan the QR code on the table again to order")
	}
	if now.Sub(rec.LastSeenAt) >= time.Minute {
		if err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchDiner(ctx, hash, now) }); err != nil {
			return Diner{}, err
		}
	}
	return rec.Diner, nil
}

// DinerTable is what a diner sees of their table: the restaurant, the
// table, and the table's active order if it has one.
func (s *Service) DinerTable(ctx context.Context, d Diner) (Restaurant, Table, *Order, error) {
	var r Restaurant
	var t Table
	var o *Order
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.RestaurantByID(ctx, d.StoreID); err != nil {
			return err
		}
		if t, err = tx.TableByID(ctx, d.StoreID, d.TableID); err != nil {
			return err
		}
		o, err = activeOrder(ctx, tx, d.StoreID, d.TableID)
		return err
	})
	return r, t, o, err
}

// activeOrder returns the table's open or sent order, or nil.
func activeOrder(ctx context.Context, tx Tx, storeID, tableID string) (*Order, error) {
	list, err := tx.ListOrders(ctx, OrderFilter{StoreID: storeID, TableID: tableID, Statuses: []OrderStatus{StatusOpen, StatusSent}, Limit: 1})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// ClearTable ends the table's session (the party left): its diners can no
// longer see or change anything, and the next phone to scan the table's
// code starts a new session. Managers and cashiers. It is refused while
// the table has an order with items that is not paid (charge or void it
// first); an empty order a diner opened is voided with it.
func (s *Service) ClearTable(ctx context.Context, a Actor, key, tableID string) (TableSession, bool, error) {
	if err := require(a, RoleCashier, "clear a table"); err != nil {
		return TableSession{}, false, err
	}
	var voided *Order
	ts, replay, err := idempotent(ctx, s, a.StoreID, key, "clear-table", tableID, func(tx Tx) (TableSession, error) {
		if _, err := tx.TableByID(ctx, a.StoreID, tableID); err != nil {
			return TableSession{}, notFound(err, "table")
		}
		ts, err := tx.OpenTableSession(ctx, a.StoreID, tableID)
		if errors.Is(err, ErrNotFound) {
			return TableSession{}, refuse(CodeNotFound, "no diners are seated at this table")
		}
		if err != nil {
			return TableSession{}, err
		}
		o, err := activeOrder(ctx, tx, a.StoreID, tableID)
		if err != nil {
			return TableSession{}, err
		}
		if o != nil {
			if len(o.Lines) > 0 {
				return TableSession{}, &Error{Code: CodeConflict, OrderID: o.ID,
					Message: fmt.Sprintf("order %d of this table is not paid yet: charge or void it before clearing the table", o.Number)}
			}
			now := s.clock()
			o.Status, o.VoidReason, o.ClosedAt = StatusVoid, "table cleared", &now
			o.Version++
			o.UpdatedAt = now
			if err := tx.UpdateOrderState(ctx, *o); err != nil {
				return TableSession{}, err
			}
			voided = o
		}
		now := s.clock()
		if err := tx.EndTableSession(ctx, a.StoreID, ts.ID, now); err != nil {
			return TableSession{}, err
		}
		if err := s.endSessionWork(ctx, tx, a, ts, now); err != nil {
			return TableSession{}, err
		}
		ts.EndedAt = &now
		s.log.Info("table cleared", "store", a.StoreID, "table", tableID, "session", ts.ID, "by", a.StaffID)
		return ts, nil
	})
	if err == nil && !replay {
		if voided != nil {
			s.notify(*voided)
		}
		s.onDiner(DinerEvent{StoreID: ts.StoreID, TableID: ts.TableID, TableSessionID: ts.ID, SessionEnded: true})
	}
	return ts, replay, err
}
