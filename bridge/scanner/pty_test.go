//go:build !windows

package scanner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// fakeDevice is a pseudo-terminal standing in for a serial scanner: the
// Reader opens the slave side through a symlink, the test types into the
// master side.
type fakeDevice struct {
	master, tty *os.File
}

func newDevice(t *testing.T) *fakeDevice {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	d := &fakeDevice{master: m, tty: s}
	t.Cleanup(d.unplug)
	return d
}

func (d *fakeDevice) unplug() {
	d.master.Close()
	d.tty.Close()
}

func (d *fakeDevice) write(t *testing.T, pieces ...string) {
	t.Helper()
	for _, p := range pieces {
		if _, err := d.master.Write([]byte(p)); err != nil {
			t.Fatalf("write to pty: %v", err)
		}
	}
}

// plug points link at the device, atomically, as udev does.
func (d *fakeDevice) plug(t *testing.T, link string) {
	t.Helper()
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(d.tty.Name(), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

func want[T comparable](t *testing.T, ch <-chan T, want T) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %v, want %v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("got nothing, want %v", want)
	}
}

func TestReaderPTY(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	a := newDevice(t)
	a.plug(t, link)

	states := make(chan bool, 16)
	codes := make(chan string, 16)
	r := NewReader(Config{
		Port:       link,
		MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 40 * time.Millisecond,
		Logger:     testLogger(t),
		State:      func(up bool) { states <- up },
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, func(c string) { codes <- c }) }()

	want(t, states, true)
	a.write(t, "62000012", "34567890", "123\r", "\n", "\x01junk\r", "https://pos.example.test/p/", "Zq81\n")
	want(t, codes, "6200001234567890123")
	want(t, codes, "https://pos.example.test/p/Zq81")

	// Unplugged in the middle of a code, plugged back as another device.
	a.write(t, "99999")
	a.unplug()
	want(t, states, false)
	b := newDevice(t)
	b.plug(t, link)
	want(t, states, true)
	b.write(t, "777\r")
	want(t, codes, "777")

	// The path re-pointed while the old device is still there.
	c := newDevice(t)
	c.plug(t, link)
	want(t, states, false)
	want(t, states, true)
	c.write(t, "888\r\n")
	want(t, codes, "888")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	select {
	case c := <-codes:
		t.Errorf("got extra code %q, want none (a partial code must not leak into the next device)", c)
	default:
	}
}
