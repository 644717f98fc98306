package pos

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"qrpos/internal/paycode"
	"qrpos/server/ledger"
	"qrpos/server/token"
)

// Payment timings.
const (
	// PendingWindow is how long a payer may take to confirm, or an
	// external rail to answer, before the payment is reversed (WeChat Pay
	// reverses micropay after about 45 s of USERPAYING).
	PendingWindow = 45 * time.Second
	// QRWindow is how long a merchant QR intent may wait for a diner
	// before it expires.
	QRWindow = 15 * time.Minute
	// railTimeout bounds one call to an external rail; a call that takes
	// longer has an unknown outcome.
	railTimeout = 10 * time.Second
)

// ---- creating intents ----

// CreateQRIntent starts a merchant-presented payment of what the order owes
// now: the tablet shows a jumping QR of its tokens. A previous unpaid QR of
// the order is cancelled; a payment the payer is confirming blocks.
func (s *Service) CreateQRIntent(ctx context.Context, a Actor, key, orderID, intentID, terminal string) (Intent, bool, error) {
	if err := checkID("intent_id", intentID); err != nil {
		return Intent{}, false, err
	}
	var cancelled []Intent
	req := struct{ Order, Intent, Terminal string }{orderID, intentID, terminal}
	in, replay, err := idempotent(ctx, s, a.StoreID, key, "create_qr_intent", req, func(tx Tx) (Intent, error) {
		in, _, c, err := s.newIntent(ctx, tx, a, orderID, intentID, terminal, MethodQR, "")
		cancelled = c
		return in, err
	})
	if err == nil && !replay {
		for _, c := range cancelled {
			s.onPayment(c)
		}
		s.onPayment(in)
	}
	return in, replay, err
}

// bill is an order with its restaurant, loaded once per transaction, and
// whether the order had a live intent then.
type bill struct {
	order Order
	rest  Restaurant
	live  bool
}

func loadBill(ctx context.Context, tx Tx, storeID, orderID string) (bill, error) {
	b, err := tx.BillByID(ctx, storeID, orderID)
	if err != nil {
		return bill{}, notFound(err, "order")
	}
	return bill{b.Order, b.Restaurant, b.Live}, nil
}

// newIntent creates an intent for what an active order owes, after
// cancelling the order's unpaid QR intents. It refuses while a payment is
// pending (the payer may be confirming it right now).
func (s *Service) newIntent(ctx context.Context, tx Tx, a Actor, orderID, id, terminal string, m Method, rail string) (Intent, bill, []Intent, error) {
	in, b, cancelled, err := s.planIntent(ctx, tx, a, orderID, id, terminal, m, rail)
	if err != nil {
		return Intent{}, bill{}, nil, err
	}
	if err := createIntent(ctx, tx, in); err != nil {
		return Intent{}, bill{}, nil, err
	}
	return in, b, cancelled, nil
}

// createIntent stores a new intent.
func createIntent(ctx context.Context, tx Tx, in Intent) error {
	err := tx.CreateIntent(ctx, in)
	if errors.Is(err, ErrConflict) {
		return refuse(CodeConflict, "a payment with this id already exists")
	}
	return err
}

// planIntent does what newIntent does but store the intent: the caller
// stores it with createIntent, in whatever state it reached meanwhile, in
// the same transaction (which refuses an id that is taken then).
func (s *Service) planIntent(ctx context.Context, tx Tx, a Actor, orderID, id, terminal string, m Method, rail string) (Intent, bill, []Intent, error) {
	b, err := loadBill(ctx, tx, a.StoreID, orderID)
	if err != nil {
		return Intent{}, bill{}, nil, err
	}
	o := b.order
	if !o.Status.Active() {
		return Intent{}, bill{}, nil, &Error{Code: CodeAlreadyPaid, Message: fmt.Sprintf("order %d is %s", o.Number, o.Status), OrderID: o.ID}
	}
	due := ComputeTotals(o, b.rest.TaxInclusive).Due
	if due <= 0 {
		return Intent{}, bill{}, nil, invalid("", "the order owes nothing")
	}
	var cancelled []Intent
	if b.live {
		if cancelled, err = s.cancelLiveIntents(ctx, tx, a.StoreID, orderID, "replaced by a new payment"); err != nil {
			return Intent{}, bill{}, nil, err
		}
	}
	now := s.clock()
	in := Intent{ID: id, StoreID: a.StoreID, OrderID: orderID, Method: m, Rail: rail, Amount: due, Currency: o.Currency,
		OrderVersion: o.Version, Status: IntentCreated, TerminalID: terminal, CreatedBy: a.StaffID,
		CreatedAt: now, UpdatedAt: now, Deadline: now.Add(QRWindow), Version: 1}
	return in, b, cancelled, nil
}

// clearLiveIntents cancels the order's created (not yet paid) intents and
// refuses if one is pending: at most one payment of an order is ever in
// flight, which is what makes paying twice impossible.
func (s *Service) clearLiveIntents(ctx context.Context, tx Tx, storeID, orderID, reason string) ([]Intent, error) {
	if live, err := tx.HasLiveIntents(ctx, storeID, orderID); err != nil || !live {
		return nil, err
	}
	return s.cancelLiveIntents(ctx, tx, storeID, orderID, reason)
}

// cancelLiveIntents is clearLiveIntents for an order known to have a live
// intent.
func (s *Service) cancelLiveIntents(ctx context.Context, tx Tx, storeID, orderID, reason string) ([]Intent, error) {
	live, err := tx.ListIntents(ctx, IntentFilter{StoreID: storeID, OrderID: orderID, Statuses: []IntentStatus{IntentCreated, IntentPending}})
	if err != nil {
		return nil, err
	}
	var out []Intent
	for _, in := range live {
		if in.Status == IntentPending {
			return nil, &Error{Code: CodePaymentActive, Message: "a payment of this order is waiting for the payer; wait for it or cancel it", OrderID: orderID}
		}
		if err := s.moveIntent(ctx, tx, &in, IntentCancelled, reason); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// moveIntent applies one transition of the state machine and saves it.
func (s *Service) moveIntent(ctx context.Context, tx Tx, in *Intent, to IntentStatus, reason string) error {
	if err := s.transition(in, to, reason); err != nil {
		return err
	}
	if err := tx.UpdateIntent(ctx, *in); err != nil {
		if errors.Is(err, ErrConflict) {
			return refuse(CodeConflict, "this payment changed meanwhile; try again")
		}
		return err
	}
	return s.syncShare(ctx, tx, *in)
}

// transition applies one transition of the state machine to in, in
// memory: the caller saves it.
func (s *Service) transition(in *Intent, to IntentStatus, reason string) error {
	if !in.Status.CanMoveTo(to) {
		return refuse(CodeConflict, "this payment is %s and cannot become %s", in.Status, to)
	}
	in.Status = to
	if reason != "" {
		in.Reason = reason
	}
	in.Version++
	in.UpdatedAt = s.clock()
	return nil
}

// advance moves an intent that is stored (saved) with moveIntent, and one
// that is not stored yet only in memory: its caller stores it in its final
// state, which spares the database an insert and an update of every index
// of intents.
func (s *Service) advance(ctx context.Context, tx Tx, in *Intent, to IntentStatus, reason string, saved bool) error {
	if !saved {
		return s.transition(in, to, reason)
	}
	return s.moveIntent(ctx, tx, in, to, reason)
}

// ---- merchant-presented QR ----

// IssueToken returns a fresh one-time token for a live QR intent. If the
// bill changed since the intent was made, the intent is cancelled and
// CodeBillChanged returned: the tablet starts a new payment.
func (s *Service) IssueToken(ctx context.Context, a Actor, intentID string) (string, token.PaymentClaims, error) {
	if s.signer == nil {
		return "", token.PaymentClaims{}, errors.New("pos: no token signer")
	}
	var in Intent
	var stale bool
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		in, err = tx.IntentByID(ctx, a.StoreID, intentID)
		if err != nil {
			return notFound(err, "payment")
		}
		if in.Method != MethodQR || in.Status != IntentCreated {
			return &Error{Code: CodeConflict, Message: fmt.Sprintf("this payment is %s", in.Status)}
		}
		b, err := loadBill(ctx, tx, a.StoreID, in.OrderID)
		if err != nil {
			return err
		}
		stale, err = intentStale(ctx, tx, in, b)
		return err
	})
	if err != nil {
		return "", token.PaymentClaims{}, err
	}
	if stale {
		s.cancelStale(ctx, in)
		return "", token.PaymentClaims{}, refuse(CodeBillChanged, "the bill changed; start the payment again")
	}
	return s.signer.Issue(token.Payment{IntentID: in.ID, StoreID: in.StoreID, TerminalID: orDefault(in.TerminalID, "counter"),
		Amount: moneyOf(in.Amount, in.Currency)})
}

// cancelStale cancels a created intent whose bill changed.
func (s *Service) cancelStale(ctx context.Context, in Intent) {
	var done Intent
	err := s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.IntentByID(ctx, in.StoreID, in.ID)
		if err != nil || cur.Status != IntentCreated {
			return err
		}
		done = cur
		return s.moveIntent(ctx, tx, &done, IntentCancelled, "the bill changed")
	})
	if err != nil {
		s.log.Warn("cancel stale intent", "intent", in.ID, "err", err)
		return
	}
	if done.ID != "" {
		s.onPayment(done)
	}
}

// PayView is what the diner's phone shows before paying.
type PayView struct {
	Intent     Intent
	Order      Order
	Restaurant Restaurant
	TableName  string
	ExpiresAt  time.Time
	// Share is the share of a split bill the payment is for, if any.
	Share *Share
}

// PayPage checks a payment token and returns what it pays for. Anyone
// holding the token may see it: it names one order of one restaurant.
func (s *Service) PayPage(ctx context.Context, tok string) (PayView, error) {
	c, err := s.verifyToken(tok)
	if err != nil {
		return PayView{}, err
	}
	var v PayView
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		if v.Intent, err = tx.IntentByID(ctx, c.StoreID, c.IntentID); err != nil {
			return notFound(err, "payment")
		}
		if v.Order, err = tx.OrderByID(ctx, c.StoreID, v.Intent.OrderID); err != nil {
			return err
		}
		if v.Restaurant, err = tx.RestaurantByID(ctx, c.StoreID); err != nil {
			return err
		}
		if v.Order.TableID != "" {
			if t, err := tx.TableByID(ctx, c.StoreID, v.Order.TableID); err == nil {
				v.TableName = t.Name
			}
		}
		if v.Intent.ShareID != "" {
			sh, err := tx.ShareByID(ctx, c.StoreID, v.Intent.ShareID)
			if err != nil {
				return err
			}
			v.Share = &sh
		}
		return nil
	})
	v.ExpiresAt = c.ExpiresAt
	return v, err
}

func (s *Service) verifyToken(tok string) (token.PaymentClaims, error) {
	if s.signer == nil {
		return token.PaymentClaims{}, errors.New("pos: no token signer")
	}
	c, err := s.signer.Verify(tok)
	switch {
	case errors.Is(err, token.ErrExpired):
		return c, refuse(CodeTokenExpired, "this QR code has expired; scan the code on the screen again")
	case err != nil:
		return c, refuse(CodeTokenInvalid, "this is not a valid QRPOS payment code")
	}
	return c, nil
}

// PayWithWallet pays a QR intent from the wallet on the diner's phone
// (identified by its device credential), with an optional tip. The first
// confirmation consumes the intent and so every token of it; a retry by
// the same payer gets the same answer.
func (s *Service) PayWithWallet(ctx context.Context, tok, credential string, tip int64) (Intent, error) {
	c, err := s.verifyToken(tok)
	if err != nil {
		return Intent{}, err
	}
	if tip < 0 || tip > MaxAmount {
		return Intent{}, invalid("tip", "the tip must be between 0 and %d", MaxAmount)
	}
	dev, err := s.deviceByCredential(ctx, credential)
	if err != nil {
		return Intent{}, err
	}
	var in Intent
	var o Order
	err = s.store.Write(ctx, func(tx Tx) error {
		var err error
		if in, err = tx.IntentByID(ctx, c.StoreID, c.IntentID); err != nil {
			return notFound(err, "payment")
		}
		if in.Status.Captured() && in.MemberID == dev.MemberID {
			return nil // a retry of our own payment
		}
		if in.Status != IntentCreated {
			return alreadyHandled(in)
		}
		if in.Amount != c.Amount.Minor || in.Currency != c.Amount.Currency {
			return refuse(CodeTokenInvalid, "this QR code does not match the bill")
		}
		if in.ShareID != "" {
			// A share's tip was chosen with the share.
			if tip != 0 && tip != in.Tip {
				return invalid("tip", "the tip was chosen with your share; go back to the bill to change it")
			}
			tip = in.Tip
		}
		in.Rail, in.Tip = RailWallet, tip
		o, err = s.settleWallet(ctx, tx, &in, dev, settle{payerPresent: true})
		return err
	})
	if err != nil {
		return Intent{}, err
	}
	if o.ID != "" {
		s.notify(o)
		s.onPayment(in)
	}
	return in, nil
}

// alreadyHandled explains why an intent no longer takes a payment.
func alreadyHandled(in Intent) error {
	switch {
	case in.Status.Captured():
		return refuse(CodeAlreadyPaid, "this bill is already paid")
	case in.Status == IntentPending:
		return refuse(CodePaymentActive, "this bill is being paid by someone else")
	case in.Reason == "the bill changed":
		return refuse(CodeBillChanged, "the bill changed; scan the new code on the screen")
	}
	return refuse(CodeTokenExpired, "this payment was %s; scan the new code on the screen", in.Status)
}

// ---- consumer-presented codes ----

// ChargeCode charges a payment code the cashier scanned or typed. The code
// is routed by prefix and length; a wallet this store does not take is
// refused by name. The built-in wallet settles at once, or waits for the
// payer's confirmation above the password-free limit; an external rail is
// asked, and an unknown outcome stays pending until queried or reversed.
func (s *Service) ChargeCode(ctx context.Context, a Actor, key, orderID, intentID, code, terminal string) (Intent, bool, error) {
	if err := checkID("intent_id", intentID); err != nil {
		return Intent{}, false, err
	}
	code = paycode.Trim(code)
	rail, err := paycode.Classify(code)
	if err != nil {
		return Intent{}, false, &Error{Code: CodeNotPaymentCode, Field: "code", Message: "this is not a payment code; ask the payer to show the payment code"}
	}
	ext, accepted := s.rails[string(rail)]
	if rail != paycode.RailWallet && !accepted {
		return Intent{}, false, &Error{Code: CodeNotAccepted, Field: "code", Message: fmt.Sprintf("%s is not accepted here; ask for another way to pay", railName(string(rail)))}
	}
	req := struct{ Order, Intent, Code, Terminal string }{orderID, intentID, code, terminal}
	var cancelled []Intent
	var settled Order
	in, replay, err := idempotent(ctx, s, a.StoreID, key, "charge_code", req, func(tx Tx) (Intent, error) {
		if rail != paycode.RailWallet {
			in, _, c, err := s.newIntent(ctx, tx, a, orderID, intentID, terminal, MethodCode, string(rail))
			if err != nil {
				return Intent{}, err
			}
			cancelled = c
			in.Deadline = s.clock().Add(PendingWindow)
			return in, s.moveIntent(ctx, tx, &in, IntentPending, "")
		}
		// The wallet settles here and now: the intent is stored once, in
		// the state it ends in.
		in, b, c, err := s.planIntent(ctx, tx, a, orderID, intentID, terminal, MethodCode, string(rail))
		if err != nil {
			return Intent{}, err
		}
		cancelled = c
		p, err := s.walletCode(ctx, tx, a.StoreID, code)
		if err != nil {
			return Intent{}, err
		}
		settled, err = s.settleWallet(ctx, tx, &in, p.Device, settle{bill: &b, payer: &p, unsaved: true})
		var pe *Error
		if errors.As(err, &pe) && (pe.Code == CodeInsufficient || pe.Code == CodeLimit) {
			// A definite refusal is an outcome: record it (the code is
			// spent) and answer with the failed payment.
			err = s.transition(&in, IntentFailed, pe.Message)
		}
		if err != nil {
			return Intent{}, err
		}
		return in, createIntent(ctx, tx, in)
	})
	if err != nil {
		return Intent{}, false, err
	}
	if replay {
		cur, err := s.Intent(ctx, a, in.ID)
		return cur, true, err
	}
	for _, c := range cancelled {
		s.onPayment(c)
	}
	if settled.ID != "" {
		s.notify(settled)
	}
	s.onPayment(in)
	if in.Status == IntentPending && in.Rail != RailWallet {
		return s.chargeExternal(ctx, ext, in, code)
	}
	return in, false, nil
}

// walletCode finds the device of a wallet payment code and accepts its
// one-time value, once. It returns the device with what settleWallet
// checks about its payer in a store, read with it.
func (s *Service) walletCode(ctx context.Context, tx Tx, storeID, code string) (Payer, error) {
	num, otp, err := paycode.ParseWalletCode(code)
	if err != nil {
		return Payer{}, &Error{Code: CodeNotPaymentCode, Field: "code", Message: "this is not a payment code"}
	}
	now := s.now()
	dayStart, _, err := s.today(ctx, tx, storeID)
	if err != nil {
		return Payer{}, err
	}
	p, err := tx.PayerByDevice(ctx, num, storeID, RailWallet, dayStart)
	if errors.Is(err, ErrNotFound) {
		return Payer{}, &Error{Code: CodeCodeInvalid, Field: "code", Message: paycode.ErrCodeInvalid.Error()}
	}
	if err != nil {
		return Payer{}, err
	}
	counter, err := paycode.VerifyWalletCode(p.Device.Secret, otp, now, p.Device.LastCounter)
	switch {
	case errors.Is(err, paycode.ErrCodeUsed):
		return Payer{}, &Error{Code: CodeCodeUsed, Field: "code", Message: err.Error()}
	case errors.Is(err, paycode.ErrCodeExpired):
		return Payer{}, &Error{Code: CodeCodeExpired, Field: "code", Message: err.Error()}
	case err != nil:
		return Payer{}, &Error{Code: CodeCodeInvalid, Field: "code", Message: paycode.ErrCodeInvalid.Error()}
	}
	if err := tx.UpdateDeviceCounter(ctx, num, counter); err != nil {
		if errors.Is(err, ErrConflict) {
			return Payer{}, &Error{Code: CodeCodeUsed, Field: "code", Message: paycode.ErrCodeUsed.Error()}
		}
		return Payer{}, err
	}
	p.Device.LastCounter = counter
	return p, nil
}

// settle says how settleWallet is called.
type settle struct {
	// payerPresent: the payer is paying from their own phone already, so
	// no confirmation is asked above the password-free threshold.
	payerPresent bool
	// bill and payer, if set, were loaded in this transaction already.
	bill  *bill
	payer *Payer
	// unsaved: the intent is not stored yet; the caller stores it in the
	// state it ends in.
	unsaved bool
}

// settleWallet takes a wallet payment for a created intent inside tx:
// limits, password-free threshold (unless the payer is present), balance,
// ledger entry, tender, and the order closed when paid in full. Above the
// threshold the intent becomes pending for the payer to confirm. It
// returns the order if it changed.
func (s *Service) settleWallet(ctx context.Context, tx Tx, in *Intent, dev Device, opt settle) (Order, error) {
	b, saved, payerPresent := opt.bill, !opt.unsaved, opt.payerPresent
	if b == nil {
		loaded, err := loadBill(ctx, tx, in.StoreID, in.OrderID)
		if err != nil {
			return Order{}, err
		}
		b = &loaded
	}
	stale, err := intentStale(ctx, tx, *in, *b)
	if err != nil {
		return Order{}, err
	}
	if stale {
		if err := s.advance(ctx, tx, in, IntentCancelled, "the bill changed", saved); err != nil {
			return Order{}, err
		}
		return Order{}, refuse(CodeBillChanged, "the bill changed; start the payment again")
	}
	var m Member
	if opt.payer != nil {
		m = opt.payer.Member
	} else if m, err = tx.MemberByID(ctx, dev.MemberID); err != nil {
		return Order{}, err
	}
	if m.Currency != in.Currency {
		return Order{}, refuse(CodeNotAccepted, "this wallet holds %s; the bill is in %s", m.Currency, in.Currency)
	}
	in.MemberID, in.PayerRef = m.ID, maskMember(m.ID)
	total := in.Amount + in.Tip
	var lim Limits
	switch {
	case opt.payer == nil:
		if lim, err = s.limits(ctx, tx, in.StoreID, RailWallet); err != nil {
			return Order{}, err
		}
	case opt.payer.Limits != nil:
		lim = *opt.payer.Limits
	default:
		lim = DefaultLimits(in.StoreID, RailWallet)
	}
	if lim.SingleMax > 0 && total > lim.SingleMax {
		return Order{}, refuse(CodeLimit, "this payment is over the limit of %s for one payment", formatMinor(lim.SingleMax, in.Currency))
	}
	if lim.DailyMax > 0 {
		var paid int64
		if opt.payer != nil {
			paid = opt.payer.PaidSince
		} else {
			dayStart, _, err := s.today(ctx, tx, in.StoreID)
			if err != nil {
				return Order{}, err
			}
			if paid, err = tx.PayerTotalSince(ctx, m.ID, dayStart); err != nil {
				return Order{}, err
			}
		}
		if paid+total > lim.DailyMax {
			return Order{}, refuse(CodeLimit, "this payment is over the payer's daily limit of %s", formatMinor(lim.DailyMax, in.Currency))
		}
	}
	if !payerPresent && lim.PasswordFree > 0 && total > lim.PasswordFree {
		in.Deadline = s.clock().Add(PendingWindow)
		return Order{}, s.advance(ctx, tx, in, IntentPending, "", saved)
	}
	if m.Balance < total {
		return Order{}, refuse(CodeInsufficient, "the wallet balance (%s) is not enough; top up or pay another way", formatMinor(m.Balance, m.Currency))
	}
	m.Balance -= total
	m.Version++
	if err := tx.UpdateMember(ctx, m); err != nil {
		return Order{}, err
	}
	postings := []ledger.Posting{
		{Account: ledger.Wallet(m.ID), Amount: moneyOf(total, in.Currency)},
		{Account: ledger.Revenue(in.StoreID), Amount: moneyOf(-in.Amount, in.Currency)},
	}
	if in.Tip > 0 {
		postings = append(postings, ledger.Posting{Account: ledger.Tips(in.StoreID), Amount: moneyOf(-in.Tip, in.Currency)})
	}
	if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "charge-" + in.ID, StoreID: in.StoreID, Kind: ledger.KindCharge, Ref: in.ID, Postings: postings}); err != nil {
		return Order{}, err
	}
	in.RailRef = "wallet-" + in.ID
	if err := s.advance(ctx, tx, in, IntentSucceeded, "", saved); err != nil {
		return Order{}, err
	}
	return s.applyTender(ctx, tx, *b, *in)
}

// applyTender records a succeeded intent on its order and closes the order
// when it is paid in full.
func (s *Service) applyTender(ctx context.Context, tx Tx, b bill, in Intent) (Order, error) {
	o := b.order
	tn := Tender{ID: in.ID, OrderID: o.ID, Kind: in.Rail, Amount: in.Amount, Tendered: in.Amount, Tip: in.Tip, CreatedBy: in.CreatedBy, CreatedAt: s.clock()}
	if err := tx.CreateTender(ctx, tn); err != nil {
		return Order{}, err
	}
	o.Tenders = append(o.Tenders, tn)
	if ComputeTotals(o, b.rest.TaxInclusive).Due == 0 {
		o.Status = StatusClosed
		o.ClosedAt = &tn.CreatedAt
	}
	o.Version++
	o.UpdatedAt = s.clock()
	return o, tx.UpdateOrderState(ctx, o)
}

// ConfirmPayment is the payer's answer, from the wallet page, to a charge
// above the password-free limit.
func (s *Service) ConfirmPayment(ctx context.Context, credential, intentID string, approve bool) (Intent, error) {
	dev, err := s.deviceByCredential(ctx, credential)
	if err != nil {
		return Intent{}, err
	}
	var in Intent
	var o Order
	err = s.store.Write(ctx, func(tx Tx) error {
		list, err := tx.ListIntents(ctx, IntentFilter{MemberID: dev.MemberID, Statuses: []IntentStatus{IntentPending}})
		if err != nil {
			return err
		}
		found := false
		for _, c := range list {
			if c.ID == intentID {
				in, found = c, true
			}
		}
		if !found {
			return refuse(CodeNotFound, "there is no payment waiting for you with this id")
		}
		if !s.now().Before(in.Deadline) {
			return refuse(CodeTokenExpired, "this payment waited too long and was cancelled")
		}
		if !approve {
			return s.moveIntent(ctx, tx, &in, IntentCancelled, "the payer declined")
		}
		// The payer has confirmed: settle (pending -> succeeded).
		o, err = s.settleWallet(ctx, tx, &in, dev, settle{payerPresent: true})
		return err
	})
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && (pe.Code == CodeInsufficient || pe.Code == CodeLimit) {
			// Record the definite refusal so the tablet hears it.
			failed, ferr := s.failPending(ctx, in.StoreID, intentID, pe.Message)
			if ferr == nil {
				s.onPayment(failed)
			}
		}
		return Intent{}, err
	}
	if o.ID != "" {
		s.notify(o)
	}
	s.onPayment(in)
	return in, nil
}

// failPending records a definite refusal of a pending intent.
func (s *Service) failPending(ctx context.Context, storeID, intentID, reason string) (Intent, error) {
	var in Intent
	err := s.store.Write(ctx, func(tx Tx) error {
		var err error
		if in, err = tx.IntentByID(ctx, storeID, intentID); err != nil {
			return err
		}
		return s.moveIntent(ctx, tx, &in, IntentFailed, reason)
	})
	return in, err
}

// ---- external rails: unknown outcomes ----

// chargeExternal asks an external rail to charge a pending intent and
// records a definite answer. An error or timeout leaves it pending for
// ResolvePending: a timeout is not a failure.
func (s *Service) chargeExternal(ctx context.Context, r Rail, in Intent, code string) (Intent, bool, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), railTimeout)
	defer cancel()
	res, err := r.ChargeCode(rctx, Charge{IntentID: in.ID, StoreID: in.StoreID, Amount: in.Amount, Currency: in.Currency, Code: code})
	if err != nil {
		s.log.Warn("rail charge outcome unknown; will query", "intent", in.ID, "rail", in.Rail, "err", err)
		return in, false, nil
	}
	out, err := s.applyRailResult(context.WithoutCancel(ctx), in, res, false)
	return out, false, err
}

// applyRailResult records a rail's definite answer about a pending intent.
// A paid intent whose order can no longer take it (it cannot happen while
// one intent per order is live, but money is not left to "cannot") is
// reversed at the rail.
func (s *Service) applyRailResult(ctx context.Context, in Intent, res RailResult, deadlinePassed bool) (Intent, error) {
	var o Order
	var reverse bool
	err := s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.IntentByID(ctx, in.StoreID, in.ID)
		if err != nil {
			return err
		}
		if cur.Status != IntentPending {
			in = cur
			return nil // someone else recorded the outcome first
		}
		in = cur
		in.RailRef = orDefault(res.Ref, in.RailRef)
		in.PayerRef = orDefault(res.PayerRef, in.PayerRef)
		switch res.Status {
		case RailPaid:
			b, err := loadBill(ctx, tx, in.StoreID, in.OrderID)
			if err != nil {
				return err
			}
			if !b.order.Status.Active() || ComputeTotals(b.order, b.rest.TaxInclusive).Due < in.Amount {
				reverse = true
				return nil
			}
			if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "charge-" + in.ID, StoreID: in.StoreID, Kind: ledger.KindCharge, Ref: in.ID,
				Postings: []ledger.Posting{
					{Account: ledger.Clearing(in.StoreID, in.Rail), Amount: moneyOf(in.Amount, in.Currency)},
					{Account: ledger.Revenue(in.StoreID), Amount: moneyOf(-in.Amount, in.Currency)},
				}}); err != nil {
				return err
			}
			if err := s.moveIntent(ctx, tx, &in, IntentSucceeded, ""); err != nil {
				return err
			}
			o, err = s.applyTender(ctx, tx, b, in)
			return err
		case RailFailed:
			return s.moveIntent(ctx, tx, &in, IntentFailed, orDefault(res.Reason, "the payment was declined"))
		case RailCancelled:
			return s.moveIntent(ctx, tx, &in, IntentCancelled, orDefault(res.Reason, "cancelled"))
		case RailRefunded:
			return s.moveIntent(ctx, tx, &in, IntentReversed, orDefault(res.Reason, "reversed"))
		case RailPaying:
			if deadlinePassed {
				reverse = true
			}
			return nil
		}
		return fmt.Errorf("pos: rail answered %q", res.Status)
	})
	if err != nil {
		return in, err
	}
	if reverse {
		return s.reverseAtRail(ctx, in, "no confirmation before the deadline")
	}
	if o.ID != "" {
		s.notify(o)
	}
	if in.Status != IntentPending {
		s.onPayment(in)
	}
	return in, nil
}

// reverseAtRail cancels a pending external payment at the rail and records
// it: REVERSED if money had been taken and was given back, CANCELLED if
// none was. If the rail cannot be reached it stays pending and is tried
// again on the next sweep.
func (s *Service) reverseAtRail(ctx context.Context, in Intent, reason string) (Intent, error) {
	r := s.rails[in.Rail]
	if r == nil {
		return in, fmt.Errorf("pos: intent %s on unknown rail %q", in.ID, in.Rail)
	}
	rctx, cancel := context.WithTimeout(ctx, railTimeout)
	defer cancel()
	res, err := r.Reverse(rctx, in.ID)
	if err != nil {
		s.log.Warn("rail reverse failed; will retry", "intent", in.ID, "err", err)
		return in, nil
	}
	to := IntentCancelled
	if res.Status == RailRefunded {
		to = IntentReversed
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.IntentByID(ctx, in.StoreID, in.ID)
		if err != nil {
			return err
		}
		in = cur
		if cur.Status != IntentPending {
			return nil
		}
		return s.moveIntent(ctx, tx, &in, to, reason)
	})
	if err == nil {
		s.onPayment(in)
	}
	return in, err
}

// ResolvePending settles what is left hanging: it queries every pending
// external payment (and reverses it past its deadline), cancels wallet
// charges the payer did not confirm in time, and expires QR intents no one
// paid. The daemon runs it every few seconds; it is safe to run anywhere,
// any number of times.
func (s *Service) ResolvePending(ctx context.Context) error {
	now := s.clock()
	var pending, stale []Intent
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if pending, err = tx.ListIntents(ctx, IntentFilter{Statuses: []IntentStatus{IntentPending}, Limit: 500}); err != nil {
			return err
		}
		stale, err = tx.ListIntents(ctx, IntentFilter{Statuses: []IntentStatus{IntentCreated}, DeadlineBefore: now, Limit: 500})
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, in := range pending {
		past := !now.Before(in.Deadline)
		if in.Rail == RailWallet {
			if past {
				_, err := s.expire(ctx, in, IntentExpired, "the payer did not confirm in time")
				errs = append(errs, err)
			}
			continue
		}
		r := s.rails[in.Rail]
		if r == nil {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, railTimeout)
		res, err := r.Query(rctx, in.ID)
		cancel()
		if err != nil {
			if past {
				_, err = s.reverseAtRail(ctx, in, "no answer before the deadline")
				errs = append(errs, err)
			}
			continue
		}
		_, err = s.applyRailResult(ctx, in, res, past)
		errs = append(errs, err)
	}
	for _, in := range stale {
		_, err := s.expire(ctx, in, IntentExpired, "no one paid in time")
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// expire moves a live intent to a final status if it is still as seen.
func (s *Service) expire(ctx context.Context, in Intent, to IntentStatus, reason string) (Intent, error) {
	changed := false
	err := s.store.Write(ctx, func(tx Tx) error {
		cur, err := tx.IntentByID(ctx, in.StoreID, in.ID)
		if err != nil || cur.Status != in.Status {
			return err
		}
		in, changed = cur, true
		return s.moveIntent(ctx, tx, &in, to, reason)
	})
	if err == nil && changed {
		s.onPayment(in)
	}
	return in, err
}

// CancelIntent stops a live payment from the tablet: an unpaid QR or a
// wallet charge waiting for the payer is cancelled (nothing was taken); an
// external charge is reversed at the rail.
func (s *Service) CancelIntent(ctx context.Context, a Actor, key, intentID, reason string) (Intent, bool, error) {
	reason = orDefault(strings.TrimSpace(reason), "cancelled at the till")
	if err := checkNote(reason); err != nil {
		return Intent{}, false, err
	}
	var external bool
	in, replay, err := idempotent(ctx, s, a.StoreID, key, "cancel_intent", struct{ Intent, Reason string }{intentID, reason}, func(tx Tx) (Intent, error) {
		in, err := tx.IntentByID(ctx, a.StoreID, intentID)
		if err != nil {
			return Intent{}, notFound(err, "payment")
		}
		if !in.Status.Live() {
			return Intent{}, refuse(CodeConflict, "this payment is already %s", in.Status)
		}
		if in.Status == IntentPending && in.Rail != RailWallet {
			external = true
			return in, nil
		}
		return in, s.moveIntent(ctx, tx, &in, IntentCancelled, reason)
	})
	if err != nil || replay {
		return in, replay, err
	}
	if external {
		out, err := s.reverseAtRail(ctx, in, reason)
		return out, false, err
	}
	s.onPayment(in)
	return in, false, nil
}

// Intent returns one payment of the actor's store.
func (s *Service) Intent(ctx context.Context, a Actor, id string) (Intent, error) {
	var in Intent
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		in, err = tx.IntentByID(ctx, a.StoreID, id)
		return notFound(err, "payment")
	})
	return in, err
}

// OrderIntents returns an order's payments, newest first, with refunds.
func (s *Service) OrderIntents(ctx context.Context, a Actor, orderID string) ([]Intent, map[string][]Refund, error) {
	var list []Intent
	refunds := map[string][]Refund{}
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if list, err = tx.ListIntents(ctx, IntentFilter{StoreID: a.StoreID, OrderID: orderID}); err != nil {
			return err
		}
		for _, in := range list {
			if in.Refunded > 0 {
				rs, err := tx.ListRefunds(ctx, a.StoreID, in.ID)
				if err != nil {
					return err
				}
				refunds[in.ID] = rs
			}
		}
		return nil
	})
	return list, refunds, err
}

// ---- refunds and voids ----

// Approval is a manager's PIN typed on a cashier's terminal.
type Approval struct {
	StaffID string
	PIN     string
}

// approve returns who approves a privileged action: the actor if a
// manager, otherwise the manager whose PIN was given. Wrong PINs count
// towards that manager's lockout.
func (s *Service) approve(ctx context.Context, a Actor, ap *Approval, what string) (string, error) {
	if a.Role.AtLeast(RoleManager) {
		return a.StaffID, nil
	}
	if ap == nil || ap.StaffID == "" {
		return "", refuse(CodeForbidden, "a manager must approve %s", what)
	}
	_, _, st, err := s.Login(ctx, a.StoreID, ap.StaffID, ap.PIN)
	if err != nil {
		return "", err
	}
	if !st.Role.AtLeast(RoleManager) {
		return "", refuse(CodeForbidden, "%s is not a manager", st.Name)
	}
	return st.ID, nil
}

// Refund gives back part or all of a captured payment, with a manager's
// approval. Never more than was captured; recorded as new entries, never
// by editing history.
func (s *Service) Refund(ctx context.Context, a Actor, key, intentID, refundID string, amount int64, reason string, ap *Approval) (Intent, bool, error) {
	if err := checkID("refund_id", refundID); err != nil {
		return Intent{}, false, err
	}
	if amount <= 0 || amount > MaxAmount {
		return Intent{}, false, invalid("amount", "enter the amount to refund")
	}
	reason, approver, err := s.privileged(ctx, a, key, reason, ap, "a refund")
	if err != nil {
		return Intent{}, false, err
	}
	// External rails are asked first (idempotent by refund id), then the
	// refund is recorded; the wallet refunds inside the transaction.
	err = s.atRail(ctx, a, intentID, "refund",
		func(in Intent) bool { return in.Status.Captured() && amount <= in.Amount+in.Tip-in.Refunded },
		func(ctx context.Context, r Rail, in Intent) error {
			_, err := r.Refund(ctx, in.ID, refundID, amount)
			return err
		})
	if err != nil {
		return Intent{}, false, err
	}
	req := struct {
		Intent, Refund, Reason string
		Amount                 int64
	}{intentID, refundID, reason, amount}
	in, replay, err := idempotent(ctx, s, a.StoreID, key, "refund", req, func(tx Tx) (Intent, error) {
		in, err := tx.IntentByID(ctx, a.StoreID, intentID)
		if err != nil {
			return Intent{}, notFound(err, "payment")
		}
		if !in.Status.Captured() || in.Status == IntentRefunded {
			return Intent{}, refuse(CodeConflict, "only a paid payment can be refunded; this one is %s", in.Status)
		}
		left := in.Amount + in.Tip - in.Refunded
		if amount > left {
			return Intent{}, &Error{Code: CodeRefundTooMuch, Field: "amount", Message: fmt.Sprintf("at most %s can be refunded", formatMinor(left, in.Currency))}
		}
		now := s.clock()
		if err := tx.CreateRefund(ctx, Refund{ID: refundID, StoreID: a.StoreID, IntentID: in.ID, Amount: amount, Reason: reason,
			ApprovedBy: approver, CreatedBy: a.StaffID, CreatedAt: now}); err != nil {
			if errors.Is(err, ErrConflict) {
				return Intent{}, refuse(CodeConflict, "this refund was already made")
			}
			return Intent{}, err
		}
		from := ledger.Clearing(a.StoreID, in.Rail)
		if in.Rail == RailWallet {
			from = ledger.Wallet(in.MemberID)
			if err := s.creditMember(ctx, tx, in.MemberID, amount); err != nil {
				return Intent{}, err
			}
		}
		if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "refund-" + refundID, StoreID: a.StoreID, Kind: ledger.KindRefund, Ref: in.ID,
			Postings: []ledger.Posting{
				{Account: ledger.Refunds(a.StoreID), Amount: moneyOf(amount, in.Currency)},
				{Account: from, Amount: moneyOf(-amount, in.Currency)},
			}}); err != nil {
			return Intent{}, err
		}
		in.Refunded += amount
		to := IntentPartiallyRefunded
		if in.Refunded == in.Amount+in.Tip {
			to = IntentRefunded
		}
		s.log.Info("refund", "store", a.StoreID, "intent", in.ID, "amount", amount, "by", a.StaffID, "approved_by", approver)
		if err := s.audit(ctx, tx, a, AuditRefund, "payment "+in.ID, formatMinor(amount, in.Currency)+approvedBy(approver, a), reason); err != nil {
			return Intent{}, err
		}
		return in, s.moveIntent(ctx, tx, &in, to, "")
	})
	if err == nil && !replay {
		s.onPayment(in)
	}
	return in, replay, err
}

// VoidPayment reverses a whole payment (no refunds made yet), with a manager's
// approval: the money goes back and the order owes it again.
func (s *Service) VoidPayment(ctx context.Context, a Actor, key, intentID, reason string, ap *Approval) (Intent, bool, error) {
	reason, approver, err := s.privileged(ctx, a, key, reason, ap, "a void")
	if err != nil {
		return Intent{}, false, err
	}
	err = s.atRail(ctx, a, intentID, "void",
		func(in Intent) bool { return in.Status == IntentSucceeded },
		func(ctx context.Context, r Rail, in Intent) error {
			_, err := r.Reverse(ctx, in.ID)
			return err
		})
	if err != nil {
		return Intent{}, false, err
	}
	var o Order
	in, replay, err := idempotent(ctx, s, a.StoreID, key, "void_payment", struct{ Intent, Reason string }{intentID, reason}, func(tx Tx) (Intent, error) {
		in, err := tx.IntentByID(ctx, a.StoreID, intentID)
		if err != nil {
			return Intent{}, notFound(err, "payment")
		}
		if in.Status != IntentSucceeded {
			return Intent{}, refuse(CodeConflict, "only a paid payment with no refunds can be voided; this one is %s", in.Status)
		}
		entries, err := tx.ListEntries(ctx, EntryFilter{StoreID: a.StoreID, Ref: in.ID})
		if err != nil {
			return Intent{}, err
		}
		var charge *ledger.Entry
		for i := range entries {
			if entries[i].Kind == ledger.KindCharge {
				charge = &entries[i]
			}
		}
		if charge == nil {
			return Intent{}, fmt.Errorf("pos: intent %s has no charge entry", in.ID)
		}
		rev := ledger.Reverse(*charge, "void-"+in.ID, s.clock())
		if err := s.appendEntry(ctx, tx, rev); err != nil {
			return Intent{}, err
		}
		if in.Rail == RailWallet {
			if err := s.creditMember(ctx, tx, in.MemberID, in.Amount+in.Tip); err != nil {
				return Intent{}, err
			}
		}
		// The order owes the money again: a void tender, never an edit of
		// the original one.
		ord, err := tx.OrderByID(ctx, a.StoreID, in.OrderID)
		if err != nil {
			return Intent{}, err
		}
		now := s.clock()
		tn := Tender{ID: "void-" + in.ID, OrderID: ord.ID, Kind: TenderVoid, Amount: in.Amount, Tip: in.Tip, CreatedBy: a.StaffID, CreatedAt: now}
		if err := tx.CreateTender(ctx, tn); err != nil {
			return Intent{}, err
		}
		ord.Tenders = append(ord.Tenders, tn)
		if ord.Status == StatusClosed || ord.Status == StatusPaid {
			ord.Status, ord.ClosedAt = StatusOpen, nil
			for _, l := range ord.Lines {
				if l.Sent {
					ord.Status = StatusSent
				}
			}
		}
		ord.Version++
		ord.UpdatedAt = now
		if err := tx.UpdateOrderState(ctx, ord); err != nil {
			return Intent{}, err
		}
		o = ord
		s.log.Info("payment voided", "store", a.StoreID, "intent", in.ID, "by", a.StaffID, "approved_by", approver)
		if err := s.audit(ctx, tx, a, AuditPaymentVoid, "payment "+in.ID, formatMinor(in.Amount+in.Tip, in.Currency)+approvedBy(approver, a), reason); err != nil {
			return Intent{}, err
		}
		return in, s.moveIntent(ctx, tx, &in, IntentReversed, reason)
	})
	if err == nil && !replay {
		s.notify(o)
		s.onPayment(in)
	}
	return in, replay, err
}

// privileged checks what every refund and void needs: a reason, an
// idempotency key and a manager's approval. It returns the trimmed reason
// and who approved.
func (s *Service) privileged(ctx context.Context, a Actor, key, reason string, ap *Approval, what string) (string, string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || checkNote(reason) != nil {
		return "", "", invalid("reason", "say why (at most %d characters)", MaxNoteLen)
	}
	if key == "" {
		return "", "", refuse(CodeNeedKey, "this request needs an Idempotency-Key")
	}
	approver, err := s.approve(ctx, a, ap, what)
	return reason, approver, err
}

// atRail asks an external rail to act on a payment before the change is
// recorded, when applies says the payment's state calls for it. The
// wallet settles inside the database and is never asked.
func (s *Service) atRail(ctx context.Context, a Actor, intentID, what string, applies func(Intent) bool, call func(context.Context, Rail, Intent) error) error {
	var in Intent
	if err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		in, err = tx.IntentByID(ctx, a.StoreID, intentID)
		return notFound(err, "payment")
	}); err != nil {
		return err
	}
	if in.Rail == RailWallet || !applies(in) {
		return nil
	}
	r := s.rails[in.Rail]
	if r == nil {
		return fmt.Errorf("pos: %s on unknown rail %q", what, in.Rail)
	}
	rctx, cancel := context.WithTimeout(ctx, railTimeout)
	defer cancel()
	if err := call(rctx, r, in); err != nil {
		return fmt.Errorf("pos: %s at %s: %w", what, in.Rail, err)
	}
	return nil
}

func (s *Service) creditMember(ctx context.Context, tx Tx, memberID string, amount int64) error {
	m, err := tx.MemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	m.Balance += amount
	m.Version++
	return tx.UpdateMember(ctx, m)
}

// ---- wallet accounts ----

// NewWallet opens a wallet on a phone: a member account with a zero
// balance and a device with its own TOTP secret and credential. The
// phone keeps the secret (to show codes offline) and the credential.
func (s *Service) NewWallet(ctx context.Context, storeID, name string) (Member, Device, string, error) {
	name = strings.TrimSpace(name)
	if checkNote(name) != nil || len([]rune(name)) > 40 {
		return Member{}, Device{}, "", invalid("name", "a name is at most 40 characters")
	}
	var m Member
	var d Device
	cred, hash := token.NewSession()
	err := s.store.Write(ctx, func(tx Tx) error {
		r, err := s.restaurantOrFirst(ctx, tx, storeID)
		if err != nil {
			return err
		}
		now := s.clock()
		for range 5 { // random ids: retry the rare collision
			m = Member{ID: randomDigits(10), StoreID: r.ID, Name: name, Currency: r.Currency, CreatedAt: now, Version: 1}
			if err = tx.CreateMember(ctx, m); !errors.Is(err, ErrConflict) {
				break
			}
		}
		if err != nil {
			return err
		}
		for range 5 {
			d = Device{Number: uint32(randomInt(paycode.MaxDevice) + 1), MemberID: m.ID, StoreID: r.ID,
				Secret: paycode.GenerateSecret(), CredentialHash: hash, CreatedAt: now}
			if err = tx.CreateDevice(ctx, d); !errors.Is(err, ErrConflict) {
				break
			}
		}
		return err
	})
	return m, d, cred, err
}

func (s *Service) restaurantOrFirst(ctx context.Context, tx Tx, id string) (Restaurant, error) {
	if id != "" {
		r, err := tx.RestaurantByID(ctx, id)
		return r, notFound(err, "restaurant")
	}
	rs, err := tx.ListRestaurants(ctx)
	if err != nil {
		return Restaurant{}, err
	}
	if len(rs) == 0 {
		return Restaurant{}, refuse(CodeNotFound, "this server has no restaurant yet")
	}
	return rs[0], nil
}

func (s *Service) deviceByCredential(ctx context.Context, cred string) (Device, error) {
	if token.CheckSessionForm(cred) != nil {
		return Device{}, refuse(CodeUnauthorized, "open your wallet on this phone first")
	}
	var d Device
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		d, err = tx.DeviceByCredential(ctx, token.HashSession(cred))
		if errors.Is(err, ErrNotFound) {
			return refuse(CodeUnauthorized, "this wallet is not known here; open a new one")
		}
		return err
	})
	return d, err
}

// WalletView is what a wallet page shows.
type WalletView struct {
	Member  Member
	Device  Device
	Pending []Intent
	History []ledger.Entry
}

// Wallet returns the wallet of a device credential: balance, charges
// waiting for confirmation and recent movements.
func (s *Service) Wallet(ctx context.Context, cred string) (WalletView, error) {
	d, err := s.deviceByCredential(ctx, cred)
	if err != nil {
		return WalletView{}, err
	}
	v := WalletView{Device: d}
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		if v.Member, err = tx.MemberByID(ctx, d.MemberID); err != nil {
			return err
		}
		if v.Pending, err = tx.ListIntents(ctx, IntentFilter{MemberID: d.MemberID, Statuses: []IntentStatus{IntentPending}}); err != nil {
			return err
		}
		v.History, err = tx.ListEntries(ctx, EntryFilter{Account: ledger.Wallet(d.MemberID)})
		if len(v.History) > 20 {
			v.History = v.History[len(v.History)-20:]
		}
		return err
	})
	return v, err
}

// TopUp adds stored value to a member's wallet against cash at the counter.
func (s *Service) TopUp(ctx context.Context, a Actor, key, topupID, memberID string, amount int64, currency string) (Member, bool, error) {
	if err := checkID("topup_id", topupID); err != nil {
		return Member{}, false, err
	}
	if amount <= 0 || amount > MaxAmount {
		return Member{}, false, invalid("amount", "enter the cash received")
	}
	req := struct {
		TopUp, Member, Currency string
		Amount                  int64
	}{topupID, memberID, currency, amount}
	m, replay, err := idempotent(ctx, s, a.StoreID, key, "topup", req, func(tx Tx) (Member, error) {
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil || m.StoreID != a.StoreID {
			return Member{}, &Error{Code: CodeNotFound, Field: "member_id", Message: "no wallet has this member number"}
		}
		if currency != m.Currency {
			return Member{}, invalid("amount", "this wallet holds %s", m.Currency)
		}
		if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "topup-" + topupID, StoreID: a.StoreID, Kind: ledger.KindTopup, Ref: topupID, By: a.StaffID,
			Postings: []ledger.Posting{
				{Account: ledger.CashDrawer(a.StoreID), Amount: moneyOf(amount, currency)},
				{Account: ledger.Wallet(m.ID), Amount: moneyOf(-amount, currency)},
			}}); err != nil {
			if errors.Is(err, ErrConflict) {
				return Member{}, refuse(CodeConflict, "this top-up was already made")
			}
			return Member{}, err
		}
		m.Balance += amount
		m.Version++
		s.log.Info("wallet top-up", "store", a.StoreID, "member", m.ID, "amount", amount, "by", a.StaffID)
		return m, tx.UpdateMember(ctx, m)
	})
	if err == nil && !replay {
		s.onWallet(m)
	}
	return m, replay, err
}

// ---- ledger ----

// appendEntry validates and stores a ledger entry, stamping its time.
func (s *Service) appendEntry(ctx context.Context, tx Tx, e ledger.Entry) error {
	if e.At.IsZero() {
		e.At = s.clock()
	}
	if err := ledger.Validate(e); err != nil {
		return fmt.Errorf("pos: %w", err)
	}
	return tx.AppendEntry(ctx, e)
}

// LedgerReport is the result of CheckLedger: every difference found.
type LedgerReport struct {
	Entries     int
	Differences []string
}

// CheckLedger proves the books: every entry balances, all postings sum to
// zero, every wallet's stored balance equals the sum of its postings, and
// every captured payment has exactly one charge entry (and every charge
// entry a captured or reversed payment). Managers only.
func (s *Service) CheckLedger(ctx context.Context, a Actor) (LedgerReport, error) {
	if err := require(a, RoleManager, "check the ledger"); err != nil {
		return LedgerReport{}, err
	}
	return s.checkLedger(ctx, a.StoreID)
}

func (s *Service) checkLedger(ctx context.Context, storeID string) (LedgerReport, error) {
	var rep LedgerReport
	err := s.store.Read(ctx, func(tx Tx) error {
		entries, err := tx.ListEntries(ctx, EntryFilter{StoreID: storeID})
		if err != nil {
			return err
		}
		rep.Entries = len(entries)
		for _, d := range ledger.Check(entries, nil) {
			rep.Differences = append(rep.Differences, fmt.Sprintf("%s: entry %q account %q %s: want %d, got %d %s",
				d.Problem, d.EntryID, d.Account, d.Currency, d.Want, d.Got, d.Detail))
		}
		bal, err := ledger.Apply(entries)
		if err != nil {
			rep.Differences = append(rep.Differences, err.Error())
		}
		charges := map[string]int{}
		for _, e := range entries {
			if e.Kind == ledger.KindCharge {
				charges[e.Ref]++
			}
		}
		// Every wallet's stored balance equals its postings. A wallet is a
		// liability: its postings sum to minus what is owed to the member.
		for account, byCur := range bal {
			member, ok := strings.CutPrefix(account, "wallet:")
			if !ok {
				continue
			}
			m, err := tx.MemberByID(ctx, member)
			if err != nil {
				return fmt.Errorf("pos: ledger check: wallet %s: %w", member, err)
			}
			for cur, sum := range byCur {
				want := int64(0)
				if cur == m.Currency {
					want = m.Balance
				}
				if -sum != want {
					rep.Differences = append(rep.Differences, fmt.Sprintf("wallet %s holds %d %s but its postings say %d", member, want, cur, -sum))
				}
			}
		}
		intents, err := tx.ListIntents(ctx, IntentFilter{StoreID: storeID})
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, in := range intents {
			seen[in.ID] = true
			// A captured payment has one charge entry; a reversed one has
			// one if money had been taken (then reversed), none otherwise.
			want := 0
			if in.Status.Captured() || (in.Status == IntentReversed && charges[in.ID] > 0) {
				want = 1
			}
			if charges[in.ID] != want {
				rep.Differences = append(rep.Differences, fmt.Sprintf("payment %s (%s) has %d charge entries, want %d", in.ID, in.Status, charges[in.ID], want))
			}
		}
		for ref := range charges {
			if !seen[ref] {
				rep.Differences = append(rep.Differences, fmt.Sprintf("charge entry for %s has no payment", ref))
			}
		}
		return nil
	})
	return rep, err
}

// ---- limits ----

func (s *Service) limits(ctx context.Context, tx Tx, storeID, rail string) (Limits, error) {
	l, err := tx.LimitsFor(ctx, storeID, rail)
	if errors.Is(err, ErrNotFound) {
		return DefaultLimits(storeID, rail), nil
	}
	return l, err
}

// Limits returns the risk limits of a rail in the actor's store.
func (s *Service) Limits(ctx context.Context, a Actor, rail string) (Limits, error) {
	var l Limits
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		l, err = s.limits(ctx, tx, a.StoreID, rail)
		return err
	})
	return l, err
}

// SetLimits changes the risk limits of a rail; managers only.
func (s *Service) SetLimits(ctx context.Context, a Actor, key string, l Limits) (Limits, bool, error) {
	if err := require(a, RoleManager, "change payment limits"); err != nil {
		return Limits{}, false, err
	}
	if l.SingleMax < 0 || l.DailyMax < 0 || l.PasswordFree < 0 || l.SingleMax > MaxAmount || l.DailyMax > MaxAmount || l.PasswordFree > MaxAmount {
		return Limits{}, false, invalid("", "limits must be between 0 (none) and %d", MaxAmount)
	}
	switch l.Rail {
	case RailWallet, RailWeChat, RailAlipay, RailUnionPay:
	default:
		return Limits{}, false, invalid("rail", "unknown rail %q", l.Rail)
	}
	l.StoreID = a.StoreID
	return idempotent(ctx, s, a.StoreID, key, "set_limits", l, func(tx Tx) (Limits, error) {
		if err := tx.PutLimits(ctx, l); err != nil {
			return Limits{}, err
		}
		return l, s.audit(ctx, tx, a, AuditLimits, "rail "+l.Rail, fmt.Sprintf("single %d, daily %d, password-free %d (minor units)", l.SingleMax, l.DailyMax, l.PasswordFree), "")
	})
}
