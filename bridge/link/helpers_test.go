package link

import (
	"context"
	"testing"
	"time"
)

func contextTimeout(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), 5*time.Second)
}

// waitPeers waits until the link has n peers.
func waitPeers(t *testing.T, l *Link, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for l.Peers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("got %d peers, want %d", l.Peers(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
