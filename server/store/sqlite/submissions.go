package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"qrpos/server/pos"
)

// Submissions of diners, service requests and table ordering settings.

func (t *tx) CreateSubmission(ctx context.Context, s pos.Submission) error {
	lines, err := json.Marshal(s.Lines)
	if err != nil {
		return fail("create submission "+s.ID, err)
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO submissions
		(id, store_id, table_session_id, table_id, order_id, diner_id, state, reason, lines, request_hash,
		 created_at, decided_at, decided_by, served_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.StoreID, s.TableSessionID, s.TableID, s.OrderID, s.DinerID, string(s.State), s.Reason, string(lines),
		s.RequestHash, micros(s.CreatedAt), nullMicros(s.DecidedAt), nullString(s.DecidedBy), nullMicros(s.ServedAt))
	if err != nil {
		return fail("create submission "+s.ID, err)
	}
	return nil
}

const submissionCols = `id, store_id, table_session_id, table_id, order_id, diner_id, state, reason, lines, request_hash,
	created_at, decided_at, COALESCE(decided_by, ''), served_at`

func scanSubmission(r interface{ Scan(...any) error }) (pos.Submission, error) {
	var s pos.Submission
	var state, lines string
	var created int64
	var decided, served sql.NullInt64
	if err := r.Scan(&s.ID, &s.StoreID, &s.TableSessionID, &s.TableID, &s.OrderID, &s.DinerID, &state, &s.Reason, &lines,
		&s.RequestHash, &created, &decided, &s.DecidedBy, &served); err != nil {
		return pos.Submission{}, err
	}
	s.State = pos.SubmissionState(state)
	s.CreatedAt, s.DecidedAt, s.ServedAt = fromMicros(created), fromNullMicros(decided), fromNullMicros(served)
	if err := json.Unmarshal([]byte(lines), &s.Lines); err != nil {
		return pos.Submission{}, err
	}
	return s, nil
}

func (t *tx) SubmissionByID(ctx context.Context, storeID, id string) (pos.Submission, error) {
	s, err := scanSubmission(t.tx.QueryRowContext(ctx, `SELECT `+submissionCols+` FROM submissions
		WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.Submission{}, fail("submission "+id, err)
	}
	return s, nil
}

func (t *tx) UpdateSubmission(ctx context.Context, s pos.Submission) error {
	return t.execOne(ctx, "update submission "+s.ID, `UPDATE submissions
		SET state = ?, reason = ?, decided_at = ?, decided_by = ?, served_at = ?
		WHERE store_id = ? AND id = ?`,
		string(s.State), s.Reason, nullMicros(s.DecidedAt), nullString(s.DecidedBy), nullMicros(s.ServedAt), s.StoreID, s.ID)
}

func (t *tx) ListSubmissions(ctx context.Context, f pos.SubmissionFilter) ([]pos.Submission, error) {
	where := []string{`store_id = ?`}
	args := []any{f.StoreID}
	if f.TableSessionID != "" {
		where = append(where, `table_session_id = ?`)
		args = append(args, f.TableSessionID)
	}
	if len(f.States) > 0 {
		where = append(where, `state IN (`+inList(len(f.States))+`)`)
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT `+submissionCols+` FROM submissions WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fail("list submissions", err)
	}
	defer rows.Close()
	var out []pos.Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			return nil, fail("list submissions", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list submissions", err)
	}
	return out, nil
}

func (t *tx) CreateServiceRequest(ctx context.Context, sr pos.ServiceRequest) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO service_requests
		(id, store_id, table_session_id, table_id, kind, created_at, acknowledged_at, acknowledged_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		sr.ID, sr.StoreID, sr.TableSessionID, sr.TableID, string(sr.Kind), micros(sr.CreatedAt),
		nullMicros(sr.AcknowledgedAt), nullString(sr.AcknowledgedBy))
	if err != nil {
		return fail("create service request "+sr.ID, err)
	}
	return nil
}

const serviceCols = `id, store_id, table_session_id, table_id, kind, created_at, acknowledged_at, COALESCE(acknowledged_by, '')`

func scanService(r interface{ Scan(...any) error }) (pos.ServiceRequest, error) {
	var sr pos.ServiceRequest
	var kind string
	var created int64
	var acked sql.NullInt64
	if err := r.Scan(&sr.ID, &sr.StoreID, &sr.TableSessionID, &sr.TableID, &kind, &created, &acked, &sr.AcknowledgedBy); err != nil {
		return pos.ServiceRequest{}, err
	}
	sr.Kind, sr.CreatedAt, sr.AcknowledgedAt = pos.ServiceKind(kind), fromMicros(created), fromNullMicros(acked)
	return sr, nil
}

func (t *tx) ServiceRequestByID(ctx context.Context, storeID, id string) (pos.ServiceRequest, error) {
	sr, err := scanService(t.tx.QueryRowContext(ctx, `SELECT `+serviceCols+` FROM service_requests
		WHERE store_id = ? AND id = ?`, storeID, id))
	if err != nil {
		return pos.ServiceRequest{}, fail("service request "+id, err)
	}
	return sr, nil
}

func (t *tx) AcknowledgeServiceRequest(ctx context.Context, storeID, id, by string, at time.Time) error {
	return t.execOne(ctx, "acknowledge service request "+id, `UPDATE service_requests
		SET acknowledged_at = ?, acknowledged_by = ?
		WHERE store_id = ? AND id = ? AND acknowledged_at IS NULL`, micros(at), nullString(by), storeID, id)
}

func (t *tx) ListServiceRequests(ctx context.Context, storeID, tableSessionID string) ([]pos.ServiceRequest, error) {
	q := `SELECT ` + serviceCols + ` FROM service_requests WHERE store_id = ? AND acknowledged_at IS NULL`
	args := []any{storeID}
	if tableSessionID != "" {
		q += ` AND table_session_id = ?`
		args = append(args, tableSessionID)
	}
	rows, err := t.tx.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fail("list service requests", err)
	}
	defer rows.Close()
	var out []pos.ServiceRequest
	for rows.Next() {
		sr, err := scanService(rows)
		if err != nil {
			return nil, fail("list service requests", err)
		}
		out = append(out, sr)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("list service requests", err)
	}
	return out, nil
}
