//go:build linux || windows || cgo

package serialio

import (
	"io"

	"github.com/tarm/serial"
)

// openPort opens the device with tarm/serial, which needs no cgo on Linux
// and Windows (and uses it elsewhere).
func openPort(c Config) (io.ReadWriteCloser, error) {
	return serial.OpenPort(&serial.Config{Name: c.Name, Baud: c.Baud, ReadTimeout: c.ReadTimeout})
}
