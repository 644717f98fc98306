package link

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// DefaultLocalAddr is where the local endpoint listens unless configured:
// loopback only, so only programs on the counter PC can reach it.
const DefaultLocalAddr = "127.0.0.1:9180"

// tokenSkew is how far ahead of the bridge's clock a token's issue time
// may be.
const tokenSkew = 30 * time.Second

// LocalHandler is the local endpoint: GET /ws?token=... upgrades to the
// bridge protocol for a PWA page of an allowed Origin, reached under an
// allowed Host, with a valid token of this store and this bridge. port is
// the port the endpoint listens on, for the default Hosts. Every refusal
// is logged; a refused request gets a plain 403 and no upgrade.
func (l *Link) LocalHandler(ctx context.Context, port string) http.Handler {
	hosts := []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}
	for _, h := range l.cfg.Hosts {
		hosts = append(hosts, strings.ToLower(h))
	}
	origins := make([]string, 0, len(l.cfg.Origins)+1)
	for _, o := range append([]string{l.cfg.ServerURL}, l.cfg.Origins...) {
		if n, ok := normalOrigin(o); ok {
			origins = append(origins, n)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		refuse := func(status int, reason string, args ...any) {
			l.log.Warn("link: local connection refused", append([]any{"reason", reason, "host", r.Host,
				"origin", r.Header.Get("Origin"), "remote", r.RemoteAddr}, args...)...)
			http.Error(w, "refused: "+reason, status)
		}
		if !slices.Contains(hosts, strings.ToLower(r.Host)) {
			refuse(http.StatusMisdirectedRequest, "unknown host")
			return
		}
		origin, ok := normalOrigin(r.Header.Get("Origin"))
		if !ok || !slices.Contains(origins, origin) {
			refuse(http.StatusForbidden, "origin not allowed")
			return
		}
		c, err := VerifyToken(l.cfg.ServerKey, r.URL.Query().Get("token"), l.cfg.Now(), tokenSkew)
		if err != nil {
			refuse(http.StatusUnauthorized, "bad token", "err", err)
			return
		}
		if c.StoreID != l.cfg.StoreID || c.BridgeID != l.cfg.BridgeID {
			refuse(http.StatusForbidden, "token for another store or bridge", "store", c.StoreID, "bridge", c.BridgeID)
			return
		}
		// Origin and Host are checked above, exactly; the library's own
		// check would refuse every cross-origin page, ours included.
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			l.log.Warn("link: local upgrade failed", "err", err)
			return
		}
		defer ws.CloseNow()
		l.log.Info("link: local client connected", "origin", origin, "remote", r.RemoteAddr)
		err = l.serve(ctx, ws, &peer{name: "local", out: make(chan []byte, 64), gone: make(chan struct{})})
		l.log.Info("link: local client gone", "remote", r.RemoteAddr, "err", err)
	})
	return mux
}

// normalOrigin returns scheme://host[:port] of u in lower case.
func normalOrigin(u string) (string, bool) {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return "", false
	}
	return strings.ToLower(p.Scheme + "://" + p.Host), true
}

// RunLocal serves the local endpoint on ln until ctx ends.
func (l *Link) RunLocal(ctx context.Context, ln net.Listener) error {
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           l.LocalHandler(ctx, port),
		ReadHeaderTimeout: 5 * time.Second,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx) // connections end with ctx; Shutdown waits for them
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
