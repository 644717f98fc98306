package printer

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/internal/wire"
)

// flakyDevice is offline for its first offline status polls, then fails
// its first failures prints, recording when each attempt came.
type flakyDevice struct {
	start             time.Time
	offline, failures int
	attempts          []time.Duration
	printed           []string
}

func (d *flakyDevice) Status(context.Context) (escpos.Status, error) {
	d.attempts = append(d.attempts, time.Since(d.start))
	if d.offline > 0 {
		d.offline--
		return escpos.Status{Offline: true, PaperEnd: true}, nil
	}
	return escpos.Status{}, nil
}

func (d *flakyDevice) Print(_ context.Context, job *wire.PrintJob, _ []byte) (bool, error) {
	if d.failures > 0 {
		d.failures--
		return false, errors.New("write: broken pipe")
	}
	d.printed = append(d.printed, job.ID)
	return true, nil
}

func (d *flakyDevice) Close() error { return nil }

func TestSpoolerBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dev := &flakyDevice{start: time.Now(), offline: 2, failures: 2}
		q, err := OpenQueue(t.TempDir(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSpooler(q, dev, Options{Width: 32, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		for _, id := range []string{"a", "b"} {
			if err := s.Submit(kitchenJob(id)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.WaitPrinted(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		ms := time.Millisecond
		// Two polls find it offline, two prints fail: waits of 10, 20, 40
		// and 50 (capped) ms; then the second job goes at once.
		want := []time.Duration{0, 10 * ms, 30 * ms, 70 * ms, 120 * ms, 120 * ms}
		if !slices.Equal(dev.attempts, want) {
			t.Errorf("got attempts at %v, want %v", dev.attempts, want)
		}
		if got := dev.printed; !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("got printed %v, want [a b]", got)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
	})
}
