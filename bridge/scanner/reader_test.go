package scanner

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"qrpos/bridge/internal/serialio"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakePort stands in for a serial port inside a synctest bubble: reads time
// out like the real port's and unplug makes them fail.
type fakePort struct {
	timeout time.Duration
	data    chan []byte
	gone    chan struct{}
}

func newFakePort(timeout time.Duration) *fakePort {
	return &fakePort{timeout: timeout, data: make(chan []byte), gone: make(chan struct{})}
}

func (p *fakePort) Read(b []byte) (int, error) {
	select {
	case d := <-p.data:
		return copy(b, d), nil
	case <-p.gone:
		return 0, serialio.ErrGone
	case <-time.After(p.timeout):
		return 0, serialio.ErrTimeout
	}
}

func (p *fakePort) Close() error { return nil }

func TestReaderBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const readTimeout = 100 * time.Millisecond
		r := NewReader(Config{
			Port:        "fake",
			ReadTimeout: readTimeout,
			MinBackoff:  100 * time.Millisecond,
			MaxBackoff:  time.Second,
			Logger:      testLogger(t),
		})
		start := time.Now()
		var opens []time.Duration
		var fp *fakePort
		r.open = func() (port, error) {
			opens = append(opens, time.Since(start))
			if len(opens) <= 6 || len(opens) == 8 {
				return nil, errors.New("no such device")
			}
			fp = newFakePort(readTimeout)
			return fp, nil
		}
		codes := make(chan string, 10)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, func(c string) { codes <- c }) }()

		time.Sleep(3600 * time.Millisecond)
		synctest.Wait()
		ms := time.Millisecond
		want := []time.Duration{0, 100 * ms, 300 * ms, 700 * ms, 1500 * ms, 2500 * ms, 3500 * ms}
		if !equalDurations(opens, want) {
			t.Fatalf("opened at %v, want %v (doubling from 100ms, capped at 1s)", opens, want)
		}
		fp.data <- []byte("1234")
		fp.data <- []byte("5678\r\n")
		if got := <-codes; got != "12345678" {
			t.Errorf("got code %q, want 12345678", got)
		}

		// Unplugged after working for a while: reopen from the shortest wait.
		time.Sleep(2 * time.Second)
		unplugged := time.Since(start)
		close(fp.gone)
		synctest.Wait()
		time.Sleep(time.Second)
		synctest.Wait()
		want = append(want, unplugged+100*ms, unplugged+300*ms)
		if !equalDurations(opens, want) {
			t.Fatalf("opened at %v, want %v", opens, want)
		}
		fp.data <- []byte("abc\r")
		if got := <-codes; got != "abc" {
			t.Errorf("got code %q, want abc", got)
		}

		cancelled := time.Now()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
		if d := time.Since(cancelled); d > readTimeout {
			t.Errorf("Run returned %v after cancel, want at most the read timeout %v", d, readTimeout)
		}
	})
}

func TestReaderStopsWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := NewReader(Config{Port: "fake", MinBackoff: time.Hour, MaxBackoff: time.Hour})
		r.open = func() (port, error) { return nil, errors.New("no such device") }
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, func(string) {}) }()
		synctest.Wait()
		start := time.Now()
		cancel()
		<-done
		if d := time.Since(start); d != 0 {
			t.Errorf("Run returned %v after cancel during backoff, want at once", d)
		}
	})
	if err := NewReader(Config{}).Run(t.Context(), func(string) {}); err == nil {
		t.Error("Run without port: got nil, want an error")
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
