package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"qrpos/bridge/internal/serialio"
)

// Config says where the scanner is and how to treat it.
type Config struct {
	Port         string        // device path, e.g. /dev/ttyACM0 or COM3
	Baud         int           // 0 means 9600
	ReadTimeout  time.Duration // 0 means serialio.DefaultReadTimeout; bounds how long Run takes to stop
	MaxLen       int           // longest code; 0 means DefaultMaxLen
	RepeatWindow time.Duration // drop an identical code within it; 0 means 1 s, negative means never drop
	MinBackoff   time.Duration // first wait before reopening; 0 means 100 ms
	MaxBackoff   time.Duration // longest wait; 0 means 5 s
	Logger       *slog.Logger  // nil means no logging
	Now          func() time.Time
	// State, if set, is called with true when the port opens and with false
	// when it is lost, so a user interface can show the scanner's state.
	State func(connected bool)
}

// Reader reads codes from a serial scanner.
type Reader struct {
	cfg  Config
	open func() (port, error)
}

// port is what Reader needs of an open serial port. Read returns
// serialio.ErrTimeout when nothing arrived.
type port interface {
	io.Reader
	io.Closer
}

// NewReader returns a Reader for cfg, filling in defaults.
func NewReader(cfg Config) *Reader {
	if cfg.RepeatWindow == 0 {
		cfg.RepeatWindow = time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.MinBackoff)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.State == nil {
		cfg.State = func(bool) {}
	}
	r := &Reader{cfg: cfg}
	r.open = func() (port, error) {
		return serialio.Open(serialio.Config{Name: cfg.Port, Baud: cfg.Baud, ReadTimeout: cfg.ReadTimeout})
	}
	return r
}

// Run reads the scanner until ctx is cancelled, calling deliver with each
// code from Run's goroutine. It opens the port, and reopens it with
// exponential backoff whenever it cannot be opened or is lost. It returns
// nil soon after ctx is cancelled: a read lasts at most ReadTimeout.
func (r *Reader) Run(ctx context.Context, deliver func(code string)) error {
	if r.cfg.Port == "" {
		return errors.New("scanner: no port configured")
	}
	log := r.cfg.Logger.With("port", r.cfg.Port)
	f := NewFramer(r.cfg.MaxLen, r.cfg.RepeatWindow, r.cfg.Now)
	backoff := r.cfg.MinBackoff
	failing := false
	for ctx.Err() == nil {
		p, err := r.open()
		if err != nil {
			if !failing {
				log.Warn("scanner: cannot open port, will retry", "err", err)
				failing = true
			} else {
				log.Debug("scanner: cannot open port", "err", err, "backoff", backoff)
			}
			sleep(ctx, backoff)
			backoff = min(2*backoff, r.cfg.MaxBackoff)
			continue
		}
		failing = false
		log.Info("scanner: connected")
		r.cfg.State(true)
		opened := r.cfg.Now()
		err = r.read(ctx, p, f, deliver)
		p.Close()
		f.Reset()
		r.cfg.State(false)
		if ctx.Err() != nil {
			break
		}
		log.Warn("scanner: disconnected, will reopen", "err", err)
		// A port that keeps failing right after opening backs off too; one
		// that worked for a while starts over from the shortest wait.
		if r.cfg.Now().Sub(opened) >= r.cfg.MaxBackoff {
			backoff = r.cfg.MinBackoff
		}
		sleep(ctx, backoff)
		backoff = min(2*backoff, r.cfg.MaxBackoff)
	}
	st := f.Stats()
	log.Info("scanner: stopped", "codes", st.Codes, "repeats", st.Repeats,
		"too_long", st.TooLong, "non_printable", st.NonPrintable)
	return nil
}

func (r *Reader) read(ctx context.Context, p port, f *Framer, deliver func(string)) error {
	buf := make([]byte, 256)
	for ctx.Err() == nil {
		n, err := p.Read(buf)
		for _, code := range f.Feed(buf[:n]) {
			deliver(code)
		}
		if err != nil && !errors.Is(err, serialio.ErrTimeout) {
			return fmt.Errorf("scanner: %w", err)
		}
	}
	return nil
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
