package printer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/bridge/internal/serialio"
	"qrpos/internal/wire"
)

// ErrNoStatus is returned by Status when the printer does not answer status
// requests (some models and interfaces do not). The job is printed anyway.
var ErrNoStatus = errors.New("printer: no status reply")

// errNoReply is what a link's read returns when nothing came in time.
var errNoReply = errors.New("printer: no reply")

// link is a byte stream to a printer.
type link interface {
	Write(p []byte) (int, error)
	// read reads what has arrived, waiting at most about wait (a serial
	// port waits its own read timeout); it returns errNoReply if nothing
	// came.
	read(b []byte, wait time.Duration) (int, error)
	Close() error
}

// StreamOptions tunes a Stream.
type StreamOptions struct {
	// StatusTimeout bounds the wait for a DLE EOT reply; 0 means 500 ms.
	StatusTimeout time.Duration
	// ConfirmTimeout bounds the wait for the GS r 1 reply after a job, which
	// comes when the printer has printed it; 0 means 20 s.
	ConfirmTimeout time.Duration
}

func (o *StreamOptions) defaults() {
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = 500 * time.Millisecond
	}
	if o.ConfirmTimeout <= 0 {
		o.ConfirmTimeout = 20 * time.Second
	}
}

// Stream is a printer on a serial port or a TCP socket (port 9100). It
// connects on first use and again on the next call after any I/O error, so
// a printer that was switched off or unplugged is picked up again. It is
// not safe for concurrent use: the Spooler is its only user.
type Stream struct {
	dial func(ctx context.Context) (link, error)
	opts StreamOptions

	c       link
	answers bool // the printer on c answered a status request
	noGSr   bool // the printer on c left a GS r 1 unanswered: do not wait for it again
}

// NewSerial returns a Stream printing to the serial port in cfg.
func NewSerial(cfg serialio.Config, o StreamOptions) *Stream {
	o.defaults()
	return &Stream{
		opts: o,
		dial: func(context.Context) (link, error) {
			p, err := serialio.Open(cfg)
			if err != nil {
				return nil, err
			}
			return serialLink{p}, nil
		},
	}
}

// NewTCP returns a Stream printing to addr (host:9100).
func NewTCP(addr string, o StreamOptions) *Stream {
	o.defaults()
	return &Stream{
		opts: o,
		dial: func(ctx context.Context) (link, error) {
			d := net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
			c, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				return nil, fmt.Errorf("printer: %w", err)
			}
			return tcpLink{c}, nil
		},
	}
}

func (s *Stream) conn(ctx context.Context) (link, error) {
	if s.c != nil {
		return s.c, nil
	}
	c, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	s.c, s.answers, s.noGSr = c, false, false
	return c, nil
}

// drop closes the connection after an error; the next call reconnects.
func (s *Stream) drop() {
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
}

// Close closes the connection, if any.
func (s *Stream) Close() error {
	s.drop()
	return nil
}

// Status asks the printer for its real-time status (DLE EOT 1, then 2 if it
// is offline, and 4 for the paper roll), one request at a time. It returns
// ErrNoStatus if the printer does not answer within StatusTimeout.
func (s *Stream) Status(ctx context.Context) (escpos.Status, error) {
	var st escpos.Status
	c, err := s.conn(ctx)
	if err != nil {
		return st, err
	}
	ask := func(k escpos.StatusKind) error {
		if _, err := c.Write(escpos.StatusRequest(k)); err != nil {
			s.drop()
			return fmt.Errorf("printer: status request: %w", err)
		}
		b, err := s.await(ctx, escpos.IsStatusReply, s.opts.StatusTimeout)
		if err != nil {
			return err
		}
		return st.Apply(k, b)
	}
	if err := ask(escpos.PrinterStatus); err != nil {
		if errors.Is(err, errNoReply) {
			s.answers = false
			return st, ErrNoStatus
		}
		return st, err
	}
	s.answers = true
	if st.Offline {
		if err := ask(escpos.OfflineCause); err != nil && !errors.Is(err, errNoReply) {
			return st, err
		}
	}
	if err := ask(escpos.PaperStatus); err != nil && !errors.Is(err, errNoReply) {
		return st, err
	}
	return st, nil
}

// await reads until a byte for which match is true arrives, skipping others
// (a late reply to an earlier request), for at most timeout. It returns
// errNoReply on timeout, ctx's error when cancelled, and drops the
// connection on any other error.
func (s *Stream) await(ctx context.Context, match func(byte) bool, timeout time.Duration) (byte, error) {
	deadline := time.Now().Add(timeout)
	var b [16]byte
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		wait := min(time.Until(deadline), 100*time.Millisecond)
		if wait <= 0 {
			return 0, errNoReply
		}
		n, err := s.c.read(b[:], wait)
		for _, x := range b[:n] {
			if match(x) {
				return x, nil
			}
		}
		if err != nil && !errors.Is(err, errNoReply) {
			s.drop()
			return 0, fmt.Errorf("printer: read: %w", err)
		}
	}
}

// Print sends data. If the printer answered a status request on this
// connection, Print appends GS r 1 and waits for its reply, which means the
// job was printed: then it reports confirmed. Without a reply within
// ConfirmTimeout the bytes are still in the printer (which may lack GS r,
// as some network models do, or be waiting for paper): Print returns nil,
// unconfirmed, and stops asking on this connection so that later jobs do
// not wait too. Any I/O error drops the connection and is returned, and
// the job must be sent again.
func (s *Stream) Print(ctx context.Context, job *wire.PrintJob, data []byte) (bool, error) {
	c, err := s.conn(ctx)
	if err != nil {
		return false, err
	}
	confirm := s.answers && !s.noGSr
	if confirm {
		data = append(data[:len(data):len(data)], escpos.CompletionMarkerBytes()...)
	}
	// A printer that stopped reading (out of paper, buffer full) blocks the
	// write; closing the connection when ctx ends unblocks it, so shutdown
	// never waits for the printer. The job stays queued.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	_, err = c.Write(data)
	stop()
	if err != nil {
		s.drop()
		return false, fmt.Errorf("printer: write job %s: %w", job.ID, err)
	}
	if !confirm {
		return false, nil
	}
	_, err = s.await(ctx, escpos.IsCompletionReply, s.opts.ConfirmTimeout)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errNoReply):
		s.noGSr = true
		return false, nil
	default:
		return false, fmt.Errorf("printer: confirm job %s: %w", job.ID, err)
	}
}

type serialLink struct{ p *serialio.Port }

func (l serialLink) Write(b []byte) (int, error) { return l.p.Write(b) }
func (l serialLink) Close() error                { return l.p.Close() }

func (l serialLink) read(b []byte, _ time.Duration) (int, error) {
	n, err := l.p.Read(b)
	if errors.Is(err, serialio.ErrTimeout) {
		return n, errNoReply
	}
	return n, err
}

type tcpLink struct{ c net.Conn }

func (l tcpLink) Close() error { return l.c.Close() }

func (l tcpLink) Write(b []byte) (int, error) {
	// A printer that stopped reading must not hang the spooler forever.
	l.c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return l.c.Write(b)
}

func (l tcpLink) read(b []byte, wait time.Duration) (int, error) {
	l.c.SetReadDeadline(time.Now().Add(wait))
	n, err := l.c.Read(b)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return n, errNoReply
	}
	return n, err
}
