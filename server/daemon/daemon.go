// Package daemon wires the server together: the store, the domain service,
// the event hub, the API and the PWA. The server binary runs one; tests
// start one in-process on a random port.
package daemon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/app/client"
	"qrpos/app/pwa"
	"qrpos/app/pwa/guest"
	"qrpos/assets"
	"qrpos/server/demo"
	"qrpos/server/httpapi"
	"qrpos/server/hub"
	"qrpos/server/pos"
	"qrpos/server/relay"
	"qrpos/server/store/sqlite"
	"qrpos/server/token"
)

// Config of a server.
type Config struct {
	// DataDir holds the database and generated keys; created if missing.
	DataDir string
	// DSN names the database: "sqlite:<path>". Empty means a SQLite file
	// in DataDir.
	DSN string
	// WebDir holds app.wasm, diner.wasm and their precompressed copies.
	WebDir string
	// OriginPatterns are extra origins allowed for /ws and API writes.
	OriginPatterns []string
	// SecureCookies forces Secure cookies (behind a TLS proxy).
	SecureCookies bool
	// PublicURL is the base URL phones open pay links at; empty means the
	// address the tablet used.
	PublicURL string
	// Rails are the external payment networks accepted (none by default:
	// the built-in wallet and cash need no outside connection).
	Rails map[string]pos.Rail
	// BridgeLocal are the WebSocket origins of counter-PC bridges that the
	// app may connect to directly (its Content-Security-Policy allows
	// them). Nil means the bridge's default, ws://127.0.0.1:9180.
	BridgeLocal []string
	// SweepEvery is how often pending payments are queried, reversed or
	// expired. Zero means every 2 seconds.
	SweepEvery time.Duration
	// DemoPINs fixes the PINs of the demo staff ("manager", "cashier");
	// missing ones are random. Only used when the database is new.
	DemoPINs map[string]string
	// PIN overrides the PIN hash cost (tests use a cheap one).
	PIN *pos.PINParams
	// DemoBridge writes a fresh bridge pairing code for the first store
	// into DataDir/bridge-pairing-code at start, so `make run` can pair a
	// simulated bridge without anyone typing a code.
	DemoBridge bool
	// DemoPhotos draws a photo for every dish of a newly seeded demo menu
	// (about a second of work; tests leave it off).
	DemoPhotos bool
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Daemon is a running server.
type Daemon struct {
	cfg     Config
	db      *sqlite.DB
	svc     *pos.Service
	handler http.Handler
	creds   demo.Credentials
	seeded  bool
	cancel  context.CancelFunc
	version string
	sweeper chan struct{} // closed when the sweep loop has stopped
}

// sweep settles pending payments until ctx ends: unknown outcomes are
// queried, then reversed at their deadline; unconfirmed ones expire.
func (d *Daemon) sweep(ctx context.Context, every time.Duration) {
	defer close(d.sweeper)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.svc.ResolvePending(ctx); err != nil && ctx.Err() == nil {
				d.cfg.Logger.Warn("settling pending payments", "err", err)
			}
		}
	}
}

// New opens the store (migrating it), seeds the demo restaurant in a new
// database, and prepares the handler.
func New(ctx context.Context, cfg Config) (*Daemon, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.DataDir == "" {
		return nil, errors.New("daemon: no data directory")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("daemon: data directory: %w", err)
	}
	dsn := cfg.DSN
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(cfg.DataDir, "qrpos.db")
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok || path == "" {
		return nil, fmt.Errorf("daemon: unsupported database %q (want sqlite:<path>)", dsn)
	}
	wasm, err := httpapi.LoadWasm(cfg.WebDir)
	if err == nil {
		err = wasm.SetGuestPages(guest.Patterns) // the pages that load diner.wasm
	}
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	pcfg := pos.DefaultConfig
	if cfg.PIN != nil {
		pcfg.PIN = *cfg.PIN
	}
	d := &Daemon{cfg: cfg, db: db, version: wasm.Version}
	d.creds, d.seeded, err = demo.Seed(ctx, db, cfg.Now(), pcfg.PIN, cfg.DemoPINs)
	if err != nil {
		db.Close()
		return nil, err
	}
	if d.seeded && cfg.DemoPhotos {
		if err := demo.SeedPhotos(ctx, db, cfg.Now()); err != nil {
			db.Close()
			return nil, err
		}
	}

	// The key that signs payment QR tokens is made at first run and kept
	// in the data directory, never in git.
	key, err := token.LoadOrCreateKey(filepath.Join(cfg.DataDir, "payment-token.key"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("daemon: %w", err)
	}
	signer, err := token.NewSigner(token.SignerConfig{Keys: [][]byte{key}, Now: cfg.Now})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("daemon: %w", err)
	}

	// Bridge tokens are signed with an Ed25519 key made at first run; the
	// bridges get its public half at pairing.
	bridgeSeed, err := token.LoadOrCreateKey(filepath.Join(cfg.DataDir, "bridge-token.key"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("daemon: %w", err)
	}
	bridgeSigner, err := token.NewBridgeSigner(bridgeSeed, cfg.Now, 0)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("daemon: %w", err)
	}

	life, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	h := hub.New()
	var api *httpapi.Server
	d.svc = pos.NewService(db, pcfg, pos.Deps{Now: cfg.Now, Log: cfg.Logger, Signer: signer, Rails: cfg.Rails, LinkKey: key,
		OnOrder:   func(o pos.Order) { api.OrderEvent(o); api.BridgeOrder(o) },
		OnPayment: func(in pos.Intent) { api.PaymentEvent(in); api.BridgePayment(in) },
		OnWallet:  func(m pos.Member) { api.WalletEvent(m) },
		OnShares:  func(storeID, orderID string) { api.SharesEvent(storeID, orderID) },
		OnDiner:   func(e pos.DinerEvent) { api.DinerEvent(e) }})
	api = httpapi.New(life, d.svc, h, httpapi.Config{OriginPatterns: cfg.OriginPatterns, SecureCookies: cfg.SecureCookies,
		ReceiptKey: key, PublicURL: cfg.PublicURL, Relay: relay.New(), BridgeSigner: bridgeSigner}, cfg.Logger, cfg.Now)
	if cfg.DemoBridge {
		if err := d.writeDemoPairingCode(ctx); err != nil {
			cancel()
			db.Close()
			return nil, err
		}
	}
	d.sweeper = make(chan struct{})
	go d.sweep(life, cmp.Or(cfg.SweepEvery, 2*time.Second))

	pwa.Register()
	guest.Register(client.New()) // the diner's pages, in diner.wasm
	// The table page's first view comes from the server, made usable by a
	// small script until diner.wasm has started (server/httpapi/ssr.go).
	tableScript := httpapi.AssetURL(assets.FS, "diner-ssr.js")
	pages := pwa.Handler(pwa.Options{Version: wasm.Version, WasmContentLength: fmt.Sprint(wasm.Size), Cache: []string{tableScript}})
	pages.Resources = sameOrigin{}
	mux := http.NewServeMux()
	api.Register(mux)
	mux.Handle("/", httpapi.Web(pages, wasm, assets.FS, api.PrerenderTables(tableScript)))
	d.handler = httpapi.SecurityHeaders(mux, bridgeSources(cfg.BridgeLocal))
	return d, nil
}

// writeDemoPairingCode leaves a pairing code of the first store where a
// local demo bridge can read it (readable by this user only).
func (d *Daemon) writeDemoPairingCode(ctx context.Context) error {
	rest, _, err := d.svc.LoginChoices(ctx, "")
	if err != nil {
		return fmt.Errorf("daemon: demo bridge: %w", err)
	}
	code, _, err := d.svc.NewPairingCode(ctx, pos.Actor{StoreID: rest.ID, StaffID: "demo-bridge", Role: pos.RoleOwner})
	if err != nil {
		return fmt.Errorf("daemon: demo bridge: %w", err)
	}
	if err := os.WriteFile(filepath.Join(d.cfg.DataDir, "bridge-pairing-code"), []byte(code+"\n"), 0o600); err != nil {
		return fmt.Errorf("daemon: demo bridge: %w", err)
	}
	return nil
}

// sameOrigin resolves /web/ resources to themselves: the daemon serves them.
type sameOrigin struct{}

func (sameOrigin) Resolve(p string) string { return p }

var _ app.ResourceResolver = sameOrigin{}

// Handler serves everything: API, events and the PWA.
func (d *Daemon) Handler() http.Handler { return d.handler }

// Service is the domain service (for tests and tools).
func (d *Daemon) Service() *pos.Service { return d.svc }

// Store is the database (for tests and tools).
func (d *Daemon) Store() pos.Store { return d.db }

// Version is the app build this server serves.
func (d *Daemon) Version() string { return d.version }

// DemoCredentials returns the demo PINs if this run seeded the database.
func (d *Daemon) DemoCredentials() (demo.Credentials, bool) { return d.creds, d.seeded }

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully:
// streams are told to go, requests in flight get up to 10 s to finish.
func (d *Daemon) Serve(ctx context.Context, ln net.Listener) error {
	return d.serve(ctx, ln, "", "")
}

// ServeTLS is Serve over HTTPS with the given certificate and key files.
func (d *Daemon) ServeTLS(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	return d.serve(ctx, ln, certFile, keyFile)
}

func (d *Daemon) serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	srv := &http.Server{
		Handler:           d.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(d.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(ln, certFile, keyFile)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	d.cancel() // end WebSocket streams so Shutdown does not wait on them
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("daemon: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close releases the store. Call it after Serve returned.
func (d *Daemon) Close() error {
	d.cancel()
	<-d.sweeper
	return d.db.Close()
}

// bridgeSources are the connect-src entries for the bridges' local
// endpoints: the configured ones, or the bridge's default address under
// both loopback names.
func bridgeSources(configured []string) []string {
	if configured != nil {
		return configured
	}
	return []string{"ws://127.0.0.1:9180", "ws://localhost:9180"}
}
