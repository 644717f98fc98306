// Command server runs QRPOS: the API, the event stream and the cashier PWA,
// with an embedded SQLite database and a demo restaurant on first run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"qrpos/server/daemon"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	addr := fs.String("addr", env("QRPOS_ADDR", "localhost:8080"), "listen address; use :8080 to serve tablets on the LAN (env QRPOS_ADDR)")
	dataDir := fs.String("data", env("QRPOS_DATA", "data"), "data directory: database, keys (env QRPOS_DATA)")
	dsn := fs.String("db", env("QRPOS_DB", ""), "database, sqlite:<path> (default: qrpos.db in the data directory) (env QRPOS_DB)")
	webDir := fs.String("web", env("QRPOS_WEB", "web"), "directory with app.wasm and diner.wasm (env QRPOS_WEB)")
	logLevel := fs.String("log-level", env("QRPOS_LOG_LEVEL", "info"), "debug, info, warn or error (env QRPOS_LOG_LEVEL)")
	tlsCert := fs.String("tls-cert", env("QRPOS_TLS_CERT", ""), "TLS certificate file; with -tls-key serves HTTPS (env QRPOS_TLS_CERT)")
	tlsKey := fs.String("tls-key", env("QRPOS_TLS_KEY", ""), "TLS key file (env QRPOS_TLS_KEY)")
	publicURL := fs.String("public-url", env("QRPOS_PUBLIC_URL", ""), "base URL phones open payment links at, e.g. https://pos.example.com (default: the address the tablet used) (env QRPOS_PUBLIC_URL)")
	secure := fs.Bool("secure-cookies", getenv("QRPOS_SECURE_COOKIES") == "1", "mark cookies Secure (behind a TLS proxy) (env QRPOS_SECURE_COOKIES=1)")
	demoBridge := fs.Bool("demo-bridge", getenv("QRPOS_DEMO_BRIDGE") == "1", "write a bridge pairing code to <data>/bridge-pairing-code at start, for a local demo bridge (env QRPOS_DEMO_BRIDGE=1)")
	var origins, bridgeLocal listFlag
	fs.Var(&bridgeLocal, "bridge-local", "WebSocket origin of a counter-PC bridge the app may reach directly (repeatable; default ws://127.0.0.1:9180)")
	fs.Var(&origins, "allow-origin", "extra origin host pattern allowed for the API and /ws (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q", *logLevel)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	d, err := daemon.New(ctx, daemon.Config{DataDir: *dataDir, DSN: *dsn, WebDir: *webDir, OriginPatterns: origins,
		SecureCookies: *secure || *tlsCert != "", PublicURL: *publicURL, DemoBridge: *demoBridge, BridgeLocal: bridgeLocal, DemoPhotos: true, Logger: log})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := showDemoCredentials(d, *dataDir, stdout); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "QRPOS is running (app version %s).\n  Cashier app: %s://%s/\n  Health:      %s://%s/healthz\nPress Ctrl+C to stop.\n",
		d.Version(), scheme, displayAddr(ln.Addr()), scheme, displayAddr(ln.Addr()))
	log.Info("listening", "addr", ln.Addr().String(), "version", d.Version())
	if *tlsCert != "" {
		return d.ServeTLS(ctx, ln, *tlsCert, *tlsKey)
	}
	return d.Serve(ctx, ln)
}

// showDemoCredentials prints the demo PINs. They are generated at first run
// and kept, readable only by this user, in the data directory (never in
// git), so later runs can print them again.
func showDemoCredentials(d *daemon.Daemon, dataDir string, stdout io.Writer) error {
	file := filepath.Join(dataDir, "demo-pins.txt")
	if c, seeded := d.DemoCredentials(); seeded {
		text := fmt.Sprintf("Demo staff of Lotus Garden:\n  Li Na     (manager)  PIN %s\n  Wang Wei  (cashier)  PIN %s\n", c.ManagerPIN, c.CashierPIN)
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			return fmt.Errorf("save demo PINs: %w", err)
		}
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() || tcp.IP.IsLoopback() {
		if ok {
			return fmt.Sprintf("localhost:%d", tcp.Port)
		}
	}
	return a.String()
}
