package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"qrpos/bridge/escpos"
	"qrpos/bridge/internal/serialio"
	"qrpos/bridge/printer"
	"qrpos/bridge/receipt"
	"qrpos/internal/wire"
)

// station is one printer with its queue and spooler.
type station struct {
	name string
	q    *printer.Queue
	sp   *printer.Spooler
	dev  *watchedDevice
}

func openStation(name, dataDir string, pc PrinterConfig, log *slog.Logger, changed func()) (*station, error) {
	width, err := pc.width()
	if err != nil {
		return nil, err
	}
	var dev printer.Device
	switch {
	case pc.Port != "":
		dev = printer.NewSerial(serialio.Config{Name: pc.Port, Baud: pc.Baud}, printer.StreamOptions{})
	case pc.TCP != "":
		dev = printer.NewTCP(pc.TCP, printer.StreamOptions{})
	case pc.Virtual != "":
		v, err := printer.NewVirtual(pc.Virtual, width, nil)
		if err != nil {
			return nil, err
		}
		dev = v
	default:
		return nil, fmt.Errorf("%s printer: no port, tcp or virtual directory", name)
	}
	wd := &watchedDevice{Device: dev, online: true, changed: changed}
	q, err := printer.OpenQueue(filepath.Join(dataDir, "queue-"+name), 0, nil)
	if err != nil {
		dev.Close()
		return nil, err
	}
	sp, err := printer.NewSpooler(q, wd, printer.Options{Width: width, Logger: log.With("printer", name)})
	if err != nil {
		dev.Close()
		return nil, err
	}
	return &station{name: name, q: q, sp: sp, dev: wd}, nil
}

// watchedDevice remembers what the printer last said about itself, for
// device.status.
type watchedDevice struct {
	printer.Device
	changed func()

	mu     sync.Mutex
	online bool
	status escpos.Status
}

func (d *watchedDevice) Status(ctx context.Context) (escpos.Status, error) {
	st, err := d.Device.Status(ctx)
	d.record(err == nil || errors.Is(err, printer.ErrNoStatus), st)
	return st, err
}

func (d *watchedDevice) Print(ctx context.Context, job *wire.PrintJob, data []byte) (bool, error) {
	ok, err := d.Device.Print(ctx, job, data)
	if ctx.Err() == nil {
		d.mu.Lock()
		st := d.status
		d.mu.Unlock()
		d.record(err == nil, st)
	}
	return ok, err
}

func (d *watchedDevice) record(online bool, st escpos.Status) {
	d.mu.Lock()
	same := d.online == online && d.status == st
	d.online, d.status = online, st
	d.mu.Unlock()
	if !same {
		d.changed()
	}
}

func (d *watchedDevice) state() (bool, escpos.Status) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.online && !d.status.Offline, d.status
}

// devices are the bridge's printers and the state of its scanner. Print
// is the link's way in: it queues a job on the right printer and watches
// it until printed, reporting through report.
type devices struct {
	receipt *station
	kitchen *station // nil: kitchen tickets print on the receipt printer

	mu      sync.Mutex
	scanner bool

	ctx     context.Context // of Run: bounds the watchers
	watch   sync.WaitGroup
	report  func(wire.JobStatus)
	changed func()
}

func (d *devices) stations() []*station {
	if d.kitchen != nil {
		return []*station{d.receipt, d.kitchen}
	}
	return []*station{d.receipt}
}

func (d *devices) setScanner(connected bool) {
	d.mu.Lock()
	d.scanner = connected
	d.mu.Unlock()
	d.changed()
}

// status is the devices' state for device.status.
func (d *devices) status() wire.DeviceStatus {
	d.mu.Lock()
	st := wire.DeviceStatus{ScannerConnected: d.scanner}
	d.mu.Unlock()
	online, ps := d.receipt.dev.state()
	st.PrinterOnline, st.PaperOut, st.PaperNearEnd, st.CoverOpen = online, ps.PaperEnd, ps.PaperNearEnd, ps.CoverOpen
	for _, s := range d.stations() {
		if jobs, err := s.q.Pending(); err == nil {
			st.JobsWaiting += len(jobs)
		}
	}
	return st
}

// Print queues job and answers queued, duplicate or failed at once; a
// queued job is watched until it printed.
func (d *devices) Print(job wire.PrintJob) wire.JobStatus {
	s := d.receipt
	if job.Kind == wire.PrintKindKitchen && d.kitchen != nil {
		s = d.kitchen
	}
	err := s.sp.Submit(job)
	switch {
	case errors.Is(err, printer.ErrDuplicate):
		return wire.JobStatus{ID: job.ID, State: wire.JobDuplicate}
	case errors.Is(err, receipt.ErrInvalid):
		return wire.JobStatus{ID: job.ID, State: wire.JobFailed, Error: err.Error()}
	case err != nil:
		return wire.JobStatus{ID: job.ID, State: wire.JobFailed, Error: "the bridge could not queue the job"}
	}
	d.changed()
	d.watch.Add(1)
	go func() {
		defer d.watch.Done()
		err := s.sp.WaitPrinted(d.ctx, job.ID)
		switch {
		case err == nil:
			d.report(wire.JobStatus{ID: job.ID, State: wire.JobPrinted})
		case errors.Is(err, printer.ErrFailed):
			d.report(wire.JobStatus{ID: job.ID, State: wire.JobFailed, Error: "the printer could not print it"})
		default:
			return // the bridge is stopping; the job stays queued
		}
		d.changed()
	}()
	return wire.JobStatus{ID: job.ID, State: wire.JobQueued}
}
