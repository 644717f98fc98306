package relay

import (
	"context"
	"errors"
	"testing"
	"time"

	"qrpos/internal/wire"
)

func job(id string) wire.PrintJob {
	return wire.PrintJob{ID: id, Kind: wire.PrintKindKitchen, Kitchen: &wire.KitchenDoc{OrderNumber: 1}}
}

func TestAttachReplacesAndDetach(t *testing.T) {
	r := New()
	old := r.Attach("store-1", wire.Hello{BridgeID: "b1"}, "")
	cur := r.Attach("store-1", wire.Hello{BridgeID: "b1", AutoPrint: true}, "")
	select {
	case <-old.Gone():
	default:
		t.Error("the older connection was not told to go")
	}
	if c, ok := r.Conn("store-1", "b1"); !ok || c != cur {
		t.Errorf("Conn: got %v, %v, want the newer connection", c, ok)
	}
	if _, ok := r.Conn("store-2", "b1"); ok {
		t.Error("Conn of another store: got the bridge, want none")
	}
	if got := r.AutoPrinters("store-1"); len(got) != 1 || got[0] != cur {
		t.Errorf("AutoPrinters: got %v, want the bridge", got)
	}
	r.Detach(old) // a late detach of the replaced one changes nothing
	if _, ok := r.Conn("store-1", "b1"); !ok {
		t.Error("detaching the old connection removed the new one")
	}
	r.Detach(cur)
	if _, ok := r.Conn("store-1", "b1"); ok {
		t.Error("Conn after Detach: got the bridge, want none")
	}
	if err := cur.Send(job("j"), nil); !errors.Is(err, ErrOffline) {
		t.Errorf("Send after Detach: got %v, want ErrOffline", err)
	}
}

func TestPrintWaitsForStatus(t *testing.T) {
	r := New()
	c := r.Attach("store-1", wire.Hello{BridgeID: "b1"}, "")
	var after []wire.JobStatus
	if err := c.Send(job("auto"), func(st wire.JobStatus) { after = append(after, st) }); err != nil {
		t.Fatal(err)
	}
	<-c.Out()
	c.JobStatus(wire.JobStatus{ID: "auto", State: wire.JobQueued})
	c.JobStatus(wire.JobStatus{ID: "auto", State: wire.JobPrinted})
	if len(after) != 1 || after[0].State != wire.JobQueued {
		t.Errorf("after: got %v, want only the first status", after)
	}

	go func() {
		msg := <-c.Out()
		m, err := wire.DecodeBridge(msg)
		if err != nil || m.Type != wire.BridgePrint {
			t.Errorf("got %s, %v, want a print message", msg, err)
			return
		}
		c.JobStatus(wire.JobStatus{ID: m.Print.ID, State: wire.JobDuplicate})
	}()
	st, err := c.Print(t.Context(), job("j1"))
	if err != nil || st.State != wire.JobDuplicate {
		t.Errorf("Print: got %+v, %v, want duplicate", st, err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Print(ctx, job("j2")); !errors.Is(err, ErrTimeout) {
		t.Errorf("Print with no answer: got %v, want ErrTimeout", err)
	}
}

func TestSendNeverBlocks(t *testing.T) {
	r := New()
	c := r.Attach("store-1", wire.Hello{BridgeID: "b1"}, "")
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = c.Send(job("j"), nil)
	}
	if !errors.Is(err, ErrBusy) {
		t.Errorf("a bridge that reads nothing: got %v, want ErrBusy", err)
	}
}
