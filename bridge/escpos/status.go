package escpos

import "fmt"

// StatusKind selects what DLE EOT n asks for.
type StatusKind byte

// Real-time status requests.
const (
	PrinterStatus StatusKind = 1 // online/offline, drawer
	OfflineCause  StatusKind = 2 // cover, feed button, paper end, error
	ErrorCause    StatusKind = 3 // cutter, unrecoverable, auto-recoverable
	PaperStatus   StatusKind = 4 // roll paper near end / end
)

// StatusRequest returns the real-time status request DLE EOT n. The printer
// answers it at once, even in the middle of other data, so send it between
// jobs and never inside one.
func StatusRequest(k StatusKind) []byte { return []byte{DLE, EOT, byte(k)} }

// CompletionMarkerBytes is GS r 1, the command CompletionMarker appends.
func CompletionMarkerBytes() []byte { return []byte{GS, 'r', '1'} }

// IsStatusReply reports whether b has the fixed bits of a DLE EOT reply:
// bits 1 and 4 set, bits 0 and 7 clear.
func IsStatusReply(b byte) bool { return b&0x93 == 0x12 }

// IsCompletionReply reports whether b has the shape of a GS r 1 reply
// (bits 4 and 7 clear), which tells it apart from a DLE EOT reply.
func IsCompletionReply(b byte) bool { return b&0x90 == 0 }

// Status is what the printer said about itself. The zero value is a printer
// with nothing to report.
type Status struct {
	Offline         bool // n=1 bit 3
	DrawerHigh      bool // n=1 bit 2: drawer connector pin 3 is high
	CoverOpen       bool // n=2 bit 2
	FeedButton      bool // n=2 bit 3: paper being fed by the FEED button
	PaperEnd        bool // n=2 bit 5 (printing stopped) or n=4 bits 5,6
	Error           bool // n=2 bit 6, or any n=3 cause
	AutocutterError bool // n=3 bit 3
	Unrecoverable   bool // n=3 bit 5
	AutoRecoverable bool // n=3 bit 6, e.g. head overheat
	PaperNearEnd    bool // n=4 bits 2,3
}

// Apply records the one-byte reply b to the request k. It refuses a byte
// without the fixed bits of a status reply (a stray byte, or a reply to
// something else).
func (s *Status) Apply(k StatusKind, b byte) error {
	if !IsStatusReply(b) {
		return fmt.Errorf("escpos: %#02x is not a status reply", b)
	}
	switch k {
	case PrinterStatus:
		s.DrawerHigh = b&0x04 != 0
		s.Offline = b&0x08 != 0
	case OfflineCause:
		s.CoverOpen = b&0x04 != 0
		s.FeedButton = b&0x08 != 0
		s.PaperEnd = s.PaperEnd || b&0x20 != 0
		s.Error = s.Error || b&0x40 != 0
	case ErrorCause:
		s.AutocutterError = b&0x08 != 0
		s.Unrecoverable = b&0x20 != 0
		s.AutoRecoverable = b&0x40 != 0
		s.Error = s.Error || s.AutocutterError || s.Unrecoverable || s.AutoRecoverable
	case PaperStatus:
		s.PaperNearEnd = b&0x0C != 0
		s.PaperEnd = s.PaperEnd || b&0x60 != 0
	default:
		return fmt.Errorf("escpos: status kind %d out of range", k)
	}
	return nil
}

// Ready reports whether the printer can print now.
func (s Status) Ready() bool {
	return !s.Offline && !s.CoverOpen && !s.PaperEnd && !s.Error
}

// String describes the status for a log line.
func (s Status) String() string {
	if s.Ready() && !s.PaperNearEnd {
		return "ready"
	}
	var out string
	add := func(cond bool, what string) {
		if cond {
			if out != "" {
				out += ", "
			}
			out += what
		}
	}
	add(s.Offline, "offline")
	add(s.CoverOpen, "cover open")
	add(s.PaperEnd, "paper end")
	add(s.PaperNearEnd, "paper near end")
	add(s.AutocutterError, "autocutter error")
	add(s.Unrecoverable, "unrecoverable error")
	add(s.AutoRecoverable, "recoverable error")
	add(s.Error && !s.AutocutterError && !s.Unrecoverable && !s.AutoRecoverable, "error")
	add(s.FeedButton, "feeding")
	if out == "" {
		out = "ready"
	}
	return out
}
