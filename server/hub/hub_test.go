package hub

import (
	"fmt"
	"sync"
	"testing"
)

func TestPublishRoutesByStore(t *testing.T) {
	h := New()
	a1 := h.Subscribe("a", 4)
	a2 := h.Subscribe("a", 4)
	b := h.Subscribe("b", 4)
	h.Publish("a", []byte("x"))
	for i, s := range []*Subscription{a1, a2} {
		select {
		case got := <-s.C():
			if string(got) != "x" {
				t.Errorf("subscriber %d got %q, want %q", i, got, "x")
			}
		default:
			t.Errorf("subscriber %d of store a got nothing", i)
		}
	}
	select {
	case got := <-b.C():
		t.Errorf("store b got %q, want nothing", got)
	default:
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	h := New()
	slow := h.Subscribe("a", 1)
	fast := h.Subscribe("a", 10)
	for i := range 3 {
		h.Publish("a", []byte(fmt.Sprint(i)))
		<-fast.C()
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber was not dropped")
	}
	if got := h.Count("a"); got != 1 {
		t.Errorf("Count = %d, want 1", got)
	}
	slow.Close() // closing a dropped subscription is harmless
}

func TestConcurrentPublishAndClose(t *testing.T) {
	h := New()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := h.Subscribe("a", 100)
			for j := range 50 {
				h.Publish("a", []byte{byte(i), byte(j)})
			}
			s.Close()
			s.Close()
		}()
	}
	wg.Wait()
	if got := h.Count("a"); got != 0 {
		t.Errorf("Count after all closed = %d, want 0", got)
	}
}
