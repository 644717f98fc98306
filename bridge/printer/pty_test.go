//go:build !windows

package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"qrpos/bridge/internal/serialio"
	"qrpos/internal/wire"
)

// ptyPrinter is a pseudo-terminal standing in for a serial printer: the
// spooler opens the slave side through a symlink, a fakePrinter plays the
// printer on the master side.
type ptyPrinter struct {
	tty  *os.File
	fake *fakePrinter
}

func newPTYPrinter(t testing.TB, link string, configure func(f *fakePrinter)) *ptyPrinter {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	p := &ptyPrinter{tty: s}
	p.fake = startFake(t, pollable(t, m), configure)
	t.Cleanup(func() { s.Close() })
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(s.Name(), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
	return p
}

// pollable returns m as a file in non-blocking mode, so that closing it
// interrupts a read in progress: creack/pty leaves the master blocking (it
// calls Fd), and a blocked read would only end when every slave descriptor
// is closed.
func pollable(t testing.TB, m *os.File) *os.File {
	t.Helper()
	fd, err := syscall.Dup(int(m.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	return os.NewFile(uintptr(fd), "ptmx")
}

func serialDevice(link string) *Stream {
	return NewSerial(serialio.Config{Name: link, Baud: 115200}, StreamOptions{StatusTimeout: 300 * time.Millisecond})
}

// TestSerialGolden: a receipt's bytes arrive on the serial line exactly as
// bridge/receipt's golden file has them.
func TestSerialGolden(t *testing.T) {
	link := filepath.Join(t.TempDir(), "printer")
	p := newPTYPrinter(t, link, nil)
	s := newSpooler(t, t.TempDir(), serialDevice(link))
	runSpooler(t, s)
	job := englishReceipt("r-golden")
	if err := s.Submit(job); err != nil {
		t.Fatal(err)
	}
	got := p.fake.nextJob(t)
	want, err := os.ReadFile(filepath.Join("..", "receipt", "testdata", "receipt_en_48.bin.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got % x, want the receipt_en_48 golden bytes % x", got, want)
	}
	waitPrinted(t, s, job.ID)
	if err := s.Submit(job); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a printed id: got %v, want ErrDuplicate", err)
	}
}

// TestSerialHangUp: the printer goes away in the middle of a job and comes
// back as a new device at the same path; the job prints once, whole.
func TestSerialHangUp(t *testing.T) {
	link := filepath.Join(t.TempDir(), "printer")
	hungUp := make(chan struct{})
	a := newPTYPrinter(t, link, func(f *fakePrinter) {
		f.hangUpAfter = 100
		f.onHangUp = func() { close(hungUp) }
	})
	s := newSpooler(t, t.TempDir(), serialDevice(link))
	runSpooler(t, s)
	job := englishReceipt("r-hangup")
	if err := s.Submit(job); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hungUp:
	case <-time.After(10 * time.Second):
		t.Fatal("the job never reached the first printer")
	}
	a.tty.Close()
	if got := len(a.fake.pending()); got < 100 {
		t.Fatalf("first printer got %d bytes, want at least 100 before hanging up", got)
	}
	if got := s.q.State(job.ID); got != StatePending {
		t.Fatalf("state after hang-up: got %v, want StatePending", got)
	}

	b := newPTYPrinter(t, link, nil)
	want := encode(t, job)
	if got := b.fake.nextJob(t); !bytes.Equal(got, want) {
		t.Errorf("after reconnect: got % x, want % x", got, want)
	}
	waitPrinted(t, s, job.ID)

	// Nothing more of the first job: the next job on the line is the next
	// one submitted.
	next := kitchenJob("k-after")
	if err := s.Submit(next); err != nil {
		t.Fatal(err)
	}
	if got, want := b.fake.nextJob(t), encode(t, next); !bytes.Equal(got, want) {
		t.Errorf("next job: got % x, want % x (the first job must not print twice)", got, want)
	}
}

// TestSerialRestart: jobs queued while the printer is off survive a restart
// of the bridge and print, in order, when the printer is there.
func TestSerialRestart(t *testing.T) {
	tmp := t.TempDir()
	link := filepath.Join(tmp, "printer")
	queueDir := filepath.Join(tmp, "queue")

	// First run: nothing at the path (printer off).
	s1 := newSpooler(t, queueDir, serialDevice(link))
	stop := runSpooler(t, s1)
	jobs := []wire.PrintJob{englishReceipt("r1"), kitchenJob("k1")}
	for _, j := range jobs {
		if err := s1.Submit(j); err != nil {
			t.Fatal(err)
		}
	}
	stop()

	// Second run, same directory: the printer is on.
	p := newPTYPrinter(t, link, nil)
	s2 := newSpooler(t, queueDir, serialDevice(link))
	if err := s2.Submit(jobs[0]); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a job pending since the last run: got %v, want ErrDuplicate", err)
	}
	runSpooler(t, s2)
	for _, j := range jobs {
		if got, want := p.fake.nextJob(t), encode(t, j); !bytes.Equal(got, want) {
			t.Errorf("job %s: got % x, want % x", j.ID, got, want)
		}
		waitPrinted(t, s2, j.ID)
	}
	if err := s2.Submit(jobs[1]); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Submit of a printed job: got %v, want ErrDuplicate", err)
	}
}

// BenchmarkPrintJobPTY measures a print job from Submit to the last byte
// read on the printer's side of a pseudo-terminal: layout, encoding, the
// durable write of the queue file, a status poll and the serial write.
func BenchmarkPrintJobPTY(b *testing.B) {
	link := filepath.Join(b.TempDir(), "printer")
	p := newPTYPrinter(b, link, nil)
	q, err := OpenQueue(b.TempDir(), 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	dev := serialDevice(link)
	defer dev.Close()
	s, err := NewSpooler(q, dev, Options{Width: 48})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	i := 0
	for b.Loop() {
		i++
		if err := s.Submit(englishReceipt(fmt.Sprintf("bench-%d", i))); err != nil {
			b.Fatal(err)
		}
		p.fake.nextJob(b)
	}
}
