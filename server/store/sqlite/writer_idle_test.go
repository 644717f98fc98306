package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"qrpos/server/pos"
)

// TestWriterGivesBackConnection checks that the writer, which keeps the
// write connection between batches, gives it back to the pool once idle:
// a user of the pool after a Write gets it, and Write works after that.
func TestWriterGivesBackConnection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrpos.db")
	db := openStore(t, path)
	seedStore(t, db)
	ctx, cancel := context.WithTimeout(t.Context(), 10*idleRelease)
	defer cancel()
	if _, err := db.write.ExecContext(ctx, `INSERT INTO idempotency (store_id, key, request_hash, response, created_at)
		VALUES ('store-1', 'direct', x'01', x'', 0)`); err != nil {
		t.Fatalf("write pool after a Write: %v", err)
	}
	if err := db.Write(ctx, func(tx pos.Tx) error { return putKey(ctx, tx, "after") }); err != nil {
		t.Fatalf("Write after the pool was used: %v", err)
	}
	got := keys(t, path)
	for _, k := range []string{"direct", "after"} {
		if !got[k] {
			t.Errorf("key %s: not stored", k)
		}
	}
}
