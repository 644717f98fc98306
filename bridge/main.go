// Command bridge is the QRPOS bridge, the daemon on the counter PC that
// drives a serial QR/barcode scanner and an ESC/POS receipt printer.
//
// It pairs with a server once, then runs as a service; the other commands
// check the hardware:
//
//	bridge pair <code> -server https://pos.example.com
//	bridge run [-config FILE]
//	bridge version
//	bridge print-test -port /dev/ttyUSB0 | -tcp 192.168.1.50:9100 | -virtual DIR  [-width 48] [-lang zh]
//	bridge scan -port /dev/ttyACM0
//
// Print jobs go through the same durable queue the service will use, in
// the directory given by -data (default $QRPOS_BRIDGE_DATA, else
// qrpos-bridge in the user's configuration directory).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"qrpos/bridge/internal/serialio"
	"qrpos/bridge/printer"
	"qrpos/bridge/receipt"
	"qrpos/bridge/scanner"
	"qrpos/internal/money"
	"qrpos/internal/wire"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if ok, err := runAsService(func(ctx context.Context) error { return run(ctx, os.Args[1:], os.Getenv, os.Stdout) }); ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, "bridge:", err)
			os.Exit(1) // the service manager shows the exit code
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bridge:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  bridge version
  bridge print-test (-port PATH | -tcp HOST:PORT | -virtual DIR) [-width 32|42|48] [-lang en|zh]
  bridge scan -port PATH
  bridge pair <code> -server URL [-scanner-port PATH] [-printer-port PATH | -printer-tcp HOST:9100] [-paper 58|80]
  bridge run [-config FILE] [-demo -pair-file FILE -server URL]`

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("no command\n" + usage)
	}
	switch args[0] {
	case "version":
		fmt.Fprintf(stdout, "bridge %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case "print-test":
		return printTest(ctx, args[1:], getenv, stdout)
	case "scan":
		return scan(ctx, args[1:], stdout)
	case "pair":
		return pair(ctx, args[1:], getenv, stdout)
	case "run":
		return runCmd(ctx, args[1:], getenv, os.Stdin, stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

func newLogger(verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func dataDir(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := getenv("QRPOS_BRIDGE_DATA"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set -data or QRPOS_BRIDGE_DATA: %w", err)
	}
	return filepath.Join(d, "qrpos-bridge"), nil
}

func printTest(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("print-test", flag.ContinueOnError)
	fs.SetOutput(stdout)
	port := fs.String("port", "", "serial port of the printer (/dev/ttyUSB0, COM3)")
	baud := fs.Int("baud", 9600, "serial baud rate")
	tcp := fs.String("tcp", "", "network printer address (host:9100)")
	virtual := fs.String("virtual", "", "directory to write jobs into instead of printing")
	width := fs.Int("width", receipt.Columns80, "paper width in columns: 32 (58 mm), 42 or 48 (80 mm)")
	lang := fs.String("lang", "en", "language of the sample receipt: en or zh")
	data := fs.String("data", "", "bridge data directory (queue)")
	timeout := fs.Duration("timeout", time.Minute, "how long to wait for the printer")
	verbose := fs.Bool("v", false, "log debug messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if n := countSet(*port, *tcp, *virtual); n != 1 {
		return errors.New("print-test: give exactly one of -port, -tcp and -virtual")
	}
	if !receipt.ValidWidth(*width) {
		return fmt.Errorf("print-test: width %d not 32, 42 or 48", *width)
	}
	dir, err := dataDir(*data, getenv)
	if err != nil {
		return err
	}
	log := newLogger(*verbose)

	var dev printer.Device
	switch {
	case *port != "":
		dev = printer.NewSerial(serialio.Config{Name: *port, Baud: *baud}, printer.StreamOptions{})
	case *tcp != "":
		dev = printer.NewTCP(*tcp, printer.StreamOptions{})
	default:
		v, err := printer.NewVirtual(*virtual, *width, nil)
		if err != nil {
			return err
		}
		dev = v
	}
	defer dev.Close()
	q, err := printer.OpenQueue(filepath.Join(dir, "queue"), 0, nil)
	if err != nil {
		return err
	}
	sp, err := printer.NewSpooler(q, dev, printer.Options{Width: *width, Logger: log})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sp.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()

	job := testJob(newID(), *lang, time.Now())
	if err := sp.Submit(job); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "queued test job %s\n", job.ID)
	wctx, wcancel := context.WithTimeout(ctx, *timeout)
	defer wcancel()
	if err := sp.WaitPrinted(wctx, job.ID); err != nil {
		return fmt.Errorf("print-test: job %s not printed (it stays queued): %w", job.ID, err)
	}
	fmt.Fprintf(stdout, "printed test job %s\n", job.ID)
	return nil
}

func countSet(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}

// testJob is a printer test page with a sample receipt.
func testJob(id, lang string, now time.Time) wire.PrintJob {
	cny := func(m int64) money.Amount { return money.New(m, "CNY") }
	doc := &wire.ReceiptDoc{
		Lang: lang, StoreName: "QRPOS Test Kitchen", StoreAddress: "1 Example Street",
		OrderNumber: 1, Table: "T1", Cashier: "Test", Time: now,
		Lines: []wire.PrintLine{
			{Name: "Kung Pao Chicken 宫保鸡丁", Qty: 1, UnitPrice: cny(3800), Total: cny(3800), Modifiers: []string{"Mild"}},
			{Name: "Jasmine tea", Qty: 2, UnitPrice: cny(600), Total: cny(1200)},
		},
		Subtotal: cny(5000), Total: cny(5000), Paid: cny(5000), Rail: "cash",
		ReceiptURL: "https://example.com/qrpos/test",
	}
	if strings.HasPrefix(lang, "zh") {
		doc.StoreName, doc.StoreAddress, doc.Cashier = "QRPOS 测试小馆", "示例路1号", "测试"
		doc.Lines[0].Name, doc.Lines[0].Modifiers = "宫保鸡丁", []string{"微辣"}
		doc.Lines[1].Name = "茉莉花茶"
	}
	return wire.PrintJob{ID: id, Kind: wire.PrintKindTest, Receipt: doc}
}

func scan(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stdout)
	port := fs.String("port", "", "serial port of the scanner (/dev/ttyACM0, COM4)")
	baud := fs.Int("baud", 9600, "serial baud rate")
	window := fs.Duration("repeat-window", time.Second, "drop an identical code seen again within this time")
	verbose := fs.Bool("v", false, "log debug messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *port == "" {
		return errors.New("scan: -port is required")
	}
	r := scanner.NewReader(scanner.Config{
		Port: *port, Baud: *baud, RepeatWindow: *window, Logger: newLogger(*verbose),
	})
	return r.Run(ctx, func(code string) { fmt.Fprintln(stdout, code) })
}
