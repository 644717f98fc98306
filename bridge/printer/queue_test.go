package printer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qrpos/internal/wire"
)

func ids(jobs []wire.PrintJob) string {
	var s []string
	for _, j := range jobs {
		s = append(s, j.ID)
	}
	return strings.Join(s, ",")
}

func TestQueue(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	q, err := OpenQueue(dir, 24*time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"b", "a/../../x", "c"} {
		now = now.Add(time.Second)
		if err := q.Submit(kitchenJob(id)); err != nil {
			t.Fatalf("Submit(%s): %v", id, err)
		}
	}
	if err := q.Submit(kitchenJob("c")); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a pending id: got %v, want ErrDuplicate", err)
	}
	if err := q.Submit(wire.PrintJob{}); err == nil {
		t.Error("Submit without id: got nil, want an error")
	}
	jobs, err := q.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(jobs), "b,a/../../x,c"; got != want {
		t.Errorf("Pending: got %s, want %s (submission order)", got, want)
	}
	if jobs[0].Kitchen == nil || jobs[0].Kitchen.Lines[0].Name != "宫保鸡丁" {
		t.Errorf("Pending: got %+v, want the document back", jobs[0])
	}

	if err := q.Done("b"); err != nil {
		t.Fatal(err)
	}
	if err := q.Done("b"); err == nil {
		t.Error("Done twice: got nil, want an error")
	}
	if err := q.Submit(kitchenJob("b")); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a printed id: got %v, want ErrDuplicate", err)
	}
	for id, want := range map[string]JobState{"b": StateDone, "c": StatePending, "zzz": StateUnknown} {
		if got := q.State(id); got != want {
			t.Errorf("State(%s): got %v, want %v", id, got, want)
		}
	}

	// A restart: pending jobs come back, printed ids are still refused, a
	// half-written temporary file is cleaned away.
	tmp := filepath.Join(dir, "pending", "deadbeef.json.tmp")
	if err := os.WriteFile(tmp, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	q, err = OpenQueue(dir, 24*time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	jobs, err = q.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(jobs), "a/../../x,c"; got != want {
		t.Errorf("Pending after reopen: got %s, want %s", got, want)
	}
	if err := q.Submit(kitchenJob("b")); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a printed id after reopen: got %v, want ErrDuplicate", err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file after reopen: got %v, want it removed", err)
	}

	// Printed ids are forgotten after the retention period.
	now = now.Add(25 * time.Hour)
	if err := q.Prune(); err != nil {
		t.Fatal(err)
	}
	if err := q.Submit(kitchenJob("b")); err != nil {
		t.Errorf("Submit of an id printed 25 h ago with 24 h retention: got %v, want nil", err)
	}

	// A corrupt file is set aside, not retried forever.
	bad := filepath.Join(dir, "pending", "0123.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	jobs, err = q.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(jobs), "a/../../x,c,b"; got != want {
		t.Errorf("Pending with a corrupt file: got %s, want %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "failed", "0123.json")); err != nil {
		t.Errorf("corrupt file: got %v, want it moved to failed/", err)
	}

	if err := q.Fail("c"); err != nil {
		t.Fatal(err)
	}
	if got := q.State("c"); got != StateFailed {
		t.Errorf("State after Fail: got %v, want StateFailed", got)
	}
	if err := q.Submit(kitchenJob("c")); err != nil {
		t.Errorf("Submit of a failed id: got %v, want nil", err)
	}

	ents, _ := os.ReadDir(filepath.Join(dir, "pending"))
	for _, e := range ents {
		if strings.Contains(e.Name(), "..") || strings.Contains(e.Name(), "x") {
			t.Errorf("got file name %q, want one derived from a hash of the id", e.Name())
		}
	}
}

func TestQueueTooBig(t *testing.T) {
	q, err := OpenQueue(t.TempDir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	job := kitchenJob("big")
	job.Kitchen.Note = strings.Repeat("x", MaxJobBytes)
	if err := q.Submit(job); err == nil {
		t.Error("Submit of a huge job: got nil, want an error")
	}
}
