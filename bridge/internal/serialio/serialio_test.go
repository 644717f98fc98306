//go:build !windows

package serialio

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() {
		m.Close()
		s.Close()
	})
	return m, s
}

func point(t *testing.T, link, target string) {
	t.Helper()
	tmp := link + ".new"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

func TestPort(t *testing.T) {
	link := filepath.Join(t.TempDir(), "tty")
	m, s := openPTY(t)
	point(t, link, s.Name())
	p, err := Open(Config{Name: link})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	buf := make([]byte, 16)

	start := time.Now()
	n, err := p.Read(buf)
	if n != 0 || !errors.Is(err, ErrTimeout) {
		t.Fatalf("idle read: got %d, %v; want 0, ErrTimeout", n, err)
	}
	if d := time.Since(start); d < DefaultReadTimeout/2 {
		t.Errorf("idle read returned after %v, want about %v", d, DefaultReadTimeout)
	}

	if _, err := m.Write([]byte("abc\r")); err != nil {
		t.Fatal(err)
	}
	n, err = p.Read(buf)
	if err != nil || string(buf[:n]) != "abc\r" {
		t.Fatalf("got %q, %v; want \"abc\\r\", nil (raw mode: CR stays CR)", buf[:n], err)
	}
	if _, err := p.Write([]byte("out\n")); err != nil {
		t.Fatal(err)
	}
	n, err = m.Read(buf)
	if err != nil || string(buf[:n]) != "out\n" {
		t.Fatalf("master got %q, %v; want \"out\\n\" (no output processing)", buf[:n], err)
	}

	// The path now names another device: the open port is gone.
	_, s2 := openPTY(t)
	point(t, link, s2.Name())
	if _, err := p.Read(buf); !errors.Is(err, ErrGone) {
		t.Errorf("read after the path moved: got %v, want ErrGone", err)
	}
}

func TestPortHangUp(t *testing.T) {
	m, s := openPTY(t)
	p, err := Open(Config{Name: s.Name(), ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m.Close()
	buf := make([]byte, 16)
	_, err = p.Read(buf)
	if err == nil || errors.Is(err, ErrTimeout) {
		t.Errorf("read after hang-up: got %v, want an error other than ErrTimeout", err)
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open(Config{Name: filepath.Join(t.TempDir(), "nope")}); err == nil {
		t.Error("Open of a missing device: got nil, want an error")
	}
}
