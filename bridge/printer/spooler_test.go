package printer

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"qrpos/bridge/receipt"
	"qrpos/internal/wire"
)

// runSpooler starts s.Run and stops it when the test ends.
func runSpooler(t *testing.T, s *Spooler) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: got %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

func waitPrinted(t *testing.T, s *Spooler, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := s.WaitPrinted(ctx, id); err != nil {
		t.Fatalf("WaitPrinted(%s): %v", id, err)
	}
}

func newSpooler(t *testing.T, dir string, dev Device) *Spooler {
	t.Helper()
	q, err := OpenQueue(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSpooler(q, dev, Options{Width: 48, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return s
}

func encode(t testing.TB, job wire.PrintJob) []byte {
	t.Helper()
	b, err := receipt.Encode(&job, 48)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVirtual(t *testing.T) {
	out := t.TempDir()
	fixed := time.Date(2026, 11, 23, 19, 30, 0, 0, time.UTC)
	v, err := NewVirtual(out, 48, func() time.Time { return fixed })
	if err != nil {
		t.Fatal(err)
	}
	s := newSpooler(t, t.TempDir(), v)
	runSpooler(t, s)
	job := englishReceipt("order/1042:receipt")
	if err := s.Submit(job); err != nil {
		t.Fatal(err)
	}
	waitPrinted(t, s, job.ID)
	base := filepath.Join(out, "20261123-193000.000-order_1042_receipt")
	gotBin, err := os.ReadFile(base + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	wantBin, err := os.ReadFile(filepath.Join("..", "receipt", "testdata", "receipt_en_48.bin.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotBin, wantBin) {
		t.Errorf("virtual .bin: got % x, want the receipt_en_48 golden bytes", gotBin)
	}
	gotTxt, err := os.ReadFile(base + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	wantTxt, err := os.ReadFile(filepath.Join("..", "receipt", "testdata", "receipt_en_48.txt.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if string(gotTxt) != string(wantTxt) {
		t.Errorf("virtual .txt: got\n%s\nwant\n%s", gotTxt, wantTxt)
	}
	if err := s.Submit(job); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second Submit: got %v, want ErrDuplicate", err)
	}
	bad := englishReceipt("bad")
	bad.Receipt.Lines[0].Qty = -1
	if err := s.Submit(bad); !errors.Is(err, receipt.ErrInvalid) {
		t.Errorf("Submit of a negative quantity: got %v, want receipt.ErrInvalid", err)
	}
}

// tcpPrinter listens on 127.0.0.1:0 and plays a printer on each connection.
func tcpPrinter(t *testing.T, configure func(f *fakePrinter)) (addr string, fakes <-chan *fakePrinter) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *fakePrinter, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ch <- startFake(t, c, configure)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String(), ch
}

func nextFake(t *testing.T, fakes <-chan *fakePrinter) *fakePrinter {
	t.Helper()
	select {
	case f := <-fakes:
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("the spooler did not connect")
		return nil
	}
}

func TestTCP(t *testing.T) {
	addr, fakes := tcpPrinter(t, nil)
	s := newSpooler(t, t.TempDir(), NewTCP(addr, StreamOptions{}))
	runSpooler(t, s)

	jobs := []wire.PrintJob{englishReceipt("r1"), kitchenJob("k1")}
	for _, j := range jobs {
		if err := s.Submit(j); err != nil {
			t.Fatal(err)
		}
	}
	f := nextFake(t, fakes)
	for _, j := range jobs {
		got := f.nextJob(t)
		if want := encode(t, j); !bytes.Equal(got, want) {
			t.Errorf("job %s: got % x, want % x", j.ID, got, want)
		}
		waitPrinted(t, s, j.ID)
	}

	// The printer drops the connection (switched off and on): the next job
	// reconnects.
	f.rw.Close()
	if err := s.Submit(kitchenJob("k2")); err != nil {
		t.Fatal(err)
	}
	f2 := nextFake(t, fakes)
	if got, want := f2.nextJob(t), encode(t, kitchenJob("k2")); !bytes.Equal(got, want) {
		t.Errorf("job after reconnect: got % x, want % x", got, want)
	}
	waitPrinted(t, s, "k2")
}

// TestTCPSilent: a printer that answers neither DLE EOT nor GS r still
// prints, without GS r 1 appended, after the status timeout.
func TestTCPSilent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := newSpooler(t, t.TempDir(), NewTCP(ln.Addr().String(), StreamOptions{StatusTimeout: 50 * time.Millisecond}))
	runSpooler(t, s)
	job := kitchenJob("silent")
	if err := s.Submit(job); err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := append(append([]byte{}, 0x10, 0x04, 0x01), encode(t, job)...)
	got := make([]byte, len(want))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := readFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got % x, want a status request then the job % x", got, want)
	}
	waitPrinted(t, s, job.ID)
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestTCPOffline: a printer with its cover open gets no job until it is
// closed again.
func TestTCPOffline(t *testing.T) {
	var coverOpen atomic.Bool
	coverOpen.Store(true)
	asked := make(chan byte, 64)
	addr, fakes := tcpPrinter(t, func(f *fakePrinter) {
		f.status = func(n byte) (byte, bool) {
			asked <- n
			switch {
			case n == 1 && coverOpen.Load():
				return 0x1A, true // offline
			case n == 2 && coverOpen.Load():
				return 0x16, true // cover open
			case n == 4:
				return 0x1E, true // paper near end
			}
			return 0x12, true
		}
	})
	s := newSpooler(t, t.TempDir(), NewTCP(addr, StreamOptions{}))
	runSpooler(t, s)
	if err := s.Submit(kitchenJob("k")); err != nil {
		t.Fatal(err)
	}
	f := nextFake(t, fakes)
	// Two rounds of polling that find the cover open.
	for range 2 {
		for _, want := range []byte{1, 2, 4} {
			if got := <-asked; got != want {
				t.Fatalf("got DLE EOT %d, want %d", got, want)
			}
		}
	}
	if got := f.pending(); len(got) != 0 {
		t.Fatalf("got % x sent to a printer with its cover open, want nothing", got)
	}
	coverOpen.Store(false)
	if got, want := f.nextJob(t), encode(t, kitchenJob("k")); !bytes.Equal(got, want) {
		t.Errorf("got % x, want % x", got, want)
	}
	waitPrinted(t, s, "k")
}

// TestTCPNoGSr: a printer that answers DLE EOT but not GS r 1 gets its
// first job unconfirmed after ConfirmTimeout, and no more GS r 1 on that
// connection, so later jobs do not wait.
func TestTCPNoGSr(t *testing.T) {
	snaps := make(chan []byte, 16)
	addr, fakes := tcpPrinter(t, func(f *fakePrinter) {
		f.noGSr = true
		f.status = func(n byte) (byte, bool) {
			if n == 1 {
				snaps <- bytes.Clone(f.out.Bytes()) // f.mu is held here
			}
			return 0x12, true
		}
	})
	s := newSpooler(t, t.TempDir(), NewTCP(addr, StreamOptions{ConfirmTimeout: 100 * time.Millisecond}))
	runSpooler(t, s)
	jobs := []wire.PrintJob{kitchenJob("k1"), kitchenJob("k2"), kitchenJob("k3")}
	for _, j := range jobs {
		if err := s.Submit(j); err != nil {
			t.Fatal(err)
		}
	}
	f := nextFake(t, fakes)
	if got, want := f.nextJob(t), encode(t, jobs[0]); !bytes.Equal(got, want) {
		t.Errorf("first job: got % x, want % x followed by GS r 1", got, want)
	}
	waitPrinted(t, s, "k3")
	want := [][]byte{{}, {}, encode(t, jobs[1])}
	for i, w := range want {
		if got := <-snaps; !bytes.Equal(got, w) {
			t.Errorf("before status poll %d: got % x on the line since the last GS r 1, want % x", i+1, got, w)
		}
	}
}
