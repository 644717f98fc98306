package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qrpos/server/ledger"
	"qrpos/server/pos"
)

var _ pos.PaymentTx = (*tx)(nil)

// nullDeadline stores a zero time (no deadline) as NULL, so that no filter
// on deadlines selects it.
func nullDeadline(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromNullDeadline(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// inList returns "?, ?, ?" for n parameters.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Intents.

// CreateIntent inserts an intent. The partial unique indexes
// intents_one_live_per_order and intents_one_live_per_share refuse a
// second live intent of one order (among those that pay no share) or of
// one share.
func (t *tx) CreateIntent(ctx context.Context, in pos.Intent) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO intents
		(id, store_id, order_id, method, rail, amount_minor, tip_minor, currency, order_version, status,
		 terminal_id, member_id, payer_ref, rail_ref, reason, refunded_minor, created_by, created_at,
		 updated_at, deadline, version, share_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.StoreID, in.OrderID, string(in.Method), in.Rail, in.Amount, in.Tip, in.Currency, in.OrderVersion,
		string(in.Status), in.TerminalID, nullString(in.MemberID), in.PayerRef, in.RailRef, in.Reason, in.Refunded,
		nullString(in.CreatedBy), micros(in.CreatedAt), micros(in.UpdatedAt), nullDeadline(in.Deadline), in.Version,
		nullString(in.ShareID))
	if err != nil {
		return fail("create intent "+in.ID, err)
	}
	return nil
}

const intentCols = `id, store_id, order_id, method, rail, amount_minor, tip_minor, currency, order_version, status,
	terminal_id, COALESCE(member_id, ''), payer_ref, rail_ref, reason, refunded_minor, COALESCE(created_by, ''),
	created_at, updated_at, deadline, version, COALESCE(share_id, '')`

func scanIntent(s rowScanner) (pos.Intent, error) {
	var in pos.Intent
	var method, status string
	var created, updated int64
	var deadline sql.NullInt64
	if err := s.Scan(&in.ID, &in.StoreID, &in.OrderID, &method, &in.Rail, &in.Amount, &in.Tip, &in.Currency,
		&in.OrderVersion, &status, &in.TerminalID, &in.MemberID, &in.PayerRef, &in.RailRef, &in.Reason,
		&in.Refunded, &in.CreatedBy, &created, &updated, &deadline, &in.Version, &in.ShareID); err != nil {
		return pos.Intent{}, err
	}
	in.Method, in.Status = pos.Method(method), pos.IntentStatus(status)
	in.CreatedAt, in.UpdatedAt, in.Deadline = fromMicros(created), fromMicros(updated), fromNullDeadline(deadline)
	return in, nil
}

func (t *tx) IntentByID(ctx context.Context, storeID, id string) (pos.Intent, error) {
	in, err := scanIntent(t.tx.QueryRowContext(ctx,
		`SELECT `+intentCols+` FROM intents WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Intent{}, fail("intent "+id, err)
	}
	return in, nil
}

// UpdateIntent saves every field but the identity (ID, StoreID, OrderID)
// and the creation (CreatedBy, CreatedAt), if the stored version is
// in.Version-1.
func (t *tx) UpdateIntent(ctx context.Context, in pos.Intent) error {
	op := "update intent " + in.ID
	res, err := t.tx.ExecContext(ctx, `UPDATE intents
		SET method = ?, rail = ?, amount_minor = ?, tip_minor = ?, currency = ?, order_version = ?, status = ?,
		    terminal_id = ?, member_id = ?, payer_ref = ?, rail_ref = ?, reason = ?, refunded_minor = ?,
		    updated_at = ?, deadline = ?, version = ?
		WHERE store_id = ? AND id = ? AND version = ?`,
		string(in.Method), in.Rail, in.Amount, in.Tip, in.Currency, in.OrderVersion, string(in.Status),
		in.TerminalID, nullString(in.MemberID), in.PayerRef, in.RailRef, in.Reason, in.Refunded,
		micros(in.UpdatedAt), nullDeadline(in.Deadline), in.Version,
		in.StoreID, in.ID, in.Version-1)
	if err != nil {
		return fail(op, err)
	}
	return t.versionChecked(ctx, op, res, `SELECT version FROM intents WHERE store_id = ? AND id = ?`,
		[]any{in.StoreID, in.ID}, in.Version)
}

// versionChecked tells apart the reasons an optimistic UPDATE (WHERE
// version = v-1) changed no row: the row is missing (pos.ErrNotFound) or
// has another version (pos.ErrConflict). query selects the stored version.
func (t *tx) versionChecked(ctx context.Context, op string, res sql.Result, query string, args []any, version int) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n > 0 {
		return nil
	}
	var stored int
	if err := t.tx.QueryRowContext(ctx, query, args...).Scan(&stored); err != nil {
		return fail(op, err)
	}
	return fmt.Errorf("sqlite: %s: %w: stored version is %d, want %d", op, pos.ErrConflict, stored, version-1)
}

// ListIntents returns the intents f selects, newest first (by creation
// time, then id).
func (t *tx) ListIntents(ctx context.Context, f pos.IntentFilter) ([]pos.Intent, error) {
	var where []string
	var args []any
	if f.StoreID != "" {
		where = append(where, `store_id = ?`)
		args = append(args, f.StoreID)
	}
	if f.OrderID != "" {
		where = append(where, `order_id = ?`)
		args = append(args, f.OrderID)
	}
	if f.MemberID != "" {
		where = append(where, `member_id = ?`)
		args = append(args, f.MemberID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (`+inList(len(f.Statuses))+`)`)
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if !f.DeadlineBefore.IsZero() {
		where = append(where, `deadline < ?`)
		args = append(args, micros(f.DeadlineBefore))
	}
	if len(where) == 0 {
		where = append(where, `TRUE`)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // no limit
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT `+intentCols+` FROM intents WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fail("list intents", err)
	}
	defer rows.Close()
	var list []pos.Intent
	for rows.Next() {
		in, err := scanIntent(rows)
		if err != nil {
			return nil, fail("list intents", err)
		}
		list = append(list, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list intents", err)
	}
	return list, nil
}

// PayerTotalSince sums amount + tip - refunded over the member's captured
// intents (succeeded, partially refunded, refunded) created at or after
// since. Intents of every store count: the cap is the payer's.
func (t *tx) PayerTotalSince(ctx context.Context, memberID string, since time.Time) (int64, error) {
	var total int64
	err := t.tx.QueryRowContext(ctx, payerTotal, append([]any{memberID, micros(since)}, paidStatuses...)...).Scan(&total)
	if err != nil {
		return 0, fail("payer total of "+memberID, err)
	}
	return total, nil
}

// paidSince is the query of what a member paid from a time on: captured
// payments and tips less refunds. member is the SQL expression naming the
// member; the parameters are the time (Unix microseconds) and then
// paidStatuses.
func paidSince(member string) string {
	return `SELECT COALESCE(SUM(amount_minor + tip_minor - refunded_minor), 0)
		FROM intents WHERE member_id = ` + member + ` AND created_at >= ? AND status IN (?, ?, ?)`
}

var payerTotal = paidSince("?")

var paidStatuses = []any{string(pos.IntentSucceeded), string(pos.IntentPartiallyRefunded), string(pos.IntentRefunded)}

// Refunds.

func (t *tx) CreateRefund(ctx context.Context, r pos.Refund) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO refunds
		(id, store_id, intent_id, amount_minor, reason, approved_by, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.StoreID, r.IntentID, r.Amount, r.Reason, nullString(r.ApprovedBy), nullString(r.CreatedBy),
		micros(r.CreatedAt))
	if err != nil {
		return fail("create refund "+r.ID, err)
	}
	return nil
}

// ListRefunds returns the refunds of one intent, oldest first (then by
// id).
func (t *tx) ListRefunds(ctx context.Context, storeID, intentID string) ([]pos.Refund, error) {
	op := "list refunds of " + intentID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, intent_id, amount_minor, reason,
		COALESCE(approved_by, ''), COALESCE(created_by, ''), created_at
		FROM refunds WHERE store_id = ? AND intent_id = ? ORDER BY created_at, id`, storeID, intentID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var list []pos.Refund
	for rows.Next() {
		var r pos.Refund
		var created int64
		if err := rows.Scan(&r.ID, &r.StoreID, &r.IntentID, &r.Amount, &r.Reason, &r.ApprovedBy, &r.CreatedBy,
			&created); err != nil {
			return nil, fail(op, err)
		}
		r.CreatedAt = fromMicros(created)
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return list, nil
}

// Cash refunds.

func (t *tx) CreateCashRefund(ctx context.Context, r pos.CashRefund) error {
	op := "create cash refund " + r.ID
	_, err := t.tx.ExecContext(ctx, `INSERT INTO cash_refunds
		(id, store_id, order_id, tender_id, amount_minor, reason, approved_by, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.StoreID, r.OrderID, r.TenderID, r.Amount, r.Reason, nullString(r.ApprovedBy), r.CreatedBy, micros(r.CreatedAt))
	if err != nil {
		return fail(op, err)
	}
	// The tender's CHECK refuses more than its amount given back.
	return t.execOne(ctx, op, `UPDATE tenders SET refunded_minor = refunded_minor + ?
		WHERE id = ? AND order_id = ? AND kind = 'cash'`, r.Amount, r.TenderID, r.OrderID)
}

// ListCashRefunds returns the cash refunds of one order, oldest first
// (then by id).
func (t *tx) ListCashRefunds(ctx context.Context, storeID, orderID string) ([]pos.CashRefund, error) {
	op := "list cash refunds of " + orderID
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, order_id, tender_id, amount_minor, reason,
		COALESCE(approved_by, ''), created_by, created_at
		FROM cash_refunds WHERE store_id = ? AND order_id = ? ORDER BY created_at, id`, storeID, orderID)
	if err != nil {
		return nil, fail(op, err)
	}
	defer rows.Close()
	var list []pos.CashRefund
	for rows.Next() {
		var r pos.CashRefund
		var created int64
		if err := rows.Scan(&r.ID, &r.StoreID, &r.OrderID, &r.TenderID, &r.Amount, &r.Reason, &r.ApprovedBy, &r.CreatedBy,
			&created); err != nil {
			return nil, fail(op, err)
		}
		r.CreatedAt = fromMicros(created)
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(op, err)
	}
	return list, nil
}

// Wallet.

func (t *tx) CreateMember(ctx context.Context, m pos.Member) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO wallet_members
		(id, store_id, name, balance_minor, currency, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.StoreID, m.Name, m.Balance, m.Currency, micros(m.CreatedAt), m.Version)
	if err != nil {
		return fail("create member "+m.ID, err)
	}
	return nil
}

// MemberByID finds a member of any store.
func (t *tx) MemberByID(ctx context.Context, id string) (pos.Member, error) {
	var m pos.Member
	var created int64
	err := t.tx.QueryRowContext(ctx, `SELECT id, store_id, name, balance_minor, currency, created_at, version
		FROM wallet_members WHERE id = ?`, id).
		Scan(&m.ID, &m.StoreID, &m.Name, &m.Balance, &m.Currency, &created, &m.Version)
	if err != nil {
		return pos.Member{}, fail("member "+id, err)
	}
	m.CreatedAt = fromMicros(created)
	return m, nil
}

// UpdateMember saves Name, Balance and Version if the stored version is
// m.Version-1. A negative balance is refused by a CHECK constraint.
func (t *tx) UpdateMember(ctx context.Context, m pos.Member) error {
	op := "update member " + m.ID
	res, err := t.tx.ExecContext(ctx, `UPDATE wallet_members SET name = ?, balance_minor = ?, version = ?
		WHERE id = ? AND version = ?`, m.Name, m.Balance, m.Version, m.ID, m.Version-1)
	if err != nil {
		return fail(op, err)
	}
	return t.versionChecked(ctx, op, res, `SELECT version FROM wallet_members WHERE id = ?`, []any{m.ID}, m.Version)
}

func (t *tx) CreateDevice(ctx context.Context, d pos.Device) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO wallet_devices
		(number, member_id, store_id, secret, credential_hash, last_counter, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		int64(d.Number), d.MemberID, d.StoreID, nonNil(d.Secret), nonNil(d.CredentialHash), d.LastCounter,
		micros(d.CreatedAt))
	if err != nil {
		return fail(fmt.Sprintf("create device %d", d.Number), err)
	}
	return nil
}

const deviceCols = `number, member_id, store_id, secret, credential_hash, last_counter, created_at`

func scanDevice(s rowScanner) (pos.Device, error) {
	var d pos.Device
	var number, created int64
	if err := s.Scan(&number, &d.MemberID, &d.StoreID, &d.Secret, &d.CredentialHash, &d.LastCounter,
		&created); err != nil {
		return pos.Device{}, err
	}
	d.Number, d.CreatedAt = uint32(number), fromMicros(created)
	return d, nil
}

func (t *tx) DeviceByNumber(ctx context.Context, number uint32) (pos.Device, error) {
	d, err := scanDevice(t.tx.QueryRowContext(ctx,
		`SELECT `+deviceCols+` FROM wallet_devices WHERE number = ?`, int64(number)))
	if err != nil {
		return pos.Device{}, fail(fmt.Sprintf("device %d", number), err)
	}
	return d, nil
}

func (t *tx) DeviceByCredential(ctx context.Context, hash []byte) (pos.Device, error) {
	d, err := scanDevice(t.tx.QueryRowContext(ctx,
		`SELECT `+deviceCols+` FROM wallet_devices WHERE credential_hash = ?`, nonNil(hash)))
	if err != nil {
		return pos.Device{}, fail("device by credential", err)
	}
	return d, nil
}

// UpdateDeviceCounter accepts counter in one conditional UPDATE, so that
// of two transactions accepting one code only one changes the row: the
// check and the write cannot be separated.
func (t *tx) UpdateDeviceCounter(ctx context.Context, number uint32, counter int64) error {
	op := fmt.Sprintf("update counter of device %d", number)
	res, err := t.tx.ExecContext(ctx, `UPDATE wallet_devices SET last_counter = ?
		WHERE number = ? AND last_counter < ?`, counter, int64(number), counter)
	if err != nil {
		return fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fail(op, err)
	}
	if n > 0 {
		return nil
	}
	var last int64
	if err := t.tx.QueryRowContext(ctx, `SELECT last_counter FROM wallet_devices WHERE number = ?`,
		int64(number)).Scan(&last); err != nil {
		return fail(op, err)
	}
	return fmt.Errorf("sqlite: %s: %w: counter %d already accepted up to %d", op, pos.ErrConflict, counter, last)
}

// Limits.

func (t *tx) LimitsFor(ctx context.Context, storeID, rail string) (pos.Limits, error) {
	l := pos.Limits{StoreID: storeID, Rail: rail}
	err := t.tx.QueryRowContext(ctx, `SELECT single_max_minor, daily_max_minor, password_free_minor
		FROM limits WHERE store_id = ? AND rail = ?`, storeID, rail).
		Scan(&l.SingleMax, &l.DailyMax, &l.PasswordFree)
	if err != nil {
		return pos.Limits{}, fail(fmt.Sprintf("limits of %s in %s", rail, storeID), err)
	}
	return l, nil
}

// PutLimits sets the limits of a store's rail, replacing any.
func (t *tx) PutLimits(ctx context.Context, l pos.Limits) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO limits
		(store_id, rail, single_max_minor, daily_max_minor, password_free_minor) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (store_id, rail) DO UPDATE SET single_max_minor = excluded.single_max_minor,
			daily_max_minor = excluded.daily_max_minor, password_free_minor = excluded.password_free_minor`,
		l.StoreID, l.Rail, l.SingleMax, l.DailyMax, l.PasswordFree)
	if err != nil {
		return fail(fmt.Sprintf("put limits of %s in %s", l.Rail, l.StoreID), err)
	}
	return nil
}

// Ledger.

// AppendEntry inserts the entry and its postings, in order, in two
// statements. It does not validate the entry: the caller does.
func (t *tx) AppendEntry(ctx context.Context, e ledger.Entry) error {
	op := "append entry " + e.ID
	_, err := t.tx.ExecContext(ctx, `INSERT INTO ledger_entries (id, store_id, kind, ref, at, reverses, staff_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.StoreID, string(e.Kind), e.Ref, micros(e.At), nullString(e.Reverses), nullString(e.By))
	if err != nil {
		return fail(op, err)
	}
	if len(e.Postings) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO ledger_postings (entry_id, position, account, amount_minor, currency) VALUES `)
	args := make([]any, 0, 5*len(e.Postings))
	for i, p := range e.Postings {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, e.ID, i, p.Account, p.Amount.Minor, p.Amount.Currency)
	}
	if _, err := t.tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fail(op+": postings", err)
	}
	return nil
}

// ListEntries returns the entries f selects, oldest first (then by id),
// each with its postings in the order they were appended.
func (t *tx) ListEntries(ctx context.Context, f pos.EntryFilter) ([]ledger.Entry, error) {
	var where []string
	var args []any
	if f.StoreID != "" {
		where = append(where, `store_id = ?`)
		args = append(args, f.StoreID)
	}
	if f.Ref != "" {
		where = append(where, `ref = ?`)
		args = append(args, f.Ref)
	}
	if f.Account != "" {
		where = append(where, `id IN (SELECT entry_id FROM ledger_postings WHERE account = ?)`)
		args = append(args, f.Account)
	}
	if !f.Since.IsZero() {
		where = append(where, `at >= ?`)
		args = append(args, micros(f.Since))
	}
	if len(where) == 0 {
		where = append(where, `TRUE`)
	}
	list, err := t.entries(ctx, strings.Join(where, " AND "), args)
	if err != nil {
		return nil, fail("list entries", err)
	}
	return list, nil
}

// entries loads the entries matching where with their postings: two
// queries whatever the number of entries.
func (t *tx) entries(ctx context.Context, where string, args []any) ([]ledger.Entry, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, store_id, kind, ref, at, COALESCE(reverses, ''), COALESCE(staff_id, '')
		FROM ledger_entries WHERE `+where+` ORDER BY at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []ledger.Entry
	index := map[string]int{}
	var ids []string
	for rows.Next() {
		var e ledger.Entry
		var kind string
		var at int64
		if err := rows.Scan(&e.ID, &e.StoreID, &kind, &e.Ref, &at, &e.Reverses, &e.By); err != nil {
			return nil, err
		}
		e.Kind, e.At = ledger.Kind(kind), fromMicros(at)
		index[e.ID] = len(list)
		ids = append(ids, e.ID)
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(list) == 0 {
		return nil, nil
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	prows, err := t.tx.QueryContext(ctx, `SELECT entry_id, account, amount_minor, currency
		FROM ledger_postings WHERE entry_id IN (SELECT value FROM json_each(?))
		ORDER BY entry_id, position`, string(idsJSON))
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var id string
		var p ledger.Posting
		if err := prows.Scan(&id, &p.Account, &p.Amount.Minor, &p.Amount.Currency); err != nil {
			return nil, err
		}
		e := &list[index[id]]
		e.Postings = append(e.Postings, p)
	}
	return list, prows.Err()
}
