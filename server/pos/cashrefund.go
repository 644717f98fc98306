package pos

import (
	"context"
	"errors"
	"fmt"

	"qrpos/server/ledger"
)

// RefundCash gives cash back from a cash payment of an order, all of it
// or part, with a reason and a manager's approval (a manager's own session
// approves itself). The cash leaves the drawer of the member of staff who
// makes the refund: their shift expects that much less. The refund is a
// ledger entry from the cash drawer to the store's refunds, and the
// tender keeps how much of it was given back. A repeat with the same key
// answers as the first time.
func (s *Service) RefundCash(ctx context.Context, a Actor, key, orderID, tenderID, refundID string, amount int64, reason string, ap *Approval) (Order, bool, error) {
	if err := checkID("refund_id", refundID); err != nil {
		return Order{}, false, err
	}
	if amount <= 0 || amount > MaxAmount {
		return Order{}, false, invalid("amount", "enter the amount to refund")
	}
	reason, approver, err := s.privileged(ctx, a, key, reason, ap, "a refund")
	if err != nil {
		return Order{}, false, err
	}
	req := struct {
		Order, Tender, Refund, Reason string
		Amount                        int64
	}{orderID, tenderID, refundID, reason, amount}
	o, replay, err := idempotent(ctx, s, a.StoreID, key, "refund_cash", req, func(tx Tx) (Order, error) {
		o, err := tx.OrderByID(ctx, a.StoreID, orderID)
		if err != nil {
			return Order{}, notFound(err, "order")
		}
		if o.Status != StatusClosed && o.Status != StatusPaid {
			// Cash given back from an order still owing, or void, would
			// change what it owes: take it off the bill instead.
			return Order{}, refuse(CodeConflict, "only a paid order's cash is given back; this order is %s", o.Status)
		}
		i := tenderIndex(o, tenderID)
		if i < 0 {
			return Order{}, &Error{Code: CodeNotFound, Field: "tender_id", Message: "this order has no such payment"}
		}
		tn := o.Tenders[i]
		if tn.Kind != RailCash {
			return Order{}, refuse(CodeConflict, "only a cash payment is refunded here; refund this payment from the payment itself")
		}
		if left := tn.Amount - tn.Refunded; amount > left {
			return Order{}, &Error{Code: CodeRefundTooMuch, Field: "amount", Message: fmt.Sprintf("at most %s can be refunded", formatMinor(left, o.Currency))}
		}
		now := s.clock()
		err = tx.CreateCashRefund(ctx, CashRefund{ID: refundID, StoreID: a.StoreID, OrderID: o.ID, TenderID: tn.ID, Amount: amount,
			Reason: reason, ApprovedBy: approver, CreatedBy: a.StaffID, CreatedAt: now})
		if errors.Is(err, ErrConflict) {
			return Order{}, refuse(CodeConflict, "this refund was already made")
		}
		if err != nil {
			return Order{}, err
		}
		if err := s.appendEntry(ctx, tx, ledger.Entry{ID: "cash-refund-" + refundID, StoreID: a.StoreID, Kind: ledger.KindCashRefund,
			Ref: tn.ID, By: a.StaffID, At: now,
			Postings: []ledger.Posting{
				{Account: ledger.Refunds(a.StoreID), Amount: moneyOf(amount, o.Currency)},
				{Account: ledger.CashDrawer(a.StoreID), Amount: moneyOf(-amount, o.Currency)},
			}}); err != nil {
			return Order{}, err
		}
		o.Tenders[i].Refunded += amount
		o.Version++
		o.UpdatedAt = now
		if err := tx.UpdateOrderState(ctx, o); err != nil {
			return Order{}, err
		}
		s.log.Info("cash refund", "store", a.StoreID, "order", o.ID, "tender", tn.ID, "amount", amount, "by", a.StaffID, "approved_by", approver)
		return o, s.audit(ctx, tx, a, AuditRefund, fmt.Sprintf("order %d cash payment", o.Number),
			formatMinor(amount, o.Currency)+approvedBy(approver, a), reason)
	})
	if err == nil && !replay {
		s.notify(o)
	}
	return o, replay, err
}

// tenderIndex is the position of the tender id among o's, or -1.
func tenderIndex(o Order, id string) int {
	for i, tn := range o.Tenders {
		if tn.ID == id {
			return i
		}
	}
	return -1
}
