// Package serialio opens serial ports for the bridge's scanner and printer
// through github.com/tarm/serial, always with a read timeout, and tells a
// read that timed out apart from a device that went away.
//
// Without a read timeout a read blocks in the kernel and Close waits for it
// on Linux, so the bridge could never shut down or reopen the port. With
// one, tarm/serial reports a timeout as io.EOF with n == 0 (on Windows as
// n == 0 and no error), which is also what a hung-up tty can return. Read
// turns that into ErrTimeout, or into ErrGone when the device node has
// disappeared or now names another device (an unplugged adapter, a udev
// symlink pointing elsewhere), or when such "timeouts" come back far faster
// than the timeout several times in a row.
package serialio

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// DefaultReadTimeout is used when Config.ReadTimeout is not positive. The
// kernel counts in tenths of a second, so it is also the smallest.
const DefaultReadTimeout = 100 * time.Millisecond

// ErrTimeout is returned by Read when nothing arrived within the timeout.
var ErrTimeout = errors.New("serialio: read timeout")

// ErrGone is returned by Read when the device went away.
var ErrGone = errors.New("serialio: device gone")

// Config says which port to open and how.
type Config struct {
	Name        string        // device path (/dev/ttyUSB0, COM3)
	Baud        int           // 0 means 9600
	ReadTimeout time.Duration // 0 means DefaultReadTimeout
}

// Port is an open serial port. Read and Write may be used from different
// goroutines; Close must not be called while a Read is in flight if the
// caller wants it to return promptly (a Read returns within ReadTimeout).
type Port struct {
	p       io.ReadWriteCloser
	name    string
	info    os.FileInfo // of the device node at open; nil where it cannot be stat'ed (Windows COM names)
	timeout time.Duration
	quick   int
}

// quickEOFs is how many zero-byte reads in a row, each returning in under a
// quarter of the timeout, mean the device hung up.
const quickEOFs = 3

// Open opens the port described by c.
func Open(c Config) (*Port, error) {
	if c.Baud == 0 {
		c.Baud = 9600
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	info, _ := os.Stat(c.Name)
	p, err := openPort(c)
	if err != nil {
		return nil, fmt.Errorf("serialio: open: %w", err)
	}
	return &Port{p: p, name: c.Name, info: info, timeout: c.ReadTimeout}, nil
}

// Read reads up to len(b) bytes, waiting at most the read timeout. It
// returns ErrTimeout when nothing came, ErrGone when the device went away,
// and other errors wrapped.
func (p *Port) Read(b []byte) (int, error) {
	start := time.Now()
	n, err := p.p.Read(b)
	if n > 0 {
		p.quick = 0
		return n, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("serialio: %w", err) // *os.PathError names the port
	}
	if p.moved() {
		return 0, fmt.Errorf("%w: %s no longer names the device", ErrGone, p.name)
	}
	if time.Since(start) < p.timeout/4 {
		p.quick++
		if p.quick >= quickEOFs {
			return 0, fmt.Errorf("%w: %s hung up", ErrGone, p.name)
		}
	} else {
		p.quick = 0
	}
	return 0, ErrTimeout
}

// moved reports whether the device node is gone or names another file.
func (p *Port) moved() bool {
	if p.info == nil {
		return false
	}
	now, err := os.Stat(p.name)
	return err != nil || !os.SameFile(now, p.info)
}

// Write writes b to the port.
func (p *Port) Write(b []byte) (int, error) {
	n, err := p.p.Write(b)
	if err != nil {
		return n, fmt.Errorf("serialio: %w", err)
	}
	return n, nil
}

// Close closes the port.
func (p *Port) Close() error { return p.p.Close() }
