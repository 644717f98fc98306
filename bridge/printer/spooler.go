// Package printer prints the bridge's jobs: a durable queue on disk, a
// spooler that sends each job to the printer once, and printer connections
// for a serial port, a TCP socket (port 9100) and a virtual printer that
// writes files.
//
// A job is accepted only after it is on disk, so it survives a restart of
// the bridge and a printer that is off. Each job id prints at most once: a
// repeated id is answered ErrDuplicate. The spooler polls the printer's
// status between jobs, appends GS r 1 where the printer answers it and
// marks the job done only after its bytes were written (and confirmed,
// where the printer can). A failure before that sends the whole job again
// after a backoff; the one case that can print twice is a crash between
// the printer finishing and the queue recording it.
package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/bridge/receipt"
	"qrpos/internal/wire"
)

// Device is a printer the Spooler can send jobs to.
type Device interface {
	// Status reports whether the printer can print; ErrNoStatus if it
	// cannot tell.
	Status(ctx context.Context) (escpos.Status, error)
	// Print sends one job's bytes and reports whether the printer confirmed
	// that it printed them. An error means the job must be sent again.
	Print(ctx context.Context, job *wire.PrintJob, data []byte) (confirmed bool, err error)
	Close() error
}

// Options tunes a Spooler.
type Options struct {
	Width      int           // paper columns: receipt.Columns58, Columns80Font or Columns80
	MinBackoff time.Duration // first wait after a failure; 0 means 200 ms
	MaxBackoff time.Duration // longest wait; 0 means 10 s
	Logger     *slog.Logger  // nil means no logging
}

// Spooler prints the jobs of a Queue on a Device, in order, one at a time.
type Spooler struct {
	q   *Queue
	dev Device
	o   Options
	log *slog.Logger

	wake chan struct{}

	mu      sync.Mutex
	changed chan struct{} // closed and replaced when a job finishes
}

// NewSpooler returns a Spooler for q and dev.
func NewSpooler(q *Queue, dev Device, o Options) (*Spooler, error) {
	if !receipt.ValidWidth(o.Width) {
		return nil, fmt.Errorf("printer: width %d not supported", o.Width)
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Spooler{
		q: q, dev: dev, o: o, log: o.Logger,
		wake:    make(chan struct{}, 1),
		changed: make(chan struct{}),
	}, nil
}

// Submit checks that job can be laid out and queues it durably. It returns
// receipt.ErrInvalid (wrapped) for a document that cannot print and
// ErrDuplicate (wrapped) for an id already queued or printed.
func (s *Spooler) Submit(job wire.PrintJob) error {
	if _, err := receipt.Lay(&job, s.o.Width); err != nil {
		return err
	}
	if err := s.q.Submit(job); err != nil {
		return err
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// ErrFailed is returned by WaitPrinted for a job taken out of the queue
// because it cannot be printed.
var ErrFailed = errors.New("printer: job failed")

// WaitPrinted waits until the job with id has been printed or ctx is done.
func (s *Spooler) WaitPrinted(ctx context.Context, id string) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		switch s.q.State(id) {
		case StateDone:
			return nil
		case StateFailed:
			return fmt.Errorf("%w: %s", ErrFailed, id)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (s *Spooler) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Run prints queued jobs until ctx is cancelled, then returns nil. It
// returns an error only if the queue itself cannot be read.
func (s *Spooler) Run(ctx context.Context) error {
	backoff := s.o.MinBackoff
	// unrecorded holds jobs that printed but whose Done failed (a disk
	// error): they must not print again while Done is retried.
	unrecorded := map[string]bool{}
	for ctx.Err() == nil {
		for id := range unrecorded {
			if s.q.State(id) != StatePending || s.q.Done(id) == nil {
				delete(unrecorded, id)
				s.notify()
			}
		}
		jobs, err := s.q.Pending()
		if err != nil {
			return err
		}
		var job *wire.PrintJob
		for i := range jobs {
			if !unrecorded[jobs[i].ID] {
				job = &jobs[i]
				break
			}
		}
		if job == nil {
			if len(unrecorded) > 0 {
				sleep(ctx, nil, backoff) // then retry Done
			} else {
				sleep(ctx, s.wake, 0)
			}
			continue
		}
		data, err := receipt.Encode(job, s.o.Width)
		if err != nil {
			// Submit lays every job out, so only a job queued by another
			// version of the bridge gets here; retrying will not help.
			s.log.Error("printer: job cannot be printed, moved to failed", "job", job.ID, "err", err)
			if err := s.q.Fail(job.ID); err != nil {
				s.log.Error("printer: cannot set failed job aside", "job", job.ID, "err", err)
				sleep(ctx, nil, s.o.MaxBackoff)
			}
			s.notify()
			continue
		}
		confirmed, err := s.print(ctx, job, data)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			s.log.Warn("printer: job not printed, will retry", "job", job.ID, "err", err, "backoff", backoff)
			sleep(ctx, nil, backoff)
			backoff = min(2*backoff, s.o.MaxBackoff)
			continue
		}
		backoff = s.o.MinBackoff
		s.log.Info("printer: printed", "job", job.ID, "kind", job.Kind, "confirmed", confirmed)
		if err := s.q.Done(job.ID); err != nil {
			s.log.Error("printer: cannot record printed job", "job", job.ID, "err", err)
			unrecorded[job.ID] = true
			continue
		}
		s.notify()
	}
	return nil
}

// print polls the printer's status and sends data if it is ready.
func (s *Spooler) print(ctx context.Context, job *wire.PrintJob, data []byte) (bool, error) {
	st, err := s.dev.Status(ctx)
	switch {
	case errors.Is(err, ErrNoStatus):
	case err != nil:
		return false, err
	case !st.Ready():
		return false, fmt.Errorf("printer: not ready: %s", st)
	case st.PaperNearEnd:
		s.log.Warn("printer: paper near end")
	}
	return s.dev.Print(ctx, job, data)
}

// sleep waits for d (forever if d is 0), a value on wake, or ctx.
func sleep(ctx context.Context, wake <-chan struct{}, d time.Duration) {
	var timer <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
	case <-wake:
	case <-timer:
	}
}
