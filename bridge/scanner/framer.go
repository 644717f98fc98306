// Package scanner reads codes from a serial QR/barcode scanner.
//
// Framer is the pure part: it cuts the byte stream into codes, treating
// every byte as untrusted. Reader owns the serial port: it feeds what it
// reads to a Framer, delivers the codes, and reopens the port after the
// scanner is unplugged and plugged back.
package scanner

import "time"

// DefaultMaxLen is the longest code Framer accepts by default. Payment codes
// are 16-24 digits and URLs in QR codes stay well under it.
const DefaultMaxLen = 512

// Stats counts what a Framer did with the frames it saw.
type Stats struct {
	Codes        int // delivered
	Repeats      int // dropped: same code within the repeat window
	TooLong      int // dropped: longer than the limit
	NonPrintable int // dropped: a byte outside printable ASCII
	Partial      int // dropped by Reset before their terminator came
}

// Framer splits a scanner's byte stream into codes. A code ends at CR, LF or
// CRLF (empty frames are ignored, so any mix of the two works) and may
// arrive in any number of pieces. A frame longer than the limit or with a
// byte outside printable ASCII (0x20-0x7E) is dropped whole, and framing
// starts again after the next terminator. A code identical to the previous
// one is dropped if it comes within the repeat window of the last time it
// was seen: the window slides, so a code held under a scanner in continuous
// mode is delivered once, until the scanner sees something else or nothing
// for a whole window.
//
// A Framer is not safe for concurrent use.
type Framer struct {
	max    int
	window time.Duration
	now    func() time.Time

	buf    []byte
	bad    int // 0 ok, else why the current frame is being dropped
	last   string
	lastAt time.Time
	stats  Stats
}

const (
	badNone = iota
	badLong
	badByte
)

// NewFramer returns a Framer accepting codes of up to maxLen bytes
// (DefaultMaxLen if maxLen <= 0) and dropping repeats within window (none if
// window <= 0), reading the time from now.
func NewFramer(maxLen int, window time.Duration, now func() time.Time) *Framer {
	if maxLen <= 0 {
		maxLen = DefaultMaxLen
	}
	return &Framer{max: maxLen, window: window, now: now}
}

// Feed consumes p and returns the codes it completed, in order.
func (f *Framer) Feed(p []byte) []string {
	var codes []string
	for _, b := range p {
		if b == '\r' || b == '\n' {
			if code, ok := f.end(); ok {
				codes = append(codes, code)
			}
			continue
		}
		switch {
		case f.bad != badNone:
		case b < 0x20 || b > 0x7E:
			f.bad = badByte
		case len(f.buf) >= f.max:
			f.bad = badLong
		default:
			f.buf = append(f.buf, b)
		}
	}
	return codes
}

func (f *Framer) end() (string, bool) {
	defer func() { f.buf, f.bad = f.buf[:0], badNone }()
	switch f.bad {
	case badLong:
		f.stats.TooLong++
		return "", false
	case badByte:
		f.stats.NonPrintable++
		return "", false
	}
	if len(f.buf) == 0 {
		return "", false
	}
	code := string(f.buf)
	var now time.Time
	if f.window > 0 {
		now = f.now()
		if code == f.last && now.Sub(f.lastAt) < f.window {
			f.lastAt = now
			f.stats.Repeats++
			return "", false
		}
	}
	f.last, f.lastAt = code, now
	f.stats.Codes++
	return code, true
}

// Reset drops a frame that has not been terminated yet, e.g. after the
// device was unplugged in the middle of a code.
func (f *Framer) Reset() {
	if len(f.buf) > 0 || f.bad != badNone {
		f.stats.Partial++
	}
	f.buf, f.bad = f.buf[:0], badNone
}

// Stats returns the counts so far.
func (f *Framer) Stats() Stats { return f.stats }
