//go:build !windows

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestScan(t *testing.T) {
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer m.Close()
	defer s.Close()
	link := filepath.Join(t.TempDir(), "scanner")
	if err := os.Symlink(s.Name(), link); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"scan", "-port", link}, noenv, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	// The reader sets the line to raw mode when it opens the port; until
	// then the tty would echo or translate, so keep typing the code until
	// it comes out.
	got := make(chan string, 1)
	go func() {
		if lines.Scan() {
			got <- lines.Text()
		}
		close(got)
		io.Copy(io.Discard, pr)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case code := <-got:
			if code != "6200001234567890123" {
				t.Errorf("got %q, want 6200001234567890123", code)
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: got %v, want nil", err)
			}
			return
		case <-tick.C:
			m.Write([]byte("6200001234567890123\r\n"))
		case <-deadline:
			t.Fatal("no code printed")
		}
	}
}
