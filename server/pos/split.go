package pos

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"qrpos/server/token"
)

// ShareKind is how a share of a split bill was made.
type ShareKind string

// Share kinds.
const (
	// ShareEqual is one of Parts equal parts of what was due.
	ShareEqual ShareKind = "equal"
	// ShareItems is what some lines of the order cost.
	ShareItems ShareKind = "items"
	// ShareRest is what the items shares leave of what was due.
	ShareRest ShareKind = "rest"
)

// ShareStatus is where a share is in its life:
//
//	open ──▶ paying ──▶ paid
//	  ▲         │         │
//	  └─────────┴─────────┘ (the payment failed, expired or was voided)
//	open ──▶ void (a new split replaced it, or the bill changed)
//
// A share is paying while it has a live intent, and has at most one.
type ShareStatus string

// Share statuses.
const (
	ShareOpen   ShareStatus = "open"
	SharePaying ShareStatus = "paying"
	SharePaid   ShareStatus = "paid"
	ShareVoid   ShareStatus = "void"
)

// Unpaid reports whether the share is part of what is still to pay.
func (s ShareStatus) Unpaid() bool { return s == ShareOpen || s == SharePaying }

// Share is a part of an order's bill that one diner pays.
type Share struct {
	ID       string
	StoreID  string
	OrderID  string
	Kind     ShareKind
	Position int // from 1; of Parts for an equal split
	Parts    int
	Amount   int64
	Currency string
	Status   ShareStatus
	// LineIDs are the lines an items share pays for.
	LineIDs []string
	// BillHash names the lines and prices the share was computed for
	// (billHash); when they change, an unpaid share no longer pays.
	BillHash  string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// ShareTx is what split bills need from a transaction, beyond Tx.
type ShareTx interface {
	// CreateShare fails with ErrConflict for a duplicate id.
	CreateShare(ctx context.Context, s Share) error
	ShareByID(ctx context.Context, storeID, id string) (Share, error)
	// UpdateShare saves Status, UpdatedAt and Version, and fails with
	// ErrConflict unless the stored version is s.Version-1.
	UpdateShare(ctx context.Context, s Share) error
	// ListShares returns an order's shares, oldest first (by creation
	// time, then position, then id), void ones included.
	ListShares(ctx context.Context, storeID, orderID string) ([]Share, error)
}

// Limits of split bills.
const (
	// MaxParts is the most equal parts a bill splits into.
	MaxParts = 20
	// MaxTipBP caps a tip given as a rate: 100 % of the share.
	MaxTipBP = 10_000
	// ShareWindow is how long a share's payment may wait for its payer.
	// It is shorter than QRWindow: while it waits, the share is paying
	// and the bill cannot be split again.
	ShareWindow = 5 * time.Minute
	// maxSplitID leaves room for the suffixes of derived share ids.
	maxSplitID = maxIDLength - 8
)

// SplitEqual divides amount into n parts that add up to it exactly: each
// gets amount/n and the first amount%n get one minor unit more, so the
// same bill always splits the same way. n must be at least 1.
func SplitEqual(amount int64, n int) []int64 {
	out := make([]int64, n)
	base, rem := amount/int64(n), amount%int64(n)
	for i := range out {
		out[i] = base
		if int64(i) < rem {
			out[i]++
		}
	}
	return out
}

// TipFromBP is a tip of bp basis points of amount, rounded half up.
func TipFromBP(amount int64, bp int) int64 { return divRoundHalfUp(amount*int64(bp), 10_000) }

// TipRequest is a tip: a rate in basis points of the share (1000 = 10 %)
// or an amount in minor units; at most one of them is set.
type TipRequest struct {
	BP     int
	Amount int64
}

// of returns the tip on a share of amount, or why it cannot be given.
func (t TipRequest) of(amount int64, currency string) (int64, error) {
	switch {
	case t.BP != 0 && t.Amount != 0:
		return 0, invalid("tip", "give the tip as a percentage or as an amount, not both")
	case t.BP < 0 || t.BP > MaxTipBP:
		return 0, invalid("tip_bp", "a tip is between 0 %% and 100 %% of the share")
	case t.Amount < 0 || t.Amount > amount:
		return 0, invalid("tip", "a tip is between 0 and the share (%s)", formatMinor(amount, currency))
	case t.BP != 0:
		return TipFromBP(amount, t.BP), nil
	}
	return t.Amount, nil
}

// billHash names an order's lines as they are priced now: the lines an
// unpaid share was computed for. Payments do not change it.
func billHash(o Order) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", o.Currency)
	for _, l := range o.Lines {
		if l.Pending {
			continue // not on the bill until the staff accept it
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\n", l.ID, l.Qty, l.UnitPrice(), l.TaxRateBP)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// planStale reports whether the unpaid shares of an order no longer pay its
// bill: its lines changed since they were made, or they do not add up to
// what is due (a payment at the counter, a voided payment).
func planStale(o Order, t Totals, shares []Share) bool {
	hash := billHash(o)
	var unpaid int64
	n := 0
	for _, sh := range shares {
		if !sh.Status.Unpaid() {
			continue
		}
		if sh.BillHash != hash {
			return true
		}
		unpaid += sh.Amount
		n++
	}
	return n > 0 && unpaid != t.Due
}

// linesTotal is what some lines of an order cost, tax included as the
// order's totals count it.
func linesTotal(o Order, ids map[string]bool, taxInclusive bool) int64 {
	sub := Order{Currency: o.Currency}
	for _, l := range o.Lines {
		if ids[l.ID] {
			sub.Lines = append(sub.Lines, l)
		}
	}
	return ComputeTotals(sub, taxInclusive).Total
}

// SplitRequest says how to split what an order still owes: into Parts
// equal shares (1 is the whole bill), or a share of the lines LineIDs and
// a share of the rest. SplitID, chosen by the device, names the shares.
type SplitRequest struct {
	SplitID string
	Parts   int
	LineIDs []string
}

// payer is who splits or pays a bill: a member of staff (StaffID, any
// order of the store) or a diner (TableID, only the table's order).
type payer struct {
	StoreID string
	StaffID string
	TableID string
}

func staffPayer(a Actor) payer { return payer{StoreID: a.StoreID, StaffID: a.StaffID} }

// Split splits what an order owes into shares, for the phones at the table
// (or the tablet) to pay one by one. A new split replaces the unpaid
// shares; it is refused while one of them is being paid. Shares already
// paid stay: only the unpaid rest is split again.
func (s *Service) Split(ctx context.Context, a Actor, key, orderID string, req SplitRequest) ([]Share, bool, error) {
	return s.split(ctx, staffPayer(a), key, orderID, req)
}

func (s *Service) split(ctx context.Context, p payer, key, orderID string, req SplitRequest) ([]Share, bool, error) {
	if err := checkID("split_id", req.SplitID); err != nil {
		return nil, false, err
	}
	if len(req.SplitID) > maxSplitID {
		return nil, false, invalid("split_id", "the id is too long")
	}
	switch {
	case len(req.LineIDs) > 0 && req.Parts != 0:
		return nil, false, invalid("parts", "split into equal shares or by items, not both")
	case len(req.LineIDs) == 0 && (req.Parts < 1 || req.Parts > MaxParts):
		return nil, false, invalid("parts", "split into 1 to %d shares", MaxParts)
	case len(req.LineIDs) > MaxLines:
		return nil, false, invalid("line_ids", "too many items")
	}
	var cancelled []Intent
	body := struct {
		Order string
		Req   SplitRequest
		Table string
	}{orderID, req, p.TableID}
	out, replay, err := idempotent(ctx, s, p.StoreID, key, "split", body, func(tx Tx) ([]Share, error) {
		out, c, err := s.splitTx(ctx, tx, p, orderID, req)
		cancelled = c
		return out, err
	})
	if err == nil && !replay {
		for _, c := range cancelled {
			s.onPayment(c)
		}
		if len(out) > 0 {
			s.onShares(p.StoreID, orderID)
		}
	}
	return out, replay, err
}

// openBill loads an active order the payer may split or pay.
func (s *Service) openBill(ctx context.Context, tx Tx, p payer, orderID string) (bill, Totals, error) {
	b, err := loadBill(ctx, tx, p.StoreID, orderID)
	if err != nil {
		return bill{}, Totals{}, err
	}
	if p.TableID != "" && b.order.TableID != p.TableID {
		return bill{}, Totals{}, refuse(CodeNotFound, "that bill is not your table's")
	}
	if !b.order.Status.Active() {
		return bill{}, Totals{}, &Error{Code: CodeAlreadyPaid, Message: fmt.Sprintf("order %d is %s: there is nothing left to pay", b.order.Number, b.order.Status), OrderID: b.order.ID}
	}
	t := ComputeTotals(b.order, b.rest.TaxInclusive)
	if t.Total == 0 {
		return bill{}, Totals{}, invalid("", "the bill is empty")
	}
	if t.Due == 0 {
		return bill{}, Totals{}, &Error{Code: CodeAlreadyPaid, Message: "the bill is already paid", OrderID: b.order.ID}
	}
	return b, t, nil
}

func (s *Service) splitTx(ctx context.Context, tx Tx, p payer, orderID string, req SplitRequest) ([]Share, []Intent, error) {
	b, t, err := s.openBill(ctx, tx, p, orderID)
	if err != nil {
		return nil, nil, err
	}
	o := b.order
	all, err := tx.ListShares(ctx, p.StoreID, o.ID)
	if err != nil {
		return nil, nil, err
	}
	stale := planStale(o, t, all)
	hash := billHash(o)
	now := s.clock()
	mk := func(id string, kind ShareKind, pos, parts int, amount int64, lines []string) Share {
		if lines == nil {
			lines = []string{}
		}
		return Share{ID: id, StoreID: p.StoreID, OrderID: o.ID, Kind: kind, Position: pos, Parts: parts, Amount: amount,
			Currency: o.Currency, Status: ShareOpen, LineIDs: lines, BillHash: hash, CreatedAt: now, UpdatedAt: now, Version: 1}
	}

	var replace []Share // unpaid shares the split replaces
	var kept []Share    // unpaid items shares it keeps
	var fresh []Share
	if req.Parts > 0 {
		if int64(req.Parts) > t.Due {
			return nil, nil, invalid("parts", "%s cannot be split into %d shares", formatMinor(t.Due, o.Currency), req.Parts)
		}
		for _, sh := range all {
			if sh.Status.Unpaid() {
				replace = append(replace, sh)
			}
		}
		for i, amount := range SplitEqual(t.Due, req.Parts) {
			fresh = append(fresh, mk(req.SplitID+"-"+strconv.Itoa(i+1), ShareEqual, i+1, req.Parts, amount, nil))
		}
	} else {
		want := map[string]bool{}
		for _, id := range req.LineIDs {
			if want[id] {
				return nil, nil, invalid("line_ids", "an item was chosen twice")
			}
			if i := lineIndex(o, id); i < 0 || o.Lines[i].Pending {
				return nil, nil, &Error{Code: CodeNotFound, Field: "line_ids", Message: "an item you chose is not on the bill"}
			}
			want[id] = true
		}
		// Lines are in at most one paid or unpaid items share; an unpaid
		// one that shares a line with the new choice is replaced by it.
		taken := map[string]bool{} // lines of the items shares that stay
		var stayItems int64        // what those shares cost
		for _, sh := range all {
			if sh.Status == ShareVoid {
				continue
			}
			overlap := slices.ContainsFunc(sh.LineIDs, func(id string) bool { return want[id] })
			switch {
			case sh.Status == SharePaid && overlap:
				return nil, nil, refuse(CodeAlreadyPaid, "%s is already paid", lineNames(o, sh.LineIDs, want))
			case sh.Status == SharePaid:
				if sh.Kind == ShareItems {
					for _, id := range sh.LineIDs {
						taken[id] = true
					}
					stayItems += sh.Amount
				}
			case sh.Kind != ShareItems || overlap || stale:
				replace = append(replace, sh)
			default:
				kept = append(kept, sh)
				for _, id := range sh.LineIDs {
					taken[id] = true
				}
				stayItems += sh.Amount
			}
		}
		union := map[string]bool{}
		for id := range taken {
			union[id] = true
		}
		for id := range want {
			union[id] = true
		}
		// The items shares add up to what all their lines cost together,
		// so rounding of tax never makes them cost more than the bill.
		amount := linesTotal(o, union, b.rest.TaxInclusive) - stayItems
		if amount <= 0 {
			return nil, nil, invalid("line_ids", "these items cost nothing")
		}
		var keptAmount int64
		for _, sh := range kept {
			keptAmount += sh.Amount
		}
		rest := t.Due - keptAmount - amount
		if rest < 0 {
			return nil, nil, invalid("line_ids", "these items cost %s, more than the %s left to pay", formatMinor(amount, o.Currency), formatMinor(t.Due-keptAmount, o.Currency))
		}
		lines := slices.Clone(req.LineIDs)
		fresh = append(fresh, mk(req.SplitID, ShareItems, 1, 1, amount, lines))
		if rest > 0 {
			fresh = append(fresh, mk(req.SplitID+"-rest", ShareRest, 1, 1, rest, nil))
		}
	}

	var cancelled []Intent
	for _, sh := range replace {
		if sh.Status == SharePaying {
			c, err := s.clearShareIntents(ctx, tx, sh, stale)
			if err != nil {
				return nil, nil, err
			}
			cancelled = append(cancelled, c...)
			if sh, err = tx.ShareByID(ctx, sh.StoreID, sh.ID); err != nil {
				return nil, nil, err
			}
		}
		if err := s.moveShare(ctx, tx, &sh, ShareVoid); err != nil {
			return nil, nil, err
		}
	}
	for _, sh := range fresh {
		if err := tx.CreateShare(ctx, sh); err != nil {
			if errors.Is(err, ErrConflict) {
				return nil, nil, refuse(CodeConflict, "this split was already made")
			}
			return nil, nil, err
		}
	}
	out := slices.Clone(kept)
	return append(out, fresh...), cancelled, nil
}

// clearShareIntents ends the live intent of a share a new split replaces.
// It refuses while the share is really being paid; once the bill changed
// under it (stale), its unpaid intent can never pay and is cancelled.
func (s *Service) clearShareIntents(ctx context.Context, tx Tx, sh Share, stale bool) ([]Intent, error) {
	live, err := s.shareLive(ctx, tx, sh)
	if err != nil {
		return nil, err
	}
	var out []Intent
	for _, in := range live {
		if in.Status == IntentPending || !stale {
			return nil, &Error{Code: CodePaymentActive, Message: fmt.Sprintf("%s is being paid right now; wait for it before splitting again", shareName(sh)), OrderID: sh.OrderID}
		}
		if err := s.moveIntent(ctx, tx, &in, IntentCancelled, "the bill changed"); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// shareLive returns the live intents of a share (at most one).
func (s *Service) shareLive(ctx context.Context, tx Tx, sh Share) ([]Intent, error) {
	live, err := tx.ListIntents(ctx, IntentFilter{StoreID: sh.StoreID, OrderID: sh.OrderID, Statuses: []IntentStatus{IntentCreated, IntentPending}})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(live, func(in Intent) bool { return in.ShareID != sh.ID }), nil
}

// moveShare changes a share's status and saves it.
func (s *Service) moveShare(ctx context.Context, tx Tx, sh *Share, to ShareStatus) error {
	if sh.Status == to {
		return nil
	}
	sh.Status = to
	sh.Version++
	sh.UpdatedAt = s.clock()
	if err := tx.UpdateShare(ctx, *sh); err != nil {
		if errors.Is(err, ErrConflict) {
			return refuse(CodeConflict, "this share changed meanwhile; try again")
		}
		return err
	}
	return nil
}

// syncShare keeps a share's status in step with its intent's, inside the
// transaction that moved the intent: paying while the intent is live, paid
// once it captured, open again when it failed, expired or was voided.
func (s *Service) syncShare(ctx context.Context, tx Tx, in Intent) error {
	if in.ShareID == "" {
		return nil
	}
	sh, err := tx.ShareByID(ctx, in.StoreID, in.ShareID)
	if err != nil {
		return fmt.Errorf("pos: share of intent %s: %w", in.ID, err)
	}
	to := sh.Status
	switch {
	case in.Status.Live():
		to = SharePaying
	case in.Status.Captured():
		to = SharePaid
	case sh.Status == SharePaying || sh.Status == SharePaid && in.Status == IntentReversed:
		to = ShareOpen
	}
	if sh.Status == ShareVoid && to != SharePaid {
		return nil
	}
	return s.moveShare(ctx, tx, &sh, to)
}

// shareStale reports whether a share intent can no longer pay: its share
// was replaced, or the bill changed under it.
func shareStale(ctx context.Context, tx Tx, in Intent, b bill) (bool, error) {
	if !b.order.Status.Active() {
		return true, nil
	}
	all, err := tx.ListShares(ctx, in.StoreID, in.OrderID)
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(all, func(sh Share) bool { return sh.ID == in.ShareID })
	if i < 0 || all[i].Status == ShareVoid || all[i].Amount != in.Amount {
		return true, nil
	}
	return planStale(b.order, ComputeTotals(b.order, b.rest.TaxInclusive), all), nil
}

// intentStale reports whether the bill an intent was made for changed: for
// the counter's intents any change of the order, for a share's a change
// that the share does not survive (the payment of another share does not
// matter).
func intentStale(ctx context.Context, tx Tx, in Intent, b bill) (bool, error) {
	if in.ShareID != "" {
		return shareStale(ctx, tx, in, b)
	}
	return b.order.Version != in.OrderVersion || !b.order.Status.Active(), nil
}

// PayShareRequest starts the payment of a share: IntentID, chosen by the
// device, names the payment; Tip is added to the share.
type PayShareRequest struct {
	IntentID string
	Tip      TipRequest
}

// PayShare starts (or, with the same tip, reuses) the payment of a share:
// a merchant-presented intent of the share plus the tip, paid on the pay
// page like the counter's QR. A share is paid at most once however many
// phones try: each share has at most one live intent, and paying consumes
// it.
func (s *Service) PayShare(ctx context.Context, a Actor, key, shareID string, req PayShareRequest) (Intent, bool, error) {
	return s.payShare(ctx, staffPayer(a), key, shareID, req)
}

func (s *Service) payShare(ctx context.Context, p payer, key, shareID string, req PayShareRequest) (Intent, bool, error) {
	if err := checkID("intent_id", req.IntentID); err != nil {
		return Intent{}, false, err
	}
	var cancelled []Intent
	created := false
	body := struct {
		Share string
		Req   PayShareRequest
		Table string
	}{shareID, req, p.TableID}
	in, replay, err := idempotent(ctx, s, p.StoreID, key, "pay_share", body, func(tx Tx) (Intent, error) {
		sh, err := tx.ShareByID(ctx, p.StoreID, shareID)
		if err != nil {
			return Intent{}, notFound(err, "share")
		}
		if p.TableID != "" {
			o, err := tx.OrderByID(ctx, p.StoreID, sh.OrderID)
			if err != nil {
				return Intent{}, err
			}
			if o.TableID != p.TableID {
				return Intent{}, refuse(CodeNotFound, "that share is not on your table's bill")
			}
		}
		switch sh.Status {
		case SharePaid:
			return Intent{}, refuse(CodeAlreadyPaid, "%s is already paid", shareName(sh))
		case ShareVoid:
			return Intent{}, refuse(CodeBillChanged, "the bill was split again; choose your share again")
		}
		b, t, err := s.openBill(ctx, tx, p, sh.OrderID)
		if err != nil {
			return Intent{}, err
		}
		all, err := tx.ListShares(ctx, p.StoreID, sh.OrderID)
		if err != nil {
			return Intent{}, err
		}
		if planStale(b.order, t, all) {
			return Intent{}, refuse(CodeBillChanged, "the bill changed; choose how to split it again")
		}
		tip, err := req.Tip.of(sh.Amount, sh.Currency)
		if err != nil {
			return Intent{}, err
		}
		live, err := s.shareLive(ctx, tx, sh)
		if err != nil {
			return Intent{}, err
		}
		for _, in := range live {
			if in.Status == IntentPending {
				return Intent{}, &Error{Code: CodePaymentActive, Message: fmt.Sprintf("someone is paying %s right now", shareName(sh)), OrderID: sh.OrderID}
			}
			if in.Tip == tip {
				return in, nil // the same payment: every phone gets it
			}
			if err := s.moveIntent(ctx, tx, &in, IntentCancelled, "replaced by a new payment"); err != nil {
				return Intent{}, err
			}
			cancelled = append(cancelled, in)
		}
		now := s.clock()
		in := Intent{ID: req.IntentID, StoreID: p.StoreID, OrderID: sh.OrderID, ShareID: sh.ID, Method: MethodQR, Amount: sh.Amount,
			Tip: tip, Currency: sh.Currency, OrderVersion: b.order.Version, Status: IntentCreated,
			TerminalID: orDefault(p.TableID, "counter"), CreatedBy: p.StaffID, CreatedAt: now, UpdatedAt: now,
			Deadline: now.Add(ShareWindow), Version: 1}
		if err := tx.CreateIntent(ctx, in); err != nil {
			if errors.Is(err, ErrConflict) {
				return Intent{}, refuse(CodeConflict, "a payment with this id already exists")
			}
			return Intent{}, err
		}
		created = true
		return in, s.syncShare(ctx, tx, in)
	})
	if err == nil && !replay {
		for _, c := range cancelled {
			s.onPayment(c)
		}
		if created {
			s.onPayment(in)
		}
	}
	return in, replay, err
}

// shareName names a share for people: "share 2 of 3", "the items",
// "the rest".
func shareName(sh Share) string {
	switch sh.Kind {
	case ShareItems:
		return "this share of items"
	case ShareRest:
		return "the rest of the bill"
	}
	if sh.Parts == 1 {
		return "the bill"
	}
	return fmt.Sprintf("share %d of %d", sh.Position, sh.Parts)
}

func lineNames(o Order, ids []string, only map[string]bool) string {
	var names []string
	for _, id := range ids {
		if i := lineIndex(o, id); i >= 0 && only[id] {
			names = append(names, o.Lines[i].Name)
		}
	}
	if len(names) == 0 {
		return "an item you chose"
	}
	return strings.Join(names, ", ")
}

// BillView is an order's bill as the phones at the table see it: lines,
// totals (with what was paid and is due), and its live shares.
type BillView struct {
	Order      Order
	Restaurant Restaurant
	TableName  string
	Totals     Totals
	// Shares are the shares that are not void, oldest first.
	Shares []Share
	// Tips maps a share's id to the tip of its live or captured intent.
	Tips map[string]int64
	// Stale says the unpaid shares no longer match the bill: split again.
	Stale bool
}

// Bill returns an order's bill with its shares.
func (s *Service) Bill(ctx context.Context, a Actor, orderID string) (BillView, error) {
	return s.bill(ctx, staffPayer(a), orderID)
}

func (s *Service) bill(ctx context.Context, p payer, orderID string) (BillView, error) {
	var v BillView
	err := s.store.Read(ctx, func(tx Tx) error {
		b, err := loadBill(ctx, tx, p.StoreID, orderID)
		if err != nil {
			return err
		}
		if p.TableID != "" && b.order.TableID != p.TableID {
			return refuse(CodeNotFound, "that bill is not your table's")
		}
		v.Order, v.Restaurant = b.order, b.rest
		v.Totals = ComputeTotals(b.order, b.rest.TaxInclusive)
		if b.order.TableID != "" {
			if t, err := tx.TableByID(ctx, p.StoreID, b.order.TableID); err == nil {
				v.TableName = t.Name
			}
		}
		all, err := tx.ListShares(ctx, p.StoreID, orderID)
		if err != nil {
			return err
		}
		v.Stale = b.order.Status.Active() && planStale(b.order, v.Totals, all)
		for _, sh := range all {
			if sh.Status != ShareVoid {
				v.Shares = append(v.Shares, sh)
			}
		}
		intents, err := tx.ListIntents(ctx, IntentFilter{StoreID: p.StoreID, OrderID: orderID})
		if err != nil {
			return err
		}
		v.Tips = map[string]int64{}
		for _, in := range intents {
			if in.ShareID != "" && (in.Status.Live() || in.Status.Captured()) {
				v.Tips[in.ShareID] = in.Tip
			}
		}
		return nil
	})
	return v, err
}

// ---- the diner's phone ----

func dinerPayer(d Diner) payer { return payer{StoreID: d.StoreID, TableID: d.TableID} }

// dinerOrderID returns the order a diner's bill is: the table's active
// order, else (with settled) the one paid last since the diner's party sat
// down, so the phones see their bill paid.
func (s *Service) dinerOrderID(ctx context.Context, d Diner, settled bool) (string, error) {
	var id string
	err := s.store.Read(ctx, func(tx Tx) error {
		o, err := activeOrder(ctx, tx, d.StoreID, d.TableID)
		if err != nil || o != nil {
			if o != nil {
				id = o.ID
			}
			return err
		}
		if !settled {
			return nil
		}
		ts, err := tx.TableSessionByID(ctx, d.StoreID, d.TableSessionID)
		if err != nil {
			return err
		}
		done, err := tx.ListOrders(ctx, OrderFilter{StoreID: d.StoreID, TableID: d.TableID, Statuses: []OrderStatus{StatusPaid, StatusClosed},
			ClosedSince: ts.OpenedAt, Limit: 1})
		if err == nil && len(done) > 0 {
			id = done[0].ID
		}
		return err
	})
	if err == nil && id == "" {
		err = refuse(CodeNotFound, "nothing has been ordered at this table yet")
	}
	return id, err
}

// settledOrder returns the order paid last at a table since its open
// table session began, or "" (no session, or nothing paid in it).
func settledOrder(ctx context.Context, tx Tx, storeID, tableID string) (string, error) {
	ts, err := tx.OpenTableSession(ctx, storeID, tableID)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	done, err := tx.ListOrders(ctx, OrderFilter{StoreID: storeID, TableID: tableID, Statuses: []OrderStatus{StatusPaid, StatusClosed},
		ClosedSince: ts.OpenedAt, Limit: 1})
	if err != nil || len(done) == 0 {
		return "", err
	}
	return done[0].ID, nil
}

// DinerBill returns the bill of the diner's table.
func (s *Service) DinerBill(ctx context.Context, d Diner) (BillView, error) {
	id, err := s.dinerOrderID(ctx, d, true)
	if err != nil {
		return BillView{}, err
	}
	return s.bill(ctx, dinerPayer(d), id)
}

// DinerSplit splits the bill of the diner's table (see Split).
func (s *Service) DinerSplit(ctx context.Context, d Diner, key string, req SplitRequest) ([]Share, string, bool, error) {
	id, err := s.dinerOrderID(ctx, d, false)
	if err != nil {
		return nil, "", false, err
	}
	out, replay, err := s.split(ctx, dinerPayer(d), key, id, req)
	return out, id, replay, err
}

// DinerPayShare starts the payment of a share of the diner's table's bill
// (see PayShare).
func (s *Service) DinerPayShare(ctx context.Context, d Diner, key, shareID string, req PayShareRequest) (Intent, bool, error) {
	return s.payShare(ctx, dinerPayer(d), key, shareID, req)
}

// ShareToken returns a fresh one-time token of a share's live payment,
// for the phone to open the pay page with; the payment must be the
// store's.
func (s *Service) ShareToken(ctx context.Context, storeID, intentID string) (string, token.PaymentClaims, error) {
	return s.IssueToken(ctx, Actor{StoreID: storeID}, intentID)
}
