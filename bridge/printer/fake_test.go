package printer

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"qrpos/internal/money"
	"qrpos/internal/wire"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakePrinter plays an ESC/POS printer on the far side of a byte stream (a
// pty master or a TCP connection). It answers DLE EOT n with status(n) and
// GS r 1 with 0x00, and hands over the bytes of each job, without those
// requests, when the job's GS r 1 arrives.
type fakePrinter struct {
	rw     io.ReadWriteCloser
	status func(n byte) (reply byte, ok bool) // nil: always online; ok=false: no answer
	noGSr  bool                               // do not answer GS r 1
	// hangUpAfter, if positive, closes the stream once that many job bytes
	// have arrived, as a printer switched off in the middle of a job.
	hangUpAfter int
	onHangUp    func()

	jobs chan []byte // bytes of each confirmed job
	done chan struct{}

	mu  sync.Mutex
	out bytes.Buffer // job bytes since the last GS r 1
}

func startFake(t testing.TB, rw io.ReadWriteCloser, configure func(f *fakePrinter)) *fakePrinter {
	f := &fakePrinter{rw: rw, jobs: make(chan []byte, 16), done: make(chan struct{})}
	if configure != nil {
		configure(f)
	}
	go f.run()
	t.Cleanup(func() {
		f.rw.Close()
		<-f.done
	})
	return f
}

// pending returns the job bytes received since the last completed job.
func (f *fakePrinter) pending() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.out.Bytes())
}

func (f *fakePrinter) run() {
	defer close(f.done)
	const (
		plain = iota
		dle
		dleEOT
		gs
		gsR
	)
	state := plain
	buf := make([]byte, 4096)
	for {
		n, err := f.rw.Read(buf)
		f.mu.Lock()
		hangUp := false
		for i := 0; i < n && !hangUp; i++ {
			b := buf[i]
		again:
			switch state {
			case plain:
				switch b {
				case 0x10:
					state = dle
				case 0x1d:
					state = gs
				default:
					f.out.WriteByte(b)
				}
			case dle:
				state = plain
				if b != 0x04 {
					f.out.WriteByte(0x10)
					goto again
				}
				state = dleEOT
			case dleEOT:
				state = plain
				reply, ok := byte(0x12), true
				if f.status != nil {
					reply, ok = f.status(b)
				}
				if ok {
					f.rw.Write([]byte{reply})
				}
			case gs:
				state = plain
				if b != 'r' {
					f.out.WriteByte(0x1d)
					goto again
				}
				state = gsR
			case gsR:
				state = plain
				if b != '1' {
					f.out.WriteString("\x1dr")
					goto again
				}
				f.jobs <- bytes.Clone(f.out.Bytes())
				f.out.Reset()
				if !f.noGSr {
					f.rw.Write([]byte{0x00})
				}
			}
			hangUp = f.hangUpAfter > 0 && f.out.Len() >= f.hangUpAfter
		}
		f.mu.Unlock()
		if hangUp {
			f.rw.Close()
			if f.onHangUp != nil {
				f.onHangUp()
			}
			return
		}
		if err != nil {
			return
		}
	}
}

// nextJob waits for the next confirmed job.
func (f *fakePrinter) nextJob(t testing.TB) []byte {
	t.Helper()
	select {
	case j := <-f.jobs:
		return j
	case <-time.After(10 * time.Second):
		t.Fatal("got no job on the printer, want one")
		return nil
	}
}

func cny(minor int64) money.Amount { return money.New(minor, "CNY") }

var when = time.Date(2026, 11, 23, 19, 5, 0, 0, time.FixedZone("CST", 8*3600))

// englishReceipt is the document of bridge/receipt's receipt_en_48 golden
// file.
func englishReceipt(id string) wire.PrintJob {
	return wire.PrintJob{
		ID:         id,
		Kind:       wire.PrintKindReceipt,
		OpenDrawer: true,
		Receipt: &wire.ReceiptDoc{
			StoreName:    "Golden Dragon Noodle House",
			StoreAddress: "12 Harbour Road, Kowloon",
			OrderNumber:  1042,
			Table:        "A3",
			Cashier:      "Mei",
			Time:         when,
			Lines: []wire.PrintLine{
				{Name: "Kung Pao Chicken", Qty: 2, UnitPrice: cny(3800), Total: cny(7600), Modifiers: []string{"Extra spicy"}},
				{Name: "Hand-pulled beef noodle soup with braised brisket and pickled greens", Qty: 1, UnitPrice: cny(4250), Total: cny(4250), Note: "No coriander, please, and broth on the side"},
				{Name: "Jasmine tea", Qty: 3, UnitPrice: cny(600), Total: cny(1800)},
			},
			Subtotal:   cny(13650),
			Tax:        cny(819),
			Total:      cny(14469),
			Paid:       cny(15000),
			Change:     cny(531),
			Rail:       "cash",
			ReceiptURL: "https://pos.example.test/r/7Hq2xK",
		},
	}
}

func kitchenJob(id string) wire.PrintJob {
	return wire.PrintJob{
		ID:   id,
		Kind: wire.PrintKindKitchen,
		Kitchen: &wire.KitchenDoc{
			OrderNumber: 7,
			Table:       "B2",
			Time:        when,
			Lines:       []wire.KitchenLine{{Name: "宫保鸡丁", Qty: 2, Modifiers: []string{"微辣"}}},
		},
	}
}
