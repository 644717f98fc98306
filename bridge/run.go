package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"qrpos/bridge/link"
	"qrpos/bridge/scanner"
	"qrpos/internal/wire"
)

// configPath is the config file: the flag, else bridge.json in the data
// directory.
func configPath(flagValue, data string, getenv func(string) string) (string, string, error) {
	dir, err := dataDir(data, getenv)
	if err != nil {
		return "", "", err
	}
	if flagValue != "" {
		return flagValue, dir, nil
	}
	return filepath.Join(dir, "bridge.json"), dir, nil
}

// pair exchanges a one-time pairing code for a credential and writes the
// config file. The code may come before or after the flags.
func pair(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("pair", flag.ContinueOnError)
	fs.SetOutput(stdout)
	server := fs.String("server", getenv("QRPOS_SERVER"), "the QRPOS server's URL, e.g. https://pos.example.com (env QRPOS_SERVER)")
	data := fs.String("data", "", "bridge data directory")
	cfgFlag := fs.String("config", "", "config file (default: bridge.json in the data directory)")
	name := fs.String("name", "", "a name for this bridge (default: the host name)")
	var pc PrinterConfig
	var sc ScannerConfig
	fs.StringVar(&sc.Port, "scanner-port", "", "serial port of the scanner")
	fs.StringVar(&pc.Port, "printer-port", "", "serial port of the receipt printer")
	fs.StringVar(&pc.TCP, "printer-tcp", "", "network receipt printer (host:9100)")
	fs.StringVar(&pc.Virtual, "printer-virtual", "", "directory of a virtual printer")
	fs.IntVar(&pc.PaperMM, "paper", 80, "paper width in mm: 58 or 80")
	autoPrint := fs.Bool("auto-print", true, "print receipts and kitchen tickets the server sends on its own")
	var code string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		code, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if code == "" && fs.NArg() > 0 {
		code = fs.Arg(0)
	}
	if code == "" || *server == "" {
		return errors.New("pair: usage: bridge pair <code> -server URL")
	}
	path, _, err := configPath(*cfgFlag, *data, getenv)
	if err != nil {
		return err
	}
	cfg := &Config{AutoPrint: *autoPrint, Scanner: sc, Printer: pc}
	if old, err := loadConfig(path); err == nil {
		cfg = old // keep the device settings; only the pairing changes
	}
	if *name == "" {
		*name, _ = os.Hostname()
	}
	resp, err := requestPairing(ctx, *server, code, *name)
	if err != nil {
		return err
	}
	cfg.Server = strings.TrimRight(*server, "/")
	cfg.BridgeID, cfg.StoreID, cfg.Credential, cfg.ServerKey = resp.BridgeID, resp.StoreID, resp.Credential, resp.ServerKey
	if err := saveConfig(path, cfg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "paired as %s with store %s; config written to %s\n", resp.BridgeID, resp.StoreID, path)
	return nil
}

func requestPairing(ctx context.Context, server, code, name string) (wire.PairResponse, error) {
	body, _ := json.Marshal(wire.PairRequest{Code: code, Name: name})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/api/bridges/pair", bytes.NewReader(body))
	if err != nil {
		return wire.PairResponse{}, fmt.Errorf("pair: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.HeaderCSRF, "bridge")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return wire.PairResponse{}, fmt.Errorf("pair: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return wire.PairResponse{}, fmt.Errorf("pair: %w", err)
	}
	if res.StatusCode != http.StatusCreated {
		var e wire.Error
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return wire.PairResponse{}, fmt.Errorf("pair: the server refused: %s", e.Error.Message)
		}
		return wire.PairResponse{}, fmt.Errorf("pair: the server answered %s", res.Status)
	}
	var out wire.PairResponse
	if err := json.Unmarshal(b, &out); err != nil {
		return wire.PairResponse{}, fmt.Errorf("pair: %w", err)
	}
	return out, nil
}

// runFlags are the flags of bridge run.
type runFlags struct {
	config, data string
	demo         bool
	pairFile     string
	server       string
	logLevel     string
}

// runCmd runs the bridge until ctx ends: scanner, printers, local
// endpoint and uplink. With -demo it pairs itself with a code from
// -pair-file if it is not paired yet, prints to a virtual printer in the
// data directory and reads scans from stdin.
func runCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f runFlags
	fs.StringVar(&f.config, "config", "", "config file (default: bridge.json in the data directory)")
	fs.StringVar(&f.data, "data", "", "bridge data directory (queues, config)")
	fs.BoolVar(&f.demo, "demo", false, "simulated devices: a virtual printer in the data directory, scans from stdin")
	fs.StringVar(&f.pairFile, "pair-file", "", "with -demo: pair with the code in this file if not paired yet")
	fs.StringVar(&f.server, "server", "http://localhost:8080", "with -demo: the server to pair with")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("run: bad -log-level %q", f.logLevel)
	}
	path, dir, err := configPath(f.config, f.data, getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if f.demo {
		if err := demoPair(ctx, path, dir, f, stdout); err != nil {
			return err
		}
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return fmt.Errorf("run: %s: %w", path, err)
	}
	var scans <-chan string
	if f.demo {
		scans = readLines(stdin)
		fmt.Fprintf(stdout, "demo bridge %s: type a code and Enter to scan it; prints go to %s\n", cfg.BridgeID, cfg.Printer.Virtual)
	}
	ln, err := net.Listen("tcp", cfg.listen())
	if err != nil {
		return fmt.Errorf("run: local endpoint: %w", err)
	}
	return serveBridge(ctx, cfg, dir, ln, scans, log)
}

// demoPair writes a demo config, paired with the code the server left in
// pairFile, unless the bridge is paired already.
func demoPair(ctx context.Context, path, dir string, f runFlags, stdout io.Writer) error {
	if cfg, err := loadConfig(path); err == nil && cfg.check() == nil {
		return nil
	}
	if f.pairFile == "" {
		return errors.New("run -demo: not paired yet and no -pair-file")
	}
	cfg := &Config{AutoPrint: true, Printer: PrinterConfig{Virtual: filepath.Join(dir, "virtual-printer"), PaperMM: 80}}
	// The server may still be starting: until it has written a fresh code
	// and listens, read the file and ask again, for up to 30 s.
	var resp wire.PairResponse
	var err error
	for try := 0; ; try++ {
		var code []byte
		if code, err = os.ReadFile(f.pairFile); err == nil {
			resp, err = requestPairing(ctx, f.server, strings.TrimSpace(string(code)), "Demo bridge")
		}
		if err == nil || try >= 60 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("run -demo: %w", err)
	}
	cfg.Server = strings.TrimRight(f.server, "/")
	cfg.BridgeID, cfg.StoreID, cfg.Credential, cfg.ServerKey = resp.BridgeID, resp.StoreID, resp.Credential, resp.ServerKey
	if err := saveConfig(path, cfg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo bridge paired as %s\n", resp.BridgeID)
	return nil
}

// readLines delivers stdin's lines until it ends. The goroutine cannot be
// stopped while blocked in a read of stdin; it ends with stdin (or the
// process).
func readLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				ch <- line
			}
		}
	}()
	return ch
}

// serveBridge runs the devices and the link until ctx ends. scans, if not
// nil, are codes from a simulated scanner.
func serveBridge(ctx context.Context, cfg *Config, dir string, ln net.Listener, scans <-chan string, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	key, err := cfg.serverKey()
	if err != nil {
		ln.Close()
		return err
	}
	// The devices report to the link, made below once the capabilities
	// are known; nothing reports before the printers run, after that.
	d := &devices{ctx: ctx}
	var l *link.Link
	d.changed = func() { l.SetStatus(d.status()) }
	d.report = func(st wire.JobStatus) { l.JobStatus(st) }
	changed := func() { d.changed() }
	d.receipt, err = openStation("receipt", dir, cfg.Printer, log, changed)
	if err != nil {
		ln.Close()
		return err
	}
	caps := []string{wire.CapPrint, wire.CapCashDrawer, wire.CapDeviceState}
	if cfg.Kitchen != nil && cfg.Kitchen.configured() {
		if d.kitchen, err = openStation("kitchen", dir, *cfg.Kitchen, log, changed); err != nil {
			d.receipt.dev.Close()
			ln.Close()
			return err
		}
		caps = append(caps, wire.CapKitchen)
	}
	if cfg.Scanner.Port != "" || scans != nil {
		caps = append(caps, wire.CapScan)
	}
	l = link.New(link.Config{BridgeID: cfg.BridgeID, StoreID: cfg.StoreID, Version: version, Capabilities: caps,
		AutoPrint: cfg.AutoPrint, Origins: cfg.Origins, Hosts: cfg.Hosts, ServerKey: key,
		ServerURL: cfg.Server, Credential: cfg.Credential, Print: d.Print, Logger: log})
	l.SetStatus(d.status())

	var wg sync.WaitGroup
	errc := make(chan error, 8)
	start := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	for _, s := range d.stations() {
		start(s.name+" printer", s.sp.Run)
	}
	start("local endpoint", func(ctx context.Context) error { return l.RunLocal(ctx, ln) })
	start("uplink", l.RunUplink)
	if cfg.Scanner.Port != "" {
		r := scanner.NewReader(scanner.Config{Port: cfg.Scanner.Port, Baud: cfg.Scanner.Baud, Logger: log.With("device", "scanner"),
			State: d.setScanner})
		start("scanner", func(ctx context.Context) error { return r.Run(ctx, l.Scan) })
	}
	if scans != nil {
		d.setScanner(true)
		start("demo scanner", func(ctx context.Context) error {
			for {
				select {
				case <-ctx.Done():
					return nil
				case code, ok := <-scans:
					if !ok {
						return nil
					}
					l.Scan(code)
				}
			}
		})
	}
	log.Info("bridge running", "bridge", cfg.BridgeID, "server", cfg.Server, "local", ln.Addr().String())
	<-ctx.Done()
	wg.Wait()
	d.watch.Wait()
	for _, s := range d.stations() {
		s.dev.Close()
	}
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}
