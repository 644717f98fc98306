//go:build !linux && !windows && !cgo

package serialio

import (
	"errors"
	"io"
)

// ErrUnsupported is returned where serial ports need cgo (macOS, the BSDs)
// and the bridge was built without it: such a bridge still drives network
// (host:9100) and virtual printers.
var ErrUnsupported = errors.New("serial ports need a bridge built with cgo on this system; use a network printer (host:9100) or rebuild with CGO_ENABLED=1")

func openPort(Config) (io.ReadWriteCloser, error) { return nil, ErrUnsupported }
