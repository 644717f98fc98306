package link

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// ErrRevoked is returned by RunUplink when the server no longer knows the
// credential (revoked, or the server's database was replaced).
var ErrRevoked = errors.New("link: the server refused this bridge's credential; pair it again")

// RunUplink keeps a connection to the server until ctx ends, reconnecting
// with exponential backoff and jitter. It returns ErrRevoked if the server
// refuses the credential, nil when ctx ends.
func (l *Link) RunUplink(ctx context.Context) error {
	u, err := uplinkURL(l.cfg.ServerURL)
	if err != nil {
		return err
	}
	backoff := l.cfg.MinBackoff
	for ctx.Err() == nil {
		start := l.cfg.Now()
		err := l.uplinkOnce(ctx, u)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrRevoked) {
			return err
		}
		if l.cfg.Now().Sub(start) > 2*l.cfg.MaxBackoff {
			backoff = l.cfg.MinBackoff // it was up for a while: start again small
		}
		// Full jitter in [backoff/2, backoff): bridges of a restarted
		// server do not all come back at once.
		wait := backoff/2 + rand.N(backoff/2+1)
		l.log.Warn("link: uplink down, reconnecting", "err", err, "in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, l.cfg.MaxBackoff)
	}
	return nil
}

func uplinkURL(server string) (string, error) {
	switch {
	case strings.HasPrefix(server, "http://"):
		return "ws://" + strings.TrimSuffix(strings.TrimPrefix(server, "http://"), "/") + "/ws/bridge", nil
	case strings.HasPrefix(server, "https://"):
		return "wss://" + strings.TrimSuffix(strings.TrimPrefix(server, "https://"), "/") + "/ws/bridge", nil
	}
	return "", fmt.Errorf("link: server URL %q is not http(s)://", server)
}

func (l *Link) uplinkOnce(ctx context.Context, u string) error {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + l.cfg.Credential}},
	})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusUnauthorized {
			return ErrRevoked
		}
		return fmt.Errorf("link: dial %s: %w", u, err)
	}
	defer ws.CloseNow()
	l.log.Info("link: uplink connected", "server", l.cfg.ServerURL)
	return l.serve(ctx, ws, &peer{name: "uplink", out: make(chan []byte, 64), gone: make(chan struct{})})
}
