package sqlite

import (
	"strings"
	"testing"
)

// TestAuditAppendOnly checks that the schema itself refuses to change or
// delete an audit entry, whoever asks.
func TestAuditAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	for _, q := range []string{
		`INSERT INTO restaurants (id, name, address, currency, tax_inclusive, created_at) VALUES ('s1', 'S', '', 'CNY', 0, 0)`,
		`INSERT INTO audit_log (store_id, at, staff_id, staff_name, action, target, detail, reason)
			VALUES ('s1', 1, 'm', 'Mia', 'refund', 'payment p', '5.00', 'cold')`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, q := range []string{
		`UPDATE audit_log SET reason = 'nothing happened'`,
		`UPDATE audit_log SET staff_id = 'someone else' WHERE id = 1`,
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE id = 1`,
	} {
		_, err := db.write.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append only") {
			t.Errorf("%s: got %v, want the append-only refusal", q, err)
		}
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE reason = 'cold'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("entry after the refused changes: count %d, %v; want 1", n, err)
	}
}
