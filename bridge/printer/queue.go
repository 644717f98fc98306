package printer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"qrpos/internal/wire"
)

// ErrDuplicate is returned by Submit for a job id that is already queued or
// was printed within the retention period.
var ErrDuplicate = errors.New("printer: duplicate job")

// MaxJobBytes bounds the size of one job's JSON on disk.
const MaxJobBytes = 256 << 10

// Queue is a durable queue of print jobs in a directory, one file per job:
// pending/<hash>.json until the job is printed, then done/<hash>.json, where
// <hash> is derived from the job id. A job moves from pending to done by a
// single rename, so it is never both. Files are written to a temporary name,
// synced and renamed, and the directory is synced, so a job accepted by
// Submit survives a crash or power cut. Done files are kept for the
// retention period to answer a repeated id as a duplicate, then pruned.
//
// One process at a time may use a directory. A Queue is safe for concurrent
// use.
type Queue struct {
	pending, done, failed string
	keep                  time.Duration
	now                   func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

type record struct {
	SubmittedAt time.Time     `json:"submitted_at"`
	Job         wire.PrintJob `json:"job"`
}

// DefaultRetention is how long printed ids are remembered.
const DefaultRetention = 7 * 24 * time.Hour

// OpenQueue opens (creating if needed) the queue in dir. Printed ids are
// remembered for keep (DefaultRetention if keep <= 0); now is the clock.
func OpenQueue(dir string, keep time.Duration, now func() time.Time) (*Queue, error) {
	if keep <= 0 {
		keep = DefaultRetention
	}
	if now == nil {
		now = time.Now
	}
	q := &Queue{
		pending: filepath.Join(dir, "pending"),
		done:    filepath.Join(dir, "done"),
		failed:  filepath.Join(dir, "failed"),
		keep:    keep,
		now:     now,
	}
	for _, d := range []string{q.pending, q.done, q.failed} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("printer: open queue: %w", err)
		}
	}
	// A crash between write and rename leaves a temporary file: the job was
	// never accepted, so it goes.
	tmps, _ := filepath.Glob(filepath.Join(q.pending, "*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
	if err := q.Prune(); err != nil {
		return nil, err
	}
	return q, nil
}

func fileName(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:16]) + ".json"
}

// Submit stores job durably. It returns ErrDuplicate (wrapped) if a job with
// the same id is pending or was printed within the retention period.
func (q *Queue) Submit(job wire.PrintJob) error {
	if job.ID == "" {
		return errors.New("printer: job has no id")
	}
	data, err := json.Marshal(record{SubmittedAt: q.now(), Job: job})
	if err != nil {
		return fmt.Errorf("printer: encode job %s: %w", job.ID, err)
	}
	if len(data) > MaxJobBytes {
		return fmt.Errorf("printer: job %s is %d bytes, more than %d", job.ID, len(data), MaxJobBytes)
	}
	name := fileName(job.ID)
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, d := range []string{q.pending, q.done} {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return fmt.Errorf("%w: %s", ErrDuplicate, job.ID)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("printer: submit %s: %w", job.ID, err)
		}
	}
	if err := writeFile(filepath.Join(q.pending, name), data); err != nil {
		return fmt.Errorf("printer: submit %s: %w", job.ID, err)
	}
	return nil
}

// writeFile writes data to path atomically and durably.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory
// (NTFS journals the rename itself), so there it does nothing.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Pending returns the jobs waiting to be printed, oldest first. A file that
// cannot be read as a job is moved to failed/ and skipped.
func (q *Queue) Pending() ([]wire.PrintJob, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ents, err := os.ReadDir(q.pending)
	if err != nil {
		return nil, fmt.Errorf("printer: list queue: %w", err)
	}
	var recs []record
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(q.pending, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("printer: read queue: %w", err)
		}
		var r record
		if err := json.Unmarshal(data, &r); err != nil || fileName(r.Job.ID) != e.Name() {
			os.Rename(path, filepath.Join(q.failed, e.Name()))
			continue
		}
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool {
		if !recs[i].SubmittedAt.Equal(recs[j].SubmittedAt) {
			return recs[i].SubmittedAt.Before(recs[j].SubmittedAt)
		}
		return recs[i].Job.ID < recs[j].Job.ID
	})
	jobs := make([]wire.PrintJob, len(recs))
	for i, r := range recs {
		jobs[i] = r.Job
	}
	return jobs, nil
}

// Done records that the job with id was printed: it leaves the queue and its
// id is remembered for the retention period.
func (q *Queue) Done(id string) error {
	return q.finish(id, q.done)
}

// Fail takes the job with id out of the queue without printing it, keeping
// it in failed/ for a person to look at. Its id is not remembered: it may be
// submitted again.
func (q *Queue) Fail(id string) error {
	return q.finish(id, q.failed)
}

func (q *Queue) finish(id, dir string) error {
	name := fileName(id)
	q.mu.Lock()
	defer q.mu.Unlock()
	dst := filepath.Join(dir, name)
	if err := os.Rename(filepath.Join(q.pending, name), dst); err != nil {
		return fmt.Errorf("printer: finish job %s: %w", id, err)
	}
	if err := syncDir(q.pending); err != nil {
		return fmt.Errorf("printer: finish job %s: %w", id, err)
	}
	// The modification time starts the retention period.
	now := q.now()
	os.Chtimes(dst, now, now)
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("printer: finish job %s: %w", id, err)
	}
	if now.Sub(q.lastPrune) >= time.Hour {
		q.lastPrune = now
		return q.prune(now)
	}
	return nil
}

// JobState is where a job is in the queue.
type JobState int

// Job states.
const (
	StateUnknown JobState = iota // never submitted, or printed longer ago than the retention period
	StatePending                 // waiting to be printed
	StateDone                    // printed
	StateFailed                  // taken out of the queue unprinted
)

// State reports where the job with id is.
func (q *Queue) State(id string) JobState {
	name := fileName(id)
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, d := range []struct {
		dir string
		st  JobState
	}{{q.done, StateDone}, {q.pending, StatePending}, {q.failed, StateFailed}} {
		if _, err := os.Stat(filepath.Join(d.dir, name)); err == nil {
			return d.st
		}
	}
	return StateUnknown
}

// Prune forgets printed ids older than the retention period.
func (q *Queue) Prune() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.lastPrune = q.now()
	return q.prune(q.lastPrune)
}

func (q *Queue) prune(now time.Time) error {
	ents, err := os.ReadDir(q.done)
	if err != nil {
		return fmt.Errorf("printer: prune: %w", err)
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			continue
		}
		if now.Sub(info.ModTime()) > q.keep {
			os.Remove(filepath.Join(q.done, e.Name()))
		}
	}
	return nil
}
